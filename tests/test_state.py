"""The state tab: long values split over rows under every cell limit, joined back on read."""

from __future__ import annotations

import json

from sheets_sync import schema as tabs
from sheets_sync.core.model import Grid
from sheets_sync.core.state import PART, State
from sheets_sync.workbook import TabWrite

from ._gsheets_helpers import new_emulator, values, workbook


def _pending(n: int) -> dict[str, object]:
    """A teacher's queue of mails, as big as a 7,000-alumni school makes it."""
    return {
        f"mail-{i}": {"to": f"t{i}@school.example", "body": f"Línea {i}: Ana Tamm 🎓, Jüri  Õun   {i * 7}"}
        for i in range(n)
    }


def _grid(rows: list[list[str]]) -> Grid:
    return Grid.from_rows(tabs.STATE, [list(tabs.STATE_HEADERS), *rows])


def test_a_long_value_is_split_into_rows_under_the_limits_and_joined_back() -> None:
    state = State()
    state.set("pending", "Ana", _pending(3000), when="2026-12-04")
    state.set("counter", "alumni", 7000, when="2026-12-01")
    rows = state.to_rows()
    text = state.entries["pending"]["Ana"]
    assert len(text) > 5 * PART
    assert len(rows) > 6
    for row in rows:
        assert len(row[2].encode("utf-16-le")) // 2 <= 32_767  # Excel's limit, under Google's 50,000
        assert row[2] == row[2].strip()  # a reader that trims cells loses nothing
    back = State.from_grid(_grid(rows))
    assert back.get("pending", "Ana") == _pending(3000)
    assert back.get("counter", "alumni") == 7000
    assert back.updated[("pending", "Ana")] == "2026-12-04"
    assert back.to_rows() == rows


def test_state_written_before_the_split_still_reads() -> None:
    old = [["counter", "alumni", "12", "2026-01-01"], ["member", "fp1", json.dumps("A0001"), "2026-01-01"]]
    state = State.from_grid(_grid(old))
    assert state.get("counter", "alumni") == 12
    assert state.get("member", "fp1") == "A0001"
    assert state.to_rows() == old


def test_a_split_state_goes_through_google_and_back() -> None:
    state = State()
    state.set("pending", "Ana", _pending(2000), when="2026-12-04")
    state.set("pending", "Bea", _pending(10), when="2026-12-04")
    emu = new_emulator()
    wb = workbook(emu)
    wb.commit(wb.read(), [TabWrite(tabs.STATE, tabs.STATE_HEADERS, state.to_rows(), hidden=True)])
    assert max(len(str(c)) for row in values(emu, tabs.STATE) for c in row) <= PART
    back = State.from_grid(workbook(emu).read().grids[tabs.STATE])
    assert back.get("pending", "Ana") == _pending(2000)
    assert back.get("pending", "Bea") == _pending(10)
