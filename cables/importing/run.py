"""The import pipeline: read inputs, parse them in worker processes, write them in batches.

Reading streams (one document at a time, whatever the size of the input), parsing runs in
parser processes (`parsers`) two chunks ahead of the writer, and every input ends with one
outcome.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import itertools
import json
import os
import queue
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import OperationalError, connection, reset_queries

from cables import search
from cables.facets import refresh_archive_counts
from cables.models import Cable
from cables.sql import session_setting, undone_after

from .entities import finish_run
from .indexes import defer_indexes, deferred_indexes_built
from .parsers import ParserProcesses
from .readers import count_inputs, read_documents, read_page
from .records import build_records, collecting_less, parser_started
from .writer import (
    IMPORTED,
    OUTCOMES,
    REJECTED,
    UNCHANGED,
    UPDATED,
    BatchWriter,
    recognize_pages,
    refresh_tag_counts,
)

CHUNK_SIZE = 400
SHOWN_REJECTIONS = 50


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # the first ones, shown

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def cables(self):
        return self.counts[IMPORTED] + self.counts[UPDATED] + self.counts[UNCHANGED]

    def line(self):
        parts = ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in OUTCOMES)
        rate = self.total / self.seconds if self.seconds else 0.0
        return f"{self.total} inputs: {parts} in {self.seconds:.1f} s ({rate:.0f} per second)"


class Progress:
    """A bar on a terminal, a plain line every few seconds otherwise, nothing when quiet."""

    def __init__(self, stream, total=None, quiet=False):
        # Django's OutputWrapper appends a newline to every write; the bar needs the raw stream.
        stream = getattr(stream, "_out", stream)
        self.stream, self.total, self.quiet = stream, total, quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.monotonic()
        self.last_shown = 0.0
        self.last_done = -1

    def update(self, done, final=False):
        if self.quiet or (final and done == self.last_done):
            return
        now = time.monotonic()
        if not final and now - self.last_shown < (0.2 if self.tty else 5.0):
            return
        self.last_shown, self.last_done = now, done
        rate = done / max(now - self.started, 1e-6)
        if self.tty and self.total:
            left = max(self.total - done, 0) / rate if rate else 0
            bar = "#" * int(min(done / self.total, 1.0) * 30)
            self.stream.write(
                f"\r[{bar:<30}] {done}/{self.total} {rate:.0f}/s "
                f"{int(left // 60)}:{int(left % 60):02d} left" + ("\n" if final else "")
            )
        else:
            of_total = f"/{self.total}" if self.total else ""
            self.stream.write(f"{done}{of_total} inputs read, {rate:.0f} per second\n")
        self.stream.flush()


# Chunks parsing in the workers while the caller writes: two, so that the workers never wait
# for the writer to hand them the next one.
CHUNKS_AHEAD = 2
# Documents handed to a worker at a time: few enough that both workers finish a chunk together.
PARCEL = 8


def parsed_chunks(chunks, workers):
    """For each (documents to parse, extra) pair, yields (outcomes, extra); the next chunks
    parse in the worker processes while the caller writes the current one. A worker that dies
    ends the run with ParserLost (cables.importing.parsers says why not ProcessPoolExecutor)."""
    if workers <= 1:
        for documents, extra in chunks:
            yield build_records(documents), extra
        return
    with ParserProcesses(workers, build_records, parser_started) as parsers:
        pending = collections.deque()
        for documents, extra in chunks:
            parcels = [
                parsers.parse(documents[start : start + PARCEL])
                for start in range(0, len(documents), PARCEL)
            ]
            pending.append((parcels, extra))
            if len(pending) > CHUNKS_AHEAD:
                yield _outcomes(*pending.popleft())
        while pending:
            yield _outcomes(*pending.popleft())


def _outcomes(parcels, extra):
    return [outcome for parcel in parcels for outcome in parcel.outcomes()], extra


# Documents read ahead of the chunks: two chunks' worth.
READ_AHEAD = 2 * CHUNK_SIZE
# How long a caller that stops waits for the reading thread to end (seconds); it takes 0.1 s
# unless the thread is stuck.
READ_AHEAD_STOP_TIMEOUT = 2.0


def read_ahead(items, size=READ_AHEAD):
    """Yields what ``items`` yields, in order, drawn in a thread up to ``size`` items ahead.

    The inputs are read in the main process, between the writes of the batches; read in turn,
    every file not in the page cache held the writer (and, on PostgreSQL, the server waiting
    for it) for a disk read. Reading a file and hashing it release the GIL, so the thread reads
    the next ones while the main thread writes. An exception in ``items`` is raised here; when
    the caller stops early, the thread stops at its next item."""
    done = object()
    ahead = queue.Queue(maxsize=size)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read():
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # raised to the caller, where it belongs
            put((done, exc))
            return
        finally:
            close = getattr(items, "close", None)
            if close is not None:  # the files it holds open, when the caller stopped early
                close()
        put((done, None))

    thread = threading.Thread(target=read, name="import-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ahead.get()
            if item is done:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        # Not for ever: the thread may never come back. Ctrl-C raised while the main thread is
        # inside ahead.get() can leave the queue's lock held (Python's locks are not safe
        # against an exception from a signal's handler), and the thread then waits for that
        # lock for ever; or a read hangs (a stale network mount). A daemon, it ends with the
        # process.
        thread.join(READ_AHEAD_STOP_TIMEOUT)


class ImportRunning(Exception):
    """Another import is writing to this database."""


class ImportInterrupted(Exception):
    """The run was interrupted (Ctrl-C): the batch being written rolled back, the ones before
    it are kept, and the next run finishes the rest (the indexes a first import builds at its
    end, the recounts). ``summary`` holds the inputs accounted for until then."""

    def __init__(self, summary):
        super().__init__(f"interrupted after {summary.total:,} inputs")
        self.summary = summary


# The key of PostgreSQL's session lock held by a running import (any constant of our own).
IMPORT_LOCK_KEY = 0x43AB1E


@contextlib.contextmanager
def one_import_at_a_time():
    """Held for a whole run: a run keeps what it has met in the database (`cables_import_seen`),
    so two runs on one database would mistake each other's cables for their own. The lock is
    released when its holder ends, even killed: PostgreSQL's session lock goes with the
    connection, the lock on the file beside an SQLite database with the process."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise ImportRunning("another import is running on this database")
        with undone_after("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY]):
            yield
        return
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:":  # an in-memory database: this process's
        yield
        return
    with open(f"{name}.import-lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportRunning("another import is running on this database") from None
        yield


def import_paths(paths, *, workers=None, report=None, stdout=None, quiet=False) -> Summary:
    """Import every cable found under these paths; returns the counts per outcome.
    Raises ImportRunning when another import holds the database, ImportInterrupted on Ctrl-C."""
    with one_import_at_a_time():
        summary = Summary()
        try:
            with statements_stop_on_ctrl_c(), collecting_less():
                return _import_paths(summary, paths, workers, report, stdout, quiet)
        except KeyboardInterrupt:
            raise ImportInterrupted(summary) from None


# SQLite's virtual machine steps between two looks at a Ctrl-C: a few milliseconds of work.
STEPS_BETWEEN_LOOKS = 100_000


@contextlib.contextmanager
def statements_stop_on_ctrl_c():
    """Ctrl-C stops the statement that SQLite is running, for the block. Python's sqlite3 sees
    a signal only once a statement has ended: a first import's mention indexes, built at its
    end, take some 20 s at the release's size. A progress handler lets Python in every
    STEPS_BETWEEN_LOOKS steps, where it takes the signal; the handler of Ctrl-C notes it, the
    statement fails as interrupted, and the block's queries raise that failure as the
    KeyboardInterrupt it is. (psycopg cancels PostgreSQL's statement on Ctrl-C itself.) Only
    in the main thread, where signals arrive, and when Ctrl-C has Python's own handler."""
    if (
        connection.vendor != "sqlite"
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    pressed = []

    def on_ctrl_c(signum, frame):
        pressed.append(True)
        raise KeyboardInterrupt  # outside SQLite, as ever; inside, it stops the statement

    def as_interrupt(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except OperationalError:
            if pressed:
                raise KeyboardInterrupt from None
            raise

    def go_on():
        return 0  # Python code: entering it, the interpreter runs the signal's handler

    connection.ensure_connection()
    raw = connection.connection
    signal.signal(signal.SIGINT, on_ctrl_c)
    raw.set_progress_handler(go_on, STEPS_BETWEEN_LOOKS)
    try:
        with connection.execute_wrapper(as_interrupt):
            yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        with contextlib.suppress(Exception):  # the connection may have been closed
            raw.set_progress_handler(None, 0)


@contextlib.contextmanager
def sorts_on_disk():
    """SQLite sorts in temporary files, not in memory (the setting for the site), for the
    indexes built and the recounts at the end of an import: recounting the entities of the
    whole release sorts every mention's spelling, and in memory that sort alone would grow with
    the archive, to some 600 MB at 251,287 cables. Not while writing batches: there the
    temporary files would hold SQLite's statement journals, six times the write calls for
    nothing. (SQLite takes the setting only outside a transaction: an import inside one keeps
    it.) Its sorts also take helper threads, one a core: the parser workers are done by then,
    and an index of the release's 15.8 million mentions builds in 19 s instead of 23 to 29."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA threads")
        threads = cursor.fetchone()[0]
        cursor.execute("PRAGMA temp_store=FILE")
        cursor.execute(f"PRAGMA threads={int(os.cpu_count() or 1)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA temp_store={int(previous)}")
            cursor.execute(f"PRAGMA threads={int(threads)}")


def commits_flushed_at_the_end():
    """On PostgreSQL, the batches' commits do not wait for their WAL to reach the disk
    (`synchronous_commit` off for the run's session): each batch is still all or nothing, and
    a crash of the server can lose only the last batches' commits, whole, which the next run
    imports again. The first commit after the batches waits as usual, and it makes every
    earlier one durable with it: when the run says it is done, all of it is on disk. At the
    release's size the batches' commits held the import 51 s."""
    return session_setting("synchronous_commit", "off")


def _import_paths(summary, paths, workers, report, stdout, quiet) -> Summary:
    stdout = stdout or sys.stdout
    workers = workers or os.cpu_count() or 1
    progress = Progress(stdout, total=None if quiet else count_inputs(paths), quiet=quiet)
    writer = BatchWriter()
    started = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    defer_indexes()
    written_through = not search.index_deferred()  # a first import builds the index whole

    def chunks():
        """Chunks of documents to parse, with the ones already stored set aside unparsed."""
        # Into a filled archive, pages are read only once their bytes are known not to be
        # stored: a re-import then reads and hashes files, and reads no page.
        documents = read_ahead(read_documents(paths, leave_unread=Cable.objects.exists()))
        # Small chunks first, so that the workers start at once and the writer soon after.
        sizes = itertools.chain([25, 50, 100, 200], itertools.repeat(CHUNK_SIZE))
        while chunk := recognize_pages(list(itertools.islice(documents, next(sizes)))):
            stored = writer.already_stored(chunk)
            fresh = [
                read_page(document) for index, document in enumerate(chunk) if index not in stored
            ]
            yield fresh, [(chunk[index], reference_id) for index, reference_id in stored.items()]

    def account(source, result, note="", reference_id=None, notes=()):
        summary.counts[result] += 1
        # The first rejections are kept to be shown; the rest are counted (and in --report).
        if result == REJECTED and len(summary.rejected) < SHOWN_REJECTIONS:
            summary.rejected.append((source, note))
        if report is not None:
            line = {"source": source, "outcome": result, "reference_id": reference_id}
            if note:
                line["reason" if result == REJECTED else "note"] = note
            if notes:
                line["notes"] = list(notes)
            report.write(json.dumps(line) + "\n")

    def write(outcomes, stored):
        for document, reference_id in stored:
            account(document.source, UNCHANGED, reference_id=reference_id, notes=document.notes)
        records = [outcome.record for outcome in outcomes if outcome.record is not None]
        written = {id(record): (result, note) for record, result, note in writer.write(records)}
        for outcome in outcomes:
            if outcome.record is None:
                account(outcome.source, REJECTED, outcome.reason, notes=outcome.notes)
            else:
                result, note = written[id(outcome.record)]
                account(outcome.source, result, note, outcome.record.reference_id, outcome.notes)
        # With DEBUG on, Django keeps every query's SQL, whole cable bodies included.
        reset_queries()
        progress.update(summary.total)

    with commits_flushed_at_the_end():
        for outcomes, stored in parsed_chunks(chunks(), workers):
            write(outcomes, stored)

    writer.forget_run()
    with sorts_on_disk():
        with deferred_indexes_built():
            refresh_tag_counts()
            touched = finish_run()
            # The whole archive's facet counts, and a new archive version (a fresh cache of
            # counts) when this run changed something; after the entities, so that no stale
            # count is cached. In the block, so that on PostgreSQL the counts and the other
            # tables' VACUUM run while the GIN index of the paragraphs is still being built
            # (the paragraphs' own VACUUM waits for it): at the release's size the run's
            # connection had waited 12 s for it, then vacuumed 11.5 s.
            refresh_archive_counts(
                changed=bool(summary.counts[IMPORTED] or summary.counts[UPDATED] or touched),
                rewritten=bool(summary.counts[UPDATED]),
            )
        if written_through:
            search.merge_index(summary.counts[IMPORTED] + summary.counts[UPDATED])
    summary.seconds = time.monotonic() - started
    progress.update(summary.total, final=True)
    return summary
