"""Run every benchmark script in bench/ (``bench_*.py``) one after the other and print a summary.

    .venv/bin/python bench/run_all.py            # the full figures (make bench); long: ~20-40 min
    .venv/bin/python bench/run_all.py --quick    # smaller sizes, one seed (a few minutes)
    .venv/bin/python bench/run_all.py --only sync,read

Each script runs in its own process with this Python; its output is shown as it comes and its
headline lines are repeated in the summary at the end. A script that fails is reported (its exit
code) and the others still run; run_all exits non-zero if any failed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# runs per script (by the name after ``bench_``), each a list of extra arguments; a script not
# named here runs once as it is
QUICK: dict[str, list[list[str]]] = {
    "alumni": [["--seeds", "1"], ["--seeds", "1", "--hard"]],
    "api_calls": [["--lists", "1", "10"]],
    "febrl": [["--sets", "febrl1,febrl4"]],
    "lists": [["--rows", "5000", "--repeat", "1"]],
    "read": [["--rows", "5000", "--repeat", "1"]],
    "rollup": [["--alumni", "5000", "--engagements", "50000"]],
    "sync": [["--quick"]],
    "hostile": [["--as", "main"]],
}
FULL: dict[str, list[list[str]]] = {
    "alumni": [[], ["--hard"]],  # 3 seeds each, ours vs splink (the 100k-row run is bench_sync's)
}
# lines worth repeating in the summary
HEADLINE = re.compile(
    r"(F1=|rows/s|target|wall .*peak|cpu  reading|API calls|^lists \||^\s*scale|summary|\d+ list rows in|rollup|Rollup)"
)


def scripts(only: set[str]) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        found = [p for p in found if p.stem.removeprefix("bench_") in only]
    return found


def run(script: Path, extra: list[str]) -> tuple[int, float, list[str]]:
    cmd = [sys.executable, "-u", str(script), *extra]
    print(f"\n{'=' * 100}\n$ {' '.join([Path(cmd[0]).name, *cmd[2:]])}\n{'=' * 100}", flush=True)
    start = time.perf_counter()
    lines: list[str] = []
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
    }
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=HERE.parent, env=env
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line.rstrip("\n"))
        code = proc.wait()
    return code, time.perf_counter() - start, lines


def headlines(lines: list[str]) -> list[str]:
    keep = [line for line in lines if HEADLINE.search(line) and not line.startswith("usage")]
    return keep[-14:] if keep else lines[-3:]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes: minutes instead of half an hour")
    parser.add_argument("--only", default="", help="comma-separated names, e.g. sync,read (bench_<name>.py)")
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    chosen = scripts(only)
    if not chosen:
        print(f"no bench_*.py matches --only {args.only}", file=sys.stderr)
        return 2
    load = os.getloadavg()[0]
    print(f"run_all: {len(chosen)} benchmark(s), {os.cpu_count()} cores, load average {load:.1f}")
    if load > (os.cpu_count() or 1):
        print(
            "  note: the machine is busy; wall times will be inflated (CPU times are printed where it matters)"
        )
    results = []
    for script in chosen:
        name = script.stem.removeprefix("bench_")
        for extra in (QUICK if args.quick else FULL).get(name, [[]]):
            code, seconds, lines = run(script, extra)
            results.append((" ".join([script.name, *extra]), code, seconds, headlines(lines)))

    print(f"\n{'=' * 100}\nsummary{' (--quick)' if args.quick else ''}\n{'=' * 100}")
    for name, code, seconds, heads in results:
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"\n{name}: {status} in {seconds:.0f}s")
        for line in heads:
            print(f"  {line}")
    failed = [name for name, code, _, _ in results if code != 0]
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
