"""The HTTP layer of the Google backend: gspread's ``HTTPClient`` with bounded, jittered retries.

Why not gspread's ``BackOffHTTPClient``: in 6.2.1 its retry cap never fires, it sets no timeout
and logs nothing. Here:

* every request has a timeout (``config.google.timeout``);
* 429, 500, 502, 503, 504, timeouts and dropped connections are retried with exponential
  backoff and full jitter (base 1 s, cap 32 s, ``max_retries`` attempts), one WARNING line per
  retry; after the budget a :class:`~sheets_sync.errors.BackendError` says what to do — or,
  when Google could not be reached at all (no route, DNS, refused, timeouts), an
  :class:`~sheets_sync.errors.SourceError` (exit 3) "Google unreachable" with the fix;
* the access-token request google-auth makes inside the first call (``oauth2.googleapis.com``)
  is part of that call: its network failures get the same budget, and a refused token (a
  deleted key, a revoked grant) is a SourceError naming the fix, never a traceback;
* every HTTP attempt is counted in ``stats.api_calls``, every retry in ``stats.retries``.

Writes (``spreadsheets.batchUpdate``) are not idempotent: a timeout, a dropped connection or a
5xx may come *after* Google applied them. :meth:`RetryingHTTPClient.write` therefore only
retries a 429 by itself (never applied) and raises :class:`MaybeApplied` for the others, so
the caller re-reads the spreadsheet and re-plans its requests (see ``gsheets.py``).
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

import requests
from google.auth import exceptions as auth_errors
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient, ParamsType

from sheets_sync.errors import BackendError, SourceError
from sheets_sync.workbook import BackendStats

log = logging.getLogger(__name__)

_ERRNO = re.compile(r"\[Errno (-?\d+)\] ([^'\")\]]+)")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
BASE_DELAY = 1.0
MAX_DELAY = 32.0

_FIX = {
    "quota": "Google's per-minute quota is exhausted. Fix: wait a minute and run again, or lower the "
    "frequency of runs (and of other tools using the same account).",
    "server": "Google Sheets kept answering with a server error. Fix: run again later "
    "(see https://www.google.com/appsstatus for outages).",
    "network": "Google Sheets could not be reached. Fix: check connectivity (network, proxy, firewall, "
    "DNS) and run again.",
}
UNREACHABLE = (
    "Google unreachable after {attempts} attempt(s) ({reason}); nothing was written and the outputs are as "
    "the last complete run left them. Fix: check this machine's network connection, DNS, proxy "
    "(HTTPS_PROXY) and firewall (oauth2.googleapis.com and sheets.googleapis.com, port 443), then run again."
)
TOKEN_REFUSED = (
    "Google refused to issue an access token ({reason}). Fix: create a new key for the service account "
    "(IAM & Admin › Service accounts › Keys), or delete ~/.config/sheets_sync/token.json for the OAuth "
    "flow, and run again (see docs/google.md)."
)


class MaybeApplied(Exception):
    """A write failed in a way that does not tell whether Google applied it (re-read, re-plan)."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def _short(exc: BaseException) -> str:
    """The innermost reason of a network error, on one line ("Connection refused (errno 111)")."""
    text = str(exc)
    found = _ERRNO.findall(text)
    if found:
        number, reason = found[-1]
        return f"{reason.strip()} (errno {number})"
    if "timed out" in text or isinstance(exc, requests.Timeout):
        return "connection timed out"
    if "resolve" in text or "Name or service not known" in text:
        return "DNS lookup failed"
    return text.splitlines()[0][:160] if text.strip() else ""


def _kind(status: int) -> str:
    return "quota" if status == 429 else "server"


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with a bounded retry budget. ``sleep`` and ``rand`` are injectable."""

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 6,
        stats: BackendStats | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(auth, session)
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.stats = stats if stats is not None else BackendStats()
        self.sleep = sleep
        self.rand = rand

    def set_timeout(self, timeout: float | tuple[float, float] | None) -> None:
        """gspread may reset the timeout to ``None`` (wait forever): we keep ours then."""
        if timeout is not None:
            self.timeout = timeout

    # ------------------------------------------------------------------ retry budget

    def backoff(self, attempt: int, reason: str, kind: str) -> None:
        """Sleep before retry number ``attempt + 1``, or raise BackendError when the budget is spent."""
        if attempt >= self.max_retries:
            if kind == "network":
                raise SourceError(UNREACHABLE.format(attempts=attempt + 1, reason=reason))
            raise BackendError(
                f"Google Sheets request failed after {attempt + 1} attempt(s) ({reason}); nothing more "
                f"was written and the outputs are as the last complete run left them. {_FIX[kind]}"
            )
        delay = self.rand() * min(MAX_DELAY, BASE_DELAY * 2**attempt)
        self.stats.retries += 1
        log.warning("Google Sheets: %s, retry %d/%d in %.1fs", reason, attempt + 1, self.max_retries, delay)
        self.sleep(delay)

    def _send(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None,
        data: bytes | None,
        json: Mapping[str, Any] | None,
        files: Any,
        headers: MutableMapping[str, str] | None,
    ) -> requests.Response:
        self.stats.api_calls += 1
        try:
            return self._request(method, endpoint, params, data, json, files, headers)
        except auth_errors.RefreshError as exc:
            raise SourceError(TOKEN_REFUSED.format(reason=_short(exc) or "no reason given")) from None
        except auth_errors.TransportError as exc:  # the token request could not reach Google
            raise requests.ConnectionError(f"token request: {_short(exc)}") from None

    def _request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None,
        data: bytes | None,
        json: Mapping[str, Any] | None,
        files: Any,
        headers: MutableMapping[str, str] | None,
    ) -> requests.Response:
        return self.session.request(
            method=method,
            url=endpoint,
            json=json,
            params=params,
            data=data,
            files=files,
            headers=headers,
            timeout=self.timeout,
        )

    # ------------------------------------------------------------------ requests

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        """Any request gspread makes; retried as if idempotent (reads are)."""
        attempt = 0
        while True:
            try:
                response = self._send(method, endpoint, params, data, json, files, headers)
            except requests.Timeout:
                self.backoff(attempt, "timeout", "network")
            except requests.ConnectionError as exc:
                self.backoff(attempt, _short(exc) or "connection dropped", "network")
            else:
                if response.ok:
                    return response
                if response.status_code not in RETRY_STATUS:
                    raise APIError(response)
                self.backoff(attempt, f"HTTP {response.status_code}", _kind(response.status_code))
            attempt += 1

    def write(self, endpoint: str, body: Mapping[str, Any]) -> Any:
        """POST a non-idempotent write; 429 is retried here, anything ambiguous raises MaybeApplied.

        The body is sent as compact UTF-8 JSON (requests' ``json=`` would escape every non-ASCII
        character to six bytes and add spaces): the size Google's request limit counts."""
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        attempt = 0
        while True:
            try:
                response = self._send("post", endpoint, None, data, None, None, dict(headers))
            except requests.Timeout:
                raise MaybeApplied("timeout", "network") from None
            except requests.ConnectionError as exc:
                raise MaybeApplied(_short(exc) or "connection dropped", "network") from None
            if response.ok:
                return response.json()
            if response.status_code == 429:
                self.backoff(attempt, "HTTP 429", "quota")
                attempt += 1
                continue
            if response.status_code in RETRY_STATUS:
                raise MaybeApplied(f"HTTP {response.status_code}", "server")
            raise APIError(response)
