"""Test tools: an in-memory Google Sheets API emulator that real gspread talks to.

from sheets_sync.testing import SheetsEmulator
emu = SheetsEmulator()
key = emu.create_spreadsheet("Alumni", sheets=["Sheet1"])
gc = emu.client()                # gspread.Client routed to the emulator
"""

from .emulator import FakeClock, LoggedRequest, SheetsEmulator, quota_error
from .state import ApiError, Sheet, Spreadsheet

__all__ = ["ApiError", "FakeClock", "LoggedRequest", "Sheet", "SheetsEmulator", "Spreadsheet", "quota_error"]
