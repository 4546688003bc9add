"""The cable page and the paragraph permalink, on the seed cables and on built ones."""

import json
import re
from html import unescape

import pytest

from cables.importing.run import import_paths
from cables.models import Cable, Reference
from cables.views.cable import display_text, near_matches, serial_edits
from tests.builders import make_cable
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds():
    import_paths([SEEDS_DIR], workers=1, quiet=True)


def html(response):
    return response.content.decode()


def paragraphs_shown(page):
    """[(anchor, number as shown, badge text, text)] of the paragraphs on a page."""
    found = re.findall(
        r'<section class="paragraph[^"]*" id="([^"]+)".*?class="paragraph-number"[^>]*>(.*?)</a>'
        r'\s*(?:<span class="badge[^"]*"[^>]*>(.*?)</span>)?.*?<p class="text">(.*?)</p>',
        page,
        re.S,
    )
    return [(a, unescape(n), unescape(b), unescape(t)) for a, n, b, t in found]


# --- The seeds, as the issue asks ---------------------------------------------------------------


def test_08baku64_shows_five_secret_paragraphs_numbered_1_to_5(client, seeds):
    response = client.get("/cables/08BAKU64/")
    assert response.status_code == 200
    shown = paragraphs_shown(html(response))
    assert [(anchor, number, badge) for anchor, number, badge, _ in shown] == [
        (f"p{n}", f"{n}.", "(S)") for n in range(1, 6)
    ]
    page = html(response)
    body = page[page.index('class="cable-body"') : page.index("This cable references")]
    assert body.count('class="badge badge-s"') == 5
    assert "badge-secret" in html(response)


def test_08baku64_p4_is_the_paragraph_on_political_and_legal_conditions(client, seeds):
    response = client.get("/cables/08BAKU64/p4/")
    assert response.status_code == 200
    ((anchor, _, badge, text),) = paragraphs_shown(html(response))
    assert anchor == "p4" and badge == "(S)"
    assert text.startswith("Turning to the political and legal conditions")
    page = html(response)
    assert 'href="/cables/08BAKU64/#p4"' in page  # the full cable, scrolled to it
    for needle in ["08BAKU64", "2008-01-25", "AZERBAIJAN MFA COMMENTS ON SECOND SURVEY", "SECRET"]:
        assert needle in page
    assert "Embassy Baku" in page


def test_06baku641_shows_each_paragraph_at_its_own_level(client, seeds):
    page = html(client.get("/cables/06BAKU641/"))
    shown = paragraphs_shown(page)
    assert [(anchor, badge) for anchor, _, badge, _ in shown] == [("p1", "(U)"), ("p2", "(C)")]
    assert 'class="badge badge-u" title="Unclassified">(U)</span>' in page
    assert 'class="badge badge-c" title="Confidential">(C)</span>' in page
    # The cable itself is CONFIDENTIAL, and says so.
    assert 'class="badge badge-confidential" title="CONFIDENTIAL">CONFIDENTIAL</span>' in page


def test_07baku1160_lists_its_references(client, seeds):
    page = html(client.get("/cables/07BAKU1160/"))
    section = page[page.index("This cable references") : page.index("Referenced by")]
    assert "07STATE126089" in section and "07BAKU1141" in section
    assert "A. STATE 126089" in section and "B. BAKU 01141" in section
    assert section.count("not in this archive") == 2


# --- Metadata -----------------------------------------------------------------------------------


def test_metadata_panel(client, seeds):
    page = html(client.get("/cables/06BAKU641/"))
    panel = page[page.index('class="metadata-panel"') : page.index("</aside>")]
    for needle in [
        "06BAKU641",
        "2006-04-27 02:23 UTC",
        "Embassy Baku",
        "CONFIDENTIAL",
        "SIPDIS",
        "PRIORITY",
        "IRANIAN DEFENSE MINISTER VISITS BAKU",
        "12958",
        "declassify on",
        "2016-04-26",
        "1.4 (b) and (d)",
        "HYLAND",
        "SECSTATE WASHDC",
        "Routing header",
    ]:
        assert needle in panel, needle
    # Each tag with its meaning, linking to the list filtered by it.
    assert '<a class="tag-code" href="/cables/?tag=PREL"' in panel
    assert "External political relations" in panel or "PREL</a> <span" in panel
    # Eight INFO addressees are folded away; so is the routing header.
    assert "<details><summary>8 addressees</summary>" in panel
    assert '<details class="routing">' in panel


def test_reference_id_is_matched_without_regard_to_case(client, seeds):
    response = client.get("/cables/08baku64/")
    assert response.status_code == 301
    assert response["Location"] == "/cables/08BAKU64/"
    response = client.get("/cables/08baku064/p4/?format=json")
    assert response["Location"] == "/cables/08BAKU64/p4/?format=json"
    assert client.get("/cables/08BAKU64/p04/")["Location"] == "/cables/08BAKU64/p4/"


def test_text_is_escaped(client):
    make_cable("06BAKU9", paragraphs=[("1", "(C)", "C", "<script>alert(1)</script> & more")])
    page = html(client.get("/cables/06BAKU9/"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page


def test_unnumbered_and_lettered_paragraphs(client):
    cable = make_cable(
        "06BAKU10",
        paragraphs=[("", "", "", "Preamble without a number."), ("A", "(C//NF)", "C", "Item A.")],
    )
    cable.paragraphs.filter(number="").update(caveats="")
    cable.paragraphs.filter(number="A").update(caveats="NF")
    page = html(client.get("/cables/06BAKU10/"))
    assert 'id="pos0"' in page and 'id="pA"' in page
    # The unnumbered one's permalink is its positional anchor; the lettered one has a page.
    assert 'data-copy="http://testserver/cables/06BAKU10/#pos0"' in page
    assert 'data-copy="http://testserver/cables/06BAKU10/pA/"' in page
    assert 'title="Confidential; NOFORN: not releasable to foreign nationals">(C//NF)' in page
    assert client.get("/cables/06BAKU10/pA/").status_code == 200
    assert client.get("/cables/06BAKU10/pa/")["Location"] == "/cables/06BAKU10/pA/"


def test_every_paragraph_has_a_copy_control_with_its_permalink(client, seeds):
    page = html(client.get("/cables/08BAKU64/"))
    for n in range(1, 6):
        assert f'data-copy="http://testserver/cables/08BAKU64/p{n}/"' in page
    assert 'href="/static/js/cable.js"' in page or "js/cable" in page
    assert "What the markings mean" in page


# --- The paragraph permalink: previews carry the paragraph ---------------------------------------


def test_paragraph_permalink_meta_tags_carry_the_paragraph(client, seeds):
    page = html(client.get("/cables/08BAKU64/p4/"))
    title = unescape(re.search(r"<title>(.*?)</title>", page, re.S)[1])
    assert title.startswith("08BAKU64 ¶4: Turning to the political and legal conditions")

    def meta(attribute, name):
        match = re.search(rf'<meta {attribute}="{name}" content="([^"]*)"', page)
        return unescape(match[1]) if match else None

    assert meta("name", "description").startswith("Turning to the political and legal")
    assert meta("property", "og:description").startswith("Turning to the political and legal")
    assert meta("property", "og:title").startswith("08BAKU64 ¶4 (S)")
    assert meta("property", "og:url") == "http://testserver/cables/08BAKU64/p4/"
    assert meta("property", "og:type") == "article"
    assert meta("name", "twitter:card") == "summary"


def test_citations_on_the_pages(client, seeds):
    page = unescape(html(client.get("/cables/08BAKU64/p4/")))
    assert "US Embassy Baku. “AZERBAIJAN MFA COMMENTS" in page
    assert "Diplomatic cable 08BAKU64, January 25, 2008, ¶4." in page
    assert "http://testserver/cables/08BAKU64/p4/." in page
    assert "@misc{cable:08BAKU64:p4," in page
    page = unescape(html(client.get("/cables/08BAKU64/")))
    assert "@misc{cable:08BAKU64,\n" in page
    assert "@misc{cable:08BAKU64:p2," in page  # each paragraph's own, folded away
    assert "Accessed " in page


# --- JSON ---------------------------------------------------------------------------------------


def test_cable_json(client, seeds):
    response = client.get("/cables/07BAKU1160/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    expected_keys = {
        "reference_id", "url", "created", "released", "origin", "origin_name", "classification",
        "label", "caveats", "precedence", "tags", "subject", "summary", "eo", "declassify_on",
        "classified_by", "classification_reasons", "signer", "recipients", "header", "body",
        "partial_extract", "imported_at", "updated_at", "paragraphs", "references",
        "referenced_by", "citation",
    }  # fmt: skip
    assert set(data) == expected_keys
    assert data["reference_id"] == "07BAKU1160"
    assert data["url"] == "http://testserver/cables/07BAKU1160/"
    assert data["created"] == "2007-09-20T08:58:00Z"
    assert [tag["code"] for tag in data["tags"]] == ["PREL", "PGOV", "AJ"]
    assert data["tags"][0]["url"] == "http://testserver/cables/?tag=PREL"
    assert [p["number"] for p in data["paragraphs"]] == ["1", "2", "3"]
    assert {p["level"] for p in data["paragraphs"]} == {"C"}
    assert data["paragraphs"][0]["url"] == "http://testserver/cables/07BAKU1160/p1/"
    assert [r["target_reference_id"] for r in data["references"]] == [
        "07STATE126089",
        "07BAKU1141",
    ]
    assert [r["in_archive"] for r in data["references"]] == [False, False]
    assert data["referenced_by"] == []
    assert data["citation"]["bibtex"].startswith("@misc{cable:07BAKU1160,")


def test_paragraph_json(client, seeds):
    data = client.get("/cables/06BAKU641/p2/?format=json").json()
    assert set(data) == {"cable", "paragraph", "citation"}
    assert data["cable"]["reference_id"] == "06BAKU641"
    assert data["paragraph"]["marking"] == "(C)"
    assert data["paragraph"]["text"].startswith("According to the Azerbaijani translation")
    assert data["citation"]["url"] == "http://testserver/cables/06BAKU641/p2/"


def test_json_keeps_text_exactly_as_imported(client):
    text = "First line of a list:\n- one\n- two\nwrapped prose goes on\nand on"
    make_cable("06BAKU11", paragraphs=[("1", "(C)", "C", text)])
    data = json.loads(client.get("/cables/06BAKU11/?format=json").content)
    assert data["paragraphs"][0]["text"] == text


def test_references_both_ways(client):
    cited = make_cable("06BAKU20", subject="THE CITED ONE")
    citing = make_cable("06BAKU21", subject="THE CITING ONE")
    Reference.objects.create(
        from_cable=citing, position=0, label="A", printed="A. BAKU 20",
        target_reference_id="06BAKU20", target=cited,
    )  # fmt: skip
    Reference.objects.create(
        from_cable=citing, position=1, label="B", printed="B. A PRESS REPORT", target=None
    )
    page = html(client.get("/cables/06BAKU21/"))
    section = page[page.index("This cable references") : page.index("Referenced by")]
    assert '<a class="ref" href="/cables/06BAKU20/">06BAKU20</a>' in section
    assert "B. A PRESS REPORT" in section
    assert "not in this archive" not in section  # a reference that is not a cable is just text
    page = html(client.get("/cables/06BAKU20/"))
    section = page[page.index("Referenced by") : page.index('id="cite"')]
    assert '<a class="ref" href="/cables/06BAKU21/">06BAKU21</a>' in section
    assert "THE CITING ONE" in section
    data = client.get("/cables/06BAKU20/?format=json").json()
    assert [c["reference_id"] for c in data["referenced_by"]] == ["06BAKU21"]


# --- Bad URLs: 404 or 400 with a clear message, never 500 ----------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/cables/%00/", 404, "is not a reference ID"),
        ("/cables/%E2%80%AE%3Cb%3E/", 404, "is not a reference ID"),
        ("/cables/" + "9" * 5000 + "/", 404, "is not a reference ID"),
        ("/cables/08BAKU64" + "4" * 40 + "/", 404, "is not a reference ID"),
        ("/cables/08BAKU999/", 404, "There is no cable 08BAKU999 in this archive."),
        ("/cables/08BAKU64/p999/", 404, "08BAKU64 has no paragraph numbered “999”."),
        ("/cables/08BAKU64/pabc/", 404, "08BAKU64 has no paragraph numbered “abc”."),
        ("/cables/08BAKU64/p%00/", 404, "08BAKU64 has no paragraph numbered"),
        ("/cables/08BAKU64/p" + "1" * 300 + "/", 404, "08BAKU64 has no paragraph numbered"),
        ("/cables/08BAKU64/?format=xml", 400, "Unknown format “xml”"),
        ("/cables/08BAKU64/p4/?format=csv", 400, "Unknown format “csv”"),
        ("/cables/08BAKU64/?format=%00", 400, "Unknown format"),
    ],
)
def test_bad_urls(client, seeds, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    page = unescape(html(response))
    assert message in page
    assert "\x00" not in page


def test_unknown_paragraph_links_to_the_cable(client, seeds):
    page = html(client.get("/cables/08BAKU64/p999/"))
    assert 'href="/cables/08BAKU64/"' in page
    assert 'href="/cables/08BAKU64/p5/"' in page


def test_not_found_page_has_a_search_box_and_near_matches(client, seeds):
    page = html(client.get("/cables/08BAKU65/"))
    assert 'role="search"' in page and 'value="08BAKU65"' in page
    assert "Did you mean" in page and 'href="/cables/08BAKU64/"' in page
    # Another year, a station typo, no year at all.
    for typed in ["09BAKU64", "08BAKUU64", "08BAKO64", "BAKU64", "08BAKU46", "08BAKU6"]:
        page = html(client.get(f"/cables/{typed}/"))
        assert 'href="/cables/08BAKU64/"' in page, typed


def test_not_found_says_when_a_cable_is_in_the_release_but_not_here(client, seeds):
    page = html(client.get("/cables/07STATE126089/"))
    assert "is one of the cables of the Cablegate release" in page


def test_near_matches_use_a_couple_of_indexed_queries(seeds, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        found = [cable.reference_id for cable in near_matches("07BAKU1161")]
    assert "07BAKU1160" in found


def test_serial_edits():
    edits = serial_edits("64")
    assert {"4", "6", "46", "65", "164", "604", "640"} <= set(edits)
    assert "64" not in edits and "0" not in edits
    assert edits[0] in {"63", "65"}  # nearest serials first


# --- Queries ------------------------------------------------------------------------------------


def test_the_cable_page_runs_a_fixed_small_number_of_queries(
    client, seeds, django_assert_max_num_queries
):
    # The cable, paragraphs, TAGS, caveats, references, citing cables, mentions of entities.
    with django_assert_max_num_queries(7):
        assert client.get("/cables/07BAKU1160/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get("/cables/06BAKU641/?format=json").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/cables/08BAKU64/p4/").status_code == 200


def test_query_count_does_not_grow_with_the_cable(client, django_assert_max_num_queries):
    paragraphs = [(str(n), "(C)", "C", f"Paragraph {n}.") for n in range(1, 60)]
    big = make_cable("06BAKU30", tags=["PREL", "PGOV", "AJ", "IR"], paragraphs=paragraphs)
    for n in range(40, 80):
        citing = make_cable(f"06BAKU{n}")
        Reference.objects.create(from_cable=citing, printed="X", target=big)
        Reference.objects.create(from_cable=big, printed=f"BAKU {n}", target=citing)
    Cable.objects.filter(pk=big.pk).update(
        recipients=[{"kind": "info", "name": f"POST {n}", "routing_indicator": "RUEH"}] * 30
    )
    with django_assert_max_num_queries(7):
        assert client.get("/cables/06BAKU30/").status_code == 200


# --- Line breaks --------------------------------------------------------------------------------


def test_display_text_joins_hard_wrapped_prose():
    text = (
        "Third, the Dutch have greatly expanded cooperation\n"
        "with the United States, Britain and others.  They have been\n"
        "strong partners with us on border security initiatives."
    )
    shown, table = display_text(text)
    assert not table
    assert "\n" not in shown
    assert shown.replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_display_text_keeps_breaks_that_carry_meaning():
    text = (
        "Some of the major myths on the F-35 are:\n"
        "--The F-35 is a bomber, not a fighter.\n"
        "--The F-35 is a slow plane.\n"
        "(a) one item\n"
        "B. another\n"
        "OVERVIEW\n"
        "Costa Rica is a country mainly of transit, destination and, to a much lesser degree"
    )
    shown, _ = display_text(text)
    assert shown == text


def test_display_text_keeps_a_heading_after_joined_prose():
    text = (
        "Third, the Dutch have greatly expanded cooperation\n"
        "with the United States, Britain and others.  They have been\n"
        "strong partners with us.\n"
        "NEXT STEPS\n"
        "Post will report."
    )
    shown, _ = display_text(text)
    assert shown.split("\n") == [
        "Third, the Dutch have greatly expanded cooperation with the United States, Britain and "
        "others.  They have been strong partners with us.",
        "NEXT STEPS",
        "Post will report.",
    ]


def test_display_text_joins_a_long_line_broken_mid_sentence():
    text = "x" * 300 + " have resisted\nintegration. This has been compounded."
    assert (
        display_text(text)[0] == "x" * 300 + " have resisted integration. This has been compounded."
    )


def test_display_text_keeps_tables_as_printed():
    text = "Province      2008     2009\nKabul         12       15\nHerat         3        4"
    assert display_text(text) == (text, True)


def test_display_text_joins_a_compound_broken_at_its_hyphen():
    text = "Yesterday's talks on the future of the U.S.-\nIraq security relationship were held"
    assert display_text(text)[0] == text.replace("-\n", "-")


def test_arriving_from_a_search_marks_the_words_in_the_paragraphs(client):
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    html = client.get("/cables/06BAKU641/", {"highlight": "visit"}).content.decode()
    marked = re.findall(r"<mark>([^<]*)</mark>", html)
    assert {word.lower() for word in marked} >= {"visited", "visits", "visit"}
    # Inside an entity link the mark nests in the link; the text is otherwise unchanged.
    html = client.get("/cables/06BAKU641/", {"highlight": '"Safar Abiyev"'}).content.decode()
    assert re.search(r'<a class="mention"[^>]*><mark>Safar Abiyev</mark></a>', html)
    assert "<mark>" not in client.get("/cables/06BAKU641/").content.decode()


@pytest.mark.parametrize("value", ['"', "-", "*", "<script>", "a" * 2000, "\x00", "OR"])
def test_odd_highlight_values_never_fail(client, value):
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    response = client.get("/cables/06BAKU641/", {"highlight": value})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]
