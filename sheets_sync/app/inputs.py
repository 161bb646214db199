"""Reading a run's inputs from a snapshot: the teachers' lists (in the workbook or outside it)
into source records and list summaries, and the guide's template tabs into tables. Pure apart
from the progress bar; bad input becomes :class:`~sheets_sync.core.model.DataIssue` rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets_sync import schema as tabs
from sheets_sync.app.language import list_teacher
from sheets_sync.config import Config, ListConfig
from sheets_sync.core.lists.names import NOT_READ, NOT_READ_FIX, looks_like_list
from sheets_sync.core.lists.read import ListOptions, read_list
from sheets_sync.core.lists.tables import Table, read_table
from sheets_sync.core.model import DataIssue, Grid, ListSummary, SourceRecord
from sheets_sync.core.survey.read import SurveyResponse, is_survey, read_survey
from sheets_sync.errors import SourceError
from sheets_sync.workbook import ListSource, Snapshot

log = logging.getLogger(__name__)


# Messages (kept together for translation). A fix mailed to a teacher never says "edit the config".
EXTERNAL_UNREADABLE_FIX = (
    "if the file is open in Excel, close it; if it was moved, renamed or is no longer shared, tell the "
    "alumni office where it is now (they keep the list of files the service reads)"
)


@dataclass(frozen=True)
class ExternalList:
    """A list named in the config that lives outside the main workbook, already opened."""

    config: ListConfig
    source: ListSource


def progress(items: Sequence[Any], label: str) -> Any:
    """A progress bar on an interactive terminal; the plain sequence otherwise (cron, tests, logs)."""
    if len(items) < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="list", leave=False, file=sys.stderr)


_SERVICE_TABS = frozenset((*tabs.TEMPLATE_TABS, *tabs.OUTPUT_TABS))


def list_grids(snapshot: Snapshot, config: Config) -> list[tuple[Grid, ListConfig]]:
    """Every list inside the main workbook: ``List - <teacher>`` tabs (the word for list in any of
    the five languages, any case, spacing or dash), config ``tab`` lists and surveys (the
    ``Pre-graduation survey`` tab, ``[[surveys]]`` tabs, Google Forms responses tabs recognised by
    their headers)."""
    by_tab = {lc.tab: lc for lc in config.lists if lc.tab}
    found: list[tuple[Grid, ListConfig]] = []
    for title, grid in snapshot.grids.items():
        if title in by_tab:
            found.append((grid, by_tab[title]))
        elif (teacher := list_teacher(title)) is not None and title not in _SERVICE_TABS:
            found.append((grid, ListConfig(teacher=teacher, tab=title)))
        elif title == tabs.SURVEY and len(grid.rows) > 1 or title not in _SERVICE_TABS and is_survey(grid):
            found.append((grid, ListConfig(teacher="", tab=title, survey=True)))
    return found


def unread_list_tabs(snapshot: Snapshot, config: Config) -> list[str]:
    """Tabs whose name looks like a teacher list (``Lista Ana``, ``Ana's list``) that are not read."""
    read = {grid.title for grid, _ in list_grids(snapshot, config)}
    return [
        title
        for title in snapshot.grids
        if title not in read and title not in _SERVICE_TABS and looks_like_list(title)
    ]


def unread_list_issues(titles: Sequence[str]) -> list[DataIssue]:
    return [
        DataIssue(
            tab=title, row=None, column="", value="", problem=NOT_READ, fix=NOT_READ_FIX.format(title=title)
        )
        for title in titles
    ]


def _options(lc: ListConfig, config: Config, teacher: str, today: dt.date | None) -> ListOptions:
    return ListOptions(
        teacher=teacher,
        header_row=lc.header_row,
        columns=dict(lc.columns),
        region=lc.region,
        default_region=config.default_region,
        language=lc.language,
        today=today,
        categories=config.categories,
    )


@dataclass
class Sources:
    """Every list and survey read: records to match, their issues, how each was read, and the
    survey answers the rollup counts."""

    records: list[SourceRecord] = field(default_factory=list)
    issues: list[DataIssue] = field(default_factory=list)
    summaries: list[ListSummary] = field(default_factory=list)
    responses: list[SurveyResponse] = field(default_factory=list)


UNREADABLE_TAB_FIX = (
    "open the workbook in Excel or LibreOffice: if the tab is there, copy its cells into a new tab "
    "and delete the broken one; the service keeps the tab as it is meanwhile"
)


def read_lists(
    snapshot: Snapshot, config: Config, external: Sequence[ExternalList], today: dt.date | None = None
) -> tuple[list[SourceRecord], list[DataIssue], list[ListSummary]]:
    """Normalise every list and survey (see :func:`read_sources`)."""
    found = read_sources(snapshot, config, external, today)
    return found.records, found.issues, found.summaries


def read_sources(
    snapshot: Snapshot, config: Config, external: Sequence[ExternalList], today: dt.date | None = None
) -> Sources:
    """Normalise every list and survey. An unreadable list is one Data issue; the others go on."""
    out = Sources()
    records, issues, summaries = out.records, out.issues, out.summaries
    grids = list_grids(snapshot, config)
    issues.extend(unread_list_issues(unread_list_tabs(snapshot, config)))
    for ext in external:
        try:
            for grid in ext.source.read_grids():
                grids.append((grid, ext.config))
        except SourceError as exc:
            log.warning("list %s could not be read: %s", ext.source.name, exc)
            issues.append(
                DataIssue(
                    tab=ext.source.name,
                    row=None,
                    column="",
                    value="",
                    problem=f"the list could not be read: {exc}",
                    fix=EXTERNAL_UNREADABLE_FIX,
                    list_owner=ext.config.teacher,
                )
            )
            summaries.append(ListSummary.unreadable(ext.source.name, ext.config.teacher))
    configured = {lc.tab: lc.teacher for lc in config.lists if lc.tab}
    for title, why in snapshot.unreadable.items():  # a tab whose cells are not inside the file
        log.warning("tab %s could not be read: %s", title, why)
        is_list = title.startswith(tabs.LIST_PREFIX) or title in configured
        teacher = configured.get(title) or title[len(tabs.LIST_PREFIX) :].strip() if is_list else ""
        issues.append(
            DataIssue(
                tab=title,
                row=None,
                column="",
                value="",
                problem=why,
                fix=UNREADABLE_TAB_FIX,
                list_owner=teacher,
            )
        )
        if is_list:
            summaries.append(ListSummary.unreadable(title, teacher))
    for grid, lc in progress(grids, "reading lists"):
        if lc.survey:  # students: nobody's list, so no owner and no teacher mail about it
            survey = read_survey(grid, _options(lc, config, "", today))
            records.extend(survey.records)
            issues.extend(survey.issues)
            summaries.append(survey.summary)
            out.responses.extend(survey.responses)
            continue
        teacher = lc.teacher or (
            grid.location.rsplit("/", 1)[-1].rsplit(".", 1)[0] if grid.location else grid.title
        )
        result = read_list(grid, _options(lc, config, teacher, today))
        records.extend(result.records)
        issues.extend(result.issues)
        summaries.append(result.summary)
    return out


def read_template_tables(snapshot: Snapshot) -> tuple[dict[str, Table], list[DataIssue]]:
    """Every tab people type into, read by header: the templates, and the staff columns of the
    service's own Alumni (Owner override) and Review (Decision) tabs."""
    tables: dict[str, Table] = {}
    issues: list[DataIssue] = []
    staff_columns = {tabs.ALUMNI: tabs.ALUMNI_HEADERS, tabs.REVIEW: tabs.REVIEW_HEADERS}
    for title, headers in {**tabs.TEMPLATE_HEADERS, **staff_columns}.items():
        if title == tabs.SURVEY:
            continue  # read as a list (read_sources): its rows are people to match
        table, found = read_table(snapshot.get(title), headers)
        tables[title] = table
        issues.extend(found)
    return tables, issues


def dedupe_issues(issues: Sequence[DataIssue]) -> list[DataIssue]:
    """One row per problem: two stages may flag the same cell (e.g. a date read by two readers)."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for issue in issues:
        key = (issue.tab, issue.row, issue.column, issue.value)
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out
