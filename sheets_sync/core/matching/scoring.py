"""Fellegi–Sunter scoring of candidate pairs, and optional EM estimation of the m probabilities.

A pair's match weight is the sum over comparisons of ``log2(m / u)`` for the level the pair is
at (0 when a side is empty): the log2 Bayes factor "same person" vs "different people".
Names are scored twice — as given and with first name/surname swapped on one side — and the
better reading is kept, so "García López María" finds "María García López".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz

from sheets_sync.core.matching.comparisons import (
    Cap,
    Comparison,
    assign_levels,
    cpdist,
    field_view,
    name_view,
)
from sheets_sync.core.matching.features import Features

log = logging.getLogger(__name__)

_TF_SELF = 2  # a value seen only in the pair itself is as rare as the floor says


@dataclass(frozen=True)
class Scores:
    i: np.ndarray  # record index (features order)
    j: np.ndarray
    levels: np.ndarray  # (pairs, comparisons) int8, -1 = not comparable
    swapped: np.ndarray  # int8: names read as given (0), swapped (1), re-split (2), whole name split (3)
    weight: np.ndarray  # float64 log2 Bayes factor


def _tf_u(f: Features, comparison: Comparison, level_index: int, ia: np.ndarray) -> np.ndarray:
    """u for an exact agreement on a value that ``counts`` records share (floor: the level's u)."""
    counts = f.counts.get(comparison.field)
    floor = comparison.levels[level_index].u
    if counts is None:
        return np.full(len(ia), floor)
    known = max(int((counts > 0).sum()), 1)
    return np.maximum(floor, (counts[ia] - _TF_SELF) / known)


_U_FLOOR = 0.005  # no agreement is treated as rarer than 1 in 200 by chance


def data_levels(f: Features, comparison: Comparison) -> tuple:
    """The comparison's levels, with u of the graduation year's "same" and "one apart" levels
    read from the lists' own years when there are enough (:func:`features.year_u`)."""
    if comparison.field != "graduation_year" or f.year_u is None:
        return comparison.levels
    same, near = f.year_u
    out = []
    for lv in comparison.levels:
        if lv.kind == "exact":
            lv = replace(lv, u=max(same, _U_FLOOR))
        elif lv.kind == "within" and lv.threshold == 1:
            lv = replace(lv, u=max(near, _U_FLOOR))
        out.append(lv)
    return tuple(out)


def level_weights(f: Features, comparison: Comparison, levels: np.ndarray, ia: np.ndarray) -> np.ndarray:
    table = np.array([lv.weight for lv in data_levels(f, comparison)] + [0.0])  # index -1 -> 0.0
    w = table[levels.astype(np.int64)]
    for index, level in enumerate(comparison.levels):
        if level.tf:
            at = np.flatnonzero(levels == index)
            if len(at):
                w[at] = np.log2(level.m / _tf_u(f, comparison, index, ia[at]))
    return w


def _names(f: Features, comparisons: dict[str, Comparison], ia: np.ndarray, ib: np.ndarray):
    """Levels for first name and surname, read three ways, the one that weighs most kept:
    as given; swapped on one side ("García López, María"); and, when all the words of one full
    name appear in the other, as a different split of the same words ("Salvador Sainz | Torres"
    vs "Salvador | Sainz Torres") — both fields then count as partly equal."""
    present = [name for name in ("first_name", "surname") if name in comparisons]
    direct = {n: assign_levels(comparisons[n], name_view(f, n, ia, ib, False)) for n in present}
    reading = np.zeros(len(ia), dtype=np.int8)  # 0 as given, 1 swapped, 2 re-split, 3 whole name
    if len(present) < 2:
        _whole_name(f, comparisons, present, direct, reading, ia, ib)
        return direct, reading
    fc, sc = comparisons["first_name"], comparisons["surname"]
    else_f, else_s = len(fc.levels) - 1, len(sc.levels) - 1
    complete = (
        (f.first_code[ia] >= 0) & (f.sur_code[ia] >= 0) & (f.first_code[ib] >= 0) & (f.sur_code[ib] >= 0)
    )
    doubtful = complete & ((direct["first_name"] == else_f) | (direct["surname"] == else_s))
    # Swapped reading: only worth scoring when the initials line up crosswise.
    rows = np.flatnonzero(doubtful & (f.first_ch[ia] == f.sur_ch[ib]) & (f.sur_ch[ia] == f.first_ch[ib]))
    if len(rows):
        a, b = ia[rows], ib[rows]
        best = sum(level_weights(f, comparisons[n], direct[n][rows], a) for n in present)
        alt = {n: assign_levels(comparisons[n], name_view(f, n, a, b, True)) for n in present}
        w_alt = sum(level_weights(f, comparisons[n], alt[n], a) for n in present)
        better = w_alt > best + 1e-9
        for n in present:
            direct[n][rows[better]] = alt[n][better]
        reading[rows[better]] = 1
    # Re-split reading: only when the name words are split differently between the two rows.
    rows = np.flatnonzero(doubtful & (reading == 0) & (f.first_words[ia] != f.first_words[ib]))
    if len(rows) and "part" in fc.kinds() and "part" in sc.kinds():
        a, b = ia[rows], ib[rows]
        best = sum(level_weights(f, comparisons[n], direct[n][rows], a) for n in present)
        full_a = np.array([f"{x} {y}" for x, y in zip(f.first[a], f.sur[a], strict=True)], dtype=object)
        full_b = np.array([f"{x} {y}" for x, y in zip(f.first[b], f.sur[b], strict=True)], dtype=object)
        words = np.minimum(f.first_words[a] + f.sur_words[a], f.first_words[b] + f.sur_words[b])
        subset = (words >= 2) & (cpdist(full_a, full_b, fuzz.token_set_ratio) >= 100)
        part_f, part_s = fc.kinds().index("part"), sc.kinds().index("part")
        w_split = np.where(subset, fc.levels[part_f].weight + sc.levels[part_s].weight, -np.inf)
        better = w_split > best + 1e-9
        direct["first_name"][rows[better]] = part_f
        direct["surname"][rows[better]] = part_s
        reading[rows[better]] = 2
    # The very same name words, split elsewhere ("Pelaez | Alberdi Flavia", a surname-first name
    # cut at its first space, vs "Flavia | Pelaez Alberdi"): the same name, read as such.
    same_words = (f.full_code[ia] >= 0) & (f.full_code[ia] == f.full_code[ib])
    rows = np.flatnonzero(doubtful & (reading == 0) & same_words)
    if len(rows) and "exact" in fc.kinds() and "exact" in sc.kinds():
        a = ia[rows]
        best = sum(level_weights(f, comparisons[n], direct[n][rows], a) for n in present)
        exact_f, exact_s = fc.kinds().index("exact"), sc.kinds().index("exact")
        as_exact = {
            "first_name": np.full(len(rows), exact_f, dtype=np.int8),
            "surname": np.full(len(rows), exact_s, dtype=np.int8),
        }
        w_same = sum(level_weights(f, comparisons[n], as_exact[n], a) for n in present)
        better = w_same > best + 1e-9
        for n in present:
            direct[n][rows[better]] = as_exact[n][better]
        reading[rows[better]] = 2
    _whole_name(f, comparisons, present, direct, reading, ia, ib)
    return direct, reading


def _whole_name(f: Features, comparisons, present, direct, reading, ia, ib) -> None:
    """Fourth reading: a whole name typed in the first-name column with the surname empty
    ("Margus Ivask" | "") read as first name + surname (``Features.alt``); kept when it weighs more."""
    if f.alt is None or f.resplit is None or not present:
        return
    # only when it yields a surname to compare on both sides ("Lucía Sofía" | "" vs "Lucía" | ""
    # is a dropped given name, not a surname)
    both = (f.alt.sur_code[ia] >= 0) & (f.alt.sur_code[ib] >= 0)
    rows = np.flatnonzero((f.resplit[ia] | f.resplit[ib]) & both)
    if not len(rows):
        return
    a, b = ia[rows], ib[rows]
    best = sum(level_weights(f, comparisons[n], direct[n][rows], a) for n in present)
    alt = {n: assign_levels(comparisons[n], name_view(f.alt, n, a, b, False)) for n in present}
    w_alt = sum(level_weights(f.alt, comparisons[n], alt[n], a) for n in present)
    better = w_alt > best + 1e-9
    for n in present:
        direct[n][rows[better]] = alt[n][better]
    reading[rows[better]] = 3


def _crowded_names(
    f: Features, by_field: dict[str, Comparison], names: dict, ia, ib, name_weight
) -> np.ndarray:
    """Correction of the name weight for a full name many rows carry.

    Every row with the same full name (words folded and sorted) besides the pair is one more row
    that would have agreed with the other side just as well, so ``u`` of the name agreement is
    ``max(u_first * u_surname, floor_first * floor_surname * c)``, with ``c`` such rows on the
    more crowded side: one bit less each time ``c`` doubles. "Mart Tamm" on 15 rows, or "Luca
    Eposito" next to 32 rows of "Luca Esposito", is a much weaker clue than a name only the
    pair carries. Applies to pairs whose names agree (positive name weight at the level floors)."""
    out = np.zeros(len(ia))
    counts = f.counts.get("full_name")
    if counts is None or "first_name" not in names or "surname" not in names:
        return out
    floor = np.zeros(len(ia))
    for field in ("first_name", "surname"):
        table = np.array([lv.weight for lv in by_field[field].levels] + [0.0])
        floor += table[names[field].astype(np.int64)]
    competitors = np.maximum(counts[ia], counts[ib]) - _TF_SELF
    rows = np.flatnonzero((floor > 0) & (competitors > 1))
    ceiling = floor[rows] - np.log2(competitors[rows])
    out[rows] = np.minimum(name_weight[rows], ceiling) - name_weight[rows]
    return out


def score_pairs(
    f: Features,
    ia: np.ndarray,
    ib: np.ndarray,
    comparisons: tuple[Comparison, ...],
    caps: tuple[Cap, ...] = (),
    upper: float = np.inf,
    corroborate: bool = False,
) -> Scores:
    by_field = {c.field: c for c in comparisons}
    names, swapped = _names(f, by_field, ia, ib)
    corroborated = np.zeros(len(ia), dtype=bool)
    first_else = None
    if "first_name" in by_field:
        first_else = names["first_name"] == len(by_field["first_name"].levels) - 1
    levels = np.full((len(ia), len(comparisons)), -1, dtype=np.int8)
    weight = np.zeros(len(ia))
    name_weight = np.zeros(len(ia))
    for col, comparison in enumerate(comparisons):
        if comparison.field in names:
            lv = names[comparison.field]
        else:
            lv = assign_levels(comparison, field_view(f, comparison.field, ia, ib), first_else)
        levels[:, col] = lv
        w = level_weights(f, comparison, lv, ia)
        weight += w
        if comparison.field in names:
            name_weight += w
        else:
            corroborated |= w > 0
    weight += _crowded_names(f, by_field, names, ia, ib, name_weight)
    # a name alone never merges in small lists (``corroborate``), nor, at any size, a name common
    # in the population: such pairs need something else that agrees
    needs_more = np.full(len(ia), corroborate)
    if f.common is not None:
        needs_more |= f.common[ia] & f.common[ib]
    alone = needs_more & ~corroborated
    weight[alone] = np.minimum(weight[alone], upper - 1.0)
    col_of = {c.field: k for k, c in enumerate(comparisons)}
    for cap in caps:
        if cap.field not in col_of:
            continue
        kind_index = (
            by_field[cap.field].kinds().index(cap.kind) if cap.kind in by_field[cap.field].kinds() else -2
        )
        hit = levels[:, col_of[cap.field]] == kind_index
        for field, kind in cap.unless:
            if field in col_of and kind in by_field[field].kinds():
                hit &= levels[:, col_of[field]] != by_field[field].kinds().index(kind)
        weight[hit] = np.minimum(weight[hit], upper - cap.margin)
    return Scores(i=ia, j=ib, levels=levels, swapped=swapped, weight=weight)


def estimate_m(
    f: Features,
    ia: np.ndarray,
    ib: np.ndarray,
    comparisons: tuple[Comparison, ...],
    prior_weight: float,
    iterations: int = 15,
) -> tuple[Comparison, ...]:
    """EM for the m probabilities on the candidate pairs, u fixed at the defaults (as splink does
    after estimating u): E-step = match probability per pair, M-step = m per level."""
    scores = score_pairs(f, ia, ib, comparisons)
    levels = scores.levels
    lam = 2.0**prior_weight / (1 + 2.0**prior_weight)
    current = comparisons
    for _ in range(iterations):
        w = np.zeros(len(ia))
        for col, comparison in enumerate(current):
            w += level_weights(f, comparison, levels[:, col], ia)
        odds = np.clip(w + np.log2(lam / (1 - lam)), -60, 60)
        p = 1.0 / (1.0 + 2.0**-odds)
        lam = float(np.clip(p.mean(), 1e-6, 0.5))
        updated = []
        for col, comparison in enumerate(current):
            lv = levels[:, col]
            mass = np.array([p[lv == k].sum() for k in range(len(comparison.levels))])
            total = mass.sum()
            if total <= 0:
                updated.append(comparison)
                continue
            m = np.clip(mass / total, 1e-4, 0.9999)
            updated.append(
                replace(
                    comparison,
                    levels=tuple(
                        replace(lv_, m=float(mk)) for lv_, mk in zip(comparison.levels, m, strict=True)
                    ),
                )
            )
        current = tuple(updated)
    log.info("EM: estimated m for %d comparisons on %d candidate pairs", len(current), len(ia))
    return current
