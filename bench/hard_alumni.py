"""HARD variant of the generated alumni benchmark: teachers' lists as messy as real ones.

``harden(generate_school(seed, alumni=..., lists=...), seed)`` returns the same school (same
people, same lists, same rows, same truth) with

* a harder population: more very common names shared by different people (some in the same
  year and course), more siblings on a family landline, more formal names with diminutives,
  people who changed mobile, personal email or address;
* every identity cell of every list row written again, the way a real teacher has it: few shared
  identifiers (often a name and one contact), names re-ordered, re-split, shortened, with
  nicknames, dropped or hyphenated second surnames, transliteration slips, dropped accents,
  graduation years off by one, qualifications in another language, abbreviated or decorated.

Every distortion and its rate is a field of :class:`HardRates` and is listed in
``bench/README.md``. The rates were fixed from how real lists look before any engine was run on
them; the matching engines' thresholds stay at their defaults.

Pure and reproducible: the same school and seed give the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from itertools import product

import hard_rows
from hard_vocab import COMMON_FIRST, COMMON_SURNAMES, NICKNAMES

from sheets_sync.demo import vocab
from sheets_sync.demo.lists import style_for
from sheets_sync.demo.model import DemoList, DemoSchool
from sheets_sync.demo.people import EmailBook, make_landline, make_mobile


@dataclass(frozen=True)
class HardRates:
    """Every distortion of the hard set: per person (drawn once) or per list row."""

    # ---- per person
    common_name: float = 0.05  # renamed to a very common name, in groups of 2-4 different people
    common_same_course: float = 0.20  # of those groups: all members share graduation year and course
    formal_name: float = 0.10  # renamed to a formal first name that has diminutives (Francisco...)
    new_sibling_pair: float = 0.045  # x2 people made siblings (surname, family landline, home)
    sibling_same_course: float = 0.30  # of new siblings: the younger took the same course
    old_personal_email: float = 0.25  # of people with a personal email: an older one still in lists
    old_mobile: float = 0.15  # changed mobile number; some lists keep the old one
    moved: float = 0.10  # moved house; some lists keep the old address
    # ---- per row: contacts (a teacher often has a name and one contact)
    contacts: tuple[float, float, float, float] = (0.15, 0.30, 0.30, 0.25)  # none/email/phone/both
    email_school: float = 0.40  # of rows with an email: the school address (else a personal one)
    email_old: float = 0.35  # of personal-email rows, when the person has an older address: that one
    email_case: float = 0.05  # "Ana.Garcia@Example.Com"
    email_typo: float = 0.01  # one letter slipped in the local part
    landline: float = 0.20  # of rows with a phone, person has a landline: the landline
    landline_family: float = 0.50  # the same for siblings (the family landline)
    phone_old: float = 0.35  # of mobile rows, person changed number: the old one
    phone_odd_format: float = 0.15  # dots, dashes, "(+34)" instead of the demo's formats
    phone_excel: float = 0.03  # the sheet ate the "+" or the trunk "0" ("34612345678", "612345678")
    # ---- per row: names
    drop_given: float = 0.25  # compound first name: only the first given name ("María José" -> "María")
    nickname: float = 0.35  # formal first name with diminutives: a diminutive
    initial: float = 0.02  # "J." for the first name
    drop_second_surname: float = 0.40  # Spanish second surname left out
    hyphen_surname: float = 0.10  # "García-López"
    particle: float = 0.20  # Dutch "de Vries": "De Vries", "Vries de" or "Vries" (a third each)
    typo: float = 0.06  # one keyboard slip in one name word
    translit_foreign: float = 0.25  # list language is not the person's: one letter written otherwise
    translit_same: float = 0.03  # the same in the person's own language
    accents: float = 0.40  # at least this share of rows lose their accents (more if the list does)
    swap_columns: float = 0.05  # two name columns: surname typed in the first-name column and back
    all_in_first: float = 0.03  # two name columns: the whole name in the first-name column
    resplit: float = 0.08  # two name columns, compound first name: "Jose | Francisco Peinado"
    order_upper: float = 0.12  # one name column: "GARCÍA LÓPEZ María"
    order_plain: float = 0.06  # one name column: "García López María"
    order_upper_last: float = 0.07  # one name column: "María GARCÍA LÓPEZ"
    # ---- per row: other fields
    sid_blank: float = 0.55  # lists with a student id column: left empty
    sid_zeros: float = 0.03  # leading zeros lost
    sid_typo: float = 0.02  # two digits swapped
    dob_blank: float = 0.40
    dob_swap: float = 0.03  # day and month swapped (only when both <= 12: nobody notices)
    dob_typo: float = 0.02  # one digit of the day or year off
    year_blank: float = 0.10
    year_off: float = 0.10  # off by one ("2018/2019" read as the start), 70% of them one less
    qual_blank: float = 0.20
    qual_near: float = 0.04  # a neighbouring course (cook for tourism, welding for carpentry)
    qual_person_language: float = 0.12  # of named courses: in the person's language
    qual_english: float = 0.10  # in English
    qual_decorated: float = 0.10  # "CFGM Cocina", "MBO-2 Kok", "Level 2 Welding"
    qual_table: float = 0.09  # another synonym from templates/qualifications.csv
    place_blank: float = 0.30  # address, postcode, city


DEFAULT_RATES = HardRates()


def harden(school: DemoSchool, seed: int, rates: HardRates = DEFAULT_RATES) -> DemoSchool:
    """The same school with a harder population and every list row's identity cells re-written."""
    people = _population(random.Random(f"{seed}:hard:people"), school, rates)
    lists: list[DemoList] = []
    for i, demo_list in enumerate(school.lists):
        rng = random.Random(f"{seed}:hard:list:{i}")
        style = style_for(i)
        rows = [
            row if pid is None else hard_rows.render(rng, style, demo_list.columns, row, people[pid], rates)
            for row, pid in zip(demo_list.rows, demo_list.truth, strict=True)
        ]
        lists.append(replace(demo_list, rows=rows))
    return replace(school, lists=lists, people=people)


# ------------------------------------------------------------------ population
def _population(rng: random.Random, school: DemoSchool, rates: HardRates) -> dict[str, dict]:
    people = {pid: dict(facts) for pid, facts in school.people.items()}
    listed = sorted({pid for d in school.lists for pid in d.truth if pid is not None})
    emails = EmailBook()
    emails.used |= {e for p in people.values() for e in p["emails"]}
    phones = {p["mobile"] for p in people.values()} | {
        p["landline"] for p in people.values() if p["landline"]
    }
    eligible = [pid for pid in listed if not people[pid]["siblings"] and not people[pid]["same_name_as"]]
    rng.shuffle(eligible)
    n_common = round(rates.common_name * len(eligible))
    n_formal = round(rates.formal_name * len(eligible))
    common, formal, rest = (
        eligible[:n_common],
        eligible[n_common : n_common + n_formal],
        eligible[n_common + n_formal :],
    )
    _common_names(rng, people, common, emails, rates)
    for pid in formal:
        p = people[pid]
        options = [n for n, (sex, _) in NICKNAMES[p["language"]].items() if sex == p["sex"]]
        if options:
            _rename(rng, p, rng.choice(options), p["surnames"], emails)
    _new_siblings(
        rng, people, rest, round(rates.new_sibling_pair * len(eligible)), emails, phones, rates, school
    )
    by_lang: dict[str, list[str]] = {}
    for pid in listed:
        by_lang.setdefault(people[pid]["language"], []).append(pid)
    for pid in listed:
        p = people[pid]
        hard: dict[str, str] = {}
        if p["personal_email"] and rng.random() < rates.old_personal_email:
            year = dt.date.fromisoformat(p["birth_date"]).year
            hard["old_personal_email"] = emails.personal(rng, p["first_name"], tuple(p["surnames"]), year)
        if rng.random() < rates.old_mobile:
            hard["old_mobile"] = _new_phone(rng, p["language"], phones, landline=False)
        if rng.random() < rates.moved:
            other = people[rng.choice(by_lang[p["language"]])]
            if other["city"] != p["city"]:
                hard["old_address"], hard["old_postcode"], hard["old_city"] = (
                    other["address"],
                    other["postcode"],
                    other["city"],
                )
        p["hard"] = hard
    return people


def _rename(rng: random.Random, p: dict, first: str, surnames: list[str], emails: EmailBook) -> None:
    """A new name, with the school (and personal) address made from it, as the school would."""
    p["first_name"], p["surnames"] = first, list(surnames)
    p["full_name"] = f"{first} {' '.join(surnames)}"
    p["school_email"] = emails.school(rng, first, tuple(surnames))
    if p["personal_email"]:
        year = dt.date.fromisoformat(p["birth_date"]).year
        p["personal_email"] = emails.personal(rng, first, tuple(surnames), year)
    p["emails"] = [p["school_email"]] + ([p["personal_email"]] if p["personal_email"] else [])


def _common_names(
    rng: random.Random, people: dict[str, dict], pids: list[str], emails: EmailBook, rates: HardRates
) -> None:
    """Groups of 2-4 different people who share one very common name (same language and sex)."""
    buckets: dict[tuple[str, str], list[str]] = {}
    for pid in pids:
        buckets.setdefault((people[pid]["language"], people[pid]["sex"]), []).append(pid)
    for (lang, sex), members in sorted(buckets.items()):
        firsts = [f for f, s in COMMON_FIRST[lang] if s == sex]
        combos = list(product(firsts, COMMON_SURNAMES[lang]))
        rng.shuffle(combos)
        iconic_first, iconic_surnames, iconic_sex = vocab.COMMON_NAMES[lang]
        if iconic_sex == sex:  # María García López, Marco Rossi, Jan de Vries, Mart Tamm, James Smith
            combos.insert(0, (iconic_first, iconic_surnames[0]))
        k = g = 0
        while len(members) - k >= 2:
            size = min(rng.randint(2, 4), len(members) - k)
            if len(members) - k - size == 1:
                size += 1
            group = members[k : k + size]
            first, surname = combos[g % len(combos)]
            shared_second = rng.choice([s for s in COMMON_SURNAMES[lang] if s != surname])
            if (first, surname) == (iconic_first, iconic_surnames[0]) and len(iconic_surnames) > 1:
                shared_second = iconic_surnames[1]
            for pid in group:
                p = people[pid]
                surnames = [surname]
                if lang == "es":  # half the groups share both surnames; the others only the first
                    second = shared_second if rng.random() < 0.5 else rng.choice(COMMON_SURNAMES[lang])
                    surnames.append(second if second != surname else shared_second)
                _rename(rng, p, first, surnames, emails)
            if rng.random() < rates.common_same_course:
                lead = people[group[0]]
                for pid in group[1:]:
                    _shift_year(people[pid], lead["graduation_year"])
                    people[pid]["qualification"] = lead["qualification"]
                    people[pid]["department"] = lead["department"]
            k += size
            g += 1
    # at scale a common name is drawn for several groups: every holder of it is a namesake
    holders: dict[tuple[str, str], list[str]] = {}
    for pid in pids:  # "María García López" and "María García Pérez" are both "María García"
        holders.setdefault((people[pid]["first_name"], people[pid]["surnames"][0]), []).append(pid)
    for group in holders.values():
        for pid in group:
            people[pid]["same_name_as"] = [x for x in group if x != pid]


def _shift_year(p: dict, year: int) -> None:
    """Move the graduation year and the birth year with it (the age at graduation stays)."""
    born = dt.date.fromisoformat(p["birth_date"])
    delta = year - p["graduation_year"]
    p["graduation_year"] = year
    p["birth_date"] = born.replace(year=born.year + delta).isoformat()


def _new_siblings(
    rng: random.Random,
    people: dict[str, dict],
    pool: list[str],
    pairs: int,
    emails: EmailBook,
    phones: set[str],
    rates: HardRates,
    school: DemoSchool,
) -> None:
    """``pairs`` pairs of people made siblings: the second takes the first's surnames and home."""
    by_lang: dict[str, list[str]] = {}
    for pid in pool:
        by_lang.setdefault(people[pid]["language"], []).append(pid)
    made = 0
    langs = sorted(by_lang)
    while made < pairs and any(len(by_lang[lang]) >= 2 for lang in langs):
        lang = rng.choice([lang for lang in langs if len(by_lang[lang]) >= 2])
        a, b = people[by_lang[lang].pop()], people[by_lang[lang].pop()]
        if a["first_name"].split()[0] == b["first_name"].split()[0]:
            continue
        if not a["landline"]:
            a["landline"] = _new_phone(rng, lang, phones, landline=True)
            a["phones"] = [a["mobile"], a["landline"]]
        b["landline"] = a["landline"]
        b["phones"] = [b["mobile"], b["landline"]]
        b["address"], b["postcode"], b["city"] = a["address"], a["postcode"], a["city"]
        gap = rng.choice((-4, -3, -2, -1, 1, 2, 3, 4))
        _shift_year(b, max(1995, min(school.school_year_end, a["graduation_year"] + gap)))
        if rng.random() < rates.sibling_same_course:
            b["qualification"], b["department"] = a["qualification"], a["department"]
        _rename(rng, b, b["first_name"], a["surnames"], emails)
        a["siblings"], b["siblings"] = [b["id"]], [a["id"]]
        made += 1


def _new_phone(rng: random.Random, lang: str, used: set[str], landline: bool) -> str:
    while True:
        nsn = make_landline(rng, lang) if landline else make_mobile(rng, lang)
        e164 = f"+{vocab.COUNTRY_CODES[lang]}{nsn}"
        if e164 not in used:
            used.add(e164)
            return e164
