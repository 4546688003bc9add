"""Indexes a first import builds once, at the end, instead of row by row.

The mentions are written in the order of the cables, about 60 a cable (15 million at the
release's size). Their indexes that start with the entity or its key take every batch's rows at
thousands of places across the whole index: at 230,000 cables, a batch of 400 cables rewrote
some 16,000 pages of them, and writing mentions was a third of SQLite's import. PostgreSQL's
GIN index of the paragraphs' words is the same, for every word of every paragraph. Built from
the finished table in one sorted pass, each costs a fraction of that. The ones that start with
the cable or the paragraph grow at their end, but on PostgreSQL each row still costs an
insertion and a WAL record in each: 20,000 generated cables took 35.8 s of the server's CPU
without them against 40.9 s with them (2.5 million index entries, 185 MB of WAL), and they were
built afterwards in 1.0 s. So PostgreSQL defers them too (SQLite, where 20,000 cables showed no
difference beyond the runs' spread, keeps them). A batch that replaces a cable written earlier
in the same run (another copy of it, kept instead) deletes that cable's mentions through them,
so that batch builds them first (`build_cable_mention_indexes`), and the run writes through
them from then on. PostgreSQL defers the mentions' primary key as well (a first import reads
the highest mention id from its sequence, `entities.last_mention_id`), and the paragraphs'
two indexes by marking level, which only the pages read: 20,000 generated cables took 29.9 s
of the server's CPU on average without the three against 31.9 s with them (four and six
runs), and they were built afterwards in 0.5 s.

PostgreSQL's foreign keys of the rows written a cable at a time (a paragraph's cable, a tag's
or a reference's cable, a caveat's) are the same again: each row's check is a query of its
own at the batch's commit, some 7 million at the release's size and a tenth of the server's
work on import (20,000 generated cables: 52.7 s of the server's CPU with them, 47.5 s
without). Added after the last batch, unchecked (NOT VALID: at once, without reading a row)
and then checked beside the recounts, each in one pass over its table, they hold from then on
as before; a run killed before the check leaves them unchecked, and the next one counts them
missing.

SQLite's FTS5 index of the paragraphs and subjects likewise: indexed a batch at a time, its
segments are merged again and again as it grows; rebuilt once from the finished tables, it
costs under half as much (20,000 cables: 3.4 s against 7.7 s). Until then searches find none
of the run's cables, and the search pages say so.

So an import into an archive without mentions drops these indexes first and builds them after
its last batch, before the recounts that use them. A run killed in between leaves them missing
(and the search index marked as deferred); the next run finds them so, goes on without them
and builds them at its end. An import into a filled archive (the site in use) keeps them and
writes through them as before, and so does an import inside a caller's transaction
(PostgreSQL builds no index on a table with constraint checks pending in the transaction).
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import NamedTuple

from django.db import connection

from cables import search
from cables.models import Cable, CableTag, Mention, Paragraph, Reference
from cables.sql import beside, session_setting

# Indexes of Mention (created from its Meta, as the migrations did).
MENTION_INDEXES = ["mention_entity_idx", "mention_key_entity_idx"]
# PostgreSQL's, besides: the ones that find a cable's mentions. A cable met again later in the
# same first import (another copy of it, kept instead) has its mentions deleted through them,
# so they are built at once when that happens (build_cable_mention_indexes).
CABLE_MENTION_INDEXES = ["mention_cable_entity_idx", "mention_paragraph_idx"]
# PostgreSQL's name for the mentions' primary key (the migration's CREATE TABLE gave it).
MENTION_PRIMARY_KEY = f"{Mention._meta.db_table}_pkey"
# PostgreSQL's indexes of the paragraphs by marking level: the pages read them, the batches don't.
PARAGRAPH_INDEXES = ["paragraph_level_cable_idx", "paragraph_cable_level_idx"]
# PostgreSQL's full-text index of the paragraphs (migrations/0002_search.py).
POSTGRESQL_INDEXES = [
    (
        "cables_paragraph",
        "paragraph_search_idx",
        "CREATE INDEX paragraph_search_idx ON cables_paragraph USING GIN (search_vector)",
    ),
]
# PostgreSQL's foreign keys that a first import adds at its end: (model, field name).
FOREIGN_KEYS = [
    (Paragraph, "cable"),
    (CableTag, "cable"),
    (CableTag, "tag"),
    (Reference, "from_cable"),
    (Reference, "target"),
    (Cable.caveats.through, "cable"),
    (Cable.caveats.through, "caveat"),
]
# Memory for PostgreSQL to sort in while it builds them (its default is 64 MB).
BUILD_MEMORY = "256MB"


class Deferred(NamedTuple):
    """An index a first import builds at its end: its table and name, and the statements that
    build and drop it (a primary key is a constraint, dropped and added with ALTER TABLE)."""

    table: str
    name: str
    build: str
    drop: str


def _deferred() -> list[Deferred]:
    """Every deferred index of this database."""
    editor = connection.schema_editor()
    quote = connection.ops.quote_name

    def of(model, names):
        return [
            Deferred(
                model._meta.db_table,
                index.name,
                str(index.create_sql(model, editor)),
                f"DROP INDEX IF EXISTS {quote(index.name)}",
            )
            for index in model._meta.indexes
            if index.name in names
        ]

    if connection.vendor != "postgresql":
        return of(Mention, MENTION_INDEXES)
    table, key = quote(Mention._meta.db_table), quote(MENTION_PRIMARY_KEY)
    column = quote(Mention._meta.pk.column)
    return [
        *of(Mention, MENTION_INDEXES + CABLE_MENTION_INDEXES),
        Deferred(
            Mention._meta.db_table,
            MENTION_PRIMARY_KEY,
            f"ALTER TABLE {table} ADD CONSTRAINT {key} PRIMARY KEY ({column})",
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {key}",
        ),
        *of(Paragraph, PARAGRAPH_INDEXES),
        *(
            Deferred(index_table, name, sql, f"DROP INDEX IF EXISTS {quote(name)}")
            for index_table, name, sql in POSTGRESQL_INDEXES
        ),
    ]


def _foreign_keys():
    """(table, constraint name, ADD CONSTRAINT statement) of every deferred foreign key: none
    on SQLite, whose tables would have to be rebuilt to lose one. The statements are the ones
    Django's migrations ran (its own suffix, so the same names)."""
    if connection.vendor != "postgresql":
        return []
    editor = connection.schema_editor()
    found = []
    for model, field_name in FOREIGN_KEYS:
        statement = editor._create_fk_sql(
            model, model._meta.get_field(field_name), "_fk_%(to_table)s_%(to_column)s"
        )
        name = str(statement.parts["name"]).strip('"')
        found.append((model._meta.db_table, name, str(statement)))
    return found


def _existing_foreign_keys(tables):
    """The names of the foreign keys of these tables that hold: added and checked (one added
    NOT VALID by a run killed before it was checked does not count)."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND convalidated "
            "AND conrelid = ANY(%s::regclass[])",
            [list(tables)],
        )
        return {row[0] for row in cursor.fetchall()}


def _existing(tables):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = ANY(%s)",
                [list(tables)],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                f"({', '.join(['%s'] * len(tables))})",
                list(tables),
            )
        return {row[0] for row in cursor.fetchall()}


def mention_index_built(name):
    """Whether this index of the mentions is there: not dropped by a first import under way."""
    return name in _existing({Mention._meta.db_table})


def build_cable_mention_indexes():
    """Build the mentions' indexes by cable and by paragraph if this run dropped them, in the
    caller's transaction: the batch about to replace cables written earlier in the run finds
    their mentions through them, in the index rather than in a scan of every mention written
    so far, and so does every batch after it. The other deferred indexes wait for the end."""
    if connection.vendor != "postgresql":  # SQLite keeps them through the batches
        return
    existing = _existing({Mention._meta.db_table})
    if all(name in existing for name in CABLE_MENTION_INDEXES):  # one query, most batches
        return
    with connection.cursor() as cursor:
        # SET LOCAL, until the batch's commit or rollback: build_memory()'s RESET would fail in
        # a batch that failed, and close the run's connection
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        for index in _deferred():
            if index.name in CABLE_MENTION_INDEXES and index.name not in existing:
                cursor.execute(index.build)


def defer_indexes():
    """At the start of a run: drop the deferred indexes when the archive has no mentions yet,
    or when some are missing already (a run killed before its end)."""
    if connection.in_atomic_block:
        return
    deferred = _deferred()
    existing = _existing({index.table for index in deferred})
    all_there = all(index.name in existing for index in deferred)
    keys = _foreign_keys()
    keys_there = _existing_foreign_keys({table for table, _, _ in keys})
    all_there = all_there and all(name in keys_there for _, name, _ in keys)
    if all_there and not search.index_deferred() and Mention.objects.exists():
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for index in deferred:
            cursor.execute(index.drop)
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT IF EXISTS {quote(name)}")
    search.defer_index()


@contextlib.contextmanager
def deferred_indexes_built():
    """Build the deferred indexes that are missing, and the search index if deferred; the
    block runs once the ones it may read are there. PostgreSQL's deferred foreign keys are
    added at the start and checked beside the block; its end waits for them too.

    The search indexes, which nothing after the batches reads, are built on a connection of
    their own while this one builds the mention indexes and the block recounts, each on a core.
    On PostgreSQL, the GIN index of the paragraphs' words: at the release's size it took 63 s,
    while the mention indexes (70 s) and the recounts (90 s) waited for it. On SQLite, whose
    database takes one writer at a time, the FTS5 index is built into a file beside the
    database and copied in at the block's end (`search.index_build_file`): 12.6 s in place at
    50,000 cables, 11.7 s beside and 1.0 s to copy. The block's end waits for them, and
    raises what they raised; a block that fails (Ctrl-C included) stops them, cancelling the
    statement that builds, rather than waiting minutes for an index that the next run builds
    anyway. (Killed in between, the next run finds them missing and builds them.)"""
    if connection.in_atomic_block:
        yield
        return
    build_file = search.index_build_file()
    if build_file is None:
        search.build_deferred_index()  # in place, when there is no file to build it in
    deferred = _deferred()
    existing = _existing({index.table for index in deferred})
    here, aside = [], []
    for index in deferred:
        if index.name not in existing:
            (here if index.table == Mention._meta.db_table else aside).append(index.build)
    # Added unchecked now, before the GIN index's build locks the paragraphs, and checked
    # beside the block: adding a key locks both its tables against writes, checking one
    # does not.
    unchecked = _add_unchecked_foreign_keys()
    block_done, block_finished = threading.Event(), []
    building = None
    if aside or build_file or unchecked:
        building = beside(_build_aside, aside, unchecked, build_file, block_done, block_finished)
    try:
        if here:
            with build_memory(), connection.cursor() as cursor:
                for sql in here:
                    cursor.execute(sql)
        yield
        block_finished.append(True)
    finally:
        if building is not None:
            block_done.set()
            if block_finished:
                building.wait()
            else:  # the block's error is the one to raise; what was not built stays deferred
                building.stop()


def _add_unchecked_foreign_keys():
    """Add the deferred foreign keys that are missing (or were never checked), NOT VALID: at
    once, without reading their tables. Rows written from then on are checked; the ones
    already there are checked by `VALIDATE CONSTRAINT`. Returns (table, name) of each."""
    keys = _foreign_keys()
    existing = _existing_foreign_keys({table for table, _, _ in keys})
    quote = connection.ops.quote_name
    added = []
    with connection.cursor() as cursor:
        for table, name, sql in keys:
            if name not in existing:
                cursor.execute(
                    f"ALTER TABLE {quote(table)} DROP CONSTRAINT IF EXISTS {quote(name)}"
                )
                cursor.execute(f"{sql} NOT VALID")
                added.append((table, name))
    return added


def _build_aside(statements, unchecked, build_file, block_done, block_finished):
    """On a connection of its own: the indexes, then the foreign keys' check of their whole
    tables (each in one pass). SQLite's index, built beside, is copied in once the block is
    done (the run's connection writes until then), unless the block failed."""
    quote = connection.ops.quote_name
    try:
        if statements:
            with build_memory(), connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        with connection.cursor() as cursor:
            for table, name in unchecked:
                cursor.execute(f"ALTER TABLE {quote(table)} VALIDATE CONSTRAINT {quote(name)}")
        if build_file:
            search.build_index_into(build_file)
            block_done.wait()
            if block_finished:
                search.take_index_from(build_file)
    finally:
        if build_file and os.path.exists(build_file):
            os.remove(build_file)


def build_memory():
    """PostgreSQL sorts in BUILD_MEMORY while it builds an index (for this connection)."""
    return session_setting("maintenance_work_mem", f"'{BUILD_MEMORY}'")
