"""Rows per second read from a 20,000-row, 15-column workbook: XlsxWorkbook.read() vs pandas.

    .venv/bin/python bench/bench_read.py [--rows 20000] [--repeat 3]

Builds the workbook in a temporary folder (text, phones and ids as text, dates, whole and
decimal numbers, empty cells), then reads it the way the sync does (every cell as text) and the
way a pandas user would (``pandas.read_excel(dtype=str)``). Prints the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd

from sheets_sync.backends.xlsx import XlsxWorkbook

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


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        build(path, args.rows)
        size = path.stat().st_size
        grid = XlsxWorkbook(path).read().grids["List - Benchmark"]
        assert len(grid.rows) == args.rows + 2 and len(grid.rows[2]) == COLUMNS
        ours = best_of(args.repeat, lambda: XlsxWorkbook(path).read())
        theirs = best_of(args.repeat, lambda: pd.read_excel(path, dtype=str, header=1, engine="openpyxl"))
    print(f"workbook: {args.rows} rows x {COLUMNS} columns, {size / 1e6:.1f} MB")
    print(f"XlsxWorkbook.read():             {ours:6.2f} s  {args.rows / ours:9,.0f} rows/s")
    print(f"pandas.read_excel(dtype=str):    {theirs:6.2f} s  {args.rows / theirs:9,.0f} rows/s")
    print(f"sample row as read: {grid.rows[2][3:7]}")


if __name__ == "__main__":
    main()
