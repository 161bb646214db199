"""Commit without re-parsing the tabs a commit does not touch.

A nightly commit replaces a handful of service-owned tabs; the teachers' lists (most of the
workbook's cells) stay as they are. openpyxl cannot keep a tab without parsing every cell into a
Python object and serialising it again, which is most of a commit's time on a big school. So:

1. :func:`strip_kept` empties the ``<sheetData>`` of every tab that is kept, remembering the
   original bytes; openpyxl then loads a workbook whose kept tabs have no cells but still have
   everything else (column widths, merged ranges, dropdowns, conditional formats, notes, links,
   images, protection, print setup), which it round-trips as usual.
2. After openpyxl has saved, :meth:`KeptCells.splice` puts each kept tab's original
   ``<sheetData>`` back (rows with their heights and styles, cells with their values, formulas
   and styles), in the form openpyxl itself writes: text from the shared-strings table becomes
   an inline string (rich text kept), extension attributes openpyxl does not declare are dropped.

3. Every tab openpyxl does parse (a tab an ``init`` plan edits, one whose cells are not in the
   form this module copies, every tab on the slow path) loses its formulas' cached results:
   openpyxl writes ``<f>LEN(A4)</f><v></v>``, and every reader but Excel itself (openpyxl,
   calamine, pandas, the next sync) then sees an empty cell. :func:`formula_values` records
   them from the original and :meth:`KeptCells.splice` puts them back, cell by cell.

Cell style numbers stay valid because openpyxl writes the workbook's cell formats back in the
order it read them (new ones are appended). Everything here checks its assumptions first; when
one does not hold, a tab is simply not stripped (openpyxl parses it as before), or :meth:`splice`
raises :class:`SpliceError` and the caller commits the slow way. It can change speed, not results.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree import ElementTree
from xml.parsers import expat
from xml.sax.saxutils import escape

from lxml import etree

from sheets_sync.adapters.xlsx.rows import RowsXml

log = logging.getLogger(__name__)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEET = f"{{{_MAIN}}}sheet"
_C, _F, _V = (f"{{{_MAIN}}}{t}" for t in ("c", "f", "v"))
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_EMPTY_SHEET = f'<worksheet xmlns="{_MAIN}"><sheetData/></worksheet>'.encode()
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?/>|<sheetData\b[^>]*>.*?</sheetData>", re.S)
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_SI_START = re.compile(rb"<si[\s>/]")
_SHARED_ITEM = re.compile(rb"<si\b[^>]*?/>|<si\b[^>]*>(.*?)</si>", re.S)
# a row or cell start tag, and for a cell the <v>alue that directly follows it
_TAG = re.compile(rb"<(row|c)\b([^>]*)>(?:<v>([^<]*)</v>)?")
_ATTR = re.compile(rb'\s+([\w:.-]+)="([^"]*)"')
_DROPPED = {b"cm", b"vm"}
# a formula cell as openpyxl writes it (no type, an empty value), and a cached value's type
_SAVED_FORMULA = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]+)"((?: s="[0-9]+")?)>(<f\b[^>]*?(?:/>|>[^<]*</f>))<v(?:/>|></v>)</c>'
)
_RESULT_TYPES = {"str", "b", "e", "n"}  # a formula's result: text, boolean, error, number
_NEEDS_REWRITE = re.compile(rb't="s"|\s[cv]m="|\s(?!xml:)[\w.-]+:[\w.-]+="')  # else: copied as is


COMPRESS = 1  # zlib level: the workbook is rewritten every night, speed matters more than size


class SpliceError(Exception):
    """The saved workbook is not as expected: commit the slow way instead."""


@dataclass
class KeptCells:
    """The original cells of the kept tabs, to put back into the workbook openpyxl saves."""

    sheet_data: dict[str, bytes] = field(default_factory=dict)  # tab title -> <sheetData>...</sheetData>
    dimension: dict[str, bytes] = field(default_factory=dict)  # tab title -> <dimension .../>
    shared: list[bytes] | None = None  # the inner XML of each <si> of the shared-strings table
    new_rows: dict[str, RowsXml] = field(default_factory=dict)  # replaced tab -> its data rows
    # tab openpyxl parses -> cell -> (t attribute, <v> text, XML-escaped) of its formula cells
    cached: dict[str, dict[bytes, tuple[bytes, bytes]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.sheet_data or self.new_rows or self.cached)

    def splice(self, saved: bytes, out: BinaryIO) -> None:
        """Write to ``out`` the workbook ``saved`` (as openpyxl wrote it, uncompressed) with each
        kept tab's cells put back."""
        try:
            with zipfile.ZipFile(io.BytesIO(saved)) as archive:
                parts = _sheet_parts(archive)
                missing = (set(self.sheet_data) | set(self.new_rows)) - set(parts)
                if missing:
                    raise SpliceError(f"tabs not in the saved workbook: {sorted(missing)}")
                replace = {parts[title]: title for title in (*self.sheet_data, *self.new_rows)}
                replace.update({parts[t]: t for t in self.cached if t in parts and parts[t] not in replace})
                with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as copy:
                    for info in archive.infolist():
                        data = archive.read(info)
                        if info.filename in replace:
                            data = self._put_back(replace[info.filename], data)
                        copy.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS)
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError) as err:
            raise SpliceError(f"{type(err).__name__}: {err}") from None

    def _put_back(self, title: str, xml: bytes) -> bytes:
        if title not in self.sheet_data and title not in self.new_rows:
            return _with_results(xml, self.cached[title])
        found = list(_SHEET_DATA.finditer(xml))
        if len(found) != 1:
            raise SpliceError(f"{title}: saved sheet has {len(found)} <sheetData> elements")
        start, end = found[0].span()
        if title in self.new_rows:  # openpyxl wrote the header row: the data rows follow it
            rows = self.new_rows[title]
            written = found[0].group()
            head = written[:-2] + b">" if written.endswith(b"/>") else written[: -len(b"</sheetData>")]
            if head.count(b"<row") > 1:
                raise SpliceError(f"{title}: openpyxl wrote more than the header row")
            cells = head + rows.xml + b"</sheetData>"
            self.dimension[title] = f'<dimension ref="{rows.dimension}"/>'.encode()
        else:
            cells = _as_written(self.sheet_data[title], self.shared, title)
        xml = xml[:start] + cells + xml[end:]
        original = self.dimension.get(title)
        if original is not None:
            xml, n = _DIMENSION.subn(lambda _m: original, xml, count=1)
        parser = expat.ParserCreate(namespace_separator=" ")  # checks that every prefix is declared
        try:
            parser.Parse(xml, True)  # well-formed (no tree is built: this is only a check)
        except expat.ExpatError as err:
            raise SpliceError(f"{title}: spliced sheet is not well-formed ({err})") from None
        return xml


def strip_kept(
    data: bytes, replaced: Collection[str], parsed: Collection[str] = ()
) -> tuple[bytes, KeptCells]:
    """The workbook ``data`` for openpyxl to load: tabs in ``replaced`` emptied entirely (they are
    rewritten), tabs in ``parsed`` as they are (an ``init`` plan edits them), every other
    worksheet without its cells (kept in the returned :class:`KeptCells`). The formulas' cached
    results of every tab openpyxl parses are kept too. Anything unexpected: the tab is left for
    openpyxl to parse (or ``data`` is returned as is)."""
    kept = KeptCells()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = _workbook_part(archive)
            shared_part = _shared_strings_part(archive, book)
            sheets = _sheet_targets(archive, book)
            worksheets = _worksheet_parts(archive, book)
            blank = {part for title, part in sheets.items() if title in set(replaced)}
            shared: list[bytes] | None = None
            new_parts: dict[str, bytes] = {}
            for title, part in sheets.items():
                if part in blank or part not in worksheets:
                    continue
                xml = archive.read(part)
                found = _strippable(xml, title, parsed)
                cells = found.group() if found else None
                if cells is not None and b't="s"' in cells and shared is None:
                    shared = _shared_items(archive.read(shared_part)) if shared_part else None
                    if shared is None:
                        log.debug("commit parses every tab (shared strings not in the expected form)")
                        return without_sheet_parts(archive, blank, {}), formula_values(data, replaced)
                if found is None or cells is None:
                    _keep_results(kept, title, xml)
                    continue
                new_parts[part] = xml[: found.start()] + b"<sheetData/>" + xml[found.end() :]
                kept.sheet_data[title] = cells
                dimension = _DIMENSION.search(xml)
                if dimension:
                    kept.dimension[title] = dimension.group()
            kept.shared = shared
            return without_sheet_parts(archive, blank, new_parts), kept
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError) as err:
        log.debug("commit parses every tab (%s)", err)
        return data, formula_values(data, replaced)


def _strippable(xml: bytes, title: str, parsed: Collection[str]) -> re.Match[bytes] | None:
    """The ``<sheetData>`` of a worksheet to copy as it is, or None when openpyxl must parse it."""
    if title in parsed:
        return None
    found = list(_SHEET_DATA.finditer(xml))
    if len(found) != 1 or not _safe_cells(found[0].group()):
        log.debug("commit parses tab %r (its cells are not in the expected form)", title)
        return None
    return found[0]


def formula_values(data: bytes, skip: Collection[str] = ()) -> KeptCells:
    """The formulas' cached results of every worksheet of ``data`` but ``skip`` (for a save that
    lets openpyxl parse them all); nothing when the workbook is not as expected."""
    kept = KeptCells()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            book = _workbook_part(archive)
            worksheets = _worksheet_parts(archive, book)
            for title, part in _sheet_targets(archive, book).items():
                if title not in set(skip) and part in worksheets:
                    _keep_results(kept, title, archive.read(part))
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError) as err:
        log.warning("formula results may be lost on saving (%s)", err)
    return kept


def _keep_results(kept: KeptCells, title: str, xml: bytes) -> None:
    """Record the cached result of each formula cell of the worksheet ``xml`` (with a reference)."""
    if b"<f" not in xml and b":f" not in xml:
        return
    results: dict[bytes, tuple[bytes, bytes]] = {}
    try:
        for _, c in etree.iterparse(
            io.BytesIO(xml), tag=_C, resolve_entities=False, no_network=True, huge_tree=True
        ):
            ref, kind, f, v = c.get("r"), c.get("t") or "n", c.find(_F), c.find(_V)
            if ref and f is not None and v is not None and v.text and kind in _RESULT_TYPES:
                results[ref.encode()] = (kind.encode(), escape(v.text).encode())
            c.clear()
    except etree.XMLSyntaxError as err:
        log.warning("tab %r: formula results may be lost on saving (%s)", title, err)
        return
    if results:
        kept.cached[title] = results


def _with_results(xml: bytes, results: dict[bytes, tuple[bytes, bytes]]) -> bytes:
    """openpyxl's worksheet ``xml`` with each formula's cached result (and its type) put back."""

    def put(m: re.Match[bytes]) -> bytes:
        found = results.get(m.group(1))
        if found is None:
            return m.group()
        kind, value = found
        t = b"" if kind == b"n" else b' t="' + kind + b'"'
        return (
            b'<c r="' + m.group(1) + b'"' + m.group(2) + t + b">" + m.group(3) + b"<v>" + value + b"</v></c>"
        )

    return _SAVED_FORMULA.sub(put, xml)


def without_cells(data: bytes, titles: Collection[str]) -> bytes:
    """The workbook ``data`` with the worksheets named ``titles`` emptied (cells, notes, drawings):
    what the slow commit path loads, so openpyxl does not parse the tabs it is about to replace.
    Anything unexpected: ``data`` unchanged."""
    if not titles:
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = _sheet_targets(archive, _workbook_part(archive))
            blank = {part for title, part in sheets.items() if title in set(titles)}
            return without_sheet_parts(archive, blank, {}) if blank else data
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError) as err:
        log.debug("commit parses every tab (%s)", err)
        return data


def without_sheet_parts(archive: zipfile.ZipFile, blank: set[str], replaced: dict[str, bytes]) -> bytes:
    """A copy of ``archive`` (uncompressed: openpyxl reads it once) with the worksheets in
    ``blank`` emptied (and their relationships dropped) and the parts in ``replaced`` replaced."""
    drop = {posixpath.join(posixpath.dirname(p), "_rels", posixpath.basename(p) + ".rels") for p in blank}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in archive.infolist():
            if info.filename in drop:
                continue
            if info.filename in blank:
                data = _EMPTY_SHEET
            else:
                data = replaced.get(info.filename) or archive.read(info)
            copy.writestr(info.filename, data)
    return out.getvalue()


# --------------------------------------------------------------------------- parts


def _workbook_part(archive: zipfile.ZipFile) -> str:
    root_rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    return next(
        r.get("Target", "").lstrip("/") for r in root_rels.iter(_PKG_REL) if r.get("Type") == _OFFICE_DOC
    )


def _rel_targets(archive: zipfile.ZipFile, part: str, kind: str | None = None) -> dict[str, str]:
    """Relationship id -> archive path, for the relationships of ``part`` (of type ``kind``)."""
    folder, name = posixpath.split(part)
    rels = ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", name + ".rels")))
    out = {}
    for rel in rels.iter(_PKG_REL):
        if rel.get("TargetMode") == "External" or (kind is not None and rel.get("Type") != kind):
            continue
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = path
    return out


def _sheet_targets(archive: zipfile.ZipFile, book: str) -> dict[str, str]:
    """Tab title -> archive part, for every sheet of the workbook part ``book``."""
    targets = _rel_targets(archive, book)
    return {
        sheet.get("name", ""): targets[sheet.get(_REL_ID, "")]
        for sheet in ElementTree.fromstring(archive.read(book)).iter(_SHEET)
        if sheet.get(_REL_ID, "") in targets
    }


def _worksheet_parts(archive: zipfile.ZipFile, book: str) -> set[str]:
    return set(_rel_targets(archive, book, _WORKSHEET_REL).values())


def _shared_strings_part(archive: zipfile.ZipFile, book: str) -> str | None:
    found = set(_rel_targets(archive, book, _SHARED_REL).values())
    return next(iter(found)) if len(found) == 1 else None


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Tab title -> worksheet part, in a saved workbook."""
    book = _workbook_part(archive)
    worksheets = _worksheet_parts(archive, book)
    return {title: part for title, part in _sheet_targets(archive, book).items() if part in worksheets}


def _shared_items(xml: bytes) -> list[bytes] | None:
    """The inner XML of every <si> of a shared-strings part, or None when it uses a namespace
    prefix or anything else this module does not expect."""
    body = xml.split(b"?>", 1)[-1] if xml.lstrip().startswith(b"<?xml") else xml
    if not re.match(rb"\s*<sst\b", body):
        return None
    items = [m.group(1) or b"" for m in _SHARED_ITEM.finditer(body)]
    if len(_SI_START.findall(body)) != len(items):
        return None
    return items


def _safe_cells(cells: bytes) -> bool:
    """Cells in the form :func:`_as_written` handles: attributes in double quotes only."""
    return b"='" not in cells and b"= '" not in cells


# --------------------------------------------------------------------------- cells


def _as_written(cells: bytes, shared: list[bytes] | None, title: str) -> bytes:
    """Original ``<sheetData>`` in the form openpyxl writes: shared strings inline, no prefixed
    or metadata attributes. Raises SpliceError for a shared string it cannot resolve."""

    if not _NEEDS_REWRITE.search(cells):
        return cells  # openpyxl wrote these cells (a list the sync saved before): nothing to change

    def tag(m: re.Match[bytes]) -> bytes:
        name, attrs, value = m.group(1), m.group(2), m.group(3)
        if b":" not in attrs and b't="s"' not in attrs and b"m=" not in attrs:
            return m.group()  # nearly every row and cell: as it was
        closing = attrs.endswith(b"/")
        if closing:
            attrs = attrs[:-1]
        kept: list[tuple[bytes, bytes]] = []
        shared_string = False
        for a in _ATTR.finditer(attrs):
            key = a.group(1)
            if b":" in key or (name == b"c" and key in _DROPPED):
                continue
            if name == b"c" and key == b"t" and a.group(2) == b"s":
                shared_string = True
                continue
            kept.append((key, a.group(2)))
        if _ATTR.sub(b"", attrs).strip():
            raise SpliceError(f"{title}: unexpected attribute syntax in {m.group()[:80]!r}")
        text = b"<" + name + b"".join(b" " + k + b'="' + v + b'"' for k, v in kept)
        if not shared_string:
            if value is not None:
                return text + b"><v>" + value + b"</v>"
            return text + (b"/>" if closing else b">")
        if closing:  # an empty shared-string cell
            return text + b"/>"
        if value is None or shared is None:
            raise SpliceError(f"{title}: a shared-string cell without its index")
        try:
            item = shared[int(value)]
        except (ValueError, IndexError):
            raise SpliceError(f"{title}: shared string {value!r} not in the table") from None
        return text + b' t="inlineStr"><is>' + item + b"</is>"

    return _TAG.sub(tag, cells)
