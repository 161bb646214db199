"""In-memory state of emulated spreadsheets, and Google's error shape.

Cells are kept sparse: ``Sheet.cells[(row, col)]`` is a ``CellData``-shaped
dict. Handlers never mutate a cell dict in place (they build a new one), so a
transaction only needs shallow copies of the containers (see ``copy()``).
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from typing import Any

DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
DEFAULT_ROW_PX = 21
DEFAULT_COL_PX = 100
MAX_CELLS = 10_000_000

STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
NOT_FOUND = "Requested entity was not found."
NO_PERMISSION = "The caller does not have permission"


class ApiError(Exception):
    """An error the emulated API answers with ``{"error": {code, message, status}}``."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        details: list[Any] | None = None,
        errors: list[Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS.get(code, "UNKNOWN")
        self.details = details
        self.errors = errors  # Drive v3 also sends the legacy "errors" list

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            error["errors"] = self.errors
        error["status"] = self.status
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def _rgb(red: float, green: float, blue: float) -> dict[str, Any]:
    return {k: v for k, v in (("red", red), ("green", green), ("blue", blue)) if v}


DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_THEME = [
    ("TEXT", _rgb(0, 0, 0)),
    ("BACKGROUND", _rgb(1, 1, 1)),
    ("ACCENT1", _rgb(0.25882354, 0.52156866, 0.95686275)),
    ("ACCENT2", _rgb(0.91764706, 0.2627451, 0.20784314)),
    ("ACCENT3", _rgb(0.9843137, 0.7372549, 0.015686275)),
    ("ACCENT4", _rgb(0.20392157, 0.65882355, 0.3254902)),
    ("ACCENT5", _rgb(1, 0.42745098, 0.003921569)),
    ("ACCENT6", _rgb(0.27450982, 0.7411765, 0.7764706)),
    ("LINK", _rgb(0.06666667, 0.33333334, 0.8)),
]
SPREADSHEET_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [{"colorType": t, "color": {"rgbColor": c}} for t, c in _THEME],
}


def default_properties(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "locale": "en_US",
        "autoRecalc": "ON_CHANGE",
        "timeZone": "Etc/GMT",
        "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
        "spreadsheetTheme": copy.deepcopy(SPREADSHEET_THEME),
    }


@dataclass
class Sheet:
    properties: dict[str, Any]
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    merges: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    basic_filter: dict[str, Any] | None = None
    charts: list[dict[str, Any]] = field(default_factory=list)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    banded_ranges: list[dict[str, Any]] = field(default_factory=list)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    row_groups: list[dict[str, Any]] = field(default_factory=list)
    column_groups: list[dict[str, Any]] = field(default_factory=list)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def rows(self) -> int:
        return int(self.properties["gridProperties"]["rowCount"])

    @property
    def cols(self) -> int:
        return int(self.properties["gridProperties"]["columnCount"])

    def set_size(self, rows: int | None = None, cols: int | None = None) -> None:
        grid = dict(self.properties["gridProperties"])
        if rows is not None:
            grid["rowCount"] = rows
        if cols is not None:
            grid["columnCount"] = cols
        self.properties = {**self.properties, "gridProperties": grid}
        # cells outside the grid disappear, as in Google Sheets
        self.cells = {
            k: v for k, v in self.cells.items() if k[0] < grid["rowCount"] and k[1] < grid["columnCount"]
        }

    def copy(self) -> Sheet:
        clone = copy.copy(self)
        clone.properties = copy.deepcopy(self.properties)
        clone.cells = dict(self.cells)
        for name in (
            "merges",
            "protected_ranges",
            "charts",
            "conditional_formats",
            "banded_ranges",
            "developer_metadata",
            "row_groups",
            "column_groups",
        ):
            setattr(clone, name, copy.deepcopy(getattr(self, name)))
        clone.basic_filter = copy.deepcopy(self.basic_filter)
        clone.row_meta = {k: dict(v) for k, v in self.row_meta.items()}
        clone.col_meta = {k: dict(v) for k, v in self.col_meta.items()}
        return clone

    def to_json(self) -> dict[str, Any]:
        return {
            "properties": self.properties,
            "cells": [[r, c, cell] for (r, c), cell in sorted(self.cells.items())],
            "merges": self.merges,
            "protectedRanges": self.protected_ranges,
            "basicFilter": self.basic_filter,
            "charts": self.charts,
            "conditionalFormats": self.conditional_formats,
            "bandedRanges": self.banded_ranges,
            "developerMetadata": self.developer_metadata,
            "rowGroups": self.row_groups,
            "columnGroups": self.column_groups,
            "rowMeta": [[k, v] for k, v in sorted(self.row_meta.items())],
            "colMeta": [[k, v] for k, v in sorted(self.col_meta.items())],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sheet:
        return cls(
            properties=data["properties"],
            cells={(int(r), int(c)): cell for r, c, cell in data.get("cells", [])},
            merges=data.get("merges", []),
            protected_ranges=data.get("protectedRanges", []),
            basic_filter=data.get("basicFilter"),
            charts=data.get("charts", []),
            conditional_formats=data.get("conditionalFormats", []),
            banded_ranges=data.get("bandedRanges", []),
            developer_metadata=data.get("developerMetadata", []),
            row_groups=data.get("rowGroups", []),
            column_groups=data.get("columnGroups", []),
            row_meta={int(k): v for k, v in data.get("rowMeta", [])},
            col_meta={int(k): v for k, v in data.get("colMeta", [])},
        )


@dataclass
class Spreadsheet:
    id: str
    properties: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    created_time: str = ""
    modified_time: str = ""
    trashed: bool = False
    accessible: bool = True
    permissions: list[dict[str, Any]] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        exact = next((s for s in self.sheets if s.title == title), None)
        if exact is not None:
            return exact
        return next((s for s in self.sheets if s.title.lower() == title.lower()), None)

    def reindex(self) -> None:
        self.sheets.sort(key=lambda s: s.properties["index"])
        for i, sheet in enumerate(self.sheets):
            if sheet.properties.get("index") != i:
                sheet.properties = {**sheet.properties, "index": i}

    def total_cells(self) -> int:
        return sum(s.rows * s.cols for s in self.sheets)

    def copy(self) -> Spreadsheet:
        clone = copy.copy(self)
        clone.properties = copy.deepcopy(self.properties)
        clone.sheets = [s.copy() for s in self.sheets]
        clone.named_ranges = copy.deepcopy(self.named_ranges)
        clone.developer_metadata = copy.deepcopy(self.developer_metadata)
        clone.permissions = copy.deepcopy(self.permissions)
        return clone

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "properties": self.properties,
            "sheets": [s.to_json() for s in self.sheets],
            "namedRanges": self.named_ranges,
            "developerMetadata": self.developer_metadata,
            "createdTime": self.created_time,
            "modifiedTime": self.modified_time,
            "trashed": self.trashed,
            "accessible": self.accessible,
            "permissions": self.permissions,
            "parents": self.parents,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spreadsheet:
        return cls(
            id=data["id"],
            properties=data["properties"],
            sheets=[Sheet.from_json(s) for s in data.get("sheets", [])],
            named_ranges=data.get("namedRanges", []),
            developer_metadata=data.get("developerMetadata", []),
            created_time=data.get("createdTime", ""),
            modified_time=data.get("modifiedTime", ""),
            trashed=data.get("trashed", False),
            accessible=data.get("accessible", True),
            permissions=data.get("permissions", []),
            parents=data.get("parents", []),
        )


class IdSource:
    """Deterministic ids shaped like Google's (reproducible test runs)."""

    _ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    def __init__(self, seed: int = 0, counter: int = 0) -> None:
        self.seed = seed
        self.counter = counter

    def _rng(self) -> random.Random:
        self.counter += 1
        return random.Random(f"{self.seed}:{self.counter}")

    def sheet_id(self) -> int:
        return self._rng().randrange(1, 2**31 - 1)

    def numeric_string(self) -> str:
        return str(self._rng().randrange(1, 2**31 - 1))

    def spreadsheet_id(self) -> str:
        rng = self._rng()
        return "1" + "".join(rng.choice(self._ALPHABET) for _ in range(43))
