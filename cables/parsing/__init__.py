"""Parse the Cablegate US diplomatic cables (pure Python, no Django).

>>> cable = parse_cable(text)            # raises NotACable for anything else
>>> cable.reference_id, cable.label, [p.number for p in cable.paragraphs]
"""

from .cable import infer_year, is_cable, parse_cable, parse_summary
from .fields import (
    classification_label,
    normalize_text,
    parse_banner,
    parse_classification,
    parse_classification_reasons,
    parse_classified_by,
    parse_created,
    parse_declassification,
    parse_eo,
    parse_origin,
    parse_origin_line,
    parse_partial_extract,
    parse_precedence,
    parse_recipients,
    parse_reference_id,
    parse_reference_list,
    parse_references,
    parse_signers,
    parse_subject,
    parse_tags,
)
from .models import NotACable, ParsedCable, ParsedParagraph, ParsedReference, Recipient
from .paragraphs import parse_paragraphs
from .stations import (
    canonical_reference_id,
    canonical_station,
    catalogue_years,
    known_stations,
    station_display_name,
)

__all__ = [
    "NotACable",
    "ParsedCable",
    "ParsedParagraph",
    "ParsedReference",
    "Recipient",
    "canonical_reference_id",
    "canonical_station",
    "catalogue_years",
    "classification_label",
    "infer_year",
    "is_cable",
    "known_stations",
    "normalize_text",
    "parse_banner",
    "parse_cable",
    "parse_classification",
    "parse_classification_reasons",
    "parse_classified_by",
    "parse_created",
    "parse_declassification",
    "parse_eo",
    "parse_origin",
    "parse_origin_line",
    "parse_paragraphs",
    "parse_partial_extract",
    "parse_precedence",
    "parse_recipients",
    "parse_reference_id",
    "parse_reference_list",
    "parse_references",
    "parse_signers",
    "parse_subject",
    "parse_summary",
    "parse_tags",
    "station_display_name",
]
