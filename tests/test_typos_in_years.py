"""A year typed with a slip of the finger is a Data issue, never a date serial read as a year."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync import schema as tabs

from ._school import KINDS, School

LIST = "List - Ana Ruiz"
ROWS = [
    ["Name", "Email", "Graduation year", "Date of birth"],
    ["Ana García", "ana@example.com", 20199, ""],  # a typo: not 1955
    ["Pedro Gil", "pedro@example.com", 19999, ""],  # not 1954
    ["Marta López", "marta@example.com", 12019, ""],  # not 1932
    ["Jon Sanz", "jon@example.com", 2019, 36951],  # a number in a date column: not 2001-03-01
    ["Eva Mas", "eva@example.com", dt.date(2018, 6, 30), dt.date(2001, 3, 3)],  # date cells: dates
]


@pytest.mark.parametrize("kind", KINDS)
def test_implausible_years_are_data_issues_not_dates(kind, tmp_path):
    school = School.create(kind, tmp_path, {LIST: ROWS})
    school.init()
    school.sync()
    header, *rows = school.rows(tabs.ALUMNI)
    year = {r[header.index("Emails")]: r[header.index("Graduation year")] for r in rows}
    assert year["ana@example.com"] == year["pedro@example.com"] == year["marta@example.com"] == ""
    assert year["jon@example.com"] == "2019" and year["eva@example.com"] == "2018"
    issues_header, *issues = school.rows(tabs.DATA_ISSUES)
    col = {h: i for i, h in enumerate(issues_header)}
    flagged = {(r[col["Row"]], r[col["Value"]]): r[col["Problem"]] for r in issues if r[col["Tab"]] == LIST}
    for row, value in (("2", "20199"), ("3", "19999"), ("4", "12019")):
        assert "not a year" in flagged[(row, value)]
    assert "not a date" in flagged[("5", "36951")]
    assert not any(row == "6" for row, _ in flagged)  # the date cells were read as dates
