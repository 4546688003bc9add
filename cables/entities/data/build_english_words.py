"""Rebuild english_words.txt: English words that are never a name, for all-capitals text.

Source: Debian's wamerican and wbritish word lists (SCOWL, by Kevin Atkinson; a permissive
licence: use, copy, modify and distribute for any purpose with the copyright notice, see
/usr/share/doc/wamerican/copyright). Those lists write proper nouns with a capital ("Wagner",
"Baker") and ordinary words in lower case ("widow", "raider"). A word listed in lower case and
never capitalised is an ordinary word: in an all-capitals cable it is no evidence of a name.
Left out: possessives, words already in common_words.txt (the cables' own list), and forms the
extractor derives from a listed word by its suffix rules (-s, -es, -ed, -ing, -ly, -ies).
Run by hand when the lists change:

    apt-get install wamerican wbritish && python cables/entities/data/build_english_words.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = [Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english")]


def main() -> None:
    sys.path.insert(0, str(HERE.parents[2]))
    from cables.entities.extract import base_listed  # the extractor's suffix rules

    lower: set[str] = set()
    capitalised: set[str] = set()
    for source in SOURCES:
        for line in source.read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if not word or word.endswith("'s") or not word.isascii():
                continue
            (lower if word[0].islower() else capitalised).add(word.lower())
    common = set((HERE / "common_words.txt").read_text(encoding="utf-8").split())
    words = {w for w in lower - {c.lower() for c in capitalised} if len(w) > 2}
    known = frozenset(words | common)
    kept = sorted(w for w in words - common if not base_listed(w, known))
    header = "# English words never capitalised in wamerican/wbritish (SCOWL); see README.md\n"
    (HERE / "english_words.txt").write_text(header + "\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} words -> english_words.txt")


if __name__ == "__main__":
    main()
