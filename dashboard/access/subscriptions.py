"""Alert subscriptions: where a user wants their alerts delivered.

A subscription is an e-mail address or a webhook URL of one user, with the immediate
notices of severe alerts and/or the daily digest, in a language. Operators make them with
``python -m dashboard.users subscribe``. What a message holds is decided when it is
composed, from the user's area then (``dashboard.alerts.delivery``); a disabled account's
messages that are still pending are not sent. A wall screen's display account and a loader's
account receive nothing: they are not people.

A webhook gets its own signing secret (256 random bits, shown once): its receiver checks
each message's HMAC, and one receiver's secret cannot forge messages to another.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from dashboard.access.accounts import AccountError, User, _as_user, _now, _user
from dashboard.access.policy import Role
from dashboard.store import models

#: An e-mail address as far as the dashboard checks it: one ``@``, a dot in the domain, no
#: spaces or angle brackets (the mail server is the judge of the rest).
EMAIL_PATTERN = re.compile(r"[^@\s<>,;\"]{1,64}@[^@\s<>,;\"]+\.[^@\s<>,;\".]{2,}")
#: Roles whose accounts receive no messages.
SILENT_ROLES = frozenset({Role.DISPLAY, Role.LOADER})
LANGUAGES = ("id", "en")


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


@dataclass(frozen=True)
class Subscription:
    id: int
    user: User
    channel: Channel
    address: str
    immediate: bool
    digest: bool
    language: str
    active: bool
    created_at: dt.datetime
    since_alert_id: int
    secret: str | None = field(default=None, repr=False)


def check_email(address: str) -> str:
    address = (address or "").strip()
    if len(address) > 254 or not EMAIL_PATTERN.fullmatch(address):
        raise AccountError(f"{address!r} is not an e-mail address")
    return address


def check_webhook_url(url: str) -> str:
    """An ``https`` URL (``http`` only to this machine, for a local gateway and the tests):
    a message names regions and facilitators, so it is not sent in clear over a network."""
    url = (url or "").strip()
    # The URL may hold the gateway's token: the errors name its host only.
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise AccountError("the webhook is not a URL") from None
    if len(url) > 500 or parts.scheme not in ("https", "http") or not parts.hostname:
        raise AccountError("the webhook is not an http(s) URL (at most 500 characters)")
    if parts.username or parts.password:
        raise AccountError("a webhook URL must not hold a user name or password (put a token in its path or query instead)")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise AccountError(f"the webhook at {parts.hostname} needs https (http only to this machine)")
    return url


def redact_url(url: str) -> str:
    """A webhook URL as lists and logs show it: scheme and host, the rest (where a
    gateway's token sits, as in Telegram's ``/bot<token>/``) hidden."""
    parts = urlsplit(url)
    hidden = parts.path not in ("", "/") or parts.query or parts.fragment
    return f"{parts.scheme}://{parts.netloc}" + ("/…" if hidden else "")


def is_loopback(host: str) -> bool:
    """``host`` is this machine (a name or address of the loopback interface)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def subscribe(
    engine: Engine, name: str, *, email: str | None = None, webhook: str | None = None,
    immediate: bool = True, digest: bool = True, language: str = "id",
) -> Subscription:
    """A new subscription of user ``name`` to an e-mail address or a webhook (exactly one).
    A webhook's ``secret`` is in the result: show it once to whoever runs the receiver."""
    if (email is None) == (webhook is None):
        raise AccountError("give either an e-mail address or a webhook URL")
    if not (immediate or digest):
        raise AccountError("a subscription needs the immediate notices, the daily digest or both")
    if language not in LANGUAGES:
        raise AccountError(f"unknown language {language!r}: use {' or '.join(LANGUAGES)}")
    channel = Channel.EMAIL if email is not None else Channel.WEBHOOK
    address = check_email(email) if email is not None else check_webhook_url(webhook or "")
    secret = secrets.token_hex(32) if channel == Channel.WEBHOOK else None
    s = models.AlertSubscription
    with engine.begin() as conn:
        user = _as_user(conn, _user(conn, name))
        if user.role in SILENT_ROLES:
            raise AccountError(f"{name} is a {user.role.value} account: it receives no alerts (subscribe a person)")
        if not user.active:
            raise AccountError(f"{name} is disabled")
        duplicate = conn.execute(
            select(s.id).where(s.user_id == user.id, s.channel == channel.value, s.address == address, s.active)
        ).first()
        if duplicate:
            raise AccountError(f"{name} is subscribed to {address} already (subscription {duplicate.id})")
        since = conn.execute(select(func.coalesce(func.max(models.Alert.id), 0))).scalar_one()
        subscription_id = conn.execute(
            s.__table__.insert().values(
                user_id=user.id, channel=channel.value, address=address, secret=secret, immediate=immediate,
                digest=digest, language=language, since_alert_id=since, active=True, created_at=_now(),
            )
        ).inserted_primary_key[0]
        return _subscription(user, conn.execute(select(s.__table__).where(s.id == subscription_id)).one())


def _subscription(user: User, row) -> Subscription:
    return Subscription(
        row.id, user, Channel(row.channel), row.address, bool(row.immediate), bool(row.digest), row.language,
        bool(row.active), row.created_at, row.since_alert_id, row.secret,
    )


def unsubscribe(engine: Engine, name: str, subscription_id: int) -> None:
    """End a subscription of ``name`` (kept, inactive, with the record of what was sent)."""
    s = models.AlertSubscription
    with engine.begin() as conn:
        user = _user(conn, name)
        done = conn.execute(update(s).where(s.id == subscription_id, s.user_id == user.id, s.active).values(active=False)).rowcount
    if not done:
        raise AccountError(f"{name} has no active subscription {subscription_id}")


def list_subscriptions(engine: Engine, name: str | None = None, *, active_only: bool = False) -> list[Subscription]:
    """The subscriptions (of ``name``; of active users only with ``active_only``, which also
    leaves out ended subscriptions and the accounts that receive nothing)."""
    s, u = models.AlertSubscription, models.AppUser
    where = []
    if name is not None:
        where.append(u.name == name)
    if active_only:
        where += [s.active, u.active, u.role.not_in([r.value for r in SILENT_ROLES])]
    with engine.connect() as conn:
        if name is not None:
            _user(conn, name)
        rows = conn.execute(select(s.__table__, u.name.label("user_name")).join(u, u.id == s.user_id).where(*where).order_by(u.name, s.id)).all()
        users = {row.user_id: _as_user(conn, _user(conn, row.user_name)) for row in rows}
    return [_subscription(users[row.user_id], row) for row in rows]


__all__ = [
    "Channel", "Subscription", "check_email", "check_webhook_url", "is_loopback", "list_subscriptions", "redact_url", "subscribe", "unsubscribe",
]
