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
:func:`plan_digests` records each planned mail under ``pending`` (mail key -> its item keys);
:func:`mark_sent` (called by ``mail.deliver_all`` after a successful delivery) moves them to ``sent``.
With ``retry_pending`` (the default) a mail still pending from an earlier run is planned again
(same items -> same key -> same Message-ID); without it, pending items count as done because the
caller's queue retries the file itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..config import DigestConfig
from ..report import SyncReport
from ..tabs import OFFICE_ROLES, OUTREACH_STATUS_HEADERS
from .model import Alumnus, DataIssue
from .state import State
from .tables import Table, header_key

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "mail"
MAX_IDS = 50  # ids listed in the office digest before "and N more"
BACKLOG_IDS = 200  # ids remembered between digests (the state cell stays small)
SENT_KEEP_DAYS = 60  # mail keys in ``sent`` are pruned after this; item keys are kept
OPTED_OUT = "opted out — do not contact"
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


@dataclass(frozen=True)
class DigestInput:
    report: SyncReport
    alumni: Sequence[Alumnus]
    staff: Table
    outreach_rows: Sequence[Sequence[Any]]  # rows under tabs.OUTREACH_STATUS_HEADERS
    issues: Sequence[DataIssue]
    headline: Mapping[str, object]
    charts: Mapping[str, bytes]
    state: State
    config: DigestConfig
    school_name: str
    today: dt.date
    retry_pending: bool = True
    forget_cells: Sequence[str] = ()  # teacher-owned cells still holding a forgotten person (issue 7)


# --------------------------------------------------------------------------- rendering


@cache
def template_environment() -> Environment:
    """Autoescaped for ``*.html.j2``; plain for ``*.txt.j2``; any missing variable is an error."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2"), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_value
    return env


def format_value(value: object) -> str:
    """A figure as people read it: ``1,234``, ``12.5``; text as is; ``""`` as an en dash."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    text = str(value)
    return text if text.strip() else "–"


# (key of Rollup.headline, label, unit, the count it rests on: suppressed with it in the factsheet)
HEADLINE: tuple[tuple[str, str, str, str], ...] = (
    ("alumni", "Alumni", "", ""),
    ("contactable", "Contactable alumni", "", "opted_out"),  # alumni - opted_out
    ("opted_out", "Opted out", "", ""),
    ("engaged", "Engaged this school year", "", ""),
    ("engagement_rate", "Engagement rate", " %", "engaged"),
    ("volunteer_hours", "Volunteer hours", "", "volunteers"),
    ("volunteer_value", "Value of volunteer time", " {currency}", "volunteers"),
    ("experiential_actions", "Experiential actions", "", ""),
    ("nps", "Net Promoter Score", "", "nps_responses"),
)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def suppress(value: object, min_count: int) -> str | None:
    """``"< 5"`` for a count of 1..min_count-1 (so no one can be singled out), else ``None``."""
    if _is_count(value) and 0 < value < min_count:  # type: ignore[operator]
        return f"< {min_count}"
    return None


def rounded(value: int, min_count: int) -> str:
    """A count shown to the nearest multiple of ``min_count`` ("≈ 10"): a suppressed count cannot
    be recovered by subtracting it from an exact neighbour."""
    step = max(1, min_count)
    return f"≈ {int(value / step + 0.5) * step:,}"


def headline_figures(headline: Mapping[str, object], *, min_count: int = 0) -> list[tuple[str, str]]:
    """(label, text) of the headline figures. Known keys of ``Rollup.headline`` get labels and
    units. With ``min_count``: small counts are ``< 5``; a figure resting on one is ``–`` (a rate)
    or rounded (a count, "≈ 10"). Unknown mappings are shown as given."""
    known = [row for row in HEADLINE if row[0] in headline]
    if not known:
        return [
            (str(k).replace("_", " ").capitalize(), suppress(v, min_count) or format_value(v))
            for k, v in headline.items()
        ]
    figures = []
    for key, label, unit, basis in known:
        value = headline[key]
        hidden = suppress(value, min_count)
        if hidden is None and basis and suppress(headline.get(basis), min_count) is not None:
            hidden = rounded(value, min_count) if _is_count(value) else "–"  # type: ignore[arg-type]
        text = hidden or format_value(value)
        if hidden is None and text != "–":
            text += unit.format(currency=headline.get("currency", ""))
        figures.append((label, text))
    return figures


def _render(env: Environment, name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    text = env.get_template(f"{name}.txt.j2").render(context)
    html = env.get_template(f"{name}.html.j2").render(context)
    return text, html


def content_id(chart: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in chart)
    return f"chart-{slug}@sheets-sync"


# --------------------------------------------------------------------------- helpers


def _fp(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12]


def _clean(text: object) -> str:
    return " ".join(str(text or "").split())


def _slug(name: str) -> str:
    return header_key(name).replace(" ", "-")


def _one_line(text: str) -> str:
    """Header-safe: no CR/LF can reach a Subject."""
    return " ".join(text.split())


@dataclass(frozen=True)
class StaffMember:
    name: str
    email: str
    role: str
    receives_digest: bool


def staff_members(staff: Table) -> dict[str, StaffMember]:
    """Staff rows by folded name (``header_key``): the address book for owner/teacher digests."""
    found: dict[str, StaffMember] = {}
    for row in staff.rows:
        name = _clean(row["Name"])
        if not name:
            continue
        member = StaffMember(
            name=name,
            email=_clean(row["Email"]),
            role=_clean(row["Role"]),
            receives_digest=header_key(row["Receives digest"]) not in ("no", "n", "false", "0"),
        )
        found.setdefault(header_key(name), member)
    return found


def office_recipients(config: DigestConfig, staff: Mapping[str, StaffMember]) -> tuple[str, ...]:
    if config.office_recipients:
        return tuple(dict.fromkeys(a.strip() for a in config.office_recipients if a.strip()))
    office = {header_key(r) for r in OFFICE_ROLES}
    return tuple(
        dict.fromkeys(
            m.email for m in staff.values() if header_key(m.role) in office and m.receives_digest and m.email
        )
    )


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


def _owner_of(alumnus: Alumnus) -> str:
    return _clean(alumnus.owner_override or alumnus.owner)


@dataclass
class _Box:
    """Notification items for one person, collected while planning."""

    member: StaffMember | None
    name: str
    loopins: list[dict[str, Any]] = field(default_factory=list)
    found: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- planning


def plan_digests(inp: DigestInput) -> tuple[list[Mail], State]:
    """Which mails to send this run, rendered, and the new state (each planned mail ``pending``)."""
    state = inp.state.copy()
    today = inp.today.isoformat()
    env = template_environment()
    staff = staff_members(inp.staff)
    alumni = {a.alumni_id: a for a in inp.alumni}
    sent = state.keys("sent")
    old_pending = dict(state.items("pending"))
    if not inp.retry_pending:  # the caller's queue retries them itself: count them as sent
        for key, entry in old_pending.items():
            for item in [key, *_entry_items(entry)]:
                state.set("sent", item, _entry_date(entry, today), when=today)
        state.replace_kind("pending", {}, when=today)
        sent = state.keys("sent")
        old_pending = {}
    done: set[str] = set(sent)
    pending_people = {_entry_person(k) for k in old_pending}

    backlog = _merge_backlog(state, old_pending, inp.report, today)
    boxes: dict[str, _Box] = {}
    unmailable: set[str] = set()

    def box(name: str) -> _Box:
        key = header_key(name)
        if key not in boxes:
            boxes[key] = _Box(member=staff.get(key), name=name)
        return boxes[key]

    approaches = _outreach(inp, alumni, done, box)
    if inp.config.owner_digests:
        _found_elsewhere(inp.alumni, done, box)
    if inp.config.teacher_digests:
        _teacher_issues(inp.issues, done, box)

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
            items = _items_of(b, kind)
            if not items:
                continue
            person = f"{kind}:{_slug(b.name)}"
            last = _date(state.get("digest", person))
            retry = person in pending_people
            if not (retry or is_due(inp.config, last, inp.today)):
                continue
            mail = _person_mail(env, inp, b, kind, items)
            mails.append(mail)
            new_pending[mail.key] = {"kind": kind, "items": list(mail.items), "date": today}
            state.set("digest", person, today, when=today)

    planned = {item for m in mails for item in m.items}
    for entry in approaches:
        entry["status"] = _approach_status(entry, planned, boxes)
    office_mail = _office_mail(env, inp, state, staff, backlog, approaches, unmailable, old_pending)
    if office_mail is not None:
        mails.insert(0, office_mail)
        new_pending[office_mail.key] = {
            "kind": "office",
            "items": list(office_mail.items),
            "date": today,
            "backlog": backlog,
        }
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


def mark_sent(state: State, mail: Mail, today: dt.date) -> State:
    """After a successful delivery: the mail and its items become ``sent``; no longer pending."""
    new = state.copy()
    for key in [mail.key, *mail.items]:
        new.set("sent", key, today.isoformat(), when=today.isoformat())
    new.delete("pending", mail.key)
    return new


def _entry_items(entry: object) -> list[str]:
    return [str(i) for i in entry.get("items", [])] if isinstance(entry, dict) else []


def _entry_date(entry: object, default: str) -> str:
    return str(entry.get("date", default)) if isinstance(entry, dict) else default


def _entry_person(mail_key: str) -> str:
    """``owner:<person>:<hash>`` -> ``owner:<person>``; ``office:<date>`` -> ``office``."""
    kind, _, rest = mail_key.partition(":")
    return kind if kind == "office" else f"{kind}:{rest.rpartition(':')[0]}"


def _merge_backlog(
    state: State, old_pending: Mapping[str, Any], report: SyncReport, today: str
) -> dict[str, Any]:
    """Changes since the last office digest: this run's, plus any not yet delivered."""
    stored = state.get("digest", BACKLOG_KEY) or {}
    parts = [stored if isinstance(stored, dict) else {}]
    parts += [e.get("backlog") or {} for e in old_pending.values() if isinstance(e, dict)]
    new_count = sum(int(p.get("new", 0)) for p in parts) + len(report.new_alumni)
    ids = [i for p in parts for i in p.get("ids", [])] + list(report.new_alumni)
    merged_count = sum(int(p.get("merged", 0)) for p in parts) + len(report.merged)
    merges = [m for p in parts for m in p.get("merges", [])] + [list(m) for m in report.merged]
    since = min((str(p["since"]) for p in parts if p.get("since")), default=today)
    return {
        "new": new_count,
        "ids": list(dict.fromkeys(ids))[:BACKLOG_IDS],
        "merged": merged_count,
        "merges": merges[:BACKLOG_IDS],
        "since": since,
    }


def _outreach(
    inp: DigestInput, alumni: Mapping[str, Alumnus], done: set[str], box: Any
) -> list[dict[str, str]]:
    """Loop-in items for owners; returns the office's view of the approaches (ids, no names).

    Rows needing attention (not matched, opted out, no owner) are listed in every office digest
    until fixed; a loop-in is listed once, in the digest of the run that planned it.
    """
    col = {h: i for i, h in enumerate(OUTREACH_STATUS_HEADERS)}

    def cell(row: Sequence[Any], header: str) -> str:
        i = col[header]
        return _clean(row[i]) if i < len(row) else ""

    office: list[dict[str, str]] = []
    for row in inp.outreach_rows:
        alumni_id, owner = cell(row, "Alumni ID"), cell(row, "Owner to loop in")
        alumnus = alumni.get(alumni_id)
        warning = " ".join((cell(row, "Warning"), cell(row, "Status"))).lower()
        opted_out = (alumnus is not None and alumnus.opted_out) or "do not contact" in warning
        when, purpose, asked = cell(row, "Date"), cell(row, "Purpose"), cell(row, "Requested by")
        entry = {
            "row": cell(row, "Outreach row"),
            "date": when,
            "alumni_id": alumni_id or "–",
            "owner": owner or "–",
            "status": "",
            "key": "",
        }
        if not alumni_id:
            entry["status"] = "not matched to an alumnus: check the name or add the Alumni ID"
        elif opted_out:
            entry["status"] = OPTED_OUT
        elif not owner:
            entry["status"] = "no relationship owner to loop in"
        if alumni_id and owner:
            key = f"loopin:{owner}:{_fp(alumni_id, when, purpose, asked)}"
            if key in done and not entry["status"]:
                continue  # looped in and reported by an earlier digest
            if key not in done and inp.config.owner_digests:
                entry["key"] = key
                b = box(owner)
                b.keys.append(key)
                b.loopins.append(
                    {
                        "key": key,
                        "alumni_id": alumni_id,
                        "name": alumnus.name if alumnus else cell(row, "Resolved name"),
                        "opted_out": opted_out,
                        "date": "" if opted_out else when,
                        "purpose": "" if opted_out else purpose,
                        "requested_by": "" if opted_out else asked,
                    }
                )
        office.append(entry)
    return office


def _approach_status(entry: dict[str, str], planned: set[str], boxes: Mapping[str, _Box]) -> str:
    if entry["status"] or not entry["key"]:
        return entry["status"] or "owner digests are switched off"
    if entry["key"] in planned:
        return "owner looped in (mail sent with this digest)"
    b = boxes.get(header_key(entry["owner"]))
    if b is None or b.member is None or not b.member.email:
        return "owner has no email in Staff: add it so they can be looped in"
    if not b.member.receives_digest:
        return "owner does not receive digests (Staff: Receives digest = No)"
    return "owner will be told in their next digest"


def _found_elsewhere(alumni: Sequence[Alumnus], done: set[str], box: Any) -> None:
    """Owners hear when their alumni are also known to other teachers (once per teacher)."""
    for a in alumni:
        owner = _owner_of(a)
        if not owner:
            continue
        others = [t for t in (_clean(t) for t in a.also_known_to) if t and header_key(t) != header_key(owner)]
        new = [t for t in others if f"found:{owner}:{a.alumni_id}:{t}" not in done]
        if not new:
            continue
        b = box(owner)
        b.keys.extend(f"found:{owner}:{a.alumni_id}:{t}" for t in new)
        b.found.append(
            {
                "keys": [f"found:{owner}:{a.alumni_id}:{t}" for t in new],
                "alumni_id": a.alumni_id,
                "name": a.name,
                "teachers": new,
                "opted_out": a.opted_out,
            }
        )


def _teacher_issues(issues: Sequence[DataIssue], done: set[str], box: Any) -> None:
    for issue in issues:
        teacher = _clean(issue.list_owner)
        if not teacher:
            continue
        key = f"issue:{teacher}:{_fp(issue.tab, issue.row, issue.column, issue.value, issue.problem)}"
        if key in done:
            continue
        b = box(teacher)
        if key in b.keys:
            continue
        b.keys.append(key)
        value = issue.value if issue.column else ""
        b.issues.append(
            {
                "key": key,
                "tab": issue.tab,
                "row": issue.row if issue.row is not None else "",
                "column": issue.column,
                "value": value if len(value) <= 60 else value[:57] + "…",
                "problem": issue.problem,
                "fix": issue.fix,
            }
        )


def _items_of(b: _Box, kind: str) -> list[str]:
    if kind == "owner":
        return [i["key"] for i in b.loopins] + [k for f in b.found for k in f["keys"]]
    return [i["key"] for i in b.issues]


def _person_mail(env: Environment, inp: DigestInput, b: _Box, kind: str, items: list[str]) -> Mail:
    assert b.member is not None
    key = f"{kind}:{_slug(b.name)}:{_fp(*sorted(items))}"
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
    text, html = _render(env, kind, context)
    return Mail(
        key=key,
        kind=kind,
        to=(b.member.email,),
        subject=_one_line(subject),
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
    old_pending: Mapping[str, Any],
) -> Mail | None:
    retry_key = next((k for k in old_pending if k.startswith("office:")), None)
    key = f"office:{inp.today.isoformat()}"
    last = _date(state.get("digest", "office"))
    sent: set[str] = set(state.keys("sent"))
    if is_due(inp.config, last, inp.today) and key not in sent:
        pass
    elif retry_key is not None:
        key = retry_key  # not due today, but the last one was never delivered
    else:
        return None
    to = office_recipients(inp.config, staff)
    if not to:
        log.warning(
            "no office digest recipients: set [digest] office_recipients or give an Alumni/Careers "
            "office row in Staff an email"
        )
        return None
    by_list: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for issue in inp.issues:
        by_list[issue.tab][0] += 1
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
        "issues_total": len(inp.issues),
        "issues_by_list": sorted(((t, n[0]) for t, n in by_list.items()), key=lambda x: (-x[1], x[0])),
        "headline": headline_figures(inp.headline),
        "school_year": str(inp.headline.get("school_year", "")),
        "charts": [(content_id(c), c.replace("_", " ").capitalize()) for c in charts],
        "approaches": approaches[:MAX_IDS],
        "approaches_more": max(0, len(approaches) - MAX_IDS),
        "unmailable": sorted(unmailable, key=str.casefold),
        "forget_cells": list(inp.forget_cells),
        "alumni_total": report.alumni,
        "opted_out_text": OPTED_OUT,
    }
    text, html = _render(env, "office", context)
    return Mail(
        key=key,
        kind="office",
        to=to,
        subject=_one_line(f"{inp.school_name}: alumni digest {key.removeprefix('office:')}"),
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
