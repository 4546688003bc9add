"""Browser: the cable page highlights the paragraph a link points to, copies permalinks, shows
its legend; and takes a screenshot of it (the README shows one: docs/screenshot.png)."""

import pytest

from cables.importing.run import import_paths
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeds():
    import_paths([SEEDS_DIR], workers=1, quiet=True)


@pytest.fixture
def clipboard_page(browser, live_server):
    """A tab allowed to read and write the clipboard (the live server is http://localhost)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def test_arriving_at_a_paragraph_anchor_highlights_it(page, seeds):
    page.goto("/cables/06BAKU641/#p2")
    second = page.locator("#p2")
    assert "is-highlighted" in second.get_attribute("class")
    assert "is-highlighted" not in page.locator("#p1").get_attribute("class")
    highlighted = second.evaluate("e => getComputedStyle(e).backgroundColor")
    plain = page.locator("#p1").evaluate("e => getComputedStyle(e).backgroundColor")
    assert highlighted != plain
    assert highlighted == "rgb(255, 244, 214)"
    assert second.evaluate("e => e.matches(':target')")
    # Following an in-page link moves the highlight.
    page.evaluate("location.hash = '#p1'")
    page.wait_for_function("document.querySelector('#p1').classList.contains('is-highlighted')")
    assert "is-highlighted" not in page.locator("#p2").get_attribute("class")


def test_the_copy_control_puts_the_permalink_on_the_clipboard(clipboard_page, live_server, seeds):
    page = clipboard_page
    page.goto("/cables/08BAKU64/")
    page.get_by_role("button", name="Copy link to ¶4").click()
    page.wait_for_function("document.querySelector('.copy-status').textContent.length > 0")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server.url}/cables/08BAKU64/p4/"
    # And the permalink leads to that paragraph alone.
    page.goto(copied)
    assert (
        page.locator(".paragraph .text")
        .inner_text()
        .startswith("Turning to the political and legal conditions")
    )
    # The paragraph's Chicago citation copies too.
    page.locator("button[data-copy-from='paragraph-chicago']").click()
    page.wait_for_function("document.querySelector('button.is-copied') !== null")
    citation = page.evaluate("navigator.clipboard.readText()")
    assert citation.startswith("US Embassy Baku. “AZERBAIJAN MFA COMMENTS")
    assert citation.endswith(f"{live_server.url}/cables/08BAKU64/p4/.")


def test_the_badge_legend_is_visible_and_badges_show_their_level(page, seeds):
    page.goto("/cables/06BAKU641/")
    legend = page.locator(".legend")
    assert legend.is_visible()
    for printed in ["(U)", "(SBU)", "(C)", "(S)", "(TS)"]:
        assert legend.locator(".badge", has_text=printed).first.is_visible()
    assert page.locator("#p1 .badge").inner_text() == "(U)"
    assert page.locator("#p2 .badge").inner_text() == "(C)"
    u = page.locator("#p1 .badge").evaluate("e => getComputedStyle(e).backgroundColor")
    c = page.locator("#p2 .badge").evaluate("e => getComputedStyle(e).backgroundColor")
    assert u != c


def test_screenshot_of_a_cable_page(page, seeds, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/cables/06BAKU641/#p2")
    page.locator("#p2.is-highlighted").wait_for()
    page.evaluate("window.scrollTo(0, 0)")  # the whole cable from its top, ¶2 highlighted
    # Written aside, so the suite never changes the repository; docs/screenshot.png, the
    # README's, is a copy of it taken by hand.
    shot = tmp_path / "screenshot.png"
    page.screenshot(path=shot)
    assert shot.stat().st_size > 10_000
