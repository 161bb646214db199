"""Mail delivery as the product does it (the MailQueue: .eml files, then SMTP) against a real SMTP
server (aiosmtpd on 127.0.0.1, random free port)."""

from __future__ import annotations

import datetime as dt
import email
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage
from functools import cache
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from sheets_sync.adapters.charts import rollup_charts
from sheets_sync.adapters.mail.queue import MailQueue
from sheets_sync.adapters.mail.send import (
    Outbox,
    SmtpMailer,
    build_message,
    mail_filename,
    mailer_from_config,
    message_id,
)
from sheets_sync.config import Config, DigestConfig, SmtpConfig
from sheets_sync.core.digest.build import OPTED_OUT, Mail, plan_digests
from sheets_sync.core.state import State
from sheets_sync.errors import DeliveryError

from ._digest_data import OFFICE, SCRIPT, TEACHER, TEMPLATE, TODAY, TUTOR, digest_input, rollup

PASSWORD = "s3cret-Pa55word!"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    messages: list[tuple[tuple[str, ...], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((tuple(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@refused.test"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def to(self, address: str) -> EmailMessage:
        found = [m for rcpts, m in self.messages if address in rcpts]
        assert len(found) == 1, f"{len(found)} mails to {address}"
        return found[0]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"digest-bot",
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def auth_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=_authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def smtp(port: int, **kw: object) -> SmtpConfig:
    base = SmtpConfig(host="127.0.0.1", port=port, security="none", sender="alumni@school.test", timeout=5.0)
    return replace(base, **kw)  # type: ignore[arg-type]


@cache
def charts() -> dict[str, bytes]:
    return rollup_charts(rollup())


def planned(state: State | None = None, **kw: object) -> tuple[list[Mail], State]:
    return plan_digests(digest_input(state, charts=charts(), **kw))


def queue(folder: Path, mailer: SmtpMailer | None, mails: list[Mail]) -> MailQueue:
    """The product's delivery path: every mail queued as an .eml file, then flushed."""
    q = MailQueue(folder, "alumni@school.test", mailer)
    for mail in mails:
        q.queue(mail)
    return q


def eml(mail: Mail) -> bytes:
    """A mail as the queue stores it (what :meth:`SmtpMailer.send_bytes` sends)."""
    return bytes(build_message(mail, "alumni@school.test"))


def parts(msg: EmailMessage) -> list[str]:
    return [p.get_content_type() for p in msg.walk()]


def test_digests_arrive_by_smtp_as_multipart_alternative_with_inline_chart(smtp_server, tmp_path):
    inbox, port = smtp_server
    mails, _ = planned()
    q = queue(tmp_path / "outbox", SmtpMailer(smtp(port)), mails)
    assert q.flush() == (3, 0)
    assert q.pending_files() == []
    assert sorted(p.name for p in (tmp_path / "outbox" / "sent").iterdir()) == sorted(
        mail_filename(m.key) for m in mails
    )  # kept as evidence

    office = inbox.to(OFFICE)
    assert parts(office) == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "image/png",
    ]
    html = office.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text = office.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    images = [p for p in office.walk() if p.get_content_type() == "image/png"]
    for image in images:
        cid = image["Content-ID"].strip("<>")
        assert f"cid:{cid}" in html
        assert image.get_content().startswith(b"\x89PNG")
        assert image.get_content_disposition() == "inline"
    for body in (html, text):
        assert "63.6 %" in body and "A-00001" in body and "Outreach!2" in body
    assert office["From"] == "alumni@school.test"
    assert office["Subject"] == "Escola <b>Pública</b>: alumni digest 2024-11-25"
    assert office["Message-ID"] == message_id(f"office:{TODAY.isoformat()}", "alumni@school.test")

    owner = inbox.to(TUTOR)
    assert parts(owner) == ["multipart/alternative", "text/plain", "text/html"]
    owner_html = owner.get_body(("html",)).get_content()  # type: ignore[union-attr]
    owner_text = owner.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Guest lecture on food safety" in owner_text and "Olga Office" in owner_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in owner_html and "<script" not in owner_html
    assert TEMPLATE in owner_html and SCRIPT in owner_text
    assert OPTED_OUT in owner_text and "Ask to mentor a class" not in owner_text

    teacher = inbox.to(TEACHER)
    teacher_text = teacher.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "row 4" in teacher_text and "correct the address" in teacher_text
    assert {r for rcpts, _ in inbox.messages for r in rcpts} == {OFFICE, TUTOR, TEACHER}


def test_the_same_notification_is_not_sent_twice(smtp_server, tmp_path):
    inbox, port = smtp_server
    mailer = SmtpMailer(smtp(port))
    mails, state = planned()
    assert queue(tmp_path, mailer, mails).flush() == (3, 0)
    again, state = planned(state)
    assert again == []
    tomorrow = TODAY + dt.timedelta(days=1)
    next_day, state = planned(state, today=tomorrow)
    q = queue(tmp_path, mailer, next_day)
    assert q.flush() == (1, 0)
    assert q.flush() == (0, 0)  # a delivered file is not sent again
    assert [m.kind for m in next_day] == ["office"]
    assert sum(1 for rcpts, _ in inbox.messages if TUTOR in rcpts) == 1
    assert sum(1 for rcpts, _ in inbox.messages if TEACHER in rcpts) == 1


def test_a_failed_delivery_stays_pending_and_is_retried_next_run(smtp_server, tmp_path):
    inbox, port = smtp_server
    mails, state = planned()
    down = queue(tmp_path, SmtpMailer(smtp(free_port())), mails)  # nothing listens there
    assert down.flush() == (0, 3)
    assert [p.name for p in down.pending_files()] == sorted(mail_filename(m.key) for m in mails)

    tomorrow = TODAY + dt.timedelta(days=1)
    next_day, state = planned(state, today=tomorrow)
    assert [m.kind for m in next_day] == ["office"]  # the queued owner/teacher mails are not planned again
    up = MailQueue(tmp_path, "alumni@school.test", SmtpMailer(smtp(port)))
    assert up.flush(committed={m.key for m in mails}) == (3, 0)  # the files of the first run
    assert up.pending_files() == []
    assert sorted(m["Message-ID"] for _, m in inbox.messages) == sorted(
        message_id(m.key, "alumni@school.test") for m in mails
    )
    assert up.flush() == (0, 0)


def test_one_refused_mail_does_not_stop_the_others(smtp_server, tmp_path, caplog):
    inbox, port = smtp_server
    mails, _ = planned()
    broken = replace(mails[1], to=("left@refused.test",))
    assert broken.kind == "teacher"
    q = queue(tmp_path, SmtpMailer(smtp(port)), [mails[0], broken, mails[2]])
    with caplog.at_level(logging.WARNING):
        assert q.flush() == (2, 1)
    assert "refused all 1 recipient(s)" in caplog.text
    assert "ana-ruiz" not in caplog.text and "left@refused.test" not in caplog.text  # no name, no address
    assert [p.name for p in q.pending_files()] == [mail_filename(broken.key)]  # retried next run
    assert len(inbox.messages) == 2


def test_login_uses_the_password_from_the_environment_and_never_logs_it(auth_server, caplog, tmp_path):
    inbox, port = auth_server
    config = Config(
        workbook=tmp_path / "alumni.xlsx", digest=DigestConfig(smtp=smtp(port, user="digest-bot"))
    )
    mailer = mailer_from_config(config, env={"SHEETS_SYNC_SMTP_PASSWORD": PASSWORD})
    assert isinstance(mailer, SmtpMailer)
    assert PASSWORD not in repr(mailer)
    mails, _ = planned()
    with caplog.at_level(logging.DEBUG):
        assert queue(tmp_path / "outbox", mailer, mails).flush() == (3, 0)
    assert len(inbox.messages) == 3
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize(
    ("password", "fix"),
    [
        ("wrong", "check SHEETS_SYNC_SMTP_USER and SHEETS_SYNC_SMTP_PASSWORD"),
        (None, "export the password in SHEETS_SYNC_SMTP_PASSWORD"),
    ],
)
def test_a_bad_login_fails_with_the_fix(auth_server, password, fix):
    _, port = auth_server
    mail = planned()[0][0]
    with pytest.raises(DeliveryError, match=fix) as err:
        SmtpMailer(smtp(port, user="digest-bot"), password).send_bytes(eml(mail))
    assert PASSWORD not in str(err.value)


@pytest.mark.parametrize(
    ("security", "host", "fix"),
    [
        ("starttls", "127.0.0.1", "does not offer STARTTLS"),  # aiosmtpd without TLS
        ("ssl", "127.0.0.1", "port 465 needs security ssl"),  # TLS handshake with a plain server
    ],
)
def test_security_mismatch_fails_with_the_fix(smtp_server, security, host, fix):
    inbox, port = smtp_server
    mail = planned()[0][0]
    with pytest.raises(DeliveryError, match=fix):
        SmtpMailer(smtp(port, security=security, host=host)).send_bytes(eml(mail))
    assert inbox.messages == []


def test_the_password_is_never_sent_unencrypted_to_another_host():
    mail = planned()[0][0]
    cfg = smtp(25, host="smtp.example.invalid", user="digest-bot")
    with pytest.raises(DeliveryError, match="refusing to send the SMTP password unencrypted"):
        SmtpMailer(cfg, PASSWORD).send_bytes(eml(mail))


def test_a_silent_server_times_out():
    with socket.socket() as silent:  # accepts connections (backlog) but never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        cfg = smtp(silent.getsockname()[1], timeout=0.5)
        with pytest.raises(DeliveryError, match="did not answer within 0.5s"):
            SmtpMailer(cfg).send_bytes(eml(planned()[0][0]))


def test_after_a_connection_failure_the_other_mails_wait(caplog, tmp_path):
    mails, _ = planned()
    q = queue(tmp_path, SmtpMailer(smtp(free_port())), mails)
    with caplog.at_level(logging.WARNING):
        assert q.flush() == (0, 3)
    assert caplog.text.count("cannot connect") == 1  # one attempt, not one per mail
    assert "2 more mail(s) wait for the next run" in caplog.text
    assert len(q.pending_files()) == 3
    for mail in mails:
        assert not any(address in caplog.text for address in mail.to)


def test_without_smtp_the_outbox_holds_one_eml_per_mail(tmp_path: Path):
    outbox = tmp_path / "outbox"
    mails, state = planned()
    q = queue(outbox, None, mails)
    assert q.flush() == (3, 0)
    assert q.pending_files() == []
    files = sorted(p.name for p in outbox.iterdir() if p.is_file())
    assert files == sorted(mail_filename(m.key) for m in mails)
    assert not any(name.endswith(".tmp") for name in files)
    office = email.message_from_bytes(
        (outbox / mail_filename(mails[0].key)).read_bytes(), policy=policy.default
    )
    assert office["To"] == OFFICE
    assert parts(office)[:4] == ["multipart/alternative", "text/plain", "multipart/related", "text/html"]
    again, _ = planned(state)
    assert again == []


def test_outbox_failure_is_a_delivery_error_with_the_fix(tmp_path: Path):
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DeliveryError, match="set \\[digest\\] outbox"):
        Outbox(blocker).deliver(planned()[0][0])


def test_message_id_is_deterministic_and_the_date_is_not_in_the_key():
    mail = planned()[0][0]
    first = build_message(mail, "alumni@school.test", date=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    second = build_message(mail, "alumni@school.test")
    assert first["Message-ID"] == second["Message-ID"]
    assert message_id("a", "x@y.test") != message_id("b", "x@y.test")
    assert first["Auto-Submitted"] == "auto-generated"


def test_mailer_from_config_defaults_to_the_outbox_next_to_the_workbook(tmp_path: Path):
    mailer = mailer_from_config(Config(workbook=tmp_path / "alumni.xlsx"), env={})
    assert isinstance(mailer, Outbox) and mailer.folder == tmp_path / "outbox"
    custom = Config(workbook=tmp_path / "alumni.xlsx", digest=DigestConfig(outbox=tmp_path / "mails"))
    assert mailer_from_config(custom, env={}).folder == tmp_path / "mails"  # type: ignore[union-attr]
