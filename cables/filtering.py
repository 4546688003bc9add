"""The cable list's query string: validated once, then turned into querysets and links.

`parse_list_query(request.GET)` is the one entry point. It returns a `ListQuery` (or the
messages that say what is wrong with the query string). The HTML page, the JSON and the CSV
output, the facets and the timeline all read the same `ListQuery`.

How filters combine:
- on a column a cable has exactly one value of (classification, origin, year, month,
  precedence), repeated values are alternatives (OR);
- on things a cable has several of (tag, entity, caveat, marking), every value must hold (AND);
- different keys always combine with AND.
Every many-to-many filter is a subquery (`pk__in=…values("cable_id")`), never a join.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db import connection
from django.db.models import Max, Q

from cables import search
from cables.models import (
    CLASSIFICATION_ORDER,
    Cable,
    Caveat,
    Entity,
    PortionLevel,
    Tag,
)
from cables.search import notices as search_notices
from cables.sql import Among

PAGE_SIZE = 50
# Offset pages stop here; the Next/Previous links use a keyset cursor and go on to the end.
MAX_PAGE = 200
MAX_VALUES_PER_KEY = 20
MAX_VALUE_LENGTH = 100
MAX_SEARCH_LENGTH = 500
FIRST_YEAR, LAST_YEAR = 1900, 2100

MARKINGS = [level.value for level in PortionLevel if level.value]
PRECEDENCES = ["FLASH", "NIACT IMMEDIATE", "IMMEDIATE", "PRIORITY", "ROUTINE"]
FORMATS = ["html", "json", "csv"]
# The key, its label, and whether it needs a search.
SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "reference": "Reference ID",
    "relevance": "Relevance",
}
# The query-string keys that filter, in the order links are written.
FILTER_KEYS = [
    "q",
    "tag",
    "entity",
    "classification",
    "origin",
    "year",
    "month",
    "from",
    "to",
    "caveat",
    "marking",
    "precedence",
]
# Keys that shape the view but do not filter; links keep them unless told otherwise.
VIEW_KEYS = ["sort", "expand", "format"]
PAGING_KEYS = ["page", "after", "before"]
PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f]*$")


def search_subquery(text):
    """The ids of the cables matching a full-text search, as a subquery (cables/search.py)."""
    return search.cable_ids(text)


def search_rank(text):
    """An expression to order by for `sort=relevance`: the score of the best paragraph."""
    return search.cable_rank(text)


# Fields: each turns the raw values of one key into clean Python values or a clear message.


class ValuesField(forms.Field):
    """Every value of a repeated key, stripped, upper-cased and de-duplicated, in order."""

    widget = forms.SelectMultiple
    upper = True

    def to_python(self, value):
        if value in (None, "", [], ()):
            return []
        raw = value if isinstance(value, list | tuple) else [value]
        values = []
        for item in raw:
            item = " ".join(str(item).split())
            if self.upper:
                item = item.upper()
            if not item:
                continue
            if len(item) > MAX_VALUE_LENGTH or not PRINTABLE.match(item):
                raise forms.ValidationError(f"“{item[:40]}…” is not a value this list knows.")
            if item not in values:
                values.append(item)
        if len(values) > MAX_VALUES_PER_KEY:
            raise forms.ValidationError(f"Choose at most {MAX_VALUES_PER_KEY} values.")
        return values

    def validate(self, value):
        for item in value:
            self.check(item)

    def check(self, item):
        """Raise ValidationError when one value cannot be right."""


class SlugsField(ValuesField):
    """Entity slugs as in /entities/<slug>/: lower case, letters, digits and hyphens."""

    upper = False

    def to_python(self, value):
        return [item.lower() for item in super().to_python(value)]

    def check(self, item):
        if not re.fullmatch(r"[-a-z0-9_]+", item):
            raise forms.ValidationError(f"“{item[:40]}” is not an entity (a name as in its URL).")


class ChoicesField(ValuesField):
    def __init__(self, *, allowed=(), noun="value", **kwargs):
        self.allowed, self.noun = list(allowed), noun
        super().__init__(**kwargs)

    def check(self, item):
        if item not in self.allowed:
            raise forms.ValidationError(
                f"“{item}” is not a {self.noun}; use one of {', '.join(self.allowed)}."
            )


class ClassificationField(ValuesField):
    """A level (SECRET: every SECRET cable) or a full label (SECRET//NOFORN: exactly that)."""

    def check(self, item):
        level = item.split("//")[0]
        if level not in CLASSIFICATION_ORDER or item.endswith("/"):
            raise forms.ValidationError(
                f"“{item}” is not a classification; use a level ({', '.join(CLASSIFICATION_ORDER)})"
                " or a label as printed on cables, such as SECRET//NOFORN."
            )


class NumbersField(ValuesField):
    def __init__(self, *, low, high, noun, **kwargs):
        self.low, self.high, self.noun = low, high, noun
        super().__init__(**kwargs)

    def to_python(self, value):
        numbers = []
        for item in super().to_python(value):
            if not item.isascii() or not item.isdigit() or len(item) > 4:
                raise forms.ValidationError(f"“{item}” is not a {self.noun}.")
            number = int(item)
            if not self.low <= number <= self.high:
                raise forms.ValidationError(
                    f"{number} is not a {self.noun} ({self.low} to {self.high})."
                )
            if number not in numbers:
                numbers.append(number)
        return numbers


class PeriodField(forms.Field):
    """A day (2006-04-27), a month (2006-04) or a year (2006): its first or its last day."""

    def __init__(self, *, end, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
        try:
            if not match:
                raise ValueError
            year, month, day = (int(part) if part else None for part in match.groups())
            if day:
                return dt.date(year, month, day)
            if month:
                start = dt.date(year, month, 1)
                following = dt.date(year + month // 12, month % 12 + 1, 1)
                return following - dt.timedelta(days=1) if self.end else start
            return dt.date(year, 12, 31) if self.end else dt.date(year, 1, 1)
        except ValueError:
            raise forms.ValidationError(
                f"“{text[:40]}” is not a date; write 2006-04-27, 2006-04 or 2006."
            ) from None


class ListFilterForm(forms.Form):
    """Cross-field checks and the existence of tags, origins and caveats (one query each)."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("q"):
            try:
                cleaned["q"] = search.parse_query(cleaned["q"]).text
            except search.SearchQueryError as error:
                self.add_error("q", str(error))
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", f"The end date {end} is before the start date {start}.")
        self.names = {}
        self.entity_ids = {}
        self.entity_cable_counts = {}  # entity id → cables naming it
        self.tag_ids = {}
        self.caveat_ids = {}
        lookups = {
            "entity": self.entity_lookup,
            "tag": self.tag_lookup,
            "caveat": self.caveat_lookup,
            "origin": lambda codes: dict(
                Cable.objects.filter(origin__in=codes)
                .values("origin")
                .annotate(name=Max("origin_name"))
                .values_list("origin", "name")
            ),
        }
        nouns = {
            "tag": "TAGS code",
            "entity": "entity",
            "caveat": "caveat",
            "origin": "origin (station) code",
        }
        for key, lookup in lookups.items():
            codes = cleaned.get(key) or []
            if not codes:
                continue
            found = lookup(codes)
            self.names[key] = found
            unknown = [code for code in codes if code not in found]
            if unknown:
                self.add_error(
                    key,
                    f"No cable in the archive has the {nouns[key]} "
                    + ", ".join(f"“{code}”" for code in unknown)
                    + ".",
                )
        return cleaned

    def tag_lookup(self, codes):
        """{code: meaning}; remembers each tag's id."""
        return self.codes_lookup(Tag, codes, self.tag_ids)

    def caveat_lookup(self, codes):
        return self.codes_lookup(Caveat, codes, self.caveat_ids)

    @staticmethod
    def codes_lookup(model, codes, ids):
        found = {}
        for code, pk, meaning in model.objects.filter(code__in=codes).values_list(
            "code", "pk", "meaning"
        ):
            ids[code] = pk
            found[code] = meaning
        return found

    def entity_lookup(self, slugs):
        """{slug: name}; remembers each entity's id (an entity merged into another: the other's)."""
        found = {}
        rows = Entity.objects.filter(slug__in=slugs).values_list(
            "slug",
            "pk",
            "name",
            "cable_count",
            "merged_into_id",
            "merged_into__name",
            "merged_into__cable_count",
        )
        for slug, pk, name, count, merged_id, merged_name, merged_count in rows:
            self.entity_ids[slug] = merged_id or pk
            self.entity_cable_counts[merged_id or pk] = merged_count if merged_id else count
            found[slug] = merged_name or name
        return found


class ValuesFilter(django_filters.Filter):
    field_class = ValuesField


class SlugsFilter(django_filters.Filter):
    field_class = SlugsField


class ChoicesFilter(django_filters.Filter):
    field_class = ChoicesField


class ClassificationFilter(django_filters.Filter):
    field_class = ClassificationField


class NumbersFilter(django_filters.Filter):
    field_class = NumbersField


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField


class CableFilter(django_filters.FilterSet):
    """The list's filters. `filter_queryset(queryset, exclude=…)` leaves some out, for facets."""

    q = django_filters.CharFilter(
        method="filter_search", max_length=MAX_SEARCH_LENGTH, strip=True, label="Search"
    )
    tag = ValuesFilter(method="filter_tags")
    entity = SlugsFilter(method="filter_entities")
    classification = ClassificationFilter(method="filter_classification")
    origin = ValuesFilter(method="filter_origin")
    year = NumbersFilter(
        field_name="year",
        method="filter_in",
        low=FIRST_YEAR,
        high=LAST_YEAR,
        noun="year",
    )
    month = NumbersFilter(
        field_name="month",
        method="filter_in",
        low=1,
        high=12,
        noun="month (1 to 12)",
    )
    from_ = PeriodFilter(method="filter_from", end=False)
    to = PeriodFilter(method="filter_to", end=True)
    caveat = ValuesFilter(method="filter_caveats")
    marking = ChoicesFilter(
        method="filter_markings",
        allowed=MARKINGS,
        noun="portion marking",
    )
    precedence = ChoicesFilter(
        field_name="precedence",
        method="filter_in",
        allowed=PRECEDENCES,
        noun="precedence",
    )

    class Meta:
        model = Cable
        fields = []
        form = ListFilterForm

    def filter_queryset(self, queryset, exclude=()):
        for name, value in self.form.cleaned_data.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_search(self, queryset, name, value):
        return queryset.with_ids_in(search_subquery(value))

    def filter_tags(self, queryset, name, codes):
        return queryset.tagged_with_all_ids([self.form.tag_ids[code] for code in codes])

    def filter_entities(self, queryset, name, slugs):
        ids = self.form.entity_ids
        return queryset.mentioning_all([ids[slug] for slug in slugs], self.form.entity_cable_counts)

    def filter_caveats(self, queryset, name, codes):
        for code in codes:
            queryset = queryset.with_caveat_id(self.form.caveat_ids[code])
        return queryset

    def filter_markings(self, queryset, name, levels):
        for level in levels:
            queryset = queryset.with_paragraph_marked(level)
        return queryset

    def filter_classification(self, queryset, name, values):
        levels = [value for value in values if value in CLASSIFICATION_ORDER]
        labels = [value for value in values if value not in CLASSIFICATION_ORDER]
        return queryset.filter(Q(classification__in=levels) | Q(label__in=labels))

    def filter_origin(self, queryset, name, codes):
        return queryset.filter(origin__in=codes)

    def filter_in(self, queryset, name, values):
        return queryset.filter(**{f"{name}__in": values})

    def filter_from(self, queryset, name, day):
        return queryset.filter(created__gte=start_of(day))

    def filter_to(self, queryset, name, day):
        return queryset.filter(created__lt=start_of(day + dt.timedelta(days=1)))


# "from" is a Python keyword: the attribute is from_, the query-string key is "from".
CableFilter.base_filters["from"] = CableFilter.base_filters.pop("from_")
CableFilter.base_filters = {key: CableFilter.base_filters[key] for key in FILTER_KEYS}


def start_of(day):
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


@dataclass
class Cursor:
    """A keyset position: the sort key of the row a page starts after (or ends before)."""

    created: dt.datetime | None
    reference_id: str

    def token(self, sort):
        if sort == "reference":
            return self.reference_id
        stamp = self.created.strftime("%Y-%m-%dT%H:%M:%SZ") if self.created else ""
        return f"{stamp}~{self.reference_id}"

    @classmethod
    def parse(cls, token, sort):
        token = token.strip()
        if sort == "reference":
            if not token or len(token) > 40 or not token.isalnum():
                raise ValueError
            return cls(None, token)
        stamp, _, reference_id = token.partition("~")
        if not reference_id or len(reference_id) > 40 or not reference_id.isalnum():
            raise ValueError
        created = dt.datetime.fromisoformat(stamp) if stamp else None
        if created and created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        return cls(created, reference_id)


@dataclass
class ListQuery:
    """A validated query string: filters, sort, page position and output format."""

    filterset: CableFilter
    sort: str = "newest"
    format: str = "html"
    page: int = 1
    after: Cursor | None = None
    before: Cursor | None = None
    expand: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    path: str = "/cables/"

    @property
    def values(self):
        """The chosen filter values by key, only the keys that have some."""
        cleaned = self.filterset.form.cleaned_data
        return {key: cleaned[key] for key in FILTER_KEYS if cleaned.get(key) not in (None, "", [])}

    @property
    def names(self):
        """Display names found while validating: {"tag": {code: meaning}, "origin": …}."""
        return getattr(self.filterset.form, "names", {})

    @property
    def search(self):
        return self.values.get("q", "")

    @property
    def is_filtered(self):
        return bool(self.values)

    def cables(self, exclude=(), *, walking=False):
        """The matching cables, unordered; `exclude` leaves out some filters (for facets);
        `walking` for one page in date order (CableQuerySet.walking)."""
        cables = Cable.objects.walking() if walking else Cable.objects.all()
        return self.filterset.filter_queryset(cables, exclude=exclude)

    # Links: every state of the list is a URL.

    def params(self, values=None, *, view=True):
        values = self.values if values is None else values
        pairs = []
        for key in FILTER_KEYS:
            for value in as_list(values.get(key)):
                pairs.append((key, value.isoformat() if isinstance(value, dt.date) else value))
        if view:
            searching = bool(values.get("q"))
            if self.sort != default_sort(searching) and (searching or self.sort != "relevance"):
                pairs.append(("sort", self.sort))
            pairs += [("expand", name) for name in self.expand]
            if self.format != "html":
                pairs.append(("format", self.format))
        return pairs

    def url(self, values=None, *, extra=(), **view):
        pairs = self.params(values, view=True)
        for key, value in view.items():
            pairs = [(k, v) for k, v in pairs if k != key]
            if value is not None:
                pairs.append((key, value))
        pairs += list(extra)
        return self.path + ("?" + urlencode(pairs) if pairs else "")

    def toggled(self, key, value):
        """The URL with this value added to its key, or removed when it is there."""
        values = {k: list(as_list(v)) for k, v in self.values.items()}
        chosen = values.setdefault(key, [])
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
        return self.url(values)

    def replaced(self, **replacements):
        """The URL with these keys set to these values (None or [] removes the key)."""
        values = dict(self.values)
        for key, value in replacements.items():
            values[key.rstrip("_")] = value
        return self.url(values)

    def cleared(self):
        return self.url({})

    def expanded(self, facet_name):
        return self.url(extra=[("expand", facet_name)])

    def removal_links(self):
        """Every chosen value with the link that removes it, for the top of the page."""
        links = []
        names = self.names
        for key, chosen in self.values.items():
            for value in as_list(chosen):
                text = value.isoformat() if isinstance(value, dt.date) else str(value)
                title = names.get(key, {}).get(value, "")
                if key == "entity" and title:  # a slug means little to a reader: the name
                    text, title = title, value
                links.append(
                    {
                        "key": key,
                        "value": text,
                        "title": title,
                        "url": self.toggled(key, value)
                        if isinstance(chosen, list)
                        else self.replaced(**{key: None}),
                    }
                )
        return links


def as_list(value):
    if value in (None, "", []):
        return []
    return value if isinstance(value, list) else [value]


def default_sort(search):
    return "relevance" if search else "newest"


def parse_list_query(data, path="/cables/"):
    """Validate a query string. Returns (ListQuery, []) or (None, [messages])."""
    filterset = CableFilter(data=data, queryset=Cable.objects.all())
    errors = []
    if not filterset.is_valid():
        for key, messages in filterset.form.errors.items():
            prefix = "" if key == "__all__" else f"{key}: "
            errors += [prefix + message for message in messages]
    output = data.get("format", "html").strip().lower() or "html"
    if output not in FORMATS:
        errors.append(f"format: “{output[:20]}” is not a format; use html, json or csv.")
    search = (filterset.form.cleaned_data or {}).get("q") if not errors else data.get("q")
    sort = data.get("sort", "").strip().lower() or default_sort(search)
    if sort not in SORTS:
        errors.append(f"sort: “{sort[:20]}” is not a sort order; use {', '.join(SORTS)}.")
    elif sort == "relevance" and not search:
        errors.append("sort: relevance needs a search (q).")
    page = data.get("page", "1").strip() or "1"
    if not (page.isascii() and page.isdigit()) or not 1 <= int(page[:6]) <= MAX_PAGE:
        errors.append(
            f"page: “{page[:20]}” is not a page number here (1 to {MAX_PAGE}); "
            "follow the Next links to go further, or narrow the filters."
        )
    expand = [name for name in data.getlist("expand") if name in EXPANDABLE][:10]
    if errors:
        return None, errors
    query = ListQuery(filterset, sort=sort, format=output, page=int(page), expand=expand, path=path)
    for key in ("after", "before"):
        token = data.get(key)
        if token is None:
            continue
        if sort == "relevance":
            return None, [f"{key}: sorting by relevance pages with page=, not cursors."]
        try:
            setattr(query, key, Cursor.parse(token, sort))
        except ValueError:
            return None, [f"{key}: “{token[:40]}” is not a position in this list."]
    if search:
        query.notices.extend(search_notices())  # e.g. "slow fallback: FTS5 is missing"
    return query, []


EXPANDABLE = ["tag", "entity", "classification", "origin", "year", "caveat", "marking"]


# Ordering and keyset pagination.

NULLS_LARGEST = connection.vendor == "postgresql"


def ordered(queryset, sort, *, reverse=False):
    """Order for this sort; `reverse` flips it (to fetch the page before a cursor)."""
    newest = sort in ("newest", "relevance")
    if sort == "reference":
        return queryset.order_by("-reference_id" if reverse else "reference_id")
    # created DESC, reference_id ASC and its exact reverse: both walk cable_created_idx.
    descending = newest != reverse
    return queryset.order_by(
        "-created" if descending else "created", "reference_id" if descending else "-reference_id"
    )


def beyond(cursor, sort, *, reverse=False):
    """The rows strictly after the cursor in this order (before it, when `reverse`), as
    conditions to fetch one after the other: each is a range the sort's index can seek to, so
    a page deep in the list reads one page of the index, not every row before it.

    Rows without a date sort apart from the dated ones (last in a descending walk on SQLite,
    first on PostgreSQL), and "dated and after the cursor, or undated" is no range: it would
    scan from the top of the index. So a walk that reaches the undated rows from the dated
    ones takes them as a second range."""
    if sort == "reference":
        ascending = not reverse
        lookup = "reference_id__gt" if ascending else "reference_id__lt"
        return [Q(**{lookup: cursor.reference_id})]
    descending = (sort in ("newest", "relevance")) != reverse
    tie = (
        Q(reference_id__gt=cursor.reference_id)
        if descending
        else Q(reference_id__lt=cursor.reference_id)
    )
    nulls_at_end = descending != NULLS_LARGEST
    undated = Q(created__isnull=True)
    if cursor.created is None:
        return [undated & tie] if nulls_at_end else [undated & tie, Q(created__isnull=False)]
    if descending:
        dated = Q(created__lte=cursor.created) & (Q(created__lt=cursor.created) | tie)
    else:
        dated = Q(created__gte=cursor.created) & (Q(created__gt=cursor.created) | tie)
    return [dated, undated] if nulls_at_end else [dated]


def rows_beyond(queryset, cursor, sort, limit, *, reverse=False):
    """Up to `limit` rows after the cursor in this order (before it, when `reverse`)."""
    rows = []
    for condition in beyond(cursor, sort, reverse=reverse):
        rows += ordered(queryset.filter(condition), sort, reverse=reverse)[: limit - len(rows)]
        if len(rows) >= limit:
            break
    return rows


@dataclass
class Page:
    cables: list
    next_url: str | None
    previous_url: str | None
    first_url: str | None
    offset: int | None  # the 0-based position of the first row, when known


def fetch_page(query, decorate=lambda cables: cables):
    """One page of results in one query: keyset after/before a cursor, or a bounded offset.

    `decorate(cables)` adds to a queryset what the page shows of each cable (only(), prefetches).
    """
    queryset = decorate(query.cables(walking=True))
    sort = query.sort
    rank = search_rank(query.search) if sort == "relevance" else None
    if rank is not None:
        if search.backend() == "scan":
            rows = list(queryset.order_by(rank.desc(), "reference_id")[offset_slice(query.page)])
        else:
            rows = relevance_rows(query, decorate, offset_slice(query.page))
        return offset_page(query, rows)
    if query.before:
        rows = rows_beyond(queryset, query.before, sort, PAGE_SIZE + 1, reverse=True)
        has_previous = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return Page(
            rows,
            next_url=cursor_url(query, "after", rows[-1]) if rows else None,
            previous_url=cursor_url(query, "before", rows[0]) if has_previous else None,
            first_url=query.url(),
            offset=None,
        )
    if query.after:
        rows = rows_beyond(queryset, query.after, sort, PAGE_SIZE + 1)
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        return Page(
            rows,
            next_url=cursor_url(query, "after", rows[-1]) if has_next else None,
            previous_url=cursor_url(query, "before", rows[0]) if rows else None,
            first_url=query.url(),
            offset=None,
        )
    rows = list(ordered(queryset, sort)[offset_slice(query.page)])
    return offset_page(query, rows)


def relevance_rows(query, decorate, window):
    """The rows of `window` in relevance order, with the cost bounded whatever the search.

    search.ranked_candidates scores the cables of (at most RANK_CANDIDATES) matching
    paragraphs in one pass; those that pass the page's filters come first, best first (ties by
    reference_id); every other matching cable follows by reference_id, as a cable whose rank is
    0 did before. A search matching fewer paragraphs than that is ranked exactly.

    When every candidate matches the search (search.candidates_match: one word or phrase per
    alternative, nothing excluded), only the other filters are tested on them: the search is
    not run again over the whole archive to confirm what the candidates already show.
    """
    text = query.search
    scores = dict(search.ranked_candidates(text)[0])
    passing = query.cables(exclude={"q"}) if search.candidates_match(text) else query.cables()
    ranked = sorted(
        passing.filter(Among("pk", scores)).values_list("pk", "reference_id").order_by(),
        key=lambda row: (-scores[row[0]], row[1]),
    )
    wanted = [pk for pk, _ in ranked[window]]
    found = decorate(Cable.objects.filter(pk__in=wanted)) if wanted else []
    rows = {cable.pk: cable for cable in found}
    queryset = decorate(query.cables())
    result = [rows[pk] for pk in wanted if pk in rows]
    for cable in result:
        cable.search_rank = scores[cable.pk]
    missing = window.stop - window.start - len(result)
    if missing > 0:
        skip = max(0, window.start - len(ranked))
        others = queryset.order_by("reference_id")
        if scores:
            others = others.exclude(Among("pk", scores))
        for cable in others[skip : skip + missing]:
            cable.search_rank = 0.0
            result.append(cable)
    return result


def offset_slice(page):
    start = (page - 1) * PAGE_SIZE
    return slice(start, start + PAGE_SIZE + 1)


def offset_page(query, rows):
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    keyset = query.sort != "relevance" or search_rank(query.search) is None
    if has_next:
        next_url = (
            cursor_url(query, "after", rows[-1])
            if keyset
            else (query.url(page=query.page + 1) if query.page < MAX_PAGE else None)
        )
    else:
        next_url = None
    previous_url = query.url(page=query.page - 1 if query.page > 2 else None)
    return Page(
        rows,
        next_url=next_url,
        previous_url=previous_url if query.page > 1 else None,
        first_url=query.url() if query.page > 1 else None,
        offset=(query.page - 1) * PAGE_SIZE,
    )


def cursor_url(query, key, cable):
    token = Cursor(cable.created, cable.reference_id).token(query.sort)
    return query.url(extra=[(key, token)])
