"""Build the ``spreadsheets.batchUpdate`` requests of a commit or an ``init`` (pure: no I/O).

A commit is planned against a *fresh* view of the spreadsheet (:class:`TabState`, read just
before the write), so the plan is right whether or not an earlier, interrupted attempt was
applied. Rules for a tab with ``staff_columns`` (``Alumni!Owner override``, ``Review!Decision``):

* rows are matched by their ``key_columns`` values in the fresh view; rows whose key is gone are
  deleted (``deleteDimension``, bottom-up); kept rows stay in their current order and new rows
  go below, so no row moves;
* the staff cells of kept rows are never written (a person may have typed there since our
  read); every other cell is rewritten, and leftovers below/right of the data are cleared.

Values are written as ``userEnteredValue`` (never parsed: ``=1+1`` and ``+34 612 345 678`` stay
text); dates as ISO text, as the local workbook reads them back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets_sync import i18n
from sheets_sync.adapters.gsheets.cells import (
    a1_cell,
    add_sheet,
    append_dimension,
    cell,
    chart_request,
    col_letter,
    column_width,
    dropdown,
    extended_text,
    grid_range,
    runs,
    update_cells,
)
from sheets_sync.errors import ConcurrentEditError
from sheets_sync.workbook import DIFFER_FILL, SAME_TEXT, CellValue, ProvisionPlan, TabWrite, compare_formulas

PROTECT_TAG = "sheets_sync: generated tab (rewritten by every sync)"
CELL_FIELDS = "userEnteredValue,userEnteredFormat.textFormat.bold,note"
MIN_ROWS, MIN_COLS = 1000, 26  # a new template tab gets Google's default grid
SPARE_ROWS = 50  # a new output tab: its rows and a few more (it grows with appendDimension)
DROPDOWN_ROWS = 1000


@dataclass(frozen=True)
class TabState:
    """What a commit needs to know about an existing tab, read just before writing."""

    sheet_id: int
    title: str
    rows: int
    cols: int
    our_protections: tuple[int, ...] = ()
    chart_ids: tuple[int, ...] = ()
    conditional_rules: int = 0  # conditional format rules on the tab now
    columns: Mapping[int, Sequence[str]] = field(default_factory=dict)  # col -> cells (row 0 = header)
    notes: Mapping[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class Plan:
    requests: list[dict[str, Any]] = field(default_factory=list)
    cells: int = 0


def _key(row: Sequence[Any], positions: Sequence[int]) -> tuple[str, ...]:
    return tuple("" if p >= len(row) or row[p] is None else extended_text(row[p]) for p in positions)


def arrange(
    tw: TabWrite, state: TabState, keys: Sequence[int], staff: Sequence[int]
) -> tuple[list[Sequence[CellValue]], int, list[int]] | None:
    """(final rows, how many of them already exist, data-row indexes to delete) — or None when the
    fresh tab cannot be matched (its header moved the key/staff columns): rewrite it whole."""
    for c in (*keys, *staff):
        column = state.columns.get(c) or [""]
        if column[0] != tw.header[c]:
            return None
    height = max((len(state.columns.get(c) or ()) for c in keys), default=0)
    fresh = [
        tuple((state.columns.get(c) or ())[r] if r < len(state.columns.get(c) or ()) else "" for c in keys)
        for r in range(1, height)
    ]
    wanted: dict[tuple[str, ...], Sequence[CellValue]] = {}
    for row in tw.rows:
        wanted.setdefault(_key(row, keys), row)
    kept: list[Sequence[CellValue]] = []
    kept_ids: set[int] = set()
    deletes: list[int] = []
    for i, k in enumerate(fresh):
        match = wanted.get(k)
        if match is not None and any(k) and id(match) not in kept_ids:
            kept.append(match)
            kept_ids.add(id(match))
        else:
            deletes.append(i)
    new = [r for r in tw.rows if id(r) not in kept_ids]
    return kept + new, len(kept), deletes


def plan_tab(tw: TabWrite, state: TabState | None, new_sheet_id: int) -> Plan:
    """Every request that replaces tab ``tw.title`` (created when ``state`` is None)."""
    plan = Plan()
    reqs = plan.requests
    top = 1 if tw.header_row else 0
    header = list(tw.header) if tw.header_row else []
    staff = [header.index(h) for h in tw.staff_columns if h in header]
    keys = [header.index(h) for h in tw.key_columns if h in header]
    anchors = [a1_cell(c.anchor) for c in tw.charts]
    width = max([len(header), *(len(r) for r in tw.rows), *(c + 1 for _, c in anchors), 1])
    final: list[Sequence[CellValue]] = list(tw.rows)
    kept = 0
    merge = False
    if state is None:
        sheet_id = new_sheet_id
        rows_now, cols_now = top + len(tw.rows) + SPARE_ROWS, max(width, MIN_COLS)
        reqs.append(add_sheet(sheet_id, tw.title, rows_now, cols_now))
    else:
        sheet_id, rows_now, cols_now = state.sheet_id, state.rows, state.cols
        arranged = arrange(tw, state, keys, staff) if staff and keys else None
        if arranged is not None:
            merge = True
            final, kept, deletes = arranged
            # grow first: Google refuses to delete every row below the frozen header
            need = max(top + len(final), top + 1) + len(deletes)
            if need > rows_now:
                reqs.append(append_dimension(sheet_id, "ROWS", need - rows_now))
                rows_now = need
            for start, end in reversed(runs(deletes)):
                rng = {
                    "sheetId": sheet_id,
                    "dimension": "ROWS",
                    "startIndex": start + top,
                    "endIndex": end + top,
                }
                reqs.append({"deleteDimension": {"range": rng}})
            rows_now -= len(deletes)
        reqs += [{"deleteProtectedRange": {"protectedRangeId": p}} for p in state.our_protections]
        reqs += [{"deleteEmbeddedObject": {"objectId": c}} for c in state.chart_ids]
    if top + len(final) > rows_now:
        reqs.append(append_dimension(sheet_id, "ROWS", top + len(final) - rows_now))
        rows_now = top + len(final)
    if width > cols_now:
        reqs.append(append_dimension(sheet_id, "COLUMNS", width - cols_now))
        cols_now = width

    bold_ids = {id(tw.rows[i]) for i in tw.bold_rows if 0 <= i < len(tw.rows)}
    grid: list[list[dict[str, Any]]] = []
    if tw.header_row:
        grid.append([cell(h, bold=True, note=tw.notes.get(h)) for h in header])
    for row in final:
        bold = id(row) in bold_ids
        grid.append([cell(v, bold=bold) for v in row])
    plan.cells = sum(1 for r in grid for c in r if "userEnteredValue" in c)

    def cols(line: list[dict[str, Any]], c0: int, c1: int) -> list[dict[str, Any]]:
        part = line[c0:c1]
        while part and not part[-1]:
            part.pop()
        return part

    skip = set(staff) if merge else set()
    for c0, c1 in runs([c for c in range(cols_now) if c not in skip]):
        reqs.append(update_cells(sheet_id, 0, rows_now, c0, c1, [cols(r, c0, c1) for r in grid], CELL_FIELDS))
    for s in sorted(skip):  # staff columns: the header, and the cells of new rows only
        reqs.append(update_cells(sheet_id, 0, 1, s, s + 1, [cols(grid[0], s, s + 1)], CELL_FIELDS))
        below = [cols(r, s, s + 1) for r in grid[top + kept :]]
        if top + kept < rows_now:
            reqs.append(update_cells(sheet_id, top + kept, rows_now, s, s + 1, below, CELL_FIELDS))

    frozen = 1 if tw.freeze_header and tw.header_row else 0
    reqs.append(
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": sheet_id,
                    "hidden": tw.hidden,
                    "gridProperties": {"frozenRowCount": frozen, "frozenColumnCount": tw.freeze_columns},
                },
                "fields": "hidden,gridProperties.frozenRowCount,gridProperties.frozenColumnCount",
            }
        }
    )
    if tw.header_row and tw.autofilter:
        reqs.append({"setBasicFilter": {"filter": {"range": grid_range(sheet_id, 0, rows_now, 0, width)}}})
    if tw.compare_columns and state is not None:  # this tab's rules are ours: replaced on every sync
        reqs += [{"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": 0}}] * state.conditional_rules
    if tw.header_row and len(final):
        reqs += compare_rules(tw, sheet_id, top, top + len(final))
    for i, chars in enumerate(tw.widths):
        reqs.append(column_width(sheet_id, i, chars))
    for h, chars in tw.column_widths.items():
        if h in header:
            reqs.append(column_width(sheet_id, header.index(h), chars))
    for h, choices in tw.dropdowns.items():
        if h in header and choices and rows_now > top:
            reqs.append(dropdown(sheet_id, header.index(h), top, rows_now, choices))
    if tw.protected:
        unprotected = [grid_range(sheet_id, top, None, s, s + 1) for s in staff]
        protected: dict[str, Any] = {
            "range": {"sheetId": sheet_id},
            "description": PROTECT_TAG,
            "warningOnly": True,
        }
        if unprotected:
            protected["unprotectedRanges"] = unprotected
        reqs.append({"addProtectedRange": {"protectedRange": protected}})
    reqs += [chart_request(spec, sheet_id) for spec in tw.charts]
    return plan


def _rgb(hex_colour: str) -> dict[str, float]:
    return {k: int(hex_colour[i : i + 2], 16) / 255 for k, i in (("red", 0), ("green", 2), ("blue", 4))}


def compare_rules(tw: TabWrite, sheet_id: int, r0: int, r1: int) -> list[dict[str, Any]]:
    """``tw.compare_columns`` as conditional format rules (custom formulas, relative to ``r0``)."""
    header = list(tw.header)
    reqs: list[dict[str, Any]] = []
    styles = ({"backgroundColor": _rgb(DIFFER_FILL)}, {"textFormat": {"foregroundColor": _rgb(SAME_TEXT)}})
    for a, b in tw.compare_columns:
        if a not in header or b not in header:
            continue
        ca, cb = header.index(a), header.index(b)
        ranges = [grid_range(sheet_id, r0, r1, c, c + 1) for c in (ca, cb)]
        formulas = compare_formulas(col_letter(ca), col_letter(cb), r0 + 1)
        for formula, style in zip(formulas, styles, strict=True):
            condition = {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": f"={formula}"}]}
            rule = {"ranges": ranges, "booleanRule": {"condition": condition, "format": style}}
            reqs.append({"addConditionalFormatRule": {"rule": rule, "index": len(reqs)}})
    return reqs


# --------------------------------------------------------------------------- init


def _ours(note: str, wanted: str) -> bool:
    """A header note we may (re)write: none, ours, or ours in another language (init --language)."""
    return note in ("", wanted) or (
        i18n.canonical(i18n.NOTE, note) is not None
        and i18n.canonical(i18n.NOTE, note) == i18n.canonical(i18n.NOTE, wanted)
    )


def plan_provision(
    plan: ProvisionPlan, state: TabState | None, values: Sequence[Sequence[str]], new_sheet_id: int
) -> Plan:
    """Requests for one ``init`` plan; ``values`` are the tab's cells read just now.

    An edit whose cell already holds the planned value is skipped (an earlier attempt was
    applied); one whose cell holds anything else raises ConcurrentEditError (nothing is sent).
    """
    out = Plan()
    reqs = out.requests

    def current(r: int, c: int) -> str:
        return values[r][c] if r < len(values) and c < len(values[r]) else ""

    edits = []
    for e in plan.edits:
        now = current(e.row, e.col)
        if not now.strip() or (e.replaces is not None and now == e.replaces):
            edits.append(e)
        elif now != extended_text(e.value):
            raise ConcurrentEditError(
                f"{plan.title}!{col_letter(e.col)}{e.row + 1} was filled since init read the spreadsheet; "
                "nothing was written. Fix: run init again."
            )
    need_rows = max([plan.header_row + 1, *(e.row + 1 for e in edits)])
    need_cols = max([1, *(e.col + 1 for e in edits), *(cf.col + 1 for cf in plan.columns)])
    if state is None:
        if not plan.create:
            raise ConcurrentEditError(
                f"Tab {plan.title!r} disappeared since init read the spreadsheet; nothing was written. "
                "Fix: run init again."
            )
        sheet_id, rows_now, cols_now = new_sheet_id, max(need_rows, MIN_ROWS), max(need_cols, MIN_COLS)
        reqs.append(add_sheet(sheet_id, plan.title, rows_now, cols_now))
    else:
        sheet_id, rows_now, cols_now = state.sheet_id, state.rows, state.cols
        if plan.rename_from is not None and state.title != plan.title:  # init --language
            reqs.append(
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet_id, "title": plan.title},
                        "fields": "title",
                    }
                }
            )
        if need_rows > rows_now:
            reqs.append(append_dimension(sheet_id, "ROWS", need_rows - rows_now))
            rows_now = need_rows
        if need_cols > cols_now:
            reqs.append(append_dimension(sheet_id, "COLUMNS", need_cols - cols_now))
            cols_now = need_cols
    for e in edits:
        rng = grid_range(sheet_id, e.row, e.row + 1, e.col, e.col + 1)
        reqs.append(
            {
                "updateCells": {
                    "range": rng,
                    "rows": [{"values": [cell(e.value)]}],
                    "fields": "userEnteredValue",
                }
            }
        )
    out.cells = len(edits)

    header = plan.header_row
    filled = [c for c in range(cols_now) if current(header, c).strip()] + [
        e.col for e in edits if e.row == header
    ]
    if filled:
        reqs.append(
            {
                "repeatCell": {
                    "range": grid_range(sheet_id, header, header + 1, 0, max(filled) + 1),
                    "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                    "fields": "userEnteredFormat.textFormat.bold",
                }
            }
        )
    notes = state.notes if state is not None else {}
    for cf in plan.columns:
        if cf.width:
            reqs.append(column_width(sheet_id, cf.col, cf.width))
        if cf.note and _ours(notes.get((header, cf.col), ""), cf.note):  # a person's own note is kept
            rng = grid_range(sheet_id, header, header + 1, cf.col, cf.col + 1)
            reqs.append(
                {"updateCells": {"range": rng, "rows": [{"values": [{"note": cf.note}]}], "fields": "note"}}
            )
        if cf.choices and rows_now > header + 1:
            reqs.append(
                dropdown(sheet_id, cf.col, header + 1, min(rows_now, header + 1 + DROPDOWN_ROWS), cf.choices)
            )
    if plan.freeze_rows:
        reqs.append(
            {
                "updateSheetProperties": {
                    "properties": {
                        "sheetId": sheet_id,
                        "gridProperties": {"frozenRowCount": plan.freeze_rows},
                    },
                    "fields": "gridProperties.frozenRowCount",
                }
            }
        )
    return out
