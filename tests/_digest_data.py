"""A small school for the digest, mail, chart and factsheet tests (real Rollup, hand-made inputs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from sheets_sync import schema as tabs
from sheets_sync.app.report import SyncReport
from sheets_sync.config import DigestConfig, RollupConfig
from sheets_sync.core.digest.build import DigestInput
from sheets_sync.core.lists.tables import Table, read_table
from sheets_sync.core.model import Alumnus, DataIssue, Engagement, Grid, OutreachStatus
from sheets_sync.core.rollup.build import Rollup, RollupInput, build_rollup
from sheets_sync.core.state import State

TODAY = dt.date(2024, 11, 25)  # a Monday, school year 2024-25
SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "{{ 7*7 }}"
OFFICE = "office@school.test"
TUTOR = "tom@school.test"
TEACHER = "ana@school.test"


def table(tab: str, *rows: Sequence[str]) -> Table:
    grid = Grid.from_rows(tab, [list(tabs.TEMPLATE_HEADERS[tab]), *[list(r) for r in rows]])
    read, issues = read_table(grid, tabs.TEMPLATE_HEADERS[tab])
    assert not issues
    return read


def staff(*extra: Sequence[str]) -> Table:
    return table(
        tabs.STAFF,
        ["Olga Office", OFFICE, "Alumni office", "", ""],
        ["Carl Careers", "carl@school.test", "Careers office", "", "No"],  # opted out of digests
        ["Tom Tutor", TUTOR, "Tutor", "Cooking", ""],
        ["Ana Ruiz", TEACHER, "Teacher", "Cooking", ""],
        *extra,
    )


def alumni() -> list[Alumnus]:
    """A-00001 owned by Tom and also in Ana's list; A-00002 opted out; 10 plain graduates."""
    people = [
        Alumnus(
            "A-00001",
            SCRIPT,
            emails=("x1@example.test",),
            graduation_year=2020,
            category="Graduates",
            consent="Yes",
            owner="Tom Tutor",
            also_known_to=("Ana Ruiz",),
        ),
        Alumnus(
            "A-00002",
            TEMPLATE,
            emails=("x2@example.test",),
            graduation_year=2019,
            category="Graduates",
            consent="No",
            owner="Tom Tutor",
            also_known_to=("Ana Ruiz",),
        ),
    ]
    people += [
        Alumnus(
            f"A-{i:05d}", f"Grad Number{i}", graduation_year=2015 + i % 8, category="Graduates", consent="Yes"
        )
        for i in range(3, 13)
    ]
    return people


def engagements() -> list[Engagement]:
    return [
        *(Engagement("E", "2024-10-10", f"Attendance!{i}", "Open day", f"A-{i:05d}") for i in range(3, 10)),
        *(Engagement("V", "2024-10-20", f"Volunteering!{i}", "Mentoring", f"A-{i:05d}") for i in range(3, 5)),
        *(
            Engagement("C", "2023-10-20", f"Event feedback!{i}", "Feedback", f"A-{i:05d}")
            for i in range(3, 9)
        ),
    ]


def feedback() -> Table:
    scores = ["10", "9", "9", "8", "7", "3", "10", "9"]
    rows = [["Open day", "2024-10-10", "", s, ""] for s in scores]
    rows += [["Tiny workshop", "2024-10-12", "", "10", ""], ["Tiny workshop", "2024-10-12", "", "2", ""]]
    return table(tabs.EVENT_FEEDBACK, *rows)


@cache
def rollup() -> Rollup:
    return build_rollup(
        RollupInput(
            alumni=alumni(),
            engagements=engagements(),
            tables={tabs.EVENT_FEEDBACK: feedback()},
            planned_approaches={"Tom Tutor": 2},
            config=RollupConfig(),
            today=TODAY,
        )
    )


def outreach_rows() -> list[OutreachStatus]:
    """The ``Outreach status`` tab's rows, typed (fields in tabs.OUTREACH_STATUS_HEADERS order)."""
    return [OutreachStatus(*row) for row in _OUTREACH_CELLS]


_OUTREACH_CELLS = [
    [
        "Outreach!2",
        "2024-12-02",
        "x",
        "A-00001",
        SCRIPT,
        "Tom Tutor",
        "Guest lecture on food safety",
        "Olga Office",
        "Planned",
        "",
    ],
    [
        "Outreach!3",
        "2024-12-03",
        "y",
        "A-00002",
        TEMPLATE,
        "Tom Tutor",
        "Ask to mentor a class",
        "Olga Office",
        "Planned",
        "opted out — do not contact",
    ],
    ["Outreach!4", "2024-12-04", "z", "", "", "", "Career talk", "Olga Office", "Unresolved", ""],
]


def issues() -> list[DataIssue]:
    return [
        DataIssue(
            "List - Ana Ruiz",
            4,
            "Email",
            "ana@@example",
            "not an email address",
            "correct the address",
            "Ana Ruiz",
        ),
        DataIssue(
            "List - Ana Ruiz",
            7,
            "Graduated",
            "20x9",
            "cannot read the year",
            "write a year such as 2019",
            "Ana Ruiz",
        ),
        DataIssue("List - Nobody", 2, "Phone", "12", "too short", "write the full number", "Nina Noaddress"),
    ]


def report(**kw: object) -> SyncReport:
    base = SyncReport(
        run_id="test",
        started=dt.datetime(2024, 11, 25, 2, 0),
        alumni=12,
        new_alumni=["A-00001", "A-00002", "A-00003"],
        merged=[("A-00004", "A-00099")],
        review_pairs=3,
        new_review_pairs=1,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def digest_input(
    state: State | None = None,
    *,
    today: dt.date = TODAY,
    config: DigestConfig | None = None,
    charts: dict[str, bytes] | None = None,
    **kw: object,
) -> DigestInput:
    r = rollup()
    base = DigestInput(
        report=report(),
        alumni=alumni(),
        staff=staff(),
        outreach=outreach_rows(),
        issues=issues(),
        headline=r.headline,
        charts=charts if charts is not None else {"engagement_by_mode": b"\x89PNG fake"},
        state=state or State(),
        config=config or DigestConfig(),
        school_name="Escola <b>Pública</b>",
        today=today,
    )
    return replace(base, **kw)  # type: ignore[arg-type]
