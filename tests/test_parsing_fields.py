"""Each field function on fragments, covering the quirks of real cables."""

from datetime import UTC, date, datetime

import pytest

from cables.parsing import (
    Recipient,
    canonical_reference_id,
    canonical_station,
    catalogue_years,
    classification_label,
    infer_year,
    normalize_text,
    parse_banner,
    parse_classification,
    parse_classification_reasons,
    parse_classified_by,
    parse_created,
    parse_declassification,
    parse_eo,
    parse_origin,
    parse_paragraphs,
    parse_partial_extract,
    parse_precedence,
    parse_recipients,
    parse_reference_id,
    parse_reference_list,
    parse_references,
    parse_signers,
    parse_subject,
    parse_summary,
    parse_tags,
    station_display_name,
)

# --- canonical IDs and stations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("BAKU", "BAKU"),
        ("AMEMBASSY BAKU", "BAKU"),
        ("RIO DE JANEIRO", "RIODEJANEIRO"),
        ("AMCONSUL RIO DE JANEIRO", "RIODEJANEIRO"),
        ("SECSTATE", "STATE"),
        ("SECSTATE WASHDC", "STATE"),
        ("STATE", "STATE"),
        ("USMISSION USUN NEW YORK", "USUNNEWYORK"),
        ("USUN NEW YORK", "USUNNEWYORK"),
        ("USMISSION USNATO", "USNATO"),
        ("USMISSION UNVIE VIENNA", "UNVIEVIENNA"),
        ("USMISSION GENEVA", "GENEVA"),
        ("USEU BRUSSELS", "USEUBRUSSELS"),
        ("AIT TAIPEI", "AITTAIPEI"),
        ("USINT HAVANA", "HAVANA"),
        ("the hague", "THEHAGUE"),
        ("HO CHI MINH CITY", "HOCHIMINHCITY"),
    ],
)
def test_canonical_station(name, code):
    assert canonical_station(name) == code


def test_canonical_reference_id():
    assert canonical_reference_id(2006, "BAKU", "000641") == "06BAKU641"
    assert canonical_reference_id("06", "SECSTATE", 4865) == "06STATE4865"
    assert canonical_reference_id(1966, "BUENOS AIRES", "2481") == "66BUENOSAIRES2481"
    assert canonical_reference_id(2010, "RIO DE JANEIRO", "0012") == "10RIODEJANEIRO12"


@pytest.mark.parametrize(
    ("code", "routing", "display"),
    [
        ("BAKU", "AMEMBASSY BAKU", "Embassy Baku"),
        ("SHANGHAI", "AMCONSUL SHANGHAI", "Consulate Shanghai"),
        ("STATE", "SECSTATE WASHDC", "Secretary of State"),
        ("USUNNEWYORK", "USMISSION USUN NEW YORK", "USUN New York"),
        ("HAVANA", "USINT HAVANA", "US Interests Section Havana"),
        ("GENEVA", "USMISSION GENEVA", "US Mission Geneva"),
        ("USNATO", "USMISSION USNATO", "Mission USNATO"),
        ("TAIPEI", "AIT TAIPEI", "American Institute Taiwan, Taipei"),
        ("BRUSSELS", "USEU BRUSSELS", "USEU Brussels"),
        ("TRIPOLI", "USLO TRIPOLI", "Embassy Tripoli"),
        # No FM line (partial extracts): the table of stations.
        ("SAOPAULO", "", "Consulate Sao Paulo"),
        ("RIODEJANEIRO", "", "Consulate Rio De Janeiro"),
        ("SANJOSE", "", "Embassy San Jose"),
        ("EFTOLONDON", "", "Embassy London"),
        ("RPODUBAI", "", "Iran RPO Dubai"),
    ],
)
def test_station_display_name(code, routing, display):
    assert station_display_name(code, routing) == display


def test_catalogue_years():
    assert catalogue_years("BAKU", 641) == (6,)
    assert 6 in catalogue_years("SANJOSE", 281) and 9 in catalogue_years("SANJOSE", 281)
    assert catalogue_years("NOWHERE", 1) == ()


def test_infer_year_uses_catalogue_and_declassification_date():
    assert infer_year("BAKU", "641", "no date here") == 2006
    text = "E.O. 12958: DECL: 03/16/2015\nTAGS: PREL\n"
    assert infer_year("NOWHERE", "1", text) == 2005
    assert infer_year("NOWHERE", "1", "nothing") is None


# --- markdown and HTML-ish input ----------------------------------------------------------------


def test_normalize_text_markdown_rendering():
    text = "TAGS: [PREL](#) [PGOV](#)\r\n\r\n[1](#)1. (C) Text.\n[1](#)B. BAKU 01141\nX <br>\n"
    assert normalize_text(text) == "TAGS: PREL PGOV\n\n¶1. (C) Text.\n¶B. BAKU 01141\nX\n"


# --- banner, classification, caveats, label ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level", "label"),
    [
        (
            "C O N F I D E N T I A L SECTION 01 OF 03 MADRID 000974\n",
            "CONFIDENTIAL",
            "CONFIDENTIAL",
        ),
        ("S E C R E T BAKU 000064\n\nSIPDIS\n", "SECRET", "SECRET"),
        ("UNCLAS MINSK 000851\n", "UNCLASSIFIED", "UNCLASSIFIED"),
        ("UNCLASSIFIED BUENOS AIRES 2481\n", "UNCLASSIFIED", "UNCLASSIFIED"),
        ("S e c r e t state 068250\n", "SECRET", "SECRET"),
        ("UNCLAS SENSITIVE CAIRO 000302\n", "UNCLASSIFIED", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        (
            "UNCLAS CAIRO 000302\n\nSENSITIVE\n\nSIPDIS\n\nE.O. 12958: N/A\n",
            "UNCLASSIFIED",
            "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
        ),
        (
            "UNCLAS CAIRO 000302\n\nSENSITIVE BUT UNCLASSIFIED\n",
            "UNCLASSIFIED",
            "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
        ),
        (
            "UNCLAS LONDON 2\n\nFOR OFFICIAL USE ONLY\n",
            "UNCLASSIFIED",
            "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
        ),
        (
            "S E C R E T STATE 014577\n\nSIPDIS\nSECRET/NOFORN\n\nE.O. 12958",
            "SECRET",
            "SECRET//NOFORN",
        ),
        (
            "C O N F I D E N T I A L PARIS 1\n\nNOFORN\nSIPDIS\n",
            "CONFIDENTIAL",
            "CONFIDENTIAL//NOFORN",
        ),
        ("T O P S E C R E T STATE 1\n\nNODIS\n", "TOP SECRET", "TOP SECRET"),
        ("TOP SECRET STATE 1\n\nNOFORN\n", "TOP SECRET", "TOP SECRET//NOFORN"),
        # Caveats in the first paragraph's marking do not count.
        ("SECRET SANAA 1352\nE.O. 12958: DECL: 05/21/2015\n\n1. (S/NF) Text.", "SECRET", "SECRET"),
        # A glued flattened banner.
        (
            "Cable dated:2006-06-08T06:52:00S E C R E T SECTION 01 OF 04 ANKARA "
            "003352SIPDISNOFORNE.O. "
            "12958: DECL: 06/05/2026TAGS: MOPS",
            "SECRET",
            "SECRET//NOFORN",
        ),
    ],
)
def test_parse_classification(text, level, label):
    got_level, _caveats, got_label = parse_classification(text)
    assert (got_level, got_label) == (level, label)


def test_parse_classification_caveats():
    text = "S E C R E T STATE 1\n\nNOFORN\nSENSITIVE\nSIPDIS\nEXDIS\n\nE.O. 12958: DECL: 1/1/2019"
    assert parse_classification(text)[1] == ["NOFORN", "SIPDIS", "SBU", "EXDIS"]
    assert parse_classification("CONFIDENTIAL STATE 1\nNODIS\nLIMDIS\n")[1] == ["NODIS", "LIMDIS"]
    assert parse_classification("no classification here") == ("", [], "")


def test_classification_label():
    assert classification_label("UNCLASSIFIED", ["FOUO"]) == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    assert classification_label("SECRET", ["SIPDIS"]) == "SECRET"
    assert classification_label("", ["NOFORN"]) == ""


def test_parse_banner():
    banner = parse_banner("junk\nC O N F I D E N T I A L SECTION 01 OF 03 RIO DE JANEIRO 000974 \n")
    assert banner["station"] == "RIO DE JANEIRO"
    assert banner["serial"] == "974"
    assert banner["section"] == "01 OF 03"
    assert parse_banner("UNCLAS E F T O LONDON 002468\n")["efto"] == "EFTO"
    assert parse_banner("O N F I D E N T I A L SECTION 01 OF 04 LAGOS 000014\n")["level"] == (
        "CONFIDENTIAL"
    )
    assert parse_banner("a press article about SECRET plans\n") == {}


# --- routing header -----------------------------------------------------------------------------

HEADER = """VZCZCXRO6070
PP RUEHBC RUEHDE
DE RUEHKB #0641/01 1170223
ZNY CCCCC ZZH
P 270223Z APR 06 ZDK
FM AMEMBASSY BAKU
TO RUEHC/SECSTATE WASHDC PRIORITY 0238
INFO RUCNIRA/IRAN COLLECTIVE PRIORITY
RUEAIIA/CIA WASHINGTON DC
RUEHGB/AMEMBASSY BAGHDAD IMMEDIATE 0038

C O N F I D E N T I A L BAKU 000641
"""


def test_parse_created_and_precedence():
    assert parse_created(HEADER) == datetime(2006, 4, 27, 2, 23, tzinfo=UTC)
    assert parse_precedence(HEADER) == "PRIORITY"
    assert parse_created("O P 180030Z FEB 09\nFM SECSTATE WASHDC\n") == datetime(
        2009, 2, 18, 0, 30, tzinfo=UTC
    )
    assert parse_precedence("O P 180030Z FEB 09\nFM SECSTATE WASHDC\n") == "IMMEDIATE"
    assert parse_precedence("R 250719Z JAN 08\n") == "ROUTINE"
    assert parse_precedence("Z 250719Z JAN 08\n") == "FLASH"
    niact = "O 250719Z JAN 08\nFM AMEMBASSY X\nTO SECSTATE WASHDC NIACT IMMEDIATE 1\n"
    assert parse_precedence(niact) == "NIACT IMMEDIATE"
    assert parse_created("P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\n").year == 1966
    # Partial extracts: the DTG at the end of the header, mixed case.
    assert parse_created("This record is a partial extract.\n\n031518Z May 05\n") == datetime(
        2005, 5, 3, 15, 18, tzinfo=UTC
    )
    # The printed-telegram layout has the DTG inline before FM.
    inline = "PAGE 01 VATICA 03507 02 OF 04 031715Z /38 O 031203Z JUL 01 FM AMEMBASSY VATICAN"
    assert parse_created(inline) == datetime(2001, 7, 3, 12, 3, tzinfo=UTC)
    assert parse_created("no date at all") is None
    # An impossible DTG day falls back to the DE line's julian date.
    bad = "DE RUEHKB #0641 1170223\nP 310223Z APR 06\n"
    assert parse_created(bad) == datetime(2006, 4, 27, 2, 23, tzinfo=UTC)


def test_parse_recipients():
    recipients = parse_recipients(HEADER)
    assert recipients[0] == Recipient("to", "RUEHC", "SECSTATE WASHDC", "PRIORITY")
    assert recipients[1] == Recipient("info", "RUCNIRA", "IRAN COLLECTIVE", "PRIORITY")
    assert recipients[2] == Recipient("info", "RUEAIIA", "CIA WASHINGTON DC", "")
    assert recipients[3] == Recipient("info", "RUEHGB", "AMEMBASSY BAGHDAD", "IMMEDIATE")
    assert len(recipients) == 4
    old = (
        "P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\nTO SECSTATE WASHDC PRIORITY\n"
        "INFO USCINCSO\nCINCLANT\n"
    )
    assert [(r.kind, r.routing_indicator, r.name, r.precedence) for r in parse_recipients(old)] == [
        ("to", "", "SECSTATE WASHDC", "PRIORITY"),
        ("info", "", "USCINCSO", ""),
        ("info", "", "CINCLANT", ""),
    ]


def test_parse_origin_and_reference_id():
    assert parse_origin(HEADER) == "BAKU"
    assert parse_reference_id(HEADER) == "06BAKU641"
    state = (
        "R 141932Z OCT 09\nFM SECSTATE WASHDC\nTO AMEMBASSY MADRID\n\n"
        "C O N F I D E N T I A L STATE 106750\n"
    )
    assert parse_reference_id(state) == "09STATE106750"
    assert parse_origin(state) == "STATE"
    usun = "R 011200Z JAN 09\nFM USMISSION USUN NEW YORK\n\nUNCLAS USUN NEW YORK 000012\n"
    assert parse_reference_id(usun) == "09USUNNEWYORK12"
    # No banner: the DE line's serial and the FM station.
    assert parse_reference_id("DE RUEHKB #0641 1170223\nP 270223Z APR 06\nFM AMEMBASSY BAKU\n") == (
        "06BAKU641"
    )
    # Without a date the year must be given.
    assert parse_reference_id("UNCLAS SAN JOSE 000569\n") == ""
    assert parse_reference_id("UNCLAS SAN JOSE 000569\n", year=2006) == "06SANJOSE569"


def test_body_holding_another_cable_follows_the_header():
    text = (
        "DE RUEHFR #2725/01 1770754\nZNY CCCCC ZZH\nO 260754Z JUN 07\nFM AMEMBASSY PARIS\n\n"
        "S E C R E T SECTION 01 OF 04 MOSCOW 005154\n"
    )
    assert parse_reference_id(text) == "07PARIS2725"
    assert parse_origin(text) == "PARIS"


# --- E.O. and declassification -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "eo", "decl"),
    [
        ("E.O. 12958: DECL: 03/22/2014", "12958", date(2014, 3, 22)),
        ("E.O. 12958: N/A", "12958", None),
        ("EO 12958 DECL: 02/22/2011", "12958", date(2011, 2, 22)),
        ("E.O. 12958: DECL: 2019/12/17", "12958", date(2019, 12, 17)),
        ("E.O. 12958: DECL: 6/3/08", "12958", date(2008, 6, 3)),
        ("E.O. 12958: DECL: TWENTY YEARS", "12958", None),
        ("E. O. 11652: GDS", "11652", None),
        ("E.O. 12356: DECL: OADR", "12356", None),
        ("E.O. 12958: DECL: 1.4", "12958", None),
        ("E.0. 12958:  N/A", "12958", None),
        ("E.O. 12958: DECL: 02/30/2014", "12958", None),
        ("E.O. 12958: DECL: 12-29-13", "12958", date(2013, 12, 29)),
        ("no executive order", "", None),
    ],
)
def test_eo_and_declassification(text, eo, decl):
    assert parse_eo(text) == eo
    assert parse_declassification(text) == decl


# --- TAGS -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("TAGS: PREL PGOV SP", ["PREL", "PGOV", "SP"]),
        ("TAGS PGOV, PINS, ZI, MDC, ZANU-PF", ["PGOV", "PINS", "ZI", "MDC", "ZANU-PF"]),
        ("TAG MASS, PREL, BR", ["MASS", "PREL", "BR"]),
        ("Tags: mtcre, parm, prel", ["MTCRE", "PARM", "PREL"]),
        ("TAGS: [PREL](#) [PGOV](#) [AJ](#)", ["PREL", "PGOV", "AJ"]),
        ("TAGS: PREL PGOV\nPINR ECON\nSUBJECT: X", ["PREL", "PGOV", "PINR", "ECON"]),
        (
            "TAGS OVIP (STEINBERG, JAMES B.), PREL, PGOV,\nCH, KN",
            ["OVIP", "PREL", "PGOV", "CH", "KN", "STEINBERG, JAMES B."],
        ),
        ("TAGS: PREL OVIP CLINTON, HILLARY PGOV", ["PREL", "OVIP", "CLINTON, HILLARY", "PGOV"]),
        ("TAGS: PREL, PREL, SIPDIS, PGOV", ["PREL", "PGOV"]),
        ("TAGS PREL, MOPS, IT, IZ, IRAQI FREEDOM", ["PREL", "MOPS", "IT", "IZ", "IRAQI FREEDOM"]),
        ("DECL: 12/02/2019TAGS: OVIP PGOV BA\n", ["OVIP", "PGOV", "BA"]),
        (
            "E.O. 12958: DECL: 08/11/2018 TAGS: PREL PGOV RU GG SUBJECT: X",
            ["PREL", "PGOV", "RU", "GG"],
        ),
        ("no tag line", []),
    ],
)
def test_parse_tags(text, tags):
    assert parse_tags(text) == tags


# --- SUBJECT ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        (
            "SUBJECT: IRANIAN DEFENSE MINISTER VISITS BAKU\n\nClassified By: X",
            "IRANIAN DEFENSE MINISTER VISITS BAKU",
        ),
        (
            "SUBJECT: AZERBAIJAN MFA COMMENTS ON\nDEPLOYMENT REQUIREMENTS\n\nREF: STATE 1",
            "AZERBAIJAN MFA COMMENTS ON DEPLOYMENT REQUIREMENTS",
        ),
        ("SUBJ: SHORT FORM\nREF: STATE 1", "SHORT FORM"),
        ("SUBJECT:  EDUCATION REFORM IN EGYPT. \n \n", "EDUCATION REFORM IN EGYPT."),
        ("SUBJECT: TWO LINES\nTHEN FIELDS\nClassified By: Ambassador X", "TWO LINES THEN FIELDS"),
        ("SUBJECT: A SUBJECT ¶1. (C) The body.", "A SUBJECT"),
        ("SUBJECT:\n\nCOPTIC CHOIR BOYS\n1.(SBU) Summary: x", "COPTIC CHOIR BOYS"),
        ("SUBJECT: X Ref: A) STOCKHOLM 733", "X"),
        ("no subject", ""),
    ],
)
def test_parse_subject(text, subject):
    assert parse_subject(text) == subject


# --- references ---------------------------------------------------------------------------------


def _refs(text, year=2007, own=None):
    return [(r.label, r.printed, r.reference_id) for r in parse_reference_list(text, year, own)]


def test_references_lettered_with_pilcrows_and_blank_lines():
    text = "REF: A. STATE 126089\n\n¶B. BAKU 01141\n\nClassified By: Donald Lu"
    assert _refs(text) == [
        ("A", "A. STATE 126089", "07STATE126089"),
        ("B", "B. BAKU 01141", "07BAKU1141"),
    ]
    assert parse_references(text, 2007) == ["07STATE126089", "07BAKU1141"]


def test_references_variants():
    assert _refs("REF: STATE 106206") == [("", "STATE 106206", "07STATE106206")]
    assert _refs("REFTEL: HARARE 6584") == [("", "HARARE 6584", "07HARARE6584")]
    assert _refs("REFS: A) THE HAGUE 588 B) THE HAGUE 980") == [
        ("A", "A) THE HAGUE 588", "07THEHAGUE588"),
        ("B", "B) THE HAGUE 980", "07THEHAGUE980"),
    ]
    assert [r[2] for r in _refs("REF A: VATICAN 05286; REF B: VATICAN 05300")] == [
        "07VATICAN5286",
        "07VATICAN5300",
    ]
    assert _refs("REF: 06 TBILISI 2601") == [("", "06 TBILISI 2601", "06TBILISI2601")]
    assert _refs("REF: 99 PRETORIA 12315")[0][2] == "99PRETORIA12315"
    assert _refs("REF: A. ANKARA 7410\n     B. SECSTATE 200660\n") == [
        ("A", "A. ANKARA 7410", "07ANKARA7410"),
        ("B", "B. SECSTATE 200660", "07STATE200660"),
    ]
    multi = _refs("REF: A. 07 MANAMA 1052\n     ¶B. RIO DE JANEIRO 45\n¶C. USUN NEW YORK 9")
    assert [r[2] for r in multi] == ["07MANAMA1052", "07RIODEJANEIRO45", "07USUNNEWYORK9"]
    assert [r[2] for r in _refs("Ref: Berlin 1337, Berlin 1340")] == [
        "07BERLIN1337",
        "07BERLIN1340",
    ]
    assert _refs("REF: 08BOGOTA3888")[0][2] == "08BOGOTA3888"


def test_references_that_are_not_cables_are_kept_as_text():
    refs = _refs("REF: A. STATE 48610 B. BUTLER-STUKALIN EMAIL OF 05/07/2008 C. TELCON 3/4")
    assert refs == [
        ("A", "A. STATE 48610", "07STATE48610"),
        ("B", "B. BUTLER-STUKALIN EMAIL OF 05/07/2008", ""),
        ("C", "C. TELCON 3/4", ""),
    ]
    assert _refs("REF: STATE 106206 CIRCULAR; STATE CA-3400 NOV 2, 1966", 1966) == [
        ("", "STATE 106206 CIRCULAR", "66STATE106206"),
        ("", "STATE CA-3400 NOV 2, 1966", ""),
    ]
    assert _refs("REF: A. IIR 6 902 9698 06")[0][2] == ""


def test_self_reference_dropped():
    assert parse_references("REF: A. BAKU 641 B. BAKU 600", 2006, "06BAKU641") == ["06BAKU600"]
    assert _refs("no references here") == []


# --- Classified By, signer -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "reasons"),
    [
        (
            "Classified By: ADCM Joan Polaschik, reasons 1.4 (b) and (d).",
            ["Joan Polaschik"],
            "1.4 (b) and (d)",
        ),
        (
            "Classified By: Ambassador Derse for reasons 1.4 (b) and (d).",
            ["Derse"],
            "1.4 (b) and (d)",
        ),
        (
            "Classified By: AMBASSADOR DERSE FOR REASONS 1.4 (B) AND (D).",
            ["DERSE"],
            "1.4 (b) and (d)",
        ),
        (
            "Classified By: Charge d'Affaires Donald Lu for reasons 1.4 (b) and (d).",
            ["Donald Lu"],
            "1.4 (b) and (d)",
        ),
        (
            "Classified By: MICHAEL P. OWENS, ACTING DIR, INR/OPS. REASON: 1.4(C).",
            ["MICHAEL P. OWENS"],
            "1.4(c)",
        ),
        (
            "Classified By: EUR/PRA ACTING DIRECTOR KATHELEEN\n"
            "MORENSKI FOR REASONS 1.4 (B) AND (D).",
            ["KATHELEEN MORENSKI"],
            "1.4 (b) and (d)",
        ),
        (
            "(U) Classified by Ambassador W.R. Pearson.  Reasons: 1.5 (b, d, X6).",
            ["W.R. Pearson"],
            "1.5 (b, d, x6)",
        ),
        (
            "Classified By: Charge d’ Affairs Patricia Butenis for reasons 1.4 (b)",
            ["Patricia Butenis"],
            "1.4 (b)",
        ),
        ("Classified By: DCM Carol Urban, Reasons 1.4 b/d", ["Carol Urban"], "1.4 b/d"),
        ("Classified By: MULTIPLE SOURCES", [], ""),
        (
            "Classified By: Ambassador Derse and DCM Jane Doe, reasons 1.4 (b)",
            ["Derse", "Jane Doe"],
            "1.4 (b)",
        ),
        ("nothing", [], ""),
    ],
)
def test_classified_by(text, names, reasons):
    assert parse_classified_by(text) == names
    assert parse_classification_reasons(text) == reasons


@pytest.mark.parametrize(
    ("text", "signers"),
    [
        ("¶2. (C) Text of the last paragraph.\nHYLAND", ["HYLAND"]),
        ("Text.\n\nDERSE\n", ["DERSE"]),
        ("Text.\n\nLeBaron\n", ["LeBaron"]),
        (
            "Text.\n\n WOOD \n\n=======================CABLE ENDS============================\n",
            ["WOOD"],
        ),
        ('Text.\n\nPYATT "\n', ["PYATT"]),
        ("Text.\nVAN VOORST\n", ["VAN VOORST"]),
        ("Text ends with a sentence.", []),
        ("Text.\n\nEND SUMMARY.\n", []),
        ("Text.\nBT\n#0641\nNNNN\n", []),
    ],
)
def test_parse_signers(text, signers):
    assert parse_signers(text) == signers


def test_partial_extract():
    text = (
        "This record is a partial extract of the original cable. "
        "The full text of the original cable is not available.\n"
    )
    assert parse_partial_extract(text)
    assert not parse_partial_extract("VZCZCXRO6070\nDE RUEHKB #0641 1170223\n")


# --- paragraphs -------------------------------------------------------------------------------

BODY = """C O N F I D E N T I A L SECTION 01 OF 02 HARARE 005461

SIPDIS

E.O. 12958: DECL: 04/26/2016
TAGS: PREL PGOV
SUBJECT: A SUBJECT
OVER TWO LINES

REF: A. HARARE 1
     ¶B. HARARE 2

Classified By: Ambassador X for reasons 1.4 (b) and (d).

-------
Summary
-------

¶1. (C) Summary: The first paragraph. End Summary.

2. (S//NF) THE MDC SAYS THEY REALIZE  CONFIDENTIAL
PAGE 03 HARARE 05461 01 OF 02 271458Z THAT THE MDC
IS WEAK.

SIPDIS

3.(U) Broken by a blank line in the middle of a

sentence, it stays one paragraph.
4. (SBU) Glued number.

(SBU) Per reftel, an unnumbered marked paragraph.

A heading line

5.  Unmarked numbered paragraph mentioning
1988. a year at a line start.
SMITH
"""


def test_paragraphs_numbers_markings_and_noise():
    paras = parse_paragraphs(BODY)
    got = [(p.number, p.marking, p.level, p.caveats) for p in paras]
    assert got == [
        ("", "", "", []),
        ("1", "(C)", "C", []),
        ("2", "(S//NF)", "S", ["NF"]),
        ("3", "(U)", "U", []),
        ("4", "(SBU)", "SBU", []),
        ("", "(SBU)", "SBU", []),
        ("", "", "", []),
        ("5", "", "", []),
    ]
    assert paras[0].text == "Summary"
    assert paras[1].text == "Summary: The first paragraph. End Summary."
    assert paras[2].text == "THE MDC SAYS THEY REALIZE\nTHAT THE MDC\nIS WEAK."
    assert (
        paras[3].text
        == "Broken by a blank line in the middle of a\nsentence, it stays one paragraph."
    )
    assert paras[5].text == "Per reftel, an unnumbered marked paragraph."
    assert paras[6].text == "A heading line"
    assert paras[7].text == "Unmarked numbered paragraph mentioning\n1988. a year at a line start."
    assert [p.position for p in paras] == list(range(8))
    assert parse_summary(paras) == "The first paragraph."


# Wrapped lines, as cables were written; copies double-spaced them.
DOUBLE_SPACED_BLOCKS = [
    ["SUBJECT: A SUBJECT WRAPPED", "ONTO A SECOND LINE"],
    [
        "¶1. (C) The first paragraph is wrapped at some sixty",
        "characters, as cables were, and every line of it is",
        "followed by a blank line in this copy, so that each line",
        "looked like a paragraph of its own; two blank lines part",
        "the paragraphs.",
    ],
    ["¶2. (U) The second paragraph, wrapped as well, ends", "after two lines."],
    ["¶3. (S) A third one, short."],
]


def test_double_spaced_text_is_single_spaced_again():
    text = "\n\n\n".join("\n\n".join(block) for block in DOUBLE_SPACED_BLOCKS) + "\n"
    single = normalize_text(text)
    assert single == "\n\n".join("\n".join(block) for block in DOUBLE_SPACED_BLOCKS) + "\n"
    assert parse_subject(single) == "A SUBJECT WRAPPED ONTO A SECOND LINE"
    paras = parse_paragraphs(single)
    assert [(p.number, p.marking) for p in paras] == [("1", "(C)"), ("2", "(U)"), ("3", "(S)")]
    assert paras[0].text == "\n".join(DOUBLE_SPACED_BLOCKS[1])[len("¶1. (C) ") :]
    assert normalize_text(single) == single


@pytest.mark.parametrize(
    "text",
    [
        # one long line a paragraph, a blank line between them
        "\n\n".join(["This paragraph is written on one line, as some copies have it. " * 3] * 9),
        # a list with a blank line after each item, and no wider break
        "Contents:\n\n" + "\n\n".join(f"--({n}) Item number {n} of the list" for n in range(12)),
        # a header's fields, each after a blank line
        "SIPDIS\n\nE.O. 12958: N/A\n\nTAGS: PREL PGOV\n\nSUBJECT: A SUBJECT\n\n\n1. (U) Text.\n",
    ],
)
def test_text_spaced_on_purpose_is_left_as_it_is(text):
    assert normalize_text(text) == text


def test_paragraph_markings_normalized():
    paras = parse_paragraphs("1. (S / NF) a.\n\n2. (C/REL UK) b.\n\n3. (S//NF) c.\n")
    assert [(p.marking, p.level, p.caveats) for p in paras] == [
        ("(S/NF)", "S", ["NF"]),
        ("(C/REL UK)", "C", ["REL"]),
        ("(S//NF)", "S", ["NF"]),
    ]


def test_mangled_pilcrow_numbers():
    body = "1. (S) One.\n\n2. (S) Two.\n\n3. (S) Three.\n\n14. (S) Four.\n\n15. (S) Five.\n"
    assert [p.number for p in parse_paragraphs(body)] == ["1", "2", "3", "4", "5"]


def test_unnumbered_cable_splits_on_blank_lines():
    body = (
        "UNCLAS SAN JOSE 000001\n\nE.O. 12958: N/A\nTAGS: PGOV\nSUBJECT: X\n\n"
        "First block.\n\nSecond block.\nSMITH\n"
    )
    paras = parse_paragraphs(body)
    assert [(p.number, p.text) for p in paras] == [("", "First block."), ("", "Second block.")]


def test_summary_over_several_paragraphs_and_headings():
    paras = parse_paragraphs("1. (C) Summary: One.\n\n2. (C) Two. End summary.\n\n3. (C) Three.\n")
    assert parse_summary(paras) == "One.\n\nTwo."
    paras = parse_paragraphs("1. (C) SUMMARY. Alone. END SUMMARY.\n\n2. (C) Two.\n")
    assert parse_summary(paras) == "Alone."
    assert parse_summary(parse_paragraphs("1. (C) No summary here.\n")) == ""
