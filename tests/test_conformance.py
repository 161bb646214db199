"""Replay real recorded Google Sheets/Drive traffic against the emulator and compare answers.

The recordings live outside the repository (``../shared/conformance/gspread-cassettes``,
or ``$SHEETS_SYNC_SHARED/conformance/gspread-cassettes``). Without them the test is
skipped with the reason, except in CI (``SHEETS_SYNC_REQUIRE_EXTERNAL=1``) where a
missing folder fails. A JSON report of matches per file goes to the test's tmp dir.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from sheets_sync.emulator.replay import Exchange, replay_folder


def _cassette_folder() -> Path:
    shared = os.environ.get("SHEETS_SYNC_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2] / "shared"
    return base / "conformance" / "gspread-cassettes"


@pytest.fixture(scope="module")
def exchanges() -> list[Exchange]:
    folder = _cassette_folder()
    if not folder.is_dir() or not any(folder.glob("*.json")):
        message = f"recorded Google traffic not found at {folder} (set SHEETS_SYNC_SHARED to its parent)"
        if os.environ.get("SHEETS_SYNC_REQUIRE_EXTERNAL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return replay_folder(folder)


def test_replay_report_per_file(exchanges: list[Exchange], tmp_path: Path) -> None:
    per_file: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in exchanges:
        per_file[e.file][0] += e.matched
        per_file[e.file][1] += 1
    matched = sum(e.matched for e in exchanges)
    report = {
        "matched": matched,
        "total": len(exchanges),
        "files": {name: {"matched": m, "total": t} for name, (m, t) in sorted(per_file.items())},
        "mismatches": [e.__dict__ for e in exchanges if not e.matched],
    }
    path = tmp_path / "conformance-report.json"
    path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    for name, (m, t) in sorted(per_file.items()):
        print(f"{m:4d}/{t:<4d} {name}")
    print(
        f"conformance: {matched}/{len(exchanges)} exchanges match ({100 * matched / len(exchanges):.1f}%); report {path}"
    )
    assert len(per_file) >= 100, "expected the ~114 recorded gspread test files"


def test_every_exchange_of_an_operation_the_backend_uses_matches(exchanges: list[Exchange]) -> None:
    relevant = [e for e in exchanges if e.backend_relevant]
    failures = [
        f"{e.file} run {e.run} #{e.index} {e.operation} {e.batch_kinds}: {e.detail}"
        for e in relevant
        if not e.matched
    ]
    assert len(relevant) > 1000
    assert not failures, "\n".join(failures[:10])


def test_at_least_90_percent_of_all_exchanges_match(exchanges: list[Exchange]) -> None:
    matched = sum(e.matched for e in exchanges)
    assert matched / len(exchanges) >= 0.90, f"only {matched}/{len(exchanges)} match"


@pytest.mark.parametrize(
    "operation",
    [
        "values.get",
        "values.update",
        "values.append",
        "values.clear",
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "drive.create",
    ],
)
def test_each_operation_is_exercised_by_the_recordings(exchanges: list[Exchange], operation: str) -> None:
    assert any(e.operation == operation for e in exchanges)
