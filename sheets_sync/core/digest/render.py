"""Rendering for the digests and the factsheet (pure): the jinja2 environment and figure formatting.

Templates live in ``templates/mail/``: ``*.html.j2`` are autoescaped, ``*.txt.j2`` are
not (plain text needs no escaping), and a missing variable is an error (``StrictUndefined``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sheets_sync.resources import templates_dir

TEMPLATE_DIR = templates_dir() / "mail"


@cache
def template_environment() -> Environment:
    """Autoescaped for ``*.html.j2``; plain for ``*.txt.j2``; any missing variable is an error."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2"), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_value
    return env


def format_value(value: object) -> str:
    """A figure as people read it: ``1,234``, ``12.5``; text as is; ``""`` as an en dash."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    text = str(value)
    return text if text.strip() else "–"


# (key of Rollup.headline, label, unit, the count it rests on: suppressed with it in the factsheet)
HEADLINE: tuple[tuple[str, str, str, str], ...] = (
    ("alumni", "Alumni", "", ""),
    ("contactable", "Contactable alumni", "", "opted_out"),  # alumni - opted_out
    ("opted_out", "Opted out", "", ""),
    ("engaged", "Engaged this school year", "", ""),
    ("engagement_rate", "Engagement rate", " %", "engaged"),
    ("volunteer_hours", "Volunteer hours", "", "volunteers"),
    ("volunteer_value", "Value of volunteer time", " {currency}", "volunteers"),
    ("experiential_actions", "Experiential actions", "", ""),
    ("nps", "Net Promoter Score", "", "nps_responses"),
)


def is_count(value: object) -> bool:
    """A whole-number count (bools are not counts): what small-count suppression applies to."""
    return isinstance(value, int) and not isinstance(value, bool)


def suppress(value: object, min_count: int) -> str | None:
    """``"< 5"`` for a count of 1..min_count-1 (so no one can be singled out), else ``None``."""
    if is_count(value) and 0 < value < min_count:  # type: ignore[operator]
        return f"< {min_count}"
    return None


def rounded(value: int, min_count: int) -> str:
    """A count shown to the nearest multiple of ``min_count`` ("≈ 10"): a suppressed count cannot
    be recovered by subtracting it from an exact neighbour."""
    step = max(1, min_count)
    return f"≈ {int(value / step + 0.5) * step:,}"


def headline_figures(headline: Mapping[str, object], *, min_count: int = 0) -> list[tuple[str, str]]:
    """(label, text) of the headline figures. Known keys of ``Rollup.headline`` get labels and
    units. With ``min_count``: small counts are ``< 5``; a figure resting on one is ``–`` (a rate)
    or rounded (a count, "≈ 10"). Unknown mappings are shown as given."""
    known = [row for row in HEADLINE if row[0] in headline]
    if not known:
        return [
            (str(k).replace("_", " ").capitalize(), suppress(v, min_count) or format_value(v))
            for k, v in headline.items()
        ]
    figures = []
    for key, label, unit, basis in known:
        value = headline[key]
        hidden = suppress(value, min_count)
        if hidden is None and basis and suppress(headline.get(basis), min_count) is not None:
            hidden = rounded(value, min_count) if is_count(value) else "–"  # type: ignore[arg-type]
        text = hidden or format_value(value)
        if hidden is None and text != "–":
            text += unit.format(currency=headline.get("currency", ""))
        figures.append((label, text))
    return figures


def render(env: Environment, name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(text, html) of the ``<name>.txt.j2`` / ``<name>.html.j2`` pair."""
    text = env.get_template(f"{name}.txt.j2").render(context)
    html = env.get_template(f"{name}.html.j2").render(context)
    return text, html


def content_id(chart: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in chart)
    return f"chart-{slug}@sheets-sync"
