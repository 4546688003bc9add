"""Full-text search over paragraph text and cable subjects, on SQLite and PostgreSQL alike.

Every caller (the cable list, /paragraphs/, their JSON and CSV) goes through this module:

    query = parse_query(text)                  # SearchQuery, or raises SearchQueryError
    filter_paragraphs(paragraphs, query)       # Paragraph queryset: paragraphs that match
    filter_cables(cables, query)               # Cable queryset: cables that match (subquery)
    rank_cables(cables, query)                 # filter_cables + annotate search_rank + order
    cable_rank(query)                          # the rank expression alone (higher is better)
    paragraph_rank(query)                      # the same for paragraphs
    best_snippets(cable_ids, query)            # {cable_id: Snippet} of each cable's best paragraph
    snippets(paragraph_ids, query)             # {paragraph_id: SafeString}, <mark> around hits
    highlight_terms(text) / highlight(text, terms)   # for the cable page's ?highlight=
    backend()                                  # "postgresql", "fts5" or "scan" (the fallback)

Every function taking a query accepts the user's text or a parsed SearchQuery; the text is
parsed (and may raise SearchQueryError, whose message is meant for the user). Filters return
querysets built on subqueries (`pk__in=…`), so they compose with every other filter, facet,
ordering and slice.

The query language is PostgreSQL's websearch syntax: words (all required), "quoted phrases",
-excluded words or phrases, and `or` between alternatives (`a b or c` is (a AND b) OR c, as in
websearch_to_tsquery). The user's text never reaches the engine raw: it is parsed here into a
SearchQuery, which writes a quoted FTS5 expression (SQLite), a canonical websearch string passed
as a parameter to websearch_to_tsquery (PostgreSQL), or regular expressions (the fallback).

What matches: a paragraph matches when one alternative's words are all in it and none of its
excluded words. A cable matches when one alternative's words are all in one of its paragraphs
or all in its subject line, and none of that alternative's excluded words is anywhere in it.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import logging
import os
import re
import threading
import unicodedata
from dataclasses import dataclass

from django.core import checks
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models import BooleanField, F, FloatField, Func, Q
from django.db.models.expressions import RawSQL
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe

from cables.models import Cable, Paragraph
from cables.sql import Unindexed

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500  # characters, after normalization
MAX_TERMS = 16  # words and phrases, excluded ones included
MAX_WORDS = 40  # words in all, phrases counted word by word
MAX_ALTERNATIVES = 8
SNIPPET_WORDS = 30

PARAGRAPH_FTS = "cables_paragraph_fts"  # created by migrations/0002_search.py
SUBJECT_FTS = "cables_cable_fts"

# PostgreSQL's English stop words (tsearch_data/english.stop). Unquoted words among them are
# dropped on both databases, so that SQLite and PostgreSQL agree on queries like "the visit".
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()  # noqa: SIM905
)

# Markers for hits inside snippets: private-use characters, replaced by <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
WORD = re.compile(r"[^\W_]+")
# Format characters (zero-width, bidi marks), controls, surrogates and private-use characters.
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}


class SearchQueryError(ValueError):
    """The search text cannot be searched; str(error) says why, for the user."""


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase, as the user wrote it (without quotes)."""

    text: str
    phrase: bool = False

    @property
    def words(self):
        return WORD.findall(self.text.lower())

    def fts5(self):
        return '"' + self.text.replace('"', '""') + '"'

    def websearch(self):
        # Slashes as spaces, as in the stored vectors (see migrations/0002_search.py).
        return '"' + self.text.replace('"', " ").replace("/", " ") + '"'

    def pattern(self):
        """A regular expression for the scan fallback: whole words, any ending on the last."""
        return r"\b" + r"\W+".join(re.escape(word) for word in self.words) + r"\w*"

    def __str__(self):
        return f'"{self.text}"' if self.phrase else self.text


@dataclass(frozen=True)
class Alternative:
    """Words and phrases that must all be there, and words and phrases that must not."""

    required: tuple[Term, ...]
    excluded: tuple[Term, ...] = ()

    def fts5(self):
        expression = " AND ".join(term.fts5() for term in self.required)
        if self.excluded:
            excluded = " OR ".join(term.fts5() for term in self.excluded)
            expression = f"({expression}) NOT ({excluded})"
        return f"({expression})"

    def websearch(self, *, excluded=True):
        parts = [term.websearch() for term in self.required]
        if excluded:
            parts += ["-" + term.websearch() for term in self.excluded]
        return " ".join(parts)

    def __str__(self):
        return " ".join([str(term) for term in self.required] + [f"-{t}" for t in self.excluded])


@dataclass(frozen=True)
class SearchQuery:
    """A validated search: alternatives (OR) of required and excluded terms (AND, NOT)."""

    alternatives: tuple[Alternative, ...]

    @property
    def text(self):
        """The normalized query, in the same syntax: what the page shows and links carry."""
        return " or ".join(str(alternative) for alternative in self.alternatives)

    def fts5(self):
        """The FTS5 MATCH expression: every term double-quoted, every operator ours."""
        return " OR ".join(alternative.fts5() for alternative in self.alternatives)

    def websearch(self):
        """The websearch_to_tsquery text: every term quoted, so user syntax cannot leak in."""
        return " or ".join(alternative.websearch() for alternative in self.alternatives)

    @property
    def terms(self):
        """The required terms of every alternative, without repeats."""
        seen = []
        for alternative in self.alternatives:
            seen += [term for term in alternative.required if term not in seen]
        return seen

    def __str__(self):
        return self.text


# --- Parsing ----------------------------------------------------------------------------------


def normalize(text):
    """NFKC, invisible characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in INVISIBLE
    )
    return " ".join(text.split())


TOKEN = re.compile(r'(-?)"([^"]*)"?|([^\s"]+)')


def parse_query(text) -> SearchQuery:
    """Validate the user's search text; return a SearchQuery or raise SearchQueryError."""
    if isinstance(text, SearchQuery):
        return text
    raw = str(text or "")
    if len(raw) > MAX_QUERY_LENGTH * 4:
        raise SearchQueryError(
            f"The search is too long: keep it under {MAX_QUERY_LENGTH} characters."
        )
    text = normalize(raw)
    if not text:
        raise SearchQueryError("Type a word or a phrase to search for.")
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            f"The search is too long: keep it under {MAX_QUERY_LENGTH} characters."
        )

    alternatives, required, excluded = [], [], []
    dropped, pending_or, terms, words = [], False, 0, 0

    def close():
        nonlocal required, excluded
        if required or excluded:
            alternatives.append((required, excluded))
        required, excluded = [], []

    for match in TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.lower() == "or":
                pending_or = True
                continue
            negated, phrase = bare.startswith("-"), False
            content = bare.lstrip("-")
        else:
            phrase, content = True, quoted
        content = " ".join(content.split())
        term_words = WORD.findall(content.lower())
        if not term_words:
            continue  # punctuation, a lone "-", emoji: nothing a word index can hold
        if all(word in STOP_WORDS for word in term_words):
            dropped.append(content)
            continue
        if pending_or and (required or excluded):
            close()
        pending_or = False
        terms += 1
        words += len(term_words)
        term = Term(content, phrase=phrase)
        target = excluded if negated else required
        if term not in target:
            target.append(term)
    close()

    if terms > MAX_TERMS or words > MAX_WORDS:
        raise SearchQueryError(
            f"The search has too many words: use at most {MAX_TERMS} words or phrases "
            f"({MAX_WORDS} words in all)."
        )
    if len(alternatives) > MAX_ALTERNATIVES:
        raise SearchQueryError(f"Use “or” at most {MAX_ALTERNATIVES - 1} times in one search.")
    if not alternatives:
        if dropped:
            raise SearchQueryError(
                "Only very common words (" + ", ".join(f"“{w}”" for w in dropped[:5]) + "): "
                "add a more specific word."
            )
        raise SearchQueryError("Type a word or a phrase to search for: letters or digits.")
    for required, excluded in alternatives:
        if not required:
            shown = " ".join(f"-{term}" for term in excluded)
            raise SearchQueryError(
                f"“{shown}” only says what to leave out: add a word to find, "
                f"as in “embassy {shown}”."
            )
    return SearchQuery(tuple(Alternative(tuple(req), tuple(exc)) for req, exc in alternatives))


# --- Indexing by batch (the importer) ----------------------------------------------------------

# While this row of cables_archive_state exists, SQLite's FTS5 insert triggers skip new rows
# (migrations/0006_batch_search_index.py); it only ever exists inside an importer transaction.
BATCH_FLAG = "search_by_batch"


def defer_indexing():
    """Start of an importer batch, inside its transaction: rows inserted from now on are left
    to index_batch(). PostgreSQL computes its search vectors itself: nothing to do there."""
    if backend() == "fts5":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cables_archive_state (name, value) VALUES (%s, 1)", [BATCH_FLAG]
            )


def index_batch(paragraph_cable_ids, new_cable_ids):
    """End of the batch: index the paragraphs of these cables and the subjects of the new
    ones in one statement each (about five times cheaper than a trigger call per row), then
    let the triggers work again. Updated subjects were indexed by the update trigger. While a
    first import builds the whole index at its end, there is nothing to index."""
    if backend() != "fts5":
        return
    with connection.cursor() as cursor:
        if not index_deferred():
            _index_rows(cursor, paragraph_cable_ids, new_cable_ids)
        cursor.execute("DELETE FROM cables_archive_state WHERE name = %s", [BATCH_FLAG])


# While this row of cables_archive_state exists, a first import is filling an empty archive
# and builds SQLite's FTS5 index once at its end (cables/importing/indexes.py): every trigger
# skips its rows (migrations/0011_search_index_built_at_end.py).
DEFERRED_FLAG = "search_deferred"


def index_deferred():
    """Whether SQLite's FTS5 index waits for the end of a first import (searches find only
    what was there before it)."""
    if backend() != "fts5":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM cables_archive_state WHERE name = %s", [DEFERRED_FLAG])
        return cursor.fetchone() is not None


def defer_index():
    """From now on the FTS5 triggers and index_batch() leave the index alone, until
    build_deferred_index(); committed, so that a killed run leaves it to the next one."""
    if backend() != "fts5":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cables_archive_state (name, value) VALUES (%s, 1) "
            "ON CONFLICT (name) DO NOTHING",
            [DEFERRED_FLAG],
        )


def build_deferred_index():
    """Rebuild the deferred FTS5 index from the tables, in the transaction that ends the
    deferral."""
    if not index_deferred():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for fts in (PARAGRAPH_FTS, SUBJECT_FTS):
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        cursor.execute("DELETE FROM cables_archive_state WHERE name = %s", [DEFERRED_FLAG])


# The shadow tables that hold an FTS5 index (its text stays in the content table).
FTS5_SHADOWS = ("data", "idx", "docsize")


def index_build_file():
    """Where a deferred FTS5 index can be built beside the database, on a connection of its
    own, while the run's connection does the rest of its end: a file next to an SQLite
    database whose index waits. None when there is none to build, or no file (an in-memory
    database, which a second connection could not read while the first writes)."""
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:" or not index_deferred():
        return None
    return f"{name}.search-index"


# While an index is built whole, FTS5 writes a segment each time its buffer of new words
# fills, and by default merges them again and again as they pile up (every word several
# times at the release's size). Left unmerged (up to FTS5's limit of segments, where it merges
# anyway) and merged once at the end ('optimize', one segment, what searches read fastest):
# 35.5 s instead of 51.0 s for the paragraphs of 251,287 cables. The settings stay in the
# scratch file: its configuration table is not among the tables copied into the archive.
UNMERGED_WHILE_BUILT = (("automerge", 0), ("crisismerge", 1999))


def build_index_into(path):
    """Index every paragraph and subject into FTS5 tables like the archive's, in a scratch
    database at ``path``, then merge each into one segment. One statement a step, in
    autocommit: it reads the archive in one snapshot and writes only the scratch file, so the
    run's connection writes meanwhile."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
    with connection.cursor() as cursor:
        cursor.execute("ATTACH DATABASE %s AS index_build", [path])
        try:
            # A scratch file: nothing to recover if it is cut short, the next run starts over.
            cursor.execute("PRAGMA index_build.journal_mode = OFF")
            cursor.execute("PRAGMA index_build.synchronous = OFF")
            for fts, table, column in _indexed():
                cursor.execute("SELECT sql FROM main.sqlite_master WHERE name = %s", [fts])
                create = cursor.fetchone()[0].replace(f" {fts} ", f" index_build.{fts} ", 1)
                cursor.execute(create)
                for setting, value in UNMERGED_WHILE_BUILT:
                    cursor.execute(
                        f"INSERT INTO index_build.{fts}({fts}, rank) VALUES (%s, %s)",
                        [setting, value],
                    )
                cursor.execute(
                    f"INSERT INTO index_build.{fts}(rowid, {column}) "
                    f"SELECT id, {column} FROM main.{table}"
                )
                cursor.execute(f"INSERT INTO index_build.{fts}({fts}) VALUES ('optimize')")
        finally:
            cursor.execute("DETACH DATABASE index_build")


def take_index_from(path):
    """Replace the archive's FTS5 indexes with the ones built at ``path`` (the same rows in
    the same shadow tables, a copy of pages in rowid order) and end the deferral, in one
    transaction (the caller removes the file). On another connection than the one that wrote the
    run's rows: an FTS5 table caches its index's structure per connection, and drops the copy
    when another connection has committed."""
    with connection.cursor() as cursor:
        cursor.execute("ATTACH DATABASE %s AS index_build", [path])
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for fts, _, _ in _indexed():
                for shadow in FTS5_SHADOWS:
                    cursor.execute(f"DELETE FROM main.{fts}_{shadow}")
                    cursor.execute(
                        f"INSERT INTO main.{fts}_{shadow} SELECT * FROM index_build.{fts}_{shadow}"
                    )
            cursor.execute("DELETE FROM cables_archive_state WHERE name = %s", [DEFERRED_FLAG])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DETACH DATABASE index_build")


# A run that rewrote this share of the archive's cables through the FTS5 index merges it.
MERGED_AFTER_SHARE = 0.1


def merge_index(written):
    """After a run that wrote ``written`` cables through SQLite's FTS5 index (the caller
    knows: not a first import, which builds it whole): merge the index into one segment when
    they are a large share of the archive. Written through, the index grows by a segment a
    batch, and each replaced paragraph leaves a delete marker that every search reads past;
    FTS5's own merges keep the segments few as the archive grows, not the markers of a run
    that replaced much of it. At 251,287 cables, after a run that read every cable again (a
    new parser): 12 segments, and the common word's p95 320 ms; merged (9.5 s), 67 ms."""
    if not written or backend() != "fts5":
        return
    if written < MERGED_AFTER_SHARE * Cable.objects.count():
        return
    with connection.cursor() as cursor:
        for fts, _, _ in _indexed():
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")


def _indexed():
    """(FTS5 table, content table, column) of each index."""
    return [
        (PARAGRAPH_FTS, Paragraph._meta.db_table, "text"),
        (SUBJECT_FTS, Cable._meta.db_table, "subject"),
    ]


def _index_rows(cursor, paragraph_cable_ids, new_cable_ids):
    for fts, table, column, key, ids in (
        (PARAGRAPH_FTS, Paragraph._meta.db_table, "text", "cable_id", paragraph_cable_ids),
        (SUBJECT_FTS, Cable._meta.db_table, "subject", "id", new_cable_ids),
    ):
        ids = list(ids)
        for start in range(0, len(ids), 900):  # under SQLite's limit of bound parameters
            part = ids[start : start + 900]
            cursor.execute(
                f"INSERT INTO {fts}(rowid, {column}) SELECT id, {column} FROM {table} "
                f"WHERE {key} IN ({', '.join(['%s'] * len(part))})",
                part,
            )


# --- Which engine -------------------------------------------------------------------------------


def backend():
    """ "postgresql", "fts5" (SQLite with the index), or "scan" (slow fallback, same answers)."""
    if connection.vendor == "postgresql":
        return "postgresql"
    if connection.vendor == "sqlite" and fts5_index_ready():
        return "fts5"
    return "scan"


_ready = {}


def fts5_index_ready():
    """Whether the FTS5 tables and their triggers exist in this database (cached per file)."""
    key = str(connection.settings_dict["NAME"])
    if _ready.get(key) is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s, %s, %s, %s)",
                [
                    PARAGRAPH_FTS,
                    f"{PARAGRAPH_FTS}_insert",
                    f"{PARAGRAPH_FTS}_delete",
                    f"{PARAGRAPH_FTS}_update",
                    SUBJECT_FTS,
                ],
            )
            ready = cursor.fetchone()[0] == 5
        if not ready:
            logger.warning(
                "Full-text search: no FTS5 index in this SQLite database; searching by a slow "
                "scan of the paragraph texts instead (see docs/search.md)."
            )
        _ready[key] = ready
    return _ready[key]


def notices():
    """What the search pages should say about the engine (the fallback is slow, no stemming;
    the index of a first import is built at its end)."""
    if backend() == "scan":
        return [
            "This database has no full-text index (SQLite without FTS5): search scans every "
            "paragraph, slowly, and matches word beginnings instead of stems."
        ]
    if index_deferred():
        return [
            "An import is filling this archive: its cables become searchable when it ends, "
            "as the full-text index is built then."
        ]
    return []


@checks.register(checks.Tags.database)
def check_search_index(app_configs=None, databases=None, **kwargs):
    """A warning when SQLite search will fall back to the slow scan."""
    if not databases or "default" not in databases or connection.vendor != "sqlite":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM django_migrations "
                "WHERE app = 'cables' AND name = '0002_search'"
            )
            if not cursor.fetchone()[0]:
                return []  # migrate will create the index
        _ready.pop(str(connection.settings_dict["NAME"]), None)
        if fts5_index_ready():
            return []
    except Exception:  # no database yet
        return []
    return [
        checks.Warning(
            "Full-text search has no FTS5 index: searches scan every paragraph.",
            hint="Use an SQLite with FTS5 and run `manage.py migrate`, or see docs/search.md.",
            id="cables.W001",
        )
    ]


# --- Filters --------------------------------------------------------------------------------


def _paragraph_match(expression):
    """A filter() condition for paragraphs matching a SearchQuery-made (already safe) expression.

    PostgreSQL: the test on the paragraph's own vector, so that a query reads each paragraph
    once (`id IN (SELECT id … WHERE search_vector @@ …)` joined the table to itself: 3 times
    slower for a common word) and, per cable, tests only that cable's paragraphs. SQLite: the
    rowids the FTS5 index gives.
    """
    if backend() == "postgresql":
        return RawSQL(
            "search_vector @@ websearch_to_tsquery('english', %s)",
            [expression],
            output_field=BooleanField(),
        )
    return Q(pk__in=_fts5_rowids(expression))


def _fts5_rowids(expression):
    return RawSQL(f"SELECT rowid FROM {PARAGRAPH_FTS} WHERE {PARAGRAPH_FTS} MATCH %s", [expression])


def _subject_match(expression):
    if backend() == "postgresql":
        return RawSQL(
            "SELECT id FROM cables_cable "
            "WHERE subject_vector @@ websearch_to_tsquery('english', %s)",
            [expression],
        )
    return RawSQL(f"SELECT rowid FROM {SUBJECT_FTS} WHERE {SUBJECT_FTS} MATCH %s", [expression])


def _scan_condition(field, alternative, *, excluded=True):
    condition = Q()
    for term in alternative.required:
        condition &= Q(**{f"{field}__iregex": term.pattern()})
    if excluded:
        for term in alternative.excluded:
            condition &= ~Q(**{f"{field}__iregex": term.pattern()})
    return condition


def _expression(query_or_alternative):
    return (
        query_or_alternative.websearch()
        if backend() == "postgresql"
        else query_or_alternative.fts5()
    )


def filter_paragraphs(queryset, query, *, among=None):
    """The paragraphs of `queryset` that match: all of an alternative's words, none excluded.

    `among`: ids of the only cables whose paragraphs to test (a sample; see _cables_matching).
    """
    query = parse_query(query)
    if among is not None:
        queryset = queryset.filter(cable_id__in=among)
    if backend() == "scan":
        condition = Q(pk__in=[])
        for alternative in query.alternatives:
            condition |= _scan_condition("text", alternative)
        return queryset.filter(condition)
    return _matching_paragraphs(queryset, _expression(query), sampled=among is not None)


def _matching_paragraphs(paragraphs, expression, *, sampled=False):
    if sampled and backend() == "fts5":
        # The sample's paragraphs drive the loop; the index's rowids are only looked up.
        rowids = _fts5_rowids(expression)
        return paragraphs.alias(row=Unindexed(F("pk"))).filter(row__in=rowids)
    return paragraphs.filter(_paragraph_match(expression))


def _cables_matching(expression, among=None):
    """Q: cables with a paragraph or a subject matching the expression.

    `among`: ids of the only cables to test (a sample of a big archive): their paragraphs are
    looked up and tested, so that the cost follows the sample, not the number of matches.
    """
    paragraphs = Paragraph.objects.all()
    if among is not None:
        paragraphs = paragraphs.filter(cable_id__in=among)
    paragraphs = _matching_paragraphs(paragraphs, expression, sampled=among is not None)
    return Q(pk__in=paragraphs.values("cable_id")) | Q(pk__in=_subject_match(expression))


def cable_condition(query, *, among=None):
    """A Q object for cables matching the search: usable in filter(), exclude() or Q algebra.

    `among`: see _cables_matching (the result is then only right for those cables).
    """
    query = parse_query(query)
    condition = Q(pk__in=[])
    for alternative in query.alternatives:
        if backend() == "scan":
            found = Q(
                pk__in=Paragraph.objects.filter(
                    _scan_condition("text", alternative, excluded=False)
                ).values("cable_id")
            ) | _scan_condition("subject", alternative, excluded=False)
            for term in alternative.excluded:
                found &= ~Q(
                    pk__in=Paragraph.objects.filter(text__iregex=term.pattern()).values("cable_id")
                ) & ~Q(subject__iregex=term.pattern())
        else:
            found = _cables_matching(_expression(Alternative(alternative.required)), among)
            if alternative.excluded:
                excluded = SearchQuery(tuple(Alternative((t,)) for t in alternative.excluded))
                found &= ~_cables_matching(_expression(excluded), among)
        condition |= found
    return condition


def filter_cables(queryset, query):
    """The cables of `queryset` that match; one or two `pk__in` subqueries per alternative.

    filtering.py plugs it in as: `return queryset.filter(pk__in=search.cable_ids(value))`,
    or calls this directly.
    """
    return queryset.filter(cable_condition(query))


def cable_ids(query):
    """The ids of every matching cable, as a values() queryset to use in `pk__in=`."""
    return filter_cables(Cable.objects.all(), query).values("pk")


# --- Ranking ----------------------------------------------------------------------------------


class RowSQL(Func):
    """SQL about one row, given as a template with {column} for the row's id column.

    The column is compiled by Django, so the expression stays right when the queryset is
    relabelled as a subquery.
    """

    output_field = FloatField()

    def __init__(self, template, params, column="pk"):
        super().__init__(F(column))
        self.sql_template, self.sql_params = template, list(params)

    def as_sql(self, compiler, connection, **extra_context):
        column_sql, column_params = compiler.compile(self.source_expressions[0])
        assert not column_params, "a column compiles without parameters"
        sql = self.sql_template.replace("{column}", column_sql)
        # The template has the row's column first, then its own placeholders.
        return f"({sql})", [*column_params, *self.sql_params]


def _positive(query):
    """The required terms of every alternative, as one OR query: what ranking weighs."""
    return SearchQuery(tuple(Alternative((term,)) for term in query.terms))


def paragraph_rank(query):
    """An expression ranking paragraphs (higher is better); ordering by it needs a filter too."""
    query = parse_query(query)
    kind = backend()
    if kind == "postgresql":
        return RowSQL(
            "SELECT ts_rank_cd(s.search_vector, websearch_to_tsquery('english', %s), 1) "
            "FROM cables_paragraph s WHERE s.id = {column}",
            [_positive(query).websearch()],
        )
    if kind == "fts5":
        # One pass over the matches, materialized once (see cable_rank).
        return RowSQL(
            "SELECT coalesce((SELECT s.score FROM ("
            f"SELECT rowid AS id, -bm25({PARAGRAPH_FTS}) AS score FROM {PARAGRAPH_FTS} "
            f"WHERE {PARAGRAPH_FTS} MATCH %s LIMIT -1 OFFSET 0) s "
            "WHERE s.id = {column}), 0)",
            [_positive(query).fts5()],
        )
    return RowSQL("SELECT 0.0 WHERE {column} IS NOT NULL", [])


def cable_rank(query):
    """An expression ranking cables (higher is better): the score of their best paragraph.

    For `order_by(search.cable_rank(q).desc(), "reference_id")` on a filtered queryset.
    """
    query = parse_query(query)
    kind = backend()
    if kind == "postgresql":
        expression = _positive(query).websearch()
        # Per cable: its paragraphs by cable_id, then the tsvector test; bounded by the page's
        # filters, not by the size of the archive.
        return RowSQL(
            "SELECT coalesce(max(ts_rank_cd(p.search_vector, "
            "websearch_to_tsquery('english', %s), 1)), 0) FROM cables_paragraph p "
            "WHERE p.cable_id = {column} "
            "AND p.search_vector @@ websearch_to_tsquery('english', %s)",
            [expression, expression],
        )
    if kind == "fts5":
        # bm25 is negative, lower is better: negated, so that higher is better everywhere. The
        # scores are computed in one pass over the matches ("LIMIT -1 OFFSET 0" keeps SQLite
        # from flattening it; it is materialized once and looked up by an automatic index),
        # not once per cable, which is 30 times slower.
        return RowSQL(
            "SELECT coalesce((SELECT s.score FROM (SELECT p.cable_id AS cable_id, "
            "max(m.score) AS score FROM ("
            f"SELECT rowid AS id, -bm25({PARAGRAPH_FTS}) AS score FROM {PARAGRAPH_FTS} "
            f"WHERE {PARAGRAPH_FTS} MATCH %s LIMIT -1 OFFSET 0) m "
            "JOIN cables_paragraph p ON p.id = m.id GROUP BY p.cable_id) s "
            "WHERE s.cable_id = {column}), 0)",
            [_positive(query).fts5()],
        )
    return RowSQL("SELECT 0.0 WHERE {column} IS NOT NULL", [])


# How many matching paragraphs a relevance sort scores, at most, in its one pass. A search
# matching fewer is ranked exactly; a broader one ranks the cables of the first ones the index
# gives, and lists the others after them (see docs/search.md, "Ranking at scale").
RANK_CANDIDATES = 4000


def ranked_candidates(query, limit=RANK_CANDIDATES):
    """[(cable_id, score)], best first: cables scored by their best paragraph, in ONE pass.

    Only the first `limit` matching paragraphs are scored (`complete` tells whether that was
    all of them): the cost is bounded whatever the search. Returns (rows, complete).
    """
    paragraphs, complete = candidate_paragraphs(query, limit)
    best = {}
    for _, cable_id, score in paragraphs:
        best[cable_id] = max(score, best.get(cable_id, score))
    return sorted(best.items(), key=lambda item: -item[1]), complete


# A request's scored candidates, by search and limit: a relevance sort scores them, and on
# SQLite the page's snippets read their scores again (FTS5's bm25 counted anew for each
# rowid asked for would cost more). Set while a request runs, None outside one.
_this_request = threading.local()


@receiver(request_started)
def _request_began(**kwargs):
    _this_request.candidates = {}


@receiver(request_finished)
def _request_ended(**kwargs):
    _this_request.candidates = None


def candidate_paragraphs(query, limit=RANK_CANDIDATES):
    """[(paragraph_id, cable_id, score)] of the first `limit` matching paragraphs, scored in
    one statement, and whether those were all of them (see ranked_candidates).

    Within one request the same search is scored once; in requests, the scores are kept in
    the "search" cache under the archive's version, so that the next page of a search, the
    same search with other filters, or its paragraphs, read them instead of scoring them again
    (50 to 100 ms for a phrase at the release's size on PostgreSQL). A new version (an import
    that changed something, a cable or paragraph saved outside the importer) or a new cable
    leaves them behind. Outside a request, always scored anew."""
    query = parse_query(query)
    kind = backend()
    if kind == "scan":
        return [], False
    memo = getattr(_this_request, "candidates", None)
    if memo is None:
        return _scored_candidates(query, kind, limit)
    key = (query.fts5(), limit)
    if key not in memo:
        memo[key] = _kept_candidates(query, kind, limit)
    return memo[key]


def _kept_candidates(query, kind, limit):
    from cables.facets import ArchiveCounts, cache_call  # which imports this module

    state = repr((kind, query.fts5(), limit)).encode()
    key = f"candidates:{ArchiveCounts.current().token}:{hashlib.sha256(state).hexdigest()}"
    cache = caches["search"]
    found = cache_call(cache.get, key)
    if found is None:
        found = _scored_candidates(query, kind, limit)
        cache_call(cache.set, key, found)
    return found


def _scored_candidates(query, kind, limit):
    positive = _positive(query)
    if kind == "postgresql":
        sql = (
            "SELECT id, cable_id, ts_rank_cd(search_vector, websearch_to_tsquery('english', %s), "
            "1) FROM (SELECT id, cable_id, search_vector FROM cables_paragraph "
            "WHERE search_vector @@ websearch_to_tsquery('english', %s) LIMIT %s) p"
        )
        params = [positive.websearch(), positive.websearch(), limit + 1]
    else:
        # One statement, so that FTS5 counts each word's rows (bm25's weights) once.
        sql = (
            "SELECT m.id, p.cable_id, m.score FROM ("
            f"SELECT rowid AS id, -bm25({PARAGRAPH_FTS}) AS score FROM {PARAGRAPH_FTS} "
            f"WHERE {PARAGRAPH_FTS} MATCH %s LIMIT %s) m "
            "JOIN cables_paragraph p ON p.id = m.id"
        )
        params = [positive.fts5(), limit + 1]
    # (Not on SQLite, whose transactions here start by taking the write lock.)
    block = transaction.atomic() if kind == "postgresql" else contextlib.nullcontext()
    with block, connection.cursor() as cursor:
        if kind == "postgresql":
            # The same first paragraphs on every request, in the table's order: a sequential
            # scan otherwise starts wherever a concurrent one is (synchronized scans), and
            # parallel workers return rows in any order; either way the page changed from one
            # request to the next. (ORDER BY id would sort every match: 100 ms for a phrase.)
            cursor.execute("SET LOCAL synchronize_seqscans = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(sql, params)
        rows = [(pk, cable_id, float(score or 0)) for pk, cable_id, score in cursor.fetchall()]
    return rows, len(rows) <= limit


def is_broad(query, limit=None):
    """Whether finding every matching cable means reading more than `limit` (RANK_CANDIDATES)
    paragraphs: those with all the words of an alternative, and those with an excluded word.
    Then its cables are too many to find in a page's time (cables.facets samples them)."""
    query = parse_query(query)
    limit = RANK_CANDIDATES if limit is None else limit
    kind = backend()
    if kind == "scan":
        return False
    expression = SearchQuery(
        tuple(Alternative(alternative.required) for alternative in query.alternatives)
        + tuple(Alternative((term,)) for a in query.alternatives for term in a.excluded)
    )
    if kind == "postgresql":
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM cables_paragraph "
            "WHERE search_vector @@ websearch_to_tsquery('english', %s) LIMIT %s) p"
        )
        params = [expression.websearch(), limit + 1]
    else:
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {PARAGRAPH_FTS} "
            f"WHERE {PARAGRAPH_FTS} MATCH %s LIMIT %s)"
        )
        params = [expression.fts5(), limit + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] > limit


def candidates_match(query):
    """Whether every cable ranked_candidates gives matches the search: so when its paragraphs
    are tested for one word or phrase per alternative, nothing excluded (`government`,
    `"prime minister"`, `iran or iraq`). Otherwise a candidate may lack a word or hold an
    excluded one, and must be tested."""
    query = parse_query(query)
    return all(
        len(alternative.required) == 1 and not alternative.excluded
        for alternative in query.alternatives
    )


def rank_cables(queryset, query):
    """filter_cables, annotated with `search_rank` and ordered by it (then reference_id)."""
    query = parse_query(query)
    return (
        filter_cables(queryset, query)
        .annotate(search_rank=cable_rank(query))
        .order_by("-search_rank", "reference_id")
    )


def rank_paragraphs(queryset, query):
    """filter_paragraphs, annotated with `search_rank` and ordered by it."""
    query = parse_query(query)
    return (
        filter_paragraphs(queryset, query)
        .annotate(search_rank=paragraph_rank(query))
        .order_by("-search_rank", "cable_id", "position")
    )


# --- Snippets and highlighting ------------------------------------------------------------


def render_marked(text):
    """Escape text holding MARK_START/MARK_END markers; the markers become <mark> elements."""
    escaped = html.escape(text, quote=False)
    marked = re.sub(f"{MARK_START}(.*?){MARK_END}", r"<mark>\1</mark>", escaped, flags=re.S)
    return mark_safe(marked.replace(MARK_START, "").replace(MARK_END, ""))


def _clean(text):
    return " ".join(text.replace(MARK_START, "").replace(MARK_END, "").split())


def snippets(paragraph_ids, query):
    """{paragraph_id: SafeString}: a short extract of each paragraph with its hits in <mark>.

    Only for the ids given (the rows of the page shown); HTML-escaped, safe to render.
    """
    query = parse_query(query)
    ids = [int(pk) for pk in paragraph_ids]
    if not ids:
        return {}
    found = {}
    positive = _positive(query)
    # A phrase's snippets are made below, around its first hit, by no engine: FTS5 chooses its
    # window by where a phrase begins and can cut it ("…when he is Prime…"), and ts_headline
    # marks the phrase's words wherever they stand ("Finance Minister" for "prime minister").
    # FTS5 cut 2 to 7 in some 300 for "prime minister", "human rights".
    phrase = any(len(term.words) > 1 for term in positive.terms)
    kind = None if phrase else backend()
    if kind == "postgresql":
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
            'MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, ts_headline('english', regexp_replace(text, %s, '', 'g'), "
                "websearch_to_tsquery('english', %s), %s) "
                "FROM cables_paragraph WHERE id = ANY(%s)",
                [f"[{MARK_START}{MARK_END}]", positive.websearch(), options, ids],
            )
            # A hit inside "TF/Embassy" is found but not marked by ts_headline: those few
            # rows get the snippet made in Python below.
            found = {
                pk: " ".join(headline.split())
                for pk, headline in cursor.fetchall()
                if MARK_START in headline
            }
    elif kind == "fts5":
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({PARAGRAPH_FTS}, 0, %s, %s, '…', %s) "
                f"FROM {PARAGRAPH_FTS} WHERE {PARAGRAPH_FTS} MATCH %s "
                f"AND rowid IN ({placeholders})",
                [MARK_START, MARK_END, SNIPPET_WORDS, positive.fts5(), *ids],
            )
            found = {pk: " ".join(snippet.split()) for pk, snippet in cursor.fetchall()}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        texts = dict(Paragraph.objects.filter(pk__in=missing).values_list("pk", "text"))
        terms = highlight_terms(query)
        for pk, text in texts.items():
            found[pk] = _scan_snippet(_clean(text), terms)
    return {pk: render_marked(found[pk]) for pk in ids if pk in found}


def _scan_snippet(text, terms, words=SNIPPET_WORDS):
    """A snippet made in Python: the words around the first hit, hits marked."""
    pattern = _highlight_pattern(terms)
    hit = pattern.search(text) if pattern else None
    start = 0
    if hit:
        start = max(0, text.rfind(" ", 0, max(0, hit.start() - 80)) + 1)
    tokens = text[start:].split(" ")
    extract = " ".join(tokens[:words])
    if pattern:
        extract = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", extract)
    return ("…" if start else "") + extract + ("…" if len(tokens) > words else "")


@dataclass
class Snippet:
    """A cable's best paragraph for a search, for the list."""

    paragraph_id: int
    anchor: str
    number: str
    level: str
    marking: str
    html: SafeString


def _page_paragraph_scores(ids, query):
    """{paragraph_id: score} of the given paragraphs that match the query (a page's worth)."""
    if not ids:
        return {}
    kind = backend()
    if kind == "scan":
        matching = filter_paragraphs(Paragraph.objects.filter(pk__in=ids), query)
        return dict.fromkeys(matching.values_list("pk", flat=True), 0.0)
    with connection.cursor() as cursor:
        if kind == "postgresql":
            cursor.execute(
                "SELECT id, ts_rank_cd(search_vector, websearch_to_tsquery('english', %s), 1) "
                "FROM cables_paragraph WHERE id = ANY(%s) "
                "AND search_vector @@ websearch_to_tsquery('english', %s)",
                [_positive(query).websearch(), ids, query.websearch()],
            )
            return {pk: float(score) for pk, score in cursor.fetchall()}
    select = f"SELECT rowid FROM {PARAGRAPH_FTS} WHERE {PARAGRAPH_FTS} MATCH %s"
    matching = {row[0] for row in _fts5_among(select, query.fts5(), ids)}
    # The scores ranking gave them. FTS5's bm25 weighs each word by the number of rows that hold
    # it, counted anew for every rowid asked for: scoring a page's paragraphs by rowid took a
    # second for a common word. A cable beyond the candidates (a broad search in date order)
    # shows its first matching paragraph.
    scores = dict.fromkeys(matching, 0.0)
    if matching:
        ranked = candidate_paragraphs(query)[0]
        scores.update({pk: score for pk, _, score in ranked if pk in matching})
    return scores


# Arms of one UNION ALL, below SQLite's limit of 500 (SQLITE_MAX_COMPOUND_SELECT).
RANGES_PER_QUERY = 200


def _fts5_among(select, expression, ids):
    """The rows of an FTS5 `select` (… MATCH %s) among these rowids only.

    FTS5 answers `rowid IN (…)` by searching the word's whole list of rows once per id: for a
    common word and a page's 700 paragraphs, a second. A rowid range is one seek, and a page's
    paragraph ids come in runs (the paragraphs of one cable): one range per run.
    """
    runs = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    rows = []
    with connection.cursor() as cursor:
        for start in range(0, len(runs), RANGES_PER_QUERY):
            chunk = runs[start : start + RANGES_PER_QUERY]
            cursor.execute(
                " UNION ALL ".join([f"{select} AND rowid BETWEEN %s AND %s"] * len(chunk)),
                [value for low, high in chunk for value in (expression, low, high)],
            )
            rows += cursor.fetchall()
    return rows


def best_snippets(cable_ids, query):
    """{cable_id: Snippet} of each cable's best-ranked matching paragraph (for one page).

    A cable that matched by its subject alone has no entry.
    """
    query = parse_query(query)
    cable_ids = [int(pk) for pk in cable_ids]
    if not cable_ids:
        return {}
    # Only the paragraphs of these cables: a lookup by cable_id, then the text test on those.
    rows = list(
        Paragraph.objects.filter(cable_id__in=cable_ids)
        .order_by("cable_id", "position")
        .values("pk", "cable_id", "anchor", "number", "level", "marking")
    )
    ids = [row["pk"] for row in rows]
    order = {pk: index for index, pk in enumerate(ids)}
    scores = _page_paragraph_scores(ids, query)
    paragraphs = sorted(
        (row for row in rows if row["pk"] in scores),
        key=lambda row: (-scores[row["pk"]], order[row["pk"]]),
    )
    best = {}
    for row in paragraphs:
        best.setdefault(row["cable_id"], row)
    extracts = snippets([row["pk"] for row in best.values()], query)
    return {
        cable_id: Snippet(
            row["pk"],
            row["anchor"],
            row["number"],
            row["level"],
            row["marking"],
            extracts.get(row["pk"], SafeString("")),
        )
        for cable_id, row in best.items()
    }


SUFFIXES = (
    "ational",
    "ations",
    "ation",
    "ness",
    "ings",
    "ing",
    "ies",
    "ied",
    "ed",
    "es",
    "ly",
    "s",
)


def _prefix(word):
    """A word's beginning, to highlight every form of it ("visits" → "visit" → visited)."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def highlight_terms(text):
    """The terms to highlight for a search: a list of word lists (one list per phrase).

    Each word is a lower-case beginning ("visits" → "visit"); highlight() marks words that
    start with it. Invalid text gives [] rather than an error: highlighting is a courtesy.
    """
    try:
        query = parse_query(text)
    except SearchQueryError:
        return []
    return [[_prefix(word) for word in term.words] for term in query.terms]


def _highlight_pattern(terms):
    if not terms:
        return None
    alternatives = sorted(
        (r"\W+".join(re.escape(word) + r"\w*" for word in words) for words in terms if words),
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")", re.IGNORECASE)


def highlight_spans(text, terms):
    """Where the terms occur in the text: (start, end) offsets, in order, not overlapping."""
    pattern = _highlight_pattern(terms)
    return [match.span() for match in pattern.finditer(text)] if pattern else []


def highlight(text, terms):
    """The text, HTML-escaped, with every form of the terms in <mark>: safe to render."""
    text = str(text or "").replace(MARK_START, "").replace(MARK_END, "")
    pattern = _highlight_pattern(terms)
    if pattern:
        text = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)
    return render_marked(text)
