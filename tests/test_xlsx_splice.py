"""A commit that copies the kept tabs' cells (xlsx_splice) writes the workbook a full openpyxl
round trip writes: same values, styles, rows, merged ranges, notes, links, dropdowns — on files
written by openpyxl and on files in the form Excel writes (shared strings, rich text, extension
attributes, cell metadata). Real files in tmp_path, compared cell by cell after loading."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from sheets_sync.adapters.xlsx.read import read_xlsx
from sheets_sync.adapters.xlsx.splice import KeptCells, SpliceError, strip_kept
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.workbook import TabWrite

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"

WRITES = [
    TabWrite(
        "Alumni",
        ("Alumni ID", "Name", "Since", "Seen", "Score", "Owner override"),
        [
            ["A-1", "Ana & <Bo>", dt.date(2019, 6, 28), dt.datetime(2024, 1, 2, 3, 4), 0.1 + 0.2, "Wim"],
            ["A-2", "=Bo", None, "", 7, None, None],
            ["A-3", "  spaced  ", True, False, -1e-9],
            ["A-4", "bad\x00char\r\nline", "+34 612", "@x", "x" * 40_000],
            [],
        ],
        staff_columns=("Owner override",),
        protected=True,
        notes={"Owner override": "Type a staff member's name"},
        dropdowns={"Seen": ("Yes", "No")},
        freeze_header=True,
    ),
    TabWrite("_sheets_sync_state", ("Kind", "Key"), [["member", "x"]], hidden=True, protected=True),
    TabWrite("Data issues", ("Tab", "Row"), [["List - Ana", 3]]),
    TabWrite(
        "Rollup",
        (),
        [["Engagement"], ["Category", "Volunteer"], ["Graduates", 4, None], ["Total", 4]],
        header_row=False,
        bold_rows=(0, 3),
        widths=(30, 12),
    ),
]


def teacher_workbook(path: Path) -> Path:
    """Two teachers' lists with everything a person puts in a sheet, and an old output tab."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List - Ana"
    rows = [
        ["Name", "Year", "Born", "Score", "Email", "Notes"],
        ["Ana Pérez", 2019, dt.date(2001, 4, 5), 0.25, "ana@example.org", "=1+1 is text"],
        ["Bo  Ek", 2020, dt.datetime(2002, 1, 2, 3, 4), 12345.678, None, "line\nbreak"],
        [None, None, None, None, None, None],
        ["漢字 🎓", "2021", "5/4/2003", -3, "x@y.z", "x" * 5000],
    ]
    for row in rows:
        ws.append(row)
    ws["G2"] = "=B2+1"
    ws["A1"].font = Font(bold=True, color="FF0000")
    ws["B2"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["C2"].number_format = "dd/mm/yyyy"
    ws["D3"].number_format = "0.0%"
    ws["E2"].border = Border(bottom=Side(style="thin"))
    ws["F3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws["A5"].protection = Protection(locked=False)
    ws["A1"].comment = Comment("teacher's note", "Ana")
    ws["E2"].hyperlink = "mailto:ana@example.org"
    ws.merge_cells("A7:C7")
    ws["A7"] = "merged heading"
    ws.row_dimensions[3].height = 42
    ws.row_dimensions[4].hidden = True
    ws.column_dimensions["A"].width = 31
    ws.freeze_panes = "A2"
    dv = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
    dv.add("H2:H20")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add(
        "B2:B20", CellIsRule(operator="greaterThan", formula=["2019"], font=Font(i=True))
    )
    other = wb.create_sheet("Lijst - Wim")
    other.append(["Naam", "Jaar"])
    other.append(["Wim de Vries", 2018])
    other.sheet_properties.tabColor = "00FF00"
    out = wb.create_sheet("Alumni")
    out.append(["Alumni ID", "Name"])
    out.append(["A-1", "old"])
    wb.save(path)
    return path


def as_excel_writes_it(path: Path) -> Path:
    """Rewrite ``path`` the way Excel stores it: text in a shared-strings table (one entry rich
    text), rows with ``x14ac:dyDescent``, a cell with ``cm`` metadata."""
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    strings: list[bytes] = []

    def shared(m: re.Match[bytes]) -> bytes:
        strings.append(m.group(2))
        return m.group(1) + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        xml = re.sub(rb'(<c [^>]*?) t="inlineStr"><is>(.*?)</is></c>', shared, parts[name], flags=re.S)
        xml = xml.replace(
            f'<worksheet xmlns="{MAIN}"'.encode(),
            f'<worksheet xmlns="{MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac"'.encode(),
        )
        xml = re.sub(rb"<row ([^>]*?)(/?)>", rb'<row \1 x14ac:dyDescent="0.25"\2>', xml)
        xml = xml.replace(b'<c r="G2"', b'<c r="G2" cm="1"', 1)
        parts[name] = xml
    strings[0] = b"<r><rPr><b/></rPr><t>Na</t></r><r><t>me</t></r>"  # "Name", bold "Na"
    sst = f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'.encode()
    parts["xl/sharedStrings.xml"] = sst + b"".join(b"<si>" + s + b"</si>" for s in strings) + b"</sst>"
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_TYPE}"/>'.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", override + b"</Types>")
    rel = f'<Relationship Id="rIdSST" Type="{SHARED_REL}" Target="sharedStrings.xml"/>'.encode()
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", rel + b"</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in parts.items():
            dst.writestr(name, body)
    return path


def commit(path: Path, monkeypatch: pytest.MonkeyPatch, *, splice: bool) -> Path:
    if not splice:
        monkeypatch.setattr(
            "sheets_sync.adapters.xlsx.workbook.strip_kept", lambda data, *_a, **_k: (data, KeptCells())
        )
    book = XlsxWorkbook(path, backups=0)
    book.commit(book.read(), WRITES)
    monkeypatch.undo()
    return path


def describe(path: Path) -> dict[str, object]:
    """Everything a person sees in each tab, as plain data."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, object] = {"tabs": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style and c.comment is None:
                    continue
                cells[c.coordinate] = (
                    c.value,
                    c.data_type,
                    c.number_format,
                    repr(c.font),
                    repr(c.fill),
                    repr(c.border),
                    repr(c.alignment),
                    repr(c.protection),
                    c.quotePrefix,
                    c.comment.text if c.comment else None,
                    c.hyperlink.target if c.hyperlink else None,
                )
        out[ws.title] = {
            "cells": cells,
            "rows": {r: (d.height, d.hidden) for r, d in ws.row_dimensions.items() if d.height or d.hidden},
            "cols": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "validations": sorted(str(dv.sqref) for dv in ws.data_validations.dataValidation),
            "conditional": sorted(str(cf.sqref) for cf in ws.conditional_formatting),
            "freeze": ws.freeze_panes,
            "state": ws.sheet_state,
            "color": repr(ws.sheet_properties.tabColor),
            "protected": ws.protection.sheet,
        }
    return out


@pytest.mark.parametrize("excel_form", [False, True], ids=["openpyxl-written", "excel-written"])
def test_splice_commit_writes_what_a_full_round_trip_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, excel_form: bool
) -> None:
    made = []
    for name in ("spliced", "full"):
        (tmp_path / name).mkdir()
        path = teacher_workbook(tmp_path / name / "w.xlsx")
        made.append(as_excel_writes_it(path) if excel_form else path)
    spliced, full = made
    if excel_form:  # the kept tabs really were copied, not parsed
        _stripped, kept = strip_kept(spliced.read_bytes(), [w.title for w in WRITES])
        assert set(kept.sheet_data) == {"List - Ana", "Lijst - Wim"}
        assert kept.shared is not None and len(kept.shared) > 10
        assert kept.new_rows == {}  # filled in by the commit
    with caplog.at_level("INFO", logger="sheets_sync.adapters.xlsx.workbook"):
        commit(spliced, monkeypatch, splice=True)
    assert "re-parsed" not in caplog.text
    commit(full, monkeypatch, splice=False)
    assert describe(spliced) == describe(full)
    assert read_xlsx(spliced).grids == read_xlsx(full).grids
    ana = openpyxl.load_workbook(spliced)["List - Ana"]
    assert ana["A1"].value == "Name" and ana["F2"].value == "=1+1 is text" and ana["G2"].value == "=B2+1"
    assert ana.row_dimensions[3].height == 42 and ana.row_dimensions[4].hidden


def test_rich_text_of_a_kept_tab_keeps_its_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = commit(as_excel_writes_it(teacher_workbook(tmp_path / "w.xlsx")), monkeypatch, splice=True)
    rich = openpyxl.load_workbook(path, rich_text=True)["List - Ana"]["A1"].value
    assert str(rich) == "Name"
    assert [getattr(b, "font", None) is not None and b.font.b for b in rich] == [True, False]


def test_a_second_commit_reads_back_the_same_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = as_excel_writes_it(teacher_workbook(tmp_path / "w.xlsx"))
    first = read_xlsx(commit(path, monkeypatch, splice=True)).grids
    second = read_xlsx(commit(path, monkeypatch, splice=True)).grids
    assert first == second
    assert first["List - Ana"].rows[1][:2] == ("Ana Pérez", "2019")


def test_an_unexpected_saved_sheet_falls_back_to_a_full_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    broken = as_excel_writes_it(teacher_workbook(tmp_path / "a" / "w.xlsx"))
    full = as_excel_writes_it(teacher_workbook(tmp_path / "b" / "w.xlsx"))

    def fail(self: KeptCells, title: str, xml: bytes) -> bytes:
        raise SpliceError("not as expected")

    monkeypatch.setattr(KeptCells, "_put_back", fail)
    book = XlsxWorkbook(broken, backups=0)
    book.commit(book.read(), WRITES)
    monkeypatch.undo()
    commit(full, monkeypatch, splice=False)
    assert describe(broken) == describe(full)
    assert not list(tmp_path.glob("a/.w.xlsx.*.tmp"))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda xml: xml.replace(b'r="A1"', b"r='A1'", 1),  # single-quoted attributes
        lambda xml: xml.replace(b"<sheetData>", b'<sheetData xmlns:q="urn:q">', 1).replace(
            b"</row>", b"<q:x/></row>", 1
        ),  # an element in a foreign namespace inside the cells
    ],
    ids=["single-quotes", "foreign-element"],
)
def test_cells_in_an_unusual_form_are_left_to_openpyxl_or_fall_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mangle
) -> None:
    path = teacher_workbook(tmp_path / "w.xlsx")
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    parts["xl/worksheets/sheet1.xml"] = mangle(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w") as dst:
        for name, body in parts.items():
            dst.writestr(name, body)
    before = read_xlsx(path).grids["List - Ana"]
    commit(path, monkeypatch, splice=True)
    assert read_xlsx(path).grids["List - Ana"] == before


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_strip_kept_returns_what_it_cannot_understand_unchanged(data: bytes) -> None:
    stripped, kept = strip_kept(data, ["Alumni"])
    assert stripped is data and not kept


def test_strip_kept_empties_kept_and_replaced_tabs_for_openpyxl(tmp_path: Path) -> None:
    data = teacher_workbook(tmp_path / "w.xlsx").read_bytes()
    stripped, kept = strip_kept(data, ["Alumni"])
    wb = openpyxl.load_workbook(io.BytesIO(stripped))
    assert wb.sheetnames == ["List - Ana", "Lijst - Wim", "Alumni"]
    assert wb["Alumni"].max_row == 1 and wb["Alumni"]["A1"].value is None
    assert wb["List - Ana"]["B2"].value is None  # cells are not parsed ...
    assert wb["List - Ana"].column_dimensions["A"].width == 31  # ... everything else is
    assert wb["List - Ana"]["A1"].comment.text == "teacher's note"
    assert set(kept.sheet_data) == {"List - Ana", "Lijst - Wim"}
    assert kept.shared is None  # openpyxl writes inline strings: no table needed
