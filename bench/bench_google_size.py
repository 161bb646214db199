"""What a school of each size costs on Google Sheets: calls, largest request, bytes, wall time.

    .venv/bin/python bench/bench_google_size.py [--alumni 3000 9000 20000] [--seed 3]
                                                [--latency 0.15 0.40] [--no-sleep]

For each size, the demo school (``run.py demo --seed 3 --alumni N``: about two list rows per
alumnus) is loaded into the Sheets emulator, ``init`` runs, then two syncs as ``run.py sync`` does
them (lock, read, compute, commit, unlock) through the real gspread HTTP code: the **first** sync
(creates every output tab) and a **nightly** one (every output tab exists and is merged).

The transport between gspread and the emulator measures each HTTP request (the body exactly as
sent) and the time the emulator takes to answer it, and **sleeps** a Google-like latency drawn
uniformly in ``--latency`` (seeded). Printed: ``wall s`` = the run's own time (reading, matching,
planning, serialising) + that latency, i.e. the wall time on Google *if Google answered each
request within the latency*; ``emulator s``, the emulator's time, is shown apart and not counted
(pure Python: applying a 2 MiB staging request or a copyPaste of 40,000 rows takes it seconds;
Google's own processing time of a big request is not modelled). ``--no-sleep`` adds the latency
to the figure without sleeping.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter

from sheets_sync.adapters.gsheets.http import RetryingHTTPClient
from sheets_sync.adapters.gsheets.stage import MAX_REQUEST_BYTES
from sheets_sync.adapters.gsheets.workbook import GSheetsWorkbook
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.app.sync import run_sync
from sheets_sync.config import parse_config
from sheets_sync.core.provision.plan import plan_all
from sheets_sync.demo import generate_school, write_demo_workbook
from sheets_sync.emulator import SheetsEmulator
from sheets_sync.emulator.seed import seed_spreadsheet

KEY = "bench-size"
MiB = 1024 * 1024


@dataclass
class Measured:
    calls: int = 0
    reads: int = 0
    sent: list[int] = field(default_factory=list)
    received: int = 0
    latency: float = 0.0
    emulator: float = 0.0


class GoogleLikeTransport(BaseAdapter):
    """The emulator behind a measured, slowed-down wire."""

    def __init__(self, inner: BaseAdapter, low: float, high: float, sleep: bool, seed: int) -> None:
        super().__init__()
        self.inner = inner
        self.low, self.high, self.sleep = low, high, sleep
        self.rng = random.Random(seed)
        self.m = Measured()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        body = request.body or b""
        self.m.calls += 1
        self.m.reads += request.method == "GET"
        self.m.sent.append(
            len(body.encode("utf-8") if isinstance(body, str) else body) + len(request.url or "")
        )
        pause = self.rng.uniform(self.low, self.high)
        self.m.latency += pause
        if self.sleep:
            time.sleep(pause)
        started = time.perf_counter()
        response = self.inner.send(request, **kwargs)
        self.m.emulator += time.perf_counter() - started
        self.m.received += len(response.content or b"")
        return response

    def close(self) -> None:
        self.inner.close()


def _school(seed: int, alumni: int) -> tuple[SheetsEmulator, int]:
    school = generate_school(seed, alumni=alumni)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "school.xlsx"
        write_demo_workbook(path, school)
        grids = XlsxWorkbook(path).read().grids
    emu = SheetsEmulator()
    seed_spreadsheet(emu, KEY, grids, title="Bench school")
    emu.spreadsheet(KEY).properties["locale"] = "es_ES"
    rows = sum(max(0, len(g.rows) - 1) for t, g in grids.items() if t.startswith("List - "))
    return emu, rows


def _sync(wb: GSheetsWorkbook, config: Any, wire: GoogleLikeTransport) -> tuple[Measured, float]:
    wire.m = Measured()
    started = time.perf_counter()
    with wb.lock("bench", stale_after=dt.timedelta(hours=1)):
        run_sync(config, wb)
    wall = time.perf_counter() - started - wire.m.emulator
    return wire.m, wall if wire.sleep else wall + wire.m.latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alumni", type=int, nargs="+", default=[3000, 9000, 20000])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--latency", type=float, nargs=2, default=[0.15, 0.40], metavar=("LOW", "HIGH"))
    parser.add_argument(
        "--no-sleep", action="store_true", help="add the latency to the figures, do not sleep"
    )
    args = parser.parse_args()
    low, high = args.latency
    print(
        f"latency {low:.2f}-{high:.2f} s per call ({'added' if args.no_sleep else 'slept'}); request limit "
        f"{MAX_REQUEST_BYTES / MiB:.0f} MiB; Google refuses over 10 MiB"
    )
    head = (
        f"{'alumni':>7} {'list rows':>9} {'sync':>8} | {'calls':>5} {'reads':>5} {'largest req':>11} "
        f"{'sent MiB':>8} {'recv MiB':>8} | {'wall s':>7} {'of which latency':>16} | {'emulator s':>10}"
    )
    print(head)
    print("-" * len(head))
    config = parse_config({"school": {"name": "Bench", "timezone": "Europe/Madrid"}}, base=Path("."))
    for alumni in args.alumni:
        emu, rows = _school(args.seed, alumni)
        session = emu.session()
        wire = GoogleLikeTransport(
            session.get_adapter("https://sheets.googleapis.com/"), low, high, not args.no_sleep, args.seed
        )
        session.mount("https://sheets.googleapis.com/", wire)
        http = RetryingHTTPClient(None, session, timeout=120.0, max_retries=6)
        wb = GSheetsWorkbook(http, KEY, account=emu.user_email)
        wb.provision(plan_all(wb.read().grids))
        for label in ("first", "nightly"):
            m, wall = _sync(wb, config, wire)
            largest = max(m.sent)
            print(
                f"{alumni:>7} {rows:>9} {label:>8} | {m.calls:>5} {m.reads:>5} {largest / MiB:>7.2f} MiB "
                f"{sum(m.sent) / MiB:>8.2f} {m.received / MiB:>8.2f} | {wall:>7.1f} {m.latency:>16.1f} | "
                f"{m.emulator:>10.1f}"
            )
            assert largest <= MAX_REQUEST_BYTES + 8192, "a request over the limit"  # + the URL
            sys.stdout.flush()
    print(
        "calls: lock 3 + read 2 (+1 month-first dates) + commit + unlock 1; a commit over the limit is "
        "1 re-read + staging requests + 2 re-reads + 1 swap (adapters/gsheets/stage.py)."
    )


if __name__ == "__main__":
    main()
