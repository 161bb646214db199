"""``spreadsheets.batchUpdate``: applied atomically (on a copy; any error leaves the original)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sheets_sync.emulator import batch_cells as cells
from sheets_sync.emulator import batch_extras as extras
from sheets_sync.emulator import dimensions, limits
from sheets_sync.emulator.a1 import quote_title
from sheets_sync.emulator.batch_cells import Invalid
from sheets_sync.emulator.fields import apply_update_mask
from sheets_sync.emulator.grid import grid_range_out, normalize_format, prune_defaults
from sheets_sync.emulator.resource import build
from sheets_sync.emulator.state import (
    DEFAULT_COLS,
    DEFAULT_ROWS,
    MAX_CELLS,
    ApiError,
    IdSource,
    Sheet,
    Spreadsheet,
    bad_request,
)


@dataclass
class Context:
    ids: IdSource
    owner: str


Handler = Callable[[Spreadsheet, dict[str, Any], Context], dict[str, Any] | None]


_mask = extras._mask  # one definition of the field-mask and sheet-id checks, shared with extras
_sheet = extras._sheet
_dimension_range = extras.dimension_range


def _check_cells(ss: Spreadsheet) -> None:
    if ss.total_cells() > MAX_CELLS:
        raise Invalid(
            f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells."
        )


def _check_title(ss: Spreadsheet, title: str, exclude: Sheet | None = None) -> None:
    if not title.strip():
        raise Invalid("The sheet name cannot be empty.")
    for sheet in ss.sheets:
        if sheet is not exclude and sheet.title.lower() == title.lower():
            raise Invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')


def add_sheet(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    props = normalize_format({k: v for k, v in (req.get("properties") or {}).items() if v is not None})
    if "title" not in props:
        n = len(ss.sheets) + 1
        while ss.sheet_by_title(f"Sheet{n}"):
            n += 1
        props["title"] = f"Sheet{n}"
    _check_title(ss, props["title"])
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = ctx.ids.sheet_id()
    elif ss.sheet_by_id(int(sheet_id)):
        raise Invalid(f"Sheet with id {sheet_id} already exists.")
    grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLS, **(props.get("gridProperties") or {})}
    index = props.get("index", len(ss.sheets))
    if not 0 <= int(index) <= len(ss.sheets):
        raise Invalid(f"Invalid index: {index}")
    out = {
        "sheetId": int(sheet_id),
        "title": props["title"],
        "index": int(index),
        "sheetType": props.get("sheetType", "GRID"),
        "gridProperties": grid,
        **{
            k: v
            for k, v in props.items()
            if k not in ("sheetId", "title", "index", "sheetType", "gridProperties")
        },
    }
    for other in ss.sheets:
        if other.properties["index"] >= out["index"]:
            other.properties = {**other.properties, "index": other.properties["index"] + 1}
    ss.sheets.append(Sheet(properties=out))
    ss.reindex()
    _check_cells(ss)
    return {"addSheet": {"properties": prune_defaults(copy.deepcopy(out))}}


def delete_sheet(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    sheet = _sheet(ss, req.get("sheetId"))
    if len(ss.sheets) == 1:
        raise Invalid("You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    ss.named_ranges = [n for n in ss.named_ranges if int(n.get("range", {}).get("sheetId") or 0) != sheet.id]
    for i, other in enumerate(sorted(ss.sheets, key=lambda s: s.properties["index"])):
        other.properties = {**other.properties, "index": i}
    ss.reindex()


def duplicate_sheet(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    source = _sheet(ss, req.get("sourceSheetId"))
    title = req.get("newSheetName") or f"Copy of {source.title}"
    _check_title(ss, title)
    clone = source.copy()
    new_id = req.get("newSheetId") or ctx.ids.sheet_id()
    index = req.get("insertSheetIndex")
    index = len(ss.sheets) if index is None else int(index)
    for other in ss.sheets:
        if other.properties["index"] >= index:
            other.properties = {**other.properties, "index": other.properties["index"] + 1}
    clone.properties = {**clone.properties, "sheetId": int(new_id), "title": title, "index": index}
    for rng in clone.merges:
        rng["sheetId"] = int(new_id)
    clone.protected_ranges = []
    clone.charts = []
    ss.sheets.append(clone)
    ss.reindex()
    _check_cells(ss)
    return {"duplicateSheet": {"properties": prune_defaults(copy.deepcopy(clone.properties))}}


def update_sheet_properties(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    source = req.get("properties") or {}
    sheet = _sheet(ss, source.get("sheetId"))
    tree = _mask(req.get("fields"))
    if "*" in tree:
        tree = {k: {} for k in source if k != "sheetId"}
    for key in ("tabColor", "tabColorStyle"):
        if key in tree:
            tree["tabColor"] = tree["tabColorStyle"] = {}
    src = normalize_format(source)
    if "tabColorStyle" in tree and "tabColorStyle" not in src and "tabColor" in src:
        src["tabColorStyle"] = {"rgbColor": src["tabColor"]}
    if "tabColorStyle" in src and "tabColor" not in src and "rgbColor" in src["tabColorStyle"]:
        src["tabColor"] = src["tabColorStyle"]["rgbColor"]
    new = apply_update_mask(sheet.properties, src, {k: v for k, v in tree.items() if k != "index"})
    new["sheetId"] = sheet.id
    if "title" in tree:
        title = new.get("title", "")
        _check_title(ss, title, exclude=sheet)
    grid = new.get("gridProperties") or {}
    for key in ("rowCount", "columnCount"):
        if key not in grid:
            grid[key] = sheet.properties["gridProperties"][key]
        if int(grid[key]) <= 0:
            raise Invalid(f"Invalid {key}: {grid[key]}; a sheet must keep at least one row and one column.")
    if int(grid.get("frozenRowCount") or 0) >= int(grid["rowCount"]) and grid.get("frozenRowCount"):
        raise Invalid("You can't freeze all visible rows on the sheet.")
    if int(grid.get("frozenColumnCount") or 0) >= int(grid["columnCount"]) and grid.get("frozenColumnCount"):
        raise Invalid("You can't freeze all visible columns on the sheet.")
    new["gridProperties"] = grid
    if new.get("hidden") and all(s.properties.get("hidden") or s is sheet for s in ss.sheets):
        raise Invalid("You can't hide all the sheets in a document.")
    new["index"] = sheet.properties["index"]
    sheet.properties = new
    sheet.set_size(int(grid["rowCount"]), int(grid["columnCount"]))
    _check_cells(ss)
    if "index" in tree and source.get("index") is not None:
        _move_sheet(ss, sheet, int(source["index"]))


def _move_sheet(ss: Spreadsheet, sheet: Sheet, target: int) -> None:
    order = sorted(ss.sheets, key=lambda s: s.properties["index"])
    current = order.index(sheet)
    if target > current:  # Google counts the target position before the move
        target -= 1
    order.remove(sheet)
    order.insert(max(0, min(target, len(order))), sheet)
    for i, other in enumerate(order):
        other.properties = {**other.properties, "index": i}
    ss.reindex()


def update_spreadsheet_properties(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    tree = _mask(req.get("fields"))
    ss.properties = apply_update_mask(ss.properties, req.get("properties") or {}, tree)
    if not ss.properties.get("title"):
        raise Invalid("The spreadsheet title cannot be empty.")


def insert_dimension(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    sheet, dim, start, end = _dimension_range(ss, req.get("range") or {})
    size = sheet.rows if dim == "ROWS" else sheet.cols
    if start > size:
        raise Invalid(f"Cannot insert {dim.lower()} at index {start}: the sheet has only {size}.")
    if start == 0 and req.get("inheritFromBefore"):
        raise Invalid("Cannot inherit properties from before if inserting rows at the beginning.")
    dimensions.insert(ss, sheet, dim, start, end - start)
    _check_cells(ss)


def delete_dimension(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    sheet, dim, start, end = _dimension_range(ss, req.get("range") or {})
    size = sheet.rows if dim == "ROWS" else sheet.cols
    if end > size:
        raise Invalid(f"Range exceeds grid limits: the sheet has {size} {dim.lower()}.")
    what = "rows" if dim == "ROWS" else "columns"
    if start == 0 and end >= size:
        raise Invalid(f"You can't delete all the {what} on the sheet.")
    grid = sheet.properties.get("gridProperties") or {}
    frozen = int(grid.get("frozenRowCount" if dim == "ROWS" else "frozenColumnCount") or 0)
    if frozen and size - (end - start) <= frozen:
        raise Invalid(f"Sorry, it is not possible to delete all non-frozen {what}.")
    dimensions.delete(ss, sheet, dim, start, end)


def append_dimension(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    sheet = _sheet(ss, req.get("sheetId"))
    length = int(req.get("length") or 0)
    if length <= 0:
        raise Invalid("length must be greater than 0.")
    if req.get("dimension") == "COLUMNS":
        sheet.set_size(cols=sheet.cols + length)
    else:
        sheet.set_size(rows=sheet.rows + length)
    _check_cells(ss)


def update_dimension_properties(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    sheet, dim, start, end = _dimension_range(ss, req.get("range") or {})
    size = sheet.rows if dim == "ROWS" else sheet.cols
    if end > size:
        raise Invalid(f"Range exceeds grid limits: the sheet has {size} {dim.lower()}.")
    tree = _mask(req.get("fields"))
    meta = sheet.row_meta if dim == "ROWS" else sheet.col_meta
    for i in range(start, end):
        new = apply_update_mask(meta.get(i, {}), req.get("properties") or {}, tree)
        if new:
            meta[i] = new
        else:
            meta.pop(i, None)


def auto_resize_dimensions(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    sheet, dim, start, end = _dimension_range(ss, req.get("dimensions") or {})
    if dim == "ROWS":
        return
    from sheets_sync.emulator.resource import cell_out

    for col in range(start, end):
        width = 0.0
        for r, c in sheet.cells:
            if c == col:
                text = cell_out(sheet, r, c, {}).get("formattedValue", "")
                width = max(width, sum(8.4873 if ch.isupper() else 6.674 for ch in text))
        if width:
            sheet.col_meta[col] = {**sheet.col_meta.get(col, {}), "pixelSize": int(round(width))}


def _simple(fn: Callable[[Spreadsheet, dict[str, Any]], None]) -> Handler:
    def handler(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
        fn(ss, req)

    return handler


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "updateCells": _simple(cells.update_cells),
    "appendCells": _simple(cells.append_cells),
    "repeatCell": _simple(cells.repeat_cell),
    "setDataValidation": _simple(cells.set_data_validation),
    "mergeCells": _simple(cells.merge_cells),
    "unmergeCells": _simple(cells.unmerge_cells),
    "updateBorders": _simple(cells.update_borders),
    "sortRange": _simple(cells.sort_range),
    "copyPaste": _simple(cells.copy_paste),
    "cutPaste": _simple(lambda ss, req: cells.copy_paste(ss, req, cut=True)),
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "autoResizeDimensions": auto_resize_dimensions,
    "addNamedRange": extras.add_named_range,
    "deleteNamedRange": extras.delete_named_range,
    "updateNamedRange": extras.update_named_range,
    "addProtectedRange": extras.add_protected_range,
    "deleteProtectedRange": extras.delete_protected_range,
    "updateProtectedRange": extras.update_protected_range,
    "setBasicFilter": extras.set_basic_filter,
    "clearBasicFilter": extras.clear_basic_filter,
    "addChart": extras.add_chart,
    "deleteEmbeddedObject": extras.delete_embedded_object,
    "addConditionalFormatRule": extras.add_conditional_format_rule,
    "deleteConditionalFormatRule": extras.delete_conditional_format_rule,
    "addDimensionGroup": extras.add_dimension_group,
    "deleteDimensionGroup": extras.delete_dimension_group,
    "createDeveloperMetadata": extras.create_developer_metadata,
    "deleteDeveloperMetadata": extras.delete_developer_metadata,
    "updateDeveloperMetadata": extras.update_developer_metadata,
}


def batch_update(ss: Spreadsheet, body: dict[str, Any], ctx: Context) -> tuple[Spreadsheet, dict[str, Any]]:
    """Apply every request to a copy; return (new state, response). Raises ApiError, state untouched."""
    requests = body.get("requests")
    if not requests:
        raise bad_request("Must specify at least one request.")
    work = ss.copy()
    replies = []
    for i, request in enumerate(requests):
        kinds = [k for k, v in request.items() if v is not None]
        if len(kinds) != 1:
            raise bad_request(f"Invalid requests[{i}]: exactly one request kind must be set.")
        kind = kinds[0]
        handler = HANDLERS.get(kind)
        if handler is None:
            raise bad_request(
                f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field."
            )
        try:
            limits.check_request(kind, request[kind])
            reply = handler(work, request[kind], ctx)
        except Invalid as err:
            raise bad_request(f"Invalid requests[{i}].{kind}: {err}") from None
        except ApiError as err:
            raise bad_request(f"Invalid requests[{i}].{kind}: {err.message}") from None
        replies.append(reply or {})
    out: dict[str, Any] = {"spreadsheetId": ss.id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        ranges = body.get("responseRanges") or []
        from sheets_sync.emulator.grid import resolve

        areas = [resolve(work, r) for r in ranges]
        out["updatedSpreadsheet"] = build(work, areas, bool(body.get("responseIncludeGridData")), None)
    return work, out


__all__ = ["Context", "batch_update", "quote_title", "grid_range_out"]
