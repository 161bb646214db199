"""Plan what ``init`` does to each template tab (pure: no I/O).

``plan_provision(existing_grid_or_None, spec)`` returns a
:class:`~sheets_sync.workbook.ProvisionPlan` that a backend applies as is:

* a new tab gets the header row and the guide's fixed rows;
* an existing tab keeps everything a person entered: its header row is found (any of the first
  ten rows), missing headers are appended after the last used column, missing fixed rows (by
  their key, see ``TemplateSpec.key_columns``) are added on the first empty rows after the data;
* no edit ever targets a non-empty cell, and planning on the result of a previous ``init``
  gives no edits at all (idempotent);
* language-blind: a tab, a header, a choice or a guide row is recognised in any of the five
  languages (:mod:`sheets_sync.i18n`); one in another language than the spec's is *relabelled*
  (the tab renamed, the cell's text translated: ``CellEdit.replaces``), so ``init --language nl``
  turns an English workbook Dutch and every entered value stays.

Formatting (notes, dropdowns) is planned for every template column; a column width only for a
column ``init`` creates, so a width a person chose is kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from sheets_sync import i18n
from sheets_sync import schema as tabs
from sheets_sync.core.model import CellValue, Grid
from sheets_sync.core.provision.templates import TemplateSpec, load_templates, row_context
from sheets_sync.errors import SourceError

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class CellEdit:
    """One cell ``init`` fills in (0-based). Only ever applied to an empty cell, or, for a relabel
    (``init --language``: a header, a choice or a guide row in another language), to a cell that
    still holds exactly ``replaces``; anything else is a concurrent edit and nothing is written."""

    row: int
    col: int
    value: CellValue
    replaces: str | None = None  # the label this edit translates; None = the cell must be empty


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
    rename_from: str | None = None  # the tab's current name, in another language (``init --language``)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _header_of(cell: str, headers: Sequence[str]) -> str | None:
    """Which of ``headers`` (English) ``cell`` is, in any language."""
    return i18n.canonical(i18n.HEADER, cell, among=headers) if cell.strip() else None


def find_header_row(grid: Grid, headers: Sequence[str]) -> int | None:
    """The 0-based row among the first ten holding the most of ``headers`` (None: none of them).
    ``headers`` are English; a header row in any of the five languages is found."""
    best, best_hits = None, 0
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        hits = len({h for h in (_header_of(c, headers) for c in row) if h})
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


def _canonical_value(spec: TemplateSpec, col: int, text: str) -> str:
    """A fixed-row or choice cell's English text (the cell itself when it is neither)."""
    source = spec.source.columns[col]
    if source.choices:
        found = i18n.canonical(i18n.CHOICE, text, among=source.choices)
        if found:
            return found
    return i18n.canonical(i18n.ROW, text) or i18n.canonical(i18n.CHOICE, text) or text


def plan_provision(existing: Grid | None, spec: TemplateSpec) -> ProvisionPlan:
    """What ``init`` adds to one template tab (``spec`` in the target language). Raises SourceError
    when an existing, non-empty tab has none of the template's headers in its first ten rows."""
    rename = existing.title if existing is not None and existing.title != spec.title else None
    if existing is None:
        return _new_tab_plan(spec, create=True)
    if _last_used_row(existing) < 0:
        return replace(_new_tab_plan(spec, create=False), rename_from=rename)
    source = spec.source
    header_row = find_header_row(existing, source.headers)
    if header_row is None:
        raise SourceError(
            f"Tab {existing.title!r} has content but none of its expected headers "
            f"({', '.join(spec.headers)}) in its first {HEADER_SEARCH_ROWS} rows. Fix: rename that tab "
            f"(init then creates a fresh {spec.title!r}) or type the header row back in."
        )
    header = existing.rows[header_row]
    col_of: dict[str, int] = {}  # English header -> column
    for c, text in enumerate(header):
        found = _header_of(text, source.headers)
        if found:
            col_of.setdefault(found, c)

    edits: list[CellEdit] = []
    new_cols: set[int] = set()
    next_col = max(_used_width(existing), _row_width(header))
    for english, label in zip(source.headers, spec.headers, strict=True):
        if english not in col_of:
            col_of[english] = next_col
            new_cols.add(next_col)
            edits.append(CellEdit(header_row, next_col, label))
            next_col += 1
        else:
            edits += _relabel(existing, header_row, col_of[english], label)
    cols = [col_of[h] for h in source.headers]

    # relabel what the spec's language says differently: dropdown choices and the guide's rows
    fixed_cols = {i for row in source.fixed_rows for i, v in enumerate(row) if v}
    for i, column in enumerate(spec.columns):
        if not column.choices and i not in fixed_cols:
            continue
        for r in range(header_row + 1, len(existing.rows)):
            text = existing.cell(r, cols[i])
            target = _target(spec, i, _canonical_value(spec, i, text)) if text.strip() else None
            if target is not None:
                edits += _relabel(existing, r, cols[i], target)

    existing_keys = {
        tuple(_norm(_canonical_value(spec, k, existing.cell(r, cols[k]))) for k in spec.key_columns)
        for r in range(header_row + 1, len(existing.rows))
    }
    next_row = max(_last_used_row(existing), header_row) + 1
    for english_row, row in zip(source.fixed_rows, spec.fixed_rows, strict=True):
        key = tuple(_norm(v) for v in source.key_of(english_row))
        if key in existing_keys:
            continue
        existing_keys.add(key)
        edits += [CellEdit(next_row, cols[i], v) for i, v in enumerate(row) if v]
        next_row += 1

    safe = tuple(
        e
        for e in edits
        if (e.replaces is None and not existing.cell(e.row, e.col).strip())
        or (e.replaces is not None and existing.cell(e.row, e.col) == e.replaces)
    )
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
        rename_from=rename,
    )


def _target(spec: TemplateSpec, col: int, english: str) -> str | None:
    """The spec language's text for an English choice or guide-row value (None: not one of ours)."""
    source = spec.source.columns[col]
    if english in source.choices:
        return spec.columns[col].choices[source.choices.index(english)]
    ctx = row_context(spec, col, english)
    if i18n.canonical(ctx, english) == english:
        return i18n.translate(spec.language, ctx, english)
    return None


def _relabel(existing: Grid, row: int, col: int, label: str) -> list[CellEdit]:
    """An edit turning the cell into ``label`` when it says the same in another language."""
    current = existing.cell(row, col)
    if current == label or i18n.fold(current) == i18n.fold(label):
        return []
    return [CellEdit(row, col, label, replaces=current)]


def find_template_tab(grids: Mapping[str, Grid], spec: TemplateSpec) -> Grid | None:
    """The workbook's tab for ``spec``, named in any language: the spec's own name first, then
    English, then any other language's (a school that switched language)."""
    if spec.title in grids:
        return grids[spec.title]
    english = spec.source.title
    if english in grids:
        return grids[english]
    for title, grid in grids.items():
        if i18n.canonical(i18n.TAB, title, among=tabs.TEMPLATE_TABS) == english:
            return grid
    return None


OUTPUT_HEADERS: dict[str, tuple[str, ...]] = {
    tabs.ALUMNI: tabs.ALUMNI_HEADERS,
    tabs.REVIEW: tabs.REVIEW_HEADERS,
    tabs.OUTREACH_STATUS: tabs.OUTREACH_STATUS_HEADERS,
    tabs.DATA_ISSUES: tabs.DATA_ISSUES_HEADERS,
    tabs.SYNC_LOG: tabs.SYNC_LOG_HEADERS,
}
OUTPUT_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    tabs.REVIEW: {"Decision": tabs.REVIEW_DECISIONS},
    tabs.ALUMNI: {"Consent": tabs.YES_NO, "Category": tabs.ALUMNI_CATEGORIES},
}


def plan_renames(
    snapshot: Mapping[str, Grid] | None, language: str, skip: Collection[str] = ()
) -> list[ProvisionPlan]:
    """``init --language`` on the service-owned tabs: a tab named in another language gets the
    school language's name, its header row and its staff-entered choices (``Decision``) are
    relabelled; the next sync rewrites the rest in the new language. ``skip``: output names
    (English) whose tab is the school's own, not the service's (never touched)."""
    grids: Mapping[str, Grid] = snapshot or {}
    outputs = tuple(t for t in tabs.OUTPUT_TABS if t != tabs.STATE)
    plans = []
    for english in outputs:
        if english in skip:
            continue
        target = i18n.translate(language, i18n.TAB, english)
        grid = grids.get(target)
        if grid is None:
            grid = next(
                (
                    g
                    for title, g in grids.items()
                    if title == english or i18n.canonical(i18n.TAB, title, among=outputs) == english
                ),
                None,
            )
        if grid is None:
            continue
        edits: list[CellEdit] = []
        headers = OUTPUT_HEADERS.get(english, ())
        if headers and grid.rows:
            for c, text in enumerate(grid.rows[0]):
                found = _header_of(text, headers)
                if found:
                    edits += _relabel(grid, 0, c, i18n.translate(language, i18n.HEADER, found))
                    for choice_col, choices in OUTPUT_CHOICES.get(english, {}).items():
                        if found != choice_col:
                            continue
                        for r in range(1, len(grid.rows)):
                            value = grid.cell(r, c)
                            hit = i18n.canonical(i18n.CHOICE, value, among=choices) if value.strip() else None
                            if hit:
                                edits += _relabel(grid, r, c, i18n.translate(language, i18n.CHOICE, hit))
        rename = grid.title if grid.title != target else None
        if rename or edits:
            plans.append(
                ProvisionPlan(
                    title=target,
                    create=False,
                    header_row=0,
                    edits=tuple(edits),
                    freeze_rows=0,
                    rename_from=rename,
                )
            )
    return plans


def plan_all(
    snapshot: Mapping[str, Grid] | None,
    specs: Sequence[TemplateSpec] | None = None,
    categories: tuple[str, ...] = (),
    language: str = i18n.DEFAULT_LANGUAGE,
) -> list[ProvisionPlan]:
    """Plans for every template (default: all of ``templates/`` in ``language``), in order; every
    conflicting tab is reported at once in one SourceError. ``snapshot`` is None for a workbook
    not created yet.
    """
    grids: Mapping[str, Grid] = snapshot or {}
    specs = load_templates(categories, language) if specs is None else specs
    plans, problems = [], []
    for spec in specs:
        try:
            plans.append(plan_provision(find_template_tab(grids, spec), spec))
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
