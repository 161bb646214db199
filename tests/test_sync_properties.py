"""Property tests: generated teacher lists, fed through the whole pipeline on a real .xlsx.

Each example writes 1-4 generated lists (random headers from the five languages' vocabularies,
empty lists, a header and no rows, title rows, blank rows, merged cells, duplicated headers,
text of every script, emoji, 50,000-character cells, formulas, numbers where text is expected)
into one workbook and runs :func:`sheets_sync.app.sync.run_sync` on it. Properties:

* the sync never raises;
* every non-blank data row (as read) ends up in exactly one alumnus's ``Sources`` or in
  ``Data issues`` (by ``<tab>!<row>``, or a whole-tab issue for a list that could not be read);
* ``Sources`` names no row that does not exist, and no alumnus twice;
* no output cell is a formula.

Examples are derandomized (the same ones every run) and not shrunk, to keep the file fast;
``SHRINK=1 pytest tests/test_sync_properties.py`` shrinks a failure to a minimal list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sheets_sync import schema as tabs
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.app.sync import run_sync
from sheets_sync.config import parse_config
from sheets_sync.core.lists.headers import VOCABULARY

EXAMPLES = 70
BIG = 50_000
MAX_CELL = 32_767  # Excel's limit on a cell's length

PHRASES = sorted(
    {
        p.strip()
        for by_language in VOCABULARY.values()
        for phrases in by_language.values()
        for p in phrases.split(",")
        if p.strip()
    }
)
PHRASES_FOLDED = {p.lower() for p in PHRASES} | {"lista de exalumnos", "alumni 2019"}
IDENTITY_PHRASES = sorted(
    {
        p.strip()
        for field in ("full_name", "first_name", "surname", "email", "phone")
        for phrases in VOCABULARY[field].values()
        for p in phrases.split(",")
        if p.strip()
    }
)
SCRIPTS = [
    "Zoë Ñúñez-Ågård",
    "Ελένη Παπαδοπούλου",
    "Олег Петров",
    "李小龍",
    "山田 太郎",
    "김민수",
    "محمد علي",
    "דוד כהן",
    "श्री राम",
    "ณัฐพล สุข",
    "Mari-Liis Õunapuu",
    "Ṁāőrì Tē Ŵhānau",
    "👩‍🎓 Ana 🎉",
    "🇪🇸🇮🇹🇳🇱🇪🇪",
    "O'Brien, Seán",
    "van der Berg, Jan",
    "a\u200bb\u00adc\ufeff",
    "\u202eevil\u202c",
    "𝔉𝔯𝔞𝔨𝔱𝔲𝔯",
]
FORMULAS = ["=1+1", '=HYPERLINK("http://x.example","click")', "=SUM(A1:A3)", "=A1&B1", "=NOW()"]
TEACHERS = ["Ana", "Ζωή", "李雷", "Mäe-Õun", "O'Brien", "🎓 Jo", "Ana (2)", "x"]


def clean(text: str) -> str:
    """What can be stored in an .xlsx at all (a real file holds no control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


# --------------------------------------------------------------------------- strategies

any_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=25).map(clean)


@st.composite
def cell_values(draw: st.DrawFn) -> Any:
    kind = draw(
        st.sampled_from(
            [
                "script",
                "script",
                "text",
                "email",
                "bad email",
                "phone",
                "int",
                "float",
                "date",
                "bool",
                "formula",
                "formula text",
                "huge",
                "blank",
                "spaces",
                "phrase",
            ]
        )
    )
    if kind == "script":
        return draw(st.sampled_from(SCRIPTS))
    if kind == "text":
        return draw(any_text)
    if kind == "email":
        local = draw(st.sampled_from(["ana", "zoë", "李", "o'brien", "a.b+c"]))
        return f"{local}{draw(st.integers(0, 99))}@example.{draw(st.sampled_from(['org', 'es', 'ee']))}"
    if kind == "bad email":
        return draw(st.sampled_from(["ana@", "@x.org", "a@@b.c", "ana at x dot org", "ana@x"]))
    if kind == "phone":
        return draw(st.sampled_from(["+34 612 34 56 78", "0612345678", "612345678", "(555) 010-0199", "123"]))
    if kind == "int":
        return draw(st.integers(-(10**12), 10**12))
    if kind == "float":
        return draw(st.floats(allow_nan=False, allow_infinity=False, width=32))
    if kind == "date":
        return draw(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)))
    if kind == "bool":
        return draw(st.booleans())
    if kind in ("formula", "formula text"):
        return (kind, draw(st.sampled_from(FORMULAS)))
    if kind == "huge":
        return draw(st.sampled_from(["x", "é", "李", "🎉", "a "])) * BIG
    if kind == "blank":
        return None
    if kind == "spaces":
        return draw(st.sampled_from(["   ", "\u00a0", "-", "n/a", "?"]))
    return draw(st.sampled_from(PHRASES))


@st.composite
def headers(draw: st.DrawFn, width: int) -> list[Any]:
    head: list[Any] = []
    for _ in range(width):
        kind = draw(st.sampled_from(["phrase", "phrase", "phrase", "identity", "text", "blank", "number"]))
        if kind == "phrase":
            value: Any = draw(st.sampled_from(PHRASES))
        elif kind == "identity":
            value = draw(st.sampled_from(IDENTITY_PHRASES))
        elif kind == "text":
            value = draw(any_text | st.sampled_from(SCRIPTS))
        elif kind == "number":
            value = draw(st.integers(0, 3000))
        else:
            value = None
        if isinstance(value, str):
            value = draw(st.sampled_from([str.lower, str.upper, str.title, lambda s: f" {s} "]))(value)
        head.append(value)
    if width > 1 and draw(st.booleans()):  # a duplicated header
        head[draw(st.integers(1, width - 1))] = head[0]
    return head


@dataclass(frozen=True)
class GenList:
    title: str
    rows: list[list[Any]]  # sheet rows from row 1
    header_row: int  # 1-based sheet row of the generated header; 0 = none
    merges: list[str]
    clear: bool = False  # the header names an identity field and no other cell reads like a header


@st.composite
def gen_lists(draw: st.DrawFn, title: str) -> GenList:
    shape = draw(st.sampled_from(["normal", "normal", "normal", "empty", "header only", "no header"]))
    width = draw(st.integers(1, 7))
    rows: list[list[Any]] = []
    merges: list[str] = []
    for _ in range(draw(st.integers(0, 2))):  # title rows, maybe merged across the list
        if draw(st.booleans()):
            rows.append([draw(st.sampled_from(["Alumni 2019", "Lista de exalumnos", "🎓 Class of '21", ""]))])
            if width > 1 and draw(st.booleans()):
                merges.append(f"A{len(rows)}:{openpyxl.utils.get_column_letter(width)}{len(rows)}")
        else:
            rows.append([])
    if shape == "empty":
        return GenList(title, [], 0, [])
    header_row = 0
    if shape != "no header":
        rows.append(draw(headers(width)))
        header_row = len(rows)
    if shape != "header only":
        for _ in range(draw(st.integers(1, 8))):
            if draw(st.integers(0, 5)) == 0:
                rows.append([])  # a blank row between data rows
                continue
            rows.append([draw(cell_values()) for _ in range(draw(st.integers(1, width + 1)))])
        if draw(st.integers(0, 3)) == 0 and len(rows) >= 2:  # a merged data cell
            r = draw(st.integers(max(1, header_row + 1), len(rows)))
            merges.append(f"A{r}:B{r}")
    clear = header_row > 0 and any(
        isinstance(h, str) and h.strip().lower() in IDENTITY_PHRASES for h in rows[header_row - 1]
    )
    others = [c for i, row in enumerate(rows) if i != header_row - 1 for c in row]
    clear = clear and not any(isinstance(c, str) and c.strip().lower() in PHRASES_FOLDED for c in others)
    return GenList(title, rows, header_row, merges, clear)


@st.composite
def schools(draw: st.DrawFn) -> list[GenList]:
    teachers = draw(st.lists(st.sampled_from(TEACHERS), min_size=1, max_size=4, unique=True))
    return [draw(gen_lists(f"{tabs.LIST_PREFIX}{t}")) for t in teachers]


# --------------------------------------------------------------------------- the workbook


def write_workbook(path: Path, lists: list[GenList]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for gl in lists:
        ws = wb.create_sheet(gl.title)
        for r, row in enumerate(gl.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(value, tuple):  # ("formula", text): a real formula; ("formula text", text)
                    kind, text = value
                    cell.value = text
                    cell.data_type = "f" if kind == "formula" else "s"
                elif isinstance(value, str):
                    cell.value = clean(value)
                    cell.data_type = "s"
                else:
                    cell.value = value
        for rng in gl.merges:
            ws.merge_cells(rng)
    wb.save(path)


_counter = itertools.count()


def describe(lists: list[GenList]) -> set[str]:
    """What an example contains (shown by --hypothesis-show-statistics)."""
    cells = [c for gl in lists for row in gl.rows for c in row]
    found = set()
    if any(isinstance(c, str) and len(c) >= BIG for c in cells):
        found.add("50,000-character cell")
    if any(isinstance(c, tuple) and c[0] == "formula" for c in cells):
        found.add("formula")
    if any(isinstance(c, (int, float, dt.datetime)) for c in cells):
        found.add("number or date cell")
    if any(gl.merges for gl in lists):
        found.add("merged cells")
    if any(
        gl.header_row and len(set(map(str, gl.rows[gl.header_row - 1]))) < len(gl.rows[gl.header_row - 1])
        for gl in lists
    ):
        found.add("duplicated header")
    if any(not gl.rows for gl in lists):
        found.add("empty list")
    if any(gl.header_row and gl.header_row == len(gl.rows) for gl in lists):
        found.add("header and no rows")
    return found


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


def col(rows: tuple[tuple[str, ...], ...], header: str) -> list[str]:
    i = rows[0].index(header)
    return [r[i] if i < len(r) else "" for r in rows[1:]]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run (reproducible); no shrinking (see docstring)
    database=None,  # nothing written outside tmp_path
    phases=(Phase.explicit, Phase.generate) if not os.environ.get("SHRINK") else tuple(Phase),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(lists=schools())
def test_every_source_row_lands_somewhere_and_nothing_crashes(folder: Path, lists: list[GenList]) -> None:
    path = folder / f"school-{next(_counter)}.xlsx"
    write_workbook(path, lists)
    for what in describe(lists):
        event(f"input: {what}")
    config = replace(parse_config({"school": {"timezone": "Europe/Madrid"}}, base=folder), workbook=path)
    report, computed = run_sync(config, XlsxWorkbook(path, backups=0))

    snap = XlsxWorkbook(path).read()
    sources = Counter(
        ref for cell in col(snap.grids[tabs.ALUMNI].rows, "Sources") for ref in cell.split("; ") if ref
    )
    assert all(n == 1 for n in sources.values()), [r for r, n in sources.items() if n > 1]
    issue_rows = {
        (t, r)
        for t, r in zip(*(col(snap.grids[tabs.DATA_ISSUES].rows, h) for h in ("Tab", "Row")), strict=True)
    }
    whole_tab = {t for t, r in issue_rows if r == ""}
    read = computed.snapshot.grids
    summaries = {s.tab: s for s in report.lists}
    existing = set()
    for gl in lists:
        grid = read[gl.title]
        summary = summaries[gl.title]
        non_blank = [i + 1 for i, row in enumerate(grid.rows) if any(c.strip() for c in row)]
        existing |= {f"{gl.title}!{r}" for r in non_blank}
        if not summary.readable:
            assert gl.title in whole_tab  # one Data issues row covers the whole list
            assert not gl.clear, f"{gl.title}: a header naming an identity field was not found"
            event("list: empty as read" if not non_blank else "list: unreadable (one whole-tab issue)")
            continue
        assert summary.header_row is not None
        event("list: read, header as generated" if summary.header_row == gl.header_row else "list: read")
        if gl.clear:  # rows below a clear header are never taken for titles
            assert summary.header_row <= gl.header_row, (summary.header_row, gl.header_row)
        for r in non_blank:
            if r <= summary.header_row:
                continue  # title rows above the header, and the header itself
            ref = f"{gl.title}!{r}"
            assert sources[ref] == 1 or (gl.title, str(r)) in issue_rows, (
                f"{ref} is neither in Sources nor in Data issues: {grid.rows[r - 1]!r:.300}"
            )
            event("row: in Sources" if sources[ref] else "row: in Data issues")
    assert set(sources) <= existing, set(sources) - existing

    book = openpyxl.load_workbook(path)
    for title in tabs.OUTPUT_TABS:
        if title in book.sheetnames:
            for row in book[title].iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (
                        f"{title}!{cell.coordinate} is a formula: {cell.value!r:.80}"
                    )
    assert report.outcome in ("ok", "ok-with-issues")
