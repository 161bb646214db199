"""Google's own discovery documents for the APIs the emulator speaks, shipped as package data.

``sheets.v4.json`` and ``drive.v3.json`` are Google's published documents, unedited (as
google-api-python-client ships them in ``googleapiclient/discovery_cache/documents``).
Their ``revision`` says which day's API they describe. Refresh them with

    python -m sheets_sync.emulator.discovery.refresh            # from Google's discovery URLs
    python -m sheets_sync.emulator.discovery.refresh --package  # from an installed google-api-python-client
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

DOCUMENTS = {"sheets": "sheets.v4.json", "drive": "drive.v3.json"}
URLS = {
    "sheets": "https://sheets.googleapis.com/$discovery/rest?version=v4",
    "drive": "https://www.googleapis.com/discovery/v1/apis/drive/v3/rest",
}


@cache
def document(api: str) -> dict[str, Any]:
    """The parsed discovery document of ``api`` (``"sheets"`` or ``"drive"``)."""
    text = resources.files(__package__).joinpath(DOCUMENTS[api]).read_text(encoding="utf-8")
    return json.loads(text)


def revisions() -> dict[str, str]:
    """``{"sheets": "20261019", "drive": "20261106"}``: the day each shipped document describes."""
    return {api: str(document(api)["revision"]) for api in DOCUMENTS}
