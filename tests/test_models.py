"""The data model: strings, URLs, domain queries, and the admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cables.models import (
    Cable,
    CableTag,
    Caveat,
    Entity,
    Mention,
    Paragraph,
    Reference,
    Tag,
)
from cables.sql import Among
from tests.builders import make_cable

pytestmark = pytest.mark.django_db


def test_cable_strings_and_urls():
    cable = make_cable(paragraphs=[("1", "(U)", "U", "Iranian Defense Minister visited.")])
    assert str(cable) == "06BAKU641: IRANIAN DEFENSE MINISTER VISITS BAKU"
    assert cable.get_absolute_url() == "/cables/06BAKU641/"
    paragraph = cable.paragraphs.get()
    assert str(paragraph) == "06BAKU641 ¶1"
    assert paragraph.get_absolute_url() == "/cables/06BAKU641/p1/"


def test_unnumbered_paragraph_links_to_its_anchor():
    cable = make_cable(paragraphs=[("", "(SBU)", "SBU", "Per reftel, the embassy delivered.")])
    assert cable.paragraphs.get().get_absolute_url() == "/cables/06BAKU641/#pos0"


def test_tags_kept_in_printed_order_and_filtered_with_and():
    make_cable("06BAKU641", tags=["PREL", "PGOV", "AJ", "IR"])
    make_cable("08BAKU164", tags=["PBTS", "PGOV", "IR", "AJ"])
    make_cable("08BAKU64", tags=["PREL", "MARR", "IZ", "AJ"])
    first = Cable.objects.get(reference_id="06BAKU641")
    assert list(first.tags.order_by("cable_tags__position").values_list("code", flat=True)) == [
        "PREL",
        "PGOV",
        "AJ",
        "IR",
    ]
    mine = Cable.objects.filter(origin="BAKU", year__in=[2006, 2008]).filter(
        reference_id__in=["06BAKU641", "08BAKU164", "08BAKU64"]
    )
    both = mine.tagged_with_all(["PGOV", "IR"]).order_by("reference_id")
    assert [c.reference_id for c in both] == ["06BAKU641", "08BAKU164"]
    assert mine.tagged_with_all(["PREL", "IZ"]).get().reference_id == "08BAKU64"
    assert not mine.tagged_with_all(["PBTS", "MARR"]).exists()


def test_tagged_with_all_uses_subqueries_not_distinct_joins():
    sql = str(Cable.objects.tagged_with_all(["PREL", "AJ"]).query).upper()
    assert "DISTINCT" not in sql
    assert sql.count(" IN (SELECT") == 2


def test_paragraph_marking_and_classification_queries():
    make_cable("06BAKU641", paragraphs=[("1", "(U)", "U", "a"), ("2", "(C)", "C", "b")])
    make_cable(
        "08BAKU64", classification="SECRET", label="SECRET", paragraphs=[("1", "(S)", "S", "c")]
    )
    mine = Cable.objects.filter(reference_id__in=["06BAKU641", "08BAKU64"])
    assert mine.with_paragraph_marked("U").get().reference_id == "06BAKU641"
    assert mine.classified_at_least("SECRET").get().reference_id == "08BAKU64"
    assert mine.classified_at_least("CONFIDENTIAL").count() == 2


def test_caveat_filter():
    make_cable("06BAKU641", caveats=["SIPDIS"])
    make_cable("08BAKU64", caveats=["SIPDIS", "NOFORN"])
    mine = Cable.objects.filter(reference_id__in=["06BAKU641", "08BAKU64"])
    assert mine.with_caveat("NOFORN").get().reference_id == "08BAKU64"
    assert mine.with_caveat("SIPDIS").count() == 2


def test_reference_to_a_cable_in_the_archive():
    source = make_cable("07BAKU1160")
    target = make_cable("07BAKU1141")
    Reference.objects.create(
        from_cable=source, printed="B. BAKU 01141", target_reference_id="07BAKU1141", target=target
    )
    assert [r.from_cable.reference_id for r in target.referenced_by.all()] == ["07BAKU1160"]
    assert str(source.references.get()) == "07BAKU1160 → 07BAKU1141"


def test_entity_and_mention():
    cable = make_cable(paragraphs=[("1", "(U)", "U", "Defense Minister Safar Abiyev met.")])
    # Slugs of their own: the corpus, when a test imported it, has the real Safar Abiyev.
    entity = Entity.objects.create(name="Safar Abiyev", kind="person", slug="test-safar-abiyev")
    mention = Mention.objects.create(
        entity=entity,
        paragraph=cable.paragraphs.get(),
        cable=cable,
        start=17,
        end=29,
        text="Safar Abiyev",
    )
    assert str(entity) == "Safar Abiyev (person)"
    assert entity.get_absolute_url() == "/entities/test-safar-abiyev/"
    assert mention.get_absolute_url() == "/cables/06BAKU641/p1/"


def test_every_model_has_an_admin_page_that_lists_it(admin_client):
    cable = make_cable(tags=["PREL"], caveats=["SIPDIS"], paragraphs=[("1", "(U)", "U", "a")])
    entity = Entity.objects.create(name="Baku", kind="place", slug="test-baku")
    Mention.objects.create(
        entity=entity, paragraph=cable.paragraphs.get(), cable=cable, start=0, end=4, text="Baku"
    )
    Reference.objects.create(
        from_cable=cable, printed="STATE 4865", target_reference_id="08STATE4865"
    )
    for model in (Cable, Paragraph, Tag, Caveat, Reference, Entity, Mention):
        assert admin.site.is_registered(model), model
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response.context["cl"].result_count >= 1, url
    change = admin_client.get(reverse("admin:cables_cable_change", args=[cable.pk]))
    assert change.status_code == 200
    assert b"06BAKU641" in change.content
    assert CableTag.objects.filter(cable=cable).count() == 1


def test_among_selects_and_excludes_exactly_the_ids_given():
    cables = [make_cable(f"06BAKU{n}") for n in range(1, 6)]
    made = Cable.objects.filter(pk__in=[cable.pk for cable in cables])  # not the corpus's
    chosen = [cables[1].pk, cables[3].pk, 10**9]  # one id that names no cable

    def references(queryset):
        return sorted(queryset.values_list("reference_id", flat=True))

    assert references(Cable.objects.filter(Among("pk", chosen))) == ["06BAKU2", "06BAKU4"]
    assert references(made.exclude(Among("pk", chosen))) == ["06BAKU1", "06BAKU3", "06BAKU5"]
    assert not Cable.objects.filter(Among("pk", [])).exists()
    # far more ids than a statement takes placeholders on either database
    many = [*range(10**6, 10**6 + 40_000), cables[0].pk]
    assert references(Cable.objects.filter(Among("pk", many))) == ["06BAKU1"]
