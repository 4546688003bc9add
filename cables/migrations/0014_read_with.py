"""Cable.read_with: the version of the import's reading (parser, entities) that read a cable.

Cables already imported take 0, older than any version, so that the next import reads them
again with today's parser (cables/importing/records.py, READ_VERSION). The column is added in
place: Django would rebuild the SQLite table of the cables for it, copying every cable and
losing the triggers that keep the subjects' search index (0002, 0011).
"""

from django.db import migrations, models

ADD = (
    'ALTER TABLE "cables_cable" ADD COLUMN "read_with" smallint {unsigned}NOT NULL DEFAULT 0 '
    'CHECK ("read_with" >= 0)'
)
DROP = 'ALTER TABLE "cables_cable" DROP COLUMN "read_with"'


def add_column(apps, schema_editor):
    unsigned = "unsigned " if schema_editor.connection.vendor == "sqlite" else ""
    schema_editor.execute(ADD.format(unsigned=unsigned))


def drop_column(apps, schema_editor):
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("cables", "0013_search_cache"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="cable",
                    name="read_with",
                    field=models.PositiveSmallIntegerField(default=0),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
    ]
