"""Inserting and deleting rows/columns: cells, merges, filters, named ranges follow."""

from __future__ import annotations

from typing import Any

from sheets_sync.emulator.state import Sheet, Spreadsheet

_KEYS = {"ROWS": ("startRowIndex", "endRowIndex"), "COLUMNS": ("startColumnIndex", "endColumnIndex")}


def _ranges_of(ss: Spreadsheet, sheet: Sheet) -> list[dict[str, Any]]:
    """Every stored GridRange that lives on ``sheet`` (mutable dicts)."""
    found: list[dict[str, Any]] = list(sheet.merges)
    found += [p["range"] for p in sheet.protected_ranges if "range" in p]
    if sheet.basic_filter and "range" in sheet.basic_filter:
        found.append(sheet.basic_filter["range"])
    for rule in sheet.conditional_formats:
        found += rule.get("ranges", [])
    for band in sheet.banded_ranges:
        if "range" in band:
            found.append(band["range"])
    for named in ss.named_ranges:
        rng = named.get("range", {})
        if int(rng.get("sheetId") or 0) == sheet.id:
            found.append(rng)
    return found


def _shift(ss: Spreadsheet, sheet: Sheet, dim: str, move: Any) -> None:
    start_key, end_key = _KEYS[dim]
    for rng in _ranges_of(ss, sheet):
        for key in (start_key, end_key):
            if rng.get(key) is not None:
                rng[key] = move(rng[key], key == end_key)
    sheet.merges = [m for m in sheet.merges if m.get(end_key, 1) > m.get(start_key, 0)]


def insert(ss: Spreadsheet, sheet: Sheet, dim: str, start: int, count: int) -> None:
    if count <= 0:
        return
    axis = 0 if dim == "ROWS" else 1
    cells = {}
    for key, cell in sheet.cells.items():
        if key[axis] >= start:
            key = (key[0] + count, key[1]) if axis == 0 else (key[0], key[1] + count)
        cells[key] = cell
    sheet.cells = cells
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    shifted = {(k + count if k >= start else k): v for k, v in meta.items()}
    meta.clear()
    meta.update(shifted)
    _shift(ss, sheet, dim, lambda x, is_end: x + count if (x > start if is_end else x >= start) else x)
    if axis == 0:
        sheet.set_size(rows=sheet.rows + count)
    else:
        sheet.set_size(cols=sheet.cols + count)


def insert_rows(ss: Spreadsheet, sheet: Sheet, start: int, count: int) -> None:
    insert(ss, sheet, "ROWS", start, count)


def delete(ss: Spreadsheet, sheet: Sheet, dim: str, start: int, end: int) -> None:
    count = end - start
    if count <= 0:
        return
    axis = 0 if dim == "ROWS" else 1
    cells = {}
    for key, cell in sheet.cells.items():
        pos = key[axis]
        if start <= pos < end:
            continue
        if pos >= end:
            key = (key[0] - count, key[1]) if axis == 0 else (key[0], key[1] - count)
        cells[key] = cell
    sheet.cells = cells
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    shifted = {(k - count if k >= end else k): v for k, v in meta.items() if not start <= k < end}
    meta.clear()
    meta.update(shifted)

    def move(x: int, is_end: bool) -> int:
        if x <= start:
            return x
        if x <= end:
            return start
        return x - count

    _shift(ss, sheet, dim, move)
    if axis == 0:
        sheet.set_size(rows=sheet.rows - count)
    else:
        sheet.set_size(cols=sheet.cols - count)
