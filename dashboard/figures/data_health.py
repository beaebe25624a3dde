"""What the figures leave out and how fresh they are: the pages' "n visits not counted"
and the admins' data-health section.

Excluded visits are counted by the rollups (``dashboard.store.rollups.countable``) per day,
kabupaten/kota and reason. A visit is attributed to its kabupaten/kota (its province code
may be the very thing that is wrong), so a province's count is that of its kabupaten/kota.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import String, func, or_, select
from sqlalchemy import cast as sa_cast
from sqlalchemy.engine import Engine

from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.queries import Level, Scope
from dashboard.store import models
from dashboard.store.rollups import DAY_OFFSET_HOURS, EXCLUSION_REASONS


def _in_scope(table, scope: Scope) -> list:
    if scope.level == Level.PROVINCE:
        return [func.substr(table.regency_code, 1, 2) == scope.code]
    if scope.level == Level.REGENCY:
        return [table.regency_code == scope.code]
    return []


def _in_area(table, access: Access) -> list:
    if access.nationwide_area:
        return []
    if not access.signed_in or not access.codes:
        return [table.regency_code.is_(None)]  # nothing
    return [or_(func.substr(table.regency_code, 1, 2).in_(sorted(access.provinces)), table.regency_code.in_(sorted(access.regencies)))]


def excluded_visits(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access) -> pd.Series:
    """Visits of ``scope`` (within the area of ``access``) left out of the figures up to
    ``day``, by reason (an empty series when none)."""
    x = models.RollupExcludedVisits
    query = (
        select(x.reason, func.sum(x.visits).label("visits"))
        .where(x.round_id == round_id, x.day <= day, *_in_scope(x, scope), *_in_area(x, access))
        .group_by(x.reason)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.Series({reason: int(n) for reason, n in rows}, dtype="int64")


@dataclass(frozen=True)
class RoundHealth:
    round_id: int
    name: str
    data_until: dt.datetime | None
    rolled_up_at: dt.datetime | None
    flags_refreshed_at: dt.datetime | None
    risk_scored_at: dt.datetime | None
    newest_submission: dt.datetime | None
    excluded: int


@dataclass(frozen=True)
class DataHealth:
    rounds: list[RoundHealth]
    #: Excluded visits by round, day and reason (newest day first).
    by_day: pd.DataFrame
    #: Excluded visits by round, kabupaten/kota and reason (most first).
    by_regency: pd.DataFrame
    #: Each source of loaded data (a file name, ``api:<user>``) and kind: its newest load,
    #: loads, rows read, written and quarantined (newest first).
    sources: pd.DataFrame
    #: Quarantined rows by day received (WIB), source, kind and reason, with one full
    #: message of each (newest first).
    quarantine: pd.DataFrame


def data_health(engine: Engine, *, access: Access) -> DataHealth:
    """Freshness of every round's figures and what they leave out (admins only)."""
    if not access.is_admin:
        raise OutOfScope("data health is for admins")
    r, s, q, x, v = models.Round, models.RollupState, models.QualityState, models.RollupExcludedVisits, models.Visit
    with engine.connect() as conn:
        newest = dict(conn.execute(select(v.round_id, func.max(v.submitted_at)).group_by(v.round_id)).all())
        excluded = dict(conn.execute(select(x.round_id, func.sum(x.visits)).group_by(x.round_id)).all())
        rounds = [
            RoundHealth(row.id, row.name, row.data_until, row.refreshed_at, row.flags_at, row.risk_scored_at,
                        newest.get(row.id), int(excluded.get(row.id) or 0))
            for row in conn.execute(
                select(r.id, r.name, s.data_until, s.refreshed_at, q.refreshed_at.label("flags_at"), q.risk_scored_at)
                .outerjoin(s, s.round_id == r.id).outerjoin(q, q.round_id == r.id).order_by(r.id.desc())
            )
        ]
        by_day = pd.read_sql(
            select(x.round_id, x.day, x.reason, func.sum(x.visits).label("visits"))
            .group_by(x.round_id, x.day, x.reason).order_by(x.round_id.desc(), x.day.desc(), x.reason), conn,
        )
        by_regency = pd.read_sql(
            select(x.round_id, x.regency_code, x.reason, func.sum(x.visits).label("visits"))
            .group_by(x.round_id, x.regency_code, x.reason), conn,
        ).sort_values(["visits", "regency_code"], ascending=[False, True])
        b, qr = models.IngestBatch, models.IngestQuarantine
        sources = pd.read_sql(
            select(b.source, b.kind, func.max(b.received_at).label("newest"), func.count().label("loads"),
                   func.sum(b.rows_read).label("read"), func.sum(b.rows_written).label("written"),
                   func.sum(b.rows_quarantined).label("quarantined"))
            .group_by(b.source, b.kind).order_by(func.max(b.received_at).desc()), conn,
        )
        hour = func.substr(sa_cast(qr.received_at, String), 1, 13)  # "YYYY-MM-DD HH", the same on both engines
        quarantined = pd.read_sql(
            select(hour.label("hour"), qr.source, qr.kind, qr.reason, func.count().label("rows"))
            .group_by(hour, qr.source, qr.kind, qr.reason), conn,
        )
    # The day in WIB, as every other time on the page (stored times are UTC).
    quarantined["day"] = (pd.to_datetime(quarantined["hour"], format="%Y-%m-%d %H") + pd.Timedelta(hours=DAY_OFFSET_HOURS)).dt.date
    # Grouped by the field a reason names ("status: ..." → status), with one full message.
    quarantined["detail"] = quarantined["reason"]
    quarantined["reason"] = quarantined["reason"].str.split(":").str[0]
    quarantine = (
        quarantined.groupby(["day", "source", "kind", "reason"]).agg(rows=("rows", "sum"), detail=("detail", "first")).reset_index()
        .sort_values(["day", "rows"], ascending=[False, False])
    )
    return DataHealth(rounds, by_day, by_regency, sources, quarantine)


__all__ = ["EXCLUSION_REASONS", "DataHealth", "RoundHealth", "data_health", "excluded_visits"]
