"""The parsed forms of a cable (a fixed contract: fields may be added, never renamed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


class NotACable(Exception):
    """The document is not a diplomatic cable; ``reason`` says why, in one line."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Recipient:
    kind: str  # "to" or "info"
    routing_indicator: str  # "RUEHC" ("" if none)
    name: str  # "SECSTATE WASHDC"
    precedence: str  # "PRIORITY", "IMMEDIATE", "ROUTINE", "NIACT IMMEDIATE", "FLASH" or ""


@dataclass
class ParsedParagraph:
    position: int  # 0-based position in the body
    number: str  # as printed: "1", "4", "A"; "" when unnumbered
    marking: str  # portion marking, normalized spacing: "(U)", "(SBU)", "(S//NF)"; "" when none
    level: str  # "U", "SBU", "C", "S", "TS" or ""
    caveats: list[str]  # from the marking: ["NF"], ["REL"], ...
    text: str  # the paragraph text as written, without number, marking and page-break noise


@dataclass
class ParsedReference:
    printed: str  # as printed, e.g. "A. STATE 126089"
    label: str  # "A" or ""
    reference_id: str  # canonical "07STATE126089", or "" when it is not a cable


@dataclass
class ParsedCable:
    reference_id: str
    created: datetime | None
    precedence: str
    origin: str
    origin_name: str
    recipients: list[Recipient]
    classification: str
    caveats: list[str]
    label: str
    eo: str
    declassify_on: date | None
    tags: list[str]
    subject: str
    references: list[ParsedReference]
    classified_by: list[str]
    classification_reasons: str
    signer: str
    summary: str
    partial_extract: bool
    header: str
    body: str
    paragraphs: list[ParsedParagraph]
    source: str | None = None
    # Added fields (not in the original contract).
    section: str = ""  # "01 OF 03" when the banner gives one
    warnings: list[str] = field(default_factory=list)  # what could not be parsed or cross-checked
