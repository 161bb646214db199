"""Teachers' lists: one layout and set of habits per teacher, rows rendered from the truth."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from sheets_sync.demo import vocab
from sheets_sync.demo.messy import (
    BAD_PHONES,
    NOTES,
    format_date,
    format_phone,
    format_year,
    impossible_date,
    maybe_strip,
    typo,
)
from sheets_sync.demo.people import Person, strip_accents

NICKNAME_RATE = 0.12
TYPO_RATE = 0.04
DROP_SECOND_SURNAME_RATE = 0.3
BLANK_RATE = 0.07
BAD_CELL_RATE = 0.003


@dataclass(frozen=True)
class ListStyle:
    """How one teacher keeps a list."""

    language: str
    columns: tuple[str, ...]  # vocab.FIELDS keys, in order
    layout: str = "plain"  # "plain" | "title_blank" (title, blank, header) | "row4" (header on row 4)
    names: str = (
        "two"  # "two" | "full" ("Ana García") | "upper_comma" ("GARCÍA, Ana") | "comma" ("García, Ana")
    )
    accent_drop: float = 0.1
    school_email: float = 0.5  # how often the teacher has the school address rather than the personal one
    years: str = "year"  # messy.format_year style, or "mixed"
    dates: str = "dmy"  # "dmy" or "iso" (real Excel dates in the workbook)
    caps_surname: bool = False
    sort_by_surname: bool = False
    blank_row_inside: bool = False


_C = vocab.FIELDS
STYLES: tuple[ListStyle, ...] = (
    ListStyle(
        "es",
        (
            "first_name",
            "surname",
            "email",
            "phone",
            "student_id",
            "graduation_year",
            "qualification",
            "role",
            "consent",
            "last_contact",
        ),
        sort_by_surname=True,
        school_email=0.7,
    ),
    ListStyle(
        "it",
        (
            "surname",
            "first_name",
            "email",
            "phone",
            "student_id",
            "birth_date",
            "graduation_year",
            "qualification",
            "role",
            "consent",
        ),
        layout="title_blank",
        years="school",
    ),
    ListStyle(
        "nl",
        (
            "surname",
            "first_name",
            "email",
            "phone",
            "student_id",
            "graduation_year",
            "qualification",
            "role",
            "category",
            "postcode",
            "city",
            "last_contact",
        ),
        layout="row4",
        school_email=0.3,
    ),
    ListStyle(
        "et",
        (
            "first_name",
            "surname",
            "email",
            "phone",
            "student_id",
            "birth_date",
            "graduation_year",
            "qualification",
            "consent",
            "notes",
        ),
        blank_row_inside=True,
        accent_drop=0.3,
    ),
    ListStyle(
        "en",
        (
            "full_name",
            "email",
            "phone",
            "student_id",
            "graduation_year",
            "qualification",
            "role",
            "strength",
            "last_contact",
            "consent",
            "category",
        ),
        names="upper_comma",
        years="mixed",
        school_email=0.4,
    ),
    ListStyle(
        "es",
        ("full_name", "email", "phone", "graduation_year", "qualification", "category", "consent", "notes"),
        names="full",
        years="month",
        accent_drop=0.8,
        school_email=0.2,
    ),
    ListStyle(
        "it",
        (
            "full_name",
            "email",
            "phone",
            "graduation_year",
            "qualification",
            "last_contact",
            "consent",
            "role",
        ),
        names="comma",
        dates="iso",
        years="mixed",
        caps_surname=False,
    ),
    ListStyle(
        "nl",
        (
            "full_name",
            "email",
            "phone",
            "birth_date",
            "graduation_year",
            "qualification",
            "role",
            "consent",
            "address",
            "city",
        ),
        names="full",
        layout="title_blank",
        school_email=0.5,
    ),
)


def style_for(index: int) -> ListStyle:
    """The first eight lists are the showcase; more lists cycle through them with other layouts."""
    base = STYLES[index % len(STYLES)]
    if index < len(STYLES):
        return base
    layouts = ("plain", "title_blank", "row4")
    return ListStyle(**{**base.__dict__, "layout": layouts[index % 3], "sort_by_surname": index % 4 == 0})


@dataclass(frozen=True)
class Appearance:
    """A person in one list: the relationship the teacher states."""

    person: Person
    role: int  # index into vocab.ROLES[lang] (0 tutor, 1 mentor, 2 class teacher)
    strength: int  # 1..5
    last_contact: dt.date
    email: str  # "school" | "personal" | "any"
    phone: str  # "landline" | "any"
    nickname: bool = False  # the teacher writes the person's nickname
    uncertain: bool = False  # remembered vaguely: a name and a year one off, nothing else (Review)


def header_row(style: ListStyle) -> list[str]:
    return [vocab.HEADERS[style.language][c] for c in style.columns]


def preamble(style: ListStyle, teacher: str, width: int) -> list[list[str]]:
    """Rows above the header: a title row and blank rows."""
    lang = style.language
    if style.layout == "title_blank":
        return [[f"{vocab.TITLES[lang]} ({teacher})"], []]
    if style.layout == "row4":
        return [[vocab.TITLES[lang]], [vocab.SUBTITLES[lang]], []]
    return []


def render_row(rng: random.Random, style: ListStyle, app: Appearance, school_year_end: int) -> list[str]:
    """One data row: only the list's columns are drawn (100,000 rows must stay cheap)."""
    names: tuple[str, tuple[str, ...]] | None = None
    out: list[str] = []
    for column in style.columns:
        if column in _NAME_FIELDS:
            if names is None:
                names = _names(rng, style, app.person, app.nickname)
                if app.uncertain:
                    names = _vague_name(app.person)
            first, surnames = names
            if column == "first_name":
                out.append(first)
            elif column == "surname":
                surname = " ".join(surnames)
                out.append(surname.upper() if style.caps_surname else surname)
            else:
                out.append(_full_name(style.names, first, surnames))
        else:
            value = _CELL[column](rng, style, app)  # drawn anyway: the rows after stay the same
            if app.uncertain and column in _VAGUE:
                value = _VAGUE[column](style, app.person)
            out.append(value)
    return out


def _vague_name(p: Person) -> tuple[str, tuple[str, ...]]:
    """How a teacher who half remembers someone writes them: the nickname, else without the second
    surname, else with one slip in the surname."""
    nicks = vocab.NICKNAMES[p.language].get(p.first_name)
    if nicks:
        return nicks[0], p.surnames
    if len(p.surnames) > 1:
        return p.first_name, p.surnames[:1]
    return p.first_name, (typo(random.Random(p.pid), p.surnames[0]), *p.surnames[1:])


_VAGUE: dict[str, Callable[[ListStyle, Person], str]] = {
    "email": lambda style, p: "",
    "phone": lambda style, p: "",
    "student_id": lambda style, p: "",
    "birth_date": lambda style, p: "",
    "qualification": lambda style, p: "",
    "address": lambda style, p: "",
    "postcode": lambda style, p: "",
    "city": lambda style, p: "",
    "graduation_year": lambda style, p: format_year(
        random.Random(p.pid), p.graduation_year - 1, style.language, style.years, style.dates == "iso"
    ),
}


_NAME_FIELDS = frozenset({"first_name", "surname", "full_name"})


def _student_id(rng: random.Random, style: ListStyle, app: Appearance) -> str:
    sid = app.person.student_id
    return _blank_or(rng, sid.lstrip("0") if rng.random() < 0.03 else sid, 0.15)


def _birth_date(rng: random.Random, style: ListStyle, app: Appearance) -> str:
    if rng.random() < BAD_CELL_RATE:
        return impossible_date(rng, style.language)
    return _blank_or(rng, format_date(app.person.birth_date, style.language, style.dates), 0.2)


def _graduation_year(rng: random.Random, style: ListStyle, app: Appearance) -> str:
    year = app.person.graduation_year + (rng.choice((-1, 1)) if rng.random() < 0.03 else 0)
    return _blank_or(rng, format_year(rng, year, style.language, style.years, style.dates == "iso"), 0.05)


def _qualification(rng: random.Random, style: ListStyle, app: Appearance) -> str:
    names = vocab.QUALIFICATIONS[app.person.qualification][1][style.language]
    qual = names[0] if rng.random() < 0.7 or len(names) == 1 else rng.choice(names[1:])
    return _blank_or(rng, maybe_strip(rng, qual, style.accent_drop), 0.05)


def _notes(rng: random.Random, style: ListStyle, app: Appearance) -> str:
    return rng.choice(NOTES[style.language]) if rng.random() < 0.1 else ""


_CELL: dict[str, Callable[[random.Random, ListStyle, Appearance], str]] = {
    "email": lambda rng, style, app: _email(rng, style, app),
    "phone": lambda rng, style, app: _phone(rng, style, app),
    "student_id": _student_id,
    "birth_date": _birth_date,
    "graduation_year": _graduation_year,
    "qualification": _qualification,
    "department": lambda rng, style, app: vocab.QUALIFICATIONS[app.person.qualification][0],
    "category": lambda rng, style, app: _blank_or(
        rng, vocab.CATEGORIES[style.language][app.person.category], 0.2
    ),
    "role": lambda rng, style, app: _blank_or(rng, vocab.ROLES[style.language][app.role], 0.1),
    "strength": lambda rng, style, app: _blank_or(rng, str(app.strength), 0.1),
    "last_contact": lambda rng, style, app: _blank_or(
        rng, format_date(app.last_contact, style.language, style.dates), 0.25
    ),
    "consent": lambda rng, style, app: _consent(rng, style.language, app.person.consent),
    "notes": _notes,
    "address": lambda rng, style, app: _blank_or(rng, app.person.address, 0.1),
    "postcode": lambda rng, style, app: _blank_or(rng, app.person.postcode, 0.1),
    "city": lambda rng, style, app: _blank_or(rng, app.person.city, 0.1),
}


def _blank_or(rng: random.Random, value: str, rate: float) -> str:
    return "" if rng.random() < rate else value


def _names(rng: random.Random, style: ListStyle, p: Person, nickname: bool) -> tuple[str, tuple[str, ...]]:
    first, surnames = p.first_name, p.surnames
    if p.same_name_as:  # the common-name doubles are always written exactly
        return first, surnames
    nicks = vocab.NICKNAMES[p.language].get(first)
    if nicks and (nickname or rng.random() < NICKNAME_RATE):
        first = rng.choice(nicks)
    if len(surnames) > 1 and rng.random() < DROP_SECOND_SURNAME_RATE:
        surnames = surnames[:1]
    if rng.random() < TYPO_RATE and not nickname:
        if rng.random() < 0.5:
            first = typo(rng, first)
        else:
            surnames = (typo(rng, surnames[0]), *surnames[1:])
    if style.accent_drop and rng.random() < style.accent_drop:
        first, surnames = strip_accents(first), tuple(strip_accents(s) for s in surnames)
    return first, surnames


def _full_name(kind: str, first: str, surnames: tuple[str, ...]) -> str:
    surname = " ".join(surnames)
    if kind == "upper_comma":
        return f"{surname.upper()}, {first}"
    if kind == "comma":
        return f"{surname}, {first}"
    return f"{first} {surname}"


def _email(rng: random.Random, style: ListStyle, app: Appearance) -> str:
    p = app.person
    if rng.random() < BAD_CELL_RATE:
        return "n/a"
    if app.email == "school" or p.personal_email is None:
        address = p.school_email
    elif app.email == "personal":
        address = p.personal_email
    else:
        address = p.school_email if rng.random() < style.school_email else p.personal_email
    if app.email == "any" and rng.random() < BLANK_RATE:
        return ""
    if rng.random() < 0.04:
        local, domain = address.split("@")
        address = f"{local.title()}@{domain.title()}"
    return address


def _phone(rng: random.Random, style: ListStyle, app: Appearance) -> str:
    p = app.person
    if app.phone == "any" and rng.random() < BAD_CELL_RATE:
        return BAD_PHONES[style.language]
    use_landline = p.landline is not None and (app.phone == "landline" or rng.random() < 0.2)
    if app.phone == "any" and rng.random() < BLANK_RATE:
        return ""
    nsn = p.landline if use_landline and p.landline else p.mobile
    return format_phone(rng, nsn, p.language, style.language, landline=use_landline)


def _consent(rng: random.Random, lang: str, consent: str | None) -> str:
    if consent is None or (consent == "yes" and rng.random() < 0.1):
        return ""
    word = vocab.YES[lang] if consent == "yes" else vocab.NO[lang]
    return word.lower() if rng.random() < 0.3 else word
