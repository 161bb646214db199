"""Formula and markup injection (issue 7): the known payloads through every path, on every backend.

Payloads go into teacher-list cells (names, emails, qualification, notes, a teacher's tab title)
and staff tabs (Staff names, Outreach purpose / requested by, Attendance and Event feedback
event names and comments). They must come out as text: no formula in any tab the service writes
(.xlsx: no cell of data type "f"; Google: the emulator stores no formula), escaped HTML in the
digests with template syntax shown, not run, and nothing of a person in the public factsheet.
"""

from __future__ import annotations

import datetime as dt
import re
from email import policy
from email.parser import BytesParser

import pytest

from sheets_sync import schema as tabs
from sheets_sync.commands import run_once

from .backends import BACKENDS, Harness
from .test_privacy import H, make_school

PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+1",
    "-1",
    "\t=1+1",
    "\r=2+2",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% raw %}",
]
SCRIPT, JINJA, RAW = PAYLOADS[7], PAYLOADS[8], PAYLOADS[9]
WRITTEN = (tabs.ALUMNI, tabs.REVIEW, tabs.OUTREACH_STATUS, tabs.ROLLUP, tabs.DATA_ISSUES, tabs.SYNC_LOG)


def school_sheets(today: dt.date) -> dict[str, list[list[str]]]:
    day = today.isoformat()  # events in the current school year reach the Rollup
    ana = [H]
    for i, p in enumerate(PAYLOADS):
        ana.append([p, f"person{i}@mail.example", "", "2019", p, "yes", "", p])  # name, qualification, notes
        ana.append([f"Iker Zubizarreta{i}", p, "", "2019", p, "", "", ""])  # email; Review pairs
    return {
        tabs.STAFF: [
            ["Ana Tutor", "ana@school.example", "Tutor", "IT", "Yes"],
            ["Olga Office", "office@school.example", "Alumni office", "", "Yes"],
            [RAW, "raw@school.example", "Teacher", "", "Yes"],  # a Staff name that owns an alumnus
            *([p, "", "Teacher", "", "Yes"] for p in PAYLOADS if p != RAW),
        ],
        "List - Ana Tutor": ana,
        f"List - {RAW}": [H, ["Amaia Etxeberria", "amaia@mail.example", "", "2019", SCRIPT, "yes", "", JINJA]],
        tabs.OUTREACH: [
            *([day, f"person{i}@mail.example", "", f"person{i}@mail.example", p, p, "email", p] for i, p in enumerate(PAYLOADS)),
            [day, "Amaia Etxeberria", "", "amaia@mail.example", f"{JINJA} {SCRIPT}", "Olga Office", "", ""],
        ],
        tabs.ATTENDANCE: [
            [p, day, f"Guest {i}", "", "", "2019", p, f"person{i}@mail.example", "IT"] for i, p in enumerate(PAYLOADS)
        ],
        tabs.EVENT_FEEDBACK: [[p, day, "", "9", p] for p in PAYLOADS],
    }  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def injected(request, tmp_path_factory) -> Harness:
    tmp = tmp_path_factory.mktemp(f"injection-{request.param}")
    h = make_school(request.param, tmp, school_sheets(dt.date.today()))
    report = run_once(h.config)
    assert report.outcome in ("ok", "ok-with-issues")
    return h


def _cells(h: Harness, titles=WRITTEN) -> list[str]:
    snap = h.read()
    return [c for t in titles for r in snap.grids[t].rows for c in r]


def _parts(h: Harness) -> dict[str, dict[str, str]]:
    """mail file -> {"plain": text, "html": raw HTML source as sent (still escaped)}."""
    out = {}
    for path in sorted(h.config.outbox_dir.rglob("*.eml")):
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        out[path.name] = {
            kind: msg.get_body(preferencelist=(kind,)).get_content()  # type: ignore[union-attr]
            for kind in ("plain", "html")
        }
    return out


# --------------------------------------------------------------------------- tabs


def test_no_payload_becomes_a_formula_in_any_tab_the_service_writes(injected: Harness):
    injected.assert_no_formulas()
    if injected.kind == "xlsx":  # and the file itself holds no <f> element in those sheets
        from zipfile import ZipFile

        from openpyxl import load_workbook

        book = load_workbook(injected.config.workbook)
        with ZipFile(injected.config.workbook) as z:
            for i, title in enumerate(book.sheetnames, start=1):
                if title in tabs.OUTPUT_TABS:
                    assert "<f>" not in z.read(f"xl/worksheets/sheet{i}.xml").decode(), title


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_arrives_as_the_same_text(injected: Harness, payload):
    cells = _cells(injected, (tabs.ALUMNI, tabs.OUTREACH_STATUS, tabs.DATA_ISSUES))
    text = payload.strip()
    assert text in cells or any(c.strip() == text for c in cells), payload


def test_review_pairs_show_payload_qualifications_as_text(injected: Harness):
    review = set(_cells(injected, (tabs.REVIEW,)))
    assert len(review & {p.strip() for p in PAYLOADS}) >= 3


def test_staff_names_and_event_names_reach_the_rollup_as_text(injected: Harness):
    rollup = _cells(injected, (tabs.ROLLUP,))
    assert RAW in rollup  # the Relationship owners table names the staff member
    assert any(c.strip() in {p.strip() for p in PAYLOADS} for c in rollup if c not in (RAW,)), (
        "an event name from Attendance / Event feedback"
    )


# --------------------------------------------------------------------------- digests


def test_digests_escape_html_and_show_template_syntax_unrun(injected: Harness):
    mails = _parts(injected)
    assert {n.split("_", 1)[0] for n in mails} >= {"office", "owner", "teacher"}
    for name, part in mails.items():
        source = part["html"].lower()
        assert "<script" not in source, name
        assert "javascript:" not in source and 'href="http://evil' not in source, name
    ana = next(p for n, p in mails.items() if n.startswith("owner_ana-tutor"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ana["html"]  # escaped, not dropped
    assert "why: {{ 7*7 }}\n" in ana["plain"] and "why: {% raw %}\n" in ana["plain"]
    assert re.search(r">\{\{ 7\*7 \}\}</td>", ana["html"])
    assert not re.search(r"why: 49|>49<", ana["plain"] + ana["html"])  # "49" never where the payload was
    for payload in PAYLOADS[:5]:  # the formula payloads travel as plain text too
        assert f"why: {payload}\n" in ana["plain"]

    raw_owner = next(p for n, p in mails.items() if n.startswith("owner_") and "ana-tutor" not in n)
    assert "Hello {% raw %}," in raw_owner["plain"] and "Hello {% raw %}," in raw_owner["html"]
    assert f"why: {JINJA} {SCRIPT}" in raw_owner["plain"]

    teacher = next(p for n, p in mails.items() if n.startswith("teacher_ana-tutor"))
    assert "&lt;script&gt;" in teacher["html"] and "{{ 7*7 }}" in teacher["plain"]
    office = next(p for n, p in mails.items() if n.startswith("office_"))
    assert "owner: {% raw %}" in office["plain"]


# --------------------------------------------------------------------------- factsheet


def test_factsheet_is_aggregate_escaped_and_suppresses_small_counts(injected: Harness):
    page = injected.config.factsheet_path.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    snap = injected.read()
    alumni = snap.grids[tabs.ALUMNI].rows
    head = list(alumni[0])
    for row in alumni[1:]:
        name = row[head.index("Name")]
        if len(name) > 4:
            assert name not in page and name.upper() not in page, name
        for email in filter(None, row[head.index("Emails")].split("; ")):
            assert email not in page
        assert row[0] not in page  # no Alumni ID either
    for staff in ("Ana Tutor", "Olga Office", "raw@school.example"):
        assert staff not in page
    for payload in PAYLOADS:  # free-text labels resting on 1 answer are left out
        if len(payload.strip()) > 3:
            assert payload.strip() not in page, payload
    assert ">21<" in page  # the alumni count itself is public
    assert "&lt; 5" in page
    assert not re.search(r"<td[^>]*>\s*[1-4]\s*</td>", page)  # no count from 1 to 4 is shown
