"""Rows written in bulk, without model instances: the importer writes dozens of rows a cable,
and building and compiling model instances for bulk_create cost more than the writing."""

from django.db import connection, models

# Fields whose values the database takes as the records hold them (str, int, bool or None):
# their get_db_prep_save would return the value itself, at a Python call or three per value.
TAKEN_AS_THEY_ARE = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def insert_rows(model, columns, rows, batch_size=5000):
    """Rows as plain tuples in the order of `columns`. PostgreSQL takes them through COPY (one
    statement for all, a third of the server's time of one INSERT a row); SQLite through
    executemany, which prepares its INSERT once."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])


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
