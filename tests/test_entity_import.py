"""Entities at import: rows, merges across cables and spellings, corrections that survive."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from cables.importing.entities import merge_entities, rename_entity, split_entity
from cables.importing.run import import_paths
from cables.models import Cable, Entity, EntityCorrection, EntityKey, Mention, Tag
from tests.conftest import CORPUS_ARCHIVE, SEEDS_DIR

pytestmark = pytest.mark.django_db

FIRST = "000_ee403f0e40051563.txt"  # 06BAKU641
SECOND = "001_c506d94be44f117a.txt"  # 08BAKU164


@pytest.fixture
def seeds():
    return import_paths([SEEDS_DIR], workers=1, quiet=True)


def cables_of(slug):
    entity = Entity.objects.get(slug=slug)
    return set(
        Cable.objects.filter(
            pk__in=Mention.objects.filter(entity=entity).values("cable_id")
        ).values_list("reference_id", flat=True)
    )


def test_seed_entities_have_their_kinds(seeds):
    kinds = dict(
        Entity.objects.filter(
            slug__in=["safar-abiyev", "islamic-revolutionary-guard-corps", "baku", "azerbaijan"]
        ).values_list("slug", "kind")
    )
    assert kinds == {
        "safar-abiyev": "person",
        "islamic-revolutionary-guard-corps": "organization",
        "baku": "place",
        "azerbaijan": "place",
    }
    abiyev = Entity.objects.get(slug="safar-abiyev")
    assert abiyev.name == "Safar Abiyev"
    assert {"Safar Abiyev", "Abiyev"} <= set(abiyev.aliases)
    assert abiyev.cable_count == len(cables_of("safar-abiyev")) >= 2
    assert abiyev.mention_count == Mention.objects.filter(entity=abiyev).count()
    irgc = Entity.objects.get(slug="islamic-revolutionary-guard-corps")
    assert {"IRGC", "Iranian Revolutionary Guard Corps"} <= set(irgc.aliases)


def test_najjar_is_one_entity_across_spellings_and_cables(seeds):
    najjar = Entity.objects.get(slug="mustafa-najjar")
    assert {"Mustafa Najjar", "Mostafa Mohammad-Najjar", "Najjar"} <= set(najjar.aliases)
    assert {"06BAKU641", "08BAKU164"} <= cables_of("mustafa-najjar")
    spellings = set(
        Mention.objects.filter(
            cable__reference_id="08BAKU164", text__contains="Najjar"
        ).values_list("entity__slug", flat=True)
    )
    assert spellings == {"mustafa-najjar"}


def test_mention_offsets_point_at_the_text(seeds):
    for mention in Mention.objects.select_related("paragraph")[:300]:
        assert mention.paragraph.text[mention.start : mention.end] == mention.text
        assert mention.cable_id == mention.paragraph.cable_id


def test_tags_country_codes_link_to_their_places(seeds):
    assert Tag.objects.get(code="AJ").place.slug == "azerbaijan"
    assert Tag.objects.get(code="IR").place.slug == "iran"
    assert Tag.objects.get(code="PREL").place is None


def import_renamed(tmp_path, name, *replacements):
    """Imports one seed with Aliyev renamed Qorxmazov, and these replacements first. A made-up
    surname keeps a test apart from any other Aliyev in the database (the corpus has Heydar
    Aliyev too)."""
    folder = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    write_renamed(folder, name, *replacements)
    return import_paths([folder], workers=1, quiet=True)


def write_renamed(folder, name, *replacements):
    """The seed written into ``folder`` as `import_renamed` imports it."""
    text = (SEEDS_DIR / name).read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    (folder / name).write_text(text.replace("Aliyev", "Qorxmazov"))


@pytest.mark.parametrize("order", [(FIRST, SECOND), (SECOND, FIRST)])
def test_a_surname_alone_joins_the_full_name_in_any_import_order(tmp_path, order):
    # 08BAKU164 says only "Aliyev"; 06BAKU641 says "Ilham Aliyev" (renamed: import_renamed).
    for name in order:
        import_renamed(tmp_path, name)
    alone = Mention.objects.filter(cable__reference_id="08BAKU164", text="Qorxmazov")
    assert alone.exists()
    assert set(alone.values_list("entity__slug", flat=True)) == {"ilham-qorxmazov"}
    ilham = Entity.objects.get(slug="ilham-qorxmazov")
    assert ilham.cable_count == 2
    stub = Entity.objects.filter(key="person:qorxmazov").first()
    assert stub is None or (stub.merged_into_id == ilham.pk and stub.cable_count == 0)


def test_a_surname_met_after_its_full_name_is_written_to_it_at_once(tmp_path, monkeypatch):
    # The end of the run moves no mention: at the release's size it moved half a million.
    import cables.importing.run as run

    before_end = []

    def finish_run(*args, **kwargs):
        alone = Mention.objects.filter(cable__reference_id="08BAKU164", text="Qorxmazov")
        before_end.append(set(alone.values_list("entity__key", flat=True)))
        return real_finish_run(*args, **kwargs)

    real_finish_run = run.finish_run
    import_renamed(tmp_path, FIRST)
    monkeypatch.setattr(run, "finish_run", finish_run)
    import_renamed(tmp_path, SECOND)
    assert before_end == [{"person:ilham qorxmazov"}]
    assert cables_of("ilham-qorxmazov") == {"06BAKU641", "08BAKU164"}
    stub = Entity.objects.get(key="person:qorxmazov")
    assert stub.merged_into == Entity.objects.get(slug="ilham-qorxmazov")
    assert stub.cable_count == 0


@pytest.mark.django_db(transaction=True)
def test_a_first_import_moves_a_surnames_earlier_mentions_once_their_index_is_built(
    tmp_path, monkeypatch
):
    """In a first import the mentions' (key, entity) index is built at the end: a surname met
    alone in the first batch and its full name in a later one, the earlier mentions wait for
    it to move, then move as they would have at once."""
    import tarfile

    import cables.importing.run as run
    from cables.importing.entities import MOVES_PENDING

    call_command("flush", interactive=False, verbosity=0)  # an empty archive: a first import
    # The first batch: 25 documents, the surname alone among real pages of the corpus.
    first = tmp_path / "first"
    first.mkdir()
    with tarfile.open(CORPUS_ARCHIVE) as archive:
        pages = [member for member in archive.getmembers() if member.name.endswith(".html")]
        for member in pages[:24]:
            (first / Path(member.name).name).write_bytes(archive.extractfile(member).read())
    write_renamed(first, SECOND)
    later = tmp_path / "later"
    later.mkdir()
    write_renamed(later, FIRST)

    before_end = []

    def finish_run(*args, **kwargs):
        alone = Mention.objects.filter(cable__reference_id="08BAKU164", text="Qorxmazov")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT entity_key_id FROM {MOVES_PENDING}")
            waiting = EntityKey.objects.filter(pk__in=[row[0] for row in cursor.fetchall()])
        before_end.append(
            (
                set(alone.values_list("entity__key", flat=True)),
                "person:qorxmazov" in set(waiting.values_list("key", flat=True)),
            )
        )
        return real_finish_run(*args, **kwargs)

    real_finish_run = run.finish_run
    monkeypatch.setattr(run, "finish_run", finish_run)
    summary = import_paths([first, later], workers=1, quiet=True)
    assert summary.counts["imported"] == 26, summary.rejected
    assert before_end == [({"person:qorxmazov"}, True)]
    alone = Mention.objects.filter(cable__reference_id="08BAKU164", text="Qorxmazov")
    assert alone.exists()
    assert set(alone.values_list("entity__slug", flat=True)) == {"ilham-qorxmazov"}
    assert cables_of("ilham-qorxmazov") == {"06BAKU641", "08BAKU164"}
    stub = Entity.objects.get(key="person:qorxmazov")
    assert stub.merged_into == Entity.objects.get(slug="ilham-qorxmazov")
    assert stub.cable_count == 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {MOVES_PENDING}")
        assert cursor.fetchone()[0] == 0


def test_the_last_mention_id_is_read_without_the_primary_key(seeds):
    """A first import on PostgreSQL builds the mentions' primary key at its end, and notes the
    last mention id of each surname's move meanwhile: read from the ids' sequence, it is the
    highest id there, and the next mention written is above it."""
    from django.db.models import Max

    from cables.importing.entities import last_mention_id

    with connection.cursor() as cursor:
        last = last_mention_id(cursor)
    assert last == Mention.objects.aggregate(Max("id"))["id__max"] > 0
    mention = Mention.objects.first()
    mention.pk = None
    mention.save()
    with connection.cursor() as cursor:
        assert last_mention_id(cursor) == mention.pk > last


def test_a_surname_joined_early_stands_alone_when_a_second_full_name_comes(tmp_path):
    import_renamed(tmp_path, FIRST)
    import_renamed(tmp_path, SECOND)
    # 06BAKU641 again, now naming Heydar Qorxmazov: two full names share the surname.
    import_renamed(tmp_path, FIRST, ("Ilham Aliyev", "Heydar Aliyev"))
    alone = Mention.objects.filter(cable__reference_id="08BAKU164", text="Qorxmazov")
    assert set(alone.values_list("entity__key", flat=True)) == {"person:qorxmazov"}
    stub = Entity.objects.get(key="person:qorxmazov")
    assert stub.merged_into is None
    assert stub.cable_count == 1 and stub.mention_count == alone.count()
    assert Entity.objects.get(key="person:ilham qorxmazov").cable_count == 0
    assert cables_of(Entity.objects.get(key="person:heydar qorxmazov").slug) == {"06BAKU641"}


def test_reimporting_unchanged_cables_changes_nothing(seeds):
    before = list(Entity.objects.order_by("pk").values_list("pk", "name", "cable_count"))
    mentions = list(Mention.objects.order_by("pk").values_list("pk", flat=True))
    again = import_paths([SEEDS_DIR], workers=1, quiet=True)
    assert again.counts["unchanged"] == 4
    assert list(Entity.objects.order_by("pk").values_list("pk", "name", "cable_count")) == before
    assert list(Mention.objects.order_by("pk").values_list("pk", flat=True)) == mentions


def test_corrections_survive_reimport_with_changed_text(seeds, tmp_path):
    najjar = Entity.objects.get(slug="mustafa-najjar")
    rename_entity(najjar, "Mostafa Mohammad-Najjar")
    usg = Entity.objects.get(slug="u-s-government")
    merge_entities([usg], Entity.objects.get(slug="united-states"))
    alone = split_entity(
        Entity.objects.get(slug="safar-abiyev"), "Abiyev (alone)", aliases=["Abiyev"]
    )
    assert EntityCorrection.objects.count() >= 2

    # WikiLeaks publishes a second text of 08BAKU164: one more sentence.
    folder = tmp_path / "changed"
    folder.mkdir()
    text = (SEEDS_DIR / SECOND).read_text()
    text = text.replace(
        "Two Azerbaijani political analysts",
        "Abiyev told the USG that Najjar and Safar Abiyev agreed. "
        "Two Azerbaijani political analysts",
    )
    (folder / SECOND).write_text(text)
    summary = import_paths([folder], workers=1, quiet=True)
    assert summary.counts["updated"] == 1

    najjar.refresh_from_db()
    assert najjar.name == "Mostafa Mohammad-Najjar" and najjar.name_locked
    assert "08BAKU164" in cables_of("mustafa-najjar")
    changed = Mention.objects.filter(cable__reference_id="08BAKU164")
    assert set(changed.filter(text="USG").values_list("entity__slug", flat=True)) == {
        "united-states"
    }
    assert set(changed.filter(text="Abiyev").values_list("entity_id", flat=True)) == {alone.pk}
    assert set(changed.filter(text="Safar Abiyev").values_list("entity__slug", flat=True)) == {
        "safar-abiyev"
    }
    assert changed.filter(text="Abiyev").count() >= 8  # the new sentence's "Abiyev" too
    usg.refresh_from_db()
    assert usg.merged_into.slug == "united-states"
    alone.refresh_from_db()
    assert alone.mention_count == Mention.objects.filter(entity=alone).count()


def test_the_entities_command(seeds):
    out = io.StringIO()
    call_command("entities", "rename", "baku", "Bakı", stdout=out)
    assert "renamed baku" in out.getvalue()
    call_command("entities", "merge", "azerbaijan", "baku", stdout=out)
    assert Entity.objects.get(slug="baku").merged_into.slug == "azerbaijan"
    call_command(
        "entities",
        "split",
        "ilham-aliyev",
        "--name",
        "Some Aliyev",
        "--alias",
        "Aliyev",
        stdout=out,
    )
    assert Entity.objects.get(name="Some Aliyev").mention_count > 0
    import_paths([SEEDS_DIR], workers=1, quiet=True)
    assert Entity.objects.get(slug="baku").name == "Bakı"


def test_a_chosen_entity_shows_its_name_in_the_filter_bar(client, seeds):
    response = client.get("/cables/", {"entity": "mustafa-najjar"})
    assert response.status_code == 200
    bar = response.content.decode().split('class="chosen-filters"', 1)[1].split("</nav>", 1)[0]
    assert "Mustafa Najjar" in bar
