"""Who is who across runs: record fingerprints, stable Alumni IDs, aliases and Review decisions.

Row numbers change whenever a teacher sorts a list or inserts a row, so nothing durable is keyed by
``<tab>!<row>``. A record is known by its **fingerprint**: seven short hashes (no personal data in
the state tab) of

    tab . name . name sketch . emails . phones . student id . birth date

(names folded: no accents or case, words sorted; the sketch keeps the first three letters of each
word so a typo fixed late in a word is recognised). Identical rows of one tab get ``~2``, ``~3``.

A fingerprint from an earlier run is matched to a record of this run (:func:`resolve`):

1. exactly, else
2. when exactly one of the six fields (tab, name, emails, phones, student id, birth date) changed,
   the five others agree and include a filled-in identity field — or, for a record known by its
   name only, the name sketch agrees — and the pairing is unambiguous both ways.

Two fields changed in one run make a new record (its alumnus keeps its id through its other
records, if it has any).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sheets_sync.core.model import SourceRecord
from sheets_sync.core.state import State
from sheets_sync.core.text.fold import fold

log = logging.getLogger(__name__)

ID_PREFIX = "A-"
ID_DIGITS = 5
ID_COUNTER = "alumni_id"
MISSING_RETENTION_DAYS = 120  # state rows of records not seen for this long are dropped
FIELDS = ("tab", "name", "emails", "phones", "student_id", "birth_date")
_NAME = 1  # index of the name among FIELDS; the sketch is component 2 of a fingerprint
_HASH_BYTES = 3
_ID_RE = re.compile(r"^\s*a\s*[-_ ]?\s*0*(\d{1,9})\s*$", re.IGNORECASE)
_EMPTY = "-"


# --------------------------------------------------------------------------- fingerprints


def _h(text: str) -> str:
    if not text:
        return _EMPTY
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_HASH_BYTES).hexdigest()


def record_name(rec: SourceRecord) -> str:
    return rec.full_name or " ".join(p for p in (rec.first_name, rec.surname) if p)


def name_key(name: str) -> str:
    """Order-, case- and accent-insensitive form of a name: ``"García, María"`` -> ``"garcia maria"``."""
    return " ".join(sorted(fold(name).split()))


def _parts(rec: SourceRecord) -> tuple[str, ...]:
    words = name_key(record_name(rec)).split()
    return (
        _h(rec.tab),
        _h(" ".join(words)),
        _h(" ".join(w[:3] for w in words)),
        _h(" ".join(sorted({e.lower() for e in rec.emails}))),
        _h(" ".join(sorted(set(rec.phones)))),
        _h(fold(rec.student_id).replace(" ", "")),
        _h(rec.birth_date),
    )


def fingerprints(records: Sequence[SourceRecord]) -> list[str]:
    """One fingerprint per record, independent of its row number (see the module doc)."""
    seen: Counter[str] = Counter()
    out = []
    for rec in sorted(records, key=lambda r: (r.tab, r.row)):
        base = ".".join(_parts(rec))
        seen[base] += 1
        out.append((rec.ref, base if seen[base] == 1 else f"{base}~{seen[base]}"))
    by_ref = dict(out)
    return [by_ref[r.ref] for r in records]


def _components(fp: str) -> list[str]:
    return fp.split("~", 1)[0].split(".")


def _wildcard_keys(fp: str) -> list[str]:
    """Keys under which two fingerprints differing in exactly one field meet (see module doc)."""
    c = _components(fp)
    if len(c) != 7:
        return []
    fields = [c[0], c[1], c[3], c[4], c[5], c[6]]  # the sketch travels with the name
    keys = []
    for f in range(len(FIELDS)):
        shared = [v for i, v in enumerate(fields) if i != f]
        identity_shared = any(v != _EMPTY for v in shared[1:])  # shared[0] is the tab unless f == 0
        if f == 0:
            identity_shared = any(v != _EMPTY for v in shared)
        sketch = c[2] if f == _NAME else ""
        if f == _NAME and not identity_shared:
            if c[2] == _EMPTY:
                continue
            sketch = "s" + c[2]
        elif not identity_shared:
            continue
        keys.append(f"{f}|{sketch}|" + ".".join(shared))
    return keys


def resolve(old: Iterable[str], new: Sequence[str]) -> dict[str, int]:
    """Map fingerprints of an earlier run to indices of ``new`` (exact, then one field changed)."""
    index = {fp: i for i, fp in enumerate(new)}
    out: dict[str, int] = {}
    left_old = []
    for fp in set(old):
        if fp in index:
            out[fp] = index[fp]
        else:
            left_old.append(fp)
    taken = set(out.values())
    left_new = [i for i in range(len(new)) if i not in taken]
    if not left_old or not left_new:
        return out
    olds: defaultdict[str, list[str]] = defaultdict(list)
    news: defaultdict[str, list[int]] = defaultdict(list)
    for fp in left_old:
        for k in _wildcard_keys(fp):
            olds[k].append(fp)
    for i in left_new:
        for k in _wildcard_keys(new[i]):
            news[k].append(i)
    pairs = {(olds[k][0], news[k][0]) for k in olds if len(olds[k]) == 1 and len(news.get(k, ())) == 1}
    per_old = Counter(o for o, _ in pairs)
    per_new = Counter(n for _, n in pairs)
    for o, n in pairs:
        if per_old[o] == 1 and per_new[n] == 1:
            out[o] = n
    return out


def state_keys(state: State, kind: str) -> set[str]:
    return set(state.entries.get(kind, {}))


def pair_key(fp_a: str, fp_b: str) -> str:
    a, b = sorted((fp_a, fp_b))
    return f"{a}|{b}"


# --------------------------------------------------------------------------- ids


def id_number(text: str) -> int | None:
    """``"A-00042"``, ``"a42"``, ``"A 42"`` -> 42; None when it is not an Alumni ID."""
    m = _ID_RE.match(text or "")
    return int(m[1]) if m else None


def format_id(number: int) -> str:
    return f"{ID_PREFIX}{number:0{ID_DIGITS}d}"


def normalise_id(text: str) -> str | None:
    n = id_number(text)
    return format_id(n) if n is not None else None


def _follow(aliases: Mapping[str, str], alumni_id: str) -> str:
    seen = {alumni_id}
    current = alumni_id
    while current in aliases and aliases[current] not in seen:
        current = aliases[current]
        seen.add(current)
    return current


def follow_alias(state: State, alumni_id: str) -> str:
    """The surviving id of ``alumni_id`` (itself when it was never merged)."""
    seen = {alumni_id}
    current = alumni_id
    while True:
        nxt = state.get("alias", current)
        if not isinstance(nxt, str) or nxt in seen:
            return current
        seen.add(nxt)
        current = nxt


def _member_id(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def _members(state: State) -> dict[str, tuple[str, str]]:
    """``member`` rows as fingerprint -> (Alumni ID, missing since or ""), parsed cheaply."""
    out: dict[str, tuple[str, str]] = {}
    for fp, text in state.entries.get("member", {}).items():
        if len(text) > 2 and text[0] == '"' and text[-1] == '"' and "\\" not in text:
            out[fp] = (text[1:-1], "")
            continue
        value = state.get("member", fp)
        mid = _member_id(value)
        if mid:
            out[fp] = (mid, _missing_since(value))
    return out


def _replace_texts(state: State, kind: str, texts: Mapping[str, str], when: str) -> None:
    """Like ``State.replace_kind`` for values already encoded (100,000 members stay cheap)."""
    bucket = state.entries.setdefault(kind, {})
    for key in set(bucket) - set(texts):
        state.delete(kind, key)
    for key, text in texts.items():
        if bucket.get(key) != text:
            bucket[key] = text
            state.updated[(kind, key)] = when


def _encode(value: object) -> str:
    if isinstance(value, str) and value.isascii() and value.replace("-", "").isalnum():
        return f'"{value}"'
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _missing_since(value: object) -> str:
    return value.get("missing_since", "") if isinstance(value, dict) else ""


def expired(since: str, today: dt.date) -> bool:
    try:
        return (today - dt.date.fromisoformat(since)).days > MISSING_RETENTION_DAYS
    except ValueError:
        return False


@dataclass(frozen=True)
class IdAssignment:
    ids: list[str]  # one per cluster
    new_ids: list[str]
    merged: list[tuple[str, str]]  # (surviving id, absorbed id)
    split: list[tuple[str, str]]  # (id kept by the larger part, new id of the smaller part)


def assign_ids(
    clusters: Sequence[Sequence[int]],
    fps: Sequence[str],
    refs: Sequence[tuple[str, int]],
    resolved: Mapping[str, int],
    state: State,
    today: dt.date,
) -> IdAssignment:
    """Give every cluster an Alumni ID and update ``state`` (members, aliases, alumni, counter).

    ``resolved`` maps earlier fingerprints to record indices (:func:`resolve`). An earlier id stays
    with the cluster holding most of its records (a split: the larger part keeps it; ties go to the
    part with the smallest fingerprint); a cluster that collects several earlier ids keeps the oldest
    (lowest number) and the others become aliases; everything else gets a new id from the counter.
    """
    when = today.isoformat()
    members = _members(state)
    old_id_of: dict[int, str] = {}
    aliases = {k: v for k, v in state.items("alias") if isinstance(v, str)}
    for fp, (mid, _since) in members.items():
        if fp in resolved:
            old_id_of[resolved[fp]] = _follow(aliases, mid)

    cluster_of = {i: c for c, members in enumerate(clusters) for i in members}
    holders: defaultdict[str, Counter[int]] = defaultdict(Counter)
    min_fp: dict[tuple[str, int], str] = {}
    for i, oid in old_id_of.items():
        c = cluster_of.get(i)
        if c is None:
            continue
        holders[oid][c] += 1
        key = (oid, c)
        min_fp[key] = min(min_fp.get(key, fps[i]), fps[i])
    home: defaultdict[int, list[str]] = defaultdict(list)
    for oid, counts in holders.items():
        ranked = sorted((-n, min_fp[(oid, c)], c) for c, n in counts.items())
        home[ranked[0][2]].append(oid)

    ids: list[str | None] = [None] * len(clusters)
    merged: list[tuple[str, str]] = []
    for c, oids in home.items():
        oids.sort(key=lambda x: (id_number(x) or 0, x))
        ids[c] = oids[0]
        for absorbed in oids[1:]:
            merged.append((oids[0], absorbed))

    counter = _counter_floor(state)
    new_ids: list[str] = []
    order = sorted(
        (c for c in range(len(clusters)) if ids[c] is None), key=lambda c: min(refs[i] for i in clusters[c])
    )
    for c in order:
        counter += 1
        ids[c] = format_id(counter)
        new_ids.append(format_id(counter))
    state.set("counter", ID_COUNTER, counter, when=when)

    final = [x or "" for x in ids]
    fresh = set(new_ids)
    split = sorted({(oid, final[c]) for oid, counts in holders.items() for c in counts if final[c] in fresh})
    _store_ids(state, clusters, fps, final, merged, members, set(resolved), today)
    if merged or split or new_ids:
        log.info("alumni ids: %d new, %d merged, %d split", len(new_ids), len(merged), len(split))
    return IdAssignment(final, new_ids, sorted(merged), split)


def _counter_floor(state: State) -> int:
    """The last number used: the counter, or higher if any id in the state says so (never reuse)."""
    numbers = [0]
    stored = state.get("counter", ID_COUNTER)
    if isinstance(stored, int):
        numbers.append(stored)
    for kind in ("alias", "alumni"):
        numbers.extend(id_number(k) or 0 for k in state_keys(state, kind))
    numbers.extend(id_number(str(v)) or 0 for _, v in state.items("alias"))
    return max(numbers)


def _store_ids(
    state: State,
    clusters: Sequence[Sequence[int]],
    fps: Sequence[str],
    ids: Sequence[str],
    merged: Sequence[tuple[str, str]],
    old_members: Mapping[str, tuple[str, str]],
    matched: set[str],
    today: dt.date,
) -> None:
    when = today.isoformat()
    for surviving, absorbed in merged:
        state.set("alias", absorbed, surviving, when=when)
    aliases = {k: v for k, v in state.items("alias") if isinstance(v, str)}
    for key, target in aliases.items():  # flatten chains so one lookup resolves
        final = _follow(aliases, target)
        if final != target:
            state.set("alias", key, final, when=when)
    current = set(ids)
    texts: dict[str, str] = {}
    for fp, (mid, since) in old_members.items():  # records not seen this run are kept a while
        if fp in matched:
            continue
        since = since or when
        if not expired(since, today):
            texts[fp] = _encode({"id": _follow(aliases, mid), "missing_since": since})
    for c, members_of in enumerate(clusters):
        text = _encode(ids[c])
        for i in members_of:
            texts[fps[i]] = text
    _replace_texts(state, "member", texts, when)
    alumni: dict[str, object] = {}
    for aid, value in state.items("alumni"):
        info = dict(value) if isinstance(value, dict) else {}
        if aid in current or state.get("alias", aid) is not None:
            continue
        info.setdefault("missing_since", when)
        if not expired(info["missing_since"], today):
            alumni[aid] = info
    for aid in current:
        info = state.get("alumni", aid)
        info = dict(info) if isinstance(info, dict) else {}
        info.pop("missing_since", None)
        info.setdefault("first_seen", when)
        alumni[aid] = info
    state.replace_kind("alumni", alumni, when=when)
