"""API calls and simulated wall time of one sync on Google Sheets, against the straightforward way.

    .venv/bin/python bench/bench_api_calls.py [--latency 0.15] [--lists 1 10 50] [--alumni-per-list 15]

For each size, a demo school with that many teacher lists is loaded into the Sheets emulator
(real gspread HTTP code; ``--latency`` seconds are added per call to a simulated clock, nothing
sleeps). Then:

* **sheets_sync**: ``init`` and a first sync, then one nightly sync as ``run.py sync`` does it — lock, read, compute,
  commit, unlock — through :class:`GSheetsWorkbook`;
* **gspread, straightforward**: ``open_by_key``, ``worksheets()``, ``get_all_records()`` per tab,
  then per output tab ``worksheet()`` (or ``add_worksheet``), ``resize`` when needed, ``clear()``
  and ``update()`` with the same output rows — no lock, no protection of staff edits, not atomic.

Prints calls (of which reads), simulated seconds at the given latency, and the local wall time
of our sync (emulator + compute, no latency).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

import gspread

from sheets_sync.adapters.gsheets.http import RetryingHTTPClient
from sheets_sync.adapters.gsheets.workbook import GSheetsWorkbook
from sheets_sync.app.sync import run_sync
from sheets_sync.config import parse_config
from sheets_sync.core.provision.plan import plan_all
from sheets_sync.demo import generate_school, write_demo_workbook
from sheets_sync.emulator import FakeClock, SheetsEmulator
from sheets_sync.workbook import TabWrite

KEY = "bench"


def school_emulator(lists: int, per_list: int, latency: float) -> SheetsEmulator:
    from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook

    school = generate_school(7, alumni=max(20, lists * per_list), lists=lists)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "school.xlsx"
        write_demo_workbook(path, school)
        snap = XlsxWorkbook(path).read()
    emu = SheetsEmulator(clock=FakeClock(), latency=latency)
    emu.create_spreadsheet("Bench school", sheets=list(snap.grids), key=KEY)
    # the school's own locale (day-first dates); a month-first one (en_US) adds one read when a
    # tab shows slash dates, to tell typed dates from text (gsheets_dates)
    emu.spreadsheet(KEY).properties["locale"] = "es_ES"
    for title, grid in snap.grids.items():
        if grid.rows:
            emu.set_values(KEY, "'" + title.replace("'", "''") + "'!A1", [list(r) for r in grid.rows])
    return emu


def ours(emu: SheetsEmulator) -> tuple[int, int, float, list[TabWrite]]:
    http = RetryingHTTPClient(None, emu.session(), timeout=30.0, max_retries=6)
    wb = GSheetsWorkbook(http, KEY, account=emu.user_email)
    wb.provision(plan_all(wb.read().grids))
    config = parse_config({"school": {"name": "Bench", "timezone": "Europe/Madrid"}}, base=Path("."))
    with wb.lock("bench", stale_after=dt.timedelta(hours=1)):
        run_sync(config, wb)  # the first sync creates the output tabs; measure a nightly one
    emu.reset_log()
    emu.simulated_seconds = 0.0
    started = time.perf_counter()
    with wb.lock("bench", stale_after=dt.timedelta(hours=1)):
        _, computed = run_sync(config, wb)
    seconds = time.perf_counter() - started
    reads = sum(r.method == "GET" for r in emu.requests)
    return emu.call_count, reads, seconds, computed.writes


def _cell(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else value


def straightforward(emu: SheetsEmulator, writes: list[TabWrite]) -> tuple[int, int]:
    emu.reset_log()
    emu.simulated_seconds = 0.0
    gc = emu.client()
    sh = gc.open_by_key(KEY)
    for ws in sh.worksheets():
        try:
            ws.get_all_records()
        except gspread.exceptions.GSpreadException:
            pass  # duplicated or empty headers: the call was made all the same
    for tw in writes:
        rows = [list(tw.header)] if tw.header_row else []
        rows += [[_cell(v) for v in r] for r in tw.rows]
        width = max((len(r) for r in rows), default=1)
        try:
            ws = sh.worksheet(tw.title)
        except gspread.exceptions.WorksheetNotFound:
            ws = sh.add_worksheet(tw.title, rows=len(rows) + 1, cols=max(width, 1))
        if len(rows) > ws.row_count or width > ws.col_count:
            ws.resize(rows=max(len(rows), ws.row_count), cols=max(width, ws.col_count))
        ws.clear()
        if rows:
            ws.update(rows, "A1", raw=True)
    reads = sum(r.method == "GET" for r in emu.requests)
    return emu.call_count, reads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.15, help="seconds added per API call")
    parser.add_argument("--lists", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--alumni-per-list", type=int, default=15)
    args = parser.parse_args()
    print(f"per-call latency {args.latency:.3f} s (simulated); calls = HTTP requests (reads)")
    head = f"{'lists':>5} | {'sheets_sync calls':>17} {'sim. s':>7} {'local s':>9} | {'gspread calls':>13} {'sim. s':>7}"
    print(head)
    print("-" * len(head))
    for lists in args.lists:
        emu = school_emulator(lists, args.alumni_per_list, args.latency)
        calls, reads, compute, writes = ours(emu)
        mine = emu.simulated_seconds
        naive_calls, naive_reads = straightforward(emu, writes)
        naive = emu.simulated_seconds
        print(
            f"{lists:>5} | {calls:>10} ({reads:>2} r) {mine:>7.2f} {compute:>9.2f} | "
            f"{naive_calls:>6} ({naive_reads:>3} r) {naive:>7.2f}"
        )
    print(
        "sheets_sync: lock 3 + read 2 + commit 2 + unlock 1, whatever the number of tabs; one atomic write."
    )


if __name__ == "__main__":
    main()
