"""Digests: decide which notifications exist, and render them (pure: no smtplib, no I/O but templates).

Three kinds of mail (issue 5, guide §3 #1 and §3 #4):

* ``office``  — the alumni/careers office: what changed since the last digest (ids and counts),
  the headline rollup figures with a chart, and the planned approaches whose owners were looped in.
* ``owner``   — a relationship owner, only when there is something for them: the office plans to
  approach one of their alumni (the loop-in of §3 #1), or one of their alumni was found in
  another teacher's list. Names of *their* alumni only; opted-out alumni are never proposed.
* ``teacher`` — the problems found in that teacher's own list, each with tab, row and fix.

Every notification *item* has a stable key (``loopin:<staff>:<fp>``, ``found:<staff>:<id>:<teacher>``,
``issue:<teacher>:<fp>``, ``office:<date>``). An item in state ``sent`` is never mailed again.
:func:`plan_digests` records each planned mail under ``pending`` (mail key -> its item keys); the
next run moves them to ``sent``: once the state holding them is committed, the mail queue
(:mod:`sheets_sync.adapters.mail.queue`) owns the ``.eml`` file and retries it until it is delivered.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jinja2 import Environment

from sheets_sync.config.model import DigestConfig
from sheets_sync.core.digest.items import (
    FIXES_ALL_MAILED,
    FIXES_SOME_NOT_MAILED,
    OPTED_OUT,
    Box,
    StaffMember,
    approach_status,
    collect_found,
    collect_issues,
    collect_outreach,
    fingerprint,
    fixes_go_to,
    items_of,
    office_recipients,
    one_line,
    slug,
    staff_members,
)
from sheets_sync.core.digest.render import (
    content_id,
    format_value,
    headline_figures,
    render,
    rounded,
    suppress,
    template_environment,
)
from sheets_sync.core.lists.tables import Table
from sheets_sync.core.model import Alumnus, DataIssue, OutreachStatus
from sheets_sync.core.state import State
from sheets_sync.core.survey.offers import OpenOffer
from sheets_sync.core.text.fold import fold

__all__ = [
    "OPTED_OUT",
    "DigestInput",
    "Mail",
    "StaffMember",
    "format_value",
    "headline_figures",
    "is_due",
    "office_recipients",
    "plan_digests",
    "rounded",
    "staff_members",
    "suppress",
    "template_environment",
]

log = logging.getLogger(__name__)

MAX_IDS = 50  # ids listed in the office digest before "and N more"
BACKLOG_IDS = 200  # ids remembered between digests (the state cell stays small)
SENT_KEEP_DAYS = 60  # mail keys in ``sent`` are pruned after this; item keys are kept
DIGEST_CHARTS = ("engagement_by_mode", "engagement_rate")  # charts shown in the office digest
BACKLOG_KEY = "office-backlog"


@dataclass(frozen=True)
class Mail:
    key: str  # unique notification key: "office:2026-11-27", "owner:<staff>:<hash>", "teacher:<name>:<hash>"
    kind: str  # office | owner | teacher
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    images: tuple[tuple[str, bytes], ...] = ()  # (content-id without <>, png bytes), inline
    items: tuple[str, ...] = ()  # the notification item keys this mail carries


class RunFacts(Protocol):
    """What the office digest tells about the run; the application's ``SyncReport`` is one."""

    @property
    def alumni(self) -> int: ...
    @property
    def new_alumni(self) -> Sequence[str]: ...  # Alumni IDs
    @property
    def merged(self) -> Sequence[tuple[str, str]]: ...  # (surviving id, absorbed id)
    @property
    def review_pairs(self) -> int: ...
    @property
    def new_review_pairs(self) -> int: ...


@dataclass(frozen=True)
class DigestInput:
    report: RunFacts
    alumni: Sequence[Alumnus]
    staff: Table
    outreach: Sequence[OutreachStatus]
    issues: Sequence[DataIssue]
    headline: Mapping[str, object]
    charts: Mapping[str, bytes]
    state: State
    config: DigestConfig
    school_name: str
    today: dt.date
    forget_cells: Sequence[str] = ()  # teacher-owned cells still holding a forgotten person (issue 7)
    offers: Sequence[OpenOffer] = ()  # survey offers of help nobody has taken up (guide §3 #3)
    review_link: str = ""  # where the office opens the workbook's Review tab (URL or file URI)


def is_due(config: DigestConfig, last: dt.date | None, today: dt.date) -> bool:
    """Daily: once a day. Weekly: on ``config.weekday``, or as soon as a week was missed."""
    if last is not None and last >= today:
        return False
    if config.frequency != "weekly":
        return True
    return today.weekday() == config.weekday or (last is not None and (today - last).days > 7)


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------- planning


def plan_digests(inp: DigestInput) -> tuple[list[Mail], State]:
    """Which mails to send this run, rendered, and the new state (each planned mail ``pending``)."""
    state = inp.state.copy()
    today = inp.today.isoformat()
    env = template_environment()
    staff = staff_members(inp.staff)
    alumni = {a.alumni_id: a for a in inp.alumni}
    for key, entry in state.items("pending"):  # planned by an earlier run: queued, so done
        for item in [key, *_entry_items(entry)]:
            state.set("sent", item, _entry_date(entry, today), when=today)
    state.replace_kind("pending", {}, when=today)
    done: set[str] = set(state.keys("sent"))

    backlog = _merge_backlog(state, inp.report, today)
    boxes: dict[str, Box] = {}
    unmailable: set[str] = set()

    def box(name: str) -> Box:
        key = fold(name)
        if key not in boxes:
            boxes[key] = Box(member=staff.get(key), name=name)
        return boxes[key]

    approaches = collect_outreach(inp.outreach, alumni, done, box, inp.config.owner_digests)
    if inp.config.owner_digests:
        collect_found(inp.alumni, done, box)
    if inp.config.teacher_digests:
        collect_issues(inp.issues, done, box)

    mails: list[Mail] = []
    new_pending: dict[str, Any] = {}
    for _, b in sorted(boxes.items()):
        if not b.keys:
            continue
        if b.member is None or not b.member.email or not b.member.receives_digest:
            if b.member is None or not b.member.email:
                unmailable.add(b.name)
            continue
        for kind in ("owner", "teacher"):
            items = items_of(b, kind)
            if not items:
                continue
            person = f"{kind}:{slug(b.name)}"
            if not is_due(inp.config, _date(state.get("digest", person)), inp.today):
                continue
            mail = _person_mail(env, inp, b, kind, items)
            mails.append(mail)
            new_pending[mail.key] = {"kind": kind, "items": list(mail.items), "date": today}
            state.set("digest", person, today, when=today)

    planned = {item for m in mails for item in m.items}
    for entry in approaches:
        entry["status"] = approach_status(entry, planned, boxes)
    office_mail = _office_mail(env, inp, state, staff, backlog, approaches, unmailable)
    if office_mail is not None:
        mails.insert(0, office_mail)
        new_pending[office_mail.key] = {"kind": "office", "items": list(office_mail.items), "date": today}
        state.set("digest", "office", today, when=today)
        backlog = {}
    state.set("digest", BACKLOG_KEY, backlog, when=today)
    state.replace_kind("pending", new_pending, when=today)
    _prune_sent(state, inp.today)
    log.info(
        "digests planned: %d mail(s) (%s); %d person(s) without an address in Staff",
        len(mails),
        ", ".join(f"{k} {sum(1 for m in mails if m.kind == k)}" for k in ("office", "owner", "teacher")),
        len(unmailable),
    )
    return mails, state


def _entry_items(entry: object) -> list[str]:
    return [str(i) for i in entry.get("items", [])] if isinstance(entry, dict) else []


def _entry_date(entry: object, default: str) -> str:
    return str(entry.get("date", default)) if isinstance(entry, dict) else default


def _merge_backlog(state: State, report: RunFacts, today: str) -> dict[str, Any]:
    """Changes since the last office digest: the stored ones plus this run's."""
    stored = state.get("digest", BACKLOG_KEY) or {}
    old = stored if isinstance(stored, dict) else {}
    ids = [*old.get("ids", []), *report.new_alumni]
    merges = [*old.get("merges", []), *(list(m) for m in report.merged)]
    return {
        "new": int(old.get("new", 0)) + len(report.new_alumni),
        "ids": list(dict.fromkeys(ids))[:BACKLOG_IDS],
        "merged": int(old.get("merged", 0)) + len(report.merged),
        "merges": merges[:BACKLOG_IDS],
        "since": str(old.get("since") or today),
    }


def _person_mail(env: Environment, inp: DigestInput, b: Box, kind: str, items: list[str]) -> Mail:
    assert b.member is not None
    key = f"{kind}:{slug(b.name)}:{fingerprint(*sorted(items))}"
    context: dict[str, Any] = {"school": inp.school_name, "today": inp.today.isoformat(), "name": b.name}
    if kind == "owner":
        context |= {"loopins": b.loopins, "found": b.found, "opted_out_text": OPTED_OUT}
        n = len(b.loopins) + len(b.found)
        subject = f"{inp.school_name}: {n} update{'s' * (n != 1)} about alumni you know"
    else:
        issues = sorted(b.issues, key=lambda i: (i["tab"], i["row"] if i["row"] != "" else 0))
        context |= {"issues": issues}
        n = len(issues)
        subject = f"{inp.school_name}: {n} thing{'s' * (n != 1)} to fix in your alumni list"
    text, html = render(env, kind, context)
    return Mail(
        key=key,
        kind=kind,
        to=(b.member.email,),
        subject=one_line(subject),
        text=text,
        html=html,
        items=tuple(items),
    )


def _office_mail(
    env: Environment,
    inp: DigestInput,
    state: State,
    staff: Mapping[str, StaffMember],
    backlog: Mapping[str, Any],
    approaches: list[dict[str, str]],
    unmailable: set[str],
) -> Mail | None:
    key = f"office:{inp.today.isoformat()}"
    last = _date(state.get("digest", "office"))
    if not is_due(inp.config, last, inp.today) or key in state.keys("sent"):
        return None
    to = office_recipients(inp.config, staff)
    if not to:
        log.warning(
            "no office digest recipients: set [digest] office_recipients or give an Alumni/Careers "
            "office row in Staff an email"
        )
        return None
    by_list: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    owners: dict[str, str] = {}
    for issue in inp.issues:
        by_list[issue.tab][0] += 1
        owners.setdefault(issue.tab, issue.list_owner)
    delivery = {t: fixes_go_to(owners[t], staff, inp.config.teacher_digests) for t in by_list}
    charts = [c for c in DIGEST_CHARTS if c in inp.charts] or sorted(inp.charts)[:1]
    ids = list(backlog.get("ids", []))
    merges = list(backlog.get("merges", []))
    report = inp.report
    context = {
        "school": inp.school_name,
        "today": inp.today.isoformat(),
        "since": last.isoformat() if last is not None else "",
        "new_count": int(backlog.get("new", 0)),
        "new_ids": ids[:MAX_IDS],
        "new_more": max(0, int(backlog.get("new", 0)) - min(len(ids), MAX_IDS)),
        "merged_count": int(backlog.get("merged", 0)),
        "merges": merges[:MAX_IDS],
        "merges_more": max(0, int(backlog.get("merged", 0)) - min(len(merges), MAX_IDS)),
        "review_pairs": report.review_pairs,
        "new_review_pairs": report.new_review_pairs,
        "review_link": inp.review_link,
        "issues_total": len(inp.issues),
        "issues_by_list": sorted(
            ((t, n[0], delivery[t][0]) for t, n in by_list.items()), key=lambda x: (-x[1], x[0])
        ),
        "issues_note": FIXES_ALL_MAILED if all(ok for _, ok in delivery.values()) else FIXES_SOME_NOT_MAILED,
        "headline": headline_figures(inp.headline),
        "school_year": str(inp.headline.get("school_year", "")),
        "charts": [(content_id(c), c.replace("_", " ").capitalize()) for c in charts],
        "approaches": approaches[:MAX_IDS],
        "approaches_more": max(0, len(approaches) - MAX_IDS),
        "unmailable": sorted(unmailable, key=str.casefold),
        "forget_cells": list(inp.forget_cells),
        "offers": [
            {"alumni_id": o.alumni_id, "offers": ", ".join(o.offers), "owner": o.owner}  # ids, no names
            for o in inp.offers[:MAX_IDS]
        ],
        "offers_more": max(0, len(inp.offers) - MAX_IDS),
        "alumni_total": report.alumni,
        "opted_out_text": OPTED_OUT,
    }
    text, html = render(env, "office", context)
    return Mail(
        key=key,
        kind="office",
        to=to,
        subject=one_line(f"{inp.school_name}: alumni digest {key.removeprefix('office:')}"),
        text=text,
        html=html,
        images=tuple((content_id(c), inp.charts[c]) for c in charts),
        items=(key,),
    )


def _prune_sent(state: State, today: dt.date) -> None:
    """Mail keys (office/owner/teacher) are kept ``SENT_KEEP_DAYS``; item keys stay (the dedup)."""
    for key, value in list(state.items("sent")):
        if key.split(":", 1)[0] in ("office", "owner", "teacher"):
            when = _date(value)
            if when is not None and (today - when).days > SENT_KEEP_DAYS:
                state.delete("sent", key)
