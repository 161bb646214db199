"""Record linkage of teacher-list rows into people: blocking -> comparison -> scoring -> clustering.

Public API (the identity layer builds stable ids, owners and tabs on top of it):

* :func:`link` — cluster records into people; merges, confidence and a review queue with reasons.
* :func:`link_to` — attach attendance/volunteering/outreach rows to existing clusters.
* :class:`MatchSettings` — thresholds and the model, all as data (comparisons, blocking rules).

The model is documented in ``docs/matching.md``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sheets_sync.core.matching.blocking import DEFAULT_BLOCKING, KeyRule, candidate_pairs, cross_pairs
from sheets_sync.core.matching.clustering import cluster, ids_compatible
from sheets_sync.core.matching.comparisons import DEFAULT_CAPS, DEFAULT_COMPARISONS, Cap, Comparison
from sheets_sync.core.matching.features import Features, prepare
from sheets_sync.core.matching.scoring import Scores, estimate_m, score_pairs
from sheets_sync.core.model import SourceRecord

log = logging.getLogger(__name__)

DEFAULT_UPPER = 13.0
DEFAULT_LOWER = 8.0


@dataclass(frozen=True)
class MatchSettings:
    upper: float = DEFAULT_UPPER  # log2 Bayes factor (match weight) at/above which pairs merge
    lower: float = DEFAULT_LOWER  # lower <= weight < upper -> Review
    estimate: bool = False  # EM estimation of the m probabilities when there is enough data
    comparisons: tuple[Comparison, ...] = DEFAULT_COMPARISONS
    blocking: tuple[tuple[str, KeyRule], ...] = DEFAULT_BLOCKING
    caps: tuple[Cap, ...] = DEFAULT_CAPS
    prior_weight: float = -10.0  # log2 prior odds that two candidate rows are one person (probability only)
    same_list_margin: float = 8.0  # two rows of one list merge only at weight >= upper + margin
    conflict_margin: float = (
        0.0  # rows with different ids / birth dates join only at weight >= lower + margin
    )
    corroborate: bool = True  # names alone never merge: something else (email, phone, year...) must agree
    # ... unless the lists are large enough to tell a rare full name from a common one (the
    # crowding correction of the name weight then holds common names back): see docs/matching.md
    name_frequency_rows: int = 1000

    def corroborate_for(self, rows: int) -> bool:
        """Whether the "a name alone never merges" rule applies to lists of ``rows`` rows."""
        return self.corroborate and rows < self.name_frequency_rows

    max_block: int = 400  # blocking keys shared by more rows than this are skipped
    min_records_for_em: int = 1000

    @classmethod
    def from_config(cls, upper: float = 0.0, lower: float = 0.0, estimate: bool = False) -> MatchSettings:
        """From ``[matching] upper_threshold / lower_threshold / estimate_parameters`` (0 = default)."""
        up = upper or DEFAULT_UPPER
        low = lower or min(DEFAULT_LOWER, up)
        if low > up:
            raise ValueError(
                f"[matching] lower_threshold ({low}) is above upper_threshold ({up}); "
                "set lower_threshold below upper_threshold"
            )
        return cls(upper=up, lower=low, estimate=estimate)

    def probability(self, weight: float) -> float:
        odds = min(max(weight + self.prior_weight, -60.0), 60.0)
        return 1.0 / (1.0 + 2.0**-odds)

    @property
    def merge_confidence(self) -> float:
        """The lowest confidence a merged link shows: the upper threshold's probability rounded up
        to two decimals (0.89 with the defaults)."""
        return math.ceil(round(self.probability(self.upper) * 100, 6)) / 100

    def confidence(self, weight: float, merged: bool) -> float:
        """The one confidence shown everywhere (Alumni ``Match confidence``, Review ``Confidence``):
        the probability cut to two decimals, never across the merge line, so a merged link shows
        ``merge_confidence`` or more and a pair left apart (in Review, or refused for a conflict) at
        most one hundredth less: 0.971 waiting in Review next to 0.97 merged cannot happen."""
        shown = math.floor(round(self.probability(weight) * 100, 6)) / 100
        line = self.merge_confidence
        return max(shown, line) if merged else min(shown, round(line - 0.01, 2))


@dataclass(frozen=True)
class ScoredPair:
    i: int  # index into the records sequence, i < j (for link_to: i = query, j = record)
    j: int
    weight: float  # match weight (log2 Bayes factor)
    probability: float
    agreements: tuple[str, ...]
    disagreements: tuple[str, ...]


@dataclass(frozen=True)
class Linkage:
    clusters: list[list[int]]  # every record index in exactly one cluster
    # per cluster: confidence of its weakest link (MatchSettings.confidence), 1.0 alone
    confidence: list[float]
    review: list[ScoredPair]  # uncertain pairs between different clusters, and refused merges
    merges: list[ScoredPair]  # the links used to build the clusters
    # must_link pairs (record indices, i < j) not applied: they contradict a cannot_link pair
    contradicted: list[tuple[int, int]] = field(default_factory=list)


def _sort_key(record: SourceRecord) -> tuple:
    return (
        record.ref, record.tab, record.row, record.first_name, record.surname, record.full_name,
        record.emails, record.phones, record.student_id, record.birth_date, record.graduation_year or 0,
        record.qualification, record.postcode, record.city, record.address, record.teacher,
    )  # fmt: skip


def _display(record: SourceRecord, field: str) -> str:
    if field == "first_name":
        return record.first_name or record.full_name
    if field in ("email", "phone"):
        return ", ".join(record.emails if field == "email" else record.phones)
    value = getattr(record, field, "")
    return "" if value is None else str(value)


_READINGS = {
    1: "names in swapped order",
    2: "same name words, split differently",
    3: "whole name read from the first-name column",
}
_OTHER_NAME = {"first_name": "surname", "surname": "first_name"}


def _describe(
    a: SourceRecord, b: SourceRecord, scores: Scores, k: int, comparisons: tuple[Comparison, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    agree: list[str] = []
    differ: list[str] = []
    reading = int(scores.swapped[k])
    swapped = reading == 1
    if reading:
        agree.append(_READINGS[reading])
    row = scores.levels[k].tolist()
    for col, index in enumerate(row):
        if index < 0:
            continue
        comparison = comparisons[col]
        level = comparison.levels[index]
        text = level.reason
        if "{" in text:
            field = comparison.field
            other = _OTHER_NAME.get(field, field) if swapped else field
            diff = ""
            if field == "graduation_year" and a.graduation_year is not None and b.graduation_year is not None:
                diff = str(abs(a.graduation_year - b.graduation_year))
            text = text.format(a=_display(a, field), b=_display(b, other), diff=diff)
        (agree if level.m >= level.u else differ).append(text)
    return tuple(agree), tuple(differ)


class _Scored:
    """Scores of the candidate pairs, plus on-demand scoring of pairs blocking did not produce
    (clustering asks for the direct weight of every pair it is about to put together)."""

    def __init__(
        self, f: Features, scores: Scores, settings: MatchSettings, comparisons: tuple[Comparison, ...]
    ):
        self.f, self.scores, self.settings, self.comparisons = f, scores, settings, comparisons
        self.codes = scores.i * f.n + scores.j  # sorted: candidate_pairs returns them in order
        self.cache: dict[tuple[int, int], float] = {}

    def weight(self, x: int, y: int) -> float:
        a, b = min(x, y), max(x, y)
        code = a * self.f.n + b
        k = int(np.searchsorted(self.codes, code))
        if k < len(self.codes) and self.codes[k] == code:
            return float(self.scores.weight[k])
        if (a, b) not in self.cache:
            self.cache[(a, b)] = float(self.extra([(a, b)]).weight[0])
        return self.cache[(a, b)]

    def strong(self, x: int, y: int) -> bool:
        """The two rows share an email, a phone or a student id (up to a typo in a long id)."""
        f = self.f
        for codes in (f.email, f.phone):
            a, b = codes[x], codes[y]
            if np.intersect1d(a[a >= 0], b[b >= 0]).size:
                return True
        return bool(f.sid[x] and f.sid[y] and ids_compatible(f.sid[x], f.sid[y]))

    def extra(self, pairs: list[tuple[int, int]]) -> Scores:
        ia = np.array([min(p) for p in pairs], dtype=np.int64)
        ib = np.array([max(p) for p in pairs], dtype=np.int64)
        s = self.settings
        return score_pairs(self.f, ia, ib, self.comparisons, s.caps, s.upper, s.corroborate_for(self.f.n))


def _pair(records, perm, scores: Scores, k: int, settings: MatchSettings, comparisons) -> ScoredPair:
    x, y = int(perm[scores.i[k]]), int(perm[scores.j[k]])
    a, b = records[x], records[y]
    agree, differ = _describe(a, b, scores, k, comparisons)
    weight = float(scores.weight[k])
    return ScoredPair(min(x, y), max(x, y), weight, settings.probability(weight), agree, differ)


def join_decided(
    labels: np.ndarray,
    must: Sequence[tuple[int, int]],
    cannot: Sequence[tuple[int, int]],
    contradicted: list[tuple[int, int]] | None = None,
) -> np.ndarray:
    """Staff ``Same`` decisions, applied *after* the engine clustered: each joins the two alumni
    holding its rows and nothing else, so no third row is pushed out of its alumnus (applied
    before, a Same pair could make the same-list rule refuse a row the engine had merged). A Same
    whose join would put a pair staff marked Different in one alumnus is not applied (the two
    decisions contradict each other; the Different, which keeps people apart, wins)."""
    root = {int(x): int(x) for x in np.unique(labels)}

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    members: dict[int, set[int]] = {}
    for r, label in enumerate(labels.tolist()):
        members.setdefault(label, set()).add(r)
    apart: dict[int, set[int]] = {}
    for a, b in cannot:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    for a, b in sorted((min(p), max(p)) for p in must):
        ra, rb = find(int(labels[a])), find(int(labels[b]))
        if ra == rb:
            continue
        small, big = (ra, rb) if len(members[ra]) <= len(members[rb]) else (rb, ra)
        if any(y in members[big] for x in members[small] for y in apart.get(x, ())):
            log.info("clustering: a Same decision contradicts a Different one; the Different holds")
            if contradicted is not None:
                contradicted.append((a, b))
            continue
        root[small] = big
        members[big] |= members.pop(small)
    return np.fromiter((find(int(x)) for x in labels.tolist()), dtype=np.int64, count=len(labels))


def link(
    records: Sequence[SourceRecord],
    settings: MatchSettings = MatchSettings(),  # noqa: B008 - frozen, shared default is safe
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
) -> Linkage:
    """Cluster ``records`` into people. Deterministic and independent of the order of ``records``."""
    started = time.perf_counter()
    n = len(records)
    if n == 0:
        return Linkage([], [], [], [])
    perm = np.array(sorted(range(n), key=lambda r: _sort_key(records[r])), dtype=np.int64)
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    f = prepare([records[p] for p in perm])
    ci, cj = candidate_pairs(f, settings.blocking, settings.max_block)
    comparisons = settings.comparisons
    if settings.estimate and n >= settings.min_records_for_em and len(ci) >= 500:
        comparisons = estimate_m(f, ci, cj, comparisons, settings.prior_weight)
    scores = score_pairs(f, ci, cj, comparisons, settings.caps, settings.upper, settings.corroborate_for(n))
    scored = _Scored(f, scores, settings, comparisons)
    log.info(
        "matching: %d records, %d candidate pairs scored in %.1fs", n, len(ci), time.perf_counter() - started
    )

    edges = np.flatnonzero(scores.weight >= settings.upper)
    edges = edges[np.lexsort((scores.j[edges], scores.i[edges], -scores.weight[edges]))]
    must = [(int(inv[a]), int(inv[b])) for a, b in must_link if a != b]
    cannot = [(int(inv[a]), int(inv[b])) for a, b in cannot_link if a != b]
    result = cluster(
        n, scores.i[edges], scores.j[edges], sid=f.sid, dob=f.dob, tab=f.tab_code, weight=scored.weight,
        conflict_at=settings.lower + settings.conflict_margin, same_list=settings.upper + settings.same_list_margin,
        cannot_link=cannot, grad=f.grad, strong=scored.strong,
        course=np.where(f.qual_known, f.qual_code, -1), faculty=f.qual_faculty, year_slip_at=settings.upper,
    )  # fmt: skip
    not_joined: list[tuple[int, int]] = []
    labels = join_decided(result.labels, must, cannot, not_joined)

    # Clusters, in canonical order (the same whatever the input order).
    groups: dict[int, list[int]] = {}
    for c in range(n):
        groups.setdefault(int(labels[c]), []).append(c)
    ordered = sorted(groups.values(), key=lambda members: members[0])
    cluster_of = np.empty(n, dtype=np.int64)
    for index, members in enumerate(ordered):
        cluster_of[members] = index
    clusters = [sorted(int(perm[c]) for c in members) for members in ordered]

    merges = [_pair(records, perm, scores, int(edges[k]), settings, comparisons) for k in result.used]
    confidence = [1.0] * len(clusters)
    for k, pair in zip(result.used, merges, strict=True):
        c = int(cluster_of[scores.i[edges[k]]])
        confidence[c] = min(confidence[c], settings.confidence(pair.weight, merged=True))
    forced = sorted({(min(a, b), max(a, b)) for a, b in must if a != b})
    if forced:
        extra = scored.extra(forced)
        for k in range(len(forced)):
            pair = _pair(records, perm, extra, k, settings, comparisons)
            merges.append(ScoredPair(pair.i, pair.j, pair.weight, 1.0, ("marked Same in Review", *pair.agreements),
                                     pair.disagreements))  # fmt: skip

    # Review: one pair per pair of clusters, the strongest; never between clusters staff separated.
    separated = {tuple(sorted((int(cluster_of[a]), int(cluster_of[b])))) for a, b in cannot}
    refused = {int(edges[k]) for k, why in result.refused if why != "marked Different in Review"}
    band = np.flatnonzero((scores.weight >= settings.lower) & (scores.weight < settings.upper))
    candidates = sorted(
        set(band.tolist()) | refused, key=lambda k: (-scores.weight[k], scores.i[k], scores.j[k])
    )
    seen: set[tuple[int, int]] = set()
    review: list[ScoredPair] = []
    for k in candidates:
        ca, cb = int(cluster_of[scores.i[k]]), int(cluster_of[scores.j[k]])
        key = (min(ca, cb), max(ca, cb))
        if ca == cb or key in seen or key in separated:
            continue
        seen.add(key)
        review.append(_pair(records, perm, scores, k, settings, comparisons))
    log.info(
        "matching: %d records -> %d people, %d merges, %d review pairs in %.1fs",
        n, len(clusters), len(merges), len(review), time.perf_counter() - started,
    )  # fmt: skip
    contradicted = sorted(
        (min(int(perm[a]), int(perm[b])), max(int(perm[a]), int(perm[b]))) for a, b in not_joined
    )
    return Linkage(clusters, confidence, review, merges, contradicted)


def link_to(
    queries: Sequence[SourceRecord],
    records: Sequence[SourceRecord],
    clusters: list[list[int]],
    settings: MatchSettings = MatchSettings(),  # noqa: B008
) -> list[tuple[int | None, ScoredPair | None]]:
    """For each query row, the cluster of its best-matching record when the weight reaches
    ``upper`` (else None), with that best pair (``i`` = query index, ``j`` = record index) or None
    when no record shares a blocking key with it."""
    nq = len(queries)
    out: list[tuple[int | None, ScoredPair | None]] = [(None, None)] * nq
    if nq == 0 or not records:
        return out
    cluster_of = np.full(len(records), -1, dtype=np.int64)
    for index, members in enumerate(clusters):
        cluster_of[members] = index
    combined = list(queries) + list(records)
    f = prepare(combined)
    qi, rj = cross_pairs(f, nq, settings.blocking, settings.max_block)
    return best_links(queries, records, cluster_of, f, qi, rj, settings)


def best_links(
    queries: Sequence[SourceRecord],
    records: Sequence[SourceRecord],
    cluster_of: np.ndarray,
    f: Features,
    qi: np.ndarray,
    rj: np.ndarray,
    settings: MatchSettings,
) -> list[tuple[int | None, ScoredPair | None]]:
    """Score the candidate pairs (``qi`` query index, ``rj`` = ``len(queries)`` + record index, in
    the features ``f`` of queries followed by records) and keep each query's best pair and, when
    it reaches ``upper``, that record's cluster (``cluster_of``, -1 for none)."""
    nq = len(queries)
    out: list[tuple[int | None, ScoredPair | None]] = [(None, None)] * nq
    corroborate = settings.corroborate_for(len(records))
    scores = score_pairs(f, qi, rj, settings.comparisons, settings.caps, settings.upper, corroborate)
    order = np.lexsort((rj, qi, -scores.weight))
    best: dict[int, int] = {}
    for k in order.tolist():
        best.setdefault(int(qi[k]), k)
    for q, k in best.items():
        r = int(rj[k]) - nq
        agree, differ = _describe(queries[q], records[r], scores, k, settings.comparisons)
        weight = float(scores.weight[k])
        pair = ScoredPair(q, r, weight, settings.probability(weight), agree, differ)
        target = int(cluster_of[r]) if weight >= settings.upper and cluster_of[r] >= 0 else None
        out[q] = (target, pair)
    return out
