"""Headless Chromium renders the digest HTML and the factsheet: not blank, key figures in the DOM.

Skipped (with the reason) when Chromium is missing, except under ``SHEETS_SYNC_REQUIRE_EXTERNAL=1``
(CI, see ``.ci/run``), where a missing browser is a failure.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib import image

from sheets_sync.adapters.charts import rollup_charts
from sheets_sync.adapters.factsheet import render_factsheet
from sheets_sync.core.digest.build import Mail, plan_digests

from ._digest_data import SCRIPT, TODAY, digest_input, rollup

pytestmark = pytest.mark.integration

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=900,1400",
)


@pytest.fixture(scope="module")
def browser() -> str:
    found = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    if found is None:
        reason = "Chromium is not installed (Debian: apt-get install chromium)"
        if os.environ.get("SHEETS_SYNC_REQUIRE_EXTERNAL") == "1":
            pytest.fail(f"{reason}; SHEETS_SYNC_REQUIRE_EXTERNAL=1 requires it")
        pytest.skip(reason)
    return found


def chromium(browser: str, tmp: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def screenshot(browser: str, tmp: Path, page: Path) -> Path:
    png = tmp / f"{page.stem}.png"
    chromium(browser, tmp, page, f"--screenshot={png}")
    assert png.exists(), f"Chromium wrote no screenshot of {page.name}"
    return png


def assert_not_blank(png: Path) -> None:
    pixels = image.imread(str(png))
    assert pixels.shape[0] == 1400 and pixels.shape[1] == 900
    grey = pixels[..., :3].mean(axis=2)
    assert grey.std() > 0.05, "the page looks blank"
    assert (grey < 0.5).mean() > 0.01, "hardly any dark pixels: no text or header rendered"


def inline_images(mail: Mail) -> str:
    """What a mail client does with ``cid:`` references: show the attached parts."""
    html = mail.html
    for cid, png in mail.images:
        html = html.replace(f"cid:{cid}", "data:image/png;base64," + base64.b64encode(png).decode("ascii"))
    return html


@pytest.fixture(scope="module")
def mails() -> dict[str, Mail]:
    planned, _ = plan_digests(digest_input(charts=rollup_charts(rollup())))
    return {m.kind: m for m in planned}


def test_office_digest_renders_with_its_figures_and_chart(browser, mails, tmp_path):
    page = tmp_path / "office.html"
    page.write_text(inline_images(mails["office"]), encoding="utf-8")
    dom = chromium(browser, tmp_path, page, "--dump-dom").stdout
    for figure in ("Alumni digest", "63.6 %", "A-00001", "Outreach!2", "Pairs waiting in Review"):
        assert figure in dom
    assert dom.count("data:image/png;base64,") == len(mails["office"].images) >= 1
    assert_not_blank(screenshot(browser, tmp_path, page))


def test_owner_digest_shows_markup_as_text(browser, mails, tmp_path):
    page = tmp_path / "owner.html"
    page.write_text(mails["owner"].html, encoding="utf-8")
    dom = chromium(browser, tmp_path, page, "--dump-dom").stdout
    assert "<script" not in dom.lower()  # no element was created from a name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and SCRIPT not in dom
    assert "{{ 7*7 }}" in dom and "Guest lecture on food safety" in dom


def test_factsheet_renders_self_contained_with_its_figures(browser, tmp_path):
    r = rollup()
    html = render_factsheet(r.headline, r.tables, None, school_name="Escola", min_count=5, today=TODAY)
    page = tmp_path / "factsheet.html"
    page.write_text(html, encoding="utf-8")
    dom = chromium(browser, tmp_path, page, "--dump-dom").stdout
    for figure in ("our alumni in figures", "63.6 %", "Net Promoter Score", "&lt; 5"):
        assert figure in dom
    assert dom.count("data:image/png;base64,") == 3
    assert_not_blank(screenshot(browser, tmp_path, page))
