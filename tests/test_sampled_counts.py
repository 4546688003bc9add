"""A list of more cables than FACET_SAMPLE_SIZE has its facets counted on a sample: estimates,
marked as such, near the true counts; the total stays exact and small lists stay exact."""

import pytest

from cables.models import CableTag

pytestmark = pytest.mark.django_db


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_a_big_list_has_estimated_facets_near_the_true_counts(client, corpus, settings):
    tagged = CableTag.objects.filter(tag__code="PREL").count()
    settings.FACET_SAMPLE_SIZE = tagged // 3

    data = fetch(client, "/cables/?tag=PREL&format=json")

    assert data["total"] == {"count": tagged, "exact": True}
    step = data["sample_step"]
    assert step == -(-tagged // settings.FACET_SAMPLE_SIZE) > 1
    assert data["timeline"]["estimated"] is True
    for name in ("classification", "tag", "entity", "origin", "year", "caveat", "marking"):
        facet = data["facets"][name]
        assert facet["estimated"] is True, name
        assert not facet["skipped"], name
        for value in facet["values"]:
            if not value["selected"]:
                assert value["count"] % step == 0, (name, value)
    # The most common TAGS beside PREL: each estimate is near the total of its link.
    for value in data["facets"]["tag"]["values"][1:4]:
        exact = fetch(client, value["toggle_url"])["total"]["count"]
        assert abs(value["count"] - exact) <= max(3 * step, exact * 0.35), (value, exact)


def test_the_page_says_which_counts_are_estimates(client, corpus, settings):
    settings.FACET_SAMPLE_SIZE = 60
    html = client.get("/cables/?tag=PREL").content.decode()
    assert "Counts marked ≈ are estimates" in html
    assert "≈ " in html
    assert "(estimated)" in html  # the timeline's caption


@pytest.mark.parametrize("url", ["/cables/?tag=PREL&format=json", "/cables/?format=json"])
def test_lists_within_the_sample_size_are_counted_exactly(client, corpus, url):
    data = fetch(client, url)
    assert data["sample_step"] == 1
    assert not any(facet["estimated"] for facet in data["facets"].values())
    assert data["timeline"]["estimated"] is False
    assert "Counts marked ≈" not in client.get(url.replace("&format=json", "")).content.decode()


def test_an_entity_page_of_a_big_list_marks_its_estimates(client, corpus, settings):
    from cables.models import Entity

    settings.FACET_SAMPLE_SIZE = 20
    entity = Entity.objects.listed().order_by("-cable_count").first()
    assert entity.cable_count > 2 * 20
    data = fetch(client, f"/entities/{entity.slug}/?format=json")
    assert data["timeline"]["estimated"] is True
    html = client.get(f"/entities/{entity.slug}/").content.decode()
    assert "≈ " in html


@pytest.fixture
def broad(settings, monkeypatch):
    """Searches matching more than 50 paragraphs count as broad; samples of 40 cables."""
    from cables import search

    monkeypatch.setattr(search, "RANK_CANDIDATES", 50)
    settings.FACET_SAMPLE_SIZE = 40


def test_a_broad_search_is_counted_on_a_sample_of_the_archive(client, corpus, broad):
    from cables import search
    from cables.models import Cable

    exact = Cable.objects.filter(search.cable_condition("government")).count()
    assert search.is_broad("government")

    data = fetch(client, "/cables/?q=government&format=json")

    assert data["sample_step"] > 1
    assert data["total"]["exact"] is False
    assert abs(data["total"]["count"] - exact) <= exact * 0.35, (data["total"], exact)
    assert all(facet["estimated"] for facet in data["facets"].values())
    assert not data["notices"]
    assert len(data["results"]) == 50
    html = client.get("/cables/?q=government").content.decode()
    assert "(estimated)" in html and "about <strong>" in html


def test_a_broad_search_with_a_filter_samples_the_filtered_cables(client, corpus, broad):
    from cables import search
    from cables.models import Cable

    secret = Cable.objects.filter(search.cable_condition("government"), classification="SECRET")
    data = fetch(client, "/cables/?q=government&classification=SECRET&format=json")

    assert abs(data["total"]["count"] - secret.count()) <= max(10, secret.count() * 0.35)
    classification = data["facets"]["classification"]
    # Its own filter is chosen: counted on a sample of the search without it.
    assert not classification["skipped"] and classification["estimated"]
    levels = {value["value"]: value["count"] for value in classification["values"]}
    assert levels["SECRET"] > 0 and levels["CONFIDENTIAL"] > 0
    for row in data["results"]:
        assert row["classification"] == "SECRET"


def test_a_narrow_search_is_counted_exactly(client, corpus, broad):
    from cables import search

    assert not search.is_broad('"prime minister" iran')
    data = fetch(client, "/cables/?q=%22prime+minister%22+iran&format=json")
    assert data["total"]["exact"] is True
    assert data["sample_step"] == 1


def test_a_broad_paragraph_search_is_counted_on_a_sample(client, corpus, broad, settings):
    from cables import search
    from cables.models import Paragraph

    settings.FACET_SAMPLE_SIZE = 250  # every 4th cable: paragraphs of SECRET are few
    exact = search.filter_paragraphs(Paragraph.objects.filter(level="S"), "government").count()
    data = fetch(client, "/paragraphs/?q=government&marking=S&format=json")

    assert data["sample_step"] > 1
    assert data["total"]["estimated"] is True
    assert abs(data["total"]["count"] - exact) <= max(3 * data["sample_step"], exact * 0.4)
    assert data["facets"]["marking"] and data["facets"]["classification"]
    assert len(data["results"]) == 20
    assert all(row["level"] == "S" for row in data["results"])
    html = client.get("/paragraphs/?q=government&marking=S").content.decode()
    assert "(estimated)" in html and "≈ " in html


def test_the_same_search_gives_the_same_page(client, corpus, broad):
    for url in ("/cables/?q=government&format=json", "/paragraphs/?q=government&format=json"):
        first, again = fetch(client, url), fetch(client, url)
        assert [row["url"] for row in first["results"]] == [row["url"] for row in again["results"]]
