"""Where entities show: /entities/, /entities/<slug>/, the entity filter and facet on /cables/,
linked names on the cable page, and the admin's corrections."""

import html
import re

import pytest
from django.urls import reverse

from cables.importing.run import import_paths
from cables.models import Entity, Mention
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds():
    import_paths([SEEDS_DIR], workers=1, quiet=True)


def test_entity_page_lists_both_najjar_cables_with_badges_and_links(client, seeds):
    response = client.get("/entities/mustafa-najjar/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Mustafa Najjar</h1>" in page
    assert "Mostafa Mohammad-Najjar" in page  # an alias
    assert 'href="/cables/06BAKU641/#p1"' in page
    assert 'href="/cables/08BAKU164/#p1"' in page
    assert 'class="badge badge-c" title="(C)">(C)</span>' in page
    assert "<mark>Mostafa Mohammad-Najjar</mark>" in page
    assert '<figure class="timeline">' in page


def test_entity_page_json(client, seeds):
    data = client.get("/entities/safar-abiyev/?format=json").json()
    assert data["schema"] == "cable-archive/entity/1"
    assert data["kind"] == "person" and data["name"] == "Safar Abiyev"
    cables = {cable["reference_id"] for cable in data["cables"]["results"]}
    assert {"06BAKU641", "08BAKU164"} <= cables
    assert data["cables"]["total"] == data["cable_count"] == len(cables)
    for cable in data["cables"]["results"]:
        for paragraph in cable["paragraphs"]:
            assert paragraph["url"].startswith(f"/cables/{cable['reference_id']}/#")
            assert paragraph["mentions"]
    related = {row["value"] for row in data["related"]["entity"]}
    assert "mustafa-najjar" in related
    assert {row["value"] for row in data["related"]["tag"]} >= {"AJ", "IR"}
    assert sum(bar["count"] for bar in data["timeline"]["bars"]) == data["cable_count"]


def test_secret_paragraphs_about_an_entity(client, seeds):
    data = client.get("/entities/azerbaijan/?marking=S&format=json").json()
    levels = {p["level"] for c in data["cables"]["results"] for p in c["paragraphs"]}
    assert levels == {"S"}
    assert "08BAKU64" in {c["reference_id"] for c in data["cables"]["results"]}


def test_entity_list_by_kind_and_by_name(client, seeds):
    page = client.get("/entities/?kind=person&q=safar").content.decode()
    assert "Safar Abiyev" in page
    assert "Baku</a>" not in client.get("/entities/?kind=person&q=baku").content.decode()
    assert "Baku</a>" in client.get("/entities/?kind=place&q=baku").content.decode()
    found = client.get("/entities/?q=safar+a&format=json").json()["results"]
    assert [e["slug"] for e in found][:1] == ["safar-abiyev"]
    # Another transliteration of the same name finds it through its merge key.
    found = client.get("/entities/?q=Mostafa+Najjar&format=json").json()["results"]
    assert "mustafa-najjar" in [e["slug"] for e in found]
    # A surname finds the people whose names end in it, whatever their first names.
    for surname in ("Abiyev", "abiyev"):
        found = client.get(f"/entities/?q={surname}&format=json").json()["results"]
        assert "safar-abiyev" in [e["slug"] for e in found]
    found = client.get("/entities/?kind=place&q=Abiyev&format=json").json()["results"]
    assert found == []
    data = client.get("/entities/?format=json").json()
    assert data["schema"] == "cable-archive/entities/1"
    assert {k["kind"] for k in data["kinds"]} == {"person", "organization", "place"}


def test_entity_search_finds_the_ways_the_cables_write_a_name(client, seeds):
    def found(query, kind=""):
        data = client.get("/entities/", {"q": query, "kind": kind, "format": "json"}).json()
        return [entity["slug"] for entity in data["results"]]

    # An acronym the cables define or the lists know, another spelling, a different word order
    assert found("HDIM") == ["human-dimension-implementation-meeting"]
    assert "islamic-revolutionary-guard-corps" in found("irgc")
    assert "islamic-revolutionary-guard-corps" in found("Iranian Revolutionary Guard Corps")
    assert "ministry-of-foreign-affairs" in found("MFA", kind="organization")
    assert found("MFA", kind="place") == []
    page = client.get("/entities/?q=GOAJ").content.decode()
    assert "Government of Azerbaijan</a>" in page
    # the other spellings, listed without the name shown
    page = client.get("/entities/?q=Abiyev").content.decode()
    assert "<td>Abiyev</td>" in page


def test_the_headers_cable_search_starts_empty_on_an_entity_search(client, seeds):
    """On /entities/ q names entities: its own box keeps it, the header's box (a search of the
    cables) does not offer it as a cable search; on the cable list the header keeps the search."""
    import re

    def boxes(url):
        page = client.get(url).content.decode()
        return dict(re.findall(r'<input id="(site-q|entity-q|list-q)"[^>]*value="([^"]*)"', page))

    assert boxes("/entities/?q=Abiyev") == {"site-q": "", "entity-q": "Abiyev"}
    assert boxes("/cables/?q=Abiyev") == {"site-q": "Abiyev", "list-q": "Abiyev"}


def test_entity_search_follows_a_correction_of_aliases(client, seeds):
    from cables.importing.entities import merge_entities

    def found(query):
        data = client.get("/entities/", {"q": query, "format": "json"}).json()
        return [entity["slug"] for entity in data["results"]]

    assert "osce" not in found("HDIM")
    osce = Entity.objects.get(name="Organization for Security and Cooperation in Europe")
    merge_entities([Entity.objects.get(slug="human-dimension-implementation-meeting")], osce)
    assert found("HDIM") == [osce.slug]


def test_merged_entity_redirects(client, seeds):
    from cables.importing.entities import merge_entities

    merge_entities([Entity.objects.get(slug="baku")], Entity.objects.get(slug="azerbaijan"))
    response = client.get("/entities/baku/?format=json")
    assert response.status_code == 302 and response["Location"].startswith("/entities/azerbaijan/")
    assert client.get("/cables/?entity=baku&format=json").status_code == 200


@pytest.mark.parametrize(
    "url, status",
    [
        ("/entities/no-such-entity/", 404),
        ("/entities/no-such-entity/?format=json", 404),
        ("/entities/?kind=robot", 400),
        ("/entities/?page=0", 400),
        ("/entities/?page=abc&format=json", 400),
        ("/entities/?format=xml", 400),
        ("/entities/?q=" + "x" * 300, 400),
        ("/entities/?q=%00", 400),
        ("/entities/safar-abiyev/?marking=Q", 400),
        ("/entities/safar-abiyev/?page=999999", 400),
        ("/entities/safar-abiyev/?format=csv", 400),
        ("/cables/?entity=no-such-entity", 400),
        ("/cables/?entity=%3Cscript%3E", 400),
        ("/cables/?entity=no-such-entity&format=json", 400),
        ("/entities/?q=%E2%80%A6", 200),
        ("/entities/?q=%F4%8F%BF%BF", 200),
    ],
)
def test_bad_slugs_and_queries_never_500(client, seeds, url, status):
    assert client.get(url).status_code == status


def test_cable_page_links_mentions_and_keeps_the_text(client, seeds):
    page = client.get("/cables/08BAKU164/").content.decode()
    assert (
        '<a class="mention" href="/entities/safar-abiyev/" title="Safar Abiyev">Safar Abiyev</a>'
        in page
    )
    assert 'href="/entities/islamic-revolutionary-guard-corps/"' in page
    # Without the links, each paragraph reads exactly as the display text.
    response = client.get("/cables/08BAKU164/")
    for paragraph in response.context["paragraphs"]:
        shown = html.unescape(re.sub(r"<[^>]+>", "", str(paragraph.display_html)))
        assert shown == paragraph.display_text
        assert str(paragraph.display_html).count('class="mention"') == len(
            paragraph.linked_mentions
        )


def test_links_compose_with_joined_line_breaks(client, seeds):
    from cables.views.cable import apply_edits, display_edits, linked_html

    text = (
        "The minister met Defense Minister Mustafa\n"
        "Najjar in Baku on Tuesday and the two discussed matters at some length before the\n"
        "press."
    )
    edits, _ = display_edits(text)
    start = text.index("Mustafa")
    end = text.index("Najjar") + len("Najjar")
    shown = str(linked_html(text, edits, [(start, end, "<a>", "</a>")]))
    assert "<a>Mustafa Najjar</a>" in shown or "<a>Mustafa\nNajjar</a>" in shown
    assert re.sub(r"</?a>", "", shown) == apply_edits(text, edits)
    assert str(linked_html("a < b & Baku", [], [(8, 12, "<a>", "</a>")])) == (
        "a &lt; b &amp; <a>Baku</a>"
    )


def test_cable_json_lists_mentions(client, seeds):
    data = client.get("/cables/06BAKU641/?format=json").json()
    mentions = data["paragraphs"][0]["mentions"]
    assert {"start", "end", "text", "entity", "url"} <= set(mentions[0])
    assert any(m["entity"] == "mustafa-najjar" for m in mentions)


def test_entity_filter_and_facet_agree(client, seeds):
    data = client.get("/cables/?entity=safar-abiyev&format=json").json()
    assert data["total"]["count"] == Entity.objects.get(slug="safar-abiyev").cable_count
    facet = data["facets"]["entity"]
    assert facet["values"][0]["selected"]
    for value in facet["values"][1:]:
        linked = client.get(value["toggle_url"]).json()
        assert linked["total"]["count"] == value["count"], value


def test_admin_pages_and_corrections(admin_client, seeds):
    entity = Entity.objects.get(slug="mustafa-najjar")
    mention = Mention.objects.filter(entity=entity).first()
    for url in [
        reverse("admin:cables_entity_changelist"),
        reverse("admin:cables_entity_change", args=[entity.pk]),
        reverse("admin:cables_mention_changelist"),
        reverse("admin:cables_mention_change", args=[mention.pk]),
        reverse("admin:cables_entitycorrection_changelist"),
        reverse("admin:cables_entity_changelist") + "?q=najjar",
    ]:
        assert admin_client.get(url).status_code == 200, url

    changelist = reverse("admin:cables_entity_changelist")
    usg, us = Entity.objects.get(slug="u-s-government"), Entity.objects.get(slug="united-states")
    picked = {"action": "merge_selected", "_selected_action": [usg.pk, us.pk]}
    form = admin_client.post(changelist, picked)
    assert form.status_code == 200 and b"Merge into" in form.content
    done = admin_client.post(changelist, {**picked, "apply": "1", "target": us.pk})
    assert done.status_code == 302
    assert Entity.objects.get(pk=usg.pk).merged_into_id == us.pk

    picked = {"action": "split_aliases", "_selected_action": [entity.pk]}
    assert admin_client.post(changelist, picked).status_code == 200
    done = admin_client.post(
        changelist, {**picked, "apply": "1", "name": "Najjar (who?)", "aliases": ["Najjar"]}
    )
    assert done.status_code == 302
    assert Entity.objects.get(name="Najjar (who?)").mention_count > 0

    change = reverse("admin:cables_entity_change", args=[entity.pk])
    data = {"name": "M. M. Najjar", "kind": "person", "slug": entity.slug, "merged_into": ""}
    assert admin_client.post(change, data).status_code == 302
    entity.refresh_from_db()
    assert entity.name == "M. M. Najjar" and entity.name_locked
