"""Analysis helper for the hard alumni set: the pairs we get wrong, grouped, with their scores.

    .venv/bin/python bench/hard_misses.py                 # seeds 1,2,3, summary per category
    .venv/bin/python bench/hard_misses.py --seeds 1 --show 40 [--category review]

A person split into several of our clusters is reported once per pair of clusters, with the
strongest direct pair between them (its match weight, reasons, and how many true pairs the split
costs). Categories: ``blocking`` (no row pair between the two clusters is ever compared),
``below`` (best weight < lower), ``review`` (lower <= weight < upper), ``refused`` (weight >=
upper, clustering refused the merge). False merges are listed the same way. Not a benchmark: it
prints no bars, it shows what a change to the model recovers or breaks.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import pairs_of  # noqa: E402
from bench_alumni import school_records  # noqa: E402

from sheets_sync.core.matching.blocking import candidate_pairs  # noqa: E402
from sheets_sync.core.matching.features import prepare  # noqa: E402
from sheets_sync.core.matching.link import MatchSettings, _describe, _Scored, _sort_key, link  # noqa: E402
from sheets_sync.core.matching.scoring import score_pairs  # noqa: E402
from sheets_sync.core.model import SourceRecord  # noqa: E402


def brief(r: SourceRecord) -> str:
    return (
        f"{r.first_name}|{r.surname}|{','.join(r.emails)}|{','.join(r.phones)}|id={r.student_id}|"
        f"dob={r.birth_date}|y={r.graduation_year}|{r.qualification}|{r.city}|{r.tab}"
    )


def analyse(seed: int, settings: MatchSettings, alumni: int = 2000, lists: int = 12):
    records, truth = school_records(seed, alumni, lists, True)
    n = len(records)
    linkage = link(records, settings)
    predicted = pairs_of([[records[k].ref for k in m] for m in linkage.clusters])
    perm = np.array(sorted(range(n), key=lambda r: _sort_key(records[r])), dtype=np.int64)
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    f = prepare([records[p] for p in perm])
    ci, cj = candidate_pairs(f, settings.blocking, settings.max_block)
    scores = score_pairs(
        f, ci, cj, settings.comparisons, settings.caps, settings.upper, settings.corroborate_for(n)
    )
    scored = _Scored(f, scores, settings, settings.comparisons)
    candidates = set((ci * n + cj).tolist())
    index = {r.ref: k for k, r in enumerate(records)}
    cluster_of = {k: c for c, members in enumerate(linkage.clusters) for k in members}

    def direct(x: int, y: int):
        a, b = int(inv[x]), int(inv[y])
        s = scored.extra([(a, b)])
        agree, differ = _describe(records[x], records[y], s, 0, settings.comparisons)
        return float(s.weight[0]), (min(a, b) * n + max(a, b)) in candidates, agree, differ

    items = []  # (kind, category, weight, lost pairs, x, y, agree, differ)
    for kind, pairs in (("FN", truth - predicted), ("FP", predicted - truth)):
        by_clusters: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for ra, rb in pairs:
            x, y = index[ra], index[rb]
            key = (cluster_of[x], cluster_of[y]) if kind == "FN" else (x, y)
            by_clusters[tuple(sorted(key))].append((x, y))
        for group in by_clusters.values():
            best = max((direct(x, y) + (x, y) for x, y in group), key=lambda t: t[0])
            weight, candidate, agree, differ, x, y = best
            if kind == "FP":
                category = "false"
            elif not any(direct(a, b)[1] for a, b in group):
                category = "blocking"
            elif weight < settings.lower:
                category = "below"
            elif weight < settings.upper:
                category = "review"
            else:
                category = "refused"
            items.append((kind, category, weight, len(group), x, y, agree, differ))
    return records, predicted, truth, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--show", type=int, default=0, help="print this many items per category")
    parser.add_argument("--category", default="", help="only this category (blocking, below, ...)")
    args = parser.parse_args()
    settings = MatchSettings()
    for seed in [int(s) for s in args.seeds.split(",")]:
        records, predicted, truth, items = analyse(seed, settings)
        lost: Counter[str] = Counter()
        groups: Counter[str] = Counter()
        for _kind, category, _, count, *_ in items:
            lost[category] += count
            groups[category] += 1
        summary = ", ".join(f"{c}: {groups[c]} ({lost[c]} pairs)" for c in sorted(groups))
        print(f"seed {seed}: FN {len(truth - predicted)}, FP {len(predicted - truth)} -- {summary}")
        if not args.show:
            continue
        for category in sorted(groups):
            if args.category and category != args.category:
                continue
            rows = sorted((it for it in items if it[1] == category), key=lambda it: -it[2])
            print(f"\n== {category}")
            for kind, _, weight, count, x, y, agree, differ in rows[: args.show]:
                print(f"{kind} w={weight:6.2f} pairs={count}")
                print(f"   {brief(records[x])}\n   {brief(records[y])}")
                print(f"   + {'; '.join(agree)}\n   - {'; '.join(differ)}")


if __name__ == "__main__":
    main()
