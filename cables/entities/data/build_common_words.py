"""Rebuild common_words.txt: the words that cable writers put in lower case.

Source: the mixed-case paragraphs of the 1,000 public Cablegate cables in
``../shared/corpus/wikileaks-cables-1000.tar.gz``. A word written in lower case at least three
times, in at least two cables, is an ordinary word; written capitalised or in an all-capitals
cable it is then no evidence of a name. Run from the project root:

    .venv/bin/python cables/entities/data/build_common_words.py
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WORD = re.compile(r"\b[a-z][a-z'\-]*[a-z]\b")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from cables.parsing import parse_cable
    from tests.parsing_helpers import iter_pages

    counts: Counter[str] = Counter()
    cables: Counter[str] = Counter()
    for page in iter_pages():
        try:
            cable = parse_cable(page.text)
        except Exception:
            continue
        seen: set[str] = set()
        for paragraph in cable.paragraphs:
            text = paragraph.text
            letters = [c for c in text if c.isalpha()]
            if sum(c.islower() for c in letters) < 0.3 * max(len(letters), 1):
                continue
            words = WORD.findall(text)
            counts.update(words)
            seen.update(words)
        cables.update(seen)
    common = sorted(w for w, n in counts.items() if n >= 3 and cables[w] >= 2)
    out = Path(__file__).with_name("common_words.txt")
    out.write_text("\n".join(common) + "\n", encoding="utf-8")
    print(f"{len(common)} words -> {out}")


if __name__ == "__main__":
    main()
