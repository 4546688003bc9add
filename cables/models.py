"""The archive's data: cables, their paragraphs, tags, caveats, references and entities.

Filled by `import_cables`; read by the web layer. Every index says which query it serves.
"""

from django.db import connection, models
from django.db.models import Exists, F, Max, OuterRef
from django.db.models.functions import Upper
from django.urls import reverse

from cables.sql import Unindexed


class Classification(models.TextChoices):
    UNCLASSIFIED = "UNCLASSIFIED", "Unclassified"
    CONFIDENTIAL = "CONFIDENTIAL", "Confidential"
    SECRET = "SECRET", "Secret"
    TOP_SECRET = "TOP SECRET", "Top secret"


# Ordered from least to most restricted, for "at least SECRET" questions.
CLASSIFICATION_ORDER = [choice.value for choice in Classification]


class PortionLevel(models.TextChoices):
    """The level of one paragraph's portion marking: (U), (SBU), (C), (S), (TS)."""

    UNMARKED = "", "Unmarked"
    UNCLASSIFIED = "U", "Unclassified"
    SBU = "SBU", "Sensitive but unclassified"
    CONFIDENTIAL = "C", "Confidential"
    SECRET = "S", "Secret"
    TOP_SECRET = "TS", "Top secret"


class CableQuerySet(models.QuerySet):
    walk = False  # see walking()

    def _clone(self):
        clone = super()._clone()
        clone.walk = self.walk
        return clone

    def walking(self):
        """For one page in date order: on SQLite, the id filters below test each cable met
        while walking the date index (cable_created_idx) instead of driving the query from
        every matching id, all of them then sorted. For a tag on 31,000 of 50,000 cables:
        55 ms before, 3 ms now; at worst the walk reads the whole index, without the rows."""
        clone = self._clone()
        clone.walk = True
        return clone

    def with_ids_in(self, ids):
        """Cables whose id is among `ids` (a subquery): every id filter goes through here."""
        if not self.walk:
            return self.filter(pk__in=ids)
        walked = (
            self
            if "walked_id" in self.query.annotations
            else self.alias(walked_id=Unindexed(F("pk")))
        )
        return walked.filter(walked_id__in=ids)

    def classified_at_least(self, classification):
        """Cables at this classification level or above ("SECRET" gives SECRET and TOP SECRET)."""
        levels = CLASSIFICATION_ORDER[CLASSIFICATION_ORDER.index(classification) :]
        return self.filter(classification__in=levels)

    def tagged_with_all(self, codes):
        """Cables carrying every one of these TAGS: one subquery per tag, no join, no DISTINCT."""
        queryset = self
        for code in codes:
            queryset = queryset.with_ids_in(
                CableTag.objects.filter(tag__code=code).values("cable_id")
            )
        return queryset

    def tagged_with_all_ids(self, tag_ids):
        """The same, by tag id: the ids are written into the query, so that PostgreSQL plans
        with that tag's own number of cables (its statistics), not the average tag's: for a
        tag on most cables it then walks the date index instead of sorting them all."""
        queryset = self
        for tag_id in tag_ids:
            queryset = queryset.with_ids_in(
                CableTag.objects.filter(tag_id=tag_id).values("cable_id")
            )
        return queryset

    def mentioning_all(self, entity_ids, cable_counts=None):
        """Cables naming every one of these entities: one subquery per entity, like TAGS.

        Walking on SQLite, an entity named in a large share of the archive (by `cable_counts`,
        {entity id: its cables}) is tested cable by cable instead, one probe of
        mention_entity_idx each: a page of its cables comes after a few dozen probes,
        where gathering every cable of the most cited entity first took 1.8 s on a cold cache
        at 251,287 cables. A rarer entity's cables are gathered first, as few as they are: a
        walk probing each cable for it could read the whole archive."""
        probed = set()
        if cable_counts and self.walk and connection.vendor == "sqlite":
            probed = widely_mentioned(cable_counts)
        queryset = self
        for entity_id in entity_ids:
            mentions = Mention.objects.filter(entity_id=entity_id)
            if entity_id in probed:
                queryset = queryset.filter(Exists(mentions.filter(cable_id=OuterRef("pk"))))
            else:
                queryset = queryset.with_ids_in(mentions.values("cable_id"))
        return queryset

    def with_paragraph_marked(self, level):
        """Cables with at least one paragraph at this portion level, e.g. "S"."""
        return self.with_ids_in(Paragraph.objects.filter(level=level).values("cable_id"))

    def with_caveat(self, code):
        return self.with_ids_in(
            Cable.caveats.through.objects.filter(caveat__code=code).values("cable_id")
        )

    def with_caveat_id(self, caveat_id):
        """By id, written into the query for PostgreSQL's statistics, as tagged_with_all_ids."""
        return self.with_ids_in(
            Cable.caveats.through.objects.filter(caveat_id=caveat_id).values("cable_id")
        )


class Caveat(models.Model):
    """A dissemination control or handling caveat: NOFORN, SIPDIS, EXDIS, NODIS, SBU…"""

    code = models.CharField(max_length=32, unique=True)
    meaning = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("cables:list") + f"?caveat={self.code}"


class Tag(models.Model):
    """A TAGS code as printed on cables: a subject, program, country, organization or person."""

    class Kind(models.TextChoices):
        SUBJECT = "subject", "Subject"
        PROGRAM = "program", "Program"
        COUNTRY = "country", "Country"
        ORGANIZATION = "organization", "Organization"
        PERSON = "person", "Person"
        UNKNOWN = "unknown", "Unknown"

    code = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SUBJECT)
    meaning = models.CharField(max_length=300, blank=True)
    # Kept up to date by the importer, so that the glossary never counts at request time.
    cable_count = models.PositiveIntegerField(default=0)
    # The place a country code stands for (AJ: Azerbaijan), set by the importer.
    place = models.ForeignKey(
        "Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="tags"
    )

    class Meta:
        ordering = ["code"]
        indexes = [
            # The glossary: tags of one kind, most used first.
            models.Index(fields=["kind", "-cable_count"], name="tag_kind_count_idx"),
            models.Index(fields=["-cable_count"], name="tag_count_idx"),
        ]

    def __str__(self):
        return f"{self.code} ({self.meaning})" if self.meaning else self.code

    def get_absolute_url(self):
        return reverse("cables:tag", args=[self.code])


class Cable(models.Model):
    reference_id = models.CharField(max_length=40, unique=True)

    origin = models.CharField(max_length=64, help_text="Station as in reference IDs: BAKU")
    origin_name = models.CharField(max_length=128, help_text="Display name: Embassy Baku")
    created = models.DateTimeField(null=True, blank=True, help_text="UTC, from the DTG")
    released = models.DateField(null=True, blank=True, help_text="WikiLeaks' release date")
    # Stored, not computed, so that year and month facets and filters use an index.
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)

    classification = models.CharField(
        max_length=16, choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    caveats = models.ManyToManyField(Caveat, related_name="cables", blank=True)
    label = models.CharField(max_length=64, help_text="As WikiLeaks showed it: SECRET//NOFORN")
    precedence = models.CharField(max_length=20, blank=True)

    subject = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    # [{"kind": "to"|"info", "routing_indicator", "name", "precedence"}]
    recipients = models.JSONField(default=list, blank=True)
    classified_by = models.JSONField(default=list, blank=True)
    classification_reasons = models.CharField(max_length=200, blank=True)
    signer = models.CharField(max_length=100, blank=True)
    eo = models.CharField("E.O.", max_length=20, blank=True)
    declassify_on = models.DateField(null=True, blank=True)

    header = models.TextField(blank=True)
    body = models.TextField(blank=True)
    partial_extract = models.BooleanField(default=False)

    tags = models.ManyToManyField(Tag, through="CableTag", related_name="cables", blank=True)

    source = models.CharField(max_length=500, blank=True, help_text="File or archive member")
    content_hash = models.CharField(max_length=64, blank=True)
    # The sha256 of the bytes the text was read from (the page, the archive member, the CSV
    # row): a re-import finds an unchanged page by it before reading the page. NULL for the
    # cables imported before it was kept: a NOT NULL column would make SQLite copy the whole
    # table to add it.
    source_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # The version of the import's reading (parser and entities) that read this cable: an
    # import reads a cable of an older one again, though its text is unchanged.
    read_with = models.PositiveSmallIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CableQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "reference_id"]
        indexes = [
            # The list: newest first, and the keyset pagination that follows it.
            models.Index(fields=["-created", "reference_id"], name="cable_created_idx"),
            # Facets and filters on one column, each counted within the current filters.
            models.Index(fields=["label", "created"], name="cable_label_idx"),
            models.Index(fields=["classification", "created"], name="cable_class_idx"),
            models.Index(fields=["origin", "created"], name="cable_origin_idx"),
            models.Index(fields=["year", "month"], name="cable_year_month_idx"),
            models.Index(fields=["precedence"], name="cable_precedence_idx"),
            # Re-imports: a document whose text is already stored is skipped before parsing.
            models.Index(fields=["content_hash"], name="cable_content_hash_idx"),
            models.Index(fields=["source_hash"], name="cable_source_hash_idx"),
        ]

    def __str__(self):
        return f"{self.reference_id}: {self.subject}" if self.subject else self.reference_id

    def get_absolute_url(self):
        return reverse("cables:detail", args=[self.reference_id])


class CableTag(models.Model):
    """A cable's TAGS in the order printed."""

    # No index of their own: cabletag_unique starts with the cable, cabletag_tag_cable_idx with
    # the tag.
    cable = models.ForeignKey(
        Cable, on_delete=models.CASCADE, related_name="cable_tags", db_index=False
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="cable_tags", db_index=False
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cable", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cable", "tag"], name="cabletag_unique"),
        ]
        indexes = [
            # "Cables with tag X" as a subquery, and the tag facet's counts: covering index.
            models.Index(fields=["tag", "cable"], name="cabletag_tag_cable_idx"),
        ]

    def __str__(self):
        return f"{self.cable_id} · {self.tag_id}"


class Paragraph(models.Model):
    # No index of its own: paragraph_position_unique starts with the cable.
    cable = models.ForeignKey(
        Cable, on_delete=models.CASCADE, related_name="paragraphs", db_index=False
    )
    position = models.PositiveIntegerField(help_text="0-based position in the body")
    number = models.CharField(max_length=16, blank=True, help_text="As printed: 1, 4, A")
    # The HTML anchor: "p4" for ¶4, "pos7" for an unnumbered paragraph; unique in its cable.
    anchor = models.CharField(max_length=24)
    marking = models.CharField(max_length=40, blank=True, help_text="As printed: (S//NF)")
    level = models.CharField(max_length=4, choices=PortionLevel.choices, blank=True)
    caveats = models.CharField(max_length=60, blank=True, help_text="From the marking: NF")
    text = models.TextField()

    class Meta:
        ordering = ["cable", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cable", "position"], name="paragraph_position_unique"),
            models.UniqueConstraint(fields=["cable", "anchor"], name="paragraph_anchor_unique"),
        ]
        indexes = [
            # The marking filter: cables with at least one paragraph at a level.
            models.Index(fields=["level", "cable"], name="paragraph_level_cable_idx"),
            # The marking facet: the levels of the paragraphs of the cables counted, read from
            # the index alone (the table rows hold the text).
            models.Index(fields=["cable", "level"], name="paragraph_cable_level_idx"),
        ]

    def __str__(self):
        label = f"¶{self.number}" if self.number else f"paragraph {self.position + 1}"
        return f"{self.cable.reference_id} {label}"

    def get_absolute_url(self):
        if self.number and self.anchor == f"p{self.number}":
            return reverse("cables:paragraph", args=[self.cable.reference_id, self.number])
        return f"{self.cable.get_absolute_url()}#{self.anchor}"


class Reference(models.Model):
    """One entry of a cable's REF list, resolved to a cable when it is in the archive."""

    from_cable = models.ForeignKey(Cable, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=8, blank=True, help_text="A, B, …")
    printed = models.CharField(max_length=300, help_text="As printed: A. STATE 126089")
    target_reference_id = models.CharField(
        max_length=40, blank=True, help_text="Canonical ID; empty when not a cable"
    )
    target = models.ForeignKey(
        Cable, null=True, blank=True, on_delete=models.SET_NULL, related_name="referenced_by"
    )

    class Meta:
        ordering = ["from_cable", "position"]
        indexes = [
            # Resolving references when their target arrives in a later import.
            models.Index(fields=["target_reference_id"], name="reference_target_id_idx"),
        ]

    def __str__(self):
        return f"{self.from_cable.reference_id} → {self.target_reference_id or self.printed}"

    def get_absolute_url(self):
        return self.from_cable.get_absolute_url()


class EntityQuerySet(models.QuerySet):
    def listed(self):
        """Entities shown in lists and facets: named in some cable, not merged into another."""
        return self.filter(cable_count__gt=0, merged_into__isnull=True)


class Entity(models.Model):
    """A person, organization or place named in the cables, merged across spellings.

    The importer makes one per merge key (`key`, from cables.entities); an entity made by hand
    (a split) has none. Hand corrections live in EntityCorrection, so that re-imports keep them.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        PLACE = "place", "Place"

    key = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text="person:mustafa najjar"
    )
    name = models.CharField(max_length=200)
    # Set by a rename by hand: the importer no longer chooses the display name.
    name_locked = models.BooleanField(default=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    slug = models.SlugField(max_length=220, unique=True)
    aliases = models.JSONField(default=list, blank=True)
    mention_count = models.PositiveIntegerField(default=0)
    cable_count = models.PositiveIntegerField(default=0)
    # An entity merged into another keeps its slug, which then leads to the other.
    # No index: it is read only by corrections by hand, and one on a column that is nearly
    # always NULL would tempt SQLite away from the name index when finding by name.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        db_index=False,
    )

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"
        indexes = [
            # Browsing by kind, most mentioned first (/entities/?kind=person).
            models.Index(fields=["kind", "-cable_count"], name="entity_kind_count_idx"),
            # The whole-archive entity facet and /entities/: most mentioned first.
            models.Index(fields=["-cable_count", "slug"], name="entity_count_idx"),
            # Finding by name: a prefix range, and an exact case-insensitive match.
            models.Index(fields=["name"], name="entity_name_idx"),
            models.Index(Upper("name"), name="entity_name_upper_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()})"

    def get_absolute_url(self):
        return reverse("cables:entity", args=[self.slug])

    @property
    def other_names(self):
        """The aliases other than the name shown, most frequent first."""
        return [alias for alias in self.aliases if alias != self.name]


class EntityKey(models.Model):
    """Where the mentions of one merge key go: the importer's resolution, kept between runs.

    Recomputed at the end of each import from `resolve_keys` and the corrections; the writer
    reads it so that a known key goes straight to its entity.
    """

    key = models.CharField(max_length=200, unique=True)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="keys")
    # The last word of a person key ("najjar" for person:mustafa najjar and person:najjar),
    # empty for other kinds: a surname alone is merged with the one full name ending in it.
    surname = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["key"]
        indexes = [
            # The person keys sharing a surname, when a new one arrives (resolve_surnames).
            models.Index(
                fields=["surname"],
                name="entitykey_surname_idx",
                condition=~models.Q(surname=""),
            ),
        ]

    def __str__(self):
        return f"{self.key} → {self.entity_id}"

    def get_absolute_url(self):
        return self.entity.get_absolute_url()


class EntityAlias(models.Model):
    """One way the cables write an entity, in capitals: what the entity search looks up besides
    the name ("IRGC" for the Islamic Revolutionary Guard Corps, "CFK", "Hizballah"). Rewritten
    with the entity's aliases whenever its names are refreshed."""

    # No constraint in the database, as for mentions: written by the refresh only, from the ids
    # it has just read; deletions cascade through Django.
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    text = models.CharField(max_length=200)

    class Meta:
        constraints = [
            # also the index by entity, for the refresh's rewrite
            models.UniqueConstraint(fields=["entity", "text"], name="entityalias_unique"),
        ]
        indexes = [models.Index(fields=["text"], name="entityalias_text_idx")]

    def __str__(self):
        return f"{self.text} → {self.entity_id}"


def alias_texts(aliases):
    """The capitalised forms of an entity's aliases, each once, as EntityAlias holds them."""
    return sorted({" ".join(alias.split()).upper()[:200] for alias in aliases} - {""})


class EntityCorrection(models.Model):
    """A correction by hand: the mentions of `key` (only those written `alias`, when given)
    belong to `entity`. Stored as data so that every later import applies it again."""

    key = models.CharField(max_length=200)
    alias = models.CharField(max_length=200, blank=True, help_text="Empty: every mention")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="corrections")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "alias"]
        constraints = [
            models.UniqueConstraint(fields=["key", "alias"], name="entitycorrection_unique"),
        ]

    def __str__(self):
        written = f" written “{self.alias}”" if self.alias else ""
        return f"{self.key}{written} → {self.entity}"

    def get_absolute_url(self):
        return self.entity.get_absolute_url()


class Mention(models.Model):
    """One place in one paragraph where an entity is named."""

    # About 75 mentions a cable: every index costs on import, so the foreign keys have none of
    # their own; each leads one of the composite indexes below, which serves it as well.
    # Nor do they have constraints in the database: checking four parents for every row was a
    # fifth of PostgreSQL's work on import. Mentions are derived rows, written only by the
    # importer and the corrections from primary keys they have just read in the same
    # transaction; deletions cascade to them through Django, as before.
    entity = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        related_name="mentions",
        db_index=False,
        db_constraint=False,
    )
    paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.CASCADE,
        related_name="mentions",
        db_index=False,
        db_constraint=False,
    )
    # Denormalized from the paragraph so that "cables mentioning X" needs no join.
    cable = models.ForeignKey(
        Cable,
        on_delete=models.CASCADE,
        related_name="mentions",
        db_index=False,
        db_constraint=False,
    )
    # The merge key the extractor gave; re-pointed as a whole when keys merge or are corrected.
    entity_key = models.ForeignKey(
        EntityKey,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentions",
        db_index=False,
        db_constraint=False,
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=200, help_text="As written in the paragraph")
    # The extractor's display name when it differs from the text ("IRGC" names the Islamic
    # Revolutionary Guard Corps); empty otherwise, to keep the table small.
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["paragraph", "start"]
        indexes = [
            # The entity filter (cables mentioning X), the entity page, and "every SECRET
            # paragraph about the IRGC" (the entity's paragraphs, then their level): one index
            # where there were two, (entity, cable) and (entity, paragraph), as fast for each.
            models.Index(fields=["entity", "cable", "paragraph"], name="mention_entity_idx"),
            # Mentions of one paragraph, to link them in the text.
            models.Index(fields=["paragraph", "start"], name="mention_paragraph_idx"),
            # The entity facet (entities of the filtered cables) and the cable page (its
            # mentions in one query): covering, from the cable.
            models.Index(fields=["cable", "entity"], name="mention_cable_entity_idx"),
            # Re-pointing a key's mentions when keys merge or a correction is made.
            models.Index(fields=["entity_key", "entity"], name="mention_key_entity_idx"),
        ]

    def __str__(self):
        return f"{self.text} → {self.entity.name}"

    def get_absolute_url(self):
        return self.paragraph.get_absolute_url()


# An entity named in at least one cable in this many is widely mentioned (mentioning_all).
WIDELY_MENTIONED = 50


def widely_mentioned(cable_counts):
    """The entities of {entity id: cables naming it} named in a large share of the archive (the
    last cable id stands for the archive's size: one look-up in the primary key)."""
    last = Cable.objects.aggregate(last=Max("pk"))["last"] or 0
    return {pk for pk, count in cable_counts.items() if count and count * WIDELY_MENTIONED >= last}
