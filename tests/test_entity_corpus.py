"""Over the 1,000 real cables: the entity filter and facet of /cables/ agree with each other
and with the counts kept on each entity."""

import pytest

from cables.models import WIDELY_MENTIONED, Cable, Entity, Mention, widely_mentioned

pytestmark = pytest.mark.django_db


def total(client, url):
    response = client.get(url if "format=json" in url else url + "&format=json")
    assert response.status_code == 200, url
    return response.json()["total"]["count"]


def test_the_corpus_has_entities(corpus):
    assert Entity.objects.listed().count() > 1000
    assert Mention.objects.count() > 50_000
    iran = Entity.objects.get(slug="iran")
    assert iran.cable_count == Cable.objects.mentioning_all([iran.pk]).count() > 10


@pytest.mark.parametrize(
    "start",
    ["/cables/?format=json", "/cables/?tag=PREL&format=json", "/cables/?entity=iran&format=json"],
)
def test_every_entity_facet_count_is_the_total_of_its_link(client, corpus, start):
    data = client.get(start).json()
    facet = data["facets"]["entity"]
    assert not facet["skipped"]
    shown = [value for value in facet["values"] if not value["selected"]]
    assert len(shown) == 10
    for value in shown:
        assert total(client, value["toggle_url"]) == value["count"], (start, value)


def test_two_entities_combine_with_and(client, corpus):
    both = Cable.objects.mentioning_all(
        [Entity.objects.get(slug="iran").pk, Entity.objects.get(slug="iraq").pk]
    ).count()
    assert total(client, "/cables/?entity=iran&entity=iraq") == both > 0


def test_entity_pages_over_the_corpus(client, corpus):
    for entity in Entity.objects.listed().order_by("-cable_count")[:3]:
        data = client.get(entity.get_absolute_url() + "?format=json").json()
        assert data["cables"]["total"] == entity.cable_count
        assert len(data["cables"]["results"]) == 20
        assert data["cables"]["page"]["next_url"]
        assert client.get(entity.get_absolute_url()).status_code == 200


def newest_naming(entity, count):
    """The reference IDs of the newest cables naming the entity, the plain way."""
    return list(
        Cable.objects.filter(pk__in=Mention.objects.filter(entity=entity).values("cable_id"))
        .order_by("-created", "reference_id")
        .values_list("reference_id", flat=True)[:count]
    )


def test_pages_of_a_widely_and_a_rarely_mentioned_entity(client, corpus):
    """The most cited entity's cables are probed one by one while walking the dates (SQLite),
    a rare one's gathered first: both give the newest cables naming it, on both pages."""
    last = Cable.objects.order_by("-pk").values_list("pk", flat=True)[0]
    wide = Entity.objects.listed().order_by("-cable_count").first()
    rare = Entity.objects.listed().filter(cable_count__gte=3, cable_count__lte=10).first()
    assert widely_mentioned({wide.pk: wide.cable_count, rare.pk: rare.cable_count}) == {wide.pk}
    assert wide.cable_count * WIDELY_MENTIONED >= last > rare.cable_count * WIDELY_MENTIONED
    for entity in (wide, rare):
        page = client.get(f"/entities/{entity.slug}/?format=json").json()["cables"]
        expected = newest_naming(entity, page["page"]["size"])
        assert [cable["reference_id"] for cable in page["results"]] == expected
        listed = client.get(f"/cables/?entity={entity.slug}&format=json").json()
        shown = [cable["reference_id"] for cable in listed["results"]]
        assert shown == newest_naming(entity, len(shown)) and shown
        assert listed["total"]["count"] == entity.cable_count
    second = client.get(f"/entities/{wide.slug}/?page=2&format=json").json()["cables"]
    size = second["page"]["size"]
    expected = newest_naming(wide, 2 * size)[size:]
    assert [cable["reference_id"] for cable in second["results"]] == expected
