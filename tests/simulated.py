"""Small simulated rounds for tests: fixed dates, so every run sees the same data."""

from __future__ import annotations

import datetime as dt
import itertools
import time

from dashboard.settings import get_settings
from dashboard.simulation.config import DefectRates, SimulationConfig, round_config
from dashboard.simulation.run import SimulationSummary, simulate

START = dt.date(2026, 10, 31)
DEADLINE = dt.date(2026, 12, 3)
AS_OF = dt.datetime(2026, 11, 24, 6, 0)  # 13.00 WIB
#: Raised defect rates, so that each rate can be checked with a few thousand visits.
TEST_RATES = DefectRates(
    short_interview=0.04,
    gps_missing=0.02,
    gps_outside_regency=0.02,
    gps_duplicate=0.02,
    pln_reused=0.02,
    pln_malformed=0.02,
    photo_missing=0.04,
    inconsistent_answers=0.03,
    implausible_hour=0.02,
    fabrication=0.01,
)


def small_config(families: int = 120_000, seed: int = 7, as_of: dt.datetime = AS_OF, **kw) -> SimulationConfig:
    kw.setdefault("defect_rates", TEST_RATES)
    return round_config(families, seed, as_of, start=START, deadline=DEADLINE, **kw)


def simulate_small(url: str, **kw) -> tuple[SimulationConfig, SimulationSummary]:
    config = small_config(**kw)
    return config, simulate(url, config, get_settings().geodata_dir, progress=False)


def copy_database(source: str, target: str) -> str:
    """``target`` (a new empty database of the same engine, from ``database_url_factory``)
    made a copy of ``source``: a file copy on SQLite, a template on PostgreSQL. Cheaper than
    simulating or loading the same round again."""
    import shutil

    import sqlalchemy as sa

    from dashboard.store.database import get_engine

    engine = get_engine(source)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        shutil.copyfile(sa.make_url(source).database, sa.make_url(target).database)
        return target
    engine.dispose()  # a template may have no other connection
    name, template = sa.make_url(target).database, sa.make_url(source).database
    admin = sa.create_engine(sa.make_url(target).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{name}"')
        for attempt in itertools.count():
            # Earlier tests of the same worker may still hold idle connections to the source
            # (an engine dropped from ``get_engine``'s cache is not disposed; an app's pool
            # outlives its test): they are closed, pooled engines reconnect (``pool_pre_ping``).
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"),
                {"db": template},
            )
            try:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                break
            except sa.exc.OperationalError as error:  # a connection opened in between
                if attempt >= 4 or getattr(error.orig, "sqlstate", None) != "55006":
                    raise
                time.sleep(0.2)
    admin.dispose()
    return target
