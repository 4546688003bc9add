"""The one list of pages the benchmark requests, and how their values are chosen from the data.

Every feature of the site has a row here, including those not built yet: their URLs answer 404
(or ignore their parameters) and show as errors in the results until the feature lands. Never
drop a row because it fails; add one when a feature arrives.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

# A common word and a common phrase of the cables, for the search rows.
SEARCH_WORD = "government"
SEARCH_PHRASE = "prime minister"
# The list's page size (cables/views/listing.py), to aim the deep page at the middle.
LIST_PAGE_SIZE = 50
CSV_EXPORT_TARGET = 1_000

# (name, what it measures, URL template filled from choose_values()).
URLS = [
    ("home", "home page", "/"),
    ("list", "unfiltered list", "/cables/"),
    ("tag", "list filtered by the most common tag", "/cables/?tag={tag}"),
    (
        "tags_classification",
        "two tags and a classification",
        "/cables/?tag={tag}&tag={second_tag}&classification={classification}",
    ),
    ("origin_year", "an origin and a year", "/cables/?origin={origin}&year={year}"),
    (
        "deep_page",
        "a keyset page in the middle of the unfiltered list (the Next links' cursor)",
        "/cables/?after={deep_cursor}",
    ),
    ("search_word", f"full-text search for a common word ({SEARCH_WORD})", "/cables/?q={word}"),
    ("search_phrase", f'search for a phrase ("{SEARCH_PHRASE}")', "/cables/?q={phrase}"),
    (
        "paragraph_search",
        "paragraph search with a marking filter (S)",
        "/paragraphs/?q={word}&marking=S",
    ),
    ("cable", "a cable page", "/cables/{reference_id}/"),
    ("paragraph", "a paragraph permalink", "/cables/{reference_id}/p{paragraph}/"),
    ("entity", "an entity page (the most cited entity)", "/entities/{entity}/"),
    ("tag_glossary", "the tag glossary", "/tags/"),
    ("csv_export", "CSV export of a filter matching about 1,000 cables", "/cables/?{csv_filter}"),
]


def benchmark_urls(values):
    """[(name, description, url)] for the chosen values."""
    return [(name, what, template.format(**values)) for name, what, template in URLS]


def choose_values(database):
    """Values for the URL templates, chosen from the imported data.

    ``database.rows(sql, params)`` runs a query on the benchmarked database (``%s`` params).
    """
    total = database.rows("SELECT COUNT(*) FROM cables_cable")[0][0]
    tags = database.rows(
        "SELECT t.code, COUNT(*) FROM cables_cabletag ct JOIN cables_tag t ON t.id = ct.tag_id "
        "GROUP BY t.code ORDER BY COUNT(*) DESC, t.code LIMIT 2"
    )
    tag = tags[0][0] if tags else "PREL"
    second_tag = tags[1][0] if len(tags) > 1 else "PGOV"
    origin_year = database.rows(
        "SELECT origin, year, COUNT(*) FROM cables_cable WHERE year IS NOT NULL "
        "GROUP BY origin, year ORDER BY COUNT(*) DESC, origin, year LIMIT 1"
    )
    origin, year = origin_year[0][:2] if origin_year else ("STATE", 2009)
    paragraph = database.rows(
        "SELECT c.reference_id, p.number FROM cables_paragraph p "
        "JOIN cables_cable c ON c.id = p.cable_id WHERE p.number = %s "
        "ORDER BY c.reference_id LIMIT 1",
        ["2"],
    )
    if paragraph:
        reference_id, number = paragraph[0]
    else:
        any_cable = database.rows("SELECT reference_id FROM cables_cable ORDER BY 1 LIMIT 1")
        reference_id, number = (any_cable[0][0] if any_cable else "06BAKU641"), "1"
    try:
        entities = database.rows(
            "SELECT slug FROM cables_entity WHERE merged_into_id IS NULL "
            "ORDER BY cable_count DESC, slug LIMIT 1"
        )
    except Exception:  # the table may not exist yet
        entities = []
    csv_filter = _csv_filter(database)
    return {
        "tag": quote(tag),
        "second_tag": quote(second_tag),
        "classification": "CONFIDENTIAL",
        "origin": quote(origin),
        "year": year,
        "deep_cursor": _deep_cursor(database, total),
        "word": quote(SEARCH_WORD),
        "phrase": quote(f'"{SEARCH_PHRASE}"'),
        "reference_id": quote(reference_id),
        "paragraph": quote(number),
        "entity": entities[0][0] if entities else "united-nations",
        "csv_filter": csv_filter + "&format=csv",
    }


def _deep_cursor(database, total):
    """The keyset cursor (`after=`) of the row half-way down the newest-first list.

    `page=` stops at 200 by design (cables/filtering.py); the Next links carry this cursor.
    """
    rows = database.rows(
        "SELECT created, reference_id FROM cables_cable WHERE created IS NOT NULL "
        "ORDER BY created DESC, reference_id LIMIT 1 OFFSET %s",
        [max(0, total // 2)],
    )
    if not rows:
        return ""
    created, reference_id = rows[0]
    if isinstance(created, str):  # SQLite: "2006-04-27 10:00:00" or with a +00:00 offset
        created = datetime.fromisoformat(created.replace(" ", "T"))
    stamp = (
        created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if created.tzinfo
        else (created.strftime("%Y-%m-%dT%H:%M:%SZ"))
    )
    return quote(f"{stamp}~{reference_id}")


def _csv_filter(database):
    """The year, origin or tag filter whose count is closest to CSV_EXPORT_TARGET cables."""
    candidates = [
        (f"year={year}", count)
        for year, count in database.rows(
            "SELECT year, COUNT(*) FROM cables_cable WHERE year IS NOT NULL GROUP BY year"
        )
    ]
    candidates += [
        (f"origin={quote(origin)}", count)
        for origin, count in database.rows(
            "SELECT origin, COUNT(*) FROM cables_cable GROUP BY origin"
        )
    ]
    candidates += [
        (f"tag={quote(code)}", count)
        for code, count in database.rows(
            "SELECT t.code, COUNT(*) FROM cables_cabletag ct "
            "JOIN cables_tag t ON t.id = ct.tag_id GROUP BY t.code"
        )
    ]
    if not candidates:
        return "year=2009"
    return min(candidates, key=lambda item: (abs(item[1] - CSV_EXPORT_TARGET), item[0]))[0]
