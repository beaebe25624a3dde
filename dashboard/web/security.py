"""Response headers that make every answer of the server safer to show, and its secrets.

The Content-Security-Policy allows only this server's own origin; each exception is
written down next to it. Dash's own inline script (the one that starts its renderer) is
allowed by its hash, which the composition root passes in (``app.csp_hashes()``), never
by ``'unsafe-inline'``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
import secrets
import time
from pathlib import Path

from flask import Flask, Response
from sqlalchemy.engine import make_url
from werkzeug.serving import WSGIRequestHandler

from dashboard.settings import Settings
from dashboard.store.database import is_sqlite

log = logging.getLogger(__name__)

#: The policy, directive by directive. Everything from this server only, unless said.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    # Script hashes of Dash's inline start-up script are appended by ``set_script_hashes``.
    "script-src": ["'self'"],
    # Exception: Dash's renderer, dcc, dash_table, dash-ag-grid and plotly.js all insert
    # <style> elements or style attributes at run time (measured in Chromium: without it,
    # 190+ violations on the national page and the tables break). Styles cannot run code,
    # and nothing foreign may load (default-src 'self').
    "style-src": ["'self'", "'unsafe-inline'"],
    # Exception: Bootstrap's CSS draws its switches and checkboxes as data: SVG images
    # (the quick filters of the facilitator table); plotly's PNG download uses one too.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
_HASHES = "groundcheck_csp_script_hashes"


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's development server (``python app.py``) without its ``Server:
    Werkzeug/x.y Python/x.y`` banner: versions help an attacker pick an exploit."""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() != "server":
            super().send_header(keyword, value)


class ConfigurationError(RuntimeError):
    """A setting the server cannot run with; the message says what to set."""


def set_script_hashes(server: Flask, hashes: Callable[[], list[str]]) -> None:
    """Allow the inline scripts whose CSP hashes (``'sha256-...'``) ``hashes()`` returns.
    A callable, asked on each response: Dash adds inline scripts (its pages' clientside
    callback) on its first request, after the app was built."""
    server.config[_HASHES] = hashes


def content_security_policy(script_hashes: list[str]) -> str:
    policy = {k: list(v) for k, v in CONTENT_SECURITY_POLICY.items()}
    policy["script-src"] += script_hashes
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


def register_security_headers(server: Flask, settings: Settings) -> None:
    @server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        hashes = server.config.get(_HASHES)
        headers["Content-Security-Policy"] = content_security_policy(hashes() if hashes else [])
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        if settings.https:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response


def secret_key(settings: Settings) -> str:
    """The key that signs sessions: ``SECRET_KEY``, or on SQLite (the demo) a random key
    kept, readable only by its owner, in ``secret_key`` beside the database file, so that
    sign-ins survive a restart and every worker process shares it."""
    key = settings.secret_key.get_secret_value()
    if key:
        if len(key) < 32:
            raise ConfigurationError("SECRET_KEY must be at least 32 characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        return key
    if not is_sqlite(settings.database_url):
        raise ConfigurationError(
            "SECRET_KEY is required with PostgreSQL: set it to a random string of 32+ characters "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), the same on every app server"
        )
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        return secrets.token_urlsafe(48)
    path = Path(database).resolve().parent / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it this very moment
            if key := path.read_text().strip():
                return key
            time.sleep(0.1)
        raise ConfigurationError(f"{path} is empty: delete it or set SECRET_KEY") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48))
    log.warning("SECRET_KEY is not set: using a random key kept in %s (set SECRET_KEY in production)", path)
    return path.read_text().strip()
