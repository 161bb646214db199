"""The data rows of a service-owned tab as worksheet XML, without an openpyxl cell per value.

A big school's commit writes ~300,000 cells (Alumni, Review, Data issues, the state tab).
Building an openpyxl ``Cell`` for each and serialising it is most of what is left of a commit's
time, so :func:`data_rows_xml` writes the ``<row>`` elements directly, exactly as openpyxl writes
them (same inline strings, numbers, date serials and cell formats, registered in the workbook's
style table through openpyxl). :mod:`.splice` appends them to the tab openpyxl saved with its
header, notes, widths, dropdowns, charts and protection. ``tests/test_xlsx_splice.py`` checks
the result cell by cell against the plain openpyxl path.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field, replace

from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet

from sheets_sync.adapters.xlsx.text import encode, excel_text
from sheets_sync.workbook import CellValue, TabWrite

log = logging.getLogger(__name__)

FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\n")  # text a spreadsheet would take for a formula
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


@dataclass(frozen=True)
class Look:
    """The formats a data cell can get from ``write_tab``."""

    number_format: str = ""  # a date or date-time format
    quote: bool = False  # text that looks like a formula
    bold: bool = False  # a bold row (a total)
    unlocked: bool = False  # a staff column of a protected tab


@dataclass
class Styles:
    """Look -> openpyxl style id of the workbook (registered on first use)."""

    ws: Worksheet
    ids: dict[Look, int] = field(default_factory=dict)

    def id(self, look: Look) -> int:
        found = self.ids.get(look)
        if found is None:
            cell = Cell(self.ws)  # not placed in the sheet: only carries the format
            if look.number_format:
                cell.number_format = look.number_format
            if look.quote:
                cell.quotePrefix = True
            if look.bold:
                font = copy(cell.font)
                font.b = True
                cell.font = font
            if look.unlocked:
                cell.protection = Protection(locked=False)
            found = self.ids[look] = cell.style_id if cell.has_style else 0
        return found


@dataclass(frozen=True)
class RowsXml:
    """``<row>`` elements for a tab's sheetData, and the range they cover with the header."""

    xml: bytes
    dimension: str  # e.g. "A1:N10546", as openpyxl computes it
    cells: int  # values written


def data_rows_xml(
    ws: Worksheet,
    tw: TabWrite,
    *,
    top: int,
    unlocked_cols: set[int],
    unlocked_until: int,
) -> RowsXml:
    """The rows of ``tw`` from sheet row ``top + 1`` on, as openpyxl writes what ``write_tab``
    builds; the columns in ``unlocked_cols`` (1-based) are unlocked down to ``unlocked_until``
    (protected tabs)."""
    styles = Styles(ws)
    bold_rows = {top + i + 1 for i in tw.bold_rows}
    bold_width = max([len(tw.header) if tw.header_row else 0, 1] + [_filled(r) for r in tw.rows])
    max_col = max(bold_width, max(unlocked_cols, default=0), *(len(r) for r in tw.rows))
    letters = [get_column_letter(c) for c in range(1, max_col + 1)]
    epoch = ws.parent.epoch
    out: list[str] = []
    cells = 0
    last_row = top + len(tw.rows)
    end = max(last_row, unlocked_until if unlocked_cols else 0)
    used_rows: list[int] = [1] if tw.header_row and tw.header else []
    used_cols: set[int] = set(range(1, len(tw.header) + 1)) if tw.header_row else set()
    for r in range(top + 1, end + 1):
        values: list[CellValue] = list(tw.rows[r - top - 1]) if r <= last_row else []
        bold = r in bold_rows
        width = max(bold_width if bold else 0, len(values), max(unlocked_cols, default=0))
        parts: list[str] = []
        for c in range(1, width + 1):
            value = values[c - 1] if c <= len(values) else None
            unlocked = c in unlocked_cols
            if value is None or value == "":
                if not (bold or unlocked):
                    continue
                look = Look(bold=bold, unlocked=unlocked)
                parts.append(f'<c r="{letters[c - 1]}{r}" s="{styles.id(look)}"/>')
                used_cols.add(c)
                continue
            cells += 1
            used_cols.add(c)
            parts.append(
                _cell(
                    ws.title, f"{letters[c - 1]}{r}", value, Look(bold=bold, unlocked=unlocked), styles, epoch
                )
            )
        if parts:
            used_rows.append(r)
            out.append(f'<row r="{r}">{"".join(parts)}</row>')
    dimension = "A1:A1"
    if used_rows and used_cols:
        dimension = f"{get_column_letter(min(used_cols))}{min(used_rows)}:{get_column_letter(max(used_cols))}{max(used_rows)}"
    return RowsXml("".join(out).encode("utf-8"), dimension, cells)


def _filled(row: Sequence[CellValue]) -> int:
    """1-based column of the last value (openpyxl creates no cell for an empty one)."""
    for c in range(len(row), 0, -1):
        if row[c - 1] is not None and row[c - 1] != "":
            return c
    return 0


def _cell(tab: str, ref: str, value: CellValue, look: Look, styles: Styles, epoch: dt.datetime) -> str:
    if isinstance(value, str):
        text = excel_text(value, tab, ref)
        s = _s(styles, replace(look, quote=text.startswith(FORMULA_LIKE)))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{encode(text).translate(_ESCAPE)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{_s(styles, look)} t="b"><v>{safe_string(value)}</v></c>'
    if isinstance(value, dt.date):
        fmt = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
        s = _s(styles, replace(look, number_format=fmt))
        return f'<c r="{ref}"{s} t="n"><v>{safe_string(to_excel(value, epoch))}</v></c>'
    return f'<c r="{ref}"{_s(styles, look)} t="n"><v>{safe_string(value)}</v></c>'


def _s(styles: Styles, look: Look) -> str:
    sid = styles.id(look)
    return f' s="{sid}"' if sid else ""
