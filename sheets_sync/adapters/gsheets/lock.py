"""One sync at a time on a Google spreadsheet, across machines: a lock kept in the spreadsheet.

The lock is a spreadsheet-level *developer metadata* entry (key ``sheets_sync.lock``, visible to
any program with access, invisible to people) holding JSON ``{holder, host, pid, started, token}``.

* take: read the entries (1 call); a live entry of someone else -> LockHeldError naming it; else
  delete the stale ones and add ours in one batchUpdate (1 call); read again (1 call): if another
  live entry appeared meanwhile, both runs see each other and back off (never both run);
* a stale entry (older than ``stale_after``, or whose process is gone on this host) is taken
  over with a warning;
* release: delete our entry (1 call). If that fails, the entry turns stale after ``stale_after``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sheets_sync.adapters.xlsx.lock import pid_alive as _pid_alive
from sheets_sync.errors import LockHeldError, SheetsSyncError

if TYPE_CHECKING:
    from sheets_sync.adapters.gsheets.workbook import GSheetsWorkbook

log = logging.getLogger(__name__)

LOCK_KEY = "sheets_sync.lock"
FIELDS = "developerMetadata(metadataId,metadataKey,metadataValue)"


@dataclass(frozen=True)
class Entry:
    metadata_id: int
    info: dict[str, Any]

    @property
    def token(self) -> str:
        return str(self.info.get("token", ""))


def stale_reason(entry: Entry, stale_after: dt.timedelta, now: dt.datetime | None = None) -> str | None:
    """Why ``entry`` may be taken over, or None when it is live."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        started = dt.datetime.fromisoformat(str(entry.info["started"]))
    except (KeyError, ValueError):
        return "it cannot be read"
    if started.tzinfo is None:
        started = started.replace(tzinfo=dt.UTC)
    if now - started > stale_after:
        return f"older than {stale_after}"
    pid = entry.info.get("pid")
    if entry.info.get("host") == socket.gethostname() and isinstance(pid, int) and not _pid_alive(pid):
        return f"its process {pid} is no longer running"
    return None


def _entries(wb: GSheetsWorkbook) -> list[Entry]:
    got = wb.get({"fields": FIELDS})
    out = []
    for meta in got.get("developerMetadata", []):
        if meta.get("metadataKey") != LOCK_KEY:
            continue
        try:
            info = json.loads(meta.get("metadataValue") or "{}")
        except ValueError:
            info = {}
        out.append(Entry(int(meta.get("metadataId", 0)), info if isinstance(info, dict) else {}))
    return out


def _held(wb: GSheetsWorkbook, entry: Entry, stale_after: dt.timedelta) -> LockHeldError:
    info = entry.info
    return LockHeldError(
        f"Another sync holds the lock on {wb.name}: holder {info.get('holder', '?')!r} (pid {info.get('pid', '?')} "
        f"on {info.get('host', '?')}), started {info.get('started', '?')}. Fix: wait for it to finish; a lock "
        f"left by a killed run is taken over automatically after {stale_after}."
    )


def _delete(metadata_id: int) -> dict[str, Any]:
    lookup = {"metadataId": metadata_id, "metadataKey": LOCK_KEY}
    return {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}}


@contextmanager
def hold_lock(wb: GSheetsWorkbook, holder: str, *, stale_after: dt.timedelta) -> Iterator[None]:
    token = secrets.token_hex(8)
    info = {
        "holder": holder,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "token": token,
    }

    def plan(attempt: int) -> tuple[dict[str, Any] | None, None]:
        entries = _entries(wb)
        if any(e.token == token for e in entries):
            return None, None  # an earlier attempt was applied
        requests = []
        for e in entries:
            why = stale_reason(e, stale_after)
            if why is None:
                raise _held(wb, e, stale_after)
            log.warning("taking over a stale sync lock on %s (%s)", wb.name, why)
            requests.append(_delete(e.metadata_id))
        meta = {
            "metadataKey": LOCK_KEY,
            "metadataValue": json.dumps(info),
            "location": {"spreadsheet": True},
            "visibility": "DOCUMENT",
        }
        requests.append({"createDeveloperMetadata": {"developerMetadata": meta}})
        return {"requests": requests}, None

    wb.apply(plan)
    wb.changed()
    entries = _entries(wb)
    mine = [e for e in entries if e.token == token]
    rivals = [e for e in entries if e.token != token and stale_reason(e, stale_after) is None]
    if rivals or not mine:
        _release(wb, mine)
        raise (
            _held(wb, rivals[0], stale_after)
            if rivals
            else LockHeldError(
                f"the sync lock on {wb.name} was taken by another run while we took it. Fix: run again later."
            )
        )
    try:
        yield
    finally:
        _release(wb, mine)


def _release(wb: GSheetsWorkbook, mine: list[Entry]) -> None:
    if not mine:
        return
    try:
        wb.apply(lambda attempt: ({"requests": [_delete(e.metadata_id) for e in mine]}, None))
        wb.changed()
    except SheetsSyncError as exc:
        log.warning(
            "could not release the sync lock on %s (%s); it is taken over automatically once stale",
            wb.name,
            exc,
        )
