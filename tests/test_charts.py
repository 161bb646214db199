"""Charts over real synced workbooks: whatever a person typed is drawn as literal text."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from sheets_sync import schema as tabs

REPO = Path(__file__).resolve().parents[1]
EVENTS = ("Quiz night $$", "Talk: $\\LaTeX$ for beginners", "Prices in $ and € ($5-$10)")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_event_names_with_dollar_signs_do_not_stop_the_sync(tmp_path):
    """`$...$` is mathtext to matplotlib: it raised ParseException and the whole night's run exited 1."""
    wb = tmp_path / "school.xlsx"
    assert _run("init", "--workbook", str(wb), cwd=tmp_path).returncode == 0
    book = load_workbook(wb)
    ws = book[tabs.EVENT_FEEDBACK]
    for event in EVENTS:
        for score in ("10", "9", "9", "8", "3", "10"):
            ws.append([event, dt.date.today().isoformat(), "", score, ""])  # this school year
    ws = book.create_sheet("List - Ana Ruiz")
    ws.append(["Name", "Email"])
    ws.append(["Ana García", "ana@example.com"])
    book.save(wb)
    result = _run("sync", "--workbook", str(wb), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "factsheet.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html  # the NPS chart was drawn, with these labels in it
