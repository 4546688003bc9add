"""generate_corpus: deterministic, the right size and mix, and every cable imports consistently."""

import hashlib
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F

from cables.benchmarking.generator import RELEASE_LABELS, generate_corpus
from cables.importing.readers import read_documents
from cables.importing.run import import_paths
from cables.models import Cable, Reference
from cables.parsing import parse_cable
from tests.conftest import CORPUS_DIR

SIZE = 300
RELEASE_IDS = set((CORPUS_DIR / "cable-ids.txt").read_text().split())
TABLE_ROW = re.compile(
    r"<a href='/cable/[^']+'>(?P<id>[^<]+)</a>.*?"
    r"<a href='/date/[^']+'>(?P<created>\d{4}-\d\d-\d\d \d\d):\d\d</a>.*?"
    r"<a href='/classification/[^']+'[^>]*>(?P<label>[^<]+)</a>.*?"
    r"<a href='/origin/[^']+'>(?P<origin>[^<]+)</a>",
    re.S,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The same 300 cables as pages, cables.csv and text files (seed 7)."""
    out = tmp_path_factory.mktemp("corpus")
    summary = generate_corpus(out, cables=SIZE, seed=7, formats=("html", "csv", "text"))
    return out, summary


def digest(folder):
    sha = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            sha.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def test_same_seed_same_bytes_other_seed_other_cables(corpus, tmp_path):
    out, _ = corpus
    call_command("generate_corpus", str(tmp_path / "again"), cables=SIZE, seed=7, format="html")
    assert digest(tmp_path / "again") == digest(out / "html")
    call_command("generate_corpus", str(tmp_path / "other"), cables=SIZE, seed=8, format="html")
    assert digest(tmp_path / "other") != digest(out / "html")


def test_requested_number_of_files_and_rows_with_real_ids(corpus):
    out, summary = corpus
    pages = sorted((out / "html" / "cable").rglob("*.html"))
    texts = sorted((out / "text" / "cable").rglob("*.txt"))
    rows = list(read_documents([out / "csv" / "cables.csv"]))
    assert summary.cables == len(pages) == len(texts) == len(rows) == SIZE
    ids = {page.stem for page in pages}
    assert len(ids) == SIZE
    assert ids <= RELEASE_IDS
    assert {text.stem for text in texts} == ids == {row.metadata["reference_id"] for row in rows}
    # Pages sit under the year and month of their creation, as on the WikiLeaks site.
    for page in pages[:20]:
        match = TABLE_ROW.search(page.read_text(encoding="utf-8"))
        assert page.parent.name == match["created"][5:7]
        assert page.parent.parent.name == match["created"][:4]


def page_tables(folder):
    tables = {}
    for page in Path(folder).rglob("*.html"):
        match = TABLE_ROW.search(page.read_text(encoding="utf-8"))
        tables[match["id"]] = (match["created"], match["label"], match["origin"])
    return tables


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["html", "csv"])
def test_imports_without_rejections_and_matches_the_tables(corpus, form):
    out, _ = corpus
    # Only the generated cables count here: the session's real corpus goes, inside this
    # test's rolled-back transaction (the generated IDs are real IDs and may overlap it).
    Cable.objects.all().delete()
    summary = import_paths([out / form], workers=1, quiet=True)
    assert summary.counts["rejected"] == 0, summary.rejected[:5]
    assert summary.counts["imported"] == SIZE

    tables = page_tables(out / "html")
    imported = {
        cable.reference_id: (f"{cable.created:%Y-%m-%d %H}", cable.label, cable.origin_name)
        for cable in Cable.objects.all()
    }
    assert imported == tables


def test_text_agrees_with_the_table(corpus):
    """The parser, reading only the text, finds the ID and date the table gives."""
    out, _ = corpus
    tables = page_tables(out / "html")
    agree = 0
    for document in read_documents([out / "text"]):
        parsed = parse_cable(document.text)
        created, _, _ = tables[parsed.reference_id]
        agree += f"{parsed.created:%Y-%m-%d %H}" == created
    assert agree >= SIZE * 0.98


def test_classification_shares_and_words_per_cable(corpus):
    _, summary = corpus
    levels = {"SECRET": 0, "CONFIDENTIAL": 0, "UNCLASSIFIED": 0}
    for label, count in summary.labels.items():
        levels[label.split("//")[0]] += count
    release = {"SECRET": 15_652, "CONFIDENTIAL": 101_748, "UNCLASSIFIED": 133_887}
    for level, count in levels.items():
        expected = release[level] / 251_287 * SIZE
        assert abs(count - expected) <= 2, (level, count, expected)
    assert set(summary.labels) <= set(RELEASE_LABELS)
    assert 800 <= summary.words_per_cable <= 1300


@pytest.mark.django_db
def test_references_point_at_other_cables_of_the_corpus(corpus):
    out, summary = corpus
    Cable.objects.all().delete()  # as above: the generated corpus alone
    import_paths([out / "html"], workers=1, quiet=True)
    citing = Reference.objects.filter(target__isnull=False).values("from_cable").distinct()
    assert citing.count() >= SIZE * 0.25
    assert summary.with_references >= SIZE * 0.4
    assert not Reference.objects.filter(target_id=F("from_cable_id")).exists()
