"""What data the dashboard is connected to: the answer of ``/readyz`` and the page header.

Every figure here is a cheap, index-backed query (a count over ``round``, ``max`` over the
indexed ``visit.submitted_at``), so a load balancer may poll it every few seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.store import models
from dashboard.store.database import describe_url, has_schema


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    start_date: dt.date
    deadline: dt.date
    simulated: bool


@dataclass(frozen=True)
class DataStatus:
    """Reachability and freshness of the database."""

    database: str
    backend: str
    reachable: bool
    schema_ready: bool = False
    rounds: list[RoundInfo] = field(default_factory=list)
    newest_submission: dt.datetime | None = None
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.reachable and self.schema_ready

    def to_json(self, with_location: bool = True) -> dict:
        """As JSON. ``with_location=False`` (anyone but an admin) leaves out which database
        it is and the driver's error text (they may name a file, a host or a port)."""
        data = asdict(self)
        if not with_location:
            del data["database"]
            if self.error is not None:
                data["error"] = "the database is unreachable" if not self.reachable else self.error
        data["ready"] = self.ready
        data["newest_submission"] = (
            self.newest_submission.isoformat() + "Z" if self.newest_submission else None
        )
        data["rounds"] = [
            {**asdict(r), "start_date": r.start_date.isoformat(), "deadline": r.deadline.isoformat()}
            for r in self.rounds
        ]
        return data


def data_status(engine: Engine) -> DataStatus:
    """Check the database; never raises for a database problem (it is reported instead)."""
    base = {"database": describe_url(str(engine.url)), "backend": engine.dialect.name}
    try:
        if not has_schema(engine):
            return DataStatus(**base, reachable=True, error="the schema is not created: run the migrations")
        with engine.connect() as conn:
            r = models.Round
            rounds = [
                RoundInfo(row.id, row.name, row.start_date, row.deadline, row.simulated)
                for row in conn.execute(
                    select(r.id, r.name, r.start_date, r.deadline, r.simulation.is_not(None).label("simulated")).order_by(r.id)
                )
            ]
            newest = conn.execute(select(func.max(models.Visit.submitted_at))).scalar_one()
    except SQLAlchemyError as exc:
        return DataStatus(**base, reachable=False, error=type(exc).__name__ + ": " + str(exc.orig or exc).splitlines()[0])
    return DataStatus(**base, reachable=True, schema_ready=True, rounds=rounds, newest_submission=newest)


def target_count(engine: Engine, round_id: int) -> int:
    """Targets of a round (for the page header; index-only on both engines)."""
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(models.Target).where(models.Target.round_id == round_id)
        ).scalar_one()
