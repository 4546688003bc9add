"""Writes CableRecords to the database in batches, one transaction per batch.

A batch is all or nothing, so an interrupted import never leaves half a cable behind, and the
content hash makes running the same input again a no-op.
"""

from __future__ import annotations

from operator import itemgetter

from django.db import connection, transaction
from django.db.models import Case, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from cables import search
from cables.models import (
    Cable,
    CableTag,
    Caveat,
    Entity,
    EntityKey,
    Mention,
    Paragraph,
    Reference,
    Tag,
)

from .bulk import insert_objects, insert_rows, insert_values
from .entities import ENTITY_PENDING, EntityIndex, mark_entities_of_cables, mark_pending
from .indexes import build_cable_mention_indexes
from .readers import read_page
from .records import READ_VERSION, CableRecord

IMPORTED, UPDATED, UNCHANGED, REJECTED = "imported", "updated", "unchanged", "rejected"
OUTCOMES = (IMPORTED, UPDATED, UNCHANGED, REJECTED)


class BatchWriter:
    """Writes batches of records, one transaction each.

    Of two different texts of one cable in one run, the longer one (then the larger hash) is
    kept, so that the order of the inputs never changes the result. What the run has met is
    kept in the table `cables_import_seen`, not in memory, which is emptied when a run starts
    (one import runs at a time: a killed run leaves it to the next) and when it ends.
    """

    def __init__(self):
        self.tag_ids = {}
        self.caveat_ids = {}
        self.entities = EntityIndex()
        self.after_write = []  # callables(cable_ids) run inside each batch's transaction
        self.statistics = PlannerStatistics()
        self.forget_run()

    @staticmethod
    def forget_run():
        """Empty what the run has met: a row per cable, 43 MB on SQLite and 97 MB on
        PostgreSQL at the release's size, of no use once the run is over. PostgreSQL
        truncates: deleted, the rows stay on disk as dead ones until a VACUUM, and a run that
        changes nothing (a re-import) runs none (61 MB left at the release's size)."""
        verb = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        with connection.cursor() as cursor:
            cursor.execute(f"{verb} {SEEN}")

    def already_stored(self, documents) -> dict[int, str]:
        """The documents whose exact text is stored already: index in the list → reference ID.

        They need no parsing. A document whose container names another cable, or whose cable
        has been met earlier in this run, is left to the usual comparison. A page still
        unread (RawDocument.data) has the hash of the stored text that its bytes were read
        into (``recognize_pages``).
        """
        hashes = {
            document.content_hash
            for document in documents
            if document.error is None and document.content_hash
        }
        if not hashes:
            return {}
        # Not the bodies' lengths: on both databases reading one reads the whole body, and a
        # run that meets a second text of the cable is rare (`write` looks it up then).
        stored = {
            content_hash: (reference_id, source_hash)
            for content_hash, reference_id, source_hash in Cable.objects.filter(
                content_hash__in=hashes, read_with=READ_VERSION
            ).values_list("content_hash", "reference_id", "source_hash")
        }
        candidates = {}
        for index, document in enumerate(documents):
            if document.error is not None or document.content_hash not in stored:
                continue
            reference_id = stored[document.content_hash][0]
            named = (document.metadata or {}).get("reference_id")
            if not named or named.upper() == reference_id:
                candidates[index] = reference_id
        seen = seen_in_this_run(set(candidates.values()))
        found, remembered = {}, []
        for index, reference_id in candidates.items():
            if reference_id in seen:
                continue
            document = documents[index]
            seen[reference_id] = (document.content_hash, None, document.source)
            remembered.append((reference_id, *seen[reference_id]))
            found[index] = reference_id
        remember_seen(remembered)
        # A stored text met in other bytes (a cable imported before the bytes' hashes were
        # kept, another rendering of it): the next run finds it by these.
        keep_source_hashes(
            {
                reference_id: documents[index].source_hash
                for index, reference_id in found.items()
                if documents[index].source_hash
                and documents[index].source_hash != stored[documents[index].content_hash][1]
            }
        )
        return found

    def write(self, records: list[CableRecord]) -> list[tuple[CableRecord, str, str]]:
        """Write one batch; returns (record, outcome, note) for each record, in order."""
        results = []
        batch = {}
        seen = seen_in_this_run({record.reference_id for record in records})
        for record in records:
            kept = batch.get(record.reference_id)
            earlier = seen.get(record.reference_id)
            if kept is not None or earlier is not None:
                rival_hash = kept.content_hash if kept else earlier[0]
                if record.content_hash == rival_hash:
                    results.append((record, UNCHANGED, "another copy in this import"))
                    continue
                rival_length = len(kept.fields["body"]) if kept else earlier[1]
                if rival_length is None:  # the stored text, met unchanged earlier in the run
                    rival_length = stored_body_length(record.reference_id)
                rival_source = kept.source if kept else earlier[2]
                if (len(record.fields["body"]), record.content_hash) < (rival_length, rival_hash):
                    note = f"another text of {record.reference_id} in this import is kept"
                    results.append((record, UNCHANGED, f"{note} ({rival_source})"))
                    continue
            batch[record.reference_id] = record
            results.append((record, None, ""))

        with transaction.atomic():
            outcomes = self._write_batch(list(batch.values()))
            remember_seen(
                (reference_id, record.content_hash, len(record.fields["body"]), record.source)
                for reference_id, record in batch.items()
            )
        self.statistics.grown(sum(outcome == IMPORTED for outcome in outcomes.values()))
        final = []
        for record, outcome, note in results:
            if outcome is None:
                outcome = outcomes[record.reference_id]
                if batch.get(record.reference_id) is not record:
                    outcome, note = UNCHANGED, "another text in this import is kept"
            final.append((record, outcome, note))
        return final

    def _write_batch(self, records):
        ids = [record.reference_id for record in records]
        # A cable read by an older version matches no hash: it is read and written again.
        existing = {
            reference_id: (pk, content_hash if read_with == READ_VERSION else "")
            for reference_id, pk, content_hash, read_with in Cable.objects.filter(
                reference_id__in=ids
            ).values_list("reference_id", "pk", "content_hash", "read_with")
        }
        outcomes = {}
        new, changed = [], []
        for record in records:
            if record.reference_id not in existing:
                new.append(record)
                outcomes[record.reference_id] = IMPORTED
            elif existing[record.reference_id][1] != record.content_hash:
                changed.append(record)
                outcomes[record.reference_id] = UPDATED
            else:
                outcomes[record.reference_id] = UNCHANGED

        cable_ids = {}
        if not new and not changed:
            return outcomes
        search.defer_indexing()
        if changed:
            build_cable_mention_indexes()
            changed_pks = [existing[record.reference_id][0] for record in changed]
            # Their mentions go with their paragraphs; the entities they named are recounted.
            mark_entities_of_cables(changed_pks)
            Mention.objects.filter(cable_id__in=changed_pks).delete()
            Paragraph.objects.filter(cable_id__in=changed_pks).delete()
            CableTag.objects.filter(cable_id__in=changed_pks).delete()
            Reference.objects.filter(from_cable_id__in=changed_pks).delete()
            Cable.caveats.through.objects.filter(cable_id__in=changed_pks).delete()
            for record in changed:
                pk = existing[record.reference_id][0]
                Cable.objects.filter(pk=pk).update(
                    **record.fields,
                    content_hash=record.content_hash,
                    source_hash=record.source_hash or None,
                    read_with=READ_VERSION,
                    source=record.source,
                    updated_at=timezone.now(),  # update() skips auto_now
                )
                cable_ids[record.reference_id] = pk
        if new:
            # Plain rows, like the children: model instances cost more than the writing.
            now = timezone.now()
            insert_objects(
                Cable,
                [
                    {
                        **record.fields,
                        "reference_id": record.reference_id,
                        "content_hash": record.content_hash,
                        "source_hash": record.source_hash or None,
                        "read_with": READ_VERSION,
                        "source": record.source,
                        "imported_at": now,
                        "updated_at": now,
                    }
                    for record in new
                ],
            )
            cable_ids.update(
                Cable.objects.filter(reference_id__in=[record.reference_id for record in new])
                .values_list("reference_id", "pk")
                .order_by()
            )

        written = new + changed
        self._write_children(written, cable_ids)
        search.index_batch(cable_ids.values(), [cable_ids[record.reference_id] for record in new])
        new_ids = [record.reference_id for record in new]
        if new_ids:
            # References imported earlier whose target has just arrived.
            Reference.objects.filter(target__isnull=True, target_reference_id__in=new_ids).update(
                target_id=Subquery(
                    Cable.objects.filter(reference_id=OuterRef("target_reference_id")).values("pk")[
                        :1
                    ]
                )
            )
        for hook in self.after_write:
            hook(list(cable_ids.values()))
        return outcomes

    def _write_children(self, records, cable_ids):
        tag_ids = self._ids_for(
            Tag,
            self.tag_ids,
            {tag["code"]: tag for record in records for tag in record.tags},
            lambda tag: Tag(code=tag["code"], kind=tag["kind"], meaning=tag["meaning"]),
        )
        caveat_ids = self._ids_for(
            Caveat,
            self.caveat_ids,
            {code: code for record in records for code in record.caveats},
            lambda code: Caveat(code=code),
        )
        targets = {
            reference["target_reference_id"]
            for record in records
            for reference in record.references
            if reference["target_reference_id"]
        }
        target_ids = dict(
            Cable.objects.filter(reference_id__in=targets).values_list("reference_id", "pk")
        )
        cable_tags, caveats, paragraphs, references = [], [], [], []
        for record in records:
            cable_id = cable_ids[record.reference_id]
            cable_tags.extend(
                (cable_id, tag_ids[tag["code"]], position)
                for position, tag in enumerate(record.tags)
            )
            caveats.extend((cable_id, caveat_ids[code]) for code in record.caveats)
            paragraphs.extend(
                (cable_id, *paragraph_values(paragraph)) for paragraph in record.paragraphs
            )
            references.extend(
                (
                    cable_id,
                    target_ids.get(reference["target_reference_id"]),
                    *reference_values(reference),
                )
                for reference in record.references
            )
        insert_rows(CableTag, ["cable_id", "tag_id", "position"], cable_tags)
        insert_rows(Cable.caveats.through, ["cable_id", "caveat_id"], caveats)
        ids = reserved_ids(Paragraph, len(paragraphs))
        paragraph_ids = None
        if ids is None:
            insert_rows(Paragraph, ["cable_id", *PARAGRAPH_FIELDS], paragraphs)
        else:
            insert_rows(
                Paragraph,
                ["id", "cable_id", *PARAGRAPH_FIELDS],
                [(pk, *row) for pk, row in zip(ids, paragraphs, strict=True)],
            )
            # cable_id and position lead every paragraph row
            paragraph_ids = {row[:2]: pk for pk, row in zip(ids, paragraphs, strict=True)}
        insert_rows(Reference, ["from_cable_id", "target_id", *REFERENCE_FIELDS], references)
        self._write_mentions(records, cable_ids, paragraph_ids)

    def _write_mentions(self, records, cable_ids, paragraph_ids=None):
        """Mention rows, with the entities of keys met for the first time, in bulk.
        ``paragraph_ids``: {(cable id, position): paragraph id} of the batch, when known."""
        names, places = {}, {}
        for record in records:
            for _, _, _, text, key, name in record.mentions:
                names.setdefault(key, name or text)
            for code, name, key in record.tag_places:
                names.setdefault(key, name)
                places[code] = key
        if not names:
            return
        index = self.entities
        keys = index.ids_for(names)
        paragraph_ids = paragraph_ids or {
            (cable_id, position): pk
            for cable_id, position, pk in Paragraph.objects.filter(
                cable_id__in=cable_ids.values()
            ).values_list("cable_id", "position", "pk")
        }
        rows = []
        corrected = bool(index.by_alias)  # some spellings have an entity of their own
        for record in records:
            cable_id = cable_ids[record.reference_id]
            for position, start, end, text, key, name in record.mentions:
                key_id, entity_id = keys[key]
                if corrected:
                    entity_id = index.entity_of(key, text)
                rows.append(
                    (
                        entity_id,
                        paragraph_ids[cable_id, position],
                        cable_id,
                        key_id,
                        start,
                        end,
                        text,
                        name,
                    )
                )
        insert_rows(Mention, MENTION_COLUMNS, rows)
        # The entities they name, from the rows rather than read back from the table.
        mark_pending(ENTITY_PENDING, "entity_id", {row[0] for row in rows})
        index.link_places(places)

    @staticmethod
    def _ids_for(model, cache, wanted, build):
        """Primary keys for these codes, creating the missing rows."""
        missing = [code for code in wanted if code not in cache]
        if missing:
            known = dict(model.objects.filter(code__in=missing).values_list("code", "pk"))
            to_create = [build(wanted[code]) for code in missing if code not in known]
            if to_create:
                model.objects.bulk_create(to_create, ignore_conflicts=True)
                known = dict(model.objects.filter(code__in=missing).values_list("code", "pk"))
            cache.update(known)
        return cache


class PlannerStatistics:
    """PostgreSQL plans each batch's look-ups (the new paragraphs' ids, the entities of the
    cables, the content hashes) from the statistics of the tables. Tables that the import
    fills have none until autovacuum analyzes them, minutes later or never where it is off,
    and PostgreSQL then reads the whole table for each look-up: half a second each per batch
    at 200,000 cables, 40 % of the import of the release. So the import analyzes the tables
    it writes each time the archive has doubled since they were last analyzed: nine times
    from an empty archive to the release's 251,287 cables."""

    FIRST = 1000  # cables: below that, any plan is quick

    def __init__(self):
        self.enabled = connection.vendor == "postgresql"
        self.cables = self.analyzed = 0
        if self.enabled:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                    [Cable._meta.db_table],
                )
                # -1: never analyzed, whatever its size: analyzed after the first batches
                self.cables = self.analyzed = max(int(cursor.fetchone()[0]), 0)

    def grown(self, new_cables):
        """After a batch that added ``new_cables`` cables."""
        if not self.enabled:
            return
        self.cables += new_cables
        if self.cables - self.analyzed < max(self.analyzed, self.FIRST):
            return
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(ANALYZED)}")
        self.analyzed = self.cables


def recognize_pages(documents):
    """The documents, each page left unread read (readers.read_page), except those whose
    bytes a stored cable was read from by this version of the reading: reading them would
    give the stored text, whose hash they take, unread."""
    unread = {document.source_hash for document in documents if document.data is not None}
    if not unread:
        return documents
    stored = dict(
        Cable.objects.filter(source_hash__in=unread, read_with=READ_VERSION).values_list(
            "source_hash", "content_hash"
        )
    )
    for index, document in enumerate(documents):
        if document.data is None:
            continue
        if document.source_hash in stored:
            document.content_hash = stored[document.source_hash]
        else:
            documents[index] = read_page(document)
    return documents


# Cables whose source hash one statement sets: three parameters each, within SQLite's 999.
SOURCE_HASHES_AT_ONCE = 300


def keep_source_hashes(source_hashes):
    """Set the source hash of each cable (reference ID → hash)."""
    pending = list(source_hashes.items())
    for start in range(0, len(pending), SOURCE_HASHES_AT_ONCE):
        part = dict(pending[start : start + SOURCE_HASHES_AT_ONCE])
        Cable.objects.filter(reference_id__in=part).update(
            source_hash=Case(
                *(When(reference_id=key, then=Value(value)) for key, value in part.items())
            )
        )


SEEN = "cables_import_seen"  # migrations/0008_import_state.py
# What the batches look up in the tables they fill: the statistics of these columns only
# (those of the search vectors cost most of a whole ANALYZE); the row counts come with them.
ANALYZED = [
    f"{table} ({', '.join(columns)})"
    for table, columns in [
        (Cable._meta.db_table, ["reference_id", "content_hash", "source_hash"]),
        (Paragraph._meta.db_table, ["cable_id"]),
        (Mention._meta.db_table, ["cable_id", "entity_id", "entity_key_id"]),
        (Reference._meta.db_table, ["target_reference_id"]),
        (Entity._meta.db_table, ["key"]),
        (EntityKey._meta.db_table, ["key", "surname"]),
        (SEEN, ["reference_id"]),
    ]
]


def reserved_ids(model, count):
    """On PostgreSQL, ``count`` new primary keys of ``model``, taken from its sequence in one
    statement, so that the rows can be written with them and need no look-up afterwards: at
    the release's size, reading back the ids of each batch's paragraphs took the server 0.16 s
    a batch, 7 % of the import. None on SQLite, where the rows take their ids as they go in."""
    if connection.vendor != "postgresql" or not count:
        return None
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def stored_body_length(reference_id):
    """The length of the body stored for this cable."""
    return (
        Cable.objects.filter(reference_id=reference_id)
        .values_list(Length("body"), flat=True)
        .first()
    )


def seen_in_this_run(reference_ids):
    """{reference_id: (content hash, body length, source)} of the cables this run has met; the
    length is None for a text found stored already (`BatchWriter.already_stored`)."""
    reference_ids = list(reference_ids)
    seen = {}
    with connection.cursor() as cursor:
        for start in range(0, len(reference_ids), 900):
            part = reference_ids[start : start + 900]
            cursor.execute(
                f"SELECT reference_id, content_hash, body_length, source FROM {SEEN} "
                f"WHERE reference_id IN ({', '.join(['%s'] * len(part))})",
                part,
            )
            seen.update((row[0], row[1:]) for row in cursor.fetchall())
    return seen


def remember_seen(rows):
    """(reference_id, content hash, body length or None, source): the text this run keeps of
    each (one row a cable)."""
    rows = list(rows)
    names = ["reference_id", "content_hash", "body_length", "source"]
    conflict = " ON CONFLICT (reference_id) DO UPDATE SET " + ", ".join(
        f"{name} = excluded.{name}" for name in names[1:]
    )
    if connection.vendor == "sqlite":
        insert_values(SEEN, names, rows, conflict=conflict)
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {SEEN} ({', '.join(names)}) VALUES (%s, %s, %s, %s){conflict}", rows
        )


PARAGRAPH_FIELDS = ["position", "number", "anchor", "marking", "level", "caveats", "text"]
REFERENCE_FIELDS = ["position", "label", "printed", "target_reference_id"]
# A record's paragraph or reference ({field: value}) as the values of its row, in C
paragraph_values = itemgetter(*PARAGRAPH_FIELDS)
reference_values = itemgetter(*REFERENCE_FIELDS)
MENTION_COLUMNS = ["entity_id", "paragraph_id", "cable_id", "entity_key_id"]
MENTION_COLUMNS += ["start", "end", "text", "name"]


def refresh_tag_counts():
    """Tag.cable_count, in one statement, so that the glossary never counts per request."""
    counts = (
        CableTag.objects.filter(tag=OuterRef("pk"))
        .order_by()
        .values("tag")
        .annotate(count=Count("pk"))
        .values("count")
    )
    Tag.objects.update(cable_count=Coalesce(Subquery(counts), Value(0)))
