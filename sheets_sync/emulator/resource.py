"""``spreadsheets.get``: the Spreadsheet resource, with ``ranges``, ``includeGridData`` and ``fields``."""

from __future__ import annotations

import copy
from typing import Any

from sheets_sync.emulator.a1 import Span
from sheets_sync.emulator.fields import Tree, apply_response_mask, mentions, parse_mask
from sheets_sync.emulator.grid import Area, grid_range_out, prune_defaults, resolve
from sheets_sync.emulator.state import DEFAULT_COL_PX, DEFAULT_ROW_PX, Sheet, Spreadsheet, bad_request
from sheets_sync.emulator.values import effective_value, format_value, number_format
from sheets_sync.emulator.values_api import lookup_for


def sheet_properties_out(sheet: Sheet) -> dict[str, Any]:
    return prune_defaults(copy.deepcopy(sheet.properties))


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def cell_out(
    sheet: Sheet, row: int, col: int, default_format: dict[str, Any], cache: dict[int, Any] | None = None
) -> dict[str, Any]:
    """One ``CellData`` of a grid read. Shares sub-objects with the state: serialise, don't mutate."""
    cell = sheet.cells.get((row, col))
    if not cell:
        return {}
    out: dict[str, Any] = {}
    if cell.get("userEnteredValue"):
        out["userEnteredValue"] = cell["userEnteredValue"]
        value = effective_value(cell, lookup_for(sheet))
        if value is not None:
            out["effectiveValue"] = value
        out["formattedValue"] = format_value(value, number_format(cell))
    fmt = cell.get("userEnteredFormat")
    if fmt:
        out["userEnteredFormat"] = fmt
    if fmt:  # Google also sends defaults for unformatted cells; omitted here to keep reads small
        cache = {} if cache is None else cache
        key = id(fmt)
        if key not in cache:
            cache[key] = _deep_merge(default_format, fmt or {})
        out["effectiveFormat"] = cache[key]
    for key_name in ("note", "dataValidation", "hyperlink", "textFormatRuns"):
        if cell.get(key_name):
            out[key_name] = cell[key_name]
    return out


def grid_data(ss: Spreadsheet, area: Area) -> dict[str, Any]:
    sheet = area.sheet
    r0, r1, c0, c1 = area.bounds()
    default = ss.properties.get("defaultFormat", {})
    occupied: dict[int, list[int]] = {}
    for r, c in sheet.cells:
        if r0 <= r < r1 and c0 <= c < c1:
            occupied.setdefault(r, []).append(c)
    rows: list[dict[str, Any]] = []
    cache: dict[int, Any] = {}
    for r in sorted(occupied):
        values = []
        for c in range(c0, max(occupied[r]) + 1):
            values.append(cell_out(sheet, r, c, default, cache))
        while values and not values[-1]:
            values.pop()
        rows.extend({} for _ in range(r - r0 - len(rows)))
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    data: dict[str, Any] = {}
    if r0:
        data["startRow"] = r0
    if c0:
        data["startColumn"] = c0
    if rows:
        data["rowData"] = rows
    data["rowMetadata"] = [
        prune_defaults({"pixelSize": DEFAULT_ROW_PX, **sheet.row_meta.get(r, {})}) for r in range(r0, r1)
    ]
    data["columnMetadata"] = [
        prune_defaults({"pixelSize": DEFAULT_COL_PX, **sheet.col_meta.get(c, {})}) for c in range(c0, c1)
    ]
    return data


def sheet_out(ss: Spreadsheet, sheet: Sheet, areas: list[Area] | None, with_data: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties_out(sheet)}
    if with_data:
        targets = areas or [Area(sheet, Span(None, None, None, None))]
        out["data"] = [grid_data(ss, a) for a in targets]
    if sheet.merges:
        out["merges"] = [grid_range_out(m) for m in sheet.merges]
    if sheet.conditional_formats:
        out["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
    if sheet.protected_ranges:
        out["protectedRanges"] = [_protected_out(p) for p in sheet.protected_ranges]
    if sheet.basic_filter:
        bf = copy.deepcopy(sheet.basic_filter)
        bf["range"] = grid_range_out(bf.get("range", {}))
        out["basicFilter"] = bf
    for key, value in (
        ("charts", sheet.charts),
        ("bandedRanges", sheet.banded_ranges),
        ("developerMetadata", sheet.developer_metadata),
        ("rowGroups", sheet.row_groups),
        ("columnGroups", sheet.column_groups),
    ):
        if value:
            out[key] = copy.deepcopy(value)
    return out


def _protected_out(prot: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(prot)
    if "range" in out:
        out["range"] = grid_range_out(out["range"])
    return out


def named_range_out(named: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(named)
    out["range"] = grid_range_out(out.get("range", {}))
    return out


def _truthy(value: Any) -> bool:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).lower() == "true"


def spreadsheet_get(ss: Spreadsheet, params: dict[str, Any]) -> dict[str, Any]:
    tree: Tree | None = None
    if params.get("fields"):
        fields = params["fields"] if isinstance(params["fields"], str) else ",".join(params["fields"])
        try:
            tree = parse_mask(fields)
        except ValueError:
            raise bad_request(f"Invalid field selection {fields}") from None
    ranges = params.get("ranges") or []
    if isinstance(ranges, str):
        ranges = [ranges]
    areas = [resolve(ss, r) for r in ranges]
    with_data = _truthy(params.get("includeGridData", "false")) or mentions(tree, "sheets", "data")
    return build(ss, areas, with_data, tree)


def build(ss: Spreadsheet, areas: list[Area], with_data: bool, tree: Tree | None) -> dict[str, Any]:
    sheets = []
    for sheet in ss.sheets:
        mine = [a for a in areas if a.sheet is sheet]
        if areas and not mine:
            continue
        sheets.append(sheet_out(ss, sheet, mine or None, with_data))
    out: dict[str, Any] = {
        "spreadsheetId": ss.id,
        "properties": copy.deepcopy(ss.properties),
        "sheets": sheets,
    }
    if ss.named_ranges:
        out["namedRanges"] = [named_range_out(n) for n in ss.named_ranges]
    if ss.developer_metadata:
        out["developerMetadata"] = copy.deepcopy(ss.developer_metadata)
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{ss.id}/edit"
    return apply_response_mask(out, tree)
