"""Row order of keyed output tabs: existing rows stay where they are, new rows go below.

Why: on Google Sheets a person may type into a staff-entered cell (``Review!Decision``,
``Alumni!Owner override``) while a sync runs. If rows never move, the backend can rewrite every
other cell and leave the staff cells of existing rows untouched, so nothing typed is lost, and a
person's eye finds a row where it was yesterday. Both backends receive the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sheets_sync.core.model import Grid


def row_key(row: Sequence[Any], positions: Sequence[int]) -> tuple[str, ...]:
    return tuple(str(row[p]) if p < len(row) and row[p] is not None else "" for p in positions)


def keep_row_order(
    rows: Sequence[Sequence[Any]],
    header: Sequence[str],
    key_columns: Sequence[str],
    previous: Grid | None,
) -> list[Sequence[Any]]:
    """``rows`` reordered so keys already in ``previous`` keep their relative order, first."""
    if previous is None or not previous.rows or not key_columns:
        return list(rows)
    positions = [header.index(k) for k in key_columns]
    old_header = list(previous.rows[0])
    if any(k not in old_header for k in key_columns):
        return list(rows)
    old_positions = [old_header.index(k) for k in key_columns]
    rank: dict[tuple[str, ...], int] = {}
    for i, old in enumerate(previous.rows[1:]):
        rank.setdefault(row_key(old, old_positions), i)
    existing = [r for r in rows if row_key(r, positions) in rank]
    existing.sort(key=lambda r: rank[row_key(r, positions)])
    new = [r for r in rows if row_key(r, positions) not in rank]
    return existing + new
