"""How long build_rollup + rollup_tab take on a large synthetic school (prints figures)."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from sheets_sync.app.outputs import rollup_tab
from sheets_sync.config import RollupConfig
from sheets_sync.core.model import Alumnus, Engagement
from sheets_sync.core.rollup.build import RollupInput, build_rollup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alumni", type=int, default=20_000)
    parser.add_argument("--engagements", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(1)
    n = args.alumni
    alumni = [
        Alumnus(
            f"A-{i:05d}",
            "x",
            graduation_year=rng.choice([None, *range(1995, 2026)]),
            category=rng.choice(["", "Graduates", "Non-Graduates", "Other"]),
            consent=rng.choice(["Yes", "No", "Unknown"]),
            owner=rng.choice(["", "Ana", "Bo", "Cy"]),
        )
        for i in range(n)
    ]
    first = dt.date(2015, 1, 1)
    engagements = [
        Engagement(
            rng.choice("VEC"),
            (first + dt.timedelta(days=rng.randrange(3700))).isoformat(),
            "X!1",
            "k",
            rng.choice([None, f"A-{rng.randrange(n):05d}"]),
            rng.choice(["", "Welding", "IT"]),
        )
        for _ in range(args.engagements)
    ]
    start = time.perf_counter()
    rollup = build_rollup(RollupInput(alumni, engagements, {}, {}, RollupConfig(), dt.date(2025, 3, 1)))
    tab = rollup_tab(rollup)
    seconds = time.perf_counter() - start
    years = len(rollup.table("Engagement rate").rows)
    print(
        f"rollup: {n} alumni, {len(engagements)} engagements, {years} school years -> {seconds:.2f} s, {len(tab.rows)} rows"
    )


if __name__ == "__main__":
    main()
