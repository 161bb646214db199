"""Turn one teacher's list (a :class:`Grid`) into :class:`SourceRecord` objects and data issues.

Nothing is dropped silently: every non-blank row below the header becomes a record, or (when it
names nobody) one ``DataIssue``. A value that cannot be understood is a ``DataIssue`` and the
record goes through with that field empty. A list without a recognisable header is one
``DataIssue`` (row ``None``) and ``summary.readable = False``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.core.lists.headers import (
    IGNORE,
    SCAN_ROWS,
    Column,
    HeaderMatch,
    detect_header,
    expected_words,
)
from sheets_sync.core.model import DataIssue, Grid, ListSummary, SourceRecord
from sheets_sync.core.text import contacts, words
from sheets_sync.core.text import normalise as norm

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListOptions:
    """How to read one list. Built by the pipeline from ``config.ListConfig`` (or defaults)."""

    teacher: str
    header_row: int | None = None  # 1-based as a person sees it; None = detect in the first 10 rows
    columns: Mapping[str, str] = field(default_factory=dict)  # header as written -> field or "ignore"
    # phone region (ISO 3166 alpha-2) set for this list; None: the region of the list's detected
    # language (es ES, it IT, nl NL, et EE; English says nothing about a country), else default_region
    region: str | None = None
    default_region: str = "ES"  # the school's
    language: str | None = None  # en es it nl et hint; None = guess from the headers
    today: dt.date | None = None  # "the future" for date checks; None = date.today()
    categories: tuple[str, ...] = ()  # the school's own alumni categories ([school] categories)


@dataclass(frozen=True)
class ListResult:
    records: list[SourceRecord]
    issues: list[DataIssue]
    summary: ListSummary


# Messages (kept together for translation). Fixes are for the list's owner: never "edit the config".
UNMAPPED = "column not read: its header names nothing the service knows, so its cells are kept but not used"
UNMAPPED_FIX = (
    "if it holds consent, contact details, a year, a qualification or a role, give it a clearer header "
    "(e.g. {examples}); if it is only for you, nothing to do (the alumni office can mark it as ignored)"
)
UNMAPPED_EXAMPLES = "'Consent', 'Phone', 'Graduation year', 'Role'"
NO_HEADER_FIX = (
    "give the list a header row in its first {rows} rows with words such as {words} (English, "
    "Spanish, Italian, Dutch or Estonian); the alumni office can also point the service at the "
    "header row (docs/lists.md)"
)

_REGION_LANGUAGE = {region: language for language, region in norm.LANGUAGE_REGION.items()}
_LITERAL = frozenset({"consent", "strength"})  # "-", "x", "✓", "***" mean something there
_JOIN = {"notes": " | ", "address": ", ", "qualification": " ", "surname": " "}


def _column_name(index: int) -> str:
    """Spreadsheet column letters: 0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class _RowReader:
    """Reads the data rows of one list once its header is known."""

    def __init__(self, grid: Grid, match: HeaderMatch, options: ListOptions) -> None:
        self.grid = grid
        self.tab = grid.ref_title
        self.options = options
        self.today = options.today or dt.date.today()
        self.language = match.language
        school = options.default_region.upper()
        spoken = norm.LANGUAGE_REGION.get(match.language or "") if match.language != "en" else None
        self.name_language = match.language or _REGION_LANGUAGE.get((options.region or school).upper())
        self.region = (options.region or spoken or school).upper()
        # a number not valid in the list's region is tried in the other one it may come from
        fallback = (spoken or school) if options.region else school
        self.fallback_region = fallback if fallback != self.region else None
        self.columns = match.columns
        self.by_index = {c.index: c for c in match.columns}
        self.parsers = self._parsers()
        self.header_cells = {c.index: c.header.casefold() for c in match.mapped}
        # (index, field, header, literal) of the columns read into fields, in column order
        self.read_columns = [
            (c.index, c.field, c.header, c.field in _LITERAL)
            for c in self.columns
            if c.field and c.field != IGNORE
        ]
        self.headers = [self.header_for(i) for i in range(max(map(len, grid.rows), default=0))]

    def _parsers(self) -> dict[str, Callable[[str], norm.Parsed[Any]]]:
        """field -> normaliser of one cell's text, bound to this list's language, region and date."""
        lang, today = self.name_language, self.today
        region, fallback = self.region, self.fallback_region
        return {
            "full_name": lambda t: norm.split_name(t, lang),
            "first_name": lambda t: norm.name_part(t, lang),
            "surname": lambda t: norm.name_part(t, lang),
            "email": contacts.emails,
            "phone": lambda t: contacts.phones(t, region, fallback),
            "student_id": lambda t: norm.Parsed(norm.clean_text(t)),
            "birth_date": lambda t: norm.date(t, today, kind="birth"),
            "graduation_year": lambda t: norm.year(t, today),
            "qualification": lambda t: norm.Parsed(norm.clean_text(t)),
            "department": lambda t: norm.Parsed(norm.clean_text(t)),
            "category": lambda t: words.category(t, self.options.categories),
            "role": words.role,
            "strength": words.strength,
            "last_contact": lambda t: norm.date(t, today, kind="contact"),
            "consent": words.consent,
            "notes": lambda t: norm.Parsed(t.strip()),
            "address": lambda t: norm.Parsed(norm.clean_text(t)),
            "postcode": words.postcode,
            "city": lambda t: norm.Parsed(norm.clean_text(t)),
        }

    def header_for(self, index: int) -> str:
        column = self.by_index.get(index)
        return column.header if column else f"Column {_column_name(index)}"

    def issue(self, row: int, column: str, value: str, problem: str, fix: str) -> DataIssue:
        return DataIssue(
            tab=self.tab,
            row=row,
            column=column,
            value=norm.quote(value),
            problem=problem,
            fix=fix,
            list_owner=self.options.teacher,
        )

    def is_header_repeat(self, cells: tuple[str, ...]) -> bool:
        if len(self.header_cells) < 2:
            return False
        same = sum(
            1 for i, h in self.header_cells.items() if i < len(cells) and cells[i].strip().casefold() == h
        )
        return same >= max(2, len(self.header_cells) // 2)

    def read(self, row: int, cells: tuple[str, ...]) -> tuple[SourceRecord | None, list[DataIssue]]:
        """One data row (``row`` is the sheet row, 1-based) -> a record or None, and its issues."""
        issues: list[DataIssue] = []
        headers = self.headers
        raw = tuple(
            (headers[i] if i < len(headers) else self.header_for(i), text)
            for i, text in enumerate(cells)
            if text.strip()
        )
        texts: dict[str, list[tuple[str, str]]] = {}
        width = len(cells)
        for index, fieldname, header, literal in self.read_columns:
            if index < width:
                text = cells[index]
                if text.strip() and (literal or not norm.is_placeholder(text)):
                    texts.setdefault(fieldname, []).append((header, text))
        values: dict[str, Any] = {}
        for fieldname, entries in texts.items():
            if fieldname in ("email", "phone"):
                found: list[str] = []
                for header, text in entries:
                    parsed = self.parsers[fieldname](text)
                    if not parsed.ok:
                        issues.append(self.issue(row, header, text, parsed.problem, parsed.fix))
                    found.extend(item for item in parsed.value if item not in found)
                values[fieldname] = tuple(found)
                continue
            header, text = entries[0]
            if fieldname in _JOIN and len(entries) > 1:
                text = _JOIN[fieldname].join(norm.clean_text(t) for _, t in entries)
                header = " + ".join(h for h, _ in entries)
            parsed = self.parsers[fieldname](text)
            if not parsed.ok:
                issues.append(self.issue(row, header, text, parsed.problem, parsed.fix))
            values[fieldname] = parsed.value

        first, surname = values.get("first_name", ""), values.get("surname", "")
        if not (first or surname) and values.get("full_name"):
            first, surname = values["full_name"]
        full_name = f"{first} {surname}".strip()
        record = SourceRecord(
            ref=f"{self.tab}!{row}",
            tab=self.tab,
            row=row,
            teacher=self.options.teacher,
            first_name=first,
            surname=surname,
            full_name=full_name,
            emails=values.get("email", ()),
            phones=values.get("phone", ()),
            student_id=values.get("student_id", ""),
            birth_date=values.get("birth_date", ""),
            graduation_year=values.get("graduation_year"),
            qualification=values.get("qualification", ""),
            department=values.get("department", ""),
            category=values.get("category", ""),
            role=values.get("role", ""),
            strength=values.get("strength"),
            last_contact=values.get("last_contact", ""),
            consent=values.get("consent"),
            notes=values.get("notes", ""),
            address=values.get("address", ""),
            postcode=values.get("postcode", ""),
            city=values.get("city", ""),
            raw=raw,
        )
        if record.has_identity:
            return record, issues
        shown = "; ".join(f"{h}: {t}" for h, t in raw[:4])
        issues.append(
            self.issue(
                row,
                "",
                shown,
                "row names nobody (no readable name, email, phone or student ID); not read",
                "add the person's name or email, or delete the row if it is not an alumnus",
            )
        )
        return None, issues


def _unreadable(grid: Grid, options: ListOptions, why: str) -> ListResult:
    words = expected_words(options.language, per_field=1)
    issue = DataIssue(
        tab=grid.ref_title,
        row=None,
        column="",
        value="",
        problem=why,
        fix=NO_HEADER_FIX.format(rows=SCAN_ROWS, words=words),
        # a header_row set in the config is the office's to correct, not the teacher's
        list_owner="" if options.header_row is not None else options.teacher,
    )
    summary = ListSummary.unreadable(grid.ref_title, options.teacher, options.language)
    return ListResult(records=[], issues=[issue], summary=summary)


def read_list(grid: Grid, options: ListOptions) -> ListResult:
    """Read one teacher list: find its header, map its columns, normalise every row.

    Never raises on cell content. ``summary.mapping`` lists every non-blank header with its field:
    a ``config.FIELDS`` name, ``"ignore"`` (set so in the config) or ``""`` (not recognised).
    """
    if not any(any(c.strip() for c in r) for r in grid.rows):
        return _unreadable(grid, options, "the list is empty")
    match = detect_header(grid, options.columns, options.header_row, options.language)
    if match is None:
        if options.header_row is not None:
            why = f"row {options.header_row} (header_row in the config) names no known column"
        else:
            why = f"no header row found in the first {SCAN_ROWS} rows"
        return _unreadable(grid, options, why)
    reader = _RowReader(grid, match, options)
    records: list[SourceRecord] = []
    issues: list[DataIssue] = [
        reader.issue(match.row + 1, c.header, "", UNMAPPED, UNMAPPED_FIX.format(examples=UNMAPPED_EXAMPLES))
        for c in match.columns
        if not c.field and c.header.strip()
    ]
    rows_read = 0
    for index in range(match.row + 1, len(grid.rows)):
        cells = grid.rows[index]
        if not any(c.strip() for c in cells):
            continue
        rows_read += 1
        row = index + 1
        if reader.is_header_repeat(cells):
            issues.append(
                reader.issue(
                    row,
                    "",
                    " | ".join(c for c in cells if c.strip()),
                    "the header row is repeated here; not read",
                    "delete the repeated header row",
                )
            )
            continue
        record, row_issues = reader.read(row, cells)
        issues.extend(row_issues)
        if record is not None:
            records.append(record)
    mapping = tuple((c.header, c.field) for c in match.columns)
    summary = ListSummary(
        tab=grid.ref_title,
        teacher=options.teacher,
        header_row=match.row + 1,
        mapping=mapping,
        rows=rows_read,
        records=len(records),
        issues=len(issues),
        readable=True,
        language=match.language,
    )
    log.info(
        "list %r: header row %d, %d columns mapped, %d rows, %d records, %d issues",
        grid.title,
        match.row + 1,
        len(match.mapped),
        rows_read,
        len(records),
        len(issues),
    )
    return ListResult(records=records, issues=issues, summary=summary)


__all__ = ["Column", "ListOptions", "ListResult", "read_list"]
