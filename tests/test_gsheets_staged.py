"""A commit too big for one request: staged in hidden tabs and swapped in (adapters/gsheets/stage.py).

The request limit is lowered to a few kilobytes so that the small school of ``_gsheets_helpers``
takes the staged path: every call of it can then be killed or faulted in a test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from sheets_sync import schema as tabs
from sheets_sync.adapters.gsheets.stage import STAGING_PREFIX, body_bytes, stage
from sheets_sync.emulator import SheetsEmulator
from sheets_sync.errors import ConcurrentEditError

from ._gsheets_helpers import (
    DECISION_COL,
    KEY,
    OWNER_COL,
    cell_of,
    new_emulator,
    output_writes,
    type_into,
    values,
    workbook,
)

LIMIT = 16_000
FIRST = (list(range(1, 201)), [(2 * i, 2 * i + 1) for i in range(1, 100)])
SECOND = ([n for n in range(1, 301) if n % 7], [(2 * i, 2 * i + 1) for i in range(3, 150)])


class Killed(BaseException):
    """The process dies: nothing after this point runs (not even ``finally`` blocks' calls)."""


def _prepared() -> SheetsEmulator:
    emu = new_emulator()
    wb = workbook(emu)
    wb.commit(wb.read(), output_writes(*FIRST))
    type_into(emu, tabs.ALUMNI, "A0004", OWNER_COL, "Ana Staff")
    type_into(emu, tabs.REVIEW, "List - Ana!6", DECISION_COL, "Same")
    emu.reset_log()
    return emu


def _commit(emu: SheetsEmulator, limit: int = LIMIT, **kw: Any) -> None:
    wb = workbook(emu, **kw)
    wb.max_request_bytes = limit
    wb.commit(wb.read(), output_writes(*SECOND, run="r2"))


def _visible(emu: SheetsEmulator) -> dict[str, Any]:
    """What people see: the values of every tab but the staging ones."""
    return {t: values(emu, t) for t in emu.sheet_titles(KEY) if not t.startswith(STAGING_PREFIX)}


def _ids(emu: SheetsEmulator) -> dict[str, int]:
    return {s["properties"]["title"]: s["properties"]["sheetId"] for s in emu.metadata(KEY)["sheets"]}


def _staging(emu: SheetsEmulator) -> list[str]:
    return [t for t in emu.sheet_titles(KEY) if t.startswith(STAGING_PREFIX)]


def _posts(emu: SheetsEmulator) -> list[bytes]:
    return [body_bytes(r.body) for r in emu.requests if r.method == "POST"]


BEFORE = _visible(_prepared())
_done = _prepared()
_commit(_done, limit=10**9)
AFTER = _visible(_done)
_staged = _prepared()
_commit(_staged)
STAGED_CALLS = _staged.call_count


def test_a_big_commit_is_staged_in_requests_under_the_limit_and_equals_the_one_request_commit() -> None:
    emu = _prepared()
    ids = _ids(emu)
    _commit(emu)
    assert _visible(emu) == AFTER  # the same values as one batchUpdate
    assert _ids(emu) == ids  # the live tabs keep their sheet ids (links, filter views)
    assert _staging(emu) == []
    posts = _posts(emu)
    assert len(posts) >= 4  # staging requests, then the swap
    assert max(len(p) for p in posts) <= LIMIT
    swap = json.loads(posts[-1])["requests"]
    assert any("copyPaste" in r for r in swap) and any("deleteSheet" in r for r in swap)
    assert cell_of(emu, tabs.ALUMNI, "A0004", OWNER_COL) == "Ana Staff"
    assert cell_of(emu, tabs.REVIEW, "List - Ana!6", DECISION_COL) == "Same"


def test_a_small_commit_is_still_one_request() -> None:
    emu = _prepared()
    _commit(emu, limit=10**9)
    assert len(_posts(emu)) == 1
    assert emu.call_count == 4  # read (metadata, values), re-read of the staff columns, batchUpdate


@pytest.mark.parametrize("call", range(1, STAGED_CALLS + 1))
def test_a_kill_at_any_call_leaves_all_old_or_all_new_and_the_next_run_cleans_up(call: int) -> None:
    emu = _prepared()

    def kill(emu: SheetsEmulator, index: int, request: object) -> None:
        if index == call:
            raise Killed

    emu.on_call(kill)
    with pytest.raises(Killed):
        _commit(emu)
    emu._hooks.clear()
    seen = _visible(emu)
    assert seen in (BEFORE, AFTER)
    assert cell_of(emu, tabs.ALUMNI, "A0004", OWNER_COL) == "Ana Staff"
    _commit(emu)
    assert _visible(emu) == AFTER
    assert _staging(emu) == []


@pytest.mark.parametrize("kind", ["5xx", "timeout", "timeout_after", "drop", "429"])
@pytest.mark.parametrize("call", range(1, STAGED_CALLS + 1))
def test_a_fault_at_any_call_of_a_staged_commit_is_retried_to_the_same_outputs(call: int, kind: str) -> None:
    emu = _prepared()
    emu.fail_at(call, kind)
    _commit(emu)
    assert _visible(emu) == AFTER
    assert _staging(emu) == []


@pytest.mark.parametrize("call", range(2, STAGED_CALLS + 1))
def test_staff_cells_typed_while_staging_are_kept(call: int) -> None:
    emu = _prepared()

    def typist(emu: SheetsEmulator, index: int, request: object) -> None:
        if index == call:
            type_into(emu, tabs.ALUMNI, "A0010", OWNER_COL, "Bea Staff")
            type_into(emu, tabs.REVIEW, "List - Ana!8", DECISION_COL, "Different")

    emu.on_call(typist)
    _commit(emu)
    assert cell_of(emu, tabs.ALUMNI, "A0010", OWNER_COL) == "Bea Staff"
    assert cell_of(emu, tabs.REVIEW, "List - Ana!8", DECISION_COL) == "Different"
    assert cell_of(emu, tabs.ALUMNI, "A0004", OWNER_COL) == "Ana Staff"


def _sort_alumni_descending(emu: SheetsEmulator) -> None:
    rows = values(emu, tabs.ALUMNI)
    body = sorted(rows[1:], key=lambda r: r[0], reverse=True)
    width = max(len(r) for r in body)
    emu.set_values(KEY, f"'{tabs.ALUMNI}'!A2", [r + [""] * (width - len(r)) for r in body], "RAW")


def test_rows_sorted_while_staging_are_staged_again_and_owner_overrides_stay_with_their_alumnus() -> None:
    emu = _prepared()
    sorted_once = []

    def sorter(emu: SheetsEmulator, index: int, request: Any) -> None:
        if request.method == "POST" and not sorted_once:  # the first staging request
            sorted_once.append(index)
            _sort_alumni_descending(emu)

    emu.on_call(sorter)
    _commit(emu)
    assert sorted_once
    assert cell_of(emu, tabs.ALUMNI, "A0004", OWNER_COL) == "Ana Staff"
    ids = [r[0] for r in values(emu, tabs.ALUMNI)[1:]]
    assert sorted(ids) == sorted(f"A{n:04d}" for n in SECOND[0])
    for row in values(emu, tabs.ALUMNI)[1:]:
        assert row[1] == f"Person {int(row[0][1:])}"  # every row's cells belong to one alumnus
    assert _staging(emu) == []


def test_rows_rearranged_at_every_staging_give_up_writing_nothing() -> None:
    emu = _prepared()

    def sorter(emu: SheetsEmulator, index: int, request: Any) -> None:
        if request.method == "POST" and "copyPaste" not in json.dumps(request.body):  # while staging
            _rotate_alumni(emu)

    emu.on_call(sorter)
    with pytest.raises(ConcurrentEditError, match="nothing was written"):
        _commit(emu)
    assert not any("copyPaste" in json.dumps(r.body) for r in emu.requests)  # no swap was sent
    emu._hooks.clear()
    _commit(emu)
    assert _staging(emu) == []
    assert cell_of(emu, tabs.ALUMNI, "A0004", OWNER_COL) == "Ana Staff"


def _rotate_alumni(emu: SheetsEmulator) -> None:
    """A person moves the last row to the top (every time a new order)."""
    rows = values(emu, tabs.ALUMNI)
    body = [rows[-1], *rows[1:-1]]
    width = max(len(r) for r in body)
    emu.set_values(KEY, f"'{tabs.ALUMNI}'!A2", [r + [""] * (width - len(r)) for r in body], "RAW")


def test_stage_splits_a_row_too_big_for_one_request_into_cells() -> None:
    big = "é" * 40_000  # 80,000 bytes in UTF-8
    rows = [{"values": [{"userEnteredValue": {"stringValue": big}}] * 3}] * 4
    uc = {
        "updateCells": {
            "range": {
                "sheetId": 7,
                "startRowIndex": 0,
                "endRowIndex": 5,
                "startColumnIndex": 0,
                "endColumnIndex": 3,
            },
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "h"}}]}, *rows],
            "fields": "userEnteredValue",
        }
    }
    ids: dict[int, int] = {}
    st = stage([uc], ids, lambda: 99, limit=200_000)
    assert ids == {7: 99}
    assert all(len(body_bytes({"requests": b})) <= 200_000 for b in st.batches)
    written = [r["updateCells"] for b in st.batches for r in b if "updateCells" in r]
    cells = sum(len(row.get("values", [])) for u in written for row in u["rows"])
    assert cells == 12  # every cell of the four data rows, none twice
    assert st.swap[0]["updateCells"]["range"]["endRowIndex"] == 1  # the header, directly
    assert st.swap[1]["copyPaste"]["source"]["sheetId"] == 99
    assert st.swap[-1] == {"deleteSheet": {"sheetId": 99}}
