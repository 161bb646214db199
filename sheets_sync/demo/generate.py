"""``generate_school``: a whole demo school, pure (no I/O), reproducible from a seed."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import random
from dataclasses import replace

from sheets_sync import schema as tabs
from sheets_sync.demo import vocab
from sheets_sync.demo.lists import Appearance, ListStyle, header_row, preamble, render_row, style_for
from sheets_sync.demo.messy import BAD_PHONES, impossible_date
from sheets_sync.demo.model import DemoList, DemoSchool
from sheets_sync.demo.people import NameSource, Person, email_part
from sheets_sync.demo.population import build_population
from sheets_sync.demo.records import Teacher, staff_rows, template_rows
from sheets_sync.demo.survey import survey_rows

log = logging.getLogger(__name__)

APPEARANCES = ((1, 0.45), (2, 0.30), (3, 0.15), (4, 0.10))  # in how many lists an alumnus is
SAME_LANGUAGE = 0.8  # chance a list holding the person is in the person's language
REVIEW_CASES = 6  # people a teacher remembers only vaguely in one list (Review pairs in the demo)


def generate_school(
    seed: int = 7,
    *,
    alumni: int = 300,
    lists: int = 8,
    school_year_end: int = 2026,
    as_of: dt.date | None = None,
) -> DemoSchool:
    """A realistic school: messy teacher lists in five languages, staff and template rows, with truth.

    ``as_of``: no contact date, event or story lies after this day (the demo run's today), so a
    school year in progress has its events so far and no future ones.
    """
    if alumni < 1 or lists < 1:
        raise ValueError("generate_school needs alumni >= 1 and lists >= 1")
    # millions of small objects and no cycles: the cyclic GC would only rescan them (~20% of the time)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(seed, alumni, lists, school_year_end, as_of)
    finally:
        if was_enabled:
            gc.enable()


def _generate(seed: int, alumni: int, lists: int, school_year_end: int, as_of: dt.date | None) -> DemoSchool:
    names = NameSource(seed)
    styles = [style_for(i) for i in range(lists)]
    teachers = _teachers(random.Random(f"{seed}:teachers"), names, styles)
    guests = max(3, min(12, alumni // 30))
    people = build_population(
        random.Random(f"{seed}:people"),
        names,
        alumni=alumni,
        guests=guests,
        list_languages=[s.language for s in styles],
        school_year_end=school_year_end,
    )
    placed = _assign(random.Random(f"{seed}:assign"), people[:alumni], styles, school_year_end, as_of)
    _vague_rows(random.Random(f"{seed}:review"), placed, max(1, min(REVIEW_CASES, alumni // 50)))
    demo_lists = [
        _render_list(
            random.Random(f"{seed}:list:{i}"), i, styles[i], teachers[i].name, placed[i], school_year_end
        )
        for i in range(lists)
    ]
    _inject_bad_cells(random.Random(f"{seed}:bad"), demo_lists, people)
    facts = _facts(people, demo_lists, placed, teachers)
    tpl_rows, tpl_truth = template_rows(
        random.Random(f"{seed}:templates"), people, demo_lists, teachers, school_year_end, as_of=as_of
    )
    survey, survey_truth = survey_rows(
        random.Random(f"{seed}:survey"), people[:alumni], school_year_end, as_of
    )
    log.info(
        "demo school: %d people, %d lists, %d list rows",
        len(people),
        lists,
        sum(len(d.rows) for d in demo_lists),
    )
    return DemoSchool(
        staff=staff_rows(random.Random(f"{seed}:staff"), names, teachers),
        lists=demo_lists,
        template_rows=tpl_rows,
        people=facts,
        template_truth=tpl_truth,
        school_year_end=school_year_end,
        survey=survey,
        survey_truth=survey_truth,
    )


def _teachers(rng: random.Random, names: NameSource, styles: list[ListStyle]) -> list[Teacher]:
    roles = ("Tutor", "Teacher", "Class teacher")
    used: set[str] = set()
    out: list[Teacher] = []
    for i, style in enumerate(styles):
        while True:
            first = names.first_name(style.language, rng.choice("FM")).split()[0]
            surname = names.surname(style.language)
            name = f"{first} {surname}"
            if len(name) <= 24 and name not in used and not any(c in name for c in "[]:*?/\\'"):
                break
        used.add(name)
        email = f"{email_part(first)}.{email_part(surname)}@{vocab.STAFF_EMAIL_DOMAIN}"
        dept = vocab.QUALIFICATIONS[rng.choice(list(vocab.QUALIFICATIONS))][0]
        out.append(
            Teacher(name=name, email=email, role=roles[i % 3], department=dept, language=style.language)
        )
    return out


def _pick_k(rng: random.Random, limit: int) -> int:
    r, acc = rng.random(), 0.0
    for k, weight in APPEARANCES:
        acc += weight
        if r < acc:
            return min(k, limit)
    return min(APPEARANCES[-1][0], limit)


def _assign(
    rng: random.Random,
    alumni: list[Person],
    styles: list[ListStyle],
    school_year_end: int,
    as_of: dt.date | None = None,
) -> list[list[Appearance]]:
    """Which lists hold whom, with the relationship each teacher states."""
    n_lists = len(styles)
    by_lang: dict[str, list[int]] = {}
    for i, style in enumerate(styles):
        by_lang.setdefault(style.language, []).append(i)
    placed: list[list[Appearance]] = [[] for _ in styles]
    first_list: dict[str, int] = {}
    start = dt.date(school_year_end - 4, 9, 1).toordinal()
    end = min(dt.date(school_year_end, 6, 30), as_of or dt.date.max).toordinal()
    for p in alumni:
        own = by_lang.get(p.language, [])
        k = _pick_k(rng, n_lists) if not p.same_name_as else min(n_lists, rng.choice((1, 2)))
        if p.showcase:
            k = max(k, min(2, n_lists))
        chosen: list[int] = []
        sibling_list = next((first_list[s] for s in p.siblings if s in first_list), None)
        if sibling_list is not None and rng.random() < 0.6:
            chosen.append(sibling_list)
        twin_lists = {first_list[s] for s in p.same_name_as if s in first_list}
        while len(chosen) < k:
            pool = own if own and rng.random() < SAME_LANGUAGE else range(n_lists)
            options = [i for i in pool if i not in chosen and i not in twin_lists] or [
                i for i in range(n_lists) if i not in chosen
            ]
            chosen.append(rng.choice(options))
        first_list[p.pid] = chosen[0]
        emails = ["any"] * k
        if k >= 2 and p.personal_email and (p.showcase or rng.random() < 0.5):
            emails[0], emails[1] = "school", "personal"
        for j, li in enumerate(chosen):
            role = 0 if rng.random() < 0.25 else 1 if rng.random() < 0.33 else 2
            placed[li].append(
                Appearance(
                    person=p,
                    role=role,
                    strength=rng.randint(1, 5),
                    last_contact=dt.date.fromordinal(rng.randint(start, end)),
                    email=emails[j],
                    phone="landline" if p.siblings and j == 0 else "any",
                    nickname=p.showcase and j == 1,
                )
            )
    return placed


def _vague_rows(rng: random.Random, placed: list[list[Appearance]], n: int) -> None:
    """Make ``n`` people's last appearance vague (see ``Appearance.uncertain``): no email, phone,
    student id or birth date, the year one off, a nickname or a shorter name. The matcher cannot be
    sure of those, so the demo's ``Review`` tab shows the workflow with realistic pairs."""
    rows: dict[str, list[tuple[int, int]]] = {}
    for li, apps in enumerate(placed):
        for j, app in enumerate(apps):
            rows.setdefault(app.person.pid, []).append((li, j))
    plain = sorted(
        pid
        for pid, where in rows.items()
        if len(where) >= 2
        and not (p := placed[where[0][0]][where[0][1]].person).siblings
        and not p.same_name_as
        and not p.showcase
    )
    for pid in rng.sample(plain, min(n, len(plain))):
        li, j = rows[pid][-1]
        placed[li][j] = replace(placed[li][j], uncertain=True)


def _render_list(
    rng: random.Random,
    index: int,
    style: ListStyle,
    teacher: str,
    apps: list[Appearance],
    school_year_end: int,
) -> DemoList:
    if style.sort_by_surname:
        apps = sorted(apps, key=lambda a: (a.person.surname, a.person.first_name, a.person.pid))
    else:
        apps = list(apps)
        rng.shuffle(apps)
    head = header_row(style)
    rows: list[list[str]] = preamble(style, teacher, len(head))
    truth: list[str | None] = [None] * len(rows)
    rows.append(head)
    truth.append(None)
    header_at = len(rows)
    blank_at = len(apps) // 2 if style.blank_row_inside and len(apps) >= 4 else -1
    for j, app in enumerate(apps):
        if j == blank_at:
            rows.append([])
            truth.append(None)
        rows.append(render_row(rng, style, app, school_year_end))
        truth.append(app.person.pid)
    return DemoList(
        teacher=teacher,
        language=style.language,
        rows=rows,
        truth=truth,
        header_row=header_at,
        columns=style.columns,
    )


def _inject_bad_cells(rng: random.Random, demo_lists: list[DemoList], people: list[Person]) -> None:
    """Guarantee one of each bad cell: an "n/a" email, a "call me" phone, an impossible date."""
    plain = {p.pid for p in people if not p.siblings and not p.same_name_as}
    wanted = [("email", lambda lang: "n/a"), ("phone", lambda lang: BAD_PHONES[lang])]
    wanted.append(("birth_date", lambda lang: impossible_date(rng, lang)))
    for field_name, bad in wanted:
        for demo_list in demo_lists:
            if field_name not in demo_list.columns:
                continue
            col = demo_list.columns.index(field_name)
            rows = [i for i, pid in enumerate(demo_list.truth) if pid in plain]
            if rows:
                demo_list.rows[rng.choice(rows)][col] = bad(demo_list.language)
                break


def _facts(
    people: list[Person], demo_lists: list[DemoList], placed: list[list[Appearance]], teachers: list[Teacher]
) -> dict[str, dict]:
    refs: dict[str, list[str]] = {}
    for demo_list in demo_lists:
        for index, pid in enumerate(demo_list.truth):
            if pid is not None:
                refs.setdefault(pid, []).append(demo_list.ref(index))
    ties: dict[str, list[dict]] = {}
    for li, apps in enumerate(placed):
        for app in apps:
            ties.setdefault(app.person.pid, []).append(
                {
                    "teacher": teachers[li].name,
                    "role": vocab.ROLE_KEYS[app.role],
                    "strength": app.strength,
                    "last_contact": app.last_contact.isoformat(),
                }
            )
    out: dict[str, dict] = {}
    for p in people:
        phones = [p.e164(p.mobile)] + ([p.e164(p.landline)] if p.landline else [])
        out[p.pid] = {
            "id": p.pid,
            "language": p.language,
            "sex": p.sex,
            "first_name": p.first_name,
            "surnames": list(p.surnames),
            "full_name": p.full_name,
            "birth_date": p.birth_date.isoformat(),
            "student_id": p.student_id,
            "graduation_year": p.graduation_year,
            "qualification": p.qualification,
            "department": vocab.QUALIFICATIONS[p.qualification][0],
            "category": tabs.ALUMNI_CATEGORIES[p.category],
            "emails": [p.school_email] + ([p.personal_email] if p.personal_email else []),
            "school_email": p.school_email,
            "personal_email": p.personal_email,
            "phones": phones,
            "mobile": p.e164(p.mobile),
            "landline": p.e164(p.landline) if p.landline else None,
            "address": p.address,
            "postcode": p.postcode,
            "city": p.city,
            "consent": p.consent,
            "siblings": list(p.siblings),
            "same_name_as": list(p.same_name_as),
            "in_lists": p.in_lists,
            "showcase": p.showcase,
            "refs": refs.get(p.pid, []),
            "ties": ties.get(p.pid, []),
        }
    return out
