"""A real spreadsheet program (LibreOffice, headless) accepts the workbooks we write.

Skipped with a reason when ``soffice`` is not installed, but FAILS when the environment says
external tools are required (``SHEETS_SYNC_REQUIRE_EXTERNAL=1``, set by ``.ci/run``).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from sheets_sync import schema as tabs
from sheets_sync.adapters.xlsx.read import read_xlsx
from sheets_sync.adapters.xlsx.splice import strip_kept
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.core.provision.plan import plan_all
from sheets_sync.workbook import ChartSpec, TabWrite
from tests.test_xlsx_splice import WRITES as SPLICE_WRITES
from tests.test_xlsx_splice import commit, describe

pytestmark = pytest.mark.integration

PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1", "#N/A", "007"]
# every tab to CSV (sheet -1, LibreOffice >= 7.2): comma, double quote, UTF-8, formulas as values
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice_or_skip() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("SHEETS_SYNC_REQUIRE_EXTERNAL") == "1":
        pytest.fail(
            "LibreOffice (soffice) is required here (SHEETS_SYNC_REQUIRE_EXTERNAL=1): apt-get install libreoffice-calc-nogui"
        )
    pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = soffice_or_skip()
    root = tmp_path_factory.mktemp("lo")
    path = root / "school.xlsx"
    wb = XlsxWorkbook(path)
    wb.provision(plan_all(None))
    wb.commit(
        wb.read(),
        [
            TabWrite(
                title=tabs.DATA_ISSUES,
                header=tabs.DATA_ISSUES_HEADERS,
                rows=[
                    ["List - Ana", i + 2, "Notes", p, "looks like a formula", "none", "Ana"]
                    for i, p in enumerate(PAYLOADS)
                ],
            ),
            TabWrite(
                title=tabs.ROLLUP,
                header=("Category", "Volunteer (V)", "Experiential (E)"),
                rows=[["Graduates", 4, 10], ["Non-Graduates", 1, 3], ["Other", 0, 2]],
                charts=(ChartSpec("Engagement", "column", 0, 1, 3, 0, (1, 2), "E2"),),
            ),
            TabWrite(
                title=tabs.STATE,
                header=tabs.STATE_HEADERS,
                rows=[["id", "x", "A-1", dt.date(2024, 1, 1)]],
                hidden=True,
            ),
        ],
    )
    env = {**os.environ, "HOME": str(root)}  # LibreOffice writes into HOME too
    profile = f"-env:UserInstallation=file://{root}/profile"
    out: dict[str, Path] = {"xlsx_in": path}
    for target, outdir in [(CSV_ALL_SHEETS, "csv"), ("pdf", "pdf"), ("xlsx", "xlsx")]:
        done = subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(root / outdir),
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=50,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        out[outdir] = root / outdir
    return out


def read_csv(folder: Path, tab: str) -> list[list[str]]:
    with open(folder / f"school-{tab}.csv", newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_every_tab_converts_and_cell_text_survives(converted: dict[str, Path]) -> None:
    issues = read_csv(converted["csv"], tabs.DATA_ISSUES)
    assert issues[0] == list(tabs.DATA_ISSUES_HEADERS)
    assert [row[3] for row in issues[1:]] == PAYLOADS  # text, not a computed formula
    framework = read_csv(converted["csv"], tabs.FRAMEWORK)
    assert [r[0] for r in framework[1:]] == list(tabs.FRAMEWORK_STAGES)
    for title in tabs.TEMPLATE_TABS:
        assert read_csv(converted["csv"], title)[0][: len(tabs.TEMPLATE_HEADERS[title])] == list(
            tabs.TEMPLATE_HEADERS[title]
        )


def test_libreoffice_keeps_payloads_as_text_cells_and_our_formatting(converted: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(converted["xlsx"] / "school.xlsx")
    ws = book[tabs.DATA_ISSUES]
    for r, payload in enumerate(PAYLOADS, start=2):
        assert (ws.cell(row=r, column=4).value, ws.cell(row=r, column=4).data_type) == (payload, "s")
    staff = book[tabs.STAFF]
    assert staff["A1"].font.b  # (headless LibreOffice exports no view settings: frozen panes not checkable)
    assert any(dv.formula1 == '"Yes,No"' for dv in staff.data_validations.dataValidation)
    assert book[tabs.STATE].sheet_state == "hidden"


def test_pdf_is_rendered(converted: dict[str, Path]) -> None:
    pdf = converted["pdf"] / "school.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000


def test_a_workbook_libreoffice_saved_commits_by_splice_as_by_a_full_round_trip(
    converted: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice writes shared strings and its own attributes: the kept tabs are copied, and
    the result is what openpyxl's full round trip gives."""
    saved = converted["xlsx"] / "school.xlsx"
    _stripped, kept = strip_kept(saved.read_bytes(), [w.title for w in SPLICE_WRITES])
    assert tabs.STAFF in kept.sheet_data and kept.shared
    paths = []
    for name, splice in (("spliced", True), ("full", False)):
        (tmp_path / name).mkdir()
        paths.append(
            commit(Path(shutil.copy(saved, tmp_path / name / "school.xlsx")), monkeypatch, splice=splice)
        )
    assert describe(paths[0]) == describe(paths[1])
    assert read_xlsx(paths[0]).grids == read_xlsx(paths[1]).grids
