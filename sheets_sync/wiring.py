"""Builds the I/O adapters a command needs from the config: backend, list sources, mail, charts.

The only module that knows which concrete backend / mailer classes exist.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheets_sync import schema as tabs
from sheets_sync.app.inputs import ExternalList
from sheets_sync.config import Config, ListConfig
from sheets_sync.errors import ConfigError, SourceError
from sheets_sync.workbook import ListSource, Snapshot, Workbook

if TYPE_CHECKING:
    from sheets_sync.adapters.mail.queue import MailQueue
    from sheets_sync.core.ownership import ForeignTab

log = logging.getLogger(__name__)


def open_workbook(config: Config, *, create: bool = False) -> Workbook:
    if config.backend == "google":
        from sheets_sync.adapters.gsheets.workbook import open_spreadsheet

        return open_spreadsheet(config)
    from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook

    assert config.workbook is not None
    if not create and not config.workbook.exists():
        raise SourceError(
            f"workbook {config.workbook} does not exist — create it with `python run.py init --workbook {config.workbook}`"
        )
    if config.workbook.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ConfigError(f"workbook {config.workbook} is not an .xlsx file — give a path ending in .xlsx")
    return XlsxWorkbook(config.workbook, backups=config.backups)


def google_selftest(config: Config, holder: str) -> list[Any]:
    """``selftest``: init and two syncs on a throwaway Google spreadsheet, then read back (checks)."""
    from sheets_sync.adapters.gsheets import selftest
    from sheets_sync.adapters.gsheets.workbook import open_spreadsheet
    from sheets_sync.app.sync import run_sync
    from sheets_sync.core.provision.plan import plan_all

    def sync(wb: Workbook) -> int:
        _, computed = run_sync(config, wb)
        return sum(len(w.charts) for w in computed.writes)

    return selftest.run(
        open_spreadsheet(config),
        templates=[p.title for p in plan_all(None, categories=config.categories)],
        holder=holder,
        stale_after=dt.timedelta(minutes=config.lock_stale_minutes),
        init=lambda wb: provision(wb, config.categories, "en"),  # the checks read English names
        sync=sync,
    )


def provision(
    workbook: Workbook, categories: tuple[str, ...] = (), language: str | None = None
) -> tuple[int, int]:
    """``init``: plan from the templates (pure) and apply. Returns (tabs created, cells filled or
    relabelled). ``language`` None keeps the workbook's own language (English for a new one)."""
    from sheets_sync.app.language import workbook_language
    from sheets_sync.core.provision.plan import plan_all, plan_renames

    try:
        snapshot = workbook.read()
    except SourceError:
        snapshot = None  # a workbook that does not exist yet
    lang = language or workbook_language(snapshot)
    grids = snapshot.grids if snapshot else None
    theirs = {t.title for t in foreign_output_tabs(snapshot)} if snapshot else set()  # never relabelled
    plans = plan_all(grids, categories=categories, language=lang) + plan_renames(grids, lang, theirs)
    workbook.provision(plans)
    return sum(p.create for p in plans), sum(len(p.edits) for p in plans)  # relabels count as filled


def foreign_output_tabs(raw: Snapshot) -> list[ForeignTab]:
    """Tabs under an output name (in any language) that the service did not create: the school's."""
    from sheets_sync.app.language import canonical_snapshot, real_titles
    from sheets_sync.core.ownership import foreign_outputs
    from sheets_sync.core.state import State

    snapshot = canonical_snapshot(raw)
    state = State.from_grid(snapshot.get(tabs.STATE))
    return foreign_outputs(snapshot.grids, state, shown=real_titles(raw))


def _xlsx_sources(lc: ListConfig) -> list[ListSource]:
    from sheets_sync.adapters.xlsx.workbook import XlsxListSource, sources_in_folder

    if lc.path is not None:
        return [XlsxListSource(lc.path, tabs=lc.tabs, teacher=lc.teacher)]
    assert lc.folder is not None
    return list(sources_in_folder(lc.folder, teacher=lc.teacher, tabs=lc.tabs))


def external_lists(config: Config) -> list[ExternalList]:
    """Lists named in the config that live outside the main workbook. A missing folder or file
    becomes one Data issue later (via a source that raises on read), never a stopped run."""
    out: list[ExternalList] = []
    for lc in config.lists:
        if lc.tab:
            continue  # a tab of the main workbook: read from the snapshot
        if lc.spreadsheet:
            from sheets_sync.adapters.gsheets.workbook import GSheetsListSource

            out.append(ExternalList(lc, GSheetsListSource.from_config(config, lc)))
            continue
        try:
            sources = _xlsx_sources(lc)
        except SourceError as exc:
            sources = [_Unreadable(str(lc.folder or lc.path), str(exc))]
        for source in sources:
            teacher = lc.teacher or ("" if lc.survey else Path(source.name).stem)
            out.append(ExternalList(ListConfig(**{**lc.__dict__, "teacher": teacher}), source))
    return out


class _Unreadable(ListSource):
    """A configured list location that could not even be listed (missing folder)."""

    def __init__(self, name: str, reason: str) -> None:
        self._name, self._reason = name, reason

    @property
    def name(self) -> str:
        return self._name

    def read_grids(self) -> list[Any]:
        raise SourceError(self._reason)


def mail_queue(config: Config) -> MailQueue:
    from sheets_sync.adapters.mail.queue import MailQueue
    from sheets_sync.adapters.mail.send import SmtpMailer, mailer_from_config

    mailer = mailer_from_config(config)  # SMTP (password from the environment only) or files
    smtp = mailer if isinstance(mailer, SmtpMailer) else None
    return MailQueue(config.outbox_dir, mailer.sender, smtp, keep_sent_days=config.digest.keep_sent_days)


def chart_renderer() -> Callable[[Any], dict[str, bytes]]:
    from sheets_sync.adapters.charts import rollup_charts

    return rollup_charts


def write_factsheet(config: Config, computed: Any) -> Path:
    from sheets_sync.adapters.factsheet import render_factsheet
    from sheets_sync.adapters.factsheet import write_factsheet as write

    rollup = computed.rollup
    html = render_factsheet(
        rollup.headline,
        rollup.tables,
        None,  # charts drawn by the factsheet itself, with small counts left out
        school_name=config.school_name,
        min_count=config.factsheet_min_count,
        today=computed.today,
    )
    write(config.factsheet_path, html)
    return config.factsheet_path


def check_secrets(config: Config) -> list[str]:
    """Warnings for ``check``: key files readable by other users, missing credentials."""
    warnings = []
    key = config.google.credentials or (
        Path(os.environ["GOOGLE_APPLICATION_CREDENTIALS"])
        if os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        else None
    )
    if config.backend == "google" and key is not None and key.exists():
        mode = key.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            warnings.append(
                f"the service-account key {key} is readable by other users — run: chmod 600 {key}"
            )
    if (
        config.digest.smtp is not None
        and config.digest.smtp.user
        and not os.environ.get(config.digest.smtp.password_env)
    ):
        warnings.append(
            f"SMTP user is set but ${config.digest.smtp.password_env} is empty — export it before the run"
        )
    return warnings


def seed_emulator(config: Config, xlsx: Path) -> None:
    """Copy every tab of the local workbook ``xlsx`` into the emulated spreadsheet of ``config``."""
    from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
    from sheets_sync.emulator import SheetsEmulator
    from sheets_sync.emulator.seed import seed_spreadsheet

    assert config.google.emulator is not None and config.google.spreadsheet is not None
    emu = SheetsEmulator.load_or_create(config.google.emulator)
    seed_spreadsheet(
        emu, config.google.spreadsheet, XlsxWorkbook(xlsx).read().grids, title=config.school_name
    )
    emu.save(config.google.emulator)


def export_writer() -> Callable[[Mapping[str, Any], Path], None]:
    """What writes the subject access export as a readable workbook (.xlsx)."""
    from sheets_sync.adapters.xlsx.export import write_export_workbook

    return write_export_workbook


def save_copy(snapshot: Snapshot, path: Path) -> None:
    """Every visible tab of ``snapshot`` as text in a new .xlsx at ``path`` (written atomically,
    0600): a copy of an emulated spreadsheet that a person can open."""
    from openpyxl import Workbook as Book

    from sheets_sync.files import write_atomic

    book = Book()
    book.remove(book.active)
    for title, grid in snapshot.grids.items():
        if title in snapshot.hidden:
            continue
        sheet = book.create_sheet(title)
        for row in grid.rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, book.save)
