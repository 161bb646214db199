"""The pieces of ``spreadsheets.batchUpdate`` requests (pure: no I/O): A1 notation, cell values
as Google's ``ExtendedValue`` (never parsed: ``=1+1`` stays text; dates as ISO text), ranges,
column widths, dropdowns and charts. :mod:`.write` plans a commit with them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

from sheets_sync.workbook import CellValue, ChartSpec

MAX_CELL_CHARS = 50_000  # Google refuses longer cells
PX_PER_CHAR = 7


def col_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def a1_cell(anchor: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", anchor.strip())
    if not match:
        raise ValueError(f"not an A1 cell: {anchor!r}")
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, col - 1


def value_text(value: dt.date | dt.datetime) -> str:
    """A date as the local workbook reads it back: ISO, minutes only when not midnight."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    return value.isoformat()


def extended_value(value: CellValue) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return {"stringValue": str(value)}
        return {"numberValue": value}
    if isinstance(value, (dt.date, dt.datetime)):
        return {"stringValue": value_text(value)}
    return {"stringValue": str(value)[:MAX_CELL_CHARS]}


def cell(value: CellValue, *, bold: bool = False, note: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ev = extended_value(value)
    if ev is not None:
        out["userEnteredValue"] = ev
    if bold:
        out["userEnteredFormat"] = {"textFormat": {"bold": True}}
    if note:
        out["note"] = note
    return out


def grid_range(sheet_id: int, r0: int, r1: int | None, c0: int, c1: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"sheetId": sheet_id, "startRowIndex": r0, "startColumnIndex": c0}
    if r1 is not None:
        out["endRowIndex"] = r1
    if c1 is not None:
        out["endColumnIndex"] = c1
    return out


def update_cells(
    sheet_id: int, r0: int, r1: int, c0: int, c1: int, rows: list[list[dict[str, Any]]], fields: str
) -> dict[str, Any]:
    while rows and not any(rows[-1]):
        rows = rows[:-1]
    return {
        "updateCells": {
            "range": grid_range(sheet_id, r0, r1, c0, c1),
            "rows": [{"values": r} if any(r) else {} for r in rows],
            "fields": fields,
        }
    }


def runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted indexes as (start, end) runs."""
    out: list[tuple[int, int]] = []
    for i in sorted(indexes):
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def add_sheet(sheet_id: int, title: str, rows: int, cols: int) -> dict[str, Any]:
    props = {"sheetId": sheet_id, "title": title, "gridProperties": {"rowCount": rows, "columnCount": cols}}
    return {"addSheet": {"properties": props}}


def append_dimension(sheet_id: int, dimension: str, length: int) -> dict[str, Any]:
    return {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": length}}


def column_width(sheet_id: int, col: int, chars: int) -> dict[str, Any]:
    return {
        "updateDimensionProperties": {
            "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
            "properties": {"pixelSize": int(chars * PX_PER_CHAR + 10)},
            "fields": "pixelSize",
        }
    }


def dropdown(sheet_id: int, col: int, r0: int, r1: int, choices: Sequence[str]) -> dict[str, Any]:
    return {
        "setDataValidation": {
            "range": grid_range(sheet_id, r0, r1, col, col + 1),
            "rule": {
                "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in choices]},
                "inputMessage": " / ".join(choices),  # the choices alone: no words in any language
                "strict": False,  # a person may keep another value: the sync reports it
                "showCustomUi": True,
            },
        }
    }


def chart_request(spec: ChartSpec, sheet_id: int) -> dict[str, Any]:
    def source(col: int) -> dict[str, Any]:
        rng = grid_range(sheet_id, spec.header_row, spec.last_row + 1, col, col + 1)
        return {"sourceRange": {"sources": [rng]}}

    kind = {"bar": "BAR", "column": "COLUMN", "line": "LINE"}[spec.kind]
    row, col = a1_cell(spec.anchor)
    return {
        "addChart": {
            "chart": {
                "spec": {
                    "title": spec.title,
                    "basicChart": {
                        "chartType": kind,
                        "legendPosition": "BOTTOM_LEGEND",
                        "headerCount": 1,
                        "domains": [{"domain": source(spec.category_col)}],
                        "series": [
                            {
                                "series": source(c),
                                "targetAxis": "BOTTOM_AXIS" if kind == "BAR" else "LEFT_AXIS",
                            }
                            for c in spec.series_cols
                        ],
                    },
                },
                "position": {
                    "overlayPosition": {
                        "anchorCell": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
                        "widthPixels": 600,
                        "heightPixels": 320,
                    }
                },
            }
        }
    }


# --------------------------------------------------------------------------- commit


def extended_text(value: CellValue) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)
