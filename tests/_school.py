"""A small school workbook built from literal rows, on either backend, synced in process.

The tests of issue 13 (trust) need a handful of exact cells (a year typed as the number 20199, a
tab called ``Lista - Ana Ruiz``, an ``Alumni`` tab of office notes), not the demo school. Cells
keep their type: an ``int`` is a number cell, a ``datetime.date`` a date cell, a ``str`` text —
on .xlsx through openpyxl, on Google typed into the emulator as a person would (USER_ENTERED).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook as Book
from openpyxl import load_workbook

from sheets_sync import wiring
from sheets_sync.config.load import Config, GoogleConfig, parse_config
from sheets_sync.emulator import SheetsEmulator
from sheets_sync.emulator.a1 import quote_title
from sheets_sync.workbook import Snapshot

KINDS = ["xlsx", "google"]
Rows = list[list[Any]]


def _typed(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()  # USER_ENTERED: the emulator stores a date cell, like Sheets
    return value


@dataclass
class School:
    kind: str
    config: Config
    tmp: Path

    @classmethod
    def create(cls, kind: str, tmp_path: Path, sheets: dict[str, Rows], **school: Any) -> School:
        base = parse_config(
            {"school": {"name": "Test School", "timezone": "Europe/Madrid", **school}}, base=tmp_path
        )
        if kind == "xlsx":
            path = tmp_path / "school.xlsx"
            book = Book()
            book.remove(book.active)
            for title, rows in sheets.items():
                ws = book.create_sheet(title)
                for row in rows:
                    ws.append(row)
                    for cell in ws[ws.max_row]:
                        if isinstance(cell.value, dt.date):
                            cell.number_format = "DD/MM/YYYY"
            book.save(path)
            return cls(kind, replace(base, workbook=path), tmp_path)
        emu = SheetsEmulator()
        key = emu.create_spreadsheet("Test school", sheets=list(sheets) or ["Sheet1"], key="test-school")
        for title, rows in sheets.items():
            if rows:
                values = [[_typed(v) for v in row] for row in rows]
                emu.set_values(key, f"{quote_title(title)}!A1", values, input_option="USER_ENTERED")
        state = tmp_path / "emulator.json"
        emu.save(state)
        google = GoogleConfig(spreadsheet=key, emulator=state)
        return cls(kind, replace(base, workbook=None, google=google), tmp_path)

    def workbook(self) -> Any:
        return wiring.open_workbook(self.config, create=True)

    def init(self) -> tuple[int, int]:
        return wiring.provision(self.workbook())

    def sync(self, **kwargs: Any) -> Any:
        from sheets_sync.commands import run_once

        return run_once(self.config, **kwargs)

    def read(self) -> Snapshot:
        return self.workbook().read()

    def rows(self, title: str) -> list[tuple[str, ...]]:
        return list(self.read().grids[title].rows)

    def add_tab(self, title: str, rows: Rows) -> None:
        """A person adds a tab (after init, say)."""
        if self.kind == "xlsx":
            book = load_workbook(self.config.workbook)
            ws = book.create_sheet(title)
            for row in rows:
                ws.append(row)
            book.save(self.config.workbook)
            return
        emu = SheetsEmulator.load(self.config.google.emulator)
        emu.add_sheet(self.config.google.spreadsheet, title)
        values = [[_typed(v) for v in row] for row in rows]
        emu.set_values(self.config.google.spreadsheet, f"{quote_title(title)}!A1", values, "USER_ENTERED")
        emu.save(self.config.google.emulator)

    def titles(self) -> list[str]:
        if self.kind == "xlsx":
            return load_workbook(self.config.workbook, read_only=True).sheetnames
        return SheetsEmulator.load(self.config.google.emulator).sheet_titles(self.config.google.spreadsheet)
