"""Every request the backend sends in the README's Google scenarios is one Google accepts.

The scenarios run through the real CLI (``run.py``'s ``main``) with ``--emulator``: the emulator
checks each request against Google's discovery document and limits (``sheets_sync.emulator.validate``
and ``limits``), so any request Google would refuse shows up in ``emu.rejections``. Every emulator
the run creates is collected, and the test asserts none of them refused anything.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sheets_sync import schema as tabs
from sheets_sync.cli import main
from sheets_sync.emulator import SheetsEmulator
from sheets_sync.emulator.a1 import quote_title

KEY = "demo-key"


@pytest.fixture()
def emulators(monkeypatch: pytest.MonkeyPatch) -> list[SheetsEmulator]:
    """Every emulator created meanwhile (the CLI loads one per command from the state file)."""
    made: list[SheetsEmulator] = []
    original = SheetsEmulator.__init__

    def init(self: SheetsEmulator, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(SheetsEmulator, "__init__", init)
    return made


def _run(*argv: str) -> int:
    try:
        main(list(argv))
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def _refused(emulators: list[SheetsEmulator]) -> list[str]:
    return [
        f"{entry.method} {entry.path}: {message}" for emu in emulators for _, entry, message in emu.rejections
    ]


def _calls(emulators: list[SheetsEmulator]) -> int:
    return sum(emu.call_count for emu in emulators)


def _edit(state: Path, fn: Any) -> None:
    """A person (or a dead run) changes the spreadsheet between two commands; not an API call."""
    emu = SheetsEmulator.load(state)
    fn(emu)
    emu.save(state)


def test_the_readme_google_scenarios_send_nothing_google_refuses(
    tmp_path: Path, emulators: list[SheetsEmulator]
) -> None:
    state = tmp_path / "state.json"
    google = ("--spreadsheet", KEY, "--emulator", str(state))
    # a teacher's own spreadsheet, read as a list source ([[lists]] spreadsheet = KEY)
    own = SheetsEmulator()
    own.create_spreadsheet("Marco's alumni", sheets=["2023"], key="marco-own")
    own.set_values(
        "marco-own",
        "'2023'!A1",
        [["Name", "Email", "Phone"], ["Bea Marti", "bea@example.org", "0612 345 678"]],
    )
    own.save(state)
    config = tmp_path / "sheets_sync.toml"
    config.write_text(
        '[school]\nname = "Demo"\n\n[[lists]]\nteacher = "Marco Rossi"\nspreadsheet = "marco-own"\n',
        encoding="utf-8",
    )

    # demo: init + first sync of the demo school on the Google code path
    assert _run("demo", *google, "--dir", str(tmp_path / "demo"), "--alumni", "120", "-q") == 0

    # a staff member types an owner and a review decision, then the nightly sync (with the teacher's spreadsheet)
    def staff_edit(emu: SheetsEmulator) -> None:
        owner = tabs.ALUMNI_HEADERS.index("Owner override")
        emu.set_values(KEY, f"{quote_title(tabs.ALUMNI)}!{chr(65 + owner)}2", [["Ana Ruiz"]], "USER_ENTERED")

    _edit(state, staff_edit)
    assert _run("sync", *google, "--config", str(config), "-q") in (0, 8)

    # a stale lock left by a killed run on another machine: taken over
    def stale_lock(emu: SheetsEmulator) -> None:
        info = {
            "holder": "x",
            "host": "elsewhere",
            "pid": 1,
            "started": "2001-01-01T00:00:00+00:00",
            "token": "t",
        }
        meta = {
            "metadataKey": "sheets_sync.lock",
            "metadataValue": json.dumps(info),
            "location": {"spreadsheet": True},
        }
        emu.apply_batch(
            emu.spreadsheet(KEY), {"requests": [{"createDeveloperMetadata": {"developerMetadata": meta}}]}
        )

    _edit(state, stale_lock)
    assert _run("sync", *google, "-q") in (0, 8)

    who = SheetsEmulator.load(state).get_values(KEY, f"{quote_title(tabs.ALUMNI)}!A2")[0][0]
    (tmp_path / "export").mkdir()
    assert _run("export", *google, who, "--out", str(tmp_path / "export"), "-q") == 0
    assert _run("forget", *google, who, "--by", "test", "-q") == 0
    assert _run("init", "--spreadsheet", "fresh-key", "--emulator", str(state), "-q") == 0

    assert _calls(emulators) > 20
    assert _refused(emulators) == []
    assert not SheetsEmulator.load(state).spreadsheet(KEY).developer_metadata, "lock released"


@pytest.mark.parametrize("alumni", [3000])
def test_a_large_school_sends_nothing_google_refuses(
    tmp_path: Path, emulators: list[SheetsEmulator], alumni: int
) -> None:
    """3,000 alumni: bodies of several MB once went in one request; every one must stay under Google's limits."""
    state = tmp_path / "state.json"
    started = dt.datetime.now()
    code = _run(
        "demo", "--spreadsheet", "big", "--emulator", str(state), "--dir", str(tmp_path / "demo"),
        "--seed", "3", "--alumni", str(alumni), "-q",
    )  # fmt: skip
    assert code == 0, f"demo exited {code} after {dt.datetime.now() - started}"
    assert _refused(emulators) == []
    largest = max(len(json.dumps(e.body)) for emu in emulators for e in emu.requests if e.body is not None)
    assert largest <= 10_485_760
