"""Resolving A1 strings and ``GridRange`` objects to cells of one sheet, and output shaping."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Any

from sheets_sync.emulator import a1
from sheets_sync.emulator.state import Sheet, Spreadsheet, bad_request


@dataclass(frozen=True)
class Area:
    """A resolved range: the sheet and its (possibly open) span."""

    sheet: Sheet
    span: a1.Span

    def bounds(self) -> tuple[int, int, int, int]:
        """(row0, row1, col0, col1) with open sides closed at the grid edge."""
        s = self.span
        return (
            s.start_row or 0,
            s.end_row if s.end_row is not None else self.sheet.rows,
            s.start_col or 0,
            s.end_col if s.end_col is not None else self.sheet.cols,
        )

    def text(self) -> str:
        r0, r1, c0, c1 = self.bounds()
        r1, c1 = max(r1, r0 + 1), max(c1, c0 + 1)
        return a1.format_range(self.sheet.title, r0, r1, c0, c1)

    def requested_text(self) -> str:
        return f"{a1.quote_title(self.sheet.title)}!{a1.format_open_span(self.span)}"

    def exceeds_grid(self) -> bool:
        s = self.span
        return any(
            v is not None and v > limit
            for v, limit in (
                (s.end_row, self.sheet.rows),
                (s.end_col, self.sheet.cols),
                ((s.start_row or 0) + 1 if s.start_row is not None else None, self.sheet.rows),
                ((s.start_col or 0) + 1 if s.start_col is not None else None, self.sheet.cols),
            )
        )


def grid_limits_error(title: str, text: str, sheet: Sheet) -> Exception:
    return bad_request(
        f"Range ({a1.quote_title(title)}!{text}) exceeds grid limits. "
        f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
    )


def resolve(ss: Spreadsheet, text: str) -> Area:
    """Resolve an A1 string (sheet title, named range, cells) or raise Google's 400."""
    error = bad_request(f"Unable to parse range: {text}")
    if not text or not ss.sheets:
        raise error
    try:
        title, cells = a1.split_sheet(text)
    except ValueError:
        raise error from None
    if title is None:
        assert cells is not None
        sheet = ss.sheet_by_title(cells)
        if sheet is not None:
            return Area(sheet, a1.Span(None, None, None, None))
        named = named_area(ss, cells)
        if named is not None:
            return named
        span = a1.parse_cells(cells)
        if span is None:
            raise error
        return Area(ss.sheets[0], span)
    sheet = ss.sheet_by_title(title)
    if sheet is None:
        raise error
    if cells is None:
        return Area(sheet, a1.Span(None, None, None, None))
    span = a1.parse_cells(cells)
    if span is None:
        named = named_area(ss, cells)
        if named is not None and named.sheet is sheet:
            return named
        raise error
    return Area(sheet, span)


def named_area(ss: Spreadsheet, name: str) -> Area | None:
    for named in ss.named_ranges:
        if named.get("name", "").lower() == name.lower():
            return area_of(ss, named.get("range", {}))
    return None


def area_of(ss: Spreadsheet, grid_range: dict[str, Any], where: str = "range") -> Area:
    """A ``GridRange`` ({sheetId, startRowIndex, ...}) as an Area."""
    sheet_id = int(grid_range.get("sheetId") or 0)
    sheet = ss.sheet_by_id(sheet_id)
    if sheet is None:
        raise bad_request(f"No grid with id: {sheet_id}")
    return Area(
        sheet,
        a1.Span(
            grid_range.get("startRowIndex"),
            grid_range.get("endRowIndex"),
            grid_range.get("startColumnIndex"),
            grid_range.get("endColumnIndex"),
        ),
    )


def grid_range_out(grid_range: dict[str, Any]) -> dict[str, Any]:
    """A GridRange as Google echoes it: ``sheetId`` 0 omitted, keys in canonical order."""
    out: dict[str, Any] = {}
    if grid_range.get("sheetId"):
        out["sheetId"] = grid_range["sheetId"]
    for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
        if grid_range.get(key) is not None:
            out[key] = grid_range[key]
    return out


def bounded_range(area: Area) -> dict[str, Any]:
    r0, r1, c0, c1 = area.bounds()
    return {
        "sheetId": area.sheet.id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


def float32_text(value: float) -> float:
    """The shortest decimal that round-trips through float32 (as Google prints colours)."""
    f32 = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        candidate = float(f"{f32:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == f32:
            return int(candidate) if candidate.is_integer() else candidate
    return f32


_COLOR_KEYS = ("red", "green", "blue", "alpha")


def _is_color(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(k in _COLOR_KEYS for k in value)


def normalize_color(color: dict[str, Any] | None) -> dict[str, Any]:
    """Quantise to 8 bits per channel like Google does; zero channels are omitted."""
    out: dict[str, Any] = {}
    for key in _COLOR_KEYS:
        v = (color or {}).get(key)
        if v is None:
            continue
        q = math.floor(float(v) * 255 + 1e-4) / 255 if key != "alpha" else float(v)
        if q:
            out[key] = float32_text(q)
    return out


def normalize_format(fmt: Any) -> Any:
    """Add ``xxxColorStyle`` next to ``xxxColor`` (and back), quantise colours, drop nulls."""
    if isinstance(fmt, list):
        return [normalize_format(v) for v in fmt]
    if not isinstance(fmt, dict):
        return fmt
    out: dict[str, Any] = {}
    for key, value in fmt.items():
        if value is None:
            continue
        if key.endswith("Color") and (_is_color(value) or value == {}):
            out[key] = normalize_color(value)
        elif key == "rgbColor" and isinstance(value, dict):
            out[key] = normalize_color(value)
        else:
            out[key] = normalize_format(value)
    for key in list(out):
        if (
            key.endswith("Color")
            and key != "rgbColor"
            and isinstance(out[key], dict)
            and key + "Style" not in out
        ):
            out[key + "Style"] = {"rgbColor": dict(out[key])}
        if key.endswith("ColorStyle") and isinstance(out[key], dict):
            plain = key[: -len("Style")]
            rgb = out[key].get("rgbColor")
            if rgb is not None and plain not in out:
                out[plain] = dict(rgb)
            if not out[key]:
                out.pop(key)
    return out


def prune_defaults(value: Any, keep_zero: tuple[str, ...] = ("sheetId", "index")) -> Any:
    """Drop proto3 defaults (False, 0, empty) from sheet properties as Google does."""
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            v = prune_defaults(v, keep_zero)
            if v is None or v is False or v == {} or v == []:
                continue
            if v == 0 and not isinstance(v, bool) and key not in keep_zero:
                continue
            out[key] = v
        return out
    if isinstance(value, list):
        return [prune_defaults(v, keep_zero) for v in value]
    return value


def link_color_fields(tree: dict[str, Any]) -> dict[str, Any]:
    """A mask naming ``xColor`` also covers ``xColorStyle`` (and back), as Google keeps both in sync."""
    out: dict[str, Any] = {}
    for key, sub in tree.items():
        sub = link_color_fields(sub) if sub else sub
        out[key] = sub
        if key.endswith("Color") and key != "rgbColor":
            out.setdefault(key + "Style", {})
        elif key.endswith("ColorStyle"):
            out.setdefault(key[: -len("Style")], {})
    return out
