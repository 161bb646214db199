"""School years and the small text parsers the rollups need (numbers, percentages; dates come from :mod:`.dates`).

A school year starts on a configurable day (``RollupConfig.school_year_start``, default 1 September)
and ends the day before the same date a year later. Its label is ``"2024-25"``; a school year that
starts on 1 January is a calendar year and is labelled ``"2024"``.

Every cell arrives as text; these functions never raise on odd input and return ``None`` for what
they cannot read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sheets_sync.core.text.dates import read_date

_NUMBER = re.compile(r"^[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
_HOURS_MINUTES = re.compile(r"^(\d{1,3}):([0-5]\d)$")
_UNIT = re.compile(r"\s*(?:h|hrs?|hours?|horas?|ore|uur|tundi|%)\.?$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class SchoolYear:
    """One school year: ``start`` .. ``end`` inclusive."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.start.day == 1:
            return str(self.start.year)
        return f"{self.start.year}-{self.end.year % 100:02d}"

    @property
    def end_year(self) -> int:
        """The calendar year in which this school year ends (the year its graduates graduate)."""
        return self.end.year

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def shifted(self, years: int) -> SchoolYear:
        return SchoolYear(_same_day(self.start, self.start.year + years), _year_end(self.start, years))


def _same_day(day: dt.date, year: int) -> dt.date:
    return day.replace(year=year)


def _year_end(start: dt.date, shift: int) -> dt.date:
    return start.replace(year=start.year + shift + 1) - dt.timedelta(days=1)


def school_year_of(day: dt.date, start: tuple[int, int] = (9, 1)) -> SchoolYear:
    """The school year ``day`` falls in, for school years starting on ``start`` = (month, day)."""
    month, first = start
    begin = dt.date(day.year, month, first)
    if day < begin:
        begin = begin.replace(year=day.year - 1)
    return SchoolYear(begin, _year_end(begin, 0))


def parse_date(text: str) -> dt.date | None:
    """A date in a recording sheet, read by the one date reader (:func:`~.dates.read_date`), day first;
    ``None`` when unreadable or impossible."""
    try:
        return read_date(text)
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """``"2"``, ``"1,5"``, ``"1.5 h"``, ``"1:30"`` (hours:minutes) -> float; ``None`` when unreadable."""
    s = _UNIT.sub("", " ".join(text.split())).replace(" ", "")
    if not s:
        return None
    if m := _HOURS_MINUTES.match(s):
        return int(m[1]) + int(m[2]) / 60
    if not _NUMBER.match(s):
        return None
    return float(s.replace(",", "."))


def parse_percent(text: str) -> float | None:
    """A share as entered -> percent (0..100). ``"45%"``, ``"45"`` and ``"0.45"`` all mean 45 %.

    Without a ``%`` sign a value of at most 1 is read as a fraction (``"1"`` = 100 %, ``"0.5"`` =
    50 %). Values outside 0..100 % are ``None``.
    """
    s = text.strip()
    value = parse_number(s)
    if value is None:
        return None
    if not s.endswith("%") and 0 < value <= 1:
        value *= 100
    return value if 0 <= value <= 100 else None


def parse_score(text: str) -> int | None:
    """A 0..10 recommendation score; ``"9"`` and ``"9.0"`` are 9. Anything else is ``None``."""
    value = parse_number(text)
    if value is None or value != int(value) or not 0 <= value <= 10:
        return None
    return int(value)
