"""Hostile .xlsx files held at the door, before any parser sees them.

An .xlsx is a zip of XML parts; its size on disk says little about what reading it costs. Every
workbook (the main one and a teacher's own file) is checked here first, from the zip's directory
and the parts' first bytes only:

* **Uncompressed budget**: a worksheet, the shared strings or an image at most
  :data:`MAX_PART_BYTES`, any other XML part (parsed whole by openpyxl) at most
  :data:`MAX_XML_PART_BYTES`, all of them together at most
  :data:`MAX_TOTAL_BYTES`, at most :data:`MAX_PARTS` parts. A part is never read past the size
  the zip declares for it (Python's zipfile stops there and checks the CRC), so the declared
  sizes bound the work. A school of 100,000 list rows is about 170 MB uncompressed.
* **No DTD**: a part whose XML declares a ``<!DOCTYPE`` (entities: "billion laughs", external
  files) is refused, whatever its encoding (UTF-8, UTF-16, UTF-32). Spreadsheet XML never has one.
* **Tabs outside the file**: a tab whose relationship points outside the archive (``../..``, an
  external target) or to a part that does not exist cannot be read; it is named in
  :attr:`ArchiveCheck.dangling` so the reader reports it and the commit puts it back as it was.

The limits a spreadsheet itself has (:data:`MAX_ROWS`, :data:`MAX_COLUMNS`,
:data:`MAX_CELL_CHARS`) and :data:`MAX_GRID_CELLS` are held by the cell reader
(:mod:`.fast`) while it streams. A refused file raises :class:`HostileFileError` (a
``SourceError``: exit 3 for the main workbook, one ``Data issues`` row for a teacher's file).
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree

from sheets_sync.errors import SourceError

MAX_ROWS = 1_048_576  # Excel's and LibreOffice's limits
MAX_COLUMNS = 16_384  # column XFD
MAX_CELL_CHARS = 32_767
MAX_GRID_CELLS = 25_000_000  # cells the tabs of a file may span once read (empty ones between included)
MAX_PART_BYTES = 256 * 1024 * 1024  # a worksheet, the shared strings, an image (streamed or raw)
MAX_XML_PART_BYTES = 32 * 1024 * 1024  # any other XML part (styles, workbook...): parsed whole
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_PARTS = 10_000
_CHUNK = 64 * 1024

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOC = f"{_REL_NS}/officeDocument"

MESSAGES = {
    "fix": "Fix: open it in Excel or LibreOffice, save it as Excel Workbook (.xlsx) and run again.",
    "too_big": "{path} is too big to read safely: {what} (the limit is {limit}). ",
    "part": "the part {part} unpacks to {size}",
    "total": "its parts unpack to {size} in all",
    "parts": "it holds {count} parts",
    "doctype": "{path} is refused: its part {part} declares a DOCTYPE (a document type with entities, "
    "which spreadsheet files never contain and which can be used to attack the reader). ",
    "damaged": "{path} is damaged and cannot be opened as .xlsx ({error}). Fix: open it in Excel or "
    "LibreOffice (which can often repair it) and save it again, or restore a backup from "
    ".sheets_sync_backups/.",
    "rows": "{path}: the tab {tab} has a row numbered {number}, past the last row a spreadsheet can "
    "have ({limit:,}). ",
    "columns": "{path}: the tab {tab} has a cell in column {column} (number {number:,}), past the last "
    "column a spreadsheet can have (XFD, {limit:,}). ",
    "cell": "{path}: a cell of the tab {tab} (row {row}) holds {length:,} characters, more than a "
    "spreadsheet cell can hold ({limit:,}). ",
    "grid": "{path}: its tabs span more than {limit:,} cells once read (cells far down and far "
    "right, with empty ones between) and cannot be read in bounded memory. ",
    "dangling": "the tab {tab} cannot be read: the file says its cells are at {target}, "
    "which is not inside the workbook",
}


class HostileFileError(SourceError):
    """The file is refused before (or while) parsing it: a DTD, or past a size limit."""


@dataclass(frozen=True)
class Dangling:
    """A tab whose part is not inside the archive, as the workbook declares it."""

    target: str  # the relationship's target, as written
    external: bool = False  # TargetMode="External"
    state: str = ""  # hidden / veryHidden, or "" (visible)


@dataclass(frozen=True)
class ArchiveCheck:
    dangling: dict[str, Dangling] = field(default_factory=dict)  # tab title -> where it would be


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def check_archive(data: bytes | IO[bytes], path: object) -> ArchiveCheck:
    """Check the workbook ``data`` (bytes or a binary file) of ``path`` (for messages); raises
    :class:`HostileFileError` or ``SourceError`` (not a zip)."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise SourceError(MESSAGES["damaged"].format(path=path, error=type(err).__name__)) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            what = MESSAGES["parts"].format(count=f"{len(infos):,}")
            _refuse_size(path, what, f"{MAX_PARTS:,} parts")
        total = 0
        for info in infos:
            limit = part_limit(info.filename)
            if info.file_size > limit:
                what = MESSAGES["part"].format(part=info.filename, size=_size(info.file_size))
                _refuse_size(path, what, _size(limit))
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            _refuse_size(path, MESSAGES["total"].format(size=_size(total)), _size(MAX_TOTAL_BYTES))
        try:
            for info in infos:
                if _is_xml(info.filename):
                    with zf.open(info) as part:
                        if has_doctype(part):
                            raise HostileFileError(
                                MESSAGES["doctype"].format(path=path, part=info.filename) + MESSAGES["fix"]
                            )
            return ArchiveCheck(dangling=_dangling_tabs(zf))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as err:
            raise SourceError(MESSAGES["damaged"].format(path=path, error=type(err).__name__)) from None


def _refuse_size(path: object, what: str, limit: str) -> None:
    raise HostileFileError(MESSAGES["too_big"].format(path=path, what=what, limit=limit) + MESSAGES["fix"])


def part_limit(name: str) -> int:
    """The most a part may unpack to: streamed parts (worksheets, shared strings) and binary
    ones (images) more than the XML parts openpyxl parses whole."""
    lower = name.lower()
    if not _is_xml(lower) or lower.startswith("xl/worksheets/") or lower.endswith("sharedstrings.xml"):
        return MAX_PART_BYTES
    return MAX_XML_PART_BYTES


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _encoding(head: bytes) -> str:
    """The encoding of an XML entity from its first bytes (XML 1.0 appendix F)."""
    for bom, name in (
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
    ):
        if head.startswith(bom):
            return name
    for start, name in (
        (b"\0\0\0<", "utf-32-be"),
        (b"<\0\0\0", "utf-32-le"),
        (b"\0<\0?", "utf-16-be"),
        (b"<\0?\0", "utf-16-le"),
        (b"\0<", "utf-16-be"),
        (b"<\0", "utf-16-le"),
    ):
        if head.startswith(start):
            return name
    return "latin-1"  # every ASCII-compatible encoding spells '<!DOCTYPE' the same


def has_doctype(stream: IO[bytes]) -> bool:
    """Whether the XML read from ``stream`` declares a document type in its prolog. Reads up to
    the root element's start only, in bounded memory (a prolog of comments is skipped chunk by
    chunk)."""
    head = stream.read(4)
    decoder = codecs.getincrementaldecoder(_encoding(head))(errors="replace")
    buf = decoder.decode(head)
    done = False

    def more() -> bool:
        nonlocal buf, done
        if done:
            return False
        chunk = stream.read(_CHUNK)
        done = not chunk
        buf += decoder.decode(chunk, final=done)
        return bool(chunk) or bool(buf)

    while True:
        buf = buf.lstrip(" \t\r\n\ufeff")
        if len(buf) < 9 and not done:
            more()
            continue
        if buf.startswith("<?") or buf.startswith("<!--"):
            end_mark = "?>" if buf.startswith("<?") else "-->"
            start = 2 if end_mark == "?>" else 4
            end = buf.find(end_mark, start)
            while end < 0:
                buf = buf[:start] + buf[max(start, len(buf) - len(end_mark)) :]  # bounded memory
                if not more() or done and buf.find(end_mark, start) < 0:
                    return False  # unterminated: not well-formed, the parser refuses it
                end = buf.find(end_mark, start)
            buf = buf[end + len(end_mark) :]
            continue
        return buf.startswith("<!")  # <!DOCTYPE (any other '<!' before the root is malformed)


def resolve_target(source_part: str, target: str) -> str | None:
    """The archive name a relationship of ``source_part`` points to, or None when it leaves the
    archive (``../`` above the root)."""
    if target.startswith("/"):
        name = posixpath.normpath(target.lstrip("/"))
    else:
        name = posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))
    if name.startswith("../") or name == ".." or name.startswith("/"):
        return None
    return name


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationships(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str, str]]:
    """rId -> (type, target, target mode) of ``part``'s relationships."""
    try:
        root = ElementTree.fromstring(zf.read(_rels_name(part)))
    except (KeyError, ElementTree.ParseError):
        return {}
    return {
        rel.get("Id", ""): (rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode", ""))
        for rel in root.iter(_PKG_REL)
    }


def workbook_part(zf: zipfile.ZipFile) -> str:
    for kind, target, _ in _relationships(zf, "").values():
        if kind == _OFFICE_DOC:
            return resolve_target("", target) or "xl/workbook.xml"
    return "xl/workbook.xml"


def _dangling_tabs(zf: zipfile.ZipFile) -> dict[str, Dangling]:
    """Tab title -> target, for every tab whose part is not inside the archive."""
    names = set(zf.namelist())
    book = workbook_part(zf)
    if book not in names:
        return {}
    rels = _relationships(zf, book)
    dangling: dict[str, Dangling] = {}
    with zf.open(book) as f:
        for _, elem in ElementTree.iterparse(f, events=("end",)):
            if elem.tag == f"{{{_MAIN}}}sheet":
                rel = rels.get(elem.get(f"{{{_REL_NS}}}id", ""))
                if rel is None:
                    continue  # no relationship at all: openpyxl reports the file as damaged
                _, target, mode = rel
                resolved = None if mode == "External" else resolve_target(book, target)
                if resolved is None or resolved not in names:
                    dangling[elem.get("name", "")] = Dangling(
                        target, mode == "External", elem.get("state", "")
                    )
            elif elem.tag == f"{{{_MAIN}}}sheets":
                break
            elem.clear()
    return dangling


def put_back(saved: bytes, dangling: dict[str, Dangling]) -> bytes:
    """The workbook ``saved`` (as openpyxl wrote it, which drops a tab it cannot find) with each
    ``dangling`` tab declared again as it was: its ``<sheet>`` entry (appended after the others,
    so no sheet-local name moves) and its relationship with the same target."""
    import io
    from xml.sax.saxutils import quoteattr

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved)) as zin:
        book = workbook_part(zin)
        rels_name = _rels_name(book)
        book_xml = zin.read(book).decode("utf-8")
        rels_xml = zin.read(rels_name).decode("utf-8")
        ids = [int(m) for m in re.findall(r'sheetId="(\d+)"', book_xml)]
        sheets, relationships = [], []
        for n, (title, tab) in enumerate(dangling.items(), start=1):
            rid = f"rIdKept{n}"
            state = f" state={quoteattr(tab.state)}" if tab.state else ""
            sheets.append(
                f'<sheet xmlns:r="{_REL_NS}" name={quoteattr(title)} sheetId="{max(ids, default=0) + n}"'
                f'{state} r:id="{rid}"/>'
            )
            mode = ' TargetMode="External"' if tab.external else ""
            relationships.append(
                f'<Relationship Id="{rid}" Type="{_REL_NS}/worksheet" Target={quoteattr(tab.target)}{mode}/>'
            )
        if "</sheets>" not in book_xml or "</Relationships>" not in rels_xml:
            raise SourceError("the saved workbook has no list of tabs")  # openpyxl always writes one
        book_xml = book_xml.replace("</sheets>", "".join(sheets) + "</sheets>", 1)
        rels_xml = rels_xml.replace("</Relationships>", "".join(relationships) + "</Relationships>", 1)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info in zin.infolist():
                data = (
                    book_xml.encode("utf-8")
                    if info.filename == book
                    else rels_xml.encode("utf-8")
                    if info.filename == rels_name
                    else zin.read(info)
                )
                zout.writestr(info, data)
    return out.getvalue()
