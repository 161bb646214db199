"""The fast .xlsx paths give exactly what the plain openpyxl paths give (real files in tmp_path)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment

from sheets_sync.adapters.xlsx import read as xlsx_read
from sheets_sync.adapters.xlsx.fast import sheet_text_rows
from sheets_sync.adapters.xlsx.splice import KeptCells, without_cells
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.workbook import TabWrite


def slow_and_fast(path: Path) -> list[tuple[str, object, object]]:
    """(title, openpyxl's rows as text, the fast reader's rows) for every worksheet of ``path``."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = []
    for ws in wb.worksheets:
        ws.reset_dimensions()
        slow = xlsx_read._rows_as_text(ws.iter_rows())
        ws.reset_dimensions()
        out.append((ws.title, slow, sheet_text_rows(ws, xlsx_read.cell_text)))
    wb.close()
    return out


def save(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List - Ana"
    for row in rows:
        ws.append(row)
    for coord, fmt in (formats or {}).items():
        ws[coord].number_format = fmt
    wb.save(path)
    return path


CASES = {
    "text and blanks": [["Name", None, "Email"], [], [None, None, " x "], ["", "ü ñ 漢字 🎓", "=1+1"]],
    "numbers": [[2019, 2019.0, 0.1 + 0.2, -7, 1e20, 3.5e-9, True, False]],
    "dates": [
        [dt.date(2019, 6, 28), dt.datetime(2020, 1, 2, 3, 4, 5), dt.datetime(2021, 2, 3), dt.time(7, 30)]
    ],
    "long cell": [["x" * 50_000, "a\nb"]],
    "gaps": [["a"], [], [], [None, None, None, "d"], [None]],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_reader_reads_what_openpyxl_reads(tmp_path: Path, case: str) -> None:
    path = save(tmp_path / "w.xlsx", CASES[case])
    for title, slow, fast in slow_and_fast(path):
        assert fast == slow, title


@pytest.mark.parametrize(
    "value, number_format, text",
    [(7, "000", "007"), (0.23, "0%", "23%"), (0.235, "0.0%", "23.5%"), (43000, "DD/MM/YYYY", "2017-09-22")],
)
def test_fast_reader_honours_number_formats(
    tmp_path: Path, value: object, number_format: str, text: str
) -> None:
    path = save(tmp_path / "w.xlsx", [[value]], {"A1": number_format})
    [(_, slow, fast)] = slow_and_fast(path)
    assert fast == slow == ((text,),)


def test_fast_reader_joins_rich_text_runs(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = CellRichText("plain ", TextBlock(InlineFont(b=True), "bold"), " end")
    path = tmp_path / "rich.xlsx"
    wb.save(path)
    [(_, slow, fast)] = slow_and_fast(path)
    assert fast == slow == (("plain bold end",),)


def test_fast_reader_reads_shared_strings_and_cached_formula_values(tmp_path: Path) -> None:
    """Excel and LibreOffice write shared strings (t="s") and cache formula results."""
    path = save(tmp_path / "w.xlsx", [["placeholder", 1]])
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="C1" t="str"><f>A1&amp;"!"</f><v>Zoë!</v></c>'
        '<c r="D1"><f>1+1</f><v>2</v></c><c r="E1" t="e"><v>#N/A</v></c><c r="F1" t="b"><v>1</v></c></row>'
        '<row r="3"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row></sheetData></worksheet>'
    )
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
        "<si><t>first</t></si><si><r><t>Zo</t></r><r><t>ë</t></r></si></sst>"
    )
    shared_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    rewritten = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rewritten, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = sheet.encode()
            elif info.filename == "[Content_Types].xml":  # openpyxl finds shared strings from here
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{shared_type}"/>'
                body = body.replace(b"</Types>", override.encode() + b"</Types>")
            dst.writestr(info.filename, body)
        dst.writestr("xl/sharedStrings.xml", strings)
    [(_, slow, fast)] = slow_and_fast(rewritten)
    assert fast == slow == (("Zoë", "", "Zoë!", "2", "#N/A", "TRUE"), (), ("first", "Zoë"))


CELL = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(dt.date(1901, 1, 1), dt.date(2100, 1, 1)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, max_size=6), max_size=8))
def test_fast_reader_matches_openpyxl_on_any_cells(tmp_path: Path, rows: list[list[object]]) -> None:
    path = save(tmp_path / "h.xlsx", rows)
    [(_, slow, fast)] = slow_and_fast(path)
    assert fast == slow


# ---------------------------------------------------------------- commit without parsing replaced tabs


def teacher_workbook(path: Path) -> Path:
    """A list tab with a note and a chart, an output tab with a note and a chart, a hidden tab."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List - Ana"
    for row in [["Name", "Year"], ["Ana", 2019], ["Bo", 2020]]:
        ws.append(row)
    ws["A1"].comment = Comment("teacher's note", "Ana")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    ws.add_chart(chart, "D2")
    out = wb.create_sheet("Alumni")
    out.append(["Alumni ID", "Name"])
    out.append(["A-1", "old"])
    out["B1"].comment = Comment("old note", "sheets_sync")
    out.add_chart(BarChart(), "E5")
    hidden = wb.create_sheet("_sheets_sync_state")
    hidden.append(["Kind", "Key"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


WRITES = [
    TabWrite("Alumni", ("Alumni ID", "Name"), [["A-1", "Ana"], ["A-2", "Bo"]]),
    TabWrite("_sheets_sync_state", ("Kind", "Key"), [["member", "x"]], hidden=True),
    TabWrite("Data issues", ("Tab", "Row"), [["List - Ana", 3]]),
]


def commit(path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool) -> openpyxl.Workbook:
    if not fast:
        monkeypatch.setattr("sheets_sync.adapters.xlsx.workbook.without_cells", lambda data, titles: data)
        monkeypatch.setattr(
            "sheets_sync.adapters.xlsx.workbook.strip_kept", lambda data, *_a, **_k: (data, KeptCells())
        )
    book = XlsxWorkbook(path, backups=0)
    book.commit(book.read(), WRITES)
    monkeypatch.undo()
    return openpyxl.load_workbook(path)


def test_commit_without_parsing_replaced_tabs_writes_the_same_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    fast = commit(teacher_workbook(tmp_path / "a" / "w.xlsx"), monkeypatch, fast=True)
    slow = commit(teacher_workbook(tmp_path / "b" / "w.xlsx"), monkeypatch, fast=False)
    assert fast.sheetnames == slow.sheetnames == ["List - Ana", "Alumni", "_sheets_sync_state", "Data issues"]
    for title in fast.sheetnames:
        a, b = fast[title], slow[title]
        assert [[c.value for c in r] for r in a.iter_rows()] == [[c.value for c in r] for r in b.iter_rows()]
        assert a.sheet_state == b.sheet_state
        assert len(a._charts) == len(b._charts)
        assert {c.coordinate: c.comment.text for r in a.iter_rows() for c in r if c.comment} == {
            c.coordinate: c.comment.text for r in b.iter_rows() for c in r if c.comment
        }
    assert fast["List - Ana"]["A1"].comment.text == "teacher's note"
    assert len(fast["List - Ana"]._charts) == 1
    assert fast["Alumni"]["B3"].value == "Bo"


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip", b"PK\x03\x04broken"],
)
def test_without_cells_returns_what_it_cannot_understand_unchanged(data: bytes) -> None:
    assert without_cells(data, ["Alumni"]) is data


def test_without_cells_empties_only_the_named_tabs(tmp_path: Path) -> None:
    data = teacher_workbook(tmp_path / "w.xlsx").read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(without_cells(data, ["Alumni"])))
    assert wb.sheetnames == ["List - Ana", "Alumni", "_sheets_sync_state"]
    assert wb["Alumni"].max_row == 1 and wb["Alumni"]["A1"].value is None
    assert wb["List - Ana"]["B3"].value == 2020 and wb["_sheets_sync_state"].sheet_state == "hidden"
    assert without_cells(data, []) is data
