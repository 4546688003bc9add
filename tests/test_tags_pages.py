"""The TAGS glossary, tag pages, and the origins pages."""

import pytest

from cables.models import Cable, Tag

pytestmark = pytest.mark.django_db


def test_glossary_lists_codes_meanings_kinds_counts(client, corpus):
    html = client.get("/tags/").content.decode()
    assert "<code>PREL</code>" in html and "External political relations" in html
    prel = Tag.objects.get(code="PREL")
    assert f"{prel.cable_count:,}" in html
    assert html.index("<code>PREL</code>") < html.index("<code>ZI</code>")  # most used first


def test_glossary_filters_by_kind_and_sorts(client, corpus):
    html = client.get("/tags/?kind=country&sort=code").content.decode()
    assert "<code>AJ</code>" in html and "<code>PREL</code>" not in html
    assert html.index("<code>AJ</code>") < html.index("<code>ZI</code>")
    assert client.get("/tags/?kind=planet").status_code == 400
    assert client.get("/tags/?sort=random").status_code == 400


def test_tag_page_leads_to_the_filtered_list(client, corpus):
    html = client.get("/tags/PREL/").content.decode()
    assert "External political relations" in html
    assert 'href="/cables/?tag=PREL"' in html
    assert "Often together with" in html and "<svg" in html
    assert client.get("/tags/NOSUCH/").status_code == 404


def test_tag_with_a_slash_has_a_page(client, corpus):
    tag = Tag.objects.filter(code__contains="/").first()
    assert client.get(tag.get_absolute_url()).status_code == 200


def test_origins_list_and_page(client, corpus):
    html = client.get("/origins/").content.decode()
    baku = Cable.objects.filter(origin="BAKU").count()
    assert "Embassy Baku" in html and 'href="/origins/BAKU/"' in html
    page = client.get("/origins/BAKU/").content.decode()
    assert "Embassy Baku" in page and f"{baku} cables" in page
    assert 'href="/cables/?origin=BAKU"' in page
    assert client.get("/origins/NOWHERE/").status_code == 404
    assert client.get("/origins/?sort=name").status_code == 200
    assert client.get("/origins/?sort=x").status_code == 400
