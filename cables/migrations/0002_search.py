"""Full-text search indexes, kept in step by the database itself (see docs/search.md).

SQLite: two external-content FTS5 tables (paragraph text, cable subject) with the stemming
tokenizer, filled from the existing rows and kept in step by AFTER INSERT/UPDATE/DELETE
triggers, so that every writer (the importer's bulk_create, the admin, a shell) updates them.
Where this SQLite has no FTS5, nothing is created and search falls back to a slow scan.

PostgreSQL: stored generated tsvector columns (English configuration) with GIN indexes. The
columns are not model fields: Django never writes them, and reads them only in cables.search.
"""

from django.db import migrations

# The names cables/search.py uses; keep the two in step.
PARAGRAPH_FTS = "cables_paragraph_fts"
SUBJECT_FTS = "cables_cable_fts"
TOKENIZE = "porter unicode61 remove_diacritics 2"


def fts5_available(connection):
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
            cursor.execute("DROP TABLE temp.fts5_probe")
            return True
        except Exception:  # "no such module: fts5"
            return False


def sqlite_statements(fts, table, column):
    """An external-content FTS5 table over table.column and the triggers that keep it so."""
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
        f"content_rowid='id', tokenize='{TOKENIZE}')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


# PostgreSQL's parser reads "security/police" or "(S/NOFORN)" as one file-path token, so that
# neither word would be found: slashes are read as spaces (cables.search does the same to queries).
POSTGRESQL_STATEMENTS = [
    "ALTER TABLE cables_paragraph ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, translate(text, '/', ' '))) STORED",
    # Serves every paragraph search (and, through cable_id, every cable search).
    "CREATE INDEX paragraph_search_idx ON cables_paragraph USING GIN (search_vector)",
    "ALTER TABLE cables_cable ADD COLUMN subject_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, translate(subject, '/', ' '))) STORED",
    # Serves the subject half of a cable search.
    "CREATE INDEX cable_subject_search_idx ON cables_cable USING GIN (subject_vector)",
]

POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS cable_subject_search_idx",
    "ALTER TABLE cables_cable DROP COLUMN IF EXISTS subject_vector",
    "DROP INDEX IF EXISTS paragraph_search_idx",
    "ALTER TABLE cables_paragraph DROP COLUMN IF EXISTS search_vector",
]


def statements(connection):
    if connection.vendor == "postgresql":
        return POSTGRESQL_STATEMENTS
    if connection.vendor == "sqlite" and fts5_available(connection):
        return sqlite_statements(PARAGRAPH_FTS, "cables_paragraph", "text") + sqlite_statements(
            SUBJECT_FTS, "cables_cable", "subject"
        )
    return []


def reverse_statements(connection):
    if connection.vendor == "postgresql":
        return POSTGRESQL_REVERSE
    if connection.vendor == "sqlite":
        return [
            f"DROP {kind} IF EXISTS {fts}{suffix}"
            for fts in (PARAGRAPH_FTS, SUBJECT_FTS)
            for kind, suffix in [
                ("TRIGGER", "_insert"),
                ("TRIGGER", "_delete"),
                ("TRIGGER", "_update"),
                ("TABLE", ""),
            ]
        ]
    return []


def create_search_indexes(apps, schema_editor):
    for statement in statements(schema_editor.connection):
        schema_editor.execute(statement)


def drop_search_indexes(apps, schema_editor):
    for statement in reverse_statements(schema_editor.connection):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cables", "0001_initial")]

    operations = [migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False)]
