"""What an import run keeps in the database instead of in memory, so that its memory does not
grow with the archive and a run killed midway leaves nothing undone for the next one:

- `cables_import_seen`: the cables this run has met (its text's hash and length, where it came
  from), to keep one text when a run meets two of one cable; emptied when a run starts;
- `cables_entity_pending`: the entities whose names, aliases and counts must be refreshed,
  written in each batch's transaction and emptied as they are refreshed;
- `cables_surname_pending`: the surnames of new person keys, whose surname-alone key may now
  join a full name (cables.importing.entities.resolve_surnames);
- `EntityKey.surname`, indexed, so that the keys sharing a surname are found by the database.
"""

from django.db import migrations, models

SEEN = "cables_import_seen"
ENTITY_PENDING = "cables_entity_pending"
SURNAME_PENDING = "cables_surname_pending"


def fill_surnames(apps, schema_editor):
    EntityKey = apps.get_model("cables", "EntityKey")
    people = EntityKey.objects.filter(key__gte="person:", key__lt="person;")
    for pk, key in people.values_list("pk", "key").iterator(chunk_size=2000):
        words = key.partition(":")[2].split()
        if words:
            EntityKey.objects.filter(pk=pk).update(surname=words[-1])


class Migration(migrations.Migration):
    dependencies = [
        ("cables", "0007_mention_without_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="entitykey",
            name="surname",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddIndex(
            model_name="entitykey",
            index=models.Index(
                condition=models.Q(("surname", ""), _negated=True),
                fields=["surname"],
                name="entitykey_surname_idx",
            ),
        ),
        migrations.RunPython(fill_surnames, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE TABLE {SEEN} (reference_id varchar(40) NOT NULL PRIMARY KEY, "
            "content_hash varchar(64) NOT NULL, body_length integer NOT NULL, "
            "source varchar(500) NOT NULL)",
            f"DROP TABLE {SEEN}",
        ),
        migrations.RunSQL(
            f"CREATE TABLE {ENTITY_PENDING} (entity_id bigint NOT NULL PRIMARY KEY)",
            f"DROP TABLE {ENTITY_PENDING}",
        ),
        migrations.RunSQL(
            f"CREATE TABLE {SURNAME_PENDING} (surname varchar(200) NOT NULL PRIMARY KEY)",
            f"DROP TABLE {SURNAME_PENDING}",
        ),
    ]
