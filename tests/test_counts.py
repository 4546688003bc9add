"""The whole archive's counts the importer keeps equal the counts taken live."""

import pytest
from django.http import QueryDict

from cables.facets import FACET_NAMES, ArchiveCounts, count_list_now
from cables.filtering import parse_list_query

pytestmark = pytest.mark.django_db


def both(query_string):
    """(kept, live) counts for this query string."""
    results = []
    for archive in (ArchiveCounts.current(), None):
        query, errors = parse_list_query(QueryDict(query_string), "/cables/")
        assert not errors
        query.archive_counts = archive
        counts = count_list_now(query, names=FACET_NAMES)
        assert not counts.notices
        results.append(
            (
                counts.total.as_json(),
                [facet.as_json() for facet in counts.facets],
                counts.timeline,
            )
        )
    return results


@pytest.mark.parametrize(
    "query_string",
    [
        "",
        "expand=origin&expand=caveat&expand=marking&expand=year",
        "classification=SECRET",
        "origin=BAKU",
        "year=2006",
        "year=2006&month=3",
    ],
)
def test_kept_counts_equal_live_counts(corpus, query_string):
    archive = ArchiveCounts.current()
    assert archive.valid
    assert archive.rows("total")[0][2] >= 1000
    kept, live = both(query_string)
    assert kept == live


def test_an_import_leaves_the_planner_statistics_of_what_it_wrote(corpus):
    """PostgreSQL plans the list's queries from table statistics; the import gathers them
    instead of leaving it to autovacuum (which may be off, or minutes away)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's statistics")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT tablename) FROM pg_stats WHERE tablename IN "
            "('cables_cable', 'cables_cabletag', 'cables_mention', 'cables_paragraph')"
        )
        assert cursor.fetchone()[0] == 4
