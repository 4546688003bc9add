"""Site-wide pages: home, the TAGS glossary, origins, error pages."""

from urllib.parse import urlencode

from django.db.models import Count, Max, Min
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cables.facets import count_list
from cables.filtering import parse_list_query
from cables.models import Cable, Tag
from cables.views.listing import with_tags

TAG_SORTS = {"count": ["-cable_count", "code"], "code": ["code"], "kind": ["kind", "code"]}
ORIGIN_SORTS = {"count": ["-count", "origin"], "code": ["origin"], "name": ["name", "origin"]}


def list_query(**filters):
    """A ListQuery for the cable list with these filters, for summaries on other pages."""
    data = QueryDict(mutable=True)
    for key, value in filters.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    query, errors = parse_list_query(data, reverse("cables:list"))
    if errors:
        raise Http404(" ".join(errors))
    return query


def home(request):
    query = list_query()
    counts = count_list(query, names=("classification", "tag", "origin", "year"))
    dates = Cable.objects.aggregate(first=Min("created"), last=Max("created"))
    facets = {facet.name: facet for facet in counts.facets}
    context = {
        "cable_count": counts.total.count,
        "total": counts.total,
        "first_date": dates["first"],
        "last_date": dates["last"],
        "classifications": facets["classification"],
        "top_tags": facets["tag"],
        "top_origins": facets["origin"],
        "timeline": counts.timeline,
        "notices": counts.notices,
        "latest": with_tags(Cable.objects.order_by("-created", "reference_id"))[:10],
    }
    return render(request, "cables/home.html", context)


def tags_glossary(request):
    kind = request.GET.get("kind", "")
    sort = request.GET.get("sort", "count")
    kinds = dict(
        Tag.objects.values("kind").annotate(n=Count("id")).order_by().values_list("kind", "n")
    )
    errors = []
    if kind and kind not in kinds:
        errors.append(f"kind: “{kind[:40]}” is not a kind of tag; use {', '.join(sorted(kinds))}.")
    if sort not in TAG_SORTS:
        errors.append(f"sort: “{sort[:40]}” is not a sort order; use {', '.join(TAG_SORTS)}.")
    if errors:
        return render(request, "cables/list_error.html", {"messages": errors}, status=400)
    tags = Tag.objects.order_by(*TAG_SORTS[sort])
    if kind:
        tags = tags.filter(kind=kind)
    labels = dict(Tag.Kind.choices)
    context = {
        "tags": tags,
        "kind": kind,
        "sort": sort,
        "kinds": [
            {"kind": name, "label": labels.get(name, name.capitalize()), "count": count}
            for name, count in sorted(kinds.items())
        ],
        "tag_count": sum(kinds.values()),
        "sorts": [("count", "Most cables"), ("code", "Code"), ("kind", "Kind")],
    }
    return render(request, "cables/tags.html", context)


def tag_detail(request, code):
    tag = get_object_or_404(Tag, code=code)
    query = list_query(tag=tag.code) if tag.cable_count else None
    counts = count_list(query, names=("tag", "origin", "year"), total=False) if query else None
    context = {
        "tag": tag,
        "list_url": reverse("cables:list") + "?" + urlencode({"tag": tag.code}),
        "facets": {facet.name: facet for facet in counts.facets} if counts else {},
        "timeline": counts.timeline if counts else None,
    }
    return render(request, "cables/tag.html", context)


def origins(request):
    sort = request.GET.get("sort", "count")
    if sort not in ORIGIN_SORTS:
        message = f"sort: “{sort[:40]}” is not a sort order; use {', '.join(ORIGIN_SORTS)}."
        return render(request, "cables/list_error.html", {"messages": [message]}, status=400)
    rows = (
        Cable.objects.values("origin")
        .annotate(count=Count("id"), name=Max("origin_name"), first=Min("year"), last=Max("year"))
        .order_by(*ORIGIN_SORTS[sort])
    )
    context = {
        "origins": rows,
        "sort": sort,
        "sorts": [("count", "Most cables"), ("code", "Code"), ("name", "Name")],
        "list_url": reverse("cables:list"),
    }
    return render(request, "cables/origins.html", context)


def origin_detail(request, code):
    summary = Cable.objects.filter(origin=code).aggregate(
        count=Count("id"), name=Max("origin_name"), first=Min("created"), last=Max("created")
    )
    if not summary["count"]:
        raise Http404(f"No cable in this archive comes from {code}.")
    query = list_query(origin=code)
    counts = count_list(query, names=("tag", "classification"), total=False)
    context = {
        "code": code,
        "summary": summary,
        "list_url": reverse("cables:list") + "?" + urlencode({"origin": code}),
        "facets": {facet.name: facet for facet in counts.facets},
        "timeline": counts.timeline,
    }
    return render(request, "cables/origin.html", context)


def not_found(request, exception=None):
    message = str(exception) if isinstance(exception, Http404) and exception.args else ""
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request):
    return render(request, "500.html", status=500)
