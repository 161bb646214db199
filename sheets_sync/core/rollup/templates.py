"""Rollup tables computed from the staff-entered template tabs (guide §3 #2, §3 #4, §6.2, §6.4, §6.5).

Each function takes the tab as read by :func:`sheets_sync.core.lists.tables.read_table` and returns a
:class:`RollupTable` plus the :class:`DataIssue` s found (a date, number or score that cannot be
read): the row is then left out of the counts and the issue says how to fix it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sheets_sync.config.model import RollupConfig
from sheets_sync.core.lists.tables import Table, TableRow
from sheets_sync.core.model import DataIssue
from sheets_sync.core.rollup.alumni import Cell, RollupTable, percent
from sheets_sync.core.text.fold import fold
from sheets_sync.core.text.school_year import SchoolYear, parse_date, parse_number, parse_percent, parse_score
from sheets_sync.schema import FRAMEWORK_STAGES

UNSPECIFIED = "Unspecified"
ALL_EVENTS = "All events"
DASH = "—"
SHORTEN = 60  # characters of PDCA text shown in the rollup
_DATE_FIX = "write the date as dd/mm/yyyy (e.g. 15/10/2024) or yyyy-mm-dd"
_BULLETS = "•·-*–—▪◦"


@dataclass
class _Issues:
    tab: str
    items: list[DataIssue] = field(default_factory=list)

    def add(self, row: int | None, column: str, value: str, problem: str, fix: str) -> None:
        self.items.append(DataIssue(self.tab, row, column, value, problem, fix))


def _rows_in_year(
    table: Table, date_col: str, year: SchoolYear, issues: _Issues, dates: dict[int, dt.date] | None = None
) -> Iterator[TableRow]:
    """The rows dated in ``year``; rows whose date is missing or unreadable become issues."""
    if table.rows and date_col in table.missing_columns:
        issues.add(
            None,
            date_col,
            "",
            f"there is no {date_col!r} column, so no row can be placed in a school year",
            f"add a column headed {date_col!r} (run `run.py init` to restore the headers)",
        )
        return
    for row in table.rows:
        text = row[date_col]
        day = dates.get(row.row) if dates is not None else None
        day = day or parse_date(text)
        if day is None:
            problem = "no date" if not text else f"not a date: {text!r}"
            issues.add(row.row, date_col, text, f"{problem}; the row is not counted in the Rollup", _DATE_FIX)
        elif year.contains(day):
            yield row


def _label(text: str, default: str = UNSPECIFIED) -> tuple[str, str]:
    """(grouping key, display form) of a free-text label: case and spacing do not split groups."""
    shown = " ".join(text.split())
    return fold(shown), shown or default


def volunteering(table: Table, year: SchoolYear, config: RollupConfig) -> tuple[RollupTable, list[DataIssue]]:
    """Guide §6.4 Volunteering, valued at ``hourly_value`` per hour (§3 #4 volunteer time recognition)."""
    issues = _Issues(table.title or "Volunteering")
    names: dict[str, str] = {}
    contributions: Counter[str] = Counter()
    hours: defaultdict[str, float] = defaultdict(float)
    volunteers: dict[str, set[str]] = defaultdict(set)
    for row in _rows_in_year(table, "Date", year, issues):
        key, shown = _label(row["Type of contribution"])
        names.setdefault(key, shown)
        contributions[key] += 1
        if name := fold(row["Volunteer name"]):
            volunteers[key].add(name)
        text = row["Volunteering hours"]
        value = parse_number(text)
        if value is None or value < 0:
            issues.add(
                row.row,
                "Volunteering hours",
                text,
                "no hours entered; counted as 0 hours" if not text else f"not a number of hours: {text!r}",
                "enter the hours as a number, e.g. 2 or 1.5",
            )
            continue
        hours[key] += value
    order = sorted(names, key=lambda k: names[k].casefold())
    rate = config.hourly_value
    rows = tuple(
        (names[k], contributions[k], len(volunteers[k]), round(hours[k], 2), round(hours[k] * rate, 2))
        for k in order
    )
    all_hours = sum(hours.values(), 0.0)
    total = (
        "Total",
        sum(contributions.values()),
        len(set().union(*volunteers.values())) if volunteers else 0,
        round(all_hours, 2),
        round(all_hours * rate, 2),
    )
    header = ("Type of contribution", "Contributions", "Volunteers", "Hours", "Value")
    return RollupTable("Volunteering", header, rows, total), issues.items


def experiential(table: Table, year: SchoolYear) -> tuple[RollupTable, list[DataIssue]]:
    """Guide §6.4 Experiential actions: actions, participants and % female (participant-weighted)."""
    issues = _Issues(table.title or "Experiential actions")
    names: dict[str, str] = {}
    actions: Counter[str] = Counter()
    participants: Counter[str] = Counter()
    weighted: defaultdict[str, float] = defaultdict(float)  # participants x % female, over rows giving both
    weights: Counter[str] = Counter()
    for row in _rows_in_year(table, "Date", year, issues):
        key, shown = _label(row["Type of action"])
        names.setdefault(key, shown)
        actions[key] += 1
        text = row["Number of participants"]
        count = parse_number(text)
        if count is None or count < 0 or count != int(count):
            if text:
                issues.add(
                    row.row,
                    "Number of participants",
                    text,
                    f"not a number of participants: {text!r}",
                    "enter a whole number, e.g. 25",
                )
            continue
        participants[key] += int(count)
        share_text = row["% Female"]
        share = parse_percent(share_text)
        if share is None:
            if share_text:
                issues.add(
                    row.row,
                    "% Female",
                    share_text,
                    f"not a percentage between 0 and 100: {share_text!r}",
                    "enter it as 45%, 45 or 0.45",
                )
            continue
        weighted[key] += int(count) * share
        weights[key] += int(count)
    order = sorted(names, key=lambda k: names[k].casefold())
    rows = tuple(
        (names[k], actions[k], participants[k], percent(weighted[k], 100 * weights[k])) for k in order
    )
    total = (
        "Total",
        sum(actions.values()),
        sum(participants.values()),
        percent(sum(weighted.values()), 100 * sum(weights.values())),
    )
    header = ("Type of action", "Actions", "Participants", "% Female")
    return RollupTable("Experiential actions", header, rows, total), issues.items


def _event_dates(table: Table) -> dict[int, dt.date]:
    """A feedback row with no date takes its event's date when the event has exactly one date."""
    by_event: dict[str, set[dt.date]] = defaultdict(set)
    for row in table.rows:
        if (day := parse_date(row["Event date"])) is not None:
            by_event[fold(row["Event"])].add(day)
    filled = {}
    for row in table.rows:
        days = by_event.get(fold(row["Event"]), set())
        if not row["Event date"] and len(days) == 1:
            filled[row.row] = next(iter(days))
    return filled


def nps(table: Table, year: SchoolYear, config: RollupConfig) -> tuple[RollupTable, list[DataIssue]]:
    """Net Promoter Score per event (guide §3 #4): % promoters - % detractors, in points."""
    issues = _Issues(table.title or "Event feedback")
    scores: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    shown: dict[str, str] = {}
    dates = _event_dates(table)
    for row in _rows_in_year(table, "Event date", year, issues, dates):
        text = row["Score (0-10)"]
        if not text:
            continue
        score = parse_score(text)
        if score is None:
            issues.add(
                row.row,
                "Score (0-10)",
                text,
                f"not a score from 0 to 10: {text!r}; the answer is left out of the NPS",
                "enter a whole number from 0 to 10",
            )
            continue
        key, name = _label(row["Event"], "Unnamed event")
        shown.setdefault(key, name)
        day = dates.get(row.row) or parse_date(row["Event date"])
        scores[(key, day)].append(score)  # type: ignore[index]
    repeated = Counter(key for key, _ in scores)
    rows = []
    for key, day in sorted(scores, key=lambda k: (k[1], shown[k[0]].casefold())):
        label = shown[key] if repeated[key] == 1 else f"{shown[key]} ({day.isoformat()})"
        rows.append((label, *_nps_cells(scores[(key, day)], config)))
    every = [s for answers in scores.values() for s in answers]
    total = (ALL_EVENTS, *_nps_cells(every, config))
    header = ("Event", "Responses", "% Promoters", "% Detractors", "NPS")
    return RollupTable("Net Promoter Score", header, tuple(rows), total), issues.items


def _nps_cells(answers: list[int], config: RollupConfig) -> tuple[Cell, ...]:
    n = len(answers)
    promoters = sum(1 for s in answers if s >= config.promoter_min)
    detractors = sum(1 for s in answers if s <= config.detractor_max)
    score: Cell = round(100.0 * (promoters - detractors) / n, 1) if n else ""
    return n, percent(promoters, n), percent(detractors, n), score


def _lines(text: str) -> int:
    """Non-empty lines of a cell, a line holding only a bullet being empty."""
    return sum(1 for line in text.splitlines() if line.strip().strip(_BULLETS).strip())


def framework(table: Table) -> RollupTable:
    """Guide §6.2: actions undertaken and ideas per lifecycle stage; a stage with none is a ``Gap``.

    Rows with an empty Stage belong to the stage above them (people add rows under a stage).
    """
    names = {fold(s): s for s in FRAMEWORK_STAGES}
    undertaken: Counter[str] = Counter({k: 0 for k in names})
    ideas: Counter[str] = Counter({k: 0 for k in names})
    current = ""
    for row in table.rows:
        if row["Stage"]:
            current, shown = _label(row["Stage"])
            names.setdefault(current, shown)
        if not current:
            continue
        undertaken[current] += _lines(row["Actions already undertaken"])
        ideas[current] += _lines(row["What else can be done?"])
    rows = tuple(
        (names[k], undertaken[k], ideas[k], "Gap" if not undertaken[k] else "Covered") for k in names
    )
    gaps = sum(1 for r in rows if r[3] == "Gap")
    total = ("Total", sum(undertaken.values()), sum(ideas.values()), f"{gaps} gap{'s' * (gaps != 1)}")
    return RollupTable("Framework coverage", ("Stage", "Actions undertaken", "Ideas", "Status"), rows, total)


_YES = {"yes", "y", "x", "true", "1", "si", "ja", "jah", "done", "v", "ok"}
_NO = {"no", "n", "false", "0", "nee", "ei"}
_TICKS = {"✓", "✔", "☑", "✅"}


def _ticked(text: str) -> str:
    """Yes / No as ticked in any of the five languages (or a tick mark); ``—`` when not answered."""
    s = text.strip()
    key = fold(s)
    if s in _TICKS or key in _YES:
        return "Yes"
    return "No" if key in _NO else DASH


def stocktaking(table: Table) -> RollupTable:
    """Guide §3 #2 checklist (Stocktaking rows of section "Actions in place"): Yes / No / —."""
    rows = []
    section = ""
    for row in table.rows:
        if row["Section"]:
            section = fold(row["Section"])
        item = " ".join(row["Item"].split())
        if section != "actions in place" or not item or "tick all that apply" in fold(item):
            continue
        rows.append((item, _ticked(row["Ticked"])))
    total = ("Total", sum(1 for r in rows if r[1] == "Yes"))
    return RollupTable("Stocktaking", ("Action type", "In place"), tuple(rows), total)


def shorten(text: str, limit: int = SHORTEN) -> str:
    """One line, at most ``limit`` characters (an ellipsis marks a cut); ``—`` when empty."""
    flat = " ".join(text.split())
    if not flat:
        return DASH
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def pdca(table: Table) -> RollupTable:
    """Guide §6.5: the PDCA grid, each cell shortened to one line."""
    rows = []
    for row in table.rows:
        cells = [shorten(row[h]) for h in ("Plan", "Do", "Check", "Act")]
        block = shorten(row["Building block"], 80)
        if block == DASH and all(c == DASH for c in cells):
            continue
        rows.append((block, *cells))
    return RollupTable("PDCA", ("Building block", "Plan", "Do", "Check", "Act"), tuple(rows), None)
