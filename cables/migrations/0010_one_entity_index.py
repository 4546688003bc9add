"""Mentions: one index (entity, cable, paragraph) instead of (entity, cable) and (entity,
paragraph).

Every query that read one of the two reads the new one as fast, on both databases (the
entity's cables, its paragraphs, its paragraphs of a level, its counts; 3 million mentions):
an index and its build at the end of a first import fewer, and a tenth less for the
mentions and their indexes (50,000 cables: 348 → 315 MB on SQLite, 681 → 638 MB on
PostgreSQL). The old indexes are dropped only if there: a first import killed before its
end leaves them missing (cables/importing/indexes.py).
"""

from django.db import migrations, models

OLD = {
    "mention_entity_cable_idx": ["entity_id", "cable_id"],
    "mention_entity_paragraph_idx": ["entity_id", "paragraph_id"],
}


class Migration(migrations.Migration):
    dependencies = [("cables", "0009_lz4_text")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="mention", name=name) for name in OLD
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    reverse_sql=f"CREATE INDEX IF NOT EXISTS {name} ON cables_mention "
                    f"({', '.join(columns)})",
                )
                for name, columns in OLD.items()
            ],
        ),
        migrations.AddIndex(
            model_name="mention",
            index=models.Index(fields=["entity", "cable", "paragraph"], name="mention_entity_idx"),
        ),
    ]
