"""EntityAlias: the entities' aliases in capitals, one row each, for the entity search.

Filled here from the aliases the entities already hold; the import's refresh keeps it since.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    # The model's own helper, so that the rows are those the refresh writes.
    from cables.models import alias_texts

    Entity = apps.get_model("cables", "Entity")
    EntityAlias = apps.get_model("cables", "EntityAlias")
    rows = []
    for pk, aliases in Entity.objects.values_list("pk", "aliases").iterator(chunk_size=BATCH):
        rows.extend(EntityAlias(entity_id=pk, text=text) for text in alias_texts(aliases or []))
        if len(rows) >= BATCH:
            EntityAlias.objects.bulk_create(rows)
            rows = []
    EntityAlias.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("cables", "0014_read_with"),
    ]

    operations = [
        migrations.CreateModel(
            name="EntityAlias",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(max_length=200)),
                (
                    "entity",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cables.entity",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["text"], name="entityalias_text_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("entity", "text"), name="entityalias_unique")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
