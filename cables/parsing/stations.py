"""Station names: canonical codes as in reference IDs, spaced names and display names."""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Routing prefixes that name the kind of post, not the post.
_PREFIX = re.compile(
    r"^(?:AMEMBASSY|AMEMB|AMCONSUL|AMCONGEN|AMCONSULATE|USMISSION|USMISSIONS|USDEL|USINT|USLO|"
    r"USOFFICE|AMERICAN\s+EMBASSY|AMERICAN\s+CONSULATE|EMBASSY|CONSULATE|MISSION)\s+",
    re.I,
)
_SPACES = re.compile(r"[\s.'\-]+")
_ALIASES = {
    "SECSTATE": "STATE",
    "SECSTATEWASHDC": "STATE",
    "STATEWASHDC": "STATE",
    "STATEDEPT": "STATE",
    "USUN": "USUNNEWYORK",
    "USUNNY": "USUNNEWYORK",
    "UNVIE": "UNVIEVIENNA",
    "USEU": "USEUBRUSSELS",
    "USNATOBRUSSELS": "USNATO",
    "USNATOBRUSSELSBE": "USNATO",
    "AIT": "AITTAIPEI",
    "USOSCEVIENNA": "USOSCE",
    "KIEV": "KIEV",
}


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for line in (DATA / "stations.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, spaced, display = line.split("\t")
        table[code] = (spaced, display)
    return table


def known_stations() -> dict[str, tuple[str, str]]:
    """code -> (spaced name, display name) for every station of the release."""
    return _table()


_NOT_CODE = re.compile(r"[^A-Z0-9]")


def canonical_station(name: str) -> str:
    """The station as reference IDs spell it: ``RIO DE JANEIRO`` -> ``RIODEJANEIRO``,
    ``AMEMBASSY BAKU`` -> ``BAKU``, ``SECSTATE WASHDC`` -> ``STATE``,
    ``USMISSION USUN NEW YORK`` -> ``USUNNEWYORK``. Unknown names are compacted the same way."""
    text = (name or "").strip().upper()
    for _ in range(2):
        text = _PREFIX.sub("", text)
    code = _SPACES.sub("", text)
    code = _NOT_CODE.sub("", code)
    if code in _ALIASES:
        return _ALIASES[code]
    table = _table()
    if code in table:
        return code
    # "SECSTATE WASHDC", "USNATO BRUSSELS BE", "AMEMBASSY BERN SZ": drop trailing words.
    words = _SPACES.split(text)
    for end in range(len(words) - 1, 0, -1):
        shorter = "".join(words[:end])
        if shorter in _ALIASES:
            return _ALIASES[shorter]
        if shorter in table:
            return shorter
    return code


_DISPLAY_KINDS = {
    "AMEMBASSY": "Embassy {}",
    "AMCONSUL": "Consulate {}",
    "AMCONGEN": "Consulate {}",
    "USINT": "US Interests Section {}",
    "USEU": "USEU {}",
}


def station_display_name(code: str, routing_name: str = "") -> str:
    """The display name WikiLeaks gave a post: ``Embassy Baku``, ``Consulate Shanghai``,
    ``Secretary of State``... from the FM line's kind of post (``AMCONSUL X``, ``AIT TAIPEI``)
    when it has one, else from the table of stations, else ``Embassy <station>``."""
    code = (code or "").upper()
    if code.startswith("EFTO") and code[4:] in _table():
        code = code[4:]
    words = (routing_name or "").strip().upper().split()
    table = _table()
    if words:
        kind = words[0]
        place = " ".join(words[1:])
        spaced = table[code][0] if code in table and code != "STATE" else place
        if kind == "SECSTATE":
            return "Secretary of State"
        if kind == "AIT":
            return f"American Institute Taiwan, {(spaced or 'Taipei').title()}"
        if kind in _DISPLAY_KINDS and place:
            if canonical_station(place) != code:
                spaced = place
            return _DISPLAY_KINDS[kind].format(spaced.title())
    entry = table.get(code)
    if entry:
        return entry[1]
    if words and words[0] == "USMISSION" and len(words) > 1:
        return f"US Mission {' '.join(words[1:]).title()}"
    return f"Embassy {code.title()}" if code else ""


_NOT_DIGIT = re.compile(r"\D")


def canonical_reference_id(year: int | str, station: str, serial: int | str) -> str:
    """``canonical_reference_id(2006, "BAKU", "000641")`` -> ``"06BAKU641"``."""
    yy = int(str(year).strip()) % 100
    digits = _NOT_DIGIT.sub("", str(serial))
    number = int(digits) if digits else 0
    return f"{yy:02d}{canonical_station(station)}{number}"


@lru_cache(maxsize=1)
def _catalogue() -> frozenset[str]:
    with gzip.open(DATA / "reference-ids.txt.gz", "rt", encoding="ascii") as fh:
        return frozenset(fh.read().split())


_YEARS = tuple(range(66, 100)) + tuple(range(0, 40))


def catalogue_years(station: str, serial: int) -> tuple[int, ...]:
    """Two-digit years of the release's cables numbered ``station`` ``serial`` (the release's
    catalogue of 251,287 reference IDs, loaded on first use)."""
    ids = _catalogue()
    return tuple(y for y in _YEARS if f"{y:02d}{station}{int(serial)}" in ids)
