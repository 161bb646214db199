"""No digest sent twice, none lost: the mail queue around the commit, with a real SMTP server."""

from __future__ import annotations

import os
import time
from dataclasses import replace

import pytest

from sheets_sync import wiring
from sheets_sync.adapters.mail.queue import MailQueue
from sheets_sync.adapters.mail.send import SmtpMailer
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.app.sync import run_sync
from sheets_sync.config import DigestConfig, SmtpConfig, parse_config
from sheets_sync.demo import generate_school, write_demo_workbook
from sheets_sync.errors import BackendError

from .test_mail import free_port, smtp_server  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def school():
    return generate_school(5, alumni=60, lists=4)


def _setup(tmp_path, school, port):
    wb = tmp_path / "school.xlsx"
    write_demo_workbook(wb, school)
    config = parse_config({}, base=tmp_path)
    smtp = SmtpConfig(host="127.0.0.1", port=port, security="none", sender="alumni@school.test", timeout=3.0)
    config = replace(config, workbook=wb, digest=replace(DigestConfig(), smtp=smtp))
    wiring.provision(XlsxWorkbook(wb))
    return config


def _queue(config):
    return MailQueue(config.outbox_dir, "alumni@school.test", SmtpMailer(config.digest.smtp, None))


class FailingCommit(XlsxWorkbook):
    def commit(self, snapshot, writes):
        raise BackendError("simulated write failure")


def test_smtp_down_then_up_delivers_each_mail_exactly_once(tmp_path, school, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    dead_port = free_port()
    config = _setup(tmp_path, school, dead_port)
    report, computed = run_sync(config, XlsxWorkbook(config.workbook), outbox=_queue(config))
    planned = {m.key for m in computed.mails}
    assert planned and report.mails_failed == len(planned) and report.mails_sent == 0
    assert inbox.messages == []

    up = replace(config, digest=replace(config.digest, smtp=replace(config.digest.smtp, port=port)))
    report2, computed2 = run_sync(up, XlsxWorkbook(up.workbook), outbox=_queue(up))
    assert report2.mails_failed == 0
    ids = [m["Message-ID"] for _, m in inbox.messages]
    assert len(ids) == len(set(ids)), "a mail was delivered twice"
    assert len(ids) == len(planned) + len(computed2.mails)

    run_sync(up, XlsxWorkbook(up.workbook), outbox=_queue(up))
    again = [m["Message-ID"] for _, m in inbox.messages]
    assert len(again) == len(set(again)), "a mail was delivered twice"


def test_a_failed_commit_sends_nothing_and_the_next_run_sends_once(tmp_path, school, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    config = _setup(tmp_path, school, port)
    before = XlsxWorkbook(config.workbook).read()
    with pytest.raises(BackendError):
        run_sync(config, FailingCommit(config.workbook), outbox=_queue(config))
    assert inbox.messages == []
    assert XlsxWorkbook(config.workbook).read().grids.keys() == before.grids.keys()  # outputs as they were

    _, computed = run_sync(config, XlsxWorkbook(config.workbook), outbox=_queue(config))
    ids = [m["Message-ID"] for _, m in inbox.messages]
    assert len(ids) == len(computed.mails) == len(set(ids))
    assert not list((config.outbox_dir / "pending").glob("*.eml"))


@pytest.mark.parametrize(("keep_days", "left"), [(90, ["new.eml"]), (0, ["new.eml", "old.eml"])])
def test_delivered_mail_files_are_deleted_after_keep_sent_days(tmp_path, keep_days, left):
    """Delivered mails name alumni: they are evidence for a while, not an archive."""
    queue = MailQueue(tmp_path / "outbox", "alumni@school.test", keep_sent_days=keep_days)
    queue.sent_dir.mkdir(parents=True)
    old, new = queue.sent_dir / "old.eml", queue.sent_dir / "new.eml"
    old.write_bytes(b"x"), new.write_bytes(b"y")
    (queue.sent_dir / "notes.txt").write_text("a person's file")
    stamp = time.time() - 91 * 86400
    os.utime(old, (stamp, stamp))
    queue.flush()  # nothing pending: only the clean-up
    assert sorted(p.name for p in queue.sent_dir.glob("*.eml")) == left
    assert (queue.sent_dir / "notes.txt").exists()


@pytest.mark.parametrize(
    ("table", "expected"), [({}, 90), ({"keep_sent_days": 0}, 0), ({"keep_sent_days": 30}, 30)]
)
def test_keep_sent_days_is_read_from_the_config(tmp_path, table, expected):
    assert parse_config({"digest": table}, base=tmp_path).digest.keep_sent_days == expected
