"""The local workbook backend against real .xlsx files in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

from sheets_sync import schema as tabs
from sheets_sync.adapters.xlsx import write as xlsx_write
from sheets_sync.adapters.xlsx.lock import lock_path_for
from sheets_sync.adapters.xlsx.read import cell_text
from sheets_sync.adapters.xlsx.workbook import XlsxListSource, XlsxWorkbook, sources_in_folder
from sheets_sync.adapters.xlsx.write import BACKUP_DIR
from sheets_sync.core.provision.plan import plan_all
from sheets_sync.errors import BackendError, ConcurrentEditError, LockHeldError, SourceError
from sheets_sync.workbook import ChartSpec, ProvisionPlan, TabWrite

FORMULA_PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+1",
    "-1",
    "=1+1",
    "#N/A",
    "\tstarts with a tab",
    "\rstarts with CR",  # XML reads a CR as a line feed: stored as "\nstarts with CR"
]


def make_file(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def init(path: Path) -> XlsxWorkbook:
    wb = XlsxWorkbook(path, backups=3)
    snapshot = wb.read() if path.exists() else None
    wb.provision(plan_all(snapshot.grids if snapshot else None))
    return wb


# ---------------------------------------------------------------- reading as text


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        ("007", "General", "007"),
        ("0612 345 678", "General", "0612 345 678"),
        (7, "000", "007"),
        (2019.0, "General", "2019"),
        (2019, "General", "2019"),
        (0.1 + 0.2, "General", "0.3"),
        (1.5, "General", "1.5"),
        (-3.25, "General", "-3.25"),
        (0.23, "0%", "23%"),
        (0.235, "0.0%", "23.5%"),
        (True, "General", "TRUE"),
        (False, "General", "FALSE"),
        (None, "General", ""),
        (dt.datetime(2019, 6, 30), "yyyy-mm-dd", "2019-06-30"),
        (dt.datetime(2019, 6, 30, 14, 5), "yyyy-mm-dd hh:mm", "2019-06-30 14:05"),
        (dt.datetime(2019, 6, 30, 14, 5, 9), "yyyy-mm-dd hh:mm:ss", "2019-06-30 14:05:09"),
        (dt.date(2001, 2, 3), "yyyy-mm-dd", "2001-02-03"),
        (dt.time(9, 30), "hh:mm", "09:30"),
        (dt.timedelta(hours=26, minutes=5), "[h]:mm", "26:05"),
    ],
)
def test_cell_text_is_what_a_person_sees(value: object, number_format: str, text: str) -> None:
    assert cell_text(value, number_format) == text


def test_read_round_trip_keeps_text_dates_and_numbers(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List - Ana"
    ws["A1"] = "Alumni of Ana 2019"
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["Student id", "Phone", "Born", "Year", "Rate"])
    ws.append(["007", "0612 345 678", dt.datetime(2001, 5, 4), 2019.0, 0.25])
    ws["A5"] = 7
    ws["A5"].number_format = "000"
    ws["E4"].number_format = "0%"
    ws["G10"] = None  # an empty cell far away must not make trailing rows
    ws["C5"] = dt.datetime(2001, 5, 4, 10, 30)
    wb.save(path)
    snap = XlsxWorkbook(path).read()
    assert snap.grids["List - Ana"].rows == (
        ("Alumni of Ana 2019",),
        (),
        ("Student id", "Phone", "Born", "Year", "Rate"),
        ("007", "0612 345 678", "2001-05-04", "2019", "25%"),
        ("007", "", "2001-05-04 10:30"),
    )
    assert len(snap.version) == 64


def test_formula_cells_read_as_their_cached_value(tmp_path: Path) -> None:
    """Formulas read as the value Excel/LibreOffice cached; openpyxl caches none, so ""."""
    path = make_file(tmp_path / "f.xlsx", {"S": [["a", "=1+1"]]})
    assert XlsxWorkbook(path).read().grids["S"].rows == (("a",),)


def test_hidden_tabs_are_listed(tmp_path: Path) -> None:
    path = make_file(tmp_path / "h.xlsx", {"A": [["x"]], "B": [["y"]]})
    wb = openpyxl.load_workbook(path)
    wb["B"].sheet_state = "hidden"
    wb.save(path)
    snap = XlsxWorkbook(path).read()
    assert list(snap.grids) == ["A", "B"] and snap.hidden == {"B"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found"),
        (b"", "not an .xlsx"),
        (b"name,email\nAna,a@x\n", "not an .xlsx"),
        (b"PK\x03\x04garbage" * 10, "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64, "password"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old-style .xls"),
    ],
)
def test_unreadable_workbook_is_a_source_error_with_a_fix(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError, match=message) as err:
        XlsxWorkbook(path).read()
    assert "Fix" in str(err.value)


# ---------------------------------------------------------------- commit


def writes(rows: list[list[object]], **kw: object) -> list[TabWrite]:
    return [TabWrite(title=tabs.DATA_ISSUES, header=tabs.DATA_ISSUES_HEADERS, rows=rows, **kw)]  # type: ignore[arg-type]


def test_commit_stores_formula_payloads_as_text(tmp_path: Path) -> None:
    path = init(tmp_path / "wb.xlsx").path
    wb = XlsxWorkbook(path)
    rows = [["List - Ana", 3, "Notes", p, "problem", "fix", "Ana"] for p in FORMULA_PAYLOADS]
    wb.commit(wb.read(), writes(rows))
    expected = [p.replace("\r", "\n") for p in FORMULA_PAYLOADS]
    ws = openpyxl.load_workbook(path)[tabs.DATA_ISSUES]
    for r, payload in enumerate(expected, start=2):
        cell = ws.cell(row=r, column=4)
        assert (cell.value, cell.data_type) == (payload, "s")
        assert cell.quotePrefix == payload.startswith(("=", "+", "-", "@", "\t", "\n"))
    read_back = wb.read().grids[tabs.DATA_ISSUES]
    assert [row[3] for row in read_back.rows[1:]] == expected
    assert read_back.rows[1][1] == "3"


def test_commit_writes_dates_as_dates_and_formats_the_tab(tmp_path: Path) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"List - Ana": [["Name"], ["Ana"]]})
    wb = XlsxWorkbook(path)
    tw = TabWrite(
        title=tabs.REVIEW,
        header=("Source A", "Date", "Decision"),
        rows=[
            ["List - Ana!2", dt.date(2024, 3, 1), "Same"],
            ["List - Ana!3", dt.datetime(2024, 3, 1, 9, 0), ""],
        ],
        staff_columns=("Decision",),
        dropdowns={"Decision": tabs.REVIEW_DECISIONS},
        notes={"Decision": "Same or Different"},
        column_widths={"Source A": 30},
        bold_rows=(1,),
    )
    wb.commit(wb.read(), [tw])
    ws = openpyxl.load_workbook(path)[tabs.REVIEW]
    assert ws["B2"].is_date and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["B3"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["A1"].font.b and ws["A3"].font.b and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width == 30
    assert ws["C1"].comment.text == "Same or Different"
    assert ws.protection.sheet
    assert ws["A2"].protection.locked and not ws["C2"].protection.locked and not ws["C500"].protection.locked
    [dv] = ws.data_validations.dataValidation
    assert dv.formula1 == '"Same,Different"' and str(dv.sqref) == "C2:C1000"
    assert wb.read().grids[tabs.REVIEW].rows[1] == ("List - Ana!2", "2024-03-01", "Same")


def test_commit_keeps_other_tabs_and_the_position_of_replaced_tabs(tmp_path: Path) -> None:
    path = make_file(
        tmp_path / "wb.xlsx", {"List - Ana": [["Name", "Phone"], ["Ana", "0612"]], "Other": [["x"]]}
    )
    book = openpyxl.load_workbook(path)
    ws = book["List - Ana"]
    ws["A1"].comment = Comment("teacher's note", "Ana")
    ws["A2"].font = openpyxl.styles.Font(italic=True)
    dv = DataValidation(type="list", formula1='"a,b"')
    dv.add("B2:B9")
    ws.add_data_validation(dv)
    teacher_chart = BarChart()
    teacher_chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2))
    ws.add_chart(teacher_chart, "D2")
    book.create_sheet(tabs.SYNC_LOG, 1)
    book.save(path)
    wb = XlsxWorkbook(path)
    for n in range(2):  # the second commit replaces the tab in place; charts never pile up
        tw = TabWrite(
            title=tabs.SYNC_LOG,
            header=("Run", "N"),
            rows=[["r", n], ["s", 2]],
            charts=(ChartSpec("Runs", "column", 0, 1, 2, 0, (1,), "D2"),),
        )
        wb.commit(wb.read(), [tw, TabWrite(title=tabs.STATE, header=("K",), rows=[["v"]], hidden=True)])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["List - Ana", tabs.SYNC_LOG, "Other", tabs.STATE]
    assert len(book[tabs.SYNC_LOG]._charts) == 1
    ana = book["List - Ana"]
    assert ana["A1"].comment.text == "teacher's note" and ana["A2"].font.i
    assert ana.data_validations.dataValidation[0].formula1 == '"a,b"'
    assert len(ana._charts) == 1
    assert book[tabs.STATE].sheet_state == "hidden" and book.active.title == "List - Ana"
    assert wb.read().grids["List - Ana"].rows == (("Name", "Phone"), ("Ana", "0612"))


def test_commit_refuses_when_the_file_changed_since_read(tmp_path: Path) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"List - Ana": [["Name"], ["Ana"]]})
    wb = XlsxWorkbook(path)
    snapshot = wb.read()
    book = openpyxl.load_workbook(path)
    book["List - Ana"]["A3"] = "Bea"  # a person saves while the sync computes
    book.save(path)
    before = path.read_bytes()
    with pytest.raises(ConcurrentEditError, match="changed on disk"):
        wb.commit(snapshot, writes([["x"]]))
    assert path.read_bytes() == before
    assert not (tmp_path / BACKUP_DIR).exists()


@pytest.mark.parametrize("lock_name", ["~$wb.xlsx", "~$.xlsx", ".~lock.wb.xlsx#"])
def test_commit_and_init_refuse_while_excel_or_libreoffice_has_it_open(
    tmp_path: Path, lock_name: str
) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"S": [["x"]]})
    wb = XlsxWorkbook(path)
    snapshot = wb.read()
    (tmp_path / lock_name).write_bytes(b"owner")
    before = path.read_bytes()
    with pytest.raises(ConcurrentEditError, match="open in Excel or LibreOffice"):
        wb.commit(snapshot, writes([["x"]]))
    with pytest.raises(ConcurrentEditError):
        wb.provision(plan_all(snapshot.grids))
    assert path.read_bytes() == before


def test_commit_returns_the_new_version_so_a_second_commit_is_accepted(tmp_path: Path) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"S": [["x"]]})
    wb = XlsxWorkbook(path)
    snapshot = wb.read()
    version = wb.commit(snapshot, writes([["a"]]))
    assert version != snapshot.version
    with pytest.raises(ConcurrentEditError):
        wb.commit(snapshot, writes([["b"]]))
    wb.commit(type(snapshot)(grids=snapshot.grids, version=version), writes([["b"]]))
    assert wb.read().grids[tabs.DATA_ISSUES].rows[1] == ("b",)


def test_a_failure_while_provisioning_leaves_the_old_file_intact(tmp_path: Path, monkeypatch) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"S": [["x"]]})
    wb = XlsxWorkbook(path)
    before = path.read_bytes()

    def disk_full(f, _content):  # writes half a file, then fails like a full disk
        f.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_write, "write_temporary", disk_full)
    with pytest.raises(BackendError, match="left as it was"):
        wb.provision([ProvisionPlan(title="New", create=True, header_row=0, edits=())])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wb.xlsx"]


def test_a_failure_while_saving_leaves_the_old_file_intact(tmp_path: Path, monkeypatch) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"S": [["x"]]})
    wb = XlsxWorkbook(path)
    snapshot = wb.read()
    before = path.read_bytes()

    def disk_full(*_args):  # the temporary file is written, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(BackendError, match="left as it was"):
        wb.commit(snapshot, writes([["a"]]))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wb.xlsx"]  # no temp file left behind


def test_backups_are_kept_and_pruned(tmp_path: Path) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"S": [["x"]]})
    wb = XlsxWorkbook(path, backups=2)
    first = path.read_bytes()
    for n in range(4):
        wb.commit(wb.read(), writes([[f"run {n}"]]))
    backups = sorted((tmp_path / BACKUP_DIR).iterdir())
    assert len(backups) == 2
    assert all(b.name.startswith("wb.xlsx.bak-") for b in backups)
    assert first not in [b.read_bytes() for b in backups]  # the oldest were pruned
    assert XlsxWorkbook(backups[-1]).read().grids[tabs.DATA_ISSUES].rows[1] == ("run 2",)


def test_no_backups_when_zero(tmp_path: Path) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"S": [["x"]]})
    wb = XlsxWorkbook(path, backups=0)
    wb.commit(wb.read(), writes([["a"]]))
    assert not (tmp_path / BACKUP_DIR).exists()


# ---------------------------------------------------------------- init (provision)


def test_init_creates_every_template_tab_formatted(tmp_path: Path) -> None:
    wb = init(tmp_path / "new.xlsx")
    book = openpyxl.load_workbook(wb.path)
    assert book.sheetnames == list(tabs.TEMPLATE_TABS)
    staff = book[tabs.STAFF]
    assert [c.value for c in staff[1]] == list(tabs.TEMPLATE_HEADERS[tabs.STAFF])
    assert staff["A1"].font.b and staff.freeze_panes == "A2"
    assert staff["C1"].comment is not None and "Pick from the list" in staff["C1"].comment.text
    assert staff.column_dimensions["B"].width == 30
    formulas = {str(dv.sqref): dv.formula1 for dv in staff.data_validations.dataValidation}
    assert formulas == {"C2:C1001": '"' + ",".join(tabs.STAFF_ROLES) + '"', "E2:E1001": '"Yes,No"'}
    grids = wb.read().grids
    assert [r[0] for r in grids[tabs.FRAMEWORK].rows[1:]] == list(tabs.FRAMEWORK_STAGES)
    assert wb.stats.api_calls == 0 and wb.stats.cells_written > 100


def test_init_again_after_people_entered_data_changes_no_entered_cell(tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    init(path)
    book = openpyxl.load_workbook(path)
    book[tabs.STAFF].append(["Ana García", "ana@school.eu", "Tutor", "Hairdressing", "Yes"])
    book[tabs.STAFF]["G1"] = "Phone (my column)"
    book[tabs.STAFF]["G2"] = "0612 345 678"
    book[tabs.FRAMEWORK]["C2"] = "Alumni talk at open days"
    stock = book[tabs.STOCKTAKING]
    stock["C12"] = "Yes"
    stock.append(["Actions in place", "Hackathon", "Yes"])
    pdca = book[tabs.PDCA]
    pdca["A3"] = None  # a person clears a fixed row ...
    pdca["B3"] = "our own plan"  # ... but keeps writing on it
    pdca.append(["My own block", "p"])
    book[tabs.STAKEHOLDERS]["D1"] = "Contact"  # renamed header (a different text)
    del book[tabs.OUTREACH]  # a tab deleted by mistake
    book.save(path)
    entered = XlsxWorkbook(path).read().grids

    wb = init(path)
    after = wb.read().grids
    for title, grid in entered.items():
        for r, row in enumerate(grid.rows):
            for c, text in enumerate(row):
                if text:
                    assert after[title].cell(r, c) == text, (title, r, c)
    pdca_rows = after[tabs.PDCA].rows
    assert pdca_rows[-1][0].startswith("Develop a coherent portfolio")  # re-added after the data
    assert pdca_rows[2][:2] == ("", "our own plan")
    assert after[tabs.STAKEHOLDERS].rows[0] == (
        *tabs.TEMPLATE_HEADERS[tabs.STAKEHOLDERS][:3],
        "Contact",
        "Contact person",
    )
    assert after[tabs.OUTREACH].rows == (tabs.TEMPLATE_HEADERS[tabs.OUTREACH],)
    assert list(after)[-1] == tabs.OUTREACH
    assert after[tabs.STAFF].rows[0][5:] == ("", "Phone (my column)")  # no header added to Staff
    # a third init changes nothing at all, and dropdowns do not pile up
    assert all(p.edits == () for p in plan_all(wb.read().grids))
    init(path)
    staff = openpyxl.load_workbook(path)[tabs.STAFF]
    assert len(staff.data_validations.dataValidation) == 2


def test_init_refuses_when_a_planned_cell_was_filled_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    make_file(path, {tabs.PDCA: [list(tabs.TEMPLATE_HEADERS[tabs.PDCA])]})
    wb = XlsxWorkbook(path)
    plans = plan_all(wb.read().grids)
    book = openpyxl.load_workbook(path)
    book[tabs.PDCA]["A2"] = "typed meanwhile"
    book.save(path)
    before = path.read_bytes()
    with pytest.raises(ConcurrentEditError):
        wb.provision(plans)
    assert path.read_bytes() == before


def test_init_keeps_a_note_written_by_a_person(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    make_file(path, {tabs.STAFF: [list(tabs.TEMPLATE_HEADERS[tabs.STAFF])]})
    book = openpyxl.load_workbook(path)
    book[tabs.STAFF]["A1"].comment = Comment("mine", "Ana")
    book.save(path)
    init(path)
    staff = openpyxl.load_workbook(path)[tabs.STAFF]
    assert staff["A1"].comment.text == "mine" and staff["B1"].comment.author == "sheets_sync"


# ---------------------------------------------------------------- lock


def test_lock_is_exclusive_names_the_holder_and_is_released(tmp_path: Path) -> None:
    wb = XlsxWorkbook(tmp_path / "wb.xlsx")
    lock_file = lock_path_for(wb.path)
    with wb.lock("nightly", stale_after=dt.timedelta(hours=3)):
        info = json.loads(lock_file.read_text())
        assert info["holder"] == "nightly" and info["pid"] == os.getpid()
        with pytest.raises(LockHeldError, match=r"'nightly', pid \d+") as err:
            with XlsxWorkbook(wb.path).lock("manual", stale_after=dt.timedelta(hours=3)):
                pass
        assert str(lock_file) in str(err.value)
    assert not lock_file.exists()
    with pytest.raises(RuntimeError):
        with wb.lock("nightly", stale_after=dt.timedelta(hours=3)):
            raise RuntimeError("boom")
    assert not lock_file.exists()


def dead_pid() -> int:
    pid = 999_999
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        pid -= 1


@pytest.mark.parametrize(
    "stale",
    [
        {"pid": "dead", "host": "here", "started": "now"},
        {"pid": "self", "host": "elsewhere", "started": "2001-01-01T00:00:00+00:00"},
        "not json at all",
    ],
)
def test_stale_lock_is_taken_over_with_a_warning(tmp_path: Path, caplog, stale) -> None:
    wb = XlsxWorkbook(tmp_path / "wb.xlsx")
    lock_file = lock_path_for(wb.path)
    if isinstance(stale, dict):
        info = {
            "holder": "killed run",
            "pid": dead_pid() if stale["pid"] == "dead" else os.getpid(),
            "host": socket.gethostname() if stale["host"] == "here" else "other-host",
            "started": dt.datetime.now(dt.UTC).isoformat() if stale["started"] == "now" else stale["started"],
        }
        lock_file.write_text(json.dumps(info))
    else:
        lock_file.write_text(stale)
        old = dt.datetime(2001, 1, 1).timestamp()
        os.utime(lock_file, (old, old))
    with wb.lock("nightly", stale_after=dt.timedelta(hours=3)):
        assert json.loads(lock_file.read_text())["holder"] == "nightly"
    assert "stale sync lock" in caplog.text
    assert not lock_file.exists()


def test_live_lock_on_another_host_is_not_taken_over(tmp_path: Path) -> None:
    wb = XlsxWorkbook(tmp_path / "wb.xlsx")
    info = {
        "holder": "laptop",
        "pid": 1,
        "host": "other-host",
        "started": dt.datetime.now(dt.UTC).isoformat(),
    }
    lock_path_for(wb.path).write_text(json.dumps(info))
    with pytest.raises(LockHeldError, match="laptop"):
        with wb.lock("nightly", stale_after=dt.timedelta(hours=3)):
            pass


# ---------------------------------------------------------------- teachers' own files


def test_list_source_reads_visible_tabs_with_their_location(tmp_path: Path) -> None:
    path = make_file(tmp_path / "ana.xlsx", {"2019": [["Name"], ["Ana"]], "old": [["x"]]})
    book = openpyxl.load_workbook(path)
    book["old"].sheet_state = "hidden"
    book.save(path)
    grids = XlsxListSource(path).read_grids()
    assert [(g.title, g.location, g.rows) for g in grids] == [("2019", str(path), (("Name",), ("Ana",)))]
    assert [g.title for g in XlsxListSource(path, tabs=["old"]).read_grids()] == ["old"]
    with pytest.raises(SourceError, match="no tab named nope"):
        XlsxListSource(path, tabs=["nope"]).read_grids()


@pytest.mark.parametrize("content", [None, b"garbage"])
def test_list_source_that_cannot_be_read_is_a_source_error(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "ana.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError):
        XlsxListSource(path, teacher="Ana").read_grids()


def test_folder_expands_to_one_source_per_workbook(tmp_path: Path) -> None:
    for name in ["b.xlsx", "a.xlsx", "notes.txt", "~$a.xlsx", ".~lock.b.xlsx#"]:
        (tmp_path / name).write_bytes(b"x")
    sources = sources_in_folder(tmp_path)
    assert [(s.path.name, s.teacher) for s in sources] == [("a.xlsx", "a"), ("b.xlsx", "b")]
    assert [s.teacher for s in sources_in_folder(tmp_path, teacher="Ana")] == ["Ana", "Ana"]
    with pytest.raises(SourceError, match="folder not found"):
        sources_in_folder(tmp_path / "nope")


def test_commit_refuses_when_the_workbook_was_deleted_since_read(tmp_path: Path) -> None:
    path = make_file(tmp_path / "wb.xlsx", {"S": [["x"]]})
    wb = XlsxWorkbook(path)
    snapshot = wb.read()
    path.unlink()
    with pytest.raises(ConcurrentEditError, match="moved or deleted"):
        wb.commit(snapshot, writes([["a"]]))
    assert not path.exists()


def test_lock_in_a_missing_folder_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="folder not found"):
        with XlsxWorkbook(tmp_path / "nope" / "wb.xlsx").lock("nightly", stale_after=dt.timedelta(hours=1)):
            pass
