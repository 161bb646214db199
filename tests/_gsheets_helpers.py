"""Shared set-up for the Google backend tests: real gspread HTTP code against the emulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sheets_sync import schema as tabs
from sheets_sync.adapters.gsheets.http import RetryingHTTPClient
from sheets_sync.adapters.gsheets.workbook import GSheetsWorkbook
from sheets_sync.emulator import FakeClock, SheetsEmulator
from sheets_sync.workbook import TabWrite

KEY = "school-key"
OWNER_COL = tabs.ALUMNI_HEADERS.index("Owner override")
DECISION_COL = tabs.REVIEW_HEADERS.index("Decision")
LONG_AGO = dt.timedelta(seconds=-1)  # every lock is stale: take over what a failed test left


def new_emulator(*sheets: str) -> SheetsEmulator:
    emu = SheetsEmulator(clock=FakeClock())
    emu.create_spreadsheet("School", sheets=list(sheets) or ["List - Ana"], key=KEY)
    return emu


def workbook(
    emu: SheetsEmulator, *, max_retries: int = 3, sleeps: list[float] | None = None
) -> GSheetsWorkbook:
    record = sleeps if sleeps is not None else []
    http = RetryingHTTPClient(
        None, emu.session(), timeout=5.0, max_retries=max_retries, sleep=record.append, rand=lambda: 0.5
    )
    return GSheetsWorkbook(http, KEY, account=emu.user_email)


def alumni_row(n: int, owner_override: str = "") -> list[Any]:
    row: list[Any] = [""] * len(tabs.ALUMNI_HEADERS)
    row[0] = f"A{n:04d}"
    row[1] = f"Person {n}"
    row[2] = f"p{n}@example.com"
    row[3] = "+34 612 345 678"
    row[4] = 2019
    row[OWNER_COL] = owner_override
    return row


def review_row(a: int, b: int, decision: str = "") -> list[Any]:
    row: list[Any] = [""] * len(tabs.REVIEW_HEADERS)
    h = tabs.REVIEW_HEADERS
    row[h.index("Source A")], row[h.index("Source B")] = f"List - Ana!{a}", f"List - Ana!{b}"
    row[h.index("Reasons")] = "same phone"
    row[DECISION_COL] = decision
    return row


def output_writes(alumni: Sequence[int], pairs: Sequence[tuple[int, int]], run: str = "r1") -> list[TabWrite]:
    """The keyed tabs (with staff columns) plus a plain and a hidden tab, as the pipeline shapes them."""
    return [
        TabWrite(
            tabs.ALUMNI,
            tabs.ALUMNI_HEADERS,
            [alumni_row(n) for n in alumni],
            key_columns=("Alumni ID",),
            staff_columns=tabs.ALUMNI_STAFF_COLUMNS,
            notes={"Owner override": "Type a staff name"},
        ),
        TabWrite(
            tabs.REVIEW,
            tabs.REVIEW_HEADERS,
            [review_row(a, b) for a, b in pairs],
            key_columns=("Source A", "Source B"),
            staff_columns=tabs.REVIEW_STAFF_COLUMNS,
            dropdowns={"Decision": tabs.REVIEW_DECISIONS},
        ),
        TabWrite(tabs.SYNC_LOG, tabs.SYNC_LOG_HEADERS, [[run, "2024-01-01T02:00:00"]]),
        TabWrite(tabs.STATE, tabs.STATE_HEADERS, [["id", "k", "v", "2024-01-01"]], hidden=True),
    ]


def values(emu: SheetsEmulator, title: str) -> list[list[Any]]:
    if title not in emu.sheet_titles(KEY):
        return []
    return emu.get_values(KEY, f"'{title}'")


def all_values(emu: SheetsEmulator) -> dict[str, list[list[Any]]]:
    return {t: values(emu, t) for t in emu.sheet_titles(KEY)}


def key_col(title: str) -> int:
    """The column holding a row's key: Review's ``Source A``, else the first."""
    return tabs.REVIEW_HEADERS.index("Source A") if title == tabs.REVIEW else 0


def type_into(emu: SheetsEmulator, title: str, key: str, col: int, text: str) -> None:
    """A person types ``text`` into column ``col`` of the row whose key cell is ``key``."""
    k = key_col(title)
    for r, row in enumerate(values(emu, title)):
        if len(row) > k and row[k] == key:
            emu.set_values(KEY, f"'{title}'!{chr(65 + col)}{r + 1}", [[text]], "USER_ENTERED")
            return
    raise AssertionError(f"{key} not in {title}")


def cell_of(emu: SheetsEmulator, title: str, key: str, col: int) -> str:
    k = key_col(title)
    for row in values(emu, title):
        if len(row) > k and row[k] == key:
            return str(row[col]) if col < len(row) else ""
    raise AssertionError(f"{key} not in {title}")
