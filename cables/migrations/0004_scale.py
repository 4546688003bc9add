"""Tables for the list's counts at scale, outside the models (no ORM needed, no admin):

- the cache table of settings.CACHES (DatabaseCache), created exactly as the
  `createcachetable` command creates it, so that no setup step is added;
- `cables_archive_state`: the archive version (bumped by each import that changed
  something; part of every cache key) and the cable id the counts below were taken at;
- `cables_archive_count`: per facet value, its number of cables over the whole archive,
  refreshed at the end of each import (cables.facets.refresh_archive_counts).
"""

from django.core.management import call_command
from django.db import migrations

STATE = "cables_archive_state"
COUNTS = "cables_archive_count"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    from django.conf import settings

    connection = schema_editor.connection
    existing = connection.introspection.table_names()
    for cache in settings.CACHES.values():
        table = cache.get("LOCATION")
        if cache["BACKEND"].endswith("db.DatabaseCache") and table in existing:
            schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("cables", "0003_entities"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table),
        migrations.RunSQL(
            f"CREATE TABLE {STATE} (name varchar(40) NOT NULL PRIMARY KEY, value bigint NOT NULL)",
            f"DROP TABLE {STATE}",
        ),
        migrations.RunSQL(
            f"CREATE TABLE {COUNTS} ("
            "facet varchar(20) NOT NULL, value varchar(200) NOT NULL, "
            "label varchar(300) NOT NULL, n bigint NOT NULL, "
            "PRIMARY KEY (facet, value, label))",
            f"DROP TABLE {COUNTS}",
        ),
    ]
