"""The one interface both backends implement: the core never looks behind it.

A sync is: ``snapshot = wb.read()`` (every tab as text, in one go) -> the core computes ->
``wb.commit(snapshot, writes)`` (every service-owned tab at once, atomically) — or nothing.
``init`` calls ``wb.provision(plans)`` with plans computed by the pure
:mod:`sheets_sync.core.provision.plan`, which never changes a non-empty cell.

Rules every implementation keeps:

* Cells are read as text as a person sees them (a date as ISO ``yyyy-mm-dd``, ``007`` stays
  ``007`` where the backend still holds it as text, whole numbers without ``.0``).
* Strings are written as *values*, never formulas (``=1+1`` from a list stays text).
* ``commit`` is all-or-nothing. If the workbook changed under us in a way that could lose a
  person's edit, the backend either merges the staff-entered columns (``TabWrite.staff_columns``,
  keyed by ``TabWrite.key_columns``) or raises :class:`~sheets_sync.errors.ConcurrentEditError`
  and writes nothing.
* Tabs not named in ``writes`` are never touched by ``commit``.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "CellEdit",
    "CellValue",
    "ChartSpec",
    "ColumnFormat",
    "Grid",
    "ListSource",
    "ProvisionPlan",
    "Snapshot",
    "TabWrite",
    "Workbook",
]

from sheets_sync.core.model import CellValue, Grid
from sheets_sync.core.provision.plan import CellEdit, ColumnFormat, ProvisionPlan


@dataclass(frozen=True)
class Snapshot:
    """Every tab of the workbook as text, plus a token that identifies this exact version."""

    grids: Mapping[str, Grid]  # by tab title, in workbook order
    version: str  # xlsx: content hash + mtime; Google: a revision marker; compared at commit
    hidden: frozenset[str] = frozenset()
    unreadable: Mapping[str, str] = field(default_factory=dict)  # tab -> why it cannot be read

    def get(self, title: str) -> Grid | None:
        return self.grids.get(title)


@dataclass(frozen=True)
class ChartSpec:
    """A native chart over a table already written in the same tab.

    Rows/cols are 0-based offsets into the tab; the header row holds series names,
    ``category_col`` the labels, ``series_cols`` the values; rows ``first_row..last_row``
    inclusive are the data. ``anchor`` is the top-left cell in A1 form, e.g. ``"H2"``.
    """

    title: str
    kind: Literal["bar", "column", "line"]
    header_row: int
    first_row: int
    last_row: int
    category_col: int
    series_cols: tuple[int, ...]
    anchor: str


@dataclass(frozen=True)
class TabWrite:
    """A service-owned tab to be replaced wholesale by ``commit``.

    ``rows`` excludes the header. Staff-entered columns (``staff_columns``) are carried in
    ``rows`` with the values the pipeline read; the backend must keep any value a person
    typed there after our read (merge by the ``key_columns`` values of the row), or refuse to write.
    """

    title: str
    header: tuple[str, ...]
    rows: Sequence[Sequence[CellValue]]
    key_columns: tuple[str, ...] = ()  # identify a row across rewrites (Alumni ID; Source A + B)
    staff_columns: tuple[str, ...] = ()
    dropdowns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # header -> choices
    notes: Mapping[str, str] = field(default_factory=dict)  # header -> help note
    column_widths: Mapping[str, int] = field(default_factory=dict)  # header -> characters
    widths: tuple[int, ...] = ()  # characters of the first columns by position (free-form tabs)
    charts: tuple[ChartSpec, ...] = ()
    protected: bool = True  # warning-only protection on Google, sheet protection on xlsx
    hidden: bool = False
    freeze_header: bool = True
    header_row: bool = True  # False: ``rows`` is free-form (Rollup: many tables in one tab)
    bold_rows: tuple[int, ...] = ()  # 0-based indexes into ``rows`` to show bold (table titles)
    freeze_columns: int = 0  # the first columns stay on screen when scrolling right (with the header)
    autofilter: bool = False  # a filter button on every header cell
    # header pairs (A, B) compared row by row, as conditional formats that follow a sort: both cells
    # highlighted when they differ (both filled in), muted when they are the same
    compare_columns: tuple[tuple[str, str], ...] = ()


# How compared cells look (RGB hex), the same on both backends.
DIFFER_FILL = "FCE8B2"  # light amber: the eye goes to what differs
SAME_TEXT = "9AA0A6"  # grey text: agreeing values step back


def compare_formulas(col_a: str, col_b: str, row: int) -> tuple[str, str]:
    """(differ, same) formulas for the cells of ``row`` in columns ``col_a`` / ``col_b`` (letters),
    without the leading "=". Both backends evaluate them relative to the first row of the range."""
    a, b = f"${col_a}{row}", f"${col_b}{row}"
    return (f"AND(LEN({a})>0,LEN({b})>0,{a}<>{b})", f"AND(LEN({a})>0,{a}={b})")


@dataclass
class BackendStats:
    """Counters a backend keeps for the Sync log and benchmarks."""

    api_calls: int = 0
    retries: int = 0
    cells_written: int = 0


class Workbook(ABC):
    """A workbook or spreadsheet: the only store the service has."""

    stats: BackendStats
    commit_calls: int = 1  # API calls a commit costs (for the Sync log row); a local file: 1

    @property
    @abstractmethod
    def name(self) -> str:
        """For messages: a path or a spreadsheet title (never a secret)."""

    @abstractmethod
    def read(self) -> Snapshot:
        """Every tab as text, in as few calls as the backend allows (Google: one or two)."""

    @abstractmethod
    def commit(self, snapshot: Snapshot, writes: Sequence[TabWrite]) -> str:
        """Replace the tabs in ``writes`` atomically; keep staff-entered cells typed since
        ``snapshot``. Raises ConcurrentEditError / BackendError and then writes nothing.
        Returns the new version token (so a second commit in the same run is not refused)."""

    @abstractmethod
    def provision(self, plans: Sequence[ProvisionPlan]) -> None:
        """Apply ``init`` plans: create tabs, fill empty cells, set formatting/validation/notes."""

    @abstractmethod
    @contextmanager
    def lock(self, holder: str, *, stale_after: dt.timedelta) -> Iterator[None]:
        """Hold the one-sync-at-a-time lock; raise LockHeldError naming the holder if taken.
        A lock older than ``stale_after`` (a killed run) is taken over, with a warning."""

    def drop_backups(self) -> int:
        """Delete the backend's own copies of earlier versions (``forget``: they hold the
        person). Returns how many; a backend that keeps none returns 0."""
        return 0


class ListSource(ABC):
    """A teacher list that lives outside the main workbook (another .xlsx, another spreadsheet)."""

    api_calls: int = 0  # API calls its reads cost so far (a file: none)

    @property
    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def read_grids(self) -> list[Grid]:
        """The list's tab(s) as text grids with ``location`` set. Raises SourceError when the
        file is missing/locked/unreadable (the pipeline turns that into one Data issue)."""
