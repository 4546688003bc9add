"""The seed documents import to exactly the four Baku cables; the article is rejected."""

import io
import json

import pytest

from cables.importing.run import import_paths
from cables.models import Cable, Reference
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db

EXPECTED = {
    "06BAKU641": ("CONFIDENTIAL", "PREL PGOV PINR ECON EPET AJ IR", "1:U 2:C", [], "HYLAND", 8),
    "08BAKU164": ("CONFIDENTIAL", "PBTS PGOV PREL IR AJ", "1:C 2:C 3:C 4:C", [], "DERSE", 4),
    "08BAKU64": (
        "SECRET",
        "PREL MARR MOPS IZ AJ",
        "1:S 2:S 3:S 4:S 5:S",
        ["08STATE4865"],
        "DERSE",
        6,
    ),
    "07BAKU1160": (
        "CONFIDENTIAL",
        "PREL PGOV AJ",
        "1:C 2:C 3:C",
        ["07STATE126089", "07BAKU1141"],
        "LU",
        4,
    ),
}


@pytest.fixture
def seeds():
    report = io.StringIO()
    summary = import_paths([SEEDS_DIR], workers=1, report=report, quiet=True)
    return summary, [json.loads(line) for line in report.getvalue().splitlines()]


def test_four_cables_and_one_rejected_article(seeds):
    summary, lines = seeds
    assert summary.counts["imported"] == 4
    assert summary.counts["rejected"] == 1
    (rejected,) = [line for line in lines if line["outcome"] == "rejected"]
    assert rejected["source"].endswith("004_845132c19b5e95d8.txt")
    assert "not a cable" in rejected["reason"]
    assert "\n" not in rejected["reason"]


@pytest.mark.parametrize("reference_id", sorted(EXPECTED))
def test_each_seed_cable_is_exactly_as_printed(seeds, reference_id):
    classification, tags, paragraphs, references, signer, info_count = EXPECTED[reference_id]
    cable = Cable.objects.get(reference_id=reference_id)
    assert cable.classification == classification
    assert cable.origin == "BAKU"
    assert cable.origin_name.lower() == "embassy baku"
    assert " ".join(cable.tags.order_by("cable_tags__position").values_list("code", flat=True)) == (
        tags
    )
    marked = " ".join(f"{p.number}:{p.level}" for p in cable.paragraphs.order_by("position"))
    assert marked == paragraphs
    targets = list(cable.references.values_list("target_reference_id", flat=True))
    assert targets == references
    assert cable.signer == signer
    assert "SIPDIS" in cable.caveats.values_list("code", flat=True)
    kinds = [recipient["kind"] for recipient in cable.recipients]
    assert kinds.count("to") == 1 and kinds.count("info") == info_count
    assert cable.classification_reasons.replace(" ", "") == "1.4(b)and(d)"


def test_created_dates_and_declassification(seeds):
    created = dict(Cable.objects.values_list("reference_id", "created"))
    assert created["06BAKU641"].strftime("%Y-%m-%d %H:%M") == "2006-04-27 02:23"
    assert created["08BAKU164"].strftime("%Y-%m-%d %H:%M") == "2008-02-22 14:03"
    assert created["08BAKU64"].strftime("%Y-%m-%d %H:%M") == "2008-01-25 07:19"
    assert created["07BAKU1160"].strftime("%Y-%m-%d %H:%M") == "2007-09-20 08:58"
    assert str(Cable.objects.get(reference_id="06BAKU641").declassify_on) == "2016-04-26"
    assert Cable.objects.get(reference_id="08BAKU64").declassify_on is None


def test_paragraph_text_and_anchors(seeds):
    cable = Cable.objects.get(reference_id="08BAKU64")
    fourth = cable.paragraphs.get(anchor="p4")
    assert fourth.text.startswith("Turning to the political and legal conditions")
    assert fourth.marking == "(S)"
    assert [p.anchor for p in cable.paragraphs.order_by("position")] == [
        "p1",
        "p2",
        "p3",
        "p4",
        "p5",
    ]


def test_references_resolve_within_the_archive(seeds):
    reference = Reference.objects.get(target_reference_id="07BAKU1141")
    assert reference.from_cable.reference_id == "07BAKU1160"
    assert reference.target is None  # 07BAKU1141 is not among the seeds
