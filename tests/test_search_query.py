"""Search queries: parsing the websearch syntax, and nasty input, without a database."""

import sqlite3

import pytest

from cables import search
from cables.search import SearchQueryError, parse_query

NASTY = [
    '"unbalanced phrase',
    'prime" minister"',
    '"',
    '""',
    '" "',
    "-",
    "--",
    "- -",
    "or",
    "or or or",
    "visit or",
    "or visit",
    "*",
    "visit*",
    "*visit",
    "NEAR(visit embassy)",
    "NEAR",
    "visit AND embassy",
    "visit NOT embassy",
    "NOT",
    "AND",
    "visit ^embassy",
    "text:visit",
    "{visit embassy}",
    "(visit",
    "visit)",
    "visit:",
    "'visit'",
    "visit\\",
    "visit\u200b\u200bembassy",
    "\u200b",
    "\u202evisit\u202c",
    "\u200f\u200e",
    "🙂",
    "visit 🙂 embassy",
    "\x00",
    "visit\x00embassy",
    "visit\x1b[0m",
    "\ufeffvisit",
    "\ud800",
    "café",
    "Ｖｉｓｉｔ",
    "ﬁnance",
    "x" * 499,
    "x" * 501,
    "visit " * 100,
    " ".join(f"word{i}" for i in range(30)),
    "-iran",
    "-iran -iraq",
    "visit or -iran",
    "the",
    "the of and",
    '"the"',
    "%",
    "_",
    "%visit%",
    "'; DROP TABLE cables_paragraph; --",
    '" OR 1=1 --',
    "\\x00",
    "<script>alert(1)</script>",
    "&amp;",
    "\n\t\r",
    "a" * 5000,
]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_input_gives_a_query_or_a_clear_message(text):
    try:
        query = parse_query(text)
    except SearchQueryError as error:
        assert str(error) and len(str(error)) < 300
        return
    # A parsed query always writes an FTS5 expression that FTS5 accepts.
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61 remove_diacritics 2')"
    )
    connection.execute("INSERT INTO t(x) VALUES ('the visit of the embassy')")
    connection.execute("SELECT rowid FROM t WHERE t MATCH ?", [query.fts5()]).fetchall()
    # And its normalized text parses to the same query (links carry it).
    assert parse_query(query.text) == query


def test_words_phrases_exclusions_and_alternatives():
    query = parse_query('visit "prime minister" -nuclear or iraq')
    first, second = query.alternatives
    assert [t.text for t in first.required] == ["visit", "prime minister"]
    assert first.required[1].phrase
    assert [t.text for t in first.excluded] == ["nuclear"]
    assert [t.text for t in second.required] == ["iraq"]
    assert query.fts5() == '(("visit" AND "prime minister") NOT ("nuclear")) OR ("iraq")'
    assert query.websearch() == '"visit" "prime minister" -"nuclear" or "iraq"'
    assert query.text == 'visit "prime minister" -nuclear or iraq'


def test_operators_typed_as_words_are_words_or_dropped():
    assert parse_query("NEAR(visit)").fts5() == '("NEAR(visit)")'
    # AND, NOT and OR in capitals are common words, not operators (except "or").
    assert parse_query("visit AND embassy").fts5() == '("visit" AND "embassy")'
    assert parse_query("visit NOT embassy").fts5() == '("visit" AND "embassy")'
    assert parse_query("visit*").fts5() == '("visit*")'


def test_invisible_characters_are_dropped():
    assert parse_query("vi\u200bsit\u202e").fts5() == '("visit")'
    assert parse_query("visit\x00").fts5() == '("visit")'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a word"),
        ("   ", "Type a word"),
        ("🙂", "letters or digits"),
        ("-iran", "only says what to leave out"),
        ("visit or -iran", "only says what to leave out"),
        ("the of", "Only very common words"),
        ("x" * 600, "too long"),
        (" ".join(f"w{i}" for i in range(40)), "too many words"),
    ],
)
def test_clear_messages(text, message):
    with pytest.raises(SearchQueryError, match=message):
        parse_query(text)


def test_highlight_escapes_and_marks_every_form():
    terms = search.highlight_terms('visits "prime minister"')
    html = search.highlight("<b>The PM visited</b>; Prime  Minister's visit", terms)
    assert html == (
        "&lt;b&gt;The PM <mark>visited</mark>&lt;/b&gt;; "
        "<mark>Prime  Minister</mark>'s <mark>visit</mark>"
    )
    assert search.highlight_terms("-") == []
    assert search.highlight("a < b", []) == "a &lt; b"
