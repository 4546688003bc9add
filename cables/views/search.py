"""/paragraphs/: one result per matching paragraph, with the cable filters, facets and JSON.

The search itself is cables.search; the cable filters are the list's FilterSet
(cables.filtering.CableFilter), so that `tag`, `classification`, `origin`, `year`, `month`,
`from`, `to`, `caveat` and `precedence` mean here what they mean on /cables/. `marking` is the
exception: here it is the paragraph's own level (only the SECRET paragraphs that say a word).
The JSON schema is documented in docs/search.md.
"""

from __future__ import annotations

import hashlib
import math
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from cables import search
from cables.facets import (
    ArchiveCounts,
    archive_total,
    cache_call,
    keep_counts,
    sample_size,
    within_budget,
)
from cables.filtering import FILTER_KEYS, CableFilter
from cables.models import CLASSIFICATION_ORDER, Cable, Mention, Paragraph, PortionLevel
from cables.sql import Among
from cables.views.common import iso

JSON_SCHEMA = "cable-archive/paragraphs/1"
PAGE_SIZE = 20
MAX_PAGE = 50  # 1,000 results: enough to read; narrow the filters to go further
COUNT_CAP = 10_000
FORMATS = ("html", "json")
# The query-string keys of this page, in the order links are written.
KEYS = ["q"] + [key for key in FILTER_KEYS if key != "q"]
MARKING_NAMES = {level.value: level.label for level in PortionLevel}


class State:
    """The page's query string: every state is a link."""

    def __init__(self, data):
        self.pairs = [(key, value) for key in KEYS for value in data.getlist(key) if value != ""]
        self.format = (data.get("format") or "html").strip().lower()
        self.page_text = (data.get("page") or "1").strip()

    def values(self, key):
        return [value for k, value in self.pairs if k == key]

    def url(self, pairs=None, **extra):
        pairs = list(self.pairs if pairs is None else pairs)
        if self.format != "html":
            extra.setdefault("format", self.format)  # JSON links lead to JSON
        pairs += [(key, value) for key, value in extra.items() if value is not None]
        query = urlencode(pairs)
        return reverse("cables:paragraphs") + (f"?{query}" if query else "")

    def toggled(self, key, value):
        chosen = [value.upper() for value in self.values(key)]
        if value in chosen:
            pairs = [(k, v) for k, v in self.pairs if not (k == key and v.upper() == value)]
        else:
            pairs = [*self.pairs, (key, value)]
        return self.url(pairs)

    def without(self, key, value):
        return self.url([(k, v) for k, v in self.pairs if (k, v) != (key, value)])


def paragraph_search(request):
    state = State(request.GET)
    output = state.format if state.format in FORMATS else None
    if output is None:
        return error_response(request, state, ["format: use html or json."], "html")
    text = request.GET.get("q", "")
    context = {"state": state, "q": text, "notices": search.notices(), "errors": []}

    errors = []
    if not state.page_text.isascii() or not state.page_text.isdigit():
        errors.append(f"page: “{state.page_text[:20]}” is not a page number.")
    elif not 1 <= int(state.page_text[:6]) <= MAX_PAGE:
        errors.append(
            f"page: results stop at page {MAX_PAGE}; narrow the search or the filters to see more."
        )
    filter_data = request.GET.copy()
    filter_data.pop("q", None)
    filterset = CableFilter(data=filter_data, queryset=Cable.objects.all())
    if not filterset.is_valid():
        for key, messages in filterset.form.errors.items():
            errors += [("" if key == "__all__" else f"{key}: ") + m for m in messages]
    query = None
    if text.strip():
        try:
            query = search.parse_query(text)
        except search.SearchQueryError as error:
            errors.insert(0, str(error))
    if errors:
        return error_response(request, state, errors, output, context)
    if query is None:
        if output == "json":
            return error_response(request, state, ["q: type a word or a phrase."], output)
        return render(request, "cables/paragraphs.html", context)

    cleaned = filterset.form.cleaned_data
    markings = cleaned.get("marking") or []
    classifications = cleaned.get("classification") or []

    # `entity` here means the paragraph names it, not just its cable: "SECRET paragraphs about X".
    entity_ids = list(getattr(filterset.form, "entity_ids", {}).values())

    def paragraphs(exclude=(), *, searched=True, among=None):
        """Matching paragraphs under every filter but those in `exclude` (for facets);
        `searched=False` leaves the search out; `among`: only those cables' paragraphs."""
        rows = Paragraph.objects.all()
        cable_filters = {"q", "marking", "entity", *exclude}
        if any(cleaned.get(key) for key in FILTER_KEYS if key not in cable_filters):
            cables = filterset.filter_queryset(Cable.objects.all(), exclude=cable_filters)
            rows = rows.filter(cable_id__in=cables.values("pk"))
        if markings and "marking" not in exclude:
            rows = rows.filter(level__in=markings)
        if "entity" not in exclude:
            for entity_id in entity_ids:  # AND, one subquery each (mention_entity_idx)
                rows = rows.filter(
                    pk__in=Mention.objects.filter(entity_id=entity_id).values("paragraph_id")
                )
        return search.filter_paragraphs(rows, query, among=among) if searched else rows

    page_number = int(state.page_text)
    start = (page_number - 1) * PAGE_SIZE
    rows = ranked_rows(query, paragraphs, slice(start, start + PAGE_SIZE + 1))
    has_next = len(rows) > PAGE_SIZE and page_number < MAX_PAGE
    rows = rows[:PAGE_SIZE]
    extracts = search.snippets([row.pk for row in rows], query)
    results = [result_row(row, query, extracts) for row in rows]

    counts = paragraph_counts(state, query, paragraphs)
    facets = [
        facet(
            state,
            "marking",
            "Paragraph marking",
            counts["marking"],
            markings,
            order=[level.value for level in PortionLevel],
            labels=MARKING_NAMES,
            estimated=counts["step"] > 1,
        ),
        facet(
            state,
            "classification",
            "Cable classification",
            counts["classification"],
            classifications,
            order=CLASSIFICATION_ORDER,
            labels={},
            estimated=counts["step"] > 1,
        ),
    ]
    total = counts["total"]
    context.update(
        {
            "query": query,
            "results": results,
            "total": total,
            "total_capped": total is not None and total > COUNT_CAP and counts["step"] == 1,
            "total_estimated": counts["step"] > 1,
            "sample_step": counts["step"],
            "count_cap": COUNT_CAP,
            "first_number": start + 1,
            "last_number": start + len(results),
            "facets": facets,
            "chosen": [
                {"key": key, "value": value, "url": state.without(key, value)}
                for key, value in state.pairs
                if key != "q"
            ],
            "next_url": state.url(page=page_number + 1) if has_next else None,
            "previous_url": (
                state.url(page=page_number - 1 if page_number > 2 else None)
                if page_number > 1
                else None
            ),
            "json_url": state.url(format="json"),
            "list_url": reverse("cables:list") + "?" + urlencode([("q", query.text)]),
            "hidden_fields": [(k, v) for k, v in state.pairs if k != "q"],
        }
    )
    if output == "json":
        return JsonResponse(paragraphs_json(request, context), json_dumps_params={"indent": 1})
    return render(request, "cables/paragraphs.html", context)


SHOWN_FIELDS = (
    "anchor",
    "number",
    "marking",
    "level",
    "position",
    "cable__reference_id",
    "cable__created",
    "cable__subject",
    "cable__classification",
    "cable__label",
)


def ranked_rows(query, paragraphs, window):
    """The paragraphs of `window`, best first, at a cost bounded whatever the search: as the
    cable list (cables.filtering.relevance_rows), the first RANK_CANDIDATES matching
    paragraphs are scored in one pass, those that pass the filters come first, best first; the
    other matching paragraphs follow in the order of the archive (by cable, then position)."""
    scores = {pk: score for pk, _, score in search.candidate_paragraphs(query)[0]}
    # Candidates found for one word or phrase per alternative match the search already.
    passing = paragraphs(searched=not search.candidates_match(query))
    ranked = sorted(
        passing.filter(Among("pk", scores)).values_list("pk", "cable_id", "position").order_by(),
        key=lambda row: (-scores[row[0]], row[1], row[2]),
    )
    wanted = [pk for pk, _, _ in ranked[window]]
    shown = Paragraph.objects.select_related("cable").only(*SHOWN_FIELDS)
    found = shown.in_bulk(wanted) if wanted else {}
    rows = [found[pk] for pk in wanted if pk in found]
    missing = window.stop - window.start - len(rows)
    if missing > 0:
        skip = max(0, window.start - len(ranked))
        others = paragraphs().exclude(Among("pk", scores)).order_by("cable_id", "position")
        rows += list(others.select_related("cable").only(*SHOWN_FIELDS)[skip : skip + missing])
    return rows


def paragraph_counts(state, query, paragraphs):
    """{"total", "marking", "classification", "step"}: the page's counts, cached per query
    string and archive version as the cable list's (facets.keep_counts).

    A broad search (search.is_broad) is counted on the paragraphs of every n-th cable of the
    archive (`step`, about FACET_SAMPLE_SIZE cables), times n: estimates, shown as such."""
    archive = ArchiveCounts.current()
    url = state.url([(key, value) for key, value in state.pairs], format=None)
    key = f"paragraph-counts:{archive.token}:{hashlib.sha256(url.encode()).hexdigest()}"
    counts = cache_call(cache.get, key)
    if counts is not None:
        return counts
    among, step = None, 1
    if search.is_broad(query):
        total = archive_total(archive) if archive.valid else Cable.objects.count()
        step = max(1, math.ceil(total / sample_size()))
        among = list(range(step, archive.last_id + 1, step))

    def grouped(exclude, column):
        rows = paragraphs(exclude=(exclude,), among=among).values_list(column)
        return [(value, n * step) for value, n in rows.annotate(count=Count("pk")).order_by()]

    def counted():
        rows = paragraphs(among=among)
        if among is not None:
            return rows.count() * step
        return rows[: COUNT_CAP + 1].count()

    counts = {
        "total": within_budget(counted),
        "marking": within_budget(lambda: grouped("marking", "level")),
        "classification": within_budget(lambda: grouped("classification", "cable__classification")),
        "step": step,
    }
    keep_counts(key, counts, complete=all(value is not None for value in counts.values()))
    return counts


def result_row(paragraph, query, extracts):
    cable = paragraph.cable
    link = cable.get_absolute_url() + "?" + urlencode({"highlight": query.text})
    return {
        "paragraph": paragraph,
        "cable": cable,
        "label": f"¶{paragraph.number}"
        if paragraph.number
        else f"paragraph {paragraph.position + 1}",
        "level_name": MARKING_NAMES.get(paragraph.level, ""),
        "url": f"{link}#{paragraph.anchor}",
        "snippet": extracts.get(paragraph.pk, ""),
    }


def facet(state, name, title, rows, chosen, *, order, labels, estimated=False):
    """A facet box: each value with its count for the current search and its toggle link."""
    if rows is None:
        return {"name": name, "title": title, "skipped": True, "values": []}
    counts = {value: count for value, count in rows if value}
    values = [
        {
            "value": value,
            "label": labels.get(value, value.title()),
            "count": counts.get(value, 0),
            "chosen": value in chosen,
            "url": state.toggled(name, value),
        }
        for value in order
        if value and (counts.get(value) or value in chosen)
    ]
    return {
        "name": name,
        "title": title,
        "skipped": False,
        "estimated": estimated,
        "values": values,
    }


def paragraphs_json(request, context):
    query = context["query"]
    return {
        "schema": JSON_SCHEMA,
        "url": request.get_full_path(),
        "q": context["q"],
        "query": query.text,
        "filters": {
            key: context["state"].values(key) for key in KEYS[1:] if context["state"].values(key)
        },
        "total": {
            "count": context["total"],
            "capped": context["total_capped"],
            "estimated": context["total_estimated"],
        },
        "sample_step": context["sample_step"],
        "page": {
            "size": PAGE_SIZE,
            "offset": context["first_number"] - 1,
            "count": len(context["results"]),
            "next_url": context["next_url"],
            "previous_url": context["previous_url"],
        },
        "results": [
            {
                "reference_id": row["cable"].reference_id,
                "cable_url": row["cable"].get_absolute_url(),
                "url": row["url"],
                "created": iso(row["cable"].created),
                "subject": row["cable"].subject,
                "classification": row["cable"].classification,
                "anchor": row["paragraph"].anchor,
                "number": row["paragraph"].number,
                "marking": row["paragraph"].marking,
                "level": row["paragraph"].level,
                "snippet_html": str(row["snippet"]),
            }
            for row in context["results"]
        ],
        "facets": {
            item["name"]: None
            if item["skipped"]
            else [
                {"value": v["value"], "count": v["count"], "chosen": v["chosen"], "url": v["url"]}
                for v in item["values"]
            ]
            for item in context["facets"]
        },
        "notices": context["notices"],
    }


def error_response(request, state, errors, output, context=None):
    if output == "json":
        return JsonResponse({"schema": JSON_SCHEMA, "errors": errors}, status=400)
    context = dict(context or {"state": state, "q": request.GET.get("q", ""), "notices": []})
    context["errors"] = errors
    return render(request, "cables/paragraphs.html", context, status=400)
