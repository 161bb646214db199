"""Peak memory and time of a sync on hostile workbooks (issue 13, item 12): every peak under 1 GB.

    .venv/bin/python bench/bench_hostile.py                 # every file, main workbook and teacher file
    .venv/bin/python bench/bench_hostile.py --only comments --as main

Each file is generated on the fly in a temporary folder, streamed into the zip (never held in
memory: 2 GB of XML cost a few MB of RAM and a few seconds to compress), then synced by the real
CLI (``run.py sync``) in its own process, whose peak resident set size (``ru_maxrss`` from
``wait4``) and wall time are printed with its exit code and first error line:

* as the **main workbook** (a small school made by ``init`` whose ``List - Ana Ruiz`` tab is
  replaced by the hostile sheet): expected exit 3, nothing written;
* as a **teacher's own file** in a ``folder =`` list beside a good one: expected exit 0, one
  ``Data issues`` row for the hostile file, the other list read.

The files: the issue's six (``<row r="999999999">``, 40 cells at column AAAAAA, 2 GB of
``<row r="5"/>``, one 900 MiB cell, 2 GiB of XML comments, 20 million small rows) and, because
those are refused from the zip's directory alone, the worst ones *inside* the budget: a sheet of
just under the 256 MiB part budget of each kind, which the reader must stream or refuse while
streaming. Plus the ordinary school, for reference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sheets_sync.adapters.xlsx.guard import MAX_PART_BYTES  # noqa: E402
from tests import _hostile as H  # noqa: E402

MiB = 1024 * 1024
UNDER = MAX_PART_BYTES - 4 * MiB  # just inside the part budget (the head and tail add a little)
FILES = {
    "ordinary school": None,
    "row 999999999": lambda: H.far_row(),
    "40 cells at AAAAAA": lambda: H.far_columns(40),
    "2 GB of <row r=5/>": lambda: H.empty_rows(2000 * 1000 * 1000),
    "900 MiB cell": lambda: H.huge_cell(900 * MiB),
    "2 GiB of comments": lambda: H.comments(2048 * MiB),
    "20 million small rows": lambda: H.small_rows(20_000_000),
    "252 MiB of <row r=5/>": lambda: H.empty_rows(UNDER),
    "252 MiB cell": lambda: H.huge_cell(UNDER),
    "252 MiB of comments": lambda: H.comments(UNDER),
    "9.7 million small rows (252 MiB)": lambda: H.small_rows(UNDER // 26),
}
LIMIT_MB = 1000


def run_measured(args: list[str], cwd: Path) -> tuple[int, float, float, str]:
    """Exit code, peak RSS in MB, wall seconds, and the first line of stderr of ``args``."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        err.seek(0)
        lines = [ln for ln in err.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    wanted = [ln for ln in lines if ln.startswith("error:")] or [
        ln for ln in lines if "could not be read" in ln
    ]
    first = (wanted or lines or [""])[0]
    first = first.split("could not be read: ", 1)[-1]  # a teacher's file: the Data issues text
    return proc.returncode, usage.ru_maxrss / 1024, wall, first


def school(folder: Path) -> Path:
    import openpyxl

    book = folder / "school.xlsx"
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "init", "--workbook", str(book), "-q"], cwd=folder
    )
    assert done.returncode == 0
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("List - Ana Ruiz")
    for row in (H.HEADER, ("Eva Lopez", "eva@example.org", "2019"), ("Jon Sanz", "jon@example.org", "2020")):
        ws.append(list(row))
    wb.save(folder / "inline.xlsx")
    return H.to_shared_strings(folder / "inline.xlsx", book)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="run only the files whose name contains this")
    parser.add_argument("--as", dest="role", choices=("main", "teacher", "both"), default="both")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    print(f"{'file':34} {'as':8} {'zip':>8} {'exit':>4} {'peak':>8} {'wall':>7}  message")
    worst = 0.0
    try:
        good_school = school(base)
        teacher_src = H.make_list_file(base / "teacher.xlsx")
        with zipfile.ZipFile(teacher_src) as zf:
            teacher_part = H.sheet_part(zf, "Students")
        with zipfile.ZipFile(good_school) as zf:
            main_part = H.sheet_part(zf, "List - Ana Ruiz")
        for name, make in FILES.items():
            if args.only and args.only not in name:
                continue
            for role in ("main", "teacher"):
                if args.role not in (role, "both"):
                    continue
                case = base / f"{role}-{abs(hash(name))}"
                case.mkdir()
                book = case / "school.xlsx"
                cmd = [
                    sys.executable,
                    str(ROOT / "run.py"),
                    "sync",
                    "--workbook",
                    str(book),
                    "--no-mail",
                    "-q",
                ]
                if role == "main":
                    if make is None:
                        shutil.copy(good_school, book)
                    else:
                        H.rewrite(good_school, book, {main_part: make()}, level=9)
                    size = book.stat().st_size
                else:
                    shutil.copy(good_school, book)
                    lists = case / "lists"
                    lists.mkdir()
                    shutil.copy(H.make_list_file(case / "good.xlsx"), lists / "Marta.xlsx")
                    bad = lists / "Pedro.xlsx"
                    if make is None:
                        shutil.copy(teacher_src, bad)
                    else:
                        H.rewrite(teacher_src, bad, {teacher_part: make()}, level=9)
                    size = bad.stat().st_size
                    cfg = case / "sync.toml"
                    cfg.write_text(f'[[lists]]\nfolder = "{lists}"\n', encoding="utf-8")
                    cmd[3:3] = ["--config", str(cfg)]
                code, peak, wall, first = run_measured(cmd, case)
                worst = max(worst, peak)
                flag = "" if peak < LIMIT_MB else "  OVER 1 GB"
                print(
                    f"{name:34} {role:8} {size / MiB:6.1f}MB {code:>4} {peak:6.0f}MB {wall:6.1f}s  {first[:110]}{flag}",
                    flush=True,
                )
                shutil.rmtree(case)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"worst peak: {worst:.0f} MB (target: under {LIMIT_MB} MB)")


if __name__ == "__main__":
    main()
