"""Replay recorded Google traffic (vcrpy cassettes) against the emulator and compare answers.

Used by ``tests/test_conformance.py``. One cassette file may hold several recording
runs back to back; each run starts with the Drive ``POST /drive/v3/files`` that
creates the spreadsheet and is replayed on a fresh emulator. Ids that Google
chose (spreadsheet, sheet, named range, protected range, chart) are learned from
the answers and mapped both ways; volatile parts are normalised before comparing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sheets_sync.emulator.emulator import SheetsEmulator

ID_KEYS = ("sheetId", "namedRangeId", "protectedRangeId", "chartId", "objectId", "metadataId")
VOLATILE_KEYS = ("createdTime", "modifiedTime", "etag", "locale", "timeZone")
SUBSET_KEYS = ("spreadsheetTheme", "defaultFormat")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# what sheets_sync's Google backend sends; every recorded exchange of these must match
BACKEND_BATCH_KINDS = {
    "addSheet",
    "updateCells",
    "repeatCell",
    "setDataValidation",
    "addProtectedRange",
    "updateSheetProperties",
}
BACKEND_OPERATIONS = {
    "values.get",
    "values.batchGet",
    "values.update",
    "values.append",
    "values.clear",
    "spreadsheets.get",
    "drive.create",
}


@dataclass
class Exchange:
    file: str
    run: int
    index: int
    operation: str
    batch_kinds: tuple[str, ...]
    matched: bool
    detail: str = ""

    @property
    def backend_relevant(self) -> bool:
        if self.operation == "spreadsheets.batchUpdate":
            return bool(self.batch_kinds) and set(self.batch_kinds) <= BACKEND_BATCH_KINDS
        return self.operation in BACKEND_OPERATIONS


@dataclass
class IdMap:
    to_emu: dict[str, Any] = field(default_factory=dict)
    to_rec: dict[str, Any] = field(default_factory=dict)

    def learn(self, recorded: Any, emulated: Any) -> None:
        """Walk both answers side by side; pair ids found at the same place."""
        if isinstance(recorded, dict) and isinstance(emulated, dict):
            for key, value in recorded.items():
                if key in emulated:
                    if key in ID_KEYS and not isinstance(value, (dict, list)):
                        self.pair(value, emulated[key])
                    elif key in ("spreadsheetId", "id") and isinstance(value, str):
                        self.pair(value, emulated[key])
                    else:
                        self.learn(value, emulated[key])
        elif isinstance(recorded, list) and isinstance(emulated, list):
            for a, b in zip(recorded, emulated, strict=False):
                self.learn(a, b)

    def pair(self, recorded: Any, emulated: Any) -> None:
        if str(recorded) not in self.to_emu and str(emulated) not in self.to_rec:
            self.to_emu[str(recorded)] = emulated
            self.to_rec[str(emulated)] = recorded

    def request_text(self, text: str) -> str:
        for rec, emu in self.to_emu.items():
            if isinstance(emu, str) and len(rec) > 20:
                text = text.replace(rec, emu)
        return text

    def request_body(self, body: Any) -> Any:
        if isinstance(body, dict):
            return {
                k: (self._map(self.to_emu, v) if k in ID_KEYS else self.request_body(v))
                for k, v in body.items()
            }
        if isinstance(body, list):
            return [self.request_body(v) for v in body]
        if isinstance(body, str):
            return self.request_text(body)
        return body

    def answer(self, value: Any) -> Any:
        """The emulator's answer with its ids replaced by the recorded ones."""
        if isinstance(value, dict):
            return {
                k: (self._map(self.to_rec, v) if k in ID_KEYS or k == "spreadsheetId" else self.answer(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.answer(v) for v in value]
        if isinstance(value, str):
            for emu, rec in self.to_rec.items():
                if len(emu) > 20 and isinstance(rec, str):
                    value = value.replace(emu, rec)
            return value
        return value

    @staticmethod
    def _map(table: dict[str, Any], value: Any) -> Any:
        if isinstance(value, (dict, list)):
            return value
        mapped = table.get(str(value))
        if mapped is None:
            return value
        return type(value)(mapped) if isinstance(value, (int, str)) else mapped


def _subset(small: Any, big: Any) -> bool:
    if isinstance(small, dict) and isinstance(big, dict):
        return all(k in big and _subset(v, big[k]) for k, v in small.items())
    if isinstance(small, list) and isinstance(big, list):
        return len(small) == len(big) and all(_subset(a, b) for a, b in zip(small, big, strict=True))
    return bool(small == big)


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            if key in VOLATILE_KEYS or key in SUBSET_KEYS:
                continue
            if key == "users" and isinstance(v, list):
                out[key] = ["<EMAIL>" for _ in v]
                continue
            out[key] = normalise(v)
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return EMAIL.sub("<EMAIL>", value)
    return value


def _subset_blocks_ok(recorded: Any, emulated: Any) -> bool:
    """spreadsheetTheme / defaultFormat: compared as a subset (either way)."""
    if isinstance(recorded, dict) and isinstance(emulated, dict):
        for key in SUBSET_KEYS:
            if key in recorded and key in emulated:
                if not (_subset(recorded[key], emulated[key]) or _subset(emulated[key], recorded[key])):
                    return False
        return all(_subset_blocks_ok(v, emulated[k]) for k, v in recorded.items() if k in emulated)
    if isinstance(recorded, list) and isinstance(emulated, list):
        return all(_subset_blocks_ok(a, b) for a, b in zip(recorded, emulated, strict=False))
    return True


def operation_of(method: str, uri: str, body: Any) -> tuple[str, tuple[str, ...]]:
    path = urlsplit(uri).path
    if "/drive/v3/files" in path:
        if re.search(r"/permissions", path):
            return f"drive.permissions.{method.lower()}", ()
        if method == "POST" and path.endswith("/files"):
            return "drive.create", ()
        if method == "GET" and path.endswith("/files"):
            return "drive.list", ()
        return f"drive.{ {'GET': 'get', 'DELETE': 'delete'}.get(method, method.lower()) }", ()
    if path.endswith(":batchUpdate") and "/values" not in path:
        kinds = tuple(next(iter(r)) for r in (body or {}).get("requests", []) if r)
        return "spreadsheets.batchUpdate", kinds
    for suffix, name in (
        (":append", "values.append"),
        (":clear", "values.clear"),
        ("values:batchGet", "values.batchGet"),
        ("values:batchUpdate", "values.batchUpdate"),
        ("values:batchClear", "values.batchClear"),
    ):
        if path.endswith(suffix):
            return name, ()
    if "/values/" in path:
        return ("values.get" if method == "GET" else "values.update"), ()
    return "spreadsheets.get", ()


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def split_runs(
    interactions: list[dict[str, Any]], test_title: str | None = None
) -> list[list[dict[str, Any]]]:
    """Cut at each Drive create of the test's own spreadsheet (``Test <Class> <test>``)."""

    def creates_own(item: dict[str, Any]) -> bool:
        request = item["request"]
        if request["method"] != "POST" or not urlsplit(request["uri"]).path.endswith("/drive/v3/files"):
            return False
        name = (_json(request.get("body")) or {}).get("name")
        return test_title is None or name == test_title

    if test_title is not None and not any(creates_own(i) for i in interactions):
        test_title = None
    runs: list[list[dict[str, Any]]] = []
    for item in interactions:
        if creates_own(item) or not runs:
            runs.append([])
        runs[-1].append(item)
    return runs


_GOOGLE_ID = re.compile(r"/(?:spreadsheets|files)/([A-Za-z0-9_-]{30,})")


def _seed_private(emu: SheetsEmulator, ids: IdMap, uri: str, response: dict[str, Any]) -> None:
    """A spreadsheet the recording reads without creating it, that Google refused with 403,
    exists but is not shared with us: seed it that way (the world outside the recording)."""
    m = _GOOGLE_ID.search(uri)
    if m and response["status"]["code"] == 403 and m.group(1) not in ids.to_emu:
        key = emu.create_spreadsheet("private", key=m.group(1))
        emu.revoke_access(key)
        ids.pair(key, key)


def replay_run(name: str, run_no: int, run: list[dict[str, Any]]) -> list[Exchange]:
    emu = SheetsEmulator(strict=True)
    session = emu.session()
    ids = IdMap()
    out = []
    for i, item in enumerate(run):
        request, response = item["request"], item["response"]
        body = _json(request.get("body"))
        operation, kinds = operation_of(request["method"], request["uri"], body)
        _seed_private(emu, ids, request["uri"], response)
        uri = ids.request_text(request["uri"])
        data = json.dumps(ids.request_body(body)) if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        try:
            got = session.request(request["method"], uri, data=data, headers=headers)
        except Exception as err:  # an emulator bug is a mismatch, reported with its message
            out.append(Exchange(name, run_no, i, operation, kinds, False, f"emulator raised {err!r}"))
            continue
        recorded = _json(response["body"].get("string"))
        emulated = _json(got.text)
        ids.learn(recorded, emulated)
        mapped = ids.answer(emulated)
        same_status = got.status_code == response["status"]["code"]
        same_body = normalise(recorded) == normalise(mapped) and _subset_blocks_ok(recorded, mapped)
        detail = ""
        if not (same_status and same_body):
            detail = (
                f"status {got.status_code} vs {response['status']['code']}; "
                f"got {json.dumps(normalise(mapped))[:600]} want {json.dumps(normalise(recorded))[:600]}"
            )
        out.append(Exchange(name, run_no, i, operation, kinds, same_status and same_body, detail))
    return out


def replay_file(path: Path) -> list[Exchange]:
    data = json.loads(path.read_text(encoding="utf-8"))
    exchanges = []
    test_class, _, test_name = path.stem.partition(".")
    title = f"Test {test_class} {test_name}"
    for run_no, run in enumerate(split_runs(data.get("interactions", []), title)):
        exchanges.extend(replay_run(path.name, run_no, run))
    return exchanges


def replay_folder(folder: Path) -> list[Exchange]:
    exchanges: list[Exchange] = []
    for path in sorted(folder.glob("*.json")):
        exchanges.extend(replay_file(path))
    return exchanges
