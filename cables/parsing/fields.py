"""One function per field; each works on a whole cable or on a fragment of one."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, wraps
from typing import TypeVar

from .models import ParsedReference, Recipient
from .stations import canonical_reference_id, canonical_station, known_stations

# Header fields are only looked for this far into a document (bounds the work on junk).
HEAD_LIMIT = 64 * 1024
FIELD_LIMIT = 32 * 1024

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
PRECEDENCE_LETTERS = {"Z": "FLASH", "O": "IMMEDIATE", "P": "PRIORITY", "R": "ROUTINE"}
PRECEDENCES = ("NIACT IMMEDIATE", "FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE")

# ---------------------------------------------------------------------------------------------
# Normalization

_MD_ANCHOR = re.compile(r"\[[^\]\n]{0,12}\]\(#[^)\n]{0,40}\)(?=\s*(?:\d{1,3}|[A-Z])\s*[.)])")
_MD_LINK = re.compile(r"\[([^\]\n]{0,80})\]\(#[^)\n]{0,40}\)")
_BR = re.compile(r"[ \t]*<br\s*/?>[ \t]*$", re.M | re.I)


def normalize_text(text: str) -> str:
    """Plain text with ``\\n`` newlines; the markdown-like rendering (``[PREL](#)``, ``[1](#)``)
    and literal ``<br>`` line ends turned back into the cable's own text. Idempotent."""
    if not text:
        return ""
    for done in _normalized:
        if text is done:
            return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if "](#" in text:
        text = _MD_ANCHOR.sub("¶", text)
        text = _MD_LINK.sub(r"\1", text)
    if "<br" in text or "<BR" in text:
        text = _BR.sub("", text)
    if "\\\n" in text and text.count("\\\n") > 3:  # MySQL-escaped export: newlines as "\\\n"
        text = text.replace("\\\n", "\n")
    if text.count("\n\n") * 4 > text.count("\n"):  # a blank line after a quarter of the lines
        text = _single_spaced(text)
    _normalized.insert(0, text)
    del _normalized[4:]
    return text


# A line that ends where a sentence may: a double-spaced paragraph's lines mostly do not.
_ENDS_SENTENCE = re.compile(r"[.!?:;\"'”’)\]]\s*$")
# A double-spaced run holds at least this many lines cut inside a sentence.
DOUBLE_SPACED_WRAPS = 6


def _single_spaced(text: str) -> str:
    """The runs of double-spaced lines single-spaced again: some copies of the release have a
    blank line after every line and two or more between paragraphs (07BUENOSAIRES403,
    08TALLINN326), where each line read as a paragraph of its own and a subject stopped at its
    first line. A run is a stretch with a blank line between every two lines; it is double-spaced
    when most of its lines followed by one blank line end inside a sentence, at least six do,
    hardly any line is longer than a wrapped one, and some gaps are two blank lines or more
    (not the fields of a header, nor paragraphs written each on one long line, nor a list
    with a blank line after each item); there every gap loses one blank line, but for the
    gaps that part it from single-spaced lines. Elsewhere the text is left as it is."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    dropped: set[int] = set()
    run: list[int] = []  # positions in ``filled`` whose gap to the next line is blank lines

    def close_run():
        ones = [k for k in run if filled[k + 1] - filled[k] == 2]
        wraps = sum(
            1
            for k in ones
            if len(lines[filled[k]].strip()) <= 100 and not _ENDS_SENTENCE.search(lines[filled[k]])
        )
        long = sum(1 for k in run if len(lines[filled[k]]) > 100)
        if (
            wraps >= DOUBLE_SPACED_WRAPS
            and wraps * 5 >= len(ones) * 3
            and long * 10 < len(run)
            and len(ones) < len(run)  # paragraphs parted by two blank lines or more
        ):
            # A gap between a single-spaced block and the run is that block's paragraph break:
            # "SUBJECT: ...\n\nENTIRE TEXT SENSITIVE..." before a double-spaced body.
            first = 1 if run[0] > 0 else 0
            last = len(run) - 1 if run[-1] < len(filled) - 2 else len(run)
            dropped.update(filled[k] + 1 for k in run[first:last])
        run.clear()

    for k in range(len(filled) - 1):
        if filled[k + 1] - filled[k] > 1:
            run.append(k)
        elif run:
            close_run()
    if run:
        close_run()
    if not dropped:
        return text
    return "\n".join(line for i, line in enumerate(lines) if i not in dropped)


# The last few normalized texts (by identity): the field functions normalize their input, and
# parse_cable calls them all on the same text.
_normalized: list[str] = []


# ---------------------------------------------------------------------------------------------
# Classification banner

_CLS = (
    r"(?P<cls>T\s?O\s?P\s+S\s?E\s?C\s?R\s?E\s?T|S\s?E\s?C\s?R\s?E\s?T|"
    r"C?\s?O\s?N\s?F\s?I\s?D\s?E\s?N\s?T\s?I\s?A\s?L|UNCLASSIFIED|UNCLAS|"
    r"LIMITED\s+OFFICIAL\s+USE)\b"
)
BANNER = re.compile(
    r"^[^\S\n]*(?:[^\n\t]{0,160}\t|[^\n]{0,40}?Cable dated:\S{0,25}?[\s\]]*)?"
    + _CLS
    + r"(?P<rest>[^\n]{0,300})",
    re.I | re.M,
)
_BANNER_REST = re.compile(
    r"^(?P<mid>(?:\s*/{1,2}\s*[A-Z]+)?(?:\s+SENSITIVE)?(?:\s+NOFORN)?)\s+"
    r"(?P<efto>E\s?F\s?T\s?O\s+)?"
    r"(?:SECTION\s+(?P<sec>\d{1,2})\s+OF\s+(?P<of>\d{1,2})\s+)?"
    r"(?!SECTION\b)(?P<station>[A-Z][A-Z.'\-]*(?:\s[A-Z][A-Z.'\-]*){0,4}?)\s+(?P<serial>\d{1,7})(?!\d)",
    re.I,
)
_CLS_WORD = re.compile(_CLS, re.I)
_LEVELS = {
    "TOPSECRET": "TOP SECRET",
    "SECRET": "SECRET",
    "CONFIDENTIAL": "CONFIDENTIAL",
    "ONFIDENTIAL": "CONFIDENTIAL",
    "UNCLASSIFIED": "UNCLASSIFIED",
    "UNCLAS": "UNCLASSIFIED",
    "LIMITEDOFFICIALUSE": "UNCLASSIFIED",
}


_SPACES = re.compile(r"\s+")


def _level(word: str) -> str:
    return _LEVELS.get(_SPACES.sub("", word).upper(), "")


T = TypeVar("T")


def of_the_last_text(function: Callable[[str], T]) -> Callable[[str], T]:
    """``function(text)``, remembered for the last text given (the same object): the fields
    of one cable each look for its banner, and some of them at each other. What it returns
    is shared, not to be changed."""
    last: list = [None, None]

    @wraps(function)
    def remembered(text: str) -> T:
        if last[0] is not text:
            last[:] = [text, function(text)]
        return last[1]

    return remembered


@of_the_last_text
def find_banner(text: str) -> re.Match[str] | None:
    """The banner line (``C O N F I D E N T I A L SECTION 01 OF 03 BAKU 000641``)."""
    for m in BANNER.finditer(text, 0, HEAD_LIMIT):
        if _BANNER_REST.match(m.group("rest")):
            return m
    return None


@of_the_last_text
def parse_banner(text: str) -> dict[str, str]:
    """Level, station (as printed), serial and section of the banner; {} when none."""
    m = find_banner(text)
    if not m:
        return {}
    rest = _BANNER_REST.match(m.group("rest"))
    assert rest is not None
    station = _SPACES.sub(" ", rest.group("station").strip().upper())
    # "CONFIDENTIAL STATE 106750 SIPDIS": the station stops before the serial.
    result = {
        "level": _level(m.group("cls")),
        "station": station,
        "efto": "EFTO" if rest.group("efto") else "",
        "serial": str(int(rest.group("serial"))),
        "section": f"{rest.group('sec')} OF {rest.group('of')}" if rest.group("sec") else "",
        "mid": rest.group("mid").upper(),
        "start": str(m.start()),
        "end": str(m.start("rest") + rest.end()),
        "line": m.group(0),
    }
    return result


_CAVEATS = [
    ("NOFORN", re.compile(r"NOFORN|\bNO\s+FOREIGN\s+DISSEM|/\s*NF\b", re.I)),
    ("SIPDIS", re.compile(r"SIPDIS", re.I)),
    ("SBU", re.compile(r"\bSENSITIVE\b|\bSBU\b", re.I)),
    ("FOUO", re.compile(r"\bFOUO\b|\bFOR\s+OFFICIAL\s+USE\s+ONLY\b", re.I)),
    ("EXDIS", re.compile(r"\bEXDIS\b", re.I)),
    ("NODIS", re.compile(r"\bNODIS\b", re.I)),
    ("LIMDIS", re.compile(r"\bLIMDIS\b", re.I)),
    ("STADIS", re.compile(r"\bSTADIS\b", re.I)),
    ("ORCON", re.compile(r"\bORCON\b", re.I)),
    ("NOCONTRACT", re.compile(r"\bNOCONTRACT\b", re.I)),
    ("PROPIN", re.compile(r"\bPROPIN\b", re.I)),
    ("EFTO", re.compile(r"\bE\s?F\s?T\s?O\b", re.I)),
    ("LOU", re.compile(r"\bLIMITED\s+OFFICIAL\s+USE\b", re.I)),
]
# The preamble (banner to E.O./TAGS/SUBJECT) holds the caveats.
_PREAMBLE_END = re.compile(
    r"E\.\s?[O0]\.?\s*\d{5}|\bEO\s+\d{5}|^\s*TAGS?\b|TAGS?:|^\s*SUBJ(?:ECT)?\b|SUBJECT:|¶|"
    r"^\s*\d{1,2}\.\s*\(",
    re.I | re.M,
)


def _preamble(text: str) -> tuple[str, str]:
    """(level word, preamble text) of a cable or fragment."""
    banner = find_banner(text)
    if banner:
        start = banner.start()
        cls = banner.group("cls")
    else:
        m = _CLS_WORD.search(text[:HEAD_LIMIT])
        if not m:
            return "", ""
        start = m.start()
        cls = m.group("cls")
    chunk = text[start : start + 4000]
    skip = 0
    if banner:
        rest = _BANNER_REST.match(banner.group("rest"))
        skip = banner.start("rest") - banner.start() + (rest.end() if rest else 0)
    end = _PREAMBLE_END.search(chunk, skip)
    return cls, chunk[: end.start()] if end else chunk[:600]


def parse_classification(text: str) -> tuple[str, list[str], str]:
    """(level, caveats, label) from the banner and the caveat lines after it.

    >>> parse_classification("C O N F I D E N T I A L BAKU 000641\\n\\nNOFORN\\nSIPDIS\\n")
    ('CONFIDENTIAL', ['NOFORN', 'SIPDIS'], 'CONFIDENTIAL//NOFORN')
    """
    cls, pre = _preamble(normalize_text(text))
    level = _level(cls) if cls else ""
    caveats = [name for name, pat in _CAVEATS if pat.search(pre)]
    if cls and _SPACES.sub("", cls).upper() == "LIMITEDOFFICIALUSE" and "LOU" not in caveats:
        caveats.append("LOU")
    return level, caveats, classification_label(level, caveats)


def classification_label(level: str, caveats: list[str]) -> str:
    """The combined label as WikiLeaks showed it."""
    if not level:
        return ""
    if level == "UNCLASSIFIED":
        if {"SBU", "FOUO", "NOFORN", "LOU"} & set(caveats):
            return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
        return "UNCLASSIFIED"
    if "NOFORN" in caveats:
        return f"{level}//NOFORN"
    return level


# ---------------------------------------------------------------------------------------------
# Routing header: date-time group, DE line, FM, TO, INFO

_DTG_HEAD = re.compile(
    r"^[^\S\n]*(?P<prec>(?:[ZOPR]{1,2}\s+){0,2})(?P<d>\d{2})(?P<h>\d{2})(?P<mi>\d{2})\s?Z\s*"
    r"(?P<mon>[A-Za-z]{3})[A-Za-z]*\s*(?P<y>\d{4}|\d{2})\b",
    re.M,
)
_DTG_INLINE = re.compile(
    r"\b(?P<prec>(?:[ZOPR]\s+){1,2})(?P<d>\d{2})(?P<h>\d{2})(?P<mi>\d{2})Z\s+"
    r"(?P<mon>[A-Z]{3})\s+(?P<y>\d{2})\s+FM\b"
)
_DE_LINE = re.compile(
    r"^\s*DE\s+(?P<ri>[A-Z]{4,7})\s+#(?P<ser>\d{1,6})(?:/\d+)?\s+(?P<jul>\d{7})\b", re.M
)
_CABLE_DATED = re.compile(r"Cable dated:\s*(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")


def _year4(y: str) -> int:
    n = int(y)
    if len(y) == 4:
        return n
    return 2000 + n if n < 40 else 1900 + n


def find_dtg(text: str) -> re.Match[str] | None:
    """The date-time group (``P 270223Z APR 06``) of the routing header."""
    # Asked for by several fields of one text: the last answer is kept, like the banner's.
    if _dtg_cache[0] is text:
        return _dtg_cache[1]
    found = _find_dtg(text)
    _dtg_cache[:] = [text, found]
    return found


_dtg_cache: list = [None, None]


def _find_dtg(text: str) -> re.Match[str] | None:
    head = text[:HEAD_LIMIT]
    banner = find_banner(head)
    region = head[: banner.start()] if banner else head[:4000]
    for m in _DTG_HEAD.finditer(region):
        if m.group("mon").upper()[:3] in MONTHS:
            return m
    m = _DTG_INLINE.search(head)
    if m and m.group("mon") in MONTHS:
        return m
    return None


def parse_created(text: str) -> datetime | None:
    """UTC creation time from the date-time group, checked against the DE line's julian
    day; ``None`` when the text carries neither (e.g. most partial extracts)."""
    text = normalize_text(text)
    m = find_dtg(text)
    de = _DE_LINE.search(text[:HEAD_LIMIT])
    if m:
        year = _year4(m.group("y"))
        try:
            created = datetime(
                year,
                MONTHS[m.group("mon").upper()[:3]],
                int(m.group("d")),
                int(m.group("h")),
                int(m.group("mi")),
                tzinfo=UTC,
            )
        except ValueError:
            created = None
        if created is not None:
            return created
        if de:
            return _julian(year, de.group("jul"))
        return None
    dated = _CABLE_DATED.search(text[:HEAD_LIMIT])
    if dated:
        try:
            return datetime(*(int(g) for g in dated.groups()), tzinfo=UTC)  # type: ignore[misc]
        except ValueError:
            return None
    return None


def _julian(year: int, jul: str) -> datetime | None:
    try:
        day, hh, mm = int(jul[:3]), int(jul[3:5]), int(jul[5:7])
        if not (1 <= day <= 366 and hh < 24 and mm < 60):
            return None
        return datetime(year, 1, 1, hh, mm, tzinfo=UTC) + timedelta(days=day - 1)
    except ValueError:
        return None


def check_created(text: str, created: datetime) -> bool:
    """Whether the DE line's julian day and time agree with ``created`` (True when no DE)."""
    de = _DE_LINE.search(normalize_text(text)[:HEAD_LIMIT])
    if not de:
        return True
    other = _julian(created.year, de.group("jul"))
    return other is None or abs((other - created).total_seconds()) <= 36 * 3600


_PRECEDENCE_LINE = re.compile(r"^\s*([ZOPR])\1?\s*$", re.M)
_TO_NIACT = re.compile(r"^\s*TO\s+[^\n]*\bNIACT\b", re.M)


def parse_precedence(text: str) -> str:
    """FLASH, NIACT IMMEDIATE, IMMEDIATE, PRIORITY, ROUTINE or "" (from the DTG letter)."""
    text = normalize_text(text)
    m = find_dtg(text)
    letters = (m.group("prec").split() if m else []) or []
    prec = PRECEDENCE_LETTERS.get(letters[0][0], "") if letters else ""
    if not prec:
        line = _PRECEDENCE_LINE.search(text, 0, 2000)
        if line:
            prec = PRECEDENCE_LETTERS[line.group(1)]
    if prec == "IMMEDIATE":
        to = _TO_NIACT.search(text, 0, HEAD_LIMIT)
        if to:
            prec = "NIACT IMMEDIATE"
    return prec


_FM = re.compile(r"^\s*FM\s+(?P<name>[A-Z][A-Z0-9 /.'\-]{1,60}?)\s*$", re.M)
_RECIPIENT = re.compile(
    r"^\s*(?:(?P<ri>[A-Z]{4,8})/)?(?P<name>[A-Z0-9][A-Z0-9 .,&'()/\-]*?)"
    r"(?:\s+(?P<prec>NIACT\s+IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH))?"
    r"(?:\s+\d{1,6})?\s*$"
)
_ROUTING_STOP = re.compile(r"^\s*(?:BT|ZEN|ZFR|NNNN|\S+\s+\d{6}Z)\b|^\s*$")


def parse_origin_line(text: str) -> str:
    """The FM line's name (``AMEMBASSY BAKU``), or ""."""
    text = normalize_text(text)
    head = text[:HEAD_LIMIT]
    banner = find_banner(head)
    m = _FM.search(head, 0, banner.start() if banner else 4000)
    return _SPACES.sub(" ", m.group("name")).strip() if m else ""


def parse_origin(text: str) -> str:
    """The origin station as reference IDs spell it (``BAKU``, ``STATE``, ``USUNNEWYORK``)."""
    text = normalize_text(text)
    banner = parse_banner(text)
    fm = parse_origin_line(text)
    if banner and banner["station"] and not header_disagrees(text):
        code = canonical_station(banner["station"])
        if code in known_stations() or not fm:
            return code
    if fm:
        return canonical_station(fm)
    return ""


_TO_OR_INFO = re.compile(r"^(TO|INFO)\b\s*(.*)$")


def parse_recipients(text: str) -> list[Recipient]:
    """TO and INFO recipients of the routing header."""
    text = normalize_text(text)
    head = text[:HEAD_LIMIT]
    banner = find_banner(head)
    region = head[: banner.start()] if banner else head[:8000]
    recipients: list[Recipient] = []
    kind = ""
    for raw in region.split("\n"):
        line = raw.strip()
        m = _TO_OR_INFO.match(line)
        if m:
            kind = m.group(1).lower()
            line = m.group(2).strip()
            if not line:
                continue
        elif not kind:
            continue
        elif _ROUTING_STOP.match(line) or line.startswith(("FM ", "DE ", "ZNY", "ZNR")):
            if line:
                kind = "" if not line.startswith(("TO", "INFO")) else kind
            continue
        r = _RECIPIENT.match(line)
        if not r:
            kind = ""
            continue
        name = _SPACES.sub(" ", r.group("name")).strip()
        if not name:
            continue
        prec = _SPACES.sub(" ", r.group("prec") or "")
        recipients.append(Recipient(kind, r.group("ri") or "", name, prec))
    return recipients


# ---------------------------------------------------------------------------------------------
# Reference ID


_ZNY = re.compile(r"^\s*ZN[YR]\s+([CSUET])\1{3,4}\b", re.M)
_ZNY_LEVELS = {"C": "CONFIDENTIAL", "S": "SECRET", "U": "UNCLASSIFIED", "E": "UNCLASSIFIED"}


def parse_header_level(text: str) -> str:
    """The level the routing header's ZNY line gives (``ZNY CCCCC`` -> CONFIDENTIAL), or ""."""
    m = _ZNY.search(normalize_text(text)[:8000])
    return _ZNY_LEVELS.get(m.group(1), "") if m else ""


@of_the_last_text
def header_disagrees(text: str) -> bool:
    """Whether the routing header (FM and DE lines) names another cable than the banner: the
    record's body holds a second, unrelated cable."""
    text = normalize_text(text)
    banner = parse_banner(text)
    if not banner:
        return False
    de = _DE_LINE.search(text[: int(banner["start"])])
    fm = parse_origin_line(text)
    if not de or not fm:
        return False
    same_station = canonical_station(fm) == canonical_station(banner["station"])
    same_serial = int(de.group("ser")) % 10000 == int(banner["serial"]) % 10000
    return not same_station and not same_serial


def parse_reference_id(text: str, year: int | None = None) -> str:
    """The canonical reference ID (``06BAKU641``) from the banner (or the DE and FM lines when
    there is no banner, or when the body holds another cable than the header) and the
    date-time group; ``year`` (four digits) is used when the text carries no date."""
    text = normalize_text(text)
    banner = parse_banner(text)
    if year is None:
        created = parse_created(text)
        year = created.year if created else None
    if year is None:
        return ""
    if banner and not header_disagrees(text):
        station = canonical_station(banner["station"])
        if banner["efto"]:
            station = "EFTO" + station
        return canonical_reference_id(year, station, banner["serial"])
    de = _DE_LINE.search(text[:HEAD_LIMIT])
    fm = parse_origin_line(text)
    if de and fm:
        return canonical_reference_id(year, canonical_station(fm), de.group("ser"))
    return ""


# ---------------------------------------------------------------------------------------------
# E.O. and declassification

_EO = re.compile(r"\bE\s?\.?\s?[O0]\s?\.?\s*(\d{5})\b|\bEO\s+(\d{5})\b", re.I)
# "\bDECL" written as "D, not after a letter or digit, then ECL": a pattern that opens on one
# character (a set of two, with the case flag inside) is skipped to by a scan in C, where one
# that opens on "\b", an alternation or a case-blind letter is tried at every position of the
# text. The same below for "Classified By" and "REF". At 3,000 generated cables: 64 against
# 25 µs a cable; 62 against 27 ("Classified By"); 87 against 4 ("REF", one case-aware letter).
_DECL = re.compile(
    r"[Dd](?<!\w.)(?i:ECL(?:ASSIFY)?(?:\s+ON)?|NG)\b\s*:?\s*(?i:[A-Z]{2}\s+)?(?P<v>[^\n]{0,40})"
)
_DATE_MDY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
_DATE_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})\b")


def parse_eo(text: str) -> str:
    """The executive order number of the E.O. line (``12958``), or ""."""
    m = _EO.search(normalize_text(text)[:FIELD_LIMIT])
    return (m.group(1) or m.group(2)) if m else ""


def parse_declassification(text: str) -> date | None:
    """The declassification date of ``DECL: 04/26/2016`` (also ``2019/12/17``, ``6/3/08``);
    None for ``N/A``, ``OADR``, ``1.4``, ``TWENTY YEARS``... and for impossible dates."""
    text = normalize_text(text)[:FIELD_LIMIT]
    eo = _EO.search(text)
    start = eo.start() if eo else 0
    m = _DECL.search(text, start)
    if not m:
        return None
    value = m.group("v").strip()
    try:
        ymd = _DATE_YMD.match(value)
        if ymd:
            return date(int(ymd.group(1)), int(ymd.group(2)), int(ymd.group(3)))
        mdy = _DATE_MDY.match(value)
        if mdy:
            return date(_year4(mdy.group(3)), int(mdy.group(1)), int(mdy.group(2)))
    except ValueError:
        return None
    return None


# ---------------------------------------------------------------------------------------------
# TAGS

_TAGS = re.compile(
    r"(?<![A-Za-z])(?:(?i:tags?)[^\S\n]*:|TAGS?[^\S\n]+(?=[A-Z]))[^\S\n]*(?P<v>[^\n]*)", re.M
)
_TAGS_STOP = re.compile(
    r"\bSUBJ(?:ECT)?\b\s*:?|\bREF(?:S|TEL)?\s*:|¶|\bClassified\s+By\b|(?:^|\s)\d{1,2}\.\s+\(",
    re.I,
)
_FIELD_LINE = re.compile(
    r"^\s*(?:SUBJ|SUBJECT|REF|REFS|REFTEL|CLASSIFIED|E\.?\s?O|EO\b|¶|\d{1,2}\s*[.)]|\()", re.I
)
_TAG_LINE = re.compile(r"^[A-Z0-9 ,()./&'\-]{1,200}$")


def parse_tags(text: str) -> list[str]:
    """TAGS, upper-cased, duplicates dropped, never SIPDIS.

    >>> parse_tags("TAGS PGOV, PINS, ZI, MDC, ZANU-PF")
    ['PGOV', 'PINS', 'ZI', 'MDC', 'ZANU-PF']
    """
    text = normalize_text(text)[:FIELD_LIMIT]
    m = _TAGS.search(text)
    if not m:
        return []
    value = m.group("v")
    stop = _TAGS_STOP.search(value)
    if stop:
        value = value[: stop.start()]
    else:
        # Continuation lines: more tag-like lines before the next field.
        rest = text[m.end() :].split("\n")[1:4]
        for line in rest:
            if not line.strip() or _FIELD_LINE.match(line) or not _TAG_LINE.match(line.strip()):
                break
            value += " " + line
    return split_tags(value)


_PARENTHESIZED = re.compile(r"\(([^()]{1,60})\)")
_COMMA_OR_SEMICOLON = re.compile(r"\s*[,;]\s*")
_SHORT_WORD = re.compile(r"[A-Za-z]{2,5}")
_CAPITAL = re.compile(r"[A-Z]")


def split_tags(value: str) -> list[str]:
    """Split a TAGS value on commas or spaces, keeping person tags (``CLINTON, HILLARY``)."""
    value = value.strip().rstrip(".;")
    tags: list[str] = []
    persons = []

    def person(m: re.Match[str]) -> str:
        persons.append(_SPACES.sub(" ", m.group(1)).strip(" ,"))
        return " "

    value = _PARENTHESIZED.sub(person, value)
    parts = [p for p in _COMMA_OR_SEMICOLON.split(value) if p.strip()]
    comma_mode = len(parts) > 1 and sum(" " in p.strip() for p in parts) * 2 < len(parts)
    if comma_mode:
        for part in parts:
            words = part.split()
            if all(_SHORT_WORD.fullmatch(w) for w in words) and len(words) > 1:
                tags.extend(words)
            else:
                tags.append(" ".join(words))
    else:
        words = value.replace(",", " , ").split()
        i = 0
        while i < len(words):
            # "CLINTON, HILLARY" inside a space-separated list is one person tag.
            if i + 2 < len(words) and words[i + 1] == "," and len(words[i]) > 5:
                tags.append(f"{words[i]}, {words[i + 2]}")
                i += 3
                continue
            if words[i] != ",":
                tags.append(words[i])
            i += 1
    tags.extend(persons)
    result: list[str] = []
    for tag in tags:
        tag = tag.strip(" :;").upper()
        if ", " not in tag:
            tag = tag.strip(".")
        if not tag or tag == "SIPDIS" or tag in result or len(tag) > 60:
            continue
        if not _CAPITAL.search(tag):
            continue
        result.append(tag)
    return result


# ---------------------------------------------------------------------------------------------
# SUBJECT

_SUBJECT = re.compile(r"(?<![A-Za-z])SUBJ(?:ECT)?\b[^\S\n]*[:.]?[^\S\n]*", re.I | re.M)
_SUBJECT_STOP = re.compile(
    r"\s(?:REF(?:S|TEL|TELS)?\b\s*[A-Z]?\s*[:.)]|REFS?:|Classified\s+By\b|¶|\d{1,2}\.\s+\(|"
    r"\(\s*(?:U|C|S|SBU)\s*\)\s+(?:SUMMARY|Summary)\b|"
    r"[A-Z][A-Z ]{2,30}\s0{2,}\d+\s+\d{3}(?:\.\d)?\s+OF\s)",
    re.I,
)


def parse_subject(text: str) -> str:
    """The SUBJECT line(s), joined with single spaces."""
    text = normalize_text(text)[:FIELD_LIMIT]
    m = _SUBJECT.search(text)
    if not m:
        return ""
    lines: list[str] = []
    for i, line in enumerate(text[m.end() :].split("\n")[:8]):
        if not line.strip():
            if not lines and i < 3:
                continue
            break
        if i > 0 and _FIELD_LINE.match(line) and not line.lstrip().startswith("("):
            break
        lines.append(line.strip())
    subject = " ".join(lines)
    stop = _SUBJECT_STOP.search(" " + subject)
    if stop:
        subject = (" " + subject)[: stop.start()]
    return _SPACES.sub(" ", subject).strip()


# ---------------------------------------------------------------------------------------------
# References

# At the start of a line or after white space: "R" not after anything but white space (_DECL).
_REF_START = re.compile(
    r"R(?<!\S.)(?:EF(?:S|TEL|TELS|ERENCES?)?|ef(?:s|tel)?)\b(?=[^\S\n]*[A-Z]?[^\S\n]*[:.(]|"
    r"[^\S\n]+(?:\d{2}\s)?[A-Z])"
)
_REF_LABEL = re.compile(
    r"(?:^|(?<=[\s;,]))(?:¶\s*)?(?:REF(?:TEL)?\s+)?\(?(?P<l>[A-Z])(?:[.):]|\s*:)(?=\s)"
)
_REF_BLOCK_STOP = re.compile(
    r"^\s*(?:Classified\s+By|CLASSIFIED\s+BY|\(\s*[UCS]\s*\)\s*Classified|SUMMARY|Summary|"
    r"¶?\s*1\s*\.|\(\s*(?:U|C|S|SBU|SBU/NF|C/NF|S/NF)\s*\)|-{3,}|E\.O\.|TAGS|SUBJECT)",
    re.I,
)


def _station_pattern() -> re.Pattern[str]:
    return _station_regex()


@lru_cache(maxsize=1)
def _station_regex() -> re.Pattern[str]:
    names = set()
    for code, (spaced, _display) in known_stations().items():
        names.add(re.escape(spaced).replace(r"\ ", r"\s+"))
        names.add(re.escape(code))
    names.update(["SECSTATE", "STATE", "USUN", "USNATO", "USEU", "UNVIE", "USOSCE"])
    alternation = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(
        r"(?:(?P<y>\d{4}|\d{2})\s+)?(?P<st>" + alternation + r")\s+0*(?P<ser>\d{1,7})\b"
        r"(?!\s*[/.:\-]\d)(?!\s*(?:AND|OR)\s+[A-Z]+\s+\d)|"
        r"(?P<cy>\d{2})(?P<cst>[A-Z]{3,})(?P<cser>\d{1,7})\b",
        re.I,
    )


_NOT_CABLE = re.compile(r"\b(?:E-?MAIL|EMAILS?|TELCONS?|MEMCON|FAX|LETTER|IIR|TD-)\b", re.I)


def _ref_block(text: str) -> str:
    text = normalize_text(text)[:FIELD_LIMIT]
    m = _REF_START.search(text)
    if not m:
        return ""
    lines = text[m.start() :].split("\n")
    block = [lines[0]]
    blank = 0
    for line in lines[1:40]:
        if not line.strip():
            blank += 1
            if blank > 2:
                break
            continue
        if _REF_BLOCK_STOP.match(line):
            break
        stripped = line.strip()
        if blank and not (_REF_LABEL.match(stripped) or _station_regex().match(stripped)):
            break
        blank = 0
        block.append(line)
    value = _SECTION_MARK.sub(" ", " ".join(s.strip() for s in block))
    cut = _REF_BLOCK_END.search(value)
    return value[: cut.start()] if cut else value


_REF_BLOCK_END = re.compile(r"\sClassified\s+By\b|\s¶?\s*1\.\s+\(|\sSUMMARY\s*[:.]", re.I)
_LABEL_PREFIX = re.compile(r"^(?:REF(?:TEL)?\s+)?\(?[A-Z](?:[.):]|\s*:)\s*")
_SECTION_MARK = re.compile(r"\b[A-Z][A-Z ]{1,25}?\s0{3,}\d{1,6}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\b")


def parse_references(text: str, year: int, reference_id: str | None = None) -> list[str]:
    """Canonical IDs of the cables referenced (REF, REFS, REFTEL), in order, no duplicates,
    the cable itself excluded. ``year`` is the cable's own year (for references without one)."""
    ids: list[str] = []
    for ref in parse_reference_list(text, year, reference_id):
        if ref.reference_id and ref.reference_id not in ids:
            ids.append(ref.reference_id)
    return ids


_REF_HEADING = re.compile(r"^\s*(?:REF(?:S|TEL|TELS|ERENCES?)?|Ref(?:s|tel)?)\b\s*:?\s*")


def parse_reference_list(
    text: str, year: int, reference_id: str | None = None
) -> list[ParsedReference]:
    """Every reference as printed, with its label and canonical ID ("" when not a cable)."""
    block = _ref_block(text)
    if not block:
        return []
    body = _REF_HEADING.sub("", block)
    items: list[tuple[str, str]] = []
    labels = []
    expected = ord("A")
    for m in _REF_LABEL.finditer(body):
        if ord(m.group("l")) == expected:
            labels.append(m)
            expected += 1
    if len(labels) >= 1 and labels[0].start() < 8:
        for i, m in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(body)
            printed = body[m.start() : end].strip(" ;,")
            printed = printed.lstrip("¶").strip()
            items.append((m.group("l"), printed))
    else:
        for part in body.split(";"):
            part = part.strip(" ,")
            if not part:
                continue
            matches = list(_station_regex().finditer(part))
            if len(matches) > 1 and not _NOT_CABLE.search(part):
                for j, mm in enumerate(matches):
                    end = matches[j + 1].start() if j + 1 < len(matches) else len(part)
                    items.append(("", part[mm.start() : end].strip(" ,")))
            else:
                items.append(("", part))
    refs: list[ParsedReference] = []
    own = (reference_id or "").upper()
    for label, printed in items:
        printed = _SPACES.sub(" ", printed).strip()
        if not printed or len(printed) > 300:
            continue
        content = printed
        if label:
            content = _LABEL_PREFIX.sub("", printed)
            if re.match(r"\(?" + label + r"[.):]", content):
                content = _LABEL_PREFIX.sub("", content)
        rid = ""
        m = _station_regex().match(content.strip())
        if m and not _NOT_CABLE.search(content[: m.end() + 12]):
            if m.group("cst"):
                rid = canonical_reference_id(m.group("cy"), m.group("cst").upper(), m.group("cser"))
            else:
                y = int(m.group("y")) % 100 if m.group("y") else int(year) % 100
                station = canonical_station(m.group("st"))
                rid = canonical_reference_id(y, station, m.group("ser"))
        if rid and rid == own:
            continue
        refs.append(ParsedReference(printed=printed, label=label, reference_id=rid))
    return refs


# ---------------------------------------------------------------------------------------------
# Classified By

_CLASSIFIED_BY = re.compile(r"[Cc](?<!\w.)(?i:lassified\s*by)\b\s*:?\s*")  # "\bClassified" (_DECL)
_REASONS = re.compile(
    r"[\s,.;:]*(?:\bfor\s+)?\b(?:reasons?|reas\s*ons?|reason\(s\))\b\s*:?\s*|"
    r"[\s,.;:]+(?:for\s+|per\s+)?(?=\b1\.[45]\b)|[\s,.;:]+(?:E\.?O\.?\s*12958)",
    re.I,
)
_TITLE_WORDS = {
    "a/dcm",
    "acting",
    "adcm",
    "advisor",
    "adviser",
    "affairs",
    "alternate",
    "amb",
    "amb.",
    "ambassador",
    "and",
    "assistant",
    "attache",
    "attorney",
    "cda",
    "ch",
    "charge",
    "charge'",
    "chargé",
    "chief",
    "cons",
    "consul",
    "consular",
    "coordinator",
    "couns",
    "counselor",
    "counsellor",
    "d'affaires",
    "daffaires",
    "d'affaires,",
    "das",
    "dcm",
    "defense",
    "deputy",
    "dir",
    "director",
    "div",
    "division",
    "econ",
    "economic",
    "econoff",
    "envoy",
    "first",
    "for",
    "general",
    "head",
    "interim",
    "legal",
    "management",
    "manager",
    "minister",
    "minister-counselor",
    "mission",
    "office",
    "officer",
    "of",
    "permanent",
    "pol",
    "pol/econ",
    "polcouns",
    "polecon",
    "political",
    "poloff",
    "principal",
    "public",
    "regional",
    "representative",
    "second",
    "section",
    "secretary",
    "senior",
    "special",
    "staff",
    "the",
    "third",
    "under",
    "u.s.",
    "us",
    "usun",
    "chief,",
    "minister-counselor,",
    "a/s",
    "assistant-secretary",
    "deputy-chief",
    "by",
    "p/e",
    "pe",
    "pe/c",
    "econ/pol",
    "acting,",
    "ambassador,",
    "charg",
    "d'",
    "d",
    "isn",
    "pao",
    "rso",
    "dcm/pol",
    "pmo",
    "dhs",
    "legatt",
    "att",
    "rep",
    "ret.",
}


def parse_classification_reasons(text: str) -> str:
    """The reasons of the Classified By line, e.g. ``1.4 (b) and (d)``."""
    _who, why = _classified_by(text)
    return why


def _classified_by(text: str) -> tuple[str, str]:
    # Both the names and the reasons come from this line: the last answer is kept.
    if _classified_by_cache[0] is text:
        return _classified_by_cache[1]
    found = _read_classified_by(text)
    _classified_by_cache[:] = [text, found]
    return found


_classified_by_cache: list = [None, ("", "")]


_CLASSIFIED_BY_START = re.compile(
    r"^(?:\(\s*[A-Z/]{1,6}\s*\)\s*)?(?:Classified\s*by\s*:?\s*)?", re.I
)
_CLASSIFIED_BY_END = re.compile(r"\s(?:¶|\d{1,2}\.\s+\(|\(\s*[UCS]\s*\)\s)")
_REASONS_END = re.compile(r"\s{2,}|\s(?=[A-Z][a-z]+\s[a-z])")
_EO_PREFIX = re.compile(r"^(?:e\.?\s?o\.?\s*\d{5}\s*,?\s*)")


def _read_classified_by(text: str) -> tuple[str, str]:
    text = normalize_text(text)[:FIELD_LIMIT]
    m = _CLASSIFIED_BY.search(text)
    if not m:
        return "", ""
    lines = []
    for i, line in enumerate(text[m.end() :].split("\n")[:4]):
        if not line.strip():
            if i == 0:
                continue
            break
        lines.append(line.strip())
    value = _SPACES.sub(" ", " ".join(lines)).replace("’", "'")
    value = _CLASSIFIED_BY_START.sub("", value)
    value = _CLASSIFIED_BY_END.split(" " + value)[0].strip()
    r = _REASONS.search(value)
    if r:
        who, why = value[: r.start()], value[r.end() :]
    else:
        who, why = value, ""
    why = _REASONS_END.split(why)[0]
    why = _EO_PREFIX.sub("", why.strip(" .;,").lower())
    why = _SPACES.sub(" ", why)
    return who.strip(" .,;:"), why[:80]


_PARENTHESES = re.compile(r"\([^)]*\)")
_NAME_SEPARATOR = re.compile(r"\s+(?:and|AND|&)\s+|;|\s/\s")


def parse_classified_by(text: str) -> list[str]:
    """The names of the Classified By line, titles dropped: ``["Joan Polaschik"]``."""
    who, _why = _classified_by(text)
    if not who:
        return []
    who = _PARENTHESES.sub(" ", who)
    names: list[str] = []
    for person in _NAME_SEPARATOR.split(who):
        name = _name_of(person)
        if name and name not in names:
            names.append(name)
    return names


_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
_NOT_A_NAME = re.compile(r"\d|SOURCES?\b|MULTIPLE|^(?:reasons?|E\.?O)$", re.I)
_INITIAL = re.compile(r"[A-Z]\.?")


def _name_of(text: str) -> str:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for k, part in enumerate(parts):
        words = part.split()
        # Runs of words between titles; the name is the last run with a real word.
        runs: list[list[str]] = [[]]
        for w in words:
            if _is_title(w, part):
                runs.append([])
            else:
                runs[-1].append(w)
        name = next((r for r in reversed(runs) if any(_TWO_LETTERS.search(w) for w in r)), [])
        if not name:
            continue
        # "Luis G, Moreno": an initial cut from the surname by a stray comma.
        if _INITIAL.fullmatch(name[-1]) and k + 1 < len(parts):
            nxt = parts[k + 1].split()
            if nxt and not _is_title(nxt[0], parts[k + 1]):
                name = name + nxt[:1]
        if len(name) > 5:
            return ""
        joined = " ".join(name).strip(" .:")
        if _NOT_A_NAME.search(joined):
            return ""
        return joined
    return ""


_INITIALS = re.compile(r"(?:[A-Z]\.)+[,.]?")


def _is_title(word: str, context: str) -> bool:
    w = word.lower().strip(",.:;")
    if w in _TITLE_WORDS or "/" in w:
        return True
    # In mixed-case text, an all-capital short word is an office acronym (DCM, INR, NEA).
    mixed = any(c.islower() for c in context)
    if _INITIALS.fullmatch(word):  # initials: "W.R."
        return False
    return mixed and word.isupper() and len(word.strip(".,")) >= 2 and len(word) <= 5


# ---------------------------------------------------------------------------------------------
# Signer

_SIGNER = re.compile(r"^[A-Za-z][A-Za-z.'\-]*(?:\s+[A-Za-z][A-Za-z.'\-]*){0,2}$")
_NOT_SIGNER = re.compile(
    r"^(?:BT|NNNN|END|END\s+(?:TEXT|SUMMARY|COMMENT|CABLE)|SIPDIS|NOFORN|SENSITIVE|"
    r"UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|TOP SECRET|LIMITED OFFICIAL USE|COMMENT|"
    r"SUMMARY|NOTE|NONE|XXXXXXXXXXXX|THANKS?|REGARDS|MINIMIZE|SEPTEL|PARA|DECL|TAGS)\.?$",
    re.I,
)
_TRAILER = re.compile(
    r"^\s*(?:BT|NNNN|#\d+|\d{4}|NOTE BY [A-Z/]+:.*|\S+\s+-\s+Classification:.*|>|"
    r"=+\s*CABLE ENDS\s*=+|"
    r"[-=_*]{3,}|[A-Z][A-Z ]{1,30}\s0{2,}\d{1,6}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}|"
    r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|C O N F I D E N T I A L|S E C R E T)\s*|"
    r"PAGE \d+ .*|.*\d{6}Z\s*/\d+.*|)\s*\"?$",
    re.I,
)


_SIGNER_SEPARATOR = re.compile(r"\s+/\s+|\s+AND\s+")
_GLUED_NAME = re.compile(r"[.!?\"')]\s+([A-Z][A-Za-z'\-]{1,20})$")


def parse_signers(text: str) -> list[str]:
    """The closing signature(s): ``["HYLAND"]``; [] when the cable ends otherwise."""
    text = normalize_text(text)
    tail = text[-4000:].split("\n")
    while tail and _TRAILER.match(tail[-1]):
        tail.pop()
    if not tail:
        return []
    last = tail[-1].strip().strip("\"'").strip()
    # "... all of us. LEBARON": a surname glued at the end of the last sentence.
    if not _SIGNER.match(last):
        glued = _GLUED_NAME.search(last)
        if glued and glued.group(1).isupper() and not _NOT_SIGNER.match(glued.group(1)):
            return [glued.group(1)]
        return []
    if _NOT_SIGNER.match(last) or len(tail) < 2:
        return []
    names = [n.strip() for n in _SIGNER_SEPARATOR.split(last) if n.strip()]
    return names


def signer_line_index(lines: list[str]) -> int | None:
    """Index of the closing signature line in ``lines`` (for removal from paragraphs)."""
    i = len(lines) - 1
    while i >= 0 and _TRAILER.match(lines[i]):
        i -= 1
    if i < 1:
        return None
    last = lines[i].strip().strip("\"'").strip()
    if _SIGNER.match(last) and not _NOT_SIGNER.match(last):
        return i
    return None


# ---------------------------------------------------------------------------------------------
# Partial extracts, "is it a cable"

_PARTIAL = re.compile(r"partial\s+extract|full\s+text\s+of\s+the\s+original\s+cable", re.I)


def parse_partial_extract(text: str) -> bool:
    """Whether the record says it is only a partial extract of the original cable."""
    head = normalize_text(text)[:4000]
    lowered = head.lower()
    # The case-blind search costs ten times the look for its two words.
    if "partial" not in lowered and "full" not in lowered:
        return False
    return bool(_PARTIAL.search(head))
