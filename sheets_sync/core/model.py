"""The data shapes shared by the core and the adapters.

* :class:`Grid` — a tab as a person sees it: every cell as text.
* :class:`DataIssue` — one bad cell or unreadable list, with a fix (csvkit's ``Error`` idea).
* :class:`SourceRecord` — one normalised row of a teacher's list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CellValue = str | int | float | bool | dt.date | dt.datetime | None  # one cell as written


@dataclass(frozen=True)
class Grid:
    """A tab read as text. ``rows[0]`` is sheet row 1; rows are ragged, trailing blanks trimmed.

    ``location`` says where the tab lives for people: ``""`` for the main workbook, else a file
    path or spreadsheet title, so a ``Data issues`` row can say "lists/ana.xlsx › Sheet1".
    """

    title: str
    rows: tuple[tuple[str, ...], ...]
    location: str = ""

    def cell(self, row: int, col: int) -> str:
        """0-based access that never raises on ragged rows."""
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""

    @property
    def ref_title(self) -> str:
        """The name used in ``<tab>!<row>`` references: the tab, prefixed by its file if external."""
        return f"{self.location} › {self.title}" if self.location else self.title

    @classmethod
    def from_rows(cls, title: str, rows: list[list[str]], location: str = "") -> Grid:
        return cls(title=title, rows=tuple(tuple(r) for r in rows), location=location)


@dataclass(frozen=True)
class DataIssue:
    """One problem found in the input. The run goes on; the field is left empty."""

    tab: str  # Grid.ref_title of the tab
    row: int | None  # sheet row number as a person sees it (1-based); None = the whole tab
    column: str  # the header as written in the list ("" for a whole-tab problem)
    value: str  # the offending text, as entered
    problem: str  # what is wrong, in words
    fix: str  # what to do about it
    list_owner: str = ""  # teacher who owns the list (for their data-quality digest)

    def as_row(self) -> list[str | int]:
        return [
            self.tab,
            self.row if self.row is not None else "",
            self.column,
            self.value,
            self.problem,
            self.fix,
            self.list_owner,
        ]


@dataclass(frozen=True)
class SourceRecord:
    """One row of a teacher's list, normalised. Empty string / None / () = unknown.

    ``ref`` is ``<tab>!<row>`` with the sheet row as a person sees it; it is the record's identity
    in ``Sources``, ``Review`` and the state tab.
    """

    ref: str
    tab: str
    row: int
    teacher: str  # the list's owner (``List - <teacher>`` or the config's ``teacher``)
    first_name: str = ""
    surname: str = ""
    full_name: str = ""  # display form, "First Surname"
    emails: tuple[str, ...] = ()  # normalised (lower-cased domain), syntax-checked
    phones: tuple[str, ...] = ()  # E.164
    student_id: str = ""
    birth_date: str = ""  # ISO yyyy-mm-dd
    graduation_year: int | None = None
    qualification: str = ""
    department: str = ""
    category: str = ""  # one of core.vocab.ALUMNI_CATEGORIES when recognised
    role: str = ""  # canonical: tutor / mentor / class teacher / teacher / other
    strength: int | None = None  # explicit relationship strength, 1 (weak) .. 5 (strong)
    last_contact: str = ""  # ISO date
    consent: bool | None = None  # True yes, False no / opted out, None unknown
    consent_label: str = (
        ""  # how the consent is cited when not by its row ("Pre-graduation survey, 2026-03-15")
    )
    wants: tuple[str, ...] = ()  # pre-graduation survey: what they would like to get (GET labels)
    offers: tuple[str, ...] = ()  # pre-graduation survey: what they would like to offer (HELP labels)
    notes: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    raw: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (header, text) as entered

    @property
    def has_identity(self) -> bool:
        """A row with no name, email, phone or id cannot be an alumnus (goes to Data issues)."""
        return bool(self.full_name or self.surname or self.emails or self.phones or self.student_id)


@dataclass(frozen=True)
class ListSummary:
    """How one teacher list was read (what ``check`` prints)."""

    tab: str  # Grid.ref_title
    teacher: str
    header_row: int | None  # 1-based; None = no header found
    mapping: tuple[tuple[str, str], ...]  # (header as written, field)
    rows: int  # data rows read
    records: int  # rows that became records
    issues: int
    readable: bool = True
    language: str | None = None

    @classmethod
    def unreadable(cls, tab: str, teacher: str, language: str | None = None) -> ListSummary:
        """A list that could not be read at all (its one issue says why)."""
        return cls(tab, teacher, None, (), rows=0, records=0, issues=1, readable=False, language=language)


@dataclass(frozen=True)
class Alumnus:
    """One row of the ``Alumni`` master list (built by core.master from clusters of records)."""

    alumni_id: str  # stable, "A-00042"
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    graduation_year: int | None = None
    qualification: str = ""
    department: str = ""
    category: str = ""  # tabs.ALUMNI_CATEGORIES or ""
    consent: str = "Unknown"  # "Yes" | "No" | "Unknown" — No if any source says no
    consent_source: str = ""  # where/when consent was given or withdrawn ("List - Ana!12 (2024-05-01)")
    owner: str = ""  # staff name with the strongest tie (override first)
    owner_override: str = ""  # staff-entered, survives rewrites
    also_known_to: tuple[str, ...] = ()  # other teachers holding this alumnus
    sources: tuple[str, ...] = ()  # every merged source ref "<tab>!<row>"
    confidence: float = 1.0  # match confidence of the cluster (0..1)
    last_contact: str = ""  # ISO date, most recent
    birth_date: str = ""
    student_ids: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()  # pre-graduation survey GET answers
    offers: tuple[str, ...] = ()  # pre-graduation survey HELP answers

    @property
    def opted_out(self) -> bool:
        return self.consent == "No"

    @property
    def contactable(self) -> bool:
        """Counted in "Contactable (A-B)": everyone who has not said no (guide §3 #3)."""
        return self.consent != "No"


@dataclass(frozen=True)
class Engagement:
    """One engagement record linked (or not) to an alumnus, for the rollups (guide §3 #4, CASE).

    Mode: ``V`` volunteering / story interview, ``E`` experiential (attendance), ``C`` communication
    (survey / event-feedback response).
    """

    mode: str
    date: str  # ISO date ("" unknown)
    source: str  # "<tab>!<row>"
    kind: str  # event name / type of contribution / "Story" / "Feedback"
    alumni_id: str | None = None  # None = could not be linked
    department: str = ""
    hours: float | None = None


@dataclass(frozen=True)
class OutreachStatus:
    """One ``Outreach`` row resolved to an alumnus: a row of the ``Outreach status`` tab, typed
    (fields in the tab's column order, ``schema.OUTREACH_STATUS_HEADERS``)."""

    row: str  # the Outreach row it answers, "Outreach!5"
    date: str  # ISO when readable, else as typed
    entered: str  # the alumnus as entered (name, or the email when no name)
    alumni_id: str  # "" when nobody matched
    name: str  # the master list's name of that alumnus
    owner: str  # the relationship owner to loop in ("" when none, or when the alumnus opted out)
    purpose: str
    requested_by: str
    status: str
    warning: str  # do-not-contact / consent / name-differs notes, "; "-joined
