"""What each CLI command does, built from :mod:`sheets_sync.wiring`. Printing lives here and in cli.py only."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

from sheets_sync import wiring
from sheets_sync.app.report import SyncReport
from sheets_sync.config import Config
from sheets_sync.errors import ConfigError, DataIssuesFound, OutputFileError

log = logging.getLogger(__name__)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def dispatch(args: argparse.Namespace, config: Config) -> int:
    handler = {
        "init": cmd_init,
        "sync": cmd_sync,
        "check": cmd_check,
        "demo": cmd_demo,
        "schedule": cmd_schedule,
        "forget": cmd_forget,
        "export": cmd_export,
        "selftest": cmd_selftest,
    }[args.command]
    return handler(args, config)


def print_report(report: SyncReport) -> None:
    for line in report.summary_lines():
        print(line)


def _some(items: list[str], limit: int = 20) -> str:
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def print_changes(report: SyncReport) -> None:
    """What a dry run would change, in ids and counts (no personal data)."""
    if report.new_alumni:
        print(f"would add {len(report.new_alumni)} alumni: {_some(report.new_alumni)}")
    if report.merged:
        print(f"would merge {len(report.merged)}: {_some([f'{b} into {a}' for a, b in report.merged])}")
    if report.split:
        print(f"would split {len(report.split)}: {_some([f'{b} out of {a}' for a, b in report.split])}")
    print(f"review pairs waiting: {report.review_pairs} ({report.new_review_pairs} new)")
    by_tab: dict[str, int] = {}
    for issue in report.issues:
        by_tab[issue.tab] = by_tab.get(issue.tab, 0) + 1
    for tab, count in sorted(by_tab.items()):
        print(f"data issues in {tab}: {count}")
    for line in report.mails_planned:
        print(f"would send: {line}")


# --------------------------------------------------------------------------- init


def cmd_init(args: argparse.Namespace, config: Config) -> int:
    workbook = wiring.open_workbook(config, create=True)
    with workbook.lock(holder_name(), stale_after=dt.timedelta(minutes=config.lock_stale_minutes)):
        created, edits = wiring.provision(workbook, config.categories, config.language)
    print(
        f"init: {workbook.name}: {created} tab(s) created, {edits} cell(s) filled or relabelled; "
        "no entered value lost"
    )
    for tab in wiring.foreign_output_tabs(workbook.read()):  # said now, not at 02:00 when sync refuses
        print(f"warning: {tab.message(before_sync=True)}")
    return 0


# --------------------------------------------------------------------------- sync


def run_once(config: Config, *, dry_run: bool = False, send_mail: bool = True) -> SyncReport:
    """One locked sync with every adapter built from the config (used by sync, demo, schedule)."""
    from sheets_sync.app.sync import run_sync

    workbook = wiring.open_workbook(config)
    calls_before = (
        workbook.stats.api_calls
    )  # the lock's calls count too (on Google it lives in the spreadsheet)
    with workbook.lock(holder_name(), stale_after=dt.timedelta(minutes=config.lock_stale_minutes)):
        external = wiring.external_lists(config)
        queue = wiring.mail_queue(config) if send_mail else None
        report, computed = run_sync(
            config,
            workbook,
            external=external,
            outbox=queue,
            charts=wiring.chart_renderer(),
            dry_run=dry_run,
            calls_before=calls_before,
        )
        if not dry_run:
            _write_factsheet(config, computed, report)
    return report


FACTSHEET_FAILED = (
    "the sync was committed, but the factsheet {path} could not be written ({error}); the previous "
    "factsheet is kept and nothing half-written is left. Fix: free disk space (or fix the folder's "
    "permissions); the next run writes it"
)


def _write_factsheet(config: Config, computed: Any, report: SyncReport) -> None:
    """Write the factsheet after the commit. A failure (disk full) does not undo the commit: it is
    logged, added to the report's warnings and ``failed_outputs`` (``sync`` then exits 9)."""
    try:
        wiring.write_factsheet(config, computed)
    except OSError as exc:
        message = FACTSHEET_FAILED.format(path=config.factsheet_path, error=exc.strerror or exc)
        log.error(message)
        report.warnings.append(message)
        report.failed_outputs.append(str(config.factsheet_path))


def cmd_sync(args: argparse.Namespace, config: Config) -> int:
    report = run_once(config, dry_run=args.dry_run, send_mail=not args.no_mail)
    print_report(report)
    if args.dry_run:
        print_changes(report)
        print("dry run: nothing was written and nothing was sent")
    if report.failed_outputs:
        raise OutputFileError(
            f"synced and committed, but not written: {', '.join(report.failed_outputs)} (see the warning above)"
        )
    if args.strict and report.issues:
        raise DataIssuesFound(
            f"completed with {len(report.issues)} data issue(s) (--strict): see the Data issues tab"
        )
    return 0


# --------------------------------------------------------------------------- check


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    from sheets_sync.app.inputs import read_lists

    for warning in wiring.check_secrets(config):
        print(f"warning: {warning}")
    workbook = wiring.open_workbook(config)
    snapshot = workbook.read()
    print(f"workbook: {workbook.name} ({len(snapshot.grids)} tabs)")
    records, issues, summaries = read_lists(snapshot, config, wiring.external_lists(config))
    if not summaries:
        print("no teacher lists found: name tabs 'List - <teacher>' or add [[lists]] entries to the config")
    for s in summaries:
        if not s.readable or s.header_row is None:
            print(f"\n{s.tab} ({s.teacher}): NOT READABLE")
        else:
            lang = f", language {s.language}" if s.language else ""
            print(
                f"\n{s.tab} ({s.teacher}): header on row {s.header_row}{lang}, {s.rows} rows, {s.issues} issue(s)"
            )
            for header, field in s.mapping:
                print(f"  {header!r:40} -> {field or '(not recognised: set it in [lists.columns])'}")
    for issue in issues:
        if issue.row is None:
            print(f"\nproblem: {issue.tab}: {issue.problem} — {issue.fix}")
    for tab in wiring.foreign_output_tabs(snapshot):
        print(f"\nproblem: {tab.message(before_sync=True)}")
    print(f"\n{len(summaries)} list(s), {len(records)} record(s), {len(issues)} data issue(s)")
    return 0


# --------------------------------------------------------------------------- demo


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    """The demo school on the local workbook, or with ``--spreadsheet KEY --emulator STATE.json``
    on the Google code path against the emulator (no Google account needed). The two never share
    a file: the Google demo's outbox and factsheet go to the folder named after its state file."""
    import tempfile

    from sheets_sync.demo import generate_school, write_demo_workbook

    folder: Path = args.dir
    folder.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()  # the demo's events fall in this school year and the ones before
    school_year_end = (
        today.year + 1 if (today.month, today.day) >= config.rollup.school_year_start else today.year
    )
    school = generate_school(args.seed, alumni=args.alumni, school_year_end=school_year_end, as_of=today)
    if config.school_name == Config.school_name:  # the default: give the demo its own name
        config = replace(config, school_name="Demo VET School")
    if config.backend == "google":
        if config.google.emulator is None:
            raise ConfigError(
                "demo on Google needs --emulator STATE.json: it never writes to a real spreadsheet"
            )
        config.factsheet_path.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory() as tmp:  # the seed never lands on the .xlsx demo's workbook
            seed = Path(tmp) / "seed.xlsx"
            write_demo_workbook(seed, school)
            wiring.seed_emulator(config, seed)
        where = f"spreadsheet {config.google.spreadsheet} in {config.google.emulator}"
    else:
        path = folder / "alumni-demo.xlsx"
        for stale in (path, folder / "factsheet.html"):
            stale.unlink(missing_ok=True)
        write_demo_workbook(path, school)
        config = replace(config, workbook=path.resolve())
        where = str(path)
    workbook = wiring.open_workbook(config, create=True)
    created, _ = wiring.provision(workbook, config.categories, config.language)
    print(f"demo: wrote {where} with {len(school.lists)} teacher lists; init created {created} tab(s)")
    report = run_once(config)
    print_report(report)
    print()
    if config.backend == "google":
        view = config.base_dir / "spreadsheet.xlsx"
        wiring.save_copy(wiring.open_workbook(config).read(), view)
        where = f"{view} (a copy of the emulated spreadsheet, to look at; the spreadsheet itself is {where})"
    print(f"Digests: {config.outbox_dir}/   Factsheet: {config.factsheet_path}")
    print(f"Open {where} — tabs Alumni, Review, Rollup, Data issues, Sync log")
    return 0


# --------------------------------------------------------------------------- schedule


def cmd_schedule(args: argparse.Namespace, config: Config) -> int:
    from sheets_sync.app.schedule import run_forever

    run_forever(config, lambda: run_once(config), run_now=args.now)
    return 0


# --------------------------------------------------------------------------- privacy


def cmd_forget(args: argparse.Namespace, config: Config) -> int:
    from sheets_sync.app.privacy import forget

    workbook = wiring.open_workbook(config)
    with workbook.lock(holder_name(), stale_after=dt.timedelta(minutes=config.lock_stale_minutes)):
        result = forget(
            config,
            workbook,
            args.who,
            by=args.by,
            external=wiring.external_lists(config),
            queue=wiring.mail_queue(config),
        )
    for line in result.lines():
        print(line)
    return 0


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    from sheets_sync.app.privacy import export

    if not args.out.exists():
        raise ConfigError(f"--out folder {args.out} does not exist — create it first")
    workbook = wiring.open_workbook(config)
    paths = export(
        config,
        workbook,
        args.who,
        out=args.out,
        external=wiring.external_lists(config),
        write_workbook=wiring.export_writer(),
    )
    for path in paths:
        print(f"wrote {path}")
    return 0


# --------------------------------------------------------------------------- selftest

SELFTEST_NEEDS_GOOGLE = (
    "selftest checks the Google backend on a throwaway spreadsheet. Fix: create an empty spreadsheet "
    "(https://sheets.new), share it with the service account as Editor, and run "
    "`python run.py selftest --spreadsheet KEY --credentials KEY.json` (see docs/google.md)"
)


def cmd_selftest(args: argparse.Namespace, config: Config) -> int:
    if config.backend != "google":
        raise ConfigError(SELFTEST_NEEDS_GOOGLE)
    checks = wiring.google_selftest(config, holder_name())
    for c in checks:
        print(f"{'ok    ' if c.ok else 'FAILED'}  {c.what}")
    failed = [c for c in checks if not c.ok]
    where = config.google.spreadsheet
    if failed:
        print(
            f"selftest: {len(failed)} of {len(checks)} checks FAILED on spreadsheet {where}: please report them"
        )
        return 1
    print(
        f"selftest: all {len(checks)} checks passed on spreadsheet {where} (init, a first and a staged sync)"
    )
    return 0
