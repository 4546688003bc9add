"""Indexes for the latency targets at the release's size (docs/performance.md, "Latency").

- paragraph_cable_level_idx: the marking facet counts the levels of the counted cables'
  paragraphs from this index alone (the paragraph rows hold the text).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cables", "0004_scale"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="paragraph",
            index=models.Index(fields=["cable", "level"], name="paragraph_cable_level_idx"),
        ),
    ]
