"""Rules Google enforces on a request that a schema cannot express (checked after ``validate``).

Each ``check_*`` raises :class:`Invalid` (``batch_update`` turns it into Google's ``Invalid
requests[i].kind: ...``) or :class:`ApiError`:

* cell text at most 50,000 characters (``updateCells``, ``appendCells``, ``repeatCell``, values writes);
* data-validation conditions: a condition type data validation supports, with the number of
  values Google's document gives for it (read from ``BooleanCondition.type``'s descriptions:
  "Requires a single ConditionValue", "Requires exactly two ConditionValues"...; ONE_OF_LIST needs one);
* charts: each domain/series source one column or one row wide, series on an axis that is a
  minor axis of the chart type (a BAR chart's series go on BOTTOM_AXIS, the others' on LEFT/RIGHT);
* protected ranges: ``unprotectedRanges`` only on a protected whole sheet, no ``editors`` with
  ``warningOnly``;
* update masks (``fields`` of ``repeatCell``, ``updateSheetProperties``...) name real fields;
* values writes say ``valueInputOption``.

Stateful rules (never delete every non-frozen row...) live in the handlers.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from sheets_sync.emulator.batch_cells import Invalid
from sheets_sync.emulator.state import ApiError
from sheets_sync.emulator.validate import Api, api

MAX_CELL_CHARS = 50_000
CELL_TOO_LONG = f"Your input contains more than the maximum of {MAX_CELL_CHARS} characters in a single cell."
# The object an update mask (``fields``) is relative to, where the request has several candidates.
MASK_TARGETS = {"UpdateCellsRequest": ("rows", "values"), "AppendCellsRequest": ("rows", "values")}
# ONE_OF_LIST "supports any number of condition values", yet Google refuses a list with none.
MIN_VALUES_OVERRIDE = {"ONE_OF_LIST": 1}
BAR = "BAR"


@cache
def condition_rules() -> dict[str, tuple[int, int, bool]]:
    """``{condition type: (min values, max values, supported by data validation)}`` from the document."""
    prop = api("sheets").schemas["BooleanCondition"]["properties"]["type"]
    rules: dict[str, tuple[int, int, bool]] = {}
    for name, text in zip(prop["enum"], prop["enumDescriptions"], strict=True):
        low, high = 0, 10**9
        if re.search(r"Requires a single ConditionValue", text):
            low = high = 1
        elif re.search(r"Requires exactly two ConditionValues", text):
            low = high = 2
        elif re.search(r"Requires no ConditionValues", text):
            low = high = 0
        elif re.search(r"Supports zero, one or two ConditionValues", text):
            low, high = 0, 2
        elif re.search(r"Requires at least one ConditionValue", text):
            low = 1
        low = MIN_VALUES_OVERRIDE.get(name, low)
        rules[name] = (low, high, "data validation" in text)
    return rules


def _values_phrase(low: int, high: int) -> str:
    if low == high:
        return {0: "no ConditionValues", 1: "a single ConditionValue", 2: "exactly two ConditionValues"}.get(
            low, f"exactly {low} ConditionValues"
        )
    if high >= 10**9:
        return f"at least {low} ConditionValue" + ("s" if low != 1 else "")
    return f"between {low} and {high} ConditionValues"


def check_validation_rule(rule: dict[str, Any] | None) -> None:
    condition = (rule or {}).get("condition") or {}
    kind = condition.get("type")
    if rule is None or kind is None:
        return
    low, high, supported = condition_rules().get(kind, (0, 10**9, False))
    if not supported:
        raise Invalid(f"Invalid ConditionType '{kind}' for data validation.")
    count = len(condition.get("values") or [])
    if not low <= count <= high:
        raise Invalid(f"ConditionType '{kind}' requires {_values_phrase(low, high)}, but {count} were given.")


def _cell_text_ok(cell: dict[str, Any] | None) -> None:
    value = (cell or {}).get("userEnteredValue") or {}
    for key in ("stringValue", "formulaValue"):
        text = value.get(key)
        if isinstance(text, str) and len(text) > MAX_CELL_CHARS:
            raise Invalid(CELL_TOO_LONG)


def check_values(rows: Any) -> None:
    """Values writes (``values.update``/``append``/``batchUpdate``): every cell at most 50,000 characters."""
    for row in rows or []:
        for value in row if isinstance(row, list) else []:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise ApiError(400, CELL_TOO_LONG)


def _source_ok(data: dict[str, Any] | None, what: str) -> None:
    sources = ((data or {}).get("sourceRange") or {}).get("sources") or []
    dims = set()
    for rng in sources:
        rows = (rng.get("endRowIndex") or 0) - (rng.get("startRowIndex") or 0)
        cols = (rng.get("endColumnIndex") or 0) - (rng.get("startColumnIndex") or 0)
        if rng.get("endRowIndex") is not None and rows == 1:
            dims.add("ROWS")
        elif rng.get("endColumnIndex") is not None and cols == 1:
            dims.add("COLUMNS")
        else:
            raise Invalid(
                f"The {what} source range must be exactly one column or one row wide (ChartSourceRange: "
                "exactly one dimension must have a length of 1)."
            )
    if len(dims) > 1:
        raise Invalid(f"All sources of the {what} must be one column wide, or all one row wide.")


def check_chart_spec(spec: dict[str, Any] | None) -> None:
    basic = (spec or {}).get("basicChart")
    if basic:
        chart_type = basic.get("chartType")
        minor = ("BOTTOM_AXIS",) if chart_type == BAR else ("LEFT_AXIS", "RIGHT_AXIS")
        for domain in basic.get("domains") or []:
            _source_ok(domain.get("domain"), "domain")
        for series in basic.get("series") or []:
            _source_ok(series.get("series"), "series")
            axis = series.get("targetAxis")
            if axis is not None and axis not in minor:
                raise Invalid(
                    f"{axis} is not a valid minor axis for a {chart_type} chart; use {' or '.join(minor)}."
                )
    pie = (spec or {}).get("pieChart")
    if pie:
        _source_ok(pie.get("domain"), "domain")
        _source_ok(pie.get("series"), "series")


def _whole_sheet(rng: dict[str, Any] | None) -> bool:
    keys = ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
    return rng is not None and all(rng.get(k) is None for k in keys)


def check_protected_range(prot: dict[str, Any] | None) -> None:
    prot = prot or {}
    if prot.get("unprotectedRanges") and not _whole_sheet(prot.get("range")):
        raise Invalid("Unprotected ranges are only supported on protected sheets.")
    editors = prot.get("editors") or {}
    if prot.get("warningOnly") and any(editors.get(k) for k in ("users", "groups", "domainUsersCanEdit")):
        raise Invalid("Editors are not supported with warning-only protection.")


def _mask_target(a: Api, schema: str) -> str | None:
    props = a.schemas[schema]["properties"]
    if schema in MASK_TARGETS:
        prop = props[MASK_TARGETS[schema][0]]
        target = prop.get("items", prop).get("$ref")
        for name in MASK_TARGETS[schema][1:]:
            prop = a.schemas[str(target)]["properties"][name]
            target = prop.get("items", prop).get("$ref")
        return target
    refs = [
        str(p.get("items", p).get("$ref"))
        for k, p in props.items()
        if p.get("items", p).get("$ref")
        not in (None, "GridRange", "DimensionRange", "DataFilter", "GridCoordinate")
        and k != "dataFilters"
    ]
    return refs[0] if len(refs) == 1 else None


def check_masks(kind_schema: str, req: dict[str, Any]) -> None:
    a = api("sheets")
    for name, prop in a.schemas[kind_schema]["properties"].items():
        mask = req.get(name)
        if prop.get("format") != "google-fieldmask" or not mask:
            continue
        target = _mask_target(a, kind_schema)
        if target is None:
            continue
        bad = a.mask_problem(target, mask)
        if bad is not None:
            raise Invalid(f"Invalid field mask: '{bad}' is not a field of {target}.")


def check_request(kind: str, req: dict[str, Any]) -> None:
    """The rules above for one request of a ``batchUpdate`` (raises ``Invalid``)."""
    ref = api("sheets").schemas["Request"]["properties"].get(kind, {}).get("$ref")
    if ref:
        check_masks(ref, req)
    if kind in ("updateCells", "appendCells"):
        for row in req.get("rows") or []:
            for cell in row.get("values") or []:
                _cell_text_ok(cell)
    elif kind == "repeatCell":
        _cell_text_ok(req.get("cell"))
    elif kind == "setDataValidation":
        check_validation_rule(req.get("rule"))
    elif kind == "addChart":
        check_chart_spec((req.get("chart") or {}).get("spec"))
    elif kind == "updateChartSpec":
        check_chart_spec(req.get("spec"))
    elif kind in ("addProtectedRange", "updateProtectedRange"):
        check_protected_range(req.get("protectedRange"))


def check_value_input(method_id: str, query: dict[str, list[str]], body: dict[str, Any] | None) -> None:
    """``values.update``/``append`` (query) and ``values.batchUpdate`` (body) need ``valueInputOption``."""
    given: Any = None
    if method_id in ("sheets.spreadsheets.values.update", "sheets.spreadsheets.values.append"):
        given = next(iter(query.get("valueInputOption") or []), None)
    elif method_id == "sheets.spreadsheets.values.batchUpdate":
        given = (body or {}).get("valueInputOption")
    else:
        return
    if not given or given == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise ApiError(400, "'valueInputOption' is required but not specified")


def check_method(method_id: str, query: dict[str, list[str]], body: Any) -> None:
    """Rules on whole values requests (``batchUpdate``'s requests are checked one by one by the handler)."""
    check_value_input(method_id, query, body if isinstance(body, dict) else None)
    if not isinstance(body, dict):
        return
    if method_id in ("sheets.spreadsheets.values.update", "sheets.spreadsheets.values.append"):
        check_values(body.get("values"))
    elif method_id == "sheets.spreadsheets.values.batchUpdate":
        for data in body.get("data") or []:
            check_values((data or {}).get("values"))
