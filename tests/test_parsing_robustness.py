"""parse_cable raises NotACable or returns a ParsedCable, never anything else, and stays fast."""

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cables import parsing
from cables.parsing import NotACable, ParsedCable, parse_cable

try:
    from tests.parsing_helpers import CORPUS_TAR, iter_pages, seed_text
except ImportError:  # tests/ is not a package
    from parsing_helpers import CORPUS_TAR, iter_pages, seed_text

SEED_CABLES = [seed_text(k) for k in ("000", "001", "002", "003")]
FIELD_FUNCTIONS = [
    parsing.parse_tags,
    parsing.parse_subject,
    parsing.parse_signers,
    parsing.parse_classified_by,
    parsing.parse_classification_reasons,
    parsing.parse_recipients,
    parsing.parse_paragraphs,
    parsing.parse_classification,
    parsing.parse_created,
    parsing.parse_origin,
    parsing.parse_declassification,
    parsing.parse_eo,
    parsing.parse_precedence,
    parsing.parse_banner,
    parsing.parse_reference_id,
    lambda t: parsing.parse_references(t, 2006),
    lambda t: parsing.parse_reference_list(t, 2006, "06BAKU641"),
]


def parse_or_refuse(text):
    """The contract: a ParsedCable, or NotACable with a one-line reason."""
    try:
        cable = parse_cable(text)
    except NotACable as exc:
        assert exc.reason and "\n" not in exc.reason
        assert exc.reason.startswith("not a cable")
        return None
    assert isinstance(cable, ParsedCable)
    assert all(p.position == i for i, p in enumerate(cable.paragraphs))
    return cable


# Cable-like vocabulary, so generated text reaches deep into the parser.
TOKENS = st.sampled_from(
    [
        "C O N F I D E N T I A L",
        "S E C R E T",
        "UNCLAS",
        "SECTION 01 OF 03",
        "BAKU",
        "000641",
        "RIO DE JANEIRO",
        "¶1.",
        "1.",
        "14.",
        "(C)",
        "(S//NF)",
        "(SBU)",
        "TAGS:",
        "SUBJECT:",
        "REF:",
        "A.",
        "B)",
        "STATE",
        "Classified By:",
        "reasons 1.4 (b) and (d)",
        "E.O. 12958:",
        "DECL:",
        "04/26/2016",
        "P 270223Z APR 06",
        "DE RUEHKB #0641 1170223",
        "FM AMEMBASSY BAKU",
        "TO RUEHC/SECSTATE WASHDC PRIORITY 0238",
        "INFO",
        "SIPDIS",
        "NOFORN",
        "PAGE 02 BAKU 00641 01 OF 02 271458Z",
        "[1](#)",
        "[PREL](#)",
        "HYLAND",
        "\n",
        "\n\n",
        " ",
        "  ",
        "\t",
        "\\\n",
        "<br>",
        "\r\n",
        "XXXXXXXXXXXX",
        "O???CONNOR",
        "Cable dated:2005-11-16T09:53:00",
        "ZNY CCCCC ZZH",
        "This record is a partial extract of the original cable.",
        "(",
        ")",
        "/",
        "//",
        "-----",
    ]
)
CABLEISH = st.lists(st.one_of(TOKENS, st.text(max_size=12)), max_size=80).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_any_text(text):
    parse_or_refuse(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CABLEISH)
def test_cable_like_text(text):
    parse_or_refuse(text)
    for fn in FIELD_FUNCTIONS:
        fn(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_binary_input(data):
    parse_or_refuse(data.decode("latin-1"))
    parse_or_refuse(data)  # bytes are decoded, not rejected with a TypeError


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SEED_CABLES), st.data())
def test_mutilated_seed_cables(text, data):
    cut = data.draw(st.integers(0, len(text)))
    parse_or_refuse(text[:cut])
    lines = text.split("\n")
    perm = data.draw(st.permutations(lines))
    parse_or_refuse("\n".join(perm))
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 50))):
        i = data.draw(st.integers(0, len(chars) - 1))
        chars[i] = data.draw(st.characters())
    parse_or_refuse("".join(chars))


@pytest.mark.parametrize("value", [None, "", " ", "\n\n\n", "\x00" * 100, 42, b"\xff\xfe\x00"])
def test_degenerate_inputs(value):
    with pytest.raises(NotACable):
        parse_cable(value)


def test_truncated_cable_keeps_header_fields():
    text = SEED_CABLES[0]
    cut = text.index("¶2.")
    cable = parse_cable(text[:cut])
    assert cable.reference_id == "06BAKU641"
    assert [p.number for p in cable.paragraphs] == ["1"]
    header_only = parse_cable(text[: text.index("C O N F I D")])
    assert header_only.created is not None and header_only.origin == "BAKU"


@pytest.mark.skipif(not CORPUS_TAR.exists(), reason="shared corpus not available")
def test_mutilated_real_cables():
    rng = random.Random(20101128)
    pages = list(iter_pages(limit=150))
    kept = 0
    for page in pages:
        text = page.text
        cable = parse_or_refuse(text[: rng.randrange(len(text) + 1)])
        lines = text.split("\n")
        rng.shuffle(lines)
        parse_or_refuse("\n".join(lines))
        data = bytearray(text.encode("utf-8"))
        for _ in range(rng.randrange(1, 200)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        parse_or_refuse(data.decode("utf-8", errors="replace"))
        parse_or_refuse(bytes(data))
        # Cutting the last quarter away keeps the reference ID.
        cable = parse_or_refuse(text[: len(text) * 3 // 4])
        kept += cable is not None and cable.reference_id == page.reference_id
    assert kept >= 0.95 * len(pages)


def _timed(text):
    start = time.perf_counter()
    parse_or_refuse(text)
    return time.perf_counter() - start


JUNK_PATTERNS = [
    "A" * 1000 + "\n",
    "(S " + "AB " * 200 + "\n",  # an unclosed marking with many words
    "¶1. (" * 100 + "\n",
    "SECTION 01 OF " * 100 + "\n",
    "REF: A. " + "B. " * 300 + "\n",
    "TO " + "RUEHC/SECSTATE WASHDC " * 50 + "\n",
    "C O N F I D E N T I A L " * 40 + "\n",
    "Classified By: " + "Ambassador " * 100 + "\n",
    " " * 1000 + "\n",
    "1. " * 300 + "\n",
]


@pytest.mark.parametrize("pattern", JUNK_PATTERNS, ids=range(len(JUNK_PATTERNS)))
def test_50_mb_of_junk_is_fast(pattern):
    junk = (pattern * (50_000_000 // len(pattern) + 1))[:50_000_000]
    assert _timed(junk) < 5


def test_50_mb_body_after_a_real_header_is_fast():
    text = SEED_CABLES[0] + ("\nJUNK LINE " + "X" * 60) * 720_000
    assert len(text) > 50_000_000
    assert _timed(text) < 8


def test_pathological_lines_are_linear():
    for pattern in JUNK_PATTERNS:
        text = SEED_CABLES[1].replace("¶2.", pattern * 50 + "\n¶2.")
        assert _timed(text) < 1
