"""SQLite: the FTS5 insert triggers of 0002 skip rows while the importer indexes by batch.

Indexing paragraphs one trigger call at a time costs about five times as much as one
`INSERT INTO fts SELECT …` over a batch's rows. The importer, inside each batch's transaction,
sets the `search_by_batch` row of `cables_archive_state`, writes its rows, indexes them in one
statement and removes the row before committing (cables.search.index_batch). No other
connection ever sees the row, so every other writer (the admin, a shell) is still indexed by
the triggers, and an interrupted batch rolls back with its flag.
"""

from django.db import migrations

# (FTS5 table, content table, column), as created by 0002_search.
INDEXES = [
    ("cables_paragraph_fts", "cables_paragraph", "text"),
    ("cables_cable_fts", "cables_cable", "subject"),
]
SKIP = "WHEN NOT EXISTS (SELECT 1 FROM cables_archive_state WHERE name = 'search_by_batch') "


def insert_triggers(skippable):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        existing = set(schema_editor.connection.introspection.table_names())
        for fts, table, column in INDEXES:
            if fts not in existing:  # an SQLite without FTS5: 0002 created nothing
                continue
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_insert")
            schema_editor.execute(
                f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} "
                f"{SKIP if skippable else ''}BEGIN "
                f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("cables", "0005_latency")]

    operations = [migrations.RunPython(insert_triggers(True), insert_triggers(False))]
