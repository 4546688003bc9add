"""The database side of entities: merge keys to entity rows, corrections by hand, counts.

The extractor (cables.entities, pure Python) gives every mention a merge key. Here:

- `EntityIndex` (one per import run) turns keys into rows for the writer: an `EntityKey` per
  key, pointing at the entity its mentions belong to, and an `Entity` per key, both created in
  bulk the first time a key is met. Alias corrections apply as mentions are written. Its cache
  of keys is bounded: a run's memory does not grow with the archive.
- A surname alone joins the one full name with that surname (`resolve_keys_of`), as soon as
  a batch brings a new key of that surname: the mentions written after it go to the right
  entity at once, and only those written before it move.
- What a run leaves to do is kept in the database, in the transaction of the batch that made
  it: the entities to refresh (`cables_entity_pending`), the surnames of new person keys
  (`cables_surname_pending`) and, in a first import, the mentions to move with their key
  (`cables_move_pending`). `finish_run` does it at the end of a run, or of the next run when
  one was killed: the moves, `resolve_surnames` (the surnames once more, over the whole
  archive), then names, aliases and counts of the pending entities, in batches.
- `merge_entities`, `split_entity`, `rename_entity`: corrections by hand (the admin and
  `manage.py entities` call them). Each is stored as data (`EntityCorrection`, or
  `Entity.name_locked`) that every later import applies again.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.utils.text import slugify

from cables.entities import fold, resolve_keys, surname_of
from cables.models import (
    Entity,
    EntityAlias,
    EntityCorrection,
    EntityKey,
    Mention,
    Tag,
    alias_texts,
)
from cables.sql import beside, every_row_wanted, session_setting

from .bulk import insert_objects, insert_rows, insert_values
from .indexes import mention_index_built

KINDS = {"person": Entity.Kind.PERSON, "org": Entity.Kind.ORGANIZATION, "place": Entity.Kind.PLACE}
REFRESH_BATCH = 500
LOOKUP_BATCH = 2000
MAX_ALIASES = 100
# Keys kept between batches; past this the cache starts again (a batch meets a few thousand).
MAX_CACHED_KEYS = 100_000
ENTITY_PENDING = "cables_entity_pending"  # tables of migrations/0008_import_state.py
SURNAME_PENDING = "cables_surname_pending"
MOVES_PENDING = "cables_move_pending"  # migrations/0016_moves_pending.py
KEY_INDEX = "mention_key_entity_idx"  # the mentions' (key, entity) index


def kind_of(key):
    return KINDS.get(key.partition(":")[0], Entity.Kind.ORGANIZATION)


def spelling(text):
    """A mention's text with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def chunks(items, size=LOOKUP_BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Slugs --------------------------------------------------------------------------------------


def slug_candidate(key, name, attempt):
    """From the key, so that it does not depend on which spelling came first ("mustafa-najjar"
    whether "Mostafa Mohammad-Najjar" or "Mustafa Najjar" was imported first); countries by
    name ("azerbaijan", not "az"). Then with the kind, then with a hash of the key."""
    prefix, _, value = key.partition(":")
    if prefix == "place" and len(value) == 2:
        value = fold(name)
    base = slugify(value)[:180] or "entity"
    if attempt == 0:
        return base
    if attempt == 1:
        return f"{base}-{kind_of(key)}"
    return f"{base}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def unique_slugs(keys, names):
    chosen = {}
    for attempt in range(3):
        wanted = {
            key: slug_candidate(key, names[key], attempt) for key in keys if key not in chosen
        }
        if not wanted:
            break
        taken = set(chosen.values())
        for part in chunks(set(wanted.values())):
            taken.update(Entity.objects.filter(slug__in=part).values_list("slug", flat=True))
        for key in sorted(wanted):
            if wanted[key] not in taken:
                chosen[key] = wanted[key]
                taken.add(wanted[key])
    return chosen


def unique_slug(name):
    """A free slug for an entity made by hand."""
    base = slugify(fold(name))[:180] or "entity"
    slug, number = base, 1
    while Entity.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


# --- During an import ---------------------------------------------------------------------------


class EntityIndex:
    """Merge key → (EntityKey pk, Entity pk) for one import run, creating what is missing."""

    def __init__(self):
        self.keys = {}
        self.linked_places = set()  # TAGS codes whose place was set in this run
        self.whole = dict(EntityCorrection.objects.filter(alias="").values_list("key", "entity_id"))
        self.by_alias = {
            (key, alias): entity_id
            for key, alias, entity_id in EntityCorrection.objects.exclude(alias="").values_list(
                "key", "alias", "entity_id"
            )
        }

    def ids_for(self, names):
        """{key: (entity key pk, entity pk)} for these keys ({key: a display name})."""
        if len(self.keys) > MAX_CACHED_KEYS:
            self.keys = {}
        missing = [key for key in names if key not in self.keys]
        if not missing:
            return self.keys
        found = self.fetch(missing)
        absent = [key for key in missing if key not in found]
        changed = {}  # keys of earlier batches that a new key of their surname settled
        if absent:
            entities = self.entities_for(absent, names)
            # No other run writes meanwhile (one import at a time): plain inserts.
            insert_objects(
                EntityKey,
                [
                    {
                        "key": key,
                        "entity": self.whole.get(key, entities[key]),
                        "surname": surname_of(key),
                    }
                    for key in absent
                ],
            )
            # A new key may settle its surname's keys (a surname alone met after its full name,
            # or a full name after its surname): resolved now, their mentions from here on are
            # written where they belong. Left to the run's end, the surnames' keys had their
            # mentions moved there: at 20,000 generated cables 45,620 rows, 43,608 of them
            # written after the full name was known.
            surnames = {surname_of(key) for key in absent} - {""}
            changed = resolve_keys_of(with_surname_alone(surnames, absent), self.whole)
            found.update(self.fetch(absent))
            mark_pending(SURNAME_PENDING, "surname", surnames)
        self.keys.update(found)
        for key, ids in changed.items():
            if key in self.keys:
                self.keys[key] = ids
        return self.keys

    @staticmethod
    def fetch(keys):
        found = {}
        for part in chunks(keys):
            found.update(
                (key, (pk, entity_id))
                for key, pk, entity_id in EntityKey.objects.filter(key__in=part).values_list(
                    "key", "pk", "entity_id"
                )
            )
        return found

    @staticmethod
    def entities_for(keys, names):
        """The Entity row of each key, created in bulk when missing."""
        existing = {}
        for part in chunks(keys):
            existing.update(Entity.objects.filter(key__in=part).values_list("key", "pk"))
        to_make = [key for key in keys if key not in existing]
        if to_make:
            slugs = unique_slugs(to_make, names)
            insert_objects(
                Entity,
                [
                    {
                        "key": key,
                        "name": names[key][:200],
                        "kind": kind_of(key),
                        "slug": slugs[key],
                        "aliases": [names[key]],
                        "name_locked": False,
                        "mention_count": 0,
                        "cable_count": 0,
                    }
                    for key in to_make
                    if key in slugs
                ],
            )
            for part in chunks(to_make):
                existing.update(Entity.objects.filter(key__in=part).values_list("key", "pk"))
        return existing

    def entity_of(self, key, text):
        """The entity a mention belongs to: an alias correction, else its key's entity."""
        entity_id = self.keys[key][1]
        if self.by_alias:
            entity_id = self.by_alias.get((key, spelling(text)), entity_id)
        return entity_id

    def link_places(self, tag_places):
        """Tag.place for TAGS country codes (AJ → Azerbaijan), once per code and run."""
        for code, key in tag_places.items():
            if code in self.linked_places:
                continue
            entity_id = self.keys[key][1]
            Tag.objects.filter(code=code).exclude(place_id=entity_id).update(place_id=entity_id)
            self.linked_places.add(code)


def mark_pending(table, column, values):
    """Remember values (all integers, or all strings) to see to at the end of the run, in the
    current transaction. PostgreSQL takes them as one array in one statement: a batch marks
    thousands of entities, each a round of the server's otherwise. SQLite takes them in
    statements of many rows (`insert_values`)."""
    values = list(values)
    if not values:
        return
    conflict = f" ON CONFLICT ({column}) DO NOTHING"
    if connection.vendor != "postgresql":
        insert_values(table, [column], [(value,) for value in values], conflict=conflict)
        return
    kind = "bigint" if isinstance(values[0], int) else "text"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column}) SELECT unnest(%s::{kind}[]){conflict}", [values]
        )


def mark_entities_of_cables(cable_ids):
    """The entities these cables mention are to be refreshed (their mentions are about to go,
    or have just come)."""
    mention = Mention._meta.db_table
    cable_ids = list(cable_ids)
    with connection.cursor() as cursor:
        for part in chunks(cable_ids, 900):
            cursor.execute(
                f"INSERT INTO {ENTITY_PENDING} (entity_id) SELECT DISTINCT entity_id "
                f"FROM {mention} WHERE cable_id IN ({', '.join(['%s'] * len(part))}) "
                "ON CONFLICT (entity_id) DO NOTHING",
                part,
            )


def pending(table, column, size, share=(1, 0)):
    """The first ``size`` values to see to (all of them for None), in order; with ``share``
    (parts, part), only those of one part of the values (their remainder by ``parts`` is
    ``part``)."""
    parts, part = share
    where = f"WHERE {column} %% {int(parts)} = {int(part)} " if parts > 1 else ""
    limit = "" if size is None else f" LIMIT {int(size)}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} {where}ORDER BY {column}{limit}", [])
        return [row[0] for row in cursor.fetchall()]


def pending_count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def forget_pending(table, column, values):
    with connection.cursor() as cursor:
        for part in chunks(values, 900):
            cursor.execute(
                f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(part))})", part
            )


def finish_run(index: EntityIndex | None = None):
    """After the last batch: merge surname keys into full names, then refresh every pending
    entity (those of this run, and of a run killed before it). Returns how many changed.

    When most of the archive's entities wait (a first import, a run that read every cable
    again), their mentions are read once, in entity order (`refresh_in_one_pass`). Otherwise
    they are looked up a batch at a time; on PostgreSQL in two halves, the odd ids on a
    connection of their own, so that the server recounts on both cores. SQLite writes one
    transaction at a time: one connection."""
    make_pending_moves()
    resolve_surnames()
    waiting = pending_count(ENTITY_PENDING)
    if waiting > REFRESH_BATCH and waiting >= ONE_PASS_SHARE * Entity.objects.count():
        return refresh_in_one_pass()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return refresh_pending()
    other = []
    with beside(lambda: other.append(refresh_pending(share=(2, 1)))):
        refreshed = refresh_pending(share=(2, 0))
    return refreshed + sum(other)


def refresh_pending(share=(1, 0)):
    """Refresh the pending entities (of one share), a batch a transaction; how many."""
    refreshed = 0
    while batch := pending(ENTITY_PENDING, "entity_id", REFRESH_BATCH, share):
        with transaction.atomic():
            refresh_entities(batch)
            forget_pending(ENTITY_PENDING, "entity_id", batch)
        refreshed += len(batch)
    return refreshed


# From this share of the archive's entities pending, the recount reads all their mentions in
# one pass. Batch by batch, each batch's mentions were found through the entity index and
# read row by row (on SQLite), or the whole table was scanned for each batch (on PostgreSQL,
# for the batches holding the most named entities). At 251,287 generated cables, recounting
# all 6,806 entities took 25.2 s on SQLite and 24.6 s on PostgreSQL that way; 11.1 and 3.7 s
# in one pass.
ONE_PASS_SHARE = 0.5


def refresh_in_one_pass():
    """Refresh every pending entity from two passes over the mentions, in one transaction:
    the cables each entity is named in, and its mentions grouped by spelling, the second read
    as a stream in entity order and applied a batch of entities at a time. On PostgreSQL the
    first runs on a connection of its own meanwhile. A run stopped inside leaves them all
    pending. Returns how many."""
    ids = pending(ENTITY_PENDING, "entity_id", None)
    waiting = RawSQL(f"SELECT entity_id FROM {ENTITY_PENDING}", [])
    mentions = Mention.objects.filter(entity_id__in=waiting)
    cables = {}

    def count_cables():
        with table_read_whole():
            cables.update(cable_counts(mentions))

    aside = None
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        aside = beside(count_cables)
    else:
        count_cables()
    with (
        aside or contextlib.nullcontext(),
        transaction.atomic(),
        every_row_wanted(),
        connection.chunked_cursor() as cursor,
    ):
        cursor.execute(one_pass_groups())
        groups = itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(ONE_PASS_FETCH), []))
        row = next(groups, None)  # the database has grouped them all by now
        if aside:
            aside.wait()
        for batch in chunks(ids, REFRESH_BATCH):
            rows = []
            while row is not None and row[0] <= batch[-1]:
                rows.append(row)
                row = next(groups, None)
            apply_counts(batch, cables, rows)
        forget_pending(ENTITY_PENDING, "entity_id", ids)
    return len(ids)


@contextlib.contextmanager
def table_read_whole():
    """PostgreSQL reads the mention table itself, not its entity index, and sorts in memory,
    for this connection (nothing on SQLite, whose covering entity index holds the cables).
    After an import the index's rows are not yet marked visible to all (VACUUM comes later),
    so an index-only scan reads every row in the table too, in index order: at 251,287
    cables, the cables of every entity took 18.2 s that way, 8.1 s from the table."""
    with contextlib.ExitStack() as stack:
        for scan in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
            stack.enter_context(session_setting(scan, "off"))
        stack.enter_context(session_setting("work_mem", f"'{SORT_MEMORY}'"))
        yield


# Memory for PostgreSQL to sort the mentions in, when counting every entity's cables.
SORT_MEMORY = "256MB"


# Spelling groups fetched at a time in a pass over every mention.
ONE_PASS_FETCH = 5000


def one_pass_groups():
    """The spelling groups of the pending entities' mentions, in entity order, from the table
    read in its own order and sorted: SQLite would otherwise walk the entity index and read
    every mention where it lies (at 251,287 cables, 16.0 s against 7.5)."""
    table = Mention._meta.db_table
    not_indexed = " NOT INDEXED" if connection.vendor == "sqlite" else ""
    return (
        f"SELECT entity_id, text, name, COUNT(*) FROM {table}{not_indexed} "
        f"WHERE entity_id IN (SELECT entity_id FROM {ENTITY_PENDING}) "
        "GROUP BY entity_id, text, name ORDER BY entity_id"
    )


def resolve_surnames():
    """Point the person keys of each pending surname at their entity: the whole-key
    correction, else the entity of the key `resolve_keys` merges it into. `resolve_keys` only
    ever compares keys sharing a surname, so the keys of one surname decide among themselves:
    the result is the one over the whole archive, whatever the order of imports. Each batch
    has done so already for the surnames of its new keys (`EntityIndex.ids_for`): this pass
    finds them settled, unless corrections by hand changed the keys' entities meanwhile."""
    whole = dict(EntityCorrection.objects.filter(alias="").values_list("key", "entity_id"))
    while surnames := pending(SURNAME_PENDING, "surname", LOOKUP_BATCH):
        with transaction.atomic():
            resolve_keys_of(surnames, whole)
            forget_pending(SURNAME_PENDING, "surname", surnames)


def with_surname_alone(surnames, new_keys):
    """Those of these surnames that have a key of the surname alone ("person:najjar"), new or
    not: the others have nothing to resolve. Most new person keys are full names whose
    surname is never met alone (at 20,000 generated cables, looking only at these took a
    batch's resolving from 3.5 s in all to 2.9 s)."""
    alone = {f"person:{surname}": surname for surname in surnames}
    found = {alone[key] for key in new_keys if key in alone}
    for part in chunks(alone.keys() - set(new_keys)):
        found.update(EntityKey.objects.filter(key__in=part).values_list("surname", flat=True))
    return found


def resolve_keys_of(surnames, whole):
    """Point the person keys of these surnames at their entity, and the mentions that went
    with a key along (not those an alias correction gave an entity of its own); {key: (pk,
    entity pk)} of the keys that changed."""
    rows = []
    for part in chunks(surnames):
        rows += EntityKey.objects.filter(surname__in=part).values_list("pk", "key", "entity_id")
    merged = resolve_keys(key for _, key, _ in rows)
    own = {}
    for part in chunks({key for _, key, _ in rows}):
        own.update(Entity.objects.filter(key__in=part).values_list("key", "pk"))
    moves = []
    for pk, key, old in rows:
        target = merged.get(key, key)
        new = whole.get(key) or whole.get(target) or own.get(target) or own.get(key)
        if new not in (old, None):
            moves.append((pk, key, old, new))
    if not moves:
        return {}
    entity_key, entity = (connection.ops.quote_name(m._meta.db_table) for m in (EntityKey, Entity))
    key_column = connection.ops.quote_name("key")
    # A statement each, a row of parameters a key: a batch changes a few keys, the run's end
    # hundreds, and a round trip each made most of their time.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {entity_key} SET entity_id = %s WHERE id = %s",
            [(new, pk) for pk, _, _, new in moves],
        )
        # The key's own entity leads to where its mentions went (or stands alone again).
        cursor.executemany(
            f"UPDATE {entity} SET merged_into_id = %s WHERE {key_column} = %s AND id <> %s",
            [(new, key, new) for _, key, _, new in moves],
        )
        cursor.executemany(
            f"UPDATE {entity} SET merged_into_id = NULL WHERE {key_column} = %s AND id = %s",
            [(key, new) for _, key, _, new in moves],
        )
    move_mentions([(pk, old, new) for pk, _, old, new in moves])
    mark_pending(ENTITY_PENDING, "entity_id", {e for _, _, old, new in moves for e in (old, new)})
    return {key: (pk, new) for pk, key, _, new in moves}


def move_mentions(moves):
    """Each key's mentions on its old entity go to its new one: [(key pk, old, new)], in order.

    They are found through the mentions' (key, entity) index. While a first import has it
    dropped (`indexes.defer_indexes`), each move was a scan of every mention written so far:
    at 87,084 generated cables, 55 batches moved 506 keys' mentions in 13.1 s of the run's
    266 s, the last ones 0.4 s a key and growing with the table. So the moves wait in
    MOVES_PENDING, in the batch's transaction, each with the last mention id written before it
    (the rows it would have found), and are made in order once the index is there
    (`make_pending_moves`)."""
    if not moves:
        return
    mention = connection.ops.quote_name(Mention._meta.db_table)
    indexed = mention_index_built(KEY_INDEX)
    if indexed:
        make_pending_moves()  # first those left by a run killed before its end
    with connection.cursor() as cursor:
        if not indexed:
            last = last_mention_id(cursor)
            cursor.executemany(
                f"INSERT INTO {MOVES_PENDING} (entity_key_id, from_entity_id, to_entity_id, "
                "last_mention_id) VALUES (%s, %s, %s, %s)",
                [(pk, old, new, last) for pk, old, new in moves],
            )
            return
        cursor.executemany(
            f"UPDATE {mention} SET entity_id = %s WHERE entity_key_id = %s AND entity_id = %s",
            [(new, pk, old) for pk, old, new in moves],
        )


def last_mention_id(cursor):
    """The highest id given to a mention so far. On PostgreSQL, the last value of the ids'
    sequence: a first import builds the mentions' primary key at its end (`indexes`), and
    without it MAX(id) reads every mention. The run is the only writer of mentions (one import
    at a time), and the sequence gives every later row a higher id."""
    table = Mention._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s)::regclass)",
            [table, Mention._meta.pk.column],
        )
    else:  # the table's rowid: read from its b-tree's last page
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
    return cursor.fetchone()[0] or 0


@transaction.atomic
def make_pending_moves():
    """Make the mention moves that wait (`move_mentions`), in the order they were decided;
    how many."""
    mention = connection.ops.quote_name(Mention._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entity_key_id, from_entity_id, to_entity_id, last_mention_id "
            f"FROM {MOVES_PENDING} ORDER BY id"
        )
        moves = cursor.fetchall()
        if not moves:
            return 0
        cursor.executemany(
            f"UPDATE {mention} SET entity_id = %s "
            "WHERE entity_key_id = %s AND entity_id = %s AND id <= %s",
            [(new, pk, old, last) for pk, old, new, last in moves],
        )
        cursor.execute(f"DELETE FROM {MOVES_PENDING}")
    return len(moves)


# --- Names, aliases and counts ------------------------------------------------------------------


def display_name(kind, names):
    """The name to show: mixed case over all capitals, a full name over a surname alone, then
    the most frequent, then the longest. All-capitals names of people and places are
    capitalised word by word (HEYDAR ALIYEV → Heydar Aliyev); acronyms stay as they are."""

    def score(item):
        name, count = item
        return (
            not name.isupper(),
            kind == Entity.Kind.PERSON and len(name.split()) > 1,
            count,
            len(name),
            name,
        )

    best = max(names.items(), key=score)[0]
    if best.isupper() and kind != Entity.Kind.ORGANIZATION:
        best = " ".join(
            "-".join(part.capitalize() for part in word.split("-")) for word in best.lower().split()
        )
    return best


def refresh_entities(entity_ids):
    """Counts, aliases and (unless locked) names of these entities, 500 at a time: two GROUP BY
    queries on the mention indexes and one executemany UPDATE per batch."""
    entity_ids = sorted(entity_id for entity_id in entity_ids if entity_id is not None)
    for batch in chunks(entity_ids, REFRESH_BATCH):
        mentions = Mention.objects.filter(entity_id__in=batch)
        apply_counts(batch, cable_counts(mentions), spelling_groups(mentions))


def cable_counts(mentions):
    """{entity id: the number of cables naming it} over these mentions."""
    return dict(
        mentions.values("entity_id")
        .annotate(cables=Count("cable_id", distinct=True))
        .order_by()
        .values_list("entity_id", "cables")
    )


def spelling_groups(mentions):
    """(entity id, text, name, how many) of these mentions: their count and spellings."""
    return mentions.values_list("entity_id", "text", "name").annotate(n=Count("*")).order_by()


def apply_counts(batch, cables, groups):
    """Write the names, aliases and counts of the entities of ``batch`` (ids) from their
    ``cables`` counts and their mentions' spelling ``groups``, where they changed: one
    executemany UPDATE, and their alias rows anew where the aliases changed."""
    aliases_field = Entity._meta.get_field("aliases")
    table = connection.ops.quote_name(Entity._meta.db_table)
    update = (
        f"UPDATE {table} SET name = %s, aliases = %s, mention_count = %s, cable_count = %s "
        "WHERE id = %s"
    )
    spellings, names, mentioned = defaultdict(Counter), defaultdict(Counter), Counter()
    for entity_id, text, name, count in groups:
        spellings[entity_id][spelling(text)] += count
        names[entity_id][spelling(name or text)] += count
        mentioned[entity_id] += count
    updates, new_alias_rows, aliases_changed = [], [], []
    entities = Entity.objects.filter(pk__in=batch).values_list(
        "pk", "name", "kind", "aliases", "name_locked", "mention_count", "cable_count"
    )
    for pk, name, kind, aliases, locked, mention_count, cable_count in entities:
        new_counts = (mentioned[pk], cables.get(pk, 0))
        if pk in spellings:
            ranked = sorted(spellings[pk].items(), key=lambda item: (-item[1], item[0]))
            new_aliases = [text for text, _ in ranked][:MAX_ALIASES]
            new_name = name if locked else display_name(kind, names[pk])[:200]
        else:
            new_aliases, new_name = aliases, name
        texts = alias_texts(new_aliases)
        if texts != alias_texts(aliases or []):
            aliases_changed.append(pk)
            new_alias_rows.extend((pk, text) for text in texts)
        if (new_name, new_aliases, *new_counts) != (name, aliases, mention_count, cable_count):
            updates.append(
                (
                    new_name,
                    aliases_field.get_db_prep_save(new_aliases, connection),
                    *new_counts,
                    pk,
                )
            )
    if updates:
        with connection.cursor() as cursor:
            cursor.executemany(update, updates)
    if aliases_changed:
        EntityAlias.objects.filter(entity_id__in=aliases_changed).delete()
        insert_rows(EntityAlias, ["entity_id", "text"], new_alias_rows)


# --- Corrections by hand ------------------------------------------------------------------------


def final(entity):
    """The entity an entity was merged into, followed to the end."""
    seen = set()
    while entity.merged_into_id and entity.pk not in seen:
        seen.add(entity.pk)
        entity = entity.merged_into
    return entity


@transaction.atomic
def merge_entities(sources, target, note=""):
    """Merge these entities into `target`: their keys, mentions, TAGS and corrections follow,
    and their slugs lead to it. Returns the number of entities merged."""
    make_pending_moves()
    target = final(target)
    source_ids = [entity.pk for entity in sources if final(entity).pk != target.pk]
    if not source_ids:
        return 0
    for key in EntityKey.objects.filter(entity_id__in=source_ids).values_list("key", flat=True):
        EntityCorrection.objects.update_or_create(
            key=key, alias="", defaults={"entity": target, "note": note or "merge"}
        )
    EntityCorrection.objects.filter(entity_id__in=source_ids).update(entity=target)
    EntityKey.objects.filter(entity_id__in=source_ids).update(entity=target)
    Mention.objects.filter(entity_id__in=source_ids).update(entity=target)
    Tag.objects.filter(place_id__in=source_ids).update(place=target)
    Entity.objects.filter(merged_into_id__in=source_ids).update(merged_into=target)
    Entity.objects.filter(pk__in=source_ids).update(merged_into=target)
    refresh_entities([*source_ids, target.pk])
    return len(source_ids)


@transaction.atomic
def split_entity(entity, name, *, aliases=(), keys=(), note=""):
    """Move the mentions written as one of `aliases`, and every mention of `keys`, from this
    entity to a new one called `name`. Returns the new entity."""
    make_pending_moves()
    wanted = {spelling(alias) for alias in aliases if spelling(alias)}
    new = Entity.objects.create(
        name=name[:200], kind=entity.kind, slug=unique_slug(name), name_locked=True
    )
    for key in keys:
        EntityCorrection.objects.update_or_create(
            key=key, alias="", defaults={"entity": new, "note": note or "split"}
        )
        EntityKey.objects.filter(key=key, entity=entity).update(entity=new)
        Mention.objects.filter(entity=entity, entity_key__key=key).update(entity=new)
    if wanted:
        moved, pairs = [], set()
        mentions = Mention.objects.filter(entity=entity).values_list(
            "pk", "entity_key__key", "text"
        )
        for pk, key, text in mentions.iterator(chunk_size=5000):
            if spelling(text) in wanted:
                moved.append(pk)
                if key:
                    pairs.add((key, spelling(text)))
        for key, alias in sorted(pairs):
            EntityCorrection.objects.update_or_create(
                key=key, alias=alias, defaults={"entity": new, "note": note or "split"}
            )
        for part in chunks(moved):
            Mention.objects.filter(pk__in=part).update(entity=new)
    refresh_entities([entity.pk, new.pk])
    new.refresh_from_db()
    return new


def rename_entity(entity, name):
    """A name chosen by hand, kept by every later import (the slug stays: links keep working)."""
    Entity.objects.filter(pk=entity.pk).update(name=name[:200], name_locked=True)
    entity.name, entity.name_locked = name[:200], True
    return entity
