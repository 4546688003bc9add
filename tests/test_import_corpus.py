"""The 1,000 real WikiLeaks pages and the cables.csv sample import faithfully."""

import io
import json
import tarfile

import pytest

from cables.importing.run import import_paths
from cables.models import Cable, Paragraph, Reference, Tag
from tests.conftest import CORPUS_ARCHIVE, CORPUS_DIR

pytestmark = pytest.mark.django_db


def page_tables():
    """Reference ID → (created date and hour, classification, origin) from each page's table."""
    import re

    row = re.compile(
        r"<a href='/cable/[^']+'>(?P<id>[^<]+)</a>.*?"
        r"<a href='/date/[^']+'>(?P<created>\d{4}-\d\d-\d\d \d\d):\d\d</a>.*?"
        r"<a href='/classification/[^']+'[^>]*>(?P<label>[^<]+)</a>.*?"
        r"<a href='/origin/[^']+'>(?P<origin>[^<]+)</a>",
        re.S,
    )
    tables = {}
    with tarfile.open(CORPUS_ARCHIVE) as archive:
        for member in archive:
            if member.isfile():
                page = archive.extractfile(member).read().decode("utf-8")
                match = row.search(page, page.index("<th>Reference ID</th>"))
                tables[match["id"]] = (match["created"], match["label"], match["origin"])
    return tables


def test_every_page_imports_and_matches_its_table(corpus):
    tables = page_tables()
    assert len(tables) == 1000
    cables = {
        c.reference_id: c
        for c in Cable.objects.only("reference_id", "created", "label", "origin_name")
    }
    assert set(cables) == set(tables)
    for reference_id, (created, label, origin) in tables.items():
        cable = cables[reference_id]
        assert cable.created.strftime("%Y-%m-%d %H") == created, reference_id
        assert cable.label == label, reference_id
        assert cable.origin_name == origin, reference_id


def test_every_cable_has_paragraphs_and_tags_have_kinds(corpus):
    assert not Cable.objects.exclude(pk__in=Paragraph.objects.values("cable_id")).exists()
    assert Tag.objects.filter(cable_count__gt=0).count() > 100
    assert not Tag.objects.filter(kind="").exists()
    aj = Tag.objects.get(code="PREL")
    assert aj.meaning and aj.cable_count == Cable.objects.tagged_with_all(["PREL"]).count()


def test_partial_extracts_are_marked(corpus):
    flagged = set(Cable.objects.filter(partial_extract=True).values_list("reference_id", flat=True))
    said = set()
    with tarfile.open(CORPUS_ARCHIVE) as archive:
        for member in archive:
            if member.isfile():
                page = archive.extractfile(member).read().decode("utf-8")
                if "This record is a partial extract of the original cable" in page:
                    said.add(member.name.rsplit("/", 1)[-1].removesuffix(".html"))
    assert len(said) > 150  # about a sixth of the sample; some pages say it twice
    assert flagged == said


def test_references_between_corpus_cables_resolve(corpus):
    resolved = Reference.objects.filter(target__isnull=False)
    for reference in resolved.select_related("target")[:200]:
        assert reference.target.reference_id == reference.target_reference_id
    dangling = Reference.objects.filter(target__isnull=True).exclude(target_reference_id="")
    in_archive = set(Cable.objects.values_list("reference_id", flat=True))
    assert not in_archive & set(dangling.values_list("target_reference_id", flat=True))


def test_reimporting_the_corpus_changes_nothing(corpus):
    before = Cable.objects.order_by("pk").values_list("pk", "content_hash", "updated_at")
    before = list(before)
    summary = import_paths([CORPUS_ARCHIVE], workers=2, quiet=True)
    assert summary.counts["unchanged"] == 1000
    assert summary.counts["imported"] == summary.counts["updated"] == 0
    after = list(Cable.objects.order_by("pk").values_list("pk", "content_hash", "updated_at"))
    assert after == before


def test_csv_sample_rows_import_with_header_and_body_intact():
    report = io.StringIO()
    summary = import_paths([CORPUS_DIR / "cables-sample.csv"], workers=1, quiet=True, report=report)
    assert summary.counts["rejected"] == 0, summary.rejected
    assert summary.total == 2
    ids = [json.loads(line)["reference_id"] for line in report.getvalue().splitlines()]
    assert ids == ["66BUENOSAIRES2481", "72TEHRAN1164"]
    raw = (CORPUS_DIR / "cables-sample.csv").read_text(encoding="utf-8")
    for cable in Cable.objects.filter(reference_id__in=ids):
        assert cable.source.endswith(("cables-sample.csv:row 1", "cables-sample.csv:row 2"))
        assert cable.header.strip() and cable.body.strip()
        assert cable.paragraphs.exists()
        # Every line of the stored text is in the file once MySQL's escapes are applied again.
        for line in (cable.header + "\n" + cable.body).splitlines():
            escaped = line.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")
            assert escaped in raw or line in raw, line
    tehran = Cable.objects.get(reference_id="72TEHRAN1164")
    assert tehran.created.strftime("%Y-%m-%d") == "1972-02-28" or tehran.year == 1972
