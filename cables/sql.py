"""Small SQL helpers the counting, search and export queries share."""

import contextlib
import json
import sqlite3
import threading

from django.db import DatabaseError, connection
from django.db.models import BooleanField, F, Func


class Unindexed(Func):
    """A column, as it is; on SQLite written `+column`, which keeps the planner from using an
    index on it: neither to read a whole index in the column's order (to group without
    sorting), nor to drive a loop from an `IN (…)` list on it, where another constraint of the
    query bounds the work better (the cables counted, the cables of a sample)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


class Among(Func):
    """``column IN (ids)`` with the ids as one parameter, for a filter(): on PostgreSQL
    ``column = ANY(array)``, on SQLite ``column IN (SELECT value FROM json_each(list))``.

    ``pk__in=ids`` writes a placeholder per id, which Django prepares one by one and psycopg
    splits the statement on: for the 4,000 candidates of a relevance sort, 20 to 30 ms of
    Python a request before the database sees the query."""

    output_field = BooleanField()

    def __init__(self, column, ids):
        super().__init__(F(column))
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s)", [*params, self.ids]

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]


def toast_compression_available(cursor, method):
    """Whether this PostgreSQL server can compress stored values with ``method`` (``lz4`` needs a
    server built with it)."""
    cursor.execute(
        "SELECT %s = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'",
        [method],
    )
    row = cursor.fetchone()
    return bool(row and row[0])


@contextlib.contextmanager
def session_setting(name, value):
    """PostgreSQL's setting ``name`` at ``value`` for the session inside, and back to its
    default after, whatever happens inside; nothing on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET {name} = {value}")
    with undone_after(f"RESET {name}"):
        yield


@contextlib.contextmanager
def undone_after(sql, params=None):
    """Runs ``sql``, which undoes what was set on the session for the block, after the block,
    whatever happens inside. After a block that failed, the connection may not take it:
    psycopg, interrupted by Ctrl-C at the wrong moment of a query, can leave it in the middle
    of a command ("another command is already in progress"). Then the connection is closed
    instead, which ends the session and everything set on it (settings, PostgreSQL's session
    locks), and the block's own error is the one that goes on, not this one. The command still
    running is cancelled first: the server notices a closed connection only once its
    statement ends."""
    try:
        yield
    except BaseException:
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        except DatabaseError:
            if connection.vendor == "postgresql":
                cancel_statement(connection.connection)
            connection.close()
        raise
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Seconds to wait for PostgreSQL to take a cancellation, before the connection is closed anyway.
CANCEL_TIMEOUT = 5


def cancel_statement(raw):
    """Cancel the statement running on a DB-API connection, from any thread: PostgreSQL is
    asked to (waiting at most CANCEL_TIMEOUT for its answer), SQLite interrupts it. Nothing
    happens when no statement runs, or when the connection has been closed meanwhile."""
    with contextlib.suppress(Exception):
        if isinstance(raw, sqlite3.Connection):
            raw.interrupt()
        else:
            raw.cancel_safe(timeout=CANCEL_TIMEOUT)


def every_row_wanted():
    """Queries started inside are planned to read all their rows (PostgreSQL).

    An iterator() runs on a server-side cursor, which PostgreSQL plans for its first tenth
    (cursor_tuple_fraction): for a CSV of the 1,000 cables of a tag that meant walking the
    whole date index, 80 ms at 50,000 cables, instead of finding the 1,000 and sorting them,
    11 ms. The plan is fixed when the cursor is declared, at its first fetch.
    """
    return session_setting("cursor_tuple_fraction", 1)


def beside(target, *args):
    """Run ``target(*args)`` in a thread, on a database connection of its own, while the caller
    goes on with its own work: a ``Beside``. As a context manager, the block is the caller's
    work: its end waits for the thread, or stops it if the block failed."""
    return Beside(target, args)


# Seconds between two cancellations of a thread being stopped: it may have been between two
# statements when the last one came.
STOP_INTERVAL = 0.2


class Beside:
    """A thread running ``target(*args)`` on a database connection of its own (closed at the
    end; on PostgreSQL without the web's statement timeout)."""

    def __init__(self, target, args) -> None:
        self.errors: list[Exception] = []
        self.raw = None  # the thread's DB-API connection, once open
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=self._run, args=(target, args), name=getattr(target, "__name__", "beside")
        )
        self.thread.start()

    def _run(self, target, args):
        try:
            connection.ensure_connection()
            self.raw = connection.connection
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET statement_timeout = 0")
            if not self.stopping.is_set():
                target(*args)
        except Exception as exc:
            self.errors.append(exc)
        finally:
            connection.close()

    def wait(self):
        """Join the thread and raise what ``target`` raised, in the caller's thread, where it
        belongs. Interrupted while it waits (Ctrl-C), it stops the thread first."""
        try:
            self.thread.join()
        except BaseException:
            self.stop()
            raise
        if self.errors:
            raise self.errors[0]

    def stop(self):
        """Cancel what the thread runs and wait for it to end: after Ctrl-C, or when the
        caller's own work failed, instead of waiting for the thread's work to finish (an
        index of the whole release takes minutes to build). Its statement is cancelled again
        until the thread has ended, in case it was between two statements. What it had
        committed stays; its open transaction rolls back. Its error is not raised: the
        caller's is the one that goes on."""
        self.stopping.set()
        while self.thread.is_alive():
            if self.raw is not None:
                cancel_statement(self.raw)
            self.thread.join(STOP_INTERVAL)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None:
            self.wait()
        else:
            self.stop()
