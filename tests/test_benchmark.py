"""The benchmark command end to end on a tiny corpus: every section, every URL, the counts;
and --serve-only, which times the pages of a database already imported."""

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cables.benchmarking.generator import generate_corpus
from cables.benchmarking.runner import run_measured
from cables.benchmarking.urls import URLS
from cables.management.commands.benchmark import default_postgres_url
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db


def test_benchmark_writes_every_section(tmp_path):
    databases = ["sqlite"] + (["postgres"] if connection.vendor == "postgresql" else [])
    output = tmp_path / "results.json"
    # Its own name, so that a benchmark run elsewhere on the server is left alone.
    postgres_database = f"cable_archive_bench_test_{tmp_path.name[-12:].lower()}"
    call_command(
        "benchmark",
        cables=100,
        databases=",".join(databases),
        parse_pages=50,
        requests=2,
        seconds_per_url=5,
        workers=1,
        postgres_database=postgres_database,
        keep=str(tmp_path / "kept"),
        output=str(output),
        stdout=(printed := io.StringIO()),
    )
    results = json.loads(output.read_text())

    # --keep: the imported databases stay, to be timed again with --serve-only.
    assert cable_count(f"sqlite:///{tmp_path / 'kept' / 'bench.sqlite3'}") == 100
    if "postgres" in databases:
        admin = default_postgres_url()
        kept = admin.rsplit("/", 1)[0] + f"/{postgres_database}"
        assert cable_count(kept) == 100
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE "{postgres_database}" WITH (FORCE)')

    assert {"cores", "memory_mb", "cpu"} <= set(results["machine"])
    assert {"python", "django", "sqlite"} <= set(results["versions"])
    if "postgres" in databases:  # the server's settings, as it shows them, recorded and printed
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_wal_size")
            max_wal_size = cursor.fetchone()[0]
        assert results["server_settings"]["max_wal_size"] == max_wal_size
        assert f"max_wal_size {max_wal_size}," in printed.getvalue()
    else:
        assert results["server_settings"] == {}
        assert "postgresql settings" not in printed.getvalue()
    assert results["parse"]["cables"] == 50
    assert results["parse"]["per_second"] > 0
    entities = results["parse"]["entities"]
    assert entities["paragraphs"] > 50 and entities["mentions"] > 0
    assert 0 < entities["ms_per_paragraph"] < 50  # a measure, not the target: a loaded CI box
    assert results["corpus"]["cables"] == 100
    assert set(results["databases"]) == set(databases)
    for kind, data in results["databases"].items():
        assert data["import"]["counts"] == {
            "imported": 100,
            "updated": 0,
            "unchanged": 0,
            "rejected": 0,
        }
        assert data["reimport"]["counts"]["unchanged"] == 100
        for key in ("main_peak_rss_mb", "tree_peak_rss_mb", "largest_process_maxrss_mb"):
            assert data["import"][key] > 0
        # Where the import's CPU went: the process tree's, split between the main process and
        # the workers (none here: one worker parses in the main process), and the server's.
        cpu = data["import"]["cpu"]
        assert cpu["main_s"] > 0 and cpu["workers_s"] >= 0
        assert abs(cpu["main_s"] + cpu["workers_s"] - cpu["tree_s"]) <= 0.11
        assert cpu["workers_s"] < cpu["main_s"]
        if kind == "postgres":
            assert cpu["server_s"] > 0
        else:
            assert cpu["server_s"] is None
        total = cpu["tree_s"] + (cpu["server_s"] or 0)
        assert cpu["ms_per_input"] == pytest.approx(1000 * total / 100, abs=0.01)
        assert data["size"]["bytes"] > 0
        assert "cables_cable" in {table["table"] for table in data["size"]["tables"]}
        urls = data["web"]["urls"]
        assert [url["name"] for url in urls] == [name for name, _, _ in URLS]
        for url in urls:
            assert url["requests"] >= 1
            for key in ("first_ms", "p50_ms", "p95_ms", "p99_ms"):
                assert isinstance(url[key], float | int)
        server = "" if kind == "sqlite" else f", database server {cpu['server_s']} s"
        assert (
            f"import CPU: main process {cpu['main_s']} s, parser workers {cpu['workers_s']} s"
            f"{server}: {cpu['ms_per_input']} ms an input (10 minutes for the release on 2 "
            "cores allow 4.78 ms)"
        ) in printed.getvalue()
        home = next(url for url in urls if url["name"] == "home")
        assert home["errors"] == 0, home


def imported_database(kind, tmp_path):
    """A database holding 40 generated cables, imported as a user would: (url, drop)."""
    corpus = tmp_path / "corpus"
    generate_corpus(corpus, cables=40, seed=3)
    if kind == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'archive.sqlite3'}", lambda: None
    else:
        name = f"cable_archive_serve_test_{tmp_path.name[-12:].lower()}"
        admin = default_postgres_url()
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(admin, autocommit=True) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        url = admin.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "DATABASE_URL": url}
    for command in (["migrate", "-v", "0"], ["import_cables", str(corpus), "--quiet"]):
        subprocess.run(
            [sys.executable, str(PROJECT_DIR / "manage.py"), *command],
            env=env,
            cwd=PROJECT_DIR,
            check=True,
            capture_output=True,
        )
    return url, drop


def cable_count(url):
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as database:
            return database.execute("SELECT COUNT(*) FROM cables_cable").fetchone()[0]
    with psycopg.connect(url) as database:
        return database.execute("SELECT COUNT(*) FROM cables_cable").fetchone()[0]


def test_serve_only_times_an_imported_database_and_leaves_it_as_it_was(tmp_path):
    kinds = ["sqlite"] + (["postgres"] if connection.vendor == "postgresql" else [])
    made = {kind: imported_database(kind, tmp_path / kind) for kind in kinds}
    output = tmp_path / "results.json"
    printed = io.StringIO()
    try:
        call_command(
            "benchmark",
            "--serve-only",
            *[arg for url, _ in made.values() for arg in ("--database-url", url)],
            requests=2,
            seconds_per_url=5,
            output=str(output),
            stdout=printed,
            stderr=io.StringIO(),
        )
        results = json.loads(output.read_text())
        assert "parse" not in results
        assert set(results["databases"]) == set(kinds)
        for kind, (url, _) in made.items():
            data = results["databases"][kind]
            assert "import" not in data
            assert data["cables"] == 40
            assert cable_count(url) == 40  # nothing imported, nothing dropped
            urls = data["web"]["urls"]
            assert [url["name"] for url in urls] == [name for name, _, _ in URLS]
            for measured in urls:
                # The first request is timed on its own, beside the repeated ones.
                assert measured["first_ms"] > 0
                assert measured["requests"] == 2
            home = next(url for url in urls if url["name"] == "home")
            assert home["errors"] == 0 and home["first_status"] == "200", home
    finally:
        for _, drop in made.values():
            drop()
    text = printed.getvalue()
    assert "first ms" in text and "p95 ms" in text
    assert "import:" not in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--serve-only"], "needs a --database-url"),
        (["--database-url", "sqlite:////nowhere/archive.sqlite3"], "add --serve-only"),
        (
            ["--serve-only", "--database-url", "sqlite:////nowhere/archive.sqlite3"],
            "no SQLite database at /nowhere/archive.sqlite3",
        ),
        (["--serve-only", "--database-url", "mysql://localhost/cables"], "sqlite:/// or postgres"),
    ],
)
def test_serve_only_says_what_is_missing(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("benchmark", *arguments)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--parse-only"], "--parse-only times the real pages of /nowhere/pages.tar.gz"),
        (["--cables", "10"], "a generated corpus recombines the real pages of /nowhere"),
    ],
)
def test_benchmark_says_where_the_real_pages_are_missing(arguments, message, monkeypatch):
    from cables.benchmarking import runner

    monkeypatch.setattr(runner, "DONOR_ARCHIVE", Path("/nowhere/pages.tar.gz"))
    with pytest.raises(CommandError, match=message):
        call_command("benchmark", *arguments)


def test_a_corpus_of_ones_own_is_measured_without_the_real_pages(tmp_path, monkeypatch):
    """From a checkout without ../shared/corpus, a --corpus run says the parse speed was not
    measured, in its log, its table and its JSON, and times the import as usual."""
    from cables.benchmarking import runner

    corpus = tmp_path / "corpus"
    generate_corpus(corpus, cables=20, seed=3, formats=("html",))
    monkeypatch.setattr(runner, "DONOR_ARCHIVE", tmp_path / "no-pages.tar.gz")
    output = tmp_path / "results.json"
    call_command(
        "benchmark",
        corpus=str(corpus),
        databases="sqlite",
        requests=1,
        seconds_per_url=2,
        workers=1,
        output=str(output),
        stdout=(printed := io.StringIO()),
        stderr=(logged := io.StringIO()),
    )
    assert f"parse: not measured, no real pages at {tmp_path / 'no-pages.tar.gz'}" in (
        printed.getvalue()
    )
    assert "parse speed: not measured" in logged.getvalue()
    results = json.loads(output.read_text())
    assert results["parse"] == {"archive": str(tmp_path / "no-pages.tar.gz"), "missing": True}
    assert results["databases"]["sqlite"]["import"]["counts"]["imported"] == 20


def test_benchmark_never_drops_a_database_it_did_not_create(tmp_path):
    """A PostgreSQL database of the benchmark's name (kept by an earlier --keep run) and a kept
    SQLite file stay as they are: the run stops at once and says what to do."""
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "bench.sqlite3").write_bytes(b"an earlier run's archive")
    with pytest.raises(CommandError, match="already exists"):
        call_command("benchmark", cables=10, databases="sqlite", keep=str(kept))
    assert (kept / "bench.sqlite3").read_bytes() == b"an earlier run's archive"

    if connection.vendor != "postgresql":
        return
    name = f"cable_archive_bench_kept_{tmp_path.name[-12:].lower()}"
    admin = default_postgres_url()
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
        try:
            with pytest.raises(CommandError, match=f'database "{name}" already exists'):
                call_command("benchmark", cables=10, databases="postgres", postgres_database=name)
            found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            assert found.fetchone() is not None
        finally:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_sampler_counts_a_process_that_starts_after_its_first_look():
    """The sampler looks at every process of the machine only now and then, and reads the ones
    it knows in between: a process that starts later (a parser process, a server backend)
    still counts in the tree's memory, and the main process's own CPU is counted."""
    child = "import time; block = b'x' * (300 * 2**20); time.sleep(2.5)"
    parent = (
        "import subprocess, sys, time\n"
        "end = time.process_time() + 0.5\n"
        "while time.process_time() < end: pass\n"
        "time.sleep(0.5)\n"
        f"subprocess.run([sys.executable, '-c', {child!r}], check=True)\n"
    )
    code, _, _, memory, cpu = run_measured([sys.executable, "-c", parent], dict(os.environ))
    assert code == 0
    assert memory["tree_peak_rss_mb"] >= 300 > memory["main_peak_rss_mb"]
    assert cpu["main_s"] >= 0.45
