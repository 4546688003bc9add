"""Browser: choose facets, go back, download the CSV; and a screenshot of the list page."""

import csv
import io
import re
import tarfile

import pytest
from django.core.management import call_command

from cables.importing.run import import_paths
from cables.models import Cable, CableTag
from tests.conftest import CORPUS_ARCHIVE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_archive(tmp_path):
    """The first 80 real cable pages of the corpus, imported into an empty archive."""
    # The session's corpus may still be in the database: transactional tests flush after.
    call_command("flush", interactive=False, verbosity=0)
    small = tmp_path / "cables-80.tar"
    with tarfile.open(CORPUS_ARCHIVE, "r|gz") as source, tarfile.open(small, "w") as target:
        taken = 0
        for member in source:
            if member.isfile() and member.name.endswith(".html"):
                target.addfile(member, source.extractfile(member))
                taken += 1
                if taken == 80:
                    break
    summary = import_paths([small], workers=1, quiet=True)
    assert summary.cables == 80
    return small


def shown_total(page):
    return int(re.sub(r"\D", "", page.locator("#total strong").inner_text()))


def test_choose_tag_then_classification_back_and_csv(page, small_archive, tmp_path):
    page.goto("/cables/")
    assert shown_total(page) == 80

    page.locator("#facet-tag + ul a", has_text="PREL").first.click()
    page.wait_for_url(re.compile(r"tag=PREL"))
    with_tag = shown_total(page)
    prel = CableTag.objects.filter(tag__code="PREL").count()
    assert with_tag == prel < 80

    classification = page.locator("#facet-classification + ul li:not(.chosen) a").first
    expected = int(
        re.sub(r"\D", "", classification.locator("xpath=../span[@class='count']").inner_text())
    )
    classification.click()
    page.wait_for_url(re.compile(r"classification="))
    assert "tag=PREL" in page.url and "classification=" in page.url
    assert shown_total(page) == expected < with_tag
    chosen = page.locator(".chosen-filters li")
    assert chosen.count() == 2

    page.go_back()
    page.wait_for_url(re.compile(r"tag=PREL$"))
    assert shown_total(page) == with_tag
    page.go_forward()
    page.wait_for_url(re.compile(r"classification="))
    assert shown_total(page) == expected

    with page.expect_download() as download_info:
        page.locator("#csv-link").click()
    download = download_info.value
    path = tmp_path / "cables.csv"
    download.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == expected
    level = page.url.split("classification=")[1].split("&")[0].replace("+", " ")
    assert all("PREL" in row["tags"].split() for row in rows)
    assert {row["reference_id"] for row in rows} <= set(
        Cable.objects.values_list("reference_id", flat=True)
    )
    assert all(level.replace("%2F", "/") in (row["classification"], row["label"]) for row in rows)


def test_list_page_screenshot(page, small_archive):
    page.goto("/cables/?tag=PGOV")
    page.screenshot(path="/tmp/cable-list-facets.png")
    page.screenshot(path="/tmp/cable-list-facets-full.png", full_page=True)
    page.set_viewport_size({"width": 420, "height": 900})
    page.screenshot(path="/tmp/cable-list-facets-narrow.png", full_page=False)
    assert page.locator(".facet").count() >= 6
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    page.screenshot(path="/tmp/cable-home.png")
