"""Rollup tables computed from the master list (``Alumni``) and the engagement records.

Counts of alumni are counts of *distinct* alumni; engagement records count only when their date
falls in the school year asked for. Percentages are floats in percent (``12.5`` = 12.5 %), rounded
to one decimal; a percentage whose base is zero is ``""`` (an empty cell), never a division error.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sheets_sync.config.model import RollupConfig
from sheets_sync.core.model import Alumnus, Engagement
from sheets_sync.core.text.fold import fold
from sheets_sync.core.text.school_year import SchoolYear, parse_date, school_year_of
from sheets_sync.schema import ENGAGEMENT_MODES, alumni_categories

UNKNOWN = "Unknown"
UNASSIGNED = "Unassigned"
NO_OWNER = "(no owner)"
MODE_HEADERS = ("Volunteer (V)", "Experiential (E)", "Communication (C)")
BANDS = ("Recent", "Mid-career", "Established", UNKNOWN)

Cell = str | int | float


@dataclass(frozen=True)
class RollupTable:
    """One table of the ``Rollup`` tab. ``total`` is the Total row, or ``None`` where none makes sense."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None

    def column(self, header: str) -> list[Cell]:
        i = self.header.index(header)
        return [row[i] for row in self.rows]

    def row(self, label: str) -> tuple[Cell, ...]:
        """The data row whose first cell is ``label`` (KeyError naming the labels there are)."""
        for row in self.rows:
            if row[0] == label:
                return row
        raise KeyError(f"{self.title!r} has no row {label!r}; rows: {[r[0] for r in self.rows]}")


def percent(part: float, whole: float) -> float | str:
    """``part / whole`` in percent, one decimal; ``""`` when ``whole`` is 0 (nothing to divide by)."""
    return round(100.0 * part / whole, 1) if whole else ""


@lru_cache(maxsize=4096)
def _category(text: str, extra: tuple[str, ...]) -> str:
    keys = {fold(name): name for name in alumni_categories(extra)}
    return keys.get(fold(text), UNKNOWN)


def category_of(alumnus: Alumnus, extra: tuple[str, ...] = ()) -> str:
    """The alumnus's §2 category (case and spacing ignored); ``Unknown`` when blank or unrecognised.
    ``extra``: the school's own categories ([school] categories)."""
    return _category(alumnus.category, extra)


def categories(extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    return (*alumni_categories(extra), UNKNOWN)


# --------------------------------------------------------------------------- alumni


def alumni_base(alumni: Sequence[Alumnus], extra: tuple[str, ...] = ()) -> RollupTable:
    """Guide §3 #3: Total (A), Not willing to keep in touch (B), Contactable (A-B), per category."""
    counts: dict[str, Counter[str]] = {c: Counter() for c in categories(extra)}
    for a in alumni:
        c = counts[category_of(a, extra)]
        c["total"] += 1
        c["no"] += a.opted_out
        c["unknown"] += a.consent not in ("Yes", "No")
    rows = tuple(
        (name, c["total"], c["no"], c["unknown"], c["total"] - c["no"]) for name, c in counts.items()
    )
    return RollupTable(
        title="Alumni base",
        header=(
            "Category",
            "Total (A)",
            "Not willing to keep in touch (B)",
            "Consent unknown",
            "Contactable (A-B)",
        ),
        rows=rows,
        total=sum_row(rows, 5),
    )


def years_since_graduation(alumnus: Alumnus, year: SchoolYear) -> int | None:
    """Whole years between graduation and the end of ``year``; ``None`` if unknown or later."""
    if alumnus.graduation_year is None or alumnus.graduation_year > year.end_year:
        return None
    return year.end_year - alumnus.graduation_year


def band_of(alumnus: Alumnus, year: SchoolYear, config: RollupConfig) -> str:
    years = years_since_graduation(alumnus, year)
    if years is None:
        return UNKNOWN
    if years < config.recent_years:
        return "Recent"
    if years < config.established_years:
        return "Mid-career"
    return "Established"


def time_since_graduation(alumni: Sequence[Alumnus], year: SchoolYear, config: RollupConfig) -> RollupTable:
    """Guide §2: Recent (< recent_years), Mid-career, Established (>= established_years), Unknown."""
    total: Counter[str] = Counter()
    contactable: Counter[str] = Counter()
    for a in alumni:
        band = band_of(a, year, config)
        total[band] += 1
        contactable[band] += a.contactable
    rows = tuple((band, total[band], contactable[band]) for band in BANDS)
    return RollupTable(
        title="Time since graduation",
        header=("Band", "Alumni", "Contactable"),
        rows=rows,
        total=sum_row(rows, 3),
    )


# --------------------------------------------------------------------------- engagement


ByYear = Mapping[SchoolYear, Sequence[Engagement]]


def group_by_year(engagements: Sequence[Engagement], start: tuple[int, int]) -> tuple[ByYear, int]:
    """Engagements by school year of their date; also how many had no readable date."""
    by_date: dict[str, list[Engagement]] = defaultdict(list)  # many records share a date
    for e in engagements:
        by_date[e.date].append(e)
    by_year: dict[SchoolYear, list[Engagement]] = defaultdict(list)
    undated = 0
    for text, records in by_date.items():
        day = parse_date(text)
        if day is None:
            undated += len(records)
        else:
            by_year[school_year_of(day, start)].extend(records)
    return by_year, undated


def engaged_ids(by_year: ByYear, year: SchoolYear, known: Mapping[str, Alumnus]) -> set[str]:
    """Distinct known alumni with at least one engagement (any mode) in ``year``."""
    return {
        e.alumni_id
        for e in by_year.get(year, ())
        if e.alumni_id is not None and e.alumni_id in known and e.mode in ENGAGEMENT_MODES
    }


def engagement_by_category(
    alumni: Mapping[str, Alumnus], by_year: ByYear, year: SchoolYear, extra: tuple[str, ...] = ()
) -> RollupTable:
    """Guide §3 #4: distinct alumni engaged in each CASE mode (and in any mode), per category."""
    by_mode: dict[str, set[str]] = defaultdict(set)
    for e in by_year.get(year, ()):
        if e.alumni_id is not None and e.alumni_id in alumni and e.mode in ENGAGEMENT_MODES:
            by_mode[e.mode].add(e.alumni_id)
    any_mode = set().union(*by_mode.values()) if by_mode else set()
    members: dict[str, set[str]] = defaultdict(set)
    for i, a in alumni.items():
        members[category_of(a, extra)].add(i)
    rows: list[tuple[Cell, ...]] = []
    for name in categories(extra):
        ids = members[name]
        rows.append((name, *(len(ids & by_mode[m]) for m in ENGAGEMENT_MODES), len(ids & any_mode)))
    return RollupTable(
        title="Engagement by alumni category",
        header=("Category", *MODE_HEADERS, "Engaged (any)"),
        rows=tuple(rows),
        total=sum_row(rows, 5),
    )


def actions_by_department(by_year: ByYear, year: SchoolYear) -> RollupTable:
    """Guide §3 #4 "actions implemented by each school department": engagement records, not alumni."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for e in by_year.get(year, ()):
        if e.mode not in ENGAGEMENT_MODES:
            continue
        key = fold(e.department)
        names.setdefault(key, " ".join(e.department.split()) or UNASSIGNED)
        counts[key][e.mode] += 1
    order = sorted((k for k in counts if k), key=lambda k: names[k].casefold())
    if "" in counts:
        order.append("")
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (names[k], *(counts[k][m] for m in ENGAGEMENT_MODES), sum(counts[k].values())) for k in order
    )
    return RollupTable(
        title="Actions by department",
        header=("Department", *MODE_HEADERS, "Total"),
        rows=rows,
        total=sum_row(rows, 5),
    )


def contactable_by(alumni: Mapping[str, Alumnus], year: SchoolYear) -> int:
    """Contactable alumni who had graduated by the end of ``year`` (or whose year is unknown)."""
    return sum(
        1
        for a in alumni.values()
        if a.contactable and (a.graduation_year is None or a.graduation_year <= year.end_year)
    )


def engagement_rate(alumni: Mapping[str, Alumnus], by_year: ByYear, current: SchoolYear) -> RollupTable:
    """One row per school year from the first with an engagement to ``current``; change in points."""
    years = sorted({y for y, records in by_year.items() if records and y <= current} | {current})
    first = years[0]
    span = [first.shifted(i) for i in range(current.start.year - first.start.year + 1)]
    rows: list[tuple[Cell, ...]] = []
    previous: float | str = ""
    for year in span:
        engaged = len(engaged_ids(by_year, year, alumni))
        base = contactable_by(alumni, year)
        rate = percent(engaged, base)
        change: float | str = ""
        if isinstance(rate, float) and isinstance(previous, float):
            change = round(rate - previous, 1)
        rows.append((year.label, engaged, base, rate, change))
        previous = rate
    return RollupTable(
        title="Engagement rate",
        header=("School year", "Engaged alumni", "Contactable alumni", "Engagement rate", "Change"),
        rows=tuple(rows),
        total=None,
    )


def owner_of(alumnus: Alumnus) -> str:
    return " ".join((alumnus.owner_override or alumnus.owner).split())


def relationship_owners(alumni: Sequence[Alumnus], planned: Mapping[str, int]) -> RollupTable:
    """Guide §3 #1: who owns how many relationships, and how many approaches are planned to them."""
    total: Counter[str] = Counter()
    contactable: Counter[str] = Counter()
    for a in alumni:
        owner = owner_of(a)
        total[owner] += 1
        contactable[owner] += a.contactable
    approaches: Counter[str] = Counter()
    for owner, n in planned.items():
        approaches[" ".join(owner.split())] += int(n)
    owners = sorted((o for o in set(total) | set(approaches) if o), key=str.casefold)
    rows = [(o, total[o], contactable[o], approaches[o]) for o in owners]
    rows.append((NO_OWNER, total[""], contactable[""], approaches[""]))
    return RollupTable(
        title="Relationship owners",
        header=("Owner", "Alumni", "Contactable", "Planned approaches"),
        rows=tuple(rows),
        total=sum_row(rows, 4),
    )


def sum_row(rows: Sequence[Sequence[Cell]], width: int) -> tuple[Cell, ...]:
    """``("Total", sum of each numeric column...)``; 0s for an empty table."""
    sums: list[Cell] = ["Total"]
    for i in range(1, width):
        sums.append(sum(r[i] for r in rows if isinstance(r[i], int | float) and not isinstance(r[i], bool)))  # type: ignore[misc]
    return tuple(sums)


def today_year(today: dt.date, config: RollupConfig) -> SchoolYear:
    return school_year_of(today, config.school_year_start)
