"""End-to-end sync: wall time, CPU, peak memory and the share of each stage, against pandas.

    .venv/bin/python bench/bench_sync.py                        # 2,000 / 20,000 / 100,000 rows
    .venv/bin/python bench/bench_sync.py --quick                # 2,000 / 20,000 rows
    .venv/bin/python bench/bench_sync.py --sizes 20000 --dir /tmp/bs --profile   # keep files, cProfile

Local backend. For each size a demo school is generated (``generate_school``: about ``rows / 1.9``
alumni, since an alumnus appears in 1.9 lists on average; one teacher list per 500 rows, at least
10), written with ``write_demo_workbook`` and initialised (``init``), then synced end to end
exactly as ``run.py sync`` does (``commands.run_once``: lock, read, match, rollup, digests with
charts, mail queue, commit, factsheet). Every measurement runs in its own Python process, so each
peak resident set size (``ru_maxrss``) is that step's alone:

* ``sync 1``: the first sync (every alumnus new);
* ``sync 2``: the next night's sync of the same workbook (the steady state: Alumni, Review and
  State tabs exist, every row is re-recognised);
* ``pandas``: the anchor, the least any tool pays to read and rewrite the workbook the nightly
  sync handles (the synced one): ``pandas.read_excel(sheet_name=None, dtype=str)`` +
  ``DataFrame.to_excel`` of every tab;
* ``read``: ``XlsxWorkbook.read()`` against ``pandas.read_excel(sheet_name=None, dtype=str)`` on
  the same file, in rows/s of CPU, on the generated lists and on the synced workbook.

Shares come from ``SyncReport.steps``: reading = snapshot + list reading; matching = build_master
(identity, clustering, master rows); rollup/digest = rollup + digest (charts) + mail queue;
writing = the commit; other = the rest (lock, opening, factsheet).

The Google side (API calls per sync and simulated wall time on the emulator, against the
straightforward gspread way) is ``bench_api_calls.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEED = 1
STAGES = {
    "reading": ("snapshot", "read"),
    "matching": ("match",),
    "rollup/digest": ("rollup", "digest", "queue"),
    "writing": ("write",),
}
RESULT = "RESULT "


def lists_for(rows: int) -> int:
    return max(10, rows // 500)


def alumni_for(rows: int) -> int:
    return max(1, round(rows / 1.9))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def emit(result: dict[str, Any]) -> None:
    print(RESULT + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- children


def child_make(path: Path, rows: int) -> None:
    from sheets_sync import wiring
    from sheets_sync.config import Config
    from sheets_sync.demo import generate_school, write_demo_workbook

    start = time.perf_counter()
    school = generate_school(
        SEED, alumni=alumni_for(rows), lists=lists_for(rows), school_year_end=_year_end()
    )
    write_demo_workbook(path, school)
    wiring.provision(wiring.open_workbook(Config(workbook=path, backups=0)))
    emit(
        {
            "rows": sum(len(d.rows) - d.header_row for d in school.lists),
            "lists": len(school.lists),
            "seconds": time.perf_counter() - start,
            "bytes": path.stat().st_size,
        }
    )


def _year_end() -> int:
    today = dt.date.today()
    return today.year + 1 if (today.month, today.day) >= (9, 1) else today.year


def child_sync(path: Path, profile: Path | None) -> None:
    from sheets_sync.commands import run_once
    from sheets_sync.config import Config

    config = Config(workbook=path, backups=0, timezone="Europe/Brussels")
    cpu_steps = _record_step_cpu()
    base_mb, cpu0 = peak_mb(), cpu_s()
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    report = run_once(config)
    wall = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    emit(
        {
            "wall": wall,
            "cpu": cpu_s() - cpu0,
            "peak_mb": peak_mb(),
            "base_mb": base_mb,
            "steps": [[s.name, s.seconds] for s in report.steps],
            "cpu_steps": cpu_steps,
            "rows": report.rows_read,
            "alumni": report.alumni,
            "issues": len(report.issues),
            "review": report.review_pairs,
        }
    )


def _record_step_cpu() -> list[list[Any]]:
    """CPU seconds per pipeline step (wall times on a busy machine say little): wraps
    ``pipeline._Steps.step`` for this benchmark process only."""
    from contextlib import contextmanager

    from sheets_sync.app import sync as pipeline

    recorded: list[list[Any]] = []
    original = pipeline._Steps.step

    @contextmanager
    def step(self: Any, name: str) -> Any:
        start = time.process_time()
        with original(self, name) as detail:
            yield detail
        recorded.append([name, time.process_time() - start])

    pipeline._Steps.step = step  # type: ignore[method-assign]
    return recorded


def child_pandas(path: Path, out: Path) -> None:
    import pandas as pd

    cpu0 = cpu_s()
    start = time.perf_counter()
    frames = pd.read_excel(path, sheet_name=None, dtype=str)
    read = time.perf_counter() - start
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    wall = time.perf_counter() - start
    emit({"wall": wall, "read": read, "write": wall - read, "cpu": cpu_s() - cpu0, "peak_mb": peak_mb()})


def child_read(path: Path, repeat: int) -> None:
    import pandas as pd

    from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook

    ours, theirs, rows = [], [], 0
    for _ in range(repeat):
        start, cpu0 = time.perf_counter(), time.process_time()
        snapshot = XlsxWorkbook(path).read()
        ours.append((time.perf_counter() - start, time.process_time() - cpu0))
        rows = sum(len(g.rows) for g in snapshot.grids.values())
        del snapshot
        start, cpu0 = time.perf_counter(), time.process_time()
        frames = pd.read_excel(path, sheet_name=None, dtype=str)
        theirs.append((time.perf_counter() - start, time.process_time() - cpu0))
        del frames
    emit({"rows": rows, "ours": min(ours), "pandas": min(theirs)})


def run_child(*args: str) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
    raise SystemExit(f"child {args[0]} failed (exit {proc.returncode})")


# --------------------------------------------------------------------------- local backend


def shares(steps: list[list[Any]], wall: float) -> dict[str, float]:
    out = {name: sum(s for n, s in steps if n in parts) for name, parts in STAGES.items()}
    out["other"] = max(0.0, wall - sum(out.values()))
    return out


def sync_lines(label: str, r: dict[str, Any]) -> list[str]:
    lines = [f"  {label:<8} wall {r['wall']:6.1f}s   cpu {r['cpu']:6.1f}s   peak {r['peak_mb']:5.0f} MB"]
    for kind, steps, total in (("wall", r["steps"], r["wall"]), ("cpu", r["cpu_steps"], r["cpu"])):
        parts = shares(steps, total)
        lines.append(
            f"  {'':<8} {kind:<4} "
            + " | ".join(f"{k} {v:5.1f}s {100 * v / total:3.0f}%" for k, v in parts.items())
        )
    return lines


def bench_local(sizes: list[int], folder: Path, repeat: int, profile: bool) -> list[dict[str, Any]]:
    results = []
    for rows in sizes:
        work = folder / f"rows-{rows}"
        source = work / "school.xlsx"
        if not source.exists():
            work.mkdir(parents=True, exist_ok=True)
            made = run_child("make", str(source), str(rows))
            (work / "made.json").write_text(json.dumps(made))
        made = json.loads((work / "made.json").read_text())
        print(
            f"\n{made['rows']:,} list rows in {made['lists']} lists ({made['bytes'] / 2**20:.1f} MB .xlsx, "
            f"generated in {made['seconds']:.0f}s)"
        )
        synced = work / "sync" / "school.xlsx"
        shutil.rmtree(synced.parent, ignore_errors=True)
        synced.parent.mkdir()
        shutil.copy2(source, synced)
        first = run_child(
            "sync", str(synced), *(["--profile-to", str(work / "sync1.prof")] if profile else [])
        )
        print("\n".join(sync_lines("sync 1", first)), flush=True)
        second = run_child(
            "sync", str(synced), *(["--profile-to", str(work / "sync2.prof")] if profile else [])
        )
        print("\n".join(sync_lines("sync 2", second)), flush=True)
        anchor = run_child("pandas", str(synced), str(work / "pandas-out.xlsx"))
        print(
            f"  {'pandas':<8} wall {anchor['wall']:6.1f}s   cpu {anchor['cpu']:6.1f}s   peak "
            f"{anchor['peak_mb']:5.0f} MB   read_excel {anchor['read']:.1f}s + to_excel {anchor['write']:.1f}s "
            "(every tab of the synced workbook)"
        )
        reads = {}
        for label, path in (("lists", source), ("synced", synced)):
            r = reads[label] = run_child("read", str(path), str(repeat))
            (ow, oc), (pw, pc) = r["ours"], r["pandas"]
            print(
                f"  read {label:<7} {r['rows']:>7,} rows: XlsxWorkbook.read() {ow:5.1f}s wall {oc:5.1f}s cpu "
                f"= {r['rows'] / oc:7,.0f} rows/s cpu | pandas.read_excel {pw:5.1f}s wall {pc:5.1f}s cpu "
                f"= {r['rows'] / pc:7,.0f} rows/s cpu | ours {pc / oc:.1f}x faster"
            )
        verdict = ""
        if 15_000 <= made["rows"] <= 25_000:
            wall, cpu = max(first["wall"], second["wall"]), max(first["cpu"], second["cpu"])
            verdict = (
                f"target < 30 s for 20,000 rows: slowest sync {wall:.1f}s wall "
                f"({'met' if wall < 30 else 'NOT met'}), {cpu:.1f}s CPU ({'met' if cpu < 30 else 'NOT met'}; "
                "single-threaded, so the wall time of a quiet machine)"
            )
            print(f"  {verdict}")
        results.append(
            {
                "made": made,
                "sync1": first,
                "sync2": second,
                "pandas": anchor,
                "read": reads,
                "verdict": verdict,
            }
        )
    return results


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="2000,20000,100000", help="list rows per workbook")
    parser.add_argument("--quick", action="store_true", help="2,000 and 20,000 rows only")
    parser.add_argument("--repeat", type=int, default=1, help="best of N for the read comparison")
    parser.add_argument("--dir", type=Path, help="keep (and reuse) the generated workbooks here")
    parser.add_argument("--profile", action="store_true", help="cProfile each sync into <dir>/rows-N/")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        rest = args.args
        if args.child == "make":
            child_make(Path(rest[0]), int(rest[1]))
        elif args.child == "sync":
            child_sync(Path(rest[0]), args.profile_to)
        elif args.child == "pandas":
            child_pandas(Path(rest[0]), Path(rest[1]))
        elif args.child == "read":
            child_read(Path(rest[0]), int(rest[1]))
        return

    sizes = [2000, 20000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    print(f"bench_sync: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        bench_local(sizes, folder, args.repeat, args.profile)
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
