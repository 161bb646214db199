"""Digest planning and rendering (pure): who gets what, once, escaped, with no more data than needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from jinja2 import UndefinedError

from sheets_sync.config import DigestConfig
from sheets_sync.core.digest.build import (
    OPTED_OUT,
    Mail,
    headline_figures,
    is_due,
    office_recipients,
    plan_digests,
    staff_members,
    template_environment,
)
from sheets_sync.core.model import DataIssue

from ._digest_data import (
    OFFICE,
    SCRIPT,
    TEACHER,
    TEMPLATE,
    TODAY,
    TUTOR,
    alumni,
    digest_input,
    issues,
    report,
    staff,
)


def by_kind(mails: list[Mail]) -> dict[str, Mail]:
    assert len({m.kind for m in mails}) == len(mails), [m.key for m in mails]
    return {m.kind: m for m in mails}


def test_plan_gives_one_mail_per_recipient_kind():
    mails, state = plan_digests(digest_input())
    kinds = by_kind(mails)
    assert set(kinds) == {"office", "owner", "teacher"}
    assert kinds["office"].to == (OFFICE,)  # Carl (Careers office) said "No" to digests
    assert kinds["owner"].to == (TUTOR,)
    assert kinds["teacher"].to == (TEACHER,)
    assert set(state.keys("pending")) == {m.key for m in mails}
    assert kinds["office"].key == f"office:{TODAY.isoformat()}"


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ((), (OFFICE,)),
        (
            ("boss@school.test", "boss@school.test", " head@school.test "),
            ("boss@school.test", "head@school.test"),
        ),
    ],
)
def test_office_recipients_come_from_config_else_office_roles(configured, expected):
    assert office_recipients(DigestConfig(office_recipients=configured), staff_members(staff())) == expected


def test_office_digest_has_ids_and_counts_but_no_alumni_names():
    office = by_kind(plan_digests(digest_input())[0])["office"]
    for body in (office.text, office.html):
        assert "A-00001" in body and "A-00003" in body  # new alumni ids
        assert "A-00004" in body and "A-00099" in body  # the merge
        assert "63.6 %" in body  # engagement rate from the real Rollup headline
        assert "Pairs waiting in Review" in body
        assert "List - Ana Ruiz" in body  # data issues by list
        assert "Outreach!2" in body and "owner looped in" in body
        assert OPTED_OUT in body  # Outreach!3's alumnus opted out
        assert "Nina Noaddress" in body  # has issues but no address in Staff
        for a in alumni():
            assert a.name not in body and "Grad Number" not in body
            assert not any(e in body for e in a.emails)
        assert "Guest lecture" not in body  # the purpose is for the owner, not this list
    cid = office.images[0][0]
    assert f'src="cid:{cid}"' in office.html


def test_owner_digest_loops_in_the_owner_with_who_why_when_and_who_asked():
    owner = by_kind(plan_digests(digest_input())[0])["owner"]
    for body in (owner.text, owner.html):
        assert "A-00001" in body
        assert "Guest lecture on food safety" in body and "2024-12-02" in body and "Olga Office" in body
        assert "Ana Ruiz" in body  # A-00001 was also found in Ana's list
    assert "<script>" not in owner.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in owner.html
    assert SCRIPT in owner.text  # plain text needs no escaping: it is shown as text


def test_opted_out_alumnus_is_never_proposed_for_contact():
    owner = by_kind(plan_digests(digest_input())[0])["owner"]
    for body in (owner.text, owner.html):
        assert "Ask to mentor a class" not in body and "2024-12-03" not in body
        assert OPTED_OUT in body


@pytest.mark.parametrize("kind", ["office", "owner", "teacher"])
def test_every_value_is_escaped_in_html_and_never_evaluated(kind):
    inp = digest_input(
        issues=[*issues(), DataIssue("List - Ana Ruiz", 9, "Name", SCRIPT, TEMPLATE, SCRIPT, "Ana Ruiz")]
    )
    mail = by_kind(plan_digests(inp)[0])[kind]
    assert "<script" not in mail.html.lower()
    assert "<b>Pública" not in mail.html and "&lt;b&gt;Pública&lt;/b&gt;" in mail.html
    if kind != "office":
        assert TEMPLATE in mail.html and TEMPLATE in mail.text  # shown as text, not rendered to 49
    assert "\n" not in mail.subject and "\r" not in mail.subject


def test_teacher_digest_lists_only_their_own_problems_with_tab_row_and_fix():
    teacher = by_kind(plan_digests(digest_input())[0])["teacher"]
    for body in (teacher.text, teacher.html):
        assert "List - Ana Ruiz" in body and "row 4" in body and "row 7" in body
        assert "correct the address" in body and "write a year such as 2019" in body
        assert "List - Nobody" not in body
    assert "2 things to fix" in teacher.subject


def test_a_notification_is_never_sent_twice():
    _, state = plan_digests(digest_input())  # planned = queued: the mail queue delivers them
    again, state = plan_digests(digest_input(state, report=report(new_alumni=[], merged=[])))
    assert again == []  # same day: everything sent
    tomorrow = TODAY + dt.timedelta(days=1)
    next_day, state = plan_digests(digest_input(state, today=tomorrow, report=report(new_alumni=["A-00013"])))
    assert [m.kind for m in next_day] == ["office"]  # owner and teacher items were sent already
    assert f"since the last digest ({TODAY.isoformat()})" in next_day[0].text
    assert "New alumni: 1" in next_day[0].text and "A-00013" in next_day[0].text


def test_only_new_items_reach_a_teacher():
    _, state = plan_digests(digest_input())
    extra = DataIssue("List - Ana Ruiz", 12, "Phone", "+34", "too short", "write the full number", "Ana Ruiz")
    later, _ = plan_digests(
        digest_input(state, today=TODAY + dt.timedelta(days=1), issues=[*issues(), extra])
    )
    teacher = by_kind(later)["teacher"]
    assert "row 12" in teacher.text and "row 4" not in teacher.text
    assert "1 thing to fix" in teacher.subject


@pytest.mark.parametrize(
    ("frequency", "last", "today", "due"),
    [
        ("daily", None, TODAY, True),
        ("daily", TODAY, TODAY, False),
        ("daily", TODAY - dt.timedelta(days=1), TODAY, True),
        ("weekly", None, TODAY, True),  # TODAY is a Monday
        ("weekly", None, TODAY + dt.timedelta(days=1), False),
        ("weekly", TODAY, TODAY + dt.timedelta(days=7), True),
        ("weekly", TODAY, TODAY + dt.timedelta(days=3), False),
        ("weekly", TODAY - dt.timedelta(days=9), TODAY + dt.timedelta(days=1), True),  # a week missed
    ],
)
def test_frequency(frequency, last, today, due):
    assert is_due(DigestConfig(frequency=frequency, weekday=0), last, today) is due


def test_weekly_digest_collects_the_week_of_changes():
    weekly = DigestConfig(frequency="weekly", weekday=0)
    _, state = plan_digests(digest_input(config=weekly))
    for offset in range(1, 7):  # Tuesday .. Sunday: nothing mailed, changes remembered
        day = TODAY + dt.timedelta(days=offset)
        new = report(new_alumni=[f"A-{100 + offset:05d}"], merged=[])
        quiet, state = plan_digests(digest_input(state, today=day, config=weekly, report=new))
        assert quiet == []
    monday, _ = plan_digests(
        digest_input(
            state, today=TODAY + dt.timedelta(days=7), config=weekly, report=report(new_alumni=[], merged=[])
        )
    )
    office = by_kind(monday)["office"]
    assert "New alumni: 6" in office.text and "A-00101" in office.text and "A-00106" in office.text
    assert "Merged records (same person): 0" in office.text


def test_owner_digests_can_be_switched_off():
    mails, _ = plan_digests(digest_input(config=DigestConfig(owner_digests=False, teacher_digests=False)))
    assert [m.kind for m in mails] == ["office"]
    assert "owner digests are switched off" in mails[0].text


def test_staff_who_said_no_get_no_digest():
    table = staff(["Tom Tutor", TUTOR, "Tutor", "", "No"])  # a second row for Tom: the first wins
    assert staff_members(table)["tom tutor"].receives_digest is True
    mails, _ = plan_digests(digest_input(staff=_staff_tom_says_no()))
    assert "owner" not in {m.kind for m in mails}
    assert "owner does not receive digests" in by_kind(mails)["office"].text


def _staff_tom_says_no():
    base = staff()
    rows = tuple(
        replace(r, values={**r.values, "Receives digest": "No"}) if r["Name"] == "Tom Tutor" else r
        for r in base.rows
    )
    return replace(base, rows=rows)


def test_mails_planned_by_the_last_run_count_as_sent():
    mails, state = plan_digests(digest_input())
    again, state = plan_digests(digest_input(state, today=TODAY + dt.timedelta(days=1)))
    assert [m.kind for m in again] == ["office"]
    assert state.keys("pending") == {again[0].key}
    assert {k for m in mails for k in m.items} <= state.keys("sent")


def test_no_office_recipient_means_no_office_mail():
    no_office = staff()
    rows = tuple(r for r in no_office.rows if "office" not in r["Role"].lower())
    mails, _ = plan_digests(digest_input(staff=replace(no_office, rows=rows)))
    assert "office" not in {m.kind for m in mails}


def test_templates_are_strict_and_autoescaped_by_name():
    env = template_environment()
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing }}").render()
    assert env.autoescape("office.html.j2") is True  # type: ignore[operator]
    assert env.autoescape("office.txt.j2") is False  # type: ignore[operator]


@pytest.mark.parametrize(
    ("headline", "min_count", "expected"),
    [
        (
            {"alumni": 120, "opted_out": 3, "contactable": 117},
            5,
            [("Alumni", "120"), ("Contactable alumni", "≈ 115"), ("Opted out", "< 5")],
        ),
        (
            {"alumni": 120, "opted_out": 3, "contactable": 117},
            0,
            [("Alumni", "120"), ("Contactable alumni", "117"), ("Opted out", "3")],
        ),
        (
            {"engaged": 2, "engagement_rate": 1.7},
            5,
            [("Engaged this school year", "< 5"), ("Engagement rate", "–")],
        ),
        ({"nps": 40.0, "nps_responses": 4}, 5, [("Net Promoter Score", "–")]),
        ({"nps": "", "nps_responses": 0}, 5, [("Net Promoter Score", "–")]),
        (
            {"volunteer_value": 1200.0, "currency": "EUR", "volunteers": 9},
            5,
            [("Value of volunteer time", "1,200 EUR")],
        ),
        ({"opted_out": 0}, 5, [("Opted out", "0")]),
        ({"custom_figure": 7}, 0, [("Custom figure", "7")]),
    ],
)
def test_headline_figures(headline, min_count, expected):
    assert headline_figures(headline, min_count=min_count) == expected


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        ("tom@school.test", True),
        (" tom@school.test ", True),
        ("tom@school.test, boss@elsewhere.test", False),
        ("Tom <tom@school.test>", False),
        ("tom@school.test\r\nBcc: spy@elsewhere.test", False),
        ("tom at school", False),
    ],
)
def test_a_staff_email_cell_never_adds_recipients(cell, kept):
    members = staff_members(staff(["Tina Tutor", cell, "Tutor", "", ""]))
    assert members["tina tutor"].email == (cell.strip() if kept else "")
