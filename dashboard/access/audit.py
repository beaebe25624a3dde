"""The audit trail: who saw what, when and from where.

Kept in the database (``audit_event``) so that every app server writes to one trail and an
admin reads it on ``/admin``. What is recorded: sign-ins and their failures (and lockouts),
sign-outs, views of facilitator pages, results of the fabrication-risk review (and refusals
of pages, callbacks, downloads and API calls outside a user's area), downloads and API calls. Each event names the user, their
role and area, the action, what was asked (a path with its query, a facilitator id: never
a family's data), the HTTP status and the client's address. Events older than
``AUDIT_RETENTION_DAYS`` are removed, at most once an hour, by the server that writes.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from dashboard.access.policy import Access
from dashboard.store import models

log = logging.getLogger(__name__)

#: How often a writer removes events older than the retention.
PURGE_INTERVAL = dt.timedelta(hours=1)
_DETAIL_LENGTH = 500


class AuditAction(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    SIGN_OUT = "sign_out"
    FACILITATOR_VIEW = "facilitator_view"
    FACILITATOR_LIST = "facilitator_list"
    EXPORT = "export"
    API = "api"
    ALERT_ACKNOWLEDGE = "alert_acknowledge"
    #: A result of the fabrication-risk review queue recorded (or refused): the facilitator
    #: and the result, never the reviewer's note (``dashboard.quality.review``).
    RISK_REVIEW = "risk_review"
    DENIED = "denied"


@dataclass(frozen=True)
class AuditEntry:
    action: AuditAction
    detail: str
    user: str | None = None
    role: str | None = None
    area: str | None = None
    status: int | None = None
    remote_addr: str | None = None


def entry(action: AuditAction, access: Access | None, detail: str, status: int | None = None, remote_addr: str | None = None, user: str | None = None) -> AuditEntry:
    """An entry for ``access`` (or an unknown/anonymous user named ``user``)."""
    signed_in = access is not None and access.role is not None  # a loader account too
    return AuditEntry(
        action=action,
        detail=detail.replace("\x00", "")[:_DETAIL_LENGTH],  # PostgreSQL refuses NUL in text
        user=access.user if signed_in else (user or "").replace("\x00", "")[:64] or None,
        role=access.role.value if signed_in else None,
        area=access.describe() if signed_in else None,
        status=status,
        remote_addr=(remote_addr or "")[:64] or None,
    )


def write_now(conn, item: AuditEntry, at: dt.datetime | None = None) -> None:
    """Write ``item`` at once, on the caller's connection: inside its transaction, an action
    that changes data (a review of the risk queue) and its entry are written together or
    not at all. Views go through :class:`AuditTrail` instead, which never makes a page
    wait for the database."""
    conn.execute(models.AuditEvent.__table__.insert(), [{
        "at": at or dt.datetime.now(dt.UTC).replace(tzinfo=None), "action": item.action.value, "user_name": item.user,
        "role": item.role, "area": item.area, "detail": item.detail, "status": item.status, "remote_addr": item.remote_addr,
    }])


#: The same view by the same user within this window is recorded once (a page's
#: callbacks fetch a facilitator's data again whenever new data arrives).
REPEAT_WINDOW = dt.timedelta(minutes=10)


class AuditTrail:
    """Records entries in the database, in the background, and purges old ones.

    A request only queues its entry: a background thread of the process writes the queue in
    batches. An insert can wait (on SQLite, for the writer of the data to finish a batch,
    which takes seconds at national scale), and a page must not wait with it. A failing
    write is retried (a locked database) or logged, never raised: the audit must not take a
    page down, and the log says when it could not be written. Entries still queued when the
    process is killed are lost; :meth:`flush` waits for the queue (at exit, and in tests)."""

    #: Seconds between retries of a batch the database refused (a locked SQLite file).
    RETRY_SECONDS = 1.0
    #: ... and how often (two minutes: a writer's batch or a database restart).
    RETRIES = 120

    def __init__(self, engine: Engine, retention_days: int) -> None:
        self.engine = engine
        self.retention = dt.timedelta(days=retention_days)
        self._last_purge: dt.datetime | None = None
        self._lock = threading.Lock()
        self._recent: dict[tuple, dt.datetime] = {}
        self._queue: queue.Queue = queue.Queue()
        self._writer: threading.Thread | None = None
        self._writer_pid: int | None = None
        atexit.register(self.flush, 5.0)

    def _ensure_writer(self) -> None:
        """Start the writer thread in this process (threads do not survive a fork: a
        gunicorn worker that inherited the trail from its master starts its own)."""
        if self._writer_pid == os.getpid() and self._writer is not None and self._writer.is_alive():
            return
        with self._lock:
            if self._writer_pid != os.getpid() or self._writer is None or not self._writer.is_alive():
                if self._writer_pid != os.getpid():
                    self._queue = queue.Queue()  # what the parent queued is the parent's to write
                self._writer = threading.Thread(target=self._write_forever, name="audit-writer", daemon=True)
                self._writer.start()
                self._writer_pid = os.getpid()

    def record(self, item: AuditEntry, once_per_window: bool = False) -> None:
        """Queue ``item``; with ``once_per_window`` not if this process queued the same
        action and detail for the same user within ``REPEAT_WINDOW``."""
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        if once_per_window:
            key = (item.user, item.action, item.detail)
            with self._lock:
                if now - self._recent.get(key, dt.datetime.min) < REPEAT_WINDOW:
                    return
                if len(self._recent) > 10_000:
                    self._recent.clear()
                self._recent[key] = now
        self._ensure_writer()
        self._queue.put(
            {
                "at": now, "action": item.action.value, "user_name": item.user, "role": item.role, "area": item.area,
                "detail": item.detail, "status": item.status, "remote_addr": item.remote_addr,
            }
        )

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every queued entry is written (or ``timeout``); whether it was."""
        if self._writer is None or self._writer_pid != os.getpid():
            return True  # nothing queued in this process
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def _write_forever(self) -> None:
        while True:
            batch, events = [], []
            item = self._queue.get()
            while True:
                (events if isinstance(item, threading.Event) else batch).append(item)
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            attempts, wrote = 0, bool(batch)
            while batch:
                try:
                    with self.engine.begin() as conn:
                        conn.execute(models.AuditEvent.__table__.insert(), batch)
                    batch = []
                except OperationalError:  # locked or briefly unreachable: try again, a while
                    attempts += 1
                    if attempts >= self.RETRIES:
                        log.error("audit trail: %s entries lost, the database refused them %s times (%s)", len(batch), attempts, batch[:3])
                        batch = []
                    else:
                        if attempts == 1:  # once per batch, not once per retry
                            log.warning("audit trail: the database refused %s entries; retrying", len(batch))
                        time.sleep(self.RETRY_SECONDS)
                except SQLAlchemyError:  # one bad entry must not take the others with it
                    batch = self._write_one_by_one(batch)
            if wrote:  # a flush alone (at exit, say) does not touch the database
                self._purge_if_due(dt.datetime.now(dt.UTC).replace(tzinfo=None))
            for event in events:
                event.set()

    def _write_one_by_one(self, batch: list[dict]) -> list[dict]:
        """Write each entry of a refused batch alone; return those still to retry."""
        again = []
        for row in batch:
            try:
                with self.engine.begin() as conn:
                    conn.execute(models.AuditEvent.__table__.insert(), [row])
            except OperationalError:
                again.append(row)
            except SQLAlchemyError:
                log.exception("audit trail: an entry could not be written: %s", row)
        return again

    def _purge_if_due(self, now: dt.datetime) -> None:
        if self._last_purge is not None and now - self._last_purge < PURGE_INTERVAL:
            return
        self._last_purge = now
        try:
            purge(self.engine, now - self.retention)
        except SQLAlchemyError:
            log.warning("audit trail: could not remove old entries", exc_info=True)


def purge(engine: Engine, before: dt.datetime) -> int:
    """Remove the events before ``before``; returns how many."""
    with engine.begin() as conn:
        return conn.execute(delete(models.AuditEvent).where(models.AuditEvent.at < before)).rowcount


@dataclass(frozen=True)
class AuditQuery:
    """A filter of the trail (every field optional)."""

    user: str | None = None
    action: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str | None = None
    limit: int = 500


def read(engine: Engine, query: AuditQuery) -> pd.DataFrame:
    """The newest events matching ``query`` (at most ``query.limit``), newest first."""
    a = models.AuditEvent
    conditions = []
    if query.user:
        conditions.append(a.user_name == query.user)
    if query.action:
        conditions.append(a.action == query.action)
    if query.since:
        conditions.append(a.at >= dt.datetime.combine(query.since, dt.time()))
    if query.until:
        conditions.append(a.at < dt.datetime.combine(query.until + dt.timedelta(days=1), dt.time()))
    if query.text:
        conditions.append(a.detail.contains(query.text, autoescape=True))
    with engine.connect() as conn:
        return pd.read_sql(
            select(a.at, a.user_name, a.role, a.area, a.action, a.detail, a.status, a.remote_addr)
            .where(*conditions)
            .order_by(a.at.desc(), a.id.desc())
            .limit(max(1, min(query.limit, 5000))),
            conn,
        )
