"""One cable, and one paragraph of it."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from cables.models import Cable, Paragraph


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
