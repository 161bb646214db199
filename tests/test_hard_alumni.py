"""The HARD alumni benchmark transform (bench/hard_alumni.py): truth kept, rates honoured, input untouched."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from hard_alumni import DEFAULT_RATES, harden  # noqa: E402

from sheets_sync.core.lists.read import ListOptions, read_list  # noqa: E402
from sheets_sync.core.model import Grid, SourceRecord  # noqa: E402
from sheets_sync.core.text import normalise as norm
from sheets_sync.demo import DemoSchool, generate_school, true_pairs  # noqa: E402
from sheets_sync.demo.people import strip_accents  # noqa: E402


@pytest.fixture(scope="module")
def school() -> DemoSchool:
    return generate_school(5, alumni=600, lists=10)


@pytest.fixture(scope="module")
def hard(school: DemoSchool) -> DemoSchool:
    return harden(school, 5)


def records(school: DemoSchool) -> list[SourceRecord]:
    out: list[SourceRecord] = []
    for d in school.lists:
        options = ListOptions(teacher=d.teacher, language=d.language, region=norm.LANGUAGE_REGION[d.language])
        out.extend(read_list(Grid.from_rows(d.tab, d.rows), options).records)
    return out


def test_harden_keeps_rows_and_truth(school: DemoSchool, hard: DemoSchool) -> None:
    assert true_pairs(hard) == true_pairs(school)
    for before, after in zip(school.lists, hard.lists, strict=True):
        assert after.truth == before.truth
        assert len(after.rows) == len(before.rows)
        for row_before, row_after, pid in zip(before.rows, after.rows, before.truth, strict=True):
            if pid is None:  # titles, blank rows and the header are as the teacher typed them
                assert row_after == row_before


def test_harden_does_not_touch_the_demo(school: DemoSchool) -> None:
    kept = copy.deepcopy((school.lists, school.people))
    harden(school, 9)
    assert (school.lists, school.people) == kept


def test_harden_is_reproducible(school: DemoSchool, hard: DemoSchool) -> None:
    assert harden(school, 5).lists == hard.lists
    assert harden(school, 6).lists != hard.lists


@pytest.mark.parametrize(
    ("what", "share", "expected", "tolerance"),
    [
        ("rows without an email", lambda rs: _share(rs, lambda r: not r.emails), 0.45, 0.05),
        ("rows without a phone", lambda rs: _share(rs, lambda r: not r.phones), 0.45, 0.05),
        ("rows with neither", lambda rs: _share(rs, lambda r: not r.emails and not r.phones), 0.15, 0.04),
    ],
)
def test_contact_rates_are_honoured(
    hard: DemoSchool, what: str, share, expected: float, tolerance: float
) -> None:
    assert share(records(hard)) == pytest.approx(expected, abs=tolerance), what


def _share(rs: list[SourceRecord], test) -> float:
    return sum(1 for r in rs if test(r)) / len(rs)


def test_true_pairs_share_fewer_identifiers(school: DemoSchool, hard: DemoSchool) -> None:
    def shared(s: DemoSchool) -> float:
        by_ref = {r.ref: r for r in records(s)}
        pairs = [tuple(p) for p in true_pairs(s)]
        hits = sum(
            1
            for a, b in pairs
            if set(by_ref[a].emails) & set(by_ref[b].emails) or set(by_ref[a].phones) & set(by_ref[b].phones)
        )
        return hits / len(pairs)

    assert shared(school) > 0.8
    assert shared(hard) < 0.45


def test_namesakes_and_siblings_are_consistent(hard: DemoSchool) -> None:
    people = hard.people
    listed = {pid for d in hard.lists for pid in d.truth if pid}
    namesakes = [pid for pid in listed if people[pid]["same_name_as"]]
    siblings = [pid for pid in listed if people[pid]["siblings"]]
    assert len(namesakes) >= DEFAULT_RATES.common_name * len(listed) * 0.8
    assert len(siblings) >= 2 * DEFAULT_RATES.new_sibling_pair * len(listed) * 0.8
    for pid in namesakes:
        for other in people[pid]["same_name_as"]:
            assert people[other]["first_name"] == people[pid]["first_name"]
            assert people[other]["surnames"][0] == people[pid]["surnames"][0]
            assert people[other]["id"] != people[pid]["id"]
    for pid in siblings:
        for other in people[pid]["siblings"]:
            assert people[other]["surnames"] == people[pid]["surnames"]
            assert people[other]["landline"] == people[pid]["landline"] is not None
            assert people[other]["first_name"].split()[0] != people[pid]["first_name"].split()[0]


def test_every_written_name_comes_from_the_person(hard: DemoSchool) -> None:
    """Each row's name still holds the person's surname (or a spelling of it) somewhere."""
    misses = 0
    total = 0
    for d in hard.lists:
        cols = [c for c, f in enumerate(d.columns) if f in ("first_name", "surname", "full_name")]
        for row, pid in zip(d.rows, d.truth, strict=True):
            if pid is None:
                continue
            total += 1
            text = strip_accents(" ".join(row[c] for c in cols)).lower()
            surname = strip_accents(hard.people[pid]["surnames"][0]).lower().split()[-1]
            misses += surname[:3] not in text
    assert misses / total < 0.12  # typos and transliterations change some first letters
