"""Staff and the recording sheets (attendance, volunteering, feedback, ...) of the demo school."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from sheets_sync import schema as tabs
from sheets_sync.demo import vocab
from sheets_sync.demo.model import DemoList
from sheets_sync.demo.people import NameSource, Person, email_part


@dataclass(frozen=True)
class Teacher:
    name: str
    email: str
    role: str
    department: str
    language: str


def staff_rows(rng: random.Random, names: NameSource, teachers: list[Teacher]) -> list[list[str]]:
    """Rows for ``Staff``: the list owners, the alumni and careers offices, a school leader."""
    rows = [
        [t.name, t.email, t.role, t.department, "Yes" if i % 2 == 0 else "No"] for i, t in enumerate(teachers)
    ]
    lang = teachers[0].language if teachers else "en"
    taken = {t.name for t in teachers}
    for role, department in (
        ("Alumni office", ""),
        ("Careers office", ""),
        ("Alumni office", ""),
        ("School leader", ""),
    ):
        while True:
            first = names.first_name(lang, rng.choice("FM")).split()[0]
            surname = names.surname(lang)
            if f"{first} {surname}" not in taken:
                break
        taken.add(f"{first} {surname}")
        email = f"{email_part(first)}.{email_part(surname)}@{vocab.STAFF_EMAIL_DOMAIN}"
        rows.append([f"{first} {surname}", email, role, department, "Yes"])
    return rows


def _events(end: int) -> list[tuple[str, dt.date]]:
    """One event in the previous school year, two in the current one (Sep..Aug ending in ``end``)."""
    return [
        ("Alumni homecoming", dt.date(end - 2, 12, 13)),
        ("Career day", dt.date(end - 1, 10, 16)),
        ("Open day", dt.date(end, 3, 20)),
    ]


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _qual(p: Person) -> str:
    return vocab.QUALIFICATIONS[p.qualification][1]["en"][0]


def _dept(p: Person) -> str:
    return vocab.QUALIFICATIONS[p.qualification][0]


def template_rows(
    rng: random.Random,
    people: list[Person],
    demo_lists: list[DemoList],
    teachers: list[Teacher],
    end: int,
    *,
    as_of: dt.date | None = None,
) -> tuple[dict[str, list[list[str]]], dict[str, list[str | None]]]:
    """A few rows per recording sheet, columns exactly as ``tabs.TEMPLATE_HEADERS``, and who each is.
    Dates after ``as_of`` are moved to the day before it (no event in the future)."""

    def cap(day: dt.date) -> dt.date:
        return min(day, as_of - dt.timedelta(days=1)) if as_of else day

    listed = [p for p in people if p.in_lists]
    guests = [p for p in people if not p.in_lists]
    organisers = [t.name for t in teachers]
    rows: dict[str, list[list[str]]] = {}
    truth: dict[str, list[str | None]] = {}
    events = [(name, cap(day)) for name, day in _events(end)]

    # Attendance: alumni from the lists (same name, sometimes their email) and a few in no list
    att_rows: list[list[str]] = []
    att_truth: list[str | None] = []
    for e, (event, day) in enumerate(events):
        for k in range(rng.randint(4, 9)):
            # the first guest of the two first events is in nobody's list
            p = (
                rng.choice(guests)
                if guests and (rng.random() < 0.2 or (k == 0 and e < 2))
                else rng.choice(listed)
            )
            r = rng.random()
            contact = (p.personal_email or p.school_email) if r < 0.4 else p.school_email if r < 0.5 else ""
            att_rows.append(
                [
                    event,
                    day.isoformat(),
                    p.full_name,
                    p.sex,
                    str(_age(p.birth_date, day)),
                    str(p.graduation_year),
                    _qual(p),
                    contact or "",
                    _dept(p),
                ]
            )
            att_truth.append(p.pid)
    rows[tabs.ATTENDANCE], truth[tabs.ATTENDANCE] = att_rows, att_truth

    # Volunteering
    kinds = ("Guest lecture", "Mentoring", "Work placement host", "Career talk", "Mock interviews")
    vol_rows: list[list[str]] = []
    vol_truth: list[str | None] = []
    for _ in range(rng.randint(5, 8)):
        p = rng.choice(listed)
        # in the previous or the current school year, never in the summer holidays
        day = dt.date(end - 1, 9, 15) + dt.timedelta(days=rng.randint(0, 260))
        day = cap(day.replace(year=day.year - 1) if rng.random() < 0.4 else day)
        vol_rows.append(
            [
                rng.choice(kinds),
                day.isoformat(),
                p.full_name,
                str(p.graduation_year),
                _qual(p),
                rng.choice(("1", "1.5", "2", "3", "6", "12")),
                rng.choice(organisers),
                (p.personal_email or "") if rng.random() < 0.5 else "",
                _dept(p),
            ]
        )
        vol_truth.append(p.pid)
    rows[tabs.VOLUNTEERING], truth[tabs.VOLUNTEERING] = vol_rows, vol_truth

    # Event feedback: 0-10 "would you recommend", a mix of promoters, passives and detractors
    comments = ("Great to see old friends", "Too short", "Well organised", "", "", "More companies next time")
    fb_rows = []
    for event, day in events:
        for _ in range(rng.randint(5, 10)):
            r = rng.random()
            score = rng.randint(9, 10) if r < 0.5 else rng.randint(7, 8) if r < 0.8 else rng.randint(2, 6)
            fb_rows.append([event, day.isoformat(), "", str(score), rng.choice(comments)])
    rows[tabs.EVENT_FEEDBACK], truth[tabs.EVENT_FEEDBACK] = fb_rows, [None] * len(fb_rows)

    # Experiential actions
    actions = (
        ("Company visit", "Local garage", "3 hours"),
        ("Job shadowing", "Hotel kitchen", "1 day"),
        ("Workshop", "School workshop", "2 hours"),
        ("Hackathon", "Town hall", "2 days"),
    )
    exp_rows = []
    for k, (kind, venue, duration) in enumerate(actions):
        # current school year (February) and previous one (November)
        day = cap(dt.date(end - 2 if k % 2 else end, 11 if k % 2 else 2, rng.randint(1, 28)))
        exp_rows.append(
            [
                kind,
                rng.choice(organisers),
                day.isoformat(),
                duration,
                venue,
                str(rng.randint(8, 40)),
                str(rng.randint(10, 70)),
                teachers[k % len(teachers)].department if teachers else "",
            ]
        )
    rows[tabs.EXPERIENTIAL], truth[tabs.EXPERIENTIAL] = exp_rows, [None] * len(exp_rows)

    # Communications: two periods in the previous school year, two in the current one
    periods = (f"{end - 1}-03", f"{end - 1}-06", f"{end - 1}-10", f"{end}-02")
    com_rows = []
    for period in periods:
        com_rows.append(
            [
                period,
                "Newsletter",
                str(rng.randint(180, 400)),
                f"{rng.uniform(25, 55):.1f}",
                f"{rng.uniform(2, 9):.1f}",
                f"{rng.uniform(0, 1.5):.1f}",
                "",
                "",
                str(rng.randint(0, 25)),
            ]
        )
        com_rows.append(
            [period, "LinkedIn", "", "", "", "", str(rng.randint(150, 600)), str(rng.randint(10, 120)), ""]
        )
    rows[tabs.COMMUNICATIONS], truth[tabs.COMMUNICATIONS] = com_rows, [None] * len(com_rows)

    rows[tabs.OUTREACH], truth[tabs.OUTREACH] = _outreach(rng, listed, demo_lists, end)
    rows[tabs.STORIES], truth[tabs.STORIES] = _stories(rng, listed, organisers, end, cap)
    return rows, truth


def _opted_out_in_a_list(listed: list[Person], demo_lists: list[DemoList]) -> list[Person]:
    """People whose "no" is written in at least one list's consent column."""
    shown: set[str] = set()
    for demo_list in demo_lists:
        if "consent" not in demo_list.columns:
            continue
        col = demo_list.columns.index("consent")
        no = vocab.NO[demo_list.language].lower()
        for row, pid in zip(demo_list.rows, demo_list.truth, strict=True):
            if pid is not None and col < len(row) and row[col].lower() == no:
                shown.add(pid)
    return [p for p in listed if p.pid in shown]


def _outreach(
    rng: random.Random, listed: list[Person], demo_lists: list[DemoList], end: int
) -> tuple[list[list[str]], list[str | None]]:
    """Five planned approaches: by name, by name + email, by email only, one for an opted-out alumnus."""
    willing = [p for p in listed if p.consent == "yes" and not p.same_name_as] or listed
    opted_out = _opted_out_in_a_list(listed, demo_lists) or willing
    requested = "Alumni office"
    day = dt.date(end, 5, 4)
    picks = rng.sample(willing, min(4, len(willing)))
    plan = [
        (picks[0], "name", "Guest lecture for first-years"),
        (picks[1 % len(picks)], "name", "Invite to career day"),
        (picks[2 % len(picks)], "name+email", "Mentor a student"),
        (picks[3 % len(picks)], "email", "Story for the newsletter"),
        (rng.choice(opted_out), "name", "Job offer for graduates"),
    ]
    rows: list[list[str]] = []
    truth: list[str | None] = []
    for k, (p, how, purpose) in enumerate(plan):
        email = p.personal_email or p.school_email
        rows.append(
            [
                (day + dt.timedelta(days=7 * k)).isoformat(),
                "" if how == "email" else p.full_name,
                "",
                email if "email" in how else "",
                purpose,
                requested,
                "Email" if k % 2 else "Phone",
                "",
            ]
        )
        truth.append(p.pid)
    return rows, truth


def _stories(
    rng: random.Random,
    listed: list[Person],
    organisers: list[str],
    end: int,
    cap: Callable[[dt.date], dt.date] = lambda day: day,
) -> tuple[list[list[str]], list[str | None]]:
    willing = [p for p in listed if p.consent == "yes"] or listed
    rows: list[list[str]] = []
    truth: list[str | None] = []
    for k, p in enumerate(rng.sample(willing, min(2, len(willing)))):
        interview = cap(dt.date(end - 1, 11 + k, 10))
        rows.append(
            [
                p.full_name,
                str(_age(p.birth_date, interview)),
                vocab.SCHOOL_NAME,
                _qual(p),
                str(p.graduation_year),
                tabs.ALUMNI_CATEGORIES[0],
                tabs.CURRENT_STATUS[k % 2],
                ("Site supervisor", "Owner of a small business")[k % 2],
                "Leading a team of five and training apprentices.",
                "Work placement, a first job with the placement company, evening courses.",
                "The teachers who knew the trade and the work placements.",
                "Yes: you learn a job you can start on the first day.",
                "Yes, I come back for career day and take students on placement.",
                "My first workshop teacher.",
                "Start my own company.",
                f"https://example.org/stories/{p.pid.lower()}",
                rng.choice(organisers) if organisers else "",
                p.personal_email or p.school_email,
                interview.isoformat(),
                "Yes",
                ("Yes", "No")[k % 2],
            ]
        )
        truth.append(p.pid)
    return rows, truth
