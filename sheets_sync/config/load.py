"""Configuration: TOML file + environment + command-line overrides -> the frozen dataclasses of
:mod:`sheets_sync.config.model`.

Parsed once at the edge (the CLI), driven by one table (:data:`KEYS`: every TOML key, the dataclass
field it fills and how its value is read). A key that is absent leaves the dataclass default in
place — defaults live in the dataclasses only, so ``0`` is a value like any other. Every problem is
collected and reported at once in a :class:`~sheets_sync.errors.ConfigError` (exit 2) whose lines
name the key, the problem and the fix, and never repeat the value (a secret typed under the wrong
key must not end up in a log). Secrets (SMTP password, Google key) never live in the file: only
environment variable names and file paths.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sheets_sync import i18n
from sheets_sync.config.model import (
    DEFAULT_CONFIG_PATH,
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
from sheets_sync.schema import FIELDS

LANGUAGES = i18n.LANGUAGES


class Bad(Exception):
    """A value that cannot be used: what is wrong and how to fix it (never the value itself)."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem, self.fix = problem, fix


@dataclass(frozen=True)
class Context:
    base: Path  # relative paths are relative to the config file's folder


Reader = Callable[[Any, Context], Any]


# --------------------------------------------------------------------------- readers


def text(*, allow_empty: bool = False) -> Reader:
    def read(value: Any, ctx: Context) -> str:
        if not isinstance(value, str):
            raise Bad("must be text", 'put the value in quotes, e.g. "…"')
        if any(ord(c) < 32 for c in value):
            raise Bad("contains a line break or control character", "write it on one line")
        if not value.strip() and not allow_empty:
            raise Bad("is empty", "give a value or remove the key")
        return value.strip()

    return read


def whole(lo: int | None = None, hi: int | None = None) -> Reader:
    def read(value: Any, ctx: Context) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Bad("must be a whole number", "write digits without quotes, e.g. 5")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            span = f"from {lo} to {hi}" if hi is not None else f"{lo} or more"
            raise Bad(f"must be {span}", f"use a whole number {span}")
        return value

    return read


def number(lo: float | None = None, *, above: bool = False) -> Reader:
    def read(value: Any, ctx: Context) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Bad("must be a number", "write digits without quotes, e.g. 20.0")
        if lo is not None and (value <= lo if above else value < lo):
            word = "above" if above else "at least"
            raise Bad(f"must be {word} {lo:g}", f"use a number {word} {lo:g}")
        return float(value)

    return read


def flag(value: Any, ctx: Context) -> bool:
    if not isinstance(value, bool):
        raise Bad("must be true or false", "write true or false without quotes")
    return value


def choice(*options: str) -> Reader:
    def read(value: Any, ctx: Context) -> str:
        if not isinstance(value, str) or value.strip().lower() not in options:
            raise Bad("is not one of the choices", f"use one of: {', '.join(options)}")
        return value.strip().lower()

    return read


def path(value: Any, ctx: Context) -> Path:
    raw = text()(value, ctx)
    p = Path(os.path.expandvars(os.path.expanduser(raw)))
    return p if p.is_absolute() else ctx.base / p


def clock(value: Any, ctx: Context) -> dt.time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        return dt.time(int(match[1]), int(match[2]))
    except ValueError:
        raise Bad("is not a time of day", 'write it as "HH:MM", e.g. "02:00"') from None


def month_day(value: Any, ctx: Context) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        dt.date(2000, int(match[1]), int(match[2]))
        return int(match[1]), int(match[2])
    except ValueError:
        raise Bad("is not a month and day", 'write "MM-DD", e.g. "09-01"') from None


def zone(value: Any, ctx: Context) -> str:
    name = text()(value, ctx)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Bad("is not a known time zone", 'use an IANA name such as "Europe/Madrid"') from None
    return name


def region(value: Any, ctx: Context) -> str:
    code = text()(value, ctx)
    if len(code) != 2 or not code.isalpha():
        raise Bad("is not a country code", 'use two letters, e.g. "NL"')
    return code.upper()


def language(value: Any, ctx: Context) -> str:
    return choice(*LANGUAGES)(value, ctx)


def addresses(value: Any, ctx: Context) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Bad("must be a list of addresses", 'write ["alumni@school.example"]')
    out = []
    for item in value:
        address = text()(item, ctx)
        if "@" not in address or any(c.isspace() for c in address):
            raise Bad("holds something that is not one email address", "write one address per item")
        out.append(address)
    return tuple(out)


def texts(value: Any, ctx: Context) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Bad("must be a list", 'write ["first", "second"]')
    return tuple(text()(item, ctx) for item in value)


def categories(value: Any, ctx: Context) -> tuple[str, ...]:
    """The school's own alumni categories: dropdown items (no comma or quote, 255 characters in all)."""
    from sheets_sync.schema import alumni_categories  # schema imports config.model: import late

    names = tuple(dict.fromkeys(" ".join(n.split()) for n in texts(value, ctx)))
    if any(not n or "," in n or '"' in n for n in names):
        raise Bad(
            "holds an empty name or one with a comma or quote", 'e.g. categories = ["Erasmus+ trainees"]'
        )
    if len(",".join(alumni_categories(names))) + 2 > 255:
        raise Bad(
            "is too long for a dropdown (255 characters with the guide's seven)", "use fewer or shorter names"
        )
    return names


# --------------------------------------------------------------------------- the table

# "section.key" -> (dataclass part, field, reader). Part "" is Config itself; "digest.smtp" is nested.
KEYS: dict[str, tuple[str, str, Reader]] = {
    "workbook.path": ("", "workbook", path),
    "google.spreadsheet": ("google", "spreadsheet", text()),
    "google.credentials": ("google", "credentials", path),
    "google.oauth_client": ("google", "oauth_client", path),
    "google.emulator": ("google", "emulator", path),
    "google.timeout": ("google", "timeout", number(0, above=True)),
    "google.max_retries": ("google", "max_retries", whole(0, 20)),
    "school.name": ("", "school_name", text()),
    "school.default_region": ("", "default_region", region),
    "school.timezone": ("", "timezone", zone),
    "school.categories": ("", "categories", categories),
    "school.language": ("", "language", language),  # None (unset): the workbook's own language
    "matching.upper_threshold": ("matching", "upper_threshold", number()),
    "matching.lower_threshold": ("matching", "lower_threshold", number()),
    "matching.estimate_parameters": ("matching", "estimate_parameters", flag),
    "rollup.school_year_start": ("rollup", "school_year_start", month_day),
    "rollup.recent_years": ("rollup", "recent_years", whole(1, 100)),
    "rollup.established_years": ("rollup", "established_years", whole(1, 100)),
    "rollup.hourly_value": ("rollup", "hourly_value", number(0)),
    "rollup.currency": ("rollup", "currency", text()),
    "rollup.detractor_max": ("rollup", "detractor_max", whole(0, 10)),
    "rollup.promoter_min": ("rollup", "promoter_min", whole(0, 10)),
    "digest.frequency": ("digest", "frequency", choice("daily", "weekly")),
    "digest.weekday": ("digest", "weekday", whole(0, 6)),
    "digest.office_recipients": ("digest", "office_recipients", addresses),
    "digest.outbox": ("digest", "outbox", path),
    "digest.owner_digests": ("digest", "owner_digests", flag),
    "digest.teacher_digests": ("digest", "teacher_digests", flag),
    "digest.keep_sent_days": ("digest", "keep_sent_days", whole(0)),
    "smtp.host": ("digest.smtp", "host", text()),
    "smtp.port": ("digest.smtp", "port", whole(1, 65535)),
    "smtp.security": ("digest.smtp", "security", choice("starttls", "ssl", "none")),
    "smtp.user": ("digest.smtp", "user", text()),
    "smtp.sender": ("digest.smtp", "sender", text()),
    "smtp.timeout": ("digest.smtp", "timeout", number(0, above=True)),
    "schedule.time": ("schedule", "time", clock),
    "schedule.timezone": ("schedule", "timezone", zone),
    "factsheet.path": ("", "factsheet", path),
    "factsheet.min_count": ("", "factsheet_min_count", whole(0)),
    "operations.backups": ("", "backups", whole(0, 1000)),
    "operations.lock_stale_minutes": ("", "lock_stale_minutes", whole(1)),
}

# [[lists]] entries: key -> (field, reader)
LIST_KEYS: dict[str, tuple[str, Reader]] = {
    "teacher": ("teacher", text()),
    "path": ("path", path),
    "folder": ("folder", path),
    "spreadsheet": ("spreadsheet", text()),
    "tab": ("tab", text()),
    "tabs": ("tabs", texts),
    "header_row": ("header_row", whole(1, 1_048_576)),
    "region": ("region", region),
    "language": ("language", language),
}

# SMTP settings the environment may give (they win over the file); the password only ever comes from there
SMTP_ENV = {
    "SHEETS_SYNC_SMTP_HOST": "smtp.host",
    "SHEETS_SYNC_SMTP_PORT": "smtp.port",
    "SHEETS_SYNC_SMTP_SECURITY": "smtp.security",
    "SHEETS_SYNC_SMTP_USER": "smtp.user",
    "SHEETS_SYNC_SMTP_FROM": "smtp.sender",
}

_PARTS: dict[str, type] = {
    "google": GoogleConfig,
    "matching": MatchingConfig,
    "rollup": RollupConfig,
    "digest": DigestConfig,
    "digest.smtp": SmtpConfig,
    "schedule": ScheduleConfig,
}


class Problems:
    """Collects every problem (splink's ErrorLogger idea) and raises them together."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.items: list[str] = []

    def add(self, key: str, problem: str, fix: str) -> None:
        self.items.append(f"{self.origin}: [{key}] {problem} — {fix}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.items)


def _sections(data: Mapping[str, Any], p: Problems) -> dict[str, Any]:
    """Flatten ``{section: {key: value}}`` into ``{"section.key": value}``, reporting unknown keys."""
    sections = {k.split(".")[0] for k in KEYS} | {"lists", "surveys"}
    flat: dict[str, Any] = {}
    for section, table in data.items():
        if section not in sections:
            p.add(section, "unknown section", f"remove it or use one of: {', '.join(sorted(sections))}")
        elif section in ("lists", "surveys"):
            continue
        elif not isinstance(table, dict):
            p.add(section, "must be a table", f"write it as [{section}] followed by key = value lines")
        else:
            known = sorted(k.split(".", 1)[1] for k in KEYS if k.startswith(section + "."))
            for key, value in table.items():
                if f"{section}.{key}" in KEYS:
                    flat[f"{section}.{key}"] = value
                elif section == "smtp" and key == "password":
                    p.add(
                        "smtp.password",
                        "passwords are never read from the config file",
                        "remove it and set SHEETS_SYNC_SMTP_PASSWORD in the environment",
                    )
                else:
                    p.add(f"{section}.{key}", "unknown key", f"remove it or use one of: {', '.join(known)}")
    return flat


def _read(flat: Mapping[str, Any], ctx: Context, p: Problems) -> dict[str, dict[str, Any]]:
    """Every present key read into ``{part: {field: value}}``; a bad value is a problem, not a value."""
    parts: dict[str, dict[str, Any]] = {}
    for key, value in flat.items():
        part, field, reader = KEYS[key]
        try:
            parts.setdefault(part, {})[field] = reader(value, ctx)
        except Bad as bad:
            p.add(key, bad.problem, bad.fix)
    return parts


def _parse_list(raw: Any, index: int, ctx: Context, p: Problems, kind: str = "lists") -> ListConfig | None:
    """One ``[[lists]]`` entry, or one ``[[surveys]]`` entry (``kind="surveys"``: no teacher needed)."""
    where = f"{kind}[{index}]"
    if not isinstance(raw, dict):
        p.add(where, "must be a table", "write each list as [[lists]] followed by key = value lines")
        return None
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "columns":
            continue
        if key not in LIST_KEYS:
            p.add(
                f"{where}.{key}",
                "unknown key",
                f"remove it or use one of: {', '.join([*LIST_KEYS, 'columns'])}",
            )
            continue
        name, reader = LIST_KEYS[key]
        try:
            fields[name] = reader(value, ctx)
        except Bad as bad:
            p.add(f"{where}.{key}", bad.problem, bad.fix)
    columns = raw.get("columns", {})
    if not isinstance(columns, dict):
        p.add(f"{where}.columns", "must be a table", '[lists.columns] "Tel." = "phone"')
        columns = {}
    for header, field_name in columns.items():
        if field_name not in FIELDS and field_name != "ignore":
            p.add(
                f"{where}.columns.{header}",
                "is not a known field",
                f"use one of: {', '.join(FIELDS)} or ignore",
            )
    sources = [k for k in ("path", "folder", "spreadsheet", "tab") if k in raw]
    if len(sources) != 1:
        p.add(
            f"{where}.path",
            f"a list needs exactly one of path, folder, spreadsheet or tab (found {len(sources)})",
            'e.g. path = "lists/ana.xlsx" or folder = "lists/"',
        )
        return None
    if "teacher" not in raw and "folder" not in raw and kind == "lists":
        p.add(f"{where}.teacher", "missing", 'name the teacher who owns the list: teacher = "Ana Ruiz"')
        return None
    fields.setdefault("teacher", "")  # a folder's files (each teacher is the file's stem), or a survey
    return ListConfig(
        columns={str(k): str(v) for k, v in columns.items()}, survey=kind == "surveys", **fields
    )


def parse_config(
    data: Mapping[str, Any], *, base: Path, origin: str = "config", env: Mapping[str, str] | None = None
) -> Config:
    """Turn a TOML mapping into a :class:`Config`; raise one ConfigError listing every problem."""
    p = Problems(origin)
    ctx = Context(base=base)
    flat = _sections(data, p)
    env = os.environ if env is None else env
    for variable, key in SMTP_ENV.items():
        if env.get(variable):
            value: Any = env[variable]
            if key == "smtp.port" and value.strip().isdigit():
                value = int(value)
            flat[key] = value
    parts = _read(flat, ctx, p)

    raw_lists = data.get("lists", [])
    if not isinstance(raw_lists, list):
        p.add("lists", "must be an array of tables", "write each list as [[lists]]")
        raw_lists = []
    lists = [parsed for i, raw in enumerate(raw_lists) if (parsed := _parse_list(raw, i, ctx, p))]
    raw_surveys = data.get("surveys", [])
    if not isinstance(raw_surveys, list):
        p.add(
            "surveys",
            "must be an array of tables",
            'write each survey as [[surveys]] with tab = "Form Responses 1"',
        )
        raw_surveys = []
    lists += [
        parsed for i, raw in enumerate(raw_surveys) if (parsed := _parse_list(raw, i, ctx, p, "surveys"))
    ]

    smtp_fields = parts.pop("digest.smtp", {})
    if smtp_fields and "host" not in smtp_fields:
        p.add("smtp.host", "missing", "name the SMTP server, or remove [smtp] to write .eml files instead")
    # the schedule runs in the school's time zone unless it has its own
    if "timezone" in parts.get("", {}) and "timezone" not in parts.get("schedule", {}):
        parts.setdefault("schedule", {})["timezone"] = parts[""]["timezone"]
    built: dict[str, Any] = {
        name: cls(**parts.get(name, {})) for name, cls in _PARTS.items() if name != "digest.smtp"
    }
    if "host" in smtp_fields:
        built["digest"] = replace(built["digest"], smtp=SmtpConfig(**smtp_fields))
    config = Config(**parts.get("", {}), lists=tuple(lists), **built)

    m, r = config.matching, config.rollup
    if m.upper_threshold and m.lower_threshold > m.upper_threshold:
        p.add(
            "matching.lower_threshold", "is above upper_threshold", "make lower_threshold <= upper_threshold"
        )
    if r.recent_years >= r.established_years:
        p.add(
            "rollup.recent_years",
            "must be below established_years",
            "e.g. recent_years = 5, established_years = 15",
        )
    if r.detractor_max >= r.promoter_min:
        p.add(
            "rollup.detractor_max", "must be below promoter_min", "e.g. detractor_max = 6, promoter_min = 9"
        )
    p.raise_if_any()
    return config


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
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{chosen}: cannot be read ({type(exc).__name__}) — check the file and its permissions"
        ) from exc
    config = parse_config(data, base=chosen.parent.resolve(), origin=str(chosen))
    return replace(config, source_path=chosen)
