"""What extraction returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityMention:
    paragraph_position: int  # index of the paragraph in the list given
    start: int  # character offsets in that paragraph's text:
    end: int  # text[start:end] == self.text
    text: str  # as written
    kind: str  # "person" | "organization" | "place"
    name: str  # display name of the entity within this cable
    key: str  # merge key across cables: the same key is the same entity
