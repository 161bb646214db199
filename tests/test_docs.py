"""Docs are tested (sqlite-utils' habit): links resolve, every command and tab is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheets_sync import schema as tabs
from sheets_sync.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
PAGES = [
    REPO / "README.md",
    REPO / "SECURITY.md",
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "bench" / "README.md",
]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page):
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (page.parent / target).exists(), f"{page.name}: broken link {target}"


def test_readme_names_every_command_and_tab():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for command in sub.choices:
        assert f"sheets-sync {command}" in readme, command
    for title in (*tabs.TEMPLATE_TABS, *tabs.OUTPUT_TABS):
        assert f"`{title}`" in readme, title


def test_readme_explains_every_runtime_dependency():
    import tomllib

    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    readme = (REPO / "README.md").read_text(encoding="utf-8").lower()
    for dep in deps:
        name = re.split(r"[<>=!\[ ]", dep)[0].lower()
        assert name in readme, f"README does not say why {name} is a dependency"
