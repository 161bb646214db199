"""Turn :class:`SourceRecord`s into column arrays the comparisons and blocking work on.

Everything here is per record (linear in the number of rows); the pairwise work happens in
:mod:`sheets_sync.core.matching.comparisons` on integer codes and folded strings, so 100,000 records stay
cheap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sheets_sync.core.model import SourceRecord
from sheets_sync.core.text import normalise
from sheets_sync.core.text.fold import fold
from sheets_sync.core.text.synonyms import (
    common_name,
    corrected_nickname_groups,
    nickname_groups,
    qualification_code,
    qualification_faculty,
)

MULTI = 3  # emails / phones / nickname groups kept per record
MAX_TYPO_NAME_ROWS = 2  # a first name on more rows than this is a real name, never corrected
MIN_CORRECTED_LEN = 6  # ... and so is a shorter one (Marco is not Marko misspelt)
MIN_ROWS_FOR_YEAR_U = 500  # rows with a graduation year needed to read u of the year from the lists
_ID_JUNK = re.compile(r"[\s\-./_]+")


@dataclass(frozen=True)
class Features:
    """Column arrays, one entry per record. Strings are folded; ``-1`` codes mean unknown."""

    n: int
    first: np.ndarray  # object: folded first name
    sur: np.ndarray  # object: folded surname
    first_code: np.ndarray  # int: factorized over the union of first names and surnames
    sur_code: np.ndarray
    first_len: np.ndarray  # int: length of the folded first name
    sur_len: np.ndarray
    first_word_len: np.ndarray  # int: length of the first word (1 = an initial)
    sur_word_len: np.ndarray
    first_ch: np.ndarray  # int: code point of the first letter (0 = none)
    sur_ch: np.ndarray
    first_words: np.ndarray  # int: number of words
    sur_words: np.ndarray
    first_nick: np.ndarray  # (n, MULTI) nickname group codes of the first name
    sur_nick: np.ndarray  # (n, MULTI) nickname group codes of the surname (for swapped names)
    first_fix: np.ndarray  # (n, MULTI) groups of a rare misspelt first name's known name (Domenio)
    sur_fix: np.ndarray
    email: np.ndarray  # (n, MULTI) codes
    email_local: np.ndarray  # (n, MULTI) codes of the part before "@"
    phone: np.ndarray  # (n, MULTI)
    sid: np.ndarray  # object: normalised student id
    sid_code: np.ndarray
    sid_len: np.ndarray
    dob: np.ndarray  # object: "yyyymmdd" or ""
    dob_code: np.ndarray
    dob_swap_code: np.ndarray  # code of the same date with day and month swapped
    dob_year: np.ndarray  # int, -1 unknown
    grad: np.ndarray  # int, -1 unknown
    qual: np.ndarray  # object: qualification code, else folded text
    qual_code: np.ndarray
    qual_known: np.ndarray  # bool: recognised by the synonym table
    qual_faculty: np.ndarray  # int: code of the recognised qualification's faculty, -1 none
    postcode: np.ndarray  # object
    postcode_code: np.ndarray
    city: np.ndarray  # object, folded
    city_code: np.ndarray
    address: np.ndarray  # object, folded
    tab_code: np.ndarray
    full_code: np.ndarray  # int: code of the full name's words, folded and sorted (-1 none)
    counts: dict[str, np.ndarray]  # field -> how many records share the value (for TF weights)
    resplit: np.ndarray | None = None  # bool: the record has a second reading of its name
    alt: Features | None = None  # the same arrays with the second reading (see resplit_name)
    # u of "same graduation year" and "one year apart" read from the lists' own years (or None)
    year_u: tuple[float, float] | None = None
    common: np.ndarray | None = None  # bool: a name common in the population (synonyms.common_name)


def split_name(record: SourceRecord) -> tuple[str, str]:
    """Folded (first, surname); a record with only ``full_name`` is split at the first space."""
    first, sur = fold(record.first_name), fold(record.surname)
    if not first and not sur and record.full_name:
        tokens = fold(record.full_name).split()
        if tokens:
            first, sur = tokens[0], " ".join(tokens[1:])
    return first, sur


def resplit_name(record: SourceRecord) -> tuple[str, str] | None:
    """A whole name typed in the first-name column with the surname column empty ("Margus Ivask"
    | ""), split as a one-column name (:func:`normalise.split_name`); None for any other record.
    It is a second reading: "María José" | "" may as well be a compound first name."""
    if record.surname.strip() or " " not in record.first_name.strip():
        return None
    given, family = (fold(x) for x in normalise.split_name(record.first_name).value)
    return (given, family) if given and family else None


def full_name_key(first: str, sur: str) -> str:
    """All words of a folded name, sorted: the same key for "María García" and "García, María"."""
    return " ".join(sorted(set(f"{first} {sur}".split())))


def norm_student_id(text: str) -> str:
    """Spaces, dashes, dots and leading zeros do not make a different id ("007" ~ "7")."""
    compact = _ID_JUNK.sub("", text).upper()
    return compact.lstrip("0") or compact


def norm_postcode(text: str) -> str:
    return _ID_JUNK.sub("", text).upper()


def _codes(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Factorize strings ("" -> -1) and count how many records share each value."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    codes = codes.astype(np.int64)
    empty = np.flatnonzero(uniques == "")
    if len(empty):
        codes[codes == empty[0]] = -1
    counts = np.zeros(len(values), dtype=np.int64)
    known = codes >= 0
    if known.any():
        per_code = np.bincount(codes[known])
        counts[known] = per_code[codes[known]]
    return codes, counts


def _multi_codes(rows: list[tuple[str, ...]]) -> np.ndarray:
    flat = [v for row in rows for v in row[:MULTI]]
    out = np.full((len(rows), MULTI), -1, dtype=np.int64)
    if not flat:
        return out
    codes, _ = pd.factorize(np.asarray(flat, dtype=object))
    pos = 0
    for r, row in enumerate(rows):
        k = min(len(row), MULTI)
        out[r, :k] = codes[pos : pos + k]
        pos += k
    return out


def _identity_groups(columns: list[np.ndarray]) -> np.ndarray:
    """Label per record: records joined by a shared email, phone or student id (transitively)
    share a label. Min-label propagation over (record, value) pairs; a few rounds suffice."""
    n = len(columns[0])
    rows, values = [], []
    offset = 0
    for col in columns:
        r, c = np.nonzero(col >= 0)
        rows.append(r)
        values.append(col[r, c] + offset)
        offset += int(col.max()) + 1 if col.size else 0
    row, value = np.concatenate(rows), np.concatenate(values)
    labels = np.arange(n)
    if not len(row):
        return labels
    while True:
        per_value = pd.Series(labels[row]).groupby(value).transform("min").to_numpy()
        new = labels.copy()
        np.minimum.at(new, row, per_value)
        new = new[new]  # jump to the label's own label
        if np.array_equal(new, labels):
            return labels
        labels = new


def _holders(key: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per record: how many identity groups carry its full name (``key`` -1 = none -> 0)."""
    out = np.zeros(len(key), dtype=np.int64)
    known = key >= 0
    if known.any():
        frame = pd.DataFrame({"key": key[known], "group": group[known]})
        out[known] = frame.groupby("key")["group"].transform("nunique").to_numpy()
    return out


def year_u(grad: np.ndarray) -> tuple[float, float] | None:
    """Chance that two different alumni's graduation years are equal / one apart, from how the
    years are spread over the rows (``sum p_y^2``, ``sum p_y (p_y-1 + p_y+1)``): a school whose
    lists cover 30 cohorts sees far fewer chance agreements than one with 10. None with fewer
    than ``MIN_ROWS_FOR_YEAR_U`` rows with a year (the defaults then hold)."""
    years = grad[grad >= 0]
    if len(years) < MIN_ROWS_FOR_YEAR_U:
        return None
    values, counts = np.unique(years, return_counts=True)
    p = dict(zip(values.tolist(), (counts / counts.sum()).tolist(), strict=True))
    same = sum(q * q for q in p.values())
    near = sum(q * (p.get(y - 1, 0.0) + p.get(y + 1, 0.0)) for y, q in p.items())
    return same, near


def _dob_digits(iso: str) -> str:
    digits = iso.replace("-", "")
    return digits if len(digits) == 8 and digits.isdigit() else ""


def _name_arrays(
    first: list[str], sur: list[str], codes: np.ndarray, nicks: np.ndarray, fixes: np.ndarray
) -> dict:
    """The name columns of :class:`Features` (``codes`` / ``nicks`` / ``fixes``: first names then
    surnames)."""
    n = len(first)
    return {
        "first_fix": fixes[:n],
        "sur_fix": fixes[n:],
        "first": np.asarray(first, dtype=object),
        "sur": np.asarray(sur, dtype=object),
        "first_code": codes[:n],
        "sur_code": codes[n:],
        "first_len": np.array([len(x) for x in first], dtype=np.int64),
        "sur_len": np.array([len(x) for x in sur], dtype=np.int64),
        "first_word_len": np.array([len(x.split(" ", 1)[0]) for x in first], dtype=np.int64),
        "sur_word_len": np.array([len(x.split(" ", 1)[0]) for x in sur], dtype=np.int64),
        "first_ch": np.array([ord(x[0]) if x else 0 for x in first], dtype=np.int64),
        "sur_ch": np.array([ord(x[0]) if x else 0 for x in sur], dtype=np.int64),
        "first_words": np.array([x.count(" ") + 1 if x else 0 for x in first], dtype=np.int64),
        "sur_words": np.array([x.count(" ") + 1 if x else 0 for x in sur], dtype=np.int64),
        "first_nick": nicks[:n],
        "sur_nick": nicks[n:],
    }


def prepare(records: Sequence[SourceRecord]) -> Features:
    n = len(records)
    names = [split_name(r) for r in records]
    first = [f for f, _ in names]
    sur = [s for _, s in names]
    second = [resplit_name(r) for r in records]
    resplit = np.array([x is not None for x in second], dtype=bool)
    alt_first = [x[0] if x else f for x, f in zip(second, first, strict=True)]
    alt_sur = [x[1] if x else s for x, s in zip(second, sur, strict=True)]
    name_codes, _ = _codes(first + sur + alt_first + alt_sur)
    full_code, _ = _codes([full_name_key(a, b) for a, b in zip(first, sur, strict=True)])
    first_counts = _codes(first)[1]
    sur_counts = _codes(sur)[1]
    nick = lambda names: [tuple(sorted(nickname_groups(x))) if x else () for x in names]  # noqa: E731
    seen = pd.Series(first + alt_first).value_counts().to_dict()

    def fix(names: list[str]) -> list[tuple[str, ...]]:
        """Known-name groups of rare, long one-word names one typo from a known name."""
        return [
            tuple(sorted(corrected_nickname_groups(x)))
            if len(x) >= MIN_CORRECTED_LEN and seen.get(x, 0) <= MAX_TYPO_NAME_ROWS
            else ()
            for x in names
        ]

    groups = nick(first) + nick(sur) + nick(alt_first) + nick(alt_sur)
    groups += fix(first) + fix(sur) + fix(alt_first) + fix(alt_sur)
    every = _multi_codes(groups)
    both, fixes = every[: 4 * n], every[4 * n :]
    emails = [tuple(sorted(set(r.emails))) for r in records]
    locals_ = [tuple(sorted({e.split("@", 1)[0] for e in row if "@" in e})) for row in emails]
    phones = [tuple(sorted(set(r.phones))) for r in records]
    sids = [norm_student_id(r.student_id) for r in records]
    dobs = [_dob_digits(r.birth_date) for r in records]
    swapped = [d[:4] + d[6:8] + d[4:6] if d else "" for d in dobs]
    dob_all, _ = _codes(dobs + swapped)
    quals = []
    for r in records:
        code = qualification_code(r.qualification)
        quals.append(code if code else fold(r.qualification))
    qual_known = np.array([bool(qualification_code(r.qualification)) for r in records], dtype=bool)
    postcodes = [norm_postcode(r.postcode) for r in records]
    cities = [fold(r.city) for r in records]
    qual_code, qual_counts = _codes(quals)
    faculty_code, _ = _codes(
        [qualification_faculty(q) if k else "" for q, k in zip(quals, qual_known, strict=True)]
    )
    postcode_code, postcode_counts = _codes(postcodes)
    city_code, city_counts = _codes(cities)
    sid_code, _ = _codes(sids)
    email_code, phone_code = _multi_codes(emails), _multi_codes(phones)
    grad = np.array(
        [r.graduation_year if r.graduation_year is not None else -1 for r in records], dtype=np.int64
    )
    holders = _holders(full_code, _identity_groups([email_code, phone_code, sid_code[:, None]]))
    obj = lambda values: np.asarray(values, dtype=object)  # noqa: E731
    features = Features(
        n=n,
        **_name_arrays(first, sur, name_codes[: 2 * n], both[: 2 * n], fixes[: 2 * n]),
        email=email_code,
        email_local=_multi_codes(locals_),
        phone=phone_code,
        sid=obj(sids),
        sid_code=sid_code,
        sid_len=np.array([len(x) for x in sids], dtype=np.int64),
        dob=obj(dobs),
        dob_code=dob_all[:n],
        dob_swap_code=dob_all[n:],
        dob_year=np.array([int(d[:4]) if d else -1 for d in dobs], dtype=np.int64),
        grad=grad,
        qual=obj(quals),
        qual_code=qual_code,
        qual_known=qual_known,
        qual_faculty=faculty_code,
        postcode=obj(postcodes),
        postcode_code=postcode_code,
        city=obj(cities),
        city_code=city_code,
        address=obj([fold(r.address) for r in records]),
        tab_code=_codes([r.tab for r in records])[0],
        full_code=full_code,
        counts={
            "first_name": first_counts,
            "surname": sur_counts,
            "full_name": holders,
            "qualification": qual_counts,
            "postcode": postcode_counts,
            "city": city_counts,
        },
        resplit=resplit,
        year_u=year_u(grad),
        common=np.array([common_name(a, b) for a, b in zip(first, sur, strict=True)], dtype=bool),
    )
    if not resplit.any():
        return features
    alt = _name_arrays(alt_first, alt_sur, name_codes[2 * n :], both[2 * n :], fixes[2 * n :])
    counts = features.counts | {"first_name": _codes(alt_first)[1], "surname": _codes(alt_sur)[1]}
    return replace(features, alt=replace(features, **alt, counts=counts))
