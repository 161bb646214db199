"""``run.py schedule``: the in-process nightly loop (the ``schedule`` library).

One run every day at ``[schedule] time`` in ``[schedule] timezone`` (default 02:00). An exception
in one run is logged and the loop goes on; SIGTERM/SIGINT stop it cleanly *between* runs (a run in
progress finishes first, so its commit is never cut in half by the stop).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import schedule

from sheets_sync.app.report import SyncReport
from sheets_sync.config import Config
from sheets_sync.errors import LockHeldError, SheetsSyncError

log = logging.getLogger(__name__)


class NightlyLoop:
    def __init__(
        self,
        config: Config,
        job: Callable[[], SyncReport | None],
        *,
        scheduler: schedule.Scheduler | None = None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.config = config
        self.job = job
        self.scheduler = scheduler or schedule.Scheduler()
        self.sleep = sleep
        self.stop_event = threading.Event()
        self.runs = 0
        self.failures = 0
        at = config.schedule.time.strftime("%H:%M")
        self.scheduler.every().day.at(at, config.schedule.timezone).do(self.run_once)

    def run_once(self) -> None:
        """Run the job; never let an exception end the loop."""
        self.runs += 1
        try:
            report = self.job()
            log.info("nightly run finished: %s", report.summary_lines()[0] if report is not None else "ok")
        except LockHeldError as exc:
            self.failures += 1
            log.warning("nightly run skipped: %s", exc)
        except SheetsSyncError as exc:
            self.failures += 1
            log.error("nightly run failed: %s", exc)
        except Exception:  # noqa: BLE001 - the loop must survive anything a run throws
            self.failures += 1
            log.exception("nightly run crashed; the loop goes on")

    def stop(self, *_: Any) -> None:
        log.info("stop requested: leaving the loop after the current run")
        self.stop_event.set()

    def next_run(self) -> str:
        nxt = self.scheduler.next_run
        return nxt.isoformat(timespec="minutes") if nxt else "never"

    def loop(self, *, run_now: bool = False, max_iterations: int | None = None) -> None:
        if run_now:
            self.run_once()
        log.info(
            "scheduled daily at %s %s; next run %s",
            self.config.schedule.time.strftime("%H:%M"),
            self.config.schedule.timezone,
            self.next_run(),
        )
        iterations = 0
        while not self.stop_event.is_set():
            self.scheduler.run_pending()
            iterations += 1
            if max_iterations is not None and iterations >= max_iterations:
                break
            idle = self.scheduler.idle_seconds
            wait = 30.0 if idle is None else max(0.0, min(idle, 30.0))
            if self.stop_event.wait(0) is False:
                self.sleep(wait)


def run_forever(
    config: Config, job: Callable[[], SyncReport | None], *, run_now: bool = False
) -> NightlyLoop:
    loop = NightlyLoop(config, job, sleep=lambda s: loop.stop_event.wait(s))
    signal.signal(signal.SIGTERM, loop.stop)
    signal.signal(signal.SIGINT, loop.stop)
    loop.loop(run_now=run_now)
    log.info("scheduler stopped after %d run(s), %d failed", loop.runs, loop.failures)
    return loop
