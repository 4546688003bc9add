"""Entity extraction: the API contract, merging rules, and quality against hand-made gold.

Gold (tests/fixtures/entities/gold.json, built by build_gold.py from annotations.txt) holds the
four seed cables, ten corpus cables used while developing ("dev"), three former held-out cables
("heldout"), six "fresh", four "unseen2", and ten cables each of "unseen3" to "unseen11".
fresh to unseen11 were annotated blind and scored before any rule was changed for them;
fresh to unseen9 are tuned on since, unseen10's lines came on screen in corpus-wide reviews,
and unseen11 (cables of 2000-2006 that did not) is the latest estimate for cables nobody tuned
on (docs/entities.md has the blind first-look scores). A split must reach precision 0.9 and
recall 0.8, both for mentions and for merged entities; a split under it (a new blind split,
say) is a strict expected failure with its measures, and a floor under them.

    .venv/bin/python -m tests.test_entities     # prints the scores
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from cables.entities import (
    entity_aliases,
    extract_entities,
    person_key,
    resolve_keys,
    tag_places,
)

GOLD = Path(__file__).parent / "fixtures" / "entities" / "gold.json"
MIN_PRECISION, MIN_RECALL = 0.9, 0.8


@cache
def gold_cables() -> tuple[dict, ...]:
    return tuple(json.loads(GOLD.read_text(encoding="utf-8"))["cables"])


def texts_and_kinds(text: str) -> list[tuple[str, str]]:
    """The mentions found in one paragraph, as (text, kind) in order."""
    return [(m.text, m.kind) for m in extract_entities([text])]


@cache
def predicted(index: int) -> tuple:
    cable = gold_cables()[index]
    return tuple(extract_entities(cable["paragraphs"], tags=cable["tags"], people=cable["people"]))


def _clusters(items) -> list[frozenset]:
    groups = defaultdict(set)
    for span, label in items:
        groups[label].add(span)
    return [frozenset(g) for g in groups.values()]


def score(split: str) -> dict[str, float]:
    """Mentions: exact span and kind. Entities, per cable: a predicted entity is right when its
    found mentions all belong to one gold entity; a gold entity is found when all its found
    mentions sit in one predicted entity (a split or a wrong merge both count against)."""
    tp = n_pred = n_gold = 0
    e_right = e_pred = e_found = e_gold = 0
    for index, cable in enumerate(gold_cables()):
        if cable["split"] != split:
            continue
        gold = {
            (m["paragraph"], m["start"], m["end"], m["kind"]): m["entity"]
            for m in cable["mentions"]
        }
        pred = {(m.paragraph_position, m.start, m.end, m.kind): m.key for m in predicted(index)}
        tp += len(gold.keys() & pred.keys())
        n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
        for cluster in _clusters(pred.items()):
            e_pred += 1
            labels = {gold[s] for s in cluster if s in gold}
            e_right += len(labels) == 1
        for cluster in _clusters(gold.items()):
            e_gold += 1
            labels = {pred[s] for s in cluster if s in pred}
            e_found += len(labels) == 1
    return {
        "mention_precision": tp / max(n_pred, 1),
        "mention_recall": tp / max(n_gold, 1),
        "entity_precision": e_right / max(e_pred, 1),
        "entity_recall": e_found / max(e_gold, 1),
        "gold_mentions": n_gold,
        "cables": sum(c["split"] == split for c in gold_cables()),
    }


def below_bar(split: str, measured: str):
    """A split still under the bar: an expected failure that turns into an error as soon as
    it passes, so that the bar is then asserted."""
    reason = f"{split}: {measured} (bar 0.9/0.8)"
    return pytest.param(split, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize(
    "split",
    [
        "seed",
        "dev",
        "heldout",
        "unseen2",
        "fresh",
        "unseen3",
        "unseen4",  # blind first look: mentions 0.838/0.789, entities 0.855/0.739
        "unseen5",  # blind: mentions 0.850/0.793, entities 0.774/0.653
        "unseen6",  # blind: mentions 0.907/0.886, entities 0.887/0.815
        "unseen7",  # blind: mentions 0.923/0.838, entities 0.904/0.740
        "unseen8",  # blind: mentions 0.921/0.860, entities 0.871/0.802
        "unseen9",  # blind: mentions 0.914/0.842, entities 0.890/0.810
        "unseen10",  # blind: mentions 0.891/0.848, entities 0.887/0.805
        "unseen11",  # blind: mentions 0.952/0.889, entities 0.954/0.821
    ],
)
def test_quality_holds_the_bar(split):
    result = score(split)
    if not result["cables"]:
        pytest.skip(f"no {split} cables annotated")
    assert result["mention_precision"] >= MIN_PRECISION, result
    assert result["mention_recall"] >= MIN_RECALL, result
    assert result["entity_precision"] >= MIN_PRECISION, result
    assert result["entity_recall"] >= MIN_RECALL, result


# The splits under the bar must not slip further: floors (precision, recall) a few points
# under their measures.
FLOORS: dict[str, tuple[float, float]] = {}
NO_FLOOR = pytest.param(None, marks=pytest.mark.skip(reason="every split holds the bar"))


@pytest.mark.parametrize("split", sorted(FLOORS) or [NO_FLOOR])
def test_splits_under_the_bar_stay_above_the_floor(split):
    result = score(split)
    floor_precision, floor_recall = FLOORS[split]
    assert result["cables"] >= 6, result
    assert result["mention_precision"] >= floor_precision, result
    assert result["mention_recall"] >= floor_recall, result
    assert result["entity_precision"] >= floor_precision, result
    assert result["entity_recall"] >= floor_recall, result


def test_gold_offsets_match_the_stored_paragraphs():
    for cable in gold_cables():
        for m in cable["mentions"]:
            assert cable["paragraphs"][m["paragraph"]][m["start"] : m["end"]] == m["text"]


def test_mentions_keep_the_contract_on_every_gold_cable():
    for index, cable in enumerate(gold_cables()):
        ends: dict[int, int] = defaultdict(int)
        for m in predicted(index):
            assert cable["paragraphs"][m.paragraph_position][m.start : m.end] == m.text
            assert m.kind in {"person", "organization", "place"}
            assert m.start >= ends[m.paragraph_position], "mentions overlap"
            ends[m.paragraph_position] = m.end
            assert m.key and m.name


def by_text(mentions):
    return {(m.text, m.kind): m for m in mentions}


def test_titles_are_not_part_of_names():
    mentions = extract_entities(
        [
            "Iranian Defense Minister Mustafa Najjar met President Ilham Aliyev, DFM Azimov, "
            "Ambassador Derse and Charge d'Affaires Donald Lu."
        ]
    )
    names = [m.text for m in mentions if m.kind == "person"]
    assert names == ["Mustafa Najjar", "Ilham Aliyev", "Azimov", "Derse", "Donald Lu"]


def test_surname_joins_the_full_name_within_a_cable():
    mentions = extract_entities(["President Ilham Aliyev met Safar Abiyev.", "Aliyev's visit."])
    aliyev = [m for m in mentions if "Aliyev" in m.text]
    assert {m.key for m in aliyev} == {"person:ilham aliyev"}
    assert {m.name for m in aliyev} == {"Ilham Aliyev"}


def test_surname_follows_the_title_when_two_people_share_it():
    mentions = extract_entities(
        [
            "Former President Heydar Aliyev founded the party; President Ilham Aliyev leads it.",
            "President Aliyev said so.",
        ]
    )
    assert mentions[-1].text == "Aliyev" and mentions[-1].key == "person:ilham aliyev"


def test_spellings_of_one_person_share_a_key_across_cables():
    assert person_key("Mustafa Najjar") == person_key("Mostafa Mohammad-Najjar")
    assert person_key("Mohammed Hussein") == person_key("Muhammad Husayn")
    seed0 = next(i for i, c in enumerate(gold_cables()) if c["source"].startswith("000_"))
    seed1 = next(i for i, c in enumerate(gold_cables()) if c["source"].startswith("001_"))
    keys0 = {m.key for m in predicted(seed0) if "Najjar" in m.text}
    keys1 = {m.key for m in predicted(seed1) if "Najjar" in m.text}
    assert keys0 == keys1 == {"person:mustafa najjar"}


def test_resolve_keys_is_independent_of_order():
    keys = [
        "person:najjar",
        "person:mustafa najjar",
        "person:aliyev",
        "person:ilham aliyev",
        "person:heydar aliyev",
        "place:az",
    ]
    resolved = resolve_keys(keys)
    assert resolved == resolve_keys(reversed(keys))
    assert resolved["person:najjar"] == "person:mustafa najjar"
    assert resolved["person:aliyev"] == "person:aliyev"  # two Aliyevs: stays apart
    assert resolved["place:az"] == "place:az"


def test_defined_acronym_links_short_and_long_forms():
    mentions = extract_entities(
        [
            "Chief delivered a demarche on the OSCE Human Dimension Implementation Meeting (HDIM).",
            "He did not know who would attend the HDIM.",
        ]
    )
    found = by_text(mentions)
    long_form = found[("Human Dimension Implementation Meeting", "organization")]
    assert found[("HDIM", "organization")].key == long_form.key
    assert ("OSCE", "organization") in found
    assert entity_aliases(mentions)[long_form.key] == {
        "Human Dimension Implementation Meeting",
        "HDIM",
    }


def test_known_organisations_and_places():
    mentions = extract_entities(
        [
            "The MFA and the IRGC met BP, ZANU-PF and the UN Security Council in Baku, on the "
            "Caspian Sea, about Nagorno-Karabakh; the GOAJ and the CIA agreed."
        ]
    )
    found = {(m.text, m.kind) for m in mentions}
    for text in ["MFA", "IRGC", "BP", "ZANU-PF", "UN Security Council", "GOAJ", "CIA"]:
        assert (text, "organization") in found
    for text in ["Baku", "Caspian Sea", "Nagorno-Karabakh"]:
        assert (text, "place") in found


def test_all_capitals_text():
    mentions = extract_entities(
        [
            "FOREIGN MINISTER MAMMADYAROV TOLD THE AMBASSADOR THAT AZERBAIJAN AND IRAN WOULD "
            "MEET IN TEHRAN. MAMMADYAROV ADDED THAT THE OSCE WOULD NOT."
        ]
    )
    found = [(m.text, m.kind) for m in mentions]
    assert found == [
        ("MAMMADYAROV", "person"),
        ("AZERBAIJAN", "place"),
        ("IRAN", "place"),
        ("TEHRAN", "place"),
        ("MAMMADYAROV", "person"),
        ("OSCE", "organization"),
    ]


def test_unknown_acronyms_met_twice_or_after_the_are_organisations():
    mentions = extract_entities(
        [
            "He said the CCOO would grow while the GDP fell. PSOE won; the voters chose PSOE. "
            "Copies went to ISN/MTR and EUR/NCE, and HIV/AIDS and TV were discussed; XYZ once.",
        ],
        tags=["PGOV", "SP"],
    )
    found = {(m.text, m.kind) for m in mentions}
    assert {("CCOO", "organization"), ("PSOE", "organization")} <= found
    assert {("ISN/MTR", "organization"), ("EUR/NCE", "organization")} <= found
    assert not {m.text for m in mentions} & {"GDP", "HIV", "AIDS", "TV", "XYZ"}


def test_states_and_provinces_of_every_country_are_places():
    mentions = extract_entities(
        [
            "Violence spread from Bihar to West Bengal and Uttar Pradesh (UP); UP police said so.",
            "Cesar Mauricio Velasquez met Nelson Mandela near Ascension Island.",
            "TROOPS MOVED INTO HELMAND.",
        ]
    )
    assert [(m.text, m.kind, m.key) for m in mentions] == [
        ("Bihar", "place", "place:bihar"),
        ("West Bengal", "place", "place:west bengal"),
        ("Uttar Pradesh", "place", "place:uttar pradesh"),
        ("UP", "place", "place:uttar pradesh"),
        ("UP", "place", "place:uttar pradesh"),
        ("Cesar Mauricio Velasquez", "person", "person:cesar velasquez"),
        ("Nelson Mandela", "person", "person:nelson mandela"),
        ("Ascension Island", "place", "place:ascension island"),
        ("HELMAND", "place", "place:helmand"),
    ]


def test_companies_compass_regions_and_rulers():
    mentions = extract_entities(
        [
            "The Aznar government and the Scottish government met in Northern India and East "
            "Africa; Rabobank, Banco Modal and Odyssey Exploration Ltd agreed."
        ]
    )
    assert [(m.text, m.kind) for m in mentions] == [
        ("Aznar", "person"),
        ("Northern India", "place"),
        ("East Africa", "place"),
        ("Rabobank", "organization"),
        ("Banco Modal", "organization"),
        ("Odyssey Exploration Ltd", "organization"),
    ]


def test_given_names_make_people_in_capitals_and_cues_make_companies():
    mentions = extract_entities(
        [
            "VASP OWNER WAGNER CANHEDO HAS SOLD HOTEL PROPERTIES. VASP'S DEBT GREW, THE WIDOW'S "
            "PENSION FELL AND THE SHAH'S VIEWS WERE CLEAR.",
            "Kristjan Loftsson, owner of the whaling company Hvalur, met Cosan CFO Paulo Diniz. "
            "Cosan said so, and Ahmedzai Wazir militants denied it.",
        ]
    )
    assert [(m.text, m.kind) for m in mentions] == [
        ("VASP", "organization"),
        ("WAGNER CANHEDO", "person"),
        ("VASP", "organization"),
        ("Kristjan Loftsson", "person"),
        ("Hvalur", "organization"),
        ("Cosan", "organization"),
        ("Paulo Diniz", "person"),
        ("Cosan", "organization"),
        ("Ahmedzai Wazir", "organization"),
    ]


def test_given_names_and_spelling_variants_join_the_full_name():
    mentions = extract_entities(
        [
            "Junta leader Dadis Camara left; President Blaise Compaore and Executive Secretary "
            "Ben Botwe met.",
            "Dadis asked President Campaore for help. Benjamin Botwe agreed; Ilham Aliyev and "
            "Safar Abiyev did not.",
        ]
    )
    keys = {(m.paragraph_position, m.text): m.key for m in mentions if m.kind == "person"}
    assert keys[(1, "Dadis")] == "person:dadis camara"
    assert keys[(1, "Campaore")] == "person:blaise compaore"
    assert keys[(0, "Ben Botwe")] == keys[(1, "Benjamin Botwe")] == "person:benjamin botwe"
    assert keys[(1, "Ilham Aliyev")] != keys[(1, "Safar Abiyev")]


def test_acronyms_in_capitals_need_their_cues():
    mentions = extract_entities(
        [
            "THE TURKISH WORKERS AND PEASANTS LIBERATION ARMY (TIKKO), THE MLKP AND TKP/ML. "
            "MLKP BOMBS TOLD US NOTHING; US OFFICIALS AND THE US WAITED. A GENERAL INCOMPREHENSION "
            "OF US-IRAN TIES ON FLT 8B 787, FLT 9B."
        ]
    )
    assert [(m.text, m.kind) for m in mentions] == [
        ("TIKKO", "organization"),
        ("MLKP", "organization"),
        ("TKP/ML", "organization"),
        ("MLKP", "organization"),
        ("US", "place"),
        ("US", "place"),
        ("US", "place"),
        ("IRAN", "place"),
    ]


def test_places_shown_by_a_common_word_and_long_acronyms():
    mentions = extract_entities(
        [
            "Officials deny any intention to cede Agalega islands; AFRICOM and the town of Tibu "
            "agree. India wants Agalega, and AFRICOM too.",
            "THE LULA ADMINISTRATION CLOSED THE KAPIKULE BORDER.",
        ]
    )
    assert [(m.text, m.kind) for m in mentions] == [
        ("Agalega", "place"),
        ("AFRICOM", "organization"),
        ("Tibu", "place"),
        ("India", "place"),
        ("Agalega", "place"),
        ("AFRICOM", "organization"),
        ("LULA", "person"),
        ("KAPIKULE", "place"),
    ]


def test_bracketed_acronyms_and_pairs_of_bodies():
    mentions = extract_entities(
        [
            "Ghana Narcotics Board (NACOB) staff met; NACOB agreed. Post works with INL and "
            "SOCSOUTH, and AFRICOM pays."
        ]
    )
    assert [(m.text, m.key) for m in mentions] == [
        ("Ghana Narcotics Board", "org:ghana narcotics board"),
        ("NACOB", "org:ghana narcotics board"),
        ("NACOB", "org:ghana narcotics board"),
        ("INL", "org:bureau of international narcotics and law enforcement affairs"),
        ("SOCSOUTH", "org:socsouth"),  # used once, but paired with a body
        ("AFRICOM", "org:africa command"),
    ]


def test_redactions_and_sentence_starts_are_not_names():
    mentions = extract_entities(
        [
            "XXXXXXXXXXXX told poloff that Local Press Reports were wrong. Referring to the "
            "talks, Ambassador XXXXXXXXXXXX said nothing."
        ]
    )
    assert mentions == []


def test_signer_and_classified_by_names_are_known_people():
    mentions = extract_entities(
        ["The Ambassador met Polaschik and HYLAND."], people=["HYLAND", "ADCM Joan Polaschik"]
    )
    assert [(m.text, m.key) for m in mentions] == [
        ("Polaschik", "person:joan polaschik"),
        ("HYLAND", "person:hyland"),
    ]


def test_tags_link_to_the_place_keys_of_their_countries():
    assert tag_places(["PREL", "AJ", "IR"]) == [
        ("AJ", "Azerbaijan", "place:az"),
        ("IR", "Iran", "place:ir"),
    ]
    keys = {m.key for m in extract_entities(["Azerbaijan and Iran."])}
    assert keys == {"place:az", "place:ir"}


def test_government_acronym_follows_the_tags():
    mentions = extract_entities(["THE GOI DENIED IT."], tags=["IR"])
    assert [(m.text, m.name) for m in mentions] == [("GOI", "Government of Iran")]
    # the tags win over the lists ("GOB" is Brazil's there), a country of two words has its
    # own acronym
    for tags, name in [(["BA"], "Government of Bahrain"), (["ES"], "Government of Egypt")]:
        mentions = extract_entities(["The GOB and the GOE denied it."], tags=tags)
        assert name in [m.name for m in mentions]


def test_package_imports_no_django():
    code = "import sys, cables.entities; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


if __name__ == "__main__":
    for name in [
        "seed",
        "dev",
        "heldout",
        "fresh",
        "unseen2",
        "unseen3",
        "unseen4",
        "unseen5",
        "unseen6",
        "unseen7",
        "unseen8",
        "unseen9",
        "unseen10",
    ]:
        print(name, {k: round(v, 3) if isinstance(v, float) else v for k, v in score(name).items()})


def test_bodies_and_places_shown_by_the_words_around_them():
    mentions = extract_entities(
        [
            "The Swedish Government and the Republic of Kenya met in the Gulf of Guinea. The "
            "ruling Zorbat party and the Committee for Regional Integration met at Zanzibar "
            "International Airport with the Zorbati Workers' Party. G-20 leaders backed "
            "anti-Taliban forces; the XQZ Agreement was signed, and the XQZ Agreement holds. "
            "PetroZorba and PolOffs agreed. Troops entered the villages of Qatrab, Qubit and "
            "Zobra.",
            "TALKS OF THE ARGENTINE NAVY",
        ]
    )
    assert [(m.text, m.kind, m.key) for m in mentions] == [
        ("Swedish Government", "organization", "org:government of sweden"),
        ("Republic of Kenya", "place", "place:ke"),
        ("Gulf of Guinea", "place", "place:gulf of guinea"),
        ("Zorbat", "organization", "org:zorbat"),
        (
            "Committee for Regional Integration",
            "organization",
            "org:committee for regional integration",
        ),
        ("Zanzibar International Airport", "place", "place:zanzibar international airport"),
        ("Zorbati Workers' Party", "organization", "org:zorbati workers party"),
        ("G-20", "organization", "org:group of twenty"),
        ("Taliban", "organization", "org:taliban"),  # XQZ names an agreement, no body
        ("PetroZorba", "organization", "org:petrozorba"),  # PolOffs is cable jargon
        ("Qatrab", "place", "place:qatrab"),
        ("Qubit", "place", "place:qubit"),
        ("Zobra", "place", "place:zobra"),
        ("ARGENTINE NAVY", "organization", "org:argentine navy"),
    ]


@pytest.mark.parametrize(
    "former, current",
    [
        ("Bombay", "Mumbai"),
        ("Calcutta", "Kolkata"),
        ("Peking", "Beijing"),
        ("Saigon", "Ho Chi Minh City"),
        ("Rangoon", "Yangon"),
        ("Kiev", "Kyiv"),
        ("Leningrad", "Saint Petersburg"),
    ],
)
def test_a_city_by_its_former_or_english_name_is_the_same_place(former, current):
    """Cables of 1966-2010 write the names of their time; the gazetteer has today's."""
    found = extract_entities([f"The delegation flew from {former} to Geneva and on to {current}."])
    keys = {m.text: (m.kind, m.key) for m in found}
    assert keys[former] == keys[current]
    assert keys[former][0] == "place"


def test_islands_and_regions_by_their_english_names():
    text = "Farmers of Sicily, Crete and Sumatra met delegates from Catalonia, Bavaria and Crimea."
    places = {m.text for m in extract_entities([text]) if m.kind == "place"}
    assert {"Sicily", "Crete", "Sumatra", "Catalonia", "Bavaria", "Crimea"} <= places
    capitals = "THE GOVERNOR OF ACEH AND OFFICIALS FROM INGUSHETIA VISITED MINDANAO."
    places = {m.text for m in extract_entities([capitals]) if m.kind == "place"}
    assert {"ACEH", "INGUSHETIA", "MINDANAO"} <= places


def test_an_apostrophe_garbled_into_a_comma_is_kept_in_a_name():
    """The cable system writes "Howard,s" and "O,Neill": the name is one word still."""
    text = "Secretary Michael L,Estrange met Sean O,Neill. L,Estrange,s view was clear."
    found = [(m.text, m.key) for m in extract_entities([text]) if m.kind == "person"]
    assert [t for t, _ in found] == ["Michael L,Estrange", "Sean O,Neill", "L,Estrange"]
    assert found[0][1] == found[2][1]


def test_letters_joined_to_a_number_name_no_body():
    text = (
        "The PMU-18 scandal grew; the PMU-18 affair and SM-2 and SM-3 missiles were discussed, "
        "as the 6PT were, and the 6PT chief."
    )
    assert [m.text for m in extract_entities([text])] == []


def test_an_ordinal_before_a_congress_or_a_committee_numbers_a_meeting():
    text = (
        "The Eleventh Party Congress will pick the Eleventh Central Committee, unlike the Ninth "
        "Party Plenum. The Second Mercantile Court ruled."
    )
    assert [m.text for m in extract_entities([text])] == ["Second Mercantile Court"]


def test_a_place_that_owns_the_next_word_ends_a_name_after_for():
    text = "He backed the Commission for Turkey's admission and the Bank of Italy's plan."
    found = texts_and_kinds(text)
    assert ("Turkey", "place") in found and ("Bank of Italy", "organization") in found


def test_a_compass_word_joins_a_place_that_begins_a_hyphenated_word():
    text = "They covered South Asia-related issues and Central America-based firms."
    found = texts_and_kinds(text)
    assert found == [("South Asia", "place"), ("Central America", "place")]


def test_a_surname_takes_the_particles_written_before_it():
    text = (
        "Minister Carla del Ponte spoke. We were shocked by del Ponte's letter, as by de la "
        "Rua's. Alberto Fujimori ruled, and others a la Fujimori."
    )
    found = [(m.text, m.key) for m in extract_entities([text]) if m.kind == "person"]
    assert [t for t, _ in found] == [
        "Carla del Ponte",
        "del Ponte",
        "de la Rua",
        "Alberto Fujimori",
        "Fujimori",
    ]
    assert found[0][1] == found[1][1]


def test_a_german_foundation_is_a_body():
    found = extract_entities(["Over fish at an Adenauer Stiftung affair, he spoke."])
    assert [(m.text, m.kind) for m in found] == [("Adenauer Stiftung", "organization")]


def test_a_politburo_is_no_name():
    """Every communist party has one, as every country has a congress."""
    found = extract_entities(["Politburo members since 1996, they joined the Politburo's ranks."])
    assert [m.text for m in found] == []


def test_a_demonym_of_two_words_names_the_government():
    text = "The South African Government and the North Korean Government spoke."
    found = [(m.text, m.key) for m in extract_entities([text])]
    assert found == [
        ("South African Government", "org:government of south africa"),
        ("North Korean Government", "org:government of north korea"),
    ]


def test_two_capitalised_words_before_party_name_it():
    text = "The coalition includes the Socialist Left party, which the Labor party opposes."
    found = texts_and_kinds(text)
    assert ("Socialist Left", "organization") in found


def test_newspapers_parties_and_companies_of_every_region_are_bodies():
    text = (
        "Okada tells Flournoy he is against it (Asahi); the Mail and Guardian and ABC Color said "
        "so, as Fianna Fail and New Komeito did, and Saab and Yukos."
    )
    found = [m.text for m in extract_entities([text]) if m.kind == "organization"]
    assert found == [
        "Asahi",
        "Mail and Guardian",
        "ABC Color",
        "Fianna Fail",
        "New Komeito",
        "Saab",
        "Yukos",
    ]


def test_councilor_is_a_title():
    found = extract_entities(["State Councilor Dai Bingguo came. Dai spoke."])
    people = [(m.text, m.key) for m in found if m.kind == "person"]
    assert [t for t, _ in people] == ["Dai Bingguo", "Dai"]
    assert people[0][1] == people[1][1]


def test_un_missions_are_bodies_met_once():
    found = extract_entities(["UNOMIG confirms that militias are present, MINUSTAH says."])
    assert [(m.text, m.kind) for m in found] == [
        ("UNOMIG", "organization"),
        ("MINUSTAH", "organization"),
    ]


def test_a_lone_name_before_a_verb_of_speech_in_the_present_is_a_person():
    """Press summaries put their headlines in the present: "Okada tells Flournoy"."""
    found = extract_entities(["Later, Okada tells the press he is against it. Okada warns."])
    assert [(m.text, m.kind) for m in found] == [("Okada", "person"), ("Okada", "person")]


def test_a_government_acronym_follows_the_government_the_cable_names_in_full():
    text = "The Government of Ecuador agreed; the GOE denied it."
    found = extract_entities([text], tags=["ES"])  # El Salvador's is GOES
    assert {m.key for m in found} == {"org:government of ecuador"}


def test_an_unknown_word_listed_between_two_places_is_a_place():
    found = extract_entities(["Looting went on in Gori, Kaspi, and Khashuri, said Zorba."])
    assert [(m.text, m.kind) for m in found][:3] == [
        ("Gori", "place"),
        ("Kaspi", "place"),
        ("Khashuri", "place"),
    ]


def test_vice_foreign_minister_is_a_title():
    found = extract_entities(["VFM Chun met the press. The VFM said Chun would go."])
    assert [(m.text, m.kind) for m in found] == [("Chun", "person"), ("Chun", "person")]


def test_an_acronym_of_a_persons_name_is_that_person():
    text = "After Kim Jong-il (KJI) dies, KJI's son rules; Odyssey Marine Exploration (OME) dug."
    found = texts_and_kinds(text)
    assert found[:3] == [("Kim Jong-il", "person"), ("KJI", "person"), ("KJI", "person")]
    assert ("Odyssey Marine Exploration", "organization") in found


def test_a_name_after_a_noun_of_places_is_a_place():
    found = extract_entities(["Fishermen of Lake Albert trained at Fort Benning."])
    assert [(m.text, m.kind) for m in found] == [
        ("Lake Albert", "place"),
        ("Fort Benning", "place"),
    ]


def test_a_kingdom_within_a_country_is_a_place():
    found = extract_entities(["The group bid for autonomy within the Buganda Kingdom."])
    assert [(m.text, m.kind) for m in found] == [("Buganda Kingdom", "place")]


def test_words_after_a_title_in_a_heading_are_no_name():
    found = extract_entities(
        ["Kenyan Foreign Minister Strongly Backs TFG", "Minister Wetangula came."]
    )
    assert [(m.text, m.kind) for m in found if m.kind == "person"] == [("Wetangula", "person")]


def test_a_name_written_as_one_word_or_two_is_one_entity():
    text = (
        "President Ahmadi-Nejad spoke, and Ahmadi-Nejad left; Ahmadinejad said so. The "
        "Nonaligned Movement met the Non-Aligned Movement."
    )
    found = extract_entities([text])
    keys = {m.text: m.key for m in found}
    assert keys["Ahmadi-Nejad"] == keys["Ahmadinejad"]
    assert keys["Nonaligned Movement"] == keys["Non-Aligned Movement"]


def test_a_family_name_before_a_given_name_of_two_syllables():
    """Korean names put the family name first, and it may be an English word ("Park")."""
    text = (
        "Assembly Members Park Jie-won, Park Sun-sook and Seo Jong-pyo came; Park Jie-won "
        "spoke. Later Park said so, as did Seo."
    )
    people = [(m.text, m.key) for m in extract_entities([text]) if m.kind == "person"]
    assert people == [
        ("Park Jie-won", "person:jiewon park"),
        ("Park Sun-sook", "person:sunsook park"),
        ("Seo Jong-pyo", "person:jongpyo seo"),
        ("Park Jie-won", "person:jiewon park"),
        ("Park", "person:jiewon park"),
        ("Seo", "person:jongpyo seo"),
    ]
    assert person_key("KIM JONG-IL") == person_key("Kim Jong-il") == "person:jongil kim"
    # no syllables: not a family name first
    assert person_key("Anne Lazar-Sury") == "person:anne sury"
    assert person_key("Seif Al-Din") == "person:seif din"


def test_an_unknown_acronym_always_before_a_name_is_a_title():
    text = (
        "DASD Michael Schiffer met the press. DASD Schiffer spoke, and the ABN Amro bank "
        "agreed, as ABN did."
    )
    found = texts_and_kinds(text)
    assert ("DASD", "organization") not in found
    assert found[:2] == [("Michael Schiffer", "person"), ("Schiffer", "person")]
    assert ("ABN", "organization") in found  # never before a full name: a body's


def test_particles_inside_a_titled_name_are_no_words_of_the_four():
    text = (
        "Assistant Secretary Jose Antonio de Macedo Soares spoke. Vice President Maria Teresa "
        "Fernandez De La Vega agreed. President Luiz Inacio Lula da Silva came; Lula said so."
    )
    found = [(m.text, m.key) for m in extract_entities([text]) if m.kind == "person"]
    assert [t for t, _ in found] == [
        "Jose Antonio de Macedo Soares",
        "Maria Teresa Fernandez De La Vega",
        "Luiz Inacio Lula da Silva",
        "Lula",
    ]
    assert found[2][1] == found[3][1]  # a name inside the full one, used alone


def test_a_place_or_party_before_based_or_led_makes_no_person():
    text = "Abu Dhabi-based Al Maabar and the SNP-led government met the Solis-led coalition."
    people = [m.text for m in extract_entities([text]) if m.kind == "person"]
    assert people == []


def test_a_body_before_a_title_is_named_without_the():
    text = (
        "He met National Assembly Chair Nguyen Phu Trong and Ministry of Agriculture Permanent "
        "Secretary Romano Kiome; Cho is a first-term National Assembly Member."
    )
    found = texts_and_kinds(text)
    assert found == [
        ("National Assembly", "organization"),
        ("Nguyen Phu Trong", "person"),
        ("Ministry of Agriculture", "organization"),
        ("Romano Kiome", "person"),
        ("National Assembly", "organization"),
    ]


def test_a_known_word_after_a_portfolio_is_the_name():
    text = (
        "He wrote to Secretary of State Rice, then to Secretary of State Clinton, and met "
        "Secretary of Defense Gates; the Director of Trade Monitoring, Trejos, came."
    )
    found = texts_and_kinds(text)
    assert ("Rice", "person") in found and ("Gates", "person") in found
    assert ("Clinton", "person") in found and ("Clinton", "place") not in found
    assert not any(text == "Monitoring" for text, _ in found)


def test_a_title_of_several_names_each_of_them():
    text = "Presidents Lula and Obama agreed, as President-elect Obama had hoped."
    people = [m.text for m in extract_entities([text]) if m.kind == "person"]
    assert people == ["Lula", "Obama", "Obama"]


def test_a_town_named_like_a_president_before_administration_is_the_president():
    text = (
        "The Obama administration's plan differs from the Bush Administration's, said the "
        "Kabul government."
    )
    found = texts_and_kinds(text)
    assert found == [("Obama", "person"), ("Bush", "person"), ("Kabul", "place")]


def test_an_acronym_of_a_post_or_a_class_of_people_is_no_body():
    text = (
        "The Fraud Prevention Manager (FPM) met Internally Displaced Persons (IDPs) and the "
        "Office of Refugee Resettlement (ORR). The FPM and the ORR spoke."
    )
    bodies = [m.text for m in extract_entities([text]) if m.kind == "organization"]
    assert bodies == ["Office of Refugee Resettlement", "ORR", "ORR"]


def test_us_in_capitals_is_the_country_as_a_subject_or_after_in():
    text = (
        "EMBOFF REPLIED US DID NOT ACCEPT IT. HE WAS IN US DISCUSSING IT. HE TOLD US THAT "
        "THEY WOULD HELP US."
    )
    found = [(m.text, m.start) for m in extract_entities([text])]
    assert found == [("US", text.index("US DID")), ("US", text.index("US DISCUSSING"))]


def test_a_body_met_in_the_cable_is_found_inside_a_hyphenated_word():
    text = (
        "The Ogaden National Liberation Front (ONLF) attacked. ONLF-sponsored raids and "
        "anti-ONLF operations went on."
    )
    onlf = [m for m in extract_entities([text]) if m.text == "ONLF"]
    assert [m.start for m in onlf] == [
        text.index("ONLF)"),
        text.index("ONLF-sponsored"),
        text.index("ONLF operations"),
    ]
    assert len({m.key for m in onlf}) == 1


def test_a_province_or_district_after_a_place_names_that_place():
    text = (
        "He visited Kirkuk Province, Bandipora District and Mpumalanga Province, not the "
        "Eastern Province nor the Negra Hipolita Maternity Ward."
    )
    found = [(m.text, m.key) for m in extract_entities([text])]
    assert found == [
        ("Kirkuk Province", "place:kirkuk"),
        ("Bandipora District", "place:bandipora"),
        ("Mpumalanga Province", "place:mpumalanga"),
    ]
    assert extract_entities(["Kirkuk is calm."])[0].key == "place:kirkuk"


def test_a_given_name_after_a_portfolio_begins_the_name():
    text = (
        "He met Minister of Finance David Mwiraria, Minister of Commerce Hassan Fakhro and the "
        "former President of El Salvador Flores."
    )
    found = texts_and_kinds(text)
    assert ("David Mwiraria", "person") in found and ("Hassan Fakhro", "person") in found
    assert ("El Salvador", "place") in found
    assert not any(kind == "place" and text in ("David", "Hassan") for text, kind in found)


def test_a_camp_is_named_by_the_word_after_it():
    text = (
        "After the summit at Camp David, the residents of Camp Ashraf protested; Representative "
        "Dave Camp spoke, and the refugee camp was full."
    )
    found = texts_and_kinds(text)
    assert found == [
        ("Camp David", "place"),
        ("Camp Ashraf", "place"),
        ("Dave Camp", "person"),
    ]


def test_a_word_for_people_inside_a_bodys_name_is_part_of_it():
    text = (
        "The ruling Ethiopian People's Revolutionary Democratic Front (EPRDF) and the Tigrean "
        "People's Liberation Front (TPLF) met the General People's Congress, the Citizens' "
        "Action Party (PAC) and the Ministry of Health's Sanitary Vigilance Agency (ANVISA)."
    )
    found = [(m.text, m.kind, m.key) for m in extract_entities([text])]
    eprdf = "org:ethiopian peoples revolutionary democratic front"
    assert ("Ethiopian People's Revolutionary Democratic Front", "organization", eprdf) in found
    assert ("EPRDF", "organization", eprdf) in found
    assert ("TPLF", "organization", "org:tigrean peoples liberation front") in found
    assert ("General People's Congress", "organization", "org:general peoples congress") in found
    assert ("Citizens' Action Party", "organization", "org:citizens action party") in found
    # a body owning another is two names
    assert ("Ministry of Health", "organization", "org:ministry of health") in found
    assert not any(kind == "person" for _, kind, _ in found)


def test_an_office_for_a_part_of_the_world_is_a_body_a_regions_division_a_place():
    text = (
        "MFA Asia Department Counselor Yang Jian, the FCO's Africa Directorate and Kenyan MFA "
        "Horn of Africa Division officials met in Yacopi, Cundinamarca Department, far from "
        "central Magway Division."
    )
    found = texts_and_kinds(text)
    assert ("Asia Department", "organization") in found
    assert ("Africa Directorate", "organization") in found
    assert ("Horn of Africa Division", "organization") in found
    assert ("Cundinamarca", "place") in found and ("Magway", "place") in found
    assert not any(kind == "organization" and "Magway" in text for text, kind in found)


def test_the_first_word_of_a_place_before_its_peoples_adjective_is_no_mention():
    paragraphs = [
        "Costa Rica and Latin America met in Sri Lanka.",
        "Costa Ricans, Latin American leaders and Sri Lankan officials agreed; Costa "
        "Rica-Nicaragua relations and the Costa Rican-Chinese effort were discussed in Costa.",
    ]
    found = [(m.paragraph_position, m.text, m.kind) for m in extract_entities(paragraphs)]
    assert [(text, kind) for p, text, kind in found if p == 1] == [
        ("Costa", "place"),  # "Costa Rica-Nicaragua"
        ("Nicaragua", "place"),
        ("Costa", "place"),  # alone, after "Costa Rica"
    ]
    assert not any(kind == "person" for _, _, kind in found)


def test_a_particle_inside_a_given_name_and_surname_joins_them():
    paragraphs = [
        "He met Catarina de Albuquerque, Antonio de Padua Rodrigues and Theo van Gogh near "
        "the Rio de la Plata; Korea was not discussed.",
        "Padua said de Albuquerque was right.",
    ]
    found = [(m.paragraph_position, m.text, m.kind, m.key) for m in extract_entities(paragraphs)]
    people = [(p, text) for p, text, kind, _ in found if kind == "person"]
    assert people == [
        (0, "Catarina de Albuquerque"),
        (0, "Antonio de Padua Rodrigues"),
        (0, "Theo van Gogh"),
        (1, "Padua"),
        (1, "de Albuquerque"),
    ]
    keys = {text: key for _, text, _, key in found}
    assert keys["Padua"] == keys["Antonio de Padua Rodrigues"]
    assert (0, "Korea", "place", "place:korea") in found


def test_a_surname_met_again_keeps_the_particles_of_the_full_name():
    paragraphs = [
        "Minister of Planning Julio De Vido met Pieter de Gooijer and Herman von Hebel about "
        "Theo van Gogh.",
        "De Vido said that an invitation to De Gooijer stood, as the Van Gogh film showed; "
        "Registrar von Hebel agreed.",
    ]
    found = [(m.paragraph_position, m.text, m.key) for m in extract_entities(paragraphs)]
    again = [(text, key) for position, text, key in found if position == 1]
    assert [text for text, _ in again] == ["De Vido", "De Gooijer", "Van Gogh", "von Hebel"]
    first = {text: key for position, text, key in found if position == 0}
    assert [key for _, key in again] == [
        first["Julio De Vido"],
        first["Pieter de Gooijer"],
        first["Theo van Gogh"],
        first["Herman von Hebel"],
    ]


def test_a_four_word_name_defined_by_an_acronym_is_a_person():
    paragraphs = [
        "Presidential candidate for the Coalition for the Good of All, Andres Manuel Lopez "
        "Obrador (AMLO), held his first meeting in the Zocalo. AMLO used the venue to speak.",
        "The Juan Carlos Rey Foundation (JCRF) paid for it, said the JCRF.",
    ]
    found = [(m.text, m.kind, m.key) for m in extract_entities(paragraphs)]
    amlo = [(text, kind, key) for text, kind, key in found if "AMLO" in text or "Obrador" in text]
    assert [(text, kind) for text, kind, _ in amlo] == [
        ("Andres Manuel Lopez Obrador", "person"),
        ("AMLO", "person"),
        ("AMLO", "person"),
    ]
    assert len({key for _, _, key in amlo}) == 1
    assert ("Juan Carlos Rey Foundation", "organization") in [(t, k) for t, k, _ in found]


def test_the_initials_cables_give_well_known_people_are_those_people():
    # Embassy Buenos Aires and Embassy Rangoon write "CFK" and "ASSK" more often than the
    # names, and often without defining them: neither is an organisation.
    paragraphs = [
        "President Cristina Fernandez de Kirchner (CFK) spoke; Taiana met CFK-aligned deputies.",
        "CFK's husband Nestor Kirchner ran. Later the NLD said ASSK met DASSK's lawyers; "
        "ASSK left.",
        "PRESIDENT CFK CALLED.",
    ]
    found = [(m.paragraph_position, m.text, m.kind, m.name) for m in extract_entities(paragraphs)]
    people = [(p, text, name) for p, text, kind, name in found if kind == "person"]
    cristina, suu_kyi = "Cristina Fernandez de Kirchner", "Aung San Suu Kyi"
    assert people == [
        (0, cristina, cristina),
        (0, "CFK", cristina),
        (0, "CFK", cristina),  # the part of "CFK-aligned"
        (1, "CFK", cristina),
        (1, "Nestor Kirchner", "Nestor Kirchner"),
        (1, "ASSK", suu_kyi),
        (1, "DASSK", suu_kyi),
        (1, "ASSK", suu_kyi),
        (2, "CFK", cristina),  # in capitals, the name as listed
    ]
    assert [text for _, text, kind, _ in found if kind == "organization"] == ["NLD"]
    keys = {m.key for m in extract_entities(paragraphs) if m.name == suu_kyi}
    assert keys == {m.key for m in extract_entities([f"{suu_kyi} spoke."])}


def test_an_arabic_family_name_after_al_belongs_to_the_person():
    paragraphs = [
        "Former Prime Minister Al Sadiq Al Mahdi met Al Jazeera.",
        "Al Mahdi said so. After Emir Isa bin Salman Al Khalifa, Hamad bin Isa Al Khalifa "
        "ruled; he chose Khalid bin Ahmed Al Khalifa. Luiz Inacio Lula da Silva's aide met "
        "Shaikh Ali Salman and President Lula.",
    ]
    found = [(m.text, m.kind, m.name) for m in extract_entities(paragraphs)]
    assert found == [
        ("Al Sadiq Al Mahdi", "person", "Al Sadiq Al Mahdi"),
        ("Al Jazeera", "organization", "Al Jazeera"),
        ("Al Mahdi", "person", "Al Sadiq Al Mahdi"),
        ("Isa bin Salman Al Khalifa", "person", "Isa bin Salman Al Khalifa"),
        ("Hamad bin Isa Al Khalifa", "person", "Hamad bin Isa Al Khalifa"),
        ("Khalid bin Ahmed Al Khalifa", "person", "Khalid bin Ahmed Al Khalifa"),
        ("Luiz Inacio Lula da Silva", "person", "Luiz Inacio Lula da Silva"),
        ("Ali Salman", "person", "Ali Salman"),
        ("Lula", "person", "Luiz Inacio Lula da Silva"),
    ]


def test_a_letter_alone_names_no_one():
    text = "Acting U/S Michael Wynne and Deputy U/S Lisa Bronson came; sugar cost Z$1.2 million."
    assert [(m.text, m.kind) for m in extract_entities([text])] == [
        ("Michael Wynne", "person"),
        ("Lisa Bronson", "person"),
    ]


def test_an_acronym_for_a_program_a_product_or_a_term_names_no_body():
    text = (
        "Agreement on End Use Monitoring (EUM) and the Joint Strike Fighter (JSF) came before "
        "the Conventional Forces in Europe (CFE) treaty, the National Liberation Party (PLN) "
        "Program of Government and the Nuclear Weapons Transportation Security (NWTS) Program; "
        "Gross Domestic Product (GDP) grew, and the EUM and the JSF were discussed."
    )
    found = texts_and_kinds(text)
    assert found == [
        ("Europe", "place"),
        ("National Liberation Party", "organization"),
        ("PLN", "organization"),
    ]


def test_a_towns_name_before_a_persons_name_begins_it_and_st_is_saint():
    paragraphs = [
        "Officers respect Aung San Suu Kyi; Suu Kyi met NSC Director Mary Warlick in "
        "St. Petersburg, St. Kitts and Ft. Lauderdale.",
        "The Nicaraguan Ambassador to Costa Rica Harold Rivas spoke.",
    ]
    found = [(m.paragraph_position, m.text, m.kind, m.key) for m in extract_entities(paragraphs)]
    assert [(p, text, kind) for p, text, kind, _ in found] == [
        (0, "Aung San Suu Kyi", "person"),
        (0, "Suu Kyi", "person"),
        (0, "NSC", "organization"),
        (0, "Mary Warlick", "person"),
        (0, "St. Petersburg", "place"),
        (0, "St. Kitts", "place"),
        (0, "Ft. Lauderdale", "place"),
        (1, "Costa Rica", "place"),
        (1, "Harold Rivas", "person"),
    ]
    assert found[0][3] == found[1][3]


def test_words_of_longer_titles_are_no_names():
    text = (
        "First Lady Suzanne Mubarak, Registrar Robin Vincent, German PermRep Brandenburg, "
        "Undersecretary Levey and the General Manager of Yanber met; RZB General Legal Counsel "
        "and Deputy Chief Whip spoke, and EAP Deputy Assistant (DAS) Secretary Reed too."
    )
    found = texts_and_kinds(text)
    assert [text for text, kind in found if kind == "person"] == [
        "Suzanne Mubarak",
        "Robin Vincent",
        "Brandenburg",
        "Levey",
        "Reed",
    ]
    assert not any(text in ("DAS", "Deputy Assistant") for text, _ in found)


def test_a_city_naming_a_treaty_or_a_round_is_no_mention_of_it():
    text = (
        "Under the Merida Initiative, the Lisbon Treaty, the Kyoto Protocol, the Doha "
        "Development Agenda and the Doha round, the Djibouti Agreement held; the London "
        "Conference met in London, and Merida is a city."
    )
    found = texts_and_kinds(text)
    assert found == [
        ("Djibouti", "place"),
        ("London", "place"),
        ("London", "place"),
        ("Merida", "place"),
    ]


def test_a_doubtful_name_lends_no_word_that_names_a_country_or_a_big_city():
    paragraphs = [
        "FM AMEMBASSY TRIPOLI TO SECSTATE WASHDC",
        "Greek Embassy officials in Tripoli met DefMin Gonul; Consulate General Istanbul and "
        "the Istanbul police agreed. Ricardo Lagos spoke, and Lagos then left.",
    ]
    found = [(m.paragraph_position, m.text, m.kind) for m in extract_entities(paragraphs)]
    later = [(text, kind) for p, text, kind in found if p == 1]
    assert ("Tripoli", "place") in later and ("Gonul", "person") in later
    assert later.count(("Istanbul", "place")) == 2
    assert [kind for text, kind in later if text == "Lagos"] == ["person"]


def test_the_niger_delta_is_one_place_and_the_rome_statute_no_place():
    found = texts_and_kinds("Violence in the Niger Delta grew; the Rome Statute was signed.")
    assert found == [("Niger Delta", "place")]


def test_a_bank_named_after_the_word_bank_is_one_body():
    text = (
        "Bank Sabadell, Bank Melli and Bank Austria met the World Bank President; Banco "
        "Sabadell and al-Shabaab too."
    )
    assert texts_and_kinds(text) == [
        ("Bank Sabadell", "organization"),
        ("Bank Melli", "organization"),
        ("Bank Austria", "organization"),
        ("World Bank", "organization"),
        ("Banco Sabadell", "organization"),
        ("al-Shabaab", "organization"),
    ]


def test_peoples_and_faiths_are_no_names():
    text = "Turkey's Alevis and an Alevi leader, the Kikuyu and a Tuareg met Kazim Genc."
    assert texts_and_kinds(text) == [("Turkey", "place"), ("Kazim Genc", "person")]
