"""Faults at every API call of a sync on Google Sheets (emulator): retried, or a clean BackendError.

A sync here is what ``commands.run_once`` does to the spreadsheet: take the lock (3 calls), read
(2), commit (2), release (1). After any fault, the outputs either equal a fault-free run's, or
are exactly as before the run; a person's edit typed during the run is never lost; a clean
rerun gives the fault-free outputs.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from sheets_sync import schema as tabs
from sheets_sync.emulator import SheetsEmulator
from sheets_sync.errors import BackendError, SourceError

from ._gsheets_helpers import (
    DECISION_COL,
    LONG_AGO,
    OWNER_COL,
    all_values,
    cell_of,
    key_col,
    new_emulator,
    output_writes,
    type_into,
    workbook,
)

CALLS = range(1, 9)
KINDS = ["429", "5xx", "500", "timeout", "timeout_after", "drop"]
FIRST = ([1, 2, 3, 4], [(2, 3), (4, 5), (6, 7)])
SECOND = ([1, 3, 4, 5], [(2, 3), (6, 7), (8, 9)])


def _prepared() -> SheetsEmulator:
    emu = new_emulator()
    wb = workbook(emu)
    wb.commit(wb.read(), output_writes(*FIRST))
    type_into(emu, tabs.ALUMNI, "A0004", OWNER_COL, "Ana Staff")  # typed before the run
    emu.reset_log()
    return emu


def _sync(emu: SheetsEmulator, *, max_retries: int = 3, sleeps: list[float] | None = None) -> None:
    wb = workbook(emu, max_retries=max_retries, sleeps=sleeps)
    with wb.lock("test", stale_after=LONG_AGO):
        wb.commit(wb.read(), output_writes(*SECOND, run="r2"))


def _expected() -> dict[str, list[list[object]]]:
    emu = _prepared()
    _sync(emu)
    return all_values(emu)


EXPECTED = _expected()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("call", CALLS)
def test_one_fault_at_any_call_is_retried_and_the_outputs_are_right(call: int, kind: str, caplog) -> None:
    emu = _prepared()
    emu.fail_at(call, kind)
    sleeps: list[float] = []
    caplog.set_level(logging.WARNING)
    _sync(emu, sleeps=sleeps)
    assert all_values(emu) == EXPECTED
    assert sleeps == [0.5]  # one retry, full jitter of the 1 s base
    assert "retry 1/3" in caplog.text
    assert emu.spreadsheet("school-key").developer_metadata == []  # the lock was released


@pytest.mark.parametrize("kind", ["429", "5xx", "timeout", "drop"])
@pytest.mark.parametrize("call", CALLS)
def test_a_storm_beyond_the_budget_is_a_clean_error_and_a_rerun_repairs(call: int, kind: str) -> None:
    emu = _prepared()
    before = all_values(emu)
    for n in range(call, call + 3):  # max_retries=2: three failures in a row exhaust the budget
        emu.fail_at(n, kind)
    fix = (
        "wait a minute" if kind == "429" else "Google unreachable" if kind in ("timeout", "drop") else "later"
    )
    try:
        _sync(emu, max_retries=2)
    except (BackendError, SourceError) as err:  # SourceError (exit 3): no answer from Google at all
        assert fix in str(err)
        assert all_values(emu) == before  # batchUpdate is atomic: nothing half-written
    else:  # a write's failures are spread over re-reads (each with its own budget), or the
        assert all_values(emu) == EXPECTED  # release failed (logged): the run itself succeeded
    _sync(emu)  # a clean rerun (a lock left behind is stale for it)
    assert all_values(emu) == EXPECTED


@pytest.mark.parametrize("kind", ["timeout_after", "5xx", "drop"])
@pytest.mark.parametrize("call", CALLS)
def test_a_person_typing_during_a_faulty_sync_keeps_the_edit(call: int, kind: str) -> None:
    emu = _prepared()
    emu.fail_at(call, kind)

    def typist(emu: SheetsEmulator, index: int, request: object) -> None:
        if index == call:
            type_into(emu, tabs.REVIEW, "List - Ana!6", DECISION_COL, "Same")
            type_into(emu, tabs.ALUMNI, "A0003", OWNER_COL, "Bea Staff")

    emu.on_call(typist)
    _sync(emu)
    assert cell_of(emu, tabs.REVIEW, "List - Ana!6", DECISION_COL) == "Same"
    assert cell_of(emu, tabs.ALUMNI, "A0003", OWNER_COL) == "Bea Staff"
    assert cell_of(emu, tabs.ALUMNI, "A0004", OWNER_COL) == "Ana Staff"
    expected = {t: [list(r) for r in rows] for t, rows in EXPECTED.items()}
    got = all_values(emu)
    for title in (tabs.ALUMNI, tabs.REVIEW):  # apart from the two typed cells, the fault-free result
        for row in got[title]:
            if row[key_col(title)] in ("A0003", "List - Ana!6"):
                row[OWNER_COL if title == tabs.ALUMNI else DECISION_COL] = ""
        for row in expected[title]:
            while row and row[-1] == "":
                row.pop()
        for row in got[title]:
            while row and row[-1] == "":
                row.pop()
    assert got == expected


def test_an_applied_write_whose_answer_was_lost_is_not_applied_twice() -> None:
    emu = _prepared()
    emu.fail_at(7, "timeout_after")  # the commit's batchUpdate: applied, then the answer is lost
    _sync(emu)
    commits = [
        r.body["requests"] for r in emu.requests if r.method == "POST" and "updateCells" in str(r.body)
    ]
    assert len(commits) == 2  # re-read after the lost answer, then planned again on the new state
    assert any("deleteDimension" in r for r in commits[0])
    assert not any("deleteDimension" in r for r in commits[1])  # rows already gone are not deleted again
    assert all_values(emu) == EXPECTED


def test_the_lock_write_whose_answer_was_lost_is_not_repeated() -> None:
    emu = _prepared()
    emu.fail_at(2, "timeout_after")
    wb = workbook(emu)
    with wb.lock("test", stale_after=dt.timedelta(hours=1)):
        assert len(emu.spreadsheet("school-key").developer_metadata) == 1
    posts = [r for r in emu.requests if r.method == "POST"]
    assert len(posts) == 2  # the lost add (applied once) and the release
