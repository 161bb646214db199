"""The configuration as frozen dataclasses: the one home of every default.

:mod:`sheets_sync.config.load` fills them from the TOML file, the environment and the command line,
setting only the keys that are present; anything absent keeps the default written here.

Secrets (SMTP password, Google key) never live here: only env variable names / file paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_PATH = Path("config/sheets_sync.toml")


@dataclass(frozen=True)
class ListConfig:
    """A teacher list named in the config. Exactly one of path / folder / spreadsheet / tab."""

    teacher: str
    path: Path | None = None  # one .xlsx file (all its tabs, or ``tabs``)
    folder: Path | None = None  # every .xlsx in a folder (teacher = file stem unless set)
    spreadsheet: str | None = None  # another Google spreadsheet (key or URL)
    tab: str | None = None  # a tab of the main workbook not named ``List - ...``
    tabs: tuple[str, ...] = ()  # restrict to these tabs of the file/spreadsheet
    header_row: int | None = None  # 1-based, as a person sees it; None = detect
    columns: Mapping[str, str] = field(default_factory=dict)  # header text -> field name
    region: str | None = None  # default phone region, e.g. "NL"
    language: str | None = None  # en es it nl et: hint for headers and words
    survey: bool = False  # a pre-graduation survey responses tab/file/spreadsheet ([[surveys]])


@dataclass(frozen=True)
class MatchingConfig:
    upper_threshold: float = 0.0  # 0.0 = the engine's own default; log2 likelihood ratio
    lower_threshold: float = 0.0
    estimate_parameters: bool = False  # EM estimation of m/u when there is enough data


@dataclass(frozen=True)
class RollupConfig:
    school_year_start: tuple[int, int] = (9, 1)  # (month, day): 1 September
    recent_years: int = 5  # Recent < 5 years since graduation
    established_years: int = 15  # Mid-career < 15 <= Established
    hourly_value: float = 20.0  # volunteer hour value, in the school's currency
    currency: str = "EUR"
    detractor_max: int = 6  # detractors score 0..detractor_max (standard NPS: 6)
    promoter_min: int = 9


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    user: str | None = None
    sender: str = "sheets-sync@localhost"
    password_env: str = "SHEETS_SYNC_SMTP_PASSWORD"  # the password is only ever read from env
    timeout: float = 30.0


@dataclass(frozen=True)
class DigestConfig:
    frequency: str = "daily"  # daily | weekly
    weekday: int = 0  # for weekly: 0 = Monday
    office_recipients: tuple[str, ...] = ()  # default: Staff rows with an alumni/careers role
    outbox: Path | None = None  # default: <workbook dir>/outbox
    smtp: SmtpConfig | None = None  # None = write .eml files to the outbox
    owner_digests: bool = True
    teacher_digests: bool = True
    keep_sent_days: int = 90  # delivered .eml files older than this are deleted (0 = keep them)


@dataclass(frozen=True)
class ScheduleConfig:
    time: dt.time = dt.time(2, 0)
    timezone: str = "Europe/Brussels"


@dataclass(frozen=True)
class GoogleConfig:
    spreadsheet: str | None = None  # key or URL
    credentials: Path | None = None  # service-account JSON; default $GOOGLE_APPLICATION_CREDENTIALS
    oauth_client: Path | None = None  # OAuth desktop client JSON, for a person trying it out
    emulator: Path | None = None  # run against a saved SheetsEmulator state instead of Google
    timeout: float = 30.0
    max_retries: int = 6


@dataclass(frozen=True)
class Config:
    workbook: Path | None = None  # the local .xlsx (the embedded default)
    google: GoogleConfig = GoogleConfig()
    school_name: str = "Our VET school"
    language: str | None = None  # en es it nl et; None = the workbook's own language (en for a new one)
    default_region: str = "ES"  # phone region when a list gives none
    timezone: str = "Europe/Brussels"
    lists: tuple[ListConfig, ...] = ()  # teacher lists, then [[surveys]] (survey=True)
    categories: tuple[str, ...] = ()  # [school] categories: the school's own alumni categories (guide §2)
    matching: MatchingConfig = MatchingConfig()
    rollup: RollupConfig = RollupConfig()
    digest: DigestConfig = DigestConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    factsheet: Path | None = None  # default: <workbook dir>/factsheet.html
    factsheet_min_count: int = 5  # counts below this are suppressed in the factsheet
    backups: int = 5  # .xlsx backups kept
    lock_stale_minutes: int = 180
    source_path: Path | None = None  # the TOML file this came from (for messages)

    @property
    def backend(self) -> str:
        return "google" if self.google.spreadsheet else "xlsx"

    @property
    def base_dir(self) -> Path:
        """Where outbox/, factsheet.html and backups go by default: next to the workbook; for an
        emulated spreadsheet a folder named after its state file (``demo/google-state/`` for
        ``demo/google-state.json``), so it never shares outputs with a workbook beside it."""
        if self.workbook is not None:
            return self.workbook.parent
        if self.google.emulator is not None:
            return self.google.emulator.parent / self.google.emulator.stem
        return Path.cwd()

    @property
    def outbox_dir(self) -> Path:
        return self.digest.outbox or self.base_dir / "outbox"

    @property
    def factsheet_path(self) -> Path:
        return self.factsheet or self.base_dir / "factsheet.html"

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **changes)
