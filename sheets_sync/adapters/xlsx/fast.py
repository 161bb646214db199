"""Speed for big workbooks: reading an .xlsx where openpyxl is slow.

:func:`sheet_text_rows` gives a worksheet's cells as text, parsed with lxml straight from the
sheet's XML. Same result as ``xlsx_read._rows_as_text(ws.iter_rows())`` on a read-only
worksheet (which builds a Python object per cell and a rich-text object per inline string),
about 3x faster. Workbook-level parsing (shared strings, styles, date formats) stays openpyxl's.
It falls back to the plain openpyxl path (``None``) when something is not as expected, so it
can only change speed, never results. The commit's counterpart is :mod:`.splice`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sheets_sync.adapters.xlsx.guard import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_GRID_CELLS,
    MAX_ROWS,
    MESSAGES,
    HostileFileError,
)
from sheets_sync.adapters.xlsx.text import decode

log = logging.getLogger(__name__)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _C, _V, _IS, _T, _R = (f"{{{_MAIN}}}{t}" for t in ("row", "c", "v", "is", "t", "r"))


def _column(ref: str) -> int:
    """``"AB12"`` -> 28."""
    col = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            col = col * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            col = col * 26 + ord(ch) - 96
        else:
            break
    return col


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        value = float(text)
        if not value.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(value)


def _refuse(key: str, **values: Any) -> HostileFileError:
    return HostileFileError(MESSAGES[key].format(**values) + MESSAGES["fix"])


def sheet_text_rows(
    ws: Any, cell_text: Callable[[Any, str], str], *, where: str = "", max_cells: int = MAX_GRID_CELLS
) -> tuple[tuple[str, ...], ...] | None:
    """Every row of the read-only worksheet ``ws`` as text (trailing empties trimmed), or None
    when this openpyxl/lxml does not offer what is needed (the caller then uses openpyxl).

    Held to a spreadsheet's limits while streaming (rows, columns, characters a cell, and
    :data:`~.xlsx_guard.MAX_GRID_CELLS`): memory follows the cells read, never a number written
    in the file. ``max_cells``: what is left of the file's cell budget (a row counts its width,
    an empty row one). Past a limit: :class:`~.xlsx_guard.HostileFileError` (``where``: the file)."""
    try:
        from lxml import etree
        from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        wb = ws.parent
        shared = ws._shared_strings
        styles = wb._cell_styles
        custom_formats = wb._number_formats
        date_styles, delta_styles, epoch = wb._date_formats, wb._timedelta_formats, wb.epoch
        source = ws._get_source()
    except (ImportError, AttributeError) as err:
        log.debug("fast sheet reading unavailable (%s): using openpyxl", err)
        return None

    formats: dict[int, str] = {}
    columns: dict[str, int] = {}

    def number_format(style: int) -> str:
        fmt = formats.get(style)
        if fmt is None:
            num_id = styles[style].numFmtId
            if num_id < BUILTIN_FORMATS_MAX_SIZE:
                fmt = BUILTIN_FORMATS.get(num_id, "General")
            else:
                fmt = custom_formats[num_id - BUILTIN_FORMATS_MAX_SIZE]
            formats[style] = fmt
        return fmt

    def value_text(kind: str | None, value: str, c: Any) -> str:
        """A cell with a <v>alue that is not a shared string, as openpyxl + ``cell_text`` read it."""
        if kind is None or kind == "n":
            number: Any = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
            style = int(c.get("s") or 0)
            if style in date_styles:
                try:
                    number = from_excel(number, epoch, timedelta=style in delta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return cell_text(number, number_format(style) if style else "General")
        if kind == "b":
            return "TRUE" if int(value) else "FALSE"
        if kind == "d":
            return cell_text(from_ISO8601(value), "General")
        return decode(value)  # "str" (a formula's cached text), "e" (an error such as #N/A), unknown kinds

    rows: list[tuple[str, ...]] = []
    with source:
        parser = etree.iterparse(
            source,
            events=("end",),
            tag=_ROW,
            resolve_entities=False,
            huge_tree=True,
            remove_comments=True,  # 2 GiB of comments cost no memory
            remove_pis=True,
        )
        number = seen = spanned = 0
        for _, row in parser:
            seen += 1
            r = row.get("r")
            index = _row_number(r) if r else number + 1
            if index > MAX_ROWS or seen > MAX_ROWS:
                raise _refuse(
                    "rows", path=where, tab=ws.title, number=f"{max(index, seen):,}", limit=MAX_ROWS
                )
            if index <= number:  # a row out of order: openpyxl's read-only iteration skips it
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                continue
            rows.extend(() for _ in range(number + 1, index))
            number = index
            cells: list[str] = []
            col = count = 0
            for c in row:
                if c.tag != _C:
                    continue
                count += 1
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = columns.get(letters) or columns.setdefault(letters, _column(letters[:8]))
                else:
                    col += 1
                if col > MAX_COLUMNS or count > MAX_COLUMNS:
                    raise _refuse(
                        "columns", path=where, tab=ws.title, column=ref or "?", number=col, limit=MAX_COLUMNS
                    )
                kind = c.get("t")
                text = ""
                if kind == "inlineStr":
                    for node in c:
                        if node.tag == _IS:
                            parts = []
                            for part in node:  # <t>, or rich-text runs <r><t>; not phonetic <rPh>
                                if part.tag == _T:
                                    parts.append(part.text or "")
                                elif part.tag == _R:
                                    parts.extend(t.text or "" for t in part if t.tag == _T)
                            text = decode("".join(parts))
                            break
                else:
                    for node in c:
                        if node.tag == _V:
                            if node.text:
                                text = (
                                    decode(str(shared[int(node.text)]))
                                    if kind == "s"
                                    else value_text(kind, node.text, c)
                                )
                            break
                if len(text) > MAX_CELL_CHARS:
                    raise _refuse(
                        "cell", path=where, tab=ws.title, row=index, length=len(text), limit=MAX_CELL_CHARS
                    )
                if len(cells) < col:
                    cells.extend([""] * (col - len(cells)))
                cells[col - 1] = text
            end = len(cells)
            while end and not cells[end - 1]:
                end -= 1
            spanned += max(end, 1)
            if spanned > max_cells:
                raise _refuse("grid", path=where, limit=MAX_GRID_CELLS)
            rows.append(tuple(cells[:end]))
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows)
