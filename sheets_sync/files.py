"""Writing files on the machine safely: every file the service writes goes through here.

* :func:`write_atomic` — the content goes to a temporary file created *exclusively*
  (``mkstemp``: ``O_CREAT | O_EXCL``, a random name, mode 0600) in the target's own folder, is
  fsynced, then renamed over the target: a reader sees the old file or the new one, never half;
  a link planted at a predictable temporary name is never followed; when writing fails (disk
  full) the temporary file is deleted and the target is left as it was.
* A target that is a symbolic link is written *through* to the file it points to (the link
  stays a link), still atomically.
* A new file is created 0600 (only the machine's user can read it: they hold personal data) —
  whatever the umask; an existing file keeps its mode. ``new_mode`` overrides it for a public
  file (the factsheet).
* :func:`create_exclusive` — a new file that must not exist yet (a backup copy), never through
  a link.

No import from the rest of the package: every layer may use it.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

PRIVATE = 0o600  # personal data: only the machine's user reads it
PUBLIC = 0o644  # the factsheet (published aggregates, no personal data)
STALE_TEMP_SECONDS = 60  # a write in progress touches its temporary file far more often than this

Content = bytes | str | Callable[[BinaryIO], None]  # bytes, UTF-8 text, or a writer


def write_target(path: Path) -> Path:
    """The file a write to ``path`` lands in: ``path`` itself, or the file a link there points
    to (followed to the end, relative links resolved from the link's folder)."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_atomic(
    path: Path,
    content: Content,
    *,
    new_mode: int = PRIVATE,
    before_replace: Callable[[], None] = lambda: None,
) -> Path:
    """Write ``content`` to ``path`` atomically (see the module doc); returns the file written
    (the link's target when ``path`` is a link). ``before_replace`` runs after the content is
    durable and before the rename; if it raises, nothing is replaced. Any failure deletes the
    temporary file and re-raises."""
    target = write_target(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(content, str):
                f.write(content.encode("utf-8"))
            elif isinstance(content, bytes):
                f.write(content)
            else:
                content(f)
            f.flush()
            os.fsync(f.fileno())
            try:
                mode = stat.S_IMODE(os.stat(target).st_mode)
            except FileNotFoundError:
                mode = new_mode
            os.fchmod(f.fileno(), mode)  # exact mode, whatever the umask
        before_replace()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    remove_stale_temps(target)
    return target


def create_exclusive(path: Path, writer: Callable[[BinaryIO], None], *, mode: int = PRIVATE) -> None:
    """Create the new file ``path`` (``FileExistsError`` when something, a link included, is
    already there) and write it. A failure deletes the half-written file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            writer(f)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise


def remove_stale_temps(path: Path) -> int:
    """Delete temporary files a killed write left next to ``path`` (``.<name>.<random>.tmp``:
    each may be a full copy, personal data included). Files touched in the last minute (a write
    in progress) and anything that is not a regular file are left alone."""
    removed = 0
    cutoff = time.time() - STALE_TEMP_SECONDS
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]+\.tmp")
    try:
        names = os.listdir(path.parent)
    except OSError:
        return 0
    for name in names:
        if not pattern.fullmatch(name):
            continue
        tmp = path.parent / name
        try:
            info = tmp.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    if removed:
        log.warning("removed %d temporary file(s) left by an interrupted write of %s", removed, path.name)
    return removed


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
