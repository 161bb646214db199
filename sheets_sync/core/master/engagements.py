"""Link the staff-entered rows about people (Outreach, Attendance, Volunteering, Stories, Event
feedback) to alumni of the master list, by Alumni ID or with the matching engine (:func:`.matching.link_to`).

Pure: tables and alumni in, rows / :class:`Engagement` records / :class:`DataIssue` out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from sheets_sync import schema as tabs
from sheets_sync.core.lists.tables import Table, TableRow
from sheets_sync.core.master.exact import KIND_WORDS, ExactHit, ExactIndex, name_differs
from sheets_sync.core.master.identity import follow_alias, name_key, normalise_id
from sheets_sync.core.matching.link import MatchSettings, link_to
from sheets_sync.core.model import Alumnus, DataIssue, Engagement, OutreachStatus, SourceRecord
from sheets_sync.core.state import State
from sheets_sync.core.text.contacts import emails, phones
from sheets_sync.core.text.fold import clean_text
from sheets_sync.core.text.normalise import split_name, year
from sheets_sync.core.text.school_year import parse_date, parse_number

log = logging.getLogger(__name__)

DO_NOT_CONTACT = "DO NOT CONTACT: opted out"
CONSENT_UNKNOWN = "Consent unknown: check before contacting"
NOT_FOUND = "Not found"
NAME_DIFFERS_FROM_ID = "check: the name does not match the Alumni ID"
NAME_DIFFERS_FROM_KEY = "check: the name differs from {name}, found by the {kind} on this row"
NAME_DIFFERS_FIX = "nothing to do if it is the same person; if not, correct the {kind} on this row"
NOT_AN_ALUMNUS_FIX = (
    "nothing to do if this person is not an alumnus (a guest, a parent, a company contact); "
    "if they are, add their email or graduation year here, or ask their teacher to add them to a list"
)


@dataclass(frozen=True)
class Linker:
    """Finds the alumnus a row means: records + clusters of this run, one Alumnus per cluster."""

    records: Sequence[SourceRecord]
    clusters: list[list[int]]
    by_cluster: Sequence[Alumnus]
    settings: MatchSettings
    state: State
    today: dt.date
    region: str = "ES"

    @cached_property
    def by_id(self) -> dict[str, Alumnus]:
        return {a.alumni_id: a for a in self.by_cluster}

    def by_alumni_id(self, text: str) -> Alumnus | None:
        aid = normalise_id(text)
        if aid is None:
            return None
        return self.by_id.get(follow_alias(self.state, aid))

    @cached_property
    def exact(self) -> ExactIndex:
        index = {a.alumni_id: c for c, a in enumerate(self.by_cluster)}
        return ExactIndex(
            self.records,
            self.clusters,
            [a.name for a in self.by_cluster],
            lambda aid: index.get(follow_alias(self.state, aid)),
            self.region,
        )

    def exact_hit(self, row: TableRow, name: str) -> tuple[Alumnus, ExactHit] | None:
        """The alumnus an exact Alumni ID, email, student id or phone anywhere in ``row`` names."""
        hit = self.exact.find([*row.values.values(), *row.extra.values()], name)
        return (self.by_cluster[hit.cluster], hit) if hit is not None else None

    def query(
        self, tab: str, row: int, name: str, contact: str = "", grad: str = "", qual: str = ""
    ) -> SourceRecord:
        """A record built from what a staff tab says about a person (name, email/phone, year, ...)."""
        first, surname = split_name(name).value if "@" not in name else ("", "")
        found_emails = emails(contact).value if "@" in contact else ()
        if "@" in name:
            found_emails = tuple(dict.fromkeys(found_emails + emails(name).value))
        found_phones = phones(contact, self.region).value if "@" not in contact and contact.strip() else ()
        full = " ".join(p for p in (first, surname) if p)
        return SourceRecord(
            ref=f"{tab}!{row}",
            tab=tab,
            row=row,
            teacher="",
            first_name=first,
            surname=surname,
            full_name=full,
            emails=found_emails,
            phones=found_phones,
            graduation_year=year(grad, self.today).value,
            qualification=clean_text(qual),
        )

    @cached_property
    def by_unique_name(self) -> dict[str, Alumnus]:
        """Alumni whose full name (order, case and accents ignored) no other alumnus shares."""
        seen: dict[str, list[Alumnus]] = {}
        for a in self.by_cluster:
            key = name_key(a.name)
            if len(key.split()) >= 2:
                seen.setdefault(key, []).append(a)
        return {k: v[0] for k, v in seen.items() if len(v) == 1}

    def match(self, queries: Sequence[SourceRecord]) -> list[Alumnus | None]:
        """The engine first; a row giving only a name (no email or phone to weigh) falls back to the
        one alumnus with exactly that full name, when no other alumnus has it (staff typed it)."""
        return self.match_batches([queries])[0]

    def match_batches(self, batches: Sequence[Sequence[SourceRecord]]) -> list[list[Alumnus | None]]:
        """:meth:`match` of each batch, all matched in one pass (the ~20,000 list records are
        prepared for matching once per run, not once per staff tab)."""
        queries = [q for batch in batches for q in batch]
        if not self.records or not queries:
            return [[None] * len(batch) for batch in batches]
        found = iter(link_to(queries, self.records, self.clusters, self.settings))
        out: list[list[Alumnus | None]] = []
        for batch in batches:
            alumni: list[Alumnus | None] = []
            for q in batch:
                c, _pair = next(found)
                alumnus = self.by_cluster[c] if c is not None else None
                if alumnus is None and not q.emails and not q.phones:
                    alumnus = self.by_unique_name.get(name_key(q.full_name))
                alumni.append(alumnus)
            out.append(alumni)
        return out


def _iso(text: str) -> str:
    day = parse_date(text)
    return day.isoformat() if day else ""


def _date_issue(tab: str, row: int, column: str, text: str) -> DataIssue:
    return DataIssue(
        tab=tab,
        row=row,
        column=column,
        value=text,
        problem="not a date the sync can read",
        fix="write it as yyyy-mm-dd (or dd/mm/yyyy)",
    )


# --------------------------------------------------------------------------- outreach


@dataclass(frozen=True)
class _OutreachPlan:
    """The rows of ``Outreach`` found by Alumni ID, and the queries for the others."""

    tab: str
    by_id: dict[int, Alumnus]
    by_key: dict[int, tuple[Alumnus, ExactHit]]  # found by an exact key anywhere in the row
    bad_id: set[int]
    to_match: list[TableRow]
    queries: list[SourceRecord]


def _plan_outreach(table: Table, linker: Linker) -> _OutreachPlan:
    tab = table.title or tabs.OUTREACH
    by_id: dict[int, Alumnus] = {}
    by_key: dict[int, tuple[Alumnus, ExactHit]] = {}
    bad_id: set[int] = set()
    to_match: list[TableRow] = []
    for r in table.rows:
        if r["Alumni ID"].strip():
            hit = linker.by_alumni_id(r["Alumni ID"])
            if hit is not None:
                by_id[r.row] = hit
                continue
            bad_id.add(r.row)
        exact = linker.exact_hit(r, r["Alumnus"])
        if exact is not None:
            by_key[r.row] = exact
            continue
        if r["Alumnus"].strip() or r["Email"].strip():
            to_match.append(r)
    queries = [linker.query(tab, r.row, r["Alumnus"], r["Email"]) for r in to_match]
    return _OutreachPlan(tab, by_id, by_key, bad_id, to_match, queries)


def outreach_status(table: Table, linker: Linker) -> tuple[list[OutreachStatus], list[DataIssue]]:
    """One ``Outreach status`` row per ``Outreach`` row (tabs.OUTREACH_STATUS_HEADERS)."""
    plan = _plan_outreach(table, linker)
    return _outreach_rows(table, plan, linker.match(plan.queries))


def _outreach_rows(
    table: Table, plan: _OutreachPlan, matched: Sequence[Alumnus | None]
) -> tuple[list[OutreachStatus], list[DataIssue]]:
    tab, by_id, bad_id = plan.tab, plan.by_id, plan.bad_id
    issues: list[DataIssue] = []
    by_match = {r.row: a for r, a in zip(plan.to_match, matched, strict=True)}

    rows: list[OutreachStatus] = []
    for r in table.rows:
        ref = f"{tab}!{r.row}"
        exact = plan.by_key.get(r.row)
        alumnus = by_id.get(r.row) or (exact[0] if exact else None) or by_match.get(r.row)
        status, warning, owner = NOT_FOUND, "", ""
        if r.row in bad_id:
            issues.append(
                DataIssue(
                    tab=tab,
                    row=r.row,
                    column="Alumni ID",
                    value=r["Alumni ID"],
                    problem="this Alumni ID is not in the Alumni tab",
                    fix="copy the id from the Alumni tab, or clear it and give the name and email",
                )
            )
        if alumnus is None:
            if not (r["Alumnus"].strip() or r["Email"].strip() or r["Alumni ID"].strip()):
                status = "Nothing to look up: give a name, email or Alumni ID"
            issues.append(
                DataIssue(
                    tab=tab,
                    row=r.row,
                    column="Alumnus",
                    value=r["Alumnus"] or r["Email"],
                    problem="matches nobody in the Alumni master list",
                    fix="check the spelling, add the email or the Alumni ID; if nobody's list holds this "
                    "alumnus yet, ask a teacher who knows them to add them",
                )
            )
        elif alumnus.opted_out:
            status, warning = "Do not contact", DO_NOT_CONTACT
        else:
            owner = alumnus.owner
            status = f"Owner to loop in: {owner}" if owner else "Found: no relationship owner known"
            if alumnus.consent != "Yes":
                warning = CONSENT_UNKNOWN
            note = ""
            if r.row in by_id and name_differs(r["Alumnus"], alumnus.name):
                note = NAME_DIFFERS_FROM_ID
            elif exact is not None and name_differs(r["Alumnus"], alumnus.name):
                note = NAME_DIFFERS_FROM_KEY.format(name=alumnus.name, kind=KIND_WORDS[exact[1].kind])
            warning = "; ".join(w for w in (warning, note) if w)
        date = _iso(r["Date"]) or r["Date"]
        rows.append(
            OutreachStatus(
                row=ref,
                date=date,
                entered=r["Alumnus"] or r["Email"],
                alumni_id=alumnus.alumni_id if alumnus else "",
                name=alumnus.name if alumnus else "",
                owner=owner,
                purpose=r["Purpose"],
                requested_by=r["Requested by"],
                status=status,
                warning=warning,
            )
        )
    log.info("outreach: %d rows, %d resolved", len(rows), sum(1 for s in rows if s.alumni_id))
    return rows, issues


# --------------------------------------------------------------------------- engagement records


@dataclass(frozen=True)
class _Source:
    """How to read one engagement tab."""

    default_title: str
    mode: str
    name: str
    contact: str
    grad: str
    qual: str
    date: str
    kind: Callable[[TableRow], str]
    department: str = ""
    hours: str = ""
    needs_person: bool = False  # rows without a person are not engagement records (anonymous)


SOURCES = {  # by tab: the staff-entered tabs whose rows are engagement records
    tabs.ATTENDANCE: _Source(
        tabs.ATTENDANCE, "E", "Name", "Contact (optional)", "Year of graduation", "Qualification",
        "Event date", lambda r: r["Event"], department="Department",
    ),
    tabs.VOLUNTEERING: _Source(
        tabs.VOLUNTEERING, "V", "Volunteer name", "Contact (optional)", "Graduation year", "Qualification",
        "Date", lambda r: r["Type of contribution"], department="Department", hours="Volunteering hours",
    ),
    tabs.STORIES: _Source(
        tabs.STORIES, "V", "Name", "Email", "Graduation year", "VET qualification", "Interview date",
        lambda r: "Story",
    ),
    tabs.EVENT_FEEDBACK: _Source(
        tabs.EVENT_FEEDBACK, "C", "Respondent (optional)", "Respondent (optional)", "", "", "Event date",
        lambda r: "Feedback", needs_person=True,
    ),
}  # fmt: skip


_Pending = tuple[_Source, str, TableRow, "tuple[Alumnus, ExactHit] | None"]


def _plan_engagements(
    tables: Mapping[str, Table], linker: Linker
) -> tuple[list[_Pending], list[SourceRecord]]:
    """The rows of the four tabs that are engagement records (with the alumnus an exact key in the
    row names, if any), and one engine query per row no exact key settled."""
    pending: list[_Pending] = []
    queries: list[SourceRecord] = []
    for key, src in SOURCES.items():
        table = tables.get(key)
        if table is None:
            continue
        tab = table.title or src.default_title
        for r in table.rows:
            person = r[src.name].strip() or r[src.contact].strip()
            if src.needs_person and not person:
                continue
            exact = linker.exact_hit(r, r[src.name])
            pending.append((src, tab, r, exact))
            if exact is None:
                contact = r[src.contact] if src.contact != src.name else ""
                queries.append(linker.query(tab, r.row, r[src.name], contact, r[src.grad], r[src.qual]))
    return pending, queries


def link_engagements(tables: Mapping[str, Table], linker: Linker) -> tuple[list[Engagement], list[DataIssue]]:
    """Engagement records from the four tabs, linked to Alumni IDs by an exact key in the row or
    where the engine finds them."""
    pending, queries = _plan_engagements(tables, linker)
    return _engagements(pending, linker.match(queries))


def _engagements(
    pending: Sequence[_Pending], matched_queries: Sequence[Alumnus | None]
) -> tuple[list[Engagement], list[DataIssue]]:
    issues: list[DataIssue] = []
    out: list[Engagement] = []
    engine = iter(matched_queries)
    for src, tab, r, exact in pending:
        alumnus = exact[0] if exact is not None else next(engine)
        if exact is not None and name_differs(r[src.name], exact[0].name):
            kind = KIND_WORDS[exact[1].kind]
            issues.append(
                DataIssue(
                    tab=tab,
                    row=r.row,
                    column=src.name,
                    value=r[src.name],
                    problem=f"linked to {exact[0].alumni_id}: "
                    + NAME_DIFFERS_FROM_KEY.format(name=exact[0].name, kind=kind),
                    fix=NAME_DIFFERS_FIX.format(kind=kind),
                )
            )
        date = _iso(r[src.date])
        if r[src.date].strip() and not date:
            issues.append(_date_issue(tab, r.row, src.date, r[src.date]))
        hours = parse_number(r[src.hours]) if src.hours else None
        out.append(
            Engagement(
                mode=src.mode,
                date=date,
                source=f"{tab}!{r.row}",
                kind=src.kind(r),
                alumni_id=alumnus.alumni_id if alumnus else None,
                department=r[src.department] if src.department else "",
                hours=hours,
            )
        )
        if alumnus is None:
            person = r[src.name].strip() or r[src.contact].strip()
            issues.append(
                DataIssue(
                    tab=tab,
                    row=r.row,
                    column=src.name,
                    value=person,
                    problem="not linked to any alumnus (normal for guests who are not alumni)"
                    if person
                    else "no name or contact, so it cannot be linked to an alumnus",
                    fix=NOT_AN_ALUMNUS_FIX if person else "add the person's name (and email, with consent)",
                )
            )
    log.info("engagements: %d records, %d linked", len(out), sum(1 for e in out if e.alumni_id))
    return out, issues


# --------------------------------------------------------------------------- both, matched together


@dataclass(frozen=True)
class StaffLinks:
    outreach: list[OutreachStatus]  # as outreach_status
    outreach_issues: list[DataIssue]
    engagements: list[Engagement]  # as link_engagements
    engagement_issues: list[DataIssue]


def link_staff_tabs(outreach: Table, tables: Mapping[str, Table], linker: Linker) -> StaffLinks:
    """:func:`outreach_status` and :func:`link_engagements` with one pass of the engine over the
    records for both (the same results as calling the two)."""
    plan = _plan_outreach(outreach, linker)
    pending, queries = _plan_engagements(tables, linker)
    matched_outreach, matched_engagements = linker.match_batches([plan.queries, queries])
    rows, outreach_issues = _outreach_rows(outreach, plan, matched_outreach)
    engagements, engagement_issues = _engagements(pending, matched_engagements)
    return StaffLinks(rows, outreach_issues, engagements, engagement_issues)
