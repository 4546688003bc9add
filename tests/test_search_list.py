"""Search on the cable list: ranked, with a snippet of the best paragraph, facets as usual."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cables import search
from cables.models import Mention, Paragraph
from tests.builders import make_cable
from tests.test_search import encodable
from tests.test_search_query import NASTY

pytestmark = pytest.mark.django_db


def listing(client, **params):
    response = client.get("/cables/", {**params, "format": "json"})
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def test_search_ranks_by_relevance_and_shows_the_best_paragraph(client, corpus):
    body = listing(client, q="nuclear")
    assert body["sort"] == "relevance"
    assert body["results"]
    for result in body["results"][:10]:
        snippet = result["snippet"]
        assert "<mark>" in snippet["html"].lower()
        assert snippet["url"].startswith(f"/cables/{result['reference_id']}/?highlight=nuclear#")
        paragraph = Paragraph.objects.get(
            cable__reference_id=result["reference_id"], anchor=snippet["anchor"]
        )
        assert re.search(r"nuclear", paragraph.text, re.IGNORECASE)


def test_search_composes_with_filters_and_facets(client, corpus):
    everything = listing(client, q="election")
    secret = listing(client, q="election", classification="SECRET")
    assert 0 < secret["total"]["count"] < everything["total"]["count"]
    facet = {v["value"]: v for v in everything["facets"]["classification"]["values"]}
    assert facet["SECRET"]["count"] == secret["total"]["count"]
    assert all(r["classification"] == "SECRET" for r in secret["results"])


def test_search_can_be_sorted_by_date(client, corpus):
    body = listing(client, q="election", sort="newest")
    dates = [r["created"] for r in body["results"]]
    assert dates == sorted(dates, reverse=True)


def test_the_html_list_shows_the_snippet_with_a_link_to_the_paragraph(client, corpus):
    response = client.get("/cables/", {"q": '"prime minister"'})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="snippet"' in html
    assert "<mark>" in html.lower()
    assert "?highlight=" in html


@pytest.mark.parametrize(
    ("q", "heading"),
    [
        ('"prime minister"', "matching &quot;prime minister&quot;,"),  # not “"prime minister"”
        ("nuclear", "matching “nuclear”,"),
        ('iran "nuclear program"', "matching iran &quot;nuclear program&quot;,"),
    ],
)
def test_the_heading_quotes_a_search_once(client, corpus, q, heading):
    text = client.get("/cables/", {"q": q}).content.decode()
    assert heading in " ".join(text.split())


def test_a_bad_search_on_the_list_says_why(client, corpus):
    response = client.get("/cables/", {"q": "-iran", "format": "json"})
    assert response.status_code == 400
    assert any("leave out" in error for error in json.loads(response.content)["errors"])


@pytest.mark.parametrize("text", [text for text in NASTY if encodable(text)])
def test_nasty_searches_on_the_list_answer_200_or_400(client, corpus, text):
    for output in ("html", "json", "csv"):
        response = client.get("/cables/", {"q": text, "format": output})
        assert response.status_code in (200, 400), (text, output, response.status_code)


def test_the_entity_filter_on_paragraphs_keeps_the_paragraphs_that_name_it(client, corpus):
    from cables.models import Entity

    entity = Entity.objects.filter(kind="place", slug="iran").first() or (
        Entity.objects.filter(kind="place").order_by("-mention_count").first()
    )
    response = client.get(
        "/paragraphs/", {"q": "government", "entity": entity.slug, "format": "json"}
    )
    assert response.status_code == 200, response.content[:300]
    body = json.loads(response.content)
    naming = set(
        Mention.objects.filter(entity=entity).values_list(
            "paragraph__cable__reference_id", "paragraph__anchor"
        )
    )
    assert body["results"]
    for result in body["results"]:
        assert (result["reference_id"], result["anchor"]) in naming


def scoring_statements(queries):
    """The statements that score a search's candidate paragraphs (bm25 or ts_rank_cd over
    the first RANK_CANDIDATES matches)."""
    return [
        q["sql"]
        for q in queries
        if ("bm25(" in q["sql"] or "ts_rank_cd(" in q["sql"]) and " LIMIT " in q["sql"]
    ]


def test_a_search_page_scores_its_candidates_once(client, corpus):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cables/", {"q": '"prime minister"'})
    assert response.status_code == 200
    assert b'class="snippet"' in response.content
    assert len(scoring_statements(queries.captured_queries)) == 1


def test_no_search_is_answered_from_an_earlier_request(client, db):
    assert listing(client, q="zanzibarite")["results"] == []
    assert search.candidate_paragraphs("zanzibarite")[0] == []
    make_cable("06BAKU641", paragraphs=[("1", "(U)", "U", "A zanzibarite deposit was found.")])
    assert [row["reference_id"] for row in listing(client, q="zanzibarite")["results"]] == [
        "06BAKU641"
    ]
    assert len(search.candidate_paragraphs("zanzibarite")[0]) == 1


def test_the_next_page_and_other_filters_read_the_scores_kept(client, corpus):
    """A search scored once serves its next page, the same search with a filter, and its
    paragraphs, without scoring again; and they are the pages a fresh scoring gives."""
    from django.core.cache import caches

    listing(client, q='"prime minister"')
    urls = [
        ("/cables/", {"q": '"prime minister"', "page": 2}),
        ("/cables/", {"q": '"prime minister"', "classification": "SECRET"}),
        ("/paragraphs/", {"q": '"prime minister"'}),
    ]
    with CaptureQueriesContext(connection) as queries:
        kept = [client.get(url, {**params, "format": "json"}).json() for url, params in urls]
    assert scoring_statements(queries.captured_queries) == []
    assert all(body["results"] for body in kept)
    fresh = []
    for url, params in urls:
        caches["search"].clear()
        with CaptureQueriesContext(connection) as queries:
            fresh.append(client.get(url, {**params, "format": "json"}).json())
        assert len(scoring_statements(queries.captured_queries)) == 1
    assert fresh == kept


def test_a_paragraph_saved_outside_the_importer_leaves_the_searches_kept_before(client, db):
    make_cable("06BAKU641", paragraphs=[("1", "(U)", "U", "A zanzibarite deposit was found.")])
    assert [row["reference_id"] for row in listing(client, q="zanzibarite")["results"]] == [
        "06BAKU641"
    ]
    paragraph = Paragraph.objects.get(cable__reference_id="06BAKU641")
    paragraph.text = "A deposit was found."
    paragraph.save()  # as the admin does
    assert listing(client, q="zanzibarite")["results"] == []


def test_an_import_that_changes_a_cable_leaves_the_searches_kept_before(client, tmp_path):
    from cables.importing.run import import_paths
    from tests.conftest import SEEDS_DIR

    seed = (SEEDS_DIR / "000_ee403f0e40051563.txt").read_text()
    assert "visited Azerbaijan" in seed
    path = tmp_path / "06BAKU641.txt"
    path.write_text(seed.replace("visited Azerbaijan", "visited zanzibarite Azerbaijan", 1))
    import_paths([path], workers=1, quiet=True)
    assert [row["reference_id"] for row in listing(client, q="zanzibarite")["results"]] == [
        "06BAKU641"
    ]
    path.write_text(seed)
    assert import_paths([path], workers=1, quiet=True).counts["updated"] == 1
    assert listing(client, q="zanzibarite")["results"] == []
