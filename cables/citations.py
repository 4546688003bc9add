"""Citations of a cable or of one of its paragraphs: Chicago style and BibTeX.

Pure functions. `cable` is anything with the Cable attributes used here (reference_id, subject,
origin_name, created, released, label); the caller passes the absolute permalink and the access
date, so that the output depends on nothing else.

Choices, for a reader who wonders:
- Chicago (17th ed., notes and bibliography), bibliography form, treating a cable as an
  unpublished government document: author (the sending post), "subject," description with the
  reference ID and date, the classification as marked, where it was released, the access date
  and the permalink.
- The subject is quoted exactly as printed (usually in capitals). Title-casing it would garble the
  acronyms cables are full of (GOAJ, MFA, UNSCR) and a citation should let a reader find the
  document by its exact words.
"""

from __future__ import annotations

import datetime as dt
import re

CABLE_DESCRIPTION = "Diplomatic cable"
RELEASED_BY = "WikiLeaks"


def author(cable) -> str:
    """The sending post as an author: "US Embassy Baku", "US Secretary of State"."""
    name = (cable.origin_name or cable.origin or "").strip()
    if not name:
        return "US Department of State"
    if re.match(r"(?i)^(US|U\.S\.|United States|American)\b", name):
        return name
    return f"US {name}"


def long_date(value) -> str:
    """April 27, 2006 (no leading zero), or "n.d." as Chicago writes an unknown date."""
    if value is None:
        return "n.d."
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value:%B} {value.day}, {value.year}"


def paragraph_label(number: str) -> str:
    return f"¶{number}" if number else "unnumbered paragraph"


def chicago(cable, url: str, accessed: dt.date, paragraph_number: str | None = None) -> str:
    """A Chicago bibliography entry; with `paragraph_number`, one for that paragraph.

    US Embassy Baku. "IRANIAN DEFENSE MINISTER VISITS BAKU." Diplomatic cable 06BAKU641,
    April 27, 2006, ¶2. CONFIDENTIAL. Released by WikiLeaks. Accessed May 3, 2026.
    https://example.org/cables/06BAKU641/p2/.
    """
    subject = _sentence(cable.subject or "(no subject)")
    parts = [
        f"{_sentence(author(cable))}",
        f"“{subject}”",
        _sentence(
            f"{CABLE_DESCRIPTION} {cable.reference_id}, {long_date(cable.created)}"
            + (f", {paragraph_label(paragraph_number)}" if paragraph_number is not None else "")
        ),
    ]
    if cable.label:
        parts.append(_sentence(cable.label))
    released = f", {long_date(cable.released)}" if cable.released else ""
    parts.append(f"Released by {RELEASED_BY}{released}.")
    parts.append(f"Accessed {long_date(accessed)}.")
    parts.append(f"{url}.")
    return " ".join(parts)


def bibtex(cable, url: str, accessed: dt.date, paragraph_number: str | None = None) -> str:
    """A BibTeX @misc entry (biblatex reads it too: urldate, date)."""
    key = bibtex_key(cable.reference_id, paragraph_number)
    title = cable.subject or "(no subject)"
    if paragraph_number is not None:
        title = f"{title}, {paragraph_label(paragraph_number)}"
    howpublished = f"{CABLE_DESCRIPTION} {cable.reference_id}"
    if cable.label:
        howpublished += f", {cable.label}"
    fields = [
        ("author", "{" + _bibtex_escape(author(cable)) + "}"),
        ("title", "{" + _bibtex_escape(title) + "}"),
        ("howpublished", _bibtex_escape(howpublished)),
    ]
    if cable.created is not None:
        created = cable.created.date() if isinstance(cable.created, dt.datetime) else cable.created
        fields += [
            ("year", str(created.year)),
            ("month", created.strftime("%b").lower()),
            ("date", created.isoformat()),
        ]
    note = f"Released by {RELEASED_BY}"
    if cable.released:
        note += f", {long_date(cable.released)}"
    fields += [
        ("note", _bibtex_escape(note)),
        ("url", url.replace("%", r"\%").replace("#", r"\#")),
        ("urldate", accessed.isoformat()),
    ]
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@misc{{{key},\n{body}\n}}"


def bibtex_key(reference_id: str, paragraph_number: str | None = None) -> str:
    """cable:06BAKU641, cable:06BAKU641:p2: starts with a letter, only safe characters."""
    key = "cable:" + re.sub(r"[^A-Za-z0-9]", "", reference_id)
    if paragraph_number is not None:
        key += ":p" + (re.sub(r"[^A-Za-z0-9]", "", paragraph_number) or "x")
    return key


def _sentence(text: str) -> str:
    """The text as a sentence: ends with one full stop, not two (nor ".”.")."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _bibtex_escape(text: str) -> str:
    text = " ".join(text.split())
    return "".join(_BIBTEX_SPECIALS.get(char, char) for char in text)
