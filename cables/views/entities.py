"""People, organisations and places: /entities/ to browse and find, /entities/<slug>/ for one.

Both answer `format=json` (schemas in docs/entities.md). The entity page's related entities,
TAGS and timeline are the cable list's own facets for `?entity=<slug>` (cables.facets).
"""

from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import Upper
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cables.entities import organization_key, person_key, place_key, surname_of
from cables.facets import count_list, timeline_json, within_budget
from cables.models import (
    Cable,
    Entity,
    EntityAlias,
    EntityKey,
    Mention,
    PortionLevel,
    alias_texts,
)
from cables.views.cable import display_edits, linked_html, printable
from cables.views.common import iso
from cables.views.pages import list_query

LIST_SCHEMA = "cable-archive/entities/1"
ENTITY_SCHEMA = "cable-archive/entity/1"
FORMATS = ("html", "json")
PAGE_SIZE = 50
CABLES_PER_PAGE = 20
MAX_PAGE = 200
MAX_QUERY = 100
FOUND_LIMIT = 100
EXCERPT = 600  # characters of a long paragraph shown around the first mention
MARKINGS = [level.value for level in PortionLevel if level.value]
KIND_LABELS = dict(Entity.Kind.choices)


def bad_request(request, output, messages):
    if output == "json":
        return JsonResponse({"errors": messages}, status=400)
    return render(request, "cables/list_error.html", {"messages": messages}, status=400)


def page_number(text):
    text = (text or "1").strip() or "1"
    if text.isascii() and text.isdigit() and 1 <= int(text[:6]) <= MAX_PAGE:
        return int(text)
    return None


def common_errors(request):
    """(output, page, errors) from the query string keys both pages share."""
    errors = []
    output = (request.GET.get("format") or "html").strip().lower()
    if output not in FORMATS:
        errors.append(f"format: “{printable(output, 20)}” is not a format; use html or json.")
        output = "html"
    page = page_number(request.GET.get("page"))
    if page is None:
        errors.append(
            f"page: “{printable(request.GET.get('page', ''), 20)}” is not a page (1 to {MAX_PAGE})."
        )
    return output, page, errors


def link(path, pairs):
    pairs = [(key, value) for key, value in pairs if value not in (None, "")]
    return path + ("?" + urlencode(pairs) if pairs else "")


# --- /entities/ ---------------------------------------------------------------------------------


def find_by_name(text, entities):
    """Entities whose name starts with `text` (any case), that the cables write as `text`
    ("IRGC", "CFK", "Hizballah"), whose merge key is the key of `text` ("Mostafa Najjar" finds
    Mustafa Najjar), or, for one word, the people with that surname ("Kirchner" finds
    Cristina Fernandez de Kirchner and Nestor Kirchner): scans of four indexes, no full
    scan."""
    upper = text.upper()
    names = entities.annotate(upper_name=Upper("name"))
    if ord(upper[-1]) < 0x10FFFF:
        bound = upper[:-1] + chr(ord(upper[-1]) + 1)
        names = names.filter(upper_name__gte=upper, upper_name__lt=bound)
    else:
        names = names.filter(upper_name=upper)
    by_name = list(
        names.filter(upper_name__startswith=upper).order_by("-cable_count", "name")[:FOUND_LIMIT]
    )

    def most_named(rows):
        """The entities these rows point to, most cables first: one query per look-up, each on
        its own index (an OR of the look-ups could read the whole entity table instead)."""
        ids = rows.values("entity_id")
        return entities.filter(pk__in=ids).order_by("-cable_count", "name")[:FOUND_LIMIT]

    keys = {person_key(text), organization_key(text), place_key(text)}
    lookups = [
        EntityKey.objects.filter(key__in=keys),
        EntityAlias.objects.filter(text__in=alias_texts([text])),
    ]
    surname = surname_of(person_key(text)) if len(text.split()) == 1 else ""
    if surname:
        # the condition of the surname index, written as it is, so that both databases use it
        lookups.append(EntityKey.objects.exclude(surname="").filter(surname=surname))
    found = {entity.pk: entity for rows in lookups for entity in most_named(rows)}
    found.update((entity.pk, entity) for entity in by_name)
    return sorted(found.values(), key=lambda e: (-e.cable_count, e.name))[:FOUND_LIMIT]


def entity_list(request):
    output, page, errors = common_errors(request)
    kind = (request.GET.get("kind") or "").strip().lower()
    text = " ".join((request.GET.get("q") or "").split())
    if kind and kind not in KIND_LABELS:
        errors.append(f"kind: “{printable(kind, 20)}” is not a kind; use {', '.join(KIND_LABELS)}.")
    if len(text) > MAX_QUERY or any(ord(c) < 32 or 0xD800 <= ord(c) < 0xE000 for c in text):
        errors.append(f"q: type a name of at most {MAX_QUERY} characters.")
    if errors:
        return bad_request(request, output, errors)

    listed = Entity.objects.listed()
    counts = dict(listed.values("kind").annotate(n=Count("pk")).order_by().values_list("kind", "n"))
    entities = listed.filter(kind=kind) if kind else listed
    path = reverse("cables:entities")
    state = [("kind", kind), ("q", text)]
    json_suffix = [("format", "json")] if output == "json" else []
    next_url = previous_url = None
    if text:
        rows = find_by_name(text, entities)
        offset = 0
    else:
        offset = (page - 1) * PAGE_SIZE
        rows = list(entities.order_by("-cable_count", "name")[offset : offset + PAGE_SIZE + 1])
        if len(rows) > PAGE_SIZE and page < MAX_PAGE:
            next_url = link(path, [*state, ("page", page + 1), *json_suffix])
        if page > 1:
            previous_url = link(path, [*state, ("page", page - 1), *json_suffix])
        rows = rows[:PAGE_SIZE]
    kinds = [
        {
            "kind": value,
            "label": label,
            "count": counts.get(value, 0),
            "url": link(path, [("kind", value), ("q", text), *json_suffix]),
            "current": value == kind,
        }
        for value, label in Entity.Kind.choices
    ]
    if output == "json":
        return JsonResponse(
            {
                "schema": LIST_SCHEMA,
                "url": request.get_full_path(),
                "kind": kind or None,
                "q": text or None,
                "kinds": [{k: item[k] for k in ("kind", "count", "url")} for item in kinds],
                "page": {
                    "size": PAGE_SIZE,
                    "offset": offset,
                    "count": len(rows),
                    "next_url": next_url,
                    "previous_url": previous_url,
                },
                "results": [entity_summary_json(entity) for entity in rows],
            },
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
    context = {
        "entities": rows,
        "kinds": kinds,
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, ""),
        "q": text,
        "all_url": link(path, [("q", text)]),
        "total": sum(counts.values()),
        "first_number": offset + 1,
        "next_url": next_url,
        "previous_url": previous_url,
        "json_url": link(path, [*state, ("page", page if page > 1 else None), ("format", "json")]),
    }
    return render(request, "cables/entities.html", context)


def entity_summary_json(entity):
    return {
        "slug": entity.slug,
        "name": entity.name,
        "kind": entity.kind,
        "aliases": entity.aliases,
        "cable_count": entity.cable_count,
        "mention_count": entity.mention_count,
        "url": entity.get_absolute_url(),
    }


# --- /entities/<slug>/ --------------------------------------------------------------------------


def entity_detail(request, slug):
    entity = get_object_or_404(Entity.objects.select_related("merged_into"), slug=slug)
    if entity.merged_into_id:
        target = entity.merged_into
        while target.merged_into_id and target.merged_into_id != entity.pk:
            target = target.merged_into
        query = request.GET.urlencode()
        return redirect(target.get_absolute_url() + (f"?{query}" if query else ""), permanent=False)
    output, page, errors = common_errors(request)
    marking = (request.GET.get("marking") or "").strip().upper()
    if marking and marking not in MARKINGS:
        errors.append(
            f"marking: “{printable(marking, 20)}” is not a portion marking; "
            f"use {', '.join(MARKINGS)}."
        )
    if errors:
        return bad_request(request, output, errors)

    mentions = Mention.objects.filter(entity=entity)
    if marking:
        mentions = mentions.filter(paragraph__level=marking)
    cables = Cable.objects.with_ids_in(mentions.values("cable_id"))
    total = within_budget(lambda: cables.count()) if marking else entity.cable_count
    offset = (page - 1) * CABLES_PER_PAGE
    walked = Cable.objects.walking()
    if marking:
        walked = walked.with_ids_in(mentions.values("cable_id"))
    else:
        walked = walked.mentioning_all([entity.pk], {entity.pk: entity.cable_count})
    page_cables = list(
        walked.order_by("-created", "reference_id").only(
            "reference_id", "created", "subject", "classification", "label", "origin_name"
        )[offset : offset + CABLES_PER_PAGE + 1]
    )
    has_next = len(page_cables) > CABLES_PER_PAGE and page < MAX_PAGE
    page_cables = page_cables[:CABLES_PER_PAGE]
    attach_paragraphs(entity, page_cables, mentions)

    path = entity.get_absolute_url()
    state = [("marking", marking)]
    json_suffix = [("format", "json")] if output == "json" else []
    next_url = link(path, [*state, ("page", page + 1), *json_suffix]) if has_next else None
    previous_url = (
        link(path, [*state, ("page", page - 1 if page > 2 else None), *json_suffix])
        if page > 1
        else None
    )
    query = list_query(entity=entity.slug)
    counts = count_list(query, names=("entity", "tag"), total=False)
    facets = {facet.name: facet for facet in counts.facets}
    list_url = reverse("cables:list") + "?" + urlencode({"entity": entity.slug})
    tags = list(entity.tags.order_by("code").values_list("code", "meaning"))
    if output == "json":
        return JsonResponse(
            {
                "schema": ENTITY_SCHEMA,
                "url": request.get_full_path(),
                **entity_summary_json(entity),
                "tags": [{"code": code, "meaning": meaning} for code, meaning in tags],
                "list_url": list_url,
                "marking": marking or None,
                "cables": {
                    "total": total,
                    "page": {
                        "size": CABLES_PER_PAGE,
                        "offset": offset,
                        "count": len(page_cables),
                        "next_url": next_url,
                        "previous_url": previous_url,
                    },
                    "results": [cable_json(cable) for cable in page_cables],
                },
                "related": {
                    name: None
                    if facets[name].skipped
                    else [
                        {
                            "value": value["value"],
                            "label": value["label"],
                            "count": value["count"],
                            "url": value["toggle_url"],
                        }
                        for value in facets[name].shown
                    ]
                    for name in ("entity", "tag")
                },
                "timeline": timeline_json(counts.timeline),
                "notices": counts.notices,
            },
            json_dumps_params={"ensure_ascii": False, "indent": 1},
        )
    context = {
        "entity": entity,
        "kind_label": KIND_LABELS.get(entity.kind, entity.kind),
        "aliases": entity.other_names,
        "tags": tags,
        "cables": page_cables,
        "total": total,
        "marking": marking,
        "markings": [
            {
                "level": level,
                "url": link(path, [("marking", None if level == marking else level)]),
                "current": level == marking,
            }
            for level in MARKINGS
        ],
        "first_number": offset + 1,
        "next_url": next_url,
        "previous_url": previous_url,
        "list_url": list_url,
        "related_entities": facets["entity"],
        "related_tags": facets["tag"],
        "timeline": counts.timeline,
        "notices": counts.notices,
        "json_url": link(path, [*state, ("page", page if page > 1 else None), ("format", "json")]),
    }
    return render(request, "cables/entity.html", context)


def attach_paragraphs(entity, cables, mentions):
    """Each cable's paragraphs naming the entity, with the mentions marked, in one query."""
    by_id = {cable.pk: cable for cable in cables}
    for cable in cables:
        cable.found = []
    rows = (
        mentions.filter(cable_id__in=list(by_id))
        .select_related("paragraph")
        .only(
            "start",
            "end",
            "cable_id",
            "paragraph__position",
            "paragraph__number",
            "paragraph__anchor",
            "paragraph__marking",
            "paragraph__level",
            "paragraph__text",
        )
        .order_by("cable_id", "paragraph__position", "start")
    )
    paragraphs = {}
    for mention in rows:
        paragraph = mention.paragraph
        if paragraph.pk not in paragraphs:
            paragraph.spans = []
            paragraphs[paragraph.pk] = paragraph
            by_id[mention.cable_id].found.append(paragraph)
        paragraphs[paragraph.pk].spans.append((mention.start, mention.end))
    for cable in cables:
        for paragraph in cable.found:
            decorate(cable, paragraph)


def decorate(cable, paragraph):
    text = paragraph.text
    paragraph.url = f"{cable.get_absolute_url()}#{paragraph.anchor}"
    paragraph.label = f"¶{paragraph.number}" if paragraph.number else "Unnumbered paragraph"
    edits, _ = display_edits(text)
    start, end = 0, len(text)
    if len(text) > EXCERPT:
        first = paragraph.spans[0][0]
        start = max(0, min(first - EXCERPT // 3, len(text) - EXCERPT))
        end = start + EXCERPT
        # Whole words at both ends.
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
    spans = [(s, e, "<mark>", "</mark>") for s, e in paragraph.spans if start <= s and e <= end]
    paragraph.excerpt = linked_html(text, edits, spans, start, end)
    paragraph.cut_before, paragraph.cut_after = start > 0, end < len(text)


def cable_json(cable):
    return {
        "reference_id": cable.reference_id,
        "url": cable.get_absolute_url(),
        "created": iso(cable.created),
        "subject": cable.subject,
        "classification": cable.classification,
        "label": cable.label,
        "paragraphs": [
            {
                "number": paragraph.number,
                "anchor": paragraph.anchor,
                "marking": paragraph.marking,
                "level": paragraph.level,
                "url": paragraph.url,
                "mentions": [
                    {"start": s, "end": e, "text": paragraph.text[s:e]} for s, e in paragraph.spans
                ],
            }
            for paragraph in cable.found
        ],
    }
