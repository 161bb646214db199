"""One list row of the HARD alumni benchmark, written from the person's facts (``hard_alumni``)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import random
from typing import TYPE_CHECKING

from hard_vocab import DUTCH_PARTICLES, NEAR_QUALIFICATION, NICKNAMES, QUAL_DECOR, TRANSLITERATIONS

from sheets_sync.demo import vocab
from sheets_sync.demo.lists import ListStyle
from sheets_sync.demo.messy import format_date, format_phone, format_year, typo
from sheets_sync.demo.people import strip_accents
from sheets_sync.resources import read_template_text

if TYPE_CHECKING:
    from hard_alumni import HardRates

REWRITTEN = frozenset(
    {
        "first_name",
        "surname",
        "full_name",
        "email",
        "phone",
        "student_id",
        "birth_date",
        "graduation_year",
        "qualification",
        "address",
        "postcode",
        "city",
    }
)
# the demo's qualification keys -> codes of templates/qualifications.csv
_TABLE_CODE = {
    "electrician": "electrician",
    "cook": "cookery",
    "hairdresser": "hairdressing",
    "mechanic": "mechanics",
    "it_support": "it",
    "care": "healthcare",
    "admin": "accounting",
    "welding": "welding",
    "carpentry": "carpentry",
    "tourism": "hospitality",
}
_TRUNK = {"nl": "0", "en": "0"}


def render(
    rng: random.Random, style: ListStyle, columns: tuple[str, ...], old: list[str], p: dict, rates: HardRates
) -> list[str]:
    """The row ``old`` with every identity cell written again from ``p`` (other cells kept)."""
    lang = style.language
    first, surnames = _name_words(rng, style, p, rates)
    email, phone = _contacts(rng, lang, p, rates)
    out = list(old) + [""] * (len(columns) - len(old))
    two_columns = "first_name" in columns and "surname" in columns
    first_cell, surname_cell = first, " ".join(surnames)
    if two_columns:
        r = rng.random()
        if r < rates.swap_columns:
            first_cell, surname_cell = surname_cell, first_cell
        elif r < rates.swap_columns + rates.all_in_first:
            first_cell, surname_cell = f"{first} {surname_cell}", ""
        elif len(first.split()) > 1 and rng.random() < rates.resplit:
            given = first.split()
            first_cell, surname_cell = given[0], " ".join([*given[1:], surname_cell])
    moved = bool(p["hard"].get("old_city")) and rng.random() < 0.5
    place = "old_" if moved else ""
    for c, column in enumerate(columns):
        if column not in REWRITTEN:
            continue
        if column == "first_name":
            out[c] = first_cell
        elif column == "surname":
            out[c] = surname_cell
        elif column == "full_name":
            out[c] = _full_name(rng, style, first, surnames, rates)
        elif column == "email":
            out[c] = email
        elif column == "phone":
            out[c] = phone
        elif column == "student_id":
            out[c] = _student_id(rng, p["student_id"], rates)
        elif column == "birth_date":
            out[c] = _birth_date(rng, style, p["birth_date"], rates)
        elif column == "graduation_year":
            out[c] = _year(rng, style, p["graduation_year"], rates)
        elif column == "qualification":
            out[c] = _qualification(rng, style, p, rates)
        else:  # address, postcode, city
            out[c] = "" if rng.random() < rates.place_blank else p["hard"].get(place + column, p[column])
    return out


# ------------------------------------------------------------------ names
def _name_words(rng: random.Random, style: ListStyle, p: dict, rates: HardRates) -> tuple[str, list[str]]:
    lang, person_lang = style.language, p["language"]
    first, surnames = p["first_name"], list(p["surnames"])
    given = first.split()
    if len(given) > 1 and rng.random() < rates.drop_given:
        first = given[0]
    formal = NICKNAMES.get(person_lang, {}).get(first)
    if formal and rng.random() < rates.nickname:
        first = rng.choice(formal[1])
    if rng.random() < rates.initial:
        first = first[0] + "."
    if len(surnames) > 1:
        r = rng.random()
        if r < rates.drop_second_surname:
            surnames = surnames[:1]
        elif r < rates.drop_second_surname + rates.hyphen_surname:
            surnames = ["-".join(surnames)]
    if rng.random() < rates.particle:  # "Vries de" only in a surname column, never inside a full name
        after = "surname" in style.columns
        surnames = [_particle(rng, s, after) for s in surnames]
    words = [first, *surnames]
    if rng.random() < rates.typo:
        k = rng.randrange(len(words))
        words[k] = typo(rng, words[k])
    translit = rates.translit_foreign if person_lang != lang else rates.translit_same
    if rng.random() < translit:
        k = rng.randrange(len(words))
        words[k] = _transliterate(rng, words[k])
    if rng.random() < max(rates.accents, style.accent_drop):
        words = [strip_accents(w) for w in words]
    return words[0], words[1:]


def _particle(rng: random.Random, surname: str, after: bool) -> str:
    """Dutch "de Vries" written "De Vries", "Vries" or (``after``: a surname column) "Vries de"."""
    for particle in DUTCH_PARTICLES:
        if surname.startswith(particle) and len(surname) > len(particle):
            rest = surname[len(particle) :]
            kind = rng.randrange(3) if after else rng.choice((0, 2))
            if kind == 0:
                return surname[0].upper() + surname[1:]
            return f"{rest} {particle.strip()}" if kind == 1 else rest
    return surname


def _transliterate(rng: random.Random, word: str) -> str:
    """One letter (group) written the way a teacher of another language hears or types it."""
    lower = word.lower()
    options = [(src, dst) for src, dsts in TRANSLITERATIONS for dst in dsts if src in lower[1:]]
    if not options:
        return word
    src, dst = rng.choice(options)
    at = lower.index(src, 1)
    return word[:at] + dst + word[at + len(src) :]


def _full_name(
    rng: random.Random, style: ListStyle, first: str, surnames: list[str], rates: HardRates
) -> str:
    surname = " ".join(surnames)
    r = rng.random()
    if r < rates.order_upper:
        return f"{surname.upper()} {first}"
    r -= rates.order_upper
    if r < rates.order_plain:
        return f"{surname} {first}"
    r -= rates.order_plain
    if r < rates.order_upper_last:
        return f"{first} {surname.upper()}"
    if style.names == "upper_comma":
        return f"{surname.upper()}, {first}"
    if style.names == "comma":
        return f"{surname}, {first}"
    return f"{first} {surname}"


# ------------------------------------------------------------------ contacts
def _contacts(rng: random.Random, lang: str, p: dict, rates: HardRates) -> tuple[str, str]:
    r, acc, profile = rng.random(), 0.0, 3
    for k, share in enumerate(rates.contacts):
        acc += share
        if r < acc:
            profile = k
            break
    email = _email(rng, p, rates) if profile in (1, 3) else ""
    phone = _phone(rng, lang, p, rates) if profile in (2, 3) else ""
    return email, phone


def _email(rng: random.Random, p: dict, rates: HardRates) -> str:
    old = p["hard"].get("old_personal_email")
    if not p["personal_email"] or rng.random() < rates.email_school:
        address = p["school_email"]
    elif old and rng.random() < rates.email_old:
        address = old
    else:
        address = p["personal_email"]
    local, domain = address.split("@")
    if rng.random() < rates.email_typo and len(local) >= 4:
        local = typo(rng, local)
    if rng.random() < rates.email_case:
        local, domain = local.title(), domain.title()
    return f"{local}@{domain}"


def _phone(rng: random.Random, lang: str, p: dict, rates: HardRates) -> str:
    person_lang = p["language"]
    cc = vocab.COUNTRY_CODES[person_lang]
    share = rates.landline_family if p["siblings"] else rates.landline
    landline = bool(p["landline"]) and rng.random() < share
    if landline:
        e164 = p["landline"]
    elif p["hard"].get("old_mobile") and rng.random() < rates.phone_old:
        e164 = p["hard"]["old_mobile"]
    else:
        e164 = p["mobile"]
    nsn = e164[len(cc) + 1 :]
    national = _TRUNK.get(person_lang, "") + nsn
    r = rng.random()
    if r < rates.phone_excel:
        foreign = person_lang != lang
        return f"{cc}{nsn}" if foreign or person_lang not in _TRUNK else nsn
    if r < rates.phone_excel + rates.phone_odd_format:
        kind = rng.randrange(3)
        if kind == 0:
            return f"{national[:3]}.{national[3:6]}.{national[6:]}"
        if kind == 1:
            return f"+{cc}-{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}"
        return f"(+{cc}) {nsn}"
    return format_phone(rng, nsn, person_lang, lang, landline=landline)


# ------------------------------------------------------------------ other fields
def _student_id(rng: random.Random, sid: str, rates: HardRates) -> str:
    if not sid or rng.random() < rates.sid_blank:
        return ""
    r = rng.random()
    if r < rates.sid_zeros:
        return sid.lstrip("0") or sid
    if r < rates.sid_zeros + rates.sid_typo and len(sid) >= 3:
        i = rng.randrange(len(sid) - 1)
        return sid[:i] + sid[i + 1] + sid[i] + sid[i + 2 :]
    return sid


def _birth_date(rng: random.Random, style: ListStyle, iso: str, rates: HardRates) -> str:
    if rng.random() < rates.dob_blank:
        return ""
    d = dt.date.fromisoformat(iso)
    r = rng.random()
    if r < rates.dob_swap and d.day <= 12 and d.day != d.month:
        d = d.replace(day=d.month, month=d.day)
    elif r < rates.dob_swap + rates.dob_typo:
        if rng.random() < 0.5:
            d = d.replace(day=max(1, min(28, d.day + rng.choice((-1, 1)))))
        else:
            d = d.replace(year=d.year + rng.choice((-1, 1)))
    return format_date(d, style.language, style.dates)


def _year(rng: random.Random, style: ListStyle, year: int, rates: HardRates) -> str:
    if rng.random() < rates.year_blank:
        return ""
    if rng.random() < rates.year_off:
        year += -1 if rng.random() < 0.7 else 1
    return format_year(rng, year, style.language, style.years, style.dates == "iso")


def _qualification(rng: random.Random, style: ListStyle, p: dict, rates: HardRates) -> str:
    if rng.random() < rates.qual_blank:
        return ""
    key = p["qualification"]
    if rng.random() < rates.qual_near:
        key = NEAR_QUALIFICATION[key]
    lang = style.language
    names = vocab.QUALIFICATIONS[key][1]
    r = rng.random()
    if r < rates.qual_person_language:
        text = rng.choice(names[p["language"]])
    elif (r := r - rates.qual_person_language) < rates.qual_english:
        text = rng.choice(names["en"])
    elif (r := r - rates.qual_english) < rates.qual_decorated:
        text = rng.choice(QUAL_DECOR[lang]).format(q=rng.choice(names[lang]))
    elif r - rates.qual_decorated < rates.qual_table:
        text = rng.choice(_table_synonyms(_TABLE_CODE[key]))
    else:
        own = names[lang]
        text = own[0] if rng.random() < 0.7 or len(own) == 1 else rng.choice(own[1:])
    return strip_accents(text) if rng.random() < style.accent_drop else text


@functools.cache
def _table_synonyms(code: str) -> tuple[str, ...]:
    text = read_template_text("qualifications.csv")
    for row in csv.DictReader(text.splitlines()):
        if row["code"] == code:
            words = [w.strip() for w in row["synonyms"].split(";") if w.strip()]
            return tuple(w.upper() if len(w) <= 4 else w[0].upper() + w[1:] for w in words)
    raise KeyError(f"qualification code {code!r} missing from templates/qualifications.csv")
