"""Locks around a local workbook.

* Our own one-sync-at-a-time lock: ``<workbook>.sheets_sync.lock`` next to the workbook, created
  with ``O_EXCL`` and holding JSON ``{holder, pid, host, started, token}``. A lock whose process
  is dead on this host, or older than ``stale_after``, is taken over with a warning.
* The lock files Excel (``~$name.xlsx``) and LibreOffice (``.~lock.name.xlsx#``) leave while a
  person has the workbook open: we never write while one exists.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sheets_sync.errors import ConcurrentEditError, LockHeldError

log = logging.getLogger(__name__)


def lock_path_for(workbook: Path) -> Path:
    return workbook.with_name(workbook.name + ".sheets_sync.lock")


def office_lock_files(workbook: Path) -> list[Path]:
    """Lock files of Excel / LibreOffice present for ``workbook`` (a person has it open)."""
    name = workbook.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")  # Excel replaces the first two characters of long names
    return [workbook.with_name(c) for c in dict.fromkeys(candidates) if workbook.with_name(c).exists()]


def refuse_if_open_elsewhere(workbook: Path) -> None:
    found = office_lock_files(workbook)
    if found:
        raise ConcurrentEditError(
            f"{workbook.name} is open in Excel or LibreOffice (lock file {found[0].name}); nothing was "
            "written. Fix: close it there and run again (if nobody has it open, delete that lock file)."
        )


def pid_alive(pid: int) -> bool:
    """Is process ``pid`` running on this host? (A lock of a dead process is stale.)"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return False
    return True


def _read_lock(path: Path) -> tuple[bytes, dict[str, object]]:
    raw = path.read_bytes()
    try:
        info = json.loads(raw.decode("utf-8"))
        return raw, info if isinstance(info, dict) else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        return raw, {}


def _staleness(path: Path, info: dict[str, object], stale_after: dt.timedelta) -> str | None:
    """Why the lock may be taken over, or None when it is live."""
    now = dt.datetime.now(dt.UTC)
    try:
        started = dt.datetime.fromisoformat(str(info["started"]))
    except (KeyError, ValueError):
        started = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    if started.tzinfo is None:
        started = started.replace(tzinfo=dt.UTC)
    if now - started > stale_after:
        return f"older than {stale_after}"
    pid = info.get("pid")
    if info.get("host") == socket.gethostname() and isinstance(pid, int) and not pid_alive(pid):
        return f"its process {pid} is no longer running"
    return None


@contextmanager
def hold_lock(workbook: Path, holder: str, *, stale_after: dt.timedelta) -> Iterator[None]:
    """Hold ``<workbook>.sheets_sync.lock`` for the duration of the block (released on exceptions)."""
    path = lock_path_for(workbook)
    token = secrets.token_hex(8)
    payload = json.dumps(
        {
            "holder": holder,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "token": token,
        }
    ).encode("utf-8")
    for attempt in range(3):
        try:
            _create_whole(path, payload)
        except FileExistsError:
            try:
                raw, info = _read_lock(path)
            except FileNotFoundError:
                continue  # released meanwhile: try again
            why = _staleness(path, info, stale_after)
            if why is None or attempt == 2:
                raise LockHeldError(
                    f"Another sync holds the lock on {workbook.name}: holder {info.get('holder', '?')!r}, "
                    f"pid {info.get('pid', '?')} on {info.get('host', '?')}, started {info.get('started', '?')}. "
                    f"Fix: wait for it to finish; if no sync is running, delete {path} "
                    f"(it is taken over automatically after {stale_after})."
                ) from None
            _take_over(path, raw, why)
            continue
        break
    try:
        yield
    finally:
        try:
            if path.read_bytes() == payload:
                path.unlink()
            else:
                log.warning("lock %s was taken over by another run; left in place", path.name)
        except FileNotFoundError:
            log.warning("lock %s vanished before release", path.name)


def _take_over(path: Path, stale_raw: bytes, why: str) -> None:
    """Remove a stale lock, unless another run replaced it with a fresh one meanwhile."""
    aside = path.with_name(f"{path.name}.stale-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return
    if aside.read_bytes() != stale_raw:  # we moved someone's fresh lock: put it back
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        aside.unlink()
        return
    aside.unlink()
    log.warning("took over a stale sync lock on %s (%s)", path.name, why)


def _create_whole(path: Path, payload: bytes) -> None:
    """Create the lock file with its content in one step, or raise FileExistsError: the payload goes
    into a private temp file first and is then hard-linked to ``path`` (fails if it exists), so a run
    killed at any moment never leaves an empty lock whose owner nobody can tell."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.link(tmp, path)
    finally:
        os.unlink(tmp)
