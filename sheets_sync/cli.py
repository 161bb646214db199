"""Command line: parse args -> load config -> build adapters -> call one function -> print the report.

Thin on purpose (sqlite-utils' rule): the library does the work; this module only translates
errors into one-line messages and exit codes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sheets_sync import __version__
from sheets_sync.config import Config, GoogleConfig, load_config
from sheets_sync.errors import ConfigError, DataIssuesFound, SheetsSyncError
from sheets_sync.i18n import LANGUAGES

log = logging.getLogger("sheets_sync")

EXIT_CODES = {
    0: "success (also: completed with data issues, unless --strict)",
    1: "unexpected error (a bug: please report it with the log)",
    2: "configuration or usage error (the message names the key and the fix)",
    3: "the workbook / spreadsheet could not be opened or read",
    4: "another sync holds the lock on this workbook",
    5: "the workbook changed during the run; nothing was written (run again)",
    6: "writing failed after retries; outputs were left as they were",
    8: "completed with data issues (only with --strict)",
    9: "synced and committed, but the factsheet could not be written (the previous one is kept)",
}

EPILOG = "exit codes:\n" + "\n".join(f"  {code}  {text}" for code, text in EXIT_CODES.items())


# --------------------------------------------------------------------------- arguments


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--config", type=Path, help="TOML config file (default: config/sheets_sync.toml if present)"
    )
    target = p.add_mutually_exclusive_group()
    target.add_argument("--workbook", type=Path, help="local .xlsx workbook (the embedded default backend)")
    target.add_argument("--spreadsheet", help="Google spreadsheet key or URL")
    p.add_argument(
        "--emulator", type=Path, help="with --spreadsheet: run against a saved SheetsEmulator state file"
    )
    p.add_argument(
        "--credentials", type=Path, help="service-account JSON key (default $GOOGLE_APPLICATION_CREDENTIALS)"
    )
    p.add_argument("--log-format", choices=("text", "json"), default="text", help="log line format on stderr")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging (still no personal data)")
    p.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="sheets_sync: consolidates a VET school's alumni spreadsheets (TRACKTION guide).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sheets_sync {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _common(p)
        return p

    p = add(
        "init", "create or upgrade the workbook: every template tab, formatted; never changes an entered cell"
    )
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        help="the workbook's language (default: [school] language, else the workbook's own, else en); "
        "on an existing workbook, relabels tabs, headers and choices in place, keeping every entered cell",
    )

    p = add("sync", "read every list, match, and rewrite the output tabs (Alumni, Review, Rollup, ...)")
    p.add_argument(
        "--dry-run", action="store_true", help="do all the work, print what would change, write nothing"
    )
    p.add_argument("--strict", action="store_true", help="exit 8 when the run found data issues")
    p.add_argument("--no-mail", action="store_true", help="plan digests but do not queue or send them")

    add("check", "validate the config and every list; print the header row and column mapping found per list")

    p = add("demo", "generate a demo school workbook, provision it and run a sync on it")
    p.add_argument(
        "--dir", type=Path, default=Path("demo"), help="folder for the demo workbook (default: demo/)"
    )
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed, same school)")
    p.add_argument("--alumni", type=int, default=300, help="number of distinct alumni")
    p.add_argument("--language", choices=LANGUAGES, help="the demo school's language (default: en)")

    p = add("schedule", "run the sync every night at [schedule] time (default 02:00) until stopped")
    p.add_argument("--now", action="store_true", help="also run once at start")

    p = add("forget", "erase a person from every service-owned tab (right to be forgotten)")
    p.add_argument("who", help="Alumni ID (A-00042) or email address")
    p.add_argument("--by", default="", help="who asked for / performs the erasure (recorded in Sync log)")

    p = add("export", "write everything held about a person as JSON and .xlsx (subject access request)")
    p.add_argument("who", help="Alumni ID (A-00042) or email address")
    p.add_argument("--out", type=Path, default=Path("."), help="folder for the export files")
    add(
        "selftest",
        "on a throwaway Google spreadsheet: write two sample lists, run init and two syncs, read "
        "everything back and say what was verified",
    )
    return parser


# --------------------------------------------------------------------------- logging


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="seconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(fmt: str, verbose: bool, quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    for noisy in ("urllib3", "google", "matplotlib", "PIL", "faker", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# --------------------------------------------------------------------------- config


def resolve_config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    if args.workbook:
        config = replace(config, workbook=args.workbook, google=GoogleConfig())
    if args.spreadsheet:
        config = replace(config, workbook=None, google=replace(config.google, spreadsheet=args.spreadsheet))
    if args.emulator:
        if not config.google.spreadsheet:
            raise ConfigError(
                "--emulator needs --spreadsheet KEY (the spreadsheet inside the emulator state)"
            )
        config = replace(config, google=replace(config.google, emulator=args.emulator))
    if args.credentials:
        config = replace(config, google=replace(config.google, credentials=args.credentials))
    if getattr(args, "language", None):
        config = replace(config, language=args.language)
    if args.command not in ("demo",) and not config.workbook and not config.google.spreadsheet:
        raise ConfigError(
            "no workbook given — pass --workbook PATH.xlsx or --spreadsheet KEY, "
            "or set [workbook] path in config/sheets_sync.toml"
        )
    return config


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.log_format, args.verbose, args.quiet)
    try:
        config = resolve_config(args)
        from sheets_sync import commands  # imported late: keeps `run.py --help` fast

        code = commands.dispatch(args, config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"config error: {problem}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except DataIssuesFound as exc:
        print(str(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except SheetsSyncError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("interrupted: nothing was written by the interrupted step", file=sys.stderr)
        sys.exit(130)
    sys.exit(code)
