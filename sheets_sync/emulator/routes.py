"""URL routing of the emulator: which endpoint a (method, host, path) is."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from sheets_sync.emulator import drive
from sheets_sync.emulator.grid import prune_defaults
from sheets_sync.emulator.resource import spreadsheet_get
from sheets_sync.emulator.state import ApiError, Sheet, Spreadsheet, bad_request, default_properties
from sheets_sync.emulator.values_api import (
    values_append,
    values_batch_clear,
    values_batch_get,
    values_batch_update,
    values_clear,
    values_get,
    values_update,
)

if TYPE_CHECKING:
    from sheets_sync.emulator.emulator import SheetsEmulator

Query = dict[str, list[str]]
_SHEETS = re.compile(r"^/v4/spreadsheets/([^/:]+)(.*)$")
_DRIVE_FILE = re.compile(r"^/drive/v3/files/([^/]+)(?:/(permissions|copy)(?:/([^/]+))?)?$")


def _flat(query: Query) -> dict[str, Any]:
    """Single values as strings, repeated ones (``ranges``) as lists."""
    return {k: (v if k == "ranges" or len(v) > 1 else v[0]) for k, v in query.items()}


def route(emu: SheetsEmulator, method: str, host: str, path: str, query: Query, body: Any) -> tuple[int, Any]:
    params = _flat(query)
    body = body if isinstance(body, dict) else ({} if body in (None, "") else body)
    if host.endswith("sheets.googleapis.com"):
        return 200, _sheets(emu, method, path, params, body)
    if path.startswith("/drive/v3/files"):
        return _drive(emu, method, path, params, body)
    raise ApiError(404, f"Method not found: {method} {path}", status="NOT_FOUND")


def _require_dict(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received. Expected an object.")
    return body


def _sheets(emu: SheetsEmulator, method: str, path: str, params: dict[str, Any], body: Any) -> Any:
    if path == "/v4/spreadsheets" and method == "POST":
        return _create_via_sheets(emu, _require_dict(body))
    m = _SHEETS.match(path)
    if not m:
        raise ApiError(404, "Requested entity was not found.")
    ss = emu.lookup(m.group(1))
    rest = m.group(2)
    if rest == "" and method == "GET":
        return spreadsheet_get(ss, params)
    if rest == ":batchUpdate" and method == "POST":
        return emu.apply_batch(ss, _require_dict(body))
    if rest == "/values:batchGet" and method == "GET":
        return values_batch_get(ss, params)
    if rest == "/values:batchUpdate" and method == "POST":
        return _mutate(emu, ss, lambda work: values_batch_update(work, _require_dict(body)))
    if rest == "/values:batchClear" and method == "POST":
        return _mutate(emu, ss, lambda work: values_batch_clear(work, _require_dict(body)))
    if rest.startswith("/values/"):
        target = rest[len("/values/") :]
        if method == "POST" and target.endswith(":append"):
            rng = unquote(target[: -len(":append")])
            return _mutate(emu, ss, lambda work: values_append(work, rng, params, _require_dict(body)))
        if method == "POST" and target.endswith(":clear"):
            rng = unquote(target[: -len(":clear")])
            return _mutate(emu, ss, lambda work: values_clear(work, rng))
        rng = unquote(target)
        if method == "GET":
            return values_get(ss, rng, params)
        if method == "PUT":
            return _mutate(emu, ss, lambda work: values_update(work, rng, params, _require_dict(body)))
    copy_to = re.match(r"^/sheets/(\d+):copyTo$", rest)
    if copy_to and method == "POST":
        return _copy_to(emu, ss, int(copy_to.group(1)), _require_dict(body))
    raise ApiError(404, f"Method not found: {method} {path}", status="NOT_FOUND")


def _mutate(emu: SheetsEmulator, ss: Spreadsheet, fn: Any) -> Any:
    """Run a values write on a copy and commit only if it succeeds (all-or-nothing)."""
    work = ss.copy()
    out = fn(work)
    emu.commit(work)
    return out


def _create_via_sheets(emu: SheetsEmulator, body: dict[str, Any]) -> dict[str, Any]:
    props = body.get("properties") or {}
    sheets = [s.get("properties", {}) for s in body.get("sheets") or []]
    titles = [p.get("title") or f"Sheet{i + 1}" for i, p in enumerate(sheets)] or ["Sheet1"]
    key = emu.create_spreadsheet(props.get("title") or "Untitled spreadsheet", titles)
    ss = emu.spreadsheets[key]
    ss.properties.update({k: v for k, v in props.items() if k != "title" and v is not None})
    return spreadsheet_get(ss, {})


def _copy_to(emu: SheetsEmulator, ss: Spreadsheet, sheet_id: int, body: dict[str, Any]) -> dict[str, Any]:
    source = ss.sheet_by_id(sheet_id)
    if source is None:
        raise ApiError(404, "Requested entity was not found.")
    dest = emu.lookup(body.get("destinationSpreadsheetId", ""))
    clone: Sheet = source.copy()
    title = f"Copy of {source.title}"
    n = 2
    while dest.sheet_by_title(title):
        title = f"Copy of {source.title} {n}"
        n += 1
    clone.properties = {
        **copy.deepcopy(clone.properties),
        "sheetId": emu.ids.sheet_id(),
        "title": title,
        "index": len(dest.sheets),
    }
    clone.protected_ranges, clone.charts = [], []
    dest.sheets.append(clone)
    emu.commit(dest)
    return prune_defaults(copy.deepcopy(clone.properties))


def _drive(emu: SheetsEmulator, method: str, path: str, params: dict[str, Any], body: Any) -> tuple[int, Any]:
    if path == "/drive/v3/files":
        if method == "GET":
            return 200, drive.list_files(emu.drive_files(), params)
        if method == "POST":
            return 200, _drive_create(emu, _require_dict(body), params)
    m = _DRIVE_FILE.match(path)
    if not m:
        raise ApiError(404, f"Method not found: {method} {path}", status="NOT_FOUND")
    file_id, sub, perm_id = unquote(m.group(1)), m.group(2), m.group(3)
    ss = emu.spreadsheets.get(file_id)
    if ss is None or not ss.accessible or (ss.trashed and method != "GET"):
        raise drive.not_found(file_id)
    if sub is None:
        if method == "GET":
            return 200, drive.get_file(drive.file_resource(ss), params)
        if method == "DELETE":
            ss.trashed = True
            return 204, None
        if method == "PATCH":
            if isinstance(body, dict) and body.get("name"):
                ss.properties["title"] = body["name"]
            emu.commit(ss)
            return 200, drive.get_file(drive.file_resource(ss), params)
    if sub == "copy" and method == "POST":
        return 200, _drive_copy(emu, ss, _require_dict(body), params)
    if sub == "permissions":
        if method == "GET" and perm_id is None:
            return 200, {"kind": "drive#permissionList", "permissions": copy.deepcopy(ss.permissions)}
        if method == "POST" and perm_id is None:
            return 200, drive.add_permission(ss, _require_dict(body), emu.ids.numeric_string)
        if method == "DELETE" and perm_id is not None:
            drive.remove_permission(ss, unquote(perm_id))
            return 204, None
    raise ApiError(404, f"Method not found: {method} {path}", status="NOT_FOUND")


def _drive_create(emu: SheetsEmulator, body: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    mime = body.get("mimeType")
    if mime != drive.SPREADSHEET_MIME:
        raise bad_request(f"The emulator only creates spreadsheets (mimeType {drive.SPREADSHEET_MIME}).")
    key = emu.create_spreadsheet(body.get("name") or "Untitled spreadsheet")
    emu.spreadsheets[key].parents = list(body.get("parents") or [])
    return drive.created_file(drive.file_resource(emu.spreadsheets[key]), params)


def _drive_copy(
    emu: SheetsEmulator, ss: Spreadsheet, body: dict[str, Any], params: dict[str, Any]
) -> dict[str, Any]:
    key = emu.ids.spreadsheet_id()
    clone = ss.copy()
    clone.id = key
    clone.properties = {
        **default_properties(body.get("name") or f"Copy of {ss.properties['title']}"),
        **{k: v for k, v in ss.properties.items() if k != "title"},
    }
    clone.properties["title"] = body.get("name") or f"Copy of {ss.properties['title']}"
    clone.permissions = [p for p in clone.permissions if p.get("role") == "owner"]
    clone.trashed = False
    emu.spreadsheets[key] = clone
    emu.commit(clone)
    return drive.created_file(drive.file_resource(clone), params)
