"""Rollup tables on small hand-made inputs whose right answers are known."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync import schema as tabs
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.app.outputs import rollup_tab
from sheets_sync.config import RollupConfig
from sheets_sync.core.lists.tables import Table, read_table
from sheets_sync.core.model import Alumnus, Engagement, Grid
from sheets_sync.core.rollup.build import TITLES, Rollup, RollupInput, build_rollup
from sheets_sync.core.text.school_year import (
    parse_date,
    parse_number,
    parse_percent,
    parse_score,
    school_year_of,
)

TODAY = dt.date(2024, 10, 15)  # school year 2024-25 (1 Sep 2024 - 31 Aug 2025)
CONFIG = RollupConfig()


def table(tab: str, *rows: list[str]) -> Table:
    """A template tab as people fill it in, read the way the pipeline reads it."""
    grid = Grid.from_rows(tab, [list(tabs.TEMPLATE_HEADERS[tab]), *[list(r) for r in rows]])
    read, issues = read_table(grid, tabs.TEMPLATE_HEADERS[tab])
    assert not issues
    return read


def row_of(tab: str, **cells: str) -> list[str]:
    return [cells.get(h.replace(" ", "_").replace("%", "pct"), "") for h in tabs.TEMPLATE_HEADERS[tab]]


def alumnus(i: int, **kw: object) -> Alumnus:
    return Alumnus(alumni_id=f"A-{i:05d}", name=f"Person {i}", **kw)  # type: ignore[arg-type]


def rollup(
    alumni: list[Alumnus] = (),  # type: ignore[assignment]
    engagements: list[Engagement] = (),  # type: ignore[assignment]
    tables: dict[str, Table] | None = None,
    planned: dict[str, int] | None = None,
    config: RollupConfig = CONFIG,
    today: dt.date = TODAY,
) -> Rollup:
    return build_rollup(
        RollupInput(
            alumni=alumni,
            engagements=engagements,
            tables=tables or {},
            planned_approaches=planned or {},
            config=config,
            today=today,
        )
    )


def eng(mode: str, date: str, alumni_id: str | None, department: str = "") -> Engagement:
    return Engagement(
        mode=mode, date=date, source="X!2", kind="k", alumni_id=alumni_id, department=department
    )


# --------------------------------------------------------------------------- school years and parsers


@pytest.mark.parametrize(
    ("day", "start", "label"),
    [
        (dt.date(2024, 8, 31), (9, 1), "2023-24"),
        (dt.date(2024, 9, 1), (9, 1), "2024-25"),
        (dt.date(2025, 1, 10), (9, 1), "2024-25"),
        (dt.date(2024, 8, 14), (8, 15), "2023-24"),
        (dt.date(2024, 8, 15), (8, 15), "2024-25"),
        (dt.date(2024, 12, 31), (1, 1), "2024"),
        (dt.date(2099, 9, 1), (9, 1), "2099-00"),
    ],
)
def test_school_year_boundaries(day: dt.date, start: tuple[int, int], label: str) -> None:
    year = school_year_of(day, start)
    assert year.label == label
    assert year.contains(day)
    assert year.shifted(1).start == year.end + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-01", dt.date(2024, 9, 1)),
        ("2024-09-01 10:30:00", dt.date(2024, 9, 1)),
        ("01/09/2024", dt.date(2024, 9, 1)),
        ("1.9.2024", dt.date(2024, 9, 1)),
        ("45536", None),  # a number typed, not a date cell (those arrive as dates)
        ("3 March 2024", dt.date(2024, 3, 3)),
        ("", None),
        ("soon", None),
        ("2024", None),
        ("March 2024", None),
        ("31/02/2024", None),
        ("2024-02-31", None),
        # the one date reader: what a teacher list understands, a recording sheet understands too
        ("3 de marzo de 2024", dt.date(2024, 3, 3)),
        ("3 maart 2024", dt.date(2024, 3, 3)),
        ("3 marzo 2024", dt.date(2024, 3, 3)),
        ("3. märts 2024", dt.date(2024, 3, 3)),
        ("15/03/2026 10:23:45", dt.date(2026, 3, 15)),  # a timestamp as a European spreadsheet shows it
        ("15.03.2026 10:23", dt.date(2026, 3, 15)),
        ("2026/03/15 10:23", dt.date(2026, 3, 15)),
    ],
)
def test_parse_date_reads_day_first(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "number", "share", "score"),
    [
        ("2", 2.0, 2.0, 2),
        ("1,5", 1.5, 1.5, None),
        ("1.5 h", 1.5, 1.5, None),
        ("1:30", 1.5, 1.5, None),
        ("45%", 45.0, 45.0, None),
        ("0.45", 0.45, 45.0, None),
        ("1", 1.0, 100.0, 1),
        ("9.0", 9.0, 9.0, 9),
        ("10", 10.0, 10.0, 10),
        ("11", 11.0, 11.0, None),
        ("-1", -1.0, None, None),
        ("150%", 150.0, None, None),
        ("ten", None, None, None),
        ("", None, None, None),
    ],
)
def test_parse_numbers(text: str, number: float | None, share: float | None, score: int | None) -> None:
    assert parse_number(text) == number
    assert parse_percent(text) == share
    assert parse_score(text) == score


# --------------------------------------------------------------------------- alumni tables


def test_alumni_base_counts_opted_out_in_b_and_unknown_category() -> None:
    alumni = [
        alumnus(1, category="Graduates", consent="Yes"),
        alumnus(2, category="Graduates", consent="No"),
        alumnus(3, category="graduates", consent="Unknown"),
        alumnus(4, category="Non-Graduates", consent="No"),
        alumnus(5, category="", consent="Yes"),
        alumnus(5, category="", consent="Yes"),  # same id twice: one alumnus
    ]
    t = rollup(alumni).table("Alumni base")
    assert t.header == (
        "Category",
        "Total (A)",
        "Not willing to keep in touch (B)",
        "Consent unknown",
        "Contactable (A-B)",
    )
    assert t.row("Graduates") == ("Graduates", 3, 1, 1, 2)
    assert t.row("Non-Graduates") == ("Non-Graduates", 1, 1, 0, 0)
    assert t.row("Certificate or Award") == ("Certificate or Award", 0, 0, 0, 0)
    assert t.row("Unknown") == ("Unknown", 1, 0, 0, 1)
    assert t.total == ("Total", 5, 2, 1, 3)


@pytest.mark.parametrize(
    ("graduation_year", "recent", "band"),
    [
        (2025, 5, "Recent"),  # graduates at the end of this school year: 0 years
        (2021, 5, "Recent"),  # 4 years at the end of 2024-25
        (2020, 5, "Mid-career"),  # 5 years: no longer < 5
        (2011, 5, "Mid-career"),
        (2010, 5, "Established"),  # 15 years
        (None, 5, "Unknown"),
        (2027, 5, "Unknown"),  # later than the current school year
        (2022, 3, "Mid-career"),  # recent_years = 3
    ],
)
def test_time_since_graduation_bands(graduation_year: int | None, recent: int, band: str) -> None:
    config = replace(CONFIG, recent_years=recent)
    t = rollup([alumnus(1, graduation_year=graduation_year, consent="No")], config=config).table(
        "Time since graduation"
    )
    assert t.row(band) == (band, 1, 0)
    assert [r[0] for r in t.rows] == ["Recent", "Mid-career", "Established", "Unknown"]
    assert t.total == ("Total", 1, 0)


def test_engagement_by_category_counts_distinct_alumni_in_the_current_school_year() -> None:
    alumni = [
        alumnus(1, category="Graduates"),
        alumnus(2, category="Graduates"),
        alumnus(3, category="Other"),
    ]
    engagements = [
        eng("E", "2024-09-01", "A-00001"),  # first day of 2024-25
        eng("E", "2024-11-01", "A-00001"),  # same alumnus again: still one
        eng("V", "2025-08-31", "A-00001"),  # last day of 2024-25
        eng("E", "2024-08-31", "A-00002"),  # last day of 2023-24: not counted
        eng("C", "2025-01-01", "A-00003"),
        eng("C", "2025-01-01", None),  # not linked to an alumnus
        eng("C", "2025-01-01", "A-09999"),  # unknown id
        eng("E", "", "A-00002"),  # no date
    ]
    t = rollup(alumni, engagements).table("Engagement by alumni category")
    assert t.header == ("Category", "Volunteer (V)", "Experiential (E)", "Communication (C)", "Engaged (any)")
    assert t.row("Graduates") == ("Graduates", 1, 1, 0, 1)
    assert t.row("Other") == ("Other", 0, 0, 1, 1)
    assert t.total == ("Total", 1, 1, 1, 2)


def test_actions_by_department_counts_records_and_puts_unassigned_last() -> None:
    engagements = [
        eng("E", "2024-10-01", "A-00001", "Welding"),
        eng("E", "2024-10-01", "A-00002", " welding "),
        eng("V", "2024-10-02", None, "Catering"),
        eng("C", "2024-10-03", None, ""),
        eng("C", "2023-10-03", None, "Catering"),  # previous school year
    ]
    t = rollup([], engagements).table("Actions by department")
    assert t.rows == (
        ("Catering", 1, 0, 0, 1),
        ("Welding", 0, 2, 0, 2),
        ("Unassigned", 0, 0, 1, 1),
    )
    assert t.total == ("Total", 1, 2, 1, 4)


def test_engagement_rate_per_school_year_with_change_in_points() -> None:
    alumni = [alumnus(i, graduation_year=2020) for i in range(1, 5)] + [
        alumnus(5, consent="No", graduation_year=2020),  # not contactable
        alumnus(6, graduation_year=2025),  # graduates in 2024-25: not in the 2022-23 base
    ]
    engagements = [
        eng("E", "2022-10-01", "A-00001"),  # 2022-23: 1 of 4
        eng("E", "2024-10-01", "A-00001"),  # 2024-25: 3 of 5
        eng("V", "2024-10-01", "A-00002"),
        eng("C", "2025-02-01", "A-00005"),  # opted out, but engaged
        eng("C", "2026-02-01", "A-00003"),  # next school year: no row
    ]
    t = rollup(alumni, engagements).table("Engagement rate")
    assert t.header == ("School year", "Engaged alumni", "Contactable alumni", "Engagement rate", "Change")
    assert t.rows == (
        ("2022-23", 1, 4, 25.0, ""),
        ("2023-24", 0, 4, 0.0, -25.0),  # a year with nothing recorded between two with data
        ("2024-25", 3, 5, 60.0, 60.0),
    )
    assert t.total is None
    headline = rollup(alumni, engagements).headline
    shown = rollup(alumni, engagements).display_headline()
    assert shown["Engagement rate (%)"] == 60.0
    assert shown["Change since 2023-24 (points)"] == 60.0
    assert list(shown)[0] == "School year"
    assert headline["engagement_rate"] == 60.0
    assert headline["engaged"] == 3
    assert headline["engaged_previous"] == 0


def test_relationship_owners_with_override_no_owner_and_planned_approaches() -> None:
    alumni = [
        alumnus(1, owner="Ana Ruiz"),
        alumnus(2, owner="Ana Ruiz", consent="No"),
        alumnus(3, owner="Ana Ruiz", owner_override="Bert Smit"),
        alumnus(4),
    ]
    t = rollup(alumni, planned={"Ana Ruiz": 2, "Cleo Tamm": 1, "": 1}).table("Relationship owners")
    assert t.header == ("Owner", "Alumni", "Contactable", "Planned approaches")
    assert t.rows == (
        ("Ana Ruiz", 2, 1, 2),
        ("Bert Smit", 1, 1, 0),
        ("Cleo Tamm", 0, 0, 1),
        ("(no owner)", 1, 1, 1),
    )
    assert t.total == ("Total", 4, 3, 4)


# --------------------------------------------------------------------------- template tabs


def test_volunteering_values_hours_and_counts_distinct_volunteers() -> None:
    v = tabs.VOLUNTEERING
    t = table(
        v,
        row_of(v, Type_of_contribution="Guest lecture", Date="15/10/2024", Volunteer_name="Ana", Volunteering_hours="2"),
        row_of(v, Type_of_contribution="guest lecture", Date="2025-08-31", Volunteer_name="ana ", Volunteering_hours="1,5"),
        row_of(v, Type_of_contribution="Mentoring", Date="01/09/2024", Volunteer_name="Bo", Volunteering_hours="3"),
        row_of(v, Type_of_contribution="Mentoring", Date="31/08/2024", Volunteer_name="Cy", Volunteering_hours="10"),
        row_of(v, Type_of_contribution="Mentoring", Date="", Volunteer_name="Di", Volunteering_hours="4"),
        row_of(v, Type_of_contribution="Mentoring", Date="2024-12-01", Volunteer_name="Ana", Volunteering_hours="lots"),
    )  # fmt: skip
    result = rollup(tables={v: t}, config=replace(CONFIG, hourly_value=25.0))
    vol = result.table("Volunteering")
    assert vol.header == ("Type of contribution", "Contributions", "Volunteers", "Hours", "Value")
    assert vol.rows == (("Guest lecture", 2, 1, 3.5, 87.5), ("Mentoring", 2, 2, 3.0, 75.0))
    assert vol.total == ("Total", 4, 2, 6.5, 162.5)
    assert result.headline["volunteer_hours"] == 6.5
    assert result.headline["volunteer_value"] == 162.5
    assert result.display_headline()["Value of volunteer time (EUR)"] == 162.5
    assert result.headline["volunteer_hours_previous"] == 10.0
    problems = {(i.row, i.column) for i in result.issues}
    assert problems == {(6, "Date"), (7, "Volunteering hours")}
    assert all(i.tab == v and i.fix for i in result.issues)


def test_experiential_actions_weights_female_share_by_participants() -> None:
    x = tabs.EXPERIENTIAL
    t = table(
        x,
        row_of(x, Type_of_action="Career talk", Date="2024-10-01", Number_of_participants="10", pct_Female="50%"),
        row_of(x, Type_of_action="Career talk", Date="2024-11-01", Number_of_participants="30", pct_Female="0.2"),
        row_of(x, Type_of_action="Open day", Date="2024-11-01", Number_of_participants="5", pct_Female=""),
        row_of(x, Type_of_action="Open day", Date="2023-11-01", Number_of_participants="50", pct_Female="100"),
    )  # fmt: skip
    exp = rollup(tables={x: t}).table("Experiential actions")
    assert exp.header == ("Type of action", "Actions", "Participants", "% Female")
    assert exp.rows == (("Career talk", 2, 40, 27.5), ("Open day", 1, 5, ""))
    assert exp.total == ("Total", 3, 45, 27.5)


def feedback(*answers: tuple[str, str, str]) -> Table:
    f = tabs.EVENT_FEEDBACK
    return table(f, *(row_of(f, Event=e, Event_date=d, **{"Score_(0-10)": s}) for e, d, s in answers))


NPS_ANSWERS = [("Open day", "2024-11-05", s) for s in ("10", "9", "8", "7", "6", "0")]


@pytest.mark.parametrize(
    ("detractor_max", "promoters", "detractors", "score"),
    [
        (6, 33.3, 33.3, 0.0),  # standard NPS: 0-6 detract
        (5, 33.3, 16.7, 16.7),  # the guide's "< 6"
    ],
)
def test_nps_promoters_passives_detractors(
    detractor_max: int, promoters: float, detractors: float, score: float
) -> None:
    config = replace(CONFIG, detractor_max=detractor_max)
    t = rollup(tables={tabs.EVENT_FEEDBACK: feedback(*NPS_ANSWERS)}, config=config).table(
        "Net Promoter Score"
    )
    assert t.header == ("Event", "Responses", "% Promoters", "% Detractors", "NPS")
    assert t.rows == (("Open day", 6, promoters, detractors, score),)
    assert t.total == ("All events", 6, promoters, detractors, score)


def test_nps_ignores_scores_outside_0_10_and_fills_dates_per_event() -> None:
    answers = [
        ("Open day", "2024-11-05", "10"),
        ("Open day", "", "10"),  # takes the event's only date
        ("Open day", "2024-11-05", "11"),  # out of range: an issue, left out
        ("Open day", "2024-11-05", ""),  # no answer: skipped silently
        ("Alumni night", "2025-03-01", "5"),
        ("Alumni night", "2023-03-01", "10"),  # previous-but-one school year
        ("Career fair", "2024-12-01", "8"),
        ("Career fair", "2025-05-01", "9"),  # same name, another date: its own row
    ]
    result = rollup(tables={tabs.EVENT_FEEDBACK: feedback(*answers)})
    t = result.table("Net Promoter Score")
    assert t.rows == (
        ("Open day", 2, 100.0, 0.0, 100.0),
        ("Career fair (2024-12-01)", 1, 0.0, 0.0, 0.0),
        ("Alumni night", 1, 0.0, 100.0, -100.0),
        ("Career fair (2025-05-01)", 1, 100.0, 0.0, 100.0),
    )
    assert t.total == ("All events", 5, 60.0, 20.0, 40.0)
    assert [(i.row, i.column, i.value) for i in result.issues] == [(4, "Score (0-10)", "11")]
    assert result.headline["nps"] == 40.0


def test_framework_coverage_marks_gaps_and_counts_lines() -> None:
    f = tabs.FRAMEWORK
    undertaken, ideas = "Actions already undertaken", "What else can be done?"
    t = table(
        f,
        row_of(f, Stage="Awareness", Activity_ideas="• idea\n• idea"),
        row_of(f, Stage="Belonging") [:2] + ["• Alumni in class\n•\n\n- Mentors", "Buddy scheme", "V", ""],
        row_of(f, Stage="", Activity_ideas="x")[:2] + ["Open day talk", "", "", ""],  # continues Belonging
        row_of(f, Stage="Competence")[:3] + ["", "", ""],
        row_of(f, Stage="Department day")[:2] + ["Fair", "", "", ""],  # a stage a person added
    )  # fmt: skip
    assert {undertaken, ideas} <= set(tabs.TEMPLATE_HEADERS[f])
    fw = rollup(tables={f: t}).table("Framework coverage")
    assert fw.header == ("Stage", "Actions undertaken", "Ideas", "Status")
    assert fw.rows == (
        ("Awareness", 0, 0, "Gap"),
        ("Belonging", 3, 1, "Covered"),
        ("Competence", 0, 0, "Gap"),
        ("Industry experience", 0, 0, "Gap"),
        ("Alumni support", 0, 0, "Gap"),
        ("Department day", 1, 0, "Covered"),
    )
    assert fw.total == ("Total", 4, 1, "4 gaps")
    assert rollup().headline["framework_gaps"] == 5


def test_stocktaking_reads_the_actions_in_place_checklist() -> None:
    s = tabs.STOCKTAKING
    t = table(
        s,
        row_of(s, Section="Motivations", Item="Mentoring", Ticked="Yes"),
        row_of(
            s, Section="Actions in place", Item="Which activities ...? Tick all that apply (guide §3 #2)."
        ),
        row_of(s, Section="Actions in place", Item="Guest lectures", Ticked="Yes"),
        row_of(s, Section="Actions in place", Item="Career Talks", Ticked="No"),
        row_of(s, Section="", Item="Open Days", Ticked="sí"),  # section continues
        row_of(s, Section="Actions in place", Item="Mentoring", Ticked=""),
        row_of(s, Section="Channels", Item="Phone", Ticked="Yes"),
    )
    st_table = rollup(tables={s: t}).table("Stocktaking")
    assert st_table.header == ("Action type", "In place")
    assert st_table.rows == (
        ("Guest lectures", "Yes"),
        ("Career Talks", "No"),
        ("Open Days", "Yes"),
        ("Mentoring", "—"),
    )
    assert st_table.total == ("Total", 2)


def test_pdca_shows_shortened_text_or_a_dash() -> None:
    p = tabs.PDCA
    long_plan = "Train every teacher in alumni engagement " * 5
    t = table(p, row_of(p, Building_block="Communicate the value", Plan=long_plan, Do="Stories\non the web"))
    pd = rollup(tables={p: t}).table("PDCA")
    assert pd.header == ("Building block", "Plan", "Do", "Check", "Act")
    (block, plan, do, check, act) = pd.rows[0]
    assert block == "Communicate the value"
    assert plan.endswith("…") and len(plan) <= 60 and plan.startswith("Train every teacher")  # type: ignore[union-attr]
    assert (do, check, act) == ("Stories on the web", "—", "—")
    assert pd.total is None


# --------------------------------------------------------------------------- robustness


def test_empty_inputs_give_empty_tables_and_zero_totals() -> None:
    result = rollup()
    assert tuple(t.title for t in result.tables) == TITLES
    for t in result.tables:
        for row in (*t.rows, *([t.total] if t.total else [])):
            assert len(row) == len(t.header), t.title
    assert result.table("Volunteering").total == ("Total", 0, 0, 0.0, 0.0)
    assert result.table("Net Promoter Score").total == ("All events", 0, "", "", "")
    assert result.table("Engagement rate").rows == (("2024-25", 0, 0, "", ""),)
    assert result.headline["engagement_rate"] == ""
    assert result.issues == ()
    with pytest.raises(KeyError, match="Alumni base"):
        result.table("Nope")


def test_a_missing_date_column_is_one_issue_not_one_per_row() -> None:
    grid = Grid.from_rows(
        "Volunteering", [["Type of contribution", "Volunteering hours"], ["Talk", "2"], ["Talk", "3"]]
    )
    t, _ = read_table(grid, tabs.TEMPLATE_HEADERS[tabs.VOLUNTEERING])
    result = rollup(tables={tabs.VOLUNTEERING: t})
    assert [(i.row, i.column) for i in result.issues] == [(None, "Date")]
    assert result.table("Volunteering").total == ("Total", 0, 0, 0.0, 0.0)


_cells = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(
    [
        "",
        "0",
        "10",
        "-3",
        "1,5",
        "45%",
        "2024-10-01",
        "31/08/2025",
        "x",
        "Awareness",
        "Actions in place",
        "Yes",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_text_in_template_tabs_never_crashes(data: st.DataObject) -> None:
    tables = {}
    for tab in (
        tabs.VOLUNTEERING,
        tabs.EXPERIENTIAL,
        tabs.EVENT_FEEDBACK,
        tabs.FRAMEWORK,
        tabs.STOCKTAKING,
        tabs.PDCA,
    ):
        width = len(tabs.TEMPLATE_HEADERS[tab])
        rows = data.draw(st.lists(st.lists(_cells, min_size=width, max_size=width), max_size=4))
        tables[tab] = table(tab, *rows)
    engagements = [eng(m, d, a) for m, d, a in data.draw(st.lists(st.tuples(st.sampled_from("VECX"), _cells, st.sampled_from([None, "A-00001"])), max_size=5))]  # fmt: skip
    result = rollup(
        [alumnus(1, graduation_year=data.draw(st.none() | st.integers(1900, 2100)))], engagements, tables
    )
    tab = rollup_tab(result)
    assert tab.rows[0] == ["Alumni base"]


# --------------------------------------------------------------------------- the Rollup tab


def test_rollup_tab_layout_titles_headers_blank_rows_and_charts() -> None:
    alumni = [alumnus(1, category="Graduates"), alumnus(2, category="Other")]
    engagements = [eng("E", "2024-10-01", "A-00001"), eng("V", "2023-10-01", "A-00002")]
    result = rollup(alumni, engagements, {tabs.EVENT_FEEDBACK: feedback(*NPS_ANSWERS)})
    tab = rollup_tab(result)
    assert tab.title == "Rollup" and tab.header_row is False
    rows = [list(r) for r in tab.rows]
    at = 0
    for t in result.tables:
        assert rows[at] == [t.title]
        assert at in tab.bold_rows
        assert rows[at + 1] == list(t.header)
        body = [list(r) for r in t.rows] + ([list(t.total)] if t.total else [])
        assert rows[at + 2 : at + 2 + len(body)] == body
        at += 2 + len(body)
        assert rows[at] == []  # a blank row before the next table (and before the notes)
        at += 1
    assert rows[at] == ["About these tables"]

    by_title = {c.title: c for c in tab.charts}
    assert set(by_title) == {
        "Engaged alumni by mode and category",
        "NPS by event",
        "Engagement rate over school years (%)",
    }
    for chart, table_title in [
        ("Engaged alumni by mode and category", "Engagement by alumni category"),
        ("NPS by event", "Net Promoter Score"),
        ("Engagement rate over school years (%)", "Engagement rate"),
    ]:
        spec, t = by_title[chart], result.table(table_title)
        assert rows[spec.header_row] == list(t.header)
        assert rows[spec.header_row - 1] == [table_title]
        assert [r[spec.category_col] for r in rows[spec.first_row : spec.last_row + 1]] == [
            r[0] for r in t.rows
        ]
        assert all(0 < c < len(t.header) for c in spec.series_cols)
    anchors = sorted(int(c.anchor[1:]) for c in tab.charts)
    assert all(b - a >= 20 for a, b in zip(anchors, anchors[1:], strict=False))
    assert all(c.anchor.startswith("H") for c in tab.charts)


def test_rollup_tab_has_no_chart_for_a_table_without_data_rows() -> None:
    tab = rollup_tab(rollup())
    assert "NPS by event" not in {c.title for c in tab.charts}


def test_rollup_tab_in_a_real_xlsx_has_charts_over_the_right_cells(tmp_path: Path) -> None:
    path = tmp_path / "school.xlsx"
    openpyxl.Workbook().save(path)
    alumni = [alumnus(1, category="Graduates"), alumnus(2, category="Other")]
    engagements = [eng("E", "2024-10-01", "A-00001"), eng("C", "2025-01-01", "A-00002")]
    result = rollup(alumni, engagements, {tabs.EVENT_FEEDBACK: feedback(*NPS_ANSWERS)})
    workbook = XlsxWorkbook(path, backups=0)
    workbook.commit(workbook.read(), [rollup_tab(result)])

    ws = openpyxl.load_workbook(path)["Rollup"]
    assert ws["A1"].value == "Alumni base" and ws["A1"].font.b
    header = list(result.table("Alumni base").header)
    assert [c.value for c in ws[2]][: len(header)] == header
    refs = {}
    for chart in ws._charts:
        series = chart.series[0]
        categories = series.cat.strRef or series.cat.numRef
        cells = categories.f.split("!")[1].replace("$", "").split(":")
        first, last = cells[0], cells[-1]  # one cell when the table has one data row
        refs[int(first[1:])] = (series.tx.strRef.f, int(last[1:]))
    # Engagement by alumni category: header on its row, categories Graduates..Unknown below it
    header_row = (
        next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Engagement by alumni category")
        + 1
    )
    n = len(tabs.ALUMNI_CATEGORIES) + 1  # the guide's categories and Unknown
    assert refs[header_row + 1] == ("'Rollup'!B" + str(header_row), header_row + n)
    assert ws.cell(header_row + 1, 1).value == "Graduates" and ws.cell(header_row + n, 1).value == "Unknown"
    assert ws.cell(header_row + n + 1, 1).value == "Total"  # not charted
    assert len(ws._charts) == 3
