"""Signed-in test clients: every route but a few needs a session or a bearer token.

``settings(url)`` gives the app a fixed ``SECRET_KEY`` (required on PostgreSQL);
``sign_in(client, url, role, codes)`` creates (once) a user of that role and area and makes
the Flask test client send its API token; ``signed_in_request(server, access)`` runs code
that reads ``current_access()`` (a page's layout function) as that user.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, g

from dashboard.access.accounts import AccountError, create_user, issue_token
from dashboard.access.policy import Access, Role
from dashboard.settings import Settings
from dashboard.store.database import get_engine

#: A key for tests only (48 characters, not a secret anywhere).
TEST_SECRET_KEY = "test-only-secret-key-" + "x" * 27
PASSWORD = "correct horse battery staple"


#: One figure cache for the test session (never the checkout's data/cache).
CACHE_DIR = Path(tempfile.mkdtemp(prefix="groundcheck-test-cache-"))


def settings(url: str, **overrides) -> Settings:
    overrides.setdefault("cache_dir", CACHE_DIR)
    return Settings(database_url=url, secret_key=TEST_SECRET_KEY, **overrides)


def user_name(role: str, codes: Iterable[str] = ()) -> str:
    return "-".join([f"t{role}", *(c.replace(".", "") for c in codes)])


def ensure_user(url: str, role: str | Role, codes: Iterable[str] = (), name: str | None = None, password: str = PASSWORD) -> str:
    """The name of a user of ``role`` and ``codes`` (created on first use)."""
    role = Role(role)
    codes = tuple(codes)
    name = name or user_name(role.value, codes)
    try:
        create_user(get_engine(url), name, role, codes, password)
    except AccountError as exc:
        if "exists already" not in str(exc):
            raise
    return name


def sign_in(client, url: str, role: str | Role = Role.NATIONAL, codes: Iterable[str] = (), name: str | None = None) -> str:
    """Make ``client`` (a Flask test client) act as that user through a bearer token."""
    name = ensure_user(url, role, codes, name)
    token = issue_token(get_engine(url), name)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return name


@contextmanager
def signed_in_request(server: Flask, access: Access):
    """A request context in which ``current_access()`` is ``access``."""
    with server.test_request_context("/"):
        g.access = access
        yield


def flush_audit(*servers: Flask) -> None:
    """Wait until the audit entries the servers queued are written (they write in the background)."""
    for server in servers:
        assert server.extensions["groundcheck_audit"].flush(30)
