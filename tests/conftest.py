"""Shared fixtures: the real corpus, and a headless Chromium for browser tests."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from
# that thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_DIR.parent / "shared"
CORPUS_DIR = SHARED_DIR / "corpus"
SEEDS_DIR = SHARED_DIR / "seeds"
CORPUS_ARCHIVE = CORPUS_DIR / "wikileaks-cables-1000.tar.gz"
DEMO_DIR = PROJECT_DIR / "demo-cables"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab whose relative URLs go to the live test server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def corpus(django_db_setup, django_db_blocker):
    """The 1,000 real WikiLeaks pages, imported once into the test database.

    Tests that use it run inside a transaction that is rolled back, so they see exactly the
    corpus. pytest-django runs transactional tests (browser tests) after these.
    """
    from cables.importing.run import import_paths
    from cables.models import Cable

    with django_db_blocker.unblock():
        if Cable.objects.count() < 1000:
            summary = import_paths([CORPUS_ARCHIVE], workers=2, quiet=True)
            assert summary.counts["rejected"] == 0, summary.rejected[:5]
    return CORPUS_ARCHIVE
