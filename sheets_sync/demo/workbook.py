"""Write a demo school to an .xlsx file (the only I/O of the demo package)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sheets_sync import schema as tabs
from sheets_sync.demo.model import DemoSchool
from sheets_sync.demo.survey import TAB as SURVEY_TAB

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEXT = "@"
DATE_FORMAT = "DD/MM/YYYY"


def write_demo_workbook(path: Path, school: DemoSchool) -> Path:
    """Write every list as ``List - <teacher>``, then ``Staff`` and the recording tabs.

    Cells are text (number format ``@``), so ``0612 345 678`` and ``007`` stay as typed; a cell
    holding an ISO date (``2019-06-28``) becomes a real Excel date, as when a teacher types a date.
    The file is written next to ``path`` and moved into place, so a reader never sees half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    for demo_list in school.lists:
        ws = wb.create_sheet(demo_list.tab)
        width = max((len(r) for r in demo_list.rows), default=1)
        _widths(ws, demo_list.rows)
        ws.freeze_panes = f"A{demo_list.header_row + 1}"
        if demo_list.header_row > 1 and demo_list.rows[0]:
            ws.merged_cells.add(f"A1:{get_column_letter(max(width, 1))}1")
        for index, row in enumerate(demo_list.rows):
            ws.append(_cells(ws, row, bold=index + 1 == demo_list.header_row))
    _template(wb, tabs.STAFF, school.staff)
    for tab, rows in school.template_rows.items():
        _template(wb, tab, rows)
    if school.survey:  # a Google Forms responses tab, as "Link to Sheets" makes it
        ws = wb.create_sheet(SURVEY_TAB)
        _widths(ws, school.survey)
        ws.freeze_panes = "A2"
        for row in school.survey:
            ws.append(_cells(ws, row))
    fd, tmp = tempfile.mkstemp(prefix=".demo-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    log.info(
        "demo workbook written: %d lists, %d template tabs", len(school.lists), len(school.template_rows) + 1
    )
    return path


def _template(wb: Workbook, tab: str, rows: list[list[str]]) -> None:
    header = list(tabs.TEMPLATE_HEADERS[tab])
    ws = wb.create_sheet(tab)
    _widths(ws, [header, *rows])
    ws.freeze_panes = "A2"
    ws.append(_cells(ws, header, bold=True))
    for row in rows:
        ws.append(_cells(ws, row))


def _cells(ws, row: list[str], bold: bool = False) -> list[WriteOnlyCell]:
    out = []
    for value in row:
        if _ISO_DATE.match(value):
            cell = WriteOnlyCell(ws, value=dt.date.fromisoformat(value))
            cell.number_format = DATE_FORMAT
        else:
            cell = WriteOnlyCell(ws, value=value if value else None)
            cell.number_format = TEXT
        if bold:
            cell.font = Font(bold=True)
        out.append(cell)
    return out


def _widths(ws, rows: list[list[str]]) -> None:
    widths: dict[int, int] = {}
    for row in rows[:200]:
        for i, value in enumerate(row):
            widths[i] = max(widths.get(i, 0), len(value))
    for i, w in widths.items():
        ws.column_dimensions[get_column_letter(i + 1)].width = min(40, max(8, w + 2))
