"""Which tabs the service may rewrite: only the ones it created (issue 13 #1).

The output tabs have fixed names (``Alumni``, ``Review``...), and a school may already keep a tab
of its own under one of them (office notes in ``Alumni``). Before anything is written, each
existing output tab is checked:

* recorded as ``owned`` in the state (the service created or adopted it): rewritten;
* empty: nothing to lose, adopted;
* not recorded, but its first row is the service's own header (``Alumni ID | Name | ...``; for
  ``Rollup`` a rollup table title in A1): a tab written by a version from before ownership was
  recorded, adopted;
* anything else is the school's: the run stops before writing anything, naming the tab and the
  way out (rename it), and ``init`` says the same in advance. The tab is never touched.

Ownership is written in the same atomic commit as the outputs (state kind ``owned``:
tab title -> ``{"since": date}``), so a tab is never rewritten without its record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sheets_sync import schema as tabs
from sheets_sync.core.model import Grid
from sheets_sync.core.rollup.build import TITLES as ROLLUP_TITLES
from sheets_sync.core.state import State

OWNED = "owned"  # state kind: output tab title -> {"since": ISO date}

# The first row each output tab is written with (how a tab of an earlier version is recognised).
HEADERS: Mapping[str, tuple[str, ...]] = {
    tabs.ALUMNI: tabs.ALUMNI_HEADERS,
    tabs.REVIEW: tabs.REVIEW_HEADERS,
    tabs.OUTREACH_STATUS: tabs.OUTREACH_STATUS_HEADERS,
    tabs.DATA_ISSUES: tabs.DATA_ISSUES_HEADERS,
    tabs.SYNC_LOG: tabs.SYNC_LOG_HEADERS,
    tabs.STATE: tabs.STATE_HEADERS,
}

# Messages (kept together for translation).
FOREIGN = (
    "the workbook already has a tab named {title!r} that sheets_sync did not create ({what}); "
    "a sync writes its {role} there and would replace it"
)
WAY_OUT = (
    "rename that tab (e.g. {suggestion!r}) and run again — the service then creates its own {title!r}; "
    "nothing was written"
)
WAY_OUT_BEFORE = (  # said by init, before the first sync
    "rename that tab (e.g. {suggestion!r}); until then sync stops without writing anything"
)
ROLES = {
    tabs.ALUMNI: "master list",
    tabs.REVIEW: "review queue",
    tabs.OUTREACH_STATUS: "outreach status",
    tabs.ROLLUP: "rollup tables",
    tabs.DATA_ISSUES: "data issues",
    tabs.SYNC_LOG: "run history",
    tabs.STATE: "hidden state",
}
WHAT = "{rows} filled row(s); row 1: {first}"


@dataclass(frozen=True)
class ForeignTab:
    """An existing tab under an output tab's name that the service did not create."""

    title: str  # the output tab's (English) name
    filled_rows: int
    first_row: tuple[str, ...]
    shown: str = ""  # the name it has in this workbook (a translated one), when it differs

    def message(self, *, before_sync: bool = False) -> str:
        first = " | ".join(c for c in self.first_row if c.strip())[:80] or "(blank)"
        what = WHAT.format(rows=self.filled_rows, first=repr(first))
        role = ROLES.get(self.title, "output")
        title = self.shown or self.title
        suggestion = f"{title} (own)"
        way_out = (WAY_OUT_BEFORE if before_sync else WAY_OUT).format(suggestion=suggestion, title=title)
        return f"{FOREIGN.format(title=title, what=what, role=role)} — {way_out}"


def _filled(grid: Grid) -> list[tuple[str, ...]]:
    return [row for row in grid.rows if any(c.strip() for c in row)]


def looks_like_ours(title: str, grid: Grid) -> bool:
    """True when ``grid`` is empty or starts the way the service writes ``title``."""
    rows = _filled(grid)
    if not rows:
        return True
    first = tuple(c.strip() for c in grid.rows[0]) if grid.rows else ()
    if title == tabs.ROLLUP:
        return bool(first) and first[0] in ROLLUP_TITLES
    headers = HEADERS.get(title)
    return headers is not None and first[: len(headers)] == headers


def foreign_outputs(
    grids: Mapping[str, Grid],
    state: State,
    titles: Iterable[str] = tabs.OUTPUT_TABS,
    shown: Mapping[str, str] | None = None,
) -> list[ForeignTab]:
    """The existing output tabs the service may not rewrite (empty: all clear). ``grids`` by
    English name; ``shown``: English name -> the tab's name in the workbook, for the message."""
    owned = state.keys(OWNED)
    found = []
    for title in titles:
        grid = grids.get(title)
        if grid is None or title in owned or looks_like_ours(title, grid):
            continue
        rows = _filled(grid)
        real = (shown or {}).get(title, title)
        found.append(
            ForeignTab(title, len(rows), tuple(rows[0]) if rows else (), real if real != title else "")
        )
    return found


def claim(state: State, titles: Iterable[str], today: dt.date) -> list[str]:
    """Record ``titles`` as the service's own (kept ``since`` dates); returns the newly recorded."""
    new = []
    owned = state.keys(OWNED)
    for title in titles:
        if title not in owned:
            state.set(OWNED, title, {"since": today.isoformat()}, when=today.isoformat())
            new.append(title)
    return new
