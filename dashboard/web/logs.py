"""Logs an operator can search: one JSON object per line (``LOG_FORMAT=json``, the default)
with, for a line written while serving a request, its request id, user, area and path;
slow requests, callbacks and queries logged with their duration.

The request id comes from the ``X-Request-ID`` header of a proxy (if it is a plain token)
or is made here, and is sent back in the response, so that a user's report ("the map
failed at 14:05") can be found in the log. Query parameters are never logged: a search
box's text or a filter may hold anything.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import TextIO

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import event
from sqlalchemy.engine import Engine

from dashboard.settings import Settings

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_HANDLER_NAME = "groundcheck"


class RequestContext(logging.Filter):
    """Adds the request's id, user, area and path to every record written while serving it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            access = g.get("access")
            record.user = getattr(access, "user", None)
            record.area = ",".join(sorted(access.codes)) if access is not None and access.codes else None
            record.path = request.path
            if g.get("callback"):
                record.callback = g.callback
        return True


def configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """One handler on the root logger, in ``LOG_FORMAT``, at ``LOG_LEVEL`` (called once per
    process by the app, the CLIs and gunicorn's workers; calling it again replaces it)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    if settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RequestContext())
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    return handler


def register_request_logging(server: Flask, settings: Settings) -> None:
    """A request id for every request (kept in ``g``, sent back as ``X-Request-ID``), and a
    line for each request slower than ``SLOW_REQUEST_MS``."""

    @server.before_request
    def _start():
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @server.after_request
    def _finish(response):
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        started = g.get("request_started")
        if started is not None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            if elapsed_ms >= settings.slow_request_ms:
                log.warning(
                    "slow request", extra={"duration_ms": round(elapsed_ms, 1), "status": response.status_code, "method": request.method}
                )
        return response


def log_slow_queries(engine: Engine, threshold_ms: int) -> None:
    """Log each statement of ``engine`` slower than ``threshold_ms`` (its text, not its
    parameters). Engines are shared by the process: the last threshold set applies."""
    first = not hasattr(engine, "_groundcheck_slow_query_ms")
    engine._groundcheck_slow_query_ms = threshold_ms  # type: ignore[attr-defined]
    if not first:
        return

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, _cursor, _statement, _parameters, _context, _executemany):
        conn.info.setdefault("query_started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, _cursor, statement, _parameters, _context, _executemany):
        started = conn.info.get("query_started")
        if not started:
            return
        elapsed_ms = (time.perf_counter() - started.pop()) * 1000
        if elapsed_ms >= engine._groundcheck_slow_query_ms:
            log.warning("slow query", extra={"duration_ms": round(elapsed_ms, 1), "statement": " ".join(statement.split())[:500]})


__all__ = ["REQUEST_ID_HEADER", "RequestContext", "configure_logging", "log_slow_queries", "register_request_logging"]
