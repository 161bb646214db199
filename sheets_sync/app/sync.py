"""``run_sync``: read every tab -> compute in the pure core -> write every output at once.

Data flows one way. The pipeline owns no I/O of its own: it is handed a
:class:`~sheets_sync.workbook.Workbook`, the external list sources and a mail queue, and
returns a :class:`~sheets_sync.app.report.SyncReport` that the CLI prints, the ``Sync log`` tab
records and the office digest summarises.

Failure rule: nothing is written until every output has been computed; the one ``commit`` is
atomic in both backends, so a failed run leaves every output tab as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from sheets_sync import schema as tabs
from sheets_sync.app.inputs import (
    ExternalList,
    dedupe_issues,
    read_sources,
    read_template_tables,
    unread_list_tabs,
)
from sheets_sync.app.language import canonical_snapshot, localise_writes, real_titles, school_language
from sheets_sync.app.outputs import build_writes
from sheets_sync.app.report import StepTiming, SyncReport
from sheets_sync.config import Config
from sheets_sync.core.digest.build import DigestInput, Mail, plan_digests
from sheets_sync.core.lists.names import NOT_READ_WARNING
from sheets_sync.core.lists.tables import Table
from sheets_sync.core.master.build import MasterInput, MasterResult, build_master
from sheets_sync.core.matching.link import MatchSettings
from sheets_sync.core.model import DataIssue, SourceRecord
from sheets_sync.core.ownership import claim, foreign_outputs
from sheets_sync.core.privacy import suppressed, suppressed_tables, without_rows
from sheets_sync.core.rollup.build import Rollup, RollupInput, build_rollup
from sheets_sync.core.state import State
from sheets_sync.core.survey.offers import open_offers
from sheets_sync.core.survey.read import SurveyResponse
from sheets_sync.errors import ConfigError
from sheets_sync.workbook import Snapshot, TabWrite, Workbook

log = logging.getLogger(__name__)


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


class MailSink(Protocol):
    """What the pipeline needs of the mail queue (:class:`sheets_sync.adapters.mail.queue.MailQueue`)."""

    def queue(self, mail: Mail) -> object: ...

    def prune(self, keep: set[str]) -> int: ...

    def flush(self, committed: set[str] | None = None) -> tuple[int, int]: ...

    def purge(self, mentions: Callable[[str], bool]) -> list[str]: ...

    def file_name(self, key: str) -> str: ...


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


# --------------------------------------------------------------------------- the run


def review_link(config: Config) -> str:
    """Where the office digest sends staff to answer Review: the spreadsheet on Google (never an
    emulator's made-up key), the workbook's file URI on the local backend."""
    if config.backend == "google":
        sheet = (config.google.spreadsheet or "").strip()
        if not sheet or config.google.emulator is not None:
            return ""
        return (
            sheet if sheet.startswith("https://") else f"https://docs.google.com/spreadsheets/d/{sheet}/edit"
        )
    return config.workbook.resolve().as_uri() if config.workbook is not None else ""


def new_report(mode: str, now: dt.datetime | None = None) -> SyncReport:
    started = now or dt.datetime.now(dt.timezone.utc)
    return SyncReport(
        run_id=started.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6], started=started, mode=mode
    )


@dataclass(frozen=True)
class Inputs:
    """What a run reads: teacher-list records (suppressed people left out), the tabs people type
    into, the survey responses, the data issues found reading them."""

    records: list[SourceRecord]
    tables: dict[str, Table]
    responses: list[SurveyResponse]
    issues: list[DataIssue]


def compute(
    config: Config,
    snapshot: Snapshot,
    external: Sequence[ExternalList],
    report: SyncReport,
    *,
    today: dt.date,
    charts: ChartRenderer | None = None,
) -> Computed:
    """Everything except the write: pure apart from reading the external list sources.
    Read -> match -> rollup -> digest, each a step of the report."""
    steps = _Steps(report)
    state = State.from_grid(snapshot.get(tabs.STATE))
    with steps.step("read") as d:
        inputs = _read(config, snapshot, external, state, report, today, d)
    with steps.step("match") as d:
        master = _match(config, inputs, state, report, today, d)
    with steps.step("rollup") as d:
        rollup = _rollup(config, inputs, master, today, d)
    issues = [*inputs.issues, *master.issues, *rollup.issues]
    report.issues = dedupe_issues(issues)
    with steps.step("digest") as d:
        chart_pngs = charts(rollup) if charts is not None else {}
        mails, new_state = plan_digests(
            DigestInput(
                report=report,
                alumni=master.alumni,
                staff=inputs.tables[tabs.STAFF],
                outreach=master.outreach,
                issues=issues,
                headline=rollup.headline,
                charts=chart_pngs,
                state=master.state,
                config=config.digest,
                school_name=config.school_name,
                today=today,
                forget_cells=report.forgotten_rows,
                offers=open_offers(master.alumni, master.outreach, master.engagements, today),
                review_link=review_link(config),
            )
        )
        d.append(f"mails {len(mails)}")
    return Computed(
        snapshot=snapshot,
        records=inputs.records,
        master=master,
        rollup=rollup,
        mails=mails,
        writes=[],
        state=new_state,
        today=today,
        tables=inputs.tables,
    )


def _read(
    config: Config,
    snapshot: Snapshot,
    external: Sequence[ExternalList],
    state: State,
    report: SyncReport,
    today: dt.date,
    detail: list[str],
) -> Inputs:
    """Every list and every tab people type into; rows of people who asked to be forgotten are left out."""
    sources = read_sources(snapshot, config, external, today)
    records, forgotten = suppressed(sources.records, state)
    tables, table_issues = read_template_tables(snapshot)
    tables, forgotten_staff = suppressed_tables(tables, state, config.default_region, today)
    forgotten += forgotten_staff
    issues = without_rows([*sources.issues, *table_issues], forgotten)  # no Data issue about their cells
    report.lists = sources.summaries
    report.warnings += [NOT_READ_WARNING.format(title=t) for t in unread_list_tabs(snapshot, config)]
    report.rows_read = sum(s.rows for s in sources.summaries)
    detail += [
        f"lists {report.lists_read}/{len(sources.summaries)}",
        f"rows {report.rows_read}",
        f"records {len(records)}",
    ]
    if forgotten:
        report.forgotten_rows = forgotten
        report.warnings.append(
            f"{len(forgotten)} teacher-list/staff row(s) still hold people who asked to be forgotten "
            f"(ignored by the sync; ask the list owners to delete them): {'; '.join(forgotten[:20])}"
        )
        detail.append(f"suppressed {len(forgotten)}")
    return Inputs(records, tables, sources.responses, issues)


def _match(
    config: Config, inputs: Inputs, state: State, report: SyncReport, today: dt.date, detail: list[str]
) -> MasterResult:
    """The master list: records matched into alumni, ids kept, owners chosen, staff rows linked."""
    try:
        settings = MatchSettings.from_config(
            config.matching.upper_threshold,
            config.matching.lower_threshold,
            config.matching.estimate_parameters,
        )
    except ValueError as exc:
        raise ConfigError(f"[matching] {exc} — make lower_threshold <= upper_threshold") from exc
    tables = inputs.tables
    master = build_master(
        MasterInput(
            records=inputs.records,
            staff=tables[tabs.STAFF],
            alumni_tab=tables[tabs.ALUMNI],
            review_tab=tables[tabs.REVIEW],
            tables=tables,
            state=state,
            settings=settings,
            today=today,
            default_region=config.default_region,
        )
    )
    report.alumni = len(master.alumni)
    report.new_alumni = list(master.new_ids)
    report.merged = list(master.merged)
    report.split = list(master.split)
    decision_col = tabs.REVIEW_HEADERS.index("Decision")
    report.review_pairs = sum(1 for row in master.review_rows if not row[decision_col])  # open queue
    report.new_review_pairs = master.new_review_pairs
    detail += [f"alumni {report.alumni}", f"new {len(master.new_ids)}", f"review {report.review_pairs}"]
    return master


def _rollup(
    config: Config, inputs: Inputs, master: MasterResult, today: dt.date, detail: list[str]
) -> Rollup:
    """The guide's tables, from the master list, the engagement records and the template tabs."""
    planned: dict[str, int] = {}
    for status in master.outreach:
        if status.owner:
            planned[status.owner] = planned.get(status.owner, 0) + 1
    rollup = build_rollup(
        RollupInput(
            alumni=master.alumni,
            engagements=master.engagements,
            tables=inputs.tables,
            planned_approaches=planned,
            config=config.rollup,
            today=today,
            responses=inputs.responses,
            categories=config.categories,
        )
    )
    detail.append(f"tables {len(rollup.tables)}")
    return rollup


def run_sync(
    config: Config,
    workbook: Workbook,
    *,
    external: Sequence[ExternalList] = (),
    outbox: MailSink | None = None,
    charts: ChartRenderer | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    snapshot: Snapshot | None = None,
    message: str = "",
    mode: str = "sync",
    calls_before: int | None = None,
) -> tuple[SyncReport, Computed]:
    """One sync. ``outbox`` (a :class:`sheets_sync.adapters.mail.queue.MailQueue`) queues mails before the
    commit and delivers them after it; ``None`` plans mails without queueing any."""
    report = new_report("dry-run" if dry_run else mode, now)
    today = report.started.astimezone(_zone(config.timezone)).date()
    steps = _Steps(report)
    if calls_before is None:  # run_once passes the count from before it took the lock
        calls_before = workbook.stats.api_calls

    def api_calls(pending: int = 0) -> int:
        lists = sum(e.source.api_calls for e in external)
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

    language = school_language(config, snapshot)
    raw, snapshot = snapshot, canonical_snapshot(snapshot)  # the core reads English names and choices
    foreign = foreign_outputs(
        snapshot.grids, State.from_grid(snapshot.get(tabs.STATE)), shown=real_titles(raw)
    )
    if foreign:  # a school's own tab under an output name: never overwritten (before any mail is queued)
        raise ConfigError([tab.message() for tab in foreign])
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
    report.api_calls = api_calls(workbook.commit_calls)  # + the commit, for the Sync log row
    adopted = claim(computed.state, tabs.OUTPUT_TABS, today)  # recorded in the same commit as the tabs
    if adopted:
        log.info("output tabs recorded as the service's own: %s", ", ".join(adopted))
    computed.writes = build_writes(
        snapshot,
        computed.master,
        computed.rollup,
        report.issues,
        computed.state,
        report,
        mails_queued=len(computed.mails),
    )
    computed.writes = localise_writes(computed.writes, language, raw)
    with steps.step("write") as d:
        workbook.commit(raw, computed.writes)
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
