"""``run_sync``: read every tab -> compute in the pure core -> write every output at once.

Data flows one way. The pipeline owns no I/O of its own: it is handed a
:class:`~sheets_sync.backends.base.Workbook`, the external list sources and a mail queue, and
returns a :class:`~sheets_sync.report.SyncReport` that the CLI prints, the ``Sync log`` tab
records and the office digest summarises.

Failure rule: nothing is written until every output has been computed; the one ``commit`` is
atomic in both backends, so a failed run leaves every output tab as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import tabs
from .backends.base import CellValue, ListSource, Snapshot, TabWrite, Workbook
from .config import Config, ListConfig
from .core.digest import DigestInput, Mail, plan_digests
from .core.layout import keep_row_order
from .core.lists import ListOptions, read_list
from .core.master import MasterInput, MasterResult, build_master
from .core.matching import MatchSettings
from .core.model import DataIssue, Grid, ListSummary, SourceRecord
from .core.privacy import suppressed, suppressed_tables, without_rows
from .core.rollup import Rollup, RollupInput, build_rollup, rollup_tab
from .core.state import State
from .core.tables import Table, read_table
from .errors import ConfigError, SourceError
from .report import StepTiming, SyncReport

log = logging.getLogger(__name__)

SYNC_LOG_KEEP = 2000  # rows of history kept in the Sync log tab


@dataclass(frozen=True)
class ExternalList:
    """A list named in the config that lives outside the main workbook, already opened."""

    config: ListConfig
    source: ListSource


@dataclass
class Computed:
    """Everything a run computed, before anything is written (what a dry run shows)."""

    snapshot: Snapshot
    records: list[SourceRecord]
    master: MasterResult
    rollup: Rollup
    mails: list[Mail]
    writes: list[TabWrite]
    state: State
    today: dt.date
    tables: dict[str, Table] = field(default_factory=dict)


def progress(items: Sequence[Any], label: str) -> Any:
    """A progress bar on an interactive terminal; the plain sequence otherwise (cron, tests, logs)."""
    if len(items) < 2 or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="list", leave=False, file=sys.stderr)


class Outbox(Protocol):
    """What the pipeline needs of the mail queue (:class:`sheets_sync.delivery.MailQueue`)."""

    def queue(self, mail: Mail) -> object: ...

    def prune(self, keep: set[str]) -> int: ...

    def flush(self, committed: set[str] | None = None) -> tuple[int, int]: ...


ChartRenderer = Callable[[Rollup], Mapping[str, bytes]]


class _Steps:
    """One readable INFO line per step with counts and timings (splink-style progress)."""

    def __init__(self, report: SyncReport) -> None:
        self.report = report

    @contextmanager
    def step(self, name: str) -> Iterator[list[str]]:
        detail: list[str] = []
        start = time.perf_counter()
        yield detail
        seconds = time.perf_counter() - start
        text = ", ".join(detail)
        self.report.steps.append(StepTiming(name, seconds, text))
        log.info("%-9s %6.2fs %s", name, seconds, text)


# --------------------------------------------------------------------------- reading


def list_grids(snapshot: Snapshot, config: Config) -> list[tuple[Grid, ListConfig]]:
    """Every teacher list inside the main workbook: ``List - <teacher>`` tabs and config ``tab`` lists."""
    by_tab = {lc.tab: lc for lc in config.lists if lc.tab}
    found: list[tuple[Grid, ListConfig]] = []
    for title, grid in snapshot.grids.items():
        if title in by_tab:
            found.append((grid, by_tab[title]))
        elif title.startswith(tabs.LIST_PREFIX):
            teacher = title[len(tabs.LIST_PREFIX) :].strip()
            found.append((grid, ListConfig(teacher=teacher, tab=title)))
    return found


def _options(lc: ListConfig, config: Config, teacher: str, today: dt.date | None) -> ListOptions:
    return ListOptions(
        teacher=teacher,
        header_row=lc.header_row,
        columns=dict(lc.columns),
        region=lc.region or config.default_region,
        language=lc.language,
        today=today,
    )


def read_lists(
    snapshot: Snapshot, config: Config, external: Sequence[ExternalList], today: dt.date | None = None
) -> tuple[list[SourceRecord], list[DataIssue], list[ListSummary]]:
    """Normalise every list. An unreadable list is one Data issue; the others go on."""
    records: list[SourceRecord] = []
    issues: list[DataIssue] = []
    summaries: list[ListSummary] = []
    grids = list_grids(snapshot, config)
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
                    fix="check the path/sharing in the config's [[lists]] entry, close the file if it is open "
                    "in Excel, then run again",
                    list_owner=ext.config.teacher,
                )
            )
            summaries.append(
                ListSummary(
                    tab=ext.source.name,
                    teacher=ext.config.teacher,
                    header_row=None,
                    mapping=(),
                    rows=0,
                    records=0,
                    issues=1,
                    readable=False,
                )
            )
    for grid, lc in progress(grids, "reading lists"):
        teacher = lc.teacher or (
            grid.location.rsplit("/", 1)[-1].rsplit(".", 1)[0] if grid.location else grid.title
        )
        result = read_list(grid, _options(lc, config, teacher, today))
        records.extend(result.records)
        issues.extend(result.issues)
        summaries.append(result.summary)
    return records, issues, summaries


def read_template_tables(snapshot: Snapshot) -> tuple[dict[str, Table], list[DataIssue]]:
    tables: dict[str, Table] = {}
    issues: list[DataIssue] = []
    for title, headers in tabs.TEMPLATE_HEADERS.items():
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


# --------------------------------------------------------------------------- writing


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
        master.alumni_rows, tabs.ALUMNI_HEADERS, ("Alumni ID",), snapshot.get(tabs.ALUMNI)
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
                "Owner override": "Type a staff name here to choose the relationship owner yourself; "
                "it is kept on every sync.",
                "Sources": "Every teacher-list row merged into this alumnus, as <tab>!<row>.",
                "Consent": "No if any source says no; Yes only if a source says yes and none says no.",
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
                "Decision": "Same = merge these two rows; Different = never merge them. Applied next sync."
            },
            column_widths={"Reasons": 50},
        ),
        TabWrite(tabs.OUTREACH_STATUS, tabs.OUTREACH_STATUS_HEADERS, master.outreach_rows),
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


# --------------------------------------------------------------------------- the run


def new_report(mode: str, now: dt.datetime | None = None) -> SyncReport:
    started = now or dt.datetime.now(dt.timezone.utc)
    return SyncReport(
        run_id=started.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6], started=started, mode=mode
    )


def compute(
    config: Config,
    snapshot: Snapshot,
    external: Sequence[ExternalList],
    report: SyncReport,
    *,
    today: dt.date,
    charts: ChartRenderer | None = None,
) -> Computed:
    """Everything except the write: pure apart from reading the external list sources."""
    steps = _Steps(report)
    state = State.from_grid(snapshot.get(tabs.STATE))

    with steps.step("read") as d:
        records, issues, summaries = read_lists(snapshot, config, external, today)
        records, forgotten = suppressed(records, state)
        tables, table_issues = read_template_tables(snapshot)
        tables, forgotten_staff = suppressed_tables(tables, state, config.default_region, today)
        forgotten += forgotten_staff
        issues = without_rows([*issues, *table_issues], forgotten)  # no Data issue about their cells
        report.lists = summaries
        report.rows_read = sum(s.rows for s in summaries)
        d += [
            f"lists {report.lists_read}/{len(summaries)}",
            f"rows {report.rows_read}",
            f"records {len(records)}",
        ]
        if forgotten:
            report.forgotten_rows = forgotten
            report.warnings.append(
                f"{len(forgotten)} teacher-list/staff row(s) still hold people who asked to be forgotten "
                f"(ignored by the sync; ask the list owners to delete them): {'; '.join(forgotten[:20])}"
            )
            d.append(f"suppressed {len(forgotten)}")

    with steps.step("match") as d:
        try:
            settings = MatchSettings.from_config(
                config.matching.upper_threshold,
                config.matching.lower_threshold,
                config.matching.estimate_parameters,
            )
        except ValueError as exc:
            raise ConfigError(f"[matching] {exc} — make lower_threshold <= upper_threshold") from exc
        master = build_master(
            MasterInput(
                records=records,
                staff=tables[tabs.STAFF],
                alumni_tab=snapshot.get(tabs.ALUMNI),
                review_tab=snapshot.get(tabs.REVIEW),
                outreach=tables[tabs.OUTREACH],
                attendance=tables[tabs.ATTENDANCE],
                volunteering=tables[tabs.VOLUNTEERING],
                stories=tables[tabs.STORIES],
                event_feedback=tables[tabs.EVENT_FEEDBACK],
                state=state,
                settings=settings,
                today=today,
                default_region=config.default_region,
            )
        )
        issues.extend(master.issues)
        report.alumni = len(master.alumni)
        report.new_alumni = list(master.new_ids)
        report.merged = list(master.merged)
        report.split = list(master.split)
        decision_col = tabs.REVIEW_HEADERS.index("Decision")
        report.review_pairs = sum(1 for row in master.review_rows if not row[decision_col])  # open queue
        report.new_review_pairs = master.new_review_pairs
        d += [f"alumni {report.alumni}", f"new {len(master.new_ids)}", f"review {report.review_pairs}"]

    with steps.step("rollup") as d:
        planned: dict[str, int] = {}
        owner_col = tabs.OUTREACH_STATUS_HEADERS.index("Owner to loop in")
        for row in master.outreach_rows:
            owner = str(row[owner_col] or "")
            if owner:
                planned[owner] = planned.get(owner, 0) + 1
        rollup = build_rollup(
            RollupInput(
                alumni=master.alumni,
                engagements=master.engagements,
                tables=tables,
                planned_approaches=planned,
                config=config.rollup,
                today=today,
            )
        )
        issues.extend(getattr(rollup, "issues", ()) or ())
        d.append(f"tables {len(rollup.tables)}")

    report.issues = dedupe_issues(issues)
    with steps.step("digest") as d:
        chart_pngs = charts(rollup) if charts is not None else {}
        mails, new_state = plan_digests(
            DigestInput(
                report=report,
                alumni=master.alumni,
                staff=tables[tabs.STAFF],
                outreach_rows=master.outreach_rows,
                issues=issues,
                headline=rollup.headline,
                charts=chart_pngs,
                state=master.state,
                config=config.digest,
                school_name=config.school_name,
                today=today,
                forget_cells=report.forgotten_rows,
            )
        )
        d.append(f"mails {len(mails)}")

    return Computed(
        snapshot=snapshot,
        records=records,
        master=master,
        rollup=rollup,
        mails=mails,
        writes=[],
        state=new_state,
        today=today,
        tables=tables,
    )


def run_sync(
    config: Config,
    workbook: Workbook,
    *,
    external: Sequence[ExternalList] = (),
    outbox: Outbox | None = None,
    charts: ChartRenderer | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    snapshot: Snapshot | None = None,
    message: str = "",
    mode: str = "sync",
    calls_before: int | None = None,
) -> tuple[SyncReport, Computed]:
    """One sync. ``outbox`` (a :class:`sheets_sync.delivery.MailQueue`) queues mails before the
    commit and delivers them after it; ``None`` plans mails without queueing any."""
    report = new_report("dry-run" if dry_run else mode, now)
    today = report.started.astimezone(_zone(config.timezone)).date()
    steps = _Steps(report)
    if calls_before is None:  # run_once passes the count from before it took the lock
        calls_before = workbook.stats.api_calls

    def api_calls(pending: int = 0) -> int:
        lists = sum(getattr(getattr(e.source, "stats", None), "api_calls", 0) for e in external)
        return workbook.stats.api_calls - calls_before + lists + pending

    with steps.step("snapshot") as d:
        if snapshot is None:  # ``forget`` hands in a snapshot whose state it has edited
            snapshot = workbook.read()
        d.append(f"tabs {len(snapshot.grids)}")
    report.message = message

    if outbox is not None and not dry_run:
        with steps.step("deliver") as d:  # mails queued by earlier runs whose commit went through
            earlier = State.from_grid(snapshot.get(tabs.STATE))
            sent, failed = outbox.flush(committed=earlier.keys("pending") | earlier.keys("sent"))
            report.mails_sent += sent
            report.mails_failed += failed
            d.append(f"earlier mails sent {sent}, failed {failed}")

    computed = compute(config, snapshot, external, report, today=today, charts=charts)
    report.outcome = "ok-with-issues" if report.issues else "ok"
    if dry_run:
        report.outcome = "dry-run"
        report.mails_planned = [f"{m.kind} -> {len(m.to)} recipient(s): {m.subject}" for m in computed.mails]
        report.finished = dt.datetime.now(dt.timezone.utc)
        report.api_calls = api_calls()
        return report, computed

    if outbox is not None:
        with steps.step("queue") as d:
            for mail in computed.mails:
                outbox.queue(mail)
            committed = computed.state.keys("pending") | computed.state.keys("sent")
            outbox.prune(keep=committed)  # files of a commit that failed
            d.append(f"mails {len(computed.mails)}")

    report.finished = dt.datetime.now(dt.timezone.utc)
    report.api_calls = api_calls(getattr(workbook, "commit_calls", 1))  # + the commit, for the Sync log row
    computed.writes = build_writes(
        snapshot,
        computed.master,
        computed.rollup,
        report.issues,
        computed.state,
        report,
        mails_queued=len(computed.mails),
    )
    with steps.step("write") as d:
        workbook.commit(snapshot, computed.writes)
        report.changed_tabs = [w.title for w in computed.writes]
        d.append(f"tabs {len(computed.writes)}")

    if outbox is not None:
        with steps.step("deliver") as d:
            sent, failed = outbox.flush(committed={m.key for m in computed.mails})
            report.mails_sent += sent
            report.mails_failed += failed
            d.append(f"sent {sent}, failed {failed}")
    report.api_calls = api_calls()
    report.finished = dt.datetime.now(dt.timezone.utc)
    return report, computed


def _zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
