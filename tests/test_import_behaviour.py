"""import_cables: idempotent, order-independent, every input accounted for, nothing half-written."""

import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from cables.importing import indexes, readers, run, writer
from cables.importing.run import import_paths, one_import_at_a_time, read_ahead
from cables.models import Cable, Reference
from tests.conftest import CORPUS_ARCHIVE, PROJECT_DIR, SEEDS_DIR

pytestmark = pytest.mark.django_db

SEED_641 = SEEDS_DIR / "000_ee403f0e40051563.txt"
SEED_1160 = SEEDS_DIR / "003_1b2d477f79bdd653.txt"


def outcomes(paths, **options):
    report = io.StringIO()
    summary = import_paths(paths, workers=1, report=report, quiet=True, **options)
    return summary, [json.loads(line) for line in report.getvalue().splitlines()]


def test_changed_text_updates_the_cable_in_place(tmp_path):
    import_paths([SEED_641], workers=1, quiet=True)
    cable = Cable.objects.get(reference_id="06BAKU641")
    edited = tmp_path / "06BAKU641.txt"
    edited.write_text(
        SEED_641.read_text().replace("Najjar visited Azerbaijan", "Najjar toured Azerbaijan")
    )
    summary, lines = outcomes([edited])
    assert summary.counts["updated"] == 1
    assert lines[0]["outcome"] == "updated"
    again = Cable.objects.get(reference_id="06BAKU641")
    assert again.pk == cable.pk
    assert again.updated_at > cable.updated_at
    assert again.imported_at == cable.imported_at
    assert "Najjar toured Azerbaijan" in again.paragraphs.get(anchor="p1").text
    assert again.paragraphs.count() == 2
    assert again.tags.count() == 7


def test_a_run_keeps_nothing_of_what_it_met_once_it_is_over():
    summary = import_paths([SEEDS_DIR], workers=1, quiet=True)
    assert summary.counts["imported"] == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cables_import_seen")
        assert cursor.fetchone()[0] == 0
        if connection.vendor == "postgresql":  # nor dead rows on disk
            cursor.execute("SELECT pg_relation_size('cables_import_seen')")
            assert cursor.fetchone()[0] == 0
    # What it met is not needed to know a cable again: the next run finds them unchanged.
    assert import_paths([SEEDS_DIR], workers=1, quiet=True).counts["unchanged"] == 4


def test_a_reference_resolves_when_its_target_arrives_later(tmp_path):
    import_paths([SEED_1160], workers=1, quiet=True)
    reference = Reference.objects.get(target_reference_id="07BAKU1141")
    assert reference.target is None
    # A cable 07BAKU1141 arriving in a later run: the seed 06BAKU641 rewritten under that ID.
    target = tmp_path / "target.txt"
    target.write_text(
        SEED_641.read_text()
        .replace("BAKU 000641", "BAKU 001141")
        .replace("#0641 1170223", "#1141 2630600")
        .replace("270223Z APR 06", "200600Z SEP 07")
    )
    summary, _ = outcomes([target])
    assert summary.counts["imported"] == 1, summary.rejected
    reference.refresh_from_db()
    assert reference.target.reference_id == "07BAKU1141"
    assert list(reference.target.referenced_by.values_list("from_cable__reference_id", flat=True))


def test_order_of_inputs_does_not_change_the_result(tmp_path):
    longer = tmp_path / "a.txt"
    longer.write_text(SEED_641.read_text() + "\n\nADDITIONAL CLOSING TEXT IN ONE COPY\n")
    import_paths([SEED_641, longer], workers=1, quiet=True)
    first = Cable.objects.get(reference_id="06BAKU641").content_hash
    Cable.objects.all().delete()
    import_paths([longer, SEED_641], workers=1, quiet=True)
    assert Cable.objects.get(reference_id="06BAKU641").content_hash == first


@pytest.mark.parametrize("stored_first", ["longer", "shorter"])
def test_a_second_text_of_a_stored_cable_met_in_the_same_run_is_weighed_against_it(
    tmp_path, stored_first
):
    """A run that finds a cable's text stored already, then meets another text of it: the
    longer of the two is kept, as when both are new."""
    longer = tmp_path / "a.txt"
    longer.write_text(SEED_641.read_text() + "\n\nADDITIONAL CLOSING TEXT IN ONE COPY\n")
    import_paths([longer], workers=1, quiet=True)
    kept = Cable.objects.get(reference_id="06BAKU641").content_hash
    stored, other = (longer, SEED_641) if stored_first == "longer" else (SEED_641, longer)
    if stored is SEED_641:
        Cable.objects.all().delete()
        import_paths([SEED_641], workers=1, quiet=True)
    _, lines = outcomes([stored, other])
    assert Cable.objects.get(reference_id="06BAKU641").content_hash == kept
    by_source = {Path(line["source"]).name: line for line in lines}
    assert by_source[stored.name]["outcome"] == "unchanged"
    if stored is longer:
        assert by_source[other.name]["outcome"] == "unchanged"
        assert "another text of 06BAKU641 in this import is kept" in by_source[other.name]["note"]
    else:
        assert by_source[other.name]["outcome"] == "updated"


def test_a_cable_read_by_an_older_version_is_read_again():
    """A parser fixed since a cable was imported reads it again at the next import, though its
    text is unchanged; cables read by the current version are skipped as before."""
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    old = Cable.objects.get(reference_id="06BAKU641")
    paragraphs = list(old.paragraphs.order_by("position").values_list("number", "text"))
    assert len(paragraphs) >= 2
    # As an older parser might have left it: fewer paragraphs, another subject.
    old.paragraphs.filter(position__gt=0).delete()
    Cable.objects.filter(pk=old.pk).update(read_with=0, subject="AS READ BEFORE")
    current = Cable.objects.exclude(pk=old.pk).first()
    Cable.objects.filter(pk=current.pk).update(subject="KEPT: NOT READ AGAIN")

    summary, lines = outcomes([SEEDS_DIR])
    by_id = {line["reference_id"]: line["outcome"] for line in lines if line["reference_id"]}
    assert by_id.pop("06BAKU641") == "updated"
    assert set(by_id.values()) == {"unchanged"}
    cable = Cable.objects.get(reference_id="06BAKU641")
    assert cable.subject != "AS READ BEFORE"
    assert list(cable.paragraphs.order_by("position").values_list("number", "text")) == paragraphs
    assert Cable.objects.get(pk=current.pk).subject == "KEPT: NOT READ AGAIN"

    summary, _ = outcomes([SEEDS_DIR])
    assert summary.counts["updated"] == 0 and summary.counts["imported"] == 0


@pytest.fixture
def pages_read(monkeypatch):
    """The sources of the pages an import reads (readers.read_page on a page left unread)."""
    sources = []

    def read_page(document):
        if document.data is not None:
            sources.append(Path(document.source).name)
        return readers.read_page(document)

    monkeypatch.setattr(writer, "read_page", read_page)
    monkeypatch.setattr(run, "read_page", read_page)
    return sources


def corpus_pages(folder, count):
    """The first ``count`` pages of the corpus, as files in ``folder``."""
    folder.mkdir()
    with tarfile.open(CORPUS_ARCHIVE, "r|gz") as archive:
        for member in archive:
            if member.isfile() and count:
                (folder / Path(member.name).name).write_bytes(archive.extractfile(member).read())
                count -= 1
    return sorted(folder.iterdir())


def test_a_reimport_knows_unchanged_pages_by_their_bytes_without_reading_them(tmp_path, pages_read):
    Cable.objects.all().delete()  # the corpus other tests share holds these pages
    pages = corpus_pages(tmp_path / "pages", 4)
    assert import_paths(pages, workers=1, quiet=True).counts["imported"] == 4
    assert pages_read == []  # into an empty archive, every page is read at once
    stored = dict(Cable.objects.values_list("source", "source_hash"))
    assert stored == {str(page): hashlib.sha256(page.read_bytes()).hexdigest() for page in pages}

    # Unchanged: nothing read. One page's text edited: that page alone is read, and updated.
    summary, lines = outcomes(pages)
    assert summary.counts["unchanged"] == 4 and pages_read == []
    edited, reshaped, *_ = pages
    edited.write_bytes(edited.read_bytes().replace(b"</pre>", b"\nEDITED</pre>", 1))
    # Bytes changed outside the text (a page saved again with a note after it): the same text.
    reshaped.write_bytes(reshaped.read_bytes() + b"\n<!-- saved again -->\n")
    summary, lines = outcomes(pages)
    assert {line["source"]: line["outcome"] for line in lines} == {
        str(edited): "updated",
        str(reshaped): "unchanged",
        **{str(page): "unchanged" for page in pages[2:]},
    }
    assert sorted(pages_read) == sorted([edited.name, reshaped.name])
    # Both are known by their new bytes from now on.
    pages_read.clear()
    assert outcomes(pages)[0].counts["unchanged"] == 4 and pages_read == []


def test_an_archive_imported_before_the_bytes_were_hashed_learns_them_at_its_next_import(
    tmp_path, pages_read
):
    Cable.objects.all().delete()  # as above
    pages = corpus_pages(tmp_path / "pages", 3)
    import_paths(pages, workers=1, quiet=True)
    Cable.objects.update(source_hash=None)  # as migration 0018 leaves the cables before it
    assert outcomes(pages)[0].counts["unchanged"] == 3
    assert sorted(pages_read) == sorted(page.name for page in pages)
    assert set(Cable.objects.values_list("source_hash", flat=True)) == {
        hashlib.sha256(page.read_bytes()).hexdigest() for page in pages
    }
    pages_read.clear()
    assert outcomes(pages)[0].counts["unchanged"] == 3 and pages_read == []


@pytest.fixture
def bad_inputs(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(SEED_641, folder / "good-641.txt")
    shutil.copy(SEED_1160, folder / "good-1160.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 64)
    with tarfile.open(CORPUS_ARCHIVE) as archive:
        member = next(m for m in archive if m.isfile())
        page = archive.extractfile(member).read()
    (folder / "truncated.html").write_bytes(page[: len(page) - 3000])
    (folder / "cp1252.txt").write_bytes(
        SEED_641.read_text()
        .replace("BAKU 000641", "BAKU 000642")
        .replace("Iranian Defense", "Iranian D\u00e9fense \u201cMinister\u201d")
        .encode("cp1252")
    )
    with (folder / "junk.dat").open("wb") as junk:
        chunk = b"lorem ipsum dolor sit amet XXXXXXXX 1234 \n" * 25_000
        for _ in range(50):
            junk.write(chunk)
    loop = folder / "loop"
    loop.mkdir()
    (loop / "again").symlink_to(loop, target_is_directory=True)
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    return folder


def test_bad_inputs_are_reported_and_the_rest_imported(bad_inputs):
    _, lines = outcomes([bad_inputs])
    by_name = {line["source"].rsplit("/", 1)[-1]: line for line in lines}
    for name in ("good-641.txt", "good-1160.txt"):
        assert by_name[name]["outcome"] == "imported"
    assert by_name["cp1252.txt"]["outcome"] == "imported"
    assert any("cp1252" in note for note in by_name["cp1252.txt"]["notes"])
    assert "D\u00e9fense" in Cable.objects.get(reference_id="06BAKU642").body
    rejected = {
        name: line["reason"] for name, line in by_name.items() if line["outcome"] == "rejected"
    }
    assert "empty" in rejected["empty.txt"]
    assert "binary" in rejected["binary.bin"]
    assert "truncated" in rejected["truncated.html"]
    assert "junk.dat" in rejected
    assert "dangling.txt" in rejected
    assert any("loop" in line["reason"] for line in lines if line["outcome"] == "rejected")
    assert all("\n" not in line.get("reason", "") for line in lines)
    assert set(
        Cable.objects.filter(reference_id__in=["06BAKU641", "06BAKU642", "07BAKU1160"]).values_list(
            "reference_id", flat=True
        )
    ) == {"06BAKU641", "06BAKU642", "07BAKU1160"}


def run_command(*args, env=None, timeout=300):
    return subprocess.run(
        [sys.executable, "manage.py", "import_cables", *map(str, args)],
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def separate_database(tmp_path, name):
    """An environment pointing manage.py at a database of its own, of the suite's kind."""
    if connection.vendor == "sqlite":
        return {"DATABASE_URL": f"sqlite:///{tmp_path / name}.sqlite3"}, None
    import psycopg

    settings = connection.settings_dict
    admin = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname="postgres",
        autocommit=True,
    )
    database = f"{settings['NAME']}_{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
    admin.execute(f'CREATE DATABASE "{database}"')
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{database}"

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()

    return {"DATABASE_URL": url}, drop


def dump(env):
    script = (
        "import json; from django.db import connection; from cables import search;"
        "from cables.models import *;"
        "print(json.dumps(["
        "sorted(Cable.objects.values_list('reference_id', 'content_hash', 'label', 'subject')),"
        "sorted(Paragraph.objects.values_list('cable__reference_id', 'position', 'level', 'text')),"
        "sorted(CableTag.objects.values_list('cable__reference_id', 'tag__code', 'position')),"
        "sorted(Reference.objects.values_list('from_cable__reference_id', 'printed',"
        " 'target__reference_id')),"
        "sorted(Tag.objects.values_list('code', 'cable_count')),"
        "sorted(Entity.objects.values_list('key', 'name', 'kind', 'mention_count',"
        " 'cable_count', 'merged_into__key')),"
        "sorted(Mention.objects.values_list('cable__reference_id', 'start', 'entity__key')),"
        # What a search finds: SQLite's index is built at the end of a first import too.
        "[sorted(search.filter_paragraphs(Paragraph.objects.all(), q)"
        ".values_list('cable__reference_id', 'position')) for q in ('embassy', 'nuclear')],"
        "sorted(search.filter_cables(Cable.objects.all(), 'visit')"
        ".values_list('reference_id', flat=True)),"
        # The indexes, primary keys and foreign keys of the tables whose indexes (and, on
        # PostgreSQL, keys) a first import builds at its end.
        "sorted(name for table in ('cables_mention', 'cables_paragraph', 'cables_cabletag',"
        " 'cables_reference', 'cables_cable_caveats') for name, about in"
        " connection.introspection.get_constraints(connection.cursor(), table).items()"
        " if about['index'] or about['foreign_key'] or about['primary_key'])],"
        " default=str))"
    )
    result = shell(script, env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def shell(script, env, check=False):
    """Run Python code with manage.py shell on the database of ``env``."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=check,
    )


def migrate(env):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        check=True,
    )


def start_import(env):
    """An import of the corpus with 2 parser processes, started: its outputs to read."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_cables", str(CORPUS_ARCHIVE), "--workers", "2"],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def import_under_way(env):
    """start_import, once its first progress line shows (they come every few seconds)."""
    process = start_import(env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "/1000" in line or not line:
            break
    return process


def parser_processes(pid):
    """The pids of the parser processes an import started (spawned: "spawn_main")."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with contextlib.suppress(OSError):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(int(child))
    return found


def assert_whole_batches_then_finished_by_a_rerun(env):
    """After a run stopped midway: part of the corpus written, every cable with its
    paragraphs (no batch half-written), and the next run imports the rest."""
    written = dump(env)
    assert len(written[0]) < 1000, "the run should have stopped midway"
    assert {row[0] for row in written[1]} == {row[0] for row in written[0]}
    again = run_command(CORPUS_ARCHIVE, "--quiet", env=env)
    assert again.returncode == 0, again.stderr
    assert len(dump(env)[0]) == 1000


def test_a_parser_process_killed_midway_stops_the_run_with_a_reason(tmp_path):
    """Killed from outside (out of memory, an operator), a parser process takes the chunk it
    held with it: the run says so in one line and stops; what it wrote (if anything) is whole,
    and the next run finishes the import."""
    env, drop = separate_database(tmp_path, "parser-killed")
    try:
        migrate(env)
        process = start_import(env)
        # As soon as both have started: later, they may have parsed the whole corpus already
        # (they parse two chunks of 400 ahead of the writer).
        deadline = time.monotonic() + 60
        parsers = []
        while len(parsers) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
            parsers = parser_processes(process.pid)
        assert len(parsers) == 2
        os.kill(parsers[0], signal.SIGKILL)
        _, err = process.communicate(timeout=120)
        assert process.returncode == 2
        assert err.strip().splitlines() == [
            "CommandError: a parser process ended before its work was done (killed, or out of "
            "memory); the cables written so far are kept: run the import again to go on"
        ]
        assert_whole_batches_then_finished_by_a_rerun(env)
    finally:
        if drop:
            drop()


def test_a_parser_killed_halfway_through_sending_its_outcomes_stops_the_run():
    """A parcel's outcomes are larger than a pipe holds: a parser killed while it writes them
    leaves half a message behind. The run must still end with ParserLost, not wait for the rest
    of the message for ever (as concurrent.futures' ProcessPoolExecutor does), and the parcels
    parsed before it keep their outcomes."""
    from cables.importing.parsers import ParserLost, ParserProcesses
    from tests import worker_doubles

    got, raised = [], []

    def run():
        try:
            with ParserProcesses(2, worker_doubles.echo_or_die) as parsers:
                parcels = [parsers.parse([f"document {number}"]) for number in range(6)]
                parcels.append(parsers.parse([worker_doubles.DIE]))
                parcels += [parsers.parse([f"document {number}"]) for number in range(6, 40)]
                for parcel in parcels:
                    got.extend(parcel.outcomes())
        except Exception as error:
            raised.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the run waits for ever for the killed parser's outcomes"
    assert len(raised) == 1 and isinstance(raised[0], ParserLost), raised
    assert got == [f"document {number}" for number in range(6)]


def test_an_import_killed_midway_and_run_again_equals_one_clean_run(tmp_path):
    """The killed run's lock goes with it: the next run takes the database and finishes."""
    killed_env, drop_killed = separate_database(tmp_path, "killed")
    clean_env, drop_clean = separate_database(tmp_path, "clean")
    try:
        migrate(killed_env)
        migrate(clean_env)
        process = import_under_way(killed_env)
        # One import at a time: a second one is refused while the first holds the database.
        second = run_command(SEED_641, env=killed_env)
        assert second.returncode == 2
        assert "another import is running on this database" in second.stderr
        process.send_signal(signal.SIGKILL)
        process.wait()
        partial = dump(killed_env)
        assert 0 < len(partial[0]) < 1000, "the kill should land mid-import"
        # A first import builds the entity-ordered indexes at its end: the killed one had not.
        assert "mention_entity_idx" not in partial[-1]
        if connection.vendor == "sqlite":  # nor the search index: the search finds nothing yet
            assert partial[-3:-1] == [[[], []], []]
        assert run_command(CORPUS_ARCHIVE, "--quiet", env=killed_env).returncode == 0
        assert run_command(CORPUS_ARCHIVE, "--quiet", env=clean_env).returncode == 0
        clean = dump(clean_env)
        assert all(clean[-3]) and clean[-2], "every search finds cables of the corpus"
        assert dump(killed_env) == clean
        built = {"mention_entity_idx", "mention_key_entity_idx"}
        if connection.vendor == "postgresql":
            # Nor the mentions' primary key and the paragraphs' indexes by level.
            at_end = {
                "paragraph_search_idx",
                indexes.MENTION_PRIMARY_KEY,
                *indexes.PARAGRAPH_INDEXES,
            }
            assert not at_end & set(partial[-1])
            built |= at_end
            # Nor its foreign keys, which the finished runs added, each checked once.
            keys = {name for _, name, _ in indexes._foreign_keys()}
            assert len(keys) == 7 and not keys & set(partial[-1])
            built |= keys
        assert built <= set(clean[-1])
    finally:
        for drop in (drop_killed, drop_clean):
            if drop:
                drop()


def test_ctrl_c_stops_the_import_in_one_line_and_keeps_what_was_written(tmp_path):
    """Ctrl-C (SIGINT) mid-import: a one-line reason and status 130, no traceback; the batches
    written before it are whole, the lock is released, and the next run finishes the import."""
    env, drop = separate_database(tmp_path, "ctrl-c")
    try:
        migrate(env)
        process = import_under_way(env)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        assert process.returncode == 130, err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("CommandError: interrupted after ")
        assert lines[0].endswith(
            "inputs; the cables written so far are kept: run the import again to go on"
        )
        assert_whole_batches_then_finished_by_a_rerun(env)
    finally:
        if drop:
            drop()


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_stops_the_sqlite_statement_running_not_after_it():
    """SQLite runs a statement to its end before Python sees a Ctrl-C; during an import the
    statement is stopped (a first import's mention indexes take some 20 s at the release's
    size), the interrupt is raised as such, and the connection goes on serving."""
    if connection.vendor != "sqlite":
        pytest.skip("psycopg cancels PostgreSQL's statement on Ctrl-C itself")
    import signal

    from cables.importing.run import statements_stop_on_ctrl_c

    cables = Cable.objects.count()  # the corpus, when a test before this one imported it
    ctrl_c = threading.Timer(0.5, os.kill, [os.getpid(), signal.SIGINT])
    with pytest.raises(KeyboardInterrupt), statements_stop_on_ctrl_c():
        ctrl_c.start()
        with connection.cursor() as cursor:
            cursor.execute(SLOW_THEN_WRITTEN["sqlite"])
    ctrl_c.join()
    assert "beside_done" not in table_names(), "the statement ran to its end"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert Cable.objects.count() == cables


@pytest.mark.django_db(transaction=True)
def test_an_interrupt_that_leaves_the_connection_mid_command_still_releases_the_database():
    """Ctrl-C can cut psycopg off in the middle of a command, and the connection then refuses
    every query ("another command is already in progress"): undoing the run's session settings
    and releasing its lock must not replace the interrupt with that error, and the lock must
    still go, or the next import would be refused until this process ended."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's session lock and settings")
    import psycopg

    from cables.importing.run import IMPORT_LOCK_KEY, commits_flushed_at_the_end

    LOCK = "SELECT pg_try_advisory_lock(%s)"

    with pytest.raises(KeyboardInterrupt), one_import_at_a_time(), commits_flushed_at_the_end():
        connection.connection.pgconn.send_query(b"SELECT pg_sleep(60)")
        raise KeyboardInterrupt
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        # The server ends the closed session's process a moment later, not at once.
        deadline = time.monotonic() + 10
        while not (taken := other.execute(LOCK, [IMPORT_LOCK_KEY]).fetchone()[0]):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert taken, "the interrupted run still holds the database"
        other.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
    with connection.cursor() as cursor:  # a new session, with the server's own settings
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


def test_exit_status_and_messages(tmp_path):
    env, drop = separate_database(tmp_path, "cli")
    try:
        migrate(env)
        missing = run_command(tmp_path / "does-not-exist", env=env)
        assert missing.returncode == 2
        assert "no such file or folder" in missing.stderr
        unknown = run_command(SEED_641, "--frobnicate", env=env)
        assert unknown.returncode == 2
        assert "unrecognized arguments: --frobnicate" in unknown.stderr
        report = tmp_path / "report.jsonl"
        seeds = run_command(SEEDS_DIR, "--report", report, env=env)
        assert seeds.returncode == 1
        assert "rejected" in seeds.stdout and "004_845132c19b5e95d8.txt" in seeds.stdout
        assert "5 inputs: 4 imported, 0 updated, 0 unchanged, 1 rejected" in seeds.stdout
        assert len(report.read_text().splitlines()) == 5
        again = run_command(SEED_641, SEED_1160, env=env)
        assert again.returncode == 0
        assert "2 unchanged" in again.stdout
    finally:
        if drop:
            drop()


def test_postgresql_import_leaves_statistics_and_a_visibility_map(tmp_path):
    """Without them, until autovacuum comes (or never, when it is off), PostgreSQL guesses
    every row count and reads the tables where the indexes alone would answer."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    import psycopg

    env, drop = separate_database(tmp_path, "vacuumed")
    try:
        migrate(env)
        assert run_command(SEEDS_DIR, "--quiet", env=env).returncode == 1  # the article
        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
            rows = dict(
                db.execute(
                    "SELECT relname, (reltuples > 0 AND relallvisible = relpages) FROM pg_class "
                    "WHERE relname IN ('cables_cable', 'cables_paragraph', 'cables_cabletag', "
                    "'cables_mention')"
                ).fetchall()
            )
        assert rows == {
            "cables_cable": True,
            "cables_paragraph": True,
            "cables_cabletag": True,
            "cables_mention": True,
        }
    finally:
        drop()


def test_postgresql_import_that_replaced_cables_vacuums_their_old_texts(tmp_path):
    """A first import's cable bodies are only added, and its VACUUM leaves them be; a run
    that replaced a cable's text leaves the old one dead, and vacuums it away, even where
    autovacuum is off."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's VACUUM")
    import psycopg

    long_seed = SEEDS_DIR / "002_15ace6ba4405faed.txt"
    edited = tmp_path / "edited"
    edited.mkdir()
    env, drop = separate_database(tmp_path, "rewritten")
    try:
        migrate(env)
        assert run_command(long_seed, "--quiet", env=env).returncode == 0
        text = long_seed.read_text()
        (edited / long_seed.name).write_text(text.replace("SUMMARY:", "SUMMARY: NOTE ADDED.", 1))
        again = run_command(edited, env=env)
        assert again.returncode == 0 and "1 updated" in again.stdout
        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
            pages, visible = db.execute(
                "SELECT pg_relation_size(oid) / current_setting('block_size')::int, "
                "relallvisible FROM pg_class WHERE oid = "
                "(SELECT reltoastrelid FROM pg_class WHERE relname = 'cables_cable')"
            ).fetchone()
        assert pages > 0  # the bodies are stored out of line
        assert visible == pages
    finally:
        drop()


def test_postgresql_statistics_are_kept_while_the_archive_doubles(db):
    """A batch's look-ups read the whole table without them (autovacuum may be off)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    from django.test.utils import CaptureQueriesContext

    from cables.importing.writer import PlannerStatistics

    statistics = PlannerStatistics()
    statistics.cables = statistics.analyzed = 0
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):  # 20 batches of 400 new cables: 8,000
            statistics.grown(400)
    analyzed = [query["sql"] for query in queries if query["sql"].startswith("ANALYZE")]
    assert len(analyzed) == 3  # at 1,200, 2,400 and 4,800 cables
    assert "cables_paragraph (cable_id)" in analyzed[0]


def test_read_ahead_yields_every_input_in_order_and_raises_what_reading_raised():
    def inputs():
        yield from range(1000)
        raise OSError("disk gone")

    seen = []
    with pytest.raises(OSError, match="disk gone"):
        for item in read_ahead(inputs(), size=3):
            seen.append(item)
    assert seen == list(range(1000))


def test_read_ahead_stops_reading_when_the_import_stops():
    read, closed = [], []

    def inputs():
        try:
            for n in range(10_000):
                read.append(n)
                yield n
        finally:
            closed.append(True)

    items = read_ahead(inputs(), size=5)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()
    assert closed == [True]  # the reading thread has ended and closed its input
    assert len(read) <= 3 + 5 + 2  # what was taken, what waited, what was in hand
    assert not [t for t in threading.enumerate() if t.name == "import-read-ahead"]


def test_read_ahead_does_not_wait_for_ever_for_a_reader_that_never_comes_back():
    """A Ctrl-C inside the queue's get can leave its lock held, and the reading thread then
    waits for it for ever (an import hung so, after Ctrl-C); a read can hang too. Stopping
    must not wait for that thread."""
    never = threading.Event()

    def inputs():
        yield 1
        never.wait()  # a read that does not come back
        yield 2

    items = read_ahead(inputs(), size=5)
    assert next(items) == 1
    closing = threading.Thread(target=items.close)
    closing.start()
    closing.join(60)
    try:
        assert not closing.is_alive(), "stopping waited for the stuck reading thread"
    finally:
        never.set()


def test_postgresql_batches_commit_without_waiting_and_the_run_ends_durable(monkeypatch):
    """The batches' commits do not wait for the disk; the setting is the usual one again for
    the steps after them (whose first commit makes the batches durable), even when a batch
    fails."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")
    from cables.importing.writer import BatchWriter

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    during = []
    write = BatchWriter.write

    def watched(self, records):
        during.append(setting())
        return write(self, records)

    monkeypatch.setattr(BatchWriter, "write", watched)
    assert import_paths([SEEDS_DIR], workers=1, quiet=True).counts["imported"] == 4
    assert during and set(during) == {"off"}
    assert setting() == "on"

    def failing(self, records):
        raise RuntimeError("disk full")

    monkeypatch.setattr(BatchWriter, "write", failing)
    with pytest.raises(RuntimeError):
        import_paths([SEED_641], workers=1, quiet=True)
    assert setting() == "on"


def test_postgresql_foreign_keys_hold_after_a_first_import(transactional_db, monkeypatch):
    """A first import drops the foreign keys of the rows it writes by the cable and adds them
    at its end: they are there, checked, and refuse a paragraph of no cable afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's foreign keys")
    from django.db import IntegrityError, transaction

    from cables.models import Paragraph

    Cable.objects.all().delete()
    dropped = []
    real_defer = indexes.defer_indexes

    def defer_and_look():
        real_defer()
        dropped.append(indexes._existing_foreign_keys({"cables_paragraph"}))

    monkeypatch.setattr(run, "defer_indexes", defer_and_look)
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    monkeypatch.undo()
    keys = indexes._foreign_keys()
    assert dropped == [set()], "the batches run without the paragraphs' foreign key"

    def checked():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' "
                "AND conname = ANY(%s)",
                [[name for _, name, _ in keys]],
            )
            return sorted(cursor.fetchall())

    assert checked() == sorted((name, True) for _, name, _ in keys)
    # A run killed after adding them, before checking them, leaves them unchecked: the next
    # run counts them missing, and checks them at its end.
    table, name, sql = keys[0]
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(f"{sql} NOT VALID")
    assert (name, False) in checked()
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    assert checked() == sorted((name, True) for _, name, _ in keys)
    missing = Cable.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        Paragraph.objects.create(cable_id=missing, position=1, text="No cable of its own.")


def test_postgresql_builds_the_search_index_beside_the_recounts(transactional_db, monkeypatch):
    """The GIN index of the paragraphs' words is built on a connection of its own while the
    run goes on; the run waits for it at the end, and fails with its error."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's GIN index")
    from django.db.utils import ProgrammingError

    def index_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cables_paragraph'")
            return {row[0] for row in cursor.fetchall()}

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX paragraph_search_idx")
    ran = []
    with indexes.deferred_indexes_built():
        ran.append(True)
    assert ran and "paragraph_search_idx" in index_names()
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    from cables import search

    found = search.filter_cables(Cable.objects.all(), "Najjar").values_list("reference_id")
    assert ("06BAKU641",) in found

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX paragraph_search_idx")
    broken = [("cables_paragraph", "paragraph_search_idx", "CREATE INDEX x ON no_such_table (y)")]
    monkeypatch.setattr(indexes, "POSTGRESQL_INDEXES", broken)
    with pytest.raises(ProgrammingError, match="no_such_table"), indexes.deferred_indexes_built():
        pass
    monkeypatch.undo()
    with indexes.deferred_indexes_built():  # left as the other tests expect it
        pass


# A statement that takes long, then leaves a table: if the table is there, it was not stopped.
SLOW_THEN_WRITTEN = {
    "postgresql": "CREATE TABLE beside_done AS SELECT 1 AS slept FROM pg_sleep(30)",
    "sqlite": "CREATE TABLE beside_done AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
    "SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) AS n FROM c",
}


def table_names():
    return set(connection.introspection.table_names())


def test_work_beside_is_stopped_when_the_callers_block_fails(transactional_db):
    """Work on a connection of its own goes on while the caller's block runs; the block's end
    waits for it and raises what it raised. A block that fails (Ctrl-C) cancels the statement
    the work is running instead of waiting for it, and its own error is the one raised."""
    from django.db.utils import OperationalError

    from cables.sql import beside

    done = []
    with beside(lambda: done.append(Cable.objects.count())):
        pass
    assert done == [0]

    def broken():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    with pytest.raises(Exception, match="no_such_table"), beside(broken):
        pass

    def slow():
        with connection.cursor() as cursor:
            cursor.execute(SLOW_THEN_WRITTEN[connection.vendor])

    with pytest.raises(KeyboardInterrupt), beside(slow) as aside:
        time.sleep(0.5)  # the statement has started
        raise KeyboardInterrupt
    assert not aside.thread.is_alive()
    assert len(aside.errors) == 1 and isinstance(aside.errors[0], OperationalError)
    assert "cancel" in str(aside.errors[0]) or "interrupted" in str(aside.errors[0])
    assert "beside_done" not in table_names()


def test_postgresql_ctrl_c_during_the_recounts_stops_the_search_index_build(
    transactional_db, monkeypatch
):
    """Ctrl-C while the run recounts, with the GIN index still building beside: the build is
    cancelled, not waited for (at the release's size it takes minutes), and the index is left
    to the next run, which builds it."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's GIN index, built on a connection of its own")

    with connection.cursor() as cursor:  # (a test before may have left it unbuilt)
        cursor.execute("DROP INDEX IF EXISTS paragraph_search_idx")
    slow = [("cables_paragraph", "paragraph_search_idx", SLOW_THEN_WRITTEN["postgresql"])]
    monkeypatch.setattr(indexes, "POSTGRESQL_INDEXES", slow)
    with pytest.raises(KeyboardInterrupt), indexes.deferred_indexes_built():
        time.sleep(0.5)
        raise KeyboardInterrupt
    assert "beside_done" not in table_names()
    monkeypatch.undo()
    with indexes.deferred_indexes_built():
        pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'paragraph_search_idx'")
        assert cursor.fetchone() == (1,)


def test_entities_are_recounted_whole_in_two_halves_on_postgresql(transactional_db, monkeypatch):
    """At the end of a run outside a transaction, PostgreSQL recounts the odd entities on a
    second connection and the even ones on the run's: every count is the one the mentions
    give, nothing stays pending, and an error on the second connection fails the run."""
    from django.db.models import Count

    from cables.importing import entities
    from cables.models import Entity, Mention

    import_paths([SEEDS_DIR], workers=1, quiet=True)
    expected = {
        row["entity"]: (row["mentions"], row["cables"])
        for row in Mention.objects.values("entity")
        .annotate(mentions=Count("pk"), cables=Count("cable", distinct=True))
        .order_by()
    }
    counted = {
        pk: (mentions, cables)
        for pk, mentions, cables in Entity.objects.filter(mention_count__gt=0).values_list(
            "pk", "mention_count", "cable_count"
        )
    }
    assert counted == expected
    assert {pk % 2 for pk in counted} == {0, 1}, "both halves hold entities"
    assert entities.pending(entities.ENTITY_PENDING, "entity_id", 10) == []
    if connection.vendor != "postgresql":
        return

    def refresh_even_only(entity_ids):
        if any(pk % 2 for pk in entity_ids):
            raise RuntimeError("odd half failed")

    entities.mark_pending(entities.ENTITY_PENDING, "entity_id", list(counted))
    monkeypatch.setattr(entities, "refresh_entities", refresh_even_only)
    with pytest.raises(RuntimeError, match="odd half failed"):
        entities.finish_run()
    left = entities.pending(entities.ENTITY_PENDING, "entity_id", len(counted))
    assert left and all(pk % 2 for pk in left), "the odd half's batch was rolled back"


def test_a_recount_of_most_entities_reads_their_mentions_in_one_pass(transactional_db, monkeypatch):
    """When most of the archive's entities wait to be recounted (a first import), their
    mentions are read in one pass, in entity order, a batch of entities applied at a time:
    names, aliases and counts come out as the batch-by-batch lookups give them, the entities
    left without a mention count none, and a pass that fails leaves every entity pending and
    every count as it was."""
    from django.db.models import Count

    from cables.importing import entities
    from cables.models import Entity, Mention

    import_paths([SEEDS_DIR], workers=1, quiet=True)
    Mention.objects.filter(cable__reference_id="06BAKU641").delete()  # as a changed cable's
    every = list(Entity.objects.values_list("pk", flat=True))
    fields = ("pk", "name", "aliases", "mention_count", "cable_count")
    UNSET = 999_999  # no count of these cables

    def recount(**share):
        Entity.objects.update(mention_count=UNSET, cable_count=UNSET, aliases=[])
        entities.mark_pending(entities.ENTITY_PENDING, "entity_id", every)
        entities.finish_run()
        assert entities.pending(entities.ENTITY_PENDING, "entity_id", None) == []
        return sorted(Entity.objects.values_list(*fields))

    passes = []
    one_pass = entities.refresh_in_one_pass
    monkeypatch.setattr(entities, "REFRESH_BATCH", 3)  # many batches, the stream split among them
    monkeypatch.setattr(entities, "ONE_PASS_SHARE", 2.0)  # never
    looked_up = recount()
    monkeypatch.setattr(entities, "ONE_PASS_SHARE", 0.5)
    monkeypatch.setattr(entities, "refresh_in_one_pass", lambda: passes.append(1) or one_pass())
    in_one_pass = recount()
    assert passes == [1]
    assert in_one_pass == looked_up
    truth = {
        row["entity"]: (row["mentions"], row["cables"])
        for row in Mention.objects.values("entity")
        .annotate(mentions=Count("pk"), cables=Count("cable", distinct=True))
        .order_by()
    }
    counted = {pk: (mentions, cables) for pk, _, _, mentions, cables in in_one_pass}
    assert {pk: counts for pk, counts in counted.items() if counts != (0, 0)} == truth
    assert any(counts == (0, 0) for counts in counted.values()), "the deleted mentions' own"

    applied = []

    def fail_second_batch(batch, cables, groups):
        applied.append(batch)
        if len(applied) == 2:
            raise RuntimeError("recount failed")
        return apply_counts(batch, cables, groups)

    apply_counts = entities.apply_counts
    monkeypatch.setattr(entities, "apply_counts", fail_second_batch)
    entities.mark_pending(entities.ENTITY_PENDING, "entity_id", every)
    Entity.objects.filter(pk__in=sorted(every)[:3]).update(mention_count=UNSET)  # the first batch
    with pytest.raises(RuntimeError, match="recount failed"):
        entities.finish_run()
    assert len(entities.pending(entities.ENTITY_PENDING, "entity_id", None)) == len(every)
    assert Entity.objects.filter(mention_count=UNSET).count() == 3, "the first batch rolled back"


def test_sqlite_builds_the_search_index_beside_the_database_and_copies_it_in(tmp_path):
    """A first import into an SQLite file builds its FTS5 index in a file beside the database
    while the run recounts, then copies it in: the index is whole, finds what the texts hold,
    and the scratch file is gone. A run that fails after its batches leaves the index to the
    next run, which builds it."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 index")
    import sqlite3

    env, _ = separate_database(tmp_path, "beside")
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    migrate(env)
    failing = (
        "from cables.importing import run;"
        "run.finish_run = lambda: (_ for _ in ()).throw(RuntimeError('recount failed'));"
        f"run.import_paths([{str(SEEDS_DIR)!r}], workers=1, quiet=True)"
    )
    failed = shell(failing, env)
    assert "recount failed" in failed.stderr
    assert not os.path.exists(f"{path}.search-index")

    def index_of(word):
        with sqlite3.connect(path) as database:
            waiting = database.execute(
                "SELECT count(*) FROM cables_archive_state WHERE name = 'search_deferred'"
            ).fetchone()[0]
            found = database.execute(
                "SELECT rowid FROM cables_paragraph_fts WHERE cables_paragraph_fts MATCH ?",
                [word],
            ).fetchall()
            written = database.execute(
                "SELECT id FROM cables_paragraph WHERE text LIKE ?", [f"%{word}%"]
            ).fetchall()
            return waiting, sorted(found), sorted(written)

    waiting, found, written = index_of("Najjar")
    assert waiting == 1 and found == [] and written, "the failed run left its index deferred"

    assert run_command(SEEDS_DIR, "--quiet", env=env).returncode == 1  # the press article
    waiting, found, written = index_of("Najjar")
    assert waiting == 0 and found == written
    with sqlite3.connect(path) as database:
        for fts in ("cables_paragraph_fts", "cables_cable_fts"):
            database.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
            # built unmerged, then merged once: one segment, what a search reads fastest
            segments = database.execute(f"SELECT count(DISTINCT segid) FROM {fts}_idx")
            assert segments.fetchone()[0] == 1, fts
            # and the archive's own index merges as it grows, as FTS5 does by default
            settings = database.execute(
                f"SELECT k FROM {fts}_config WHERE k IN ('automerge', 'crisismerge')"
            )
            assert settings.fetchall() == [], fts
        subjects = database.execute(
            "SELECT count(*) FROM cables_cable_fts WHERE cables_cable_fts MATCH 'Iran'"
        ).fetchone()[0]
    assert subjects >= 1
    assert not os.path.exists(f"{path}.search-index")


def test_sqlite_sorts_at_the_end_on_disk_with_helper_threads(transactional_db, monkeypatch):
    """The end of a run (indexes, recounts) sorts in files, with a helper thread a core; the
    settings are the site's again after it."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's sorter")
    from cables.importing import run

    def pragmas():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA temp_store")
            temp_store = cursor.fetchone()[0]
            cursor.execute("PRAGMA threads")
            return temp_store, cursor.fetchone()[0]

    before = pragmas()
    during = []
    finish_run = run.finish_run

    def watched():
        during.append(pragmas())
        return finish_run()

    monkeypatch.setattr(run, "finish_run", watched)
    assert import_paths([SEEDS_DIR], workers=1, quiet=True).counts["imported"] == 4
    assert during == [(1, os.cpu_count())]  # 1: FILE
    assert pragmas() == before


def test_the_import_collects_garbage_less_often_and_gives_the_collector_back(monkeypatch):
    """The importing process too leaves what is alive at its start out of the garbage
    collector's rounds, which come less often; after the run, the caller's settings are back
    and nothing stays frozen."""
    import gc

    from cables.importing import records, run

    before = gc.get_threshold(), gc.get_freeze_count()
    during = []
    finish_run = run.finish_run

    def watched():
        during.append((gc.get_threshold()[0], gc.get_freeze_count()))
        return finish_run()

    monkeypatch.setattr(run, "finish_run", watched)
    assert import_paths([SEEDS_DIR], workers=1, quiet=True).counts["imported"] == 4
    [(threshold, frozen)] = during
    assert threshold == records.IMPORT_GC_THRESHOLD
    assert frozen > 1000
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_parser_processes_start_with_their_tables_loaded_and_frozen():
    """The tables a parser process reads for every cable are loaded before its first one and
    left out of the garbage collector's rounds, which come less often."""
    import gc

    from cables.importing import records
    from cables.importing.parsers import ParserProcesses
    from tests import worker_doubles

    with ParserProcesses(1, worker_doubles.collector_state, records.parser_started) as parsers:
        frozen, threshold = parsers.parse([]).outcomes()
    assert frozen > 1000
    assert threshold == records.IMPORT_GC_THRESHOLD
    assert gc.get_threshold()[0] != records.IMPORT_GC_THRESHOLD, "not this process's"


@pytest.mark.parametrize("logged", [False, True], ids=["statements of many rows", "DEBUG on"])
def test_rows_written_in_bulk_are_every_row_given_in_order(logged):
    """SQLite takes rows in statements of as many as its parameters allow, the full ones in
    one executemany, then a shorter one; with DEBUG on (queries logged), a row a statement in
    one executemany. Every row arrives, as given."""
    from django.test.utils import CaptureQueriesContext

    from cables.importing.bulk import insert_rows
    from cables.importing.writer import MENTION_COLUMNS
    from cables.models import Mention

    # A cable id of their own: the archive may hold other tests' cables.
    cable_id = 987_654_321
    rows = [
        (7, 1000 + n, cable_id, None, n, n + 4, f"Name {n} ’é", "" if n % 2 else f"Long N {n}")
        for n in range(300)
    ]
    statements = []

    def counted(execute, sql, params, many, context):
        statements.append((many, sql.count("%s") // len(MENTION_COLUMNS)))  # rows a statement
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        if logged:
            with CaptureQueriesContext(connection):
                insert_rows(Mention, MENTION_COLUMNS, rows)
        else:
            assert not connection.queries_logged
            insert_rows(Mention, MENTION_COLUMNS, rows)
    written = Mention.objects.filter(cable_id=cable_id).order_by("pk")
    assert list(written.values_list(*MENTION_COLUMNS)) == rows
    if connection.vendor == "sqlite":  # 124 rows of 8 parameters, twice, then 52
        assert statements == ([(True, 1)] if logged else [(True, 124), (False, 52)])


def test_a_row_that_fails_takes_the_rows_written_with_it_back_with_the_transaction():
    """A row that breaks a constraint in the middle of a statement of many rows: the error is
    raised, and the transaction's rollback leaves none of the rows given, before it or after."""
    from django.db import IntegrityError, transaction

    from cables.importing.bulk import insert_rows
    from cables.importing.writer import MENTION_COLUMNS
    from cables.models import Mention

    cable_id = 987_654_321  # of their own: the archive may hold other tests' cables
    rows = [(7, 1000 + n, cable_id, None, n, n + 4, f"Name {n}", "") for n in range(300)]
    rows[200] = (7, 1200, cable_id, None, -1, 3, "a start before the paragraph's", "")
    errors = (IntegrityError,)
    if connection.vendor == "postgresql":  # COPY raises psycopg's own
        import psycopg

        errors += (psycopg.IntegrityError,)
    with pytest.raises(errors), transaction.atomic():
        insert_rows(Mention, MENTION_COLUMNS, rows)
    assert not Mention.objects.filter(cable_id=cable_id).exists()
    insert_rows(Mention, MENTION_COLUMNS, rows[:200])
    assert Mention.objects.filter(cable_id=cable_id).count() == 200


def test_a_first_import_that_meets_a_cable_again_builds_its_mention_indexes_then(
    transactional_db, tmp_path, monkeypatch
):
    """A first import into PostgreSQL builds the mentions' indexes by cable and by paragraph at
    its end, unless a later batch replaces a cable written earlier in the run (a longer copy
    of it): that batch builds them before it deletes the earlier copy's mentions, which it
    finds through them. The cable ends as it would have imported alone, its mentions with
    it."""
    from cables.models import Mention

    def mentions_of_641():
        return set(
            Mention.objects.filter(cable__reference_id="06BAKU641").values_list(
                "paragraph__position", "start", "end", "text", "entity__key"
            )
        )

    Cable.objects.all().delete()
    first = tmp_path / "first"  # one batch: 24 real pages and the shorter copy
    first.mkdir()
    with tarfile.open(CORPUS_ARCHIVE) as archive:
        pages = [member for member in archive.getmembers() if member.name.endswith(".html")]
        for member in pages[:24]:
            (first / Path(member.name).name).write_bytes(archive.extractfile(member).read())
    shutil.copy(SEED_641, first / "06BAKU641.txt")
    later = tmp_path / "later"
    later.mkdir()
    longer = later / "06BAKU641-longer.txt"
    longer.write_text(
        SEED_641.read_text() + "\n\n9. (U) Ambassador Derse met Ilham Aliyev in Ganja.\n"
    )

    built = []
    real_build = writer.build_cable_mention_indexes

    def build_and_look():
        there = [indexes.mention_index_built(name) for name in indexes.CABLE_MENTION_INDEXES]
        real_build()
        built.append(
            (there, [indexes.mention_index_built(n) for n in indexes.CABLE_MENTION_INDEXES])
        )

    monkeypatch.setattr(writer, "build_cable_mention_indexes", build_and_look)
    summary, lines = outcomes([first, later])
    assert summary.counts["imported"] == 25 and summary.counts["updated"] == 1, lines
    deferred = connection.vendor == "postgresql"  # SQLite keeps them through the batches
    assert built == [([not deferred, not deferred], [True, True])]
    assert all(indexes.mention_index_built(name) for name in indexes.MENTION_INDEXES)
    cable = Cable.objects.get(reference_id="06BAKU641")
    assert "Ganja" in cable.body
    kept = mentions_of_641()
    assert "Ganja" in {text for _, _, _, text, _ in kept}  # the longer copy's last paragraph
    assert not Mention.objects.filter(cable=cable).exclude(paragraph__cable=cable).exists()

    Cable.objects.all().delete()  # the longer copy alone, into an empty archive
    outcomes([longer])
    assert mentions_of_641() == kept
