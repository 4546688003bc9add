"""PostgreSQL: the paragraphs' search vector computed with `replace` and kept with LZ4.

The stored generated column `search_vector` (0002_search.py) is the largest part of the
server's work on import: nearly half of its CPU at 20,000 generated cables. Two parts of it
cost more than they need to. `translate(text, '/', ' ')` reads slashes as spaces character by
character through a mapping; `replace(text, '/', ' ')` gives the same text, searching for the
slash a block at a time. And a paragraph's vector over TOAST's threshold was compressed with
pglz, as the texts were before 0009_lz4_text.py. Both together took about 8 % of the server's
CPU of an import off (20,000 generated cables: 52.1 against 47.7 s and 54.0 against 50.2 s).

PostgreSQL 15 cannot change a generated column's expression, so the column is dropped and
added again, which rewrites the paragraphs' table and computes every vector once more. Its
GIN index is built again if it was there (a first import killed midway leaves it missing,
and the next import builds it at its end). The subjects' vector keeps `translate`: one short
string a cable, not worth rewriting the cables' table for.
"""

from django.db import migrations

from cables.sql import toast_compression_available

VECTOR = "to_tsvector('english'::regconfig, {}(text, '/', ' '))"
INDEX = "CREATE INDEX paragraph_search_idx ON cables_paragraph USING GIN (search_vector)"


def vector_column(function, lz4):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE indexname = 'paragraph_search_idx' "
                "AND schemaname = current_schema()"
            )
            indexed = cursor.fetchone() is not None
            compression = (
                " COMPRESSION lz4" if lz4 and toast_compression_available(cursor, "lz4") else ""
            )
        schema_editor.execute("DROP INDEX IF EXISTS paragraph_search_idx")
        schema_editor.execute("ALTER TABLE cables_paragraph DROP COLUMN search_vector")
        schema_editor.execute(
            f"ALTER TABLE cables_paragraph ADD COLUMN search_vector tsvector{compression} "
            f"GENERATED ALWAYS AS ({VECTOR.format(function)}) STORED"
        )
        if indexed:
            schema_editor.execute(INDEX)

    return run


class Migration(migrations.Migration):
    dependencies = [("cables", "0018_source_hash")]

    operations = [
        migrations.RunPython(vector_column("replace", lz4=True), vector_column("translate", False))
    ]
