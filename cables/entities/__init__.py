"""People, organisations and places in cable paragraphs (no Django; the extraction compiled
by mypyc where it was built: native.py).

>>> mentions = extract_entities(["President Ilham Aliyev met ...", "Aliyev said ..."],
...                             tags=["AJ"], people=["Anne Derse"])
>>> {m.key for m in mentions}   # "person:ilham aliyev", ...
"""

from collections import defaultdict
from collections.abc import Iterable

from . import native
from .gazetteer import gazetteer
from .keys import fold, organization_key, person_key, place_key, resolve_keys, surname_of
from .model import EntityMention

native.install()  # the compiled extraction, when built from the source on disk

# after install, to get the compiled ones
from .extract import extract_entities, mention_rows  # noqa: E402


def entity_aliases(mentions: Iterable[EntityMention]) -> dict[str, set[str]]:
    """Every spelling met for each key: {"person:mustafa najjar": {"Najjar", "Mustafa Najjar"}}."""
    aliases: dict[str, set[str]] = defaultdict(set)
    for mention in mentions:
        aliases[mention.key].add(" ".join(mention.text.split()))
    return dict(aliases)


def tag_places(tags: Iterable[str]) -> list[tuple[str, str, str]]:
    """(code, place name, key) for the TAGS that are FIPS 10-4 country codes, as State uses
    them: "AJ" -> ("AJ", "Azerbaijan", "place:az"), the key its mentions carry."""
    fips = gazetteer().fips
    return [(code, *fips[code]) for code in tags if code in fips]


__all__ = [
    "EntityMention",
    "entity_aliases",
    "extract_entities",
    "fold",
    "mention_rows",
    "organization_key",
    "person_key",
    "place_key",
    "resolve_keys",
    "surname_of",
    "tag_places",
]
