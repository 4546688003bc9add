"""Rows written in bulk (PostgreSQL: a binary COPY by the columns' types; SQLite: INSERTs of
many rows) come back exactly as they were given, whatever their characters."""

import datetime as dt

import pytest
from django.db import connection

from cables.importing import bulk, writer
from cables.importing.readers import RawDocument
from cables.importing.records import build_record
from cables.models import Cable, CableTag, Mention, Paragraph, Reference
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.django_db

# What COPY's text format escapes, what UTF-8 takes several bytes for, and "\N", its NULL.
AWKWARD = 'tab\there; new\nline; CR\r; back\\slash; \\N; "quotes" ’s; é ñ; Баку; 🛰; end'


def seed_record():
    path = SEEDS_DIR / "000_ee403f0e40051563.txt"
    document = RawDocument(source=str(path), format="text", text=path.read_text())
    return build_record(document).record


def test_a_cable_and_its_paragraphs_come_back_as_written():
    record = seed_record()
    created = dt.datetime(2006, 4, 28, 11, 52, tzinfo=dt.UTC)
    fields = {
        **record.fields,
        "created": created,
        "released": dt.date(2011, 8, 30),
        "subject": AWKWARD,
        "recipients": [{"name": AWKWARD, "station": "SECSTATE"}],
        "classified_by": [],
        "partial_extract": True,
        "reference_id": "06BAKU641",
        "content_hash": "0" * 64,
        "source_hash": None,
        "read_with": 3,
        "source": AWKWARD,
        "imported_at": created,
        "updated_at": created,
    }
    bulk.insert_objects(Cable, [fields])
    cable = Cable.objects.get(reference_id="06BAKU641")
    assert cable.subject == AWKWARD
    assert cable.source == AWKWARD
    assert cable.recipients == [{"name": AWKWARD, "station": "SECSTATE"}]
    assert cable.created == created
    assert cable.released == dt.date(2011, 8, 30)
    assert cable.source_hash is None
    assert cable.partial_extract is True
    assert cable.read_with == 3
    assert cable.body == record.fields["body"]

    rows = [
        (cable.pk, 0, "1", "p1", "(C)", "C", "NOFORN", AWKWARD),
        (cable.pk, 1, "", "pos1", "", "", "", ""),
    ]
    bulk.insert_rows(Paragraph, ["cable_id", *writer.PARAGRAPH_FIELDS], rows)
    stored = list(
        Paragraph.objects.filter(cable=cable)
        .order_by("position")
        .values_list("cable_id", "position", *writer.PARAGRAPH_FIELDS[1:])
    )
    assert stored == rows
    if connection.vendor == "postgresql":  # the search vector is computed from the text stored
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM cables_paragraph WHERE cable_id = %s"
                " AND search_vector @@ plainto_tsquery('english', 'Баку slash')",
                [cable.pk],
            )
            assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize(
    ("model", "columns"),
    [
        (Paragraph, ["id", "cable_id", *writer.PARAGRAPH_FIELDS]),
        (Mention, writer.MENTION_COLUMNS),
        (CableTag, ["cable_id", "tag_id", "position"]),
        (Reference, ["from_cable_id", "target_id", *writer.REFERENCE_FIELDS]),
        (Cable.caveats.through, ["cable_id", "caveat_id"]),
        (Cable, [field.column for field in Cable._meta.concrete_fields]),
    ],
)
def test_postgresql_writes_the_imports_rows_in_binary(model, columns):
    """Every column the import writes has a type that the binary COPY knows: a new column of
    another type would send its whole table back to text, at a cost, without a word."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's COPY")
    types = bulk.copy_types(model, tuple(columns))
    assert types is not None
    assert len(types) == len(columns)
