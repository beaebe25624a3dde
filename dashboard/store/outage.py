"""Whether a database answers, and since when it does not: one record per database and
process, fed by the engine itself (:func:`watch`: SQLAlchemy's ``handle_error`` and
``engine_connect`` events), so that every query of the process counts, whoever makes it.

A database outage is an operator's event, not a bug: every request that meets it answers
503 (API, exports) or keeps the last good figures on screen with a notice (pages), and the
log says it **once** when the database stops answering and once when it answers again,
not once per request (forty wall screens polling every 15 s would flood it). A primary and
its read replica (``DATABASE_READ_URL``) have a record each: one may be down while the
other answers.

:func:`is_outage` tells an unreachable database (no connection, connection lost, pool
exhausted, a locked SQLite file) from a failing query (a bug, or a row the code does not
expect), which must not be hidden behind "try again later".
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

#: What a client is told to wait before it tries again (``Retry-After``, seconds).
RETRY_AFTER_SECONDS = 30


#: SQLSTATE classes of a lost or refused connection (08: connection exception; 57P0x:
#: the server shuts down or restarts) and of a server that cannot accept work (53: out of
#: resources). A statement timeout, deadlock or missing table is a failing query instead.
_OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53")


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached (rather than a query failed)."""
    if isinstance(exc, (InterfaceError, PoolTimeout)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    original = getattr(exc, "orig", None)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate.startswith(_OUTAGE_SQLSTATES)
    text = str(original or exc).lower()
    if "sqlite" in type(original).__module__:
        return any(s in text for s in ("database is locked", "unable to open database", "disk i/o error"))
    return True  # a driver error without a SQLSTATE: the connection itself failed


@dataclass(frozen=True)
class Reachability:
    reachable: bool
    #: When this process first met the outage (None while the database answers).
    unreachable_since: dt.datetime | None = None


class _Monitor:
    def __init__(self, name: str = "the database") -> None:
        self.name = name
        self._lock = threading.Lock()
        self._since: dt.datetime | None = None

    def failed(self, exc: BaseException) -> None:
        """Note an outage (logged when it begins, with the driver's first line)."""
        now = _now()
        with self._lock:
            first = self._since is None
            if first:
                self._since = now
        if first:
            message = str(getattr(exc, "orig", None) or exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.error("%s does not answer (%s: %s); serving the last good figures", self.name, type(exc).__name__, message)

    def succeeded(self) -> None:
        """Note that a query succeeded (logged when it ends an outage)."""
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            log.warning("%s answers again after %.0f s", self.name, (_now() - since).total_seconds())

    def state(self) -> Reachability:
        with self._lock:
            return Reachability(self._since is None, self._since)

    def reset(self) -> None:  # tests
        with self._lock:
            self._since = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


_monitors: dict[str, _Monitor] = {}
_monitors_lock = threading.Lock()


def monitor_for(url: str) -> _Monitor:
    """The record of the database at ``url`` (as an engine renders it, password hidden)."""
    parsed = make_url(url)
    key = parsed.render_as_string(hide_password=True)
    with _monitors_lock:
        if key not in _monitors:
            _monitors[key] = _Monitor(f"the {parsed.get_backend_name()} database {parsed.database or ''}".rstrip())
        return _monitors[key]


def watch(engine: Engine) -> None:
    """Keep the record of ``engine``'s database: a connection handed out (the pool checked
    it) means it answers; an error that :func:`is_outage` recognises means it does not."""
    record = monitor_for(engine.url.render_as_string(hide_password=False))

    @event.listens_for(engine, "engine_connect")
    def _connected(_connection) -> None:
        record.succeeded()

    @event.listens_for(engine, "handle_error")
    def _failed(context) -> None:
        if is_outage(context.sqlalchemy_exception or context.original_exception):
            record.failed(context.sqlalchemy_exception or context.original_exception)


def reset() -> None:  # tests
    with _monitors_lock:
        for record in _monitors.values():
            record.reset()


__all__ = ["RETRY_AFTER_SECONDS", "Reachability", "is_outage", "monitor_for", "reset", "watch"]
