"""The tabs a run writes: every service-owned tab as a :class:`~sheets_sync.workbook.TabWrite`
(rows in a stable order, staff columns carried over) and the ``Sync log`` history.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, fields

from sheets_sync import schema as tabs
from sheets_sync.app.report import SyncReport
from sheets_sync.core.master.build import JOIN, MasterResult
from sheets_sync.core.master.layout import keep_row_order
from sheets_sync.core.model import Alumnus, DataIssue, OutreachStatus
from sheets_sync.core.rollup.build import Rollup
from sheets_sync.core.state import State
from sheets_sync.core.survey.rollup import BY_YEAR as SURVEY_BY_YEAR
from sheets_sync.core.survey.rollup import share_headers
from sheets_sync.i18n import N_
from sheets_sync.workbook import CellValue, ChartSpec, Snapshot, TabWrite

log = logging.getLogger(__name__)


def alumni_row(a: Alumnus) -> list[CellValue]:
    """One row of the ``Alumni`` tab, in ``schema.ALUMNI_HEADERS`` order."""
    return [
        a.alumni_id,
        a.name,
        JOIN.join(a.emails),
        JOIN.join(a.phones),
        a.graduation_year if a.graduation_year is not None else "",
        a.qualification,
        a.department,
        a.category,
        a.consent,
        a.consent_source,
        a.owner,
        a.owner_override,
        JOIN.join(a.also_known_to),
        JOIN.join(a.sources),
        a.confidence,
        a.last_contact,
        JOIN.join(a.wants),
        JOIN.join(a.offers),
    ]


def outreach_cells(status: OutreachStatus) -> list[CellValue]:
    """One row of the ``Outreach status`` tab, in ``schema.OUTREACH_STATUS_HEADERS`` order."""
    return list(astuple(status))


assert [f.name for f in fields(OutreachStatus)] == [
    "row",
    "date",
    "entered",
    "alumni_id",
    "name",
    "owner",
    "purpose",
    "requested_by",
    "status",
    "warning",
] and len(tabs.OUTREACH_STATUS_HEADERS) == 10, "OutreachStatus fields follow the tab's columns"

SYNC_LOG_KEEP = 2000  # rows of history kept in the Sync log tab


def _sync_log_rows(snapshot: Snapshot, report: SyncReport, mails_queued: int) -> list[list[CellValue]]:
    grid = snapshot.get(tabs.SYNC_LOG)
    previous: list[list[CellValue]] = [list(r) for r in grid.rows[1:]] if grid else []
    finished = report.finished or dt.datetime.now(dt.timezone.utc)
    unreadable = [s.tab for s in report.lists if not s.readable]
    message = report.message or (f"unreadable lists: {', '.join(unreadable)}" if unreadable else "")
    row: list[CellValue] = [
        report.run_id,
        report.started.isoformat(timespec="seconds"),
        finished.isoformat(timespec="seconds"),
        round((finished - report.started).total_seconds(), 1),
        report.outcome,
        report.mode,
        report.lists_read,
        report.rows_read,
        report.alumni,
        len(report.new_alumni),
        len(report.merged),
        report.review_pairs,
        len(report.issues),
        mails_queued + report.mails_sent,
        report.mails_failed,
        report.api_calls,
        message,
    ]
    return (previous + [row])[-SYNC_LOG_KEEP:]


def build_writes(
    snapshot: Snapshot,
    master: MasterResult,
    rollup: Rollup,
    issues: Sequence[DataIssue],
    state: State,
    report: SyncReport,
    mails_queued: int,
) -> list[TabWrite]:
    alumni_rows = keep_row_order(
        [alumni_row(a) for a in master.alumni], tabs.ALUMNI_HEADERS, ("Alumni ID",), snapshot.get(tabs.ALUMNI)
    )
    review_rows = keep_row_order(
        master.review_rows, tabs.REVIEW_HEADERS, ("Source A", "Source B"), snapshot.get(tabs.REVIEW)
    )
    return [
        TabWrite(
            tabs.ALUMNI,
            tabs.ALUMNI_HEADERS,
            alumni_rows,
            key_columns=("Alumni ID",),
            staff_columns=tabs.ALUMNI_STAFF_COLUMNS,
            notes={
                "Owner override": N_(
                    "help note",
                    "Type a staff name here to choose the relationship owner yourself; it is kept on every sync.",
                ),
                "Sources": N_(
                    "help note", "Every teacher-list row merged into this alumnus, as <tab>!<row>."
                ),
                "Consent": N_(
                    "help note", "No if any source says no; Yes only if a source says yes and none says no."
                ),
            },
            column_widths={"Name": 28, "Emails": 32, "Sources": 40, "Also known to": 24},
        ),
        TabWrite(
            tabs.REVIEW,
            tabs.REVIEW_HEADERS,
            review_rows,
            key_columns=("Source A", "Source B"),
            staff_columns=tabs.REVIEW_STAFF_COLUMNS,
            dropdowns={"Decision": tabs.REVIEW_DECISIONS},
            notes={
                h: note.format(line=f"{master.merge_confidence:.2f}") for h, note in tabs.REVIEW_NOTES.items()
            },
            column_widths=tabs.REVIEW_WIDTHS,
            freeze_columns=tabs.REVIEW_FROZEN_COLUMNS,
            autofilter=True,
            compare_columns=tuple(
                (h, h[:-1] + "B")
                for h in tabs.REVIEW_HEADERS
                if h.endswith(" A") and not h.startswith(("Source", "Alumni ID"))
            ),
        ),
        TabWrite(
            tabs.OUTREACH_STATUS, tabs.OUTREACH_STATUS_HEADERS, [outreach_cells(s) for s in master.outreach]
        ),
        rollup_tab(rollup),
        TabWrite(
            tabs.DATA_ISSUES,
            tabs.DATA_ISSUES_HEADERS,
            [i.as_row() for i in issues],
            column_widths={"Tab": 24, "Problem": 45, "Fix": 60},
        ),
        TabWrite(tabs.SYNC_LOG, tabs.SYNC_LOG_HEADERS, _sync_log_rows(snapshot, report, mails_queued)),
        TabWrite(tabs.STATE, tabs.STATE_HEADERS, state.to_rows(), hidden=True),
    ]


# The Rollup tab: the core's tables laid out one under the other, with native charts beside.
CHART_COLUMN = "H"  # charts sit right of the tables (tables use columns A..E)
CHART_ROWS = 20  # rows a chart covers: the next chart is anchored at least this far below

CHARTS: tuple[tuple[str, str, str, tuple[int, ...]], ...] = (
    (
        "Engagement by alumni category",
        N_("chart title", "Engaged alumni by mode and category"),
        "column",
        (1, 2, 3),
    ),
    ("Net Promoter Score", N_("chart title", "NPS by event"), "bar", (4,)),
    ("Engagement rate", N_("chart title", "Engagement rate over school years (%)"), "line", (3,)),
    (
        SURVEY_BY_YEAR,
        N_(
            "chart title", "Pre-graduation survey: interested, and what those who said Yes want and offer (%)"
        ),
        "column",
        tuple(range(4, 5 + len(share_headers()))),
    ),
)
WIDE_CHART_COLUMN = {SURVEY_BY_YEAR: "Q"}  # right of the survey table (columns A..O)


@dataclass(frozen=True)
class Placed:
    """Where ``rollup_tab`` wrote a table: 0-based rows of the tab."""

    title_row: int
    header_row: int
    first_row: int  # first data row
    last_row: int  # last data row (first_row - 1 when the table has no data rows)
    total_row: int | None


def layout(rollup: Rollup) -> tuple[list[list[CellValue]], dict[str, Placed]]:
    """The rows of the Rollup tab and where each table landed."""
    rows: list[list[CellValue]] = []
    placed: dict[str, Placed] = {}
    for table in rollup.tables:
        if rows:
            rows.append([])
        title_row = len(rows)
        rows.append([table.title])
        rows.append(list(table.header))
        rows.extend(list(r) for r in table.rows)
        last = len(rows) - 1
        total_row = None
        if table.total is not None:
            total_row = len(rows)
            rows.append(list(table.total))
        placed[table.title] = Placed(title_row, title_row + 1, title_row + 2, last, total_row)
    if rollup.notes:
        rows.append([])
        rows.append([N_("rollup", "About these tables")])
        rows.extend([note] for note in rollup.notes)
    return rows, placed


def charts(placed: Mapping[str, Placed]) -> tuple[ChartSpec, ...]:
    """Charts beside their tables, never overlapping one another; none for a table without data."""
    specs = []
    free_row = 0
    for title, chart_title, kind, series in CHARTS:
        where = placed.get(title)
        if where is None or where.last_row < where.first_row:
            continue
        anchor_row = max(where.title_row, free_row)
        free_row = anchor_row + CHART_ROWS
        specs.append(
            ChartSpec(
                title=chart_title,
                kind=kind,  # type: ignore[arg-type]
                header_row=where.header_row,
                first_row=where.first_row,
                last_row=where.last_row,
                category_col=0,
                series_cols=series,
                anchor=f"{WIDE_CHART_COLUMN.get(title, CHART_COLUMN)}{anchor_row + 1}",
            )
        )
    return tuple(specs)


def rollup_tab(rollup: Rollup) -> TabWrite:
    """The free-form ``Rollup`` tab: title (bold) / header / rows / Total, a blank row between tables."""
    rows, placed = layout(rollup)
    bold = tuple(sorted(p.title_row for p in placed.values()))
    if rollup.notes:
        bold += (len(rows) - len(rollup.notes) - 1,)
    return TabWrite(
        title=tabs.ROLLUP,
        header=(),
        rows=rows,
        header_row=False,
        freeze_header=False,
        bold_rows=bold,
        charts=charts(placed),
        widths=(34, 22, 22, 22, 22, 22),  # labels in A, then the numbers under their headers
    )
