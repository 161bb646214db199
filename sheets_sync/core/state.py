"""The service's own memory, kept in the workbook (hidden, protected ``_sheets_sync_state`` tab).

Rows are ``Kind | Key | Value | Updated``; values are JSON texts, one fact per row so that a diff
of the tab stays readable. A value longer than :data:`PART` characters (a teacher's ``pending``
mails at a big school reach hundreds of thousands) is split over consecutive rows with the same
Kind and Key, joined again on read, so no cell nears Google's 50,000-character limit (counted in
UTF-16 units: :data:`PART` code points are at most 32,000 of them, under Excel's 32,767 too). Kinds in use:

* ``member``   record fingerprint -> Alumni ID (stable ids across sorts/inserts)
* ``alias``    absorbed Alumni ID -> surviving Alumni ID (a link to a merged id still resolves)
* ``alumni``   Alumni ID -> {"first_seen": ...} and other per-alumnus facts
* ``decision`` pair key -> {"a": fp, "b": fp, "decision": "Same"|"Different"} (Review decisions)
* ``sent``     notification key -> date sent (never the same notification twice)
* ``pending``  notification key -> mail waiting for delivery (retried next run)
* ``suppress`` sha256 of an identifier -> date (right to be forgotten)
* ``digest``   kind -> date of the last digest
* ``counter``  name -> last number used (e.g. next Alumni ID)
* ``lock``     holder -> JSON (Google backend's lock)
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.core.model import Grid

PART = 16_000  # characters of a value per row: under 50,000 (Google) and 32,767 (Excel) UTF-16 units


def parts(text: str) -> list[str]:
    """``text`` in pieces of at most :data:`PART` characters, never cut next to whitespace (a
    reader that trims cells still joins them back exactly)."""
    out: list[str] = []
    start = 0
    while len(text) - start > PART:
        end = start + PART
        while end > start + 1 and (text[end - 1].isspace() or text[end].isspace()):
            end -= 1
        out.append(text[start:end])
        start = end
    out.append(text[start:])
    return out


@dataclass
class State:
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    updated: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def from_grid(cls, grid: Grid | None) -> State:
        state = cls()
        if grid is None:
            return state
        last: tuple[str, str] | None = None
        for row in grid.rows[1:]:  # row 0 is the header
            kind = row[0] if len(row) > 0 else ""
            key = row[1] if len(row) > 1 else ""
            if not kind or not key:
                last = None
                continue
            value = row[2] if len(row) > 2 else ""
            bucket = state.entries.setdefault(kind, {})
            if last == (kind, key):  # the next part of a long value
                bucket[key] += value
            else:
                bucket[key] = value
                state.updated[(kind, key)] = row[3] if len(row) > 3 else ""
            last = (kind, key)
        return state

    def get(self, kind: str, key: str, default: Any = None) -> Any:
        text = self.entries.get(kind, {}).get(key)
        if text is None:
            return default
        try:
            return json.loads(text)
        except ValueError:
            return text

    def set(self, kind: str, key: str, value: Any, *, when: str = "") -> None:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        bucket = self.entries.setdefault(kind, {})
        if bucket.get(key) != text:
            bucket[key] = text
            self.updated[(kind, key)] = when

    def delete(self, kind: str, key: str) -> None:
        self.entries.get(kind, {}).pop(key, None)
        self.updated.pop((kind, key), None)

    def items(self, kind: str) -> Iterator[tuple[str, Any]]:
        for key in sorted(self.entries.get(kind, {})):
            yield key, self.get(kind, key)

    def keys(self, kind: str) -> builtins.set[str]:
        return set(self.entries.get(kind, {}))

    def replace_kind(self, kind: str, values: dict[str, Any], *, when: str = "") -> None:
        """Make ``kind`` hold exactly ``values`` (unchanged rows keep their Updated date)."""
        for key in self.keys(kind) - set(values):
            self.delete(kind, key)
        for key, value in values.items():
            self.set(kind, key, value, when=when)

    def copy(self) -> State:
        return State({k: dict(v) for k, v in self.entries.items()}, dict(self.updated))

    def to_rows(self) -> list[list[str]]:
        rows = []
        for kind in sorted(self.entries):
            for key in sorted(self.entries[kind]):
                text, when = self.entries[kind][key], self.updated.get((kind, key), "")
                rows += [[kind, key, part, when] for part in parts(text)]
        return rows
