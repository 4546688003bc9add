"""`Cable.source_hash`: the sha256 of the bytes a cable's text was read from. A re-import
looks a page's bytes up by it and counts the page unchanged without reading it
(cables.importing.writer.BatchWriter.already_stored).

The column may be empty (the cables imported before it), and it is added so on both
databases: no table is rewritten.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cables", "0017_seen_length_unread"),
    ]

    operations = [
        migrations.AddField(
            model_name="cable",
            name="source_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name="cable",
            index=models.Index(fields=["source_hash"], name="cable_source_hash_idx"),
        ),
    ]
