"""The same searches on SQLite and PostgreSQL: which cables each finds.

Each database answers these queries; with SEARCH_COMPARE_OUT=path the answers are written as
JSON, so that the two runs can be compared (docs/search.md records the result):

    SEARCH_COMPARE_OUT=/tmp/sqlite.json .venv/bin/python -m pytest tests/test_search_compare.py
    DATABASE_URL=postgres://… SEARCH_COMPARE_OUT=/tmp/pg.json .venv/bin/python -m pytest …
    .venv/bin/python tests/test_search_compare.py /tmp/sqlite.json /tmp/pg.json
"""

import json
import os
import sys
from pathlib import Path

import pytest

QUERIES = [
    "embassy",
    "visit",
    "visits",
    "visiting",
    "nuclear",
    "iran",
    "iran nuclear",
    "iran -nuclear",
    "iran or iraq",
    '"prime minister"',
    '"foreign minister"',
    '"human rights"',
    '"secretary of state"',
    "corruption",
    "elections",
    "oil pipeline",
    "Chavez",
    "Hezbollah",
    "uranium enrichment",
    "terrorism -iraq",
    "NOFORN",
    "refugees",
    "police",
    "bank",
    "U.S. visit",
    "drugs",
    "generously",
    "army or military",
    '"state department"',
    "café",
]


@pytest.mark.django_db
def test_every_query_answers(corpus):
    from cables import search
    from cables.models import Cable

    answers = {}
    for query in QUERIES:
        found = search.filter_cables(Cable.objects.all(), query)
        answers[query] = sorted(found.values_list("reference_id", flat=True))
    assert all(answers[q] for q in QUERIES if q != "café")
    path = os.environ.get("SEARCH_COMPARE_OUT")
    if path:
        with open(path, "w") as out:
            json.dump({"backend": search.backend(), "answers": answers}, out, indent=1)


def compare(first_path, second_path):
    first, second = (json.loads(Path(path).read_text()) for path in (first_path, second_path))
    print(f"{'query':28} {first['backend']:>10} {second['backend']:>10} {'both':>6}  only in…")
    for query in QUERIES:
        a, b = set(first["answers"][query]), set(second["answers"][query])
        only = f"{sorted(a - b)[:3]} / {sorted(b - a)[:3]}" if a != b else "same"
        print(f"{query:28} {len(a):>10} {len(b):>10} {len(a & b):>6}  {only}")


if __name__ == "__main__":
    compare(*sys.argv[1:3])
