"""batchUpdate requests on named ranges, protections, filters, charts, groups, developer metadata."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from sheets_sync.emulator import batch_cells as cells
from sheets_sync.emulator.batch_cells import Invalid
from sheets_sync.emulator.fields import apply_update_mask, parse_mask
from sheets_sync.emulator.grid import area_of
from sheets_sync.emulator.resource import named_range_out
from sheets_sync.emulator.state import Sheet, Spreadsheet

if TYPE_CHECKING:
    from sheets_sync.emulator.batch_update import Context


def _mask(fields: str | None) -> dict[str, Any]:
    if not fields:
        raise Invalid("At least one field must be updated, but none were specified.")
    try:
        return parse_mask(fields)
    except ValueError:
        raise Invalid(f"Invalid field mask: {fields}") from None


def _sheet(ss: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = ss.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise Invalid(f"No grid with id: {int(sheet_id or 0)}")
    return sheet


def dimension_range(ss: Spreadsheet, rng: dict[str, Any]) -> tuple[Sheet, str, int, int]:
    sheet = _sheet(ss, rng.get("sheetId"))
    dim = rng.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise Invalid("range.dimension must be ROWS or COLUMNS.")
    size = sheet.rows if dim == "ROWS" else sheet.cols
    start = int(rng.get("startIndex") or 0)
    end = int(rng["endIndex"]) if rng.get("endIndex") is not None else size
    if start < 0 or end < start:
        raise Invalid(f"Invalid dimension range: startIndex {start}, endIndex {end}.")
    return sheet, dim, start, end


def add_named_range(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    named = {k: v for k, v in (req.get("namedRange") or {}).items() if v is not None}
    name = named.get("name", "")
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_.]*$", name) or re.match(r"^[A-Za-z]{1,3}\d+$", name):
        raise Invalid(f"The name '{name}' is not a valid name for a named range.")
    if any(n["name"].lower() == name.lower() for n in ss.named_ranges):
        raise Invalid(f"A named range with the name '{name}' already exists.")
    area_of(ss, named.get("range") or {})
    named["namedRangeId"] = named.get("namedRangeId") or ctx.ids.numeric_string()
    stored = {"namedRangeId": named["namedRangeId"], "name": name, "range": dict(named.get("range") or {})}
    ss.named_ranges.append(stored)
    return {"addNamedRange": {"namedRange": named_range_out(stored)}}


def _named(ss: Spreadsheet, named_id: Any) -> dict[str, Any]:
    for named in ss.named_ranges:
        if named["namedRangeId"] == str(named_id):
            return named
    raise Invalid(f"No named range with id: {named_id}")


def delete_named_range(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    ss.named_ranges.remove(_named(ss, req.get("namedRangeId")))


def update_named_range(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    source = req.get("namedRange") or {}
    named = _named(ss, source.get("namedRangeId"))
    new = apply_update_mask(named, source, _mask(req.get("fields")))
    named.clear()
    named.update(new)


def add_protected_range(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    reply = cells.protected_range_add(ss, req, ctx.ids.sheet_id(), ctx.owner)
    return {"addProtectedRange": {"protectedRange": reply}}


def _protected(ss: Spreadsheet, prot_id: Any) -> tuple[Sheet, dict[str, Any]]:
    for sheet in ss.sheets:
        for prot in sheet.protected_ranges:
            if prot["protectedRangeId"] == int(prot_id or 0):
                return sheet, prot
    raise Invalid(f"No protected range with id: {prot_id}")


def delete_protected_range(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    sheet, prot = _protected(ss, req.get("protectedRangeId"))
    sheet.protected_ranges.remove(prot)


def update_protected_range(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    source = req.get("protectedRange") or {}
    sheet, prot = _protected(ss, source.get("protectedRangeId"))
    new = apply_update_mask(prot, source, _mask(req.get("fields")))
    prot.clear()
    prot.update(new)


def set_basic_filter(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    flt = copy.deepcopy((req.get("filter") or {}))
    area = area_of(ss, flt.get("range") or {})
    r0, r1, c0, c1 = area.bounds()
    flt["range"] = {
        "sheetId": area.sheet.id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }
    area.sheet.basic_filter = {k: v for k, v in flt.items() if v is not None}


def clear_basic_filter(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    _sheet(ss, req.get("sheetId")).basic_filter = None


def add_chart(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    chart = copy.deepcopy(req.get("chart") or {})
    chart["chartId"] = chart.get("chartId") or ctx.ids.sheet_id()
    position = chart.get("position") or {}
    sheet_id = position.get("sheetId")
    if sheet_id is None:
        anchor = (position.get("overlayPosition") or {}).get("anchorCell") or {}
        sheet_id = anchor.get("sheetId", ss.sheets[0].id)
    _sheet(ss, sheet_id).charts.append(chart)
    return {"addChart": {"chart": chart}}


def delete_embedded_object(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    object_id = int(req.get("objectId") or 0)
    for sheet in ss.sheets:
        for chart in sheet.charts:
            if chart.get("chartId") == object_id:
                sheet.charts.remove(chart)
                return
    raise Invalid(f"No embedded object with id: {object_id}")


def add_conditional_format_rule(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    rule = copy.deepcopy(req.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise Invalid("A conditional format rule needs at least one range.")
    sheet = area_of(ss, ranges[0]).sheet
    sheet.conditional_formats.insert(int(req.get("index") or 0), rule)


def delete_conditional_format_rule(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> None:
    sheet = _sheet(ss, req.get("sheetId"))
    index = int(req.get("index") or 0)
    if index >= len(sheet.conditional_formats):
        raise Invalid(f"No conditional format on sheet {sheet.id} at index {index}.")
    sheet.conditional_formats.pop(index)


def _groups(sheet: Sheet, dim: str) -> list[dict[str, Any]]:
    return sheet.row_groups if dim == "ROWS" else sheet.column_groups


def add_dimension_group(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, dim, start, end = dimension_range(ss, req.get("range") or {})
    groups = _groups(sheet, dim)
    depth = 1 + sum(1 for g in groups if g["range"]["startIndex"] <= start and end <= g["range"]["endIndex"])
    groups.append({"range": {"dimension": dim, "startIndex": start, "endIndex": end}, "depth": depth})
    grid = dict(sheet.properties["gridProperties"])
    grid["rowGroupControlAfter" if dim == "ROWS" else "columnGroupControlAfter"] = True
    sheet.properties = {**sheet.properties, "gridProperties": grid}
    return {"addDimensionGroup": {"dimensionGroups": copy.deepcopy(groups)}}


def delete_dimension_group(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, dim, start, end = dimension_range(ss, req.get("range") or {})
    groups = _groups(sheet, dim)
    match = [g for g in groups if (g["range"]["startIndex"], g["range"]["endIndex"]) == (start, end)]
    if not match:
        raise Invalid("No group exists on the specified range.")
    groups.remove(match[-1])
    out: dict[str, Any] = {}
    if groups:
        out["dimensionGroups"] = copy.deepcopy(groups)
    return {"deleteDimensionGroup": out}


def _metadata_matches(meta: dict[str, Any], lookup: dict[str, Any]) -> bool:
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if lookup.get(key) is not None and meta.get(key) != lookup[key]:
            return False
    return True


def _all_metadata(ss: Spreadsheet) -> list[list[dict[str, Any]]]:
    return [ss.developer_metadata] + [s.developer_metadata for s in ss.sheets]


def create_developer_metadata(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    meta = {k: v for k, v in (req.get("developerMetadata") or {}).items() if v is not None}
    if not meta.get("metadataKey"):
        raise Invalid("developerMetadata.metadataKey is required.")
    meta.setdefault("visibility", "DOCUMENT")
    meta_id = meta.get("metadataId") or int(ctx.ids.sheet_id())
    if any(m.get("metadataId") == meta_id for bucket in _all_metadata(ss) for m in bucket):
        raise Invalid(f"Developer metadata with id {meta_id} already exists.")
    meta["metadataId"] = meta_id
    location = meta.get("location") or {"spreadsheet": True}
    if location.get("sheetId") is not None:
        _sheet(ss, location["sheetId"]).developer_metadata.append(meta)
        meta["location"] = {"locationType": "SHEET", "sheetId": location["sheetId"]}
    else:
        meta["location"] = {"locationType": "SPREADSHEET", "spreadsheet": True}
        ss.developer_metadata.append(meta)
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}


def delete_developer_metadata(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    lookup = (req.get("dataFilter") or {}).get("developerMetadataLookup") or {}
    deleted = []
    for bucket in _all_metadata(ss):
        for meta in [m for m in bucket if _metadata_matches(m, lookup)]:
            bucket.remove(meta)
            deleted.append(meta)
    out: dict[str, Any] = {}
    if deleted:
        out["deletedDeveloperMetadata"] = deleted
    return {"deleteDeveloperMetadata": out}


def update_developer_metadata(ss: Spreadsheet, req: dict[str, Any], ctx: Context) -> dict[str, Any]:
    tree = _mask(req.get("fields"))
    changed = []
    for flt in req.get("dataFilters") or []:
        lookup = flt.get("developerMetadataLookup") or {}
        for bucket in _all_metadata(ss):
            for i, meta in enumerate(bucket):
                if _metadata_matches(meta, lookup):
                    bucket[i] = apply_update_mask(meta, req.get("developerMetadata") or {}, tree)
                    changed.append(bucket[i])
    return {"updateDeveloperMetadata": {"developerMetadata": copy.deepcopy(changed)}}
