"""Rollup charts as PNG bytes (adapter: matplotlib, Agg canvas, no GUI, no pyplot global state).

Used inline in the office digest (by Content-ID) and as ``data:`` URIs in the factsheet. Charts
read the same :class:`~sheets_sync.core.rollup.alumni.RollupTable` objects as the ``Rollup`` tab.
With ``min_count`` (the factsheet), bars that rest on fewer people are left out and the chart says so.

Each chart first works out what it shows (labels, values, note), then draws it; drawings are cached
by exactly that data, so a chart that suppression leaves unchanged is drawn once per run, not once
for the digest and again for the factsheet.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sheets_sync.core.rollup.build import Rollup, RollupTable

log = logging.getLogger(__name__)

COLOURS = ("#1e3a8a", "#0d9488", "#f59e0b", "#64748b")
WIDTH, HEIGHT, DPI = 8.0, 3.6, 100  # 800 x 360 px: sharp in mail, small in bytes
MODES = (
    ("Volunteer (V)", "Volunteer"),
    ("Experiential (E)", "Experiential"),
    ("Communication (C)", "Communication"),
)
DRAWN_KEPT = 4  # drawings kept per chart kind: a run needs two (digest and factsheet)
# Every text drawn is literal: an event called "Quiz night $$" or "Talk: $\\LaTeX$" is a label, not
# mathtext (which would raise on it and stop the night's run), and never goes through TeX.
LITERAL_TEXT = rc_context({"text.parse_math": False, "text.usetex": False})


def _tables(rollup: Rollup | Iterable[RollupTable]) -> dict[str, RollupTable]:
    tables = rollup.tables if isinstance(rollup, Rollup) else rollup
    return {t.title: t for t in tables}


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _small(value: object, min_count: int) -> bool:
    n = _num(value)
    return n is not None and 0 < n < min_count


def _figure() -> Figure:
    fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _style(ax: Any, title: str) -> None:
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold", color="#1e293b")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=9, colors="#334155")
    ax.grid(axis="y", color="#e2e8f0", linewidth=0.8)
    ax.set_axisbelow(True)


def _png(fig: Figure, note: str = "") -> bytes:
    if note:
        fig.text(0.99, 0.01, note, ha="right", va="bottom", fontsize=8, color="#64748b")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def engagement_by_mode(table: Any, min_count: int = 0) -> bytes | None:
    """Grouped bars: distinct alumni engaged in each CASE mode, per alumni category."""
    cols = [table.header.index(h) for h, _ in MODES if h in table.header]
    rows = [r for r in table.rows if r[0] != "Unknown" or any((_num(r[c]) or 0) > 0 for c in cols)]
    if len(cols) != len(MODES) or not any((_num(r[c]) or 0) > 0 for r in rows for c in cols):
        return None
    series = tuple(tuple(0.0 if _small(r[c], min_count) else _num(r[c]) or 0.0 for r in rows) for c in cols)
    hidden = any(_small(r[c], min_count) for r in rows for c in cols)
    note = f"Counts below {min_count} are not shown." if hidden else ""
    return _mode_bars(tuple(str(r[0]) for r in rows), series, note)


@lru_cache(maxsize=DRAWN_KEPT)
@LITERAL_TEXT
def _mode_bars(labels: tuple[str, ...], series: tuple[tuple[float, ...], ...], note: str) -> bytes:
    fig = _figure()
    ax = fig.add_subplot()
    width = 0.8 / len(series)
    for k, ((_, label), values) in enumerate(zip(MODES, series, strict=True)):
        xs = [i + (k - (len(series) - 1) / 2) * width for i in range(len(labels))]
        bars = ax.bar(xs, values, width, label=label, color=COLOURS[k])
        ax.bar_label(bars, labels=[f"{v:g}" if v else "" for v in values], fontsize=8, padding=2)
    ax.set_xticks(range(len(labels)), labels)
    ax.legend(fontsize=9, frameon=False, ncols=3, loc="upper right")
    ax.margins(y=0.2)
    _style(ax, "Engaged alumni by mode and category")
    return _png(fig, note)


def engagement_rate(table: Any, min_count: int = 0) -> bytes | None:
    """Line: engagement rate (%) per school year."""
    h = table.header
    if "Engagement rate" not in h:
        return None
    i, e = h.index("Engagement rate"), h.index("Engaged alumni") if "Engaged alumni" in h else None
    points = tuple(
        (str(r[0]), _num(r[i]) or 0.0)
        for r in table.rows
        if _num(r[i]) is not None and not (e is not None and _small(r[e], min_count))
    )
    if not points:
        return None
    hidden = len(points) < sum(1 for r in table.rows if _num(r[i]) is not None)
    return _rate_line(
        points, f"Years with fewer than {min_count} engaged alumni are not shown." if hidden else ""
    )


@lru_cache(maxsize=DRAWN_KEPT)
@LITERAL_TEXT
def _rate_line(points: tuple[tuple[str, float], ...], note: str) -> bytes:
    fig = _figure()
    ax = fig.add_subplot()
    xs = list(range(len(points)))
    ys = [p[1] for p in points]
    ax.plot(xs, ys, marker="o", color=COLOURS[0], linewidth=2)
    for x, y in zip(xs, ys, strict=True):
        ax.annotate(f"{y:g} %", (x, y), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=9)
    ax.set_xticks(xs, [p[0] for p in points])
    ax.set_ylim(0, max(max(ys) * 1.3, 1.0))
    ax.set_ylabel("% of contactable alumni", fontsize=9)
    _style(ax, "Engagement rate over school years")
    return _png(fig, note)


def nps_by_event(table: Any, min_count: int = 0) -> bytes | None:
    """Horizontal bars: NPS per event (and all events), from -100 to 100."""
    h = table.header
    if "NPS" not in h:
        return None
    i, n = h.index("NPS"), h.index("Responses") if "Responses" in h else None
    rows: Sequence[Any] = list(table.rows) + ([table.total] if table.total is not None else [])
    points = tuple(
        (str(r[0]), _num(r[i]) or 0.0)
        for r in rows
        if _num(r[i]) is not None and not (n is not None and _small(r[n], min_count))
    )
    if not points:
        return None
    hidden = len(points) < sum(1 for r in rows if _num(r[i]) is not None)
    return _nps_bars(points, f"Events with fewer than {min_count} responses are not shown." if hidden else "")


@lru_cache(maxsize=DRAWN_KEPT)
@LITERAL_TEXT
def _nps_bars(points: tuple[tuple[str, float], ...], note: str) -> bytes:
    fig = _figure()
    ax = fig.add_subplot()
    ys = list(range(len(points)))[::-1]
    colours = [COLOURS[1] if v >= 0 else "#b91c1c" for _, v in points]
    bars = ax.barh(ys, [v for _, v in points], color=colours, height=0.6)
    ax.bar_label(bars, labels=[f"{v:g}" for _, v in points], fontsize=8, padding=3)
    ax.set_yticks(ys, [p[0] for p in points])
    ax.set_xlim(-100, 100)
    ax.axvline(0, color="#334155", linewidth=0.8)
    ax.grid(axis="x", color="#e2e8f0", linewidth=0.8)
    _style(ax, "Net Promoter Score by event")
    ax.grid(axis="y", visible=False)
    return _png(fig, note)


SURVEY_COUNTS = ("Respondents (A)", "Willing to keep in touch (A-B)")


def survey_shares(table: Any, min_count: int = 0) -> bytes | None:
    """Horizontal bars, the guide's §3 #3 figure: the latest school year's share interested in
    keeping in touch, and each GET service and HELP offer as a share of those who said Yes."""
    h = table.header
    if not table.rows or not all(c in h for c in SURVEY_COUNTS):
        return None
    row = table.rows[-1] if str(table.rows[-1][0]) != "Undated" or len(table.rows) == 1 else table.rows[-2]
    if any((_num(row[h.index(c)]) or 0) < max(min_count, 1) for c in SURVEY_COUNTS):
        return None  # no answers, or too few to publish
    points = tuple(
        (label.removesuffix(" (%)"), _num(v) or 0.0)
        for label, v in zip(h, row, strict=True)
        if label.endswith("(%)")
    )
    return _share_bars(str(row[0]), points)


@lru_cache(maxsize=DRAWN_KEPT)
@LITERAL_TEXT
def _share_bars(year: str, points: tuple[tuple[str, float], ...]) -> bytes:
    fig = Figure(figsize=(WIDTH, HEIGHT + 1.2), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ys = list(range(len(points)))[::-1]
    colours = [
        COLOURS[0]
        if not p[0].startswith(("GET", "HELP"))
        else COLOURS[1]
        if p[0].startswith("GET")
        else COLOURS[2]
        for p in points
    ]
    bars = ax.barh(ys, [v for _, v in points], color=colours, height=0.6)
    ax.bar_label(bars, labels=[f"{v:g} %" for _, v in points], fontsize=8, padding=3)
    ax.set_yticks(ys, [p[0] for p in points])
    ax.set_xlim(0, 115)
    ax.grid(axis="x", color="#e2e8f0", linewidth=0.8)
    _style(ax, f"Pre-graduation survey {year}")
    ax.grid(axis="y", visible=False)
    return _png(fig, "Interested: % of all respondents. GET and HELP: % of those who said Yes.")


CHARTS = (
    ("engagement_by_mode", "Engagement by alumni category", engagement_by_mode),
    ("engagement_rate", "Engagement rate", engagement_rate),
    ("nps_by_event", "Net Promoter Score", nps_by_event),
    ("survey_shares", "Pre-graduation survey", survey_shares),
)


def rollup_charts(rollup: Rollup | Iterable[RollupTable], *, min_count: int = 0) -> dict[str, bytes]:
    """PNG bytes by chart name, for the tables that have something to draw.

    ``rollup``: a :class:`~sheets_sync.core.rollup.build.Rollup` or any iterable of RollupTables.
    ``min_count``: leave out values resting on fewer people (0 = show all; the factsheet passes 5).
    """
    tables = _tables(rollup)
    charts: dict[str, bytes] = {}
    for name, title, draw in CHARTS:
        table = tables.get(title)
        if table is None:
            continue
        png = draw(table, min_count)
        if png is not None:
            charts[name] = png
    log.info("charts drawn: %d (%d KB)", len(charts), sum(len(p) for p in charts.values()) // 1024)
    return charts
