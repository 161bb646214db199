"""The mail queue: no digest sent twice, none lost.

Mails are written to ``outbox/pending/<key>.eml`` *before* the workbook commit that records
them as planned (state kind ``sent``), and delivered *after* it:

* commit fails -> the next run plans the same keys again and overwrites the same files;
* delivery fails (SMTP down) -> the file stays in ``pending/`` and is retried next run;
* delivered -> moved to ``outbox/sent/`` (kept as evidence, pruned by age).

Without SMTP (the default, and ``make demo``) delivery *is* the .eml file: ``flush`` moves
pending files to ``outbox/`` itself, where a person can open them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from .core.digest import Mail
from .errors import DeliveryError
from .mail import SmtpMailer, build_message, mail_filename

log = logging.getLogger(__name__)


class MailQueue:
    def __init__(self, outbox: Path, sender: str, smtp: SmtpMailer | None = None) -> None:
        self.outbox = outbox
        self.pending = outbox / "pending"
        self.sent_dir = outbox / "sent" if smtp else outbox
        self.sender = sender
        self.smtp = smtp

    def queue(self, mail: Mail) -> Path:
        self.pending.mkdir(parents=True, exist_ok=True)
        path = self.pending / mail_filename(mail.key)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(bytes(build_message(mail, self.sender)))
        os.replace(tmp, path)
        return path

    def discard(self, keys: Iterable[str]) -> None:
        """Forget queued mails (e.g. mails about a person who asked to be forgotten)."""
        for key in keys:
            (self.pending / mail_filename(key)).unlink(missing_ok=True)

    def prune(self, keep: set[str]) -> int:
        """Delete pending files no committed state knows (left by a run whose commit failed and
        not planned again since). Returns how many were deleted."""
        wanted = {mail_filename(k) for k in keep}
        stale = [p for p in self.pending_files() if p.name not in wanted]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def pending_files(self) -> list[Path]:
        return sorted(self.pending.glob("*.eml")) if self.pending.exists() else []

    def flush(self, committed: set[str] | None = None) -> tuple[int, int]:
        """Deliver pending mails. ``committed``: only these keys' files (None = every pending file,
        i.e. mails queued by earlier runs whose commit succeeded). Returns (sent, failed)."""
        wanted = {mail_filename(k) for k in committed} if committed is not None else None
        sent = failed = 0
        for path in self.pending_files():
            if wanted is not None and path.name not in wanted:
                continue
            try:
                if self.smtp is not None:
                    self.smtp.send_bytes(path.read_bytes())
                self.sent_dir.mkdir(parents=True, exist_ok=True)
                os.replace(path, self.sent_dir / path.name)
                sent += 1
            except DeliveryError as exc:
                failed += 1
                log.warning("mail %s not delivered, will retry next run: %s", path.stem[:40], exc)
        return sent, failed
