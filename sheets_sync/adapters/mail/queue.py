"""The mail queue: no digest sent twice, none lost.

Mails are written to ``outbox/pending/<key>.eml`` *before* the workbook commit that records
them as planned (state kind ``sent``), and delivered *after* it:

* commit fails -> the next run plans the same keys again and overwrites the same files;
* delivery fails (SMTP down) -> the file stays in ``pending/`` and is retried next run;
* delivered -> moved to ``outbox/sent/`` (kept as evidence for ``keep_sent_days``, default 90,
  then deleted: the mails name alumni).

Without SMTP (the default, and ``make demo``) delivery *is* the .eml file: ``flush`` moves
pending files to ``outbox/`` itself, where a person can open them (deleted after the same time).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from sheets_sync.adapters.mail.send import (
    ConnectionDeliveryError,
    Outbox,
    SmtpMailer,
    mail_filename,
    mail_text,
)
from sheets_sync.core.digest.build import Mail
from sheets_sync.errors import DeliveryError

log = logging.getLogger(__name__)


class MailQueue:
    def __init__(
        self, outbox: Path, sender: str, smtp: SmtpMailer | None = None, *, keep_sent_days: int = 0
    ) -> None:
        self.outbox = outbox
        self.keep_sent_days = keep_sent_days
        self.pending = outbox / "pending"
        self.sent_dir = outbox / "sent" if smtp else outbox
        self.files = Outbox(self.pending, sender)  # writes each .eml atomically
        self.smtp = smtp

    def queue(self, mail: Mail) -> Path:
        return self.files.deliver(mail)

    def prune(self, keep: set[str]) -> int:
        """Delete pending files no committed state knows (left by a run whose commit failed and
        not planned again since). Returns how many were deleted."""
        wanted = {mail_filename(k) for k in keep}
        stale = [p for p in self.pending_files() if p.name not in wanted]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def purge(self, mentions: Callable[[str], bool]) -> list[str]:
        """Delete every ``.eml`` of the outbox (pending, sent or delivered) whose decoded, folded text
        ``mentions`` someone (an erasure). Returns the deleted file names."""
        removed: list[str] = []
        if not self.outbox.exists():
            return removed
        for path in sorted(self.outbox.rglob("*.eml")):
            if mentions(mail_text(path)):
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed

    @staticmethod
    def file_name(key: str) -> str:
        """The file a mail key is queued under."""
        return mail_filename(key)

    def pending_files(self) -> list[Path]:
        return sorted(self.pending.glob("*.eml")) if self.pending.exists() else []

    def flush(self, committed: set[str] | None = None) -> tuple[int, int]:
        """Deliver pending mails. ``committed``: only these keys' files (None = every pending file).
        Once the server cannot be reached, the other mails wait for the next run instead of each
        waiting out the timeout. Returns (sent, failed)."""
        wanted = {mail_filename(k) for k in committed} if committed is not None else None
        sent = failed = waiting = 0
        down = False
        for path in self.pending_files():
            if wanted is not None and path.name not in wanted:
                continue
            if down:
                waiting += 1
                continue
            try:
                if self.smtp is not None:
                    self.smtp.send_bytes(path.read_bytes())
                self.sent_dir.mkdir(parents=True, exist_ok=True)
                os.replace(path, self.sent_dir / path.name)
                sent += 1
            except DeliveryError as exc:
                failed += 1
                down = isinstance(exc, ConnectionDeliveryError)
                # the file name holds the staff member's name: log only its hash part
                log.warning(
                    "mail …%s not delivered, will retry next run: %s", path.stem.rsplit("_", 1)[-1], exc
                )
        if waiting:
            log.warning("%d more mail(s) wait for the next run", waiting)
        self.delete_old_sent()
        return sent, failed + waiting

    def delete_old_sent(self, now: float | None = None) -> int:
        """Delete delivered .eml files older than ``keep_sent_days`` (0: none). Returns how many."""
        if self.keep_sent_days <= 0 or not self.sent_dir.is_dir():
            return 0
        cutoff = (time.time() if now is None else now) - self.keep_sent_days * 86400
        old = [p for p in self.sent_dir.glob("*.eml") if p.stat().st_mtime < cutoff]
        for path in old:
            path.unlink(missing_ok=True)
        if old:
            log.info("deleted %d delivered mail file(s) older than %d days", len(old), self.keep_sent_days)
        return len(old)
