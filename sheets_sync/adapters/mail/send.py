"""Mail delivery (adapter): MIME building, SMTP, and the ``.eml`` outbox.

The core (:mod:`sheets_sync.core.digest.build`) decides and renders; this module only turns a
:class:`~sheets_sync.core.digest.build.Mail` into a MIME message and hands it over:

* :class:`Outbox`: one ``<key>.eml`` file per mail, written atomically;
* :class:`SmtpMailer`: SMTP with ``starttls`` / ``ssl`` / ``none``, a timeout always set, the
  password only from the environment (``SHEETS_SYNC_SMTP_PASSWORD``) and never logged.

Message structure: ``multipart/alternative`` [``text/plain``, ``multipart/related`` [``text/html``,
``image/png``...]] — charts are inline parts referenced from the HTML by ``cid:``.

The product queues every mail as a file and then sends the file (:class:`sheets_sync.adapters.mail.queue.MailQueue`
with an :class:`Outbox` and, when SMTP is configured, :meth:`SmtpMailer.send_bytes`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import logging
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate
from pathlib import Path

from sheets_sync.config import Config, SmtpConfig
from sheets_sync.core.digest.build import Mail
from sheets_sync.errors import DeliveryError
from sheets_sync.files import write_atomic

log = logging.getLogger(__name__)

LOOPBACK = ("localhost", "127.0.0.1", "::1")


class ConnectionDeliveryError(DeliveryError):
    """The server could not be reached or refused us: no point trying the other mails this run."""


def message_id(key: str, sender: str) -> str:
    """The same notification key always gives the same Message-ID (receivers can drop duplicates)."""
    domain = sender.rpartition("@")[2].strip(" >") or "sheets-sync.invalid"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}.sheets-sync@{domain}>"


def build_message(mail: Mail, sender: str, *, date: dt.datetime | None = None) -> EmailMessage:
    """multipart/alternative (text + html), images as related parts of the html by Content-ID."""
    msg = EmailMessage()
    msg["Subject"] = " ".join(mail.subject.split())
    msg["From"] = sender
    msg["To"] = ", ".join(mail.to)
    msg["Date"] = formatdate((date or dt.datetime.now(dt.timezone.utc)).timestamp(), localtime=True)
    msg["Message-ID"] = message_id(mail.key, sender)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    if mail.images:
        html_part: EmailMessage = msg.get_payload()[1]  # type: ignore[index,assignment]
        for cid, data in mail.images:
            html_part.add_related(
                data,
                maintype="image",
                subtype="png",
                cid=f"<{cid}>",
                disposition="inline",
                filename=f"{cid.split('@')[0]}.png",
            )
    return msg


def mail_filename(key: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", key).strip("_")[:120]
    return f"{slug or 'mail'}.eml"


def mail_text(path: Path) -> str:
    """Every text part of a ``.eml`` decoded (quoted-printable, base64, HTML entities), folded."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    except (OSError, ValueError):
        return ""
    parts = [str(msg.get("Subject", "")), str(msg.get("To", ""))]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            try:
                body = part.get_content()
            except (LookupError, ValueError):
                body = part.get_payload(decode=True).decode("utf-8", "replace")  # type: ignore[union-attr]
            parts.append(html.unescape(body) if part.get_content_subtype() == "html" else body)
    return " ".join(" ".join(parts).casefold().split())


class Outbox:
    """Delivery as files: ``<folder>/<key-slug>.eml``, written atomically (open them in any mail app)."""

    def __init__(self, folder: Path, sender: str = "sheets-sync@localhost") -> None:
        self.folder = folder
        self.sender = sender

    def deliver(self, mail: Mail) -> Path:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / mail_filename(mail.key)
            write_atomic(path, bytes(build_message(mail, self.sender)))  # 0600, exclusive temp file
        except OSError as exc:
            raise DeliveryError(
                f"cannot write the outbox file in {self.folder}: {exc.strerror or exc} — "
                "check that the folder is writable or set [digest] outbox to another folder"
            ) from exc
        return path

    def __repr__(self) -> str:
        return f"Outbox({str(self.folder)!r})"


class SmtpMailer:
    """SMTP delivery. One connection per message; every failure is a :class:`DeliveryError`."""

    def __init__(self, cfg: SmtpConfig, password: str | None = None) -> None:
        self.cfg = cfg
        self._password = password or None

    def __repr__(self) -> str:  # never show the password
        return f"SmtpMailer(host={self.cfg.host!r}, port={self.cfg.port}, security={self.cfg.security!r})"

    @property
    def sender(self) -> str:
        return self.cfg.sender

    def send_bytes(self, data: bytes) -> None:
        """Send an already built message (e.g. a queued ``.eml`` file)."""
        self.send_message(BytesParser(policy=policy.default).parsebytes(data))  # type: ignore[arg-type]

    def send_message(self, msg: EmailMessage) -> None:
        cfg = self.cfg
        if cfg.user and not self._password:
            raise DeliveryError(
                f"SMTP user {cfg.user!r} is set but {cfg.password_env} is empty — export the password "
                f"in {cfg.password_env}, or remove the user if the server needs no login"
            )
        if cfg.user and cfg.security == "none" and cfg.host not in LOOPBACK:
            raise DeliveryError(
                f"refusing to send the SMTP password unencrypted to {cfg.host} — "
                "set SHEETS_SYNC_SMTP_SECURITY=starttls (port 587) or ssl (port 465)"
            )
        try:
            with self._connect() as conn:
                if cfg.user and self._password:
                    conn.login(cfg.user, self._password)
                refused = conn.send_message(msg)
        except DeliveryError:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            raise _explain(exc, cfg) from None
        if refused:
            log.warning("SMTP server refused %d of the recipients of one mail", len(refused))

    def _connect(self) -> smtplib.SMTP:
        cfg = self.cfg
        context = ssl.create_default_context()
        if cfg.security == "ssl":
            return smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
        conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        try:
            if cfg.security == "starttls":
                conn.ehlo()
                if not conn.has_extn("starttls"):
                    raise ConnectionDeliveryError(
                        f"{cfg.host}:{cfg.port} does not offer STARTTLS — use SHEETS_SYNC_SMTP_SECURITY=ssl "
                        "(usually port 465), or none only for a relay on this machine"
                    )
                conn.starttls(context=context)
                conn.ehlo()
        except BaseException:
            conn.close()
            raise
        return conn


def _explain(exc: BaseException, cfg: SmtpConfig) -> DeliveryError:
    """A one-line message that names the fix (never the password)."""
    where = f"{cfg.host}:{cfg.port} ({cfg.security})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return ConnectionDeliveryError(
            f"SMTP login to {where} failed (code {exc.smtp_code}) — check SHEETS_SYNC_SMTP_USER and "
            f"{cfg.password_env}"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return DeliveryError(
            f"{where} refused all {len(exc.recipients)} recipient(s) — check the emails in the Staff "
            "tab or [digest] office_recipients"
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return DeliveryError(
            f"{where} refused the sender address — set SHEETS_SYNC_SMTP_FROM to an address the server accepts"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return DeliveryError(f"{where} answered {exc.smtp_code}: {_text(exc.smtp_error)} — try again later")
    if isinstance(exc, ssl.SSLError):
        return ConnectionDeliveryError(
            f"TLS with {where} failed ({exc.reason or exc}) — port 465 needs security ssl, 587 needs starttls"
        )
    if isinstance(exc, socket.timeout | TimeoutError) or "timed out" in str(exc):
        return ConnectionDeliveryError(
            f"{where} did not answer within {cfg.timeout:g}s — check host and port, or the firewall"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return ConnectionDeliveryError(
            f"{where} closed the connection — check the port and security (465 = ssl, 587 = starttls)"
        )
    if isinstance(exc, OSError):
        return ConnectionDeliveryError(
            f"cannot connect to {where}: {exc.strerror or exc} — check SHEETS_SYNC_SMTP_HOST and "
            "SHEETS_SYNC_SMTP_PORT, and that the server is up"
        )
    return DeliveryError(f"SMTP error with {where}: {exc} — the mail will be retried next run")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def mailer_from_config(config: Config, env: Mapping[str, str] | None = None) -> Outbox | SmtpMailer:
    """SMTP when configured (password from the environment only), else the ``outbox/`` folder."""
    smtp = config.digest.smtp
    if smtp is None:
        return Outbox(config.outbox_dir)
    env = os.environ if env is None else env
    return SmtpMailer(smtp, env.get(smtp.password_env) or None)
