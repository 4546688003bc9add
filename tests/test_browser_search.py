"""Browser: search paragraphs for a phrase, open a result, land on the cable at that paragraph."""

import re

import pytest

from cables.importing.run import import_paths
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_phrase_leads_to_its_paragraph(page):
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    page.goto("/paragraphs/")
    box = page.locator("#paragraphs-q")
    box.fill('"Safar Abiyev"')
    box.press("Enter")
    page.wait_for_url(re.compile(r"/paragraphs/\?q=%22Safar\+Abiyev%22"))
    results = page.locator(".paragraph-result")
    assert results.count() >= 1
    first = results.first
    assert "06BAKU641" in first.inner_text()
    assert " ".join(first.locator("mark").first.inner_text().lower().split()) == "safar abiyev"
    heading = page.locator("#total").inner_text()
    assert 'say "Safar Abiyev"' in heading and "“" not in heading
    link = first.locator("a.result-link")
    href = link.get_attribute("href")
    anchor = href.rsplit("#", 1)[1]
    link.click()
    page.wait_for_url(re.compile(r"/cables/06BAKU641/\?highlight="))
    assert page.url.endswith(f"?highlight=%22Safar+Abiyev%22#{anchor}")
    paragraph = page.locator(f"#{anchor}")
    assert paragraph.count() == 1
    assert "Safar Abiyev" in " ".join(paragraph.inner_text().split())
    # The words searched for are marked on the cable page, inside the link to their entity.
    marked = paragraph.locator("a.mention mark")
    assert marked.count() >= 1
    assert " ".join(marked.first.inner_text().split()) == "Safar Abiyev"
    assert marked.first.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_the_search_stays_in_the_url_and_bad_input_is_explained(page):
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    page.goto("/paragraphs/?q=-iran")
    assert "only says what to leave out" in page.locator(".error-box").inner_text()
    assert page.locator("#paragraphs-q").input_value() == "-iran"
