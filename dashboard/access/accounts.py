"""User accounts: creation, passwords, sign-in with lockout, API tokens.

Passwords are hashed with Argon2id (``argon2-cffi``: the winner of the Password Hashing
Competition, RFC 9106 parameters, re-hashed on sign-in when they change). API tokens are
random 256-bit secrets shown once; only their SHA-256 is stored (a token is not guessable,
so a slow hash adds nothing), each revocable, each acting with its user's area.

Every account change ends the account's open sessions: the session and the remember-me
cookie carry ``session_epoch``, which a password reset or a disable bumps (both also revoke the
account's API tokens).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access.policy import Access, Role, check_area
from dashboard.store import models

log = logging.getLogger(__name__)

#: A user name: lower-case letters, digits, ".", "_" and "-", 3-64 characters.
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
#: Shortest password accepted (NIST SP 800-63B asks for at least 8; staff accounts see
#: protected data, so more).
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "gcm_"
#: ``last_used_at`` of a token is written at most this often (not on every request).
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=5)

_hasher = PasswordHasher()
#: Verified when the user does not exist, so that a wrong name costs as long as a wrong
#: password (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    codes: tuple[str, ...]
    active: bool
    session_epoch: int
    created_at: dt.datetime
    last_sign_in_at: dt.datetime | None
    locked_until: dt.datetime | None
    active_tokens: int = 0

    def access(self, open_comparison: bool = False) -> Access:
        return Access.of_user(self.name, self.role, self.codes, open_comparison)


class SignInResult(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    DISABLED = "disabled"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name or ""):
        raise AccountError(f"{name!r} is not a user name: 3-64 of a-z 0-9 . _ - (starting with a letter or digit)")
    return name


def check_password(password: str, name: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().lower() == name.lower():
        raise AccountError("the password must not be the user name")
    return password


def _check_codes_exist(conn: Connection, codes: Iterable[str]) -> None:
    codes = list(codes)
    known = set(conn.execute(select(models.Province.code).where(models.Province.code.in_(codes))).scalars())
    known |= set(conn.execute(select(models.Regency.code).where(models.Regency.code.in_(codes))).scalars())
    unknown = sorted(set(codes) - known)
    if unknown:
        raise AccountError(f"no province or kabupaten/kota with code {', '.join(unknown)}")


_USERS = models.AppUser.__table__


def _user_row(conn: Connection, *conditions):
    return conn.execute(select(_USERS).where(*conditions)).first()


def _user(conn: Connection, name: str):
    row = _user_row(conn, _USERS.c.name == name)
    if row is None:
        raise AccountError(f"no user {name!r}")
    return row


def _codes(conn: Connection, user_id: int) -> tuple[str, ...]:
    s = models.UserScope
    return tuple(conn.execute(select(s.code).where(s.user_id == user_id).order_by(s.code)).scalars())


def _as_user(conn: Connection, row, active_tokens: int = 0) -> User:
    return User(
        row.id, row.name, Role(row.role), _codes(conn, row.id), row.active, row.session_epoch,
        row.created_at, row.last_sign_in_at, row.locked_until, active_tokens,
    )


def create_user(engine: Engine, name: str, role: Role | str, codes: Iterable[str], password: str) -> User:
    """A new active user; the codes must exist and fit the role (``check_area``)."""
    name = check_name(name)
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"unknown role {role!r}: use {', '.join(r.value for r in Role)}") from None
    try:
        codes = check_area(role, codes)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    check_password(password, name)
    now = _now()
    with engine.begin() as conn:
        _check_codes_exist(conn, codes)
        if conn.execute(select(models.AppUser.id).where(models.AppUser.name == name)).first():
            raise AccountError(f"user {name!r} exists already")
        user_id = conn.execute(
            models.AppUser.__table__.insert().values(
                name=name, role=role.value, password_hash=_hasher.hash(password), active=True,
                created_at=now, password_changed_at=now, failed_sign_ins=0, session_epoch=0,
            )
        ).inserted_primary_key[0]
        if codes:
            conn.execute(models.UserScope.__table__.insert(), [{"user_id": user_id, "code": c} for c in codes])
        return _as_user(conn, _user(conn, name))


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(models.AppUser)).scalar_one() > 0


def list_users(engine: Engine) -> list[User]:
    t = models.ApiToken
    with engine.connect() as conn:
        tokens = dict(
            conn.execute(select(t.user_id, func.count()).where(t.revoked_at.is_(None)).group_by(t.user_id)).all()
        )
        rows = conn.execute(select(_USERS).order_by(_USERS.c.name)).all()
        return [_as_user(conn, row, tokens.get(row.id, 0)) for row in rows]


def get_user(engine: Engine, name: str) -> User:
    with engine.connect() as conn:
        return _as_user(conn, _user(conn, name))


def _bump(conn: Connection, name: str, **values) -> None:
    user = _user(conn, name)
    conn.execute(
        update(models.AppUser)
        .where(models.AppUser.id == user.id)
        .values(session_epoch=models.AppUser.session_epoch + 1, **values)
    )


def _revoke(conn: Connection, user_id: int) -> int:
    t = models.ApiToken
    return conn.execute(update(t).where(t.user_id == user_id, t.revoked_at.is_(None)).values(revoked_at=_now())).rowcount


def set_password(engine: Engine, name: str, password: str) -> None:
    """A new password (after a compromise, say): ends the user's sessions, revokes their
    API tokens and lifts a lockout."""
    check_password(password, name)
    with engine.begin() as conn:
        _bump(conn, name, password_hash=_hasher.hash(password), password_changed_at=_now(), failed_sign_ins=0, locked_until=None)
        _revoke(conn, _user(conn, name).id)


def set_active(engine: Engine, name: str, active: bool) -> None:
    """Disable an account (ends its sessions and revokes its API tokens, which enabling it
    again does not bring back) or enable it."""
    with engine.begin() as conn:
        _bump(conn, name, active=active)
        if not active:
            _revoke(conn, _user(conn, name).id)


def issue_token(engine: Engine, name: str) -> str:
    """A new API token of an active user; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        user = _user(conn, name)
        if not user.active:
            raise AccountError(f"user {name!r} is disabled")
        conn.execute(models.ApiToken.__table__.insert().values(user_id=user.id, token_hash=_token_hash(token), created_at=_now()))
    return token


def revoke_tokens(engine: Engine, name: str) -> int:
    """Revoke every token of the user; returns how many were active."""
    with engine.begin() as conn:
        return _revoke(conn, _user(conn, name).id)


def user_by_token(engine: Engine, token: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, disabled)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    t, u = models.ApiToken, models.AppUser
    now = _now()
    with engine.connect() as conn:
        found = conn.execute(
            select(t.id, t.user_id, t.last_used_at)
            .join(u, u.id == t.user_id)
            .where(t.token_hash == _token_hash(token), t.revoked_at.is_(None), u.active.is_(True))
        ).first()
        if found is None:
            return None
        user = _as_user(conn, _user_row(conn, _USERS.c.id == found.user_id))
    if (found.last_used_at is None or now - found.last_used_at > TOKEN_TOUCH_INTERVAL) and _touch_due(found.id, now):
        try:
            _toucher.submit(_touch, engine, found.id, now)  # never makes the request wait on a write
        except RuntimeError:  # the process is shutting down: the note of use can wait
            pass
    return user


_touched: dict[int, dt.datetime] = {}
_touched_lock = threading.Lock()


def _touch_due(token_id: int, now: dt.datetime) -> bool:
    """Whether this process has not queued a touch of the token within the interval (a busy
    database must not collect one UPDATE per request)."""
    with _touched_lock:
        if now - _touched.get(token_id, dt.datetime.min) < TOKEN_TOUCH_INTERVAL:
            return False
        if len(_touched) > 10_000:
            _touched.clear()
        _touched[token_id] = now
        return True


#: One background thread writes the tokens' ``last_used_at`` (best effort).
_toucher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="token-touch")


def _touch(engine: Engine, token_id: int, now: dt.datetime) -> None:
    t = models.ApiToken
    try:
        with engine.begin() as conn:
            conn.execute(update(t).where(t.id == token_id).values(last_used_at=now))
    except SQLAlchemyError:
        log.info("could not note when token %s was last used", token_id, exc_info=True)


def user_by_session(engine: Engine, user_id: int, epoch: int) -> User | None:
    """The active user of a session (None when the account changed since it began)."""
    with engine.connect() as conn:
        row = _user_row(conn, _USERS.c.id == user_id)
        if row is None or not row.active or row.session_epoch != epoch:
            return None
        return _as_user(conn, row)


@dataclass(frozen=True)
class SignIn:
    """The verdict on a sign-in: ``user`` when it succeeded, ``known`` whether the name is
    an account at all (for the audit trail only: never shown to the person signing in)."""

    result: SignInResult
    user: User | None = None
    known: bool = False


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(engine: Engine, name: str, password: str, *, lockout_attempts: int, lockout_minutes: int) -> SignIn:
    """Check a sign-in. After ``lockout_attempts`` failures in a row the account is locked
    for ``lockout_minutes`` (whatever the password); a success resets the count.

    Every path verifies one Argon2 hash (a dummy one for an unknown or locked account), so
    the time taken says nothing about which names exist. The hash is verified outside any
    transaction, and a failure is counted with an atomic ``failed_sign_ins + 1``: parallel
    guesses cannot overwrite each other's count (on both engines the row is locked by the
    UPDATE until its transaction ends)."""
    now = _now()
    with engine.connect() as conn:
        row = _user_row(conn, _USERS.c.name == name)
    if row is None:
        _verify(_DUMMY_HASH, password)
        return SignIn(SignInResult.BAD_CREDENTIALS)
    if row.locked_until is not None and row.locked_until > now:
        _verify(_DUMMY_HASH, password)
        return SignIn(SignInResult.LOCKED, known=True)
    if not _verify(row.password_hash, password):
        with engine.begin() as conn:
            where = _USERS.c.id == row.id
            conn.execute(update(_USERS).where(where).values(failed_sign_ins=func.coalesce(_USERS.c.failed_sign_ins, 0) + 1))
            failures = conn.execute(select(_USERS.c.failed_sign_ins).where(where)).scalar_one()
            if failures < lockout_attempts:
                return SignIn(SignInResult.BAD_CREDENTIALS, known=True)
            conn.execute(update(_USERS).where(where).values(failed_sign_ins=0, locked_until=now + dt.timedelta(minutes=lockout_minutes)))
        return SignIn(SignInResult.LOCKED, known=True)
    if not row.active:
        return SignIn(SignInResult.DISABLED, known=True)
    values = {"failed_sign_ins": 0, "locked_until": None, "last_sign_in_at": now}
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = _hasher.hash(password)
    with engine.begin() as conn:
        conn.execute(update(_USERS).where(_USERS.c.id == row.id).values(**values))
        return SignIn(SignInResult.OK, _as_user(conn, row), known=True)
