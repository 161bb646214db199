"""Comparisons described as data: each field has ordered levels, each level an m and u probability.

Like splink's comparison library: a :class:`Comparison` names a field and lists :class:`Level`s
from the most specific agreement to ``else``; the first level whose predicate holds is the pair's
level. The level's match weight is ``log2(m / u)`` (Fellegi–Sunter), where

* ``m`` = P(this level | the two rows are the same person),
* ``u`` = P(this level | they are different people).

A pair where either side is empty gets no level for that field (weight 0). Predicates are
vectorised over all candidate pairs (numpy on integer codes, rapidfuzz ``process.cpdist`` for
string similarity). The default m/u values and why they are what they are: ``docs/matching.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler

from sheets_sync.core.matching.features import MULTI, Features
from sheets_sync.core.text.synonyms import sound_alike

_WORKERS = 2  # the target machine has 2 cores
MIN_TYPO_ID = 5  # shorter student ids must be equal: "296" and "297" are two students


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison.

    ``kind`` is the predicate: exact, nickname, part (one name's words contain the other's),
    fuzzy (similarity >= ``threshold``), initial, household (shared email/phone but the first
    names differ), related (two courses of one faculty), local_part (same email before "@"), transposed (day/month swapped), typo (one
    edit), year, within (numbers differ by <= ``threshold``), else (anything left).
    ``reason`` is the text shown in ``Review``/``Alumni``; ``{a}``, ``{b}`` and ``{diff}`` are filled
    in. ``tf`` = the u probability grows with how common the value is (term frequency): two
    "María" agree far more often by chance than two "Eulalia"; ``u`` is then the floor.
    """

    kind: str
    m: float
    u: float
    reason: str
    threshold: float = 0.0
    tf: bool = False

    @property
    def weight(self) -> float:
        return float(np.log2(self.m / self.u))


@dataclass(frozen=True)
class Comparison:
    field: str  # first_name surname email phone student_id birth_date graduation_year qualification ...
    levels: tuple[Level, ...]

    def kinds(self) -> tuple[str, ...]:
        return tuple(level.kind for level in self.levels)


@dataclass(frozen=True)
class Cap:
    """A pair at ``field``'s ``kind`` level never scores above ``upper - margin`` unless one of the
    ``unless`` (field, kind) levels holds: it can reach ``Review`` but is never merged blindly."""

    field: str
    kind: str
    unless: tuple[tuple[str, str], ...] = ()
    margin: float = 1.0


L = Level
DEFAULT_COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "first_name",
        (
            L("exact", 0.86, 0.01, "same first name", tf=True),
            L("nickname", 0.03, 0.002, "first name nickname ({a}/{b})"),
            L("part", 0.03, 0.004, "first name partly equal ({a}/{b})"),
            L("fuzzy", 0.04, 0.006, "first name similar ({a}/{b})", threshold=0.9),
            L("typo", 0.02, 0.004, "first name differs by one letter ({a}/{b})", threshold=1),
            L("initial", 0.01, 0.003, "first name initial matches ({a}/{b})"),
            L("nickname_typo", 0.005, 0.001, "first name a misspelt nickname ({a}/{b})"),
            L("else", 0.03, 0.96, "different first name ({a}/{b})"),
        ),
    ),
    Comparison(
        "surname",
        (
            L("exact", 0.82, 0.005, "same surname", tf=True),
            L("part", 0.08, 0.002, "surname partly equal ({a}/{b})"),
            L("fuzzy", 0.06, 0.004, "surname similar ({a}/{b})", threshold=0.9),
            L("part_fuzzy", 0.03, 0.003, "surname partly similar ({a}/{b})", threshold=0.9),
            L("else", 0.04, 0.99, "different surname ({a}/{b})"),
        ),
    ),
    Comparison(
        "email",
        (
            L("household", 0.005, 0.0001, "same email but different first names"),
            L("exact", 0.55, 0.00001, "same email"),
            L("local_part", 0.03, 0.0005, "same email name, different domain ({a}/{b})"),
            L("else", 0.45, 0.9999, "different emails"),
        ),
    ),
    Comparison(
        "phone",
        (
            L("household", 0.01, 0.0006, "same phone but different first names (family phone?)"),
            L("exact", 0.6, 0.0001, "same phone"),
            L("else", 0.4, 0.9999, "different phones"),
        ),
    ),
    Comparison(
        "student_id",
        (
            L("exact", 0.92, 0.000001, "same student id"),
            L(
                "typo", 0.04, 0.0001, "student id differs by one character ({a}/{b})", threshold=1
            ),  # ids >= 5 chars
            L("else", 0.04, 0.9999, "different student id ({a}/{b})"),
        ),
    ),
    Comparison(
        "birth_date",
        (
            L("exact", 0.88, 0.0005, "same date of birth"),
            L("transposed", 0.01, 0.0001, "date of birth with day and month swapped"),
            L("typo", 0.06, 0.002, "date of birth differs by one digit ({a}/{b})", threshold=1),
            L("year", 0.02, 0.05, "only the year of birth agrees ({a}/{b})"),
            L("else", 0.03, 0.95, "different date of birth ({a}/{b})"),
        ),
    ),
    Comparison(
        "graduation_year",
        (
            L("exact", 0.85, 0.08, "same graduation year"),
            L("within", 0.10, 0.15, "graduation year differs by {diff}", threshold=1),
            L("else", 0.05, 0.77, "graduation year differs by {diff}"),
        ),
    ),
    Comparison(
        "qualification",
        (
            L("exact", 0.85, 0.08, "same qualification ({a}/{b})", tf=True),
            L("fuzzy", 0.05, 0.02, "similar qualification ({a}/{b})", threshold=90),
            L("related", 0.06, 0.08, "qualification of the same faculty ({a}/{b})"),
            L("else", 0.04, 0.82, "different qualification ({a}/{b})"),
        ),
    ),
    Comparison(
        "postcode",
        (
            L("exact", 0.75, 0.01, "same postcode", tf=True),
            L("typo", 0.08, 0.02, "postcode differs by one character", threshold=1),
            L("else", 0.17, 0.97, "different postcode"),
        ),
    ),
    Comparison(
        "city",
        (
            L("exact", 0.8, 0.02, "same city", tf=True),
            L("fuzzy", 0.08, 0.01, "similar city ({a}/{b})", threshold=0.92),
            L("else", 0.12, 0.94, "different city"),
        ),
    ),
    Comparison(
        "address",
        (
            L("fuzzy", 0.75, 0.001, "same address", threshold=90),
            L("fuzzy", 0.1, 0.01, "similar address", threshold=70),
            L("else", 0.15, 0.989, "different address"),
        ),
    ),
)
DEFAULT_CAPS: tuple[Cap, ...] = (
    # Siblings share a surname, a family phone, often an email, an address and a qualification:
    # clearly different first names keep a pair out of automatic merging unless something
    # personal (student id, date of birth) agrees.
    Cap(
        "first_name",
        "else",
        unless=(
            ("student_id", "exact"),
            ("student_id", "typo"),
            ("birth_date", "exact"),
            ("birth_date", "transposed"),
            ("birth_date", "typo"),
        ),
    ),
)

_NAME_FIELDS = ("first_name", "surname")
# sound-alike spelling changes a few letters: names less similar than this as typed are not retried
_SOUND_ALIKE_FLOOR = 0.75


def _any_equal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros(len(a), dtype=bool)
    for x in range(MULTI):
        col = a[:, x]
        valid = col >= 0
        for y in range(MULTI):
            out |= valid & (col == b[:, y])
    return out


def cpdist(a: np.ndarray, b: np.ndarray, scorer: Any) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0)
    return np.asarray(process.cpdist(list(a), list(b), scorer=scorer, workers=_WORKERS))


def _pairwise(v: dict, sel: np.ndarray, scorer: Any, transform: Any = None) -> np.ndarray:
    """``scorer`` on each selected pair, computed once per distinct pair of values (many candidate
    pairs compare the same two first names); ``transform`` is applied to both texts first."""
    ca, cb = v["code_a"][sel], v["code_b"][sel]
    if len(sel) == 0:
        return np.zeros(0)
    key = ca.astype(np.int64) * (int(max(ca.max(), cb.max())) + 2) + cb
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    a, b = v["text_a"][sel][first], v["text_b"][sel][first]
    if transform is not None:
        a = np.array([transform(x) for x in a], dtype=object)
        b = np.array([transform(x) for x in b], dtype=object)
    scores = cpdist(a, b, scorer)
    return scores[inverse.ravel()]


def _best_word_similarity(a: str, b: str, **_: Any) -> float:
    """Surnames of different lengths ("rodrigez" / "rodriguez sanchez"): the lowest, over the words
    of the name with fewer words, of its best Jaro-Winkler similarity (sound-alike spelling) to a
    word of the other name; 0 when both have the same number of words."""
    wa, wb = a.split(), b.split()
    if len(wa) == len(wb):
        return 0.0
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    long_ = [sound_alike(w) for w in long_]
    return min(max(JaroWinkler.normalized_similarity(sound_alike(w), x) for x in long_) for w in short)


def name_view(f: Features, field: str, ia: np.ndarray, ib: np.ndarray, swapped: bool) -> dict:
    """Arrays for comparing ``field`` of records ``ia`` with (swapped: the other name field of) ``ib``."""
    first = (
        "first",
        "first_code",
        "first_nick",
        "first_len",
        "first_word_len",
        "first_ch",
        "first_words",
        "first_fix",
    )
    sur = ("sur", "sur_code", "sur_nick", "sur_len", "sur_word_len", "sur_ch", "sur_words", "sur_fix")
    mine, other = (first, sur) if field == "first_name" else (sur, first)
    theirs = other if swapped else mine
    keys = ("text", "code", "multi", "len", "word_len", "ch", "words", "fix")
    view = {f"{k}_a": getattr(f, name)[ia] for k, name in zip(keys, mine, strict=True)}
    view |= {f"{k}_b": getattr(f, name)[ib] for k, name in zip(keys, theirs, strict=True)}
    return view


def field_view(f: Features, field: str, ia: np.ndarray, ib: np.ndarray) -> dict:
    if field == "email":
        return {"multi_a": f.email[ia], "multi_b": f.email[ib], "local_a": f.email_local[ia],
                "local_b": f.email_local[ib], "code_a": f.email[ia, 0], "code_b": f.email[ib, 0]}  # fmt: skip
    if field == "phone":
        return {
            "multi_a": f.phone[ia],
            "multi_b": f.phone[ib],
            "code_a": f.phone[ia, 0],
            "code_b": f.phone[ib, 0],
        }
    if field == "birth_date":
        return {"text_a": f.dob[ia], "text_b": f.dob[ib], "code_a": f.dob_code[ia], "code_b": f.dob_code[ib],
                "swap_a": f.dob_swap_code[ia], "year_a": f.dob_year[ia], "year_b": f.dob_year[ib]}  # fmt: skip
    if field == "graduation_year":
        return {"num_a": f.grad[ia], "num_b": f.grad[ib], "code_a": f.grad[ia], "code_b": f.grad[ib]}
    if field == "qualification":
        return {"text_a": f.qual[ia], "text_b": f.qual[ib], "code_a": f.qual_code[ia], "code_b": f.qual_code[ib],
                "known_a": f.qual_known[ia], "known_b": f.qual_known[ib],
                "faculty_a": f.qual_faculty[ia], "faculty_b": f.qual_faculty[ib]}  # fmt: skip
    if field == "student_id":
        return {"text_a": f.sid[ia], "text_b": f.sid[ib], "code_a": f.sid_code[ia], "code_b": f.sid_code[ib],
                "len_a": f.sid_len[ia], "len_b": f.sid_len[ib]}  # fmt: skip
    arrays = {
        "postcode": (f.postcode, f.postcode_code),
        "city": (f.city, f.city_code),
        "address": (f.address, None),
    }
    if field not in arrays:
        raise ValueError(
            f"unknown comparison field {field!r}; use one of {sorted(arrays)} or a name/contact field"
        )
    text, code = arrays[field]
    view = {"text_a": text[ia], "text_b": text[ib]}
    if code is not None:
        view |= {"code_a": code[ia], "code_b": code[ib]}
    else:
        view |= {
            "code_a": np.where(view["text_a"] == "", -1, 0),
            "code_b": np.where(view["text_b"] == "", -1, 0),
        }
    return view


def _predicate(
    level: Level, field: str, v: dict, sel: np.ndarray, first_else: np.ndarray | None
) -> np.ndarray:
    kind = level.kind
    if kind == "else":
        return np.ones(len(sel), dtype=bool)
    if kind == "exact":
        if "multi_a" in v and field in ("email", "phone"):
            return _any_equal(v["multi_a"][sel], v["multi_b"][sel])
        return v["code_a"][sel] == v["code_b"][sel]
    if kind == "household":
        if first_else is None:
            return np.zeros(len(sel), dtype=bool)
        return first_else[sel] & _any_equal(v["multi_a"][sel], v["multi_b"][sel])
    if kind == "nickname":
        return _any_equal(v["multi_a"][sel], v["multi_b"][sel])
    if kind == "nickname_typo":  # Domenio (Domenico misspelt) / Mimmo
        fa, fb, ma, mb = v["fix_a"][sel], v["fix_b"][sel], v["multi_a"][sel], v["multi_b"][sel]
        return _any_equal(fa, mb) | _any_equal(ma, fb)
    if kind == "local_part":
        return _any_equal(v["local_a"][sel], v["local_b"][sel])
    if kind == "transposed":
        return v["swap_a"][sel] == v["code_b"][sel]
    if kind == "year":
        return v["year_a"][sel] == v["year_b"][sel]
    if kind == "related":  # two recognised courses of one faculty (cook / tourism)
        fa = v["faculty_a"][sel]
        return (fa >= 0) & (fa == v["faculty_b"][sel])
    if kind == "within":
        return np.abs(v["num_a"][sel] - v["num_b"][sel]) <= level.threshold
    if kind == "initial":
        wa, wb = v["word_len_a"][sel], v["word_len_b"][sel]
        return ((wa == 1) | (wb == 1)) & (v["ch_a"][sel] == v["ch_b"][sel])
    a, b = v["text_a"][sel], v["text_b"][sel]
    if kind == "typo":
        close = _pairwise(v, sel, OSA.distance) <= level.threshold
        if field == "student_id":  # 3-digit ids one apart are neighbours, not typos
            close &= np.minimum(v["len_a"][sel], v["len_b"][sel]) >= MIN_TYPO_ID
        elif field == "first_name":  # Jade/Jode yes; Jan/Jon, Ana/Ina are different names ...
            la, lb = v["len_a"][sel], v["len_b"][sel]
            # ... but a dropped letter in a short name (Sra/Sara, Cro/Ciro) is a typo
            long_enough = (np.minimum(la, lb) >= 4) | ((np.minimum(la, lb) >= 3) & (la != lb))
            close &= long_enough & (v["ch_a"][sel] == v["ch_b"][sel])
        return close
    if kind == "part":
        return _pairwise(v, sel, fuzz.token_set_ratio) >= 100
    if kind == "fuzzy":
        if field == "qualification":  # a recognised code that differs is a real difference
            unknown = ~(v["known_a"][sel] & v["known_b"][sel])
            out = np.zeros(len(sel), dtype=bool)
            out[unknown] = cpdist(a[unknown], b[unknown], fuzz.token_set_ratio) >= level.threshold
            return out
        if field == "address":
            return cpdist(a, b, fuzz.token_sort_ratio) >= level.threshold
        similarity = _pairwise(v, sel, JaroWinkler.normalized_similarity)
        close = similarity >= level.threshold
        if field in _NAME_FIELDS:  # Dawis / Davis, Jace / Jake: the same name in another spelling
            rest = np.flatnonzero(~close & (similarity >= _SOUND_ALIKE_FLOOR))
            close[rest] = (
                _pairwise(v, sel[rest], JaroWinkler.normalized_similarity, sound_alike) >= level.threshold
            )
        return close
    if kind == "part_fuzzy":
        out = np.zeros(len(sel), dtype=bool)
        rest = np.flatnonzero(v["words_a"][sel] != v["words_b"][sel])
        out[rest] = _pairwise(v, sel[rest], _best_word_similarity) >= level.threshold
        return out
    raise ValueError(f"comparison {field!r}: unknown level kind {kind!r}")


def assign_levels(comparison: Comparison, v: dict, first_else: np.ndarray | None = None) -> np.ndarray:
    """Level index per pair (-1 = a side is empty), the first level whose predicate holds."""
    null = (v["code_a"] < 0) | (v["code_b"] < 0)
    out = np.full(len(null), -1, dtype=np.int8)
    todo = np.flatnonzero(~null)
    for index, level in enumerate(comparison.levels):
        if len(todo) == 0:
            break
        hit = _predicate(level, comparison.field, v, todo, first_else)
        out[todo[hit]] = index
        todo = todo[~hit]
    return out
