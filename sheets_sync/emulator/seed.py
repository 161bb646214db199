"""Seed an emulated spreadsheet with the tabs of a workbook (every cell as text, as typed).

Used by ``run.py demo --spreadsheet KEY --emulator STATE.json`` (the demo school on the Google
code path, no Google account needed) and by the end-to-end tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from sheets_sync.core.model import Grid
from sheets_sync.emulator.a1 import quote_title
from sheets_sync.emulator.emulator import SheetsEmulator


def seed_spreadsheet(emu: SheetsEmulator, key: str, grids: Mapping[str, Grid], *, title: str) -> str:
    """Create spreadsheet ``key`` (replacing one with that id) holding ``grids`` as RAW text."""
    emu.spreadsheets.pop(key, None)
    titles = list(grids) or ["Sheet1"]
    width = max([26] + [max((len(r) for r in g.rows), default=0) for g in grids.values()])
    height = max([1000] + [len(g.rows) + 100 for g in grids.values()])
    emu.create_spreadsheet(title, sheets=titles, key=key, rows=height, cols=width)
    for name, grid in grids.items():
        if grid.rows:
            emu.set_values(key, f"{quote_title(name)}!A1", [list(r) for r in grid.rows])
    return key
