"""The Google Sheets backend: real gspread HTTP code against the emulator (never a mocked gspread)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
from pathlib import Path

import pytest
import requests

from sheets_sync import schema as tabs
from sheets_sync.adapters.gsheets.auth import READONLY_SCOPE, SCOPE, authorized_session, spreadsheet_key
from sheets_sync.adapters.gsheets.http import RetryingHTTPClient
from sheets_sync.adapters.gsheets.lock import LOCK_KEY
from sheets_sync.adapters.gsheets.workbook import GSheetsListSource, open_spreadsheet
from sheets_sync.adapters.gsheets.write import PROTECT_TAG
from sheets_sync.app.sync import run_sync
from sheets_sync.config import Config, GoogleConfig, ListConfig, parse_config
from sheets_sync.core.provision.plan import plan_all
from sheets_sync.emulator import SheetsEmulator
from sheets_sync.errors import BackendError, ConcurrentEditError, ConfigError, LockHeldError, SourceError
from sheets_sync.workbook import ChartSpec, TabWrite

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

PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1", "=1+1", "#N/A", "\tx"]


# ---------------------------------------------------------------- reading and writing as text


def test_commit_writes_values_raw_and_reads_back_as_text() -> None:
    emu = new_emulator()
    wb = workbook(emu)
    rows = [["List - Ana", 3, "Notes", p, "problem", "fix", "Ana"] for p in PAYLOADS]
    rows.append(
        [
            "List - Ana",
            4,
            "Phone",
            "+34 612 345 678",
            dt.date(2024, 3, 1),
            dt.datetime(2024, 3, 1, 9, 5),
            True,
        ]
    )
    rows.append(["List - Ana", 5, "Year", "007", 2019.0, 0.25, None])
    wb.commit(wb.read(), [TabWrite(tabs.DATA_ISSUES, tabs.DATA_ISSUES_HEADERS, rows)])
    back = wb.read().grids[tabs.DATA_ISSUES].rows
    assert back[0] == tabs.DATA_ISSUES_HEADERS
    assert [r[3] for r in back[1 : len(PAYLOADS) + 1]] == PAYLOADS
    assert back[-2] == (
        "List - Ana",
        "4",
        "Phone",
        "+34 612 345 678",
        "2024-03-01",
        "2024-03-01 09:05",
        "TRUE",
    )
    assert back[-1] == ("List - Ana", "5", "Year", "007", "2019", "0.25")
    assert emu.formulas(KEY, tabs.DATA_ISSUES) == []
    stored = emu.spreadsheet(KEY).sheet_by_title(tabs.DATA_ISSUES).cells
    assert stored[(1, 3)]["userEnteredValue"] == {"stringValue": PAYLOADS[0]}
    assert stored[(1, 1)]["userEnteredValue"] == {"numberValue": 3}


def test_read_gives_every_tab_as_a_person_sees_it() -> None:
    emu = new_emulator("List - Ana", "Notes")
    emu.set_values(KEY, "'List - Ana'!A1", [["Alumni of Ana"], [], ["Student id", "Born", "Year", "Phone"]])
    emu.set_values(
        KEY, "'List - Ana'!A4", [["'007", "2001-05-04", "2019", "0612 345 678", "", ""]], "USER_ENTERED"
    )
    emu.spreadsheet(KEY).sheet_by_title("Notes").properties["hidden"] = True
    snap = workbook(emu).read()
    assert list(snap.grids) == ["List - Ana", "Notes"] and snap.hidden == {"Notes"}
    assert snap.grids["List - Ana"].rows == (
        ("Alumni of Ana",),
        (),
        ("Student id", "Born", "Year", "Phone"),
        ("007", "2001-05-04", "2019", "0612 345 678"),
    )
    assert snap.grids["Notes"].rows == ()
    assert len(snap.version) == 64


def test_read_costs_two_calls_with_a_fields_mask_and_formatted_values() -> None:
    emu = new_emulator("List - Ana", "List - Bea", "Staff")
    workbook(emu).read()
    get, batch = emu.requests
    assert get.method == "GET" and "fields" in get.query and "includeGridData" not in get.query
    assert batch.path.endswith("/values:batchGet") and len(batch.query["ranges"]) == 3
    assert batch.query["valueRenderOption"] == ["FORMATTED_VALUE"]
    assert batch.query["dateTimeRenderOption"] == ["FORMATTED_STRING"]


# ---------------------------------------------------------------- API budget


def _config() -> Config:
    return parse_config({"school": {"name": "T", "timezone": "Europe/Madrid"}}, base=Path("."))


@pytest.mark.parametrize("lists", [1, 10, 50])
def test_api_calls_per_sync_do_not_depend_on_the_number_of_tabs(lists: int) -> None:
    titles = [f"List - Teacher {i}" for i in range(lists)]
    emu = new_emulator(*titles)
    for i, title in enumerate(titles):
        rows = [["Name", "Email", "Graduation year"]] + [
            [f"Ana {i} {j}", f"a{i}x{j}@example.com", "2019"] for j in range(3)
        ]
        emu.set_values(KEY, f"'{title}'!A1", rows)
    wb = workbook(emu)
    wb.provision(plan_all(wb.read().grids))
    calls = []
    for _ in range(2):  # the first sync creates the output tabs, the second rewrites them
        emu.reset_log()
        with wb.lock("test", stale_after=dt.timedelta(hours=1)):
            report, _ = run_sync(_config(), wb)
        calls.append(emu.call_count)
        assert report.api_calls == emu.call_count - 4  # the lock is taken outside run_sync
    # lock 3 + read 2 + commit 2 (1 when no output tab exists yet: nothing to re-read) + unlock 1
    assert calls == [7, 8]
    kinds = [(r.method, r.path.rsplit("/", 1)[-1]) for r in emu.requests]
    assert kinds.count(("POST", f"{KEY}:batchUpdate")) == 3
    assert len(values(emu, tabs.ALUMNI)) == lists * 3 + 1


# ---------------------------------------------------------------- staff cells survive


@pytest.mark.parametrize("position", range(1, 9))
def test_a_person_typing_at_any_call_of_a_sync_keeps_the_edit(position: int) -> None:
    emu = new_emulator()
    wb = workbook(emu)
    wb.commit(wb.read(), output_writes([1, 2, 3, 4], [(2, 3), (4, 5), (6, 7)]))

    def typist(emu: SheetsEmulator, index: int, request: object) -> None:
        if index == position:
            type_into(emu, tabs.ALUMNI, "A0003", OWNER_COL, "Bea Staff")
            type_into(emu, tabs.REVIEW, "List - Ana!6", DECISION_COL, "Different")

    emu.reset_log()
    emu.on_call(typist)
    with wb.lock("test", stale_after=dt.timedelta(hours=1)):
        snapshot = wb.read()
        # the pipeline drops A0002 and pair (4,5) and adds A0005, (8,9); staff values as read (empty)
        wb.commit(snapshot, output_writes([1, 3, 4, 5], [(2, 3), (6, 7), (8, 9)], run="r2"))
    assert emu.call_count == 8
    assert cell_of(emu, tabs.ALUMNI, "A0003", OWNER_COL) == "Bea Staff"
    assert cell_of(emu, tabs.REVIEW, "List - Ana!6", DECISION_COL) == "Different"
    assert [r[0] for r in values(emu, tabs.ALUMNI)[1:]] == ["A0001", "A0003", "A0004", "A0005"]
    src = tabs.REVIEW_HEADERS.index("Source A")
    assert [r[src] for r in values(emu, tabs.REVIEW)[1:]] == ["List - Ana!2", "List - Ana!6", "List - Ana!8"]
    assert cell_of(emu, tabs.ALUMNI, "A0005", 1) == "Person 5"


def test_rows_are_matched_by_key_in_the_fresh_tab_even_if_a_person_sorted_it() -> None:
    emu = new_emulator()
    wb = workbook(emu)
    wb.commit(wb.read(), output_writes([1, 2, 3], []))
    snapshot = wb.read()
    emu.set_values(KEY, "Alumni!A2:L2", [["A0003"] + [""] * 10 + ["Cai"]])  # sorted by hand: A0003 first
    emu.set_values(KEY, "Alumni!A4:L4", [["A0001"] + [""] * 10 + [""]])
    wb.commit(snapshot, output_writes([1, 2, 3], []))
    assert [r[0] for r in values(emu, tabs.ALUMNI)[1:]] == ["A0003", "A0002", "A0001"]
    assert cell_of(emu, tabs.ALUMNI, "A0003", OWNER_COL) == "Cai"
    assert cell_of(emu, tabs.ALUMNI, "A0003", 1) == "Person 3"  # the rest of the row rewritten


def test_a_changed_header_means_a_full_rewrite_with_the_pipelines_values() -> None:
    emu = new_emulator()
    wb = workbook(emu)
    wb.commit(wb.read(), output_writes([1, 2], []))
    emu.set_values(KEY, "Alumni!L1", [["Something else"]])
    writes = output_writes([1, 2], [])
    writes[0].rows[0][OWNER_COL] = "Dee"  # type: ignore[index]
    wb.commit(wb.read(), writes)
    assert values(emu, tabs.ALUMNI)[0] == list(tabs.ALUMNI_HEADERS[: len(values(emu, tabs.ALUMNI)[0])])
    assert cell_of(emu, tabs.ALUMNI, "A0001", OWNER_COL) == "Dee"


def test_commit_formats_output_tabs_without_piling_up_protections_or_charts() -> None:
    emu = new_emulator()
    wb = workbook(emu)
    rollup = TabWrite(
        tabs.ROLLUP,
        (),
        [["Alumni base"], ["Year", "Count"], ["2019", 3], ["2020", 5], []],
        header_row=False,
        freeze_header=False,
        bold_rows=(0,),
        charts=(ChartSpec("Base", "column", 1, 2, 3, 0, (1,), "E2"),),
    )
    writes = [*output_writes([1, 2], [(2, 3)]), rollup]
    writes[1] = TabWrite(**{**writes[1].__dict__, "column_widths": {"Reasons": 50}})
    for _ in range(2):
        wb.commit(wb.read(), writes)
    ss = emu.spreadsheet(KEY)
    review = ss.sheet_by_title(tabs.REVIEW)
    [prot] = review.protected_ranges
    assert prot["description"] == PROTECT_TAG and prot["warningOnly"] is True
    assert [u["startColumnIndex"] for u in prot["unprotectedRanges"]] == [DECISION_COL]
    assert review.properties["gridProperties"]["frozenRowCount"] == 1
    assert review.col_meta[tabs.REVIEW_HEADERS.index("Reasons")]["pixelSize"] == 360
    rule = review.cells[(1, DECISION_COL)]["dataValidation"]
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == ["Same", "Different"]
    assert review.cells[(0, 0)]["userEnteredFormat"]["textFormat"]["bold"] is True
    assert ss.sheet_by_title(tabs.ALUMNI).cells[(0, OWNER_COL)]["note"] == "Type a staff name"
    assert ss.sheet_by_title(tabs.STATE).properties.get("hidden") is True
    roll = ss.sheet_by_title(tabs.ROLLUP)
    assert len(roll.charts) == 1 and roll.charts[0]["spec"]["basicChart"]["chartType"] == "COLUMN"
    assert roll.cells[(0, 0)]["userEnteredFormat"]["textFormat"]["bold"] is True
    assert "userEnteredFormat" not in roll.cells[(1, 0)]
    assert not roll.protected_ranges[0].get("unprotectedRanges")


def test_commit_clears_leftovers_and_grows_the_grid() -> None:
    emu = new_emulator()
    wb = workbook(emu)
    wb.commit(wb.read(), [TabWrite(tabs.DATA_ISSUES, ("A", "B", "C"), [["x", "y", "z"]] * 5)])
    big = [[str(i), "v"] for i in range(1200)]
    wb.commit(wb.read(), [TabWrite(tabs.DATA_ISSUES, ("A", "B"), big)])
    got = values(emu, tabs.DATA_ISSUES)
    assert len(got) == 1201 and got[1] == ["0", "v"] and all(len(r) == 2 for r in got)
    wb.commit(wb.read(), [TabWrite(tabs.DATA_ISSUES, ("A",), [["only"]])])
    assert values(emu, tabs.DATA_ISSUES) == [["A"], ["only"]]


# ---------------------------------------------------------------- init


def test_init_creates_the_template_tabs_and_a_second_init_changes_nothing() -> None:
    emu = SheetsEmulator()
    emu.create_spreadsheet("New", key=KEY)  # a new spreadsheet: one empty "Sheet1"
    wb = workbook(emu)
    wb.provision(plan_all(wb.read().grids))
    assert emu.sheet_titles(KEY) == list(tabs.TEMPLATE_TABS)
    staff = emu.spreadsheet(KEY).sheet_by_title(tabs.STAFF)
    assert values(emu, tabs.STAFF)[0] == list(tabs.TEMPLATE_HEADERS[tabs.STAFF])
    assert staff.properties["gridProperties"]["frozenRowCount"] == 1
    assert staff.cells[(0, 0)]["userEnteredFormat"]["textFormat"]["bold"] is True
    assert "Pick from the list" in staff.cells[(0, 2)]["note"]
    assert staff.cells[(999, 2)]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    staff.cells[(0, 0)] = {**staff.cells[(0, 0)], "note": "a person's own note"}
    emu.set_values(KEY, "Staff!A2:E2", [["Ana", "ana@school.eu", "Tutor", "Hair", "Yes"]])
    before = {t: values(emu, t) for t in tabs.TEMPLATE_TABS}
    plans = plan_all(wb.read().grids)
    assert all(p.edits == () for p in plans)
    wb.provision(plans)
    assert {t: values(emu, t) for t in tabs.TEMPLATE_TABS} == before
    assert staff.cells[(0, 0)]["note"] == "a person's own note"
    assert wb.stats.cells_written > 100


def test_init_refuses_when_a_planned_cell_was_filled_meanwhile() -> None:
    emu = new_emulator(tabs.PDCA)
    emu.set_values(KEY, "PDCA!A1", [list(tabs.TEMPLATE_HEADERS[tabs.PDCA])])
    wb = workbook(emu)
    plans = plan_all(wb.read().grids)
    emu.set_values(KEY, "PDCA!A2", [["typed meanwhile"]])
    before = emu.to_json()
    with pytest.raises(ConcurrentEditError, match="run init again"):
        wb.provision(plans)
    assert emu.to_json() == before


# ---------------------------------------------------------------- lock


def _lock_entry(emu: SheetsEmulator, **info: object) -> None:
    meta = {"metadataKey": LOCK_KEY, "metadataValue": json.dumps(info), "location": {"spreadsheet": True}}
    emu.apply_batch(
        emu.spreadsheet(KEY), {"requests": [{"createDeveloperMetadata": {"developerMetadata": meta}}]}
    )


def _now(minutes: int = 0) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")


def test_lock_held_by_another_sync_is_refused_naming_it() -> None:
    emu = new_emulator()
    _lock_entry(emu, holder="laptop:42", host="laptop", pid=42, started=_now(5), token="t")
    with pytest.raises(LockHeldError, match="laptop:42.*started"):
        with workbook(emu).lock("me", stale_after=dt.timedelta(hours=3)):
            pass
    assert len(emu.spreadsheet(KEY).developer_metadata) == 1


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ({"holder": "old", "host": "elsewhere", "pid": 1, "started": _now(400)}, "older than"),
        (
            {"holder": "dead", "host": socket.gethostname(), "pid": 2**22 + 12345, "started": _now()},
            "no longer",
        ),
        ({"garbage": True}, "cannot be read"),
    ],
)
def test_a_stale_lock_is_taken_over_with_a_warning(entry: dict, why: str, caplog) -> None:
    emu = new_emulator()
    _lock_entry(emu, **entry)
    caplog.set_level(logging.WARNING)
    with workbook(emu).lock("me", stale_after=dt.timedelta(hours=3)):
        [meta] = emu.spreadsheet(KEY).developer_metadata
        assert json.loads(meta["metadataValue"])["holder"] == "me"
    assert emu.spreadsheet(KEY).developer_metadata == []
    assert why in caplog.text


def test_two_syncs_racing_for_the_lock_never_both_run() -> None:
    emu = new_emulator()
    wb = workbook(emu)

    def rival(emu: SheetsEmulator, index: int, request: object) -> None:
        if index == 3:  # between our write and our verification, another machine writes its entry
            _lock_entry(emu, holder="other", host="elsewhere", pid=7, started=_now(), token="x")

    emu.on_call(rival)
    with pytest.raises(LockHeldError, match="other"):
        with wb.lock("me", stale_after=dt.timedelta(hours=3)):
            raise AssertionError("must not run")
    [left] = emu.spreadsheet(KEY).developer_metadata  # ours was removed
    assert json.loads(left["metadataValue"])["holder"] == "other"


def test_lock_is_released_on_errors_and_a_second_sync_waits_for_it() -> None:
    emu = new_emulator()
    first, second = workbook(emu), workbook(emu)
    with pytest.raises(RuntimeError):
        with first.lock("one", stale_after=dt.timedelta(hours=3)):
            with pytest.raises(LockHeldError, match="'one'"):
                with second.lock("two", stale_after=dt.timedelta(hours=3)):
                    pass
            raise RuntimeError("boom")
    with second.lock("two", stale_after=dt.timedelta(hours=3)):
        assert len(emu.spreadsheet(KEY).developer_metadata) == 1


# ---------------------------------------------------------------- errors and credentials


def test_unshared_and_unknown_spreadsheets_say_how_to_fix_it() -> None:
    emu = new_emulator()
    emu.revoke_access(KEY)
    with pytest.raises(SourceError, match=f"share the spreadsheet with {emu.user_email} as Editor"):
        workbook(emu).read()
    emu.create_spreadsheet("Other", key="elsewhere")
    wb = workbook(emu)
    wb.key = "missing-key"
    with pytest.raises(SourceError, match="missing-key not found: check the key or URL"):
        wb.read()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1AbC-d_9", "1AbC-d_9"),
        ("https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0", "1AbC-d_9"),
        ("  https://docs.google.com/spreadsheets/d/XYZ/  ", "XYZ"),
    ],
)
def test_spreadsheet_key_accepts_a_key_or_a_url(text: str, key: str) -> None:
    assert spreadsheet_key(text) == key


@pytest.mark.parametrize("text", ["", "https://example.com/x", "not a key"])
def test_spreadsheet_key_refuses_anything_else(text: str) -> None:
    with pytest.raises(ConfigError, match="URL"):
        spreadsheet_key(text)


def test_missing_credentials_name_the_exact_steps(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with pytest.raises(ConfigError, match="enable the Google Sheets API.*Service accounts.*as Editor"):
        authorized_session(GoogleConfig(spreadsheet="k"))
    oauth = tmp_path / "client.json"
    oauth.write_text(json.dumps({"installed": {"client_id": "x"}}))
    with pytest.raises(ConfigError, match="oauth_client"):
        authorized_session(GoogleConfig(spreadsheet="k", credentials=oauth))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "nope.json"))
    with pytest.raises(ConfigError, match="does not exist"):
        authorized_session(GoogleConfig(spreadsheet="k"))


def test_a_service_account_key_gives_the_narrowest_scopes(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    key = tmp_path / "key.json"
    info = {
        "type": "service_account",
        "client_email": "sync@school.iam.gserviceaccount.com",
        "private_key": pem.decode(),
        "private_key_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    key.write_text(json.dumps(info))
    session, email = authorized_session(GoogleConfig(spreadsheet="k", credentials=key))
    assert email == "sync@school.iam.gserviceaccount.com"
    assert session.credentials._scopes == [SCOPE]  # type: ignore[attr-defined]
    session, _ = authorized_session(GoogleConfig(spreadsheet="k", credentials=key), readonly=True)
    assert session.credentials._scopes == [READONLY_SCOPE]  # type: ignore[attr-defined]


def test_every_request_has_a_timeout() -> None:
    emu = new_emulator()
    seen: list[object] = []

    class Recording(requests.Session):
        def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(kwargs.get("timeout"))
            return super().request(*args, **kwargs)

    http = RetryingHTTPClient(None, emu.mount(Recording()), timeout=7.5)
    http.set_timeout(None)  # gspread's "wait forever" is ignored
    http.spreadsheets_get(KEY, {"fields": "properties.title"})
    assert seen == [7.5]


# ---------------------------------------------------------------- emulator file and teacher spreadsheets


def test_emulator_state_file_runs_init_and_keeps_state_across_runs(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    config = parse_config({"google": {"spreadsheet": "DEMO", "emulator": str(state)}}, base=tmp_path)
    wb = open_spreadsheet(config)
    assert not state.exists()
    wb.provision(plan_all(wb.read().grids))
    assert state.exists()
    again = open_spreadsheet(config).read()
    assert list(again.grids) == list(tabs.TEMPLATE_TABS)
    assert SheetsEmulator.load(state).sheet_titles("DEMO") == list(tabs.TEMPLATE_TABS)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_teachers_spreadsheet_is_read_in_one_call(tmp_path: Path) -> None:
    emu = SheetsEmulator()
    key = emu.create_spreadsheet("Ana's alumni", sheets=["2019", "Old"], key="ana-sheet")
    emu.set_values(key, "'2019'!A1", [["Name", "Phone"], ["Bea", "0612 345 678"]])
    emu.spreadsheet(key).sheet_by_title("Old").properties["hidden"] = True
    emu.create_spreadsheet("Private", key="private")
    emu.revoke_access("private")
    state = tmp_path / "state.json"
    emu.save(state)
    config = parse_config({"google": {"spreadsheet": "x", "emulator": str(state)}}, base=tmp_path)
    source = GSheetsListSource.from_config(config, ListConfig(teacher="Ana", spreadsheet="ana-sheet"))
    [grid] = source.read_grids()
    assert (grid.title, grid.location, grid.rows) == (
        "2019",
        "Ana's alumni",
        (("Name", "Phone"), ("Bea", "0612 345 678")),
    )
    assert source.name == "Ana's alumni"
    private = GSheetsListSource.from_config(config, ListConfig(teacher="Cai", spreadsheet="private"))
    with pytest.raises(SourceError, match=f"share it with {emu.user_email} as Viewer"):
        private.read_grids()
    only = GSheetsListSource.from_config(
        config, ListConfig(teacher="Ana", spreadsheet="ana-sheet", tabs=("Old",))
    )
    assert [g.title for g in only.read_grids()] == ["Old"]


def test_the_list_source_call_is_a_single_get(tmp_path: Path) -> None:
    emu = SheetsEmulator()
    emu.create_spreadsheet("Ana", sheets=["a", "b", "c"], key="ana-sheet")
    calls: list[str] = []
    emu.on_call(lambda e, i, r: calls.append(r.method))
    source = GSheetsListSource("ana-sheet", lambda: (RetryingHTTPClient(None, emu.session()), emu.user_email))
    assert len(source.read_grids()) == 3 and calls == ["GET"]


# ---------------------------------------------------------------- emulator helpers this backend added


def test_emulator_add_sheet_and_formulas() -> None:
    emu = new_emulator()
    sheet_id = emu.add_sheet(KEY, "List - New")
    assert emu.sheet_titles(KEY) == ["List - Ana", "List - New"] and sheet_id > 0
    emu.set_values(KEY, "'List - New'!A1", [["=1+1", "x", "=A1*2"]], "USER_ENTERED")
    emu.set_values(KEY, "'List - New'!A2", [["=1+1"]])  # RAW: text, not a formula
    assert emu.formulas(KEY, "List - New") == ["A1", "C1"]
    assert emu.formulas(KEY, "No such tab") == []
    with pytest.raises(ValueError, match="already exists"):
        emu.add_sheet(KEY, "List - New")
    assert emu.call_count == 0


def test_backend_error_after_the_budget_names_the_fix() -> None:
    emu = new_emulator()
    for n in range(1, 5):
        emu.fail_at(n, "429")
    sleeps: list[float] = []
    with pytest.raises(BackendError, match="wait a minute"):
        workbook(emu, max_retries=3, sleeps=sleeps).read()
    assert sleeps == [0.5, 1.0, 2.0]


def test_every_data_row_of_a_keyed_tab_can_go_away() -> None:
    emu = new_emulator()
    wb = workbook(emu)
    wb.commit(wb.read(), output_writes([1, 2, 3], [(2, 3), (4, 5)]))
    wb.commit(wb.read(), output_writes([], []))
    assert values(emu, tabs.REVIEW) == [list(tabs.REVIEW_HEADERS)]
    assert values(emu, tabs.ALUMNI) == [list(tabs.ALUMNI_HEADERS)]
    review = emu.spreadsheet(KEY).sheet_by_title(tabs.REVIEW)
    assert review.rows > review.properties["gridProperties"]["frozenRowCount"]
