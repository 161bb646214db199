"""sheets_sync: consolidates a VET school's alumni spreadsheets every night (TRACKTION guide)."""

__version__ = "0.1.0"
