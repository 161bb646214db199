"""Dates people type into a month-first Google spreadsheet, read as the dates they are.

The sync reads Google cells as displayed (``FORMATTED_VALUE``), and the core reads an ambiguous
``5/4/2001`` day first, as schools in the five languages write it. In a spreadsheet whose locale
writes the month first (``en_US``, the default of many Google accounts), a person who types
``5/4/2001`` means 4 May, and Google stores a date. So, in such a spreadsheet only, the cells
that show a slash date *and* hold a date serial are given to the core as ISO text
(``2001-05-04``), as the local workbook gives its date cells. A slash date typed as plain text
stays as it is (nothing says which order its writer meant).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

# Google locales that write dates month first (Sheets' default date format "M/d/yyyy")
MONTH_FIRST_LOCALES = frozenset(
    {
        "en_US",
        "en_PH",
        "fil_PH",
        "en_PR",
        "en_GU",
        "en_VI",
        "en_AS",
        "en_MP",
        "en_UM",
        "en_FM",
        "en_MH",
        "en_PW",
    }
)
_SLASH_DATE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?\s*$")
_EPOCH = dt.datetime(1899, 12, 30)  # Google Sheets' (and Excel's) day 0


def month_first(locale: str | None) -> bool:
    return (locale or "").replace("-", "_") in MONTH_FIRST_LOCALES


def has_slash_dates(rows: Sequence[Sequence[str]]) -> bool:
    return any(_SLASH_DATE.match(cell) for row in rows for cell in row if "/" in cell)


def iso_from_serial(serial: float, with_time: bool) -> str | None:
    """``36985.5`` -> ``2001-04-05`` (or ``2001-04-05 12:00:00``); None out of range."""
    try:
        when = _EPOCH + dt.timedelta(days=float(serial))
    except (OverflowError, ValueError):
        return None
    if not 1900 <= when.year <= 2200:
        return None
    return when.strftime("%Y-%m-%d %H:%M:%S") if with_time else when.date().isoformat()


def dates_as_iso(shown: Sequence[Sequence[str]], raw: Sequence[Sequence[Any]]) -> tuple[tuple[str, ...], ...]:
    """``shown`` (cells as displayed) with each slash date whose ``raw`` value
    (``UNFORMATTED_VALUE`` + ``SERIAL_NUMBER``) is a number replaced by its ISO text."""
    out = []
    for r, row in enumerate(shown):
        raw_row = raw[r] if r < len(raw) else ()
        cells = list(row)
        for c, text in enumerate(cells):
            if "/" not in text or not _SLASH_DATE.match(text) or c >= len(raw_row):
                continue
            value = raw_row[c]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue  # typed as text: left to the core
            iso = iso_from_serial(value, with_time=":" in text)
            if iso is not None:
                cells[c] = iso
        out.append(tuple(cells))
    return tuple(out)
