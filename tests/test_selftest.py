"""``run.py selftest``: the live check, run here against the emulator; on Google when credentials are given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sheets_sync import schema as tabs
from sheets_sync.cli import main
from sheets_sync.emulator import SheetsEmulator

LIVE_KEY = "SHEETS_SYNC_SELFTEST_SPREADSHEET"


def _run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(["selftest", "-q", *args])
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_selftest_on_the_emulator_passes_every_check_and_can_run_again(tmp_path: Path, capsys) -> None:
    state = str(tmp_path / "google.json")
    for _ in range(2):  # a second run on the same spreadsheet replaces its own sample lists
        code, out, err = _run("--spreadsheet", "throwaway", "--emulator", state, capsys=capsys)
        assert code == 0, out + err
        assert "selftest: all 12 checks passed" in out
        assert "FAILED" not in out
        assert "the staged swap kept every output tab's sheet id" in out
    titles = SheetsEmulator.load(state).sheet_titles("throwaway")
    assert sorted(t for t in titles if t.startswith("List - ")) == [
        "List - Selftest Ana",
        "List - Selftest Bea",
    ]


def test_selftest_says_what_failed(tmp_path: Path, capsys) -> None:
    from sheets_sync.adapters.gsheets import selftest
    from sheets_sync.adapters.gsheets.workbook import GSheetsWorkbook
    from sheets_sync.config import GoogleConfig, parse_config
    from sheets_sync.wiring import open_workbook

    state = tmp_path / "google.json"
    assert _run("--spreadsheet", "throwaway", "--emulator", str(state), capsys=capsys)[0] == 0
    emu = SheetsEmulator.load(state)
    emu.spreadsheet("throwaway").sheet_by_title(tabs.STATE).properties["hidden"] = False  # a person unhid it
    emu.save(state)
    config = parse_config({}, base=tmp_path)
    config = type(config)(
        **{**config.__dict__, "google": GoogleConfig(spreadsheet="throwaway", emulator=state)}
    )
    wb = open_workbook(config)
    assert isinstance(wb, GSheetsWorkbook)
    checks = selftest.verify(wb, templates=[], charts=2, owner_of="A-00001", ids_before={})
    assert [c.what for c in checks if not c.ok] == ["the state tab is hidden"]


def test_selftest_refuses_a_spreadsheet_that_holds_a_schools_lists(tmp_path: Path, capsys) -> None:
    state = tmp_path / "google.json"
    emu = SheetsEmulator()
    emu.create_spreadsheet("Real school", sheets=["List - Ana"], key="school")
    emu.set_values("school", "'List - Ana'!A1", [["Name"], ["Marta"]])
    emu.save(state)
    code, out, err = _run("--spreadsheet", "school", "--emulator", str(state), capsys=capsys)
    assert code == 2
    assert "only runs on a throwaway spreadsheet" in err and "'List - Ana'" in err
    assert "https://sheets.new" in err
    assert SheetsEmulator.load(state).sheet_titles("school") == ["List - Ana"]  # nothing written


def test_selftest_needs_a_google_spreadsheet(tmp_path: Path, capsys) -> None:
    code, _, err = _run("--workbook", str(tmp_path / "x.xlsx"), capsys=capsys)
    assert code == 2 and "selftest checks the Google backend" in err


@pytest.mark.skipif(
    not (os.environ.get(LIVE_KEY) and os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")),
    reason=f"no Google account here: set {LIVE_KEY}=KEY (an empty spreadsheet shared with the service account "
    "as Editor) and GOOGLE_APPLICATION_CREDENTIALS=/path/to/key.json to run the live check on Google",
)
def test_selftest_on_real_google(capsys) -> None:
    code, out, err = _run("--spreadsheet", os.environ[LIVE_KEY], capsys=capsys)
    assert code == 0, out + err
    assert "FAILED" not in out
