"""Facet counts and timeline bars equal the totals of the pages they link to, over the corpus."""

import pytest

from cables.models import Cable, CableTag

pytestmark = pytest.mark.django_db

# Starting states: plain, each kind of filter, and combinations of them.
STARTS = [
    "",
    "tag=PREL",
    "tag=PREL&tag=PGOV",
    "classification=SECRET",
    "classification=CONFIDENTIAL&classification=UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "classification=SECRET//NOFORN&tag=PREL",
    "origin=BAKU&origin=KABUL&origin=STATE",
    "year=2006",
    "year=2008&month=3",
    "year=2006&year=2009&tag=PGOV",
    "caveat=NOFORN",
    "caveat=NOFORN&caveat=SIPDIS&classification=SECRET",
    "marking=S",
    "marking=S&classification=CONFIDENTIAL",
    "from=2005-01&to=2008-06&tag=PHUM",
    "precedence=IMMEDIATE&tag=PREL",
    "q=iran",
]


def fetch(client, url):
    separator = "&" if "?" in url else "?"
    if "format=json" not in url:
        url += separator + "format=json"
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def total(client, url):
    data = fetch(client, url)
    assert data["total"]["exact"]
    return data["total"]["count"]


@pytest.mark.parametrize("start", STARTS)
def test_every_facet_count_is_the_total_of_its_link(client, corpus, start):
    data = fetch(client, f"/cables/?{start}")
    here = data["total"]["count"]
    checked = 0
    for facet in data["facets"].values():
        assert not facet["skipped"], facet["name"]
        for value in facet["values"]:
            if value["selected"]:
                if facet["combine"] == "and":
                    assert value["count"] == here
                continue
            assert value["count"] > 0
            linked = total(client, value["toggle_url"])
            assert linked == value["count"], (start, facet["name"], value)
            checked += 1
    assert checked >= 10, start


@pytest.mark.parametrize("start", ["", "tag=PREL&classification=SECRET", "year=2007", "q=iran"])
def test_every_timeline_bar_count_is_the_total_of_its_link(client, corpus, start):
    data = fetch(client, f"/cables/?{start}")
    bars = [bar for bar in data["timeline"]["bars"] if bar["count"]]
    assert bars
    assert data["timeline"]["unit"] == ("month" if "year=" in start else "year")
    for bar in bars:
        assert total(client, bar["url"]) == bar["count"], (start, bar)


def test_totals_agree_with_the_models(client, corpus):
    prel = CableTag.objects.filter(tag__code="PREL").count()
    assert total(client, "/cables/?tag=PREL") == prel
    assert total(client, "/cables/") == Cable.objects.count() == 1000
    secret = Cable.objects.filter(classification="SECRET").count()
    noforn = Cable.objects.filter(label="CONFIDENTIAL//NOFORN").count()
    both = total(client, "/cables/?classification=SECRET&classification=CONFIDENTIAL//NOFORN")
    assert both == secret + noforn
    marked = Cable.objects.with_paragraph_marked("S").filter(classification="CONFIDENTIAL")
    assert total(client, "/cables/?marking=S&classification=CONFIDENTIAL") == marked.count() > 0


def test_tag_facet_shows_meanings(client, corpus):
    data = fetch(client, "/cables/?year=2006")
    tags = {value["value"]: value["label"] for value in data["facets"]["tag"]["values"]}
    assert tags["PREL"] == "External political relations"


def test_more_link_expands_a_facet(client, corpus):
    data = fetch(client, "/cables/")
    tag = data["facets"]["tag"]
    assert tag["truncated"] and len(tag["values"]) == 10
    more = fetch(client, tag["more_url"])["facets"]["tag"]
    assert len(more["values"]) > 10
    assert [v["value"] for v in more["values"][:10]] == [v["value"] for v in tag["values"]]
