"""The two demos side by side (issue 13 #6): the Google demo against the emulator never
overwrites the .xlsx demo's workbook, outbox or factsheet, and each demo's last line names a
file a person can open."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(REPO / "run.py"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=600)


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _opened(last_line: str, cwd: Path) -> Path:
    """The file the demo's last line tells a person to open: it exists and opens as a workbook."""
    match = re.match(r"Open (\S+\.xlsx) ", last_line)
    assert match, last_line
    path = cwd / match[1]
    book = load_workbook(path, read_only=True)
    assert {"Alumni", "Review", "Rollup", "Data issues", "Sync log"} <= set(book.sheetnames)
    return path


def test_the_google_demo_leaves_the_xlsx_demo_as_it_was(tmp_path):
    xlsx = _run("demo", "--dir", "demo", "--alumni", "60", cwd=tmp_path)
    assert xlsx.returncode == 0, xlsx.stderr
    assert _opened(xlsx.stdout.strip().splitlines()[-1], tmp_path) == tmp_path / "demo" / "alumni-demo.xlsx"
    before = _hashes(tmp_path / "demo")
    assert any(name.endswith(".eml") for name in before) and "factsheet.html" in before

    google = _run(
        "demo", "--dir", "demo", "--alumni", "60", "--spreadsheet", "demo-key",
        "--emulator", "demo/google-state.json", cwd=tmp_path,
    )  # fmt: skip
    assert google.returncode == 0, google.stderr
    after = _hashes(tmp_path / "demo")
    assert {k: v for k, v in after.items() if k in before} == before  # nothing of the xlsx demo touched
    view = _opened(google.stdout.strip().splitlines()[-1], tmp_path)
    assert view.parent == tmp_path / "demo" / "google-state"
    assert (view.parent / "factsheet.html").exists() and list((view.parent / "outbox").rglob("*.eml"))

    again = _run("sync", "--spreadsheet", "demo-key", "--emulator", "demo/google-state.json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert {k: v for k, v in _hashes(tmp_path / "demo").items() if k in before} == before
