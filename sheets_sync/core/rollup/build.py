"""The ``Rollup`` tab: the guide's aggregation and reporting tables (§2, §3 #3, §3 #4, §6.2, §6.5).

``build_rollup(RollupInput) -> Rollup`` computes every table for the current school year (pure,
never raises on bad input: unreadable cells come back in ``Rollup.issues``);
:func:`sheets_sync.app.outputs.rollup_tab` lays them out in the tab, with native charts beside.

The tables themselves live in :mod:`.alumni` (master list and engagements) and
:mod:`.templates` (staff-entered template tabs); school years in :mod:`sheets_sync.core.text.school_year`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sheets_sync import schema as tabs
from sheets_sync.config.model import RollupConfig
from sheets_sync.core.lists.tables import Table
from sheets_sync.core.model import Alumnus, DataIssue, Engagement
from sheets_sync.core.rollup import alumni as rt
from sheets_sync.core.rollup import templates as tt
from sheets_sync.core.rollup.alumni import RollupTable
from sheets_sync.core.survey.read import SurveyResponse
from sheets_sync.core.survey.rollup import TITLES as SURVEY_TITLES
from sheets_sync.core.survey.rollup import survey_tables
from sheets_sync.core.text.school_year import SchoolYear, school_year_of

log = logging.getLogger(__name__)

__all__ = ["RollupInput", "RollupTable", "Rollup", "build_rollup", "TITLES"]

TITLES = (
    "Alumni base",
    "Time since graduation",
    "Engagement by alumni category",
    "Actions by department",
    "Volunteering",
    "Experiential actions",
    "Net Promoter Score",
    "Engagement rate",
    "Relationship owners",
    "Framework coverage",
    "Stocktaking",
    "PDCA",
    *SURVEY_TITLES,  # last: the survey tables are wide (their chart sits right of them)
)


# headline key -> label shown by ``Rollup.display_headline`` (docs/rollup.md lists every key)
HEADLINE_LABELS: tuple[tuple[str, str], ...] = (
    ("school_year", "School year"),
    ("alumni", "Alumni"),
    ("contactable", "Contactable alumni"),
    ("engaged", "Engaged alumni"),
    ("engagement_rate", "Engagement rate (%)"),
    ("engagement_rate_change", "Change since {previous} (points)"),
    ("actions", "Engagement actions"),
    ("volunteers", "Volunteers"),
    ("volunteer_hours", "Volunteer hours"),
    ("volunteer_value", "Value of volunteer time ({currency})"),
    ("participants", "Participants in experiential actions"),
    ("nps", "Net Promoter Score"),
    ("nps_responses", "NPS responses"),
    ("survey_respondents", "Pre-graduation survey respondents"),
    ("survey_interested", "Interested in keeping in touch (%)"),
)


@dataclass(frozen=True)
class RollupInput:
    alumni: Sequence[Alumnus]
    engagements: Sequence[Engagement]  # mode V/E/C, ISO date, alumni_id or None, department, hours
    tables: Mapping[str, Table]  # template tabs read with read_table, by tab name (tabs.VOLUNTEERING...)
    planned_approaches: Mapping[str, int]  # owner name -> Outreach rows resolved to their alumni
    config: RollupConfig
    today: dt.date
    responses: Sequence[SurveyResponse] = ()  # pre-graduation survey answers (guide §3 #3)
    categories: tuple[str, ...] = ()  # the school's own alumni categories ([school] categories)


@dataclass(frozen=True)
class Rollup:
    tables: tuple[RollupTable, ...]
    headline: Mapping[str, float | int | str]  # see docs/rollup.md for the keys
    issues: tuple[DataIssue, ...] = ()
    school_year: SchoolYear | None = None
    notes: tuple[str, ...] = field(default=())  # lines shown under the tables (what was used)

    def display_headline(self) -> dict[str, float | int | str]:
        """The headline figures under labels people read (for a digest or factsheet), in order."""
        h = self.headline
        shown: dict[str, float | int | str] = {}
        for key, label in HEADLINE_LABELS:
            if key in h:
                shown[
                    label.format(currency=h.get("currency", ""), previous=h.get("previous_school_year", ""))
                ] = h[key]
        return shown

    def table(self, title: str) -> RollupTable:
        for t in self.tables:
            if t.title == title:
                return t
        raise KeyError(f"no rollup table {title!r}; tables are: {', '.join(t.title for t in self.tables)}")


def _table(inp: RollupInput, name: str) -> Table:
    return inp.tables.get(name) or Table(title=name, header_row=None, rows=())


def build_rollup(inp: RollupInput) -> Rollup:
    """Every rollup table for the school year holding ``inp.today``, plus the headline figures."""
    config = inp.config
    year = school_year_of(inp.today, config.school_year_start)
    previous = year.shifted(-1)
    alumni = list({a.alumni_id: a for a in inp.alumni}.values())  # one row per id, last wins
    by_id = {a.alumni_id: a for a in alumni}
    by_year, undated = rt.group_by_year(inp.engagements, config.school_year_start)

    volunteering, v_issues = tt.volunteering(_table(inp, tabs.VOLUNTEERING), year, config)
    experiential, e_issues = tt.experiential(_table(inp, tabs.EXPERIENTIAL), year)
    nps, n_issues = tt.nps(_table(inp, tabs.EVENT_FEEDBACK), year, config)
    rate = rt.engagement_rate(by_id, by_year, year)
    built = (
        rt.alumni_base(alumni, inp.categories),
        rt.time_since_graduation(alumni, year, config),
        rt.engagement_by_category(by_id, by_year, year, inp.categories),
        rt.actions_by_department(by_year, year),
        volunteering,
        experiential,
        nps,
        rate,
        rt.relationship_owners(alumni, inp.planned_approaches),
        tt.framework(_table(inp, tabs.FRAMEWORK)),
        tt.stocktaking(_table(inp, tabs.STOCKTAKING)),
        tt.pdca(_table(inp, tabs.PDCA)),
        *survey_tables(inp.responses, config.school_year_start, year),
    )
    prev_volunteering, _ = tt.volunteering(_table(inp, tabs.VOLUNTEERING), previous, config)
    prev_nps, _ = tt.nps(_table(inp, tabs.EVENT_FEEDBACK), previous, config)

    engaged = len(rt.engaged_ids(by_year, year, by_id))
    contactable = sum(a.contactable for a in alumni)
    rate_row = rate.rows[-1]
    headline: dict[str, float | int | str] = {
        "school_year": year.label,
        "previous_school_year": previous.label,
        "alumni": len(alumni),
        "contactable": contactable,
        "opted_out": sum(a.opted_out for a in alumni),
        "engaged": engaged,
        "engaged_previous": len(rt.engaged_ids(by_year, previous, by_id)),
        "engagement_rate": rate_row[3],
        "engagement_rate_change": rate_row[4],
        "actions": built[3].total[4] if built[3].total else 0,
        "volunteers": volunteering.total[2] if volunteering.total else 0,
        "volunteer_hours": volunteering.total[3] if volunteering.total else 0,
        "volunteer_hours_previous": prev_volunteering.total[3] if prev_volunteering.total else 0,
        "volunteer_value": volunteering.total[4] if volunteering.total else 0,
        "currency": config.currency,
        "hourly_value": config.hourly_value,
        "experiential_actions": experiential.total[1] if experiential.total else 0,
        "participants": experiential.total[2] if experiential.total else 0,
        "nps": nps.total[4] if nps.total else "",
        "nps_responses": nps.total[1] if nps.total else 0,
        "nps_previous": prev_nps.total[4] if prev_nps.total else "",
        "framework_gaps": sum(1 for r in built[9].rows if r[3] == "Gap"),
    }
    survey_total = built[-1].total
    if survey_total:
        headline["survey_respondents"] = survey_total[1]
        headline["survey_interested"] = survey_total[4]
    start = f"{year.start:%d %b}"
    notes = (
        f"School year {year.label}: {year.start.isoformat()} to {year.end.isoformat()} "
        f"(school years start on {start}); computed on {inp.today.isoformat()}.",
        "Percentages are in % (12.5 = 12.5 %); an empty cell means there is nothing to divide by.",
        f"NPS: promoters score {config.promoter_min}-10, detractors 0-{config.detractor_max}.",
        f"Volunteer hours are valued at {config.hourly_value:g} {config.currency} per hour.",
    )
    if undated:
        log.info("rollup: %d engagement records without a readable date were left out", undated)
    issues = (*v_issues, *e_issues, *n_issues)
    log.info(
        "rollup %s: %d alumni, %d engaged, %d actions, %d issues",
        year.label,
        len(alumni),
        engaged,
        headline["actions"],
        len(issues),
    )
    return Rollup(tables=built, headline=headline, issues=issues, school_year=year, notes=notes)


# --------------------------------------------------------------------------- layout

# (table title, chart title, kind, series columns); the Total row is never charted
