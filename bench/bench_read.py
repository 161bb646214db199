"""Rows per second read from a 20,000-row, 15-column workbook: XlsxWorkbook.read() vs pandas.

    .venv/bin/python bench/bench_read.py [--rows 20000] [--repeat 3]

Builds the workbook in a temporary folder (text, phones and ids as text, dates, whole and
decimal numbers, empty cells), then reads it the way the sync does (every cell as text) and the
way a pandas user would (``pandas.read_excel(dtype=str)``). Prints the best of ``--repeat`` runs.

openpyxl writes text as inline strings, which read slower than the shared strings Excel and
LibreOffice write; when LibreOffice is installed the file is also re-saved by it and both
versions are measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd

from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook

COLUMNS = 15


def build(path: Path, rows: int) -> None:
    rnd = random.Random(42)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("List - Benchmark")
    ws.append(["Alumni list 2024"])  # a title row, as teachers do
    ws.append(
        [
            "First name",
            "Surname",
            "Email",
            "Phone",
            "Student id",
            "Born",
            "Graduation year",
            "Qualification",
            "Department",
            "Category",
            "Tutor",
            "Strength",
            "Last contact",
            "Consent",
            "Notes",
        ]
    )
    for i in range(rows):
        ws.append(
            [
                f"Name{i}",
                f"Surname{i % 997}",
                f"person{i}@example.org",
                f"06{rnd.randrange(10**8):08d}",
                f"{i:06d}",
                dt.datetime(1990, 1, 1) + dt.timedelta(days=rnd.randrange(5000)),
                float(rnd.randrange(2005, 2024)),
                "Hairdressing level 4",
                "Services",
                "Graduates",
                "Ana García",
                rnd.randrange(1, 6),
                dt.date(2024, 1, 1) - dt.timedelta(days=rnd.randrange(900)),
                "Yes" if i % 3 else "No",
                "" if i % 4 else "met at open day, 2023",
            ]
        )
    wb.save(path)


def best_of(repeat: int, fn) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds (CPU is steadier on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


def line(label: str, rows: int, wall: float, cpu: float) -> str:
    return f"  {label:<30} {wall:6.2f} s wall {rows / wall:8,.0f} rows/s | {cpu:6.2f} s CPU {rows / cpu:8,.0f} rows/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        build(path, args.rows)
        files = [("written by openpyxl (inline strings)", path)]
        soffice = shutil.which("soffice")
        if soffice:
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{tmp}/lo",
                    "--headless",
                    "--convert-to",
                    "xlsx",
                    "--outdir",
                    f"{tmp}/lo-out",
                    str(path),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            files.append(
                ("re-saved by LibreOffice (shared strings, as Excel)", Path(tmp) / "lo-out" / "bench.xlsx")
            )
        for label, file in files:
            grid = XlsxWorkbook(file).read().grids["List - Benchmark"]
            assert len(grid.rows) == args.rows + 2 and len(grid.rows[2]) == COLUMNS, "read lost rows"
            ours = best_of(args.repeat, lambda f=file: XlsxWorkbook(f).read())
            theirs = best_of(
                args.repeat, lambda f=file: pd.read_excel(f, dtype=str, header=1, engine="openpyxl")
            )
            print(
                f"workbook {label}: {args.rows} rows x {COLUMNS} columns, {file.stat().st_size / 1e6:.1f} MB"
            )
            print(line("XlsxWorkbook.read()", args.rows, *ours))
            print(line("pandas.read_excel(dtype=str)", args.rows, *theirs))
            print(f"  sample cells as read: {grid.rows[2][3:7]}")


if __name__ == "__main__":
    main()
