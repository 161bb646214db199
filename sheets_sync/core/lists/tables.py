"""Reading the staff-entered template tabs (Staff, Attendance, Outreach, ...) by header name.

Those tabs were created by ``init`` with known headers, but people add columns, move them,
change case or leave blank rows. We find the header row among the first rows, map columns by
name (case- and space-insensitive) and hand back each non-blank row with its sheet row number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sheets_sync.core.model import DataIssue, Grid
from sheets_sync.core.text.fold import fold

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class TableRow:
    row: int  # sheet row number as a person sees it (1-based)
    values: Mapping[str, str]  # expected header -> cell text ("" when absent)
    extra: Mapping[str, str]  # other columns a person added: header as written -> text

    def __getitem__(self, header: str) -> str:
        return self.values.get(header, "")


@dataclass(frozen=True)
class Table:
    title: str
    header_row: int | None  # 1-based; None when the tab is missing or has no header
    rows: tuple[TableRow, ...]
    missing_columns: tuple[str, ...] = ()


def read_table(grid: Grid | None, headers: Sequence[str]) -> tuple[Table, list[DataIssue]]:
    """Read ``grid`` whose header row should hold ``headers``. A missing tab is an empty table."""
    if grid is None:
        return Table(title="", header_row=None, rows=()), []
    wanted = {fold(h): h for h in headers}
    best_row, best_hits = None, 0
    for r in range(min(HEADER_SEARCH_ROWS, len(grid.rows))):
        hits = sum(1 for cell in grid.rows[r] if fold(cell) in wanted)
        if hits > best_hits:
            best_row, best_hits = r, hits
    if best_row is None or best_hits < max(1, min(2, len(headers))):
        if not any(any(c.strip() for c in row) for row in grid.rows):
            return Table(title=grid.title, header_row=None, rows=()), []
        issue = DataIssue(
            tab=grid.ref_title,
            row=None,
            column="",
            value="",
            problem="the header row was not found",
            fix=f"put the headers {', '.join(headers[:4])}, ... in one of the first {HEADER_SEARCH_ROWS} rows "
            "(run `run.py init` to restore them)",
        )
        return Table(title=grid.title, header_row=None, rows=()), [issue]

    header_cells = grid.rows[best_row]
    col_of: dict[str, int] = {}
    extra_cols: dict[int, str] = {}
    for c, cell in enumerate(header_cells):
        key = fold(cell)
        if key in wanted and wanted[key] not in col_of:
            col_of[wanted[key]] = c
        elif cell.strip():
            extra_cols[c] = cell.strip()
    rows = []
    for r in range(best_row + 1, len(grid.rows)):
        cells = grid.rows[r]
        if not any(c.strip() for c in cells):
            continue
        values = {h: (cells[c].strip() if c < len(cells) else "") for h, c in col_of.items()}
        extra = {
            name: cells[c].strip() for c, name in extra_cols.items() if c < len(cells) and cells[c].strip()
        }
        rows.append(TableRow(row=r + 1, values=values, extra=extra))
    missing = tuple(h for h in headers if h not in col_of)
    return Table(title=grid.title, header_row=best_row + 1, rows=tuple(rows), missing_columns=missing), []


def column_values(table: Table, header: str) -> list[str]:
    return [row[header] for row in table.rows]
