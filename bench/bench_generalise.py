"""Does matching generalise? Both generators, the same default thresholds, and staff effort.

    .venv/bin/python bench/bench_generalise.py            # school A (hard, 3 seeds) + school B (7 profiles)
    .venv/bin/python bench/bench_generalise.py --only b   # school B only
    .venv/bin/python bench/bench_generalise.py --errors 10  # print wrong and missed pairs of school B

School A is the first generator (``sheets_sync.demo`` + ``bench/hard_alumni.py``, the rows of
``bench_alumni.py --hard``); school B the independent one of ``bench/school_b.py``. For each set:
pairwise precision / recall / F1 before any Review answer, then **staff effort**: how many Review
pairs staff must answer per 1,000 list rows, and the F1 once they have answered each correctly.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import pairs_of, score  # noqa: E402
from bench_alumni import after_review, school_records  # noqa: E402
from school_b import PROFILES, school_b, truth_pairs  # noqa: E402

from sheets_sync.core.lists.read import ListOptions, read_list  # noqa: E402
from sheets_sync.core.matching.link import MatchSettings, link  # noqa: E402
from sheets_sync.core.model import Grid, SourceRecord  # noqa: E402
from sheets_sync.core.text import normalise as norm  # noqa: E402


def b_records(profile: str, seed: int, people: int) -> tuple[list[SourceRecord], set[tuple[str, str]]]:
    school = school_b(profile, seed, people=people)
    records: list[SourceRecord] = []
    for tab, teacher, lang, rows in school.lists:
        options = ListOptions(teacher=teacher, language=lang, region=norm.LANGUAGE_REGION.get(lang, "ES"))
        records.extend(read_list(Grid.from_rows(tab, rows), options).records)
    return records, truth_pairs(school)


def measure(name: str, records, truth, settings: MatchSettings, errors: int = 0) -> dict:
    start = time.perf_counter()
    linkage = link(records, settings)
    seconds = time.perf_counter() - start
    predicted = pairs_of([[records[k].ref for k in m] for m in linkage.clusters])
    before = score(name, predicted, truth, seconds, 0)
    asked, same, answered = after_review(records, linkage, truth)
    after = score(name, answered, truth, seconds, 0)
    per_k = 1000 * asked / max(len(records), 1)
    print(
        f"{name:<16} rows={len(records):5d} true={len(truth):5d}  P={before.precision:.4f} R={before.recall:.4f} "
        f"F1={before.f1:.4f}  review={asked:4d} ({per_k:5.1f}/1k rows, {same} same)  F1 after={after.f1:.4f}  "
        f"{seconds:.1f}s",
        flush=True,
    )
    if errors:
        by_ref = {r.ref: r for r in records}

        def show(a: str, b: str) -> str:
            ra, rb = by_ref[a], by_ref[b]
            return (
                f"   {ra.first_name}|{ra.surname} {ra.emails} {ra.phones} {ra.graduation_year} {ra.qualification!r}\n"
                f"   {rb.first_name}|{rb.surname} {rb.emails} {rb.phones} {rb.graduation_year} {rb.qualification!r}"
            )

        for label, pairs in (("wrong", predicted - truth), ("missed", truth - predicted)):
            print(f"  {label}: {len(pairs)}")
            for a, b in sorted(pairs)[:errors]:
                print(show(a, b))
    return {"name": name, "rows": len(records), "before": before, "after": after, "asked": asked}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=("a", "b"), default=None)
    ap.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    ap.add_argument("--people", type=int, default=1200, help="people per school B")
    ap.add_argument("--alumni", type=int, default=2000, help="alumni per school A")
    ap.add_argument("--errors", type=int, default=0)
    args = ap.parse_args()
    settings = MatchSettings()  # default thresholds, the same for both generators
    print(f"thresholds: upper={settings.upper} lower={settings.lower} (defaults, fixed in advance)")
    results = []
    if args.only in (None, "a"):
        for seed in args.seeds:
            records, truth = school_records(seed, args.alumni, 12, hard=True)
            results.append(("A", measure(f"A hard seed {seed}", records, truth, settings, args.errors)))
    if args.only in (None, "b"):
        for profile in PROFILES:
            records, truth = b_records(profile, args.seeds[0], args.people)
            results.append(
                ("B", measure(f"B {profile} s{args.seeds[0]}", records, truth, settings, args.errors))
            )
    for gen in ("A", "B"):
        rs = [r for g, r in results if g == gen]
        if not rs:
            continue
        rows = sum(r["rows"] for r in rs)
        asked = sum(r["asked"] for r in rs)
        p = min(r["before"].precision for r in rs)
        f1 = min(r["before"].f1 for r in rs)
        after = min(r["after"].f1 for r in rs)
        bar = "met" if p >= 0.99 and f1 >= 0.97 else "NOT met"
        print(
            f"school {gen}: worst P={p:.4f} worst F1={f1:.4f} (bar P>=0.99, F1>=0.97: {bar}); "
            f"Review pairs per 1,000 rows {1000 * asked / rows:.1f}; worst F1 after Review {after:.4f}"
        )


if __name__ == "__main__":
    main()
