"""How teachers type things: typos, nicknames, phone, year and date habits, bad cells."""

from __future__ import annotations

import datetime as dt
import random

from sheets_sync.demo import vocab
from sheets_sync.demo.people import strip_accents

# national phone groupings per (language, landline?): the national form (with trunk 0) cut in groups
_NATIONAL_GROUPS: dict[tuple[str, bool], tuple[tuple[tuple[int, ...], str], ...]] = {
    ("es", False): (((9,), ""), ((3, 3, 3), " "), ((3, 2, 2, 2), " "), ((3, 3, 3), "-")),
    ("es", True): (((9,), ""), ((2, 3, 2, 2), " "), ((3, 3, 3), " ")),
    ("it", False): (((10,), ""), ((3, 7), " "), ((3, 3, 4), " "), ((3, 7), "/")),
    ("it", True): (((10,), ""), ((2, 8), " "), ((2, 4, 4), " ")),
    ("nl", False): (((10,), ""), ((2, 8), "-"), ((2, 4, 4), " "), ((4, 3, 3), " ")),
    ("nl", True): (((10,), ""), ((3, 7), "-"), ((3, 3, 4), " ")),
    ("et", False): (((8,), ""), ((4, 4), " "), ((3, 2, 3), " ")),
    ("et", True): (((7,), ""), ((3, 4), " ")),
    ("en", False): (((11,), ""), ((5, 6), " "), ((5, 3, 3), " ")),
    ("en", True): (((11,), ""), ((3, 4, 4), " ")),
}
_INTL_GROUPS: dict[tuple[str, bool], tuple[int, ...]] = {
    ("es", False): (3, 3, 3),
    ("es", True): (2, 3, 2, 2),
    ("it", False): (3, 3, 4),
    ("it", True): (2, 8),
    ("nl", False): (1, 8),
    ("nl", True): (2, 3, 4),
    ("et", False): (4, 4),
    ("et", True): (3, 4),
    ("en", False): (4, 6),
    ("en", True): (2, 4, 4),
}
_TRUNK = {"nl": "0", "en": "0"}

BAD_PHONES = {"en": "call me", "es": "llamar", "it": "chiedere", "nl": "bellen", "et": "helista"}
NOTES = {
    "en": ("moved abroad", "works in the sector", "came to open day", "happy to help"),
    "es": ("vive fuera", "trabaja en el sector", "vino a la jornada", "dispuesto a colaborar"),
    "it": ("vive all'estero", "lavora nel settore", "è venuto all'open day", "disponibile"),
    "nl": ("woont in het buitenland", "werkt in de sector", "kwam op open dag", "wil helpen"),
    "et": ("elab välismaal", "töötab erialal", "käis lahtiste uste päeval", "nõus aitama"),
}
DATE_SEPARATORS = {"en": "/", "es": "/", "it": "/", "nl": "-", "et": "."}


def _group(text: str, sizes: tuple[int, ...], sep: str) -> str:
    if sum(sizes) != len(text):
        return text
    out, pos = [], 0
    for size in sizes:
        out.append(text[pos : pos + size])
        pos += size
    return sep.join(out)


def format_phone(rng: random.Random, nsn: str, person_lang: str, list_lang: str, landline: bool) -> str:
    """A number as a teacher of ``list_lang`` writes it (international when the number is foreign)."""
    cc = vocab.COUNTRY_CODES[person_lang]
    international = person_lang != list_lang or rng.random() < 0.25
    if not international:
        national = _TRUNK.get(person_lang, "") + nsn
        sizes, sep = rng.choice(_NATIONAL_GROUPS[(person_lang, landline)])
        return _group(national, sizes, sep)
    grouped = _group(nsn, _INTL_GROUPS[(person_lang, landline)], " ")
    style = rng.randrange(5)
    if style == 0:
        return f"00{cc} {grouped}"
    if style == 1:
        return f"+{cc}{nsn}"
    if style == 2 and person_lang in _TRUNK:
        return f"+{cc} (0){grouped}"
    return f"+{cc} {grouped}"


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: swapped, dropped, doubled or replaced letter (never the first letter)."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0 and word[i].isalpha() and word[i + 1].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    vowels = "aeiou"
    if word[i].lower() in vowels:
        return word[:i] + rng.choice([v for v in vowels if v != word[i].lower()]) + word[i + 1 :]
    return word[:i] + word[i + 1 :]


def maybe_strip(rng: random.Random, text: str, rate: float) -> str:
    return strip_accents(text) if rate and rng.random() < rate else text


def format_date(d: dt.date, language: str, style: str) -> str:
    """``style``: ``"dmy"`` (the language's separator), ``"iso"`` (written as a real Excel date)."""
    if style == "iso":
        return d.isoformat()
    sep = DATE_SEPARATORS[language]
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"


def format_year(rng: random.Random, year: int, language: str, style: str, iso_dates: bool = False) -> str:
    """Graduation year habits: ``2019``, ``19``, ``2018/2019``, ``06/2019``, a date."""
    if style == "mixed":
        style = rng.choice(("year", "year", "year", "short", "school", "month", "date"))
        if style == "date" and iso_dates:
            style = "iso"
    if style == "short":
        return f"{year % 100:02d}"
    if style == "school":
        return f"{year - 1}/{year}"
    if style == "month":
        return f"{rng.choice((6, 7)):02d}/{year}"
    if style == "date":
        return format_date(dt.date(year, rng.choice((6, 7)), rng.randint(1, 30)), language, "dmy")
    if style == "iso":
        return dt.date(year, 6, rng.randint(20, 30)).isoformat()
    return str(year)


def impossible_date(rng: random.Random, language: str) -> str:
    sep = DATE_SEPARATORS[language]
    return rng.choice(
        (f"31{sep}02{sep}{rng.randint(2018, 2024)}", f"30{sep}02{sep}{rng.randint(2018, 2024)}")
    )
