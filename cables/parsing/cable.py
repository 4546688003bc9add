"""``parse_cable``: a whole cable's text to a :class:`ParsedCable`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from . import fields as f
from .models import NotACable, ParsedCable, ParsedParagraph
from .paragraphs import parse_paragraphs
from .stations import canonical_station, catalogue_years, known_stations, station_display_name

T = TypeVar("T")

_ROUTING = re.compile(
    r"^\s*(?:VZCZC\w*|DE\s+[A-Z]{4,7}\s+#\d+|ZNY\s+[A-Z]{5}|ZNR\s+[A-Z]{5}|FM\s+[A-Z]{3,}|"
    r"TO\s+[A-Z]{4,}|INFO\s+[A-Z]{4,}|[ZOPR](?:\s+[ZOPR])?\s+\d{6}Z\s+[A-Z]{3}\s+\d{2})",
    re.M,
)
_FIELD_HINT = re.compile(r"^\s*(?:TAGS?\b|SUBJ(?:ECT)?\s*:|E\.?\s?O\.?\s*\d{5})", re.M | re.I)
# Dates in the junk some records carry before the banner (export rows, key-value dumps).
_JUNK_DATES = [
    re.compile(
        r"^date:\s*(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})\s+(?P<h>\d{1,2}):(?P<mi>\d\d)", re.M
    ),
    re.compile(
        r"(?:^|[\t,\"])(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)\s+(?P<h>\d\d):(?P<mi>\d\d)(?::\d\d)?(?=[\t,\"\n])",
        re.M,
    ),
    re.compile(
        r"(?:^|[\t,\"])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})\s+(?P<h>\d{1,2}):(?P<mi>\d\d)(?=[\t,\"\n])",
        re.M,
    ),
]
_YEAR_MENTION = re.compile(r"\b(19[4-9]\d|20[0-3]\d)\b")


def _safe(fn: Callable[[], T], default: T, warnings: list[str], what: str) -> T:
    try:
        return fn()
    except Exception as exc:
        warnings.append(f"{what}: {type(exc).__name__}: {exc}")
        return default


def _to_text(text: object) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes | bytearray | memoryview):
        return bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        return str(text)
    return text


def is_cable(text: str) -> tuple[bool, str]:
    """(True, "") for a cable; (False, reason) otherwise."""
    if not text.strip():
        return False, "not a cable: empty document"
    head = text[: f.HEAD_LIMIT]
    if f.find_banner(head) or f.find_dtg(head):
        return True, ""
    routing = len(_ROUTING.findall(head[:8000]))
    fields = len(_FIELD_HINT.findall(head[:16000]))
    if routing >= 2 or (routing >= 1 and fields >= 1) or fields >= 2:
        return True, ""
    if f.parse_partial_extract(head) and fields:
        return True, ""
    return False, "not a cable: no telegram header, banner or reference ID found"


_DATE_LINE = re.compile(
    r"^[A-Z][a-z]+day,\s+(?P<d>\d{1,2})\s+(?P<mon>[A-Z][a-z]+)\s+(?P<y>\d{4}),\s+(?P<h>\d{2}):(?P<mi>\d{2})",
    re.M,
)


def _junk_created(header: str) -> datetime | None:
    """A creation time from the junk before the banner: a date line ("Tuesday, 03 July 2001,
    12:03"), an export row or a key-value dump."""
    m = _DATE_LINE.search(header[:8000])
    month = f.MONTHS.get(m.group("mon")[:3].upper()) if m else None
    if m and month:
        try:
            return datetime(
                int(m.group("y")),
                month,
                int(m.group("d")),
                int(m.group("h")),
                int(m.group("mi")),
                tzinfo=UTC,
            )
        except ValueError:
            pass
    for pat in _JUNK_DATES:
        m = pat.search(header[:8000])
        if m:
            try:
                return datetime(
                    int(m.group("y")),
                    int(m.group("m")),
                    int(m.group("d")),
                    int(m.group("h")),
                    int(m.group("mi")),
                    tzinfo=UTC,
                )
            except ValueError:
                continue
    return None


_CANONICAL_PARTS = re.compile(r"(\d\d)([A-Z]+?)(\d+)$")
_LEADING_LABEL = re.compile(r"^\(?[A-Z][.):]\s*")
_STARTS_DATED = re.compile(r"\s*\(?\d{2,4}\s")


def infer_year(station: str, serial: str, text: str) -> int | None:
    """The year of a cable whose text has no date-time group (most partial extracts).

    The release's catalogue of reference IDs gives the candidate years of ``station``
    ``serial``; the evidence in the text chooses among them: the declassification date
    (usually ten years on), references (a reference printed without a year is to a cable of
    the same year; one with a year is older) and the years the text mentions."""
    if not station or not serial:
        return None
    candidates = [_year4(y) for y in catalogue_years(station, int(serial))]
    decl = f.parse_declassification(text)
    if not candidates:
        if decl and 1966 <= decl.year - 10 <= 2010:
            return decl.year - 10
        return None
    if len(candidates) == 1:
        return candidates[0]
    head = text[:20000]
    mentions = [int(y) for y in _YEAR_MENTION.findall(head)]
    refs = f.parse_reference_list(head, 0)
    dated_refs, same_year_refs = [], []
    for ref in refs:
        m = _CANONICAL_PARTS.match(ref.reference_id)
        if not m:
            continue
        content = _LEADING_LABEL.sub("", ref.printed) if ref.label else ref.printed
        if _STARTS_DATED.match(content):
            dated_refs.append(_year4(m.group(1)))
        else:
            same_year_refs.append((m.group(2), int(m.group(3))))

    def score(year: int) -> float:
        s = 0.0
        if decl:
            gap = decl.year - year
            s += 6 if gap == 10 else 2 if gap in (5, 15, 20, 25) else -2 if gap < 0 else 0
        if dated_refs and max(dated_refs) > year:
            s -= 4
        found = sum(1 for st, ser in same_year_refs if year % 100 in catalogue_years(st, ser))
        s += min(found, 1)
        # Records without a date-time group are older ones (the partial extracts of the
        # release all predate 2007): a mild prior against later years.
        if year > 2006:
            s -= 1.5
        s -= min(sum(1 for y in mentions if year < y <= year + 3), 3)
        if year in mentions:
            s += 1
        if mentions and year > max(mentions):
            s -= 0.75 * (year - max(mentions))
        return s

    return max(candidates, key=lambda y: (score(y), -y))


def _year4(yy: int | str) -> int:
    n = int(yy)
    return 2000 + n if n < 40 else 1900 + n


def parse_cable(text: str, source: str | None = None) -> ParsedCable:
    """Parse one cable: plain text (header, blank line, body), the markdown-like rendering, or
    a cables.csv row's header + "\\n\\n" + body. Raises :class:`NotACable` for anything that is
    not a cable, and nothing else."""
    try:
        raw = _to_text(text)
        normalized = f.normalize_text(raw)
    except Exception as exc:
        raise NotACable(f"not a cable: unreadable input ({type(exc).__name__})") from None
    try:
        ok, reason = is_cable(normalized)
    except Exception as exc:
        raise NotACable(f"not a cable: unreadable input ({type(exc).__name__})") from None
    if not ok:
        raise NotACable(reason)
    try:
        return _parse(normalized, source)
    except Exception as exc:
        raise NotACable(f"not a cable: could not be parsed ({type(exc).__name__}: {exc})") from None


def _parse(text: str, source: str | None) -> ParsedCable:
    warnings: list[str] = []
    banner = _safe(lambda: f.parse_banner(text), {}, warnings, "banner")
    if banner:
        split = int(banner["start"])
        header, body = text[:split].strip("\n"), text[split:]
    else:
        header, body = _split_without_banner(text)
    body = f.normalize_text(body)  # already normal: registers it, so fields skip the work

    created = _safe(lambda: f.parse_created(text), None, warnings, "created")
    if created is not None and not _safe(
        lambda: f.check_created(text, created), True, warnings, "DE"
    ):
        warnings.append("created: the DE line's julian date disagrees with the date-time group")
    year = created.year if created else None
    if year is None:
        junk = _junk_created(header)
        if junk is not None:
            created, year = junk, junk.year
    origin = _safe(lambda: f.parse_origin(text), "", warnings, "origin")
    fm = _safe(lambda: f.parse_origin_line(text), "", warnings, "FM line")
    id_station = ""
    serial = ""
    if banner:
        id_station = canonical_station(banner["station"])
        if banner["efto"]:
            id_station = "EFTO" + id_station
        serial = banner["serial"]
    if year is None:
        year = _safe(lambda: infer_year(id_station, serial, body), None, warnings, "year")
        if year is not None:
            warnings.append("reference ID: year inferred (no date-time group)")
    reference_id = ""
    if year is not None:
        reference_id = _safe(lambda: f.parse_reference_id(text, year), "", warnings, "ID")
    if reference_id and origin not in known_stations() and banner:
        origin = canonical_station(banner["station"])

    level, caveats, label = _safe(
        lambda: f.parse_classification(text), ("", [], ""), warnings, "cls"
    )
    paragraphs: list[ParsedParagraph] = _safe(lambda: parse_paragraphs(body), [], warnings, "paras")
    if not paragraphs and body.strip():
        paragraphs = [ParsedParagraph(0, "", "", "", [], body.strip())]
    if _safe(lambda: f.header_disagrees(text), False, warnings, "header"):
        warnings.append("the body holds another cable than the routing header names")
        header_level = f.parse_header_level(text)
        if header_level and header_level != level:
            level, caveats = header_level, [c for c in caveats if c == "SIPDIS"]
            label = f.classification_label(level, caveats)
    if not level:
        level = f.parse_header_level(text) or _level_from_markings(paragraphs)
        if level:
            warnings.append("classification: no banner; taken from the header or the markings")
            label = f.classification_label(level, caveats)
    signers = _safe(lambda: f.parse_signers(body), [], warnings, "signer")
    ref_year = year if year is not None else datetime.now(UTC).year
    return ParsedCable(
        reference_id=reference_id,
        created=created,
        precedence=_safe(lambda: f.parse_precedence(text), "", warnings, "precedence"),
        origin=origin,
        origin_name=station_display_name(origin, fm) if origin else "",
        recipients=_safe(lambda: f.parse_recipients(text), [], warnings, "recipients"),
        classification=level,
        caveats=caveats,
        label=label,
        eo=_safe(lambda: f.parse_eo(body), "", warnings, "E.O."),
        declassify_on=_safe(lambda: f.parse_declassification(body), None, warnings, "DECL"),
        tags=_safe(lambda: f.parse_tags(body), [], warnings, "TAGS"),
        subject=_safe(lambda: f.parse_subject(body), "", warnings, "SUBJECT"),
        references=_safe(
            lambda: f.parse_reference_list(body, ref_year, reference_id), [], warnings, "REF"
        ),
        classified_by=_safe(lambda: f.parse_classified_by(body), [], warnings, "Classified By"),
        classification_reasons=_safe(
            lambda: f.parse_classification_reasons(body), "", warnings, "reasons"
        ),
        signer=signers[-1] if signers else "",
        summary=_safe(lambda: parse_summary(paragraphs), "", warnings, "summary"),
        partial_extract=_safe(lambda: f.parse_partial_extract(text), False, warnings, "partial"),
        header=header,
        body=body,
        paragraphs=paragraphs,
        source=source,
        section=banner.get("section", "") if banner else "",
        warnings=warnings,
    )


_MARKING_LEVELS = {"U": "UNCLASSIFIED", "SBU": "UNCLASSIFIED", "C": "CONFIDENTIAL", "S": "SECRET"}


def _level_from_markings(paragraphs: list[ParsedParagraph]) -> str:
    """The highest portion marking's level, for a record without banner."""
    order = ["", "U", "SBU", "C", "S", "TS"]
    best = max((p.level for p in paragraphs if p.level in order), key=order.index, default="")
    return "TOP SECRET" if best == "TS" else _MARKING_LEVELS.get(best, "")


def _split_without_banner(text: str) -> tuple[str, str]:
    """Header and body of a cable without a banner: the header is the routing block."""
    lines = text.split("\n")
    last_routing = -1
    for i, line in enumerate(lines[:300]):
        if _ROUTING.match(line):
            last_routing = i
    if last_routing < 0:
        return "", text
    end = last_routing + 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return "\n".join(lines[:end]).strip("\n"), "\n".join(lines[end:]).lstrip("\n")


_SUMMARY = re.compile(
    r"^\W{0,3}(?:EXECUTIVE\s+)?SUMMARY(?:\s+(?:AND|&)\s+(?:COMMENT|ACTION\s+REQUEST|INTRODUCTION))?"
    r"\s*(?:[:.\-]+|$)\s*",
    re.I,
)
_END_SUMMARY = re.compile(r"\(?\bEND\s+(?:OF\s+)?SUMMARY\b[^\n]*?(?:\.|\)|$)", re.I)


def parse_summary(paragraphs: list[ParsedParagraph]) -> str:
    """The text of the cable's summary ("Summary: ..." up to "End summary"), or ""."""
    for i, para in enumerate(paragraphs[:12]):
        m = _SUMMARY.match(para.text)
        if not m:
            continue
        rest = para.text[m.end() :].strip()
        nxt_para = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if not rest and nxt_para is not None and _SUMMARY.match(nxt_para.text):
            continue  # a "Summary" heading before the "Summary: ..." paragraph
        parts = [rest] if rest else []
        if not _END_SUMMARY.search(rest):
            for nxt in paragraphs[i + 1 : i + 8]:
                if _END_SUMMARY.search(nxt.text):
                    parts.append(nxt.text)
                    break
                if (
                    not rest
                    or nxt.number == ""
                    or _END_SUMMARY.search("\n".join(p.text for p in paragraphs[i + 1 : i + 8]))
                ):
                    parts.append(nxt.text)
                    continue
                break
        summary = "\n\n".join(p for p in parts if p)
        end = _END_SUMMARY.search(summary)
        if end:
            summary = summary[: end.start()]
        return summary.strip()
    return ""
