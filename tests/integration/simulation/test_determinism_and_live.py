"""The same seed gives the same data; ``--live`` continues a round exactly as if it had been
simulated to the later time at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.settings import get_settings
from dashboard.simulation.run import RoundExists, run_live, simulate
from dashboard.store.models import Base
from tests.simulated import AS_OF, copy_database, simulate_small, small_config

TABLES = {
    "facilitator": "id",
    "facilitator_district": "facilitator_id, district_code",
    "coordinator": "id",
    "target": "id",
    "visit": "target_id",
    "visit_event": "target_id, occurred_at, status",
    "simulated_defect": "kind, target_id, facilitator_id",
    "instructor": "id",
    "training_class": "id",
    "training_class_instructor": "class_id, instructor_id",
    "training_attendance": "class_id, facilitator_id, instructor_id",
    # Derived as the data arrives: a live run must store what a single load computes.
    "quality_flag": "target_id, rule",
    "facilitator_risk": "facilitator_id",
}


def fingerprint(url: str) -> dict[str, str]:
    """A digest of every simulated table, independent of the engine's storage details."""
    engine = sa.create_engine(url)
    digests = {}
    for table, order in TABLES.items():
        frame = pd.read_sql(f"SELECT * FROM {table} ORDER BY {order}", engine)
        if table in ("visit_event", "simulated_defect", "training_attendance"):
            frame = frame.drop(columns=["id"])  # serial numbers depend on the insert order
        # When a row was written differs by design between a live run and a single load.
        frame = frame.drop(columns=["updated_at"], errors="ignore")
        for column in frame.columns:
            values = frame[column]
            if column.endswith("_at"):
                frame[column] = pd.to_datetime(values).dt.strftime("%Y-%m-%d %H:%M:%S")
            elif isinstance(Base.metadata.tables[table].c[column].type, (sa.Boolean, sa.Integer, sa.Float)):
                # SQLite answers 0/1 and ints, PostgreSQL True/False and floats where NULLs
                # are; sums over rows read in another order may differ in the last bit.
                frame[column] = values.astype(float).round(9)
        text = frame.astype(str).replace({"None": "nan", "<NA>": "nan", "NaT": "nan"}).to_csv(index=False)
        digests[table] = hashlib.sha256(text.encode()).hexdigest()
    engine.dispose()
    return digests


#: The reference round (url, fingerprint) on SQLite, simulated once for the module.
_REFERENCES: dict[str, tuple[str, dict]] = {}


def reference(backend: str, database_url_factory) -> tuple[str, dict]:
    if backend not in _REFERENCES:
        url = database_url_factory(backend)
        simulate_small(url, families=15_000)
        _REFERENCES[backend] = url, fingerprint(url)
    return _REFERENCES[backend]


def test_same_seed_same_data_and_other_seed_other_data(database_url_factory):
    """On SQLite: the next test shows that PostgreSQL stores the same data for the same
    seed, so a second PostgreSQL run would only repeat this one (34 s of the suite). That
    test compares two runs of one seed (one per engine), so a second SQLite run is made here
    only when the PostgreSQL tests are skipped (8 s)."""
    _, expected = reference("sqlite", database_url_factory)
    if os.environ.get("GROUNDCHECK_SKIP_POSTGRES") == "1":
        second = database_url_factory("sqlite")
        simulate_small(second, families=15_000)
        assert fingerprint(second) == expected
    other = database_url_factory("sqlite")
    simulate_small(other, families=15_000, seed=8)
    differs = {k for k, v in fingerprint(other).items() if expected[k] != v}
    assert {"target", "visit", "visit_event"} <= differs


def test_same_seed_gives_the_same_data_on_both_engines(standard_sqlite_round_url, standard_postgresql_round_url):
    """Two runs of the same seed (one per engine) store the same data: the session's
    standard rounds (60,000 targets, simulated alike on each engine and never changed by
    the tests that read them), which exist anyway; a 15,000-target run on PostgreSQL of its
    own took 10 s."""
    assert fingerprint(standard_sqlite_round_url) == fingerprint(standard_postgresql_round_url)


def test_live_ticks_reproduce_a_later_snapshot(database_url_factory):
    """On SQLite: the live mode's writes are the simulator's own on either engine (the
    previous test), and ``test_rollup_refresh`` keeps live ticks' rollups equal to a
    rebuild on PostgreSQL too (25 s of the suite saved). The rollups the ticks kept up
    incrementally equal those the direct load rebuilt: this is the SQLite side of
    ``test_rollup_refresh.test_live_ticks_keep_the_rollups_equal_to_a_rebuild``."""
    from tests.integration.metrics.test_rollup_refresh import assert_same, snapshot

    backend = "sqlite"
    live = copy_database(reference(backend, database_url_factory)[0], database_url_factory(backend))
    direct = database_url_factory(backend)
    later = AS_OF + dt.timedelta(hours=30)
    ticks = iter([AS_OF + dt.timedelta(hours=6), AS_OF + dt.timedelta(hours=20), later])
    written = run_live(live, 1, get_settings().geodata_dir, tick_seconds=0, clock=lambda: next(ticks), max_ticks=3, progress=False)
    assert written > 100
    simulate_small(direct, families=15_000, as_of=later)
    live_print, direct_print = fingerprint(live), fingerprint(direct)
    assert live_print == direct_print
    assert_same(snapshot(live), snapshot(direct))
    engine = sa.create_engine(live)
    with engine.connect() as conn:
        until = conn.execute(sa.text("SELECT simulated_until FROM round")).scalar_one()
    engine.dispose()
    assert pd.Timestamp(until) == pd.Timestamp(later)


def test_an_existing_round_is_not_overwritten_without_replace(database_url_factory):
    url = copy_database(reference("sqlite", database_url_factory)[0], database_url_factory("sqlite"))
    with pytest.raises(RoundExists, match="--replace"):
        simulate_small(url, families=15_000)
    config = small_config(families=13_000)
    summary = simulate(url, config, get_settings().geodata_dir, progress=False, replace=True)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM target")).scalar_one() == summary.targets == 13_000
    engine.dispose()
