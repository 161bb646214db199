"""Multilingual alumni benchmark: the demo school generator (known truth), our engine vs splink 5.

    .venv/bin/python bench/bench_alumni.py                       # 3 seeds x 2,000 alumni, side by side
    .venv/bin/python bench/bench_alumni.py --scale 100000        # ours alone on ~100,000 list rows
    .venv/bin/python bench/bench_alumni.py --hard                # the HARD variant (bench/hard_alumni.py)
    .venv/bin/python bench/bench_alumni.py --hard --scale 100000

Rows come from ``sheets_sync.demo.generate_school`` and are read with the real list reader
(``core.lists.read_list``), exactly as the service reads teachers' lists: messy headers, five
languages, nicknames, typos, dropped accents and second surnames, swapped name order, school vs
personal emails, family landlines, siblings and pairs of different people with very common names.
With ``--hard`` the rows are first passed through ``hard_alumni.harden`` (fewer shared identifiers
per person, more common names and siblings, more name and course variants: see bench/README.md).
Prints pairwise precision / recall / F1 against ``true_pairs(school)``, time and peak RSS.

Splink is set up as its documentation does for person data (NameComparison with term
frequencies, EmailComparison, DateOfBirthComparison, exact matches; u by random sampling,
m by EM on two blocking rules, predict, connected components at probability 0.99), on the same
records, with one email and one phone per row.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PeakRSS, Result, pairs_of, score, timed  # noqa: E402
from hard_alumni import harden  # noqa: E402

from sheets_sync.core.lists.read import ListOptions, read_list  # noqa: E402
from sheets_sync.core.matching.link import Linkage, MatchSettings, link  # noqa: E402
from sheets_sync.core.model import Grid, SourceRecord  # noqa: E402
from sheets_sync.core.text import normalise as norm
from sheets_sync.demo.generate import generate_school  # noqa: E402
from sheets_sync.demo.model import true_pairs  # noqa: E402


def school_records(
    seed: int, alumni: int, lists: int, hard: bool = False
) -> tuple[list[SourceRecord], set[tuple[str, str]]]:
    school = generate_school(seed, alumni=alumni, lists=lists)
    if hard:
        school = harden(school, seed)
    records: list[SourceRecord] = []
    for demo_list in school.lists:
        grid = Grid.from_rows(demo_list.tab, demo_list.rows)
        region = norm.LANGUAGE_REGION.get(demo_list.language, "ES")
        options = ListOptions(teacher=demo_list.teacher, language=demo_list.language, region=region)
        records.extend(read_list(grid, options).records)
    truth = {tuple(sorted(pair)) for pair in true_pairs(school)}
    return records, truth  # type: ignore[return-value]


def run_ours(
    records: list[SourceRecord], settings: MatchSettings, keep: list[Linkage] | None = None
) -> set[tuple[str, str]]:
    linkage = link(records, settings)
    if keep is not None:
        keep.append(linkage)
    return pairs_of([[records[k].ref for k in members] for members in linkage.clusters])


def after_review(
    records: list[SourceRecord], linkage: Linkage, truth: set[tuple[str, str]]
) -> tuple[int, int, set[tuple[str, str]]]:
    """(Review pairs, how many are truly one person, the pairs once staff answered each one right)."""
    parent = list(range(len(linkage.clusters)))
    cluster_of = {k: c for c, members in enumerate(linkage.clusters) for k in members}

    def root(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    same = 0
    for pair in linkage.review:
        if tuple(sorted((records[pair.i].ref, records[pair.j].ref))) in truth:
            same += 1
            parent[root(cluster_of[pair.i])] = root(cluster_of[pair.j])
    merged: dict[int, list[str]] = {}
    for c, members in enumerate(linkage.clusters):
        merged.setdefault(root(c), []).extend(records[k].ref for k in members)
    return len(linkage.review), same, pairs_of(merged.values())


def splink_frame(records: list[SourceRecord]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id": [r.ref for r in records],
            "first_name": [r.first_name.lower() or None for r in records],
            "surname": [r.surname.lower() or None for r in records],
            "email": [r.emails[0] if r.emails else None for r in records],
            "phone": [r.phones[0] if r.phones else None for r in records],
            "student_id": [r.student_id or None for r in records],
            "birth_date": [r.birth_date or None for r in records],
            "graduation_year": [str(r.graduation_year) if r.graduation_year else None for r in records],
            "qualification": [r.qualification.lower() or None for r in records],
            "city": [r.city.lower() or None for r in records],
        }
    )


def run_splink(records: list[SourceRecord]) -> set[tuple[str, str]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = splink_frame(records)
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "graduation_year"),
            block_on("email"),
            block_on("phone"),
            block_on("student_id"),
            block_on("birth_date"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("student_id"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True, invalid_dates_as_null=True),
            cl.ExactMatch("graduation_year"),
            cl.ExactMatch("qualification").configure(term_frequency_adjustments=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("first_name", "surname", "graduation_year")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("graduation_year"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.99
    )
    table = clusters.as_pandas_dataframe()
    return pairs_of(table.groupby("cluster_id")["unique_id"].apply(list))


def show_errors(records: list[SourceRecord], predicted, truth, limit: int) -> None:
    by_ref = {r.ref: r for r in records}

    def brief(r: SourceRecord) -> str:
        return (
            f"{r.first_name}|{r.surname}|{','.join(r.emails)}|{','.join(r.phones)}|id={r.student_id}|"
            f"dob={r.birth_date}|y={r.graduation_year}|{r.qualification}|{r.city}"
        )

    for label, pairs in (("FP", predicted - truth), ("FN", truth - predicted)):
        for a, b in sorted(pairs)[:limit]:
            print(f"  {label} {a} ~ {b}\n     {brief(by_ref[a])}\n     {brief(by_ref[b])}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--alumni", type=int, default=2000)
    parser.add_argument("--lists", type=int, default=12)
    parser.add_argument("--only", choices=["ours", "splink"])
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong pairs of ours")
    parser.add_argument(
        "--scale", type=int, default=0, help="scale run: about this many list rows, ours only"
    )
    parser.add_argument("--estimate", action="store_true", help="our engine with EM estimation of m")
    parser.add_argument(
        "--hard", action="store_true", help="the HARD variant of the rows (bench/hard_alumni.py)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = MatchSettings(estimate=args.estimate)
    tag = "hard " if args.hard else ""

    if args.scale:
        alumni = int(args.scale / 1.9)  # the generator places an alumnus in 1.9 lists on average
        start = time.perf_counter()
        records, truth = school_records(11, alumni, max(8, args.scale // 2500), args.hard)
        print(f"{tag}scale: generated and read {len(records)} rows in {time.perf_counter() - start:.0f}s")
        gc.collect()
        with PeakRSS() as mem:
            start = time.perf_counter()
            predicted = run_ours(records, settings)
            seconds = time.perf_counter() - start
        print(score(f"{tag}scale {len(records)} rows", predicted, truth, seconds, mem.peak).line())
        print(f"  (peak RSS includes the {mem.base / 2**20:.0f} MB held before matching started)")
        return

    results: list[Result] = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        records, truth = school_records(seed, args.alumni, args.lists, args.hard)
        print(f"\n{tag}seed {seed}: {len(records)} rows, {len(truth)} true pairs")
        if args.only != "splink":
            gc.collect()
            kept: list[Linkage] = []
            predicted, seconds, peak = timed(
                lambda records=records, kept=kept: run_ours(records, settings, kept)
            )
            results.append(score(f"{tag}seed {seed} sheets_sync", predicted, truth, seconds, peak))
            print(results[-1].line())
            n_review, n_same, reviewed = after_review(records, kept[0], truth)
            fixed = score("  after Review", reviewed, truth, 0.0, 0.0)
            print(
                f"  Review: {n_review} pairs ({n_same} truly one person); with each answered right "
                f"P={fixed.precision:.4f} R={fixed.recall:.4f} F1={fixed.f1:.4f}"
            )
            if args.errors:
                show_errors(records, predicted, truth, args.errors)
        if args.only != "ours":
            gc.collect()
            predicted, seconds, peak = timed(lambda records=records: run_splink(records))
            results.append(score(f"{tag}seed {seed} splink 5 (duckdb)", predicted, truth, seconds, peak))
            print(results[-1].line())
    print("\nsummary")
    for r in results:
        print(r.line())


if __name__ == "__main__":
    main()
