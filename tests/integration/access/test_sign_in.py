"""Signing in and out through the form, and the hardening around it: CSRF, the lockout,
the rate limit, cookie flags, security headers, no open redirect, sessions that end when
the account changes (issue 10)."""

from __future__ import annotations

import re
import threading
import urllib.request

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from dashboard.access.accounts import issue_token, set_active, set_password
from dashboard.factory import create_app
from dashboard.store.database import get_engine
from dashboard.web.auth import CSRF_COOKIE
from dashboard.web.security import QuietRequestHandler
from tests import auth


@pytest.fixture(scope="module")
def url(access_round_url) -> str:
    url = access_round_url
    auth.ensure_user(url, "province", ["35"], name="ana")
    auth.ensure_user(url, "display", [], name="wall")
    return url


def _app(url: str, **settings):
    return create_app(auth.settings(url, **settings))


def _csrf(client, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _sign_in(client, name: str = "ana", password: str = auth.PASSWORD, next_path: str = "", csrf: str | None = None):
    return client.post("/login", data={"username": name, "password": password, "next": next_path, "csrf_token": csrf or _csrf(client)})


def test_a_user_signs_in_lands_on_their_area_and_signs_out(url):
    client = _app(url).server.test_client()
    assert client.get("/kabkota/35.77").status_code == 302
    response = _sign_in(client)
    assert response.status_code == 302 and response.headers["Location"] == "/provinsi/35"
    assert client.get("/provinsi/35").status_code == 200
    assert client.get("/api/v1/metrics").status_code == 200
    # Sign out: a POST with the token of the session; then every route refuses again.
    token = client.get_cookie(CSRF_COOKIE).value
    assert client.post("/logout", data={}).status_code == 400  # no CSRF token: refused
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 302 and out.headers["Location"].startswith("/login")
    assert client.get("/api/v1/metrics").status_code == 401


def test_wrong_passwords_and_unknown_users_get_the_same_answer(url):
    client = _app(url).server.test_client()
    wrong = _sign_in(client, password="not the password at all")
    unknown = _sign_in(client, name="nobody-here")
    assert wrong.status_code == unknown.status_code == 200  # the form again, with the message
    message = lambda r: re.search(r'id="login-message">([^<]+)<', r.get_data(as_text=True)).group(1)  # noqa: E731
    assert message(wrong) == message(unknown)
    assert message(wrong).startswith("Nama pengguna atau kata sandi salah")


def test_next_stays_on_this_server(url):
    client = _app(url).server.test_client()
    assert _sign_in(client, next_path="/kabkota/35.77?lang=en").headers["Location"] == "/kabkota/35.77?lang=en"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        client = _app(url).server.test_client()
        assert _sign_in(client, next_path=evil).headers["Location"] == "/provinsi/35", evil


def test_the_sign_in_form_needs_its_csrf_token(url):
    client = _app(url).server.test_client()
    response = client.post("/login", data={"username": "ana", "password": auth.PASSWORD})
    assert response.status_code == 400
    assert "kedaluwarsa" in response.get_data(as_text=True)
    other = _app(url).server.test_client()
    stolen = _csrf(other)  # a token of another browser's session does not work either
    assert client.post("/login", data={"username": "ana", "password": auth.PASSWORD, "csrf_token": stolen}).status_code == 400


def test_callbacks_of_a_session_need_the_csrf_header(url):
    client = _app(url).server.test_client()
    _sign_in(client)
    body = {
        "output": "data-version.data", "outputs": {"id": "data-version", "property": "data"},
        "inputs": [{"id": "refresh-timer", "property": "n_intervals", "value": 1}, {"id": "url", "property": "search", "value": ""}],
        "state": [{"id": "data-version", "property": "data", "value": None}], "changedPropIds": ["refresh-timer.n_intervals"],
    }
    refused = client.post("/_dash-update-component", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]
    token = client.get_cookie(CSRF_COOKIE).value  # what Dash's renderer sends as X-CSRFToken
    assert client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token}).status_code == 200


def _locked_until(url: str, name: str):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(sa.text("SELECT locked_until FROM app_user WHERE name = :n"), {"n": name}).scalar()
    engine.dispose()
    return value


def test_repeated_failures_lock_the_account(url):
    auth.ensure_user(url, "regency", ["35.77"], name="locked-out")
    client = _app(url, login_lockout_attempts=3, login_lockout_minutes=15).server.test_client()
    answers = [_sign_in(client, "locked-out", "wrong password 123").get_data(as_text=True) for _ in range(3)]
    assert _locked_until(url, "locked-out") is not None
    # The same answer before and after the lock, and as for a name that does not exist:
    # nothing tells an attacker which names are accounts.
    message = lambda page: re.search(r'id="login-message">([^<]+)<', page).group(1)  # noqa: E731
    assert {message(a) for a in answers} == {message(_sign_in(client, "no-such-name", "wrong password 123").get_data(as_text=True))}
    # Now even the right password is refused until the lock ends (or an admin resets it).
    right = _sign_in(client, "locked-out", auth.PASSWORD)
    assert right.status_code == 200 and "login-message" in right.get_data(as_text=True)
    set_password(get_engine(url), "locked-out", auth.PASSWORD)
    assert _sign_in(client, "locked-out", auth.PASSWORD).status_code == 302


def test_parallel_guesses_cannot_dodge_the_lockout(url, production_password_hasher, monkeypatch):
    """Twenty wrong passwords at once: the failures are counted atomically, so the account
    ends locked (a read-then-write count would lose most of them). With the app's own
    password hasher (the suite's is cheaper: ``tests/conftest.py``): its 0.1 s check is what
    makes the guesses overlap."""
    from concurrent.futures import ThreadPoolExecutor

    from dashboard.access import accounts
    from dashboard.access.accounts import SignInResult, authenticate

    monkeypatch.setattr(accounts, "_hasher", production_password_hasher)
    auth.ensure_user(url, "regency", ["35.77"], name="racer")
    engine = get_engine(url)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: authenticate(engine, "racer", "wrong password 123", lockout_attempts=5, lockout_minutes=15).result, range(20)))
    assert SignInResult.LOCKED in results
    assert _locked_until(url, "racer") is not None


def test_the_sign_in_rate_limit_per_address(url):
    client = _app(url, login_rate_limit="3 per minute").server.test_client()
    csrf = _csrf(client)
    statuses = [_sign_in(client, "nobody", "wrong password 123", csrf=csrf).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/login").status_code == 200  # the form itself is not limited


def test_cookies_are_http_only_same_site_and_secure_behind_tls(url):
    plain = _app(url).server.test_client()
    response = _sign_in(plain)
    session = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("groundcheck_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session
    tls = _app(url, https=True).server.test_client()
    response = tls.post(
        "/login", base_url="https://localhost",
        data={"username": "ana", "password": auth.PASSWORD, "next": "", "csrf_token": _csrf_over_https(tls)},
    )
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("groundcheck_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" in session
    csrf_cookie = next(c for c in cookies if c.startswith(CSRF_COOKIE + "="))
    assert "Secure" in csrf_cookie and "SameSite=Strict" in csrf_cookie  # read by Dash's renderer: not HttpOnly
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def _csrf_over_https(client) -> str:
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_display_account_stays_signed_in_until_it_signs_out(url):
    client = _app(url).server.test_client()
    response = _sign_in(client, "wall")
    remember = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "Expires=" in remember
    # A new browser session (the session cookie gone, the remember cookie kept): still in.
    client.delete_cookie("groundcheck_session")
    assert client.get("/provinsi/35").status_code == 200
    out = client.post("/logout", data={"csrf_token": client.get_cookie(CSRF_COOKIE).value})
    assert out.status_code == 302
    assert client.get_cookie("remember_token") is None and client.get_cookie(CSRF_COOKIE) is None
    assert client.get("/provinsi/35").status_code == 302  # signed out for good
    plain = _app(url).server.test_client()
    cookies = _sign_in(plain).headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token=") for c in cookies)  # people sign in per session


def test_a_sign_in_lasts_session_hours_however_busy_the_tab(url):
    client = _app(url, session_hours=1).server.test_client()
    _sign_in(client)
    refreshed = client.get("/api/v1/metrics")
    assert refreshed.status_code == 200
    assert not any(c.startswith("groundcheck_session=") for c in refreshed.headers.getlist("Set-Cookie"))  # no renewal
    with client.session_transaction() as session:
        session["signed_in_at"] -= 3601
    assert client.get("/api/v1/metrics").status_code == 401


def test_a_password_reset_or_a_disable_revokes_tokens(url):
    from dashboard.access.accounts import user_by_token

    auth.ensure_user(url, "province", ["35"], name="revoked")
    engine = get_engine(url)
    token = issue_token(engine, "revoked")
    set_password(engine, "revoked", auth.PASSWORD)
    assert user_by_token(engine, token) is None
    token = issue_token(engine, "revoked")
    set_active(engine, "revoked", False)
    set_active(engine, "revoked", True)
    assert user_by_token(engine, token) is None  # enabling again does not bring tokens back


def test_a_password_reset_or_a_disable_ends_open_sessions(url):
    auth.ensure_user(url, "province", ["35"], name="ends")
    client = _app(url).server.test_client()
    _sign_in(client, "ends")
    assert client.get("/api/v1/metrics").status_code == 200
    set_password(get_engine(url), "ends", auth.PASSWORD + "!")
    assert client.get("/api/v1/metrics").status_code == 401
    _sign_in(client, "ends", auth.PASSWORD + "!")
    assert client.get("/api/v1/metrics").status_code == 200
    set_active(get_engine(url), "ends", False)
    assert client.get("/api/v1/metrics").status_code == 401
    assert "dinonaktifkan" in _sign_in(client, "ends", auth.PASSWORD + "!").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/login", "/healthz", "/api/v1/metrics", "/", "/nowhere", "/assets/02_app.css"])
def test_security_headers_on_every_response(url, path):
    response = _app(url).server.test_client().get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    script = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "'sha256-" in script
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # only behind TLS
    assert "Server" not in headers


def test_the_development_server_sends_no_version_banner(url):
    server = make_server("127.0.0.1", 0, _app(url).server, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz", timeout=10) as response:
            assert response.headers.get("Server") is None
            assert response.headers["X-Frame-Options"] == "DENY"
    finally:
        server.shutdown()
        thread.join(5)


def test_passwords_and_tokens_are_stored_hashed(url):
    token = issue_token(get_engine(url), "ana")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        hashes = conn.execute(sa.text("SELECT password_hash FROM app_user")).scalars().all()
        tokens = conn.execute(sa.text("SELECT token_hash FROM api_token")).scalars().all()
    engine.dispose()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(auth.PASSWORD in h for h in hashes)
    assert tokens and all(re.fullmatch(r"[0-9a-f]{64}", t) for t in tokens)
    assert token not in tokens


def test_the_app_hashes_passwords_at_the_cost_of_rfc_9106(production_password_hasher):
    """The suite hashes at Argon2id's lowest cost (``tests/conftest.py``); the app's own
    hasher keeps at least RFC 9106's low-memory profile (64 MiB, 3 passes, 4 lanes)."""
    from argon2 import Type

    hasher = production_password_hasher
    assert hasher.type == Type.ID and hasher.memory_cost >= 65536 and hasher.time_cost >= 3 and hasher.parallelism >= 4
    assert hasher.verify(hasher.hash(auth.PASSWORD), auth.PASSWORD)
