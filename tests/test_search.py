"""Full-text search over the real corpus: phrases, exclusions, stemming, filters, snippets,
the index kept in step with the data, and /paragraphs/ (HTML and JSON) on bad input."""

import html
import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from cables import search
from cables.importing.run import import_paths
from cables.models import Cable, Paragraph
from tests.conftest import SEEDS_DIR
from tests.test_search_query import NASTY

pytestmark = pytest.mark.django_db

# Words checked against a plain scan of every paragraph's text.
SCAN_WORDS = [
    "embassy",
    "minister",
    "nuclear",
    "oil",
    "election",
    "visit",
    "terrorism",
    "iran",
    "bank",
    "army",
    "police",
    "refugees",
    "corruption",
    "water",
    "Chavez",
    "Hezbollah",
    "uranium",
    "pipeline",
    "NOFORN",
    "1.4",
]


def says(pattern, text):
    """Whether the text says the word; on PostgreSQL, not counting a word glued by dots into a
    host name such as "U.S-Iran" or "www.state.gov" (its parser keeps those whole: see
    docs/search.md)."""
    for match in pattern.finditer(text):
        if not _postgres() or "." in pattern.pattern:
            return True
        chunk = re.search(r"\S*$", text[: match.start()]).group() + text[match.start() :].split()[0]
        if not re.search(r"\w\.[\w-]*\w", chunk.strip(".,;:()[]\"'")):
            return True
    return False


def paragraph_ids(q, queryset=None):
    queryset = Paragraph.objects.all() if queryset is None else queryset
    return set(search.filter_paragraphs(queryset, q).values_list("pk", flat=True))


def texts():
    return dict(Paragraph.objects.values_list("pk", "text"))


def test_the_index_is_the_one_the_database_has(corpus):
    from django.db import connection

    expected = "postgresql" if connection.vendor == "postgresql" else "fts5"
    assert search.backend() == expected


@pytest.mark.parametrize("word", SCAN_WORDS)
def test_every_paragraph_that_says_a_word_is_found(corpus, word):
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    said = {pk for pk, text in texts().items() if says(pattern, text)}
    assert said, word
    found = paragraph_ids(f'"{word}"' if "." in word else word)
    assert said <= found, sorted(said - found)[:10]


def test_a_phrase_matches_only_the_phrase(corpus):
    found = paragraph_ids('"prime minister"')
    every = texts()
    assert len(found) > 50
    for pk in found:
        assert re.search(r"\bprime\W+minister", every[pk], re.IGNORECASE), every[pk][:200]
    # The two words apart are found more often than together.
    assert len(paragraph_ids("prime minister")) > len(found)


def test_an_excluded_word_excludes(corpus):
    every = texts()
    with_nuclear = paragraph_ids("iran nuclear")
    without = paragraph_ids("iran -nuclear")
    assert with_nuclear and without
    assert not with_nuclear & without
    assert with_nuclear | without == paragraph_ids("iran")
    for pk in without:
        assert not re.search(r"\bnuclear\b", every[pk], re.IGNORECASE)
    # A cable is excluded when any paragraph (or the subject) says the word.
    cables = search.filter_cables(Cable.objects.all(), "iran -nuclear")
    assert cables.exists()
    assert not Paragraph.objects.filter(
        cable__in=cables, text__iregex=r"\mnuclear\M" if _postgres() else r"\bnuclear\b"
    ).exists()
    assert not cables.filter(subject__icontains="nuclear").exists()


def _postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


def test_stemming_finds_visits_for_visit(corpus):
    every = texts()
    only_plural = [
        pk
        for pk in paragraph_ids("visit")
        if re.search(r"\bvisits\b", every[pk], re.I)
        and not re.search(r"\bvisit\b", every[pk], re.I)
    ]
    assert only_plural
    assert paragraph_ids("visits") == paragraph_ids("visit")


def test_or_finds_either_word(corpus):
    assert paragraph_ids("iran or iraq") == paragraph_ids("iran") | paragraph_ids("iraq")


def test_search_composes_with_other_filters(corpus):
    secret = Cable.objects.filter(classification="SECRET")
    found = search.filter_cables(secret, "iran")
    assert found.exists()
    assert set(found.values_list("pk", flat=True)) == set(
        search.filter_cables(Cable.objects.all(), "iran").values_list("pk", flat=True)
    ) & set(secret.values_list("pk", flat=True))
    ranked = list(search.rank_cables(secret, "iran")[:10])
    ranks = [cable.search_rank for cable in ranked]
    assert ranks == sorted(ranks, reverse=True)
    assert ranks[0] > 0
    # The rank expression alone, as the list orders by it.
    ordered = found.order_by(search.cable_rank("iran").desc(), "reference_id")
    assert [c.pk for c in ordered[:10]] == [c.pk for c in ranked]


def test_the_subject_line_is_searched(corpus):
    cable = Cable.objects.filter(subject__icontains="MANPADS").first()
    assert cable is not None
    assert search.filter_cables(Cable.objects.all(), "manpads").filter(pk=cable.pk).exists()


def test_best_snippets_mark_the_words_and_escape_the_text(corpus):
    cables = list(search.rank_cables(Cable.objects.all(), '"prime minister"')[:20])
    found = search.best_snippets([cable.pk for cable in cables], '"prime minister"')
    assert found
    for snippet in found.values():
        assert "<mark>" in snippet.html
        assert "<" not in re.sub(r"</?mark>", "", snippet.html)
        assert snippet.anchor


@pytest.mark.parametrize("phrase", ['"prime minister"', '"human rights"', '"foreign minister"'])
def test_a_phrase_snippet_marks_the_whole_phrase_and_only_it(corpus, phrase):
    # FTS5 cut some at their window's end ("…when he is <mark>Prime</mark>…"), ts_headline
    # marked the phrase's words alone elsewhere ("Finance <mark>Minister</mark>")
    words = phrase.strip('"').split()
    # every word of it, in any of its forms ("European Court of Human Right's")
    whole = re.compile(r"\W+".join(word[:5] + r"\w*" for word in words), re.IGNORECASE)
    ids = list(
        search.filter_paragraphs(Paragraph.objects.all(), phrase).values_list("pk", flat=True)
    )
    assert len(ids) > 100
    found = search.snippets(ids, phrase)
    assert set(found) == set(ids)
    for pk, snippet in found.items():
        marked = re.findall(r"<mark>(.*?)</mark>", snippet)
        assert marked, (pk, snippet)
        assert all(whole.fullmatch(html.unescape(text)) for text in marked), (pk, snippet)


def test_snippets_escape_markup_in_the_text(corpus):
    paragraph = Paragraph.objects.filter(text__contains="&").first()
    assert paragraph is not None
    word = max(re.findall(r"[A-Za-z]{6,}", paragraph.text), key=len)
    rendered = search.snippets([paragraph.pk], word)[paragraph.pk]
    plain = re.sub(r"</?mark>", "", rendered)
    assert "<" not in plain
    assert html.unescape(plain).replace("…", "").strip()[:20] in " ".join(paragraph.text.split())


def test_the_index_follows_updates_and_deletes(corpus):
    paragraph = Paragraph.objects.filter(text__icontains="embassy").first()
    Paragraph.objects.filter(pk=paragraph.pk).update(text="Zanzibarquux met the ambassador.")
    assert paragraph_ids("zanzibarquux") == {paragraph.pk}
    Cable.objects.filter(pk=paragraph.cable_id).update(subject="QUUXFROBNITZ TALKS")
    assert list(search.filter_cables(Cable.objects.all(), "quuxfrobnitz")) == [paragraph.cable]
    Paragraph.objects.filter(pk=paragraph.pk).delete()
    assert paragraph_ids("zanzibarquux") == set()


def test_the_index_follows_an_import_that_changes_a_cable(corpus, tmp_path):
    original = next(SEEDS_DIR.glob("000_*.txt")).read_text()
    assert "Najjar" in original
    (tmp_path / "cable.txt").write_text(original)
    import_paths([tmp_path], workers=1, quiet=True)
    assert paragraph_ids("najjar")
    (tmp_path / "cable.txt").write_text(original.replace("Najjar", "Quuxolotl"))
    summary = import_paths([tmp_path], workers=1, quiet=True)
    assert summary.counts["updated"] == 1
    assert paragraph_ids("quuxolotl")
    cable = Cable.objects.get(reference_id="06BAKU641")
    assert not paragraph_ids("najjar", Paragraph.objects.filter(cable=cable))


def test_the_index_built_by_batch_matches_the_text_exactly(corpus):
    """The importer indexes each batch in one statement (SQLite); FTS5's own integrity check
    compares the index with the paragraph and subject texts, row by row."""
    if _postgres():
        pytest.skip("PostgreSQL's search vectors are generated columns: always in step")
    from django.db import connection

    with connection.cursor() as cursor:
        for fts in (search.PARAGRAPH_FTS, search.SUBJECT_FTS):
            cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
            cursor.execute(f"SELECT COUNT(*) FROM {fts}")
        cursor.execute(
            "SELECT COUNT(*) FROM cables_archive_state WHERE name = %s", ["search_by_batch"]
        )
        assert cursor.fetchone()[0] == 0
    assert paragraph_ids("embassy")


def index_segments():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT segid) FROM {search.PARAGRAPH_FTS}_idx")
        return cursor.fetchone()[0]


def found_where(q):
    """(cable, paragraph position) of the paragraphs a search finds: ids change on update."""
    return set(
        search.filter_paragraphs(Paragraph.objects.all(), q).values_list(
            "cable__reference_id", "position"
        )
    )


def test_a_run_that_rewrote_much_of_the_archive_leaves_its_index_merged(corpus):
    """A new parser reads every cable again: the index is merged into one segment, and finds
    what it found."""
    if _postgres():
        pytest.skip("PostgreSQL's GIN index is vacuumed after every import that changed rows")
    Cable.objects.all().delete()
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    found = found_where("Azerbaijan")
    assert found
    Cable.objects.update(read_with=0)
    summary = import_paths([SEEDS_DIR], workers=1, quiet=True)
    assert summary.counts["updated"] == Cable.objects.count() == 4
    assert index_segments() == 1
    assert found_where("Azerbaijan") == found


def test_a_run_that_rewrote_a_few_cables_leaves_the_index_as_it_is(corpus):
    """Merging the whole index costs seconds at the release's size: not for a few cables."""
    if _postgres():
        pytest.skip("FTS5 only")
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    Cable.objects.filter(reference_id__in=["06BAKU641", "07BAKU1160"]).update(read_with=0)
    summary = import_paths([SEEDS_DIR], workers=1, quiet=True)
    assert summary.counts["updated"] == 2
    assert index_segments() > 1
    assert "06BAKU641" in {reference_id for reference_id, _ in found_where("Najjar")}


def test_rows_written_outside_the_importer_are_indexed_too(corpus):
    cable = Cable.objects.first()
    paragraph = Paragraph.objects.create(
        cable=cable, position=999, anchor="pos999", text="Quizzaciously the embassy noted."
    )
    assert paragraph_ids("quizzaciously") == {paragraph.pk}


def test_the_fallback_scan_gives_the_same_kind_of_answers(corpus, monkeypatch):
    if _postgres():
        pytest.skip("the scan is SQLite's fallback when it has no FTS5")
    expected = {q: paragraph_ids(q) for q in ["embassy", '"prime minister"', "iran -nuclear"]}
    monkeypatch.setattr(search, "backend", lambda: "scan")
    for q, ids in expected.items():
        scanned = paragraph_ids(q)
        assert ids <= scanned or len(ids ^ scanned) < len(ids) / 20, q
    assert search.notices()
    assert search.filter_cables(Cable.objects.all(), "iran -nuclear").exists()
    assert search.snippets(list(expected["embassy"])[:3], "embassy")


# --- /paragraphs/ ---------------------------------------------------------------------------

URL = reverse("cables:paragraphs")


def test_paragraphs_page_lists_matching_paragraphs(client, corpus):
    response = client.get(URL, {"q": '"prime minister"'})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>" in body
    assert 'href="/cables/' in body and "?highlight=%22prime+minister%22#" in body
    assert 'class="badge' in body


def test_paragraphs_marking_filter_is_the_paragraph_level(client, corpus):
    response = client.get(URL, {"q": "iran", "marking": "S", "format": "json"})
    data = response.json()
    assert response.status_code == 200
    assert data["results"]
    assert {row["level"] for row in data["results"]} == {"S"}
    counts = {item["value"]: item["count"] for item in data["facets"]["marking"]}
    assert counts["S"] == data["total"]["count"]
    assert sum(counts.values()) <= len(paragraph_ids("iran"))


def test_paragraphs_take_the_cable_filters(client, corpus):
    data = client.get(URL, {"q": "iran", "classification": "SECRET", "format": "json"}).json()
    assert data["results"]
    assert {row["classification"] for row in data["results"]} == {"SECRET"}
    assert data["facets"]["classification"]
    year = client.get(URL, {"q": "iran", "year": "2009", "format": "json"}).json()
    assert year["results"] and all(row["created"].startswith("2009") for row in year["results"])


def test_paragraphs_json_and_pagination(client, corpus):
    first = client.get(URL, {"q": "embassy", "format": "json"}).json()
    assert first["schema"] == "cable-archive/paragraphs/1"
    assert first["page"]["count"] == 20 and first["page"]["next_url"]
    second = client.get(first["page"]["next_url"]).json()
    assert second["page"]["offset"] == 20
    assert not {r["url"] for r in first["results"]} & {r["url"] for r in second["results"]}
    assert client.get(URL, {"q": "embassy", "page": "51"}).status_code == 400


def encodable(text):
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate cannot travel in a URL (see %ED%A0%80 below)
        return False
    return True


@pytest.mark.parametrize("text", [text for text in NASTY if encodable(text)])
def test_nasty_searches_answer_200_or_400(client, corpus, text):
    for output in ("html", "json"):
        response = client.get(URL, {"q": text, "format": output})
        assert response.status_code in (200, 400), (text, response.status_code)
        if response.status_code == 400 and output == "json":
            assert json.loads(response.content)["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "q=visit&marking=X",
        "q=visit&year=abc",
        "q=visit&from=yesterday",
        "q=visit&tag=NOSUCHTAG",
        "q=visit&page=abc",
        "q=visit&page=0",
        "q=visit&page=" + "9" * 400,
        "q=visit&format=xml",
        "q=visit&classification=SUPER",
        "q=%00",
        "q=%ED%A0%80",
        "q=%FF%FE",
        "q=visit&q=iran",
    ],
)
def test_bad_query_strings_answer_200_or_400(client, corpus, query):
    assert client.get(f"{URL}?{query}").status_code in (200, 400)


def test_a_bad_search_says_why(client, corpus):
    response = client.get(URL, {"q": "-iran"})
    assert response.status_code == 400
    assert "only says what to leave out" in response.content.decode()
    assert 'id="paragraphs-q"' in response.content.decode()


def test_without_the_fts5_index_search_scans_and_warns(corpus):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    expected = paragraph_ids('"prime minister"')
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        for name in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER {search.PARAGRAPH_FTS}_{name}")
    search._ready.clear()
    try:
        assert search.backend() == "scan"
        assert [w.id for w in search.check_search_index(databases=["default"])] == ["cables.W001"]
        assert expected <= paragraph_ids('"prime minister"')
    finally:
        search._ready.clear()


def test_while_a_first_import_builds_the_index_searches_say_so(client, corpus):
    """SQLite's index of a first import is built at its end (cables/importing/indexes.py)."""
    if _postgres():
        pytest.skip("PostgreSQL indexes every paragraph as it is written")
    assert not search.notices()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cables_archive_state (name, value) VALUES (%s, 1)", [search.DEFERRED_FLAG]
        )
    notice = "its cables become searchable when it ends"
    assert any(notice in line for line in search.notices())
    data = client.get("/cables/?q=tehran+oil&format=json").json()
    assert any(notice in line for line in data["notices"])
    assert notice in client.get("/paragraphs/?q=tehran+oil").content.decode()
    # Meanwhile the triggers leave the index alone: a paragraph deleted is no error.
    Paragraph.objects.filter(pk=Paragraph.objects.order_by("pk").values("pk")[:1]).delete()
