"""Function views. They read; they never parse."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Max, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .models import Cable, Entity, Paragraph, Tag

PAGE_SIZE = 50


def home(request):
    dates = Cable.objects.aggregate(first=Min("created"), last=Max("created"))
    classifications = (
        Cable.objects.values("label").annotate(count=Count("id")).order_by("-count", "label")
    )
    context = {
        "cable_count": Cable.objects.count(),
        "first_date": dates["first"],
        "last_date": dates["last"],
        "classifications": classifications,
        "top_tags": Tag.objects.filter(cable_count__gt=0).order_by("-cable_count", "code")[:15],
        "top_origins": (
            Cable.objects.values("origin", "origin_name")
            .annotate(count=Count("id"))
            .order_by("-count", "origin")[:15]
        ),
        "latest": Cable.objects.only(
            "reference_id", "created", "subject", "origin_name", "label", "classification"
        )[:10],
    }
    return render(request, "cables/home.html", context)


def cable_list(request):
    cables = Cable.objects.only(
        "reference_id", "created", "subject", "origin_name", "label", "classification"
    )
    paginator = Paginator(cables, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        return render(
            request,
            "cables/bad_request.html",
            {"message": "That page number does not exist in this list."},
            status=400,
        )
    return render(request, "cables/list.html", {"page": page, "cables": page.object_list})


def find_cable_or_redirect(reference_id):
    """The cable with this ID, or a redirect to its canonical spelling, or a 404."""
    cable = Cable.objects.filter(reference_id=reference_id).first()
    if cable is not None:
        return cable, None
    canonical = reference_id.upper()
    if canonical != reference_id and Cable.objects.filter(reference_id=canonical).exists():
        return None, canonical
    raise Http404(f"No cable {reference_id} in this archive.")


def cable_detail(request, reference_id):
    cable, canonical = find_cable_or_redirect(reference_id)
    if canonical:
        return redirect("cables:detail", canonical, permanent=True)
    context = {
        "cable": cable,
        "paragraphs": cable.paragraphs.all(),
        "tags": cable.tags.order_by("cable_tags__position"),
        "caveats": cable.caveats.all(),
        "references": cable.references.select_related("target").only(
            "label", "printed", "target_reference_id", "target__reference_id", "from_cable_id"
        ),
        "referenced_by": cable.referenced_by.select_related("from_cable").only(
            "from_cable__reference_id", "from_cable__subject", "target_id"
        ),
    }
    return render(request, "cables/detail.html", context)


def paragraph_detail(request, reference_id, number):
    cable, canonical = find_cable_or_redirect(reference_id)
    if canonical:
        return redirect("cables:paragraph", canonical, number, permanent=True)
    paragraph = get_object_or_404(Paragraph, cable=cable, anchor=f"p{number}")
    return render(request, "cables/paragraph.html", {"cable": cable, "paragraph": paragraph})


def tag_detail(request, code):
    tag = get_object_or_404(Tag, code=code)
    return render(request, "cables/tag.html", {"tag": tag})


def entity_detail(request, slug):
    entity = get_object_or_404(Entity, slug=slug)
    return render(request, "cables/entity.html", {"entity": entity})


def not_found(request, exception=None):
    message = str(exception) if isinstance(exception, Http404) and exception.args else ""
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request):
    return render(request, "500.html", status=500)
