"""One normaliser per field type. Every cell arrives as text; each function returns a :class:`Parsed`.

A normaliser never raises on odd input (50,000-character cells, emoji, formulas, any script): what
it cannot understand comes back as ``Parsed(empty, problem, fix)`` and the caller turns it into a
``DataIssue``. Words are recognised in English, Spanish, Italian, Dutch and Estonian, with or without
accents and in any case (see :func:`fold`). Word-valued fields (consent, role, strength, category)
are in :mod:`sheets_sync.core.text.words`, emails and phones in :mod:`sheets_sync.core.text.contacts`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, Generic, TypeVar, cast

from sheets_sync.core.text.dates import SERIAL, read_date, two_digit_year
from sheets_sync.core.text.fold import LOWERCASE_PARTICLES, PARTICLES, clean_text, fold

log = logging.getLogger(__name__)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

LANGUAGES = ("en", "es", "it", "nl", "et")
LANGUAGE_REGION = {"es": "ES", "it": "IT", "nl": "NL", "et": "EE", "en": "GB"}
MAX_VALUE_CHARS = 300  # longest value quoted back in a DataIssue
EXCEL_NUMBER = re.compile(r"^\+?\d+\.0+$")  # a whole number Excel stored as a float ("2019.0")


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A normalised value, or an empty value with the problem and the fix in words."""

    value: T
    problem: str = ""
    fix: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def short_cache(func: F) -> F:
    """Memoise a pure ``func(text, ...)`` for short texts only (lists repeat "2019", "sí", "Ana");
    a 50,000-character cell is computed, never kept."""
    cached = lru_cache(maxsize=32768)(func)

    @wraps(func)
    def wrapper(text: str, *args: Any, **kwargs: Any) -> Any:
        if len(text) > 200:
            return func(text, *args, **kwargs)
        return cached(text, *args, **kwargs)

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return cast(F, wrapper)


# --------------------------------------------------------------------------- text


_PLACEHOLDERS = frozenset(
    "n a, na, n d, nd, none, nil, unknown, tbc, tbd, ninguno, ninguna, nada, desconocido, s n, s d, "
    "nessuno, nessuna, sconosciuto, geen, onbekend, nvt, n v t, puudub, teadmata".split(", ")
)


_PLACEHOLDER_STARTS = frozenset(p[0] for p in _PLACEHOLDERS)


def is_placeholder(text: str) -> bool:
    """A cell that means "nothing here": "n/a", "-", "?", "none", "ninguno", "n.v.t.", "puudub"…"""
    stripped = text.strip()
    if not stripped or len(stripped) > 20:
        return False
    first = stripped[0]
    if first.isascii() and first.isalnum() and first.lower() not in _PLACEHOLDER_STARTS:
        return False  # fold() starts with this character, lower-cased: no placeholder does ("2019")
    if not any(c.isalnum() for c in stripped):
        return len(stripped) <= 5
    return fold(stripped) in _PLACEHOLDERS


def quote(text: str) -> str:
    """The value as entered, shortened for a ``Data issues`` cell."""
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def phrase_lookup(table: dict[str, str]) -> dict[tuple[str, ...], str]:
    """``{value: "phrase, phrase, ..."}`` -> ``{folded phrase words: value}`` (first value wins)."""
    lookup: dict[tuple[str, ...], str] = {}
    for key, phrases in table.items():
        for phrase in phrases.split(","):
            lookup.setdefault(tuple(fold(phrase).split()), key)
    return lookup


def longest_phrase(text: str, lookup: dict[tuple[str, ...], str], max_len: int = 4) -> str | None:
    """The value of the longest phrase (in words) found anywhere in ``text``; leftmost on a tie."""
    words = fold(text).split()
    for size in range(min(max_len, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            hit = lookup.get(tuple(words[start : start + size]))
            if hit is not None:
                return hit
    return None


# --------------------------------------------------------------------------- names

_NAME_SPLIT = re.compile(r"(\s+|-|'|’)")


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower() if word else word


@short_cache
def display_case(name: str, language: str | None = None) -> str:
    """Fix the case of a name written all upper or all lower; leave mixed case ("McDonald") alone.

    Particles stay lower case ("VAN DER BERG" -> "van der Berg"), except in Italian where they are
    capitalised ("DE LUCA" -> "De Luca"); a particle that is the last word is capitalised.
    Hyphens and apostrophes start a new capital ("o'brien" -> "O'Brien").
    """
    name = clean_text(name)
    letters = [c for c in name if c.isalpha()]
    if not letters or not (all(c.isupper() for c in letters) or all(c.islower() for c in letters)):
        return name
    parts = _NAME_SPLIT.split(name)
    word_positions = {i for i, p in enumerate(parts) if p and not p.isspace() and p not in "-'’"}
    last = max(word_positions, default=-1)  # a set: a 50,000-character cell stays linear
    out: list[str] = []
    for i, part in enumerate(parts):
        low = part.lower()
        if i not in word_positions:
            out.append(" " if part.isspace() else part)
        elif low in LOWERCASE_PARTICLES and language != "it" and i != last:
            out.append(low)
        else:
            out.append(_cap(low))
    return "".join(out)


def _first_particle(words: list[str]) -> int | None:
    """Index (>= 1) where a particle-led surname starts, if any."""
    for i in range(1, len(words) - 1):
        if words[i].lower().rstrip("'’") in PARTICLES:
            return i
    return None


@short_cache
def split_name(text: str, language: str | None = None) -> Parsed[tuple[str, str]]:
    """One-column name -> (first names, surname), both display-cased.

    Understood: ``"Ana García López"``, ``"GARCÍA LÓPEZ, Ana"``, ``"Smith, John"``,
    ``"Berg, Jan van der"``, ``"ROSSI Mario"`` (upper-case words are the surname),
    ``"Jan van der Berg"`` (a particle starts the surname). Otherwise the last word is the surname,
    or for Spanish (``language="es"``) the last two words of three or more.
    """
    name = clean_text(text)
    if not name:
        return Parsed(("", ""))
    if "@" in name:
        return Parsed(("", ""), "an email address in the name column", "move it to the email column")
    if not any(c.isalpha() for c in name):
        return Parsed(("", ""), "not a name (no letters)", "write the person's name, e.g. Ana García López")
    if name.startswith("="):  # a formula typed or exported as text: kept as written, never evaluated
        return Parsed((name, ""))
    if name.count(",") == 1:
        surname, _, first = (p.strip() for p in name.partition(","))
        words = first.split()
        moved: list[str] = []
        while len(words) > 1 and words[-1].lower() in PARTICLES:
            moved.insert(0, words.pop())
        first = " ".join(words)
        surname = " ".join([*moved, surname]).strip()
        if not first:
            return Parsed(("", display_case(surname, language)))
        return Parsed((display_case(first, language), display_case(surname, language)))
    words = name.split()
    if len(words) == 1:
        return Parsed((display_case(words[0], language), ""))
    upper = [len(w) > 1 and w.isupper() for w in words]
    if any(upper) and not all(upper):
        caps = [w for w, u in zip(words, upper, strict=True) if u]
        rest = [w for w, u in zip(words, upper, strict=True) if not u]
        # keep particles written in lower case with the upper-case surname ("Jan van der BERG")
        if upper[-1]:
            while rest and rest[-1].lower() in PARTICLES and len(rest) > 1:
                caps.insert(0, rest.pop())
        if rest:
            return Parsed((display_case(" ".join(rest), language), display_case(" ".join(caps), language)))
    cut = _first_particle(words)
    if cut is None:
        if language == "es" and len(words) >= 3:
            cut = len(words) - 2
        else:
            cut = len(words) - 1
    first, surname = " ".join(words[:cut]), " ".join(words[cut:])
    return Parsed((display_case(first, language), display_case(surname, language)))


@short_cache
def name_part(text: str, language: str | None = None) -> Parsed[str]:
    """A first-name or surname cell: cleaned and display-cased."""
    name = clean_text(text)
    if not name:
        return Parsed("")
    if "@" in name:
        return Parsed("", "an email address in a name column", "move it to the email column")
    if not any(c.isalpha() for c in name):
        return Parsed("", "not a name (no letters)", "write the name in letters")
    return Parsed(display_case(name, language))


# --------------------------------------------------------------------------- dates and years

_DATE_FIX = "write it as dd/mm/yyyy (e.g. 03/03/2001) or yyyy-mm-dd"
_NUMBER_NOT_DATE_FIX = "type the date as dd/mm/yyyy (e.g. 03/03/2001), or format the cell as a date"
_YEAR_FIX = "write the year the course ended, e.g. 2019"


@short_cache
def date(text: str, today: dt.date, *, kind: str = "date") -> Parsed[str]:
    """A date in a common European form -> ISO ``yyyy-mm-dd``; day first, always.

    ``kind="birth"`` rejects dates in the future or before 1900; ``kind="contact"`` rejects dates in
    the future or before 1950. A bare number (``36951``) is not a date: a cell the spreadsheet
    typed as a date reaches the core as a date already (both readers convert it), so a number is
    a number a person typed, and reading it as a date serial would invent a fact.
    """
    s = clean_text(text)
    if not s:
        return Parsed("")
    try:
        value = read_date(s, today)
    except ValueError:
        return Parsed("", f"not a real date: {quote(s)}", "check day and month (day comes first)")
    if value is None and SERIAL.match(s):
        return Parsed("", f"a number, not a date: {quote(s)}", _NUMBER_NOT_DATE_FIX)
    if value is None:
        return Parsed("", f"not a date: {quote(s)}", _DATE_FIX)
    if value > today:
        return Parsed("", f"date is in the future: {value.isoformat()}", "check the year")
    earliest = 1900 if kind == "birth" else 1950
    if value.year < earliest:
        return Parsed("", f"date is before {earliest}: {value.isoformat()}", "check the year")
    return Parsed(value.isoformat())


_YEAR_4 = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_SCHOOL_YEAR = re.compile(r"^(\d{2}|\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})$")


def _school_year_end(first: str, second: str, today: dt.date) -> int | None:
    """``2018/2019``, ``2018/19``, ``18/19`` -> 2019; None when the two years do not follow."""
    end = int(second) if len(second) == 4 else two_digit_year(int(second), today, future_ok=6)
    start = int(first) if len(first) == 4 else two_digit_year(int(first), today, future_ok=6)
    return end if end - start in (0, 1) else None


@short_cache
def year(text: str, today: dt.date) -> Parsed[int | None]:
    """Graduation year: ``2019``, ``"19"``, ``"2018/2019"`` or ``"2018/19"`` (the year the school year
    ends), ``"06/2019"``, ``"June 2019"``, ``"Promoción 2019"``, or a full date."""
    s = clean_text(text)
    if not s:
        return Parsed(None)
    latest = today.year + 6  # students still enrolled may be listed with their expected year
    bad: Parsed[int | None] = Parsed(None, f"not a year: {quote(s)}", _YEAR_FIX)
    result: int | None = None
    if EXCEL_NUMBER.match(s):
        s = s.split(".")[0]
    if s.isdecimal() and len(s) > 4 or SERIAL.match(s):
        return bad  # "20199" is a typo, never a date serial (a date cell arrives as a date)
    if s.isdecimal() and len(s) == 4:
        result = int(s)
    elif s.isdecimal() and len(s) == 2:
        result = two_digit_year(int(s), today, future_ok=6)
    elif (m := _SCHOOL_YEAR.match(s)) and _school_year_end(m[1], m[2], today) is not None:
        result = _school_year_end(m[1], m[2], today)
    elif m := _MONTH_YEAR.match(s):
        if not 1 <= int(m[1]) <= 12:
            return bad
        result = int(m[2]) if len(m[2]) == 4 else two_digit_year(int(m[2]), today, future_ok=6)
    elif _SCHOOL_YEAR.match(s):
        return Parsed(None, f"not a school year: {quote(s)}", "write it as 2018/2019 or just 2019")
    else:
        try:
            as_date = read_date(s, today + dt.timedelta(days=366 * 6))
        except ValueError:
            as_date = None
        if as_date is not None:
            result = as_date.year
        else:
            years = set(_YEAR_4.findall(s))
            if len(years) == 1:
                result = int(years.pop())
            elif len(years) == 2:  # "2018 - 2019" written with words around it
                low, high = sorted(int(y) for y in years)
                result = high if high - low == 1 else None
    if result is None:
        return bad
    if not 1930 <= result <= latest:
        return Parsed(None, f"year {result} is not plausible", f"use a year between 1930 and {latest}")
    return Parsed(result)
