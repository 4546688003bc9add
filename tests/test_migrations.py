"""Migrations that carry data: an archive imported before them comes out as a new import would
leave it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cables.models import EntityAlias
from cables.sql import toast_compression_available
from tests.builders import make_cable


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


def _paragraph_vector():
    """(compression of the paragraphs' search vector, its GIN index there)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'cables_paragraph'::regclass AND attname = 'search_vector'"
        )
        compression = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'paragraph_search_idx'")
        return compression, cursor.fetchone() is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("indexed", [True, False], ids=["index-there", "index-deferred"])
def test_paragraph_vectors_computed_again_keep_finding_both_halves_of_a_slash(client, indexed):
    if connection.vendor != "postgresql":
        pytest.skip("the search vector is PostgreSQL's")
    before = [("cables", "0018_source_hash")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("cables")
    executor.migrate(before)
    try:
        make_cable(paragraphs=[(1, "C", 2, "The security/police services met (C/NOFORN).")])
        if not indexed:  # as a first import killed midway leaves it
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX paragraph_search_idx")
    finally:
        MigrationExecutor(connection).migrate(latest)
    with connection.cursor() as cursor:
        lz4 = toast_compression_available(cursor, "lz4")
    assert _paragraph_vector() == ("l" if lz4 else "", indexed)
    for word in ["security", "police", "noforn"]:
        page = client.get("/paragraphs/", {"q": word})
        assert page.status_code == 200
        assert "06BAKU641" in page.content.decode(), word
