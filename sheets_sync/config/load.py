"""Configuration: TOML file + environment + command-line overrides -> frozen dataclasses.

Parsed once at the edge (the CLI). Every problem is collected and reported at once in a
:class:`~sheets_sync.errors.ConfigError` whose message names the key, the problem and the fix.
Secrets (SMTP password, Google key) never live here: only env variable names / file paths.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sheets_sync.config.model import (
    DEFAULT_CONFIG_PATH,
    FIELDS,
    Config,
    DigestConfig,
    GoogleConfig,
    ListConfig,
    MatchingConfig,
    RollupConfig,
    ScheduleConfig,
    SmtpConfig,
)
from sheets_sync.errors import ConfigError

__all__ = [
    "Config",
    "DEFAULT_CONFIG_PATH",
    "DigestConfig",
    "FIELDS",
    "GoogleConfig",
    "ListConfig",
    "MatchingConfig",
    "RollupConfig",
    "ScheduleConfig",
    "SmtpConfig",
    "load_config",
    "parse_config",
]

# --------------------------------------------------------------------------- parsing


class _Problems:
    """Collects every problem (splink's ErrorLogger idea) and raises them together."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.items: list[str] = []

    def add(self, key: str, problem: str, fix: str) -> None:
        self.items.append(f"{self.origin}: [{key}] {problem} — {fix}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.items)


def _take(
    table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], problems: _Problems, where: str
) -> Any:
    value = table.get(key)
    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        problems.add(f"{where}{key}", f"expected {name}, got {value!r}", f"write {key} as a {name}")
        return None
    return value


def _check_unknown(table: Mapping[str, Any], allowed: set[str], problems: _Problems, where: str) -> None:
    for key in table:
        if key not in allowed:
            problems.add(
                f"{where}{key}",
                "unknown key",
                f"remove it or use one of: {', '.join(sorted(allowed))}",
            )


def _path(value: str | None, base: Path) -> Path | None:
    if not value:
        return None
    p = Path(os.path.expandvars(os.path.expanduser(value)))
    return p if p.is_absolute() else base / p


def _parse_time(text: str, problems: _Problems, key: str) -> dt.time | None:
    try:
        hours, minutes = text.split(":")
        return dt.time(int(hours), int(minutes))
    except (ValueError, TypeError):
        problems.add(key, f"cannot read time {text!r}", 'write it as "HH:MM", e.g. "02:00"')
        return None


def _check_timezone(name: str, problems: _Problems, key: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add(key, f"unknown time zone {name!r}", 'use an IANA name such as "Europe/Madrid"')


def _parse_list(raw: Mapping[str, Any], index: int, base: Path, problems: _Problems) -> ListConfig | None:
    where = f"lists[{index}]."
    _check_unknown(
        raw,
        {
            "teacher",
            "path",
            "folder",
            "spreadsheet",
            "tab",
            "tabs",
            "header_row",
            "columns",
            "region",
            "language",
        },
        problems,
        where,
    )
    sources = [k for k in ("path", "folder", "spreadsheet", "tab") if raw.get(k)]
    if len(sources) != 1:
        problems.add(
            f"{where}path",
            f"a list needs exactly one of path, folder, spreadsheet or tab (found {len(sources)})",
            'e.g. path = "lists/ana.xlsx" or folder = "lists/"',
        )
        return None
    teacher = _take(raw, "teacher", str, problems, where) or ""
    if not teacher and not raw.get("folder"):
        problems.add(f"{where}teacher", "missing", 'name the teacher who owns the list: teacher = "Ana Ruiz"')
    header_row = _take(raw, "header_row", int, problems, where)
    if header_row is not None and header_row < 1:
        problems.add(f"{where}header_row", "must be 1 or more", "give the row number as shown in the sheet")
        header_row = None
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict):
        problems.add(f"{where}columns", "must be a table", '[lists.columns] "Tel." = "phone"')
        columns = {}
    for header, field_name in columns.items():
        if field_name not in FIELDS and field_name != "ignore":
            problems.add(
                f"{where}columns.{header}",
                f"unknown field {field_name!r}",
                f"use one of: {', '.join(FIELDS)} or ignore",
            )
    region = _take(raw, "region", str, problems, where)
    if region is not None and (len(region) != 2 or not region.isalpha()):
        problems.add(f"{where}region", f"{region!r} is not a country code", 'use two letters, e.g. "NL"')
    language = _take(raw, "language", str, problems, where)
    if language is not None and language not in ("en", "es", "it", "nl", "et"):
        problems.add(f"{where}language", f"unsupported {language!r}", "use one of en, es, it, nl, et")
    tabs = raw.get("tabs") or ()
    return ListConfig(
        teacher=teacher,
        path=_path(_take(raw, "path", str, problems, where), base),
        folder=_path(_take(raw, "folder", str, problems, where), base),
        spreadsheet=_take(raw, "spreadsheet", str, problems, where),
        tab=_take(raw, "tab", str, problems, where),
        tabs=tuple(str(t) for t in tabs),
        header_row=header_row,
        columns={str(k): str(v) for k, v in columns.items()},
        region=region.upper() if region else None,
        language=language,
    )


def parse_config(data: Mapping[str, Any], *, base: Path, origin: str = "config") -> Config:
    """Turn a TOML mapping into a :class:`Config`; raise one ConfigError listing every problem."""
    p = _Problems(origin)
    _check_unknown(
        data,
        {
            "workbook",
            "google",
            "school",
            "lists",
            "matching",
            "rollup",
            "digest",
            "smtp",
            "schedule",
            "factsheet",
            "operations",
        },
        p,
        "",
    )

    wb = data.get("workbook") or {}
    workbook = _path(_take(wb, "path", str, p, "workbook."), base) if isinstance(wb, dict) else None

    g = data.get("google") or {}
    _check_unknown(
        g, {"spreadsheet", "credentials", "oauth_client", "emulator", "timeout", "max_retries"}, p, "google."
    )
    google = GoogleConfig(
        spreadsheet=_take(g, "spreadsheet", str, p, "google."),
        credentials=_path(_take(g, "credentials", str, p, "google."), base),
        oauth_client=_path(_take(g, "oauth_client", str, p, "google."), base),
        emulator=_path(_take(g, "emulator", str, p, "google."), base),
        timeout=_take(g, "timeout", float, p, "google.") or 30.0,
        max_retries=_take(g, "max_retries", int, p, "google.") or 6,
    )

    s = data.get("school") or {}
    _check_unknown(s, {"name", "default_region", "timezone"}, p, "school.")
    default_region = (_take(s, "default_region", str, p, "school.") or "ES").upper()
    timezone = _take(s, "timezone", str, p, "school.") or "Europe/Brussels"
    _check_timezone(timezone, p, "school.timezone")

    lists = []
    raw_lists = data.get("lists") or []
    if not isinstance(raw_lists, list):
        p.add("lists", "must be an array of tables", "write each list as [[lists]]")
        raw_lists = []
    for i, raw in enumerate(raw_lists):
        parsed = _parse_list(raw, i, base, p)
        if parsed:
            lists.append(parsed)

    m = data.get("matching") or {}
    _check_unknown(m, {"upper_threshold", "lower_threshold", "estimate_parameters"}, p, "matching.")
    matching = MatchingConfig(
        upper_threshold=_take(m, "upper_threshold", float, p, "matching.") or 0.0,
        lower_threshold=_take(m, "lower_threshold", float, p, "matching.") or 0.0,
        estimate_parameters=bool(_take(m, "estimate_parameters", bool, p, "matching.")),
    )
    if matching.upper_threshold and matching.lower_threshold > matching.upper_threshold:
        p.add(
            "matching.lower_threshold", "is above upper_threshold", "make lower_threshold <= upper_threshold"
        )

    r = data.get("rollup") or {}
    _check_unknown(
        r,
        {
            "school_year_start",
            "recent_years",
            "established_years",
            "hourly_value",
            "currency",
            "detractor_max",
            "promoter_min",
        },
        p,
        "rollup.",
    )
    start = (9, 1)
    if r.get("school_year_start"):
        try:
            month, day = (int(x) for x in str(r["school_year_start"]).split("-"))
            dt.date(2001, month, day)
            start = (month, day)
        except ValueError:
            p.add(
                "rollup.school_year_start",
                f"cannot read {r['school_year_start']!r}",
                'write "MM-DD", e.g. "09-01"',
            )
    rollup = RollupConfig(
        school_year_start=start,
        recent_years=_take(r, "recent_years", int, p, "rollup.") or 5,
        established_years=_take(r, "established_years", int, p, "rollup.") or 15,
        hourly_value=_take(r, "hourly_value", float, p, "rollup.") or 20.0,
        currency=_take(r, "currency", str, p, "rollup.") or "EUR",
        detractor_max=_take(r, "detractor_max", int, p, "rollup.")
        if r.get("detractor_max") is not None
        else 6,
        promoter_min=_take(r, "promoter_min", int, p, "rollup.") or 9,
    )
    if rollup.recent_years >= rollup.established_years:
        p.add(
            "rollup.recent_years",
            "must be below established_years",
            "e.g. recent_years = 5, established_years = 15",
        )

    smtp = _parse_smtp(data.get("smtp") or {}, p)
    d = data.get("digest") or {}
    _check_unknown(
        d,
        {
            "frequency",
            "weekday",
            "office_recipients",
            "outbox",
            "owner_digests",
            "teacher_digests",
            "keep_sent_days",
        },
        p,
        "digest.",
    )
    frequency = _take(d, "frequency", str, p, "digest.") or "daily"
    if frequency not in ("daily", "weekly"):
        p.add("digest.frequency", f"unknown {frequency!r}", 'use "daily" or "weekly"')
    digest = DigestConfig(
        frequency=frequency,
        weekday=_take(d, "weekday", int, p, "digest.") or 0,
        office_recipients=tuple(d.get("office_recipients") or ()),
        outbox=_path(_take(d, "outbox", str, p, "digest."), base),
        smtp=smtp,
        owner_digests=d.get("owner_digests", True) is not False,
        teacher_digests=d.get("teacher_digests", True) is not False,
        keep_sent_days=(_take(d, "keep_sent_days", int, p, "digest.") or 0) if "keep_sent_days" in d else 90,
    )
    if digest.keep_sent_days < 0:
        p.add("digest.keep_sent_days", "is negative", "use a number of days, or 0 to keep every mail")

    sc = data.get("schedule") or {}
    _check_unknown(sc, {"time", "timezone"}, p, "schedule.")
    sched_time = _parse_time(sc.get("time", "02:00"), p, "schedule.time") or dt.time(2, 0)
    sched_tz = _take(sc, "timezone", str, p, "schedule.") or timezone
    _check_timezone(sched_tz, p, "schedule.timezone")

    f = data.get("factsheet") or {}
    _check_unknown(f, {"path", "min_count"}, p, "factsheet.")
    ops = data.get("operations") or {}
    _check_unknown(ops, {"backups", "lock_stale_minutes"}, p, "operations.")

    p.raise_if_any()
    return Config(
        workbook=workbook,
        google=google,
        school_name=_take(s, "name", str, p, "school.") or "Our VET school",
        default_region=default_region,
        timezone=timezone,
        lists=tuple(lists),
        matching=matching,
        rollup=rollup,
        digest=digest,
        schedule=ScheduleConfig(time=sched_time, timezone=sched_tz),
        factsheet=_path(f.get("path"), base),
        factsheet_min_count=int(f.get("min_count", 5)),
        backups=int(ops.get("backups", 5)),
        lock_stale_minutes=int(ops.get("lock_stale_minutes", 180)),
    )


def _parse_smtp(
    raw: Mapping[str, Any], p: _Problems, env: Mapping[str, str] | None = None
) -> SmtpConfig | None:
    """SMTP from [smtp] with SHEETS_SYNC_SMTP_* environment variables taking precedence."""
    env = os.environ if env is None else env
    _check_unknown(raw, {"host", "port", "security", "user", "sender", "timeout"}, p, "smtp.")
    if "password" in raw:
        p.add(
            "smtp.password",
            "passwords are never read from the config file",
            "set SHEETS_SYNC_SMTP_PASSWORD instead",
        )
    host = env.get("SHEETS_SYNC_SMTP_HOST") or raw.get("host")
    if not host:
        return None
    port_text = env.get("SHEETS_SYNC_SMTP_PORT") or raw.get("port") or 587
    try:
        port = int(port_text)
    except (TypeError, ValueError):
        p.add("smtp.port", f"not a number: {port_text!r}", "e.g. 587 for starttls, 465 for ssl")
        port = 587
    security = (env.get("SHEETS_SYNC_SMTP_SECURITY") or raw.get("security") or "starttls").lower()
    if security not in ("starttls", "ssl", "none"):
        p.add("smtp.security", f"unknown {security!r}", "use starttls, ssl or none")
    return SmtpConfig(
        host=str(host),
        port=port,
        security=security,
        user=env.get("SHEETS_SYNC_SMTP_USER") or raw.get("user"),
        sender=env.get("SHEETS_SYNC_SMTP_FROM") or raw.get("sender") or "sheets-sync@localhost",
        timeout=float(raw.get("timeout", 30.0)),
    )


def load_config(path: Path | None, *, required: bool = False) -> Config:
    """Read ``path`` (or ``config/sheets_sync.toml`` when it exists). No file = defaults."""
    chosen = path or (DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None)
    if chosen is None:
        return parse_config({}, base=Path.cwd(), origin="defaults")
    if not chosen.exists():
        raise ConfigError(f"config file {chosen} not found — check the path given to --config")
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{chosen}: not valid TOML ({exc}) — fix the line it names") from exc
    config = parse_config(data, base=chosen.parent.resolve(), origin=str(chosen))
    return replace(config, source_path=chosen)
