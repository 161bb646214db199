"""Docs are tested (sqlite-utils' habit): every command in the README's shell blocks runs as
written after `make demo` (issue 13 #7), in a scratch copy of the "after make demo" folder.

The README calls the installed entry point ``.venv/bin/sheets-sync``; the test links that path
to the entry point of the interpreter running it, runs `make demo`'s own command, then each
README line in order (``schedule`` is stopped with SIGTERM once its first run is done, as the
README says it may be). A line that fails names itself.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENTRY = ".venv/bin/sheets-sync"
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    lines = [line.strip() for block in BLOCK.findall(text) for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith(("make ", "#"))]


def test_every_readme_command_uses_the_installed_entry_point():
    commands = readme_commands()
    assert len(commands) >= 9
    for line in commands:
        assert line.startswith(f"{ENTRY} "), f"README command not runnable as written: {line}"


def test_the_makefile_demo_is_what_the_readme_says():
    make = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "run.py demo --dir demo" in make  # the folder the README's commands point into


@pytest.fixture(scope="module")
def after_make_demo(tmp_path_factory) -> Path:
    entry = Path(sys.executable).parent / "sheets-sync"
    assert entry.exists(), f"{entry} missing: install the package (make venv) so the README works"
    folder = tmp_path_factory.mktemp("readme")
    (folder / ".venv" / "bin").mkdir(parents=True)
    (folder / ENTRY).symlink_to(entry)
    done = subprocess.run(
        [str(folder / ENTRY), "demo", "--dir", "demo"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return folder


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = "/usr/bin:/bin"  # not the test's virtualenv: the README's path must do it alone
    return env


@pytest.mark.parametrize("line", readme_commands())
def test_readme_command_runs_as_written(after_make_demo, line):
    argv = shlex.split(line, comments=True)
    if argv[1] == "schedule":
        proc = subprocess.Popen(
            argv, cwd=after_make_demo, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        deadline = time.monotonic() + 300
        out = ""
        assert proc.stdout is not None
        while "next run" not in out and time.monotonic() < deadline and proc.poll() is None:
            out += proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=120)
        out += rest
        assert proc.returncode == 0 and "next run" in out, f"{line}\n{out}"
        return
    done = subprocess.run(argv, cwd=after_make_demo, env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
