"""Merge keys: one string per entity, the same in every cable, whatever the spelling."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

# Romanisations that cables use interchangeably for the same given name.
_VARIANTS = {
    "muhammad": ("mohammad", "mohammed", "muhammed", "mohamed", "mohamad", "muhamad", "mohd"),
    "mustafa": ("mostafa", "moustafa", "mustapha", "mostapha", "moustapha"),
    "ahmad": ("ahmed",),
    "husayn": ("hussein", "hussain", "husein", "huseyn", "husain", "hossein", "huseyin"),
    "hasan": ("hassan",),
    "abdullah": ("abdallah", "abdulla"),
    "yusuf": ("yousef", "youssef", "yusef", "yousuf", "yousif"),
    "mahmud": ("mahmoud", "mahmood"),
    "ali": ("aly",),
    "umar": ("omar",),
    "usama": ("osama",),
    "ibrahim": ("ebrahim",),
    "qadhafi": ("qaddafi", "gadhafi", "gaddafi", "kadhafi", "qadhafi", "qadafi"),
}
_CANONICAL = {v: k for k, vs in _VARIANTS.items() for v in vs}
_SPECIAL = str.maketrans(
    {
        "ı": "i",
        "ə": "e",
        "Ə": "E",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "đ": "d",
        "ł": "l",
        "Ł": "L",
        "’": "'",
    }
)
_PARTICLES = {"al", "el", "ul"}
# "Park Jie-won", "Kim Jong-il", "Chiang Kai-shek": a family name before a given name of two
# syllables joined by a hyphen (Korean names, Chinese ones in Wade-Giles) comes first.
_SYLLABLE = (
    r"(?:[kgnrlmbpsjhyw]|kk|tt|pp|ss|jj|ch|sh|[dt])?"  # the first consonant, if any
    r"(?:ae|ya|yae|eo|yeo|ye|wa|wae|oe|yo|wo|we|wi|yu|eu|ui|oo|ee|ou|ie|ai|ei|oi|[aeiou])"
    r"(?:ng|[knlmp])?"  # the last one
)
_GIVEN_NAME_OF_TWO_SYLLABLES = re.compile(f"{_SYLLABLE}-{_SYLLABLE}", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['`]")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)  # names recur within a cable and across the archive
def fold(text: str) -> str:
    """Lower case ASCII letters, digits and single spaces: diacritics, hyphens, dots go."""
    text = text.translate(_SPECIAL)
    if not text.isascii():  # ASCII has nothing to decompose
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", text).split())


@lru_cache(maxsize=65536)  # the same names again within a cable and across the archive
def name_parts(name: str) -> tuple[str, ...]:
    """The folded words of a person's name, romanisation variants unified, "al-" dropped; a
    family name written first ("Park Jie-won") last, after its given name joined in one."""
    if family_name_first(name):
        *before, family, given = name.split()
        return (*name_parts(" ".join(before)), fold(given).replace(" ", ""), fold(family))
    parts = tuple(_CANONICAL.get(p, p) for p in fold(name).split())
    return tuple(p for p in parts if p not in _PARTICLES) or parts


def family_name_first(name: str) -> bool:
    """ "Park Jie-won", "KIM JONG-IL": the name ends on a family name and a given name of two
    syllables as Korean names are written in Latin letters ("Lazar-Sury", "Hague-based" are
    none)."""
    if "-" not in name:
        return False  # most names
    words = name.split()
    return (
        len(words) >= 2
        and 2 <= len(words[-2]) <= 6
        and words[-2].isalpha()
        and bool(_GIVEN_NAME_OF_TWO_SYLLABLES.fullmatch(words[-1]))
        and words[-1][:3].lower() not in ("al-", "el-")  # "Seif Al-Din", "Shebin El-Kom"
    )


def person_key(name: str) -> str:
    """ "person:<given> <surname>" from a full name, "person:<surname>" from a surname alone.

    Middle names and patronymics are left out, so "Mostafa Mohammad-Najjar" and "Mustafa Najjar"
    share "person:mustafa najjar"."""
    parts = name_parts(name)
    if not parts:
        return "person:"
    if len(parts) == 1:
        return f"person:{parts[0]}"
    return f"person:{parts[0]} {parts[-1]}"


def organization_key(name: str) -> str:
    return f"org:{fold(name)}"


def place_key(name: str, country_code: str = "") -> str:
    """Countries by ISO code ("place:az"), so that names, old names and TAGS codes agree."""
    return f"place:{country_code.lower()}" if country_code else f"place:{fold(name)}"


def surname_of(key: str) -> str:
    """The last word of a person key ("najjar" for person:mustafa najjar and person:najjar);
    empty for other kinds. Keys sharing it are the only ones resolve_keys compares."""
    kind, _, value = key.partition(":")
    words = value.split()
    return words[-1] if kind == "person" and words else ""


def resolve_keys(keys: Iterable[str]) -> dict[str, str]:
    """Map every key to the key it should be merged into, given all the keys of the archive.

    A surname-only person key ("person:najjar") joins the one full key with that surname
    ("person:mustafa najjar"); when several full names share the surname ("ilham aliyev",
    "heydar aliyev") it stays apart. The answer depends on the set of keys only, never on the
    order in which cables were imported."""
    keys = set(keys)
    by_surname: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        kind, _, value = key.partition(":")
        words = value.split()
        if kind == "person" and len(words) > 1:
            by_surname[words[-1]].add(key)
    resolved = {}
    for key in keys:
        kind, _, value = key.partition(":")
        full = by_surname.get(value, set()) if kind == "person" and " " not in value else set()
        resolved[key] = next(iter(full)) if len(full) == 1 else key
    return resolved
