"""Citations: Chicago and BibTeX for a cable and for one paragraph, as pure functions."""

import datetime as dt
from types import SimpleNamespace

from cables import citations

URL = "https://archive.example.org/cables/06BAKU641/"
ACCESSED = dt.date(2026, 5, 3)


def cable(**fields):
    values = {
        "reference_id": "06BAKU641",
        "subject": "IRANIAN DEFENSE MINISTER VISITS BAKU",
        "origin": "BAKU",
        "origin_name": "Embassy Baku",
        "created": dt.datetime(2006, 4, 27, 2, 23, tzinfo=dt.UTC),
        "released": dt.date(2011, 8, 30),
        "label": "CONFIDENTIAL",
    }
    values.update(fields)
    return SimpleNamespace(**values)


def test_chicago_for_a_cable():
    assert citations.chicago(cable(), URL, ACCESSED) == (
        "US Embassy Baku. “IRANIAN DEFENSE MINISTER VISITS BAKU.” Diplomatic cable 06BAKU641, "
        "April 27, 2006. CONFIDENTIAL. Released by WikiLeaks, August 30, 2011. "
        "Accessed May 3, 2026. https://archive.example.org/cables/06BAKU641/."
    )


def test_chicago_for_a_paragraph_names_it_and_links_to_it():
    text = citations.chicago(cable(), URL + "p2/", ACCESSED, paragraph_number="2")
    assert "Diplomatic cable 06BAKU641, April 27, 2006, ¶2." in text
    assert text.endswith("https://archive.example.org/cables/06BAKU641/p2/.")


def test_chicago_without_dates_or_subject():
    text = citations.chicago(cable(created=None, released=None, subject=""), URL, ACCESSED)
    assert "“(no subject).” Diplomatic cable 06BAKU641, n.d. CONFIDENTIAL." in text
    assert "Released by WikiLeaks. Accessed May 3, 2026." in text


def test_chicago_does_not_double_full_stops():
    text = citations.chicago(cable(subject="WHAT NEXT?", label=""), URL, ACCESSED)
    assert "“WHAT NEXT?” Diplomatic" in text
    assert ".." not in text


def test_author_keeps_names_already_american():
    assert citations.author(cable(origin_name="Secretary of State")) == "US Secretary of State"
    assert citations.author(cable(origin_name="US Mission USNATO")) == "US Mission USNATO"
    assert citations.author(cable(origin_name="", origin="")) == "US Department of State"


def test_bibtex_for_a_cable():
    assert citations.bibtex(cable(), URL, ACCESSED) == (
        "@misc{cable:06BAKU641,\n"
        "  author = {{US Embassy Baku}},\n"
        "  title = {{IRANIAN DEFENSE MINISTER VISITS BAKU}},\n"
        "  howpublished = {Diplomatic cable 06BAKU641, CONFIDENTIAL},\n"
        "  year = {2006},\n"
        "  month = apr,\n"
        "  date = {2006-04-27},\n"
        "  note = {Released by WikiLeaks, August 30, 2011},\n"
        "  url = {https://archive.example.org/cables/06BAKU641/},\n"
        "  urldate = {2026-05-03}\n"
        "}"
    )


def test_bibtex_for_a_paragraph_has_its_own_key_and_title():
    text = citations.bibtex(cable(), URL + "p2/", ACCESSED, paragraph_number="2")
    assert text.startswith("@misc{cable:06BAKU641:p2,\n")
    assert "title = {{IRANIAN DEFENSE MINISTER VISITS BAKU, ¶2}}" in text
    assert "url = {https://archive.example.org/cables/06BAKU641/p2/}" in text


def test_bibtex_escapes_what_latex_would_read():
    text = citations.bibtex(
        cable(subject="R&D: 50% OF $10 {BUDGET} FOR A_B #1 ~ ^ \\"), URL + "#pos3", ACCESSED
    )
    assert r"R\&D: 50\% OF \$10 \{BUDGET\} FOR A\_B \#1 \textasciitilde{} " in text
    assert r"\textasciicircum{} \textbackslash{}" in text
    assert r"url = {https://archive.example.org/cables/06BAKU641/\#pos3}" in text
    # Braces stay balanced, so BibTeX reads the entry to its end.
    assert text.count("{") - text.count(r"\{") == text.count("}") - text.count(r"\}")


def test_bibtex_without_a_date_has_no_year():
    text = citations.bibtex(cable(created=None), URL, ACCESSED)
    assert "  year = " not in text and "  date = " not in text
    assert "urldate = {2026-05-03}" in text


def test_unnumbered_paragraph():
    text = citations.chicago(cable(), URL + "#pos7", ACCESSED, paragraph_number="")
    assert "April 27, 2006, unnumbered paragraph." in text
    assert citations.bibtex_key("06BAKU641", "") == "cable:06BAKU641:px"
