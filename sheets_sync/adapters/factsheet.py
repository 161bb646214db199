"""The public factsheet: one self-contained ``factsheet.html`` (guide §3 #3 "alumni section").

Aggregate only: headline figures, the public rollup tables and charts; no names, no staff, no
free text from a list. Counts from 1 to ``min_count - 1`` are shown as ``< 5`` and any figure
resting on such a count (a rate, an NPS, hours) as ``–``. No external request: CSS inline,
charts as ``data:`` URIs.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sheets_sync.core.digest.build import (
    format_value,
    headline_figures,
    rounded,
    suppress,
    template_environment,
)
from sheets_sync.core.digest.render import is_count
from sheets_sync.core.rollup.build import TITLES
from sheets_sync.core.survey.rollup import TITLES as SURVEY_TITLES
from sheets_sync.files import PUBLIC, write_atomic

log = logging.getLogger(__name__)

# Rollup tables fit for the public; Relationship owners (staff names), Framework, Stocktaking
# and PDCA (internal planning) stay in the workbook.
# the first eight tables and the pre-graduation survey (guide §3 #3), which sit last in the tab
PUBLIC_TABLES = (*TITLES[: TITLES.index("Engagement rate") + 1], *SURVEY_TITLES)
CHART_TITLES = {
    "engagement_by_mode": "Engaged alumni by mode and category",
    "engagement_rate": "Engagement rate over school years",
    "nps_by_event": "Net Promoter Score by event",
    "survey_shares": "Pre-graduation survey: what students who want to keep in touch would like to get and offer",
}
# a free-text first column (event names, types of action) could name a person: shown as given only
# for tables whose first column is a fixed vocabulary
FIXED_LABELS = {
    SURVEY_TITLES[0],  # school years
    "Alumni base",
    "Time since graduation",
    "Engagement by alumni category",
    "Actions by department",
    "Engagement rate",
}


def public_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], total: Sequence[object] | None, min_count: int
) -> tuple[list[list[str]], list[str] | None]:
    """Rows (and the Total row) as text, safe to publish.

    Primary suppression: a count from 1 to ``min_count - 1`` is ``< 5``. Secondary, so it cannot be
    recovered by subtraction: the other counts of its row, and the Total of its column, are
    rounded to a multiple of ``min_count`` (``≈ 10``), and the row's rates and amounts are ``–``.
    Differencing *across* tables (or with the headline) is not guarded against.
    """
    width = len(header)
    hidden_cols = {  # every count column of a row with a suppressed count: its Total is rounded too
        c for r in rows if any(suppress(v, min_count) for v in r[1:]) for c in range(1, width)
    }
    out = [_public_cells(header, r, min_count, set()) for r in rows]
    return out, _public_cells(header, total, min_count, hidden_cols) if total is not None else None


def _public_cells(
    header: Sequence[str], row: Sequence[object], min_count: int, round_cols: set[int]
) -> list[str]:
    tainted = any(suppress(v, min_count) for v in row[1:])
    cells = [format_value(row[0])]
    for c, (h, v) in enumerate(zip(header[1:], row[1:], strict=False), start=1):
        text = suppress(v, min_count)
        if text is None and is_count(v) and (tainted or c in round_cols) and v:  # type: ignore[truthy-bool]
            text = rounded(v, min_count)  # type: ignore[arg-type]
        elif text is None and not is_count(v) and (tainted or c in round_cols) and str(v).strip():
            text = "–"
        if text is None:
            text = format_value(v)
            if text != "–" and ("%" in h or h == "Engagement rate"):
                text += " %"
        cells.append(text)
    return cells


def public_tables(tables: Sequence[Any], min_count: int) -> list[dict[str, Any]]:
    out = []
    for t in tables:
        if t.title not in PUBLIC_TABLES or not t.rows:
            continue
        rows, total = public_table(t.header, t.rows, t.total, min_count)
        if t.title not in FIXED_LABELS:
            rows = [_no_small_label(r, min_count) for r in rows]
        out.append({"title": t.title, "header": list(t.header), "rows": rows, "total": total})
    return out


def _no_small_label(cells: list[str], min_count: int) -> list[str]:
    """A free-text row (an event, a contribution type) resting on a suppressed count loses its label."""
    return ["(other)", *cells[1:]] if any(c == f"< {min_count}" for c in cells[1:]) else cells


def render_factsheet(
    headline: Mapping[str, object],
    rollup_tables: Sequence[Any],
    charts: Mapping[str, bytes] | None,
    *,
    school_name: str,
    min_count: int = 5,
    today: dt.date | None = None,
) -> str:
    """The factsheet HTML. ``charts=None`` draws them here with small counts left out."""
    if charts is None:
        from sheets_sync.adapters.charts import rollup_charts

        charts = rollup_charts(rollup_tables, min_count=min_count)
    env = template_environment()
    context = {
        "school": school_name,
        "today": (today or dt.date.today()).isoformat(),
        "school_year": str(headline.get("school_year", "")),
        "min_count": min_count,
        "headline": headline_figures(headline, min_count=min_count),
        "tables": public_tables(rollup_tables, min_count),
        "charts": [
            (CHART_TITLES.get(name, name.replace("_", " ").capitalize()), _data_uri(png))
            for name, png in charts.items()
        ],
    }
    return env.get_template("factsheet.html.j2").render(context)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def write_factsheet(path: Path, html: str) -> None:
    """Atomic write: a reader (or a web server) sees the old page or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, html, new_mode=PUBLIC)  # exclusive temp file, removed if writing fails
    log.info("factsheet written: %s (%d KB)", path, len(html.encode("utf-8")) // 1024)
