"""The service rewrites only the tabs it created (issue 13 #1): a school's own ``Alumni`` tab of
office notes is refused with a way out, never replaced; tabs of a workbook synced before
ownership was recorded are recognised by the service's header row and adopted. Both backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sheets_sync import schema as tabs
from sheets_sync.errors import ConfigError

from ._school import KINDS, School

REPO = Path(__file__).resolve().parents[1]
NOTES = [["Nombre", "Notas"], ["Ana García", "llamar en enero — muy importante"]]
LIST = {"List - Ana Ruiz": [["Name", "Email"], ["Ana García", "ana@example.com"]]}


def _cells(school: School, title: str) -> list[tuple[str, ...]]:
    return [tuple(c for c in row) for row in school.rows(title)]


@pytest.mark.parametrize("kind", KINDS)
def test_a_schools_own_alumni_tab_is_refused_never_overwritten(kind, tmp_path):
    school = School.create(kind, tmp_path, {**LIST, tabs.ALUMNI: NOTES})
    school.init()
    before = school.read()
    with pytest.raises(ConfigError) as err:
        school.sync()
    message = str(err.value)
    assert "'Alumni'" in message and "did not create" in message and "rename" in message
    after = school.read()
    assert _cells(school, tabs.ALUMNI)[:2] == [tuple(r) for r in NOTES]
    assert tabs.DATA_ISSUES not in after.grids and tabs.STATE not in after.grids  # nothing written
    assert set(after.grids) == set(before.grids)


@pytest.mark.parametrize("kind", KINDS)
def test_after_renaming_the_tab_the_sync_runs_and_owns_its_tabs(kind, tmp_path):
    school = School.create(kind, tmp_path, {**LIST, "Alumni notes": NOTES})
    school.init()
    school.sync()
    school.sync()  # its own tabs, recorded as owned: rewritten without a word
    assert _cells(school, "Alumni notes")[:2] == [tuple(r) for r in NOTES]
    from sheets_sync.core.state import State

    owned = State.from_grid(school.read().get(tabs.STATE)).keys("owned")
    assert set(tabs.OUTPUT_TABS) <= owned


@pytest.mark.parametrize("kind", KINDS)
def test_output_tabs_of_a_workbook_synced_before_ownership_was_recorded_are_adopted(kind, tmp_path):
    school = School.create(kind, tmp_path, LIST)
    school.init()
    school.sync()
    # the state of an earlier version: the same tabs, no ownership record
    from sheets_sync.core.state import State
    from sheets_sync.workbook import TabWrite

    workbook = school.workbook()
    snap = workbook.read()
    state = State.from_grid(snap.get(tabs.STATE))
    for title in state.keys("owned"):
        state.delete("owned", title)
    workbook.commit(snap, [TabWrite(tabs.STATE, tabs.STATE_HEADERS, state.to_rows(), hidden=True)])
    assert not State.from_grid(school.read().get(tabs.STATE)).keys("owned")
    report = school.sync()
    assert report.outcome.startswith("ok")
    assert set(tabs.OUTPUT_TABS) <= State.from_grid(school.read().get(tabs.STATE)).keys("owned")


def test_a_tab_the_school_made_under_a_service_name_later_is_refused_too(tmp_path):
    school = School.create("xlsx", tmp_path, LIST)
    school.init()
    school.add_tab(tabs.OUTREACH_STATUS, [["Who", "Status"], ["Ana", "call back"]])
    with pytest.raises(ConfigError, match="'Outreach status'"):
        school.sync()


def test_init_says_what_sync_will_refuse_and_sync_exits_2(tmp_path):
    school = School.create("xlsx", tmp_path, {**LIST, tabs.ALUMNI: NOTES})
    wb = str(school.config.workbook)

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, str(REPO / "run.py"), *args, "--workbook", wb]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=300)

    init = run("init")
    assert init.returncode == 0 and "'Alumni'" in init.stdout and "rename" in init.stdout
    sync = run("sync")
    assert sync.returncode == 2 and "'Alumni'" in sync.stderr
    assert _cells(school, tabs.ALUMNI)[:2] == [tuple(r) for r in NOTES]


def test_a_schools_own_tab_under_a_translated_output_name_is_refused_by_that_name(tmp_path):
    """In a Spanish workbook the master list is 'Antiguo alumnado': a school's own tab so named is
    the school's, and the message names it as the school wrote it."""
    school = School.create("xlsx", tmp_path, {**LIST, "Antiguo alumnado": NOTES})
    school.init()
    with pytest.raises(ConfigError, match="'Antiguo alumnado'"):
        school.sync()
    assert _cells(school, "Antiguo alumnado")[:2] == [tuple(r) for r in NOTES]
