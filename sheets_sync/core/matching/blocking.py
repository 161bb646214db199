"""Candidate pairs: only rows that share at least one blocking key are ever compared.

Blocking rules are data (:data:`DEFAULT_BLOCKING`): each names a key built per record. A record
has many keys (one per email, per phone, per name token...), two records become a candidate pair
when any key is equal. Keys shared by more than ``max_block`` records (a very common surname
plus initial) are dropped — the other keys still find the true pairs — so 100,000 rows give a
few hundred thousand pairs, never 10^10.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from sheets_sync.core.matching.features import Features
from sheets_sync.core.text.synonyms import sound_alike

log = logging.getLogger(__name__)

KeyRule = Callable[[Features, int], Iterator[str]]


def _emails(f: Features, r: int) -> Iterator[str]:
    for code in f.email[r]:
        if code >= 0:
            yield str(code)


def _phones(f: Features, r: int) -> Iterator[str]:
    for code in f.phone[r]:
        if code >= 0:
            yield str(code)


def _student_id(f: Features, r: int) -> Iterator[str]:
    if f.sid[r]:
        yield f.sid[r]


def _birth_date(f: Features, r: int) -> Iterator[str]:
    if f.dob[r]:
        yield f.dob[r]


def _readings(f: Features, r: int) -> Iterator[tuple[Features, str, str]]:
    """The record's name as typed and, for a whole name typed in the first-name column with the
    surname empty ("Henk Geertsen" | ""), that name split in two (:attr:`Features.alt`)."""
    yield f, f.first[r], f.sur[r]
    if f.alt is not None and f.resplit is not None and f.resplit[r]:
        yield f.alt, f.alt.first[r], f.alt.sur[r]


def _name_tokens(f: Features, r: int) -> Iterator[str]:
    """All name words, ascii-folded and sorted: robust to order and accents."""
    tokens = sorted(set(f"{f.first[r]} {f.sur[r]}".split()))
    if tokens:
        yield " ".join(tokens)


def _surname_token_initial(f: Features, r: int) -> Iterator[str]:
    """Each surname word + first initial, and each first-name word + surname initial (swaps):
    finds a missing second surname (García López / García) and typos in the first name. Words are
    spelled sound-alike (Fallier / Falier, Carolinna / Carolina)."""
    for _, first, sur in _readings(f, r):
        if first and sur:
            for token in sur.split():
                if len(token) > 1:
                    yield f"{sound_alike(token)}|{first[0]}"
            for token in first.split():
                if len(token) > 1:
                    yield f"{sound_alike(token)}|{sur[0]}"


def _nickname_surname(f: Features, r: int) -> Iterator[str]:
    """Nickname group + each surname word (Paco/Francisco García)."""
    for g, _, sur in _readings(f, r):
        for group in g.first_nick[r]:
            if group < 0:
                continue
            for token in sur.split():
                yield f"{group}|{token}"


def _prefixes(f: Features, r: int) -> Iterator[str]:
    """First 4 letters of each surname word + first 2 of the first name (typos further on)."""
    for _, first, sur in _readings(f, r):
        if first and sur:
            for token in sur.split():
                yield f"{token[:4]}|{first[:2]}"


def _postcode_initials(f: Features, r: int) -> Iterator[str]:
    if f.postcode[r] and f.sur[r]:
        yield f"{f.postcode[r]}|{f.sur[r][0]}"


DEFAULT_BLOCKING: tuple[tuple[str, KeyRule], ...] = (
    ("email", _emails),
    ("phone", _phones),
    ("student_id", _student_id),
    ("birth_date", _birth_date),
    ("name_tokens", _name_tokens),
    ("surname_initial", _surname_token_initial),
    ("nickname_surname", _nickname_surname),
    ("prefixes", _prefixes),
    ("postcode_initial", _postcode_initials),
)


@functools.lru_cache(maxsize=2048)
def _triu(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(size, k=1)


def record_keys(f: Features, rules=DEFAULT_BLOCKING) -> tuple[np.ndarray, np.ndarray]:
    """(record index, key) rows for every record and rule; keys are prefixed by the rule name."""
    rows: list[int] = []
    keys: list[str] = []
    for name, rule in rules:
        for r in range(f.n):
            for key in rule(f, r):
                rows.append(r)
                keys.append(f"{name}:{key}")
    return np.asarray(rows, dtype=np.int64), np.asarray(keys, dtype=object)


def candidate_pairs(
    f: Features, rules=DEFAULT_BLOCKING, max_block: int = 400
) -> tuple[np.ndarray, np.ndarray]:
    """Unique (i, j), i < j, sharing at least one key; sorted, so the result is deterministic."""
    rows, keys = record_keys(f, rules)
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes, _ = pd.factorize(keys)
    frame = (
        pd.DataFrame({"key": codes, "row": rows}).drop_duplicates().sort_values(["key", "row"], kind="stable")
    )
    key_arr, row_arr = frame["key"].to_numpy(), frame["row"].to_numpy()
    starts = np.flatnonzero(np.r_[True, key_arr[1:] != key_arr[:-1]])
    sizes = np.diff(np.r_[starts, len(key_arr)])
    dropped = int((sizes > max_block).sum())
    if dropped:
        log.info("blocking: %d keys shared by more than %d rows were skipped", dropped, max_block)
    parts: list[np.ndarray] = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_block)]):
        group_starts = starts[sizes == size]
        ti, tj = _triu(int(size))
        a = row_arr[group_starts[:, None] + ti[None, :]].ravel()
        b = row_arr[group_starts[:, None] + tj[None, :]].ravel()
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        parts.append(lo * f.n + hi)
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pair_codes = np.sort(np.concatenate(parts))
    pair_codes = pair_codes[np.r_[True, pair_codes[1:] != pair_codes[:-1]]]
    return pair_codes // f.n, pair_codes % f.n


def cross_pairs(
    fq: Features, n_queries: int, rules=DEFAULT_BLOCKING, max_block: int = 400
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (query, record) for features built on ``queries + records``: only pairs that straddle."""
    i, j = candidate_pairs(fq, rules, max_block)
    keep = (i < n_queries) & (j >= n_queries)
    return i[keep], j[keep]
