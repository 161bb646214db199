"""The pipeline over real files: lists in the workbook, in other files and folders; bad lists are data."""

from __future__ import annotations

from dataclasses import replace

from openpyxl import Workbook as Book

from sheets_sync import schema as tabs
from sheets_sync import wiring
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.app.sync import run_sync
from sheets_sync.config import ListConfig, parse_config


def _book(path, sheets):
    book = Book()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                cell.data_type = "s"
    book.save(path)
    return path


def test_lists_from_tabs_files_and_folders_and_a_missing_one(tmp_path):
    wb = _book(
        tmp_path / "school.xlsx",
        {
            "List - Ana Ruiz": [
                ["Nombre", "Apellidos", "Correo"],
                ["María", "García López", "maria@example.com"],
            ],
            "Oud-leerlingen": [["Voornaam", "Achternaam", "E-mail"], ["Jan", "de Vries", "jan@example.nl"]],
        },
    )
    _book(
        tmp_path / "marco.xlsx",
        {"Foglio1": [["Cognome", "Nome", "E-mail"], ["Rossi", "Marco", "marco@example.it"]]},
    )
    (tmp_path / "lists").mkdir()
    _book(tmp_path / "lists" / "Mart Tamm.xlsx", {"Leht1": [["Eesnimi", "Perekonnanimi"], ["Kati", "Kask"]]})
    _book(
        tmp_path / "lists" / "Sara Bell.xlsx",
        {"Sheet1": [["Full name", "Email"], ["Maria Garcia", "maria@example.com"]]},
    )
    config = replace(
        parse_config({}, base=tmp_path),
        workbook=wb,
        lists=(
            ListConfig(teacher="Wim Jansen", tab="Oud-leerlingen"),
            ListConfig(teacher="Marco Bianchi", path=tmp_path / "marco.xlsx"),
            ListConfig(teacher="", folder=tmp_path / "lists"),
            ListConfig(teacher="Gone", path=tmp_path / "missing.xlsx"),
        ),
    )
    wiring.provision(XlsxWorkbook(wb))
    report, computed = run_sync(config, XlsxWorkbook(wb), external=wiring.external_lists(config))
    readable = {s.teacher for s in report.lists if s.readable}
    assert readable == {"Ana Ruiz", "Wim Jansen", "Marco Bianchi", "Mart Tamm", "Sara Bell"}
    assert [s.teacher for s in report.lists if not s.readable] == ["Gone"]
    assert any(i.row is None and "missing.xlsx" in i.tab for i in report.issues)
    # María in Ana's tab and (without accents) in Sara's file, same email: one alumnus
    maria = [a for a in computed.master.alumni if "maria@example.com" in a.emails]
    assert len(maria) == 1 and len(maria[0].sources) == 2
    assert any("Sara Bell" in s for s in maria[0].sources)
    snap = XlsxWorkbook(wb).read()
    assert "unreadable lists" in snap.grids[tabs.SYNC_LOG].rows[-1][-1]
    assert len(snap.grids[tabs.ALUMNI].rows) - 1 == report.alumni == 4


def test_a_list_without_a_header_is_one_issue_and_the_rest_goes_on(tmp_path):
    wb = _book(
        tmp_path / "school.xlsx",
        {
            "List - Nobody": [["just", "some"], ["words", "here"]],
            "List - Ana": [["Name", "Email"], ["Ana Ruiz", "ana@example.com"]],
        },
    )
    config = replace(parse_config({}, base=tmp_path), workbook=wb)
    report, _ = run_sync(config, XlsxWorkbook(wb))
    assert report.alumni == 1
    assert any(i.tab == "List - Nobody" and i.row is None for i in report.issues)
