"""Lookups that cannot miss the obvious: an exact Alumni ID, email, student id or phone anywhere in
a staff row (Outreach, Attendance, Volunteering, Stories, Event feedback) finds its alumnus,
whatever the name on the row says.

Keys are tried in that order; a key kind decides when the values of that kind in the row point at
exactly one alumnus. When they point at several (a family landline, a shared family email), the
typed name picks among them if it shares words with exactly one; otherwise the next kind is tried,
and a row no exact key settles goes to the matching engine. A name that disagrees with the alumnus
found is noted (:func:`name_differs`), never fatal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sheets_sync.core.master.identity import name_key, normalise_id
from sheets_sync.core.matching.features import norm_student_id
from sheets_sync.core.model import SourceRecord
from sheets_sync.core.text.contacts import emails, phones

# How the key that found an alumnus is named in notes ("found by its email"): one place, translatable.
KIND_WORDS = {"alumni_id": "Alumni ID", "email": "email", "student_id": "student id", "phone": "phone"}
KINDS = tuple(KIND_WORDS)

_PHONE_LIKE = re.compile(r"^[\d\s+().\-/]+$")
_SID_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .\-/]*$")
_YEAR_LIKE = re.compile(r"^(19|20)\d\d$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_ALUMNI_ID = re.compile(r"^a[-_ ]?\d{3,}$", re.IGNORECASE)  # "A-00001", "a00042": not "A1" (a room)
MIN_PHONE_DIGITS = 7
MIN_SID_CHARS = 4  # shorter ids ("7", "042") are too easily a number of hours or a score


@dataclass(frozen=True)
class ExactHit:
    cluster: int  # index into the clusters / by_cluster of the run
    kind: str  # one of KINDS
    value: str  # the key as found in the row


class ExactIndex:
    """Exact keys of this run's list records, per alumnus (cluster index)."""

    def __init__(
        self,
        records: Sequence[SourceRecord],
        clusters: Sequence[Sequence[int]],
        names: Sequence[str],
        cluster_of_id: Callable[[str], int | None],
        region: str,
    ) -> None:
        self.names = [set(name_key(n).split()) for n in names]
        self.cluster_of_id = cluster_of_id
        self.region = region
        self.keys: dict[str, dict[str, set[int]]] = {k: {} for k in KINDS if k != "alumni_id"}
        for c, members in enumerate(clusters):
            for i in members:
                r = records[i]
                for e in r.emails:
                    self.keys["email"].setdefault(e.lower(), set()).add(c)
                for p in r.phones:
                    self.keys["phone"].setdefault(p, set()).add(c)
                sid = norm_student_id(r.student_id) if r.student_id else ""
                if len(sid) >= MIN_SID_CHARS:
                    self.keys["student_id"].setdefault(sid, set()).add(c)

    def values(self, cells: Iterable[str]) -> dict[str, list[str]]:
        """The candidate keys of each kind found in a row's cells."""
        out: dict[str, list[str]] = {k: [] for k in KINDS}
        for cell in cells:
            text = cell.strip()
            if not text:
                continue
            aid = normalise_id(text) if _ALUMNI_ID.match(text) else None
            if aid is not None:
                out["alumni_id"].append(aid)
                continue
            if "@" in text:
                out["email"] += list(emails(text).value)
                continue
            if _DATE_LIKE.match(text):
                continue
            digits = sum(ch.isdigit() for ch in text)
            if digits >= MIN_PHONE_DIGITS and _PHONE_LIKE.match(text):
                out["phone"] += list(phones(text, self.region).value)
            if _SID_LIKE.match(text) and not _YEAR_LIKE.match(text) and any(ch.isdigit() for ch in text):
                sid = norm_student_id(text)
                if len(sid) >= MIN_SID_CHARS:
                    out["student_id"].append(sid)
        return out

    def find(self, cells: Iterable[str], name: str = "") -> ExactHit | None:
        """The one alumnus an exact key of the row points at (see the module doc), or None."""
        found = self.values(cells)
        typed = set(name_key(name).split()) if name and normalise_id(name) is None else set()
        for kind in KINDS:
            hits: dict[int, str] = {}
            for value in found[kind]:
                if kind == "alumni_id":
                    c = self.cluster_of_id(value)
                    targets = {c} if c is not None else set()
                else:
                    targets = self.keys[kind].get(value, set())
                for c in targets:
                    hits.setdefault(c, value)
            if len(hits) > 1 and typed:
                named = [c for c in hits if typed & self.names[c]]
                hits = {c: hits[c] for c in named}
            if len(hits) == 1:
                c, value = next(iter(hits.items()))
                return ExactHit(c, kind, value)
        return None


def name_differs(typed: str, alumnus_name: str) -> bool:
    """The typed name shares no word with the alumnus's name (an id or an address is no name)."""
    if not typed.strip() or "@" in typed or normalise_id(typed) is not None:
        return False
    given = set(name_key(typed).split())
    return bool(given) and not given & set(name_key(alumnus_name).split())
