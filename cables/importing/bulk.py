"""Rows written in bulk, without model instances: the importer writes dozens of rows a cable,
and building and compiling model instances for bulk_create cost more than the writing."""

import functools
from itertools import chain

from django.db import connection, models

# Fields whose values the database takes as the records hold them (str, int, bool or None):
# their get_db_prep_save would return the value itself, at a Python call or three per value.
TAKEN_AS_THEY_ARE = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def insert_rows(model, columns, rows):
    """Rows as plain tuples in the order of `columns`. PostgreSQL takes them through COPY (one
    statement for all, a third of the server's time of one INSERT a row); SQLite through
    INSERTs of as many rows as a statement's parameters allow (124 mentions, 111 paragraphs).
    A statement of one row each paid a statement's start and end for every row, with the
    search index's trigger and the AUTOINCREMENT counter: 1.2 million mention rows took 11.4
    to 14.2 s of CPU so, 9.3 to 11.6 s in statements of many rows; 260,000 paragraphs 7.8 to
    9.6 s so, 2.8 to 4.9 s."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = [quote(column) for column in columns]
    if connection.vendor == "postgresql":
        types = copy_types(model, tuple(columns))
        binary = " WITH (FORMAT BINARY)" if types else ""
        copying = f"COPY {table} ({', '.join(names)}) FROM STDIN{binary}"
        with connection.cursor() as cursor, cursor.copy(copying) as copy:
            if types:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        return
    # A statement of many rows that may fail on one of them needs a journal of its own in
    # SQLite, to take back the rows before it; OR FAIL keeps none, and leaves them to the
    # caller's transaction, which takes them back with the rest (1.2 million mentions: 10.3
    # to 11.6 s of CPU, 13.0 to 13.6 s with the journal). Outside one, each statement is
    # all or nothing.
    insert_values(table, names, rows, verb="INSERT OR FAIL" if connection.in_atomic_block else "")


# PostgreSQL's binary COPY, by the columns' types: each value goes as the server keeps it, not
# as text that psycopg escapes and the server reads back (a million mention rows: 0.37 to 0.47 s
# of the client's CPU and 1.07 to 1.25 s of the server's, against 0.71 to 0.80 s and 1.20 to
# 1.44 s as text). Text types take text's binary form, whatever their length limit.
BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "text": "text",
    "varchar": "text",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "jsonb": "jsonb",
}


@functools.cache
def copy_types(model, columns):
    """The psycopg types of ``columns`` of ``model`` (PostgreSQL), for a binary COPY; None
    when one of them has another type, which then goes as text."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    types = [
        BINARY_TYPES.get(fields[column].db_type(connection).split("(")[0]) for column in columns
    ]
    return None if None in types else types


def insert_values(table, names, rows, verb="", conflict=""):
    """SQLite: rows in statements of as many rows as a statement's parameters allow, into
    ``table`` (its quoted name) and ``names`` (quoted columns); ``verb`` in place of INSERT
    ("INSERT OR FAIL"), ``conflict`` an ``ON CONFLICT`` clause to end each statement with.

    Not one row a statement through executemany: besides each statement's start and end,
    Python's sqlite3 lets other threads run while SQLite steps each row, and takes the GIL
    back after; while the import's reading thread works, that is a wait of up to Python's
    switch interval (5 ms) a row. 20,000 rows of `cables_import_seen` took 0.10 s so with
    nothing else running, 50 s beside a busy thread; in statements of many rows 0.07 and
    0.67 s."""
    if not rows:
        return
    row_placeholders = f"({', '.join(['%s'] * len(names))})"

    def insert(count):
        values = ", ".join([row_placeholders] * count)
        return f"{verb or 'INSERT'} INTO {table} ({', '.join(names)}) VALUES {values}{conflict}"

    with connection.cursor() as cursor:
        if connection.queries_logged:
            # With DEBUG on, Django logs each statement with its parameters, quoted by a query
            # of their own; executemany is logged once, without them.
            cursor.executemany(insert(1), rows)
            return
        per_statement = max(1, connection.features.max_query_params // len(names))
        whole = len(rows) - len(rows) % per_statement
        if whole:
            # The full statements in one executemany: Django turns a statement's %s into
            # SQLite's ? with a regular expression over its whole text, 0.28 ms for the
            # mentions' statement, once a call (and SQLite prepares it once).
            cursor.executemany(
                insert(per_statement),
                (
                    list(chain.from_iterable(rows[start : start + per_statement]))
                    for start in range(0, whole, per_statement)
                ),
            )
        if whole < len(rows):
            cursor.execute(insert(len(rows) - whole), list(chain.from_iterable(rows[whole:])))


def insert_objects(model, objects):
    """Rows given as {field name: value} (all with the same fields), each value prepared for
    the database by its field, as the ORM would; values of text, number and boolean fields go
    as they are."""
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in objects[0]]
    prepared = [
        (field.name, None if isinstance(field, TAKEN_AS_THEY_ARE) else field.get_db_prep_save)
        for field in fields
    ]
    insert_rows(
        model,
        [field.column for field in fields],
        [
            tuple(
                values[name] if prepare is None else prepare(values[name], connection)
                for name, prepare in prepared
            )
            for values in objects
        ],
    )
