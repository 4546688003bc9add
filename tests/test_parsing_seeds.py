"""The seed documents of ../shared/seeds parse to exactly the expected values."""

from datetime import UTC, date, datetime

import pytest

from cables.parsing import NotACable, parse_cable

try:
    from tests.parsing_helpers import seed_text
except ImportError:  # tests/ is not a package
    from parsing_helpers import seed_text

SEEDS = {
    "000": {
        "reference_id": "06BAKU641",
        "created": datetime(2006, 4, 27, 2, 23, tzinfo=UTC),
        "classification": "CONFIDENTIAL",
        "tags": ["PREL", "PGOV", "PINR", "ECON", "EPET", "AJ", "IR"],
        "paragraphs": [("1", "U"), ("2", "C")],
        "references": [],
        "signer": "HYLAND",
        "infos": 8,
        "classified_by": ["joan polaschik"],
    },
    "001": {
        "reference_id": "08BAKU164",
        "created": datetime(2008, 2, 22, 14, 3, tzinfo=UTC),
        "classification": "CONFIDENTIAL",
        "tags": ["PBTS", "PGOV", "PREL", "IR", "AJ"],
        "paragraphs": [("1", "C"), ("2", "C"), ("3", "C"), ("4", "C")],
        "references": [],
        "signer": "DERSE",
        "infos": 4,
        "classified_by": ["derse"],
    },
    "002": {
        "reference_id": "08BAKU64",
        "created": datetime(2008, 1, 25, 7, 19, tzinfo=UTC),
        "classification": "SECRET",
        "tags": ["PREL", "MARR", "MOPS", "IZ", "AJ"],
        "paragraphs": [("1", "S"), ("2", "S"), ("3", "S"), ("4", "S"), ("5", "S")],
        "references": ["08STATE4865"],
        "signer": "DERSE",
        "infos": 6,
        "classified_by": ["derse"],
    },
    "003": {
        "reference_id": "07BAKU1160",
        "created": datetime(2007, 9, 20, 8, 58, tzinfo=UTC),
        "classification": "CONFIDENTIAL",
        "tags": ["PREL", "PGOV", "AJ"],
        "paragraphs": [("1", "C"), ("2", "C"), ("3", "C")],
        "references": ["07STATE126089", "07BAKU1141"],
        "signer": "LU",
        "infos": 4,
        "classified_by": ["donald lu"],
    },
}


@pytest.fixture(scope="module")
def cables():
    return {key: parse_cable(seed_text(key), source=key) for key in SEEDS}


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_fields(cables, key):
    cable, want = cables[key], SEEDS[key]
    assert cable.reference_id == want["reference_id"]
    assert cable.created == want["created"]
    assert cable.classification == want["classification"]
    assert cable.label == want["classification"]
    assert cable.tags == want["tags"]
    assert [r.reference_id for r in cable.references if r.reference_id] == want["references"]
    assert cable.signer == want["signer"]
    assert cable.origin == "BAKU"
    assert cable.origin_name == "Embassy Baku"
    assert "SIPDIS" in cable.caveats
    assert cable.eo == "12958"
    assert [n.lower() for n in cable.classified_by] == want["classified_by"]
    assert cable.classification_reasons == "1.4 (b) and (d)"
    assert cable.source == key
    assert not cable.partial_extract


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_paragraphs(cables, key):
    paragraphs = cables[key].paragraphs
    assert [(p.number, p.level) for p in paragraphs] == SEEDS[key]["paragraphs"]
    assert [p.position for p in paragraphs] == list(range(len(paragraphs)))
    for p in paragraphs:
        assert p.marking == f"({p.level})"
        assert p.caveats == []
        assert p.text and not p.text.startswith(("(", "¶", "["))
        assert SEEDS[key]["signer"] not in p.text.split("\n")[-1].split()


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_recipients(cables, key):
    recipients = cables[key].recipients
    to = [r for r in recipients if r.kind == "to"]
    info = [r for r in recipients if r.kind == "info"]
    assert [(r.routing_indicator, r.name) for r in to] == [("RUEHC", "SECSTATE WASHDC")]
    assert len(info) == SEEDS[key]["infos"]
    assert all(r.routing_indicator and r.name for r in info)


def test_seed_000_details(cables):
    cable = cables["000"]
    assert cable.precedence == "PRIORITY"
    assert cable.declassify_on == date(2016, 4, 26)
    assert cable.subject == "IRANIAN DEFENSE MINISTER VISITS BAKU"
    assert cable.recipients[0].precedence == "PRIORITY"
    assert cable.recipients[1].name == "IRAN COLLECTIVE"
    assert cable.paragraphs[0].text.startswith("Iranian Defense Minister Mustafa Najjar")
    assert cable.paragraphs[1].text.endswith("role with the United States.")
    assert cable.header.startswith("VZCZCXRO6070")
    assert cable.body.startswith("C O N F I D E N T I A L BAKU 000641")


def test_seed_001_paragraph_broken_by_blank_line_stays_one(cables):
    para = cables["001"].paragraphs[3]
    assert para.text.startswith("COMMENT: The timing of Abiyev's visit is\ninteresting, given")
    assert para.text.endswith("will report updates septel.")


def test_seed_002_mangled_numbers_and_decl(cables):
    cable = cables["002"]
    assert cable.declassify_on is None  # "DECL: 1.4"
    assert cable.precedence == "ROUTINE"
    assert cable.subject == (
        "AZERBAIJAN MFA COMMENTS ON SECOND SURVEY OF IRAQ DEPLOYMENT REQUIREMENTS"
    )
    fourth = cable.paragraphs[3]
    assert fourth.number == "4"
    assert fourth.text.startswith("Turning to the political and legal conditions")
    third = cable.paragraphs[2]
    assert "Security Affairs\nDepartment Director Galib Israfilov" in third.text
    assert cable.summary.startswith("Given Azerbaijani officials' repeated statements")
    assert cable.summary.endswith("broader GOAJ policy.")
    assert cable.references[0].printed == "SECSTATE 4865"


def test_seed_003_lettered_references(cables):
    refs = cables["003"].references
    assert [(r.label, r.printed, r.reference_id) for r in refs] == [
        ("A", "A. STATE 126089", "07STATE126089"),
        ("B", "B. BAKU 01141", "07BAKU1141"),
    ]
    assert cables["003"].declassify_on == date(2017, 9, 20)


def test_seed_004_is_not_a_cable():
    with pytest.raises(NotACable) as info:
        parse_cable(seed_text("004"))
    assert info.value.reason.startswith("not a cable:")
    assert "\n" not in info.value.reason
