"""Browser: the home page loads and its links lead to the cables."""

import pytest

from tests.builders import make_cable

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_and_a_cable_link_navigates(page):
    make_cable(
        "06BAKU641",
        tags=["PREL", "AJ"],
        paragraphs=[
            ("1", "(U)", "U", "Iranian Defense Minister Mustafa Najjar visited Azerbaijan."),
            ("2", "(C)", "C", "According to the Azerbaijani translation of a press interview."),
        ],
    )
    page.goto("/")
    assert page.title() == "Cable Archive"
    assert "1 US diplomatic cables" in page.locator(".lede").inner_text()
    page.get_by_role("link", name="06BAKU641").first.click()
    page.wait_for_url("**/cables/06BAKU641/")
    assert "IRANIAN DEFENSE MINISTER VISITS BAKU" in page.locator("h1").inner_text()
    assert page.locator("#p2 .badge").inner_text() == "(C)"
