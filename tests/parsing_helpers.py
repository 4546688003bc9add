"""Helpers for the parser tests: read the WikiLeaks pages of the shared corpus.

Unwrapping pages is the importer's job; this small version only serves the tests.
"""

from __future__ import annotations

import html
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS_TAR = CORPUS_DIR / "wikileaks-cables-1000.tar.gz"
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"

_PRE = re.compile(r"<pre>(.*?)</pre>", re.S)
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S)
_TABLE = re.compile(r"<table class='cable'>(.*?)</table>", re.S)
_CELL = re.compile(r"<td>\s*(.*?)\s*</td>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Page:
    name: str  # path inside the archive
    reference_id: str
    created: str  # "2006-04-27 02:23"
    label: str  # "CONFIDENTIAL//NOFORN"
    origin: str  # "Embassy Baku"
    text: str  # header + "\n\n" + body


def _unwrap_pre(block: str) -> str:
    block = _LINK.sub(r"\1", block)
    block = block.replace("&#x000A;", "\n")
    return html.unescape(block)


def unwrap_page(page: str) -> tuple[str, dict[str, str]]:
    """(cable text, metadata) of one WikiLeaks cable page: the two <pre> blocks with the links
    stripped (keeping their text), newlines restored and entities unescaped, joined by a blank
    line; the metadata table as a dict."""
    blocks = _PRE.findall(page)
    text = "\n\n".join(_unwrap_pre(b) for b in blocks[:2])
    meta: dict[str, str] = {}
    table = _TABLE.search(page)
    if table:
        cells = [html.unescape(_TAG.sub("", c)).strip() for c in _CELL.findall(table.group(1))]
        meta = dict(
            zip(["reference_id", "created", "released", "label", "origin"], cells, strict=False)
        )
    return text, meta


def iter_pages(limit: int | None = None) -> Iterator[Page]:
    """The 1,000 pages of the corpus, in archive order."""
    with tarfile.open(CORPUS_TAR) as tf:
        count = 0
        for member in tf:
            if not member.isfile() or not member.name.endswith(".html"):
                continue
            raw = tf.extractfile(member)
            if raw is None:
                continue
            text, meta = unwrap_page(raw.read().decode("utf-8", errors="replace"))
            yield Page(
                name=member.name,
                reference_id=meta.get("reference_id", ""),
                created=meta.get("created", ""),
                label=meta.get("label", ""),
                origin=meta.get("origin", ""),
                text=text,
            )
            count += 1
            if limit is not None and count >= limit:
                return


def seed_text(prefix: str) -> str:
    """The text of the seed document whose file name starts with ``prefix`` ("000")."""
    (path,) = SEEDS_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")
