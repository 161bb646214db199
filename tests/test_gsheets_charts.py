"""Old charts are found from the whole sheets' metadata, so nightly syncs never pile them up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter

from sheets_sync import schema as tabs
from sheets_sync.adapters.gsheets.http import RetryingHTTPClient
from sheets_sync.adapters.gsheets.workbook import GSheetsWorkbook
from sheets_sync.commands import run_once
from sheets_sync.demo import generate_school
from sheets_sync.emulator import SheetsEmulator
from sheets_sync.workbook import ChartSpec, TabWrite

from ._gsheets_helpers import KEY, new_emulator, output_writes
from .backends import Harness


def _charts(h: Harness) -> dict[str, int]:
    emu = SheetsEmulator.load(h.config.google.emulator)
    meta = emu.metadata(h.config.google.spreadsheet)
    return {s["properties"]["title"]: len(s.get("charts", [])) for s in meta["sheets"] if s.get("charts")}


def test_a_tenth_nightly_sync_leaves_exactly_the_charts_of_one_run(tmp_path: Path) -> None:
    h = Harness.create("google", tmp_path, generate_school(5, alumni=40, lists=3))
    run_once(h.config, send_mail=False)
    first = _charts(h)
    assert first.get(tabs.ROLLUP, 0) >= 1  # the Rollup has its charts
    for _ in range(9):
        run_once(h.config, send_mail=False)
    assert _charts(h) == first


class NoChartsForRanges(BaseAdapter):
    """The emulator, answering a ``spreadsheets.get`` limited to ``ranges`` without the sheets'
    charts: the reading of Google's documentation under which the old code piled charts up."""

    def __init__(self, inner: BaseAdapter) -> None:
        super().__init__()
        self.inner = inner
        self.stripped = 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = self.inner.send(request, **kwargs)
        if request.method == "GET" and "ranges=" in (request.url or "") and response.ok:
            body = response.json()
            for sheet in body.get("sheets", []):
                self.stripped += len(sheet.pop("charts", []))
            response._content = json.dumps(body).encode()
        return response

    def close(self) -> None:
        self.inner.close()


def test_charts_do_not_pile_up_even_when_a_ranged_read_omits_them() -> None:
    emu = new_emulator()
    session = emu.session()
    adapter = NoChartsForRanges(session.get_adapter("https://sheets.googleapis.com/"))
    session.mount("https://sheets.googleapis.com/", adapter)
    http = RetryingHTTPClient(None, session, timeout=5.0, max_retries=1, sleep=lambda s: None)
    wb = GSheetsWorkbook(http, KEY, account=emu.user_email)
    rollup = TabWrite(
        tabs.ROLLUP,
        (),
        [["Alumni base"], ["Year", "Count"], ["2019", 3], ["2020", 5]],
        header_row=False,
        charts=(
            ChartSpec("Base", "column", 1, 2, 3, 0, (1,), "E2"),
            ChartSpec("Two", "line", 1, 2, 3, 0, (1,), "E20"),
        ),
    )
    for night in range(10):
        wb.commit(wb.read(), [*output_writes([1, 2, night + 3], [(2, 3)]), rollup])
    assert len(emu.spreadsheet(KEY).sheet_by_title(tabs.ROLLUP).charts) == 2
