"""The cache table of the searches' scored candidates (settings.CACHES["search"]), created as
`createcachetable` creates it, like the counts' table in 0004 (which creates every cache
table of the settings that does not exist yet)."""

import importlib

from django.db import migrations

create_cache_table = importlib.import_module("cables.migrations.0004_scale").create_cache_table

TABLE = "cables_search_cache"


def drop_search_cache_table(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {connection.ops.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("cables", "0012_no_redundant_cable_indexes")]

    operations = [migrations.RunPython(create_cache_table, drop_search_cache_table)]
