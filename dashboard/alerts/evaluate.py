"""Evaluating the alert rules after a refresh, keeping each alert as one row while it
holds, and reading them back as a feed for a user's area.

``evaluate_alerts`` is called by the writer after every refresh of the rollups and the
quality (the simulator, its live mode, the loader, ``manage rollups``) and by ``python -m
dashboard.manage alerts`` on a schedule (the only way to notice that data *stopped*
arriving). It reads the rollups (never the raw visits), so its cost does not grow with the
number of visits.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Engine

from dashboard.access.policy import Access, Role
from dashboard.alerts.rules import (
    SEVERITY_ORDER,
    AlertParameters,
    Condition,
    Severity,
    flag_jump_conditions,
    idle_conditions,
    idle_facilitators,
    no_visits_conditions,
    risk_conditions,
    schedule_conditions,
    stale_conditions,
)
from dashboard.figures.forecast import child_forecasts
from dashboard.figures.queries import Level, Scope, data_state, region_names, round_dates
from dashboard.formatting import region_display_name
from dashboard.store import models

log = logging.getLogger(__name__)
_NATION = Access.nationwide("alerts")
WIB_HOURS = 7


@dataclass(frozen=True)
class AlertChanges:
    opened: int
    kept: int
    closed: int


def current_conditions(engine: Engine, round_id: int, parameters: AlertParameters, now: dt.datetime | None = None) -> list[Condition]:
    """Every condition that holds for the round as of its newest data (``now``: the wall
    clock, naive UTC, for the stale-data rule; default the present)."""
    dates, state = round_dates(engine, round_id), data_state(engine, round_id)
    if dates is None or state is None:
        return []
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    day, start, deadline = state.day, dates.start_date, dates.deadline
    provinces = child_forecasts(engine, round_id, Scope.national(), day, start, deadline, access=_NATION, rule=parameters.schedule)
    regencies = child_forecasts(engine, round_id, Scope.national(), day, start, deadline, access=_NATION, rule=parameters.schedule, regencies=True)
    conditions = schedule_conditions(provinces, "province") + schedule_conditions(regencies, "regency")
    local_hour = (state.data_until + dt.timedelta(hours=WIB_HOURS)).hour
    conditions += no_visits_conditions(regencies, _started_on(engine, round_id, day), day, local_hour, start, deadline, parameters)
    conditions += idle_conditions(_last_visits(engine, round_id, day, start, parameters), day, start, deadline, parameters)
    conditions += flag_jump_conditions(_quality_windows(engine, round_id, day, parameters.flag_recent_days), parameters)
    conditions += risk_conditions(_risk(engine, round_id))
    conditions += stale_conditions(state.data_until, now, start, deadline, parameters)
    return conditions


def _started_on(engine: Engine, round_id: int, day: dt.date) -> pd.Series:
    d = models.RollupRegencyDay
    with engine.connect() as conn:
        rows = conn.execute(
            select(d.regency_code, func.sum(d.started)).where(d.round_id == round_id, d.day == day).group_by(d.regency_code)
        ).all()
    return pd.Series({code: int(n or 0) for code, n in rows}, dtype="int64")


def _last_visits(engine: Engine, round_id: int, day: dt.date, start: dt.date, parameters: AlertParameters) -> pd.DataFrame:
    """Each facilitator's last day with a visit; for those idle long enough, also their
    targets left (their targets counted by the index of ``target``, a thousand at a time:
    only for the idle, so the cost follows them, not the round)."""
    f, d, t = models.Facilitator, models.RollupFacilitatorDay, models.Target
    per = (
        select(d.facilitator_id, func.max(d.day).filter(d.started > 0).label("last_day"), func.sum(d.submitted).label("submitted"))
        .where(d.round_id == round_id, d.day <= day)
        .group_by(d.facilitator_id)
        .subquery()
    )
    with engine.connect() as conn:
        frame = pd.read_sql(
            select(f.id.label("facilitator_id"), f.regency_code, per.c.last_day, per.c.submitted).outerjoin(per, per.c.facilitator_id == f.id),
            conn,
        )
        idle = idle_facilitators(frame, day, start, parameters)["facilitator_id"].tolist()
        targets: dict[str, int] = {}
        for first in range(0, len(idle), 1000):
            chunk = idle[first:first + 1000]
            targets.update(conn.execute(
                select(t.facilitator_id, func.count()).where(t.round_id == round_id, t.facilitator_id.in_(chunk)).group_by(t.facilitator_id)
            ).all())
    frame["targets_left"] = frame["facilitator_id"].map(targets).fillna(0) - frame["submitted"].fillna(0)
    return frame


def _quality_windows(engine: Engine, round_id: int, day: dt.date, recent_days: int) -> pd.DataFrame:
    q, d = models.RollupQualityDay, models.RollupRegencyDay
    first_recent = day - dt.timedelta(days=recent_days - 1)

    def split(table, column):
        recent = func.sum(func.coalesce(column, 0)).filter(table.day >= first_recent)
        earlier = func.sum(func.coalesce(column, 0)).filter(table.day < first_recent)
        return select(table.regency_code, recent.label("recent"), earlier.label("earlier")).where(
            table.round_id == round_id, table.day <= day).group_by(table.regency_code)

    with engine.connect() as conn:
        flagged = pd.read_sql(split(q, q.flagged), conn).set_index("regency_code")
        submitted = pd.read_sql(split(d, d.submitted), conn).set_index("regency_code")
    frame = pd.DataFrame({
        "recent_flagged": flagged["recent"], "earlier_flagged": flagged["earlier"],
        "recent_submitted": submitted["recent"], "earlier_submitted": submitted["earlier"],
    }).fillna(0)
    return frame


def _risk(engine: Engine, round_id: int) -> pd.DataFrame:
    r = models.FacilitatorRisk
    with engine.connect() as conn:
        return pd.read_sql(select(r.facilitator_id, r.regency_code, r.score, r.high_risk).where(r.round_id == round_id), conn)


def evaluate_alerts(engine: Engine, round_id: int, parameters: AlertParameters, now: dt.datetime | None = None) -> AlertChanges:
    """Open an alert for each condition that newly holds, bring up to date those that still
    hold (one row per persisting alert) and close those that no longer hold, as of the
    round's newest data."""
    state = data_state(engine, round_id)
    if state is None:
        return AlertChanges(0, 0, 0)
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        return _store(engine, round_id, state.data_until, now, current_conditions(engine, round_id, parameters, now))
    except IntegrityError:
        # Another writer (cron, a load, the live simulator) opened the same alert first:
        # its row holds now, and a second pass keeps it instead of opening it again.
        log.info("alerts of round %s were evaluated concurrently: evaluated again", round_id)
        return _store(engine, round_id, state.data_until, now, current_conditions(engine, round_id, parameters, now))


def _store(engine: Engine, round_id: int, at: dt.datetime, now: dt.datetime, conditions: list[Condition]) -> AlertChanges:
    """Open, keep and close the alerts of ``round_id`` to match ``conditions``, in one transaction."""
    current = {c.key: c for c in conditions}
    a = models.Alert
    opened = kept = closed = 0
    with engine.begin() as conn:
        for alert_id, rule, subject in conn.execute(select(a.id, a.rule, a.subject).where(a.round_id == round_id, a.closed_at.is_(None))).all():
            condition = current.pop((rule, subject), None)
            if condition is None:
                conn.execute(update(a).where(a.id == alert_id).values(closed_at=max(at, now) if rule == "data_stopped" else at))
                closed += 1
            else:
                conn.execute(update(a).where(a.id == alert_id).values(
                    last_seen_at=now if rule == "data_stopped" else at, details=condition.details, severity=condition.severity.value))
                kept += 1
        rows = [
            {"round_id": round_id, "rule": c.rule, "severity": c.severity.value, "scope_code": c.scope_code, "subject": c.subject,
             "opened_at": now if c.rule == "data_stopped" else at, "last_seen_at": now if c.rule == "data_stopped" else at,
             "details": c.details}
            for c in current.values()
        ]
        if rows:
            conn.execute(a.__table__.insert(), rows)
        opened = len(rows)
    if opened or closed:
        log.info("alerts of round %s: %s opened, %s still open, %s closed", round_id, opened, kept, closed)
    return AlertChanges(opened, kept, closed)


def evaluate_with_settings(engine: Engine, round_id: int, settings, now: dt.datetime | None = None) -> AlertChanges:
    return evaluate_alerts(engine, round_id, AlertParameters.of(settings), now)


#: The rules about facilitators (a subject that is a facilitator, or a list of them): only
#: for users who see facilitators.
FACILITATOR_RULES = ("facilitator_high_risk", "facilitators_idle")


def _visible(access: Access):
    """WHERE conditions for the alerts ``access`` may see: those of its area; the
    facilitator rules only for users who see facilitators."""
    a = models.Alert
    facilitator_rules = FACILITATOR_RULES
    if access.nationwide_area:
        area = []
    else:
        codes = sorted(access.codes)
        area = [or_(a.scope_code.in_(codes), func.substr(a.scope_code, 1, 2).in_([c for c in codes if len(c) == 2]))]
    if not access.sees_facilitators:
        area.append(a.rule.not_in(facilitator_rules))
    return area


def alert_feed(
    engine: Engine, round_id: int, scope: Scope, *, access: Access, include_closed: bool = False, limit: int = 200
) -> pd.DataFrame:
    """The alerts of ``scope`` (its own and those of the regions and facilitators within
    it) that ``access`` may see: open ones first, then the most severe, then the newest.
    Columns: ``id``, ``rule``, ``severity``, ``scope_code``, ``subject``, ``opened_at``,
    ``last_seen_at``, ``closed_at``, ``details``, ``acknowledged_at``, ``acknowledged_by``,
    ``note``."""
    a = models.Alert
    where = [a.round_id == round_id, *_visible(access)]
    if scope.code:
        where.append(or_(a.scope_code == scope.code, a.scope_code.like(scope.code + ".%")))
    if not include_closed:
        where.append(a.closed_at.is_(None))
    severity = case({s.value: rank for s, rank in SEVERITY_ORDER.items()}, value=a.severity, else_=9)
    with engine.connect() as conn:
        frame = pd.read_sql(
            select(a).where(and_(*where)).order_by(a.closed_at.is_not(None), severity, a.opened_at.desc(), a.id.desc()).limit(limit), conn
        )
    # NULL as None, never NaN (NaN is not JSON, and "nan" would be shown as a note).
    return frame.astype(object).where(frame.notna(), None)


def subject_names(engine: Engine, feed: pd.DataFrame) -> dict[str, str]:
    """Names of the subjects of ``feed`` (from :func:`alert_feed`, which already left out
    what its user may not see): regions by code, facilitators (staff) by id."""
    names = {"ID": "Indonesia"}
    names.update({code: region_display_name(name) for code, name in region_names(engine, Level.PROVINCE).items()})
    about_people = feed["rule"].isin(FACILITATOR_RULES)
    for province in {s[:2] for s in feed.loc[~about_people, "subject"] if len(s) == 5}:
        names.update({code: region_display_name(n) for code, n in region_names(engine, Level.REGENCY, Scope.of(province)).items()})
    people = feed.loc[feed["rule"] == "facilitator_high_risk", "subject"].tolist()
    if people:
        f = models.Facilitator
        with engine.connect() as conn:
            names.update(dict(conn.execute(select(f.id, f.name).where(f.id.in_(people[:1000]))).all()))
    return names


def alert_counts(engine: Engine, round_id: int, scope: Scope, *, access: Access) -> pd.Series:
    """The open alerts of ``scope`` that ``access`` may see, counted by severity."""
    a = models.Alert
    where = [a.round_id == round_id, a.closed_at.is_(None), *_visible(access)]
    if scope.code:
        where.append(or_(a.scope_code == scope.code, a.scope_code.like(scope.code + ".%")))
    with engine.connect() as conn:
        rows = conn.execute(select(a.severity, func.count()).where(*where).group_by(a.severity)).all()
    return pd.Series(dict(rows), dtype="int64")


def alert_changes_since(engine: Engine, round_id: int, since: dt.datetime, *, access: Access) -> tuple[int, int]:
    """How many alerts that ``access`` may see opened and closed at or after ``since`` (the
    data's time)."""
    a = models.Alert
    where = [a.round_id == round_id, *_visible(access)]
    with engine.connect() as conn:
        opened = conn.execute(select(func.count()).where(*where, a.opened_at >= since)).scalar_one()
        closed = conn.execute(select(func.count()).where(*where, a.closed_at >= since)).scalar_one()
    return int(opened), int(closed)


def acknowledge(engine: Engine, alert_id: int, *, access: Access, note: str | None, at: dt.datetime | None = None) -> bool:
    """Mark an alert the user may see as acknowledged, with an optional note (at most 500
    characters, stored as text); False if there is no such alert in their view, or the
    account only watches (a wall screen's display account)."""
    if access.role in (Role.DISPLAY, Role.LOADER) or not access.signed_in:
        return False
    a = models.Alert
    note = (note or "").strip()[:500] or None
    with engine.begin() as conn:
        result = conn.execute(
            update(a).where(a.id == alert_id, *_visible(access)).values(
                acknowledged_at=at or dt.datetime.now(dt.UTC).replace(tzinfo=None), acknowledged_by=access.user, note=note)
        )
    return result.rowcount == 1


__all__ = ["AlertChanges", "Severity", "acknowledge", "alert_changes_since", "alert_counts", "alert_feed", "subject_names", "current_conditions", "evaluate_alerts", "evaluate_with_settings"]
