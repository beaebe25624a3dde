"""Delivering alerts to people: immediate notices of severe alerts and a daily digest, by
e-mail and by webhook, with retries and a record of every message.

``python -m dashboard.manage alerts`` (cron, every 5-15 minutes) evaluates the rules and
then calls :func:`deliver_alerts`, which

1. *plans*: for each active subscription (``dashboard.access.subscriptions``) composes
   - a **notice** of the severe (``high``) alerts of its user's area that opened since the
     subscription was made and that it was not told about yet (one message for all of
     them; each alert is told once, recorded in ``alert_notice``), and
   - from ``ALERT_DIGEST_HOUR`` WIB, once a day, the **digest** of the newest round: the
     progress of the user's area against the plan, the open alerts by severity, the most
     severe of them, what opened and ended in the last 24 hours;
   each message is stored in ``alert_delivery`` as composed (``pending``) before anything
   is sent, so nothing is lost when the sending fails or the process dies;
2. *sends* what is due, claiming each message first (two runs at once never send one
   twice); a failure is retried at the next runs after 1, 5, 15, 30, 60, 120 ... minutes,
   ``ALERT_DELIVERY_ATTEMPTS`` times in all; a receiver that refuses for good (a 4xx
   answer, a mailbox that does not exist) fails the message at once.

A message holds what the user's area shows on the alerts page, decided when it is composed:
region names and codes, figures, facilitators (staff) for users who see facilitators, and
links. Never a family's data: alerts are about regions and facilitators, and their figures
are counts and shares.

A webhook receives the message as JSON (``POST``, ``Content-Type: application/json``) with
``X-Groundcheck-Delivery: <id>`` (the same on every retry: receivers drop duplicates by it)
and ``X-Groundcheck-Signature: t=<unix time>,v1=<hex>``, the HMAC-SHA256 of
``"<unix time>.<body>"`` with the subscription's secret (as Stripe signs its webhooks):
the receiver recomputes it, compares in constant time and refuses a time more than five
minutes old. The ``text`` field is the message for people, ready for a WhatsApp or Telegram
gateway to forward.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pandas as pd
import requests
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from dashboard.access.policy import Access
from dashboard.access.subscriptions import Channel, Subscription, is_loopback, list_subscriptions
from dashboard.alerts.evaluate import alert_changes_since, alert_counts, alert_feed, subject_names
from dashboard.alerts.rules import RULES_BY_ID, Severity
from dashboard.alerts.wording import detail_text, subject_label, subject_path
from dashboard.figures.forecast import ScheduleRule, scope_forecast
from dashboard.figures.queries import Level, Scope, data_state, latest_round, region_names, round_dates
from dashboard.formatting import WIB, format_date, format_datetime, format_int, format_percent, region_display_name
from dashboard.i18n import t
from dashboard.store import models

log = logging.getLogger(__name__)

#: Pause before the next attempt after the n-th failed one (the last repeats).
BACKOFF_MINUTES = (1, 5, 15, 30, 60, 120)
#: A message being sent is not taken by another run before this (a crashed sender's
#: message is sent again after it).
LEASE = dt.timedelta(minutes=10)
#: Alerts listed in one message (the rest are counted, and linked).
LISTED = 15
#: Regions of a user's area whose progress a digest lists.
LISTED_REGIONS = 12
USER_AGENT = "groundcheck-monitor-alerts/1"


class DeliveryError(Exception):
    """A message could not be delivered; ``permanent`` when trying again cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class DeliveryReport:
    notices: int = 0
    digests: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Subscriptions whose messages could not be composed (logged with the cause).
    errors: int = 0

    def __str__(self) -> str:
        trouble = f"; {self.errors:,} subscriptions could not be composed (see the log)" if self.errors else ""
        return (f"{self.notices:,} notices and {self.digests:,} digests composed; "
                f"{self.sent:,} sent, {self.retrying:,} to retry, {self.failed:,} failed{trouble}")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# --- Composing -------------------------------------------------------------------------


def _url(settings, path: str) -> str | None:
    base = (settings.public_url or "").rstrip("/")
    return base + path if base else None


def _alert_items(engine: Engine, feed: pd.DataFrame, lang: str, settings) -> list[dict]:
    names = subject_names(engine, feed)
    items = []
    for row in feed.itertuples():
        details = row.details if isinstance(row.details, dict) else {}
        rule = RULES_BY_ID.get(row.rule)
        items.append({
            "id": int(row.id),
            "rule": row.rule,
            "rule_label": rule.label(lang) if rule else row.rule,
            "severity": row.severity,
            "severity_label": t(f"severity.{row.severity}", lang),
            "scope_code": row.scope_code,
            "subject": row.subject,
            "subject_name": subject_label(row.subject, names),
            "summary": detail_text(row.rule, details, lang),
            "figures": details,
            "opened_at": _utc_text(row.opened_at),
            "url": _url(settings, subject_path(row.rule, row.subject)),
        })
    return items


def _utc_text(moment) -> str:
    """A naive-UTC time as ISO 8601 text that says it is UTC."""
    return pd.Timestamp(moment).tz_localize("UTC").isoformat()


def _number(value) -> float | None:
    """A figure for JSON: ``None`` for a missing one (NaN is not JSON)."""
    return None if value is None or pd.isna(value) else float(value)


def _line(item: dict) -> str:
    text = f"- [{item['severity_label']}] {item['rule_label']}: {item['subject_name']}"
    if item["summary"]:
        text += f". {item['summary']}"
    if item["url"]:
        text += f"\n  {item['url']}"
    return text


def _area_codes(access: Access) -> list[str]:
    return [] if access.nationwide_area else sorted(access.codes)


def _alerts_page(settings, access: Access) -> str | None:
    codes = _area_codes(access)
    return _url(settings, "/peringatan" + (f"/{codes[0]}" if len(codes) == 1 else ""))


def _one(key: str, n: int) -> str:
    """The key of a message with a count: its own for one (English needs the singular)."""
    return key + "_one" if n == 1 else key


def _footer(subscription: Subscription, lang: str) -> str:
    return t("delivery.footer", lang, user=subscription.user.name)


def compose_notice(engine: Engine, round_id: int, subscription: Subscription, feed: pd.DataFrame, settings) -> dict:
    """The notice of the severe alerts in ``feed`` (already those of the user's area)."""
    lang = subscription.language
    access = subscription.user.access()
    items = _alert_items(engine, feed, lang, settings)
    names = ", ".join(item["subject_name"] for item in items[:3]) + (" …" if len(items) > 3 else "")
    subject = f"{t('app.title', lang)}: " + t(_one("delivery.notice_subject", len(items)), lang, n=format_int(len(items), lang), names=names)
    lines = [t(_one("delivery.notice_intro", len(items)), lang, n=format_int(len(items), lang)), ""]
    lines += [_line(item) for item in items[:LISTED]]
    if len(items) > LISTED:
        lines.append(t("delivery.more", lang, n=format_int(len(items) - LISTED, lang)))
    page = _alerts_page(settings, access)
    if page:
        lines += ["", t("delivery.see_all", lang, url=page)]
    lines += ["", _footer(subscription, lang)]
    return _message("alerts.notice", engine, round_id, subscription, subject, "\n".join(lines), alerts=items, url=page)


def compose_digest(engine: Engine, round_id: int, subscription: Subscription, settings, now: dt.datetime) -> dict:
    """The daily digest of round ``round_id`` for the subscription's user, as of ``now``."""
    lang = subscription.language
    access = subscription.user.access()
    state = data_state(engine, round_id)
    dates = round_dates(engine, round_id)
    start, deadline = dates.start_date, dates.deadline
    feed = alert_feed(engine, round_id, Scope.national(), access=access, limit=LISTED)
    by_severity = alert_counts(engine, round_id, Scope.national(), access=access)
    counts = {s.value: int(by_severity.get(s.value, 0)) for s in Severity}
    holding = sum(counts.values())
    # "The last 24 hours" of the data (alert times are the data's).
    opened_24h, closed_24h = alert_changes_since(engine, round_id, (state.data_until if state else now) - dt.timedelta(hours=24), access=access)
    progress = _progress(engine, round_id, access, state, start, deadline, settings, lang) if state else []
    day = now.replace(tzinfo=dt.UTC).astimezone(WIB).date()
    subject = f"{t('app.title', lang)}: " + t(_one("delivery.digest_subject", holding), lang, date=format_date(day, lang), n=format_int(holding, lang))
    lines = [t("delivery.digest_intro", lang, until=format_datetime(state.data_until, lang) if state else "—",
               deadline=format_date(deadline, lang)), ""]
    regions = len(_area_codes(access))
    for row in progress:
        lines.append(t("delivery.progress_line", lang, name=row["name"], completion=format_percent(row["completion_pct"], lang),
                       expected=format_percent(row["expected_pct"], lang), status=row["status_label"],
                       by_deadline=format_percent(row["by_deadline_pct"], lang)))
    if regions > len(progress):
        lines.append(t("delivery.more_regions", lang, n=format_int(regions - len(progress), lang)))
    lines += ["", t("delivery.open_counts", lang, **{k: format_int(v, lang) for k, v in counts.items()}),
              t("delivery.last_day", lang, opened=format_int(opened_24h, lang), closed=format_int(closed_24h, lang))]
    items = _alert_items(engine, feed, lang, settings) if len(feed) else []
    if items:
        lines += [""] + [_line(item) for item in items]
        if holding > len(items):
            lines.append(t("delivery.more", lang, n=format_int(holding - len(items), lang)))
    else:
        lines.append(t("alerts.none", lang))
    page = _alerts_page(settings, access)
    if page:
        lines += ["", t("delivery.see_all", lang, url=page)]
    lines += ["", _footer(subscription, lang)]
    return _message(
        "alerts.digest", engine, round_id, subscription, subject, "\n".join(lines), alerts=items, url=page,
        counts=counts, opened_last_24h=opened_24h, closed_last_24h=closed_24h, progress=progress, day=day.isoformat(),
    )


def _progress(engine: Engine, round_id: int, access: Access, state, start: dt.date, deadline: dt.date, settings, lang: str) -> list[dict]:
    """The forecast of each region of the user's area (the nation for a national user)."""
    codes = _area_codes(access) or [None]
    provinces = region_names(engine, Level.PROVINCE)
    rows = []
    for code in codes[:LISTED_REGIONS]:
        scope = Scope.of(code) if code else Scope.national()
        forecast = scope_forecast(engine, round_id, scope, state.day, start, deadline, access=access, rule=ScheduleRule.of(settings))
        if code is None:
            name = "Indonesia"
        elif len(code) == 2:
            name = region_display_name(provinces.get(code, code))
        else:
            regencies = region_names(engine, Level.REGENCY, Scope.of(code[:2]))
            name = region_display_name(regencies.get(code, code))
        rows.append({
            "code": code or "ID", "name": name, "completion_pct": _number(forecast.completion_pct),
            "expected_pct": _number(forecast.expected_pct), "by_deadline_pct": _number(forecast.by_deadline_pct), "status": forecast.status.value,
            "status_label": t(f"schedule.{forecast.status.value}", lang),
            "projected_finish": forecast.finish.isoformat() if forecast.finish else None,
        })
    return rows


def _message(kind: str, engine: Engine, round_id: int, subscription: Subscription, subject: str, text: str, **rest) -> dict:
    access = subscription.user.access()
    return {
        "type": kind, "round": {"id": round_id, "name": round_dates(engine, round_id).name}, "user": subscription.user.name, "composed_at": _utc_text(_utcnow()),
        "area": _area_codes(access) or ["ID"], "language": subscription.language, "subject": subject, "text": text,
        **rest,
    }


# --- Planning --------------------------------------------------------------------------


def _insert(conn, subscription: Subscription, round_id: int, kind: str, key: str, message: dict, now: dt.datetime) -> int:
    return conn.execute(models.AlertDelivery.__table__.insert().values(
        subscription_id=subscription.id, round_id=round_id, kind=kind, key=key, message=_json_ready(message),
        status="pending", attempts=0, created_at=now, next_attempt_at=now,
    )).inserted_primary_key[0]


def _json_ready(message: dict) -> dict:
    return json.loads(json.dumps(message, default=str, allow_nan=False))


def plan_notice(engine: Engine, round_id: int, subscription: Subscription, settings, now: dt.datetime) -> bool:
    """Compose the notice of the subscription's new severe alerts of ``round_id``, if any."""
    access = subscription.user.access()
    feed = alert_feed(engine, round_id, Scope.national(), access=access, limit=5000)
    feed = feed[(feed["severity"] == Severity.HIGH.value) & (feed["id"].astype("int64") > subscription.since_alert_id)] if len(feed) else feed
    if not len(feed):
        return False
    n = models.AlertNotice
    with engine.connect() as conn:
        told = set(conn.execute(select(n.alert_id).where(n.subscription_id == subscription.id, n.alert_id.in_([int(i) for i in feed["id"]]))).scalars())
    feed = feed[~feed["id"].astype("int64").isin(told)]
    if not len(feed):
        return False
    message = compose_notice(engine, round_id, subscription, feed, settings)
    ids = sorted(int(i) for i in feed["id"])
    try:
        with engine.begin() as conn:
            delivery = _insert(conn, subscription, round_id, "notice", f"notice:{ids[0]}", message, now)
            conn.execute(n.__table__.insert(), [{"subscription_id": subscription.id, "alert_id": i, "delivery_id": delivery} for i in ids])
    except IntegrityError:
        with engine.connect() as conn:
            told = conn.execute(select(n.alert_id).where(n.subscription_id == subscription.id, n.alert_id.in_(ids)).limit(1)).first()
        if told is None:  # not another run that told them first: something else is wrong
            raise
        return False
    return True


def digest_day(now: dt.datetime, hour: int) -> dt.date | None:
    """The WIB day whose digest is due at ``now`` (naive UTC): today from ``hour`` on."""
    local = now.replace(tzinfo=dt.UTC).astimezone(WIB)
    return local.date() if local.hour >= hour else None


def plan_digest(engine: Engine, round_id: int, subscription: Subscription, settings, now: dt.datetime) -> bool:
    """Compose the day's digest for the subscription, unless it was composed already."""
    day = digest_day(now, settings.alert_digest_hour)
    if day is None:
        return False
    key = f"digest:{round_id}:{day.isoformat()}"
    d = models.AlertDelivery
    with engine.connect() as conn:
        if conn.execute(select(d.id).where(d.subscription_id == subscription.id, d.key == key)).first():
            return False
    message = compose_digest(engine, round_id, subscription, settings, now)
    try:
        with engine.begin() as conn:
            _insert(conn, subscription, round_id, "digest", key, message, now)
    except IntegrityError:
        return False
    return True


# --- Sending ---------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Groundcheck-Signature`` of ``body`` sent at ``timestamp`` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def post_webhook(subscription: Subscription, message: dict, delivery_id: int, settings) -> None:
    body = json.dumps({**message, "delivery_id": delivery_id}, ensure_ascii=False, sort_keys=True).encode()
    timestamp = int(time.time())  # the moment it is sent: receivers refuse old signatures
    headers = {
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
        "X-Groundcheck-Delivery": str(delivery_id), "X-Groundcheck-Signature": signature(subscription.secret or "", timestamp, body),
    }
    try:
        answer = requests.post(subscription.address, data=body, headers=headers, timeout=settings.alert_webhook_timeout_seconds,
                               allow_redirects=False)
    except requests.RequestException as exc:
        raise DeliveryError(f"webhook unreachable: {type(exc).__name__}") from None
    if 200 <= answer.status_code < 300:
        return
    temporary = answer.status_code in (408, 425, 429) or answer.status_code >= 500
    raise DeliveryError(f"webhook answered HTTP {answer.status_code}", permanent=not temporary)


def _header(text: str) -> str:
    """A header value from text that came from the data (names): no line breaks or other
    control characters, which would end the header or forge another."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def send_email(subscription: Subscription, message: dict, delivery_id: int, settings) -> None:
    """Send ``message`` as a plain-text e-mail. Only a mailbox the server says does not
    exist (5xx to the recipient) fails it for good: every other refusal (a sender address,
    a sign-in, TLS) is the configuration's, which the operator may fix before the last
    attempt."""
    if not settings.smtp_host:
        raise DeliveryError("SMTP_HOST is not set", permanent=True)
    if settings.smtp_security == "none" and settings.smtp_user and not is_loopback(settings.smtp_host):
        raise DeliveryError("SMTP_SECURITY=none would send the SMTP password in clear to another machine", permanent=True)
    mail = EmailMessage()
    mail["From"] = settings.alert_mail_from
    mail["To"] = subscription.address
    mail["Subject"] = _header(message["subject"])
    mail["Date"] = formatdate(time.time())
    mail["Message-ID"] = make_msgid(f"alert-{delivery_id}", domain=settings.alert_mail_from.rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    mail["X-Groundcheck-Delivery"] = str(delivery_id)
    mail.set_content(message["text"])
    timeout = settings.alert_webhook_timeout_seconds
    try:
        if settings.smtp_security == "ssl":
            server = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        try:
            if settings.smtp_security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                server.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            server.send_message(mail)
        finally:
            try:  # the message is accepted by now (or failed above): a bad QUIT changes nothing
                server.quit()
            except (smtplib.SMTPException, OSError):
                server.close()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(f"mail server refused the address ({', '.join(map(str, codes))})", permanent=all(c >= 500 for c in codes)) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"mail server answered {exc.smtp_code}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"mail server unreachable or refusing: {type(exc).__name__}") from None


TRANSPORTS: dict[Channel, Callable[..., None]] = {Channel.EMAIL: send_email, Channel.WEBHOOK: post_webhook}


def claim(engine: Engine, delivery_id: int, attempts: int, next_attempt_at: dt.datetime, until: dt.datetime) -> bool:
    """Take a pending message to send it, counting the attempt, unless another run took it
    since it was read (``attempts`` and ``next_attempt_at`` as read): the one guard against
    sending a message twice. Until ``until`` no other run takes it; after that (its sender
    died) it is due again, its attempt counted."""
    d = models.AlertDelivery
    with engine.begin() as conn:
        return conn.execute(
            update(d).where(d.id == delivery_id, d.status == "pending", d.attempts == attempts, d.next_attempt_at == next_attempt_at)
            .values(attempts=attempts + 1, next_attempt_at=until)
        ).rowcount == 1


def send_due(engine: Engine, settings, now: dt.datetime, transports: dict[Channel, Callable[..., None]] | None = None) -> tuple[int, int, int]:
    """Send every pending message whose time has come as of ``now``; (sent, to retry,
    failed). Times written (the claim's end, the next attempt, ``sent_at``) are ``now``
    plus the time this run has taken so far, so a long run does not write times already
    past."""
    transports = transports or TRANSPORTS
    d = models.AlertDelivery
    began = time.monotonic()

    def moment() -> dt.datetime:
        return now + dt.timedelta(seconds=round(time.monotonic() - began))

    subscriptions = {s.id: s for s in list_subscriptions(engine, active_only=True)}
    with engine.connect() as conn:
        due = conn.execute(
            select(d.id, d.subscription_id, d.message, d.attempts, d.next_attempt_at)
            .where(d.status == "pending", d.next_attempt_at <= now).order_by(d.id).limit(1000)
        ).all()
    sent = retrying = failed = 0
    for row in due:
        if not claim(engine, row.id, row.attempts, row.next_attempt_at, moment() + LEASE):
            continue
        attempts = row.attempts + 1
        subscription = subscriptions.get(row.subscription_id)
        try:
            if attempts > settings.alert_delivery_attempts:  # its senders died with it, every time
                raise DeliveryError(f"given up after {row.attempts} attempts", permanent=True)
            if subscription is None:
                raise DeliveryError("the subscription ended, or its user was disabled, before it was sent", permanent=True)
            transports[subscription.channel](subscription, row.message, row.id, settings)
        except Exception as exc:  # noqa: BLE001 - whatever it was, it is this message's failure, not the run's
            error = exc if isinstance(exc, DeliveryError) else DeliveryError(f"could not be sent: {type(exc).__name__}: {exc}")
            if not isinstance(exc, DeliveryError):
                log.exception("alert message %s (subscription %s) could not be sent", row.id, row.subscription_id)
            last = error.permanent or attempts >= settings.alert_delivery_attempts
            pause = dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])
            values = {"status": "failed"} if last else {"next_attempt_at": moment() + pause}
            with engine.begin() as conn:
                conn.execute(update(d).where(d.id == row.id).values(last_error=str(error)[:300], **values))
            log.warning("alert message %s (subscription %s), attempt %s: %s%s", row.id, row.subscription_id, attempts, error,
                        "; given up" if last else f"; next attempt in {pause}")
            failed, retrying = failed + last, retrying + (not last)
            continue
        with engine.begin() as conn:
            conn.execute(update(d).where(d.id == row.id).values(status="sent", sent_at=moment(), last_error=None))
        sent += 1
    return sent, retrying, failed


def deliver_alerts(engine: Engine, settings, now: dt.datetime | None = None, transports: dict[Channel, Callable[..., None]] | None = None) -> DeliveryReport:
    """Compose the notices and digests that are due and send every pending message (see the
    module docstring). ``now``: the wall clock, naive UTC (default the present)."""
    now = now or _utcnow()
    s = models.RollupState
    with engine.connect() as conn:
        rounds = conn.execute(select(s.round_id).order_by(s.round_id)).scalars().all()
    newest = latest_round(engine)
    notices = digests = errors = 0
    for subscription in list_subscriptions(engine, active_only=True):
        try:
            for round_id in rounds:
                if subscription.immediate:
                    notices += plan_notice(engine, round_id, subscription, settings, now)
            if subscription.digest and newest is not None and newest.id in rounds:
                digests += plan_digest(engine, newest.id, subscription, settings, now)
        except Exception:  # noqa: BLE001 - one subscription's trouble must not stop the others' messages
            log.exception("alert messages of subscription %s (%s) could not be composed", subscription.id, subscription.user.name)
            errors += 1
    sent, retrying, failed = send_due(engine, settings, now, transports)
    report = DeliveryReport(notices, digests, sent, retrying, failed, errors)
    if notices or digests or sent or retrying or failed or errors:
        log.info("alert delivery: %s", report)
    return report


def deliveries(engine: Engine, limit: int = 50) -> pd.DataFrame:
    """The newest messages and what became of them (the record of what was sent), without
    their text: ``id``, ``created_at``, ``user``, ``channel``, ``address``, ``kind``,
    ``status``, ``attempts``, ``sent_at``, ``last_error``."""
    d, s, u = models.AlertDelivery, models.AlertSubscription, models.AppUser
    query = (
        select(d.id, d.created_at, u.name.label("user"), s.channel, s.address, d.kind, d.status, d.attempts, d.sent_at, d.last_error)
        .join(s, s.id == d.subscription_id).join(u, u.id == s.user_id).order_by(d.id.desc()).limit(limit)
    )
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


__all__ = [
    "DeliveryError", "DeliveryReport", "compose_digest", "compose_notice", "deliver_alerts", "deliveries", "digest_day",
    "plan_digest", "plan_notice", "post_webhook", "send_due", "send_email", "signature",
]
