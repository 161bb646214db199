"""Plan what ``init`` does to each template tab (pure: no I/O).

``plan_provision(existing_grid_or_None, spec)`` returns a
:class:`~sheets_sync.workbook.ProvisionPlan` that a backend applies as is:

* a new tab gets the header row and the guide's fixed rows;
* an existing tab keeps everything a person entered: its header row is found (any of the first
  ten rows), missing headers are appended after the last used column, missing fixed rows (by
  their key, see ``TemplateSpec.key_columns``) are added on the first empty rows after the data;
* no edit ever targets a non-empty cell, and planning on the result of a previous ``init``
  gives no edits at all (idempotent).

Formatting (notes, dropdowns) is planned for every template column; a column width only for a
column ``init`` creates, so a width a person chose is kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sheets_sync.core.model import CellValue, Grid
from sheets_sync.core.provision.templates import TemplateSpec, load_templates
from sheets_sync.errors import SourceError

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class CellEdit:
    """One cell ``init`` fills in (0-based). Only ever applied to an empty cell."""

    row: int
    col: int
    value: CellValue


@dataclass(frozen=True)
class ColumnFormat:
    """Formatting of one column of a template tab (0-based col)."""

    col: int
    width: int | None = None
    note: str | None = None  # help note on the header cell
    choices: tuple[str, ...] = ()  # dropdown validation below the header


@dataclass(frozen=True)
class ProvisionPlan:
    """What ``init`` does to one template tab, computed by the pure core."""

    title: str
    create: bool  # the tab does not exist yet
    header_row: int  # 0-based row of the header
    edits: tuple[CellEdit, ...]  # only to cells that are empty now
    columns: tuple[ColumnFormat, ...] = ()
    freeze_rows: int = 1


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def find_header_row(grid: Grid, headers: Sequence[str]) -> int | None:
    """The 0-based row among the first ten holding the most of ``headers`` (None: none of them)."""
    wanted = {_norm(h) for h in headers}
    best, best_hits = None, 0
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        hits = len({_norm(c) for c in row} & wanted)
        if hits > best_hits:
            best, best_hits = r, hits
    return best


def _used_width(grid: Grid) -> int:
    return max((_row_width(r) for r in grid.rows), default=0)


def _row_width(row: Sequence[str]) -> int:
    for i in range(len(row) - 1, -1, -1):
        if row[i].strip():
            return i + 1
    return 0


def _last_used_row(grid: Grid) -> int:
    for r in range(len(grid.rows) - 1, -1, -1):
        if _row_width(grid.rows[r]):
            return r
    return -1


def _new_tab_plan(spec: TemplateSpec, create: bool) -> ProvisionPlan:
    edits = [CellEdit(0, c, h) for c, h in enumerate(spec.headers)]
    for r, row in enumerate(spec.fixed_rows, start=1):
        edits += [CellEdit(r, c, v) for c, v in enumerate(row) if v]
    columns = tuple(
        ColumnFormat(col=i, width=c.width, note=c.note or None, choices=c.choices)
        for i, c in enumerate(spec.columns)
    )
    return ProvisionPlan(title=spec.title, create=create, header_row=0, edits=tuple(edits), columns=columns)


def plan_provision(existing: Grid | None, spec: TemplateSpec) -> ProvisionPlan:
    """What ``init`` adds to one template tab. Raises SourceError when an existing, non-empty
    tab has none of the template's headers in its first ten rows (we would not know where to add)."""
    if existing is None:
        return _new_tab_plan(spec, create=True)
    if _last_used_row(existing) < 0:
        return _new_tab_plan(spec, create=False)
    header_row = find_header_row(existing, spec.headers)
    if header_row is None:
        raise SourceError(
            f"Tab {spec.title!r} has content but none of its expected headers "
            f"({', '.join(spec.headers)}) in its first {HEADER_SEARCH_ROWS} rows. Fix: rename that tab "
            f"(init then creates a fresh {spec.title!r}) or type the header row back in."
        )
    header = existing.rows[header_row]
    col_of: dict[str, int] = {}
    for c, text in enumerate(header):
        col_of.setdefault(_norm(text), c)

    edits: list[CellEdit] = []
    new_cols: set[int] = set()
    next_col = max(_used_width(existing), _row_width(header))
    for h in spec.headers:
        if _norm(h) not in col_of:
            col_of[_norm(h)] = next_col
            new_cols.add(next_col)
            edits.append(CellEdit(header_row, next_col, h))
            next_col += 1
    cols = [col_of[_norm(h)] for h in spec.headers]

    existing_keys = {
        tuple(_norm(existing.cell(r, cols[k])) for k in spec.key_columns)
        for r in range(header_row + 1, len(existing.rows))
    }
    next_row = max(_last_used_row(existing), header_row) + 1
    for row in spec.fixed_rows:
        key = tuple(_norm(v) for v in spec.key_of(row))
        if key in existing_keys:
            continue
        existing_keys.add(key)
        edits += [CellEdit(next_row, cols[i], v) for i, v in enumerate(row) if v]
        next_row += 1

    safe = tuple(e for e in edits if not existing.cell(e.row, e.col).strip())
    assert len(safe) == len(edits), "provision planned an edit to a non-empty cell"
    columns = tuple(
        ColumnFormat(
            col=cols[i],
            width=c.width if cols[i] in new_cols else None,
            note=c.note or None,
            choices=c.choices,
        )
        for i, c in enumerate(spec.columns)
    )
    return ProvisionPlan(
        title=spec.title,
        create=False,
        header_row=header_row,
        edits=safe,
        columns=columns,
        freeze_rows=header_row + 1,
    )


def plan_all(
    snapshot: Mapping[str, Grid] | None,
    specs: Sequence[TemplateSpec] | None = None,
    categories: tuple[str, ...] = (),
) -> list[ProvisionPlan]:
    """Plans for every template (default: all of ``templates/``), in order; every conflicting tab
    is reported at once in one SourceError. ``snapshot`` is None for a workbook not created yet.
    """
    grids: Mapping[str, Grid] = snapshot or {}
    specs = load_templates(categories) if specs is None else specs
    plans, problems = [], []
    for spec in specs:
        try:
            plans.append(plan_provision(grids.get(spec.title), spec))
        except SourceError as err:
            problems.append(str(err))
    if problems:
        raise SourceError(" | ".join(problems))
    log.info(
        "provision plan: %d tabs to create, %d cell edits",
        sum(p.create for p in plans),
        sum(len(p.edits) for p in plans),
    )
    return plans
