"""The subject access export as a readable .xlsx: one tab per kind of data held (``run.py export``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook as XlsxBook

from sheets_sync.adapters.xlsx.text import excel_text
from sheets_sync.adapters.xlsx.write import set_value
from sheets_sync.files import write_atomic


def write_export_workbook(data: Mapping[str, Any], path: Path) -> None:
    """``data`` as :func:`sheets_sync.app.privacy.collect` returns it, written 0600, never through a
    link planted at the name; every cell a value (no formula from a list cell)."""
    book = XlsxBook()
    sheet = book.active
    sheet.title = "Master record"
    _append_text(sheet, ["Field", "Value"])
    for key, value in (data["master_record"] or {}).items():
        _append_text(sheet, [key, "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else value])
    sections = {
        "Source rows": [
            {"ref": s["ref"], "teacher": s["teacher"], **s["as_entered"]} for s in data["source_rows"]
        ],
        "Review": data["review"],
        "Outreach": data["outreach"],
        "Engagements": data["engagements"],
        "Staff tab rows": [{"ref": s["ref"], **s["as_entered"]} for s in data["staff_rows"]],
    }
    for title, rows in sections.items():
        ws = book.create_sheet(title)
        headers: list[str] = []
        for row in rows:
            headers.extend(k for k in row if k not in headers)
        _append_text(ws, headers or ["(nothing held)"])
        for row in rows:
            _append_text(ws, [row.get(h, "") for h in headers])
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = min(
                60, max(10, *(len(str(c.value or "")) + 2 for c in col))
            )
    write_atomic(path, book.save)


def _append_text(ws: Any, values: Sequence[Any]) -> None:
    """Append a row; every string stays a string (no formula from a list cell), written as the
    service writes text (control characters cleaned: openpyxl refuses them; Excel's limits)."""
    cells = [None if v is None else v if isinstance(v, (int, float)) else str(v) for v in values]
    ws.append([excel_text(c, ws.title, "") if isinstance(c, str) else c for c in cells])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            set_value(cell, cell.value)
