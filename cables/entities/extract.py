"""Find the people, organisations and places of one cable, paragraph by paragraph.

Rules over a gazetteer, no statistics: a paragraph is tokenised once, then passes claim tokens
in order of confidence (a title before a name, gazetteer phrases, acronyms defined in the text,
organisation names ending in "Army", "Party"..., runs of uncommon capitalised words, and last
the names already seen in the cable). A claimed token is never claimed again, so mentions
cannot overlap. In all-capitals paragraphs capitalisation says nothing, and the same passes
lean on the lists only.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import cache
from itertools import accumulate, compress, pairwise
from operator import attrgetter, itemgetter

from cables.entities.gazetteer import (
    FUNCTION_WORDS,
    MONTHS,
    PLACE_NOUNS,
    TOKEN,
    Gazetteer,
    gazetteer,
    tokens_of,
)
from cables.entities.keys import (
    family_name_first,
    fold,
    name_parts,
    organization_key,
    person_key,
    place_key,
)
from cables.entities.model import EntityMention

ORG_SUFFIXES = frozenset(
    [
        "group",
        "army",
        "corps",
        "party",
        "front",
        "movement",
        "council",
        "committee",
        "commission",
        "organization",
        "organisation",
        "agency",
        "ministry",
        "bank",
        "company",
        "corporation",
        "union",
        "association",
        "institute",
        "university",
        "foundation",
        "stiftung",  # "Konrad Adenauer Stiftung"
        "brigade",
        "brigades",
        "forces",
        "force",  # "the Turkish Air Force"
        "assembly",
        "service",
        "authority",
        "tribunal",
        "league",
        "alliance",
        "federation",
        "society",
        "network",
        "coalition",
        "board",
        "police",
        "navy",
        "office",
        "department",
        "division",
        "directorate",
        "bureau",
        "senate",
        "congress",
        "chamber",
        "court",
        "guard",
        "guards",
        "unit",
        "staff",  # "the Turkish General Staff", "the Joint Staff"
        "united",  # a club: "Manchester United", "Delta United"
        # companies
        "co",
        "ltd",
        "inc",
        "corp",
        "llc",
        "plc",
        "gmbh",
        "holding",
        "holdings",
        "industries",
        "airlines",
        "airways",
        "petroleum",
        "consulting",
        "enterprises",
        "telecom",
        "motors",
    ]
)
# Words that may stand before a demonym inside a body's name: "NATIONAL IRANIAN OIL COMPANY".
NAME_ADJECTIVES = frozenset(
    ["national", "royal", "federal", "united", "islamic", "democratic", "great", "free", "new"]
)
# "the Department's Office of ...": bodies and offices own, but are no part of a name.
# Words for people that own a body's name ("People's Liberation Army", "Women's Forum"); the
# plural of any other word owns one with its bare apostrophe ("Workers' Party").
PEOPLE_WORDS = frozenset(["people", "women", "men", "children", "youth"])
NOT_OWNERS = frozenset(["department", "embassy", "government", "state", "country", "mission"])
# Company endings written with a dot, which is part of the name: "Loi Hein Co."
ABBREVIATED = frozenset(["co", "ltd", "inc", "corp"])
# Kinds of body that any meeting or office has: "the Working Group", "the Political Unit".
GENERIC_BODIES = frozenset(
    ["group", "unit", "office", "committee", "department", "division", "bureau", "board", "force"]
)
# A region's subdivisions share these names with a ministry's offices.
SUBDIVISIONS = frozenset(["department", "division"])
# "the Eleventh Party Congress", "the Tenth Central Committee": an ordinal before these numbers
# a meeting or a term of a body, and names no body ("Second Appeals Court" is one).
ORDINALS = frozenset(
    [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
    ]
)
SITTINGS = frozenset(["congress", "committee", "party"])
# "Commission on Human Rights", "Committee for National Security": a body's name goes on.
NAME_GOES_ON = frozenset(["of", "for", "on", "against"])
# Words that begin a company's or a bank's name in the languages of cables' host countries.
ORG_PREFIXES = frozenset(["banco", "banca", "banque", "grupo", "groupe", "companhia", "compania"])
# "the Aznar government", "the Bush administration": an unknown word before these is a person.
RULED_BY = frozenset(["government", "administration", "regime", "presidency", "era"])
# Of those, the words that a town's name never stands before: "the Obama administration".
RULED_BY_PEOPLE = frozenset(["administration", "presidency"])
COMPASS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    ]
)
# Endings of adjectives of peoples, parties and creeds: "the Chechen government" is no person.
ADJECTIVE_ENDINGS = ("ish", "ese", "ian", "ean", "can", "ist", "ic", "ine")
NOT_ORGANIZATIONS = frozenset(
    [
        "agreement",
        "treaty",
        "act",
        "resolution",
        "law",
        "program",
        "programme",
        "plan",
        "initiative",
        "convention",
        "protocol",
        "accord",
        "strategy",
        "project",
        "arrangement",
    ]
)
# What a defined acronym's long form ends with when it names people, a post, a time or a
# thing, not a body: "Internally Displaced Persons (IDPs)", "Fraud Prevention Manager (FPM)",
# "Forward Operating Location (FOL)", "Market Year (MY)".
NOT_BODY_HEADS = frozenset(
    [
        "persons",
        "people",
        "manager",
        "assistant",
        "officer",
        "officers",
        "location",
        "locations",
        "year",
        "years",
        "technology",
        "technologies",
        "rules",
        "system",
        "systems",
        "talks",
        # programs, products and terms: "End Use Monitoring (EUM)", "Joint Strike Fighter
        # (JSF)", "Gross Domestic Product (GDP)", "Foreign Military Sales (FMS)"
        "monitoring",
        "training",
        "financing",
        "fighter",
        "product",
        "sales",
        "funds",
        "articles",
        "weapons",
        "plans",
        "directive",
        "framework",
        "acceptance",
        "suite",
        "consultations",
        "edge",
        "tax",
        "partnership",
        "process",
        "laundering",
        "sensor",
        "aliens",
        "agenda",
        "list",
        "policy",
        "regime",
        "zone",
        "zones",
        "area",
        "areas",
    ]
)
# What follows a place that names a treaty, a programme or a round, not the place: "Merida
# Initiative", "Doha Development Agenda", "DOHA round", "KYOTO PROTOCOL", "Rome Statute".
_DOCUMENTS = (
    "Initiative|Treaty|Protocol|Agreement|Accords?|Conventions?|Declaration|Process|Agenda|Plan"
    "|Program|Programme|Consensus|Compact|Pact|Round|Statute"
)
DOCUMENT_AFTER = re.compile(
    rf"[ \t]*\n?[ \t]*(?:[A-Z][a-z]+[ \t]+)?(?:{_DOCUMENTS}|{_DOCUMENTS.upper()}|round)\b"
)
# Words after which a name is a place's: "in Gori Saakashvili said", "Embassy The Hague
# Jennifer Davis" are two names.
PLACE_BEFORE = re.compile(r"\b(?:in|at|from|near|to|into|embassy|consulate)\s+\Z", re.I)
# Abbreviations that begin place names, written with a dot: "St. Petersburg", "Ft. Meade".
NAME_ABBREVIATIONS = frozenset(["st", "ste", "mt", "ft"])
NAME_PARTICLES = frozenset(
    [
        "al",
        "el",
        "bin",
        "ibn",
        "abu",
        "abd",
        "de",
        "del",
        "da",
        "van",
        "von",
        "la",
        "le",
        "di",
        "dos",
        "das",
    ]
)
# TAGS (FIPS 10-4) of the Spanish-speaking countries, where people have two surnames and the
# first is the one used alone.
HISPANIC_TAGS = frozenset(
    [
        "SP",
        "MX",
        "GT",
        "HO",
        "ES",
        "NU",
        "CS",
        "PM",
        "CU",
        "DR",
        "CO",
        "VE",
        "EC",
        "PE",
        "BL",
        "CI",
        "AR",
        "UY",
        "PA",
        "RQ",
    ]
)
# Articles of other languages, which begin the names of newspapers and places after "the".
FOREIGN_ARTICLES = frozenset(["le", "la", "les", "los", "las", "der", "die", "das"])
CONNECTORS = frozenset(["of", "for", "and", "the", "on", "in", "de"])
NOT_NAME_PREFIXES = frozenset(["anti", "pro", "ex", "non", "post", "pre", "neo", "co", "counter"])
FACILITIES = frozenset(
    [
        "hospital",
        "clinic",
        "school",
        "university",
        "airport",
        "street",
        "road",
        "avenue",
        "square",
        "hotel",
        "bridge",
        "mosque",
        "church",
        "cathedral",
        "center",
        "centre",
        "prison",
        "stadium",
        "park",
        "palace",
        "camp",
        "base",
        "station",
    ]
)
# Named buildings and works that are places: "Kotoka International Airport", "Babri Mosque".
PLACE_FACILITIES = frozenset(
    [
        "airport",
        "airbase",
        "hospital",
        "mosque",
        "cathedral",
        "temple",
        "shrine",
        "synagogue",
        "stadium",
        "prison",
        "palace",
        "bridge",
        "dam",
    ]
)
# English words that such names use, in capitals: "KABUL INTERNATIONAL AIRPORT".
FACILITY_WORDS = frozenset(
    ["international", "military", "general", "national", "central", "royal", "memorial", "new"]
)
# Acronyms that are also everyday words when a whole cable is in capitals.
CAPS_AMBIGUOUS = frozenset(
    ["US", "AID", "WHO", "PA", "AP", "GE", "AU", "EC", "AQ", "IT", "OR", "IN", "AT"]
)
GOVERNMENT = re.compile(r"GO([A-Z]{1,3})")
GOVERNMENT_OF = re.compile(r"Government\s+of\s+([A-Z][a-z]+)\b")
# The forums named by a number: "G-20", "G8".
GROUP_OF = re.compile(r"G-?(7|8|20|77)(?![\w-])")
GROUPS_OF = {
    "7": "Group of Seven",
    "8": "Group of Eight",
    "20": "Group of Twenty",
    "77": "Group of 77",
}
# An acronym: 2 to 8 capitals, maybe joined by a hyphen ("PSOE", "AFL-CIO", "TNK-BP").
ACRONYM = re.compile(r"[A-Z]{2,8}(?:-[A-Z]{1,4})?")
ROMAN_NUMERAL = re.compile(r"[IVXLC]+")
OFFICE_PART = re.compile(r"[A-Z]{2,6}(?![a-z])")
# A word with a capital after a small letter inside it: "RosUkrEnergo", "PetroCaribe".
CAMEL_CASE = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]*)+")
CAMEL_PARTS = re.compile(r"[A-Z][a-z]*")
# a-z -> "a", A-Z -> "A", any other byte -> " ": a small letter before a capital is b"aA",
# found in C (a regular expression over every paragraph cost 3% of the extraction)
LETTER_CASES = bytes(97 if 97 <= c <= 122 else 65 if 65 <= c <= 90 else 32 for c in range(256))
SURNAME_PREFIXES = frozenset(
    ["Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "El", "Al", "Van", "Von", "Jo", "Gian", "O"]
)
# Parts of the abbreviations cables write in camel case: "PolOffs", "SecDef", "PermRep".
CAMEL_JARGON = frozenset(
    [
        "pol",
        "econ",
        "off",
        "offs",
        "sec",
        "def",
        "min",
        "mins",
        "gen",
        "perm",
        "rep",
        "reps",
        "leg",
        "att",
        "am",
        "emb",
        "con",
        "rev",
        "cit",
        "cits",
        "spec",
        "mil",
        "dir",
        "dirs",
        "coun",
        "couns",
        "counselor",
        "brig",
        "dep",
        "cab",
        "fin",
        "prep",
        "com",
        "amb",
        "desk",
        "unit",
        "note",
        "consulate",
        "embassy",
        "group",
        "state",
        "post",
        "energy",
        "bio",
    ]
)
BUREAUS = ("Bureau of", "Department of", "Office of", "U.S. ", "Agency for International")
PLACE_SUFFIXES = frozenset(
    [
        "river",
        "sea",
        "lake",
        "mountains",
        "mountain",
        "valley",
        "island",
        "islands",
        "gulf",
        "bay",
        "archipelago",
        "peninsula",
        "strait",
        "desert",
        "plateau",
        "atoll",
        "kingdom",
    ]
)
# "Republic of Iraq", "Kingdom of the Netherlands": the formal name of a country.
FORMAL_STATES = frozenset(
    ["republic", "kingdom", "principality", "sultanate", "emirate", "commonwealth"]
)
FORMAL_ADJECTIVES = frozenset(
    ["islamic", "federal", "democratic", "arab", "hashemite", "bolivarian", "socialist"]
)
SPEECH_VERBS = frozenset(
    [
        "said",
        "says",
        "told",
        "stated",
        "added",
        "noted",
        "claimed",
        "asserted",
        "explained",
        "argued",
        "stressed",
        "emphasized",
        "commented",
        "replied",
        "responded",
        "remarked",
        "confirmed",
        "agreed",
        "denied",
        "insisted",
        "warned",
        # the present of headlines and press summaries: "Okada tells Flournoy"
        "tells",
        "warns",
        "adds",
        "stresses",
        "explains",
        "argues",
        "insists",
        "denies",
        "confirms",
    ]
)
# "the whaling company Hvalur", "energy giant Gazprom": a kind of company before its name.
COMPANY_NOUNS = frozenset(
    [
        "company",
        "firm",
        "carrier",
        "airline",
        "conglomerate",
        "giant",
        "producer",
        "manufacturer",
        "operator",
        "subsidiary",
        "newspaper",
        "daily",
        "weekly",
        "magazine",
        "broadcaster",
    ]
)
# "Cosan CFO", "VASP OWNER", "Hamas officials": what only a body has, after its name.
ORGANIZATION_HAS = frozenset(
    [
        "ceo",
        "cfo",
        "coo",
        "chairman",
        "chairwoman",
        "officials",
        "executives",
        "employees",
        "shareholders",
        "headquarters",
        "subsidiary",
        "subsidiaries",
        "owner",
        "owners",
        "members",
        "militants",
        "fighters",
        "leadership",
    ]
)
# "US OFFICIALS", "US GOVERNMENT": the country, where "TOLD US" is the pronoun.
US_NOUNS = frozenset(
    [
        "government",
        "officials",
        "official",
        "policy",
        "policies",
        "position",
        "forces",
        "military",
        "navy",
        "army",
        "embassy",
        "interests",
        "companies",
        "firms",
        "troops",
        "side",
        "delegation",
        "ambassador",
        "citizens",
        "nationals",
        "dollars",
        "congress",
        "territory",
        "inventory",
        "private",
        "national",
        "diplomatic",
        "special",
        "agenda",
        "legislation",
        "law",
        "laws",
        "coast",
        "waters",
        "fishing",
        "economy",
        "bases",
        "vessels",
        "aircraft",
        "intelligence",
    ]
)
# "US HAS ACCEPTED", "US DID NOT": a subject, so the country; the pronoun never is one.
US_SUBJECT_VERBS = frozenset(
    ["has", "is", "was", "does", "did", "will", "would", "should", "can", "could", "must", "may"]
)
# "Agalega islands", "the Agalega region", "KAPIKULE BORDER", "the town of Tibu".
PLACE_CUES = frozenset(
    [
        "island",
        "islands",
        "river",
        "valley",
        "region",
        "province",
        "district",
        "village",
        "town",
        "city",
        "border",
        "crossing",
        "settlement",
        "archipelago",
        "neighborhood",
        "neighbourhood",
        "municipality",
        "governorate",
        "villages",
        "towns",
        "cities",
        "districts",
        "provinces",
    ]
)
MEMBERS = frozenset(["officials", "members", "militants", "fighters", "leadership"])
# What makes an adjective of the name before it, in any case: "Abu Dhabi-based", "TEHRAN-BACKED".
COMPOUND_ENDINGS = frozenset(
    [
        "based",
        "led",
        "backed",
        "born",
        "owned",
        "run",
        "funded",
        "sponsored",
        "affiliated",
        "linked",
        "controlled",
        "supported",
        "dominated",
        "allied",
        "initiated",
        "style",
        "era",
    ]
)
# Words that begin a title before its head: "Permanent Secretary", "Executive Director".
TITLE_MODIFIERS = frozenset(
    ["permanent", "executive", "assistant", "acting", "senior", "principal", "vice", "special"]
)
# Portfolios of one word, after which a known word is the minister's name.
PORTFOLIOS = frozenset(
    [
        "state",
        "defense",
        "defence",
        "finance",
        "justice",
        "interior",
        "health",
        "education",
        "agriculture",
        "energy",
        "commerce",
        "labor",
        "labour",
        "trade",
        "economy",
        "culture",
        "transport",
        "treasury",
        "industry",
        "tourism",
        "information",
        "environment",
    ]
)
# Endings of the nouns that go on a portfolio, and of no name: "of Trade Monitoring".
PORTFOLIO_ENDINGS = ("ing", "tion", "sion", "ment", "ance", "ence", "ity", "ics", "ies", "airs")
# Kinds of division that follow a place's name and name the place: "Mpumalanga Province".
# ("Region" is left out: "the Kivu region", "the Black Sea Region" are loose areas.)
ADMINISTRATIVE = frozenset(
    ["province", "governorate", "oblast", "prefecture", "district", "county", "ward"]
)
# A body's seat after its name, like a title: "National Assembly Member Cho Yoon-sun".
MEMBER = frozenset(["member", "members"])
# "the ruling Nur Otan party", "L'express newspaper": a kind of body after its name, in lower
# case.
KINDS_OF_BODY = frozenset(
    [
        "party",
        "coalition",
        "alliance",
        "bloc",
        "movement",
        "faction",
        "militia",
        "newspaper",
        "daily",
        "weekly",
        "magazine",
    ]
)
POSSESSIVE = re.compile(r"['’][sS]")  # where no "'s" is written, no word is an owner
# Endings of the adjectives of peoples and regions: "Kashmiri militants" are no body's name.
GROUP_ADJECTIVES = (*ADJECTIVE_ENDINGS, "i")
ARTICLE = re.compile(r"(?:al|el|ad|an|as|ash|at|az)-[A-Z]")  # "al-Qaeda", "el-Baradei"
REDACTION = re.compile(r"[Xx]{3,}")
AT = re.compile(r"(?<![\w'’])at\s+$")
SIGNED_AFTER = frozenset('.!?"”')
OPENING_QUOTES = frozenset(['"', "“", "'"])
CLOSING_QUOTES = frozenset(['"', "”", "'"])
QUOTES = OPENING_QUOTES | CLOSING_QUOTES
KNOWN_AS = re.compile(r"\s*[(,]\s*(?:also |formerly |previously )?known as (?:the )?", re.I)
VOWELS = frozenset("aeiouy")
INDEFINITE = re.compile(r"(?<![\w'’])(?:[Aa]|[Aa][Nn])\s+$")


# The three classes below write their own __init__ (init=False): compiled by mypyc, it runs as C,
# where the one dataclasses generates would run as Python for each of the half a million
# tokens of a thousand cables.
@dataclass(slots=True, init=False)
class Token:
    start: int
    end: int  # without a possessive "'s"
    raw_end: int
    text: str
    lower: str
    capitalized: bool
    upper: bool
    sentence_start: bool
    possessive: bool
    # a lower-case word left out by the tokenizer stands before it: the previous token is not
    # its neighbour in the text
    after_skipped: bool
    # only white space between it and the next token (and no "'s"): the two are adjacent
    joined: bool

    def __init__(
        self,
        start: int,
        end: int,
        raw_end: int,
        text: str,
        lower: str,
        capitalized: bool,
        upper: bool,
        sentence_start: bool,
        possessive: bool,
        after_skipped: bool,
        joined: bool,
    ) -> None:
        self.start = start
        self.end = end
        self.raw_end = raw_end
        self.text = text
        self.lower = lower
        self.capitalized = capitalized
        self.upper = upper
        self.sentence_start = sentence_start
        self.possessive = possessive
        self.after_skipped = after_skipped
        self.joined = joined


@dataclass(slots=True, init=False)
class Paragraph:
    position: int
    text: str
    tokens: list[Token]
    all_caps: bool
    claimed: list[int | None]  # token -> candidate index
    # token -> its ``lower``: gazetteer keys are slices of it, and where() looks in it
    lowers: list[str]
    # cue (TITLE_CUE...) -> the indexes of its words, in order: what each pass visits
    cues: list[list[int]]

    def __init__(
        self,
        position: int,
        text: str,
        tokens: list[Token],
        all_caps: bool,
        claimed: list[int | None],
        lowers: list[str],
        cues: list[list[int]],
    ) -> None:
        self.position = position
        self.text = text
        self.tokens = tokens
        self.all_caps = all_caps
        self.claimed = claimed
        self.lowers = lowers
        self.cues = cues


@dataclass(slots=True, init=False)
class Candidate:
    paragraph: int
    first: int  # token indexes, last exclusive
    last: int
    kind: str
    name: str
    key: str
    title: str  # for people: the title word before the name, if any
    dropped: bool  # its words were taken over by a longer name
    span: tuple[int, int] | None  # characters, when only part of a word ("Iran" in "anti-Iran")

    def __init__(
        self,
        paragraph: int,
        first: int,
        last: int,
        kind: str,
        name: str = "",
        key: str = "",
        title: str = "",
        dropped: bool = False,
        span: tuple[int, int] | None = None,
    ) -> None:
        self.paragraph = paragraph
        self.first = first
        self.last = last
        self.kind = kind
        self.name = name
        self.key = key
        self.title = title
        self.dropped = dropped
        self.span = span


# Split on words: [gap, word, gap, word, ..., gap], offsets by adding up the lengths.
WORD_SPLIT = re.compile(f"({TOKEN.pattern})")
# The same for ASCII text (most paragraphs), where a letter is [A-Za-z]: a quarter faster.
# Written to open on its one letter, which the search skips to in C, and to try first what
# most words are (two letters or more, which no acronym "U.S." can be), then the acronym,
# then a letter alone: the same words, in 167 µs a cable's paragraphs instead of 290 (as
# "(?:[A-Za-z]\.){2,}|[A-Za-z]+(?:['-][A-Za-z]+)*", at 3,000 generated cables).
ASCII_WORD_SPLIT = re.compile(
    r"([A-Za-z](?:[A-Za-z]+(?:['-][A-Za-z]+)*|(?:\.[A-Za-z])+\.|(?:['-][A-Za-z]+)*))"
)
# "O,Neill" and "L,Estrange" are one word, their apostrophe garbled into a comma by the cable
# system (as in "Howard,s"): O', D' and L' begin names. Only the paragraphs that hold one
# (0.2%) are split so: the longer pattern cost 2% of the extraction over every paragraph. The
# comma first, then what stands around it: a regular expression that begins with a literal
# character skips quickly to it.
GARBLED_NAME = re.compile(r",(?<=[DLO],)[^\W\d_]{2}")
COMMA_WORD_SPLIT = re.compile(
    r"((?:[A-Za-z]\.){2,}|(?:[DLO],(?=[^\W\d_]{2}))?[^\W\d_]+(?:['’-][^\W\d_]+)*)"
)
ASCII_COMMA_WORD_SPLIT = re.compile(
    r"((?:[A-Za-z]\.){2,}|(?:[DLO],(?=[A-Za-z]{2}))?[A-Za-z]+(?:['-][A-Za-z]+)*)"
)
# A word after one of these (and white space) starts a sentence: "(Iran", ". The".
SENTENCE_MARKS = frozenset('.!?:;"“([')
NOT_LOWER = bytes(c for c in range(256) if not 97 <= c <= 122)  # deleted, a-z remain
NOT_UPPER = bytes(c for c in range(256) if not 65 <= c <= 90)


# name_like's answers, by [all_caps][strict] and word.
NAME_LIKE_MEMO: tuple[tuple[dict[str, bool], dict[str, bool]], ...] = (({}, {}), ({}, {}))
MEMO_SIZE = 100_000


@cache
def lower_words_kept() -> frozenset[str]:
    """The lower-case words that some rule reads. In mixed-case text every other lower-case
    word is no name, no part of one and no cue, so the tokenizer leaves it out: most of the
    words of a paragraph, and most of the time spent on them. The token after it is marked
    ``after_skipped``, and the gap between two tokens around it is not white space."""
    gaz = gazetteer()
    return (
        CONNECTORS
        | RULED_BY
        | NAME_PARTICLES
        | SPEECH_VERBS
        | ORG_SUFFIXES
        | FACILITIES
        | PLACE_SUFFIXES
        | PLACE_FACILITIES
        | NOT_ORGANIZATIONS
        | COMPANY_NOUNS
        | ORGANIZATION_HAS
        | KINDS_OF_BODY
        | PLACE_CUES
        | gaz.title_heads
        | gaz.inner_words
        # "the Obama administration's": a rule's word that owns the next
        | {word + mark for word in RULED_BY for mark in ("'s", "’s")}
    )


def tokenize(
    position: int, text: str, keep: frozenset[str], cues: dict[str, tuple[int, ...]]
) -> Paragraph:
    """The words of a paragraph; in mixed case, lower-case words only when they are in
    ``keep``. Where it holds the words that passes look for (``cue_words``) is noted."""
    # ASCII letters counted on the UTF-8 bytes: no other character encodes to one.
    encoded = text.encode()
    upper = len(encoded.translate(None, NOT_UPPER))
    all_caps = len(encoded.translate(None, NOT_LOWER)) < 0.25 * upper if upper else False
    # One split, in C, finds every word; one pass over its pieces adds up the offsets and
    # looks only at the words kept, under half of them in mixed case. (Offsets summed
    # apart, with the kept words chosen by a list of flags, cost 0.09 ms a cable more: a
    # sixth of the tokenizer, at 3,000 generated cables.)
    if GARBLED_NAME.search(text):
        split = ASCII_COMMA_WORD_SPLIT if text.isascii() else COMMA_WORD_SPLIT
    else:
        split = ASCII_WORD_SPLIT if text.isascii() else WORD_SPLIT
    pieces = split.split(text)  # [gap, word, gap, ..., word, gap]
    elided = not all_caps and ("d'" in text or "d’" in text)  # "d'Ivoire"
    tokens: list[Token] = []
    lowers: list[str] = []
    at: list[list[int]] = [[] for _ in range(CUES)]
    previous = -1  # the last word kept
    token: Token | None = None  # its token
    word_end = 0
    for n in range(len(pieces) // 2):
        gap = pieces[2 * n]  # mostly " "
        word = pieces[2 * n + 1]
        start = word_end + len(gap)
        word_end = start + len(word)
        lowercase = word.islower()
        if (
            not all_caps
            and lowercase
            and word not in keep
            and not (elided and word[:2] in ("d'", "d’"))
        ):
            continue
        if token is not None and previous == n - 1 and not token.possessive:
            # the word before, kept too, and only white space between
            token.joined = gap == " " or not gap or gap.isspace()
        end = word_end
        sentence_start = n == 0 or (gap != " " and gap.rstrip()[-1:] in SENTENCE_MARKS)
        possessive = word[-1] in "sS" and len(word) > 2 and word[-2] in "'’"
        if possessive:
            end -= 2
            word = word[:-2]
        if lowercase:  # without its "'s" too
            capitalized = upper_case = False
            lower = word
        else:
            capitalized = word[0].isupper() or (word[2:3] == "-" and bool(ARTICLE.match(word)))
            upper_case = word.isupper()
            lower = word.lower()
        token = Token(
            start,
            end,
            word_end,
            word,
            lower,
            capitalized,
            upper_case,
            sentence_start,
            possessive,
            n != previous + 1,  # a word was left out before it
            False,  # joined: known at the next word
        )
        tokens.append(token)
        found = cues.get(lower)
        if found:
            for cue in found:
                at[cue].append(len(lowers))
        lowers.append(lower)
        previous = n
    return Paragraph(position, text, tokens, all_caps, [None] * len(tokens), lowers, at)


# The kinds of words that passes look for. The tokenizer notes where each paragraph holds them
# (Paragraph.cues): one dict look-up per token instead of a scan of every word by each pass.
(
    TITLE_CUE,
    GIVEN_NAME_CUE,
    ORGANIZATION_END_CUE,
    PLACE_END_CUE,
    GOVERNMENT_CUE,
    COMPASS_CUE,
    ORGANIZATION_CUE,
    PLACE_CUE,
    SPEECH_OR_RULE_CUE,
    PHRASE_START_CUE,
    CUES,
) = range(11)


@cache
def cue_words() -> dict[str, tuple[int, ...]]:
    """Lower-cased word -> the cues it is."""
    gaz = gazetteer()
    words = {
        TITLE_CUE: gaz.title_heads,
        GIVEN_NAME_CUE: gaz.given_names,
        ORGANIZATION_END_CUE: ORG_SUFFIXES,
        PLACE_END_CUE: PLACE_SUFFIXES | PLACE_FACILITIES | ADMINISTRATIVE | {"camp"},
        GOVERNMENT_CUE: ["government", *FORMAL_STATES, *PLACE_SUFFIXES],
        COMPASS_CUE: COMPASS,
        ORGANIZATION_CUE: COMPANY_NOUNS | ORGANIZATION_HAS | KINDS_OF_BODY,
        PLACE_CUE: PLACE_CUES,
        SPEECH_OR_RULE_CUE: SPEECH_VERBS | RULED_BY,
        # the words that begin a gazetteer phrase or an acronym, and "al"
        PHRASE_START_CUE: [*gaz.first_words, *(a.lower() for a in gaz.acronyms), "al", "g"],
    }
    cues: dict[str, tuple[int, ...]] = {}
    for cue, members in words.items():
        for word in members:
            if cue not in cues.get(word, ()):
                cues[word] = (*cues.get(word, ()), cue)
    return cues


# What turns a place's last word into its people's: "Rican", "Lankan", "Zealander".
DEMONYM_ENDINGS = ("n", "ns", "an", "ans", "er", "ers", "ese", "i", "is", "ian", "ians")


def demonym_of(word: str, place_word: str) -> bool:
    """``word`` is the adjective of a place whose name ends in ``place_word``."""
    return word.startswith(place_word) and word[len(place_word) :] in DEMONYM_ENDINGS


def where(par: Paragraph, words) -> list[int]:
    """The indexes of the tokens whose lower-cased form is one of ``words`` (a set or a dict's
    keys): for words found in the cable itself (names met, acronyms defined), which no cue
    table knows. Most paragraphs hold none of them, which a set operation in C tells at once."""
    if words.isdisjoint(par.lowers):
        return []
    return [k for k, lower in enumerate(par.lowers) if lower in words]


START = attrgetter("start")
UPPER, CAPITALIZED, POSSESSIVE_TOKEN = (
    attrgetter(name) for name in ("upper", "capitalized", "possessive")
)


def indexes_where(tokens: list[Token], flag) -> list[int]:
    """The indexes of the tokens whose ``flag`` (an attrgetter) is true, found in C."""
    return list(compress(range(len(tokens)), map(flag, tokens)))


def after_brackets(par: Paragraph) -> list[int]:
    """The indexes of the tokens right after a "(", but the first token's, in order."""
    tokens, text, indexes = par.tokens, par.text, []
    bracket = text.find("(")
    while bracket != -1:
        k = bisect_left(tokens, bracket + 1, key=attrgetter("start"))
        if 0 < k < len(tokens) and tokens[k].start == bracket + 1:
            indexes.append(k)
        bracket = text.find("(", bracket + 1)
    return indexes


class CableExtractor:
    def __init__(self, paragraphs: list[str], tags, people) -> None:
        self.gaz: Gazetteer = gazetteer()
        keep, cues = lower_words_kept(), cue_words()
        self.paragraphs = [tokenize(i, text, keep, cues) for i, text in enumerate(paragraphs)]
        self.candidates: list[Candidate] = []
        self.tags = list(tags)
        self.people = [p for p in people if p and p.strip()]
        self.acronyms: dict[str, tuple[str, str, str]] = {}
        self.ministries: list[Candidate] = []  # "Ministry of ..." from the lists
        self.not_bodies: set[str] = set()  # acronyms defined as programmes, treaties...
        # "GOI" in a cable tagged IR is the Government of Iran: by FIPS code, ISO code
        # ("GOCR" in a cable tagged CS, Costa Rica) or the initial of a name of one word (El
        # Salvador's is "GOES")
        self.tag_countries: dict[str, str] = {}
        self.named_governments: dict[str, str] | None = None
        self.titled_arabic_names: set[tuple[str, ...]] | None = None
        for tag in self.tags:
            if tag in self.gaz.fips:
                country, key = self.gaz.fips[tag]
                self.tag_countries.setdefault(tag, country)
                self.tag_countries.setdefault(key.removeprefix("place:").upper(), country)
                if " " not in country:
                    self.tag_countries.setdefault(country[0].upper(), country)

    # -- helpers ---------------------------------------------------------------------------
    def adjacent(self, par: Paragraph, i: int, j: int) -> bool:
        """Tokens i and j (j == i + 1) are separated by white space only."""
        return par.tokens[i].joined

    def name_adjacent(self, par: Paragraph, i: int, j: int) -> bool:
        """Adjacent, or a middle initial and its dot before the next name: "Sue K. Brown"."""
        a = par.tokens[i]
        if len(a.text) == 1 and a.upper:
            return par.text[a.raw_end : par.tokens[j].start].strip() in ("", ".")
        if self.adjacent(par, i, j):
            return True
        # a nickname in quotes inside the name: 'Jose Manuel "Mel" Zelaya'
        b = par.tokens[j]
        if par.text[b.start - 1] not in OPENING_QUOTES and par.text[a.raw_end] not in QUOTES:
            return False
        gap = par.text[a.raw_end : b.start]
        if gap.strip() in OPENING_QUOTES and gap[:1].isspace():
            return self.nickname(par, j)
        return gap.strip() in CLOSING_QUOTES and gap[-1:].isspace() and self.nickname(par, i)

    def nickname(self, par: Paragraph, k: int) -> bool:
        """Token k is one capitalised word in quotes between two words of a name."""
        tokens = par.tokens
        if not 0 < k < len(tokens) - 1 or not tokens[k].capitalized or tokens[k].possessive:
            return False
        before = par.text[tokens[k - 1].raw_end : tokens[k].start]
        after = par.text[tokens[k].raw_end : tokens[k + 1].start]
        return (
            before.strip() in OPENING_QUOTES
            and after.strip() in CLOSING_QUOTES
            and before[:1].isspace()
            and after[-1:].isspace()
            and self.name_like(par, tokens[k + 1], strict=False)
        )

    def drop_claims(self, par: Paragraph, first: int, last: int) -> None:
        """The candidates claiming tokens first to last give way to a longer name over them."""
        for owner in par.claimed[first:last]:
            if owner is not None:
                self.candidates[owner].dropped = True

    def free(self, par: Paragraph, first: int, last: int) -> bool:
        return par.claimed[first:last].count(None) == last - first

    def claim(
        self,
        par: Paragraph,
        first: int,
        last: int,
        kind: str,
        *,
        name: str = "",
        key: str = "",
        title: str = "",
        span: tuple[int, int] | None = None,
    ) -> Candidate:
        candidate = Candidate(par.position, first, last, kind, name, key, title, False, span)
        par.claimed[first:last] = [len(self.candidates)] * (last - first)
        self.candidates.append(candidate)
        return candidate

    def is_redaction(self, token: Token) -> bool:
        return token.text[0] in "Xx" and bool(REDACTION.fullmatch(token.text))

    def in_gazetteer(self, token: Token) -> bool:
        return (token.lower,) in self.gaz.phrases or token.text in self.gaz.acronyms

    def is_city(self, token: Token) -> bool:
        """A town's name, which is often a family name too ("Martinez", "Martin")."""
        entry = self.gaz.phrases.get((token.lower,))
        return (
            entry is not None
            and entry[0] == "place"
            and len(entry[2]) != 8
            and token.text not in self.gaz.acronyms
        )

    def is_common(self, lower: str) -> bool:
        memo = self.gaz.common_memo
        known = memo.get(lower)
        if known is None:
            if len(memo) >= MEMO_SIZE:  # bounded, like the other memos: a worker's memory
                memo.clear()  # must not grow with the number of cables it reads
            known = memo[lower] = _listed(lower, self.gaz.common)
        return known

    def is_english(self, lower: str) -> bool:
        """A common word, or an English word that word lists never write capitalised
        ("widow", "raider"): in all-capitals text, no sign of a name without a title."""
        memo = self.gaz.english_memo
        known = memo.get(lower)
        if known is None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            known = memo[lower] = self.is_common(lower) or _listed(lower, self.gaz.english)
        return known

    def name_like(self, par: Paragraph, token: Token, strict: bool) -> bool:
        """Could this word be part of a person's name? ``strict`` when no title vouches."""
        # The answer depends on the word's letters and the paragraph's case only, and the same
        # words come back in every cable.
        memo = NAME_LIKE_MEMO[par.all_caps][strict]
        known = memo.get(token.text)
        if known is None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()  # every name ever met would stay
            known = memo[token.text] = self.word_name_like(par, token, strict)
        return known

    def word_name_like(self, par: Paragraph, token: Token, strict: bool) -> bool:
        lower = token.lower
        if not par.all_caps and (not token.capitalized or (token.upper and len(token.text) > 1)):
            return False
        if (
            self.is_redaction(token)
            or lower in FUNCTION_WORDS
            or lower in MONTHS
            or lower in self.gaz.title_heads
            or lower in self.gaz.title_parts
            or lower in self.gaz.demonyms
            or "." in token.text
            or lower.split("-")[0] in NOT_NAME_PREFIXES
            or lower.rpartition("-")[2] in COMPOUND_ENDINGS
            or (self.in_gazetteer(token) and not self.is_city(token))
        ):
            return False
        if par.all_caps:
            return not (self.is_english(lower) if strict else self.is_common(lower))
        if not token.capitalized or (token.upper and len(token.text) > 1):
            return False
        parts = token.lower.split("-")
        if any(part[:1].islower() for part in token.text.split("-")[1:]) and (
            len(parts) > 2
            or self.is_common(parts[0])
            or parts[0] in self.gaz.demonyms
            or (parts[0],) in self.gaz.phrases
        ):
            return False  # "Iranian-backed", "Jamiat-ul-Mujahideen"; not "Jong-il"
        return not (strict and self.is_common(lower))

    # -- passes ----------------------------------------------------------------------------
    def titled_people(self, par: Paragraph) -> None:
        tokens, heads = par.tokens, self.gaz.title_heads
        for i in par.cues[TITLE_CUE]:
            token = tokens[i]
            if i + 1 >= len(tokens):
                continue
            if not par.all_caps and not token.capitalized and len(token.text) > 1:
                continue
            if INDEFINITE.search(par.text, max(0, token.start - 4), token.start):
                continue  # "A GENERAL INCOMPREHENSION", "a Minister visits": no title
            if i > 0 and token.lower == "general" and tokens[i - 1].lower == "consulate":
                continue  # "Consulate General Istanbul" is an office and its city
            j = i + 1
            if (
                tokens[j].lower in heads or tokens[j].lower in self.gaz.title_parts
            ) and self.adjacent(par, i, j):
                continue  # "Charge d'Affaires": the last title word leads to the name
            if tokens[j].after_skipped:
                continue  # an ordinary word follows the title: "Minister visits Dhaka"
            if tokens[j].lower == "of" and token.lower in self.gaz.title_of:
                after = self.portfolio(par, j)
                if after is None:
                    continue
                j = after
            elif not self.adjacent(par, i, j) and not (
                token.lower in ("mr", "mrs", "ms", "dr")
                or (
                    len(token.text) <= 4
                    and par.text[token.raw_end : tokens[j].start].strip() == "."
                )
            ):
                continue  # "Gen. Toufanian", "Capt. Guy Adam"
            if j == len(tokens) or tokens[j].after_skipped:
                continue  # the name must follow the title or its portfolio
            k = self.titled_name_end(par, j)
            if (
                j < k < len(tokens)
                and ROMAN_NUMERAL.fullmatch(tokens[k].text)
                and self.adjacent(par, k - 1, k)
                and par.claimed[k] is None
            ):
                k += 1  # "King Mohammed VI"
            if (
                k < len(tokens)
                and (tokens[k].lower in heads or tokens[k].lower in self.gaz.title_parts)
                and self.adjacent(par, k - 1, k)
            ):
                # "Deputy Foreign Minister", "General Legal Counsel": words of a longer title
                continue
            if tokens[k - 1].lower in ORG_SUFFIXES or (
                k < len(tokens)
                and not tokens[k].after_skipped
                and tokens[k].lower in ORG_SUFFIXES | FACILITIES
            ):
                continue  # "General Petroleum Company", "Dr. Sun Hospital"
            if k == j + 1 and self.people_owning(par, j) and tokens[k].capitalized:
                continue  # "General People's Congress": an English word owning a body's name
            if (
                not par.all_caps
                and token.upper
                and len(token.text) > 4
                and all(self.is_common(t.lower) for t in tokens[j:k])
            ):
                continue  # a form's line in mixed case: "CAPTAIN Start Date: 12/21/2009"
            if k > j and not self.headline_words(par, j, k):
                self.claim(par, j, k, "person", title=token.lower)
                # a title of several: "Presidents Lula and Obama", "Ministers Lavrov and Rice"
                if (
                    token.lower[-1:] == "s"
                    and token.lower[:-1] in self.gaz.title_heads
                    and k + 1 < len(tokens)
                    and tokens[k].lower == "and"
                    and not tokens[k + 1].after_skipped
                    and self.adjacent(par, k, k + 1)
                ):
                    end = self.titled_name_end(par, k + 1)
                    if end > k + 1:
                        self.claim(par, k + 1, end, "person", title=token.lower)

    def titled_name_end(self, par: Paragraph, j: int) -> int:
        """The index after the name that starts at token j, after a title: up to four words
        that may be a name's (particles are not counted: "Jose Antonio de Macedo Soares")."""
        tokens = par.tokens
        k = j
        words = 0
        while k < len(tokens) and words < 4 and par.claimed[k] is None:
            t = tokens[k]
            if k > j and not self.name_adjacent(par, k - 1, k):
                break
            if (
                self.name_like(par, t, strict=False)
                or (k > j and self.particle_in_name(par, k))
                or self.word_of_a_titled_name(par, k)
            ):
                k += 1
                words += t.lower not in NAME_PARTICLES
            else:
                break
            if t.possessive:
                break
        while k > j and tokens[k - 1].lower in NAME_PARTICLES:
            k -= 1
        return k

    def particle_in_name(self, par: Paragraph, k: int) -> bool:
        """Token k is a particle inside a name, before a name's word or one more particle:
        "Luiz Inacio da Silva", "Maria Teresa Fernandez De La Vega"."""
        tokens = par.tokens
        for m in (k + 1, k + 2):
            if tokens[m - 1].lower not in NAME_PARTICLES or m >= len(tokens):
                return False
            if self.name_like(par, tokens[m], strict=False):
                return True
        return False

    def headline_words(self, par: Paragraph, first: int, last: int) -> bool:
        """A heading capitalises every word: after a title there, words of the dictionary are
        its verb and object, no name ("Foreign Minister Strongly Backs TFG")."""
        return (
            len(par.text) < 100
            and not par.all_caps
            and not par.text.rstrip().endswith(".")
            and all(t.lower in self.gaz.common for t in par.tokens[first:last])
        )

    def word_of_a_titled_name(self, par: Paragraph, k: int) -> bool:
        """After a title, in mixed case, a capitalised English word inside a sentence is part
        of the name when a name follows it: "Senior General Than Shwe"."""
        tokens = par.tokens
        t = tokens[k]
        return (
            not par.all_caps
            and t.capitalized
            and not t.upper
            and not t.sentence_start
            and not t.possessive
            and (t.lower in FUNCTION_WORDS or t.lower in MONTHS)
            and t.lower not in SPEECH_VERBS  # "Nazif Says Kifaya", a heading
            and k + 1 < len(tokens)
            and self.adjacent(par, k, k + 1)
            and not tokens[k + 1].after_skipped
            and self.name_like(par, tokens[k + 1], strict=True)
        )

    def portfolio(self, par: Paragraph, j: int) -> int | None:
        """Skip "of [the] Foreign Affairs" after a title; the index of the name, or None."""
        tokens = par.tokens
        j += 1
        if j < len(tokens) and tokens[j].lower == "the" and not tokens[j].after_skipped:
            j += 1
        start = j
        while j < len(tokens) and j - start < 5 and self.adjacent(par, j - 1, j):
            t = tokens[j]
            ok_case = par.all_caps or t.capitalized or t.lower == "and"
            known = (
                t.lower in self.gaz.common or self.in_gazetteer(t) or t.lower in self.gaz.demonyms
            )
            if not (ok_case and known) or self.is_redaction(t):
                break
            if (
                j > start
                and not par.all_caps
                and t.lower in self.gaz.given_names
                and (tokens[j - 1].lower, t.lower) not in self.gaz.phrases  # "El Salvador"
                and j + 1 < len(tokens)
                and tokens[j + 1].capitalized
                and self.adjacent(par, j, j + 1)
            ):
                break  # "Minister of Finance David Mwiraria": a given name begins the name
            j += 1
            if t.possessive:
                break
        if (
            j - start >= 2
            and tokens[start].lower in PORTFOLIOS
            and (
                j == len(tokens)
                or tokens[j].after_skipped
                or not self.adjacent(par, j - 1, j)
                or not self.name_like(par, tokens[j], strict=False)
            )
            and self.name_like(par, tokens[start + 1], strict=False)
            and not tokens[start + 1].lower.endswith(PORTFOLIO_ENDINGS)
        ):
            # no name after a known word: "Secretary of State Rice", "of Defense Gates"
            j = start + 1
        return j if j > start else None

    def gazetteer_phrases(self, par: Paragraph) -> None:
        tokens, claimed = par.tokens, par.claimed
        first_words, acronyms = self.gaz.first_words, self.gaz.acronyms
        # the words where something below can happen: a name, an acronym or "GOx" begins, a
        # hyphen joins places, "Al" begins a name; most words are none of those
        starts = par.cues[PHRASE_START_CUE]
        if "-" in par.text or "GO" in par.text:
            starts = sorted(
                {*starts, *(i for i, w in enumerate(par.lowers) if "-" in w or w[:2] == "go")}
            )
        i = 0  # the first token not yet looked at or claimed
        for start in starts:
            if start < i:
                continue
            i = start
            token = tokens[i]
            # gazetteer names and acronyms start with a capital ("al-Qaeda" counts as one); the
            # many words that begin no name, acronym or "GOx" are not worth a call to match_at
            if (
                claimed[i] is None
                and (par.all_caps or token.capitalized)
                and (token.lower in first_words or token.text in acronyms or token.text[:2] == "GO")
            ):
                found = self.match_at(par, i)
                if found:
                    last, (kind, name, key) = found
                    c = self.claim(par, i, last, kind, name=name, key=key)
                    if token.lower == "ministry" and i > 0:
                        self.ministries.append(c)
                    i = last
                    continue
            if token.text == "G" and claimed[i] is None:
                forum = GROUP_OF.match(par.text, token.start)
                if forum:  # "G-20", "G8": the token is the "G" alone
                    name = GROUPS_OF[forum.group(1)]
                    span = (token.start, forum.end())
                    self.claim(
                        par,
                        i,
                        i + 1,
                        "organization",
                        name=name,
                        key=organization_key(name),
                        span=span,
                    )
                    i += 1
                    continue
            if claimed[i] is None and "-" in token.text:
                self.hyphenated_places(par, i)
            if token.text == "Al" and claimed[i] is None:
                i = self.arabic_article_name(par, i)
                continue
            i += 1

    def arabic_article_name(self, par: Paragraph, i: int) -> int:
        """ "Al Masry Al Youm", "Al Ahram": outside the gazetteer, a name after a separate "Al"
        is in cables mostly a newspaper, a channel or a group. Returns the next index."""
        tokens = par.tokens
        k = i + 1
        while k < len(tokens) and par.claimed[k] is None and self.adjacent(par, k - 1, k):
            t = tokens[k]
            if (t.text == "Al" and k + 1 < len(tokens) and tokens[k + 1].capitalized) or (
                t.capitalized
                and not t.upper
                and not self.is_common(t.lower)
                and t.lower not in self.gaz.demonyms
            ):
                k += 1
            else:
                break
            if t.possessive:
                break
        while k > i + 1 and tokens[k - 1].text == "Al":
            k -= 1
        if k == i + 1 or (k == i + 2 and (tokens[i + 1].lower,) in self.gaz.phrases):
            return i + 1
        if tuple(par.lowers[i:k]) in self.arabic_names_of_titled_people() or (
            i > 1 and par.lowers[i - 2] in ("bin", "bint", "ibn") and self.adjacent(par, i - 1, i)
        ):
            # "Al Mahdi" after "former PM Al Sadiq Al Mahdi", "Hamad bin Isa Al Khalifa": the
            # family name of a person, found later
            return i + 1
        text = " ".join(par.text[tokens[i].start : tokens[k - 1].end].split())
        self.claim(par, i, k, "organization", name=text, key=organization_key(text))
        return k

    def hyphenated_places(self, par: Paragraph, i: int) -> None:
        """Places inside a hyphenated word: "Azerbaijan-Iran relationship", "anti-Iran"; and
        bodies that a list knows: "anti-Taliban", "Hamas-led"."""
        token = par.tokens[i]
        offset = token.start
        parts = token.text.split("-")
        # every named part must be known: "Kabul-Kandahar", not "Ahal" in "Jamiyat-e-Ahal-e-Hadith"
        unknown = [
            p
            for p in parts
            if p[:1].isupper()
            and (p.lower(),) not in self.gaz.phrases
            and p not in self.gaz.acronyms
        ]
        for part in parts:
            entry = self.gaz.phrases.get((part.lower(),)) or self.gaz.acronyms.get(part)
            cased = par.all_caps or part[:1].isupper()
            if (
                entry
                and cased
                and (part.lower() not in self.gaz.common or part == "US")  # "US-IRAN"
                and (
                    (entry[0] == "place" and (not unknown or len(entry[2]) == 8))
                    # a body needs the other words known or ordinary: "ANTI-TALIBAN"
                    or (
                        entry[0] == "organization"
                        and all(p.lower() in NOT_NAME_PREFIXES for p in unknown)
                    )
                )
            ):
                span = (offset, offset + len(part))
                self.claim(par, i, i + 1, entry[0], name=entry[1], key=entry[2], span=span)
            offset += len(part) + 1

    def match_at(self, par: Paragraph, i: int):
        tokens, gaz = par.tokens, self.gaz
        if par.claimed[i] is not None:
            return None
        token = tokens[i]
        acronym = gaz.acronyms.get(token.text)
        if acronym and par.all_caps and token.text in CAPS_AMBIGUOUS:
            acronym = None
        if acronym and par.text[token.raw_end : token.raw_end + 1] == "/" and self.bureau(token):
            after = OFFICE_PART.match(par.text, token.raw_end + 1)
            if after and self.unknown_acronym(after.group()):
                return None  # "INL/LP", "DRL/IRF": an office symbol, found later
        phrase = self.phrase_at(par, i) if par.all_caps or token.capitalized else None
        if phrase and (phrase[0] > i + 1 or not acronym):
            return phrase  # "UN Security Council" before "UN"
        # "GOB" in a cable tagged BA is the Government of Bahrain, whatever the lists say;
        # untagged, "GOE" is the "Government of Ecuador" that the cable names in full
        government = token.text[:2] == "GO" and GOVERNMENT.fullmatch(token.text)
        country = None
        if government:
            code = government.group(1)
            country = self.tag_countries.get(code) or self.governments_named().get(code)
        if country:
            name = f"Government of {country}"
            return i + 1, ("organization", name, organization_key(name))
        if acronym:
            return i + 1, acronym
        return None

    def arabic_names_of_titled_people(self) -> set[tuple[str, ...]]:
        """The words from each "Al" on of the names found after a title ("Al Sadiq Al Mahdi",
        "Al Mahdi"), lower-cased; read once, when "Al" is first met."""
        if self.titled_arabic_names is None:
            self.titled_arabic_names = set()
            for c in self.candidates:
                if c.kind == "person" and not c.dropped:
                    words = self.paragraphs[c.paragraph].lowers[c.first : c.last]
                    self.titled_arabic_names.update(
                        tuple(words[j:]) for j, word in enumerate(words) if word == "al"
                    )
        return self.titled_arabic_names

    def governments_named(self) -> dict[str, str]:
        """Initial -> country of one word, for the "Government of <country>" the cable names
        in full; read once, when a government's acronym is first met."""
        if self.named_governments is None:
            self.named_governments = {}
            for par in self.paragraphs:
                for match in GOVERNMENT_OF.finditer(par.text):
                    entry = self.gaz.phrases.get((match.group(1).lower(),))
                    if entry and entry[0] == "place" and len(entry[2]) == 8:
                        self.named_governments.setdefault(entry[1][0], entry[1])
        return self.named_governments

    def phrase_at(self, par: Paragraph, i: int):
        tokens, gaz = par.tokens, self.gaz
        token = tokens[i]
        longest = gaz.first_words.get(token.lower)
        if longest is None:
            return None
        # the words of a phrase are adjacent: no longer phrase than that can match
        most, reach = min(longest, len(tokens) - i), 1
        while reach < most and (
            tokens[i + reach - 1].joined or self.abbreviated(par, i + reach - 1)
        ):
            reach += 1
        for length in range(reach, 0, -1):
            last = i + length
            words_key = tuple(par.lowers[i:last])
            entry = gaz.phrases.get(words_key)
            if entry is None:
                continue
            if not self.free(par, i, last):
                continue
            end = tokens[last - 1]
            if not par.all_caps and not (end.capitalized or end.lower[:1] == "d"):
                continue
            if (
                par.all_caps
                and words_key in gaz.small_places
                and words_key not in gaz.regions
                and len(entry[2]) != 8
            ):
                continue
            if length == 1 and token.lower in gaz.common:
                if words_key in gaz.small_places:
                    continue  # a common word is no small town: "the Central Bank"
                is_country = entry[2].startswith("place:") and len(entry[2]) == 8
                if par.all_caps and not is_country:
                    continue
                if not par.all_caps and token.sentence_start and not is_country:
                    continue
            return last, entry
        return None

    def abbreviated(self, par: Paragraph, k: int) -> bool:
        """Token k is "St." or "Mt." inside a name: "St. Petersburg", "Mt. Kenya"."""
        t = par.tokens[k]
        return (
            t.lower in NAME_ABBREVIATIONS
            and k + 1 < len(par.tokens)
            and par.text[t.raw_end : par.tokens[k + 1].start] == ". "
        )

    def short_forms(self) -> None:
        """ "Rio" after "Rio de Janeiro": the first word of a many-word place name, met alone
        later in the same cable, is that place."""
        short: dict[str, tuple[str, str, str]] = {}
        second: dict[str, str] = {}  # the name's next word: "rica" for "costa"
        for c in self.candidates:
            if c.kind == "place" and c.last - c.first > 1 and c.span is None:
                tokens = self.paragraphs[c.paragraph].tokens
                first = tokens[c.first]
                if (
                    len(first.text) > 2
                    and not self.is_common(first.lower)
                    and first.lower not in self.gaz.demonyms
                ):
                    short.setdefault(first.lower, (c.kind, c.name, c.key))
                    second.setdefault(first.lower, tokens[c.first + 1].lower)
        if not short:
            return
        for par in self.paragraphs:
            tokens = par.tokens
            for k in where(par, short.keys()):
                token = tokens[k]
                entry = short[token.lower]
                if par.claimed[k] is None and (par.all_caps or token.capitalized):
                    c = self.claim(par, k, k + 1, entry[0], name=entry[1], key=entry[2])
                    # "Costa Ricans", "Sri Lankan": the place's people, no mention, and no word
                    # of a person's name either (a body's name may still take it in)
                    c.dropped = (
                        k + 1 < len(tokens)
                        and self.adjacent(par, k, k + 1)
                        and demonym_of(tokens[k + 1].lower.split("-")[0], second[token.lower])
                    )

    def cued_organizations(self) -> None:
        """Unknown names that the text shows to be a company or another body: after a kind of
        company ("the whaling company Hvalur", "energy giant Gazprom") or before what only a
        body has ("Cosan CFO", "VASP OWNER", "Naftohaz Chairman"). Every other mention of the
        name in the cable is that body too ("VARIG'S DEBT" is no person's)."""
        names: dict[tuple[str, ...], tuple[str, str]] = {}
        for par in self.paragraphs:
            tokens = par.tokens
            for k in par.cues[ORGANIZATION_CUE]:
                t = tokens[k]
                if t.lower in COMPANY_NOUNS and k + 1 < len(tokens):
                    if not par.all_caps and not t.text.islower():
                        continue
                    last = self.words_after(par, k + 1, self.organization_word)
                    if last > k + 1:
                        self.add_organization(names, par, k + 1, last)
                        continue
                if t.lower in KINDS_OF_BODY and k > 0:
                    # "the ruling Nur Otan party", "L'express newspaper": mixed case only,
                    # where the kind is written in lower case
                    if par.all_caps or not t.text.islower() or tokens[k].after_skipped:
                        continue
                    first = self.words_before(par, k, self.organization_word)
                    if first == k and t.lower == "party":
                        first = self.party_of_common_words(par, k)
                    if first == k or tokens[first].sentence_start:
                        continue
                    before = tokens[k - 1]
                    if (
                        before.lower.endswith(GROUP_ADJECTIVES)
                        or "-" in before.text  # "English-language newspaper"
                        or (k - first == 1 and before.lower in self.gaz.given_names)
                    ):
                        continue  # "the Sadrist movement", "the Abdullah coalition"
                    self.add_organization(names, par, first, k)
                elif t.lower in ORGANIZATION_HAS and k > 0:
                    if (
                        not par.all_caps
                        and t.capitalized
                        and t.lower not in ("chairman", "chairwoman")
                        and not t.upper
                    ):
                        continue
                    first = self.words_before(par, k, self.organization_word)
                    if first == k or (
                        tokens[first].sentence_start and self.is_common(tokens[first].lower)
                    ):
                        continue
                    if t.lower in MEMBERS and tokens[k - 1].lower.endswith(GROUP_ADJECTIVES):
                        continue  # "Kashmiri militants", "Mauritian officials"
                    self.add_organization(names, par, first, k)
        # a surname met with a title is a person's: "A/S Hill" after "Christopher R. Hill"
        surnames = {
            self.paragraphs[c.paragraph].tokens[c.last - 1].lower
            for c in self.candidates
            if c.kind == "person"
        }
        names = {words: v for words, v in names.items() if words[-1] not in surnames}
        if not names:
            return
        self.claim_phrases(names, "organization", self.not_before_a_suffix)

    def party_of_common_words(self, par: Paragraph, k: int) -> int:
        """The start of two capitalised words before "party" at k that name it, common words
        as they may be ("the Socialist Left party"); k when there are none."""
        if k < 2 or not all(
            par.tokens[m].capitalized
            and not par.tokens[m].upper
            and par.claimed[m] is None
            and self.adjacent(par, m, m + 1)
            for m in (k - 2, k - 1)
        ):
            return k
        return k - 2

    def not_before_a_suffix(self, par: Paragraph, i: int, words: tuple[str, ...]) -> bool:
        """ "Umma Party" is a longer name than "Umma", which a later pass finds."""
        k = i + len(words)
        return not (
            k < len(par.tokens)
            and par.tokens[k].capitalized
            and par.tokens[k].lower in ORG_SUFFIXES
            and self.adjacent(par, k - 1, k)
        )

    def words_after(self, par: Paragraph, first: int, accept, most: int = 3) -> int:
        """The end of up to ``most`` words from ``first`` that ``accept`` takes, each adjacent
        to the one before (the first to its cue); a possessive ends them."""
        last = first
        while (
            last < len(par.tokens)
            and last - first < most
            and self.adjacent(par, last - 1, last)
            and accept(par, last)
        ):
            last += 1
            if par.tokens[last - 1].possessive:
                break
        return last

    def words_before(self, par: Paragraph, last: int, accept, most: int = 3) -> int:
        """The start of up to ``most`` adjacent words before ``last`` that ``accept`` takes."""
        first = last
        while (
            first > 0
            and last - first < most
            and self.adjacent(par, first - 1, first)
            and accept(par, first - 1)
        ):
            first -= 1
        return first

    def organization_word(self, par: Paragraph, k: int) -> bool:
        """A word of an unknown body's name: no common word, place, title or demonym."""
        t = par.tokens[k]
        if par.claimed[k] is not None or self.is_redaction(t):
            return False
        if t.lower in ORGANIZATION_HAS or t.lower.removesuffix("s") in ORGANIZATION_HAS:
            return False  # "the CEOs of"
        if not par.all_caps and t.upper and len(t.text) > 1:
            return bool(ACRONYM.fullmatch(t.text)) and self.unknown_acronym(t.text)
        return len(t.text) > 1 and self.name_like(par, t, strict=True)

    def cued_places(self) -> None:
        """Places that no list knows, shown by a common word: "Agalega islands", "the Agalega
        region", "KAPIKULE BORDER", "the town of Tibu"; every other mention of the name in the
        cable is that place too."""
        names: dict[tuple[str, ...], tuple[str, str]] = {}
        for par in self.paragraphs:
            tokens = par.tokens
            for k in par.cues[PLACE_CUE]:
                t = tokens[k]
                if not (par.all_caps or t.text.islower()):
                    continue
                if par.all_caps and t.lower in PLACE_SUFFIXES:
                    continue  # "SOCUAVO DEL SUR RIVER": the name before a kind of place
                if k + 2 < len(tokens) and tokens[k + 1].lower == "of":
                    first = k + 2  # "the town of Tibu"
                    last = self.words_after(par, first, self.place_word)
                    if last > first and t.lower.endswith("s"):  # "the villages of Atil, Ilar"
                        self.more_places(par, last, names)
                else:
                    last = k  # "Agalega islands"
                    first = self.words_before(par, k, self.place_word)
                if first == last or (
                    tokens[first].sentence_start and self.is_common(tokens[first].lower)
                ):
                    continue
                text = " ".join(par.text[tokens[first].start : tokens[last - 1].end].split())
                name = text.title() if par.all_caps else text
                names.setdefault(
                    tuple(x.lower for x in tokens[first:last]), (name, place_key(text))
                )
        if names:
            self.claim_phrases(names, "place")

    def more_places(self, par: Paragraph, last: int, names: dict) -> None:
        """The names after the first of a list: "the villages of Atil, Ilar and Saida"."""
        tokens = par.tokens
        while last < len(tokens):
            gap = par.text[tokens[last - 1].raw_end : tokens[last].start].strip()
            first = last
            if tokens[last].lower == "and" and gap in ("", ","):
                first = last + 1
            elif gap != ",":
                return
            if first >= len(tokens) or tokens[first].after_skipped:
                return
            if first > last and not self.adjacent(par, last, first):
                return
            if not self.place_word(par, first):
                return
            last = self.words_after(par, first + 1, self.place_word)  # after a comma
            text = " ".join(par.text[tokens[first].start : tokens[last - 1].end].split())
            name = text.title() if par.all_caps else text
            names.setdefault(tuple(x.lower for x in tokens[first:last]), (name, place_key(text)))

    def places_listed_between_places(self) -> None:
        """An unknown word listed between two places is one: "in Gori, Kaspi, and Khashuri"."""
        for c in [c for c in self.candidates if c.kind == "place" and not c.dropped]:
            par = self.paragraphs[c.paragraph]
            tokens, k = par.tokens, c.last
            if k + 1 >= len(tokens) or par.text[tokens[k - 1].raw_end : tokens[k].start] != ", ":
                continue
            if tokens[k].sentence_start or not self.place_word(par, k):
                continue
            after = k + 1
            gap = par.text[tokens[k].raw_end : tokens[after].start].strip()
            if tokens[after].lower == "and" and gap in ("", ","):
                after += 1
            elif gap != ",":
                continue
            owner = par.claimed[after] if after < len(tokens) else None
            if owner is None or self.candidates[owner].kind != "place":
                continue
            text = tokens[k].text.title() if par.all_caps else tokens[k].text
            self.claim(par, k, k + 1, "place", name=text, key=place_key(text))

    def place_word(self, par: Paragraph, k: int) -> bool:
        t = par.tokens[k]
        return (
            par.claimed[k] is None
            and len(t.text) > 2
            and "-" not in t.text  # "Pak-Afghan border"
            and not self.is_redaction(t)
            and (par.all_caps or not t.upper)
            and t.lower not in self.gaz.given_names
            and not t.lower.endswith(ADJECTIVE_ENDINGS)
            and self.name_like(par, t, strict=True)
        )

    def add_organization(self, names: dict, par: Paragraph, first: int, last: int) -> None:
        tokens = par.tokens
        text = " ".join(par.text[tokens[first].start : tokens[last - 1].end].split())
        name = text.title() if par.all_caps and len(text) > 5 else text
        key = organization_key(text)
        words = tuple(t.lower for t in tokens[first:last])
        names.setdefault(words, (name, key))
        head = words[0]
        if len(words) > 1 and len(head) > 3 and not self.is_english(head):
            names.setdefault((head,), (name, key))  # "Naftohaz" after "Naftohaz Ukrainy"

    def defined_acronyms(self) -> None:
        for par in self.paragraphs:
            if "(" not in par.text:
                continue
            tokens = par.tokens
            for a in after_brackets(par):
                token = tokens[a]
                if par.text[token.end : token.end + 1] != ")" or token.after_skipped:
                    continue
                acronym = token.text
                if not (
                    2 <= len(acronym) <= 8
                    and acronym.isalpha()
                    and acronym[0].isupper()
                    and (token.upper or sum(ch.isupper() for ch in acronym) >= 2)
                ):
                    continue  # "HDIM", "LeT" (Lashkar-e-Toiba), not "(Iran)"
                long_form = self.long_form(par, a, acronym)
                if long_form is None:
                    continue
                first = long_form
                owner = par.claimed[first]
                if owner is not None and all(par.claimed[k] == owner for k in range(first, a)):
                    c = self.candidates[owner]
                    if c.first == first and c.last == a and c.kind != "person":
                        self.acronyms.setdefault(acronym, (c.kind, c.name, c.key))
                    continue
                if (
                    (
                        tokens[a - 1].lower in NOT_ORGANIZATIONS
                        or tokens[a - 1].lower in NOT_BODY_HEADS
                        or tokens[first].lower
                        in NOT_ORGANIZATIONS  # "Program of National Recovery"
                        # "the Conventional Forces in Europe (CFE) treaty"
                        or (
                            a + 1 < len(tokens)
                            and tokens[a - 1].lower not in ORG_SUFFIXES  # "the PLN Program"
                            and tokens[a + 1].lower in NOT_ORGANIZATIONS
                            and not tokens[a + 1].after_skipped
                            and par.text[token.end : tokens[a + 1].start].strip() == ")"
                        )
                    )
                    and acronym not in self.gaz.acronyms
                ):
                    self.not_bodies.add(acronym)  # nor is any later "PNR"
                    # nor are its words a body or a person ("Nuclear Weapons Transportation
                    # Security (NWTS)"); the places among them stay
                    for k in range(first, a):
                        if par.claimed[k] is None and tokens[k].lower not in COMPASS:
                            self.claim(par, k, k + 1, "organization").dropped = True
                    continue
                if not self.free(par, first, a) and not self.release(par, first, a):
                    continue
                text = par.text[tokens[first].start : tokens[a - 1].end]
                name = text.title() if par.all_caps else text
                name = " ".join(name.split())
                entry = self.gaz.acronyms.get(acronym)
                if entry is None and self.a_person_named(par, first, a):
                    entry = ("person", name, person_key(name))  # "Kim Jong-il (KJI)"
                key = entry[2] if entry else organization_key(name)
                kind = entry[0] if entry else "organization"
                name = entry[1] if entry else name
                self.claim(par, first, a, kind, name=name, key=key)
                self.acronyms.setdefault(acronym, (kind, name, key))
        if not self.acronyms:
            return
        lowered = {acronym.lower() for acronym in self.acronyms}
        for par in self.paragraphs:
            for k in where(par, lowered):
                entry = self.acronyms.get(par.tokens[k].text)
                if entry and par.claimed[k] is None:
                    self.claim(par, k, k + 1, entry[0], name=entry[1], key=entry[2])

    def a_person_named(self, par: Paragraph, first: int, last: int) -> bool:
        """A long form that begins with a given name and holds no kind of English is a
        person's name: of two or three words outside the gazetteer ("Kim Jong-il (KJI)", not
        "Odyssey Marine Exploration"), or of four that begin with two given names, whose
        surnames may be places too ("Andres Manuel Lopez Obrador (AMLO)")."""
        tokens = par.tokens[first:last]
        if not 2 <= len(tokens) <= 4 or tokens[0].lower not in self.gaz.given_names:
            return False
        if any(self.is_english(t.lower) for t in tokens[1:]):
            return False
        if len(tokens) == 4:
            return tokens[1].lower in self.gaz.given_names
        return not any(self.in_gazetteer(t) for t in tokens[1:])

    def acronym_organizations(self) -> None:
        """An unknown acronym in mixed-case text names an organisation when the cable uses it
        twice, or after "the", or as an owner: "the PSOE", "CCOO's origins". Cable jargon and
        common abbreviations (GDP, NGO, CODEL: data/generic_acronyms.txt), TAGS, roman
        numerals and the known people's names are not."""
        found: dict[str, list[tuple[Paragraph, int]]] = defaultdict(list)
        cued: set[str] = set()
        people = {w.upper() for name in self.people for w in TOKEN.findall(name)}
        for c in self.candidates:  # "RAPP'S COMMENTS", a heading, after "Stephen Rapp"
            if c.kind == "person" and c.span is None:
                par = self.paragraphs[c.paragraph]
                people.update(t.text.upper() for t in par.tokens[c.first : c.last])
        for par in self.paragraphs:
            if par.all_caps:
                continue
            tokens = par.tokens
            for k in indexes_where(tokens, UPPER):
                token = tokens[k]
                if par.claimed[k] is not None:
                    continue
                if self.office_symbol(par, k):
                    continue
                text = token.text
                if (
                    k > 0
                    and len(text) > 4
                    and len(tokens[k - 1].text) > 3
                    and tokens[k - 1].upper
                    and tokens[k - 1].lower in self.gaz.given_names
                ):
                    people.add(text)  # "CLAUDIA MCMURRAY" is a name in capitals
                if (
                    text in found or (ACRONYM.fullmatch(text) and self.unknown_acronym(text))
                ) and not self.numbered(par, token):
                    found[text].append((par, k))
                    if token.possessive or par.text[token.start - 4 : token.start] == "the ":
                        cued.add(text)
        single = []
        claimed = set()
        for text, places in found.items():
            if (
                text in people
                or text in self.not_bodies
                or all(self.names_a_treaty(par, k) for par, k in places)
                or (
                    all(self.before_a_name(par, k) for par, k in places)
                    and any(self.before_a_name(par, k + 1) for par, k in places)
                )
            ):
                continue  # "the FOL Agreement" names no body, "DASD Schiffer" is a title
            if len(places) < 2 and text not in cued:
                single.append(places[0])
                continue
            for par, k in places:
                self.claim(par, k, k + 1, "organization", name=text, key=organization_key(text))
            claimed.add(text)
        if claimed:  # and in the cable's headings in capitals: "PIJ CAMPAIGN?"
            lowered = {text.lower() for text in claimed}
            for par in self.paragraphs:
                if par.all_caps:
                    for k in where(par, lowered):
                        text = par.tokens[k].text
                        if text in claimed and par.claimed[k] is None:
                            key = organization_key(text)
                            self.claim(par, k, k + 1, "organization", name=text, key=key)
        for par, k in single:  # "working with INL and AFRICOM": one of a pair of bodies
            if self.beside_an_organization(par, k):
                text = par.tokens[k].text
                self.claim(par, k, k + 1, "organization", name=text, key=organization_key(text))

    def before_a_name(self, par: Paragraph, k: int) -> bool:
        """Token k stands right before a word of a name, as a title does: "DASD Schiffer"."""
        tokens = par.tokens
        return (
            k + 1 < len(tokens)
            and not tokens[k].possessive
            and self.adjacent(par, k, k + 1)
            and not tokens[k + 1].upper
            and self.name_like(par, tokens[k + 1], strict=True)
        )

    def camel_case_organizations(self) -> None:
        """A word with capitals inside, in mixed case, is a company's or a body's name:
        "RosUkrEnergo", "KazMunaiGaz", "PetroCaribe"; not a family name ("McCain", "LeBaron",
        "DiPietro"), cable jargon ("PolOffs", "SecDef", "RevCon") or a garbled character
        ("MugabeQs", "AttachC")."""
        texts = [par.text for par in self.paragraphs]
        joined = "\n".join(texts)
        # a small letter before a capital, looked for in C over the whole cable: two thirds
        # of the cables have none (a regular expression per paragraph cost 3% of the time)
        masked = joined.encode().translate(LETTER_CASES)
        at = masked.find(b"aA")
        if at == -1:
            return
        if not joined.isascii():  # byte offsets are no character offsets
            for par in self.paragraphs:
                for match in CAMEL_CASE.finditer(par.text):
                    self.camel_case_word(par, match.start())
            return
        ends = list(accumulate(len(text) + 1 for text in texts))  # after each "\n"
        while at != -1:
            position = bisect_right(ends, at)
            offset = at - (ends[position - 1] if position else 0)
            self.camel_case_word(self.paragraphs[position], offset)
            at = masked.find(b"aA", at + 1)

    def camel_case_word(self, par: Paragraph, offset: int) -> None:
        """Claim the word of the paragraph at that character offset if it is a camel-case
        name."""
        if par.all_caps:
            return
        tokens = par.tokens
        k = bisect_right(tokens, offset, key=START) - 1
        if k < 0 or par.claimed[k] is not None:
            return
        token = tokens[k]
        if not CAMEL_CASE.fullmatch(token.text):
            return
        parts = CAMEL_PARTS.findall(token.text)
        if (
            parts[0] in SURNAME_PREFIXES
            or len(parts[-1]) < 3
            or parts[-1] == "Qs"
            or any(p.lower() in CAMEL_JARGON or p.lower() in self.gaz.title_heads for p in parts)
        ):
            return
        key = organization_key(token.text)
        self.claim(par, k, k + 1, "organization", name=token.text, key=key)

    def national_ministries(self) -> None:
        """A country's name before a ministry is part of its name: "the Netherlands Ministry
        of Foreign Affairs" (one ministry, the key of every MFA)."""
        for c in self.ministries:  # claimed from the lists, and not a paragraph's first word
            par = self.paragraphs[c.paragraph]
            owner = par.claimed[c.first - 1]
            index = par.claimed[c.first]
            if (
                c.dropped
                or owner is None
                or index is None
                or self.candidates[index] is not c
                or not self.adjacent(par, c.first - 1, c.first)
            ):
                continue
            country = self.candidates[owner]
            if country.kind != "place" or country.span is not None or len(country.key) != 8:
                continue
            country.dropped = True
            par.claimed[country.first : c.first] = [index] * (c.first - country.first)
            c.first = country.first

    def names_a_treaty(self, par: Paragraph, k: int) -> bool:
        """Token k stands before "Agreement", "Treaty", "Program"...: "the FOL Agreement"."""
        tokens = par.tokens
        return (
            k + 1 < len(tokens)
            and tokens[k + 1].lower in NOT_ORGANIZATIONS
            and self.adjacent(par, k, k + 1)
        )

    def beside_an_organization(self, par: Paragraph, k: int) -> bool:
        """Token k and an organisation are joined by "and" or "or"."""
        tokens = par.tokens
        for conj, other in ((k + 1, k + 2), (k - 1, k - 2)):
            if not (0 <= other < len(tokens)) or tokens[conj].lower not in ("and", "or"):
                continue
            owner = par.claimed[other]
            if owner is None or self.candidates[owner].kind != "organization":
                continue
            first, last = sorted((k, other))
            if all(self.adjacent(par, m, m + 1) for m in range(first, last)):
                return True
        return False

    def bracketed_acronyms(self) -> None:
        """An acronym in brackets right after an organisation's name is that organisation,
        whatever its letters: "PANAMA DEFENSE FORCES (FDP)", "Ghana Narcotics Board (NACOB)",
        and so is every other mention of it in the cable."""
        same: dict[str, Candidate] = {}  # acronym -> the named organisation
        for par in self.paragraphs:
            if "(" not in par.text:
                continue
            tokens, text = par.tokens, par.text
            for a in after_brackets(par):
                token = tokens[a]
                if not token.upper:
                    continue
                before, owner = par.claimed[a - 1], par.claimed[a]
                if before is None or text[tokens[a - 1].raw_end : token.start].strip() != "(":
                    continue
                named = self.candidates[before]
                if (
                    named.kind != "organization"
                    or named.last != a
                    or named.span is not None
                    or named.dropped
                ):
                    continue
                if owner is None:
                    if not (ACRONYM.fullmatch(token.text) and self.unknown_acronym(token.text)):
                        continue
                    key = organization_key(token.text)
                    self.claim(par, a, a + 1, "organization", name=token.text, key=key)
                    owner = par.claimed[a]
                    assert owner is not None  # claimed just above
                acronym = self.candidates[owner]
                if acronym.kind != "organization" or acronym.first != a:
                    continue
                word = par.text[token.start : tokens[acronym.last - 1].end]
                if acronym.key == organization_key(word):  # unknown: not from a list
                    same.setdefault(word, named)
        if not same:
            return
        for c in self.candidates:
            if c.kind == "organization" and not c.dropped and c.name in same:
                named = same[c.name]
                if c.key == organization_key(c.name):
                    c.key, c.name = named.key, named.name

    def capitals_acronyms(self) -> None:
        """In all-capitals text an acronym looks like any word, so it takes more: an unknown
        word that no word list knows, shaped like an acronym (four letters or fewer, or no
        vowel) and used twice in the cable or after "THE" ("IIAF", "MLKP"); or any unknown word
        in brackets after a kind of body ("LIBERATION ARMY (TIKKO)"); or office symbols
        ("TKP/ML", "DHKP/C"). "US" is the country after "THE" or before a word such as
        "OFFICIALS" or "GOVERNMENT", the pronoun otherwise."""
        found: dict[str, list[tuple[Paragraph, int]]] = defaultdict(list)
        cued: set[str] = set()
        people = {w.upper() for name in self.people for w in TOKEN.findall(name)}
        for par in self.paragraphs:
            if not par.all_caps:
                continue
            tokens, text = par.tokens, par.text
            for k, token in enumerate(tokens):
                if par.claimed[k] is not None or not token.upper:
                    continue
                word = token.text
                if word == "US":
                    self.capitals_us(par, k)
                    continue
                if not word.isalpha() or len(word) < 2 or self.numbered(par, token):
                    continue  # "38TH"; routing lists: "DOEE-00 PERC-00"
                if text[token.raw_end : token.raw_end + 1] == "/" and self.office_symbol(par, k):
                    continue
                if not self.capitals_unknown(word):
                    continue
                bracketed = (
                    k > 0
                    and text[token.start - 2 : token.start] == " ("
                    and tokens[k - 1].lower in ORG_SUFFIXES
                    and tokens[k - 1].raw_end == token.start - 2
                )
                if text[token.raw_end : token.raw_end + 2][-1:].isdigit():
                    continue  # a unit or a code before a number: "FLT 8B 787"
                vowels = any(c in "AEIOUY" for c in word)
                shaped = len(word) >= 3 and (len(word) <= 4 or not vowels)
                if bracketed or shaped:
                    found[word].append((par, k))
                    # "THE MOIS"; an unpronounceable word used twice ("MLKP")
                    if bracketed or (shaped and self.after_the(par, k)):
                        cued.add(word)
                    elif shaped and vowels:
                        found[word].pop()
        for word, places in found.items():
            if (len(places) < 2 and word not in cued) or word in people:
                continue
            if all(self.names_a_treaty(par, k) for par, k in places):
                continue
            for par, k in places:
                if par.claimed[k] is None:
                    self.claim(par, k, k + 1, "organization", name=word, key=organization_key(word))

    def numbered(self, par: Paragraph, token: Token) -> bool:
        """Letters joined to a number name a model, a code or a project, no body: "SM-2",
        "F-16", "PMU-18", "6PT" (the six-party talks)."""
        end = token.raw_end
        return (
            par.text[end : end + 1] == "-" and par.text[end + 1 : end + 2].isdigit()
        ) or par.text[token.start - 1 : token.start].isdigit()

    def capitals_unknown(self, word: str) -> bool:
        lower = word.lower()
        return (
            self.unknown_acronym(word)
            and not self.is_english(lower)
            and lower not in self.gaz.given_names
            and lower not in self.gaz.demonyms
            and lower.removesuffix("s") not in self.gaz.demonyms
        )

    def capitals_us(self, par: Paragraph, k: int) -> None:
        tokens = par.tokens
        following = tokens[k + 1].lower if k + 1 < len(tokens) else ""
        if (
            (
                (following in US_NOUNS or following in US_SUBJECT_VERBS)
                and self.adjacent(par, k, k + 1)
            )
            or self.after_the(par, k)
            or (k > 0 and tokens[k - 1].lower == "in" and self.adjacent(par, k - 1, k))  # "IN US"
        ):
            kind, name, key = self.gaz.acronyms["US"]
            self.claim(par, k, k + 1, kind, name=name, key=key)

    def office_symbol(self, par: Paragraph, k: int) -> bool:
        """State's office symbols are bureau/office acronyms: "ISN/MTR", "EAP/CM", "CA/OCS/CI"."""
        tokens = par.tokens
        if not ACRONYM.fullmatch(tokens[k].text) or (
            tokens[k].text in self.gaz.acronyms and not self.bureau(tokens[k])
        ):
            return False  # "PKK/KADEK", "IMF/IBRD" are two bodies
        last = k + 1
        while (
            last < len(tokens)
            and par.claimed[last] is None
            and tokens[last].upper
            and tokens[last].text.isalpha()
            and len(tokens[last].text) <= 6
            and par.text[tokens[last - 1].raw_end : tokens[last].start] == "/"
        ):
            last += 1
        if last == k + 1 or not any(self.unknown_acronym(t.text) for t in tokens[k:last]):
            return False  # "HIV/AIDS"
        if par.all_caps and any(self.is_english(t.lower) for t in tokens[k:last]):
            return False  # "AND/OR", "HUMANITARIAN/PHASE"
        text = par.text[tokens[k].start : tokens[last - 1].end]
        self.claim(par, k, last, "organization", name=text, key=organization_key(text))
        return True

    def bureau(self, token: Token) -> bool:
        """A known acronym of a department, bureau or office of the U.S. government, whose
        offices State's symbols name: "DRL/IRF", "INL/LP", "DOE/NNSA"."""
        entry = self.gaz.acronyms.get(token.text)
        return entry is not None and entry[1].startswith(BUREAUS)

    def unknown_acronym(self, text: str) -> bool:
        lower = text.lower()
        if "-" in text:  # "AFL-CIO", "MNF-I"; not "US-EU" nor "CAFTA-DR"
            return text not in self.gaz.generic_acronyms and all(
                self.unknown_acronym(part) for part in text.split("-") if len(part) > 1
            )
        return not (
            text in self.gaz.generic_acronyms
            or text in self.gaz.acronyms
            or text in self.tags
            or (lower,) in self.gaz.phrases
            or lower in self.gaz.title_heads
            or lower in self.gaz.common
            or ROMAN_NUMERAL.fullmatch(text)
            or REDACTION.fullmatch(text)
            # a long word in capitals is as often a name or a word shouted: "MOHAMED",
            # "RUSSIANS", "INFENTRY"
            or (
                len(text) > 4
                and (
                    lower in self.gaz.given_names
                    or lower in self.gaz.demonyms
                    or lower.removesuffix("s") in self.gaz.demonyms
                    or (len(text) > 6 and self.is_english(lower))
                )
            )
        )

    def release(self, par: Paragraph, first: int, last: int) -> bool:
        """Free [first, last) for a longer name when the names claimed inside it lie wholly
        within it and are not people ("Students Islamic Movement" + "India" before "(SIMI)")."""
        owners = {owner for owner in par.claimed[first:last] if owner is not None}
        found = [self.candidates[o] for o in owners]
        if any(c.kind == "person" or c.first < first or c.last > last for c in found):
            return False
        for c in found:
            c.dropped = True
            for m in range(c.first, c.last):
                par.claimed[m] = None
        return True

    def long_form(self, par: Paragraph, a: int, acronym: str) -> int | None:
        found = self._initials_form(par, a, acronym)
        if found is None and acronym.isupper():
            found = self._suffixed_form(par, a)
        return found

    def _suffixed_form(self, par: Paragraph, a: int) -> int | None:
        """An acronym from another language ("Libertarian Movement Party (ML)", "Brazilian
        Development Bank (BNDES)"): the capitalised words before it, ending in a kind of
        organisation."""
        tokens = par.tokens
        if par.all_caps or tokens[a - 1].lower not in ORG_SUFFIXES:
            return None
        first = a - 1
        while (
            first > 0
            and a - first < 8
            and (self.adjacent(par, first - 1, first) or self.people_owning(par, first - 1))
        ):
            t = tokens[first - 1]
            if (t.capitalized and t.lower not in FUNCTION_WORDS and not t.upper) or (
                t.lower in ("of", "for", "and")
                and first - 2 >= 0
                and not t.after_skipped
                and tokens[first - 2].capitalized
            ):
                first -= 1
            else:
                break
        while tokens[first].lower in CONNECTORS or (
            tokens[first].sentence_start and tokens[first].lower in self.gaz.common
        ):
            first += 1
        return first if a - first >= 2 else None

    def _initials_form(self, par: Paragraph, a: int, acronym: str) -> int | None:
        tokens = par.tokens
        for first in range(a - 1, max(-1, a - 10), -1):
            if first < a - 1 and not (
                self.adjacent(par, first, first + 1) or self.people_owning(par, first)
            ):
                return None  # "Ethiopian People's Revolutionary Democratic Front (EPRDF)"
            if tokens[first].lower in CONNECTORS:
                continue
            if not (par.all_caps or tokens[first].capitalized):
                return None
            initials = "".join(
                part[0]
                for t in tokens[first:a]
                if t.lower not in CONNECTORS
                for part in t.text.split("-")
                if part
            ).upper()
            if initials == acronym.upper() or initials == acronym.upper().rstrip("S"):
                return first
            if len(initials) > len(acronym):
                return None
        return None

    def suffixed_organizations(self, par: Paragraph) -> None:
        tokens = par.tokens
        for k in par.cues[ORGANIZATION_END_CUE]:
            token = tokens[k]
            if not token.capitalized or par.claimed[k] is not None:
                continue
            if (
                k + 1 < len(tokens)
                and (tokens[k + 1].lower in ORG_SUFFIXES or token.lower == "united")
                and tokens[k + 1].capitalized
                and self.adjacent(par, k, k + 1)
            ):
                continue  # "United" ends a club's name, and begins many more
            if token.lower == "co" and par.text[token.end : token.end + 1] != ".":
                continue
            first = k
            absorbed = None
            while first > 0 and (
                self.adjacent(par, first - 1, first) or self.owned_by(par, first - 1)
            ):
                owner = par.claimed[first - 1]
                if owner is not None:
                    c = self.candidates[owner]
                    if (
                        c.kind == "place"
                        and c.span is None
                        and c.last == first
                        and absorbed is None
                        # a name keeps one case: "EGYPT\nUnit/Institution" is a form's lines
                        and (
                            par.all_caps
                            or not tokens[first - 1].upper
                            or len(tokens[first - 1].text) <= 4  # "U.S. Coast Guard"
                            or token.upper
                        )
                        # a country ("Ghana Police Service"), or in mixed case any place that
                        # begins the name ("Astana City Construction Company")
                        and (
                            first == k
                            or len(c.key) == 8
                            or not (par.all_caps or self.name_before(par, c.first))
                        )
                    ):
                        # "Cairo University", "Yoon Networks Shanghai Company",
                        # "Ghana Police Service"
                        absorbed = c
                        first = c.first
                        continue
                    break
                t = tokens[first - 1]
                if (
                    t.lower in self.gaz.title_heads
                    and (first != k or par.all_caps or t.possessive or token.lower != "staff")
                    and not (first < k and self.people_owning(par, first))
                ):
                    # "Inspector-General of Police" is a title, "General Staff" a body, and so
                    # is "General People's Congress": the word after it owns the rest
                    break
                if (t.lower in NOT_ORGANIZATIONS or t.lower in ORG_SUFFIXES) and tokens[
                    first
                ].lower in ("and", "or"):
                    # "the Wassenaar Arrangement and Nuclear Suppliers Group", "the Senate
                    # and Chamber of Deputies": two names
                    break
                if (t.lower in ("of", "for", "and") and not par.all_caps) or (
                    t.capitalized
                    and t.lower not in FUNCTION_WORDS
                    and (par.all_caps or not t.upper)
                    and not self.is_redaction(t)
                    and not any(p[:1].islower() for p in t.text.split("-")[1:])
                ):
                    first -= 1
                    if (
                        par.all_caps
                        and t.lower in self.gaz.demonym_countries
                        and not (first > 0 and tokens[first - 1].lower in NAME_ADJECTIVES)
                    ):
                        break  # "NAVATT STATES ARGENTINE NAVY": the demonym begins the name
                else:
                    break
            while first < k and (
                tokens[first].lower in CONNECTORS
                or (tokens[first].sentence_start and tokens[first].lower in self.gaz.common)
            ):
                first += 1
            if token.lower in SITTINGS and tokens[first].lower in ORDINALS:
                continue
            # "Committee for National Security"; a body of one country is for another:
            # "the Uruguayan Central Committee for Israel"
            national = tokens[first].lower in self.gaz.demonyms or par.claimed[first] is not None
            # a staff or a force is named by what comes before: "Task Force for International
            # Cooperation on Holocaust Education, Remembrance, and Research" goes on too far
            end = (
                k + 1
                if token.lower in ("staff", "force")
                else self.name_goes_on(par, k + 1, national)
            )
            words = tokens[first:k] + tokens[k + 1 : end]
            distinctive = [
                t
                for t in words
                if t.lower not in CONNECTORS
                and (
                    t.lower in self.gaz.demonyms
                    or (not par.all_caps and not self.is_common(t.lower))
                )
            ]
            named = [t for t in words if t.lower not in CONNECTORS]
            if (
                not distinctive
                and absorbed is None
                and (par.all_caps or len(named) < 2 or tokens[first].sentence_start)
                and not self.body_after_the(par, first, k, end, named)
            ):
                continue  # "Nuclear Suppliers Group" counts, "the Working Group" does not
            if token.lower in SUBDIVISIONS and (
                (
                    absorbed is not None
                    and absorbed.first == first
                    and absorbed.last == k
                    and not self.names_an_area(absorbed)
                )
                or (k + 1 < len(tokens) and tokens[k + 1].lower in ("store", "stores"))
            ):
                # "Antioquia Department" and "Magway Division" are regions, "TEHRAN DEPARTMENT
                # STORE" a shop; "the MFA's Asia Department" is an office for a part of the world
                continue
            if absorbed is not None:
                absorbed.dropped = True
                for m in range(absorbed.first, absorbed.last):
                    par.claimed[m] = None
            self.drop_claims(par, k + 1, end)  # a place after "of" or "for" is part of the name
            last = tokens[end - 1]
            span = None
            if last.lower in ABBREVIATED and par.text[last.end : last.end + 1] == ".":
                span = (tokens[first].start, last.end + 1)  # "Asia World Co."
            text = " ".join(par.text[tokens[first].start : last.end].split())
            self.claim(
                par, first, end, "organization", name=text, key=organization_key(text), span=span
            )

    def body_after_the(
        self, par: Paragraph, first: int, k: int, end: int, named: list[Token]
    ) -> bool:
        """In mixed case, capitalised English words and a kind of body after "the" or an owner
        name one body: "the Public Ministry", "the Chamber of Deputies", "the HNP's
        Counterterrorism Unit" (not "the Working Group", a group of any meeting)."""
        tokens = par.tokens
        if par.all_caps or not named or first == 0:
            return False
        if not all(t.capitalized and not t.upper for t in (*named, tokens[k])):
            return False
        after = tokens[end] if end < len(tokens) else None
        if (
            after is not None
            and after.capitalized
            and (after.possessive or after.lower in NOT_ORGANIZATIONS)
            and self.adjacent(par, end - 1, end)
        ):
            return False  # "the Ministry of Public Security's", "the Status of Forces Agreement"
        if (
            after is not None
            and after.capitalized
            and (after.lower in MEMBER or self.title_begins(par, end))
            and tokens[k].lower not in GENERIC_BODIES
            and self.adjacent(par, end - 1, end)
        ):
            # a title of its own: "National Assembly Chair", "Assembly Members"; after a body's
            # name, the name may be the body's own ("ANC Youth League President")
            owner = par.claimed[first - 1]
            return not (
                owner is not None
                and self.candidates[owner].kind == "organization"
                and self.adjacent(par, first - 1, first)
            )
        before = tokens[first - 1]
        if before.lower == "the":
            return tokens[k].lower not in GENERIC_BODIES and self.adjacent(par, first - 1, first)
        owner = par.claimed[first - 1]
        return (
            before.possessive
            and par.text[before.end : tokens[first].start].strip() in ("'s", "’s")
            # any office of a body: "the HNP's Counterterrorism Unit"
            and (
                tokens[k].lower not in GENERIC_BODIES
                or (owner is not None and self.candidates[owner].kind == "organization")
            )
        )

    def title_begins(self, par: Paragraph, i: int) -> bool:
        """A title begins at token i: its head ("Chair", "Secretary"), or a word that begins
        one before its head ("Permanent Secretary", "Executive Director")."""
        tokens = par.tokens
        return tokens[i].lower in self.gaz.title_heads or (
            tokens[i].lower in TITLE_MODIFIERS
            and i + 1 < len(tokens)
            and tokens[i + 1].lower in self.gaz.title_heads
        )

    def owned_by(self, par: Paragraph, i: int) -> bool:
        """Token i is an English word owning the next: "Workers' Party", "People's Assembly"
        (but "Chavez's Fifth Republic Movement" is not one name)."""
        t = par.tokens[i]
        if i + 1 >= len(par.tokens) or not (t.possessive or t.lower.endswith("s")):
            return False
        gap = par.text[t.end : par.tokens[i + 1].start]
        return (
            gap.rstrip() in ("'s", "’s", "'", "’", "'S", "’S")
            and self.is_english(t.lower)
            and t.lower not in ORG_SUFFIXES
            and t.lower not in NOT_OWNERS
        )

    def people_owning(self, par: Paragraph, i: int) -> bool:
        """Token i is a word for people owning the next, inside a body's name: "Ethiopian
        People's Revolutionary Democratic Front", "Citizens' Action Party", "General People's
        Congress" (not "the Ministry of Health's Sanitary Vigilance Agency", two bodies)."""
        t = par.tokens[i]
        return (t.lower in PEOPLE_WORDS or not t.possessive) and self.owned_by(par, i)

    def name_goes_on(self, par: Paragraph, k: int, national: bool = False) -> int:
        """In mixed case, the index after "of/for/on <capitalised words>" that goes on a body's
        name from token k: "Committee for National Security", "Agency for Fighting Economic
        Crimes and Corruption"; k when nothing does."""
        tokens = par.tokens
        if (
            par.all_caps
            or k + 1 >= len(tokens)
            or tokens[k].lower not in NAME_GOES_ON
            or tokens[k].after_skipped
            or not self.adjacent(par, k - 1, k)
        ):
            return k
        end = last = k + 1
        while last < len(tokens) and last - k < 8 and self.adjacent(par, last - 1, last):
            t = tokens[last]
            owner = par.claimed[last]
            if owner is not None:
                place = self.candidates[owner]
                if (
                    last == k + 1
                    and (tokens[k].lower == "of" or (tokens[k].lower == "for" and not national))
                    and place.kind == "place"
                    and place.span is None
                    and place.first == last
                    # "the Commission for Turkey's admission": the place owns what follows
                    and not (tokens[place.last - 1].possessive and tokens[k].lower == "for")
                ):
                    # "Bank of Georgia", "Special Court for Sierra Leone": the caller drops it
                    last = end = place.last
                break
            if t.possessive:
                break
            if t.lower in ("and", "the", "of", "for", "on") and not t.capitalized:
                last += 1
                continue
            if (
                not t.capitalized
                or t.upper
                or t.lower in FUNCTION_WORDS
                or t.lower in MONTHS
                or self.title_begins(par, last)
                or (t.lower in self.gaz.given_names and not self.is_common(t.lower))
                or self.is_redaction(t)
            ):
                break
            if t.lower in ORG_SUFFIXES and not tokens[last - 1].capitalized:
                break  # "the Chamber of Deputies and the Senate": two bodies
            last += 1
            end = last
            if t.lower in ORG_SUFFIXES:
                break  # "Ministry for Foreign Affairs Defense Department": one more body
        # a name ends on a noun: "the Senate on the Italian and US reports" is no name
        while end > k + 1 and (
            tokens[end - 1].lower in self.gaz.demonyms or not tokens[end - 1].capitalized
        ):
            end -= 1
        return end if end > k + 1 else k

    def names_an_area(self, place: Candidate) -> bool:
        """A country, a continent or a part of the world ("Asia", "the Horn of Africa"), not a
        state, province or town."""
        if len(place.key) == 8:  # place:xx, a country
            return True
        words = tokens_of(place.name)
        return words in self.gaz.areas and words not in self.gaz.regions

    def name_before(self, par: Paragraph, k: int) -> bool:
        """A capitalised word stands right before token k: "Chico Mendes" is no place."""
        t = par.tokens[k - 1] if k > 0 else None
        return (
            t is not None
            and t.capitalized
            and t.lower not in FUNCTION_WORDS
            and self.adjacent(par, k - 1, k)
        )

    def suffixed_places(self, par: Paragraph) -> None:
        """A name before a kind of place: "Catatumbo River", "SOCUAVO DEL SUR RIVER"."""
        tokens = par.tokens
        for k in par.cues[PLACE_END_CUE]:
            token = tokens[k]
            if token.lower == "camp":
                self.camp_place(par, k)
                continue
            if par.claimed[k] is not None or k == 0:
                continue
            if not (par.all_caps or token.capitalized):
                continue
            if token.lower in PLACE_FACILITIES:
                self.facility_place(par, k)
                continue
            if token.lower in ADMINISTRATIVE:
                self.administrative_place(par, k)
                continue
            first = k
            while (
                first > 0
                and par.claimed[first - 1] is None
                and self.adjacent(par, first - 1, first)
            ):
                t = tokens[first - 1]
                inner = t.lower in ("del", "de", "la", "el") and first < k
                if inner or (
                    (par.all_caps or t.capitalized)
                    and not self.is_common(t.lower)
                    and t.lower not in self.gaz.demonyms
                    and not self.is_redaction(t)
                ):
                    first -= 1
                else:
                    break
            while first < k and tokens[first].lower in ("del", "de", "la", "el"):
                first += 1
            if first == k and self.adjacent(par, k - 1, k):
                first = self.absorbed_place(par, k - 1)  # "Ascension Island", "Putumayo River"
            if first < k:
                text = " ".join(par.text[tokens[first].start : token.end].split())
                name = text.title() if par.all_caps else text
                self.claim(par, first, k + 1, "place", name=name, key=f"place:{fold(text)}")

    def camp_place(self, par: Paragraph, k: int) -> None:
        """A camp named by the word after it, in mixed case: "Camp Ashraf", "Camp David",
        "Camp Lemonnier" (not "the refugee camp", nor "CAMP IS" in capitals). A town of the
        name ("David") gives way."""
        tokens = par.tokens
        if (
            par.all_caps
            or par.claimed[k] is not None
            or tokens[k].text != "Camp"
            or k + 1 >= len(tokens)
            or not self.adjacent(par, k, k + 1)
        ):
            return
        t = tokens[k + 1]
        if not t.capitalized or t.upper or self.is_common(t.lower) or self.is_redaction(t):
            return
        owner = par.claimed[k + 1]
        if owner is not None:
            if not self.place_alone(par, k + 1):
                return
            self.candidates[owner].dropped = True
            par.claimed[k + 1] = None
        text = f"{tokens[k].text} {t.text}"
        self.claim(par, k, k + 2, "place", name=text, key=place_key(text))

    def administrative_place(self, par: Paragraph, k: int) -> None:
        """A place and the kind of division it is: "Mpumalanga Province", "Shibuya Ward",
        "KIRKUK PROVINCE", one place with the place alone; an unknown word before the kind
        makes a place of it ("Bandipora District"). Not after a compass word or a common one
        ("Eastern Province", "the Central District")."""
        tokens = par.tokens
        token_kind = tokens[k].lower
        if not self.adjacent(par, k - 1, k):
            return
        owner = par.claimed[k - 1]
        if owner is not None:
            c = self.candidates[owner]
            if (
                c.kind == "place"
                and c.span is None
                and c.last == k
                and len(c.key) != 8  # a country's province is no name: "Iraq Province"
                # "Chahar Dara District": a longer name than the place ends there
                and not (
                    c.first > 0
                    and par.claimed[c.first - 1] is None
                    and tokens[c.first - 1].capitalized
                    and not tokens[c.first - 1].sentence_start
                    and self.adjacent(par, c.first - 1, c.first)
                )
            ):
                c.last = k + 1
                par.claimed[k] = owner
            return
        t = tokens[k - 1]
        if (
            token_kind != "ward"  # "Maternity Ward"
            and (par.all_caps or (t.capitalized and not t.upper))
            and not t.sentence_start
            # one unknown word: "Chahar Dara District" is more than this rule reads
            and not (k > 1 and tokens[k - 2].capitalized and self.adjacent(par, k - 2, k - 1))
            and not self.is_common(t.lower)
            and t.lower not in self.gaz.demonyms
            and t.lower not in COMPASS
            and not self.is_redaction(t)
            and self.name_like(par, t, strict=True)
        ):
            name = t.text.title() if par.all_caps else t.text
            self.claim(par, k - 1, k + 1, "place", name=name, key=place_key(name))

    def facility_place(self, par: Paragraph, k: int) -> None:
        """A named airport, hospital, mosque...: "Kotoka International Airport", "Mohammed V
        Military Hospital", "KABUL INTERNATIONAL AIRPORT". A word of the name must be more than
        a common word or a demonym ("the International Airport", "a Moroccan prison" are
        none); in capitals every word must be no English word, or one of the few that such
        names use. Churches are left out: "the Catholic Church" is mostly the institution."""
        tokens = par.tokens
        first, absorbed = k, []
        while first > 0 and k - first < 4 and self.adjacent(par, first - 1, first):
            t = tokens[first - 1]
            owner = par.claimed[first - 1]
            if owner is not None:
                c = self.candidates[owner]
                if c.kind not in ("place", "person") or c.span is not None or c.last != first:
                    break
                absorbed.append(c)  # "Kabul International Airport", "Jinnah Hospital"
                first = c.first
                continue
            if (
                not (par.all_caps or t.capitalized)
                or t.lower in FUNCTION_WORDS
                or self.is_redaction(t)
                or (par.all_caps and self.is_english(t.lower) and t.lower not in FACILITY_WORDS)
            ):
                break
            first -= 1
        while first < k and tokens[first].sentence_start and self.is_common(tokens[first].lower):
            first += 1
        named = [
            t
            for m, t in enumerate(tokens[first:k], first)
            if par.claimed[m] is not None
            or not (self.is_common(t.lower) or t.lower in self.gaz.demonyms)
        ]
        if not named or (par.all_caps and any(c.kind == "person" for c in absorbed)):
            return
        for c in absorbed:
            if c.first >= first:
                c.dropped = True
                par.claimed[c.first : c.last] = [None] * (c.last - c.first)
        if not self.free(par, first, k):
            return
        text = " ".join(par.text[tokens[first].start : tokens[k].end].split())
        name = text.title() if par.all_caps else text
        self.claim(par, first, k + 1, "place", name=name, key=place_key(text))

    def absorbed_place(self, par: Paragraph, k: int) -> int:
        """Free token k when it is a one-word place other than a country, which a longer name
        takes over; its index then, else the index after it."""
        owner = par.claimed[k]
        if owner is None:
            return k + 1
        c = self.candidates[owner]
        if c.kind != "place" or c.span is not None or c.last - c.first != 1 or len(c.key) == 8:
            return k + 1
        c.dropped = True
        par.claimed[k] = None
        return k

    def governments(self, par: Paragraph) -> None:
        """ "Government of Morocco" is an organisation, the one "GOM" names in a cable tagged MO;
        so is "the Dutch Government" (capitalised, in mixed case: "the Dutch government" is
        none) in a cable about the Netherlands. "Republic of Iraq", "Kingdom of the
        Netherlands" are the country, "Gulf of Venezuela" a place of its own."""
        tokens = par.tokens
        for g in par.cues[GOVERNMENT_CUE]:
            if tokens[g].lower == "government":
                self.demonym_government(par, g)
            elif tokens[g].lower in FORMAL_STATES:
                self.formal_country(par, g)
            else:
                self.place_of(par, g)
        for k in [g + 2 for g in par.cues[GOVERNMENT_CUE] if g + 2 < len(tokens)]:
            if tokens[k - 2].lower != "government":
                continue
            owner = par.claimed[k]
            if owner is None or tokens[k - 1].lower != "of":
                continue
            c = self.candidates[owner]
            if c.kind != "place" or len(c.key) != 8 or c.first != k or c.span is not None:
                continue
            if (
                par.claimed[k - 2] is not None
                or not (par.all_caps or tokens[k - 2].capitalized)
                or not (self.adjacent(par, k - 2, k - 1) and self.adjacent(par, k - 1, k))
            ):
                continue
            c.dropped = True
            name = f"Government of {c.name}"
            self.claim(par, k - 2, c.last, "organization", name=name, key=organization_key(name))

    def demonym_government(self, par: Paragraph, g: int) -> None:
        tokens = par.tokens
        if par.all_caps or g == 0 or not tokens[g].capitalized or tokens[g].upper:
            return
        first = g - 1
        country = self.gaz.demonym_countries.get(tokens[first].lower)
        if g > 1 and self.adjacent(par, g - 2, g - 1):  # "the South African Government"
            two_words = f"{tokens[g - 2].lower} {tokens[first].lower}"
            if two_words in self.gaz.demonym_countries:
                first, country = g - 2, self.gaz.demonym_countries[two_words]
        if (
            country is None
            or not all(t.capitalized for t in tokens[first:g])
            or any(owner is not None for owner in par.claimed[first : g + 1])
            or not self.adjacent(par, g - 1, g)
        ):
            return
        name = f"Government of {country}"
        self.claim(par, first, g + 1, "organization", name=name, key=organization_key(name))

    def of_what(self, par: Paragraph, g: int) -> Candidate | None:
        """The place claimed right after "<word> of [the]" at token g."""
        tokens = par.tokens
        k = g + 2
        if k < len(tokens) and tokens[k].lower == "the" and not tokens[k].after_skipped:
            k += 1
        if k >= len(tokens) or tokens[g + 1].lower != "of" or tokens[g + 1].after_skipped:
            return None
        if not all(self.adjacent(par, m, m + 1) for m in range(g, k)):
            return None
        owner = par.claimed[k]
        if owner is None:
            return None
        c = self.candidates[owner]
        if c.kind != "place" or c.first != k or c.span is not None:
            return None
        return c

    def formal_country(self, par: Paragraph, g: int) -> None:
        """ "Republic of Iraq", "Kingdom of the Netherlands", "State of Qatar": the country."""
        t = par.tokens[g]
        if not (par.all_caps or t.capitalized) or par.claimed[g] is not None:
            return
        c = self.of_what(par, g)
        if c is None or len(c.key) != 8:
            return
        first = g
        if (
            g > 0
            and par.tokens[g - 1].lower in FORMAL_ADJECTIVES
            and par.claimed[g - 1] is None
            and self.adjacent(par, g - 1, g)
        ):
            first = g - 1  # "Islamic Republic of Afghanistan"
        c.dropped = True
        self.claim(par, first, c.last, "place", name=c.name, key=c.key)

    def place_of(self, par: Paragraph, g: int) -> None:
        """ "Gulf of Venezuela", "Bay of Bengal": a place of its own, not the one it names."""
        t = par.tokens[g]
        if not (par.all_caps or t.capitalized):
            return
        c = self.of_what(par, g)
        if c is None or c.paragraph != par.position:
            return
        owner = par.claimed[g]
        if owner is not None:
            short = self.candidates[owner]
            if short.kind != "place" or short.first != g or short.last != g + 1:
                return
            short.dropped = True  # "Gulf" alone is the Persian Gulf
            par.claimed[g] = None
        c.dropped = True
        text = " ".join(par.text[t.start : par.tokens[c.last - 1].end].split())
        name = text.title() if par.all_caps else text
        self.claim(par, g, c.last, "place", name=name, key=place_key(name))

    def compass_places(self, par: Paragraph) -> None:
        """A capitalised compass word before a country or a region names a part of it:
        "Northern India", "East Africa" (in capitals text it may be an adjective)."""
        if par.all_caps:
            return
        tokens = par.tokens
        for k in [c + 1 for c in par.cues[COMPASS_CUE] if c + 1 < len(tokens)]:
            owner = par.claimed[k]
            t = tokens[k - 1]
            if owner is None or not t.capitalized or par.text[t.start - 1 : t.start] == "-":
                continue  # "the U.S.-Central America-Dominican Republic Free Trade Agreement"
            c = self.candidates[owner]
            if c.kind != "place" or c.first != k:
                continue
            if c.span is None:
                words = tuple(x.lower for x in tokens[c.first : c.last])
                span = None
            elif c.span[0] == tokens[k].start:  # "South Asia-related"
                words = (par.text[slice(*c.span)].lower(),)
                span = (t.start, c.span[1])
            else:
                continue
            if len(c.key) != 8 and words not in self.gaz.areas:
                continue  # a country or a region, not a town: "Central Bank" is no place
            if par.claimed[k - 1] is not None or not self.adjacent(par, k - 1, k):
                continue
            c.dropped = True
            end = span[1] if span else tokens[c.last - 1].end
            text = " ".join(par.text[t.start : end].split())
            self.claim(par, k - 1, c.last, "place", name=text, key=place_key(text), span=span)

    def prefixed_organizations(self, par: Paragraph) -> None:
        """ "Banco Modal", "Grupo Clarin": a company word of the host country's language before
        capitalised words; and a single unknown word ending in "bank" (Rabobank, Sberbank)."""
        if ORG_PREFIXES.isdisjoint(par.lowers) and "bank" not in " ".join(par.lowers):
            return  # no company word, no word ending in "bank"
        tokens = par.tokens
        for k, t in enumerate(tokens):
            if par.claimed[k] is not None or not (par.all_caps or t.capitalized):
                continue
            if t.lower in ORG_PREFIXES or (
                # "Bank Melli", "Bank Sabadell", "Bank Austria"; not "World Bank President"
                t.lower == "bank"
                and not self.name_before(par, k)
                and k + 1 < len(tokens)
                and not self.is_english(tokens[k + 1].lower)
                and tokens[k + 1].lower not in self.gaz.title_heads
            ):
                last = k + 1
                while (
                    last < len(tokens)
                    and last - k < 4
                    and (par.claimed[last] is None or self.place_alone(par, last))
                    and (par.all_caps or tokens[last].capitalized)
                    and self.adjacent(par, last - 1, last)
                    and tokens[last].lower not in FUNCTION_WORDS
                    and tokens[last].lower not in self.gaz.title_heads
                    # "Bank Melli Iran Currency:", a form's line
                    and not (t.lower == "bank" and self.is_english(tokens[last].lower))
                ):
                    last += 1
                    if tokens[last - 1].possessive:
                        break
                if last > k + 1:
                    self.drop_claims(par, k + 1, last)  # "Sabadell" the town, "Austria"
                    text = " ".join(par.text[t.start : tokens[last - 1].end].split())
                    name = text.title() if par.all_caps else text
                    self.claim(par, k, last, "organization", name=name, key=organization_key(text))
            elif t.lower.endswith("bank") and len(t.lower) > 6 and not self.is_common(t.lower):
                name = t.text.title() if par.all_caps else t.text
                self.claim(par, k, k + 1, "organization", name=name, key=organization_key(t.text))

    def place_alone(self, par: Paragraph, i: int) -> bool:
        """Token i is claimed by a place of that one word."""
        owner = par.claimed[i]
        assert owner is not None  # only asked of a claimed token
        c = self.candidates[owner]
        return c.kind == "place" and c.first == i and c.last == i + 1 and c.span is None

    def cued_people(self, par: Paragraph) -> None:
        """A lone unknown word is a surname when it owns something or speaks:
        "MUSHARRAF'S COUP", "Sawani said"; not after "the", which makes it a title or a body
        ("THE SHAH'S VIEWS"), except before a word of rule ("the Aznar government")."""
        tokens = par.tokens
        last = len(tokens) - 1
        # only an owner or a word before a cue can be claimed
        cued_at = {k - 1 for k in par.cues[SPEECH_OR_RULE_CUE] if k > 0}
        if POSSESSIVE.search(par.text):
            cued_at.update(indexes_where(tokens, POSSESSIVE_TOKEN))
        for k in sorted(cued_at):
            t = tokens[k]
            ruled = False
            if t.possessive:
                cued = par.all_caps or not t.sentence_start
            else:
                following = tokens[k + 1].lower if k < last else ""
                ruled = (
                    following in RULED_BY
                    and (not par.all_caps or self.after_the(par, k))  # "THE LULA ADMINISTRATION"
                    and not t.sentence_start
                    and not t.lower.endswith(ADJECTIVE_ENDINGS)
                )
                cued = (following in SPEECH_VERBS or ruled) and self.adjacent(par, k, k + 1)
            if cued and not ruled and self.after_the(par, k):
                continue
            owner = par.claimed[k]
            if (
                cued
                and ruled
                and owner is not None
                and following in RULED_BY_PEOPLE
                and self.candidates[owner].kind == "place"
                and self.candidates[owner].last == k + 1
                and (t.lower,) in self.gaz.towns
            ):
                # "the Obama administration", "the Clinton presidency": a town's name
                # before a word of a person's rule ("the Kabul government" is the town's)
                self.candidates[owner].dropped = True
                par.claimed[k] = None
            if (
                cued
                and par.claimed[k] is None
                and len(t.text) >= 3
                and self.name_like(par, t, strict=True)
            ):
                self.claim(par, k, k + 1, "person")

    def after_the(self, par: Paragraph, k: int) -> bool:
        return k > 0 and par.tokens[k - 1].lower == "the" and self.adjacent(par, k - 1, k)

    def given_name_people(self, par: Paragraph) -> None:
        """A known given name before one to three words that may be names is a person, in
        all-capitals text too: "WAGNER CANHEDO", "JENNIFER MARY ROBSON". The words after it
        must not be English words ("JORDAN VALLEY"), unless given names themselves; a name
        before it joins ("Zulfiqar Ali Bhutto"). A town's name can be a given name ("David
        Cameron"), a region's cannot ("Sinai", "Beni Suef")."""
        tokens, given = par.tokens, self.gaz.given_names
        done = 0  # the index after the last name claimed
        for first in [k for k in par.cues[GIVEN_NAME_CUE] if k < len(tokens) - 1]:
            t = tokens[first]
            if first < done or t.possessive or not self.takeable(par, first):
                continue
            if t.lower in FOREIGN_ARTICLES and self.after_the(par, first):
                continue  # "the Le Monde headline", "the La Nacion daily": titles
            if not par.all_caps and (not t.capitalized or t.upper):
                continue
            if par.claimed[first] is not None and (par.all_caps or (t.lower,) in self.gaz.areas):
                continue
            last = first + 1
            particles = 0  # not counted: "Hamad bin Isa Al Khalifa" is four words
            while last < len(tokens) and last - first - particles < 4 and self.takeable(par, last):
                w = tokens[last]
                if not self.name_adjacent(par, last - 1, last) or w.after_skipped:
                    break
                if (
                    not par.all_caps
                    and (w.text.islower() or w.text == "Al")  # "Hamad bin Isa Al Khalifa"
                    # "Rio de la Plata": a word that begins a place's longer name
                    and self.gaz.first_words.get(t.lower, 1) == 1
                    and self.particle_in_name(par, last)
                ):
                    last += 1  # "Catarina de Albuquerque", "Mohammed bin Rashid"
                    particles += 1
                    continue
                if not self.name_like(par, w, strict=False) or (
                    w.lower not in given and self.is_english(w.lower)
                ):
                    break
                last += 1
                particles += w.lower in NAME_PARTICLES
                if w.possessive:
                    break
            while last > first + 1 and (
                len(tokens[last - 1].text) == 1 or tokens[last - 1].lower in NAME_PARTICLES
            ):
                last -= 1  # "Martin F. Smith" is a longer name than this rule reads
            if last == first + 1:
                continue
            if (
                last < len(tokens)
                and not tokens[last].after_skipped
                and (tokens[last].lower in ORG_SUFFIXES | FACILITIES | PLACE_SUFFIXES)
            ):
                continue  # "Jackson Memorial Hospital"
            while (
                first > 0
                and last - first < 5
                and self.takeable(par, first - 1)
                and self.name_adjacent(par, first - 1, first)
                and not tokens[first - 1].possessive
                and len(tokens[first - 1].text) > 1
                and (
                    self.name_like(par, tokens[first - 1], strict=True)
                    or (par.claimed[first - 1] is not None and not par.all_caps)
                )
            ):
                first -= 1  # "Cesar Mauricio Velasquez": Cesar is a region too
            self.claim_name(par, first, last)
            done = last

    def claim_name(self, par: Paragraph, first: int, last: int) -> None:
        """Claim an untitled name over the words claimed before it: a person, but a place after
        "at" ("fired at the IDF post at Rosh Hanikra", "the facility at Diego Garcia") or after
        a noun of places ("Lake Albert")."""
        tokens = par.tokens
        self.drop_claims(par, first, last)
        start = tokens[first].start
        if (
            AT.search(par.text, max(0, start - 4), start) and not tokens[last - 1].possessive
        ) or tokens[first].lower in PLACE_NOUNS:
            text = " ".join(par.text[start : tokens[last - 1].end].split())
            self.claim(par, first, last, "place", name=text, key=place_key(text))
        else:
            self.claim(par, first, last, "person")

    def untitled_people(self, par: Paragraph) -> None:
        if par.all_caps:
            return  # without capitals, two rare words in a row are as often a phrase as a name
        tokens = par.tokens
        k = 0
        for first in indexes_where(tokens, CAPITALIZED):  # where a name can begin
            if first < k:
                continue
            k = first
            stop = k + 4
            while k < len(tokens) and k < stop:
                t = tokens[k]
                if not t.capitalized:
                    break
                owner = par.claimed[k]
                if owner is not None:
                    c = self.candidates[owner]
                    # "Maria Elena Martinez": a town's name ends a name begun before it
                    if not (c.first == c.last - 1 and c.span is None and self.is_city(t)):
                        break
                    if k == first and not (
                        ((t.lower,) in self.gaz.small_places or (t.lower,) in self.gaz.regions_only)
                        and k + 1 < len(tokens)
                        and self.adjacent(par, k, k + 1)
                        and self.name_like(par, tokens[k + 1], strict=True)
                    ):
                        break
                    if k == first and (t.lower,) not in self.gaz.regions_only:
                        stop = k + 2  # a town's name as a first name: "Heba Nassar", no more
                elif not self.name_like(par, t, strict=True) and not (
                    k <= first + 1
                    and first + 1 < len(tokens)
                    and "-" in tokens[first + 1].text  # most words fail here, cheaply
                    and self.family_name_before_given(par, first)
                ):
                    break
                if k == first and len(t.text) == 1:
                    break
                k += 1
                if t.possessive or (k < len(tokens) and not self.name_adjacent(par, k - 1, k)):
                    break
            while k - first >= 2 and len(tokens[k - 1].text) == 1:
                k -= 1  # a name ends on no initial: "Padraig O,hUiginn" is more than this reads
            if (
                k - first >= 2
                and not (
                    k < len(tokens)
                    and not tokens[k].after_skipped
                    and tokens[k].lower in FACILITIES
                )
                and not self.after_the(par, first)  # "the Celtic Tiger", "the Le Monde"
            ):
                self.claim_name(par, first, k)

    def family_name_before_given(self, par: Paragraph, k: int) -> bool:
        """A family name that is an English word, before a given name of two syllables joined
        by a hyphen: "Park Jie-won", "Ban Ki-moon", "Moon Chung-in"."""
        tokens = par.tokens
        if k + 1 >= len(tokens) or not self.adjacent(par, k, k + 1):
            return False
        given = tokens[k + 1].text
        return (
            given.split("-")[1].islower()
            and tokens[k].capitalized
            and not tokens[k].upper
            and tokens[k].lower not in FUNCTION_WORDS
            and family_name_first(f"{tokens[k].text} {given}")
        )

    def signature(self) -> None:
        """One to three name words after the last sentence of the cable are its signer's name,
        where the parser found no signature line: '... is just for show.” Beyrle'."""
        if not self.paragraphs:
            return
        par = self.paragraphs[-1]
        tokens = par.tokens
        first = len(tokens)
        while first > 0 and len(tokens) - first < 3 and tokens[first - 1].capitalized:
            first -= 1
            start = tokens[first].start
            if par.text[max(0, start - 10) : start].rstrip()[-1:] in SIGNED_AFTER:
                break
        else:
            return
        if (
            first == 0
            or par.text[tokens[-1].end :].strip()
            or not self.free(par, first, len(tokens))
            or not all(self.name_like(par, t, strict=True) for t in tokens[first:])
        ):
            return
        self.claim(par, first, len(tokens), "person")

    def known_people(self) -> None:
        """Names met elsewhere in the cable (or given as signer and Classified By) claim the
        words still free: "Aliyev" after "Ilham Aliyev", "Najjar's" after "Mustafa Najjar"."""
        phrases: dict[tuple[str, ...], None] = {}
        for c in self.candidates:
            if c.kind == "person" and not c.dropped:
                par = self.paragraphs[c.paragraph]
                words = [t.lower for t in par.tokens[c.first : c.last]]
                self.add_name(phrases, words, words[0] in self.gaz.given_names)
        for name in self.people:
            words = [
                w.lower() for w in TOKEN.findall(name) if w.lower() not in self.gaz.title_heads
            ]
            self.add_name(phrases, words)
        if not phrases:
            return
        # "the Hyde CODEL" after "Henry Hyde" is that person, "the Shah" alone is a title
        full_surnames = {words[-1] for words in phrases if len(words) > 1}

        def accept(par: Paragraph, i: int, words: tuple[str, ...]) -> bool:
            if len(words) > 1:
                return True
            if words[0] in self.gaz.common and (par.all_caps or par.tokens[i].sentence_start):
                return False
            return not (
                self.after_the(par, i)
                and words[0] not in full_surnames
                and not (i + 1 < len(par.tokens) and par.tokens[i + 1].lower in RULED_BY)
            )

        self.claim_phrases(phrases, "person", accept)
        self.hyphenated_people(
            {words[0] for words in phrases if len(words) == 1 and words[0] not in self.gaz.common}
        )

    def hyphenated_people(self, names: set[str]) -> None:
        """Names met in the cable inside a hyphenated word: "pro-Taylor forces" (not Taylor the
        town), "Karzai-supporting", "PUTIN-BERLUSCONI"; the other parts are ordinary words,
        prefixes or names too."""
        if not names:
            return
        for par in self.paragraphs:
            if "-" not in par.text:
                continue
            for i, lower in enumerate(par.lowers):
                if "-" not in lower or names.isdisjoint(lower.split("-")):
                    continue
                token = par.tokens[i]
                parts = token.text.split("-")
                owner = par.claimed[i]
                if owner is not None and self.candidates[owner].span is None:
                    continue  # the whole word is a name already
                if not all(
                    p.lower() in names or p.lower() in NOT_NAME_PREFIXES or p.islower()
                    for p in parts
                ):
                    continue
                offset = token.start
                for part in parts:
                    span = (offset, offset + len(part))
                    offset += len(part) + 1
                    if (
                        part.lower() not in names
                        or len(part) < 3
                        or not (par.all_caps or part[:1].isupper())
                    ):
                        continue
                    found = [
                        c
                        for c in self.candidates
                        if c.paragraph == par.position and c.first == i and c.span == span
                    ]
                    if any(
                        c.kind != "place" or len(c.key) == 8 or (part.lower(),) in self.gaz.areas
                        for c in found
                    ):
                        continue  # a country or a region, not a town's name ("pro-Taylor")
                    for c in found:
                        c.dropped = True
                    self.claim(par, i, i + 1, "person", span=span)

    def hyphenated_bodies(self) -> None:
        """Bodies and places met in the cable as a word of their own, inside a hyphenated word
        whose other parts are ordinary words, prefixes or met too: "PIJ-sponsored attacks",
        "ONLF-ENDF conflict", "a NAVCENT-initiated program" (the gazetteer's are found as the
        paragraph is read: "Hamas-led")."""
        hyphenated = [
            (par, i)
            for par in self.paragraphs
            if "-" in par.text
            for i, lower in enumerate(par.lowers)
            if "-" in lower and par.claimed[i] is None
        ]
        if not hyphenated:
            return
        met: dict[str, Candidate] = {}
        for c in self.candidates:
            if c.dropped or c.span is not None or c.kind == "person" or c.last - c.first != 1:
                continue
            text = self.paragraphs[c.paragraph].tokens[c.first].text
            if c.key and "-" not in text and len(text) > 1:
                met.setdefault(text, c)  # as written: an acronym is one in its own case
        for par, i in hyphenated:
            token = par.tokens[i]
            parts = token.text.split("-")
            if met.keys().isdisjoint(parts) or not all(
                p in met
                or p.islower()
                or p.lower() in NOT_NAME_PREFIXES
                or p.lower() in COMPOUND_ENDINGS
                for p in parts
            ):
                continue
            offset = token.start
            for part in parts:
                found = met.get(part)
                if found is not None:
                    span = (offset, offset + len(part))
                    self.claim(par, i, i + 1, found.kind, name=found.name, key=found.key, span=span)
                offset += len(part) + 1

    def claim_phrases(self, phrases: dict, kind: str, accept=None) -> None:
        """Claim every mention of the names in ``phrases`` (word tuple -> (name, key), or None
        to leave them to be resolved) whose words are free, or only a town's name; the longest
        first. ``accept(paragraph, index, words)`` can refuse a match."""
        longest: dict[str, int] = {}  # first word -> longest name starting with it
        for words in phrases:
            longest[words[0]] = max(longest.get(words[0], 0), len(words))
        for par in self.paragraphs:
            tokens = par.tokens
            after = 0  # the index after the last name claimed
            for i in where(par, longest.keys()):
                if i < after:
                    continue
                matched = 0
                token = tokens[i]
                # "de la Rua" after "Fernando de la Rua": a name's particle in lower case
                if (
                    par.all_caps or token.capitalized or token.lower in NAME_PARTICLES
                ) and self.takeable(par, i):
                    for length in range(min(longest[token.lower], len(tokens) - i), 0, -1):
                        words = tuple(par.lowers[i : i + length])
                        if (
                            words in phrases
                            and not any(t.after_skipped for t in tokens[i + 1 : i + length])
                            and all(
                                self.takeable(par, m) or (length > 1 and self.lone_name(par, m))
                                for m in range(i, i + length)
                            )
                            and (accept is None or accept(par, i, words))
                        ):
                            matched = length
                            break
                if matched:
                    self.drop_claims(par, i, i + matched)
                    name, key = phrases[words] or ("", "")
                    self.claim(par, i, i + matched, kind, name=name, key=key)
                    after = i + matched

    def takeable(self, par: Paragraph, i: int) -> bool:
        """Free, or only a town's name: "Sadri" the police chief, not Sadri the town."""
        owner = par.claimed[i]
        if owner is None:
            return True
        c = self.candidates[owner]
        return c.first == i and c.last == i + 1 and c.span is None and self.is_city(par.tokens[i])

    def lone_name(self, par: Paragraph, i: int) -> bool:
        """A surname found alone, untitled, which a longer name met in the cable takes:
        "Than Shwe's" once "Senior General Than Shwe" is met, not only "Shwe's"."""
        owner = par.claimed[i]
        if owner is None:
            return False
        c = self.candidates[owner]
        return c.kind == "person" and c.first == i and c.last == i + 1 and not c.title

    def add_name(self, phrases: dict, words: list[str], vouched: bool = True) -> None:
        """The words of a person's name, and the single words that name the person alone later
        in the cable. A name that does not begin with a given name lends no single word that is
        a country's, a continent's or a big city's ("Uslo Tripoli" of the header line "FM USLO
        TRIPOLI", "Europe Galharague": every "Tripoli" or "Europe" of the cable would be that
        person)."""
        if not words:
            return
        phrases[tuple(words)] = None
        if len(words) > 1 and not vouched:
            known: dict[tuple[str, ...], None] = {}
            self.add_name(known, words)
            big = self.gaz.big_places
            phrases.update((w, None) for w in known if len(w) > 1 or w not in big)
            return
        if "-" in words[-1] and len(words) > 1 and family_name_first(" ".join(words)):
            phrases[(words[-2],)] = None  # "Park" after "Park Jie-won"
            return
        if len(words) > 1 and ROMAN_NUMERAL.fullmatch(words[-1].upper()):
            return  # "Mohammed VI" is no "VI"
        surname = words[-1]
        phrases[(surname,)] = None
        first = len(words) - 1
        while first > 1 and words[first - 1] in NAME_PARTICLES:
            first -= 1
        if first < len(words) - 1:
            phrases[tuple(words[first:])] = None  # "De Vido" after "Julio De Vido", not "Vido"
        for i in range(1, len(words) - 2):
            if words[i] in NAME_PARTICLES and words[i + 1] not in NAME_PARTICLES:
                phrases[(words[i + 1],)] = None  # "Padua" after "Antonio de Padua Rodrigues"
        if "-" in surname:
            phrases[(surname.split("-")[-1],)] = None
        given = words[0]
        if (
            len(words) > 1
            and len(given) > 2
            and given not in NAME_PARTICLES
            and given not in self.gaz.title_heads
            and not self.is_common(given)
        ):
            phrases[(given,)] = None  # "Dadis" after "Dadis Camara"

    def towns_before_names(self) -> None:
        """In mixed case, a town's name right before a person's untitled name begins it:
        "Aung San Suu Kyi" (not after "in" or "at": "in Gori Saakashvili said")."""
        for index, c in enumerate(self.candidates):
            if c.kind != "person" or c.dropped or c.title or c.span is not None or c.first == 0:
                continue
            par = self.paragraphs[c.paragraph]
            owner = par.claimed[c.first - 1]
            if owner is None or par.all_caps or not self.adjacent(par, c.first - 1, c.first):
                continue
            place = self.candidates[owner]
            if (
                place.kind != "place"
                or place.dropped
                or place.span is not None
                or place.last != c.first
                or len(place.key) == 8  # "Ambassador to Costa Rica Harold Rivas"
            ):
                continue
            words = tuple(par.lowers[place.first : place.last])
            start = par.tokens[place.first].start
            if (
                words not in self.gaz.towns
                or words in self.gaz.areas  # "Asia"
                or PLACE_BEFORE.search(par.text, max(0, start - 12), start)
            ):
                continue
            place.dropped = True
            par.claimed[place.first : c.first] = [index] * (c.first - place.first)
            c.first = place.first

    # -- people: one entity per person within the cable -------------------------------------
    def resolve_people(self) -> None:
        people = [c for c in self.candidates if c.kind == "person" and not c.dropped]
        for c in people:
            self.particle_before(c)
        full_by_surname: dict[str, list[Candidate]] = defaultdict(list)
        first_surnames: dict[str, list[Candidate]] = defaultdict(list)
        inner_names: dict[str, list[Candidate]] = defaultdict(list)
        hispanic = not HISPANIC_TAGS.isdisjoint(self.tags)
        texts = {}
        for c in people:
            par = self.paragraphs[c.paragraph]
            start, end = c.span or (par.tokens[c.first].start, par.tokens[c.last - 1].end)
            text = " ".join(par.text[start:end].split())  # "Taylor" of "pro-Taylor"
            listed = self.gaz.acronyms.get(text)
            if listed and listed[0] == "person":
                text = listed[1]  # "ASSK", "CFK-aligned": the initials of a listed person
            elif par.all_caps or text.isupper():
                text = text.title()
            texts[id(c)] = text
            parts = name_parts(text)
            if len(parts) > 1 and not (parts[0] in NAME_PARTICLES and text[0].islower()):
                # a full name; "del Ponte" is a surname
                c.key = person_key(text)
                full_by_surname[parts[-1]].append(c)
            if hispanic and len(parts) > 2 and parts[-2] not in self.gaz.given_names:
                # "Vasquez" after "Romeo Vasquez Velasquez": the first of two surnames
                first_surnames[parts[-2]].append(c)
            if len(parts) > 3:
                # "Lula" after "Luiz Inacio Lula da Silva", not "Hamad" after "Salman bin Hamad
                # Al Khalifa" (his father)
                for before, word in pairwise(parts[1:-1]):
                    if word not in NAME_PARTICLES and before not in ("bin", "ibn", "bint"):
                        inner_names[word].append(c)
        # "Fassi Fihri" after "Taieb Fassi Fihri", "Lopez Murphy" after "Ricardo Lopez Murphy"
        full = [c for c in people if c.key]
        adopt_longer_names(full, {id(c): name_parts(texts[id(c)]) for c in full})
        full_keys = list(dict.fromkeys(c.key for c in full))  # in the order first met
        same = same_person_keys(full_keys)  # "Ben Botwe" is "Benjamin Botwe"
        for c in full:
            c.key = same.get(c.key, c.key)
        full_keys = [k for k in full_keys if k not in same]
        known = {}
        for name in self.people:
            words = [w for w in TOKEN.findall(name) if w.lower() not in self.gaz.title_heads]
            if len(words) > 1:
                text = " ".join(words)
                known[name_parts(text)[-1]] = (
                    person_key(text),
                    text.title() if text.isupper() else text,
                )
        one_key: dict[str, str | None] = {}  # surname -> the_one_key's answer
        all_given = {c.key.split()[0].removeprefix("person:") for c in full}
        for c in people:
            if c.key:
                continue
            parts = name_parts(texts[id(c)])
            surname = parts[-1] if parts else ""
            candidates = (
                full_by_surname.get(surname)
                or first_surnames.get(surname)
                or (inner_names.get(surname, []) if surname not in all_given else [])
            )
            keys = sorted({f.key for f in candidates})
            if len(keys) > 1 and c.title:
                titled = sorted({f.key for f in candidates if f.title == c.title})
                if len(titled) == 1:
                    keys = titled
            if len(keys) > 1:
                earlier = [f for f in candidates if (f.paragraph, f.first) < (c.paragraph, c.first)]
                keys = [earlier[-1].key] if earlier else keys[:1]
            if keys:
                c.key = same.get(keys[0], keys[0])
            elif surname in known:
                c.key = known[surname][0]
            else:
                if surname not in one_key:
                    one_key[surname] = the_one_key(full_keys, surname)
                c.key = one_key[surname] or person_key(surname)
        # display name: the fullest spelling met in the cable
        best: dict[str, str] = {}
        for c in people:
            text = texts[id(c)]
            if len(text.split()) > len(best.get(c.key, "").split()):
                best[c.key] = text
        for c in people:
            c.name = best[c.key]

    def particle_before(self, c: Candidate) -> None:
        """A surname takes the particle written before it in lower case: "del Ponte's",
        "de Villepin", "bin Laden"."""
        par = self.paragraphs[c.paragraph]
        if c.span is not None or par.all_caps:
            return
        k = c.first - 1
        while k >= 0 and par.claimed[k] is None:
            t = par.tokens[k]
            if not (
                t.lower in NAME_PARTICLES
                and t.text.islower()
                and self.adjacent(par, k, k + 1)
                and not self.name_before(par, k)  # "Antonio de Padua Rodrigues", cut before
                and not INDEFINITE.search(par.text, max(0, t.start - 4), t.start)  # "a la"
            ):
                return
            c.first = k  # "de la Rua": one particle or two
            par.claimed[k] = par.claimed[k + 1]
            k -= 1

    def affiliations(self) -> None:
        """One unknown word in brackets after a person's name is the body the person speaks
        for, writes for or belongs to: "Sahin Alpay (Zaman)", "Ahmed Shah (Jamiat)"."""
        with_people = {c.paragraph for c in self.candidates if c.kind == "person"}
        for par in self.paragraphs:
            if par.all_caps or par.position not in with_people or "(" not in par.text:
                continue
            tokens = par.tokens
            for a in after_brackets(par):
                t = tokens[a]
                owner = par.claimed[a - 1]
                if (
                    par.claimed[a] is None
                    and owner is not None
                    and self.candidates[owner].kind == "person"
                    and par.text[tokens[a - 1].raw_end : t.start].strip() == "("
                    and par.text[t.raw_end : t.raw_end + 1] == ")"
                    and t.capitalized
                    and len(t.text) > 2
                    and t.text.upper() not in self.gaz.generic_acronyms  # "(Amcit)"
                    and self.name_like(par, t, strict=True)
                ):
                    self.claim(
                        par, a, a + 1, "organization", name=t.text, key=organization_key(t.text)
                    )

    def initials_of_bodies(self) -> None:
        """An acronym is the body of the cable whose initials it spells, when one does: "PP"
        and "the Popular Party", "HCG" and "the Hellenic Coast Guard" are one entity, under the
        name's key. A listed acronym keeps its own."""
        self.also_known_as()
        bodies = [
            c
            for c in self.candidates
            if c.kind == "organization" and not c.dropped and c.span is None
        ]
        long = [c for c in bodies if c.last - c.first > 1]
        if not long:
            return
        acronyms: dict[str, list[Candidate]] = defaultdict(list)
        for c in bodies:
            if c.last - c.first == 1:
                token = self.paragraphs[c.paragraph].tokens[c.first]
                if token.upper and 2 <= len(token.text) <= 6:
                    acronyms[token.text].append(c)
        if not acronyms:
            return
        names: dict[str, list[Candidate]] = defaultdict(list)
        for c in long:
            words = self.paragraphs[c.paragraph].tokens[c.first : c.last]
            initials = "".join(t.text[0] for t in words if t.lower not in CONNECTORS)
            if initials.upper() in acronyms:
                names[initials.upper()].append(c)
        for text, short in acronyms.items():
            spelt = names.get(text)
            if not spelt or len({c.key for c in spelt}) > 1 or text in self.gaz.acronyms:
                continue  # a listed acronym has its own name: "ANC" is no "Armenian N. C."
            for c in short:
                c.key, c.name = spelt[0].key, spelt[0].name

    def also_known_as(self) -> None:
        """ "the Agency for Fighting Economic Crimes (also known as the Financial Police)": the
        second name is the first body's."""
        where = {
            par.position
            for par in self.paragraphs
            if "nown as" in par.text or "NOWN AS" in par.text  # "known as", "Known as"
        }
        if not where:
            return
        previous = None
        named = [c for c in self.candidates if c.paragraph in where]
        for c in sorted(named, key=attrgetter("paragraph", "first")):
            if c.kind != "organization" or c.dropped or c.span:
                continue
            if previous is not None and previous.paragraph == c.paragraph:
                par = self.paragraphs[c.paragraph]
                gap = par.text[par.tokens[previous.last - 1].end : par.tokens[c.first].start]
                if KNOWN_AS.fullmatch(gap):
                    c.key, c.name = previous.key, previous.name
            previous = c

    def short_organization_names(self) -> None:
        """An organisation's name that ends a longer one met in the cable is that one:
        "Compatriots Committee" after "Overseas Compatriots Committee"."""
        organizations = [
            c for c in self.candidates if c.kind == "organization" and not c.dropped and c.name
        ]
        names = {c.key: c.name for c in organizations}
        adopt_longer_names(organizations, {id(c): fold(c.name).split() for c in organizations})
        for c in organizations:
            c.name = names[c.key]

    def places_naming_documents(self) -> None:
        """A city or a region that names a treaty, a programme or a negotiating round is no
        mention of the place: "the Merida Initiative", "the Lisbon Treaty", "the Kyoto
        Protocol", "the Doha Development Agenda", "the Doha round". A country is one of its
        parties and stays; a summit or a conference named for its city keeps the city: it met
        there."""
        for c in self.candidates:
            if c.kind != "place" or c.dropped or c.span is not None:
                continue
            if len(c.key) == 8:
                continue  # a country is a party: "the Djibouti Agreement", "U.S. Refugee Program"
            par = self.paragraphs[c.paragraph]
            last = par.tokens[c.last - 1]
            if not last.possessive and DOCUMENT_AFTER.match(par.text, last.raw_end):
                c.dropped = True

    def join_keys_written_apart(self) -> None:
        """Keys of one kind that differ only where a name is written as one word or as two
        ("Ahmadinejad" and "Ahmadi-Nejad", "Nonaligned" and "Non-Aligned Movement") are one
        entity in the cable: the key met most often, else first, takes the others."""
        keys = list(dict.fromkeys([c.key for c in self.candidates if not c.dropped]))
        joined: dict[str, list[str]] = {}
        for key in keys:
            joined.setdefault(key.replace(" ", ""), []).append(key)
        if len(joined) == len(keys):
            return  # most cables
        counts = Counter(c.key for c in self.candidates if not c.dropped)
        same: dict[str, tuple[str, str]] = {}
        for written in joined.values():
            if len(written) > 1:
                best = max(written, key=counts.__getitem__)  # the first met of the most met
                name = next(c.name for c in self.candidates if c.key == best)
                same.update((key, (best, name)) for key in written if key != best)
        for c in self.candidates:
            if c.key in same:
                c.key, c.name = same[c.key]

    def run(self) -> list[MentionRow]:
        """The mentions, in the paragraphs' order and each paragraph's."""
        # a pass that visits its cue words only is not called where the paragraph has none
        for par in self.paragraphs:
            if par.cues[TITLE_CUE]:
                self.titled_people(par)
        for par in self.paragraphs:
            self.gazetteer_phrases(par)
        self.defined_acronyms()
        self.acronym_organizations()
        self.short_forms()
        self.cued_organizations()
        self.cued_places()
        for par in self.paragraphs:
            cues = par.cues
            self.prefixed_organizations(par)
            if cues[ORGANIZATION_END_CUE]:
                self.suffixed_organizations(par)
            if cues[PLACE_END_CUE]:
                self.suffixed_places(par)
            if cues[GIVEN_NAME_CUE]:
                self.given_name_people(par)
            if not par.all_caps:
                self.untitled_people(par)
        self.camel_case_organizations()  # after "RosTechnologiya State Corporation"
        self.national_ministries()
        for par in self.paragraphs:
            if par.cues[GOVERNMENT_CUE]:
                self.governments(par)
            if par.cues[COMPASS_CUE] and not par.all_caps:
                self.compass_places(par)
            self.cued_people(par)
        self.places_listed_between_places()
        self.signature()
        self.known_people()
        self.capitals_acronyms()
        self.bracketed_acronyms()
        self.affiliations()
        self.initials_of_bodies()
        self.towns_before_names()
        self.resolve_people()
        self.short_organization_names()
        self.hyphenated_bodies()
        self.join_keys_written_apart()
        self.places_naming_documents()
        found = []
        paragraphs = self.paragraphs
        for c in self.candidates:
            if c.dropped:
                continue
            par = paragraphs[c.paragraph]
            if c.span:
                start, end = c.span
            else:
                tokens = par.tokens
                start, end = tokens[c.first].start, tokens[c.last - 1].end
            if end - start == 1 and c.kind == "person":
                continue  # a letter alone names no one: "Deputy U/S", "Z$1.2 million"
            found.append((c.paragraph, start, end, par.text[start:end], c.kind, c.name, c.key))
        found.sort(key=itemgetter(0, 1))
        return found


# Endings of the inflected forms of a listed word, and what replaces them in its base form.
SUFFIXES = (
    ("s", ""),
    ("es", ""),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
    ("ies", "y"),
)


def _listed(lower: str, words: frozenset[str]) -> bool:
    """The word or its base form (without -s, -ed, -ing, -ly...) is in ``words``."""
    return lower in words or base_listed(lower, words)


def base_listed(lower: str, words: frozenset[str]) -> bool:
    """A base form of the word (without -s, -ed, -ing, -ly...) is in ``words``."""
    for suffix, repl in SUFFIXES:
        if (
            lower.endswith(suffix)
            and len(lower) > len(suffix) + 2
            and lower[: -len(suffix)] + repl in words
        ):
            return True
    return False


def spelling_variants(a: str, b: str) -> bool:
    """Two romanisations of one surname, six letters or more with the same first letter: one
    vowel for another ("Campaore", "Compaore") or one vowel or doubled letter more inside
    ("Hasani", "Hassani"). Other one-letter changes make other people ("Abiyev", "Aliyev";
    "Aliyev", "Aliyeva")."""
    if a == b or len(a) < 6 or len(b) < 6 or a[0] != b[0]:
        return False
    if len(a) == len(b):
        changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(changed) == 1 and changed[0][0] in VOWELS and changed[0][1] in VOWELS
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    for i in range(1, len(long) - 1):
        if long[:i] + long[i + 1 :] == short:
            return long[i] in VOWELS or long[i] == long[i - 1]
    return False


def same_person_keys(keys: list[str]) -> dict[str, str]:
    """Within one cable, full-name keys of one person: the same surname and a given name that
    begins the other ("ben botwe", "benjamin botwe"), or the same given name and a spelling
    variant of the surname. Maps the shorter, else the later met, to the other."""
    same: dict[str, str] = {}
    split = {key: key.removeprefix("person:").split() for key in keys}
    for i, key in enumerate(keys):
        given, surname = split[key][0], split[key][-1]
        for other in keys[:i] + keys[i + 1 :]:
            o_given, o_surname = split[other][0], split[other][-1]
            if surname == o_surname and given != o_given:
                if len(given) >= 3 and o_given.startswith(given):
                    same[key] = other
                    break
            elif given == o_given and spelling_variants(surname, o_surname) and other in keys[:i]:
                same[key] = other
                break
    # follow chains to their end
    for key in same:
        seen = {key}
        while same[key] in same and same[key] not in seen:
            seen.add(same[key])
            same[key] = same[same[key]]
    return same


def the_one_key(full_keys: list[str], word: str) -> str | None:
    """The one full name of the cable that a lone word stands for: its given name ("Dadis" for
    "Dadis Camara"), else a spelling variant of its surname ("Campaore" for "Blaise
    Compaore")."""
    for match in (
        lambda given, surname: given == word,
        lambda given, surname: spelling_variants(word, surname),
    ):
        found = [k for k in full_keys if match(*_given_and_surname(k))]
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return None


def _given_and_surname(key: str) -> tuple[str, str]:
    words = key.removeprefix("person:").split()
    return words[0], words[-1]


def adopt_longer_names(candidates: list[Candidate], words: dict[int, Sequence[str]]) -> None:
    """A name of two or more words that ends exactly one longer name among the candidates
    takes that one's key."""
    ending: dict[tuple[str, ...], set[str]] = defaultdict(set)  # last words -> longer keys
    for c in candidates:
        name = tuple(words[id(c)])
        for start in range(1, len(name) - 1):
            ending[name[start:]].add(c.key)
    for c in candidates:
        longer = ending.get(tuple(words[id(c)]))
        if longer is not None and len(longer) == 1:
            c.key = next(iter(longer))


# (paragraph position, start, end, text, kind, name, key): an EntityMention's fields, in order
MentionRow = tuple[int, int, int, str, str, str, str]
MENTION_FIELDS = tuple(field.name for field in fields(EntityMention))


def mention_rows(
    paragraphs: Iterable[str], *, tags: Iterable[str] = (), people: Iterable[str] = ()
) -> list[MentionRow]:
    """The mentions of people, organisations and places in the paragraphs of one cable, as
    rows: what the import writes, without an object a mention (some 70 a cable)."""
    return CableExtractor(list(paragraphs), tags, people).run()


def extract_entities(
    paragraphs: Iterable[str], *, tags: Iterable[str] = (), people: Iterable[str] = ()
) -> list[EntityMention]:
    """The mentions of people, organisations and places in the paragraphs of one cable."""
    # EntityMention is a frozen dataclass, whose __init__ sets each field through
    # object.__setattr__; filling the new object's __dict__ at once takes half the time
    new = object.__new__
    mentions = []
    for row in mention_rows(paragraphs, tags=tags, people=people):
        mention = new(EntityMention)
        mention.__dict__.update(zip(MENTION_FIELDS, row, strict=True))
        mentions.append(mention)
    return mentions
