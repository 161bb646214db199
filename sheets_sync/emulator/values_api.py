"""``spreadsheets.values``: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sheets_sync.emulator import a1
from sheets_sync.emulator.grid import Area, grid_limits_error, resolve
from sheets_sync.emulator.state import MAX_CELLS, Sheet, Spreadsheet, bad_request
from sheets_sync.emulator.values import parse_raw, parse_user_entered, ref_lookup_value, render

Params = dict[str, Any]


def _one(params: Params, key: str, default: str | None = None) -> str | None:
    value = params.get(key, default)
    if isinstance(value, list):
        value = value[0] if value else default
    return value


def lookup_for(sheet: Sheet) -> Callable[[int, int], Any]:
    return lambda r, c: ref_lookup_value(sheet.cells.get((r, c)))


def read_values(
    sheet: Sheet,
    bounds: tuple[int, int, int, int],
    render_option: str = "FORMATTED_VALUE",
    date_option: str = "SERIAL_NUMBER",
    major: str = "ROWS",
) -> list[list[Any]]:
    """Rendered values of a rectangle, trailing empty rows/cells trimmed (ragged rows)."""
    r0, r1, c0, c1 = bounds
    lookup = lookup_for(sheet)
    found: dict[tuple[int, int], Any] = {}
    for (r, c), cell in sheet.cells.items():
        if r0 <= r < r1 and c0 <= c < c1 and cell.get("userEnteredValue"):
            value = render(cell, render_option, date_option, lookup)
            if value != "":
                found[(r - r0, c - c0)] = value
    if major == "COLUMNS":
        found = {(c, r): v for (r, c), v in found.items()}
    if not found:
        return []
    lines: list[list[Any]] = [[] for _ in range(max(r for r, _ in found) + 1)]
    for (r, c), value in sorted(found.items()):
        line = lines[r]
        line.extend([""] * (c - len(line)))
        line.append(value)
    return lines


def _read_area(area: Area, params: Params) -> dict[str, Any]:
    if area.exceeds_grid():
        raise grid_limits_error(area.sheet.title, a1.format_open_span(area.span), area.sheet)
    major = _one(params, "majorDimension", "ROWS") or "ROWS"
    values = read_values(
        area.sheet,
        area.bounds(),
        _one(params, "valueRenderOption", "FORMATTED_VALUE") or "FORMATTED_VALUE",
        _one(params, "dateTimeRenderOption", "SERIAL_NUMBER") or "SERIAL_NUMBER",
        major,
    )
    out: dict[str, Any] = {"range": area.text(), "majorDimension": major}
    if values:
        out["values"] = values
    return out


def values_get(ss: Spreadsheet, range_text: str, params: Params) -> dict[str, Any]:
    return _read_area(resolve(ss, range_text), params)


def values_batch_get(ss: Spreadsheet, params: Params) -> dict[str, Any]:
    ranges = params.get("ranges", [])
    if isinstance(ranges, str):
        ranges = [ranges]
    areas = [resolve(ss, r) for r in ranges]
    return {"spreadsheetId": ss.id, "valueRanges": [_read_area(a, params) for a in areas]}


# ---------------------------------------------------------------- writing


def _check_values(values: Any, field: str) -> list[list[Any]]:
    def invalid(where: str, bad: Any) -> Exception:
        shown = json.dumps(bad) if isinstance(bad, str) else json.dumps(bad, separators=(",", ":"))
        message = f"Invalid value at '{where}' (type.googleapis.com/google.protobuf.ListValue), {shown}"
        err = bad_request(message)
        err.details = [  # type: ignore[attr-defined]
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": where, "description": message}],
            }
        ]
        return err

    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid(field, values)
    for i, row in enumerate(values):
        if not isinstance(row, list):
            raise invalid(f"{field}[{i}]", row)
    return values


def _input_option(params: Params, body: dict[str, Any]) -> str:
    option = _one(params, "valueInputOption") or body.get("valueInputOption")
    if option not in ("RAW", "USER_ENTERED"):
        raise bad_request(f"Invalid valueInputOption: {option or 'INPUT_VALUE_OPTION_UNSPECIFIED'}")
    return option


class Write:
    """One validated rectangle write, ready to apply."""

    def __init__(self, area: Area, values: list[list[Any]], major: str, option: str, at: tuple[int, int]):
        self.area, self.values, self.major, self.option = area, values, major, option
        self.row0, self.col0 = at
        height = len(values)
        width = max((len(r) for r in values), default=0)
        if major == "COLUMNS":
            height, width = width, height
        self.height, self.width = height, width

    def positions(self) -> list[tuple[int, int, Any]]:
        out = []
        for i, line in enumerate(self.values):
            for j, value in enumerate(line):
                r, c = (i, j) if self.major != "COLUMNS" else (j, i)
                out.append((self.row0 + r, self.col0 + c, value))
        return out

    def validate(self, grow: bool = False) -> None:
        sheet, span = self.area.sheet, self.area.span
        end_row, end_col = self.row0 + self.height, self.col0 + self.width
        single = (
            span.start_row is not None
            and span.end_row == span.start_row + 1
            and span.start_col is not None
            and span.end_col == span.start_col + 1
        )
        if single:  # a single cell is where the write starts, not its extent
            span = a1.Span(None, None, None, None)
        if span.end_row is not None and end_row > span.end_row and self.height:
            raise bad_request(
                f"Requested writing within range [{self.area.requested_text()}], "
                f"but tried writing to row [{end_row}]"
            )
        if span.end_col is not None and end_col > span.end_col and self.width:
            raise bad_request(
                f"Requested writing within range [{self.area.requested_text()}], "
                f"but tried writing to column [{a1.col_to_letters(end_col - 1)}]"
            )
        if not grow and (end_row > sheet.rows or end_col > sheet.cols or self.row0 >= sheet.rows):
            text = a1.format_span(
                self.row0, max(end_row, self.row0 + 1), self.col0, max(end_col, self.col0 + 1)
            )
            raise grid_limits_error(sheet.title, text, sheet)

    def apply(self) -> dict[str, Any]:
        sheet = self.area.sheet
        parse = parse_raw if self.option == "RAW" else parse_user_entered
        rows: set[int] = set()
        cols: set[int] = set()
        count = 0
        for r, c, value in self.positions():
            parsed = parse(value)
            if parsed is None:
                continue
            write_cell(sheet, r, c, parsed)
            rows.add(r)
            cols.add(c)
            count += 1
        height, width = max(self.height, 1), max(self.width, 1)
        return {
            "updatedRange": a1.format_range(
                sheet.title, self.row0, self.row0 + height, self.col0, self.col0 + width
            ),
            "updatedRows": len(rows),
            "updatedColumns": len(cols),
            "updatedCells": count,
            "_rows": {(sheet.id, r) for r in rows},
            "_cols": {(sheet.id, c) for c in cols},
        }


def write_cell(sheet: Sheet, row: int, col: int, parsed: dict[str, Any]) -> None:
    """Store a parsed value (``{}`` clears the value, keeping format and note)."""
    old = sheet.cells.get((row, col), {})
    cell = {k: v for k, v in old.items() if k not in ("userEnteredValue",)}
    if parsed.get("userEnteredValue"):
        cell["userEnteredValue"] = parsed["userEnteredValue"]
        numfmt = (parsed.get("userEnteredFormat") or {}).get("numberFormat")
        if numfmt:
            cell["userEnteredFormat"] = {**cell.get("userEnteredFormat", {}), "numberFormat": numfmt}
    if cell:
        sheet.cells[(row, col)] = cell
    else:
        sheet.cells.pop((row, col), None)


def _public(result: dict[str, Any], ss: Spreadsheet) -> dict[str, Any]:
    return {"spreadsheetId": ss.id, **{k: v for k, v in result.items() if not k.startswith("_")}}


def _with_data(
    out: dict[str, Any], ss: Spreadsheet, write: Write, params: Params, body: dict[str, Any]
) -> None:
    include = _one(params, "includeValuesInResponse") or body.get("includeValuesInResponse")
    if str(include).lower() == "true":
        area = resolve(ss, out["updatedRange"])
        option = _one(params, "responseValueRenderOption") or body.get("responseValueRenderOption")
        out["updatedData"] = _read_area(area, {"valueRenderOption": option or "FORMATTED_VALUE"})


def values_update(ss: Spreadsheet, range_text: str, params: Params, body: dict[str, Any]) -> dict[str, Any]:
    values = _check_values(body.get("values"), "data.values")
    option = _input_option(params, {})
    area = resolve(ss, range_text)
    major = body.get("majorDimension") or "ROWS"
    write = Write(area, values, major, option, (area.span.start_row or 0, area.span.start_col or 0))
    write.validate()
    out = _public(write.apply(), ss)
    _with_data(out, ss, write, params, body)
    return out


def values_batch_update(ss: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    option = _input_option({}, body)
    writes = []
    for i, data in enumerate(body.get("data") or []):
        area = resolve(ss, data.get("range", ""))
        values = _check_values(data.get("values"), f"data[{i}].values")
        major = data.get("majorDimension") or "ROWS"
        write = Write(area, values, major, option, (area.span.start_row or 0, area.span.start_col or 0))
        write.validate()
        writes.append(write)
    results = [w.apply() for w in writes]
    rows = set().union(*(r["_rows"] for r in results)) if results else set()
    cols = set().union(*(r["_cols"] for r in results)) if results else set()
    responses = []
    for write, result in zip(writes, results, strict=True):
        response = _public(result, ss)
        _with_data(response, ss, write, {}, body)
        responses.append(response)
    out: dict[str, Any] = {"spreadsheetId": ss.id}
    if results:
        out.update(
            {
                "totalUpdatedRows": len(rows),
                "totalUpdatedColumns": len(cols),
                "totalUpdatedCells": sum(r["updatedCells"] for r in results),
                "totalUpdatedSheets": len({s for s, _ in rows}),
                "responses": responses,
            }
        )
    return out


def find_table(sheet: Sheet, bounds: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """The 'table' values.append appends to: the data block around the range's last filled cell."""
    r0, r1, c0, c1 = bounds
    filled = {k for k, cell in sheet.cells.items() if cell.get("userEnteredValue")}
    inside = [k for k in filled if r0 <= k[0] < r1 and c0 <= k[1] < c1]
    if not inside:
        return None
    seed = max(inside)
    block, todo = {seed}, [seed]
    while todo:
        r, c = todo.pop()
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                nb = (r + dr, c + dc)
                if nb in filled and nb not in block:
                    block.add(nb)
                    todo.append(nb)
    rows = [r for r, _ in block]
    cols = [c for _, c in block]
    return min(rows), max(rows) + 1, min(cols), max(cols) + 1


def values_append(ss: Spreadsheet, range_text: str, params: Params, body: dict[str, Any]) -> dict[str, Any]:
    option = _input_option(params, {})
    area = resolve(ss, range_text)
    sheet = area.sheet
    values = _check_values(body.get("values"), "data.values")
    major = body.get("majorDimension") or "ROWS"
    table = find_table(sheet, area.bounds())
    r0, _, c0, _ = area.bounds()
    out: dict[str, Any] = {"spreadsheetId": ss.id}
    if table is None:
        at = (r0, c0)
    else:
        out["tableRange"] = a1.format_range(sheet.title, *table)
        at = (table[1], table[2])
    free = Area(sheet, a1.Span(None, None, None, None))
    write = Write(free, values, major, option, at)
    write.validate(grow=True)
    end_row, end_col = at[0] + write.height, at[1] + write.width
    insert = (_one(params, "insertDataOption") or "OVERWRITE") == "INSERT_ROWS"
    grow_rows = max(0, end_row - sheet.rows) if not insert else write.height
    grow_cols = max(0, end_col - sheet.cols)
    if (grow_rows * (sheet.cols + grow_cols) + grow_cols * sheet.rows) + ss.total_cells() > MAX_CELLS:
        raise bad_request(
            f"This action would increase the number of cells in the workbook above the limit of {MAX_CELLS} cells."
        )
    if insert:
        from sheets_sync.emulator.dimensions import insert_rows

        insert_rows(ss, sheet, at[0], write.height)
        grow_rows = max(0, end_row - sheet.rows)
    if grow_rows or grow_cols:
        sheet.set_size(sheet.rows + grow_rows, sheet.cols + grow_cols)
    out["updates"] = _public(write.apply(), ss)
    _with_data(out["updates"], ss, write, params, body)
    return out


def values_clear(ss: Spreadsheet, range_text: str) -> dict[str, Any]:
    area = resolve(ss, range_text)
    return {"spreadsheetId": ss.id, "clearedRange": clear_area(area)}


def values_batch_clear(ss: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    areas = [resolve(ss, r) for r in body.get("ranges") or []]
    return {"spreadsheetId": ss.id, "clearedRanges": [clear_area(a) for a in areas]}


def clear_area(area: Area) -> str:
    r0, r1, c0, c1 = area.bounds()
    sheet = area.sheet
    for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
        write_cell(sheet, key[0], key[1], {})
    return area.text()
