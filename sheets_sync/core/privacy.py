"""Right to be forgotten: suppression entries that store a hash, never the data (issue 7).

``python run.py forget`` records, for each identifier of the person, ``sha256(salt + identifier)``
in the state tab (kind ``suppress``); the salt is the constant :data:`SALT` plus a random value
kept per workbook (state ``salt``/``suppress``), so a hash says nothing outside that workbook.

Identifiers are *strong* (an email, an E.164 phone, a student id, name + birth date, an Alumni
ID) or *weak* (the folded name, with the graduation year when one is known). Every later sync
drops the teacher-list records and the staff-tab rows (Outreach, Attendance, Volunteering,
Stories, Event feedback) that carry a suppressed strong identifier, or that carry no strong
identifier at all and a suppressed name (+ year) — so a forgotten person does not come back
while a row still holds them, and neither does a name-only row about them. The refs of those
rows are reported (``SyncReport.forgotten_rows``) so the office can ask their owners to delete
them; their Data issues rows are dropped too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sheets_sync import schema as tabs
from sheets_sync.core.lists.tables import Table, TableRow
from sheets_sync.core.master.identity import name_key, normalise_id, record_name
from sheets_sync.core.model import DataIssue, SourceRecord
from sheets_sync.core.state import State
from sheets_sync.core.text.contacts import emails, phones
from sheets_sync.core.text.normalise import year

SALT = "sheets_sync/suppress/v1:"
SALT_KIND, SALT_KEY = "salt", "suppress"  # state entry holding this workbook's random salt
KIND = "suppress"


@dataclass(frozen=True)
class PersonColumns:
    """Where a staff-entered tab holds a person: name, contact (email or phone), id, year."""

    name: str
    contact: str = ""
    alumni_id: str = ""
    year: str = ""


# the staff tabs that may name an alumnus (Staff itself names staff, not alumni)
PERSON_COLUMNS: Mapping[str, PersonColumns] = {
    tabs.OUTREACH: PersonColumns("Alumnus", "Email", "Alumni ID"),
    tabs.ATTENDANCE: PersonColumns("Name", "Contact (optional)", year="Year of graduation"),
    tabs.VOLUNTEERING: PersonColumns("Volunteer name", "Contact (optional)", year="Graduation year"),
    tabs.STORIES: PersonColumns("Name", "Email", year="Graduation year"),
    tabs.EVENT_FEEDBACK: PersonColumns("Respondent (optional)", "Respondent (optional)"),
}


@dataclass(frozen=True)
class Identifiers:
    """What recognises one row's person. ``strong`` prove identity; ``weak`` only name them."""

    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        return self.strong + self.weak


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.lower().split())


def identifier_hash(identifier: str, salt: str = "") -> str:
    return hashlib.sha256((SALT + salt + _fold(identifier)).encode("utf-8")).hexdigest()


def _weak(name: str, years: Iterable[int | None]) -> tuple[str, ...]:
    key = name_key(name)
    if not key:
        return ()
    return (f"name:{key}", *(f"nameyear:{key}|{y}" for y in sorted({y for y in years if y})))


def record_identifiers(record: SourceRecord) -> Identifiers:
    """The identifiers by which a person can be recognised in a list row."""
    strong = [f"email:{e.lower()}" for e in record.emails]
    strong += [f"phone:{p}" for p in record.phones]
    if record.student_id:
        strong.append(f"student:{record.student_id}")
    name = record_name(record)
    if record.birth_date and name:
        strong.append(f"namedob:{name_key(name)}|{record.birth_date}")
    return Identifiers(tuple(strong), _weak(name, [record.graduation_year]))


def row_identifiers(title: str, row: TableRow, region: str, today: dt.date) -> Identifiers:
    """The identifiers of the person a staff-tab row names (``PERSON_COLUMNS``)."""
    cols = PERSON_COLUMNS.get(title)
    if cols is None:
        return Identifiers()
    name, contact = row[cols.name].strip(), row[cols.contact].strip() if cols.contact else ""
    strong = [f"email:{e.lower()}" for part in (name, contact) if "@" in part for e in emails(part).value]
    if contact and "@" not in contact:
        strong += [f"phone:{p}" for p in phones(contact, region).value]
    alumni_id = normalise_id(row[cols.alumni_id]) if cols.alumni_id else None
    if alumni_id:
        strong.append(f"alumni:{alumni_id}")
    grad = year(row[cols.year], today).value if cols.year and row[cols.year].strip() else None
    return Identifiers(tuple(dict.fromkeys(strong)), () if "@" in name else _weak(name, [grad]))


@dataclass(frozen=True)
class Suppression:
    """The suppression entries of one workbook, ready to test rows against."""

    keys: frozenset[str]
    salt: str = ""

    @classmethod
    def of(cls, state: State) -> Suppression:
        salt = state.get(SALT_KIND, SALT_KEY, "")
        return cls(frozenset(state.keys(KIND)), salt if isinstance(salt, str) else "")

    def hashes(self, identifiers: Iterable[str]) -> set[str]:
        return {identifier_hash(i, self.salt) for i in identifiers}

    def matches(self, ids: Identifiers) -> bool:
        """A strong identifier suppressed, or a suppressed name on a row with no strong one."""
        if not self.keys:
            return False
        if self.hashes(ids.strong) & self.keys:
            return True
        if ids.strong:
            return False
        # a row with a graduation year is caught by name + that year, one without by the name
        probe = [w for w in ids.weak if w.startswith("nameyear:")] or list(ids.weak)
        return bool(self.hashes(probe) & self.keys)


def is_suppressed(record: SourceRecord, suppression: Suppression) -> bool:
    return suppression.matches(record_identifiers(record))


def suppressed(records: Sequence[SourceRecord], state: State) -> tuple[list[SourceRecord], list[str]]:
    """Drop records of forgotten people. Returns (kept, refs of the teacher rows that still hold them)."""
    sup = Suppression.of(state)
    if not sup.keys:
        return list(records), []
    kept: list[SourceRecord] = []
    dropped: list[SourceRecord] = []
    for r in records:
        (dropped if is_suppressed(r, sup) else kept).append(r)
    return kept, [r.ref for r in dropped]


def suppressed_tables(
    tables: Mapping[str, Table], state: State, region: str, today: dt.date
) -> tuple[dict[str, Table], list[str]]:
    """Drop staff-tab rows about forgotten people. Returns (tables, refs of the rows dropped)."""
    sup = Suppression.of(state)
    out = dict(tables)
    if not sup.keys:
        return out, []
    dropped: list[str] = []
    for title, table in tables.items():
        if title not in PERSON_COLUMNS or not table.rows:
            continue
        keep = []
        for row in table.rows:
            if sup.matches(row_identifiers(title, row, region, today)):
                dropped.append(f"{table.title or title}!{row.row}")
            else:
                keep.append(row)
        if len(keep) != len(table.rows):
            out[title] = replace(table, rows=tuple(keep))
    return out, dropped


def without_rows(issues: Sequence[DataIssue], refs: Iterable[str]) -> list[DataIssue]:
    """Data issues minus those about the given ``<tab>!<row>`` rows (rows of forgotten people)."""
    gone = set(refs)
    if not gone:
        return list(issues)
    return [i for i in issues if i.row is None or f"{i.tab}!{i.row}" not in gone]


def suppression_keys(identifiers: Iterable[Identifiers], salt: str) -> set[str]:
    """The hashes ``forget`` stores for a person seen through these rows' identifiers."""
    return {identifier_hash(i, salt) for ids in identifiers for i in ids.all()}
