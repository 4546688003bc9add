"""The list's counts are cached per query string and archive version; imports refresh them."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cables.facets import ArchiveCounts
from cables.importing.run import import_paths
from cables.models import Cable
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db

SEED_641 = SEEDS_DIR / "000_ee403f0e40051563.txt"


def new_cable(tmp_path):
    """A seed under a reference ID no corpus holds."""
    path = tmp_path / "06BAKU9641.txt"
    path.write_text(SEED_641.read_text().replace("BAKU 000641", "BAKU 009641"))
    return path


def counted(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def summary(body):
    return body["total"], body["facets"], body["timeline"]


@pytest.mark.parametrize("url", ["/cables/?format=json", "/cables/?origin=BAKU&format=json"])
def test_a_second_identical_request_reads_the_counts_from_the_cache(
    client, url, django_assert_max_num_queries
):
    import_paths([SEED_641], workers=1, quiet=True)
    first, queries = counted(client, url)
    with django_assert_max_num_queries(queries - 3):
        second = client.get(url)
    assert summary(second.json()) == summary(first.json())
    assert first.json()["total"]["count"] >= 1


def test_the_home_page_counts_are_cached(client, django_assert_max_num_queries):
    import_paths([SEED_641], workers=1, quiet=True)
    first, queries = counted(client, "/")
    with django_assert_max_num_queries(queries - 1):
        second = client.get("/")
    assert second.content == first.content


def test_an_import_that_changes_something_shows_fresh_counts(client, tmp_path):
    import_paths([SEED_641], workers=1, quiet=True)
    before = client.get("/cables/?format=json").json()
    version = ArchiveCounts.current().version
    result = import_paths([new_cable(tmp_path)], workers=1, quiet=True)
    assert result.counts["imported"] == 1
    assert ArchiveCounts.current().version == version + 1
    after = client.get("/cables/?format=json").json()
    assert after["total"]["count"] == before["total"]["count"] + 1
    home = client.get("/")
    assert (
        f"{after['total']['count']:,}".encode() in home.content
        or str(after["total"]["count"]).encode() in home.content
    )


def test_a_reimport_that_changes_nothing_keeps_the_cache(
    client, tmp_path, django_assert_max_num_queries
):
    path = new_cable(tmp_path)
    import_paths([path], workers=1, quiet=True)
    url = "/cables/?origin=BAKU&format=json"
    first, queries = counted(client, url)
    version = ArchiveCounts.current().version
    result = import_paths([path], workers=1, quiet=True)
    assert result.counts["unchanged"] == 1
    assert ArchiveCounts.current().version == version
    with django_assert_max_num_queries(queries - 3):
        second = client.get(url)
    assert summary(second.json()) == summary(first.json())


def test_partial_counts_are_kept_a_few_minutes_then_counted_again(client, settings):
    import_paths([SEED_641], workers=1, quiet=True)
    url = "/cables/?origin=BAKU&format=json"
    settings.PARTIAL_COUNTS_TIMEOUT_S = 1
    settings.LIST_COUNTS_BUDGET_MS = 0.001  # no time at all: every facet is skipped
    partial = client.get(url).json()
    assert "TAGS facet skipped: took too long." in partial["notices"]
    settings.LIST_COUNTS_BUDGET_MS = None
    # The next visits read the same answer from the cache, instead of running out of time again.
    assert client.get(url).json()["notices"] == partial["notices"]
    time.sleep(1.2)
    complete = client.get(url).json()
    assert complete["notices"] == []
    assert complete["total"]["count"] == Cable.objects.filter(origin="BAKU").count() > 0


def test_paragraph_search_counts_are_cached(client, corpus, django_assert_max_num_queries):
    url = "/paragraphs/?q=government&marking=S&format=json"
    first, queries = counted(client, url)
    with django_assert_max_num_queries(queries - 3):
        second = client.get(url)
    assert second.json()["total"] == first.json()["total"]
    assert second.json()["facets"] == first.json()["facets"]
