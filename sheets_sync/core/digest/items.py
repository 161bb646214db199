"""Notification items (pure): what each person should hear about, keyed so it is said only once.

Item keys: ``loopin:<owner>:<fp>`` (the office plans to approach an owner's alumnus, guide §3 #1),
``found:<owner>:<Alumni ID>:<colleague>`` (an owner's alumnus is also in a colleague's list) and
``issue:<teacher>:<fp>`` (a problem in a teacher's own list).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.config.model import DigestConfig
from sheets_sync.core.lists.tables import Table
from sheets_sync.core.model import Alumnus, DataIssue, OutreachStatus
from sheets_sync.core.text.fold import fold
from sheets_sync.schema import OFFICE_ROLES

OPTED_OUT = "opted out — do not contact"
# Who receives a list's fixes (office digest, "Data issues by list"); kept together for translation.
FIXES_MAILED = "mailed to {name}"
FIXES_NO_OWNER = "nobody: no list owner"
FIXES_OFF = "nobody: teacher digests are off"
FIXES_NO_EMAIL = "nobody: {name} has no email in Staff"
FIXES_DECLINED = "nobody: {name} has Receives digest = No"
FIXES_ALL_MAILED = "Each teacher receives their own list of fixes; all are in the Data issues tab."
FIXES_SOME_NOT_MAILED = (
    'Fixes marked "nobody" reach no teacher: pass them on, or fill in the teacher\'s Staff row. '
    "All are in the Data issues tab."
)
_ADDRESS = re.compile(r"[^@\s,;<>\"()]+@[^@\s,;<>\"()]+\.[^@\s,;<>\"()]+")


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12]


def clean(text: object) -> str:
    return " ".join(str(text or "").split())


def slug(name: str) -> str:
    return fold(name).replace(" ", "-")


def one_line(text: str) -> str:
    """Header-safe: no CR/LF can reach a Subject."""
    return " ".join(text.split())


def address(text: str) -> str:
    """One plain address, or ``""``: a cell holding two addresses or a display name never widens
    the recipients of a mail (the person then shows up as "could not be notified")."""
    text = text.strip()
    return text if _ADDRESS.fullmatch(text) else ""


@dataclass(frozen=True)
class StaffMember:
    name: str
    email: str
    role: str
    receives_digest: bool


def staff_members(staff: Table) -> dict[str, StaffMember]:
    """Staff rows by folded name (``fold``): the address book for owner/teacher digests."""
    found: dict[str, StaffMember] = {}
    for row in staff.rows:
        name = clean(row["Name"])
        if not name:
            continue
        member = StaffMember(
            name=name,
            email=address(row["Email"]),
            role=clean(row["Role"]),
            receives_digest=fold(row["Receives digest"]) not in ("no", "n", "false", "0"),
        )
        found.setdefault(fold(name), member)
    return found


def office_recipients(config: DigestConfig, staff: Mapping[str, StaffMember]) -> tuple[str, ...]:
    if config.office_recipients:
        return tuple(dict.fromkeys(a.strip() for a in config.office_recipients if a.strip()))
    office = {fold(r) for r in OFFICE_ROLES}
    return tuple(
        dict.fromkeys(
            m.email for m in staff.values() if fold(m.role) in office and m.receives_digest and m.email
        )
    )


@dataclass
class Box:
    """Notification items for one person, collected while planning."""

    member: StaffMember | None
    name: str
    loopins: list[dict[str, Any]] = field(default_factory=list)
    found: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


def owner_of(alumnus: Alumnus) -> str:
    return clean(alumnus.owner_override or alumnus.owner)


def collect_outreach(
    outreach: Sequence[OutreachStatus],
    alumni: Mapping[str, Alumnus],
    done: set[str],
    box: Callable[[str], Box],
    owner_digests: bool,
) -> list[dict[str, str]]:
    """Loop-in items for owners; returns the office's view of the approaches (ids, no names).

    Rows needing attention (not matched, opted out, no owner) are listed in every office digest
    until fixed; a loop-in is listed once, in the digest of the run that planned it.
    """
    office: list[dict[str, str]] = []
    for s in outreach:
        alumni_id, owner = clean(s.alumni_id), clean(s.owner)
        alumnus = alumni.get(alumni_id)
        warning = " ".join((clean(s.warning), clean(s.status))).lower()
        opted_out = (alumnus is not None and alumnus.opted_out) or "do not contact" in warning
        when, purpose, asked = clean(s.date), clean(s.purpose), clean(s.requested_by)
        entry = {
            "row": clean(s.row),
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
            key = f"loopin:{owner}:{fingerprint(alumni_id, when, purpose, asked)}"
            if key in done and not entry["status"]:
                continue  # looped in and reported by an earlier digest
            if key not in done and owner_digests:
                entry["key"] = key
                b = box(owner)
                b.keys.append(key)
                b.loopins.append(
                    {
                        "key": key,
                        "alumni_id": alumni_id,
                        "name": alumnus.name if alumnus else clean(s.name),
                        "opted_out": opted_out,
                        "date": "" if opted_out else when,
                        "purpose": "" if opted_out else purpose,
                        "requested_by": "" if opted_out else asked,
                    }
                )
        office.append(entry)
    return office


def approach_status(entry: dict[str, str], planned: set[str], boxes: Mapping[str, Box]) -> str:
    if entry["status"] or not entry["key"]:
        return entry["status"] or "owner digests are switched off"
    if entry["key"] in planned:
        return "owner looped in (mail sent with this digest)"
    b = boxes.get(fold(entry["owner"]))
    if b is None or b.member is None or not b.member.email:
        return "owner has no email in Staff: add it so they can be looped in"
    if not b.member.receives_digest:
        return "owner does not receive digests (Staff: Receives digest = No)"
    return "owner will be told in their next digest"


def collect_found(alumni: Sequence[Alumnus], done: set[str], box: Callable[[str], Box]) -> None:
    """Owners hear when their alumni are also known to other teachers (once per teacher)."""
    for a in alumni:
        owner = owner_of(a)
        if not owner:
            continue
        others = [t for t in (clean(t) for t in a.also_known_to) if t and fold(t) != fold(owner)]
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


def collect_issues(issues: Sequence[DataIssue], done: set[str], box: Callable[[str], Box]) -> None:
    for issue in issues:
        teacher = clean(issue.list_owner)
        if not teacher:
            continue
        key = f"issue:{teacher}:{fingerprint(issue.tab, issue.row, issue.column, issue.value, issue.problem)}"
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


def items_of(b: Box, kind: str) -> list[str]:
    if kind == "owner":
        return [i["key"] for i in b.loopins] + [k for f in b.found for k in f["keys"]]
    return [i["key"] for i in b.issues]


def fixes_go_to(owner: str, staff: Mapping[str, StaffMember], teacher_digests: bool) -> tuple[str, bool]:
    """Who receives the fixes of a list whose owner is ``owner``: (the words, whether anybody does)."""
    name = clean(owner)
    if not name:
        return FIXES_NO_OWNER, False
    if not teacher_digests:
        return FIXES_OFF, False
    member = staff.get(fold(name))
    if member is None or not member.email:
        return FIXES_NO_EMAIL.format(name=name), False
    if not member.receives_digest:
        return FIXES_DECLINED.format(name=name), False
    return FIXES_MAILED.format(name=member.name), True
