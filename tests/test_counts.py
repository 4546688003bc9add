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
