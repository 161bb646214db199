"""A second, independent school generator ("school B") to check that matching generalises.

The first generator (``sheets_sync.demo`` and ``bench/hard_*.py``) was written alongside the
matching engine, so the engine may have learnt its habits. This one was written separately, for
issue 15, with habits of its own, and its rates were fixed here *before* the engine was run on it
(``BRates``); the engine keeps its default thresholds on both.

What differs from the first generator:

* **names** from other Faker locales (es_MX / es_AR, nl_BE, it_CH, et_EE, en_US / en_IE), Spanish
  people given two surnames drawn separately; nicknames from a table written here, not the
  product's ``templates/nicknames.csv`` (some are not in it: a miss is then an honest miss);
* **naming conventions per list**: "Surname, First", "SURNAME First", "First Surname",
  first/last columns in either order, a middle initial ("John R. Miller"), lower-case
  Dutch particles in the surname column ("van den Broeck");
* **email patterns per person**: ``first.last``, ``flast``, ``lastfirst07``, ``first_last``,
  ``nick.year``, on ``example.org`` / ``example.net`` / ``mail.example``; school addresses as
  ``s<student number>@school.example`` in some schools and ``first.last@school.example`` in others;
* **list layouts**: 0-3 title rows ("Class list 2019 - Ms X", "updated ..."), a blank row under the
  header, a "Total: N" row at the bottom of some lists, random column subsets and orders;
* **families and namesakes**: siblings sharing surnames, a landline and a town (1-3 years apart,
  sometimes the same course); namesakes (two or three people given the same full name, a third
  of them in the same year); twins are not generated;
* other distortion rates: see :class:`BRates`.

``school_b(profile, seed, people)`` returns the lists (as rows of text cells) and the truth
(``person id`` per ``<tab>!<row>``). Pure and reproducible.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

PROFILES: dict[str, tuple[str, ...]] = {
    # profile -> the people's languages (a list's language is drawn from the same mix)
    "es": ("es",),
    "nl": ("nl",),
    "it": ("it",),
    "et": ("et",),
    "en": ("en",),
    "mix-south": ("es", "it", "en"),
    "mix-north": ("nl", "et", "en"),
}
LOCALES = {
    "es": ("es_MX", "es_AR"),
    "nl": ("nl_BE",),
    "it": ("it_CH", "it_IT"),
    "et": ("et_EE",),
    "en": ("en_US", "en_IE"),
}
REGION = {"es": "ES", "it": "IT", "nl": "NL", "et": "EE", "en": "GB"}
COUNTRY_CODE = {"es": "34", "it": "39", "nl": "31", "et": "372", "en": "44"}

# formal name -> diminutives, written for this generator (not copied from templates/nicknames.csv)
NICKS: dict[str, tuple[str, ...]] = {
    "ignacio": ("Nacho",), "josé": ("Pepe", "Pepito"), "francisco": ("Pancho", "Paco"),
    "guadalupe": ("Lupe",), "dolores": ("Lola",), "concepción": ("Concha",), "eduardo": ("Lalo",),
    "alejandro": ("Alex", "Ale"), "roberto": ("Beto",), "alberto": ("Beto",), "rosario": ("Charo",),
    "giovanni": ("Gianni", "Nanni"), "alessandro": ("Sandro", "Alex"), "giuseppe": ("Peppe", "Pino"),
    "francesca": ("Franci",), "roberto_it": ("Robi",), "antonio": ("Toni", "Tonino"), "luigi": ("Gigi",),
    "margaretha": ("Greet", "Griet"), "johannes": ("Hans", "Jan"), "wilhelmus": ("Wim",),
    "catharina": ("Trees", "Katrien"), "jozef": ("Jef", "Jos"), "pieter": ("Piet",),
    "aleksander": ("Sander", "Aleks"), "katrin": ("Kati",), "jaanus": ("Jaan",), "marju": ("Marju",),
    "william": ("Bill", "Will"), "robert": ("Bob", "Rob"), "elizabeth": ("Liz", "Beth"),
    "katherine": ("Kate", "Katie"), "michael": ("Mike",), "christopher": ("Chris",),
    "jennifer": ("Jen", "Jenny"), "patricia": ("Trish", "Patty"), "thomas": ("Tom",), "daniel": ("Dan",),
}  # fmt: skip


@dataclass(frozen=True)
class BRates:
    """Rates fixed before the engine was run on this generator (issue 15)."""

    lists_per_person: tuple[float, ...] = (0.30, 0.38, 0.22, 0.10)  # 1, 2, 3, 4 lists
    siblings: float = 0.06  # share of people made siblings of another (pairs)
    same_course_siblings: float = 0.35
    namesakes: float = 0.04  # share of people given the full name of another person
    namesake_same_year: float = 0.35
    has_personal_email: float = 0.85
    has_mobile: float = 0.9
    # per row
    contact_none: float = 0.18
    email_school: float = 0.35  # when an email is written: the school address (else personal)
    email_upper: float = 0.04
    phone_landline: float = 0.22  # when a phone is written and the person has a family landline
    nickname: float = 0.28  # when the name has one
    typo: float = 0.05  # one slip in one name word
    accents_dropped: float = 0.45
    second_surname_dropped: float = 0.35  # Spanish
    compound_first_cut: float = 0.30
    middle_initial: float = 0.12  # English lists
    year_missing: float = 0.12
    year_off_by_one: float = 0.07
    sid_missing: float = 0.45
    dob_missing: float = 0.5
    course_missing: float = 0.15
    course_free_text: float = 0.15  # "Cocina 2º", "Kok niveau 4" ... (may not be in the table)


@dataclass
class Person:
    pid: int
    lang: str
    given: list[str]
    surnames: list[str]
    personal: str
    school_email: str
    mobile: str
    landline: str
    sid: str
    birth: dt.date
    year: int
    course: str
    city: str


@dataclass
class SchoolB:
    lists: list[tuple[str, str, str, list[list[str]]]]  # (tab, teacher, language, rows)
    truth: dict[str, int] = field(default_factory=dict)  # "<tab>!<row>" -> person id


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# course code (as in templates/qualifications.csv) -> how a teacher of each language names it
COURSE_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "cookery": {"es": ("Cocina", "Cocina y gastronomía"), "it": ("Cucina", "Enogastronomia"), "nl": ("Kok", "Koken"),
                "et": ("Kokk", "Kokandus"), "en": ("Cookery", "Professional cookery")},
    "hairdressing": {"es": ("Peluquería",), "it": ("Acconciatura", "Parrucchiere"), "nl": ("Kapper",),
                     "et": ("Juuksur",), "en": ("Hairdressing", "Hair & beauty")},
    "mechanics": {"es": ("Electromecánica de vehículos", "Automoción"), "it": ("Meccanica",),
                  "nl": ("Autotechniek", "Monteur"), "et": ("Automehaanik",), "en": ("Motor vehicle", "Mechanics")},
    "welding": {"es": ("Soldadura", "Soldadura y calderería"), "it": ("Saldatura",), "nl": ("Lasser", "Lastechniek"),
                "et": ("Keevitaja",), "en": ("Welding", "Fabrication and welding")},
    "it": {"es": ("Informática", "Sistemas microinformáticos y redes"), "it": ("Informatica",), "nl": ("ICT", "Informatica"),
           "et": ("IT-süsteemide nooremspetsialist", "Tarkvaraarendus"), "en": ("IT", "Computing")},
    "childcare": {"es": ("Educación infantil",), "it": ("Servizi per l'infanzia",), "nl": ("Pedagogisch medewerker",),
                  "et": ("Lapsehoidja",), "en": ("Childcare", "Early years")},
    "administration": {"es": ("Gestión administrativa", "Administración"), "it": ("Amministrazione",),
                       "nl": ("Secretarieel medewerker", "Administratie"), "et": ("Sekretär",),
                       "en": ("Business administration", "Admin")},
    "electrician": {"es": ("Instalaciones eléctricas", "Electricidad"), "it": ("Elettricista", "Impianti elettrici"),
                    "nl": ("Elektrotechniek", "Eerste monteur elektrotechniek"), "et": ("Elektrik",),
                    "en": ("Electrical installation", "Electrician")},
}  # fmt: skip


FREE_TEXT = {
    "es": "{} (grado medio)", "it": "{} - triennio", "nl": "{} niveau 4", "et": "{} 4. tase", "en": "{} level 3",
}  # fmt: skip


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    k = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]  # transposed
    if kind < 0.7:
        return word[:k] + word[k + 1 :]  # dropped
    return word[:k] + word[k] + word[k:]  # doubled


def _phone(p: Person, number: str, rng: random.Random) -> str:
    cc = COUNTRY_CODE[p.lang]
    style = rng.random()
    if style < 0.3:
        return f"+{cc} {number[:3]} {number[3:6]} {number[6:]}"
    if style < 0.5:
        return f"00{cc}{number}"
    if style < 0.8:
        return number if p.lang in ("es", "it", "et") else "0" + number
    return f"({cc}) {number}"


def _people(profile: str, n: int, rng: random.Random, school_pattern: str) -> list[Person]:
    langs = PROFILES[profile]
    fakers = {lang: [Faker(loc) for loc in LOCALES[lang]] for lang in langs}
    for i, fs in enumerate(fakers.values()):
        for k, f in enumerate(fs):
            f.seed_instance(rng.randrange(10**9) + i * 7 + k)
    people: list[Person] = []
    used_numbers: set[str] = set()

    def number(prefix: str) -> str:
        while True:
            value = prefix + "".join(str(rng.randrange(10)) for _ in range(8))
            if value not in used_numbers:
                used_numbers.add(value)
                return value

    for pid in range(n):
        lang = rng.choice(langs)
        fk = rng.choice(fakers[lang])
        female = rng.random() < 0.5
        given = [fk.first_name_female() if female else fk.first_name_male()]
        if lang in ("es", "it") and rng.random() < 0.25:
            given.append(fk.first_name_female() if female else fk.first_name_male())
        given = [w for g in given for w in g.split()][:2]
        surnames = [fk.last_name()]
        if lang == "es":
            surnames.append(fk.last_name())
        surnames = [w for s in surnames for w in [s]]
        year = rng.randrange(2008, 2026)
        sid = f"{year % 100:02d}{rng.randrange(10000):04d}"
        while sid in used_numbers:  # a school never gives one student number twice
            sid = f"{year % 100:02d}{rng.randrange(10000):04d}"
        used_numbers.add(sid)
        people.append(
            Person(
                pid, lang, given, surnames, "", "", number("6" if lang != "en" else "7"), "", sid,
                dt.date(year - rng.randrange(18, 24), rng.randrange(1, 13), rng.randrange(1, 29)),
                year, rng.choice(sorted(COURSE_NAMES)), fk.city(),
            )
        )  # fmt: skip
    # families: a sibling takes the other's surnames, landline and town
    order = list(range(n))
    rng.shuffle(order)
    k_sib = int(n * BRates.siblings / 2)
    for a, b in zip(order[:k_sib], order[k_sib : 2 * k_sib], strict=True):
        pa, pb = people[a], people[b]
        pb.lang, pb.surnames, pb.city = pa.lang, list(pa.surnames), pa.city
        pa.landline = pb.landline = number("9" if pa.lang != "en" else "1")
        pb.year = min(2025, pa.year + rng.choice((-3, -2, -1, 1, 2, 3)))
        if rng.random() < BRates.same_course_siblings:
            pb.course = pa.course
        while pb.given[0] == pa.given[0]:
            pb.given = [rng.choice(fakers[pa.lang]).first_name()]
    # namesakes: someone else's full name, nothing else in common
    rest = order[2 * k_sib :]
    k_ns = int(n * BRates.namesakes)
    for a, b in zip(rest[:k_ns], rest[k_ns : 2 * k_ns], strict=True):
        pa, pb = people[a], people[b]
        pb.lang, pb.given, pb.surnames = pa.lang, list(pa.given), list(pa.surnames)
        if rng.random() < BRates.namesake_same_year:
            pb.year = pa.year
    taken: set[str] = set()

    def unique(local: str, domain: str) -> str:  # a mail server never gives one address twice
        k, address = 1, f"{local}@{domain}"
        while address in taken:
            k += 1
            address = f"{local}{k}@{domain}"
        taken.add(address)
        return address

    for p in people:
        f, s = _ascii(p.given[0]).lower(), _ascii(p.surnames[0]).lower().replace(" ", "").replace("'", "")
        pattern = rng.random()
        local = (
            f"{f}.{s}" if pattern < 0.3 else f"{f[0]}{s}" if pattern < 0.5 else f"{s}{f}{rng.randrange(100):02d}"
            if pattern < 0.7 else f"{f}_{s}" if pattern < 0.85 else f"{f}{p.year % 100:02d}{rng.randrange(10)}"
        )  # fmt: skip
        domain = rng.choice(("example.org", "example.net", "mail.example"))
        p.personal = unique(local, domain) if rng.random() < BRates.has_personal_email else ""
        p.school_email = unique(f"s{p.sid}" if school_pattern == "sid" else f"{f}.{s}", "school.example")
        if rng.random() > BRates.has_mobile:
            p.mobile = ""
    return people


def _name_forms(p: Person, lang: str, rng: random.Random, r: BRates) -> tuple[str, str]:
    given = list(p.given)
    if len(given) > 1 and rng.random() < r.compound_first_cut:
        given = given[:1]
    key = _ascii(given[0]).lower()
    nick = NICKS.get(key) or NICKS.get(given[0].lower())
    if nick and rng.random() < r.nickname:
        given = [rng.choice(nick)]
    surnames = list(p.surnames)
    if len(surnames) > 1 and rng.random() < r.second_surname_dropped:
        surnames = surnames[:1]
    first, last = " ".join(given), " ".join(surnames)
    if lang == "en" and rng.random() < r.middle_initial:
        first = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    if rng.random() < r.typo:
        if rng.random() < 0.5:
            first = " ".join([_typo(given[0], rng), *first.split()[1:]])
        else:
            words = last.split()
            j = rng.randrange(len(words))
            words[j] = _typo(words[j], rng)
            last = " ".join(words)
    if rng.random() < r.accents_dropped or lang != p.lang and rng.random() < 0.5:
        first, last = _ascii(first), _ascii(last)
    return first, last


LAYOUTS = ("last_comma_first", "LAST_first", "first_last", "cols_first_last", "cols_last_first")
HEADERS = {
    "name": {"es": "Alumno", "it": "Nominativo", "nl": "Naam leerling", "et": "Õpilase nimi", "en": "Student"},
    "first": {"es": "Nombre", "it": "Nome", "nl": "Voornaam", "et": "Eesnimi", "en": "Given name"},
    "last": {"es": "Apellidos", "it": "Cognome", "nl": "Familienaam", "et": "Perenimi", "en": "Family name"},
    "email": {"es": "Email personal", "it": "Indirizzo email", "nl": "E-mailadres", "et": "Meiliaadress", "en": "E-mail"},
    "phone": {"es": "Tfno", "it": "Recapito telefonico", "nl": "GSM", "et": "Tel nr", "en": "Contact number"},
    "sid": {"es": "Expediente", "it": "Matricola", "nl": "Stamnummer", "et": "Matrikli nr", "en": "Learner ID"},
    "dob": {"es": "F. nacimiento", "it": "Nato il", "nl": "Geboren", "et": "Sünniaeg", "en": "DOB"},
    "year": {"es": "Promoción", "it": "Anno uscita", "nl": "Examenjaar", "et": "Lend", "en": "Class of"},
    "course": {"es": "Ciclo", "it": "Percorso", "nl": "Opleiding", "et": "Eriala", "en": "Programme"},
    "city": {"es": "Localidad", "it": "Comune", "nl": "Woonplaats", "et": "Linn", "en": "Town"},
}  # fmt: skip
TITLES = {
    "es": "Listado de antiguos alumnos - {}", "it": "Elenco ex allievi - {}", "nl": "Oud-leerlingen {}",
    "et": "Vilistlaste nimekiri - {}", "en": "Former students - {}",
}  # fmt: skip


def _row(p: Person, lang: str, layout: str, cols: list[str], rng: random.Random, r: BRates) -> list[str]:
    first, last = _name_forms(p, lang, rng, r)
    out: list[str] = []
    if layout == "last_comma_first":
        out.append(f"{last}, {first}")
    elif layout == "LAST_first":
        out.append(f"{last.upper()} {first}")
    elif layout == "first_last":
        out.append(f"{first} {last}")
    elif layout == "cols_first_last":
        out += [first, last]
    else:
        out += [last, first]
    none = rng.random() < r.contact_none
    for c in cols:
        value = ""
        if c == "email" and not none:
            school = rng.random() < r.email_school or not p.personal
            value = p.school_email if school else p.personal
            if rng.random() < r.email_upper:
                value = value.upper()
        elif c == "phone" and not none:
            num = p.landline if p.landline and (rng.random() < r.phone_landline or not p.mobile) else p.mobile
            value = _phone(p, num, rng) if num else ""
        elif c == "sid" and rng.random() >= r.sid_missing:
            value = p.sid
        elif c == "dob" and rng.random() >= r.dob_missing:
            value = p.birth.strftime("%d-%m-%Y" if lang in ("nl", "et") else "%d/%m/%Y")
        elif c == "year" and rng.random() >= r.year_missing:
            y = p.year + (rng.choice((-1, 1)) if rng.random() < r.year_off_by_one else 0)
            value = (
                str(y)
                if rng.random() < 0.7
                else f"{y - 1}/{y}"
                if rng.random() < 0.5
                else f"{y - 1}-{str(y)[2:]}"
            )
        elif c == "course" and rng.random() >= r.course_missing:
            name = rng.choice(COURSE_NAMES[p.course][lang if rng.random() < 0.8 else "en"])
            value = FREE_TEXT[lang].format(name) if rng.random() < r.course_free_text else name
        elif c == "city":
            value = p.city if rng.random() < 0.6 else ""
        out.append(value)
    return out


def school_b(
    profile: str, seed: int, people: int = 1200, lists: int = 12, rates: BRates = BRates()
) -> SchoolB:  # noqa: B008
    rng = random.Random(f"school-b:{profile}:{seed}")
    pattern = "sid" if rng.random() < 0.5 else "name"
    persons = _people(profile, people, rng, pattern)
    langs = PROFILES[profile]
    list_langs = [rng.choice(langs) for _ in range(lists)]
    members: list[list[Person]] = [[] for _ in range(lists)]
    for p in persons:
        k = rng.choices(range(1, 5), weights=rates.lists_per_person)[0]
        same_lang = [i for i in range(lists) if list_langs[i] == p.lang] or list(range(lists))
        chosen: set[int] = set()
        while len(chosen) < k:
            chosen.add(rng.choice(same_lang) if rng.random() < 0.7 else rng.randrange(lists))
        for i in chosen:
            members[i].append(p)
    out = SchoolB(lists=[])
    for i in range(lists):
        lang = list_langs[i]
        teacher = f"Teacher {chr(65 + i)}{i}"
        tab = f"List - {teacher}"
        layout = rng.choice(LAYOUTS)
        cols = [c for c in ("email", "phone", "sid", "dob", "year", "course", "city") if rng.random() < 0.7]
        if "email" not in cols and "phone" not in cols:
            cols.insert(0, "email")
        rng.shuffle(cols)
        names = [HEADERS["name"][lang]] if not layout.startswith("cols") else (
            [HEADERS["first"][lang], HEADERS["last"][lang]] if layout == "cols_first_last"
            else [HEADERS["last"][lang], HEADERS["first"][lang]]
        )  # fmt: skip
        rows: list[list[str]] = [[TITLES[lang].format(teacher)] for _ in range(rng.choice((0, 0, 1, 2)))]
        if rows and rng.random() < 0.5:
            rows.append([""])
        rows.append(names + [HEADERS[c][lang] for c in cols])
        people_here = members[i]
        if rng.random() < 0.5:
            people_here.sort(key=lambda p: _ascii(p.surnames[0]))
        else:
            rng.shuffle(people_here)
        for p in people_here:
            rows.append(_row(p, lang, layout, cols, rng, rates))
            out.truth[f"{tab}!{len(rows)}"] = p.pid
        if rng.random() < 0.2:
            rows.append([""])
            rows.append([f"Total: {len(people_here)}"])
        out.lists.append((tab, teacher, lang, rows))
    return out


def truth_pairs(school: SchoolB) -> set[tuple[str, str]]:
    by_person: dict[int, list[str]] = {}
    for ref, pid in school.truth.items():
        by_person.setdefault(pid, []).append(ref)
    out: set[tuple[str, str]] = set()
    for refs in by_person.values():
        refs.sort()
        out |= {(a, b) for k, a in enumerate(refs) for b in refs[k + 1 :]}
    return out
