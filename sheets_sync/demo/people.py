"""The demo school's people, as they really are (the truth the messy lists are made from).

Names come from Faker in each partner language; contact details are made up on reserved
domains (``example.com``, ``school.example``) and in valid national numbering plans.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

from sheets_sync.demo import vocab

_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L", "đ": "d"})


@lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """``"García Núñez"`` -> ``"Garcia Nunez"`` (what a teacher without an accent key types)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def email_part(text: str) -> str:
    """A name as it appears in an email local part: ascii, lower case, letters only."""
    return "".join(c for c in strip_accents(text).lower() if c.isalnum())


@dataclass(frozen=True)
class Person:
    """One real person (an alumnus, or an event guest who is in no list)."""

    pid: str
    language: str
    sex: str  # "F" / "M"
    first_name: str
    surnames: tuple[str, ...]  # Spanish people have two
    birth_date: dt.date
    student_id: str
    graduation_year: int
    qualification: str  # key of vocab.QUALIFICATIONS
    category: int  # index into tabs.ALUMNI_CATEGORIES
    school_email: str
    personal_email: str | None
    mobile: str  # national significant number (no trunk 0), country from ``language``
    landline: str | None  # shared by siblings
    address: str
    postcode: str
    city: str
    consent: str | None  # "yes", "no" (opted out) or None (never asked)
    siblings: tuple[str, ...] = ()
    same_name_as: tuple[str, ...] = ()
    in_lists: bool = True
    showcase: bool = False  # shown with a nickname, and with school and personal email, in two lists

    @property
    def surname(self) -> str:
        return " ".join(self.surnames)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}"

    @property
    def country_code(self) -> str:
        return vocab.COUNTRY_CODES[self.language]

    def e164(self, nsn: str) -> str:
        return f"+{self.country_code}{nsn}"


# ---------------------------------------------------------------- phone numbers per country
def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def make_mobile(rng: random.Random, language: str) -> str:
    if language == "es":
        return "6" + _digits(rng, 8)
    if language == "it":
        return "3" + rng.choice("2456789") + _digits(rng, 8)
    if language == "nl":
        return "6" + rng.choice("12345") + _digits(rng, 7)
    if language == "et":
        return "5" + rng.choice("1235689") + _digits(rng, 6)
    return "7" + rng.choice("45789") + _digits(rng, 8)


def make_landline(rng: random.Random, language: str) -> str:
    if language == "es":
        return "9" + rng.choice("1345") + _digits(rng, 7)
    if language == "it":
        return "06" + rng.choice("3456789") + _digits(rng, 7)
    if language == "nl":
        return "20" + rng.choice("34567") + _digits(rng, 6)
    if language == "et":
        return "6" + rng.choice("3456") + _digits(rng, 5)
    return "20" + rng.choice("378") + _digits(rng, 7)


# ---------------------------------------------------------------- names
class NameSource:
    """Faker per language, seeded; filters the few historical Dutch surnames a school never sees."""

    POOL = 2000  # after this many Faker draws per (language, kind), reuse those draws

    def __init__(self, seed: int) -> None:
        self.fakers: dict[str, Faker] = {}
        for i, lang in enumerate(vocab.LANGUAGES):
            fake = Faker(vocab.LOCALES[lang])
            fake.seed_instance(seed * 7919 + i)
            self.fakers[lang] = fake
        self._places: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
        # Faker's weighted draw costs ~15 µs; 50,000 people reuse a pool of its earlier draws
        self._pool: dict[tuple[str, str], list[str]] = {}
        self._rng = random.Random(f"{seed}:names")

    def _draw(self, key: tuple[str, str], faker_draw: Callable[[], str]) -> str:
        pool = self._pool.setdefault(key, [])
        if len(pool) < self.POOL:
            pool.append(faker_draw())
            return pool[-1]
        return pool[self._rng.randrange(self.POOL)]

    def first_name(self, language: str, sex: str) -> str:
        fake = self.fakers[language]
        draw = fake.first_name_female if sex == "F" else fake.first_name_male
        return self._draw((language, sex), draw)

    def formal_name(self, rng: random.Random, language: str) -> tuple[str, str]:
        """A Faker first name that has a common nickname (``vocab.NICKNAMES``), with its sex."""
        male: set[str] = set()
        female: set[str] = set()
        for provider in self.fakers[language].get_providers():
            if hasattr(provider, "first_names_male"):
                male, female = set(provider.first_names_male), set(provider.first_names_female)
                break
        options = [(n, "F" if n in female else "M") for n in vocab.NICKNAMES[language] if n in male | female]
        return rng.choice(options) if options else (self.first_name(language, "M"), "M")

    def surname(self, language: str) -> str:
        return self._draw((language, "surname"), lambda: self._faker_surname(language))

    def _faker_surname(self, language: str) -> str:
        fake = self.fakers[language]
        while True:
            name = fake.last_name()
            if "," not in name and len(name) <= 18 and len(name.split()) <= 3:
                return name

    def surnames(self, language: str) -> tuple[str, ...]:
        if language == "es":
            first = self.surname(language)
            second = self.surname(language)
            while second == first:
                second = self.surname(language)
            return (first, second)
        return (self.surname(language),)

    def place(self, rng: random.Random, language: str) -> tuple[str, str, str]:
        """(street address, postcode, city): Faker streets and towns, house numbers drawn here.

        Faker's own ``street_address`` costs ~100 µs; 50,000 people need pools instead.
        """
        pools = self._places.get(language)
        if pools is None:
            pools = self._places[language] = self._place_pools(language)
        streets, towns = pools
        postcode, city = rng.choice(towns)
        return f"{rng.choice(streets)} {rng.randint(1, 180)}", postcode, city

    def _place_pools(self, language: str) -> tuple[list[str], list[tuple[str, str]]]:
        if language == "et":
            streets = ["Pärnu mnt", "Narva mnt", "Tartu mnt", "Pikk", "Mere pst", "Kalda tee", "Sõpruse pst"]
            streets += [f"{self.surname(language)} tn" for _ in range(60)]
            towns = [
                (str(10000 + 1000 * i + j * 7), city)
                for i, city in enumerate(vocab.ET_CITIES)
                for j in range(5)
            ]
            return streets, towns
        fake = self.fakers[language]
        streets = sorted({fake.street_name() for _ in range(400)})
        towns = [(fake.postcode(), fake.city()) for _ in range(300)]
        return streets, towns


# ---------------------------------------------------------------- facts
def school_year_dates(school_year_end: int) -> tuple[dt.date, dt.date]:
    """First and last day of the school year that ends in ``school_year_end`` (Sep..Aug)."""
    return dt.date(school_year_end - 1, 9, 1), dt.date(school_year_end, 8, 31)


def graduation_year(rng: random.Random, school_year_end: int) -> int:
    """1995..school_year_end, more recent years more likely (teachers know recent leavers)."""
    return min(school_year_end, int(rng.triangular(1995, school_year_end + 1, school_year_end + 1)))


def birth_date(rng: random.Random, grad_year: int, older_by: int = 0) -> dt.date:
    age_at_grad = rng.randint(18, 20) if rng.random() < 0.9 else rng.randint(21, 40)
    return dt.date(grad_year - age_at_grad - older_by, rng.randint(1, 12), rng.randint(1, 28))


def category(rng: random.Random) -> int:
    r = rng.random()
    return 0 if r < 0.75 else 1 if r < 0.87 else 2 if r < 0.95 else -1  # -1: Other


def consent(rng: random.Random) -> str | None:
    r = rng.random()
    return "yes" if r < 0.65 else "no" if r < 0.77 else None


class EmailBook:
    """Hands out unique addresses on reserved domains."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.taken: dict[str, int] = {}  # local part -> how many already use it

    def _unique(self, rng: random.Random, local: str, domain: str) -> str:
        local = local.strip("._") or "alumnus"
        address = f"{local}@{domain}"
        n = self.taken.get(local, 0)
        while address in self.used:
            n += 1
            address = f"{local}{n + rng.randrange(3)}@{domain}"
        self.taken[local] = n
        self.used.add(address)
        return address

    def school(self, rng: random.Random, first: str, surnames: tuple[str, ...]) -> str:
        local = f"{email_part(first.split()[0])}.{email_part(surnames[0])}"
        return self._unique(rng, local, vocab.STUDENT_EMAIL_DOMAIN)

    def personal(self, rng: random.Random, first: str, surnames: tuple[str, ...], year: int) -> str:
        f, s = email_part(first.split()[0]), email_part(surnames[0])
        pattern = rng.randrange(6)
        local = (
            f"{f}.{s}",
            f"{f}{s}",
            f"{f[:1]}.{s}",
            f"{f}_{s}{year % 100:02d}",
            f"{s}.{f}",
            f"{f}{year % 100:02d}",
        )[pattern]
        return self._unique(rng, local, rng.choice(vocab.PERSONAL_EMAIL_DOMAINS))


class PhoneBook:
    """Unique numbers per country; landlines are shared only inside a family."""

    def __init__(self) -> None:
        self.used: set[tuple[str, str]] = set()

    def new(self, rng: random.Random, language: str, landline: bool) -> str:
        while True:
            nsn = make_landline(rng, language) if landline else make_mobile(rng, language)
            if (language, nsn) not in self.used:
                self.used.add((language, nsn))
                return nsn
