"""From a RawDocument to a CableRecord ready to write: runs in worker processes.

No Django here: worker processes import only the parser and this module. The container's
metadata (a WikiLeaks page's table, a cables.csv row) wins over the text where it is reliable:
reference ID, classification label, origin name, released, and the date and hour of creation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from dataclasses import dataclass, field

from cables.entities import mention_rows, tag_places
from cables.parsing import NotACable, parse_cable

from .readers import RawDocument
from .tags import tag_info

# What the import reads from a cable: raised with every change to the reading of pages
# (readers.py), to the parser or to the entity extraction that reads cables already imported
# otherwise, so that the next import reads them again (a cable stored with an older version
# counts as changed, whatever its text or its bytes).
# 1: double-spaced copies read as their paragraphs.
# 2: a surname met again keeps the particles of the full name ("De Vido", not "Vido"); a
#    four-word name that an acronym stands for is a person's ("Andres Manuel Lopez Obrador
#    (AMLO)", an organisation before).
# 3: the initials of a few well-known people name them ("CFK", "ASSK"; data/people.tsv);
#    "Al Mahdi" after "Al Sadiq Al Mahdi" and "Hamad bin Isa Al Khalifa" are people whole.
READ_VERSION = 3

LEVELS = ("TOP SECRET", "SECRET", "CONFIDENTIAL", "UNCLASSIFIED")
REFERENCE_ID = re.compile(r"^(\d{2})([A-Z][A-Z-]*?)(\d+)$")
# Caveats implied by the label WikiLeaks showed, e.g. SECRET//NOFORN.
LABEL_CAVEATS = {"NOFORN": "NOFORN", "FOR OFFICIAL USE ONLY": "SBU"}


@dataclass
class CableRecord:
    """Everything one cable writes: the Cable row's fields and its children."""

    reference_id: str
    content_hash: str
    source: str
    fields: dict
    tags: list[dict]  # {"code", "kind", "meaning"} in printed order
    caveats: list[str]
    paragraphs: list[
        dict
    ]  # {"position", "number", "anchor", "marking", "level", "caveats", "text"}
    references: list[dict]  # {"position", "label", "printed", "target_reference_id"}
    notes: list[str] = field(default_factory=list)
    # (paragraph position, start, end, text, key, name when it differs from the text)
    mentions: list[tuple] = field(default_factory=list)
    # (TAGS code, place name, key) for the country codes: AJ -> Azerbaijan, place:az
    tag_places: list[tuple] = field(default_factory=list)
    source_hash: str = ""  # of the bytes the text was read from (RawDocument.source_hash)


@dataclass
class Outcome:
    """What became of one input: a record to write, or a one-line reason it was rejected."""

    source: str
    record: CableRecord | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)


def station_of(reference_id):
    """The station part of a canonical reference ID: 06BAKU641 gives BAKU."""
    match = REFERENCE_ID.match(reference_id or "")
    return match.group(2) if match else ""


def level_of(label):
    upper = (label or "").upper()
    return next((level for level in LEVELS if upper.startswith(level)), "")


_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")


def paragraph_anchors(paragraphs):
    """ "p4" for ¶4, "pos7" for unnumbered ones; a repeated number falls back to its position."""
    anchors, seen = [], set()
    for paragraph in paragraphs:
        number = _NOT_ALPHANUMERIC.sub("", paragraph.number)
        anchor = f"p{number}" if number else f"pos{paragraph.position}"
        if anchor in seen:
            anchor = f"pos{paragraph.position}"
        seen.add(anchor)
        anchors.append(anchor)
    return anchors


def created_from(parsed_created, table_created):
    """The table's date and hour are reliable, its minutes are not; the text's DTG has both."""
    if table_created is None:
        return parsed_created
    if parsed_created is not None and parsed_created.replace(minute=0) == table_created.replace(
        minute=0, second=0, microsecond=0
    ):
        return parsed_created
    return table_created


def build_record(document: RawDocument) -> Outcome:
    """Parse one document; never raises."""
    if document.error:
        return Outcome(document.source, reason=document.error, notes=list(document.notes))
    try:
        parsed = parse_cable(document.text, source=document.source)
    except NotACable as error:
        return Outcome(document.source, reason=error.reason, notes=list(document.notes))
    except Exception as error:  # the parser promises not to, but one bad input must not stop a run
        reason = f"parser error: {type(error).__name__}: {error}"
        return Outcome(document.source, reason=reason.splitlines()[0][:300])

    meta = document.metadata or {}
    reference_id = (meta.get("reference_id") or parsed.reference_id or "").strip().upper()
    if not reference_id:
        return Outcome(document.source, reason="no reference ID found", notes=document.notes)

    label = (meta.get("classification") or parsed.label or "").strip().upper()
    classification = level_of(label) or parsed.classification or "UNCLASSIFIED"
    caveats = list(dict.fromkeys(parsed.caveats))
    for marker, caveat in LABEL_CAVEATS.items():
        if marker in label and caveat not in caveats:
            caveats.append(caveat)

    created = created_from(parsed.created, meta.get("created"))
    origin = station_of(reference_id) or parsed.origin
    notes = [*document.notes, *parsed.warnings]
    if parsed.reference_id and parsed.reference_id != reference_id:
        notes.append(f"text says {parsed.reference_id}, container says {reference_id}")

    fields = {
        "origin": origin,
        "origin_name": meta.get("origin") or parsed.origin_name or origin,
        "created": created,
        "released": meta.get("released"),
        "year": created.year if created else None,
        "month": created.month if created else None,
        "classification": classification,
        "label": label or classification,
        "precedence": parsed.precedence,
        "subject": parsed.subject,
        "summary": parsed.summary,
        # of strings only: a shallow copy, at a tenth of asdict()'s deep one
        "recipients": [dict(vars(recipient)) for recipient in parsed.recipients],
        "classified_by": parsed.classified_by,
        "classification_reasons": parsed.classification_reasons[:200],
        "signer": parsed.signer[:100],
        "eo": parsed.eo[:20],
        "declassify_on": parsed.declassify_on,
        "header": parsed.header,
        "body": parsed.body,
        "partial_extract": parsed.partial_extract,
    }
    if isinstance(fields["released"], dt.datetime):
        fields["released"] = fields["released"].date()

    anchors = paragraph_anchors(parsed.paragraphs)
    paragraphs = [
        {
            "position": paragraph.position,
            "number": paragraph.number[:16],
            "anchor": anchor,
            "marking": paragraph.marking[:40],
            "level": paragraph.level,
            "caveats": " ".join(paragraph.caveats)[:60],
            "text": paragraph.text,
        }
        for paragraph, anchor in zip(parsed.paragraphs, anchors, strict=True)
    ]
    references = []
    seen_targets = set()
    for position, reference in enumerate(parsed.references):
        target = reference.reference_id
        if target and (target == reference_id or target in seen_targets):
            continue
        seen_targets.add(target)
        references.append(
            {
                "position": position,
                "label": reference.label[:8],
                "printed": reference.printed[:300],
                "target_reference_id": target,
            }
        )
    tags = []
    for code in dict.fromkeys(code[:100] for code in parsed.tags):
        info = tag_info(code)
        tags.append({"code": code, "kind": info.kind, "meaning": info.meaning[:300]})

    record = CableRecord(
        mentions=entity_mentions(parsed, [tag["code"] for tag in tags]),
        tag_places=tag_places(tag["code"] for tag in tags),
        reference_id=reference_id,
        content_hash=document.content_hash,
        source_hash=document.source_hash,
        source=document.source[:500],
        fields=fields,
        tags=tags,
        caveats=caveats,
        paragraphs=paragraphs,
        references=references,
        notes=notes,
    )
    return Outcome(document.source, record=record, notes=notes)


# The garbage collector's first threshold in the import's processes (Python's default is 700).
IMPORT_GC_THRESHOLD = 20_000


def collect_less():
    """Take the objects alive now (modules, the parser's and the extraction's tables, Django)
    out of the garbage collector's rounds (gc.freeze), and let its youngest round wait for
    20,000 new objects instead of 700: a cable's tokens and candidates, a batch's rows, die
    mostly before a round would visit them. Returns the thresholds it replaced."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(IMPORT_GC_THRESHOLD, *previous[1:])
    return previous


@contextlib.contextmanager
def collecting_less():
    """collect_less() for a block of the calling process (an import's main process), undone
    after it. There the collector's rounds over every batch's rows and records took about 3 %
    of the process's CPU in an import of the release (perf, default settings)."""
    frozen_before = gc.get_freeze_count()
    previous = collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        if not frozen_before:  # the caller's own frozen objects stay so
            gc.unfreeze()


def parser_started():
    """In each parser process, before its first document: load the parser's and the entity
    extraction's tables, then collect_less(), for good. At 20,000 cables, two runs each
    alternately, the two parser processes used 59.0 and 60.7 s of CPU against 63.2 and 61.6."""
    build_record(RawDocument(source="warm-up", format="text", text=WARM_UP))
    mention_rows(WARM_UP.splitlines()[-1:], tags=["AJ"], people=[])
    collect_less()


WARM_UP = "SUBJECT: WARM-UP\n\n1. (U) The Embassy met Foreign Minister Elmar Mammadyarov in Baku."


def build_records(documents: list[RawDocument]) -> list[Outcome]:
    """build_record of each, in order: a worker's parcel of documents."""
    return [build_record(document) for document in documents]


MAX_MENTION = 200  # the length of Mention.text, Mention.name and the keys


def entity_mentions(parsed, tags):
    """The cable's people, organisations and places, paragraph by paragraph (cables.entities).

    The signer and the Classified By names are known people: their surnames are theirs."""
    people = [name for name in [parsed.signer, *parsed.classified_by] if name]
    try:
        found = mention_rows(
            [paragraph.text for paragraph in parsed.paragraphs], tags=tags, people=people
        )
    except Exception:  # a cable without entities is better than a cable not imported
        return []
    return [
        (position, start, end, text, key, "" if name == text else name)
        for position, start, end, text, _, name, key in found
        if len(text) <= MAX_MENTION and len(name) <= MAX_MENTION and 0 < len(key) <= MAX_MENTION
    ]
