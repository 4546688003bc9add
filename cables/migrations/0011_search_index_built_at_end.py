"""SQLite: every FTS5 trigger skips its rows while a first import builds the search index at
its end.

A first import into an empty archive writes the paragraphs of 251,287 cables; indexing them a
batch at a time merges the index's segments again and again as it grows, and one rebuild from
the finished table costs less than half of that. While the `search_deferred` row of
`cables_archive_state` exists (set by the importer, committed, removed in the transaction that
rebuilds the index: cables/importing/indexes.py), the insert, delete and update triggers of
both FTS5 tables do nothing. The insert triggers still skip the rows of an importer batch
(`search_by_batch`, 0006).
"""

from django.db import migrations

# (FTS5 table, content table, column), as created by 0002_search.
INDEXES = [
    ("cables_paragraph_fts", "cables_paragraph", "text"),
    ("cables_cable_fts", "cables_cable", "subject"),
]
STATE = "cables_archive_state"
BATCH = f"WHEN NOT EXISTS (SELECT 1 FROM {STATE} WHERE name = 'search_by_batch') "
BATCH_OR_DEFERRED = (
    f"WHEN NOT EXISTS (SELECT 1 FROM {STATE} WHERE name IN ('search_by_batch', 'search_deferred')) "
)
DEFERRED = f"WHEN NOT EXISTS (SELECT 1 FROM {STATE} WHERE name = 'search_deferred') "


def triggers(fts, table, column, deferrable):
    """The three triggers of 0002 (the insert one skippable by batch, as 0006 made it), each
    also skippable while the index is deferred when ``deferrable``."""
    insert = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    return {
        "insert": f"AFTER INSERT ON {table} {BATCH_OR_DEFERRED if deferrable else BATCH}"
        f"BEGIN {insert} END",
        "delete": f"AFTER DELETE ON {table} {DEFERRED if deferrable else ''}BEGIN {delete} END",
        "update": f"AFTER UPDATE OF {column} ON {table} {DEFERRED if deferrable else ''}"
        f"BEGIN {delete} {insert} END",
    }


def recreate_triggers(deferrable):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return
        # An SQLite without FTS5 has no index (0002 created nothing): no triggers either.
        present = set(connection.introspection.table_names())
        statements = [
            sql
            for fts, table, column in INDEXES
            if fts in present
            for event, body in triggers(fts, table, column, deferrable).items()
            for sql in (
                f"DROP TRIGGER IF EXISTS {fts}_{event}",
                f"CREATE TRIGGER {fts}_{event} {body}",
            )
        ]
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cables", "0010_one_entity_index")]

    operations = [migrations.RunPython(recreate_triggers(True), recreate_triggers(False))]
