"""Link several batches of staff-tab rows to the records of this run, preparing the records once.

:func:`link_batches` gives, for each batch, exactly what ``matching.link_to(batch, records,
clusters, settings)`` gives — the same best pair, weight and cluster — but builds the features
(:func:`features.prepare`) and the blocking keys of the ~20,000 records once for all batches
instead of once per batch, and pairs a batch's rows only with the records sharing one of their
keys instead of blocking the whole set.

How it stays identical: the features are prepared on ``all queries + records``; each batch then
sees a *view* of them holding its own queries and the records. Per-record arrays are sliced (codes
stay consistent, only their equality matters); the counts behind the term-frequency weights, and
the block sizes, are recounted over the view, since ``link_to`` counts over ``batch + records``.
So are the statistics of the whole set (:data:`DERIVED`, e.g. the spread of graduation years).
When the features carry a count or a statistic this module does not know how to compute again (or
computing it on the whole set does not reproduce :func:`prepare`'s), it falls back to ``link_to``
per batch: slower, never different.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from . import features as features_module
from .blocking import record_keys
from .features import Features, prepare
from .matching import MatchSettings, ScoredPair, _describe, link_to
from .model import SourceRecord
from .scoring import score_pairs

log = logging.getLogger(__name__)

Found = tuple[int | None, ScoredPair | None]


def _count(values: np.ndarray) -> np.ndarray:
    """How many rows share each row's value ("" counts 0), as ``features._codes`` counts."""
    codes, uniques = pd.factorize(values)
    codes = codes.astype(np.int64)
    empty = np.flatnonzero(uniques == "")
    if len(empty):
        codes[codes == empty[0]] = -1
    out = np.zeros(len(values), dtype=np.int64)
    known = codes >= 0
    if known.any():
        out[known] = np.bincount(codes[known])[codes[known]]
    return out


def _full_name_codes(f: Features) -> np.ndarray | None:
    key = getattr(features_module, "full_name_key", None)
    if key is None:
        return None
    names = np.asarray([key(a, b) for a, b in zip(f.first, f.sur, strict=True)], dtype=object)
    codes, uniques = pd.factorize(names)
    codes = codes.astype(np.int64)
    empty = np.flatnonzero(uniques == "")
    if len(empty):
        codes[codes == empty[0]] = -1
    return codes


def _holders(f: Features, codes: np.ndarray) -> np.ndarray | None:
    """Identity groups (rows joined by an email, phone or student id) carrying each row's full name."""
    groups = getattr(features_module, "_identity_groups", None)
    holders = getattr(features_module, "_holders", None)
    if groups is None or holders is None:
        return None
    return holders(codes, groups([f.email, f.phone, f.sid_code[:, None]]))


@dataclass(frozen=True)
class Recount:
    """How to count one of ``Features.counts`` again on a subset of the rows: ``column`` is
    computed once per row on the whole set (None: not possible), ``count`` on the subset."""

    column: Callable[[Features], np.ndarray | None]
    count: Callable[[Features, np.ndarray], np.ndarray | None] = lambda f, column: _count(column)


RECOUNTS: dict[str, Recount] = {
    "first_name": Recount(lambda f: f.first),
    "surname": Recount(lambda f: f.sur),
    "full_name": Recount(_full_name_codes, _holders),
    "qualification": Recount(lambda f: f.qual),
    "postcode": Recount(lambda f: f.postcode),
    "city": Recount(lambda f: f.city),
}
Columns = dict[str, np.ndarray]  # counts field -> its recount column, one entry per row


def _columns(f: Features, main: Features | None = None) -> Columns | None:
    """The recount columns of ``f``'s counts (of ``f.alt``'s: those it does not share with
    ``main``), each checked to give :func:`prepare`'s counts back on the whole set; None when one
    cannot be recounted (``link_batches`` then links batch by batch)."""
    columns: Columns = {}
    for name, counts in f.counts.items():
        if main is not None and counts is main.counts.get(name):
            continue
        recount = RECOUNTS.get(name)
        column = recount.column(f) if recount else None
        again = recount.count(f, column) if recount and column is not None else None
        if column is None or again is None or not np.array_equal(again, counts):
            log.info("lookup: no recount for the %r counts; linking batch by batch (slower)", name)
            return None
        columns[name] = column
    return columns


def _recount(name: str, view: Features, column: np.ndarray) -> np.ndarray:
    counts = RECOUNTS[name].count(view, column)
    if counts is None:  # _columns checked it on the whole set
        raise RuntimeError(f"lookup: the {name!r} counts could not be recounted")
    return counts


def _year_u(f: Features) -> object:
    compute = getattr(features_module, "year_u", None)
    return compute(f.grad) if compute is not None else _UNKNOWN


_UNKNOWN = object()
# Features fields that are not per-row arrays but statistics of the whole set -> how to compute
# them again on a subset of the rows (checked on the whole set, see _derived_hold)
DERIVED: dict[str, Callable[[Features], object]] = {"year_u": _year_u}
_STRUCTURE = frozenset({"n", "counts", "alt"})


def _per_row(value: object, n: int) -> bool:
    return isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) == n


def _derived_hold(f: Features) -> bool:
    """Every field of ``f`` is a per-row array, structure, or a statistic of :data:`DERIVED` that
    gives :func:`prepare`'s own value back on the whole set."""
    for field in fields(f):
        value = getattr(f, field.name)
        if field.name in _STRUCTURE or _per_row(value, f.n):
            continue
        again = DERIVED[field.name](f) if field.name in DERIVED else _UNKNOWN
        if again is _UNKNOWN or again != value:
            log.info("lookup: cannot compute %r on a subset; linking batch by batch (slower)", field.name)
            return False
    return True


def _slice(f: Features, rows: np.ndarray) -> Features:
    changes: dict[str, object] = {"n": len(rows)}
    for field in fields(f):
        value = getattr(f, field.name)
        if _per_row(value, f.n):
            changes[field.name] = value[rows]
    view = replace(f, **changes)  # type: ignore[arg-type]
    derived = {name: compute(view) for name, compute in DERIVED.items() if hasattr(f, name)}
    return replace(view, **derived)  # type: ignore[arg-type]


def _view(f: Features, rows: np.ndarray, columns: Columns, alt_columns: Columns) -> Features:
    """The features ``prepare`` would give for the records ``rows`` alone (codes aside: only
    their equality matters, and the subset keeps it)."""
    view = _slice(replace(f, alt=None), rows)
    counts = {name: _recount(name, view, columns[name][rows]) for name in f.counts}
    view = replace(view, counts=counts)
    if f.alt is None or view.resplit is None or not view.resplit.any():
        return view
    alt = _slice(replace(f.alt, alt=None), rows)
    alt_counts = {
        name: _recount(name, alt, alt_columns[name][rows]) if name in alt_columns else counts[name]
        for name in f.alt.counts
    }
    return replace(view, alt=replace(alt, counts=alt_counts))


class _Keys:
    """Blocking keys of every row, as (key code, row) pairs without repeats, sorted."""

    def __init__(self, f: Features, settings: MatchSettings) -> None:
        rows, keys = record_keys(f, settings.blocking)
        codes = pd.factorize(keys)[0].astype(np.int64) if len(keys) else np.zeros(0, dtype=np.int64)
        pairs = np.unique(codes * f.n + rows)
        self.n = f.n
        self.code, self.row = pairs // f.n, pairs % f.n

    def cross(
        self, start: int, stop: int, first_record: int, max_block: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(query, record) pairs of queries ``start:stop`` sharing a key in a block of at most
        ``max_block`` rows, counted among these queries and the records (rows ``first_record:``);
        view indices (queries first), sorted, as ``blocking.cross_pairs`` gives them."""
        is_query = (self.row >= start) & (self.row < stop)
        wanted = np.isin(self.code, np.unique(self.code[is_query]))
        sel = wanted & (is_query | (self.row >= first_record))
        code, row, query = self.code[sel], self.row[sel], is_query[sel]
        nq = stop - start
        bounds = np.flatnonzero(np.r_[True, code[1:] != code[:-1], True])
        parts: list[np.ndarray] = []
        width = nq + self.n - first_record  # rows of the view
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            if b - a > max_block:
                continue
            qs = row[a:b][query[a:b]] - start
            rs = row[a:b][~query[a:b]] - first_record + nq
            if len(qs) and len(rs):
                parts.append((qs[:, None] * width + rs[None, :]).ravel())
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        pair_codes = np.unique(np.concatenate(parts))
        return pair_codes // width, pair_codes % width


def _best(
    queries: Sequence[SourceRecord],
    records: Sequence[SourceRecord],
    cluster_of: np.ndarray,
    f: Features,
    qi: np.ndarray,
    rj: np.ndarray,
    settings: MatchSettings,
) -> list[Found]:
    """The tail of ``matching.link_to``: each query's best pair and its cluster."""
    nq = len(queries)
    out: list[Found] = [(None, None)] * nq
    rule = getattr(settings, "corroborate_for", None)  # as link_to: by the number of records
    corroborate = rule(len(records)) if rule is not None else settings.corroborate
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


def link_batches(
    batches: Sequence[Sequence[SourceRecord]],
    records: Sequence[SourceRecord],
    clusters: list[list[int]],
    settings: MatchSettings = MatchSettings(),  # noqa: B008 - frozen, shared default is safe
) -> list[list[Found]]:
    """For each batch, ``matching.link_to(batch, records, clusters, settings)``, computed together."""
    if not records or not any(batches):
        return [[(None, None)] * len(batch) for batch in batches]
    started = time.perf_counter()
    queries = [q for batch in batches for q in batch]
    nq_all = len(queries)
    f = prepare([*queries, *records])
    columns = _columns(f)
    alt_columns = _columns(f.alt, f) if f.alt is not None and columns is not None else {}
    derived = _derived_hold(f) and (f.alt is None or _derived_hold(f.alt))
    if columns is None or alt_columns is None or not derived:
        return [link_to(batch, records, clusters, settings) for batch in batches]
    cluster_of = np.full(len(records), -1, dtype=np.int64)
    for index, members in enumerate(clusters):
        cluster_of[members] = index
    blocking = _Keys(f, settings)
    record_rows = np.arange(nq_all, f.n)
    out: list[list[Found]] = []
    start = 0
    for batch in batches:
        stop = start + len(batch)
        if not batch:
            out.append([])
            continue
        view = _view(f, np.r_[np.arange(start, stop), record_rows], columns, alt_columns)
        qi, rj = blocking.cross(start, stop, nq_all, settings.max_block)
        out.append(_best(batch, records, cluster_of, view, qi, rj, settings))
        start = stop
    log.info(
        "lookup: %d rows in %d batches against %d records in %.1fs",
        nq_all, len(batches), len(records), time.perf_counter() - started,
    )  # fmt: skip
    return out
