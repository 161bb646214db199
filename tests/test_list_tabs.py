"""Teacher lists under near-miss tab names are read; a tab that still looks like a list but is
not read is said in `check`, the sync summary and `Data issues` (issue 13 #2). Both backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sheets_sync import schema as tabs
from sheets_sync.core.lists.names import list_teacher, looks_like_list

from ._school import KINDS, School

REPO = Path(__file__).resolve().parents[1]

READ = {
    "List - Sara Bell": "Sara Bell",
    "Lista - Ana Ruiz": "Ana Ruiz",
    "List -Pedro Gil": "Pedro Gil",
    "list - marta lópez": "marta lópez",
    "Lijst – Wim Jansen": "Wim Jansen",  # en dash
    "Nimekiri — Mart Tamm": "Mart Tamm",  # em dash
    "Elenco - Marco Rossi": "Marco Rossi",
    "LIST-Jon Sanz": "Jon Sanz",
    "  List  -  Eva Mas ": "Eva Mas",
    "List − Noor Bakker": "Noor Bakker",  # minus sign
}
NOT_READ = ["Lista Ana", "Listas 2019", "Ana's list", "List - ", "Oude lijst Wim"]


@pytest.mark.parametrize(("title", "teacher"), READ.items())
def test_list_tab_names_in_five_languages_with_any_dash(title, teacher):
    assert list_teacher(title) == teacher


@pytest.mark.parametrize("title", NOT_READ)
def test_near_misses_that_are_not_read_still_look_like_lists(title):
    assert list_teacher(title) is None and looks_like_list(title)


@pytest.mark.parametrize("title", ["Staff", "Alumni", "Sheet1", "Notes", "Listening club", "Specialist"])
def test_other_tabs_do_not_look_like_lists(title):
    assert list_teacher(title) is None and not looks_like_list(title)


def _sheets() -> dict[str, list[list[str]]]:
    sheets = {}
    for i, title in enumerate([*READ, *NOT_READ]):
        sheets[title] = [["Name", "Email"], [f"Person {chr(65 + i)} Example", f"p{i}@example.com"]]
    return sheets


@pytest.mark.parametrize("kind", KINDS)
def test_near_miss_lists_are_read_and_the_rest_reported(kind, tmp_path):
    school = School.create(kind, tmp_path, _sheets())
    school.init()
    report = school.sync()
    assert sorted(s.teacher for s in report.lists) == sorted(READ.values())
    header, *rows = school.rows(tabs.ALUMNI)
    emails = {r[header.index("Emails")] for r in rows}
    assert emails == {f"p{i}@example.com" for i in range(len(READ))}
    issues_header, *issues = school.rows(tabs.DATA_ISSUES)
    reported = {r[0]: r for r in issues if r[issues_header.index("Row")] == ""}
    for title in NOT_READ:
        assert title in reported, title
        assert "not read" in reported[title][issues_header.index("Problem")]
        assert "List - " in reported[title][issues_header.index("Fix")]
    warnings = "\n".join(report.summary_lines())
    assert all(repr(t) in warnings for t in NOT_READ)


def test_check_names_every_tab_that_looks_like_a_list_but_is_not_read(tmp_path):
    school = School.create("xlsx", tmp_path, _sheets())
    school.init()
    cmd = [sys.executable, str(REPO / "run.py"), "check", "--workbook", str(school.config.workbook)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr
    for title in READ:
        assert f"{title} (" in out.stdout
    for title in NOT_READ:
        assert f"problem: {title}: this tab looks like a teacher list but is not read" in out.stdout
