"""Rebuild iso-3166-2-regions.tsv: the first-level subdivisions of every country (states,
provinces, regions, governorates...), from the ISO 3166-2 list of Debian's iso-codes package.

Run by hand when the list needs refreshing:

    apt-get install iso-codes && python cables/entities/data/build_regions.py

Source: iso-codes 4.15 (https://salsa.debian.org/iso-codes-team/iso-codes), LGPL-2.1-or-later.
Only the subdivisions without a parent are kept, and not the small units some countries list
at that level (municipalities, communes, parishes named after saints...). ISO writes names in
the country's own romanisation; cables use the short form, so the qualifiers are dropped
("Dagestan, Respublika" -> Dagestan, "Guangdong Sheng" -> Guangdong, "Ilocos (Region I)" ->
Ilocos), a bracketed second name becomes another name ("Catalunya [Cataluña]"), and a name
with an Arabic article gets one without it and one hyphenated ("Al Anbār": Anbār, Al-Anbār).
"""

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = Path("/usr/share/iso-codes/json/iso_3166-2.json")
SMALL_UNITS = {
    "Municipality",
    "Local council",
    "District municipality",
    "Rural municipality",
    "Urban municipality",
    "City municipality",
    "Special municipality",
    "Commune",
    "Parish",
    "Quarter",
    "Island council",
    "Town",
    "Borough",
    "Administrative atoll",
}
CHINESE_QUALIFIERS = {
    "Sheng",
    "Shi",
    "Zizhiqu",
    "Huizu",
    "Huizi",
    "Zhuangzu",
    "Uygur",
    "Tebiexingzhengqu",
    "SAR",
}
ARTICLE = re.compile(r"(A[lnrstdz]|Ash|Aş|Aḑ|Aţ|Ar) (?=\w)")


def names(raw: str) -> list[str]:
    main, _, other = raw.partition("[")
    found = []
    for name in [main, other.split("]")[0]] if other else [main]:
        name = re.sub(r"\(.*?\)|\b[A-Z]{2}-\w+", "", name).split(",")[0].strip()
        words = name.split()
        while len(words) > 1 and words[-1] in CHINESE_QUALIFIERS:
            words.pop()
        name = " ".join(words)
        if not name or "/" in name or name[0].islower():
            continue
        found.append(name)
        if ARTICLE.match(name) and len(words) > 1:
            found.append(ARTICLE.sub("", name, count=1))
            found.append(name.replace(" ", "-", 1))
    return list(dict.fromkeys(found))


def main():
    subdivisions = json.loads(SOURCE.read_text(encoding="utf-8"))["3166-2"]
    rows = []
    for entry in subdivisions:
        if "parent" in entry or entry["type"] in SMALL_UNITS:
            continue
        found = names(entry["name"])
        if found:
            country = entry["code"].split("-")[0]
            rows.append((country, entry["type"], found[0], "|".join(found[1:])))
    lines = ["country\ttype\tname\tother names", *("\t".join(row) for row in sorted(rows))]
    (HERE / "iso-3166-2-regions.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
