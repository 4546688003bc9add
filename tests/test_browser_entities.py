"""Browser: from a name in a cable to the entity page that lists every cable naming it."""

import pytest

from cables.importing.run import import_paths
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db(transaction=True)


def test_click_a_name_in_a_cable_to_reach_its_entity(page):
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    page.goto("/cables/08BAKU164/")
    page.locator("#p1 a.mention", has_text="Mostafa Mohammad-Najjar").click()
    page.wait_for_url("**/entities/mustafa-najjar/")
    assert page.locator("h1").inner_text() == "Mustafa Najjar"
    cables = page.locator(".entity-cable h3 a").all_inner_texts()
    assert {"06BAKU641", "08BAKU164"} <= set(cables)
    page.locator(".entity-cable a.paragraph-link").first.click()
    page.wait_for_url("**/cables/*/#p*")


def test_find_an_organisation_by_the_acronym_the_cables_use(page):
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    page.goto("/entities/")
    page.get_by_label("Find by name").fill("irgc")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**/entities/?q=irgc")
    row = page.locator("table tbody tr").first
    assert row.locator("a").first.inner_text() == "Islamic Revolutionary Guard Corps"
    assert "IRGC" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url("**/entities/islamic-revolutionary-guard-corps/")
