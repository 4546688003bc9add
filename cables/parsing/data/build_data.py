"""Regenerate the data files of ``cables.parsing`` from the shared corpus.

Run from the project root: ``.venv/bin/python cables/parsing/data/build_data.py``.

* ``reference-ids.txt.gz``: ../shared/corpus/cable-ids.txt (all 251,287 reference IDs of the
  Cablegate release), gzipped, used to resolve the year of a cable whose text carries no
  date-time group (partial extracts).
* ``stations.tsv``: every station of cable-ids.txt used by at least four IDs, with its spaced
  name and display name. Kinds (Embassy/Consulate/...) and spaced names are learned from the
  routing headers (``AMCONSUL SAO PAULO``, ``AMEMBASSY PORT AU PRINCE``) of the 1,000 WikiLeaks
  pages in ../shared/corpus/wikileaks-cables-1000.tar.gz; the few special posts are listed in
  SPECIAL below (names as WikiLeaks showed them).
"""

import collections
import gzip
import html
import re
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[3] / "shared" / "corpus"

SPECIAL = {
    "STATE": ("SECSTATE", "Secretary of State"),
    "USUNNEWYORK": ("USUN NEW YORK", "USUN New York"),
    "USNATO": ("USNATO", "Mission USNATO"),
    "UNVIEVIENNA": ("UNVIE VIENNA", "UNVIE"),
    "USEUBRUSSELS": ("USEU BRUSSELS", "USEU Brussels"),
    "AITTAIPEI": ("AIT TAIPEI", "American Institute Taiwan, Taipei"),
    "IRANRPODUBAI": ("IRAN RPO DUBAI", "Iran RPO Dubai"),
    "RPODUBAI": ("RPO DUBAI", "Iran RPO Dubai"),
    "GENEVA": ("GENEVA", "US Mission Geneva"),
    "HAVANA": ("HAVANA", "US Interests Section Havana"),
    "USOSCE": ("USOSCE", "Mission USOSCE"),
    "UNROME": ("UN ROME", "UN Rome"),
    "UNESCOPARISFR": ("UNESCO PARIS FR", "Mission UNESCO"),
    "CDGENEVA": ("CD GENEVA", "Mission CD Geneva"),
    "USTRGENEVA": ("USTR GENEVA", "Mission USTR Geneva"),
    "PARTO": ("PARTO", "Secretary of State"),
    "FESTTWO": ("FEST TWO", "Secretary of State"),
}


# US consulates of the release that the corpus headers never mention (general knowledge).
KNOWN_CONSULATES = {
    "ADANA": "ADANA",
    "ALEXANDRIA": "ALEXANDRIA",
    "AUCKLAND": "AUCKLAND",
    "CALGARY": "CALGARY",
    "CAPETOWN": "CAPE TOWN",
    "DHAHRAN": "DHAHRAN",
    "DURBAN": "DURBAN",
    "DUSSELDORF": "DUSSELDORF",
    "HALIFAX": "HALIFAX",
    "HAMBURG": "HAMBURG",
    "HAMILTON": "HAMILTON",
    "IZMIR": "IZMIR",
    "KADUNA": "KADUNA",
    "LEIPZIG": "LEIPZIG",
    "MARSEILLE": "MARSEILLE",
    "MUNICH": "MUNICH",
    "QUEBEC": "QUEBEC",
    "STPETERSBURG": "ST PETERSBURG",
    "STRASBOURG": "STRASBOURG",
    "SURABAYA": "SURABAYA",
    "THESSALONIKI": "THESSALONIKI",
    "TORONTO": "TORONTO",
    "VANCOUVER": "VANCOUVER",
    "YEKATERINBURG": "YEKATERINBURG",
    "MADRAS": "MADRAS",
    "KOLKATA": "KOLKATA",
    "HONGKONG": "HONG KONG",
    "CHIANGMAI": "CHIANG MAI",
    "HOCHIMINHCITY": "HO CHI MINH CITY",
    "OSAKAKOBE": "OSAKA KOBE",
    "CIUDADJUAREZ": "CIUDAD JUAREZ",
    "NUEVOLAREDO": "NUEVO LAREDO",
}
KNOWN_EMBASSIES = {"AMEMBASSYHANOI": "HANOI", "BANDARSERIBEGAWAN": "BANDAR SERI BEGAWAN"}


def header_mentions():
    """(kind, spaced name) seen after AMEMBASSY / AMCONSUL in the corpus routing headers."""
    seen = collections.defaultdict(collections.Counter)
    pat = re.compile(
        r"\b(AMEMBASSY|AMCONSUL|AMCONGEN)\s+([A-Z][A-Z ]{1,30}?)\s*"
        r"(?:\d|PRIORITY|IMMEDIATE|ROUTINE|NIACT|FLASH|$)",
        re.M,
    )
    with tarfile.open(CORPUS / "wikileaks-cables-1000.tar.gz") as tf:
        for member in tf:
            if not member.name.endswith(".html"):
                continue
            page = tf.extractfile(member).read().decode("utf-8")
            pres = re.findall(r"<pre>(.*?)</pre>", page, re.S)
            if not pres:
                continue
            text = html.unescape(pres[0].replace("&#x000A;", "\n"))
            for kind, name in pat.findall(text):
                kind = "Consulate" if kind != "AMEMBASSY" else "Embassy"
                seen[name.replace(" ", "")][(kind, name)] += 1
    return seen


def main():
    ids = (CORPUS / "cable-ids.txt").read_text().split()
    with gzip.open(HERE / "reference-ids.txt.gz", "wt", compresslevel=9) as out:
        out.write("\n".join(sorted(ids)) + "\n")
    counts = collections.Counter()
    for rid in ids:
        m = re.fullmatch(r"\d\d([A-Z]+?)\d+", rid)
        if m:
            counts[m.group(1)] += 1
    seen = header_mentions()
    rows = []
    for code in sorted(counts):
        if counts[code] < 4 or code.startswith("EFTO"):
            continue
        if code in SPECIAL:
            spaced, display = SPECIAL[code]
        elif code in KNOWN_EMBASSIES:
            spaced = KNOWN_EMBASSIES[code]
            display = f"Embassy {spaced.title()}"
        elif code in seen:
            kind, spaced = seen[code].most_common(1)[0][0]
            display = f"{kind} {spaced.title()}"
        elif code in KNOWN_CONSULATES:
            spaced = KNOWN_CONSULATES[code]
            display = f"Consulate {spaced.title()}"
        else:
            spaced, display = code, f"Embassy {code.title()}"
        rows.append(f"{code}\t{spaced}\t{display}")
    (HERE / "stations.tsv").write_text(
        "# code\tspaced name\tdisplay name (generated by build_data.py from cable-ids.txt)\n"
        + "\n".join(rows)
        + "\n"
    )


if __name__ == "__main__":
    main()
