"""The TAGS glossary (cables/data/tags.csv + cables.importing.tags)."""

from __future__ import annotations

import re
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from cables.importing.tags import KINDS, TAGS_CSV, glossary, split_run_together, tag_info

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
TAR = CORPUS / "wikileaks-cables-1000.tar.gz"
SEEDS = CORPUS.parent / "seeds"

# Codes seen in the sample that no reference source identifies: they get a kind, no meaning.
UNIDENTIFIED = {"XS", "XT", "XZ", "ZB", "ZF", "ZU", "IA"}


@pytest.fixture(scope="module")
def corpus_tags() -> Counter:
    if not TAR.exists():
        pytest.skip(f"{TAR} not available")
    counts: Counter = Counter()
    link = re.compile(r"<a href='/tag/[^']*'>([^<]*)</a>")
    with tarfile.open(TAR, "r|gz") as archive:
        for member in archive:
            if not member.isfile():
                continue
            page = archive.extractfile(member).read().decode("utf-8")
            # Only the <pre> blocks: the sidebar links to tags too.
            for block in re.findall(r"<pre>(.*?)</pre>", page, re.S):
                counts.update(link.findall(block))
    for seed in sorted(SEEDS.glob("*.txt")):
        for code in re.findall(r"\[([^\]]+)\]\(#\)", seed.read_text(encoding="utf-8")):
            if not code.isdigit():
                counts[code] += 1
    assert len(counts) > 300
    return counts


def test_data_file_states_its_source():
    head = TAGS_CSV.read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("#")
    assert "State Department TAGS/Terms definitions" in head
    assert "FIPS PUB 10-4" in head


def test_glossary_rows_are_well_formed():
    entries = glossary()
    assert len(entries) > 450
    for code, info in entries.items():
        assert code == code.upper() == info.code
        assert info.kind in KINDS
        assert info.meaning, code


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("AJ", "Azerbaijan"),
        ("IR", "Iran"),
        ("IZ", "Iraq"),
        ("AM", "Armenia"),
        ("GG", "Georgia"),
        ("RS", "Russia"),
        ("CH", "China"),
        ("KS", "South Korea"),
        ("KN", "North Korea"),
        ("UK", "United Kingdom"),
        ("GM", "Germany"),
        ("SP", "Spain"),
        ("TU", "Turkey"),
        ("IS", "Israel"),
        ("SF", "South Africa"),
        ("ZI", "Zimbabwe"),
        ("AU", "Austria"),
    ],
)
def test_countries_are_fips_codes(code, name):
    info = tag_info(code)
    assert info.kind == "country"
    assert info.meaning == name


def test_regional_codes_are_places():
    for code in ("XA", "XF", "XM"):
        info = tag_info(code)
        assert info.kind == "country"
        assert "region" in info.meaning


def test_subjects_programs_organizations():
    for code in ("PREL", "PGOV", "PINR", "ECON", "EPET", "MARR", "PHUM", "PTER", "ETRD"):
        info = tag_info(code)
        assert info.kind == "subject", code
        assert info.meaning, code
    assert tag_info("PREL").meaning == "External political relations"
    assert tag_info("PGOV").meaning == "Internal governmental affairs"
    for code in ("KDEM", "KJUS", "KCRM", "KPAO", "KTFN", "KWMN", "KIRF", "KNNP", "KISL"):
        info = tag_info(code)
        assert info.kind == "program", code
        assert info.meaning, code
    assert tag_info("KDEM").meaning == "Democratization"
    for code in ("UN", "UNSC", "NATO", "EU", "OSCE", "IAEA", "WTO", "OAS", "ZANU-PF", "MDC"):
        info = tag_info(code)
        assert info.kind == "organization", code
        assert info.meaning, code


def test_people():
    assert tag_info("CLINTON, HILLARY") == ("CLINTON, HILLARY", "person", "")
    assert tag_info("Hillary Clinton").kind == "person"
    assert tag_info("steinberg").kind == "person"


def test_lookup_is_case_insensitive_and_trims():
    assert tag_info("prel") == tag_info("PREL")
    assert tag_info(" mtcre ").code == "MTCRE"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ZZZZ", "subject"),
        ("KQQQ", "program"),
        ("QQ", "country"),
        ("", "unknown"),
        ("   ", "unknown"),
        ("FREEDOM", "unknown"),
        ("123", "unknown"),
        ("A-B/C", "unknown"),
    ],
)
def test_unknown_codes_get_a_kind_by_rule(code, kind):
    info = tag_info(code)
    assert info.kind == kind
    assert info.meaning == ""


def test_run_together_codes_are_explained():
    assert split_run_together("IZPREL") == ["IZ", "PREL"]
    assert split_run_together("PREL") is None
    assert split_run_together("FREEDOM") is None
    info = tag_info("IZPREL")
    assert info.kind == "unknown"
    assert "Iraq" in info.meaning
    assert "External political relations" in info.meaning


def test_every_corpus_tag_gets_a_kind(corpus_tags):
    for code in corpus_tags:
        assert tag_info(code).kind in KINDS, code


def test_common_corpus_codes_have_meanings(corpus_tags):
    top = [code for code, _ in corpus_tags.most_common(200)]
    missing = [
        code
        for code in top
        if tag_info(code).kind in {"subject", "program", "country", "organization"}
        and not tag_info(code).meaning
        and code not in UNIDENTIFIED
    ]
    assert missing == []
    # Beyond the top 200 too: only junk tokens and unidentified codes lack a meaning.
    without = {
        code
        for code in corpus_tags
        if not tag_info(code).meaning and tag_info(code).kind in {"program", "organization"}
    }
    assert without == set()
    known_share = sum(n for code, n in corpus_tags.items() if tag_info(code).meaning) / sum(
        corpus_tags.values()
    )
    assert known_share > 0.98
