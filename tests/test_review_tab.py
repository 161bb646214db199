"""The demo's Review tab is workable on a laptop (issue 15): realistic pairs, Decision and both names
on screen at 1366 x 768 as LibreOffice lays the tab out, frozen, filtered, differences highlighted,
and the same on Google (the emulator accepts every request and keeps what was sent)."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from sheets_sync import schema as tabs
from sheets_sync.cli import main
from sheets_sync.emulator import SheetsEmulator
from tests.test_libreoffice import soffice_or_skip

SCREEN_W, SCREEN_H = 1366, 768
KEY = "1DemoReviewLayoutKey0123456789abcdefghijklmn"
ROW_HEADER_PX = 60  # the row numbers and the window frame left of column A
CHROME_PX = 300  # menus, toolbars, formula bar, sheet tabs and status bar above and below the grid


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    with pytest.raises(SystemExit) as done:
        main(["demo", "--quiet", "--dir", str(folder)])
    assert done.value.code in (0, None)
    return folder / "alumni-demo.xlsx"


def review_rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[tabs.REVIEW]
    return [r for r in ws.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]


def test_the_demo_shows_a_handful_of_review_pairs_sorted_by_what_a_decision_joins(demo: Path) -> None:
    head, *rows = review_rows(demo)
    assert list(head) == list(tabs.REVIEW_HEADERS)
    assert 3 <= len(rows) <= 10
    h = {name: i for i, name in enumerate(head)}
    joins = []
    for r in rows:
        assert r[h["Name A"]] and r[h["Name B"]] and r[h["Alumni ID A"]] != r[h["Alumni ID B"]]
        assert 0.2 <= r[h["Confidence"]] < 0.89  # below the merge line, shown on the same scale
        m = re.search(r"joins (\d+) \+ (\d+) list rows", r[h["Reasons"]])
        assert m, r[h["Reasons"]]
        joins.append(int(m[1]) + int(m[2]))
    assert joins == sorted(joins, reverse=True)


def test_the_review_tab_is_frozen_filtered_and_highlights_what_differs(demo: Path) -> None:
    ws = openpyxl.load_workbook(demo)[tabs.REVIEW]
    assert ws.freeze_panes == "D2"  # header row, Decision and both names stay put
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    rules = [(str(cf.sqref), rule.formula[0]) for cf in ws.conditional_formatting for rule in cf.rules]
    email_a = openpyxl.utils.get_column_letter(tabs.REVIEW_HEADERS.index("Email A") + 1)
    assert any(email_a in where and "<>" in f for where, f in rules)  # differ: highlighted
    assert any(email_a in where and "=" in f and "<>" not in f for where, f in rules)  # same: muted


def _laid_out(demo: Path, tmp: Path) -> tuple[list[int], list[int], list[str]]:
    """LibreOffice's own layout of the Review tab: column widths and row heights in pixels, and
    the header cells, from its HTML export of the workbook."""
    soffice = soffice_or_skip()
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to", "html",
         "--outdir", str(tmp), str(demo)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    page = (tmp / "alumni-demo.html").read_text(encoding="utf-8", errors="replace")
    start = page.index(f"<em>{tabs.REVIEW}</em>")
    table = page[start : page.index("</table>", start)]
    widths: list[int] = []
    for span, width in re.findall(r'<colgroup(?: span="(\d+)")? width="(\d+)"', table):
        widths += [int(width)] * int(span or 1)
    heights = [int(x) for x in re.findall(r'<td height="(\d+)"', table)]
    first_row = table.split("</tr>", 1)[0]
    cells = [html.unescape(re.sub(r"<comment>.*?</comment>|<[^>]+>", "", c)).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", first_row, flags=re.S)]  # fmt: skip
    return widths, heights, cells


@pytest.mark.integration
def test_decision_and_both_names_fit_a_1366x768_screen_in_libreoffice(demo: Path, tmp_path: Path) -> None:
    widths, heights, header = _laid_out(demo, tmp_path)
    assert header[: len(tabs.REVIEW_HEADERS)] == list(tabs.REVIEW_HEADERS)
    right = [sum(widths[: i + 1]) for i in range(len(widths))]
    visible = SCREEN_W - ROW_HEADER_PX
    for name in ("Decision", "Name A", "Name B", "Alumni ID A", "Alumni ID B", "Confidence"):
        col = header.index(name)
        assert right[col] <= visible, f"{name} ends at {right[col]} px, past the {visible} px on screen"
    rows_shown = sum(heights[:11])  # the header and ten pairs
    assert rows_shown <= SCREEN_H - CHROME_PX, f"header + 10 pairs take {rows_shown} px"


def test_google_gets_the_same_review_layout_and_the_emulator_keeps_it(tmp_path: Path) -> None:
    state = tmp_path / "emu.json"
    with pytest.raises(SystemExit) as done:
        main(["demo", "--quiet", "--dir", str(tmp_path), "--spreadsheet", KEY, "--emulator", str(state)])
    assert done.value.code in (0, None)
    emu = SheetsEmulator.load_or_create(state)
    meta = emu.metadata(KEY)  # the spreadsheets.get resource, as Google returns it
    sheet = next(s for s in meta["sheets"] if s["properties"]["title"] == tabs.REVIEW)
    grid = sheet["properties"]["gridProperties"]
    assert (grid["frozenRowCount"], grid["frozenColumnCount"]) == (1, 3)
    assert sheet["basicFilter"]["range"]["startColumnIndex"] == 0
    formulas = [
        r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in sheet["conditionalFormats"]
    ]
    assert any("<>" in f for f in formulas) and any("<>" not in f for f in formulas)
    # a second sync replaces the rules instead of piling them up
    count = len(sheet["conditionalFormats"])
    with pytest.raises(SystemExit):
        main(["sync", "--quiet", "--spreadsheet", KEY, "--emulator", str(state)])
    meta = SheetsEmulator.load_or_create(state).metadata(KEY)
    sheet = next(s for s in meta["sheets"] if s["properties"]["title"] == tabs.REVIEW)
    assert len(sheet["conditionalFormats"]) == count


def test_the_demo_outreach_and_stories_rows_with_an_exact_email_resolve(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo, read_only=True)
    emails = {}
    alumni = list(wb[tabs.ALUMNI].iter_rows(values_only=True))
    h = {name: i for i, name in enumerate(alumni[0])}
    for row in alumni[1:]:
        for e in str(row[h["Emails"]] or "").split("; "):
            if e:
                emails[e.lower()] = row[h["Alumni ID"]]
    out = list(wb[tabs.OUTREACH_STATUS].iter_rows(values_only=True))
    outreach = list(wb[tabs.OUTREACH].iter_rows(values_only=True))
    oh, sh = list(outreach[0]), list(out[0])
    checked = 0
    for typed, status in zip(outreach[1:], out[1:], strict=False):
        email = str(typed[oh.index("Email")] or "").lower()
        if email in emails:  # e.g. "Carlota Carbonell Landa" with c.carbonell@example.com (issue 15)
            assert status[sh.index("Alumni ID")] == emails[email], typed
            checked += 1
    assert checked >= 1
    issues = [r for r in wb[tabs.DATA_ISSUES].iter_rows(values_only=True) if r[0] == tabs.STORIES]
    stories = list(wb[tabs.STORIES].iter_rows(values_only=True))
    with_email = [r for r in stories[1:] if str(r[list(stories[0]).index("Email")] or "").lower() in emails]
    assert with_email and not any("not linked" in str(r[4]) for r in issues)
