"""Site-wide pages: home, tag and entity pages, error pages."""

from django.db.models import Count, Max, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from cables.models import Cable, Entity, Tag


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
