"""Test harness: one way to set up, edit and read a school workbook on each backend.

``BACKENDS`` lists the backends the end-to-end suite runs on; each ``Harness`` gives the same
operations (a person typing a cell, a teacher adding a list, reading every tab) so the tests
themselves never know which backend they drive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from sheets_sync import schema as tabs
from sheets_sync.config import Config, GoogleConfig, parse_config
from sheets_sync.workbook import Snapshot

BACKENDS = ["xlsx"]
try:  # the Google backend joins the suite once it exists
    import sheets_sync.adapters.gsheets.workbook  # noqa: F401
    from sheets_sync.emulator import SheetsEmulator

    BACKENDS.append("google")
except ImportError:  # pragma: no cover - only while the backend is being written
    SheetsEmulator = None  # type: ignore[assignment,misc]


def _base_config(tmp_path: Path) -> Config:
    return parse_config(
        {"school": {"name": "Test School", "default_region": "ES", "timezone": "Europe/Madrid"}},
        base=tmp_path,
    )


@dataclass
class Harness:
    kind: str
    config: Config
    school: Any
    tmp: Path

    @classmethod
    def create(cls, kind: str, tmp_path: Path, school: Any) -> Harness:
        from sheets_sync.demo import write_demo_workbook

        xlsx = tmp_path / "school.xlsx"
        write_demo_workbook(xlsx, school)
        base = _base_config(tmp_path)
        if kind == "xlsx":
            return cls(kind, replace(base, workbook=xlsx), school, tmp_path)
        from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
        from sheets_sync.emulator.seed import seed_spreadsheet

        emu = SheetsEmulator()
        key = seed_spreadsheet(emu, "test-school", XlsxWorkbook(xlsx).read().grids, title="Test school")
        state = tmp_path / "emulator.json"
        emu.save(state)
        google = GoogleConfig(spreadsheet=key, emulator=state)
        return cls(kind, replace(base, workbook=None, google=google), school, tmp_path)

    # ------------------------------------------------------------------ operations
    def workbook(self):
        from sheets_sync import wiring

        return wiring.open_workbook(self.config)

    def read(self) -> Snapshot:
        return self.workbook().read()

    def set_cell(self, title: str, row: int, col: int, value: str) -> None:
        """A person types ``value`` into sheet row ``row`` (1-based), column ``col`` (0-based)."""
        if self.kind == "xlsx":
            book = load_workbook(self.config.workbook)
            book[title].cell(row=row, column=col + 1, value=value)
            book.save(self.config.workbook)
            return
        emu = SheetsEmulator.load(self.config.google.emulator)
        from sheets_sync.emulator.a1 import cell_a1, quote_title

        emu.set_values(
            self.config.google.spreadsheet, f"{quote_title(title)}!{cell_a1(row - 1, col)}", [[value]]
        )
        emu.save(self.config.google.emulator)

    def append_list_rows(self, title: str, header: list[str], rows: list[list[str]]) -> None:
        """A teacher adds a new list tab."""
        if self.kind == "xlsx":
            book = load_workbook(self.config.workbook)
            ws = book.create_sheet(title)
            for values in [header, *rows]:
                ws.append(values)
                for cell in ws[ws.max_row]:
                    cell.data_type = "s"
            book.save(self.config.workbook)
            return
        emu = SheetsEmulator.load(self.config.google.emulator)
        emu.add_sheet(self.config.google.spreadsheet, title)
        from sheets_sync.emulator.a1 import quote_title

        emu.set_values(self.config.google.spreadsheet, f"{quote_title(title)}!A1", [header, *rows])
        emu.save(self.config.google.emulator)

    def data_row_refs(self, title: str) -> list[str]:
        for lst in self.school.lists:
            if f"{tabs.LIST_PREFIX}{lst.teacher}" == title:
                return [f"{title}!{i + 1}" for i, who in enumerate(lst.truth) if who is not None]
        return []

    def assert_no_formulas(self) -> None:
        if self.kind == "xlsx":
            book = load_workbook(self.config.workbook)
            for title in tabs.OUTPUT_TABS:
                if title in book.sheetnames:
                    for row in book[title].iter_rows():
                        for cell in row:
                            assert cell.data_type != "f", f"{title}!{cell.coordinate} became a formula"
            return
        emu = SheetsEmulator.load(self.config.google.emulator)
        for title in tabs.OUTPUT_TABS:
            formulas = emu.formulas(self.config.google.spreadsheet, title) if hasattr(emu, "formulas") else []
            assert not formulas, f"{title}: {formulas[:3]}"

    def outbox_files(self) -> list[str]:
        folder = self.config.outbox_dir
        return sorted(p.name for p in folder.rglob("*.eml")) if folder.exists() else []
