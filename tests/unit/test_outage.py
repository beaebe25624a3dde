"""What counts as a database outage, and one record per database (dashboard/store/outage.py)."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from dashboard.store import outage


class _DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _operational(orig: Exception) -> OperationalError:
    return OperationalError("SELECT 1", {}, orig)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_operational(_DriverError("connection refused", None)), True),  # psycopg: no SQLSTATE on connect
        (_operational(_DriverError("terminating connection due to administrator command", "57P01")), True),
        (_operational(_DriverError("server closed the connection", "08006")), True),
        (_operational(_DriverError("too many connections", "53300")), True),
        (_operational(_DriverError("canceling statement due to statement timeout", "57014")), False),
        (_operational(_DriverError("deadlock detected", "40P01")), False),
        (_operational(_DriverError("could not obtain lock", "55P03")), False),
        (_operational(sqlite3.OperationalError("database is locked")), True),
        (_operational(sqlite3.OperationalError("unable to open database file")), True),
        (_operational(sqlite3.OperationalError("no such table: visit")), False),
        (IntegrityError("INSERT", {}, _DriverError("duplicate key", "23505")), False),
        (ProgrammingError("SELECT", {}, _DriverError("syntax error", "42601")), False),
        (DBAPIError("SELECT 1", {}, _DriverError("gone", None), connection_invalidated=True), True),
    ],
)
def test_only_connection_failures_are_an_outage(error, expected):
    assert outage.is_outage(error) is expected


def test_each_database_has_its_own_record_and_logs_once(caplog):
    outage.reset()
    primary = outage.monitor_for("postgresql+psycopg://app:secret@primary:5432/groundcheck")
    replica = outage.monitor_for("postgresql+psycopg://app:secret@replica:5432/groundcheck")
    assert primary is outage.monitor_for("postgresql+psycopg://app:secret@primary:5432/groundcheck")
    caplog.set_level(logging.INFO, logger="dashboard.store.outage")
    for _ in range(5):  # forty requests meet the outage: one line
        primary.failed(_operational(_DriverError("connection refused", None)))
        replica.succeeded()  # the replica answering does not end the primary's outage
    assert not primary.state().reachable and replica.state().reachable
    since = primary.state().unreachable_since
    primary.failed(_operational(_DriverError("connection refused", None)))
    assert primary.state().unreachable_since == since
    primary.succeeded()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("does not answer" in m for m in messages) == 1
    assert sum("answers again" in m for m in messages) == 1
    assert not any("secret" in m for m in messages)
