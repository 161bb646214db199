"""Refresh the shipped discovery documents: ``python -m sheets_sync.emulator.discovery.refresh``.

Without options it downloads each document from Google's discovery URL; with ``--package``
it copies them from an installed google-api-python-client (``pip install
google-api-python-client``), which ships the same documents. Each file is checked (right API,
has a revision and schemas), written through a temporary file, and the old and new revisions
are printed. Then run the tests: a newer document may reject what the backend sends.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from sheets_sync.emulator.discovery import DOCUMENTS, URLS

HERE = Path(__file__).resolve().parent
NAMES = {"sheets": ("sheets", "v4"), "drive": ("drive", "v3")}


def _from_url(api: str) -> bytes:
    with urllib.request.urlopen(URLS[api], timeout=60) as answer:  # noqa: S310 - fixed https URLs
        return answer.read()


def _from_package(api: str) -> bytes:
    try:
        import googleapiclient  # type: ignore[import-not-found]
    except ImportError:
        raise SystemExit(
            "--package needs google-api-python-client: pip install google-api-python-client"
        ) from None
    folder = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    return (folder / DOCUMENTS[api]).read_bytes()


def _check(api: str, data: bytes) -> dict[str, Any]:
    doc = json.loads(data)
    name, version = NAMES[api]
    if (
        doc.get("name") != name
        or doc.get("version") != version
        or not doc.get("schemas")
        or not doc.get("revision")
    ):
        raise SystemExit(
            f"{api}: the downloaded document is not Google's {name} {version} discovery document"
        )
    return doc


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", action="store_true", help="copy from installed google-api-python-client")
    args = parser.parse_args(argv)
    for api, filename in DOCUMENTS.items():
        data = _from_package(api) if args.package else _from_url(api)
        doc = _check(api, data)
        path = HERE / filename
        old = json.loads(path.read_bytes()).get("revision") if path.exists() else None
        _write(path, data)
        print(f"{filename}: revision {old} -> {doc['revision']}")  # noqa: T201 - a command-line script
    return 0


if __name__ == "__main__":
    sys.exit(main())
