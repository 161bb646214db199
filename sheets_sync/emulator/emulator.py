"""``SheetsEmulator``: an in-memory Google Sheets API v4 (+ Drive v3) behind a requests adapter.

    emu = SheetsEmulator()
    key = emu.create_spreadsheet("Alumni", sheets=["Sheet1"])
    session = requests.Session(); emu.mount(session)
    gc = gspread.Client(auth=None, session=session)      # or: gc = emu.client()

Every HTTP call to ``https://sheets.googleapis.com`` / ``https://www.googleapis.com``
made through the mounted session is answered here. Test tools: ``requests`` log,
``call_count``, ``set_quota``, ``fail_at``, ``on_call`` hooks, direct
``get_values`` / ``set_values`` (not counted), ``save`` / ``load``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from sheets_sync.emulator import drive, limits
from sheets_sync.emulator.batch_update import Context, batch_update
from sheets_sync.emulator.grid import resolve
from sheets_sync.emulator.resource import spreadsheet_get
from sheets_sync.emulator.routes import route
from sheets_sync.emulator.state import (
    DEFAULT_COLS,
    DEFAULT_ROWS,
    NO_PERMISSION,
    NOT_FOUND,
    ApiError,
    IdSource,
    Sheet,
    Spreadsheet,
    default_properties,
)
from sheets_sync.emulator.validate import Validator
from sheets_sync.emulator.values_api import read_values, values_update
from sheets_sync.files import write_atomic

log = logging.getLogger(__name__)

SHEETS_HOST = "https://sheets.googleapis.com"
GOOGLEAPIS_HOST = "https://www.googleapis.com"
TOKEN_HOST = "https://oauth2.googleapis.com"
DEFAULT_EMAIL = "sheets-sync@emulator.iam.gserviceaccount.com"
FAULT_KINDS = ("5xx", "500", "429", "timeout", "timeout_after", "drop")
Hook = Callable[["SheetsEmulator", int, "LoggedRequest"], None]


class LoggedRequest(NamedTuple):
    """One call as the emulator received it (``query`` values are lists)."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


class FakeClock:
    """A clock for tests: ``time()`` never moves unless you ``advance``/``sleep``."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    sleep = advance


def quota_error(metric: str, limit: int) -> ApiError:
    name = "Read" if metric == "read" else "Write"
    message = (
        f"Quota exceeded for quota metric '{name} requests' and limit '{name} requests per minute per user' "
        "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'."
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "quota_location": "global",
                "quota_limit": f"{name}RequestsPerMinutePerUser",
                "quota_metric": f"sheets.googleapis.com/{metric}_requests",
                "service": "sheets.googleapis.com",
                "consumer": "projects/000000000000",
                "quota_limit_value": str(limit),
            },
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quota#requesting_higher_quota",
                }
            ],
        },
    ]
    return ApiError(429, message, status="RESOURCE_EXHAUSTED", details=details)


class _Adapter(BaseAdapter):
    def __init__(self, emulator: SheetsEmulator) -> None:
        super().__init__()
        self.emulator = emulator

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        return self.emulator.handle(request)

    def close(self) -> None:
        pass


class SheetsEmulator:
    """In-memory Google Sheets v4 + Drive v3 for gspread and any ``requests`` client."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] | None = None,
        latency: float = 0.0,
        seed: int = 0,
        user_email: str = DEFAULT_EMAIL,
        strict: bool = True,
        validate: bool = True,
    ) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.requests: list[LoggedRequest] = []
        self.clock = clock or time.time
        self.latency = latency
        self.simulated_seconds = 0.0
        self.user_email = user_email
        self.strict = strict
        self.validator = Validator() if validate else None
        self.rejections: list[tuple[int, LoggedRequest, str]] = []
        self.ids = IdSource(seed)
        self._faults: dict[int, str] = {}
        self._hooks: list[Hook] = []
        self._quota: int | None = None
        self._quota_log: dict[str, deque[float]] = {"read": deque(), "write": deque()}
        self._lock = threading.RLock()

    # ------------------------------------------------------------ wiring

    def mount(self, session: requests.Session) -> requests.Session:
        """Route Google API hosts of ``session`` (and of an AuthorizedSession's token session) here."""
        adapter = _Adapter(self)
        for host in (SHEETS_HOST, GOOGLEAPIS_HOST, TOKEN_HOST):
            session.mount(host + "/", adapter)
        token_session = getattr(session, "_auth_request_session", None)
        if isinstance(token_session, requests.Session):
            token_session.mount(TOKEN_HOST + "/", adapter)
        return session

    def session(self) -> requests.Session:
        """A fresh ``requests.Session`` already routed to this emulator."""
        return self.mount(requests.Session())

    def client(self) -> Any:
        """A ready ``gspread.Client`` talking to this emulator (gspread 6 accepts ``auth=None``)."""
        import gspread

        return gspread.Client(auth=None, session=self.session())  # type: ignore[arg-type]

    # ------------------------------------------------------------ test controls

    @property
    def call_count(self) -> int:
        return len(self.requests)

    def reset_log(self) -> None:
        """Forget logged calls; the next call is call 1 again (for ``fail_at`` and hooks)."""
        with self._lock:
            self.requests.clear()

    def set_quota(self, per_minute: int | None = 60) -> None:
        """Answer 429 past ``per_minute`` Sheets reads (GET) or writes (other) in 60 s of ``clock``."""
        self._quota = per_minute
        for window in self._quota_log.values():
            window.clear()

    def fail_at(self, n: int, kind: str = "5xx") -> None:
        """Make call number ``n`` (1-based, counted like ``call_count``) fail with ``kind``.

        ``5xx``/``500``: 503/500 error body; ``429``: the quota body; ``timeout``: raises
        ``requests.ReadTimeout`` before anything is applied; ``timeout_after``: applies the
        call, then raises ``ReadTimeout`` (the answer is lost); ``drop``: raises
        ``requests.ConnectionError`` before anything is applied.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}, got {kind!r}")
        self._faults[n] = kind

    def fail_next(self, kind: str = "5xx") -> None:
        self.fail_at(self.call_count + 1, kind)

    def on_call(self, hook: Hook) -> None:
        """Run ``hook(emulator, call_index, request)`` before each call is processed."""
        self._hooks.append(hook)

    # ------------------------------------------------------------ direct state access

    def create_spreadsheet(
        self,
        title: str = "Untitled spreadsheet",
        sheets: list[str] | None = None,
        *,
        key: str | None = None,
        rows: int = DEFAULT_ROWS,
        cols: int = DEFAULT_COLS,
    ) -> str:
        """Create a spreadsheet without an API call; returns its id."""
        with self._lock:
            key = key or self.ids.spreadsheet_id()
            now = self._now_text()
            ss = Spreadsheet(
                id=key, properties=default_properties(title), created_time=now, modified_time=now
            )
            for i, name in enumerate(sheets or ["Sheet1"]):
                sheet_id = 0 if i == 0 else self.ids.sheet_id()
                ss.sheets.append(
                    Sheet(
                        properties={
                            "sheetId": sheet_id,
                            "title": name,
                            "index": i,
                            "sheetType": "GRID",
                            "gridProperties": {"rowCount": rows, "columnCount": cols},
                        }
                    )
                )
            ss.permissions.append(
                {
                    "kind": "drive#permission",
                    "id": self.ids.numeric_string(),
                    "type": "user",
                    "role": "owner",
                    "emailAddress": self.user_email,
                }
            )
            self.spreadsheets[key] = ss
            return key

    def spreadsheet(self, key: str) -> Spreadsheet:
        return self.spreadsheets[key]

    def get_values(self, key: str, range_text: str, render: str = "FORMATTED_VALUE") -> list[list[Any]]:
        """Values of a range as ``values.get`` returns them (trimmed); not counted as a call."""
        with self._lock:
            area = resolve(self.spreadsheets[key], range_text)
            return read_values(area.sheet, area.bounds(), render)

    def set_values(
        self, key: str, range_text: str, values: list[list[Any]], input_option: str = "RAW"
    ) -> None:
        """Write like ``values.update`` (a person typing: use ``USER_ENTERED``); not counted."""
        with self._lock:
            values_update(
                self.spreadsheets[key], range_text, {"valueInputOption": input_option}, {"values": values}
            )
            self.spreadsheets[key].modified_time = self._now_text()

    def metadata(self, key: str, **params: Any) -> dict[str, Any]:
        """``spreadsheets.get`` output (e.g. ``fields="sheets.properties"``); not counted."""
        with self._lock:
            return json.loads(json.dumps(spreadsheet_get(self.spreadsheets[key], params)))

    def sheet_titles(self, key: str) -> list[str]:
        return [s.title for s in self.spreadsheets[key].sheets]

    def add_sheet(self, key: str, title: str, *, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS) -> int:
        """Add a tab like a person would (``addSheet``, applied atomically); not counted. Returns its id."""
        grid = {"rowCount": rows, "columnCount": cols}
        body = {"requests": [{"addSheet": {"properties": {"title": title, "gridProperties": grid}}}]}
        with self._lock:
            try:
                out = self.apply_batch(self.spreadsheets[key], body)
            except ApiError as err:
                raise ValueError(err.message) from None
            return int(out["replies"][0]["addSheet"]["properties"]["sheetId"])

    def formulas(self, key: str, title: str) -> list[str]:
        """A1 references of the cells of tab ``title`` that hold a formula (``[]`` if no such tab)."""
        from sheets_sync.emulator.a1 import cell_a1

        with self._lock:
            sheet = self.spreadsheets[key].sheet_by_title(title)
            if sheet is None:
                return []
            return [
                cell_a1(r, c)
                for (r, c), cell in sorted(sheet.cells.items())
                if "formulaValue" in (cell.get("userEnteredValue") or {})
            ]

    def revoke_access(self, key: str) -> None:
        """Calls on this spreadsheet now get 403 PERMISSION_DENIED (not shared with us)."""
        self.spreadsheets[key].accessible = False

    def grant_access(self, key: str) -> None:
        self.spreadsheets[key].accessible = True

    # ------------------------------------------------------------ persistence

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "userEmail": self.user_email,
            "ids": {"seed": self.ids.seed, "counter": self.ids.counter},
            "spreadsheets": [ss.to_json() for ss in self.spreadsheets.values()],
        }

    def save(self, path: str | Path) -> None:
        """Write all spreadsheets (cells, formats, notes, protections...) as JSON."""
        with self._lock:
            text = json.dumps(self.to_json(), ensure_ascii=False, indent=1)
        write_atomic(Path(path), text)  # atomic, 0600: the cells are personal data

    @classmethod
    def load(cls, path: str | Path, **kwargs: Any) -> SheetsEmulator:
        """An emulator holding the state saved by ``save`` (logs, faults, quota start empty)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("version") != 1:
            raise ValueError(f"{path}: not a SheetsEmulator state file (expected version 1)")
        emu = cls(user_email=data.get("userEmail", DEFAULT_EMAIL), **kwargs)
        emu.ids = IdSource(data["ids"]["seed"], data["ids"]["counter"])
        for item in data["spreadsheets"]:
            ss = Spreadsheet.from_json(item)
            emu.spreadsheets[ss.id] = ss
        return emu

    @classmethod
    def load_or_create(cls, path: str | Path, **kwargs: Any) -> SheetsEmulator:
        """``load(path)`` if the file exists, else an empty emulator (``save`` it when done)."""
        return cls.load(path, **kwargs) if Path(path).exists() else cls(**kwargs)

    def ensure_spreadsheet(
        self, key: str, title: str = "Untitled spreadsheet", sheets: list[str] | None = None
    ) -> str:
        """Create a spreadsheet with this exact id unless it exists (for ``--emulator`` runs)."""
        if key not in self.spreadsheets:
            self.create_spreadsheet(title, sheets, key=key)
        return key

    # ------------------------------------------------------------ HTTP handling

    def _now_text(self) -> str:
        now = dt.datetime.fromtimestamp(self.clock(), tz=dt.timezone.utc)
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"

    def handle(self, prepared: requests.PreparedRequest) -> requests.Response:
        parts = urlsplit(prepared.url or "")
        query: dict[str, list[str]] = {}
        for k, v in parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(k, []).append(v)
        raw: Any = prepared.body
        raw_bytes = raw if isinstance(raw, (bytes, str)) else None
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        if raw is not None and not isinstance(raw, str):
            raw = None  # streamed uploads are not emulated
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        host = f"{parts.scheme}://{parts.netloc}"
        method = (prepared.method or "GET").upper()
        if host == TOKEN_HOST:
            token = {"access_token": "emulator-token", "expires_in": 3600, "token_type": "Bearer"}
            return self._response(prepared, 200, token)
        entry = LoggedRequest(method, parts.path, query, body)
        with self._lock:
            self.requests.append(entry)
            index = len(self.requests)
            self.simulated_seconds += self.latency
            if self.latency and isinstance(self.clock, FakeClock):
                self.clock.advance(self.latency)
            for hook in list(self._hooks):
                hook(self, index, entry)
            fault = self._faults.pop(index, None)
            if fault == "timeout":
                raise requests.exceptions.ReadTimeout(f"emulated timeout on call {index}", request=prepared)
            if fault == "drop":
                raise requests.exceptions.ConnectionError(
                    f"emulated dropped connection on call {index}", request=prepared
                )
            try:
                if fault in ("5xx", "500"):
                    code = 503 if fault == "5xx" else 500
                    msg = (
                        "The service is currently unavailable."
                        if code == 503
                        else "Internal error encountered."
                    )
                    raise ApiError(code, msg)
                if host == SHEETS_HOST:
                    self._check_quota(method)
                if fault == "429":
                    raise quota_error("read" if method == "GET" else "write", self._quota or 60)
                if self.validator is not None:
                    api_method, body = self.validator.check(method, host, parts.path, query, raw_bytes)
                    if api_method is not None:
                        limits.check_method(api_method.id, query, body)
                status, payload = route(self, method, host, parts.path, query, body)
            except ApiError as err:
                status, payload = err.code, err.body()
                if err.code == 400:
                    self.rejections.append((index, entry, err.message))
                    log.warning("emulator refused call %d (%s %s) as Google would", index, method, parts.path)
                    log.debug("emulator refusal of call %d: %s", index, err.message)
            except Exception:
                if self.strict:
                    raise
                log.exception("emulator bug on %s %s", method, parts.path)
                status, payload = 500, ApiError(500, "Internal error encountered.").body()
            if fault == "timeout_after":
                raise requests.exceptions.ReadTimeout(
                    f"emulated timeout after call {index}", request=prepared
                )
        return self._response(prepared, status, payload)

    def _check_quota(self, method: str) -> None:
        if self._quota is None:
            return
        metric = "read" if method == "GET" else "write"
        window = self._quota_log[metric]
        now = self.clock()
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= self._quota:
            raise quota_error(metric, self._quota)
        window.append(now)

    def _response(self, prepared: requests.PreparedRequest, status: int, payload: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response.reason = {200: "OK", 204: "No Content"}.get(status, "Error")
        if payload is None:
            response._content = b""
        else:
            response._content = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json; charset=UTF-8"})
        response.encoding = "utf-8"
        response.url = prepared.url or ""
        response.request = prepared
        return response

    # ------------------------------------------------------------ used by routes

    def lookup(self, key: str) -> Spreadsheet:
        ss = self.spreadsheets.get(unquote(key))
        if ss is None:
            raise ApiError(404, NOT_FOUND)
        if ss.trashed or not ss.accessible:
            raise ApiError(403, NO_PERMISSION)
        return ss

    def commit(self, new: Spreadsheet) -> None:
        new.modified_time = self._now_text()
        self.spreadsheets[new.id] = new

    def context(self) -> Context:
        return Context(ids=self.ids, owner=self.user_email)

    def apply_batch(self, ss: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        new, out = batch_update(ss, body, self.context())
        self.commit(new)
        return out

    def drive_files(self) -> list[dict[str, Any]]:
        return [drive.file_resource(ss) for ss in self.spreadsheets.values() if ss.accessible]
