"""Real gspread (its real HTTP code path) against the in-memory Sheets emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession

from sheets_sync.emulator import FakeClock, SheetsEmulator


@pytest.fixture()
def emu() -> SheetsEmulator:
    return SheetsEmulator(clock=FakeClock())


@pytest.fixture()
def key(emu: SheetsEmulator) -> str:
    return emu.create_spreadsheet("Alumni", sheets=["Sheet1", "Review"])


@pytest.fixture()
def sh(emu: SheetsEmulator, key: str) -> gspread.Spreadsheet:
    return emu.client().open_by_key(key)


def test_open_by_key_reads_metadata_like_google(sh: gspread.Spreadsheet, key: str) -> None:
    assert sh.title == "Alumni"
    assert [w.title for w in sh.worksheets()] == ["Sheet1", "Review"]
    assert (sh.sheet1.row_count, sh.sheet1.col_count, sh.sheet1.id) == (1000, 26, 0)
    meta = sh.fetch_sheet_metadata()
    assert meta["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{key}/edit"
    assert meta["properties"]["locale"] == "en_US"


def test_plain_session_with_auth_none_and_authorized_session_both_work(emu: SheetsEmulator, key: str) -> None:
    session = requests.Session()
    emu.mount(session)
    assert gspread.Client(auth=None, session=session).open_by_key(key).title == "Alumni"  # type: ignore[arg-type]
    authorized = AuthorizedSession(AnonymousCredentials())
    emu.mount(authorized)
    assert gspread.Client(auth=None, session=authorized).open_by_key(key).title == "Alumni"  # type: ignore[arg-type]


def test_unknown_spreadsheet_is_not_found_and_unshared_is_forbidden(emu: SheetsEmulator, key: str) -> None:
    gc = emu.client()
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key("1" + "x" * 43)
    emu.revoke_access(key)
    with pytest.raises(PermissionError):
        gc.open_by_key(key)


def test_worksheet_add_rename_resize_freeze_delete(
    sh: gspread.Spreadsheet, emu: SheetsEmulator, key: str
) -> None:
    ws = sh.add_worksheet("Owners", rows=5, cols=3)
    ws.update_title("Owner's list")
    ws.resize(rows=8)
    ws.freeze(rows=1)
    props = emu.spreadsheet(key).sheet_by_title("Owner's list").properties  # type: ignore[union-attr]
    assert props["gridProperties"] == {"rowCount": 8, "columnCount": 3, "frozenRowCount": 1}
    ws.update([["a", "b"]], "A1")
    assert emu.get_values(key, "'Owner''s list'!A1:B1") == [["a", "b"]]
    sh.del_worksheet(ws)
    assert emu.sheet_titles(key) == ["Sheet1", "Review"]


@pytest.mark.parametrize(
    ("typed", "option", "formatted", "unformatted"),
    [
        ("=1+1", "RAW", "=1+1", "=1+1"),
        ("=1+1", "USER_ENTERED", "2", 2),
        ("=4/2*3", "USER_ENTERED", "6", 6),
        ("+34 612 345 678", "RAW", "+34 612 345 678", "+34 612 345 678"),
        ("+34 612 345 678", "USER_ENTERED", "+34 612 345 678", "+34 612 345 678"),
        ("0042", "RAW", "0042", "0042"),
        ("0042", "USER_ENTERED", "42", 42),
        ("2020-01-01", "USER_ENTERED", "2020-01-01", 43831),
        ("2,000,000.01", "USER_ENTERED", "2,000,000.01", 2000000.01),
        ("TRUE", "USER_ENTERED", "TRUE", True),
        ("'007", "USER_ENTERED", "007", "007"),
        (1.5, "RAW", "1.5", 1.5),
    ],
)
def test_raw_vs_user_entered(
    sh: gspread.Spreadsheet, typed: Any, option: str, formatted: str, unformatted: Any
) -> None:
    ws = sh.sheet1
    ws.update([[typed]], "B2", value_input_option=option)
    assert ws.get("B2") == [[formatted]]
    assert ws.get("B2", value_render_option="UNFORMATTED_VALUE") == [[unformatted]]


def test_reads_trim_trailing_empties_and_echo_the_range(sh: gspread.Spreadsheet) -> None:
    ws = sh.sheet1
    ws.update([["A1", "", "C1", ""], ["", "", "", ""], ["", "b3"]], "A1")
    raw = sh.values_get("Sheet1")
    assert raw["range"] == "Sheet1!A1:Z1000"
    assert raw["values"] == [["A1", "", "C1"], [], ["", "b3"]]
    assert "values" not in sh.values_get("Sheet1!D5:E6")
    cols = sh.values_get("Sheet1!A:C", params={"majorDimension": "COLUMNS"})
    assert cols["values"] == [["A1"], ["", "", "b3"], ["C1"]]


def test_update_beyond_grid_is_400_and_append_grows_the_grid(
    sh: gspread.Spreadsheet, emu: SheetsEmulator, key: str
) -> None:
    ws = sh.add_worksheet("Small", rows=2, cols=2)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["x"]], "C3")
    assert err.value.code == 400
    assert err.value.error["message"] == "Range (Small!C3) exceeds grid limits. Max rows: 2, max columns: 2"
    ws.append_rows([["1", "2", "3"], ["4"], ["5"]])
    grid = emu.spreadsheet(key).sheet_by_title("Small").properties["gridProperties"]  # type: ignore[union-attr]
    assert (grid["rowCount"], grid["columnCount"]) == (3, 3)
    assert emu.get_values(key, "Small") == [["1", "2", "3"], ["4"], ["5"]]


def test_values_batch_get_batch_update_and_clear(
    sh: gspread.Spreadsheet, emu: SheetsEmulator, key: str
) -> None:
    sh.values_batch_update(
        {
            "valueInputOption": "RAW",
            "data": [{"range": "Sheet1!A1", "values": [["x"]]}, {"range": "Review!B2", "values": [["y"]]}],
        }
    )
    got = sh.values_batch_get(["Sheet1!A1:B2", "Review!A1:B2"])
    assert [v.get("values") for v in got["valueRanges"]] == [[["x"]], [[], ["", "y"]]]
    sh.values_batch_clear(body={"ranges": ["Review!A1:B2"]})
    assert emu.get_values(key, "Review") == []


def test_batch_update_is_atomic_when_a_middle_request_fails(
    sh: gspread.Spreadsheet, emu: SheetsEmulator, key: str
) -> None:
    emu.set_values(key, "Sheet1!A1", [["keep me"]])
    before = emu.to_json()["spreadsheets"]
    body = {
        "requests": [
            {"addSheet": {"properties": {"title": "Out"}}},
            {
                "updateCells": {
                    "start": {"sheetId": 0},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": "gone"}}]}],
                    "fields": "userEnteredValue",
                }
            },
            {"deleteSheet": {"sheetId": 424242}},
            {"addSheet": {"properties": {"title": "Never"}}},
        ]
    }
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.batch_update(body)
    assert err.value.error == {
        "code": 400,
        "message": "Invalid requests[2].deleteSheet: No grid with id: 424242",
        "status": "INVALID_ARGUMENT",
    }
    assert emu.to_json()["spreadsheets"] == before
    assert emu.get_values(key, "Sheet1!A1") == [["keep me"]]


def test_batch_update_replies_and_stored_features(
    sh: gspread.Spreadsheet, emu: SheetsEmulator, key: str
) -> None:
    review = sh.worksheet("Review").id
    body = {
        "requests": [
            {
                "updateCells": {
                    "range": {
                        "sheetId": review,
                        "startRowIndex": 0,
                        "endRowIndex": 1,
                        "startColumnIndex": 0,
                        "endColumnIndex": 2,
                    },
                    "rows": [
                        {
                            "values": [
                                {
                                    "userEnteredValue": {"stringValue": "Decision"},
                                    "note": "Type Same or Different",
                                    "dataValidation": {
                                        "condition": {
                                            "type": "ONE_OF_LIST",
                                            "values": [{"userEnteredValue": "Same"}],
                                        },
                                        "strict": True,
                                    },
                                },
                                {
                                    "userEnteredValue": {"numberValue": 3},
                                    "userEnteredFormat": {"textFormat": {"bold": True}},
                                },
                            ]
                        }
                    ],
                    "fields": "userEnteredValue,userEnteredFormat,note,dataValidation",
                }
            },
            {
                "addProtectedRange": {
                    "protectedRange": {
                        "range": {"sheetId": 0},
                        "description": "generated",
                        "warningOnly": True,
                    }
                }
            },
            {
                "createDeveloperMetadata": {
                    "developerMetadata": {
                        "metadataKey": "sheets_sync.lock",
                        "metadataValue": "run-1",
                        "location": {"spreadsheet": True},
                        "visibility": "DOCUMENT",
                    }
                }
            },
            {
                "addNamedRange": {
                    "namedRange": {
                        "name": "Decisions",
                        "range": {"sheetId": review, "startColumnIndex": 0, "endColumnIndex": 1},
                    }
                }
            },
        ]
    }
    replies = sh.batch_update(body)["replies"]
    assert replies[0] == {}
    assert replies[1]["addProtectedRange"]["protectedRange"]["warningOnly"] is True
    assert replies[2]["createDeveloperMetadata"]["developerMetadata"]["metadataValue"] == "run-1"
    assert replies[3]["addNamedRange"]["namedRange"]["name"] == "Decisions"
    meta = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Review!A1:B1"})
    cells = meta["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert cells[0]["note"] == "Type Same or Different"
    assert cells[0]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert cells[1]["formattedValue"] == "3" and cells[1]["userEnteredFormat"]["textFormat"]["bold"] is True
    assert meta["developerMetadata"][0]["metadataKey"] == "sheets_sync.lock"
    assert sh.values_get("Decisions")["values"] == [["Decision"]]
    deleted = sh.batch_update(
        {
            "requests": [
                {
                    "deleteDeveloperMetadata": {
                        "dataFilter": {"developerMetadataLookup": {"metadataKey": "sheets_sync.lock"}}
                    }
                }
            ]
        }
    )
    assert len(deleted["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]) == 1


def test_insert_and_delete_rows_shift_values(sh: gspread.Spreadsheet, emu: SheetsEmulator, key: str) -> None:
    ws = sh.sheet1
    ws.update([["1"], ["2"], ["3"]], "A1")
    ws.insert_row(["new"], index=2)
    ws.delete_rows(1)
    assert emu.get_values(key, "Sheet1!A1:A4") == [["new"], ["2"], ["3"]]


def test_quota_answers_googles_429_body_until_the_minute_passes(emu: SheetsEmulator, key: str) -> None:
    clock = emu.clock
    assert isinstance(clock, FakeClock)
    ws = emu.client().open_by_key(key).sheet1
    emu.set_quota(per_minute=3)
    for _ in range(3):
        ws.get("A1")
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.get("A1")
    error = err.value.error
    assert (err.value.code, error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert error["message"].startswith(
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
        "of service 'sheets.googleapis.com'"
    )
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    ws.update([["writes have their own budget"]], "A1")
    clock.advance(61)
    assert ws.get("A1") == [["writes have their own budget"]]


@pytest.mark.parametrize(
    ("kind", "raised", "applied"),
    [
        ("5xx", gspread.exceptions.APIError, False),
        ("500", gspread.exceptions.APIError, False),
        ("429", gspread.exceptions.APIError, False),
        ("timeout", requests.Timeout, False),
        ("timeout_after", requests.Timeout, True),
        ("drop", requests.ConnectionError, False),
    ],
)
def test_fault_injection_on_the_nth_call(
    emu: SheetsEmulator, key: str, kind: str, raised: type[Exception], applied: bool
) -> None:
    ws = emu.client().open_by_key(key).sheet1
    emu.reset_log()
    emu.fail_at(2, kind)
    ws.get("A1")
    with pytest.raises(raised):
        ws.update([["x"]], "A1")
    assert emu.get_values(key, "Sheet1!A1") == ([["x"]] if applied else [])
    ws.update([["y"]], "A1")  # only the Nth call fails
    assert emu.get_values(key, "Sheet1!A1") == [["y"]]
    assert emu.call_count == 3


def test_typing_hook_runs_between_two_calls(emu: SheetsEmulator, key: str) -> None:
    sh = emu.client().open_by_key(key)
    emu.reset_log()

    def teacher_types(e: SheetsEmulator, index: int, request: Any) -> None:
        if index == 2:
            e.set_values(key, "Review!S2", [["Same"]], "USER_ENTERED")

    emu.on_call(teacher_types)
    review = sh.worksheet("Review")  # call 1: metadata
    assert review.get("S2") == [["Same"]]  # call 2 sees what was typed just before it
    assert emu.call_count == 2


def test_request_log_records_method_path_query_body(emu: SheetsEmulator, key: str) -> None:
    ws = emu.client().open_by_key(key).sheet1
    emu.reset_log()
    ws.update([["v"]], "A1", value_input_option="RAW")
    method, path, query, body = emu.requests[0]
    assert (method, path) == ("PUT", f"/v4/spreadsheets/{key}/values/%27Sheet1%27%21A1")
    assert query == {"valueInputOption": ["RAW"]}
    assert body["values"] == [["v"]]


def test_save_and_load_round_trip(emu: SheetsEmulator, key: str, tmp_path: Path) -> None:
    sh = emu.client().open_by_key(key)
    sh.sheet1.update([["a", "=1+2"], [3]], "A1", value_input_option="USER_ENTERED")
    sh.sheet1.format("A1", {"textFormat": {"bold": True}})
    sh.sheet1.insert_note("A1", "hello")
    sh.worksheet("Review").add_protected_range("A1:B2", warning_only=True)
    path = tmp_path / "state.json"
    emu.save(path)
    loaded = SheetsEmulator.load(path)
    assert loaded.to_json() == emu.to_json()
    again = loaded.client().open_by_key(key)
    assert again.sheet1.get_all_values() == [["a", "3"], ["3", ""]]
    assert again.sheet1.get_note("A1") == "hello"
