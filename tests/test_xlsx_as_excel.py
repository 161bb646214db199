"""The .xlsx as Excel sees it (issue 17): formula results kept, Excel's escapes decoded, limits
counted like Excel.

The teacher list is a real LibreOffice file (``tests/data/libreoffice/teacher_formulas.xlsx``,
made by :func:`make_fixture`; see the README next to it): formulas with their cached results
(``<f>...</f><v>...</v>``), shared strings with ``_x000b_`` escapes. The integration test at the
end makes it again with the installed LibreOffice and runs the same checks on the fresh file.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from sheets_sync import schema as tabs
from sheets_sync import wiring
from sheets_sync.adapters.xlsx import splice
from sheets_sync.adapters.xlsx.read import read_xlsx
from sheets_sync.adapters.xlsx.text import MAX_CELL_UNITS, cut, decode, encode, excel_text, utf16_len
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.adapters.xlsx.write import (
    CHOICES_TAB,
    DV_ERROR_UNITS,
    DV_MARK,
    MAX_LIST_FORMULA,
    choices_message,
)
from sheets_sync.commands import run_once
from sheets_sync.config.load import parse_config
from sheets_sync.workbook import CellEdit, ColumnFormat, ProvisionPlan, TabWrite
from tests.test_libreoffice import soffice_or_skip
from tests.test_xlsx_schema import problems

FIXTURE = Path(__file__).parent / "data" / "libreoffice" / "teacher_formulas.xlsx"
LIST = "List - Formulas"
ESCAPES = "List - Escapes"
# cell -> the value LibreOffice cached for the formula there (as the XML holds it)
RESULTS = {"C2": "Bo Ek", "E2": "5", "C3": "Mia Lind", "E3": "8", "F2": "2019", "F3": "2020"}


def make_fixture(out: Path, soffice: str) -> Path:
    """The teacher file as LibreOffice writes it: built with openpyxl (formulas without results,
    Excel escapes typed as text), then opened and saved by LibreOffice, which computes them."""
    (out / "src").mkdir(parents=True, exist_ok=True)
    source = out / "src" / "teacher_formulas.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = LIST
    ws.append(["First name", "Surname", "Full name", "Email", "Letters", "Graduation year"])
    ws.append(["Bo", "Ek", '=A2&" "&B2', "bo.ek@example.com", "=LEN(C2)", "=YEAR(DATE(2019,6,30))"])
    ws.append(["Mia", "Lind", '=A3&" "&B3', "mia.lind@example.com", "=LEN(C3)", "=2020"])
    escapes = wb.create_sheet(ESCAPES)
    escapes.append(["Full name", "Email", "Notes"])
    # what Excel writes for a vertical tab (U+000B) and a unit separator (U+001F) typed in a name,
    # and for a person who typed the text "_x0041_" itself
    escapes.append(["Bo_x000B_ Ek_x001F_Lind", "bo.lind@example.com", "_x005F_x0041_ stays"])
    wb.save(source)
    libreoffice_save(soffice, source, out)
    return out / "teacher_formulas.xlsx"


# --------------------------------------------------------------------------- helpers


def libreoffice_save(soffice: str, source: Path, out: Path) -> None:
    """Open ``source`` in LibreOffice (headless) and save it as .xlsx into the folder ``out``."""
    convert = ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)]
    subprocess.run(
        [soffice, "--headless", "--norestore", *convert], check=True, capture_output=True, timeout=120
    )


def sheet_xml(path: Path, title: str) -> str:
    """The worksheet part of the tab ``title``."""
    with zipfile.ZipFile(path) as archive:
        book = splice._workbook_part(archive)
        return archive.read(splice._sheet_targets(archive, book)[title]).decode()


def cached_results(path: Path, title: str) -> dict[str, str]:
    """cell -> the <v> of each formula cell of the tab (as stored)."""
    xml = sheet_xml(path, title)
    found = {}
    for m in re.finditer(
        r'<c r="([A-Z]+\d+)"[^>]*>(<f\b[^>]*(?:/>|>[^<]*</f>))(?:<v>([^<]*)</v>|<v/>|<v></v>)?', xml
    ):
        found[m.group(1)] = m.group(3) or ""
    return found


def school(tmp_path: Path, teacher_file: Path = FIXTURE):
    """A school workbook whose only list is the LibreOffice file's tabs, and its config."""
    path = tmp_path / "school.xlsx"
    shutil.copy(teacher_file, path)
    config = parse_config(
        {"school": {"name": "Test School", "default_region": "ES", "timezone": "Europe/Madrid"}},
        base=tmp_path,
    )
    return path, replace(config, workbook=path)


def assert_results_kept(path: Path, step: str) -> None:
    assert cached_results(path, LIST) == RESULTS, f"after {step}: formula results lost"
    grids = XlsxWorkbook(path).read().grids  # what the sync reads
    assert grids[ESCAPES].rows[1][2] == "_x0041_ stays", f"after {step}: a literal escape changed"
    assert grids[ESCAPES].rows[1][0] == "Bo\x0b Ek\x1fLind", step
    grid = grids[LIST]
    assert grid.rows[1][2] == "Bo Ek" and grid.rows[2][2] == "Mia Lind", step
    assert grid.rows[1][4:6] == ("5", "2019"), step
    assert "<f" in sheet_xml(path, LIST) and "LEN(C2)" in sheet_xml(path, LIST), f"{step}: formulas lost"


def check_every_save_path(tmp_path: Path, teacher_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, config = school(tmp_path, teacher_file)
    assert_results_kept(path, "LibreOffice")
    formulas = re.findall(r"<f\b[^>]*>[^<]*</f>", sheet_xml(path, LIST))
    assert formulas and all('aca="false"' in f for f in formulas)  # LibreOffice's own form

    wiring.provision(XlsxWorkbook(path))  # init
    # the teacher's cells were copied, not parsed and re-written by openpyxl (which drops aca)
    assert re.findall(r"<f\b[^>]*>[^<]*</f>", sheet_xml(path, LIST)) == formulas, (
        "init re-wrote a teacher tab"
    )
    assert_results_kept(path, "init")
    assert tabs.ALUMNI not in XlsxWorkbook(path).read().grids

    report = run_once(config)  # sync
    assert report.alumni >= 2
    assert_results_kept(path, "sync")
    assert problems(path)[1] == []  # the spliced cells and the results put back: schema-valid
    names = {
        r[tabs.ALUMNI_HEADERS.index("Name")] for r in XlsxWorkbook(path).read().grids[tabs.ALUMNI].rows[1:]
    }
    assert "Mia Lind" in names

    from sheets_sync.app.privacy import forget

    alumni = XlsxWorkbook(path).read().grids[tabs.ALUMNI].rows
    who = next(r[0] for r in alumni[1:] if r[tabs.ALUMNI_HEADERS.index("Name")] == "Mia Lind")
    assert forget(
        config,
        wiring.open_workbook(config),
        who,
        by="DPO",
        external=wiring.external_lists(config),
        queue=wiring.mail_queue(config),
    ).found  # forget
    assert_results_kept(path, "forget")

    # the fallback saves: the kept tabs cannot be spliced, openpyxl round-trips every tab
    original = splice.KeptCells._put_back

    def refuse_once() -> object:
        calls: list[str] = []

        def put_back(self: splice.KeptCells, title: str, xml: bytes) -> bytes:
            calls.append(title)
            if len(calls) == 1:
                raise splice.SpliceError("forced by the test")
            return original(self, title, xml)

        return put_back

    with monkeypatch.context() as m:
        m.setattr(splice.KeptCells, "_put_back", refuse_once())
        wb = XlsxWorkbook(path)
        wb.commit(wb.read(), [TabWrite(title=tabs.DATA_ISSUES, header=tabs.DATA_ISSUES_HEADERS, rows=[])])
    assert "aca=" not in sheet_xml(path, LIST)  # openpyxl did parse and write the teacher tab
    assert_results_kept(path, "the fallback commit")

    shutil.copy(teacher_file, path)  # and init on its fallback path, from LibreOffice's file
    with monkeypatch.context() as m:
        m.setattr(splice.KeptCells, "_put_back", refuse_once())
        wiring.provision(XlsxWorkbook(path))
    assert "aca=" not in sheet_xml(path, LIST)
    assert_results_kept(path, "the fallback init")

    report = run_once(config)  # and the sync after all that still reads them
    assert_results_kept(path, "the last sync")


# --------------------------------------------------------------------------- 1. formula results


def test_the_fixture_is_as_libreoffice_writes_it() -> None:
    with zipfile.ZipFile(FIXTURE) as archive:
        assert b"<Application>LibreOffice" in archive.read("docProps/app.xml")
        assert b"_x000b_" in archive.read("xl/sharedStrings.xml")
    assert cached_results(FIXTURE, LIST) == RESULTS


def test_formula_results_survive_init_sync_forget_and_the_fallback_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_every_save_path(tmp_path, FIXTURE, monkeypatch)


def test_a_template_tab_that_init_edits_keeps_its_formula_results(tmp_path: Path) -> None:
    """A tab init parses (a template a person already typed into, with a formula) keeps them too."""
    title = "Staff"
    path = tmp_path / "school.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(tabs.TEMPLATE_HEADERS[title][:1]))
    ws.append(['="Ana"&" "&"Ruiz"'])
    wb.save(path)
    soffice = shutil.which("soffice")
    if soffice is None:  # the same cells as LibreOffice writes them, without LibreOffice
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                part = src.read(info)
                if info.filename.startswith("xl/worksheets/"):
                    part = part.replace(b"<v></v>", b"<v>Ana Ruiz</v>").replace(
                        b'<c r="A2">', b'<c r="A2" t="str">'
                    )
                dst.writestr(info, part)
    else:
        libreoffice_save(soffice, path, tmp_path / "lo")
        shutil.copy(tmp_path / "lo" / path.name, path)
    assert cached_results(path, title) == {"A2": "Ana Ruiz"}
    wiring.provision(XlsxWorkbook(path))
    assert "<f>" in sheet_xml(path, title) or "<f " in sheet_xml(path, title)
    assert cached_results(path, title) == {"A2": "Ana Ruiz"}
    assert XlsxWorkbook(path).read().grids[title].rows[1][0] == "Ana Ruiz"


# --------------------------------------------------------------------------- 2. escapes


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        ("Bo_x000B_ Ek", "Bo\x0b Ek"),
        ("Bo_x000b_ Ek", "Bo\x0b Ek"),  # LibreOffice writes lower case
        ("_x005F_x0041_", "_x0041_"),  # a literal escape, typed by a person
        ("_x005F_", "_"),
        ("_x00e9_t_x00E9_", "\xe9t\xe9"),
        ("_x12_ _xZZZZ_ x000B_", "_x12_ _xZZZZ_ x000B_"),  # not escapes
        ("plain", "plain"),
    ],
)
def test_escapes_decode_as_excel_does(stored: str, text: str) -> None:
    assert decode(stored) == text


@pytest.mark.parametrize("text", ["_x0041_", "a_x000B_b", "__x0041__", "_x005F_", "no escape", "_x41_"])
def test_what_is_written_is_read_back(text: str) -> None:
    assert decode(encode(text)) == text


def test_both_readers_decode_escapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_xlsx(FIXTURE).grids[ESCAPES].rows
    from sheets_sync.adapters.xlsx import read as xlsx_read

    monkeypatch.setattr(xlsx_read, "sheet_text_rows", lambda ws, cell_text, **limits: None)  # openpyxl's way
    slow = read_xlsx(FIXTURE).grids[ESCAPES].rows
    assert fast == slow
    assert fast[1][0] == "Bo\x0b Ek\x1fLind"
    assert fast[1][2] == "_x0041_ stays"  # a literal stays literal (openpyxl alone reads "A stays")


def test_an_escaped_control_character_becomes_a_clean_name_in_alumni(tmp_path: Path) -> None:
    path, config = school(tmp_path)
    wiring.provision(XlsxWorkbook(path))
    run_once(config)
    alumni = XlsxWorkbook(path).read().grids[tabs.ALUMNI].rows
    names = [r[tabs.ALUMNI_HEADERS.index("Name")] for r in alumni[1:]]
    assert "Bo Ek Lind" in names, names
    assert not any("_x000B_" in v or "_x000b_" in v for r in alumni for v in r)
    # nothing the service wrote holds a control character, escaped or not
    with zipfile.ZipFile(path) as archive:
        book = splice._workbook_part(archive)
        for title, part in splice._sheet_targets(archive, book).items():
            if title.startswith("List - "):
                continue
            xml = archive.read(part).decode()
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", xml), title
            assert not re.search(r"_x00(0[0-8BbCcEeFf]|1[0-9A-Fa-f])_", xml), title


def test_control_characters_are_cleaned_from_written_values(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    wb = XlsxWorkbook(path)
    wb.provision([])
    values = ["Bo\x0bEk", "nul\x00byte", "bell\x07", "half \ud83d pair", "sep\x1fx", "\ufffe"]
    wb.commit(wb.read(), [TabWrite(title=tabs.DATA_ISSUES, header=("Value",), rows=[[v] for v in values])])
    rows = [r[0] for r in wb.read().grids[tabs.DATA_ISSUES].rows[1:]]
    assert rows == ["Bo Ek", "nulbyte", "bell", "half \ufffd pair", "sep x"]


def test_the_subject_access_export_cleans_control_characters_too(tmp_path: Path) -> None:
    """A name decoded from _x000B_ reaches the export workbook as U+000B: openpyxl would refuse it."""
    from sheets_sync.adapters.xlsx.export import write_export_workbook

    name = "Bo\x0b Ek\x1fLind"
    data = {
        "master_record": {"Name": name, "Emails": ["bo@example.com"]},
        "source_rows": [{"ref": "List - Escapes!2", "teacher": "Escapes", "as_entered": {"Full name": name}}],
        "review": [],
        "outreach": [],
        "engagements": [],
        "staff_rows": [],
    }
    path = tmp_path / "export.xlsx"
    write_export_workbook(data, path)
    grids = read_xlsx(path).grids
    assert grids["Master record"].rows[1] == ("Name", "Bo  Ek Lind")
    assert grids["Source rows"].rows[1][2] == "Bo  Ek Lind"


# --------------------------------------------------------------------------- 3. Excel's limits


def test_twenty_thousand_emoji_are_cut_to_excels_cell_limit_without_half_a_pair(tmp_path: Path) -> None:
    text = "\U0001f600" * 20_000  # 40,000 UTF-16 units
    cut_text = excel_text(text, "T", "A1")
    assert utf16_len(cut_text) <= MAX_CELL_UNITS
    assert cut_text == "\U0001f600" * (MAX_CELL_UNITS // 2)  # 16,383 whole emoji, no lone surrogate
    path = tmp_path / "emoji.xlsx"
    wb = XlsxWorkbook(path)
    wb.provision([])
    wb.commit(wb.read(), [TabWrite(title=tabs.DATA_ISSUES, header=("Value",), rows=[[text], ["a" + text]])])
    rows = wb.read().grids[tabs.DATA_ISSUES].rows
    for value in (rows[1][0], rows[2][0]):
        assert utf16_len(value) <= MAX_CELL_UNITS
        assert not re.search("[\ud800-\udfff]", value)
        value.encode("utf-8")  # whole characters only
    assert rows[2][0] == "a" + "\U0001f600" * ((MAX_CELL_UNITS - 1) // 2)


@pytest.mark.parametrize(
    ("text", "units", "expected"),
    [("ab\U0001f600", 3, "ab"), ("ab\U0001f600", 4, "ab\U0001f600"), ("abc", 2, "ab")],
)
def test_cut_never_splits_a_surrogate_pair(text: str, units: int, expected: str) -> None:
    assert cut(text, units) == expected


def test_a_24_choice_dropdown_stays_within_excels_limits(tmp_path: Path) -> None:
    choices = tuple(f"Option {i:02d}" for i in range(1, 25))  # 24 choices, 239 characters as a list
    path = tmp_path / "dv.xlsx"
    wb = XlsxWorkbook(path)
    wb.provision([])
    tw = TabWrite(
        title=tabs.REVIEW, header=("Decision",), rows=[["Option 01"]], dropdowns={"Decision": choices}
    )
    wb.commit(wb.read(), [tw])
    ws = openpyxl.load_workbook(path)[tabs.REVIEW]
    (dv,) = [dv for dv in ws.data_validations.dataValidation if dv.errorTitle == DV_MARK]
    assert utf16_len(dv.formula1) <= MAX_LIST_FORMULA
    assert dv.formula1.strip('"').split(",") == list(choices)
    assert utf16_len(dv.error) <= DV_ERROR_UNITS
    assert dv.error.startswith("Choose one of: Option 01, Option 02") and dv.error.endswith("\u2026")
    assert len(dv.errorTitle) <= 32
    assert problems(path)[1] == []


def test_the_message_names_every_choice_when_they_fit() -> None:
    assert choices_message(("Yes", "No")) == "Choose one of: Yes, No"
    emoji = tuple("\U0001f600" * 10 for _ in range(20))
    assert utf16_len(choices_message(emoji)) <= DV_ERROR_UNITS


LONG = tuple(f"A rather long choice, number {i}" for i in range(1, 13))  # 380 characters as a list


def long_choice_plan(title: str = "Staff") -> ProvisionPlan:
    return ProvisionPlan(
        title=title,
        create=True,
        header_row=0,
        edits=(CellEdit(row=0, col=0, value="Role"),),
        columns=(ColumnFormat(col=0, choices=LONG),),
    )


def dropdowns(path: Path, title: str) -> list[str]:
    ws = openpyxl.load_workbook(path)[title]
    return [dv.formula1 for dv in ws.data_validations.dataValidation if dv.errorTitle == DV_MARK]


def test_choices_too_long_for_an_inline_list_come_from_a_hidden_range(tmp_path: Path) -> None:
    path = tmp_path / "dv.xlsx"
    wb = XlsxWorkbook(path)
    wb.provision([long_choice_plan()])
    assert dropdowns(path, "Staff") == [f"'{CHOICES_TAB}'!$A$1:$A$12"]
    snapshot = wb.read()
    assert CHOICES_TAB in snapshot.hidden
    assert [r[0] for r in snapshot.grids[CHOICES_TAB].rows] == list(LONG)
    # a second init, then a sync writing another long list: one column per list, reused
    wb.provision([replace(long_choice_plan(), create=False, edits=())])
    wb.commit(
        wb.read(),
        [TabWrite(title=tabs.REVIEW, header=("Decision",), rows=[["x"]], dropdowns={"Decision": LONG[::-1]})],
    )
    wb.commit(
        wb.read(),
        [TabWrite(title=tabs.REVIEW, header=("Decision",), rows=[["x"]], dropdowns={"Decision": LONG[::-1]})],
    )
    assert dropdowns(path, "Staff") == [f"'{CHOICES_TAB}'!$A$1:$A$12"]
    assert dropdowns(path, tabs.REVIEW) == [f"'{CHOICES_TAB}'!$B$1:$B$12"]
    grid = wb.read().grids[CHOICES_TAB]
    assert [r[:2] for r in grid.rows] == [(a, b) for a, b in zip(LONG, LONG[::-1], strict=True)]
    assert problems(path)[1] == []


@pytest.mark.integration
def test_libreoffice_keeps_the_range_dropdown(tmp_path: Path) -> None:
    """LibreOffice opens the file and keeps the validation with its range (it drops what it
    cannot read); saved again by it, the service still reads the choices."""
    soffice = soffice_or_skip()
    path = tmp_path / "dv.xlsx"
    XlsxWorkbook(path).provision([long_choice_plan()])
    libreoffice_save(soffice, path, tmp_path / "lo")
    again = tmp_path / "lo" / path.name
    (formula,) = dropdowns(again, "Staff")
    assert formula.replace("'", "").replace("$", "") == f"{CHOICES_TAB}!A1:A12"
    assert [r[0] for r in XlsxWorkbook(again).read().grids[CHOICES_TAB].rows] == list(LONG)


# --------------------------------------------------------------------------- LibreOffice itself


@pytest.mark.integration
def test_a_file_libreoffice_writes_now_keeps_its_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    soffice = soffice_or_skip()
    made = make_fixture(tmp_path / "lo", soffice)
    assert cached_results(made, LIST) == RESULTS
    check_every_save_path(tmp_path, made, monkeypatch)
