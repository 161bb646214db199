"""The public name the README documents for the Sheets API emulator (``from sheets_sync.testing import
SheetsEmulator``); it lives in :mod:`sheets_sync.emulator`, a feature of the product (``--emulator``, the demo)."""

from sheets_sync.emulator import (
    ApiError,
    FakeClock,
    LoggedRequest,
    Sheet,
    SheetsEmulator,
    Spreadsheet,
    quota_error,
)

__all__ = ["ApiError", "FakeClock", "LoggedRequest", "Sheet", "SheetsEmulator", "Spreadsheet", "quota_error"]
