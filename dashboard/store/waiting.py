"""The waiting cases, kept as the data arrive: each target's status as of the newest data
(``waiting_case``) and the open cases per facilitator, status and day entered
(``rollup_waiting``), which the waiting-cases figures of every scope sum
(``dashboard.figures.waiting``).

Why kept and not computed per request: the status of a case at the end of a day is a
function of its visit's times and audit trail, so its figures are a GROUP BY over every
target joined with its visit, a minute for the nation at 20M targets, after every batch.
Kept, a batch costs what it changed: the targets of the visits written since the last
refresh (``visit.updated_at`` after ``rollup_state.waiting_until``) get their status again,
their old status is read from ``waiting_case``, and the difference is added to
``rollup_waiting`` (an upsert); targets left out for now (a visit the rollups do not count,
an assignment after the newest data) are looked at again by every refresh, as the clock
may make them count. As the rollups, a deleted visit is not seen by a refresh: a rebuild
(``python -m dashboard.manage rollups``) counts everything again.

Status and age follow one definition, :func:`open_cases` (the SQL the figures of past days
still run on the raw rows), so that kept and computed figures agree;
``tests/integration/metrics/test_waiting_state.py`` holds them equal on both engines.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import pandas as pd
from sqlalchemy import Date, and_, case, cast, delete, func, insert, literal, or_, select, update
from sqlalchemy.engine import Connection

from dashboard.store import models
from dashboard.store.bulk import add_counts
from dashboard.store.rollups import DAY_OFFSET_HOURS, IDS_PER_QUERY, SqlClock, countable_sql, day_of, day_start_utc, newest_write
from dashboard.vocabulary import INTERVIEWED_OUTCOMES

log = logging.getLogger(__name__)

#: The open statuses, in the order of the lifecycle (who must act: the facilitator, the
#: facilitator, the reviewer, the facilitator, BPS).
STATUS_CODES = ("assigned", "started", "submitted", "returned", "approved")
#: Kept statuses that are not open: nothing to wait for; a visit the rollups leave out
#: (looked at again by every refresh); assigned after the newest data (likewise).
DONE, UNCOUNTED, LATER = "done", "uncounted", "later"
CASE_KEY = ["facilitator_id", "regency_code", "province_code", "status", "entered_day"]


def _day_end(day: dt.date) -> dt.datetime:
    return day_start_utc(day + dt.timedelta(days=1))


def _expressions(dialect: str, first_day: dt.date, data_until: dt.datetime | None, day: dt.date):
    """(status, since, counted, assigned, clock) of a target joined with its visit, at the
    end of ``day``, as SQL: ``status`` one of ``STATUS_CODES`` or NULL (done); ``since`` as
    ``SqlClock.of`` gives it; ``counted``: the rollups count its visit (or it has none);
    ``assigned``: assigned by the end of ``day``."""
    t, v, e = models.Target, models.Visit, models.VisitEvent
    clock = SqlClock(dialect)
    end = clock.at(_day_end(day))
    at = clock.of
    before = lambda column: and_(at(column).is_not(None), at(column) < end)  # noqa: E731
    last_event = lambda column: (  # noqa: E731
        select(column).where(e.target_id == v.target_id, at(e.occurred_at) < end)
        .order_by(at(e.occurred_at).desc(), e.id.desc()).limit(1).scalar_subquery()
    )
    not_started = or_(v.target_id.is_(None), ~before(v.started_at))
    not_submitted = ~before(v.submitted_at)
    approved = before(v.approved_at)
    awaiting_rerank = and_(approved, v.outcome.in_([o.value for o in INTERVIEWED_OUTCOMES]), ~before(v.reranked_at))
    first_review_pending = ~before(v.first_reviewed_at)
    # Reviewed, not approved: returned or (re)submitted, as its audit trail says; a visit
    # without one (its events not loaded) by its own status, since its latest review.
    last_status = last_event(e.status)
    returned = or_(last_status == "returned", and_(last_status.is_(None), v.status == "returned"))
    status = case(
        (not_started, literal("assigned")),
        (not_submitted, literal("started")),
        (awaiting_rerank, literal("approved")),
        (approved, literal(None)),
        (first_review_pending, literal("submitted")),
        (returned, literal("returned")),
        else_=literal("submitted"),
    )
    since = case(
        (not_started, at(t.assigned_at)),
        (not_submitted, at(v.started_at)),
        (awaiting_rerank, at(v.approved_at)),
        (first_review_pending, at(v.submitted_at)),
        else_=func.coalesce(at(last_event(e.occurred_at)), at(v.reviewed_at), at(v.first_returned_at), at(v.submitted_at)),
    )
    counted = or_(v.target_id.is_(None), countable_sql(clock, first_day, data_until)) if data_until is not None else v.target_id.is_(None)
    return status, since, counted, before(t.assigned_at), clock


def _bounds(conn: Connection, round_id: int) -> tuple[dt.date, dt.datetime | None]:
    """The first day the rollups hold and the newest data they count."""
    start = conn.execute(select(models.Round.start_date).where(models.Round.id == round_id)).scalar_one()
    data_until = conn.execute(select(models.RollupState.data_until).where(models.RollupState.round_id == round_id)).scalar()
    return start - dt.timedelta(days=1), data_until


def open_cases(conn: Connection, round_id: int, day: dt.date, *where, data_until: dt.datetime | None = None):
    """(subquery, clock): one row per target of the round (matching ``where``) open at the
    end of ``day``: its ``status`` and since when (``since``, as ``SqlClock.of`` gives it),
    with its region, facilitator and code. A target whose visit the rollups leave out
    (``countable``) is left out here too; ``data_until``: the newest data (else the
    rollups' own)."""
    t, v = models.Target, models.Visit
    first_day, kept_until = _bounds(conn, round_id)
    status, since, counted, assigned, clock = _expressions(conn.dialect.name, first_day, data_until or kept_until, day)
    query = (
        select(
            t.id.label("target_id"), t.code.label("target_code"), t.category, t.province_code, t.regency_code, t.facilitator_id,
            status.label("status"), since.label("since"),
        )
        .select_from(t)
        .outerjoin(v, v.target_id == t.id)
        .where(t.round_id == round_id, assigned, counted, *where)
        .subquery()
    )
    return query, clock


def _kept_states(conn: Connection, round_id: int, data_until: dt.datetime, *where):
    """The kept status of every target matching ``where`` as of ``data_until``: the rows of
    ``waiting_case``, as a SELECT the database writes into it itself (no row crosses to
    Python: 20M targets are one INSERT … SELECT)."""
    t, v = models.Target, models.Visit
    first_day, _ = _bounds(conn, round_id)
    status, since, counted, assigned, clock = _expressions(conn.dialect.name, first_day, data_until, day_of(data_until))
    kept = case((~counted, literal(UNCOUNTED)), (~assigned, literal(LATER)), else_=func.coalesce(status, literal(DONE)))
    # Stored to the second: SQLite's julian days (``SqlClock``) back to its text timestamps.
    stored = func.datetime(since) if clock.sqlite else since
    return (
        select(
            t.id, literal(round_id), t.code, t.category, t.province_code, t.regency_code, t.facilitator_id,
            kept, case((kept.in_(STATUS_CODES), stored), else_=None),
        )
        .select_from(t)
        .outerjoin(v, v.target_id == t.id)
        .where(t.round_id == round_id, *where)
    )


_CASE_COLUMNS = ["target_id", "round_id", "target_code", "category", "province_code", "regency_code", "facilitator_id", "status", "since"]


def _write_states(conn: Connection, round_id: int, data_until: dt.datetime, *where) -> None:
    conn.execute(insert(models.WaitingCase).from_select(_CASE_COLUMNS, _kept_states(conn, round_id, data_until, *where)))


def _entered_day(conn: Connection):
    """The WIB day of ``waiting_case.since``, as SQL."""
    w = models.WaitingCase
    if conn.dialect.name == "sqlite":
        return func.date(w.since, f"+{DAY_OFFSET_HOURS} hours")
    return cast(w.since + literal(dt.timedelta(hours=DAY_OFFSET_HOURS)), Date)


def _open_counts(conn: Connection, round_id: int, *where):
    """Open cases per ``CASE_KEY`` among the kept statuses matching ``where``, as a SELECT."""
    w = models.WaitingCase
    entered = _entered_day(conn).label("entered_day")
    keys = [w.facilitator_id, w.regency_code, w.province_code, w.status]
    return (
        select(*keys, entered, func.count().label("cases"))
        .where(w.round_id == round_id, w.status.in_(STATUS_CODES), *where)
        .group_by(*keys, entered)
    )


def _read_counts(conn: Connection, round_id: int, sign: int, *where) -> pd.DataFrame:
    counts = pd.read_sql(_open_counts(conn, round_id, *where), conn)
    counts["entered_day"] = pd.to_datetime(counts["entered_day"]).dt.date
    counts["cases"] = counts["cases"].astype("int64") * sign
    return counts


def _mark(conn: Connection, round_id: int, until: dt.datetime | None) -> None:
    state = models.RollupState
    conn.execute(update(state).where(state.round_id == round_id).values(waiting_until=until))


def rebuild_waiting(conn: Connection, round_id: int, data_until: dt.datetime) -> None:
    """Every target's status again, and the counts from them: two statements the database
    runs itself. Inside the rollups' transaction, after their state row exists."""
    began = time.perf_counter()
    newest = newest_write(conn, round_id)
    conn.execute(delete(models.WaitingCase).where(models.WaitingCase.round_id == round_id))
    conn.execute(delete(models.RollupWaiting).where(models.RollupWaiting.round_id == round_id))
    # The list's indexes built after the rows, not row by row: a third of the size (rows
    # inserted out of the index's order split its pages half full) and faster.
    indexes = sorted(models.WaitingCase.__table__.indexes, key=lambda index: index.name)
    for index in indexes:
        index.drop(conn)
    _write_states(conn, round_id, data_until)
    for index in indexes:
        index.create(conn)
    counts = _open_counts(conn, round_id).add_columns(literal(round_id).label("round_id"))
    conn.execute(insert(models.RollupWaiting).from_select([*CASE_KEY, "cases", "round_id"], counts))
    # The planner's statistics of the new rows: without them PostgreSQL took the list of a
    # status for a few rows and sorted 700,000 of them (2.4 s at 20M, 18 ms with them).
    for table in ("waiting_case", "rollup_waiting"):
        conn.exec_driver_sql(f"ANALYZE {table}")
    _mark(conn, round_id, newest or data_until)
    log.info("rebuilt the waiting cases of round %s in %.1f s", round_id, time.perf_counter() - began)


def refresh_waiting(conn: Connection, round_id: int, data_until: dt.datetime, *, targets_changed: bool = True) -> None:
    """Fold into the kept cases what was written since the last refresh (see the module's
    docstring); builds them whole the first time. ``targets_changed``: targets may have
    been written (those without a kept status are looked at); the simulator's live ticks
    write visits only."""
    began = time.perf_counter()
    state, w, v, t = models.RollupState, models.WaitingCase, models.Visit, models.Target
    until = conn.execute(select(state.waiting_until).where(state.round_id == round_id)).scalar()
    if until is None:
        rebuild_waiting(conn, round_id, data_until)
        return
    newest = newest_write(conn, round_id)
    ids = set(conn.execute(select(v.target_id).where(v.round_id == round_id, v.updated_at > until)).scalars())
    ids.update(conn.execute(select(w.target_id).where(w.round_id == round_id, w.status.in_([UNCOUNTED, LATER]))).scalars())
    if targets_changed:
        unknown = select(w.target_id).where(w.target_id == t.id).exists()
        ids.update(conn.execute(select(t.id).where(t.round_id == round_id, ~unknown)).scalars())
    ordered, changes = sorted(ids), []
    for start in range(0, len(ordered), IDS_PER_QUERY):
        chunk = ordered[start:start + IDS_PER_QUERY]
        changes.append(_read_counts(conn, round_id, -1, w.target_id.in_(chunk)))
        conn.execute(delete(w).where(w.target_id.in_(chunk)))
        _write_states(conn, round_id, data_until, t.id.in_(chunk))
        changes.append(_read_counts(conn, round_id, 1, w.target_id.in_(chunk)))
    if changes:
        _add_counts(conn, round_id, pd.concat(changes, ignore_index=True))
    _mark(conn, round_id, max(until, newest) if newest is not None else until)
    log.info("folded %s targets into the waiting cases of round %s in %.1f s", len(ordered), round_id, time.perf_counter() - began)


def _add_counts(conn: Connection, round_id: int, changes: pd.DataFrame) -> None:
    """``rollup_waiting`` plus ``changes`` (signed), rows that reach 0 removed."""
    net = changes.groupby(CASE_KEY, as_index=False)["cases"].sum()
    add_counts(conn, "rollup_waiting", round_id, net.loc[net["cases"] != 0], ["cases"])


def kept_day(conn: Connection, round_id: int) -> dt.date | None:
    """The first day whose end the kept cases describe (the newest data's WIB day), or None
    when they are not kept (not built yet): figures of that day and later read them."""
    state = models.RollupState
    row = conn.execute(select(state.data_until, state.waiting_until).where(state.round_id == round_id)).first()
    if row is None or row.waiting_until is None:
        return None
    return day_of(row.data_until)


__all__ = ["DONE", "LATER", "STATUS_CODES", "UNCOUNTED", "kept_day", "open_cases", "rebuild_waiting", "refresh_waiting"]
