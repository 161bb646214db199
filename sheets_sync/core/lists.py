"""Turn one teacher's list (a :class:`Grid`) into :class:`SourceRecord` objects and data issues.

Nothing is dropped silently: every non-blank row below the header becomes a record, or (when it
names nobody) one ``DataIssue``. A value that cannot be understood is a ``DataIssue`` and the
record goes through with that field empty. A list without a recognisable header is one
``DataIssue`` (row ``None``) and ``summary.readable = False``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import normalise as norm
from . import normalise_words as words
from .headers import IGNORE, SCAN_ROWS, Column, HeaderMatch, detect_header, expected_words
from .model import DataIssue, Grid, ListSummary, SourceRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListOptions:
    """How to read one list. Built by the pipeline from ``config.ListConfig`` (or defaults)."""

    teacher: str
    header_row: int | None = None  # 1-based as a person sees it; None = detect in the first 10 rows
    columns: Mapping[str, str] = field(default_factory=dict)  # header as written -> field or "ignore"
    region: str = "ES"  # default phone region (ISO 3166 alpha-2)
    language: str | None = None  # en es it nl et hint; None = guess from the headers
    today: dt.date | None = None  # "the future" for date checks; None = date.today()


@dataclass(frozen=True)
class ListResult:
    records: list[SourceRecord]
    issues: list[DataIssue]
    summary: ListSummary


_REGION_LANGUAGE = {region: language for language, region in norm.LANGUAGE_REGION.items()}
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
        self.name_language = match.language or _REGION_LANGUAGE.get(options.region.upper())
        self.region = options.region.upper()
        fallback = norm.LANGUAGE_REGION.get(match.language or "")
        self.fallback_region = fallback if fallback != self.region else None
        self.columns = match.columns
        self.by_index = {c.index: c for c in match.columns}
        self.header_cells = {c.index: norm.fold(c.header) for c in match.mapped}

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
        same = sum(1 for i, h in self.header_cells.items() if i < len(cells) and norm.fold(cells[i]) == h)
        return same >= max(2, len(self.header_cells) // 2)

    def read(self, row: int, cells: tuple[str, ...]) -> tuple[SourceRecord | None, list[DataIssue]]:
        """One data row (``row`` is the sheet row, 1-based) -> a record or None, and its issues."""
        issues: list[DataIssue] = []
        raw = tuple((self.header_for(i), text) for i, text in enumerate(cells) if text.strip())
        texts: dict[str, list[tuple[str, str]]] = {}
        for column in self.columns:
            if column.field and column.field != IGNORE and column.index < len(cells):
                text = cells[column.index]
                if text.strip():
                    texts.setdefault(column.field, []).append((column.header, text))
        values: dict[str, Any] = {}

        def take(fieldname: str, parsed: norm.Parsed[Any], header: str, text: str) -> Any:
            if not parsed.ok:
                issues.append(self.issue(row, header, text, parsed.problem, parsed.fix))
            return parsed.value

        for fieldname, entries in texts.items():
            if fieldname in ("email", "phone"):
                found: list[str] = []
                for header, text in entries:
                    if fieldname == "email":
                        parsed = norm.emails(text)
                    else:
                        parsed = norm.phones(text, self.region, self.fallback_region)
                    for item in take(fieldname, parsed, header, text):
                        if item not in found:
                            found.append(item)
                values[fieldname] = tuple(found)
                continue
            header, text = entries[0]
            if fieldname in _JOIN and len(entries) > 1:
                text = _JOIN[fieldname].join(norm.clean_text(t) for _, t in entries)
                header = " + ".join(h for h, _ in entries)
            values[fieldname] = self.normalise(fieldname, text, header, take)

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

    def normalise(self, fieldname: str, text: str, header: str, take: Any) -> Any:
        lang = self.name_language
        if fieldname == "full_name":
            return take(fieldname, norm.split_name(text, lang), header, text)
        if fieldname in ("first_name", "surname"):
            return take(fieldname, norm.name_part(text, lang), header, text)
        if fieldname == "graduation_year":
            return take(fieldname, norm.year(text, self.today), header, text)
        if fieldname == "birth_date":
            return take(fieldname, norm.date(text, self.today, kind="birth"), header, text)
        if fieldname == "last_contact":
            return take(fieldname, norm.date(text, self.today, kind="contact"), header, text)
        if fieldname == "consent":
            return take(fieldname, words.consent(text), header, text)
        if fieldname == "role":
            return take(fieldname, words.role(text), header, text)
        if fieldname == "strength":
            return take(fieldname, words.strength(text), header, text)
        if fieldname == "category":
            return take(fieldname, words.category(text), header, text)
        if fieldname == "postcode":
            return take(fieldname, words.postcode(text), header, text)
        if fieldname == "student_id":
            return norm.clean_text(text)
        if fieldname == "notes":
            return text.strip()
        return norm.clean_text(text)  # qualification, department, address, city


def _unreadable(grid: Grid, options: ListOptions, why: str) -> ListResult:
    words = expected_words(options.language, per_field=1)
    issue = DataIssue(
        tab=grid.ref_title,
        row=None,
        column="",
        value="",
        problem=why,
        fix=(
            f"give the list a header row in its first {SCAN_ROWS} rows with words such as {words} "
            "(English, Spanish, Italian, Dutch or Estonian), or set header_row and [lists.columns] "
            "for this list in the config"
        ),
        list_owner=options.teacher,
    )
    summary = ListSummary(
        tab=grid.ref_title,
        teacher=options.teacher,
        header_row=None,
        mapping=(),
        rows=0,
        records=0,
        issues=1,
        readable=False,
        language=options.language,
    )
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
    issues: list[DataIssue] = []
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
