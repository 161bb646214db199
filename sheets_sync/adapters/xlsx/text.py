"""Text as Excel stores it: ``_xHHHH_`` escapes, control characters, lengths in UTF-16 units.

* **Escapes.** SpreadsheetML text (ST_Xstring, ECMA-376 Part 1 §22.9.2.19) cannot hold most
  control characters, so Excel writes U+000B as ``_x000B_`` (and a literal ``_x000B_`` typed by a
  person as ``_x005F_x000B_``). Excel, LibreOffice and calamine decode them on reading; openpyxl
  does not (and strips every ``x005F_`` from shared strings, which makes the two undecidable),
  so the readers use :func:`raw_shared_strings` and :func:`decode`, and every text the service
  writes goes through :func:`encode`, so that what is read back is what was written.
* **Control characters** are cleaned from every value the service writes (:func:`clean`): those
  that are whitespace (vertical tab, form feed, the separators U+001C-U+001F) become a space,
  the others are dropped; half surrogate pairs become U+FFFD (they cannot be encoded at all).
* **Lengths** are counted as Excel counts them, in UTF-16 code units: an emoji is two.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree

log = logging.getLogger(__name__)

# "Worksheet cells can contain a maximum of 32,767 characters" (Microsoft KB 211878), counted in
# UTF-16 code units: Excel stores text as UTF-16 (MS-XLSB 2.5.168 XLWideString: a count of
# 16-bit characters), so an emoji outside the Basic Multilingual Plane takes two of them.
MAX_CELL_UNITS = 32767

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_LITERAL = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # a "_" that would start an escape on reading
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE_LIKE = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")  # str.isspace() is True for these

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SI, _T, _R = (f"{{{_MAIN}}}{t}" for t in ("si", "t", "r"))
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def decode(text: str) -> str:
    """``"Bo_x000B_ Ek"`` -> ``"Bo\\x0b Ek"``; ``"_x005F_x000B_"`` -> ``"_x000B_"`` (a literal)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def encode(text: str) -> str:
    """The text to store so that :func:`decode` (and Excel) gives ``text`` back. Control characters
    are cleaned before (:func:`clean`), so only a literal ``_xHHHH_`` needs escaping."""
    if "_x" not in text:
        return text
    return _LITERAL.sub("_x005F_", text)


def _cleaned(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _SPACE_LIKE:
        return " "
    return "\ufffd" if "\ud800" <= ch <= "\udfff" else ""


def clean(text: str) -> str:
    """Without the characters an .xlsx cannot hold (see the module docstring)."""
    return _CONTROL.sub(_cleaned, text) if _CONTROL.search(text) else text


def utf16_len(text: str) -> int:
    """Length as Excel counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut(text: str, units: int) -> str:
    """``text`` cut to at most ``units`` UTF-16 code units, never inside a surrogate pair."""
    if len(text) * 2 <= units or utf16_len(text) <= units:
        return text
    return text.encode("utf-16-le", "surrogatepass")[: units * 2].decode("utf-16-le", "ignore")


def excel_text(value: str, tab: str, coordinate: str) -> str:
    """Text as a cell can hold it: no control characters, line feeds only (XML turns a CR into
    a line feed on reading, so what we write is what we read), at most 32,767 UTF-16 units.
    Not yet escaped: :func:`encode` is applied where the XML is written."""
    text = clean(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) * 2 > MAX_CELL_UNITS:
        shorter = cut(text, MAX_CELL_UNITS)
        if shorter != text:
            log.warning("cell %s!%s truncated to %d characters", tab, coordinate, MAX_CELL_UNITS)
            text = shorter
    return text


def capped(text: str, units: int) -> str:
    """A message cut to ``units`` (UTF-16) with an ellipsis when it is longer."""
    text = clean(text)
    if utf16_len(text) <= units:
        return text
    return cut(text, units - 1).rstrip(" ,;") + "\u2026"


def raw_shared_strings(data: bytes) -> list[str] | None:
    """The shared strings of the workbook ``data`` as stored (escapes not decoded), the way
    openpyxl joins them (plain text and rich-text runs, not phonetic runs) — or None when no
    string holds the ``x005F_`` openpyxl deletes (its own list is then the stored one) or the
    table cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _shared_strings_part(archive)
            if part is None:
                return None
            xml = archive.read(part)
            if b"x005F_" not in xml:  # what openpyxl's read_string_table deletes (case-sensitive)
                return None
            strings: list[str] = []
            for _, node in ElementTree.iterparse(io.BytesIO(xml)):
                if node.tag == _SI:
                    parts = [node.findtext(_T) or ""] if node.find(_T) is not None else []
                    parts.extend(r.findtext(_T) or "" for r in node.iter(_R))
                    strings.append("".join(parts))
                    node.clear()
            return strings
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError) as err:
        log.debug("shared strings read by openpyxl only (%s)", err)
        return None


def keep_escapes_for_decoding(worksheets: Sequence[Any], data: bytes) -> None:
    """Give openpyxl's read-only worksheets (which share one list) the shared strings as stored,
    so that each cell is decoded once, by :func:`decode`, like inline strings and formula text."""
    raw = raw_shared_strings(data)
    strings = getattr(worksheets[0], "_shared_strings", None) if worksheets and raw is not None else None
    if raw is None or not isinstance(strings, list):
        return
    if len(strings) != len(raw):
        log.debug(
            "shared strings: openpyxl read %d, the table has %d; kept openpyxl's", len(strings), len(raw)
        )
        return
    strings[:] = raw


def _shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    root = ElementTree.fromstring(archive.read("_rels/.rels"))
    book = next(r.get("Target", "") for r in root.iter(_PKG_REL) if r.get("Type") == _OFFICE_DOC).lstrip("/")
    folder, name = posixpath.split(book)
    rels = ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", name + ".rels")))
    for rel in rels.iter(_PKG_REL):
        if rel.get("Type") == _SHARED_REL and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            return (
                target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
    return None
