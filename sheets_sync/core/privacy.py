"""Right to be forgotten: suppression entries that store a hash, never the data (issue 7).

``python run.py forget`` records, for each identifier of the person (emails, E.164 phones,
student ids, name + birth date), ``sha256(salt + identifier)`` in the state tab (kind
``suppress``). Every later sync drops source records that carry any suppressed identifier,
so a forgotten person does not come back while a teacher's row still holds them.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence

from .model import SourceRecord
from .state import State

SALT = "sheets_sync/suppress/v1:"


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.lower().split())


def identifier_hash(identifier: str) -> str:
    return hashlib.sha256((SALT + _fold(identifier)).encode("utf-8")).hexdigest()


def record_identifiers(record: SourceRecord) -> list[str]:
    """The identifiers by which a person can be recognised in a list row."""
    ids = [f"email:{e}" for e in record.emails]
    ids += [f"phone:{p}" for p in record.phones]
    if record.student_id:
        ids.append(f"student:{record.student_id}")
    if record.birth_date and (record.full_name or record.surname):
        ids.append(f"namedob:{record.full_name or record.surname}|{record.birth_date}")
    return ids


def suppression_keys(records: Iterable[SourceRecord]) -> set[str]:
    return {identifier_hash(i) for r in records for i in record_identifiers(r)}


def is_suppressed(record: SourceRecord, keys: set[str]) -> bool:
    return any(identifier_hash(i) in keys for i in record_identifiers(record))


def suppressed(records: Sequence[SourceRecord], state: State) -> tuple[list[SourceRecord], list[str]]:
    """Drop records of forgotten people. Returns (kept, refs of the teacher rows that still hold them)."""
    keys = state.keys("suppress")
    if not keys:
        return list(records), []
    kept, dropped = [], []
    for r in records:
        (dropped if is_suppressed(r, keys) else kept).append(r)
    return kept, [r.ref for r in dropped]
