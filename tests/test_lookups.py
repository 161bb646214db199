"""Lookups that cannot miss the obvious (issue 15): an exact email, phone, student id or Alumni ID
anywhere in a staff row resolves to that alumnus whatever the name says; a disagreeing name is
noted, never fatal; an Alumni ID typed in the name column is read as an ID."""

from __future__ import annotations

import pytest

from sheets_sync.core.lists.tables import read_table
from sheets_sync.core.master.build import MasterInput, MasterResult, build_master
from sheets_sync.core.matching.link import MatchSettings
from sheets_sync.core.state import State
from sheets_sync.schema import ALUMNI_HEADERS, OUTREACH_STATUS_HEADERS, REVIEW_HEADERS, TEMPLATE_HEADERS
from tests.test_master import STAFF, TODAY, alumnus_with, col, outreach_rows, records_of, table

HEAD = ["First name", "Surname", "Email", "Phone", "Student ID", "Graduation year"]
LISTS = {
    "Ana Martínez": [
        HEAD,
        ["Carlota", "Carbonell Landa", "c.carbonell@example.com", "", "", "2019"],
        ["Pere", "Soler Vidal", "", "+34 622 111 000", "", "2018"],
        ["Laia", "Soler Vidal", "", "+34 933 000 111", "S-20431", "2020"],  # the family landline
        ["Marc", "Soler Vidal", "", "+34 933 000 111", "", "2016"],
    ],
    "Bob Smith": [HEAD, ["Carleta", "Carbonell", "", "", "", "2019"]],
}
CARLOTA, PERE, LAIA, MARC = (f"List - Ana Martínez!{r}" for r in (2, 3, 4, 5))


def run(**tabs: list[list[str]]) -> MasterResult:
    def t(name: str) -> object:
        rows = tabs.get(name.lower().replace(" ", "_"))
        return table(name, [list(TEMPLATE_HEADERS[name]), *rows] if rows else None)

    return build_master(
        MasterInput(
            records=records_of(LISTS),
            staff=table("Staff", STAFF),
            alumni_tab=read_table(None, ALUMNI_HEADERS)[0],
            review_tab=read_table(None, REVIEW_HEADERS)[0],
            tables={
                name: t(name)
                for name in ("Outreach", "Attendance", "Volunteering", "Stories", "Event feedback")
            },
            state=State(),
            settings=MatchSettings(),
            today=TODAY,
        )  # fmt: skip
    )


def first_run() -> MasterResult:
    return run()


def row_for(header: str, **cells: str) -> list[str]:
    heads = TEMPLATE_HEADERS[header]
    return [cells.get(h, "") for h in heads]


def outreach(**cells: str) -> list[str]:
    return row_for("Outreach", **{"Date": "2025-04-01", **cells})


def outreach_found(result: MasterResult) -> tuple[str, str]:
    (out,) = outreach_rows(result)
    h = OUTREACH_STATUS_HEADERS
    return out[col("Alumni ID", h)], out[col("Warning", h)]


def ids() -> dict[str, str]:
    base = first_run()
    return {ref: alumnus_with(base, ref).alumni_id for ref in (CARLOTA, PERE, LAIA, MARC)}


@pytest.mark.parametrize(
    ("cells", "who"),
    [
        ({"Alumnus": "Carlota Carbonell Landa", "Email": "c.carbonell@example.com"}, CARLOTA),  # the issue's row
        ({"Alumnus": "Someone Else", "Email": "C.Carbonell@Example.com"}, CARLOTA),  # email, name disagrees
        ({"Alumnus": "Pere", "Notes": "call +34 622 111 000"}, None),  # a phone inside a sentence is no key
        ({"Alumnus": "Pere", "Notes": "622 111 000"}, PERE),  # phone in any column
        ({"Alumnus": "Laia", "Notes": "S-20431"}, LAIA),  # student id
        ({"Alumnus": "Laia Soler", "Email": "+34 933 000 111"}, LAIA),  # family landline: the name picks
        ({"Alumnus": "X", "Email": "+34 933 000 111"}, None),  # ... and never guesses without one
    ],
)  # fmt: skip
def test_outreach_finds_the_alumnus_by_any_exact_key(cells, who):
    expected = ids().get(who, "") if who else ""
    found, _warning = outreach_found(run(outreach=[outreach(**cells)]))
    assert found == expected


def test_alumni_id_in_the_name_column_is_read_as_an_id():
    laia = ids()[LAIA]
    found, warning = outreach_found(run(outreach=[outreach(Alumnus=laia)]))
    assert found == laia and "name" not in warning


def test_a_name_that_disagrees_is_noted_not_fatal():
    carlota = ids()[CARLOTA]
    found, warning = outreach_found(
        run(outreach=[outreach(Alumnus="Pere Soler", Email="c.carbonell@example.com")])
    )
    assert found == carlota
    assert "the name differs from Carlota Carbonell Landa, found by the email" in warning


@pytest.mark.parametrize(
    ("tab", "cells"),
    [
        ("Attendance", {"Event": "Career talk", "Event date": "2025-02-12", "Name": "Carla C.",
                        "Contact (optional)": "c.carbonell@example.com"}),
        ("Volunteering", {"Type of contribution": "Mentoring", "Date": "2025-02-12", "Volunteer name": "Carlota",
                          "Contact (optional)": "c.carbonell@example.com"}),
        ("Stories", {"Name": "Carlota Carbonell", "Email": "c.carbonell@example.com", "Interview date": "2025-02-12"}),
        ("Event feedback", {"Event": "Career talk", "Event date": "2025-02-12",
                            "Respondent (optional)": "c.carbonell@example.com", "Score (0-10)": "9"}),
        ("Attendance", {"Event": "Career talk", "Event date": "2025-02-12", "Name": "Pere Soler",
                        "Contact (optional)": "0034 622 111 000"}),
        ("Stories", {"Name": "Laia Soler Vidal", "Email": "laia@example.org", "Interview date": "2025-02-12",
                     "Current status / job role": "S-20431"}),
        ("Volunteering", {"Type of contribution": "Mentoring", "Date": "2025-02-12", "Volunteer name": "A-00002"}),
    ],
)  # fmt: skip
def test_every_recording_sheet_resolves_exact_keys(tab, cells):
    key = tab.lower().replace(" ", "_")
    result = run(**{key: [row_for(tab, **cells)]})
    (e,) = result.engagements
    expected = {
        "c.carbonell@example.com": CARLOTA,
        "0034 622 111 000": PERE,
        "S-20431": LAIA,
        "A-00002": None,
    }
    who = next((v for k, v in expected.items() if k in cells.values()), None)
    want = ids()[who] if who else "A-00002"
    assert e.alumni_id == want
    assert not any("not linked" in i.problem for i in result.issues)


def test_an_engagement_found_by_email_under_another_name_is_noted():
    row = row_for("Attendance", Event="Talk", **{"Event date": "2025-02-12", "Name": "Pere Soler"},
                  **{"Contact (optional)": "c.carbonell@example.com"})  # fmt: skip
    result = run(attendance=[row])
    (e,) = result.engagements
    assert e.alumni_id == ids()[CARLOTA]
    (note,) = [i for i in result.issues if i.tab == "Attendance"]
    assert "differs from Carlota Carbonell Landa" in note.problem and note.fix.startswith("nothing to do")
