"""The Drive v3 calls gspread makes: files create/list/get/delete/copy and permissions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sheets_sync.emulator.fields import apply_response_mask, parse_mask
from sheets_sync.emulator.state import ApiError, Spreadsheet

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"


def not_found(file_id: str) -> ApiError:
    message = f"File not found: {file_id}."
    legacy = {
        "message": message,
        "domain": "global",
        "reason": "notFound",
        "location": "fileId",
        "locationType": "parameter",
    }
    return ApiError(404, message, status="NOT_FOUND", errors=[legacy])


def file_resource(ss: Spreadsheet) -> dict[str, Any]:
    return {
        "kind": "drive#file",
        "id": ss.id,
        "name": ss.properties.get("title", ""),
        "mimeType": SPREADSHEET_MIME,
        "createdTime": ss.created_time,
        "modifiedTime": ss.modified_time,
        "parents": list(ss.parents) or ["root"],
        "trashed": ss.trashed,
    }


def _mask(resource: dict[str, Any], fields: str | None, default: tuple[str, ...]) -> dict[str, Any]:
    if not fields:
        return {k: resource[k] for k in default if k in resource}
    return apply_response_mask(resource, parse_mask(fields))


_CLAUSE = re.compile(
    r"""\s*(?:(?P<field>name|mimeType|trashed)\s*(?P<op>=|!=|contains)\s*(?P<value>"[^"]*"|'[^']*'|true|false)"""
    r"""|(?P<parent>"[^"]*"|'[^']*')\s+in\s+parents)\s*""",
    re.IGNORECASE,
)


def matches_query(resource: dict[str, Any], query: str) -> bool:
    """The subset of Drive's ``q`` language gspread uses: clauses joined by ``and``."""
    for clause in re.split(r"\s+and\s+", query.strip(), flags=re.IGNORECASE) if query.strip() else []:
        m = _CLAUSE.fullmatch(clause)
        if not m:
            raise ApiError(400, "Invalid Value", status="INVALID_ARGUMENT")
        if m.group("parent"):
            if m.group("parent")[1:-1] not in resource["parents"]:
                return False
            continue
        field, op, raw = m.group("field"), m.group("op"), m.group("value")
        value: Any = raw[1:-1] if raw[0] in "\"'" else raw.lower() == "true"
        actual = resource[field]
        if op == "=" and actual != value:
            return False
        if op == "!=" and actual == value:
            return False
        if op.lower() == "contains" and str(value).lower() not in str(actual).lower():
            return False
    return True


def list_files(files: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    query = params.get("q") or ""
    if "trashed" not in query:
        files = [f for f in files if not f["trashed"]]
    found = [f for f in files if matches_query(f, query)]
    size = int(params.get("pageSize") or 100)
    start = int(params.get("pageToken") or 0)
    page = found[start : start + size]
    out: dict[str, Any] = {"kind": "drive#fileList", "files": page}
    if start + size < len(found):
        out["nextPageToken"] = str(start + size)
    if params.get("fields"):
        return apply_response_mask(out, parse_mask(params["fields"]))
    out["files"] = [{k: f[k] for k in ("kind", "mimeType", "id", "name")} for f in page]
    out["incompleteSearch"] = False
    return out


def get_file(resource: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return _mask(resource, params.get("fields"), ("kind", "id", "name", "mimeType"))


def created_file(resource: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return _mask(resource, params.get("fields"), ("kind", "id", "name", "mimeType"))


def add_permission(ss: Spreadsheet, body: dict[str, Any], new_id: Callable[[], str]) -> dict[str, Any]:
    kind, role = body.get("type"), body.get("role")
    if kind not in ("user", "group", "domain", "anyone") or role not in (
        "owner",
        "organizer",
        "fileOrganizer",
        "writer",
        "commenter",
        "reader",
    ):
        raise ApiError(400, "Invalid permission type or role.", status="INVALID_ARGUMENT")
    perm: dict[str, Any] = {"kind": "drive#permission", "id": new_id(), "type": kind, "role": role}
    if body.get("emailAddress"):
        perm["emailAddress"] = body["emailAddress"]
    if body.get("domain"):
        perm["domain"] = body["domain"]
    ss.permissions.append(perm)
    return {k: perm[k] for k in ("kind", "id", "type", "role")}


def remove_permission(ss: Spreadsheet, permission_id: str) -> None:
    for perm in ss.permissions:
        if perm["id"] == permission_id:
            ss.permissions.remove(perm)
            return
    raise ApiError(404, f"Permission not found: {permission_id}.", status="NOT_FOUND")
