"""No route to Google: bounded retries of the token request too, then exit 3 and one line, no traceback.

Real sockets, real google-auth and gspread: the service-account key's ``token_uri`` points at a
local port nobody listens on (refused at once) or at an address that is not routed (times out).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[1]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again on exit: connecting is refused


def _key(tmp_path: Path, token_uri: str) -> Path:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "offline",
        "private_key_id": "0" * 40,
        "private_key": pem,
        "client_email": "sheets-sync@offline.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }
    path = tmp_path / "key.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    path.chmod(0o600)
    return path


def _sync(tmp_path: Path, key: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "school.toml"
    config.write_text(f"[google]\ntimeout = {timeout}\nmax_retries = 2\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_PROXY") and not k.endswith("_proxy")}
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "sync", "--config", str(config)]
        + ["--spreadsheet", "1AbCdEfGhIjKlMnOp", "--credentials", str(key)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )


@pytest.mark.parametrize("where", ["port-refused", "address-unrouted", "server-silent"])
def test_no_route_to_google_is_exit_3_with_one_line_and_the_fix(tmp_path: Path, where: str) -> None:
    silent = socket.socket()  # listens (the kernel completes the handshake) but never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    uri = {
        "port-refused": f"http://127.0.0.1:{_closed_port()}/token",
        # TEST-NET-1 (RFC 5737), never routed: refused or timed out, depending on the network
        "address-unrouted": "http://192.0.2.1:9/token",
        "server-silent": f"http://127.0.0.1:{silent.getsockname()[1]}/token",
    }[where]
    try:
        done = _sync(tmp_path, _key(tmp_path, uri), timeout=0.5)
    finally:
        silent.close()
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "Google unreachable" in line]
    assert len(errors) == 1, done.stderr
    assert "after 3 attempt(s)" in errors[0]
    assert "Fix: check this machine's network connection" in errors[0]
    assert done.stderr.count("retry ") == 2  # the token request was retried, with a log line each


def test_a_token_google_refuses_is_exit_3_with_the_fix(tmp_path: Path) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = _sync(tmp_path, _key(tmp_path, f"http://127.0.0.1:{server.server_port}/token"), timeout=5)
    finally:
        server.shutdown()
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert "Google refused to issue an access token" in done.stderr
    assert "Invalid JWT Signature" in done.stderr
