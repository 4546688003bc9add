"""The TAGS glossary: what a cable's TAGS code means.

State Department cables carry a ``TAGS:`` line of codes: subject codes (``PREL``, ``PGOV``),
program codes starting with K (``KDEM``), FIPS 10-4 country codes (``AJ``, ``IR``),
organizations (``NATO``, ``UNSC``) and sometimes people (``CLINTON, HILLARY``). The glossary
lives in ``cables/data/tags.csv`` (code,kind,meaning); codes it does not know get a kind by
rule and an empty meaning. Pure standard library, no Django.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

__all__ = ["KINDS", "TAGS_CSV", "TagInfo", "glossary", "split_run_together", "tag_info"]

TAGS_CSV = Path(__file__).resolve().parent.parent / "data" / "tags.csv"

KINDS = ("subject", "program", "country", "organization", "person", "unknown")


class TagInfo(NamedTuple):
    code: str
    kind: str
    meaning: str


@lru_cache(maxsize=1)
def glossary() -> dict[str, TagInfo]:
    """Every code of the data file (upper case) -> TagInfo."""
    entries: dict[str, TagInfo] = {}
    with open(TAGS_CSV, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines):
            code = row["code"].strip().upper()
            kind = row["kind"].strip()
            if kind not in KINDS:
                raise ValueError(f"{TAGS_CSV}: unknown kind {kind!r} for {code}")
            entries[code] = TagInfo(code, kind, row["meaning"].strip())
    return entries


_SUBJECT_RE = re.compile(r"\A[A-Z]{4}\Z")
_PROGRAM_RE = re.compile(r"\AK[A-Z]{3}\Z")
_COUNTRY_RE = re.compile(r"\A[A-Z]{2}\Z")
_WORD_RE = re.compile(r"\A[A-Za-z][A-Za-z.'-]*\Z")


def split_run_together(code: str) -> list[str] | None:
    """Split a run-together tag ("IZPREL", "VTPREL") into known codes, or None.

    Only splits into two or more codes of the glossary (subjects, programs, countries,
    organizations), preferring the fewest parts.
    """
    code = code.strip().upper()
    known = glossary()
    if not code.isalpha() or len(code) < 4 or code in known:
        return None
    best: list[list[str] | None] = [None] * (len(code) + 1)
    best[0] = []
    for end in range(2, len(code) + 1):
        for start in range(max(0, end - 8), end - 1):
            prefix = best[start]
            part = code[start:end]
            if prefix is None or part not in known:
                continue
            candidate = [*prefix, part]
            if best[end] is None or len(candidate) < len(best[end]):
                best[end] = candidate
    parts = best[len(code)]
    return parts if parts and len(parts) >= 2 else None


def tag_info(code: str) -> TagInfo:
    """What a TAGS code is: its kind (one of KINDS) and meaning ("" when unknown).

    Lookup is case-insensitive ("prel" is PREL). Codes the glossary does not know get a kind
    by rule: names with a comma or a space, and lower-case words, are people; two letters are
    countries; K plus three letters is a program; four letters is a subject; anything else is
    "unknown" (run-together codes such as "IZPREL" get the meanings of their parts).
    """
    raw = " ".join(str(code).split())
    upper = raw.upper()
    known = glossary()
    if upper in known:
        info = known[upper]
        return TagInfo(upper, info.kind, info.meaning)
    if not raw:
        return TagInfo(raw, "unknown", "")
    if "," in raw or " " in raw:
        return TagInfo(raw, "person", "")
    if raw != upper and _WORD_RE.match(raw):
        return TagInfo(raw, "person", "")
    if _COUNTRY_RE.match(upper):
        return TagInfo(upper, "country", "")
    if _PROGRAM_RE.match(upper):
        return TagInfo(upper, "program", "")
    if _SUBJECT_RE.match(upper):
        return TagInfo(upper, "subject", "")
    parts = split_run_together(upper)
    if parts:
        meaning = "; ".join(f"{part}: {known[part].meaning}" for part in parts)
        return TagInfo(upper, "unknown", f"run-together tags {' '.join(parts)} ({meaning})")
    return TagInfo(upper, "unknown", "")
