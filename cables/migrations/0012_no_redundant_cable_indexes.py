"""Paragraphs and TAGS rows: no index on the cable (nor on the tag) alone.

Each was a duplicate of the start of another index of the table (`paragraph_position_unique`
and `cabletag_unique` on the cable, `cabletag_tag_cable_idx` on the tag), which every query and
every cascade reads as well, but which every import wrote again for each of the 3.5 million
paragraphs and 1.4 million TAGS rows of the release. Dropped by name, not by altering the
fields, which SQLite does by copying the whole table.
"""

from django.db import migrations, models

DROPPED = [
    ("paragraph", "cable", "cables_paragraph_cable_id_39d0f34d"),
    ("cabletag", "cable", "cables_cabletag_cable_id_5ab1451d"),
    ("cabletag", "tag", "cables_cabletag_tag_id_2c26b633"),
]
TARGETS = {"cable": "cables.cable", "tag": "cables.tag"}
RELATED = {"paragraph": "paragraphs", "cabletag": "cable_tags"}


class Migration(migrations.Migration):
    dependencies = [("cables", "0011_search_index_built_at_end")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name=field,
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name=RELATED[model],
                        to=TARGETS[field],
                    ),
                )
                for model, field, _ in DROPPED
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {index}",
                    f"CREATE INDEX {index} ON cables_{model} ({field}_id)",
                )
                for model, field, index in DROPPED
            ],
        )
    ]
