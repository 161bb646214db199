"""Credentials for the Google backend, and spreadsheet keys.

* Unattended runs: a service-account JSON key, from ``[google] credentials`` in the config or
  ``$GOOGLE_APPLICATION_CREDENTIALS`` (google-auth's ``service_account.Credentials``).
* A person trying it out: ``[google] oauth_client`` names an OAuth *desktop* client JSON; the
  browser flow runs once (google-auth-oauthlib) and the token is cached in
  ``~/.config/sheets_sync/token.json`` (mode 600).

Scopes: only ``https://www.googleapis.com/auth/spreadsheets`` (read and write the spreadsheets
shared with the account). No Drive scope: every call goes to the Sheets API by key, nothing is
searched or listed. Teachers' own spreadsheets are read with ``spreadsheets.readonly``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import requests

from sheets_sync.adapters.gsheets.http import UNREACHABLE
from sheets_sync.config import GoogleConfig
from sheets_sync.errors import ConfigError, SourceError

SCOPE = "https://www.googleapis.com/auth/spreadsheets"
READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
TOKEN_PATH = Path("~/.config/sheets_sync/token.json")
_KEY_IN_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")
_KEY = re.compile(r"^[a-zA-Z0-9_-]+$")

SETUP_STEPS = (
    "no Google credentials found. Fix: (1) in https://console.cloud.google.com create a project and "
    "enable the Google Sheets API; (2) IAM & Admin › Service accounts › Create, then Keys › Add key › "
    "JSON and save the file outside the repository (chmod 600); (3) export "
    "GOOGLE_APPLICATION_CREDENTIALS=/path/to/key.json or set [google] credentials in the config; "
    "(4) share the spreadsheet with the service account's email as Editor. See docs/google.md."
)


def spreadsheet_key(text: str) -> str:
    """The key of a spreadsheet given as a key or as any docs.google.com URL of it."""
    text = (text or "").strip()
    match = _KEY_IN_URL.search(text)
    if match:
        return match.group(1)
    if _KEY.match(text):
        return text
    raise ConfigError(
        f"{text!r} is neither a spreadsheet key nor a Google Sheets URL — copy the URL from the "
        "browser's address bar (https://docs.google.com/spreadsheets/d/KEY/edit)"
    )


def key_path(google: GoogleConfig) -> Path | None:
    if google.credentials is not None:
        return google.credentials
    env = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    return Path(env).expanduser() if env else None


def authorized_session(google: GoogleConfig, *, readonly: bool = False) -> tuple[requests.Session, str]:
    """An ``AuthorizedSession`` and the account's email (for "share it with ..." messages)."""
    from google.auth.transport.requests import AuthorizedSession

    if google.oauth_client is not None:
        creds, email = _oauth(google.oauth_client), "your Google account"
    else:
        creds, email = _service_account(key_path(google), readonly=readonly)
    # the token request gets the same timeout as every API call (google-auth's default is 120 s)
    return AuthorizedSession(creds, refresh_timeout=google.timeout), email


def _service_account(path: Path | None, *, readonly: bool) -> tuple[object, str]:
    from google.oauth2 import service_account

    if path is None:
        raise ConfigError(SETUP_STEPS)
    if not path.is_file():
        raise ConfigError(
            f"the service-account key {path} does not exist — check [google] credentials or "
            "$GOOGLE_APPLICATION_CREDENTIALS (see docs/google.md to create one)"
        )
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"the service-account key {path} cannot be read ({exc}) — download it again"
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        kind = info.get("type") if isinstance(info, dict) else None
        hint = (
            " (it is an OAuth client: set it as [google] oauth_client instead)"
            if isinstance(info, dict) and ("installed" in info or "web" in info)
            else ""
        )
        raise ConfigError(
            f"{path} is not a service-account key (type {kind!r}){hint} — create a JSON key under "
            "IAM & Admin › Service accounts › Keys"
        )
    try:
        creds = service_account.Credentials.from_service_account_info(
            info, scopes=[READONLY_SCOPE if readonly else SCOPE]
        )
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"the service-account key {path} is invalid ({exc}) — create a new key") from None
    return creds, str(info.get("client_email", "the service account"))


def _oauth(client_file: Path) -> object:
    """User credentials: the cached token if still valid or refreshable, else the browser flow."""
    from google.auth.exceptions import RefreshError, TransportError
    from google.auth.transport.requests import Request
    from google.oauth2.credentials import Credentials

    token = TOKEN_PATH.expanduser()
    creds = None
    if token.is_file():
        try:
            creds = Credentials.from_authorized_user_file(str(token), [SCOPE])
        except (ValueError, OSError):
            creds = None
    if creds is not None and creds.valid:
        return creds
    if creds is not None and creds.expired and creds.refresh_token:
        try:
            creds.refresh(Request())
            _save_token(token, creds.to_json())
            return creds
        except RefreshError:
            creds = None
        except TransportError as exc:  # no route to Google: the API calls would fail the same way
            raise SourceError(UNREACHABLE.format(attempts=1, reason=f"token refresh: {exc}")) from None
    if not client_file.is_file():
        raise ConfigError(
            f"the OAuth client file {client_file} does not exist — create an OAuth client ID of type "
            "Desktop app (APIs & Services › Credentials) and download its JSON (see docs/google.md)"
        )
    from google_auth_oauthlib.flow import InstalledAppFlow

    flow = InstalledAppFlow.from_client_secrets_file(str(client_file), [SCOPE])
    creds = flow.run_local_server(port=0, open_browser=True)
    _save_token(token, creds.to_json())
    return creds


def _save_token(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)
