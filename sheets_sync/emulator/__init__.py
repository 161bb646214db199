"""The Sheets API emulator: an in-memory Google Sheets API v4 (+ Drive v3) that real gspread talks to.

Used by tests, by ``--emulator`` and by the demo's Google mode. The README's public name
``from sheets_sync.testing import SheetsEmulator`` keeps working (:mod:`sheets_sync.testing`).

from sheets_sync.emulator import SheetsEmulator
emu = SheetsEmulator()
key = emu.create_spreadsheet("Alumni", sheets=["Sheet1"])
gc = emu.client()                # gspread.Client routed to the emulator
"""

from sheets_sync.emulator.emulator import FakeClock, LoggedRequest, SheetsEmulator, quota_error
from sheets_sync.emulator.state import ApiError, Sheet, Spreadsheet

__all__ = ["ApiError", "FakeClock", "LoggedRequest", "Sheet", "SheetsEmulator", "Spreadsheet", "quota_error"]
