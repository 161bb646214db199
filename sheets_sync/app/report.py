"""``SyncReport``: the one source of truth for "what happened" in a run.

Returned by :func:`sheets_sync.app.sync.run_sync`; rendered by the CLI, by the log, by the
``Sync log`` tab and by the office digest. Holds ids and counts only, no personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sheets_sync.core.model import DataIssue, ListSummary


@dataclass(frozen=True)
class StepTiming:
    name: str
    seconds: float
    detail: str = ""


@dataclass
class SyncReport:
    run_id: str
    started: dt.datetime
    finished: dt.datetime | None = None
    mode: str = "sync"  # sync | dry-run | forget | init | check
    outcome: str = "running"  # ok | ok-with-issues | failed | dry-run
    message: str = ""
    lists: list[ListSummary] = field(default_factory=list)
    rows_read: int = 0
    alumni: int = 0
    new_alumni: list[str] = field(default_factory=list)  # Alumni IDs
    merged: list[tuple[str, str]] = field(default_factory=list)  # (surviving id, absorbed id)
    split: list[tuple[str, str]] = field(default_factory=list)  # (original id, new id)
    review_pairs: int = 0
    new_review_pairs: int = 0
    issues: list[DataIssue] = field(default_factory=list)
    mails_sent: int = 0
    mails_failed: int = 0
    mails_planned: list[str] = field(default_factory=list)  # "kind -> recipient" for dry runs
    api_calls: int = 0
    steps: list[StepTiming] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed_tabs: list[str] = field(default_factory=list)
    forgotten_rows: list[str] = field(default_factory=list)  # teacher rows still holding erased people
    failed_outputs: list[str] = field(default_factory=list)  # files not written after the commit

    @property
    def duration(self) -> float:
        end = self.finished or self.started
        return (end - self.started).total_seconds()

    @property
    def lists_read(self) -> int:
        return sum(1 for s in self.lists if s.readable)

    def summary_lines(self) -> list[str]:
        """Human lines for the CLI and the log (ids and counts only)."""
        lines = [
            f"{self.mode} {self.outcome} in {self.duration:.1f}s (run {self.run_id})",
            f"lists read: {self.lists_read}/{len(self.lists)}, rows: {self.rows_read}",
            f"alumni: {self.alumni} (new {len(self.new_alumni)}, merged {len(self.merged)}, split {len(self.split)})",
            f"review pairs: {self.review_pairs} (new {self.new_review_pairs})",
            f"data issues: {len(self.issues)}",
            f"mails: {self.mails_sent} sent, {self.mails_failed} failed",
            f"API calls: {self.api_calls}",
        ]
        if self.message:
            lines.append(self.message)
        lines.extend(f"warning: {w}" for w in self.warnings)
        return lines

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["issues"] = len(self.issues)
        data["duration"] = self.duration
        return data
