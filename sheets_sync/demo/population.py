"""Build the demo school's population: alumni with families and common-name doubles."""

from __future__ import annotations

import random
from dataclasses import replace

from sheets_sync.demo import vocab
from sheets_sync.demo.people import (
    EmailBook,
    NameSource,
    Person,
    PhoneBook,
    birth_date,
    category,
    consent,
    graduation_year,
)

FAMILY_RATE = 0.035  # chance that a person starts a family of 2-3 siblings
LANDLINE_RATE = 0.15  # people outside a family who also have a home landline
PERSONAL_EMAIL_RATE = 0.75
FOREIGN_RATE = 0.1  # people whose language is none of the lists' languages


def person_id(n: int) -> str:
    return f"P{n:05d}"


def build_population(
    rng: random.Random,
    names: NameSource,
    *,
    alumni: int,
    guests: int,
    list_languages: list[str],
    school_year_end: int,
) -> list[Person]:
    """``alumni`` people who will appear in lists, then ``guests`` who appear in no list."""
    total = alumni + guests
    width = max(3, len(str(total)))
    student_numbers = list(range(1, total + 1))
    rng.shuffle(student_numbers)
    emails, phones = EmailBook(), PhoneBook()
    quals = list(vocab.QUALIFICATIONS)

    # two people per list language with the same very common name, sharing nothing else
    twin_langs = [lang for lang in vocab.LANGUAGES if lang in list_languages]
    twin_slots = rng.sample(range(alumni), min(alumni, 2 * len(twin_langs))) if alumni >= 20 else []
    twin_of: dict[int, str] = {slot: twin_langs[k // 2] for k, slot in enumerate(twin_slots)}
    twin_first_index: dict[str, int] = {}
    # at least two families of siblings, and per list language one person with a nickname-able name
    free = [j for j in range(alumni - 1) if j not in twin_of and j + 1 not in twin_of]
    forced = rng.sample(free, min(len(free), 2 + len(twin_langs))) if alumni >= 20 else []
    family_at = set(forced[:2])
    showcase_of = {slot: twin_langs[k] for k, slot in enumerate(forced[2:]) if slot - 1 not in family_at}

    people: list[Person] = []
    i = 0
    while i < total:
        in_lists = i < alumni
        if i in twin_of:
            lang = twin_of[i]
            first, surnames, sex = vocab.COMMON_NAMES[lang]
            partner = twin_first_index.get(lang)
            person = _new_person(
                rng, names, emails, phones, i, lang, sex, first, surnames, quals, school_year_end
            )
            person = replace(person, student_id=f"{student_numbers[i]:0{width}d}")
            if partner is not None:
                person = _unlike(rng, names, person, people[partner], quals, school_year_end)
                people[partner] = replace(people[partner], same_name_as=(person.pid,))
                person = replace(person, same_name_as=(people[partner].pid,))
            else:
                twin_first_index[lang] = i
            people.append(person)
            i += 1
            continue
        if i in showcase_of:
            lang = showcase_of[i]
            first, sex = names.formal_name(rng, lang)
            person = _new_person(
                rng,
                names,
                emails,
                phones,
                i,
                lang,
                sex,
                first,
                names.surnames(lang),
                quals,
                school_year_end,
                student_id=f"{student_numbers[i]:0{width}d}",
            )
            if person.personal_email is None:
                personal = emails.personal(rng, first, person.surnames, person.birth_date.year)
                person = replace(person, personal_email=personal)
            people.append(replace(person, showcase=True))
            i += 1
            continue
        lang = rng.choice(list_languages) if rng.random() > FOREIGN_RATE else rng.choice(vocab.LANGUAGES)
        size = 1
        if i in family_at:
            size = 2
        elif rng.random() < FAMILY_RATE:
            size = 2 if rng.random() < 0.8 else 3
        # a family never straddles alumni/guests nor a common-name slot
        size = max(1, min(size, (alumni if in_lists else total) - i))
        while size > 1 and any(
            j in twin_of or j in showcase_of or j in family_at for j in range(i + 1, i + size)
        ):
            size -= 1
        ids = [f"{student_numbers[i + k]:0{width}d}" for k in range(size)]
        people.extend(_family(rng, names, emails, phones, i, ids, in_lists, lang, quals, school_year_end))
        i += size
    return people


def _new_person(
    rng: random.Random,
    names: NameSource,
    emails: EmailBook,
    phones: PhoneBook,
    index: int,
    lang: str,
    sex: str,
    first: str,
    surnames: tuple[str, ...],
    quals: list[str],
    school_year_end: int,
    *,
    landline: str | None = None,
    place: tuple[str, str, str] | None = None,
    grad: int | None = None,
    older_by: int = 0,
    student_id: str = "",
    in_lists: bool = True,
) -> Person:
    grad = grad if grad is not None else graduation_year(rng, school_year_end)
    born = birth_date(rng, grad, older_by)
    if landline is None and rng.random() < LANDLINE_RATE:
        landline = phones.new(rng, lang, landline=True)
    address, postcode, city = place or names.place(rng, lang)
    personal = (
        emails.personal(rng, first, surnames, born.year) if rng.random() < PERSONAL_EMAIL_RATE else None
    )
    return Person(
        pid=person_id(index + 1),
        language=lang,
        sex=sex,
        first_name=first,
        surnames=surnames,
        birth_date=born,
        student_id=student_id,
        graduation_year=grad,
        qualification=rng.choice(quals),
        category=category(rng),
        school_email=emails.school(rng, first, surnames),
        personal_email=personal,
        mobile=phones.new(rng, lang, landline=False),
        landline=landline,
        address=address,
        postcode=postcode,
        city=city,
        consent=consent(rng),
        in_lists=in_lists,
    )


def _family(
    rng: random.Random,
    names: NameSource,
    emails: EmailBook,
    phones: PhoneBook,
    index: int,
    student_ids: list[str],
    in_lists: bool,
    lang: str,
    quals: list[str],
    school_year_end: int,
) -> list[Person]:
    """Siblings: same surname(s), home landline and address; different first names and ages."""
    size = len(student_ids)
    surnames = names.surnames(lang)
    landline = phones.new(rng, lang, landline=True) if size > 1 else None
    place = names.place(rng, lang)  # a family shares the home; a single person has their own
    members: list[Person] = []
    firsts: set[str] = set()
    grad = graduation_year(rng, school_year_end)
    for k in range(size):
        sex = rng.choice("FM")
        first = names.first_name(lang, sex)
        while first in firsts or any(first.split()[0] == f.split()[0] for f in firsts):
            first = names.first_name(lang, sex)
        firsts.add(first)
        # each sibling graduates a few years after the previous one
        year = max(1995, grad - 2 * k - rng.randint(0, 2)) if k else grad
        member = _new_person(
            rng,
            names,
            emails,
            phones,
            index + k,
            lang,
            sex,
            first,
            surnames,
            quals,
            school_year_end,
            landline=landline if size > 1 else None,
            place=place,
            grad=year,
            student_id=student_ids[k],
            in_lists=in_lists,
        )
        if members and member.birth_date.year >= members[-1].birth_date.year:
            member = replace(
                member, birth_date=member.birth_date.replace(year=members[-1].birth_date.year - 1 - k)
            )
        members.append(member)
    if size > 1:
        ids = tuple(m.pid for m in members)
        members = [replace(m, siblings=tuple(x for x in ids if x != m.pid)) for m in members]
    return members


def _unlike(
    rng: random.Random,
    names: NameSource,
    person: Person,
    other: Person,
    quals: list[str],
    school_year_end: int,
) -> Person:
    """Make ``person`` share nothing but the name with ``other`` (year, birth, qualification, town)."""
    grad = person.graduation_year
    while abs(grad - other.graduation_year) < 3:
        grad = graduation_year(rng, school_year_end)
        if abs(grad - other.graduation_year) < 3:
            grad = (
                other.graduation_year - 5 if other.graduation_year - 5 >= 1995 else other.graduation_year + 5
            )
    qual = person.qualification
    while qual == other.qualification:
        qual = rng.choice(quals)
    born = birth_date(rng, grad)
    address, postcode, city = person.address, person.postcode, person.city
    for _ in range(50):
        if city != other.city and postcode != other.postcode:
            break
        address, postcode, city = names.place(rng, person.language)
    return replace(
        person,
        graduation_year=grad,
        qualification=qual,
        birth_date=born,
        address=address,
        city=city,
        postcode=postcode,
        landline=None,
    )
