"""Facet counts, the total and the timeline of the cable list, counted in the database.

`count_list(query)` is the one entry point: it returns the total, every facet and the
timeline for a `ListQuery` (cables.filtering), in a fixed number of queries whatever the data.

What a count means: for a value not yet chosen, the count is the number of cables the list
would have after adding it, which is the total of the page its link leads to.
- Facets whose values are alternatives (classification, origin, year: OR) count against all
  filters but their own, grouped in one query; the count of "chosen values plus this one" is
  then summed from the groups.
- Facets whose values must all hold (tag, entity, caveat, marking: AND) count within the
  current list, through the many-to-many (or mention) table filtered by
  `cable_id__in=<the filtered cables>`.
Each facet query runs under a time budget; a facet past it is skipped with a note instead of
slowing the page (PostgreSQL: `statement_timeout` set locally in a savepoint; SQLite: a progress
handler that interrupts the query).

A filtered list's cables are found once (`Scope`: their ids, in one query, which also gives
the exact total), and every facet counts over those ids, not over the filters again: a search
or a tag is evaluated once per page, not once per facet. A list of more than
`FACET_SAMPLE_SIZE` cables (5,000) is counted on a systematic sample of them, every n-th id,
and its facet counts are estimates (`Facet.estimated`, shown with ≈): the cost of a facet then
stays the same however big the list or the archive.

At scale (docs/performance.md, "What was changed to get here"):
- complete counts are cached (Django's cache, a table in the database) under the normalized
  query string and the archive version, which each import that changed something bumps;
- the whole archive's counts per facet value are kept by the importer
  (`refresh_archive_counts`), so an unfiltered list, or a facet whose only filter is its own,
  never counts the whole archive at request time.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import math
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Count, F, Max

from cables import middleware, search
from cables.filtering import ListQuery
from cables.models import (
    CLASSIFICATION_ORDER,
    Cable,
    CableTag,
    Entity,
    Mention,
    Paragraph,
    PortionLevel,
    Tag,
)
from cables.sql import Unindexed, beside

SHOWN = 10  # values shown in a facet box before "more"
EXPANDED = 200  # values shown when the facet is expanded (expand=<facet>)
TITLES = {
    "classification": "Classification",
    "tag": "TAGS",
    "entity": "Named",
    "origin": "Origin",
    "year": "Year",
    "caveat": "Caveat",
    "marking": "Paragraph marking",
}
MARKING_NAMES = {level.value: level.label for level in PortionLevel if level.value}


def budget_ms():
    return getattr(settings, "FACET_TIME_BUDGET_MS", 500)


def total_budget_ms():
    """What all the counts of one list may take together (the total, facets, timeline).

    Without it, a broad search whose every facet runs to its own budget takes 7 budgets.
    """
    return getattr(settings, "LIST_COUNTS_BUDGET_MS", None) or 3 * budget_ms()


def sample_size():
    """Lists of more cables than this have their facets counted on a sample of about this many."""
    return getattr(settings, "FACET_SAMPLE_SIZE", 5000)


class TooSlow(Exception):
    """A query ran past its time budget and was stopped."""


@contextlib.contextmanager
def time_budget(milliseconds):
    """Stop the queries run inside after `milliseconds`, raising TooSlow."""
    interrupted = []  # SQLite: whether the handler stopped a query
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # 0 would mean "no limit": a budget is at least a millisecond.
                    cursor.execute(
                        "SELECT current_setting('statement_timeout'), "
                        "set_config('statement_timeout', %s, true)",
                        [str(max(1, int(milliseconds)))],
                    )
                    previous = cursor.fetchone()[0]
                yield
                # A local setting outlives the savepoint it was made in, up to the end of the
                # enclosing transaction: put the previous timeout back for what follows.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            deadline = time.monotonic() + milliseconds / 1000

            def stop():
                # Once: with DEBUG on, Django logs the interrupted query's SQL by quoting its
                # parameters in one more query, which must not be interrupted in turn.
                if not interrupted and time.monotonic() > deadline:
                    interrupted.append(True)
                    return 1
                return 0

            connection.connection.set_progress_handler(stop, 2000)
            try:
                yield
            finally:
                connection.connection.set_progress_handler(None, 0)
        else:
            yield
    except OperationalError as error:
        # Stopped while SQLite opened the search index, the query fails as "vtable constructor
        # failed": the handler knows it stopped something.
        if is_timeout(error) or interrupted:
            raise TooSlow from error
        raise


def is_timeout(error):
    return middleware.is_timeout(error)


def within_budget(run, milliseconds=None):
    """run() under the time budget; None when it took too long."""
    try:
        with time_budget(budget_ms() if milliseconds is None else milliseconds):
            return run()
    except TooSlow:
        return None


@dataclass
class Total:
    count: int | None
    exact: bool

    def as_json(self):
        return {"count": self.count, "exact": self.exact}


@dataclass
class Facet:
    name: str
    combine: str  # "and" or "or"
    values: list = field(default_factory=list)
    truncated: bool = False
    more_url: str | None = None
    skipped: bool = False
    # Counted on a sample of the list (see Scope): the counts are estimates.
    estimated: bool = False

    @property
    def title(self):
        return TITLES[self.name]

    @property
    def chosen(self):
        return [value for value in self.values if value["selected"]]

    @property
    def shown(self):
        """Unchosen values for the box: the top ones, the rest behind "more"."""
        return [value for value in self.values if not value["selected"]]

    def as_json(self):
        return {
            "name": self.name,
            "title": self.title,
            "combine": self.combine,
            "skipped": self.skipped,
            "estimated": self.estimated,
            "truncated": self.truncated,
            "more_url": self.more_url,
            "values": [
                {key: value[key] for key in ("value", "label", "count", "selected", "toggle_url")}
                | ({"parent": value["parent"]} if value.get("parent") else {})
                for value in self.values
            ],
        }


@dataclass
class Counts:
    total: Total
    facets: list
    timeline: dict | None
    notices: list
    # Every n-th cable of the list was counted for the facets and the timeline (1: all).
    sample_step: int = 1


class Scope:
    """The cables a filtered list's counts are taken over, found once per list.

    Usually the list's ids, in one query (their number is the exact total); for a list of more
    than sample_size() cables, `counted` is every `step`-th of them and the facet counts are
    those of the sample times `step`. A search matching more paragraphs than a page can read
    (search.is_broad) is not run over the archive: it is tested on every `step`-th of the
    cables its other filters keep (`sampled`: the total is then an estimate too).
    """

    def __init__(self, counted, step=1, total=None, sampled=False):
        self.counted, self.step, self.sampled = counted, step, sampled
        self.total = len(counted) if total is None else total
        self.others = {}  # exclude -> Scope: the same list without some filters (see counted)

    @classmethod
    def every(cls, ids):
        step = max(1, math.ceil(len(ids) / sample_size()))
        return cls(ids[::step], step, len(ids))

    @classmethod
    def find(cls, query):
        """The list's scope; None when finding it takes longer than its budget."""
        return within_budget(lambda: cls.find_now(query), budget_ms() * 2)

    @classmethod
    def find_now(cls, query, exclude=()):
        """The scope of the list without the filters in `exclude`."""
        if query.search and "q" not in exclude and search.is_broad(query.search):
            return cls.search_sample(query, set(exclude))
        ids = query.cables(exclude=exclude).order_by("pk").values_list("pk")
        return cls.every([row[0] for row in fetch_rows(ids)])

    @classmethod
    def search_sample(cls, query, exclude):
        """A broad search, tested cable by cable on every n-th cable of its other filters'
        list (of the archive, when there are none): bounded by the sample, not the matches."""
        others = exclude | {"q"}
        if any(key not in others for key in query.values):
            base = fetch_rows(query.cables(exclude=others).order_by("pk").values_list("pk"))
            step = max(1, math.ceil(len(base) / sample_size()))
            sample = [row[0] for row in base[::step]]
        else:
            # The whole archive: ids are handed out in order, so every n-th id is every n-th
            # cable, near enough, without reading them.
            archive = getattr(query, "archive_counts", None) or ArchiveCounts.current()
            total = Cable.objects.count() if not archive.valid else archive_total(archive)
            step = max(1, math.ceil(total / sample_size()))
            sample = list(range(step, archive.last_id + 1, step))
        matched = Cable.objects.filter(pk__in=sample).filter(
            search.cable_condition(query.search, among=sample)
        )
        ids = [row[0] for row in fetch_rows(matched.order_by("pk").values_list("pk"))]
        return cls(ids, step, len(ids) * step, sampled=step > 1)


def fetch_rows(queryset, wrap="{}", extra=()):
    """The rows of `queryset`'s SQL, placed into `wrap` (an outer query around it), without
    making model instances; [] when Django knows the queryset is empty."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(wrap.replace("{}", sql), [*params, *extra])
        return cursor.fetchall()


def counts_by(rows, *fields, **aggregates):
    """[{field: value, …, "n": rows}] of `rows` grouped by these fields (see Unindexed)."""
    aliases = {f"group_{index}": field for index, field in enumerate(fields)}
    grouped = (
        rows.annotate(**{alias: Unindexed(F(field)) for alias, field in aliases.items()})
        .values(*aliases)
        .annotate(n=Count("pk"), **aggregates)
        .order_by()
    )
    return [{aliases.get(key, key): value for key, value in row.items()} for row in grouped]


def scope_of(query):
    return getattr(query, "scope", None)


def counted_cables(query, exclude=()):
    """(cables, factor): the cables to count for a facet whose own filters are `exclude`, and
    what each counted cable stands for (the sample step; 1 when every cable is counted).

    A facet whose own filter is chosen counts the list without it: over the filters, in full,
    except after a broad search, whose list without that filter is sampled the same way."""
    scope = scope_of(query)
    exclude = tuple(sorted(key for key in exclude if key in query.values))
    if scope is not None and exclude and scope.sampled:
        if exclude not in scope.others:  # counted under the facet's own budget
            scope.others[exclude] = Scope.find_now(query, exclude)
        scope = scope.others[exclude]
    elif scope is None or exclude:
        return query.cables(exclude=exclude), 1
    return Cable.objects.filter(pk__in=scope.counted), scope.step


FACET_NAMES = ("classification", "tag", "entity", "origin", "year", "caveat", "marking")
AND_FACETS = ("tag", "entity", "caveat", "marking")


def count_list(query: ListQuery, *, names=FACET_NAMES, total=True):
    """The total, the facets (all, or these `names`) and the timeline for this list.

    Cached per normalized query string and archive version (keep_counts); an error never
    returns here."""
    archive = ArchiveCounts.current()
    query.archive_counts = archive
    key = cache_key(query, names, total, archive)
    counts = cache_call(cache.get, key)
    if counts is None:
        counts = count_list_now(query, names=names, total=total)
        # An estimate from a sample is as good as it will get; one made because counting ran
        # out of time is not.
        settled = counts.total.exact or counts.sample_step > 1 or not total
        keep_counts(key, counts, complete=not counts.notices and settled)
    return counts


def partial_counts_timeout_s():
    return getattr(settings, "PARTIAL_COUNTS_TIMEOUT_S", 300)


def keep_counts(key, counts, *, complete):
    """Complete counts are kept until the archive changes (or the cache's own timeout).

    Counts that ran out of time (a facet skipped, a total estimated) are kept a few minutes
    (PARTIAL_COUNTS_TIMEOUT_S), then counted again, when the database's cache may be warmer:
    without them every visit to a broad list paid its whole time budget again, for the same
    partial answer (at 251,287 cables, a second of every visit to some lists)."""
    if complete:
        cache_call(cache.set, key, counts)
    elif (timeout := partial_counts_timeout_s()) > 0:
        cache_call(cache.set, key, counts, timeout)


def cache_call(method, *args):
    """A cache read or write that never fails the page: the counts are counted instead (e.g.
    SQLite's write lock held by an import for longer than the busy timeout)."""
    try:
        return method(*args)  # web requests run in autocommit: a failed statement is harmless
    except DatabaseError:
        return None


def cache_key(query, names, total, archive):
    # The URL without the page position: filters, sort, expand and format, all normalized;
    # the counts' links carry all of them.
    state = repr((query.url(), tuple(names), total))
    return f"counts:{archive.token}:{hashlib.sha256(state.encode()).hexdigest()}"


def count_list_now(query: ListQuery, *, names=FACET_NAMES, total=True):
    notices = []
    deadline = time.monotonic() + total_budget_ms() / 1000
    query.scope = Scope.find(query) if query.is_filtered else None
    exact_total = count_total(query)
    result_total = exact_total if total else Total(None, False)
    step = query.scope.step if query.scope else 1
    facets = []
    year_groups = None
    for name in names:
        limit = EXPANDED if name in query.expand else SHOWN
        counter = COUNTERS[name]
        left = (deadline - time.monotonic()) * 1000
        facet = (
            within_budget(
                lambda counter=counter, limit=limit: counter(query, limit),
                min(budget_ms(), left),
            )
            if left >= 1
            else None
        )
        if facet is None:
            facet = Facet(name, "and" if name in AND_FACETS else "or")
            facet.skipped = True
            notices.append(f"{TITLES[name]} facet skipped: took too long.")
        elif name == "year":
            facet, year_groups = facet
        if facet.truncated and name not in query.expand:
            facet.more_url = query.expanded(name)
        if facet.combine == "and" and exact_total.exact:
            for value in facet.chosen:
                value["count"] = exact_total.count
        facets.append(facet)
    left = (deadline - time.monotonic()) * 1000
    timeline = (
        within_budget(lambda: build_timeline(query, year_groups), min(budget_ms(), left))
        if left >= 1 or year_groups is not None
        else None
    )
    if timeline is None:
        notices.append("Timeline skipped: took too long.")
    return Counts(result_total, facets, timeline, notices, step)


def count_total(query):
    """Exact when it fits the budget, else PostgreSQL's estimate ("about N"), else unknown."""
    kept = archive_rows(query, "total")
    if kept is not None:
        return Total(sum(n for _, _, n in kept), True)
    scope = scope_of(query)
    if scope is not None:
        return Total(scope.total, not scope.sampled)
    cables = query.cables()
    exact = None if query.is_filtered else within_budget(cables.count, budget_ms() * 2)
    if exact is not None:
        return Total(exact, True)
    if connection.vendor == "postgresql":
        sql, params = cables.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else plan
        return Total(int(plan["Plan"]["Plan Rows"]), False)
    return Total(None, False)


# "Or" facets: one GROUP BY against every filter but the facet's own, then sums in Python.


def or_values(query, name, groups, candidates, matches, label):
    """Facet values with the count of the list each value's link leads to."""
    chosen = list(query.values.get(name, []))
    values = []
    for candidate in dict.fromkeys(chosen + candidates):
        selected = candidate in chosen
        alone = sum(n for group, n in groups if matches(group, candidate))
        if selected or not chosen:
            count = alone
        else:
            count = sum(
                n for group, n in groups if any(matches(group, v) for v in [*chosen, candidate])
            )
        if alone or selected:
            values.append(
                {
                    "value": candidate,
                    "label": label(candidate),
                    "count": count,
                    "alone": alone,
                    "selected": selected,
                    "toggle_url": query.toggled(name, candidate),
                }
            )
    return values


def classification_facet(query, limit):
    kept = archive_rows(query, "classification", exclude={"classification"})
    if kept is not None:
        groups = [((value, label), n) for value, label, n in kept]
    else:
        cables, factor = counted_cables(query, exclude={"classification"})
        rows = counts_by(cables, "classification", "label")
        groups = [((row["classification"], row["label"]), row["n"] * factor) for row in rows]
    levels = list(reversed(CLASSIFICATION_ORDER))
    candidates = []
    parents = {}
    for level in levels:
        candidates.append(level)
        labels = sorted({g[1] for g, _ in groups if g[0] == level and g[1] != level})
        for label in labels:
            candidates.append(label)
            parents[label] = level

    def matches(group, value):
        return group[0] == value if value in CLASSIFICATION_ORDER else group[1] == value

    values = or_values(query, "classification", groups, candidates, matches, lambda v: "")
    for value in values:
        value["parent"] = parents.get(value["value"], "")
    return Facet("classification", "or", values, estimated=estimated(query, {"classification"}))


def origin_facet(query, limit):
    kept = archive_rows(query, "origin", exclude={"origin"})
    if kept is not None:
        rows = [{"origin": value, "name": label, "n": n} for value, label, n in kept]
    else:
        cables, factor = counted_cables(query, exclude={"origin"})
        rows = [
            {**row, "n": row["n"] * factor}
            for row in counts_by(cables, "origin", name=Max("origin_name"))
        ]
    names = {row["origin"]: row["name"] for row in rows}
    names.update(query.names.get("origin", {}))
    groups = [(row["origin"], row["n"]) for row in rows]
    candidates = [origin for origin, n in sorted(groups, key=lambda g: (-g[1], g[0]))]
    values = or_values(
        query, "origin", groups, candidates, lambda g, v: g == v, lambda v: names.get(v, "")
    )
    return truncate(Facet("origin", "or", values, estimated=estimated(query, {"origin"})), limit)


def year_facet(query, limit):
    groups = sorted(year_counts(query).items())
    candidates = [year for year, n in sorted(groups, key=lambda g: (-g[1], -g[0]))]
    values = or_values(query, "year", groups, candidates, lambda g, v: g == v, lambda v: "")
    facet = Facet("year", "or", values, estimated=estimated(query, {"year"}))
    return truncate(facet, limit), dict(groups)


def truncate(facet, limit):
    chosen, others = facet.chosen, facet.shown
    others.sort(key=lambda value: (-value.pop("alone", 0), str(value["value"])))
    for value in chosen:
        value.pop("alone", None)
    facet.truncated = len(others) > limit
    facet.values = chosen + others[:limit]
    return facet


def year_counts(query):
    """{year: cables} against every filter but the year."""
    kept = archive_rows(query, "year", exclude={"year"})
    if kept is not None:
        return {int(value): n for value, _, n in kept}
    cables, factor = counted_cables(query, exclude={"year"})
    rows = counts_by(cables, "year")
    return {row["year"]: row["n"] * factor for row in rows if row["year"] is not None}


def estimated(query, exclude=()):
    """Whether a facet whose own filters are `exclude` was counted on a sample."""
    scope = scope_of(query)
    if scope is None:
        return False
    chosen = tuple(sorted(key for key in exclude if key in query.values))
    if chosen:
        other = scope.others.get(chosen)
        return bool(other and other.step > 1)
    return scope.step > 1


# "And" facets: counted within the current list through the many-to-many rows.


def current_ids(query):
    """(ids, factor): the filtered cables' ids to count (or a subquery of them) and what each
    stands for; (None, 1) when nothing is filtered."""
    scope = scope_of(query)
    if scope is not None:
        return scope.counted, scope.step
    return (query.cables().values("pk") if query.is_filtered else None), 1


def and_values(query, name, rows, limit, labels):
    chosen = list(query.values.get(name, []))
    values = [
        {
            "value": code,
            "label": labels.get(code, ""),
            "count": None,
            "selected": True,
            "toggle_url": query.toggled(name, code),
        }
        for code in chosen
    ]
    for code, label, count in rows[:limit]:
        values.append(
            {
                "value": code,
                "label": label,
                "count": count,
                "selected": False,
                "toggle_url": query.toggled(name, code),
            }
        )
    return Facet(name, "and", values, truncated=len(rows) > limit, estimated=estimated(query))


def tag_facet(query, limit):
    chosen = query.values.get("tag", [])
    ids, factor = current_ids(query)
    if ids is None:
        # The whole archive: the counts the importer keeps on each tag.
        tags = Tag.objects.filter(cable_count__gt=0).order_by("-cable_count", "code")
        rows = [(t.code, t.meaning, t.cable_count) for t in tags[: limit + 1]]
    else:
        # Counted per tag id from the (cable, tag) index alone; the codes of the top ones after.
        counted = counts_by(
            CableTag.objects.filter(cable_id__in=ids).exclude(
                tag_id__in=Tag.objects.filter(code__in=chosen).values("pk")
            ),
            "tag_id",
        )
        tags = Tag.objects.in_bulk([row["tag_id"] for row in counted])
        top = sorted(
            ((tags[row["tag_id"]], row["n"]) for row in counted if row["tag_id"] in tags),
            key=lambda item: (-item[1], item[0].code),
        )[: limit + 1]
        rows = [(tag.code, tag.meaning, n * factor) for tag, n in top]
    return and_values(query, "tag", rows, limit, query.names.get("tag", {}))


def entity_facet(query, limit):
    """The people, organisations and places most named in the list: cables per entity."""
    ids, factor = current_ids(query)
    if ids is None:
        # The whole archive: the counts the importer keeps on each entity.
        entities = Entity.objects.listed().order_by("-cable_count", "slug")
        rows = [(e.slug, e.name, e.cable_count) for e in entities[: limit + 1]]
    else:
        chosen = list(query.filterset.form.entity_ids.values())
        # Each cable once per entity: the distinct (cable, entity) pairs come in the order of
        # mention_cable_entity_idx, then one count per entity. COUNT(DISTINCT cable_id) per
        # entity sorts every mention instead: 3 to 10 times slower on both databases.
        pairs = (
            Mention.objects.filter(cable_id__in=ids)
            .exclude(entity_id__in=chosen)
            .values("cable_id", "entity_id")
            .order_by()
            .distinct()
        )
        counts = fetch_rows(
            pairs,
            "SELECT entity_id, COUNT(*) AS n FROM ({}) pairs GROUP BY entity_id "
            "ORDER BY n DESC, entity_id LIMIT %s",
            [limit + 1],
        )
        entities = Entity.objects.in_bulk([entity_id for entity_id, _ in counts])
        rows = [
            (entities[entity_id].slug, entities[entity_id].name, n * factor)
            for entity_id, n in counts
            if entity_id in entities
        ]
    return and_values(query, "entity", rows, limit, query.names.get("entity", {}))


def caveat_facet(query, limit):
    chosen = query.values.get("caveat", [])
    kept = archive_rows(query, "caveat")
    if kept is not None:
        rows = sorted(kept, key=lambda row: (-row[2], row[0]))[: limit + 1]
        return and_values(query, "caveat", rows, limit, query.names.get("caveat", {}))
    through = Cable.caveats.through.objects.all()
    ids, factor = current_ids(query)
    if ids is not None:
        through = through.filter(cable_id__in=ids)
    counted = counts_by(
        through.exclude(caveat__code__in=chosen), "caveat__code", meaning=Max("caveat__meaning")
    )
    counted.sort(key=lambda row: (-row["n"], row["caveat__code"]))
    rows = [
        (row["caveat__code"], row["meaning"], row["n"] * factor) for row in counted[: limit + 1]
    ]
    return and_values(query, "caveat", rows, limit, query.names.get("caveat", {}))


def marking_facet(query, limit):
    chosen = query.values.get("marking", [])
    wanted = [level for level in MARKING_NAMES if level not in chosen]
    kept = archive_rows(query, "marking")
    if kept is not None:
        kept = {value: n for value, _, n in kept}
        rows = [(level, MARKING_NAMES[level], kept[level]) for level in wanted if kept.get(level)]
        rows.sort(key=lambda row: -row[2])
        return and_values(query, "marking", rows, limit, MARKING_NAMES)
    ids, factor = current_ids(query)
    paragraphs = Paragraph.objects.filter(level__in=wanted)
    if ids is not None:
        paragraphs = paragraphs.filter(cable_id__in=ids)
    # Each cable once per level, from paragraph_cable_level_idx alone, then one count per level.
    pairs = paragraphs.values("cable_id", "level").order_by().distinct()
    counts = dict(fetch_rows(pairs, "SELECT level, COUNT(*) FROM ({}) pairs GROUP BY level"))
    rows = [
        (level, MARKING_NAMES[level], counts[level] * factor)
        for level in wanted
        if counts.get(level)
    ]
    rows.sort(key=lambda row: -row[2])
    return and_values(query, "marking", rows, limit, MARKING_NAMES)


COUNTERS = {
    "classification": classification_facet,
    "tag": tag_facet,
    "entity": entity_facet,
    "origin": origin_facet,
    "year": year_facet,
    "caveat": caveat_facet,
    "marking": marking_facet,
}


# The timeline: cables per year, or per month once one year is chosen.

WIDTH, HEIGHT, LABEL_SPACE = 720, 120, 18


def build_timeline(query, year_groups=None):
    """Bars for an SVG chart: each with its count, its link and its geometry."""
    years = query.values.get("year", [])
    months = query.values.get("month", [])
    if len(years) == 1:
        year = years[0]
        kept = archive_rows(query, "month", exclude={"year", "month"})
        if kept is not None:
            counts = {int(v) % 100: n for v, _, n in kept if int(v) // 100 == year and int(v) % 100}
        else:
            cables, factor = counted_cables(query, exclude={"month"})
            rows = counts_by(cables, "month")
            counts = {row["month"]: row["n"] * factor for row in rows if row["month"]}
        periods = [
            (
                month,
                calendar.month_abbr[month],
                f"{calendar.month_name[month]} {year}",
                month in months,
                query.replaced(month=[month]),
            )
            for month in range(1, 13)
        ]
        unit, title = "month", f"Cables per month in {year}"
        zoom_out = query.replaced(year=None, month=None)
        sampled = estimated(query, {"month"})
    else:
        counts = year_counts(query) if year_groups is None else year_groups
        if not counts:
            return {"unit": "year", "title": "Cables per year", "bars": [], "width": WIDTH}
        span = range(min(counts), max(counts) + 1)
        periods = [
            (year, str(year), str(year), year in years, query.replaced(year=[year]))
            for year in span
        ]
        unit, title, zoom_out = "year", "Cables per year", None
        sampled = estimated(query, {"year"})
    return draw(unit, title, periods, counts) | {"zoom_out_url": zoom_out, "estimated": sampled}


def draw(unit, title, periods, counts):
    tallest = max([counts.get(key, 0) for key, *_ in periods] + [1])
    slot = WIDTH / len(periods)
    gap = min(2.0, slot * 0.2)
    plot = HEIGHT - LABEL_SPACE
    every = 1 if len(periods) <= 24 else 5
    bars = []
    for index, (key, short, long, selected, url) in enumerate(periods):
        count = counts.get(key, 0)
        height = round(plot * count / tallest, 1) if count else 0
        if count and height < 1:
            height = 1
        bars.append(
            {
                "period": key,
                "label": long,
                "count": count,
                "selected": selected,
                "url": url,
                "x": round(index * slot + gap / 2, 1),
                "width": round(slot - gap, 1),
                "y": round(plot - height, 1),
                "height": height,
                "text_x": round(index * slot + slot / 2, 1),
                "tick": short if (unit == "month" or key % every == 0) else "",
            }
        )
    return {
        "unit": unit,
        "title": title,
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "plot_height": plot,
        "tallest": tallest,
    }


def timeline_json(timeline):
    if timeline is None:
        return None
    return {
        "unit": timeline["unit"],
        "estimated": timeline.get("estimated", False),
        "bars": [
            {"period": bar["period"], "count": bar["count"], "url": bar["url"]}
            for bar in timeline["bars"]
        ],
    }


# The whole archive's counts, kept by the importer, and the archive version.

STATE_TABLE = "cables_archive_state"
COUNTS_TABLE = "cables_archive_count"


class ArchiveCounts:
    """The archive version (for cache keys) and, when they are up to date, the whole archive's
    counts per facet value, read once per list in one query."""

    def __init__(self, version, counted_at, last_id):
        self.version, self.last_id = version or 0, last_id or 0
        # Kept counts hold while no cable came since they were taken (cables written outside
        # the importer, e.g. in the admin or tests, fall back to live counts).
        self.valid = counted_at is not None and counted_at == self.last_id
        self._rows = None

    @property
    def token(self):
        return f"{self.version}.{self.last_id}"

    @classmethod
    def current(cls):
        cable_table = connection.ops.quote_name(Cable._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT value FROM {STATE_TABLE} WHERE name = 'version'), "
                f"(SELECT value FROM {STATE_TABLE} WHERE name = 'counted_at'), "
                f"(SELECT MAX(id) FROM {cable_table})"
            )
            return cls(*cursor.fetchone())

    def rows(self, facet):
        if self._rows is None:
            self._rows = {}
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT facet, value, label, n FROM {COUNTS_TABLE}")
                for name, value, label, n in cursor.fetchall():
                    self._rows.setdefault(name, []).append((value, label, n))
        return self._rows.get(facet, [])


def archive_total(archive):
    return sum(n for _, _, n in archive.rows("total"))


def archive_rows(query, facet, exclude=()):
    """[(value, label, cables)] over the whole archive, when the importer's counts hold and the
    query has no filter but those in `exclude`; None means: count now."""
    archive = getattr(query, "archive_counts", None)
    if archive is None or not archive.valid or any(k not in exclude for k in query.values):
        return None
    return archive.rows(facet)


def refresh_archive_counts(changed=True, rewritten=True):
    """After an import: the whole archive's counts per facet value, in set-based statements,
    and a new archive version when the import changed something (so cached counts of the old
    version are no longer read), and on PostgreSQL the planner's statistics. An import that
    changed nothing keeps all three. ``rewritten``: the import replaced cables already there
    (their old texts are dead rows to vacuum)."""
    cable = Cable._meta.db_table
    caveats = Cable.caveats.through._meta
    caveat = Cable.caveats.field.related_model._meta.db_table
    caveat_column = Cable.caveats.field.m2m_reverse_name()
    paragraph = Paragraph._meta.db_table
    levels = ", ".join(f"'{level}'" for level in MARKING_NAMES)
    text = "varchar(200)"
    selects = [
        f"SELECT 'total', '', '', COUNT(*) FROM {cable}",
        f"SELECT 'classification', classification, label, COUNT(*) FROM {cable} "
        "GROUP BY classification, label",
        f"SELECT 'origin', origin, MAX(origin_name), COUNT(*) FROM {cable} GROUP BY origin",
        f"SELECT 'year', CAST(year AS {text}), '', COUNT(*) FROM {cable} "
        "WHERE year IS NOT NULL GROUP BY year",
        f"SELECT 'month', CAST(year * 100 + month AS {text}), '', COUNT(*) FROM {cable} "
        "WHERE year IS NOT NULL AND month IS NOT NULL GROUP BY year, month",
        f"SELECT 'caveat', c.code, MAX(c.meaning), COUNT(*) FROM {caveats.db_table} t "
        f"JOIN {caveat} c ON c.id = t.{caveat_column} GROUP BY c.code",
        f"SELECT 'marking', level, '', COUNT(DISTINCT cable_id) FROM {paragraph} "
        f"WHERE level IN ({levels}) GROUP BY level",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, value FROM {STATE_TABLE} WHERE name IN ('version', 'counted_at')"
        )
        state = dict(cursor.fetchall())
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {cable}")
        last_id = cursor.fetchone()[0]
        if changed or state.get("counted_at") != last_id:
            cursor.execute(f"DELETE FROM {COUNTS_TABLE}")
            for select in selects:
                cursor.execute(f"INSERT INTO {COUNTS_TABLE} (facet, value, label, n) {select}")
            set_state(cursor, "counted_at", last_id)
        if changed:
            bump_version(cursor)
    if changed and connection.vendor == "postgresql":
        # The planner's statistics for the tables the import filled: without them PostgreSQL
        # guesses every row count, and picks plans that are 2 to 5 times slower, until
        # autovacuum gets to the tables (minutes later, or never when it is off). VACUUM also
        # marks the new rows visible to all in the visibility map, without which no count can
        # read an index alone: a tag's 157,180 cables at 251,287 took 727 ms through the
        # tables, 118 ms from the indexes. VACUUM cannot run inside a transaction: an import
        # inside one (a test's) only analyzes.
        if connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            vacuum_analyze(appended_only=() if rewritten else (cable, paragraph))


def vacuum_analyze(appended_only=()):
    """VACUUM (ANALYZE) of the archive's tables, on this connection and one beside it, each
    taking the largest table left (at 251,287 cables the paragraphs on one, the mentions and
    the cables on the other). The tables in ``appended_only``, to which the import only added
    rows, without their TOAST parts: the cables' bodies and the longest paragraphs, 1.9 GB at
    that size, in which no row is dead, that no index-only scan reads and no statistics come
    from. On the release's database, its visibility maps cleared and the machine's file
    cache dropped: the whole database in one statement 28 to 33 s, without those TOAST parts
    13.0 s, on two connections 8.5 to 9.5 s."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = current_schema()::regnamespace "
            "ORDER BY pg_total_relation_size(oid) DESC"
        )
        tables = [row[0] for row in cursor.fetchall()]
    quote = connection.ops.quote_name
    lock = threading.Lock()

    def vacuum():
        while True:
            with lock:
                if not tables:
                    return
                table = tables.pop(0)
            toast = "FALSE" if table in appended_only else "TRUE"
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE, PROCESS_TOAST {toast}) {quote(table)}")

    with beside(vacuum):
        vacuum()


def bump_version(cursor):
    """A new archive version: the cached counts and searches of the old one are not read again."""
    cursor.execute(f"UPDATE {STATE_TABLE} SET value = value + 1 WHERE name = 'version'")
    if cursor.rowcount == 0:
        set_state(cursor, "version", 1)


def archive_changed(**kwargs):
    """A cable or a paragraph saved outside the importer (the admin, a script): its text may
    say something else now, so a new version. The importer writes without signals and takes
    a new version once, at its end (refresh_archive_counts). Deletions take none (a receiver
    would cost the importer a statement for each paragraph of a changed cable): a deleted
    cable's candidates are never shown, read only through the cables that exist, but a cable
    that lost a paragraph keeps that paragraph's score in the searches cached before, until
    the next version."""
    with connection.cursor() as cursor:
        bump_version(cursor)


def set_state(cursor, name, value):
    cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE name = %s", [name])
    cursor.execute(f"INSERT INTO {STATE_TABLE} (name, value) VALUES (%s, %s)", [name, value])
