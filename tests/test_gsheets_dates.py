"""Dates typed into a month-first Google spreadsheet reach the core as the dates they are:
pure helpers, then the real backend (gspread's HTTP client) against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.adapters.gsheets.dates import dates_as_iso, has_slash_dates, iso_from_serial, month_first
from sheets_sync.adapters.gsheets.http import RetryingHTTPClient
from sheets_sync.adapters.gsheets.read import GSheetsListSource
from sheets_sync.emulator import SheetsEmulator

from ._gsheets_helpers import KEY, new_emulator, workbook

LIST = "List - Ana"


@pytest.mark.parametrize(
    ("locale", "expected"), [("en_US", True), ("en-US", True), ("en_PH", True), ("en_GB", False),
                             ("es_ES", False), ("et_EE", False), (None, False)],
)  # fmt: skip
def test_month_first_locales(locale: str | None, expected: bool) -> None:
    assert month_first(locale) is expected


@pytest.mark.parametrize(
    ("shown", "raw", "expected"),
    [
        ("5/4/2001", 36986, "2001-04-05"),  # the serial decides, not the order on screen
        ("5/4/2001", "5/4/2001", "5/4/2001"),  # typed as text: left to the core
        ("5/4/2001 13:30:00", 36986.5625, "2001-04-05 13:30:00"),
        ("12/31/99", 36525, "1999-12-31"),
        ("2001-04-05", 36986, "2001-04-05"),  # not a slash date: as shown
        ("5/4/2001", True, "5/4/2001"),
        ("1/2/3", 1e9, "1/2/3"),  # far out of range: as shown
        ("0.25", 0.25, "0.25"),
    ],
)
def test_dates_as_iso(shown: str, raw: object, expected: str) -> None:
    assert dates_as_iso([["x", shown]], [["x", raw]]) == (("x", expected),)


def test_dates_as_iso_keeps_cells_without_a_raw_value() -> None:
    assert dates_as_iso([["5/4/2001", "a"]], []) == (("5/4/2001", "a"),)
    assert has_slash_dates([["a", "5/4/2001"]]) and not has_slash_dates([["a/b", "2001"]])
    assert iso_from_serial(0, with_time=False) is None  # 1899: not a date anyone typed


def _typed_list(emu: SheetsEmulator, key: str, tab: str) -> None:
    emu.set_values(key, f"'{tab}'!A1", [["Name", "Birth date", "Note"]])
    emu.set_values(key, f"'{tab}'!A2", [["Ana", "5/4/2001"]], "USER_ENTERED")  # a person types a date
    emu.set_values(key, f"'{tab}'!A3", [["Bea", "5/4/2001", "12/1/2020"]])  # text pasted as is


@pytest.mark.parametrize(
    ("locale", "ana", "calls"), [("en_US", "2001-05-04", 3), ("es_ES", "5/4/2001", 2)]
)  # fmt: skip
def test_a_date_typed_in_a_month_first_spreadsheet_is_read_as_that_date(
    locale: str, ana: str, calls: int
) -> None:
    emu = new_emulator(LIST)
    emu.spreadsheet(KEY).properties["locale"] = locale
    _typed_list(emu, KEY, LIST)
    emu.reset_log()
    rows = workbook(emu).read().grids[LIST].rows
    assert rows[1] == ("Ana", ana)
    assert rows[2] == ("Bea", "5/4/2001", "12/1/2020")  # text stays text: the core reads it day first
    assert emu.call_count == calls  # metadata + values, and one more read only when needed


def test_a_month_first_spreadsheet_without_slash_dates_costs_no_extra_call() -> None:
    emu = new_emulator(LIST)
    emu.set_values(KEY, f"'{LIST}'!A1", [["Name", "Birth date"], ["Ana", "2001-05-04"]], "USER_ENTERED")
    emu.reset_log()
    workbook(emu).read()
    assert emu.spreadsheet(KEY).properties["locale"] == "en_US" and emu.call_count == 2


@pytest.mark.parametrize(("locale", "ana"), [("en_US", "2001-05-04"), ("en_GB", "5/4/2001")])
def test_a_teachers_own_spreadsheet_reads_typed_dates_in_one_call(
    tmp_path: Path, locale: str, ana: str
) -> None:
    emu = SheetsEmulator()
    emu.create_spreadsheet("Ana's alumni", sheets=["2019"], key="ana-sheet")
    emu.spreadsheet("ana-sheet").properties["locale"] = locale
    _typed_list(emu, "ana-sheet", "2019")
    calls: list[str] = []
    emu.on_call(lambda e, i, r: calls.append(r.method))
    source = GSheetsListSource("ana-sheet", lambda: (RetryingHTTPClient(None, emu.session()), emu.user_email))
    [grid] = source.read_grids()
    assert grid.rows[1] == ("Ana", ana) and grid.rows[2] == ("Bea", "5/4/2001", "12/1/2020")
    assert calls == ["GET"]
