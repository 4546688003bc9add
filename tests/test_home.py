"""The home page: the archive at a glance."""

import pytest
from django.db import connection

from cables.models import Cable

pytestmark = pytest.mark.django_db


def test_home_shows_counts_span_breakdown_tags_origins_timeline(client, corpus):
    html = client.get("/").content.decode()
    assert "1,000 US diplomatic cables" in html
    first = Cable.objects.order_by("created").first().created
    assert first.strftime("%B %Y") in html
    assert 'class="badge badge-secret"' in html
    assert "/cables/?classification=SECRET" in html
    assert "External political relations" in html
    assert "/cables/?tag=PREL" in html
    assert "/cables/?origin=" in html
    assert "<svg" in html and "/cables/?year=2006" in html
    assert 'name="q"' in html


def test_home_runs_few_queries(client, corpus, django_assert_max_num_queries):
    budget = 14 if connection.vendor == "sqlite" else 14 + 4 * 6  # see test_list.py
    with django_assert_max_num_queries(budget):
        assert client.get("/").status_code == 200


def test_empty_archive(client, db):
    Cable.objects.all().delete()
    html = client.get("/").content.decode()
    assert "The archive is empty" in html
