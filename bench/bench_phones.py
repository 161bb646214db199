"""Phone reading: ``contacts.phones`` on every phone cell of a generated school, against the
reading it replaced (every text given to phonenumbers as typed), in the same run.

    .venv/bin/python bench/bench_phones.py                 # 10,500 alumni, 40 lists (a 20,000-row school)
    .venv/bin/python bench/bench_phones.py --alumni 2000

Each reading starts with empty caches, as a nightly sync does. Prints the cells, the CPU time of
each reading, the speed-up, and checks that both give the same result for every cell.
"""

from __future__ import annotations

import argparse
import time

from sheets_sync.core.text import contacts as c
from sheets_sync.core.text import normalise as n
from sheets_sync.demo import generate_school

_anchor_parse_phone = n.short_cache(c.parse_phone_as_typed)  # before the digits fast path


def cells(alumni: int, lists: int) -> list[tuple[str, str]]:
    """(cell, fallback region) of every phone cell, as the sync reads them (region ES)."""
    school = generate_school(1, alumni=alumni, lists=lists)
    out = []
    for demo_list in school.lists:
        if "phone" not in demo_list.columns:
            continue
        col = demo_list.columns.index("phone")
        for row in demo_list.rows[demo_list.header_row :]:
            if col < len(row) and row[col].strip():
                out.append((row[col], n.LANGUAGE_REGION[demo_list.language]))
    return out


def _clear() -> None:
    for cached in (c.phones, c._parse_phone, _anchor_parse_phone):
        cached.cache_clear()  # type: ignore[attr-defined]
    c._parse_digits.cache_clear()


def run(data: list[tuple[str, str]]) -> tuple[float, list[n.Parsed[tuple[str, ...]]]]:
    _clear()
    start = time.process_time()
    out = [c.phones(text, "ES", fallback) for text, fallback in data]
    return time.process_time() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--alumni", type=int, default=10_500)
    parser.add_argument("--lists", type=int, default=40)
    args = parser.parse_args()
    data = cells(args.alumni, args.lists)
    current = c._parse_phone
    c._parse_phone = _anchor_parse_phone  # type: ignore[assignment]
    try:
        anchor_s, anchor = run(data)
    finally:
        c._parse_phone = current  # type: ignore[assignment]
    new_s, new = run(data)
    simple = sum(1 for text, _ in data if c._SIMPLE_PHONE.match(text.strip()))
    print(
        f"bench_phones: {len(data):,} phone cells ({simple / max(len(data), 1):.0%} in the digits-only shapes)"
    )
    print(
        f"  phonenumbers on the text as typed  {anchor_s:6.2f}s CPU  ({1e6 * anchor_s / len(data):5.0f} µs/cell)"
    )
    print(f"  digits fast path (now)             {new_s:6.2f}s CPU  ({1e6 * new_s / len(data):5.0f} µs/cell)")
    print(f"  speed-up {anchor_s / max(new_s, 1e-9):.1f}x; identical results: {anchor == new}")


if __name__ == "__main__":
    main()
