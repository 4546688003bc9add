"""Turn every kind of input into ``RawDocument`` objects for the cable parser.

Inputs are files, folders (walked recursively in sorted order, symlinks followed with loop
detection) and archives (``.tar``, ``.tar.gz``/``.tgz``/``.tar.bz2``/``.tar.xz`` read as a
stream, ``.zip``), all recognised by their content, never by their name. Each file is one of:

* a WikiLeaks cable page (``format="html"``): metadata from the "Reference ID" table, text from
  the two ``<pre>`` blocks with WikiLeaks' links, ``&#x000A;`` newlines and entities undone;
* a ``cables.csv`` file (``format="csv"``): streamed record by record in constant memory, one
  document per row;
* anything else that is text (``format="text"``): plain text or a markdown-like rendering.

Nothing here raises for a bad input: every problem becomes a document whose ``error`` is a
one-line reason, and reading goes on with the next input. Pure standard library, no Django.
"""

from __future__ import annotations

import bz2
import codecs
import errno
import gzip
import hashlib
import html
import html.entities
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

__all__ = ["RawDocument", "count_inputs", "read_documents", "read_page"]

SNIFF_BYTES = 64 * 1024
READ_CHUNK = 1024 * 1024
# A single cable (HTML page or text file) is at most a few hundred KB; anything bigger than
# this that is not a CSV is rejected instead of being loaded into memory.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
# Longest CSV record accepted before the reader decides a quote was never closed.
MAX_CSV_RECORD_BYTES = 16 * 1024 * 1024
# Average size of a cables.csv row (1.7 GB / 251,287 rows), for count_inputs' estimate.
CSV_AVERAGE_ROW_BYTES = 6800

CSV_FIELDS = 8


@dataclass
class RawDocument:
    """One input document, before parsing.

    ``source`` says where it came from ("dir/x.html", "corpus.tar.gz:cable/2006/04/X.html",
    "cables.csv:row 2"); ``format`` is "html", "csv" or "text" ("unknown" for an error
    document whose format could not be told); ``text`` is what the parser reads (None for an
    error document); ``metadata`` holds what the container says (html and csv only);
    ``error`` is a one-line reason when the input is rejected; ``content_hash`` is the sha256
    of the UTF-8 text, or of the raw bytes when there is no text; ``source_hash`` is the sha256
    of the bytes the document was read from (the file, the archive member, the CSV row).

    A page (a file or an archive member holding one document) can be left unread
    (``read_documents(..., leave_unread=True)``): ``format`` is then "unread", ``text`` None
    and ``data`` its bytes, until ``read_page`` reads it. An import leaves pages unread until
    it knows that their bytes are not stored already.
    """

    source: str
    format: str
    text: str | None
    metadata: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    content_hash: str = ""
    source_hash: str = ""
    data: bytes | None = None


# --------------------------------------------------------------------------- helpers


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one_line(message: str, limit: int = 300) -> str:
    message = " ".join(str(message).split())
    if len(message) > limit:
        message = message[: limit - 1] + "…"
    return message


def _text_document(
    source: str,
    fmt: str,
    text: str,
    metadata: dict | None = None,
    notes: list[str] | None = None,
    source_hash: str = "",
) -> RawDocument:
    return RawDocument(
        source=source,
        format=fmt,
        text=text,
        metadata=metadata or {},
        notes=notes or [],
        error=None,
        content_hash=_sha256(text.encode("utf-8", "surrogatepass")),
        source_hash=source_hash,
    )


def _error_document(
    source: str,
    error: str,
    raw_hash: str | None = None,
    fmt: str = "unknown",
    notes: list[str] | None = None,
    metadata: dict | None = None,
) -> RawDocument:
    return RawDocument(
        source=source,
        format=fmt,
        text=None,
        metadata=metadata or {},
        notes=notes or [],
        error=_one_line(error),
        content_hash=raw_hash if raw_hash is not None else _sha256(b""),
    )


def _os_error_message(exc: OSError, path: str) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return "unreadable: dangling symlink"
    reason = exc.strerror or exc.__class__.__name__
    return f"unreadable: {reason}"


class _Replay:
    """A read-only binary stream that first returns ``head`` and then the rest of ``rest``."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            data = self._head + self._rest.read()
            self._head = b""
            return data
        if self._head:
            data = self._head[:size]
            self._head = self._head[size:]
            if len(data) < size:
                data += self._rest.read(size - len(data)) or b""
            return data
        return self._rest.read(size) or b""

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._head = b""


def _read_up_to(stream, size: int) -> bytes:
    """Read ``size`` bytes, or fewer only at the end of the stream."""
    parts = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _drain_hash(head: bytes, stream) -> str:
    """sha256 of ``head`` plus everything left in ``stream``, in constant memory."""
    digest = hashlib.sha256(head)
    while True:
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            return digest.hexdigest()
        digest.update(chunk)


# --------------------------------------------------------------------------- decoding

_CP1252_FALLBACK_ERRORS = "cablearchive.cp1252"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    chars = []
    for byte in bad:
        one = bytes((byte,))
        try:
            chars.append(one.decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(one.decode("latin-1"))
    return "".join(chars), exc.end


codecs.register_error(_CP1252_FALLBACK_ERRORS, _cp1252_fallback)

_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Decode text: UTF-8, or (byte sequences that are not UTF-8) cp1252, latin-1 last.

    Files are decoded as UTF-8 when they are valid UTF-8. Otherwise every byte sequence that is
    not valid UTF-8 is read as cp1252 (latin-1 for the five bytes cp1252 leaves undefined), so
    a cp1252 file and a UTF-8 file with a few stray cp1252 bytes both come out right.
    Raises UnicodeDecodeError only for a UTF-16 file (with a BOM) that is not valid UTF-16.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), ["decoded as UTF-16"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    notes = ["decoded as cp1252"]
    if any(byte in _CP1252_UNDEFINED for byte in data if byte >= 0x80):
        notes.append("decoded as latin-1 (bytes undefined in cp1252)")
    return data.decode("utf-8", _CP1252_FALLBACK_ERRORS), notes


def _normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# Bytes that do not appear in text files: C0 controls other than tab, newlines, vertical tab,
# form feed, and escape; plus DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_HIGH_BYTES = bytes(range(0x80, 0x100))
_LOW_BYTES = bytes(range(0x00, 0x80))


def _looks_binary(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _NON_CONTROL_BYTES))
    if controls * 20 > len(head):  # more than 5% control bytes
        return True
    high = len(head.translate(None, _LOW_BYTES))
    if high * 10 > len(head) * 3:  # more than 30% non-ASCII bytes ...
        try:  # ... that are not UTF-8 text (the sniffed head may end mid-character)
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            return exc.end < len(head) - 3
    return False


# --------------------------------------------------------------------------- archives

_GZIP_MAGIC = b"\x1f\x8b"
_BZIP2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # (the second one: an empty zip)


def _is_tar(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def _archive_kind(head: bytes) -> str | None:
    if head.startswith(_GZIP_MAGIC):
        return "gzip"
    if head.startswith(_BZIP2_MAGIC) and len(head) > 3 and head[3:4].isdigit():
        return "bzip2"
    if head.startswith(_XZ_MAGIC):
        return "xz"
    if head.startswith(_ZIP_MAGICS):
        return "zip"
    if _is_tar(head):
        return "tar"
    return None


_ARCHIVE_ERRORS = (
    tarfile.TarError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def _archive_error_message(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    lowered = text.lower()
    if isinstance(exc, EOFError) or "unexpected end" in lowered or "ended before" in lowered:
        return f"truncated archive: {text}"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"unreadable: {exc.strerror or text}"
    return f"corrupt archive: {text}"


def _decompressor(kind: str, stream):
    if kind == "gzip":
        return gzip.GzipFile(fileobj=stream, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(stream, mode="rb")
    return lzma.LZMAFile(stream, mode="rb")


def _read_tar_stream(source: str, stream) -> Iterator[RawDocument]:
    """Members of a tar read in streaming mode (constant memory, no seeking)."""
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            if member.isdir():
                continue
            name = f"{source}:{member.name}"
            if not member.isreg():
                kind = "link" if (member.issym() or member.islnk()) else "special file"
                yield _error_document(name, f"unsupported archive member: {kind}")
                continue
            handle = archive.extractfile(member)
            if handle is None:  # pragma: no cover - isreg() members always have data
                continue
            yield from _read_stream(name, handle, in_archive=True)


def _read_compressed(source: str, kind: str, stream) -> Iterator[RawDocument]:
    """A gzip/bzip2/xz stream: a compressed tar, or a single compressed file (cables.csv.gz)."""
    inner = _decompressor(kind, stream)
    head = _read_up_to(inner, 512)
    if _is_tar(head):
        yield from _read_tar_stream(source, _Replay(head, inner))
    else:
        yield from _read_stream(source, _Replay(head, inner), in_archive=True)


def _read_zip(source: str, handle) -> Iterator[RawDocument]:
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = f"{source}:{info.filename}"
            if info.flag_bits & 0x1:
                yield _error_document(name, "unreadable: encrypted zip member")
                continue
            try:
                with archive.open(info) as member:
                    yield from _read_stream(name, member, in_archive=True)
            except _ARCHIVE_ERRORS as exc:
                yield _error_document(name, _archive_error_message(exc))


def _read_archive(source: str, kind: str, handle) -> Iterator[RawDocument]:
    try:
        if kind == "zip":
            yield from _read_zip(source, handle)
        elif kind == "tar":
            yield from _read_tar_stream(source, handle)
        else:
            yield from _read_compressed(source, kind, handle)
    except _ARCHIVE_ERRORS as exc:
        yield _error_document(source, _archive_error_message(exc))


# --------------------------------------------------------------------------- per-file dispatch

_CSV_FIRST_LINE_RE = re.compile(
    rb'\A(?:\xef\xbb\xbf)?"\d+","\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}","'
)
_HTML_START_RE = re.compile(r"\A\s*(?:<\?xml\b|<!doctype\s+html\b|<html\b|<head\b|<body\b)", re.I)


def _looks_html(text: str) -> bool:
    if _HTML_START_RE.match(text[:4096]):
        return True
    lowered = text[:SNIFF_BYTES].lower()
    return "<pre" in lowered and ("reference id" in lowered or "<table" in lowered)


def _read_stream(source: str, stream, *, in_archive: bool) -> Iterator[RawDocument]:
    """Read one file (from disk or from an archive member) given as a binary stream."""
    head = _read_up_to(stream, SNIFF_BYTES)
    if not head:
        yield _error_document(source, "empty file")
        return
    kind = _archive_kind(head)
    if kind is not None:
        if in_archive:
            yield _error_document(
                source, f"nested archive not supported ({kind})", _drain_hash(head, stream)
            )
        elif kind == "zip":
            # zipfile needs to seek: only files opened from disk get here.
            stream.seek(0)
            yield from _read_archive(source, kind, stream)
        else:
            yield from _read_archive(source, kind, _Replay(head, stream))
        return
    if _looks_binary(head):
        yield _error_document(source, "binary file", _drain_hash(head, stream))
        return
    if _CSV_FIRST_LINE_RE.match(head):
        yield from _read_csv(source, _Replay(head, stream))
        return

    # A single document: read it whole, within a bound.
    parts = [head]
    digest = hashlib.sha256(head)
    size = len(head)
    while True:
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            break
        digest.update(chunk)
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            parts.clear()
            while chunk:
                chunk = stream.read(READ_CHUNK)
                digest.update(chunk)
            limit_mb = MAX_DOCUMENT_BYTES // (1024 * 1024)
            yield _error_document(
                source, f"file too large: over {limit_mb} MiB and not a CSV", digest.hexdigest()
            )
            return
        parts.append(chunk)
    data = b"".join(parts)
    parts.clear()  # not kept twice while the caller holds the page
    yield RawDocument(
        source=source, format="unread", text=None, source_hash=digest.hexdigest(), data=data
    )


def read_page(document: RawDocument) -> RawDocument:
    """The document of a page left unread (``RawDocument.data``); any other document as it is."""
    if document.data is None:
        return document
    source, data, source_hash = document.source, document.data, document.source_hash
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _error_document(source, "binary file", source_hash)
    try:
        text, notes = _decode_bytes(data)
    except UnicodeDecodeError as exc:
        return _error_document(source, f"undecodable text: {exc.reason}", source_hash)
    text = _normalize_newlines(text)
    if not text.strip():
        return _error_document(source, "empty file", source_hash, fmt="text")
    if _looks_html(text):
        return _html_document(source, text, notes, source_hash)
    if _MARKDOWN_TAG_RE.search(text):
        notes.append("markdown-like rendering")
    return _text_document(source, "text", text, notes=notes, source_hash=source_hash)


_MARKDOWN_TAG_RE = re.compile(r"\[[A-Z][A-Z-]{1,}\]\(#\)|\[\d{1,3}\]\(#\)")


# --------------------------------------------------------------------------- HTML cable pages

_TABLE_RE = re.compile(r"<table\b[^>]*>(.*?)</table\s*>", re.S | re.I)
_ROW_RE = re.compile(r"<tr\b[^>]*>(.*?)</tr\s*>", re.S | re.I)
_CELL_RE = re.compile(r"<(t[hd])\b[^>]*>(.*?)</t[hd]\s*>", re.S | re.I)
_PRE_TAG_RE = re.compile(r"<pre\b[^>]*>", re.I)
_PRE_OPEN_RE = re.compile(r"<pre\b", re.I)
_PRE_CLOSE_RE = re.compile(r"</pre\s*>", re.I)
_ANY_TAG_RE = re.compile(r"<[^<>]*>")
_HTML_OPEN_RE = re.compile(r"<html\b", re.I)
_HTML_CLOSE_RE = re.compile(r"</html", re.I)
_TABLE_OPEN_RE = re.compile(r"<table", re.I)
_TABLE_CLOSE_RE = re.compile(r"</table", re.I)
# WikiLeaks' own links inside <pre>: always lower-case, with href/id attributes. Cable text is
# left alone (it holds literal "<br>", "</td>", "<<218634>>" and the like).
_WL_LINK_OPEN_RE = re.compile(r"<a\s+(?:id|href|name|class|title)\s*=[^<>]*>")
_WL_LINK_CLOSE_RE = re.compile(r"</a\s*>")
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DATETIME_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?")
_CABLE_ID_RE = re.compile(r"\A\d{2}[A-Z][A-Z0-9]*\d+\Z")


# Every entity met, undone once: a page holds a hundred, nearly all "&#x000A;".
_ENTITY_TEXT: dict[str, str] = {}


def _replace_entity(match: re.Match) -> str:
    entity = match.group(0)
    text = _ENTITY_TEXT.get(entity)
    if text is None:
        name = match.group(1)
        if name.startswith("#"):
            text = html.unescape(entity)
        else:
            text = html.entities.html5.get(name + ";", entity)
        if len(_ENTITY_TEXT) < 10_000:
            _ENTITY_TEXT[entity] = text
    return text


def _unescape_entities(text: str) -> str:
    """Undo well-formed entities only: bare '&' in cable text ('R&D', '&The') stays as is."""
    if "&" not in text:
        return text
    # Nearly every entity of a page is a newline: undone in one pass in C, then the others
    # one by one (no entity can begin or end inside "&#x000A;", so the result is the same).
    text = text.replace("&#x000A;", "\n")
    if "&" not in text:
        return text
    return _ENTITY_RE.sub(_replace_entity, text)


def _undo_pre(block: str) -> str:
    block = _WL_LINK_OPEN_RE.sub("", block)
    block = _WL_LINK_CLOSE_RE.sub("", block)
    block = _unescape_entities(block)
    return _normalize_newlines(block)


def _pre_blocks(page: str) -> list[str]:
    """What each <pre> block holds: from an opening tag to the first closing tag after it.
    Found tag by tag; a pattern spanning the block tried the closing tag at every character
    of it, a third of the time spent reading a page."""
    blocks, position = [], 0
    while (opening := _PRE_TAG_RE.search(page, position)) is not None:
        closing = _PRE_CLOSE_RE.search(page, opening.end())
        if closing is None:
            break
        blocks.append(page[opening.end() : closing.start()])
        position = closing.end()
    return blocks


def _cell_text(cell: str) -> str:
    return " ".join(_unescape_entities(_ANY_TAG_RE.sub(" ", cell)).split())


def _parse_datetime(value: str) -> datetime | None:
    match = _DATETIME_RE.search(value)
    if not match:
        return None
    year, month, day, hour, minute = match.groups()
    try:
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), tzinfo=UTC
        )
    except ValueError:
        return None


def _metadata_table(page: str) -> dict[str, str] | None:
    """Header name (lower case) -> cell text of the table that has a "Reference ID" column."""
    for table in _TABLE_RE.finditer(page):
        body = table.group(1)
        if "reference id" not in body.lower():
            continue
        headers: list[str] = []
        for row in _ROW_RE.finditer(body):
            cells = _CELL_RE.findall(row.group(1))
            if cells and all(kind.lower() == "th" for kind, _ in cells):
                headers = [_cell_text(content).lower() for _, content in cells]
            elif headers and cells:
                values = [_cell_text(content) for _, content in cells]
                return dict(zip(headers, values, strict=False))
        return {}
    return None


def _html_document(source: str, page: str, notes: list[str], source_hash: str) -> RawDocument:
    opens = len(_PRE_OPEN_RE.findall(page))
    closes = len(_PRE_CLOSE_RE.findall(page))
    # Searched case-blind in place: a page lowered whole cost more than the rest of reading it.
    declares_html = _HTML_OPEN_RE.search(page) is not None
    has_end = _HTML_CLOSE_RE.search(page) is not None
    if closes < opens:
        return _error_document(
            source, "truncated page: no closing </pre>", source_hash, "html", notes
        )
    table = _TABLE_OPEN_RE.search(page)
    if table and not _TABLE_CLOSE_RE.search(page, table.end()):
        return _error_document(
            source, "truncated page: no closing </table>", source_hash, "html", notes
        )
    if declares_html and not has_end:
        reason = "no closing </pre>" if closes < 2 else "no closing </html>"
        return _error_document(source, f"truncated page: {reason}", source_hash, "html", notes)

    # The metadata table comes before the <pre> blocks; cable bodies can hold literal
    # "</table>" text, so look for the table only before the first <pre>.
    first_pre = _PRE_OPEN_RE.search(page)
    table = _metadata_table(page[: first_pre.start()] if first_pre else page)
    blocks = [_undo_pre(block) for block in _pre_blocks(page)]
    if table is None and not blocks:
        return _error_document(
            source,
            "not a cable page: no Reference ID table and no <pre> block",
            source_hash,
            "html",
        )
    if table is None:
        return _error_document(
            source, "not a cable page: no Reference ID table", source_hash, "html"
        )
    if not blocks:
        return _error_document(source, "not a cable page: no <pre> block", source_hash, "html")

    notes = list(notes)
    reference_id = table.get("reference id") or None
    created_text = table.get("created", "")
    released_text = table.get("released", "")
    created = _parse_datetime(created_text)
    released_at = _parse_datetime(released_text)
    if reference_id is None:
        notes.append("metadata table has no Reference ID value")
    if created is None:
        notes.append(f"unparsable Created in metadata table: {created_text!r}")
    metadata = {
        "reference_id": reference_id,
        "created": created,
        "released": released_at.date() if released_at else None,
        "classification": table.get("classification") or None,
        "origin": table.get("origin") or None,
    }
    stem = source.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    stem = stem[:-5] if stem.lower().endswith(".html") else stem
    if reference_id and _CABLE_ID_RE.match(stem) and stem != reference_id:
        notes.append(f"file name {stem} does not match Reference ID {reference_id}")

    if len(blocks) == 1:
        notes.append("one <pre> block: no separate header")
        text = blocks[0]
    else:
        if len(blocks) > 2:
            notes.append(f"{len(blocks)} <pre> blocks: the last ones joined as the body")
        text = blocks[0] + "\n\n" + "\n\n".join(blocks[1:])
    return _text_document(source, "html", text, metadata, notes, source_hash)


# --------------------------------------------------------------------------- cables.csv

# One double-quoted field with MySQL backslash escapes (the pattern never backtracks badly:
# its alternatives are disjoint).
_CSV_QUOTED_RE = re.compile(rb'"([^"\\]*(?:\\.[^"\\]*)*)"', re.S)
_CSV_UNQUOTED_RE = re.compile(rb'[^,"\r\n]*')
_CSV_ESCAPE_RE = re.compile(rb"\\(.)", re.S)
_CSV_RECORD_START_RE = re.compile(rb'\n(?="\d+",")')
_CSV_ROW_NUMBER_RE = re.compile(rb'\A"?(\d+)"?,')
_CSV_DATE_RE = re.compile(r"\A(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?\Z")
_MYSQL_ESCAPES = {b"0": b"\x00", b"b": b"\b", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"Z": b"\x1a"}


def _csv_unescape_match(match: re.Match) -> bytes:
    char = match.group(1)
    return _MYSQL_ESCAPES.get(char, char)


def _csv_unescape(raw: bytes) -> bytes:
    if b"\\" not in raw:
        return raw
    return _CSV_ESCAPE_RE.sub(_csv_unescape_match, raw)


class _NeedMore(Exception):
    pass


class _Malformed(Exception):
    pass


def _parse_csv_record(buf: bytes, pos: int, eof: bool) -> tuple[list[bytes], int]:
    """Parse one record starting at ``pos``; return (raw fields, position after it).

    Raises _NeedMore when the buffer ends inside the record (and more data may come), and
    _Malformed when the record cannot be a cables.csv record.
    """
    fields: list[bytes] = []
    size = len(buf)
    while True:
        if pos < size and buf[pos] == 0x22:  # '"'
            match = _CSV_QUOTED_RE.match(buf, pos)
            if match is None:
                if not eof:
                    raise _NeedMore
                raise _Malformed(f"unterminated quoted field {len(fields) + 1}")
            fields.append(_csv_unescape(match.group(1)))
            pos = match.end()
        else:
            match = _CSV_UNQUOTED_RE.match(buf, pos)
            fields.append(match.group())
            pos = match.end()
        if pos >= size:
            if not eof:
                raise _NeedMore
            return fields, pos
        char = buf[pos]
        if char == 0x2C:  # ','
            pos += 1
            continue
        if char == 0x0A:
            return fields, pos + 1
        if char == 0x0D:
            if pos + 1 < size:
                return fields, pos + (2 if buf[pos + 1] == 0x0A else 1)
            if not eof:
                raise _NeedMore
            return fields, pos + 1
        raise _Malformed(f"unexpected {chr(char)!r} after field {len(fields)}")


def _decode_field(raw: bytes, notes: list[str]) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if "decoded as cp1252" not in notes:
            notes.append("decoded as cp1252")
        text = raw.decode("utf-8", _CP1252_FALLBACK_ERRORS)
    if "\x00" in text:
        notes.append(f"removed {text.count(chr(0))} NUL characters")
        text = text.replace("\x00", "")
    return _normalize_newlines(text)


def _csv_row_source(source: str, raw_row: bytes, index: int) -> str:
    match = _CSV_ROW_NUMBER_RE.match(raw_row)
    return f"{source}:row {int(match.group(1)) if match else index}"


def _csv_document(source: str, index: int, fields: list[bytes], raw_row: bytes) -> RawDocument:
    row_source = _csv_row_source(source, raw_row, index)
    raw_hash = _sha256(raw_row)
    if len(fields) != CSV_FIELDS:
        return _error_document(
            row_source,
            f"malformed CSV row: expected {CSV_FIELDS} fields, got {len(fields)}",
            raw_hash,
            "csv",
        )
    notes: list[str] = []
    row_no, created_s, ref_id, origin, classification, refs, header, body = (
        _decode_field(value, notes) for value in fields
    )
    row_no = row_no.strip()
    if not row_no.isdigit():
        return _error_document(
            row_source, f"malformed CSV row: row number {row_no[:40]!r}", raw_hash, "csv"
        )
    date_match = _CSV_DATE_RE.match(created_s.strip())
    created = None
    if date_match:
        month, day, year, hour, minute, second = date_match.groups()
        try:
            created = datetime(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                int(second or 0),
                tzinfo=UTC,
            )
        except ValueError:
            created = None
    if created is None:
        return _error_document(
            row_source, f"malformed CSV row: bad date {created_s[:40]!r}", raw_hash, "csv"
        )
    ref_id = ref_id.strip()
    if not ref_id or any(c.isspace() for c in ref_id):
        return _error_document(
            row_source, f"malformed CSV row: bad reference ID {ref_id[:40]!r}", raw_hash, "csv"
        )
    metadata = {
        "reference_id": ref_id,
        "created": created,
        "released": None,
        "classification": classification.strip() or None,
        "origin": origin.strip() or None,
        "references": [ref.strip() for ref in refs.split("|") if ref.strip()],
        "row": int(row_no),
    }
    return _text_document(row_source, "csv", header + "\n\n" + body, metadata, notes, raw_hash)


def _read_csv(source: str, stream) -> Iterator[RawDocument]:
    """Stream a cables.csv file record by record, in memory bounded by the longest record."""
    buf = b""
    pos = 0
    eof = False
    index = 0

    def refill() -> None:
        nonlocal buf, pos, eof
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            eof = True
        buf = buf[pos:] + chunk
        pos = 0

    while True:
        while pos < len(buf) and buf[pos] in b"\r\n":
            pos += 1
        if pos >= len(buf):
            if eof:
                return
            refill()
            continue
        try:
            fields, end = _parse_csv_record(buf, pos, eof)
        except _NeedMore:
            if len(buf) - pos > MAX_CSV_RECORD_BYTES:
                reason = "row too long (a quote never closed?)"
            else:
                refill()
                continue
        except _Malformed as exc:
            reason = str(exc)
        else:
            index += 1
            raw_row = buf[pos:end]
            pos = end
            yield _csv_document(source, index, fields, raw_row)
            continue

        # A malformed record: report it and resume at the next line that starts a record.
        index += 1
        start = pos
        digest = hashlib.sha256()
        row_source = _csv_row_source(source, buf[start : start + 64], index)
        search_from = start + 1
        while True:
            match = _CSV_RECORD_START_RE.search(buf, search_from)
            if match is not None:
                digest.update(buf[start : match.start() + 1])
                pos = match.start() + 1
                break
            if eof:
                digest.update(buf[start:])
                pos = len(buf)
                break
            keep = max(start, len(buf) - 64)  # a record start may straddle two chunks
            digest.update(buf[start:keep])
            pos = keep
            refill()
            start = 0
            search_from = 0
        yield _error_document(row_source, f"malformed CSV row: {reason}", digest.hexdigest(), "csv")


# --------------------------------------------------------------------------- paths


def _walk(path: str) -> Iterator[tuple[str, str | None]]:
    """Yield (file path, None) for each file under ``path``, or (path, error) for problems."""
    try:
        info = os.stat(path)
    except OSError as exc:
        yield path, _os_error_message(exc, path)
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk_dir(path, frozenset({(info.st_dev, info.st_ino)}))
    elif stat.S_ISREG(info.st_mode):
        yield path, None
    else:
        yield path, "unreadable: not a regular file"


def _walk_dir(
    directory: str, ancestors: frozenset[tuple[int, int]]
) -> Iterator[tuple[str, str | None]]:
    try:
        with os.scandir(directory) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError as exc:
        yield directory, _os_error_message(exc, directory)
        return
    for name in names:
        path = os.path.join(directory, name)
        try:
            info = os.stat(path)
        except OSError as exc:
            yield path, _os_error_message(exc, path)
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                yield path, "symlink loop"
                continue
            yield from _walk_dir(path, ancestors | {key})
        elif stat.S_ISREG(info.st_mode):
            yield path, None
        else:
            yield path, "unreadable: not a regular file"


def _as_path_list(paths: Iterable[str | Path] | str | Path) -> list[str]:
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    return [os.fspath(path) for path in paths]


def _read_file(path: str) -> Iterator[RawDocument]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        yield _error_document(path, _os_error_message(exc, path))
        return
    try:
        yield from _read_stream(path, handle, in_archive=False)
    except OSError as exc:
        yield _error_document(path, _os_error_message(exc, path))
    finally:
        handle.close()


def read_documents(
    paths: Iterable[str | Path], *, leave_unread: bool = False
) -> Iterator[RawDocument]:
    """Yield one RawDocument per input document (or per rejected input) under ``paths``; with
    ``leave_unread``, a page's bytes are read and hashed, and the rest is left to ``read_page``."""
    for top in _as_path_list(paths):
        for path, error in _walk(top):
            if error is not None:
                yield _error_document(path, error)
            elif leave_unread:
                yield from _read_file(path)
            else:
                yield from map(read_page, _read_file(path))


# --------------------------------------------------------------------------- counting

_COUNT_SNIFF_MIN_BYTES = 1024 * 1024


def _count_file(path: str) -> int:
    """Cheap estimate of the documents in one file (archives and CSVs may hold many)."""
    try:
        size = os.path.getsize(path)
        if size < _COUNT_SNIFF_MIN_BYTES:
            return 1
        with open(path, "rb") as handle:
            head = _read_up_to(handle, 512)
            kind = _archive_kind(head)
            if kind is None:
                if _CSV_FIRST_LINE_RE.match(head):
                    return max(1, size // CSV_AVERAGE_ROW_BYTES)
                return 1
            handle.seek(0)
            if kind == "zip":
                with zipfile.ZipFile(handle) as archive:
                    return sum(1 for info in archive.infolist() if not info.is_dir())
            stream = handle if kind == "tar" else _decompressor(kind, handle)
            if kind != "tar":
                inner_head = _read_up_to(stream, 512)
                if not _is_tar(inner_head):
                    return 1
                stream = _Replay(inner_head, stream)
            with tarfile.open(fileobj=stream, mode="r|") as archive:
                return sum(1 for member in archive if not member.isdir())
    except _ARCHIVE_ERRORS:
        return 1


def count_inputs(paths: Iterable[str | Path]) -> int | None:
    """Estimate how many documents ``read_documents(paths)`` will yield (for a progress bar).

    Files in folders count one each; archives count their file members; a cables.csv counts
    its size divided by the average row size. Returns None if the estimate cannot be made.
    """
    total = 0
    try:
        for top in _as_path_list(paths):
            for path, error in _walk(top):
                total += 1 if error is not None else _count_file(path)
    except Exception:  # a progress bar must never stop an import
        return None
    return total
