"""End to end, per backend: the demo school -> init -> sync -> the tabs a person opens.

The same inputs and the same assertions run on the local workbook and on Google Sheets (real
gspread against the emulator, through the same CLI-level entry point ``commands.run_once``).
"""

from __future__ import annotations

import pytest

from sheets_sync import schema as tabs
from sheets_sync import wiring
from sheets_sync.commands import run_once
from sheets_sync.demo import generate_school

from .backends import BACKENDS, Harness

SEED = 11


@pytest.fixture(scope="module")
def school():
    return generate_school(SEED, alumni=120, lists=8)


@pytest.fixture(params=BACKENDS)
def harness(request, tmp_path, school) -> Harness:
    h = Harness.create(request.param, tmp_path, school)
    wiring.provision(wiring.open_workbook(h.config, create=True))
    return h


def _col(grid_rows, header):
    head = list(grid_rows[0])
    i = head.index(header)
    return [r[i] if i < len(r) else "" for r in grid_rows[1:]]


def test_sync_builds_every_output_tab(harness: Harness):
    report = run_once(harness.config)
    assert report.outcome in ("ok", "ok-with-issues")
    snap = harness.read()
    for title in (
        tabs.ALUMNI,
        tabs.REVIEW,
        tabs.OUTREACH_STATUS,
        tabs.ROLLUP,
        tabs.DATA_ISSUES,
        tabs.SYNC_LOG,
    ):
        assert title in snap.grids, title
    alumni = snap.grids[tabs.ALUMNI].rows
    assert tuple(alumni[0]) == tabs.ALUMNI_HEADERS
    assert 0 < len(alumni) - 1 < report.rows_read  # deduplicated
    assert report.alumni == len(alumni) - 1
    assert list(snap.grids[tabs.DATA_ISSUES].rows[0]) == list(tabs.DATA_ISSUES_HEADERS)
    assert len(snap.grids[tabs.DATA_ISSUES].rows) > 1  # the demo has bad cells
    log_rows = snap.grids[tabs.SYNC_LOG].rows
    assert len(log_rows) == 2 and log_rows[1][4] in ("ok", "ok-with-issues")
    rollup_titles = {r[0] for r in snap.grids[tabs.ROLLUP].rows if r}
    assert {"Alumni base", "Net Promoter Score", "Engagement rate"} <= rollup_titles


def test_every_source_row_lands_in_exactly_one_alumnus(harness: Harness):
    run_once(harness.config)
    snap = harness.read()
    sources = [s for cell in _col(snap.grids[tabs.ALUMNI].rows, "Sources") for s in cell.split("; ") if s]
    assert len(sources) == len(set(sources))
    issue_rows = {f"{r[0]}!{r[1]}" for r in snap.grids[tabs.DATA_ISSUES].rows[1:]}
    for title in snap.grids:
        if not title.startswith(tabs.LIST_PREFIX):
            continue
        for ref in harness.data_row_refs(title):
            assert ref in sources or ref in issue_rows, ref


def test_rerun_is_stable_and_teacher_tabs_are_untouched(harness: Harness):
    before = harness.read()
    run_once(harness.config)
    first = harness.read()
    run_once(harness.config)
    second = harness.read()
    assert first.grids[tabs.ALUMNI].rows == second.grids[tabs.ALUMNI].rows
    assert first.grids[tabs.REVIEW].rows == second.grids[tabs.REVIEW].rows
    for title, grid in before.grids.items():
        if title.startswith(tabs.LIST_PREFIX) or title in tabs.TEMPLATE_TABS:
            assert second.grids[title].rows == grid.rows, title


def test_owner_override_and_review_decision_survive_and_apply(harness: Harness):
    run_once(harness.config)
    snap = harness.read()
    alumni = snap.grids[tabs.ALUMNI].rows
    staff_names = [r[0] for r in snap.grids[tabs.STAFF].rows[1:] if r and r[0]]
    target_row = 2  # first alumnus, sheet row 2
    alumni_id = alumni[1][0]
    harness.set_cell(tabs.ALUMNI, target_row, tabs.ALUMNI_HEADERS.index("Owner override"), staff_names[-1])
    review = snap.grids[tabs.REVIEW].rows
    decided = None
    if len(review) > 1:
        sa, sb = tabs.REVIEW_HEADERS.index("Source A"), tabs.REVIEW_HEADERS.index("Source B")
        decided = (review[1][sa], review[1][sb])
        harness.set_cell(tabs.REVIEW, 2, tabs.REVIEW_HEADERS.index("Decision"), "Different")
    run_once(harness.config)
    after = harness.read()
    rows = {r[0]: r for r in after.grids[tabs.ALUMNI].rows[1:]}
    assert rows[alumni_id][tabs.ALUMNI_HEADERS.index("Owner override")] == staff_names[-1]
    assert rows[alumni_id][tabs.ALUMNI_HEADERS.index("Owner")] == staff_names[-1]
    if decided:
        kept = {(r[sa], r[sb]): r for r in after.grids[tabs.REVIEW].rows[1:]}
        assert kept[decided][tabs.REVIEW_HEADERS.index("Decision")] == "Different"
        # a "Different" pair is never merged
        for r in after.grids[tabs.ALUMNI].rows[1:]:
            srcs = set(r[tabs.ALUMNI_HEADERS.index("Sources")].split("; "))
            assert not {decided[0], decided[1]} <= srcs


def test_formula_payloads_from_a_list_stay_text(harness: Harness):
    payloads = ['=HYPERLINK("http://x.example","click")', "=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3"]
    harness.append_list_rows(
        "List - Injected",
        ["Full name", "Email", "Notes"],
        [[p + " Name", f"inj{i}@example.com", p] for i, p in enumerate(payloads)],
    )
    run_once(harness.config)
    snap = harness.read()
    names = _col(snap.grids[tabs.ALUMNI].rows, "Name")
    flagged = _col(snap.grids[tabs.DATA_ISSUES].rows, "Value")
    for p in payloads:  # kept as the name (title-cased), or reported with a fix ("@" looks like an email)
        assert any(n.lower().startswith(p[:6].lower()) for n in names) or any(
            v.startswith(p) for v in flagged
        ), p
    harness.assert_no_formulas()


def test_dry_run_writes_nothing(harness: Harness):
    before = harness.read()
    report = run_once(harness.config, dry_run=True)
    assert report.outcome == "dry-run" and report.alumni > 0
    after = harness.read()
    assert after.grids.keys() == before.grids.keys()
    assert not harness.outbox_files()


def test_mails_are_queued_once(harness: Harness):
    run_once(harness.config)
    first = harness.outbox_files()
    assert first, "the demo plans at least the office digest"
    run_once(harness.config)
    assert harness.outbox_files() == first  # nothing new to say: nothing sent twice


def test_forget_removes_a_person_everywhere(harness: Harness):
    from sheets_sync.app.privacy import forget

    run_once(harness.config)
    snap = harness.read()
    row = snap.grids[tabs.ALUMNI].rows[1]
    alumni_id, emails = row[0], row[tabs.ALUMNI_HEADERS.index("Emails")]
    result = forget(
        harness.config,
        wiring.open_workbook(harness.config),
        alumni_id,
        by="DPO",
        external=wiring.external_lists(harness.config),
        queue=wiring.mail_queue(harness.config),
    )
    assert result.found and result.teacher_cells
    after = harness.read()
    flat = "\n".join("\t".join(r) for t in tabs.OUTPUT_TABS if t in after.grids for r in after.grids[t].rows)
    for email in filter(None, emails.split("; ")):
        assert email not in flat
    assert "erasure" in after.grids[tabs.SYNC_LOG].rows[-1][-1]
    report = run_once(harness.config)  # the next sync does not bring them back
    assert set(result.teacher_cells) <= set(report.forgotten_rows)
    again = "\n".join("\t".join(r) for r in harness.read().grids[tabs.ALUMNI].rows)
    for email in filter(None, emails.split("; ")):
        assert email not in again


def test_sync_log_counts_are_those_of_the_report(harness: Harness):
    report = run_once(harness.config)
    row = harness.read().grids[tabs.SYNC_LOG].rows[-1]
    head = list(tabs.SYNC_LOG_HEADERS)
    assert int(row[head.index("Alumni")]) == report.alumni
    assert int(row[head.index("Data issues")]) == len(report.issues)
    assert int(row[head.index("Rows read")]) == report.rows_read
