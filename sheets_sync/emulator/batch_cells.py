"""batchUpdate requests that touch cells: updateCells, appendCells, repeatCell, merges, borders, sort, paste."""

from __future__ import annotations

import copy
import functools
from typing import Any

from sheets_sync.emulator.fields import apply_update_mask, parse_mask
from sheets_sync.emulator.grid import (
    Area,
    area_of,
    bounded_range,
    grid_range_out,
    link_color_fields,
    normalize_format,
)
from sheets_sync.emulator.state import Sheet, Spreadsheet
from sheets_sync.emulator.values import ref_lookup_value


class Invalid(Exception):
    """A request-level 400; the dispatcher prefixes ``Invalid requests[i].kind:``."""


CELL_FIELDS = (
    "userEnteredValue",
    "userEnteredFormat",
    "note",
    "dataValidation",
    "hyperlink",
    "textFormatRuns",
)


def _mask(fields: str | None, source: dict[str, Any]) -> dict[str, Any]:
    if not fields:
        raise Invalid("At least one field must be updated, but none were specified.")
    try:
        return link_color_fields(parse_mask(fields))
    except ValueError:
        raise Invalid(f"Invalid field mask: {fields}") from None


def _clean_cell(source: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in (source or {}).items() if k in CELL_FIELDS and v is not None}
    if "userEnteredFormat" in out:
        out["userEnteredFormat"] = normalize_format(out["userEnteredFormat"])
    value = out.get("userEnteredValue")
    if isinstance(value, dict):
        out["userEnteredValue"] = {k: v for k, v in value.items() if v is not None}
    return out


def put_cell(sheet: Sheet, row: int, col: int, source: dict[str, Any], tree: dict[str, Any]) -> None:
    old = sheet.cells.get((row, col), {})
    new = apply_update_mask(old, source, tree)
    new = {k: v for k, v in new.items() if k in CELL_FIELDS and v not in (None, {}, "")}
    if new:
        sheet.cells[(row, col)] = new
    else:
        sheet.cells.pop((row, col), None)


def _bounded(area: Area) -> tuple[int, int, int, int]:
    r0, r1, c0, c1 = area.bounds()
    if r1 > area.sheet.rows or c1 > area.sheet.cols or r0 < 0 or c0 < 0:
        raise Invalid(
            f"Range ({area.requested_text()}) exceeds grid limits. "
            f"Max rows: {area.sheet.rows}, max columns: {area.sheet.cols}"
        )
    return r0, r1, c0, c1


def update_cells(ss: Spreadsheet, req: dict[str, Any]) -> None:
    rows = req.get("rows") or []
    tree = _mask(req.get("fields"), {})
    if req.get("range") is not None:
        area = area_of(ss, req["range"])
        r0, r1, c0, c1 = _bounded(area)
        for r in range(r0, r1):
            line = (rows[r - r0].get("values") or []) if r - r0 < len(rows) else []
            for c in range(c0, c1):
                source = line[c - c0] if c - c0 < len(line) else {}
                if source or (area.sheet.cells.get((r, c))):
                    put_cell(area.sheet, r, c, _clean_cell(source), tree)
        if len(rows) > r1 - r0 or any(len(x.get("values") or []) > c1 - c0 for x in rows):
            raise Invalid("Attempting to write beyond the requested range.")
        return
    start = req.get("start") or {}
    sheet = area_of(ss, {"sheetId": start.get("sheetId")}).sheet
    r0, c0 = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
    for i, line in enumerate(rows):
        for j, source in enumerate(line.get("values") or []):
            if r0 + i >= sheet.rows or c0 + j >= sheet.cols:
                raise Invalid(
                    f"Attempting to write row: {r0 + i}, column: {c0 + j}, beyond the grid "
                    f"({sheet.rows} rows, {sheet.cols} columns)."
                )
            put_cell(sheet, r0 + i, c0 + j, _clean_cell(source), tree)


def append_cells(ss: Spreadsheet, req: dict[str, Any]) -> None:
    sheet = area_of(ss, {"sheetId": req.get("sheetId")}).sheet
    tree = _mask(req.get("fields"), {})
    rows = req.get("rows") or []
    last = max((r for r, _ in sheet.cells), default=-1)
    width = max((len(x.get("values") or []) for x in rows), default=0)
    if width > sheet.cols:
        raise Invalid(
            f"Attempting to write column: {width - 1}, beyond the last requested column of: {sheet.cols - 1}"
        )
    needed = last + 1 + len(rows)
    if needed > sheet.rows:
        sheet.set_size(rows=needed)
    for i, line in enumerate(rows):
        for j, source in enumerate(line.get("values") or []):
            put_cell(sheet, last + 1 + i, j, _clean_cell(source), tree)


def repeat_cell(ss: Spreadsheet, req: dict[str, Any]) -> None:
    area = area_of(ss, req.get("range") or {})
    tree = _mask(req.get("fields"), {})
    source = _clean_cell(req.get("cell") or {})
    r0, r1, c0, c1 = _bounded(area)
    for r in range(r0, r1):
        for c in range(c0, c1):
            put_cell(area.sheet, r, c, source, tree)


def set_data_validation(ss: Spreadsheet, req: dict[str, Any]) -> None:
    area = area_of(ss, req.get("range") or {})
    rule = req.get("rule")
    rule = {k: v for k, v in rule.items() if v is not None} if rule else None
    r0, r1, c0, c1 = _bounded(area)
    source = {"dataValidation": rule} if rule else {}
    for r in range(r0, r1):
        for c in range(c0, c1):
            put_cell(area.sheet, r, c, source, {"dataValidation": {}})


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        a["startRowIndex"] < b["endRowIndex"]
        and b["startRowIndex"] < a["endRowIndex"]
        and a["startColumnIndex"] < b["endColumnIndex"]
        and b["startColumnIndex"] < a["endColumnIndex"]
    )


def _contains(outer: dict[str, Any], inner: dict[str, Any]) -> bool:
    return (
        outer["startRowIndex"] <= inner["startRowIndex"]
        and inner["endRowIndex"] <= outer["endRowIndex"]
        and outer["startColumnIndex"] <= inner["startColumnIndex"]
        and inner["endColumnIndex"] <= outer["endColumnIndex"]
    )


def _rect(area: Area) -> dict[str, Any]:
    _bounded(area)  # raises when the range exceeds the grid
    return bounded_range(area)


def merge_cells(ss: Spreadsheet, req: dict[str, Any]) -> None:
    area = area_of(ss, req.get("range") or {})
    whole = _rect(area)
    kind = req.get("mergeType") or "MERGE_ALL"
    pieces: list[dict[str, Any]] = []
    if kind == "MERGE_ROWS":
        for r in range(whole["startRowIndex"], whole["endRowIndex"]):
            pieces.append({**whole, "startRowIndex": r, "endRowIndex": r + 1})
    elif kind == "MERGE_COLUMNS":
        for c in range(whole["startColumnIndex"], whole["endColumnIndex"]):
            pieces.append({**whole, "startColumnIndex": c, "endColumnIndex": c + 1})
    else:
        pieces.append(whole)
    sheet = area.sheet
    kept = []
    for merge in sheet.merges:
        if not _overlaps(merge, whole):
            kept.append(merge)
        elif not _contains(whole, merge):
            raise Invalid("You can't merge cells that partially overlap an existing merge.")
    pieces = [
        p
        for p in pieces
        if p["endRowIndex"] - p["startRowIndex"] + p["endColumnIndex"] - p["startColumnIndex"] > 2
    ]
    sheet.merges = kept + pieces
    for piece in pieces:
        for r in range(piece["startRowIndex"], piece["endRowIndex"]):
            for c in range(piece["startColumnIndex"], piece["endColumnIndex"]):
                if (r, c) != (piece["startRowIndex"], piece["startColumnIndex"]):
                    put_cell(sheet, r, c, {}, {"userEnteredValue": {}})


def unmerge_cells(ss: Spreadsheet, req: dict[str, Any]) -> None:
    area = area_of(ss, req.get("range") or {})
    whole = _rect(area)
    kept = []
    for merge in area.sheet.merges:
        if not _overlaps(merge, whole):
            kept.append(merge)
        elif not _contains(whole, merge):
            raise Invalid("Cannot unmerge a range that partially overlaps a merged range.")
    area.sheet.merges = kept


def update_borders(ss: Spreadsheet, req: dict[str, Any]) -> None:
    area = area_of(ss, req.get("range") or {})
    r0, r1, c0, c1 = _bounded(area)
    sheet = area.sheet

    def set_border(r: int, c: int, side: str, border: dict[str, Any] | None) -> None:
        if border is None:
            return
        old = sheet.cells.get((r, c), {})
        fmt = copy.deepcopy(old.get("userEnteredFormat", {}))
        borders = fmt.setdefault("borders", {})
        if border.get("style") in (None, "NONE"):
            borders.pop(side, None)
        else:
            borders[side] = normalize_format({"width": 1, **border})
        if not borders:
            fmt.pop("borders")
        put_cell(sheet, r, c, {"userEnteredFormat": fmt}, {"userEnteredFormat": {}})

    for r in range(r0, r1):
        for c in range(c0, c1):
            set_border(r, c, "top", req.get("top") if r == r0 else req.get("innerHorizontal"))
            set_border(r, c, "bottom", req.get("bottom") if r == r1 - 1 else req.get("innerHorizontal"))
            set_border(r, c, "left", req.get("left") if c == c0 else req.get("innerVertical"))
            set_border(r, c, "right", req.get("right") if c == c1 - 1 else req.get("innerVertical"))


def _sort_key(value: Any) -> tuple[int, Any]:
    if value == "" or value is None:
        return (3, "")
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, float):
        return (0, value)
    return (1, str(value).lower())


def sort_range(ss: Spreadsheet, req: dict[str, Any]) -> None:
    area = area_of(ss, req.get("range") or {})
    r0, r1, c0, c1 = _bounded(area)
    sheet = area.sheet
    rows = [{c: sheet.cells.get((r, c)) for c in range(c0, c1)} for r in range(r0, r1)]
    specs = req.get("sortSpecs") or [{"dimensionIndex": c0, "sortOrder": "ASCENDING"}]

    def compare(a: dict[int, Any], b: dict[int, Any]) -> int:
        for spec in specs:
            col = int(spec.get("dimensionIndex") or 0)
            ka, kb = _sort_key(ref_lookup_value(a.get(col))), _sort_key(ref_lookup_value(b.get(col)))
            if ka == kb:
                continue
            if ka[0] == 3 or kb[0] == 3:  # blanks always last
                return 1 if ka[0] == 3 else -1
            less = ka < kb
            if spec.get("sortOrder") == "DESCENDING":
                less = not less
            return -1 if less else 1
        return 0

    ordered = sorted(rows, key=functools.cmp_to_key(compare))
    for offset, row in enumerate(ordered):
        for c, cell in row.items():
            if cell:
                sheet.cells[(r0 + offset, c)] = cell
            else:
                sheet.cells.pop((r0 + offset, c), None)


_PASTE_FIELDS = {
    "PASTE_NORMAL": ("userEnteredValue", "userEnteredFormat", "note", "dataValidation", "hyperlink"),
    "PASTE_VALUES": ("userEnteredValue",),
    "PASTE_FORMAT": ("userEnteredFormat",),
    "PASTE_NO_BORDERS": ("userEnteredValue", "userEnteredFormat", "note", "dataValidation"),
    "PASTE_FORMULA": ("userEnteredValue",),
    "PASTE_DATA_VALIDATION": ("dataValidation",),
}


def copy_paste(ss: Spreadsheet, req: dict[str, Any], cut: bool = False) -> None:
    src = area_of(ss, req.get("source") or {})
    sr0, sr1, sc0, sc1 = _bounded(src)
    snapshot = {
        (r - sr0, c - sc0): src.sheet.cells.get((r, c)) for r in range(sr0, sr1) for c in range(sc0, sc1)
    }
    fields = _PASTE_FIELDS.get(req.get("pasteType") or "PASTE_NORMAL", _PASTE_FIELDS["PASTE_NORMAL"])
    tree: dict[str, Any] = {f: {} for f in fields}
    if cut:
        dest = req.get("destination") or {}
        sheet = area_of(ss, {"sheetId": dest.get("sheetId")}).sheet
        dr0, dc0 = int(dest.get("rowIndex") or 0), int(dest.get("columnIndex") or 0)
        height, width = sr1 - sr0, sc1 - sc0
        for r in range(sr0, sr1):
            for c in range(sc0, sc1):
                put_cell(src.sheet, r, c, {}, tree)
    else:
        dst = area_of(ss, req.get("destination") or {})
        dr0, dr1, dc0, dc1 = _bounded(dst)
        sheet = dst.sheet
        height, width = max(dr1 - dr0, sr1 - sr0), max(dc1 - dc0, sc1 - sc0)
    transpose = req.get("pasteOrientation") == "TRANSPOSE"
    for i in range(height):
        for j in range(width):
            key = (j, i) if transpose else (i, j)
            key = (key[0] % (sr1 - sr0), key[1] % (sc1 - sc0))
            source = snapshot.get(key) or {}
            r, c = dr0 + i, dc0 + j
            if r < sheet.rows and c < sheet.cols:
                put_cell(sheet, r, c, copy.deepcopy(source), tree)


def protected_range_add(ss: Spreadsheet, req: dict[str, Any], new_id: int, owner: str) -> dict[str, Any]:
    prot = {k: v for k, v in (req.get("protectedRange") or {}).items() if v is not None}
    sheet = area_of(ss, prot.get("range") or {}).sheet
    prot["protectedRangeId"] = prot.get("protectedRangeId") or new_id
    prot["range"] = {k: v for k, v in (prot.get("range") or {}).items() if v is not None}
    prot["requestingUserCanEdit"] = True
    if not prot.get("warningOnly"):
        prot.pop("warningOnly", None)
    editors = {k: v for k, v in (prot.get("editors") or {}).items() if v}
    reply = {
        "protectedRangeId": prot["protectedRangeId"],
        "range": grid_range_out(prot["range"]),
        **{k: v for k, v in prot.items() if k in ("description", "warningOnly", "unprotectedRanges")},
        "requestingUserCanEdit": True,
        "editors": editors,
    }
    stored_editors = dict(editors)
    users = list(stored_editors.get("users", []))
    if owner not in users:
        users.append(owner)
    stored_editors["users"] = users
    prot["editors"] = stored_editors
    ordered = {"protectedRangeId": prot.pop("protectedRangeId"), "range": prot.pop("range"), **prot}
    sheet.protected_ranges.append(ordered)
    return reply
