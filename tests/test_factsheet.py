"""The public factsheet (aggregate only, small counts suppressed, self-contained) and the charts."""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from sheets_sync.adapters import charts as charts_module
from sheets_sync.adapters.charts import rollup_charts
from sheets_sync.adapters.factsheet import public_table, render_factsheet, write_factsheet
from sheets_sync.core.rollup.build import RollupTable

from ._digest_data import TODAY, alumni, rollup

PNG = b"\x89PNG\r\n\x1a\n"


@cache
def charts(min_count: int) -> dict[str, bytes]:
    return rollup_charts(rollup(), min_count=min_count)


@cache
def factsheet() -> str:
    r = rollup()
    return render_factsheet(
        r.headline, r.tables, charts(5), school_name="Escola <i>", min_count=5, today=TODAY
    )


def test_charts_are_pngs_of_the_rollup():
    drawn = charts(0)
    assert set(drawn) == {"engagement_by_mode", "engagement_rate", "nps_by_event"}
    for png in drawn.values():
        assert png.startswith(PNG) and 5_000 < len(png) < 150_000


def test_small_counts_are_left_out_of_the_public_charts():
    assert charts(5)["nps_by_event"] != charts(0)["nps_by_event"]  # "Tiny workshop" (2 answers) is gone
    assert charts(5)["engagement_by_mode"] != charts(0)["engagement_by_mode"]  # 2 volunteers


def test_a_chart_suppression_leaves_unchanged_is_drawn_once(monkeypatch):
    drawn: list[int] = []
    figure = charts_module._figure
    monkeypatch.setattr(charts_module, "_figure", lambda: drawn.append(1) or figure())
    fresh = uuid.uuid4().hex  # labels no other test drew
    tables = [replace(t, rows=tuple((f"{r[0]} {fresh}", *r[1:]) for r in t.rows)) for t in rollup().tables]
    digest = rollup_charts(tables)
    assert len(drawn) == 3
    public = rollup_charts(tables, min_count=5)
    assert len(drawn) == 5  # the rate line is reused; the bars lose small counts and are drawn again
    assert public["engagement_rate"] == digest["engagement_rate"]
    assert public["nps_by_event"] != digest["nps_by_event"]
    assert public["engagement_by_mode"] != digest["engagement_by_mode"]
    assert rollup_charts(tables) == digest and len(drawn) == 5


def test_no_chart_for_an_empty_table():
    empty = RollupTable(
        "Net Promoter Score", ("Event", "Responses", "% Promoters", "% Detractors", "NPS"), ()
    )
    assert rollup_charts([empty]) == {}


def test_factsheet_is_self_contained():
    html = factsheet()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html.lower() and "<link" not in html.lower() and "@import" not in html
    uris = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(uris) == 3 and all(base64.b64decode(u).startswith(PNG) for u in uris)


def test_factsheet_holds_no_personal_data():
    html = factsheet()
    for a in alumni():
        assert a.name not in html and "Grad Number" not in html
        assert a.alumni_id not in html
        assert not any(e in html for e in a.emails)
    for staff_name in ("Tom Tutor", "Ana Ruiz", "Olga Office"):
        assert staff_name not in html  # Relationship owners stays in the workbook
    assert "Relationship owners" not in html and "PDCA" not in html
    assert "Escola &lt;i&gt;" in html


def test_factsheet_suppresses_small_counts():
    html = factsheet()
    assert "&lt; 5" in html  # 1 opted out, 2 volunteers, ...
    assert ">12<" in html  # the alumni count itself is shown
    assert "Tiny workshop" not in html  # a free-text label resting on 2 answers


@pytest.mark.parametrize(
    ("header", "rows", "total", "expected_rows", "expected_total"),
    [
        (  # B = 1 is hidden, and so are the exact Total (A) and Contactable that would give it away
            ("Category", "Total (A)", "Not willing (B)", "Contactable (A-B)"),
            [("Graduates", 12, 1, 11), ("Other", 40, 10, 30)],
            ("Total", 52, 11, 41),
            [["Graduates", "≈ 10", "< 5", "≈ 10"], ["Other", "40", "10", "30"]],
            ["Total", "≈ 50", "≈ 10", "≈ 40"],  # exact totals minus "Other" would give B back
        ),
        (  # a rate resting on a small count goes too
            ("School year", "Engaged alumni", "Contactable alumni", "Engagement rate", "Change"),
            [("2023-24", 3, 200, 1.5, ""), ("2024-25", 30, 200, 15.0, 13.5)],
            None,
            [["2023-24", "< 5", "≈ 200", "–", "–"], ["2024-25", "30", "200", "15 %", "13.5"]],
            None,
        ),
        (  # zero is not a small count
            ("Band", "Alumni", "Contactable"),
            [("Recent", 0, 0), ("Established", 5, 5)],
            ("Total", 5, 5),
            [["Recent", "0", "0"], ["Established", "5", "5"]],
            ["Total", "5", "5"],
        ),
    ],
)
def test_public_table(header, rows, total, expected_rows, expected_total):
    assert public_table(header, rows, total, 5) == (expected_rows, expected_total)


def test_write_factsheet_is_atomic(tmp_path: Path):
    target = tmp_path / "site" / "factsheet.html"
    write_factsheet(target, "<p>old</p>")
    write_factsheet(target, factsheet())
    assert target.read_text(encoding="utf-8") == factsheet()
    assert [p.name for p in target.parent.iterdir()] == ["factsheet.html"]
