"""Constrained clustering: strongest links first, no chaining of strangers, staff decisions win."""

from __future__ import annotations

import numpy as np
import pytest

from sheets_sync.core.matching.clustering import cluster, dates_compatible, ids_compatible
from sheets_sync.core.matching.link import link
from sheets_sync.core.model import SourceRecord


def run(n, edges, weights=None, sid=None, dob=None, tab=None, **kw):
    weights = weights or {}
    sid = np.array(sid or [""] * n, dtype=object)
    dob = np.array(dob or [""] * n, dtype=object)
    tab = np.array(tab if tab is not None else [-1] * n)
    result = cluster(
        n,
        np.array([a for a, _ in edges], dtype=np.int64),
        np.array([b for _, b in edges], dtype=np.int64),
        sid=sid,
        dob=dob,
        tab=tab,
        weight=lambda x, y: weights.get((min(x, y), max(x, y)), -np.inf),
        conflict_at=8.0,
        same_list=21.0,
        **kw,
    )
    groups: dict[int, set[int]] = {}
    for r, root in enumerate(result.labels.tolist()):
        groups.setdefault(root, set()).add(r)
    return sorted(sorted(g) for g in groups.values()), result


def test_links_chain_when_nothing_conflicts() -> None:
    groups, result = run(3, [(0, 1), (1, 2)])
    assert groups == [[0, 1, 2]] and result.used == [0, 1] and result.refused == []


def test_different_student_ids_are_not_chained_through_a_third_row() -> None:
    # 0~1 (strong), 1~2 (strong), but 0 and 2 carry different student ids and look unrelated
    groups, result = run(3, [(0, 1), (1, 2)], sid=["1001", "", "2002"])
    assert groups == [[0, 1], [2]]
    assert result.refused == [(1, "different student ids")]


def test_conflicting_pair_may_join_on_its_own_direct_evidence() -> None:
    groups, _ = run(3, [(0, 1), (1, 2)], weights={(0, 2): 12.0}, dob=["19900102", "", "19851111"])
    assert groups == [[0, 1, 2]]


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [("19900102", "19900102", True), ("19900102", "19900201", True), ("19900102", "19900103", True),
     ("19900102", "19851111", False)],
)  # fmt: skip
def test_dates_compatible(a: str, b: str, ok: bool) -> None:
    assert dates_compatible(a, b) is ok


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("296", "296", True),
        ("296", "297", False),
        ("4137877", "4137787", True),
        ("1234567", "7654321", False),
    ],
)
def test_ids_compatible(a: str, b: str, ok: bool) -> None:
    assert ids_compatible(a, b) is ok


def test_two_rows_of_one_list_need_a_very_strong_direct_link() -> None:
    weak, _ = run(2, [(0, 1)], weights={(0, 1): 15.0}, tab=[3, 3])
    strong, _ = run(2, [(0, 1)], weights={(0, 1): 30.0}, tab=[3, 3])
    other_lists, _ = run(2, [(0, 1)], weights={(0, 1): 15.0}, tab=[3, 4])
    assert weak == [[0], [1]] and strong == [[0, 1]] and other_lists == [[0, 1]]


def test_cannot_link_blocks_and_must_link_forces() -> None:
    groups, result = run(3, [(0, 1), (1, 2)], cannot_link=[(0, 2)])
    assert groups == [[0, 1], [2]] and result.refused == [(1, "marked Different in Review")]
    forced, _ = run(3, [], must_link=[(0, 2)])
    assert forced == [[0, 2], [1]]


def rec(ref: str, **fields) -> SourceRecord:
    tab, row = ref.split("!")
    return SourceRecord(ref=ref, tab=tab, row=int(row), teacher=tab, **fields)


def test_refused_merge_goes_to_review_with_the_reason_side_by_side() -> None:
    phone = ("+34600999888",)
    records = [
        rec(
            "List - A!2",
            first_name="Pedro",
            surname="Soto",
            phones=phone,
            student_id="1001",
            graduation_year=2011,
        ),
        rec("List - B!2", first_name="Pedro", surname="Soto", phones=phone, graduation_year=2011),
        rec(
            "List - C!2",
            first_name="Pedro",
            surname="Soto",
            phones=phone,
            student_id="2002",
            graduation_year=2011,
        ),
    ]
    linkage = link(records)
    # the ids differ, but 0 and 2 also agree on name, phone and year: direct evidence wins
    assert linkage.clusters == [[0, 1, 2]]
    strangers = [
        rec("List - A!2", first_name="Pedro", surname="Soto", student_id="1001", birth_date="1990-01-01",
            emails=("pedro@x.es",), graduation_year=2011),
        rec("List - B!2", first_name="Pedro", surname="Soto", emails=("pedro@x.es",), phones=phone),
        rec("List - C!2", first_name="Pedro", surname="Sota", student_id="2002", birth_date="1975-06-30",
            phones=phone, graduation_year=1995),
    ]  # fmt: skip
    linkage = link(strangers)
    assert [0, 1] in linkage.clusters and [2] in linkage.clusters
    assert any({p.i, p.j} == {1, 2} for p in linkage.review)


def run_years(edges, grad, strong_pairs=(), weights=None):
    strong = {(min(p), max(p)) for p in strong_pairs}
    return run(
        len(grad),
        edges,
        weights=weights,
        grad=np.array(grad, dtype=np.int64),
        strong=lambda x, y: (min(x, y), max(x, y)) in strong,
    )


@pytest.mark.parametrize(
    ("grad", "strong_pairs", "weights", "expected"),
    [
        # A(2015) ~ B(no year) ~ C(2019): two people, the chain is cut
        ([2015, -1, 2019], (), {(0, 2): 12.0}, [[0, 1], [2]]),
        # off by one is normal ("2018/2019")
        ([2018, -1, 2019], (), None, [[0, 1, 2]]),
        # years unknown on one side: nothing to conflict
        ([2015, -1, -1], (), None, [[0, 1, 2]]),
        # a shared email / phone / id and a direct weight that is no clear non-match justify it
        ([2015, -1, 2019], [(0, 2)], {(0, 2): 9.0}, [[0, 1, 2]]),
        # a shared identifier alone (a family landline) does not: the pair looks like strangers
        ([2015, -1, 2019], [(0, 2)], {(0, 2): 2.0}, [[0, 1], [2]]),
    ],
)
def test_graduation_years_far_apart_are_not_chained(grad, strong_pairs, weights, expected) -> None:
    groups, result = run_years([(0, 1), (1, 2)], grad, strong_pairs, weights)
    assert groups == expected
    assert result.refused == ([] if len(expected) == 1 else [(1, "graduation years more than one apart")])


def test_direct_link_across_distant_years_needs_a_shared_identifier() -> None:
    alone, _ = run_years([(0, 1)], [2012, 2016], weights={(0, 1): 20.0})
    shared, _ = run_years([(0, 1)], [2012, 2016], [(0, 1)], weights={(0, 1): 20.0})
    assert alone == [[0], [1]] and shared == [[0, 1]]


def test_chain_through_a_row_without_a_year_is_split_and_sent_to_review() -> None:
    common = {"first_name": "Marta", "surname": "Gil Pardo", "qualification": "Cocina y Gastronomía"}
    records = [
        rec("List - A!2", **common, phones=("+34600111222",), graduation_year=2015),
        rec("List - B!2", **common, phones=("+34600111222",), emails=("marta.gil@gmail.com",)),
        rec("List - C!2", **common, emails=("marta.gil@gmail.com",), graduation_year=2019),
    ]
    linkage = link(records)
    # 1~2 (email, weight ~19.8) is taken first; 0~1 (phone, ~16.6) would put 2015 with 2019
    assert linkage.clusters == [[0], [1, 2]]
    assert [(p.i, p.j) for p in linkage.review] == [(0, 1)]
    assert "same phone" in linkage.review[0].agreements


@pytest.mark.parametrize(
    ("course", "weights", "expected"),
    [
        # cook ~ (no course) ~ welding, and cook/welding look like strangers side by side: split
        ([1, -1, 2], {}, [[0, 1], [2]]),
        # the same, but the two rows resemble each other on their own (a slip in the course): kept
        ([1, -1, 2], {(0, 2): 9.0}, [[0, 1, 2]]),
        # the same course, or a course unknown to the synonym table: no conflict
        ([1, -1, 1], {}, [[0, 1, 2]]),
        ([1, -1, -1], {}, [[0, 1, 2]]),
    ],
)
def test_different_qualifications_are_not_chained_through_a_row_without_one(
    course, weights, expected
) -> None:
    groups, result = run(3, [(0, 1), (1, 2)], weights, course=np.array(course, dtype=np.int64))
    assert groups == expected
    assert [why for _, why in result.refused] == (["different qualifications"] if len(expected) == 2 else [])


@pytest.mark.parametrize(
    ("faculty", "expected"),
    [
        # cook ~ (no course) ~ tourism: two courses of one faculty, a teacher's slip, kept
        ([7, -1, 7], [[0, 1, 2]]),
        # cook ~ (no course) ~ welding: different faculties, strangers side by side, split
        ([7, -1, 9], [[0, 1], [2]]),
    ],
)
def test_courses_of_one_faculty_do_not_conflict(faculty, expected) -> None:
    groups, _ = run(
        3, [(0, 1), (1, 2)], course=np.array([1, -1, 2]), faculty=np.array(faculty, dtype=np.int64)
    )
    assert groups == expected


@pytest.mark.parametrize(
    ("grad", "direct", "expected"),
    [
        ([2014, 2016], 21.0, [[0, 1]]),  # two years apart, a strong direct link: one person
        ([2014, 2016], 12.0, [[0], [1]]),  # ... a weaker one is not enough
        ([2013, 2016], 21.0, [[0], [1]]),  # three years apart without a shared identifier: never
    ],
)
def test_years_two_apart_join_only_on_a_strong_direct_link(grad, direct, expected) -> None:
    groups, _ = run(
        2, [(0, 1)], {(0, 1): direct}, grad=np.array(grad, dtype=np.int64), strong=lambda x, y: False,
        year_slip_at=13.0,
    )  # fmt: skip
    assert groups == expected
