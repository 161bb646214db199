"""The guide's pre-graduation survey table (§3 #3), per school year and per qualification (pure).

Shares as the guide computes them: *interested in keeping in touch* is a share of every
respondent; each GET service and HELP offer is a share of those who answered Yes (the follow-up
questions are asked "IF YES"). A respondent is one readable Yes/No answer (named or anonymous);
"Not willing to keep in touch (B)" counts the No answers. Percentages in percent, one decimal;
``""`` when there is nothing to divide by.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sheets_sync.core.rollup.alumni import UNKNOWN, RollupTable, percent
from sheets_sync.core.survey.read import GET, HELP, SurveyResponse, vocabulary
from sheets_sync.core.text.school_year import SchoolYear, school_year_of

BY_YEAR = "Pre-graduation survey"
BY_QUALIFICATION = "Pre-graduation survey by qualification"
TITLES = (BY_YEAR, BY_QUALIFICATION)
YEARS_SHOWN = 5  # the latest school years with answers
COUNTS = ("Respondents (A)", "Not willing to keep in touch (B)", "Willing to keep in touch (A-B)")
INTERESTED = "Interested in keeping in touch (%)"
UNDATED = "Undated"


def share_headers() -> tuple[str, ...]:
    """``GET: Job opportunities (%)`` ... ``HELP: Guest lecture (%)``: one per answer of the form."""
    vocab = vocabulary()
    return (
        *(f"GET: {label} (%)" for label in vocab.labels(GET)),
        *(f"HELP: {label} (%)" for label in vocab.labels(HELP)),
    )


def _row(label: str, responses: Sequence[SurveyResponse]) -> tuple[str | int | float, ...]:
    vocab = vocabulary()
    total = len(responses)
    yes = [r for r in responses if r.keep]
    wants = Counter(v for r in yes for v in r.wants)
    offers = Counter(v for r in yes for v in r.offers)
    return (
        label,
        total,
        total - len(yes),
        len(yes),
        percent(len(yes), total),
        *(percent(wants[label], len(yes)) for label in vocab.labels(GET)),
        *(percent(offers[label], len(yes)) for label in vocab.labels(HELP)),
    )


def survey_tables(
    responses: Sequence[SurveyResponse], start: tuple[int, int], current: SchoolYear
) -> tuple[RollupTable, RollupTable]:
    """(per school year, per qualification of the latest school year with answers, up to ``current``)."""
    by_year: dict[str, list[SurveyResponse]] = {}
    years: dict[str, SchoolYear | None] = {}
    for r in responses:
        year = school_year_of(r.date, start) if r.date else None
        if year is not None and year > current:
            continue
        label = year.label if year else UNDATED
        by_year.setdefault(label, []).append(r)
        years[label] = year
    dated = sorted((y for y in years.values() if y is not None), reverse=True)[:YEARS_SHOWN]
    shown = [y.label for y in sorted(dated)] + ([UNDATED] if UNDATED in by_year else [])
    year_table = RollupTable(
        title=BY_YEAR,
        header=("School year", *COUNTS, INTERESTED, *share_headers()),
        rows=tuple(_row(label, by_year[label]) for label in shown),
    )
    latest = dated[0].label if dated else UNDATED if UNDATED in by_year else None
    group = by_year.get(latest, []) if latest else []
    by_qualification: dict[str, list[SurveyResponse]] = {}
    for r in group:
        by_qualification.setdefault(r.qualification or UNKNOWN, []).append(r)
    order = sorted(by_qualification, key=lambda q: (q == UNKNOWN, -len(by_qualification[q]), q.casefold()))
    qualification_table = RollupTable(
        title=BY_QUALIFICATION,
        header=(f"Qualification ({latest or current.label})", *COUNTS, INTERESTED, *share_headers()),
        rows=tuple(_row(q, by_qualification[q]) for q in order),
        total=_row("Total", group) if group else None,
    )
    return year_table, qualification_table
