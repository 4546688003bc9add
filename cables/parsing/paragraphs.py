"""Body paragraphs: numbering, portion markings and page-break noise."""

from __future__ import annotations

import re
from functools import lru_cache

from .fields import find_banner, normalize_text, signer_line_index
from .models import ParsedParagraph

# Level, then up to six caveat words after "/", "//", "-" or a space: "S//NF", "S/REL UK".
_MARK_INNER = r"(?:TS|S|C|U|SBU|LOU|FOUO|CUI)(?:(?:\s*/{1,2}\s*|\s*-\s*|\s+)[A-Z]{1,8}){0,6}"
MARKING = re.compile(r"\(\s*(?P<inner>" + _MARK_INNER + r")\s*\)")
_PARA_START = re.compile(
    r"^[^\S\n]*(?P<anchor>¶[^\S\n]*)?(?:(?P<num>\d{1,3})[^\S\n]?[.)](?=[\s(\"'A-Za-z]|$)|"
    r"(?P<let>[A-Z])[.)](?=[\s(]|$))[^\S\n]*(?P<mark>\(\s*" + _MARK_INNER + r"\s*\))?",
)
_MARK_START = re.compile(r"^[^\S\n]*(?P<anchor>¶[^\S\n]*)?(?P<mark>\(\s*" + _MARK_INNER + r"\s*\))")
# Paragraphs are only looked for this far into a body (real cables are far shorter).
BODY_LIMIT = 4 * 1024 * 1024
_LEVEL_CODES = {"TS": "TS", "S": "S", "C": "C", "U": "U", "SBU": "SBU", "LOU": "SBU", "FOUO": "U"}
_CAVEAT_CODES = {"NOFORN": "NF", "NF": "NF", "REL": "REL", "OC": "OC", "ORCON": "OC"}

_CLS_WORDS = (
    r"(?:TOP\s+SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED|UNCLAS|LIMITED\s+OFFICIAL\s+USE|"
    r"C\s?O\s?N\s?F\s?I\s?D\s?E\s?N\s?T\s?I\s?A\s?L|S\s?E\s?C\s?R\s?E\s?T)"
)
_NOISE_LINE = re.compile(
    r"^\s*(?:" + _CLS_WORDS + r"(?:\s*//?\s*[A-Z]+)?(?:\s+PTQ\d+)?|SIPDIS|NOFORN|SENSITIVE|"
    r"NNNN|BT|#\d{1,5}|>|=+\s*CABLE\s+ENDS\s*=+|"
    r"PAGE\s+\d+\s+[A-Z]{2,}[A-Z ]*?\s+\d+\s+(?:\d+\s+OF\s+\d+\s+)?\d{6}Z(?:\s+ACTION\s+\S+)?|"
    r"[A-Z][A-Z ]{1,30}\s0{2,}\d{1,6}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}|"
    r"INFO\s+LOG-\d+.*|ACTION\s+[A-Z]+-\d+|-{5,}\s*[0-9A-F]{6}\s+\d{6}Z\s*/\d+.*|"
    # a rule of dashes, underscores, equals signs or stars
    r"[-_=*]{3,})\s*$",
)
# A page header glued to text: "PAGE 03 HARARE 05461 01 OF 02 271458Z THAT THE MDC".
_PAGE_PREFIX = re.compile(
    r"^\s*PAGE\s+\d+\s+[A-Z]{2,}[A-Z ]*?\s+\d+\s+(?:\d+\s+OF\s+\d+\s+)?\d{6}Z\s*"
)
# A classification word at the end of the line before a page header.
_CLS_AT_END = re.compile(r"[^\S\n]+" + _CLS_WORDS + r"[^\S\n]*$")
_SECTION_INLINE = re.compile(
    r"[^\S\n]*\b[A-Z][A-Z ]{1,25}?\s0{3,}\d{1,6}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\b[^\S\n]*"
)
_TERMINAL = re.compile(r"[.!?:;\"'”’)\]]\s*$")

# Header fields that come before the first paragraph.
_FIELD_STARTS = re.compile(
    r"^\s*(?:E\.?\s?[O0]\.?\s*\d{5}|EO\s+\d{5}|TAGS?\b|SUBJ(?:ECT)?\b|REF(?:S|TEL|TELS)?\b|"
    r"Classified\s+By|\(\s*[UCS]\s*\)\s*Classified\s+By)",
    re.I,
)


def clean_lines(lines: list[str]) -> list[str | None]:
    """Page-break noise removed: noise lines become None (they do not break a paragraph), page
    headers glued to text and inline section headers are cut out of their line."""
    out: list[str | None] = []
    for i, line in enumerate(lines):
        if _NOISE_LINE.match(line):
            out.append(None)
            continue
        if "PAGE" in line:
            line = _PAGE_PREFIX.sub("", line)
        if "OF" in line and "000" in line:
            line = _SECTION_INLINE.sub(" ", line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if "PAGE" in nxt and _PAGE_PREFIX.match(nxt):
            line = _CLS_AT_END.sub("", line)
        out.append(line)
    return out


def _marking_parts(marking: str) -> tuple[str, str, list[str]]:
    """("(S//NF)", "S", ["NF"]) from a printed marking; the list is the caller's own."""
    printed, level, caveats = _marking_parts_of(marking)
    return printed, level, list(caveats)


_SLASHES = re.compile(r"\s*(/{1,2})\s*")
_MARKING_SEPARATORS = re.compile(r"[/\-\s]+")


# A cable's paragraphs mostly repeat a handful of markings ("(C)", "(SBU)", "(S//NF)").
@lru_cache(maxsize=4096)
def _marking_parts_of(marking: str) -> tuple[str, str, tuple[str, ...]]:
    inner = marking.strip()[1:-1].strip().upper()
    inner = _SLASHES.sub(r"\1", inner)
    printed = f"({inner})"
    tokens = _MARKING_SEPARATORS.split(inner)
    level = _LEVEL_CODES.get(tokens[0], "")
    caveats: list[str] = []
    for tok in tokens[1:]:
        code = _CAVEAT_CODES.get(tok, tok if tok in ("FOUO", "SBU") else "")
        if code and code not in caveats:
            caveats.append(code)
    return printed, level, tuple(caveats)


_REF_FIELD = re.compile(r"^\s*REF", re.I)
_LETTERED = re.compile(r"^\s*¶?\s*\(?[A-Z][.):]\s")


_FIRST_NUMBER = re.compile(r"\s*(?:¶\s*)?1\s*[.)]")


def _body_start(lines: list[str]) -> int:
    """Index of the first line after the header fields (E.O., TAGS, SUBJECT, REF, Classified
    By) that open the body; 0 when the text starts with paragraphs."""
    last_field = -1
    in_field = False
    in_refs = False
    for i, line in enumerate(lines[:400]):
        stripped = line.strip()
        if last_field < 0 and i > 80:
            break
        if _FIRST_NUMBER.match(line) and _PARA_START.match(line):
            break
        if _FIELD_STARTS.match(line):
            last_field = i
            in_field = True
            in_refs = bool(_REF_FIELD.match(line))
            continue
        if not stripped:
            in_field = False
            continue
        if in_refs and _LETTERED.match(line):
            last_field = i
            in_field = True
            continue
        if in_field and not _MARK_START.match(line) and len(stripped) < 100:
            last_field = i
            continue
        in_field = False
        if last_field >= 0 and (_MARK_START.match(line) or _PARA_START.match(line)):
            break
    return last_field + 1


def parse_paragraphs(body: str) -> list[ParsedParagraph]:
    """The body's paragraphs, in order. Works on a body, on a whole cable (the routing header,
    banner and header fields are skipped) or on a fragment."""
    text = normalize_text(body)[:BODY_LIMIT]
    banner = find_banner(text)
    if banner:
        text = text[banner.end() :]
    lines = text.split("\n")
    lines = lines[_body_start(lines) :]
    sig = signer_line_index(lines)
    if sig is not None:
        lines = lines[:sig]
    cleaned = clean_lines(lines)

    paras: list[dict] = []
    current: dict | None = None
    blank_before = True
    expected_num: int | None = None
    expected_letter = "A"

    for line in cleaned:
        if line is None:
            continue
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        line = line.rstrip()
        # A paragraph opens with a number, a letter and its point, a marking or a pilcrow (what
        # _PARA_START and _MARK_START begin with: this test changes with them); the patterns
        # are not tried on the other lines, most of them.
        first = stripped[0]
        opens = (
            first in "¶(" or first.isdecimal() or ("A" <= first <= "Z" and stripped[1:2] in ".)")
        )
        started = False
        m = _PARA_START.match(line) if opens else None
        if m:
            num = m.group("num") or m.group("let")
            marked = bool(m.group("mark"))
            signal = bool(m.group("anchor") or marked)
            ended = current is None or _ends_block(current)
            fresh = blank_before and (marked or ended)
            number = ""
            if num.isdigit():
                n = int(num)
                if expected_num is None:
                    if n <= 3 or signal:
                        number = str(n)
                elif n == expected_num:
                    if blank_before or marked or ended:
                        number = str(n)
                elif num.startswith("1") and len(num) > 1 and num[1:] == str(expected_num):
                    if blank_before or marked:
                        number = str(expected_num)  # a pilcrow misread as a leading 1
                elif (expected_num < n <= expected_num + 3 or n == 1) and fresh:
                    number = str(n)
                if number:
                    expected_num = int(number) + 1
                    expected_letter = "A"
            elif num == expected_letter and (blank_before or signal):
                number = num
                expected_letter = chr(ord(num) + 1)
            if number:
                current = {"number": number, "marking": m.group("mark") or "", "lines": []}
                rest = line[m.end() :].strip()
                if rest:
                    current["lines"].append(rest)
                paras.append(current)
                started = True
        if not started and opens:
            mk = _MARK_START.match(line)
            if mk and (blank_before or current is None or mk.group("anchor")):
                current = {"number": "", "marking": mk.group("mark"), "lines": []}
                rest = line[mk.end() :].strip()
                if rest:
                    current["lines"].append(rest)
                paras.append(current)
                started = True
        if not started:
            if current is None or (blank_before and _ends_block(current)):
                current = {"number": "", "marking": "", "lines": [stripped]}
                paras.append(current)
            else:
                current["lines"].append(stripped)
        blank_before = False

    result: list[ParsedParagraph] = []
    for p in paras:
        text_ = "\n".join(p["lines"]).strip()
        if not text_ and not p["number"] and not p["marking"]:
            continue
        printed, level, caveats = _marking_parts(p["marking"]) if p["marking"] else ("", "", [])
        result.append(
            ParsedParagraph(
                position=len(result),
                number=p["number"],
                marking=printed,
                level=level,
                caveats=caveats,
                text=text_,
            )
        )
    return result


def _ends_block(para: dict) -> bool:
    """Whether a blank line after ``para`` ends it (a sentence or a heading ended there)."""
    if not para["lines"]:
        return not para["number"] and not para["marking"]
    last = para["lines"][-1]
    if _TERMINAL.search(last):
        return True
    # A heading: one short line, not a numbered or marked paragraph.
    return len(para["lines"]) == 1 and not para["number"] and not para["marking"] and len(last) < 70
