"""The one date reader: every date a person types, in a teacher's list or a recording sheet.

Day first always (European schools), ISO, month names in the five languages; never a bare number
(a date cell reaches the core as a date: both readers convert it).
:mod:`.normalise` turns its answer into a ``Parsed`` with a fix; the rollups take the date.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as date_parser

from sheets_sync.core.text.fold import clean_text, fold

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan enero ene gennaio gen januari jaanuar jaan",
        "february feb febrero gen febbraio febr februari veebruar veebr",
        "march mar marzo maart mrt maerz marts",
        "april apr abril aprile aprill",
        "may mayo maggio mag mei mai",
        "june jun junio giugno giu juni juuni",
        "july jul julio luglio lug juli juuli",
        "august aug agosto ago augustus",
        "september sep sept septiembre setiembre settembre set septembre",
        "october oct octubre ottobre ott oktober okt",
        "november nov noviembre novembre noiembrie",
        "december dec diciembre dic dicembre detsember dets",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)
_MONTHS["marts"] = 3  # Estonian "märts" folds to "marts"

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
# a time after the date, as a form's timestamp shows it ("15/03/2026 10:23:45", "... 1:05 p.m.")
_TIME = r"(?:,?[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\.?" + _TIME + "$")
_YMD = re.compile(r"^(\d{4})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{1,2})" + _TIME + "$")
SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_WORDY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|o|º)?\s+(?:de\s+)?([a-z]+)\s+(?:de\s+|del\s+)?(\d{4})$")
_WORDY_EN = re.compile(r"^([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})$")


def two_digit_year(yy: int, today: dt.date, future_ok: int = 0) -> int:
    return 2000 + yy if 2000 + yy <= today.year + future_ok else 1900 + yy


def read_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date as people type it, day first (``03/04/2024`` is 3 April), in any of the five languages
    (``3 de marzo de 2024``, ``3 maart 2024``, ``March 3rd 2024``); None when not a date.

    Raises ValueError for a date that does not exist (``31/02/2024``). ``today`` decides the century
    of a two-digit year (default: today). A text missing the day or the year is not a date.
    """
    today = today or dt.date.today()
    s = clean_text(text)
    if m := _ISO.match(s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.match(s):
        year = int(m[3])
        if len(m[3]) == 2:
            year = two_digit_year(year, today)
        return dt.date(year, int(m[2]), int(m[1]))
    if m := _YMD.match(s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if SERIAL.match(s):
        return None  # a number: a date cell reaches the core as a date (the readers convert it)
    folded = fold(s)
    if m := _WORDY.match(folded):
        month = _MONTHS.get(m[2])
        return dt.date(int(m[3]), month, int(m[1])) if month else None
    if m := _WORDY_EN.match(folded):
        month = _MONTHS.get(m[1])
        return dt.date(int(m[3]), month, int(m[2])) if month else None
    if not any(c.isalpha() for c in s) or not any(c.isdigit() for c in s) or len(s) > 40:
        return None
    try:  # last resort for English-ish forms ("3rd of March, 2001")
        one = date_parser.parse(s, dayfirst=True, fuzzy=False, default=dt.datetime(1, 1, 1))
        two = date_parser.parse(s, dayfirst=True, fuzzy=False, default=dt.datetime(2, 2, 2))
    except (ValueError, OverflowError, date_parser.ParserError):
        return None
    if one != two:  # dateutil filled in a missing day, month or year
        return None
    return one.date()
