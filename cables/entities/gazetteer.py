"""The word lists behind extraction, loaded once per process.

Places come from GeoNames (CC BY 4.0; extracted to ``data/geonames-*.tsv`` by
``data/build_places.py``: countries with their FIPS 10-4 codes, cities of 15,000 people or more,
US states, continents) plus ``data/places.tsv``; organisations, titles, country
adjectives come from the small files in ``data/`` (see data/README.md for their sources).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .keys import organization_key, person_key, place_key

DATA = Path(__file__).with_name("data")

# A word: letters with inner apostrophes or hyphens; or an abbreviation with dots ("U.S.").
# (Runs of letters, not one letter at a time with a look-ahead: a third faster, same words.)
TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_]+(?:['’-][^\W\d_]+)*")

FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "into",
        "onto",
        "upon",
        "as",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "he",
        "she",
        "it",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "its",
        "their",
        "our",
        "your",
        "my",
        "him",
        "them",
        "us",
        "me",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "if",
        "while",
        "although",
        "though",
        "because",
        "since",
        "after",
        "before",
        "during",
        "until",
        "unless",
        "per",
        "via",
        "about",
        "above",
        "below",
        "over",
        "under",
        "between",
        "among",
        "against",
        "without",
        "within",
        "across",
        "through",
        "not",
        "no",
        "yes",
        "also",
        "only",
        "even",
        "just",
        "all",
        "any",
        "some",
        "each",
        "every",
        "both",
        "either",
        "neither",
        "few",
        "many",
        "most",
        "more",
        "much",
        "other",
        "such",
        "same",
        "so",
        "very",
        "too",
        "again",
        "further",
        "once",
        "said",
        "says",
        "say",
        "told",
        "tells",
        "according",
        "both",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)
# Words that begin place names and are given names too: "San Simon de Cucuy", "Fort Worth";
# the nouns among them begin no person's name: "Lake Albert", "Mount Elgon".
PLACE_NOUNS = frozenset(["mount", "fort", "port", "cape", "lake"])
PLACE_WORDS = frozenset(["san", "santa", "santo", "sao", "saint", "st"]) | PLACE_NOUNS
MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)


ABBREVIATED_STARTS = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}
ARABIC_ARTICLE = re.compile(r"^(?:Al|El|Ar|As|Ash|Ad|An|At|Az|Ath)[ -](?=[A-Z])")


def tokens_of(text: str) -> tuple[str, ...]:
    return tuple(map(str.lower, TOKEN.findall(text)))


@dataclass
class Gazetteer:
    # lower-cased word tuple -> (kind, display name, key)
    phrases: dict[tuple[str, ...], tuple[str, str, str]] = field(default_factory=dict)
    # exact upper-case acronym -> (kind, display name, key)
    acronyms: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    longest: int = 1
    first_words: dict[str, int] = field(default_factory=dict)  # first word -> longest phrase
    # words inside a phrase, and "d'..." ending one ("Rio de Janeiro", "Cote d'Ivoire")
    inner_words: set[str] = field(default_factory=set)
    common_memo: dict[str, bool] = field(default_factory=dict)
    common: frozenset[str] = frozenset()
    # ordinary English words never written capitalised (wamerican/wbritish), beyond ``common``
    english: frozenset[str] = frozenset()
    english_memo: dict[str, bool] = field(default_factory=dict)
    # given names (US Social Security records) that are no common word, title or demonym
    given_names: frozenset[str] = frozenset()
    generic_acronyms: frozenset[str] = frozenset()
    demonyms: frozenset[str] = frozenset()
    # demonym -> the country's name as GOx acronyms give it: "dutch" -> "Netherlands"
    demonym_countries: dict[str, str] = field(default_factory=dict)
    title_heads: frozenset[str] = frozenset()
    title_of: frozenset[str] = frozenset()
    title_parts: frozenset[str] = frozenset()  # inside a title, never a name: "Chief Executive"
    fips: dict[str, tuple[str, str]] = field(default_factory=dict)  # FIPS code -> (name, key)
    # towns under 50,000 people: too weak a signal on their own in all-capitals text
    small_places: set[tuple[str, ...]] = field(default_factory=set)
    # towns under 500,000 people, no capital: "the Obama administration" is no town's
    towns: set[tuple[str, ...]] = field(default_factory=set)
    # names of a country, a capital or a city of 500,000 people or more (whatever smaller towns
    # share them: London, Ontario), and of areas: no person's name spreads to them
    big_places: set[tuple[str, ...]] = field(default_factory=set)
    # states and provinces, which count in all-capitals text whatever their size; those that
    # are not also a city are often a family name too ("Bolivar", "Guerrero")
    regions: set[tuple[str, ...]] = field(default_factory=set)
    regions_only: set[tuple[str, ...]] = field(default_factory=set)
    # countries, regions, continents, seas: what "Northern" or "East" can qualify
    areas: set[tuple[str, ...]] = field(default_factory=set)

    def add(self, name: str, kind: str, display: str, key: str) -> None:
        plain = _plain(name)
        lower_case = {w for w in TOKEN.findall(plain) if w.islower()}
        for words in {tokens_of(name), tokens_of(plain)}:
            if words and words not in self.phrases:
                self.phrases[words] = (kind, display, key)
                self.longest = max(self.longest, len(words))
                self.first_words[words[0]] = max(self.first_words.get(words[0], 0), len(words))
                self.inner_words.update(w for w in words[1:-1] if w in lower_case)
                if words[-1][:1] == "d":
                    self.inner_words.add(words[-1])


def _plain(name: str) -> str:
    """Without diacritics: "Cúcuta" is written "CUCUTA", "Bihār" "Bihar"."""
    if name.isascii():
        return name  # nothing to decompose
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def _words(name: str) -> frozenset[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return frozenset(
        w for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


@cache
def gazetteer() -> Gazetteer:
    gaz = Gazetteer()
    gaz.common = _words("common_words.txt") | FUNCTION_WORDS | MONTHS
    gaz.generic_acronyms = _words("generic_acronyms.txt")
    demonyms = _words("demonyms.txt")
    gaz.demonyms = demonyms | {w + "s" for w in demonyms}  # "Muslims", "Kurds"
    titles = [line.split() for line in (DATA / "titles.txt").read_text().splitlines()]
    gaz.title_heads = frozenset(w[1] for w in titles if len(w) == 2 and w[0] == "head")
    gaz.title_of = frozenset(w[1] for w in titles if len(w) == 2 and w[0] == "of")
    gaz.title_parts = frozenset(w[1] for w in titles if len(w) == 2 and w[0] == "part")
    gaz.english = _words("english_words.txt")
    not_given = gaz.common | gaz.english | gaz.title_heads | gaz.title_parts | gaz.demonyms
    gaz.given_names = _words("given_names.txt") - not_given - PLACE_WORDS

    # Organisations first: "Vatican" the state body and "Vatican" the place share a name, and
    # the cables mostly mean the Holy See as an actor.
    for row in _rows("organizations.tsv"):
        canonical, others, acronyms = [*row, "", ""][:3]
        key = organization_key(canonical)
        for name in [canonical, *filter(None, others.split("|"))]:
            gaz.add(name, "organization", canonical, key)
        for acronym in filter(None, acronyms.split("|")):
            gaz.acronyms[acronym] = ("organization", canonical, key)

    # People the cables name by their initials ("ASSK"): their names are found by the rules.
    for name, acronyms in _rows("people.tsv"):
        for acronym in acronyms.split("|"):
            gaz.acronyms[acronym] = ("person", name, person_key(name))

    countries = {
        iso: {"name": name, "fips": fips, "capital": capital}
        for iso, fips, name, capital in _rows("geonames-countries.tsv")[1:]
    }
    for row in _rows("places.tsv"):
        name, others, code = [*row, "", ""][:3]
        aliases = [name, *filter(None, others.split("|"))]
        if code and code in countries:  # "Burma" stays a name of Myanmar
            name = countries[code]["name"] if name not in ("Iran", "Russia", "Syria") else name
        key = place_key(name, code)
        for alias in aliases:
            if re.fullmatch(r"[A-Z.]+", alias) and len(alias.replace(".", "")) <= 4:
                gaz.acronyms[alias] = ("place", name, key)
            else:
                gaz.add(alias, "place", name, key)
                gaz.areas.add(tokens_of(alias))
    capitals = set()
    for code, country in countries.items():
        key = place_key(country["name"], code)
        gaz.add(country["name"], "place", country["name"], key)
        gaz.big_places.add(tokens_of(country["name"]))
        if country.get("fips"):
            gaz.fips[country["fips"]] = (country["name"], key)
        capitals.add(country.get("capital", ""))
    for _kind, name in _rows("geonames-regions.tsv")[1:]:  # US states, continents
        gaz.add(name, "place", name, place_key(name))
        gaz.areas.add(tokens_of(name))
    arabic = []
    for name, population in _rows("geonames-cities.tsv")[1:]:  # most populous first
        city = {"population": int(population)}
        words = tokens_of(name)
        if not words or name in capitals:
            pass
        elif len(name) < 4 or all(
            w in gaz.common or w in gaz.demonyms
            for w in (words if name.isascii() else tokens_of(_plain(name)))
        ):
            continue  # "Bank" for Bānk, "Than" for Thān: words before towns
        if city["population"] < 500000 and name not in capitals:
            gaz.towns.update({words, tokens_of(_plain(name))})
            if city["population"] < 50000:
                gaz.small_places.add(words)
        else:
            gaz.big_places.update({words, tokens_of(_plain(name))})
        gaz.add(name, "place", name, place_key(name))
        if city["population"] >= 100000:
            arabic.append(name)
    # Arabic names of cities as cables write them: "Basra" for Basrah, "Hilla" for Al Hillah,
    # "Ramadi" for Ar Ramadi (GeoNames keeps the article and the final h).
    for name in arabic:
        bare = ARABIC_ARTICLE.sub("", _plain(name))
        for alias in {bare, bare[:-1] if bare.endswith("ah") else bare}:
            words = tokens_of(alias)
            if (
                len(words) == 1
                and len(alias) > 4
                and words not in gaz.phrases
                and not any(w in not_given or w in gaz.given_names for w in words)
            ):
                gaz.add(alias, "place", name, place_key(name))
    by_key = {key: name for name, key in gaz.fips.values()}
    for demonym, country in _rows("demonym_countries.tsv"):
        entry = gaz.phrases.get(tokens_of(country))
        if entry and entry[2] in by_key:
            gaz.demonym_countries[demonym] = by_key[entry[2]]
    # States and provinces of every country, after the cities: "Santander" the city and the
    # department share a key anyway, and a region is never too small to count in capitals.
    for _country, _kind, name, others in _rows("iso-3166-2-regions.tsv")[1:]:
        display = _plain(name)
        words = tokens_of(display)
        if len(display) < 4 or all(
            w in gaz.common or w.removesuffix("s") in gaz.common or w in gaz.demonyms for w in words
        ):
            continue  # "Centre", "Delta", "Lakes", "Western"
        for alias in [name, *filter(None, others.split("|"))]:
            words = tokens_of(_plain(alias))
            if words not in gaz.phrases:  # not also a city ("Harare", "Madrid")
                gaz.regions_only.add(words)
            gaz.regions.add(words)
            gaz.areas.add(words)
            gaz.add(alias, "place", display, place_key(display))
    gaz.big_places |= gaz.areas
    # "St. Lucia", "Mt. Kenya": the abbreviations cables write for Saint and Mount
    for words, entry in list(gaz.phrases.items()):
        short = ABBREVIATED_STARTS.get(words[0])
        if short and len(words) > 1 and entry[0] == "place":
            gaz.phrases.setdefault((short, *words[1:]), entry)
            gaz.first_words[short] = max(gaz.first_words.get(short, 0), len(words))
    return gaz
