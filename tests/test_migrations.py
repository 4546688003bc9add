"""Migrations that carry data: an archive imported before them comes out as a new import would
leave it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cables.models import EntityAlias


@pytest.mark.django_db(transaction=True)
def test_the_entity_search_finds_the_aliases_held_before_its_table_came():
    before = [("cables", "0014_read_with")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("cables")
    executor.migrate(before)
    try:
        Entity = executor.loader.project_state(before).apps.get_model("cables", "Entity")
        irgc = Entity.objects.create(
            key="org:islamic revolutionary guard corps",
            name="Islamic Revolutionary Guard Corps",
            kind="organization",
            slug="islamic-revolutionary-guard-corps",
            aliases=[
                "IRGC",
                "Islamic Revolutionary Guard Corps",
                "Islamic  Revolutionary Guard Corps",
            ],
        )
    finally:
        MigrationExecutor(connection).migrate(latest)
    rows = EntityAlias.objects.filter(entity_id=irgc.pk).values_list("text", flat=True)
    assert sorted(rows) == ["IRGC", "ISLAMIC REVOLUTIONARY GUARD CORPS"]
