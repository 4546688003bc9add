"""The cable list."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render

from cables.models import Cable

PAGE_SIZE = 50


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
