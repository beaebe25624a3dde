"""Sign-in, sessions, API tokens and the area of each request, decided on the server.

Every request but the few in ``PUBLIC_ENDPOINTS`` (liveness, the sign-in form, static
files) needs a signed-in session (Flask-Login) or an ``Authorization: Bearer <token>``
header: a new route is protected the moment it is registered. Anonymous requests get a
redirect to ``/login`` (pages) or a 401 (everything else). :func:`current_access` is the
one answer to "what may this request see"; the query layer asks it before reading a row.

Why Flask-Login: it does one job (the signed-in user in a signed session cookie, a
remember-me cookie for the wall screens' display accounts), is maintained by Pallets-Eco
and leaves the user store, roles and areas to us; Flask-Security would bring its own
models, registration and mail flows that the operators' command line replaces. CSRF comes
from Flask-WTF's ``CSRFProtect`` (forms carry the token; Dash's renderer sends it from the
``_csrf_token`` cookie as ``X-CSRFToken`` on every callback), the sign-in rate limit from
Flask-Limiter (per client address) and the lockout from the accounts table (per user, on
every app server).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, current_app, g, jsonify, redirect, render_template_string, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_login import current_user as session_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access.accounts import SignInResult, User, authenticate, user_by_session, user_by_token
from dashboard.access.audit import AuditAction, AuditTrail, entry
from dashboard.access.policy import Access, OutOfScope, Role
from dashboard.i18n import LANGUAGES, t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.store.outage import RETRY_AFTER_SECONDS, is_outage, monitor_for

log = logging.getLogger(__name__)

#: Endpoints anyone may request: liveness, the sign-in form and static files (code and
#: styles, no data). ``readyz`` answers anonymous callers with its status only.
PUBLIC_ENDPOINTS = frozenset(
    {
        "healthz",
        "readyz",
        "auth.login",
        "_dash_assets.static",
        "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
        "/_favicon.ico",
    }
)
#: Endpoints that serve the page shell (anonymous: redirect to the sign-in form).
PAGE_ENDPOINTS = frozenset({"/", "/<path:path>"})
#: What a loader account may reach (and nothing else).
INGEST_ENDPOINTS = frozenset({"api_v1.ingest", "api_v1.ingest_schema", "auth.logout"})
#: The cookie Dash's renderer reads the CSRF token from (``X-CSRFToken`` header).
CSRF_COOKIE = "_csrf_token"
#: While the database is unreachable, a session whose account was checked at most this long
#: (or two refresh intervals, if longer) before the outage began stays signed in: wall
#: screens poll every 15-30 s, so theirs is always fresh, and their pages keep the last good
#: figures instead of a sign-in form. No account can be changed during the outage (that is
#: written to the same database); one disabled less than this long before it began, whose
#: session was checked in between, keeps its access until the database answers again.
OUTAGE_SESSION_GRACE = dt.timedelta(seconds=60)
_AUDIT = "groundcheck_audit"
_SIGNED_IN_AT = "signed_in_at"


class SessionUser(UserMixin):
    """The Flask-Login view of a user: its id carries the account's ``session_epoch``, so
    a password reset or a disable ends every session and remember-me cookie at once."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_epoch}"


def current_access() -> Access:
    """What the current request may see (decided by :func:`_authenticate` before the
    view ran). Outside a request, or for an anonymous one, nothing: raises ``OutOfScope``."""
    access = g.get("access") if _in_request() else None
    if access is None or not access.signed_in:
        raise OutOfScope("not signed in")
    return access


def csrf_token() -> str:
    """The CSRF token for a form of the current session (e.g. the sign-out button)."""
    return generate_csrf()


def _in_request() -> bool:
    from flask import has_request_context

    return has_request_context()


def audit(action: AuditAction, detail: str, status: int | None = None, user: str | None = None, once_per_window: bool = False) -> None:
    """Record an event of the current request in the audit trail (``once_per_window``: a
    view that the page's callbacks repeat as data arrives is recorded once in a while)."""
    trail: AuditTrail | None = current_app.extensions.get(_AUDIT)
    if trail is not None:
        trail.record(entry(action, g.get("access"), detail, status, request.remote_addr, user), once_per_window)


def _fresh_enough(settings: Settings) -> bool:
    """Whether the session's sign-in is younger than ``SESSION_HOURS`` (an absolute limit:
    an open tab that polls every minute does not keep it alive for ever)."""
    signed_in_at = session.get(_SIGNED_IN_AT)
    return isinstance(signed_in_at, int) and time.time() - signed_in_at < settings.session_hours * 3600


def _safe_next(target: str | None) -> str | None:
    """A path on this server to return to after signing in (never another site)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _language() -> str:
    lang = request.args.get("lang") or request.form.get("lang")
    return lang if lang in LANGUAGES else current_app.config["GROUNDCHECK_SETTINGS"].default_language


LOGIN_PAGE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="stylesheet" href="/assets/01_bootstrap-5.3.8.min.css">
<link rel="stylesheet" href="/assets/02_app.css">
</head>
<body class="bg-light">
<main class="container" style="max-width: 28rem">
  <div class="card shadow-sm mt-5">
    <div class="card-body p-4">
      <h1 class="h4 mb-1">{{ app_title }}</h1>
      <p class="text-muted small mb-4">{{ subtitle }}</p>
      {% if message %}<div class="alert alert-{{ level }}" role="alert" id="login-message">{{ message }}</div>{% endif %}
      <form method="post" action="/login" autocomplete="on">
        <input type="hidden" name="csrf_token" value="{{ csrf }}">
        <input type="hidden" name="next" value="{{ next or '' }}">
        <input type="hidden" name="lang" value="{{ lang }}">
        <div class="mb-3">
          <label class="form-label" for="username">{{ user_label }}</label>
          <input class="form-control" id="username" name="username" autocomplete="username" required autofocus value="{{ username or '' }}">
        </div>
        <div class="mb-3">
          <label class="form-label" for="password">{{ password_label }}</label>
          <input class="form-control" id="password" name="password" type="password" autocomplete="current-password" required>
        </div>
        <button class="btn btn-primary w-100" type="submit" id="login-submit">{{ submit }}</button>
      </form>
      <p class="small text-muted mt-3 mb-0">{{ privacy }}</p>
      <p class="small mt-2 mb-0"><a href="/login?{{ other_query }}">{{ other_label }}</a></p>
    </div>
  </div>
</main>
</body>
</html>"""


def _login_page(lang: str, message: str | None = None, level: str = "danger", username: str | None = None, status: int = 200) -> Response:
    other = "en" if lang == "id" else "id"
    query = {"lang": other, **({"next": request.values["next"]} if _safe_next(request.values.get("next")) else {})}
    html = render_template_string(
        LOGIN_PAGE,
        lang=lang,
        title=t("login.title", lang),
        app_title=t("app.title", lang),
        subtitle=t("app.subtitle", lang),
        message=message,
        level=level,
        csrf=generate_csrf(),
        next=_safe_next(request.values.get("next")),
        username=username,
        user_label=t("login.user", lang),
        password_label=t("login.password", lang),
        submit=t("login.submit", lang),
        privacy=t("login.privacy", lang),
        other_query=urlencode(query),
        other_label=t(f"lang.{other}", lang),
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


class _CheckedSessions:
    """The accounts of the sessions this process checked lately (for an outage only)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._seen: dict[str, tuple[User, dt.datetime]] = {}
        self._limit = limit

    def note(self, session_id: str, user: User | None) -> None:
        if user is None:
            self._seen.pop(session_id, None)
            return
        if len(self._seen) >= self._limit:
            self._seen.clear()
        self._seen[session_id] = (user, dt.datetime.now(dt.UTC).replace(tzinfo=None))

    def during_outage(self, session_id: str, outage_began: dt.datetime | None, grace: dt.timedelta) -> User | None:
        user, checked_at = self._seen.get(session_id, (None, None))
        if user is None or outage_began is None or checked_at < outage_began - grace:
            return None
        return user


_checked_sessions = _CheckedSessions()


def _session_during_outage(session_id: str, settings: Settings) -> SessionUser | None:
    """The session's user as last checked, if that was recent enough; else None, noted on
    the request so that a page answers "try again shortly" rather than a sign-in form."""
    grace = max(OUTAGE_SESSION_GRACE, dt.timedelta(seconds=2 * settings.refresh_interval_seconds))
    user = _checked_sessions.during_outage(session_id, monitor_for(settings.database_url).state().unreachable_since, grace)
    if user is None:
        g.session_unverified = True
    return SessionUser(user) if user else None


_OUTAGE_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{{ retry }}">
<title>{{ title }}</title></head>
<body style="font-family: sans-serif; margin: 3rem;"><h1>{{ title }}</h1><p>{{ message }}</p></body></html>"""


def _outage_page(lang: str) -> Response:
    """A page that reloads itself until the database answers (no script: the CSP allows none inline)."""
    body = render_template_string(
        _OUTAGE_PAGE, lang=lang, retry=RETRY_AFTER_SECONDS, title=t("status.unreachable", lang),
        message=t("status.outage_retry", lang),
    )
    response = Response(body, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_auth(server: Flask, settings: Settings) -> None:
    """Sessions, tokens, CSRF, the sign-in rate limit and the routes ``/login`` and
    ``/logout`` on ``server``; every request is authenticated before its view runs."""
    engine = lambda: get_engine(settings.database_url)  # noqa: E731
    server.extensions[_AUDIT] = AuditTrail(engine(), settings.audit_retention_days)
    server.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _authenticate, after the user is known
        WTF_CSRF_TIME_LIMIT=None,  # bound to the session; wall screens stay open for days
        WTF_CSRF_SSL_STRICT=False,  # the Referer check breaks behind proxies; SameSite and the token suffice
        REMEMBER_COOKIE_DURATION=dt.timedelta(days=settings.display_session_days),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_NAME="groundcheck_session",
        # The cookie's expiry is set at sign-in and not pushed back by every refresh poll.
        SESSION_REFRESH_EACH_REQUEST=False,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
    )
    csrf = CSRFProtect(server)
    logins = LoginManager(server)
    logins.session_protection = "basic"

    @logins.user_loader
    def load_user(session_id: str) -> SessionUser | None:
        try:
            user_id, epoch = (int(part) for part in session_id.split(":"))
        except ValueError:
            return None
        try:
            user = user_by_session(engine(), user_id, epoch)
        except SQLAlchemyError as exc:
            if not is_outage(exc):
                raise
            return _session_during_outage(session_id, settings)
        _checked_sessions.note(session_id, user)
        return SessionUser(user) if user else None

    # Per process without Redis; shared by every app server with REDIS_URL.
    limiter = Limiter(get_remote_address, app=server, storage_uri=settings.redis_url or "memory://", default_limits=[], headers_enabled=True)

    @server.before_request
    def _authenticate():
        g.access = Access()
        g.via_token = False
        endpoint = request.endpoint
        if endpoint in PUBLIC_ENDPOINTS - {"readyz", "auth.login"}:
            return None
        user = None
        header = request.headers.get("Authorization", "")
        try:
            if header.startswith("Bearer "):
                user = user_by_token(engine(), header[7:].strip())
                if user is None:
                    return _refuse(401, "invalid or revoked token")
                g.via_token = True
            elif session_user.is_authenticated:
                user = session_user.user
                if user.role != Role.DISPLAY and not _fresh_enough(settings):
                    logout_user()  # a sign-in lasts SESSION_HOURS, however busy the tab
                    session.clear()
                    user = None
        except SQLAlchemyError as exc:
            if not is_outage(exc):
                raise
            if endpoint in PUBLIC_ENDPOINTS:
                return None
            return _refuse(503, "the database does not answer; try again shortly")
        if user is not None:
            g.access = user.access(settings.open_province_comparison)
        if endpoint in PUBLIC_ENDPOINTS:
            if endpoint == "auth.login" and request.method == "POST":
                csrf.protect()
            return None
        if user is None:
            if g.get("session_unverified"):
                # A session that cannot be checked while the database is down: not a sign-in
                # form (a wall screen would stay on it after the outage), but "try again".
                if endpoint in PAGE_ENDPOINTS and request.method in ("GET", "HEAD"):
                    return _outage_page(_language())
                return _refuse(503, "the database does not answer; try again shortly")
            if endpoint in PAGE_ENDPOINTS and request.method in ("GET", "HEAD"):
                path = request.full_path.rstrip("?")
                return redirect("/login?" + urlencode({"next": path}), code=302)
            return _refuse(401, "sign in required")
        if user.role == Role.LOADER and endpoint not in INGEST_ENDPOINTS:
            return _refuse(403, "a loader account only posts field data (POST /api/v1/ingest)")
        if not g.via_token and request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        return None

    def _refuse(status: int, message: str):
        response = jsonify(error=message)
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="groundcheck"'
        if status == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @server.after_request
    def _csrf_cookie(response: Response) -> Response:
        """Dash's renderer sends this cookie's value as ``X-CSRFToken`` with callbacks."""
        if g.get("access") is not None and g.access.signed_in and not g.get("via_token"):
            response.set_cookie(
                CSRF_COOKIE, generate_csrf(), samesite="Strict", secure=settings.https, httponly=False,
                max_age=int(dt.timedelta(days=settings.display_session_days).total_seconds()),
            )
        return response

    @server.errorhandler(CSRFError)
    def _csrf_failed(exc: CSRFError):
        if request.endpoint == "auth.login":
            return _login_page(_language(), t("login.expired", _language()), "warning", status=400)
        return _refuse(400, f"CSRF check failed: {exc.description}")

    @server.errorhandler(429)
    def _too_many(exc):
        if request.endpoint == "auth.login":
            return _login_page(_language(), t("login.rate_limited", _language()), "warning", status=429)
        return _refuse(429, "too many requests")

    def login():
        lang = _language()
        if request.method == "GET":
            if g.access.signed_in:
                return redirect(_safe_next(request.args.get("next")) or g.access.landing_path())
            return _login_page(lang)
        name = (request.form.get("username") or "").strip().lower()[:64]
        password = request.form.get("password") or ""
        verdict = authenticate(
            engine(), name, password,
            lockout_attempts=settings.login_lockout_attempts, lockout_minutes=settings.login_lockout_minutes,
        )
        user = verdict.user
        if verdict.result != SignInResult.OK or user is None:
            action = AuditAction.LOCKED_OUT if verdict.result == SignInResult.LOCKED else AuditAction.SIGN_IN_FAILED
            # The name typed is recorded only when it is an account: people type their
            # password into the name field, and the trail is read on /admin.
            detail = f"sign-in failed: {verdict.result.value}" if verdict.known else "sign-in failed: no such user"
            audit(action, detail, 401, user=name if verdict.known else None)
            # One message for a wrong password, an unknown name and a locked account:
            # nothing tells which names exist.
            message = t("login.disabled", lang) if verdict.result == SignInResult.DISABLED else t("login.failed", lang, minutes=settings.login_lockout_minutes)
            return _login_page(lang, message, username=name)
        session.clear()
        display = user.role == Role.DISPLAY
        login_user(SessionUser(user), remember=display)
        session.permanent = not display
        session[_SIGNED_IN_AT] = int(time.time())
        g.access = user.access(settings.open_province_comparison)
        audit(AuditAction.SIGN_IN, "sign-in", 200)
        return redirect(_safe_next(request.form.get("next")) or g.access.landing_path())

    def logout():
        audit(AuditAction.SIGN_OUT, "sign-out", 200)
        session.clear()
        logout_user()  # after clear(): it marks the remember-me cookie for deletion in the session
        g.access = Access()  # so that no new CSRF cookie is set on the way out
        response = redirect("/login?" + urlencode({"lang": _language()}))
        response.delete_cookie(CSRF_COOKIE)
        return response

    server.add_url_rule("/login", "auth.login", limiter.limit(settings.login_rate_limit, methods=["POST"])(login), methods=["GET", "POST"])
    server.add_url_rule("/logout", "auth.logout", logout, methods=["POST"])
