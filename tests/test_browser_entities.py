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
