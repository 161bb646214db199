"""Constrained clustering: merge the strongest links first, refuse a merge that creates a conflict.

Plain connected components chain strangers (A~B because of a shared phone, B~C because of a
shared name, so A, B and C become one alumnus). Here links are taken in descending weight with a
union-find, and a union is refused when the merged cluster would contain:

* a pair staff marked "Different" (``cannot_link``),
* two rows whose student ids differ by more than a typo, or whose dates of birth differ by more
  than a typo / swapped day and month, unless that very pair, compared directly, is not a clear
  non-match (weight >= ``conflict_at``, the review threshold by default): a cluster never holds
  two rows that conflict *and* look like strangers side by side,
* two rows whose graduation years differ by more than one (off by one is normal: "2018/2019"),
  unless that very pair shares a strong identifier (``strong``: an email, a phone or a student
  id) *and* is not a clear non-match, or is two years apart and linked directly at
  ``year_slip_at``: ``A(2015) ~ B(no year) ~ C(2019)`` is two people, not one,
* two rows with different recognised qualifications of different faculties that, compared
  directly, look like strangers
  (weight < ``conflict_at``): ``A(cook) ~ B(no course) ~ C(welding)`` needs A and C to resemble
  each other on their own,
* two rows of the same list (tab) without a very strong direct link (``same_list``) between
  them: a teacher rarely lists one person twice; two similar rows in one list are usually two
  people.

``must_link`` pairs (staff said "Same") are merged first and unconditionally.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA

from sheets_sync.core.matching.comparisons import MIN_TYPO_ID

log = logging.getLogger(__name__)

MAX_YEAR_GAP = 1  # graduation years further apart than this conflict
SLIP_YEAR_GAP = 2  # ... but a pair this far apart may join on a strong direct link (``year_slip_at``)


def ids_compatible(a: str, b: str) -> bool:
    """Equal, or one typo apart when long enough for a typo to be told from a neighbour id."""
    return a == b or (min(len(a), len(b)) >= MIN_TYPO_ID and OSA.distance(a, b) <= 1)


def dates_compatible(a: str, b: str) -> bool:
    """``yyyymmdd`` strings: equal, day/month swapped, or one typo apart."""
    return a == b or a == b[:4] + b[6:8] + b[4:6] or OSA.distance(a, b) <= 1


def years_compatible(a: int, b: int) -> bool:
    """Graduation years (``-1`` unknown): unknown, equal or one apart ("2018/2019" read either way)."""
    return a < 0 or b < 0 or abs(a - b) <= MAX_YEAR_GAP


@dataclass(frozen=True)
class ClusterResult:
    labels: np.ndarray  # root record per record
    used: list[int]  # indices of the edges that built the clusters
    refused: list[tuple[int, str]]  # (edge index, why) links above the threshold that were refused


class _Clusters:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {r: [r] for r in range(n)}

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, ra: int, rb: int) -> int:
        if len(self.members[ra]) < len(self.members[rb]) or (
            len(self.members[ra]) == len(self.members[rb]) and rb < ra
        ):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return ra


def cluster(
    n: int,
    edge_i: np.ndarray,
    edge_j: np.ndarray,
    *,
    sid: np.ndarray,
    dob: np.ndarray,
    tab: np.ndarray,
    weight: Callable[[int, int], float],
    conflict_at: float,
    same_list: float,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    grad: np.ndarray | None = None,
    strong: Callable[[int, int], bool] | None = None,
    course: np.ndarray | None = None,
    faculty: np.ndarray | None = None,
    year_slip_at: float = np.inf,
) -> ClusterResult:
    """Edges must already be in processing order (descending weight, ties by a stable key).

    ``grad`` holds graduation years (``-1`` unknown); ``strong(x, y)`` says whether two rows share
    an email, a phone or a student id (without it, rows with conflicting years never join).
    ``course`` holds recognised qualification codes (``-1`` unknown or not in the synonym table),
    ``faculty`` their faculty codes: two courses of one faculty (cook / tourism) are a teacher's
    slip, not a conflict. Years ``SLIP_YEAR_GAP`` apart without a shared identifier need a direct
    weight of at least ``year_slip_at`` (a two-year course typed by its first year in one list and
    its last in another, or two off-by-one slips).
    """
    years = grad.tolist() if grad is not None else None
    courses = course.tolist() if course is not None else None
    faculties = faculty.tolist() if faculty is not None else None
    state = _Clusters(n)
    cannot: dict[int, set[int]] = {}
    for a, b in cannot_link:
        cannot.setdefault(a, set()).add(b)
        cannot.setdefault(b, set()).add(a)
    for a, b in sorted((min(p), max(p)) for p in must_link):
        ra, rb = state.find(a), state.find(b)
        if ra != rb:
            state.union(ra, rb)

    def conflict(ra: int, rb: int) -> str:
        small, big = (ra, rb) if len(state.members[ra]) <= len(state.members[rb]) else (rb, ra)
        for x in state.members[small]:
            if any(state.find(y) == big for y in cannot.get(x, ())):
                return "marked Different in Review"
        # A conflicting pair may only end up together on its own direct evidence, never by chaining.
        for x in state.members[ra]:
            for y in state.members[rb]:
                need, why = -np.inf, ""
                if sid[x] and sid[y] and not ids_compatible(sid[x], sid[y]):
                    need, why = conflict_at, "different student ids"
                elif dob[x] and dob[y] and not dates_compatible(dob[x], dob[y]):
                    need, why = conflict_at, "different dates of birth"
                elif years is not None and not years_compatible(years[x], years[y]):
                    if strong is not None and strong(x, y):
                        need, why = conflict_at, "graduation years more than one apart"
                    elif abs(years[x] - years[y]) <= SLIP_YEAR_GAP:
                        need, why = year_slip_at, "graduation years more than one apart"
                    else:
                        return "graduation years more than one apart"
                elif (
                    courses is not None
                    and courses[x] >= 0
                    and courses[y] >= 0
                    and courses[x] != courses[y]
                    and (faculties is None or faculties[x] < 0 or faculties[x] != faculties[y])
                ):
                    need, why = conflict_at, "different qualifications"
                if tab[x] >= 0 and tab[x] == tab[y] and same_list > need:
                    need, why = same_list, "two rows of the same list"
                if why and weight(x, y) < need:
                    return why
        return ""

    used: list[int] = []
    refused: list[tuple[int, str]] = []
    for k, (a, b) in enumerate(zip(edge_i.tolist(), edge_j.tolist(), strict=True)):
        ra, rb = state.find(a), state.find(b)
        if ra == rb:
            continue
        why = conflict(ra, rb)
        if why:
            refused.append((k, why))
            continue
        state.union(ra, rb)
        used.append(k)
    labels = np.fromiter((state.find(r) for r in range(n)), dtype=np.int64, count=n)
    log.info("clustering: %d links used, %d refused for a conflict", len(used), len(refused))
    return ClusterResult(labels=labels, used=used, refused=refused)
