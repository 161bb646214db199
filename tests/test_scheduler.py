"""The nightly loop: runs at the configured local time, survives a failing run, stops on SIGTERM."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import schedule

from sheets_sync.app.schedule import NightlyLoop
from sheets_sync.config import ScheduleConfig, parse_config
from sheets_sync.errors import LockHeldError

REPO = Path(__file__).resolve().parents[1]


def _config(tmp_path, at="02:00", tz="Europe/Madrid"):
    config = parse_config({}, base=tmp_path)
    return replace(config, schedule=ScheduleConfig(time=dt.time.fromisoformat(at), timezone=tz))


def test_job_is_scheduled_daily_at_the_configured_local_time(tmp_path):
    loop = NightlyLoop(
        _config(tmp_path, "02:30", "Europe/Madrid"), lambda: None, scheduler=schedule.Scheduler()
    )
    job = loop.scheduler.get_jobs()[0]
    assert job.unit == "days" and job.interval == 1
    assert job.at_time == dt.time(2, 30)
    assert str(job.at_time_zone) == "Europe/Madrid"


def test_a_failing_run_is_logged_and_the_loop_goes_on(tmp_path, caplog):
    calls = []

    def job():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        if len(calls) == 2:
            raise LockHeldError("held by other:1")
        return None

    loop = NightlyLoop(_config(tmp_path), job, scheduler=schedule.Scheduler(), sleep=lambda s: None)
    for _ in range(3):
        loop.run_once()
    assert loop.runs == 3 and loop.failures == 2
    assert "crashed" in caplog.text and "skipped" in caplog.text


def test_run_now_runs_once_then_waits_until_stopped(tmp_path):
    ran = []
    loop = NightlyLoop(_config(tmp_path), lambda: ran.append(1), scheduler=schedule.Scheduler())
    loop.sleep = lambda s: loop.stop()  # the first wait ends the loop, as SIGTERM would
    loop.loop(run_now=True)
    assert ran == [1]
    assert loop.stop_event.is_set()


def test_sigterm_stops_the_schedule_command_cleanly(tmp_path):
    wb = tmp_path / "school.xlsx"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    assert (
        subprocess.run(
            [sys.executable, str(REPO / "run.py"), "init", "--workbook", str(wb)],
            capture_output=True,
            timeout=300,
        ).returncode
        == 0
    )
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "run.py"), "schedule", "--workbook", str(wb)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.time() + 120
    seen = ""
    while time.time() < deadline:
        line = proc.stderr.readline()
        seen += line
        if "scheduled daily" in line:
            break
    assert "scheduled daily" in seen
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "scheduler stopped after 0 run(s)" in err
