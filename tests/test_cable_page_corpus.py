"""Over the real corpus: every cable page and every paragraph permalink answers 200, and
references and referenced-by agree with each other, as the pages show them."""

import re

import pytest
from django.test import RequestFactory
from django.test.client import ClientHandler

from cables.models import Cable, Paragraph

pytestmark = pytest.mark.django_db

LINKED_ID = re.compile(r'<a class="ref" href="/cables/([0-9A-Z]+)/">')


def section(page, start, end):
    return page[page.index(start) : page.index(end)]


def test_every_cable_page_and_every_paragraph_permalink_answers(client, corpus):
    cables = list(Cable.objects.values_list("reference_id", flat=True))
    assert len(cables) >= 1000
    cites, cited_by = set(), set()  # (citing, cited) pairs, as each side's page shows them
    for index, reference_id in enumerate(cables):
        response = client.get(f"/cables/{reference_id}/")
        assert response.status_code == 200, reference_id
        page = response.content.decode()
        for cited in LINKED_ID.findall(section(page, 'id="references-h"', 'id="referenced-by-h"')):
            cites.add((reference_id, cited))
        for citing in LINKED_ID.findall(section(page, 'id="referenced-by-h"', 'id="cite"')):
            cited_by.add((citing, reference_id))
        if index % 20 == 0:  # the JSON too, on a sample: its schema is tested on the seeds
            data = client.get(f"/cables/{reference_id}/?format=json").json()
            assert data["reference_id"] == reference_id
            assert len(data["paragraphs"]) == page.count('<section class="paragraph')
    assert cites, "the corpus has references between its cables"
    assert cites == cited_by

    # Every numbered paragraph with a page of its own (a number printed twice in one cable
    # has, for its second occurrence, the #pos anchor on the cable page instead).
    numbered = Paragraph.objects.exclude(number="").values_list(
        "cable__reference_id", "number", "anchor"
    )
    # Through the same handler as the test client, without its recording of every template's
    # context: a third faster over these 8,000 pages.
    handler, requests = ClientHandler(), RequestFactory()
    count = 0
    for reference_id, number, anchor in numbered:
        if anchor == f"p{number}":
            response = handler(requests.get(f"/cables/{reference_id}/p{number}/").environ)
            assert response.status_code == 200, (reference_id, number)
            count += 1
    assert count > 5000
