"""Where the ``templates/`` folder is: the guide's templates, matching vocabularies, mail templates.

A source checkout (and an editable install) reads the top-level ``templates/`` folder beside the package,
so a school sees and can copy what it may customise; a built wheel carries the same files as the package
data ``sheets_sync/templates/`` (mapped in ``setup.py``). Foundation module: imports nothing of the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def templates_dir() -> Path:
    """The folder holding ``staff.toml`` and the rest (installed package data first, then the checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "staff.toml").is_file():
            return candidate
    raise FileNotFoundError(
        f"sheets_sync's templates folder is missing (looked in {here / 'templates'} and {here.parent / 'templates'}); "
        "reinstall the package (pip install .) or restore templates/ from the repository"
    )


def read_template_text(name: str) -> str:
    """The text of one file under ``templates/`` (``name`` may contain ``/``)."""
    return (templates_dir() / name).read_text(encoding="utf-8")
