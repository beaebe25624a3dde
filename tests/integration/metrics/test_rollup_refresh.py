"""The incremental refresh gives the same rollups as a rebuild from the raw rows, including
after data that synced days late and targets added mid-round."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.settings import get_settings
from dashboard.simulation.run import run_live
from dashboard.store.database import get_engine
from dashboard.store.rollups import rebuild_rollups, refresh_rollups
from tests.simulated import AS_OF, copy_database

ROLLUPS = {
    "rollup_regency_day": "regency_code, category, day",
    "rollup_facilitator_day": "facilitator_id, day",
    "rollup_regency_activity": "regency_code, day",
    "rollup_regency_targets": "regency_code, category",
    "rollup_rerank_day": "regency_code, category, desil_before, desil_after, day",
    "rollup_excluded_visits": "day, regency_code, reason",
    # Each visit as counted, which a refresh folds in by difference.
    "rollup_visit": "target_id",
    # The waiting cases, kept by the same refresh (``dashboard.store.waiting``).
    "waiting_case": "target_id",
    "rollup_waiting": "facilitator_id, regency_code, status, entered_day",
}


def snapshot(url: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    frames = {table: pd.read_sql(f"SELECT * FROM {table} ORDER BY {order}", engine) for table, order in ROLLUPS.items()}
    engine.dispose()
    for frame in frames.values():
        if "day" in frame:
            frame["day"] = pd.to_datetime(frame["day"]).dt.date
        # Rows that count nothing carry no information (a rebuild may leave them out).
        numbers = frame.select_dtypes("number").drop(columns=["round_id"], errors="ignore")
        frame.drop(frame.index[(numbers == 0).all(axis=1)], inplace=True)
        frame.reset_index(drop=True, inplace=True)
    return frames


def assert_same(a: dict, b: dict) -> None:
    for table in ROLLUPS:
        pd.testing.assert_frame_equal(a[table], b[table], check_dtype=False, obj=table)


@pytest.fixture(scope="module")
def simulated(standard_round_url):
    """(engine, URL) of the session's standard round: each test writes into a copy."""
    return ("postgresql" if standard_round_url.startswith("postgresql") else "sqlite"), standard_round_url


@pytest.fixture
def url(simulated, database_url_factory):
    """A copy of the module's round for each test (they all write)."""
    backend, source = simulated
    return copy_database(source, database_url_factory(backend))


@pytest.mark.parametrize("standard_round_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_live_ticks_keep_the_rollups_equal_to_a_rebuild(url):
    """On PostgreSQL: on SQLite, ``test_determinism_and_live.test_live_ticks_reproduce_a_later_snapshot``
    holds the rollups of three live ticks equal to those a rebuild at the same moment gives
    (the simulator's load of that moment), so a SQLite run here would repeat it (15 s)."""
    ticks = iter([AS_OF + dt.timedelta(hours=h) for h in (5, 13, 29)])
    run_live(url, 1, get_settings().geodata_dir, tick_seconds=0, clock=lambda: next(ticks), max_ticks=3, progress=False)
    incremental = snapshot(url)
    rebuild_rollups(get_engine(url), 1, AS_OF + dt.timedelta(hours=29))
    assert_same(incremental, snapshot(url))


def test_a_rebuild_in_chunks_equals_one_in_a_single_read(url, monkeypatch):
    """A rebuild holds one chunk of visits at a time (bounded memory at 20M targets) and
    adds up the counts of the chunks: the same rollups as reading every visit at once."""
    from dashboard.store import rollups

    engine = get_engine(url)
    with engine.connect() as conn:
        visits = conn.execute(sa.text("SELECT count(*) FROM visit")).scalar_one()
    monkeypatch.setattr(rollups, "CHUNK_ROWS", visits + 1)
    rebuild_rollups(engine, 1, AS_OF)
    whole = snapshot(url)
    monkeypatch.setattr(rollups, "CHUNK_ROWS", visits // 9)
    rebuild_rollups(engine, 1, AS_OF)
    assert_same(whole, snapshot(url))


def test_a_visit_synced_days_late_is_counted(url):
    engine = get_engine(url)
    late = AS_OF + dt.timedelta(hours=2)
    with engine.begin() as conn:
        target = conn.execute(
            sa.text("SELECT t.id, t.facilitator_id, t.province_code, t.regency_code, t.category FROM target t "
                    "LEFT JOIN visit v ON v.target_id = t.id WHERE v.target_id IS NULL ORDER BY t.id LIMIT 1")
        ).first()
        started = AS_OF - dt.timedelta(days=6)  # visited six days ago, synced only now
        conn.execute(
            sa.text(
                "INSERT INTO visit (target_id, round_id, facilitator_id, province_code, regency_code, category, status, "
                "outcome, started_at, submitted_at, return_count, photo_house_front, photo_house_inside, "
                "photo_family_card, updated_at) VALUES (:id, 1, :f, :p, :r, :c, 'submitted', 'moved', :s, :s2, 0, "
                "true, false, false, :u)"
            ),
            {"id": target.id, "f": target.facilitator_id, "p": target.province_code, "r": target.regency_code,
             "c": target.category, "s": started, "s2": started + dt.timedelta(minutes=8), "u": late},
        )
    refresh_rollups(engine, 1, late)
    incremental = snapshot(url)
    rebuild_rollups(engine, 1, late)
    assert_same(incremental, snapshot(url))
    with engine.connect() as conn:
        counted = conn.execute(sa.text("SELECT sum(started) FROM rollup_regency_day")).scalar_one()
        visits = conn.execute(sa.text("SELECT count(*) FROM visit")).scalar_one()
    assert counted == visits


def test_rollups_from_before_the_reranking_rollup_are_rebuilt_by_the_next_refresh(url):
    """A database upgraded to migration 0011 has re-ranked visits and no re-ranking rollup:
    the next refresh rebuilds the round once, so its findings are whole, not only the last
    few days'."""
    engine = get_engine(url)
    rebuild_rollups(engine, 1, AS_OF)
    whole = snapshot(url)["rollup_rerank_day"]
    assert whole["reranked"].sum() > 0
    with engine.begin() as conn:  # as the migration leaves a round whose rollups predate it
        conn.execute(sa.text("DELETE FROM rollup_rerank_day"))
        conn.execute(sa.text("UPDATE rollup_state SET reranks_counted = false"))
    refresh_rollups(engine, 1, AS_OF + dt.timedelta(minutes=5))
    pd.testing.assert_frame_equal(snapshot(url)["rollup_rerank_day"], whole, check_dtype=False)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT reranks_counted FROM rollup_state")).scalar_one()
    # Once rebuilt, refreshes are incremental again (a round without any re-ranking too).
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM rollup_rerank_day"))
    refresh_rollups(engine, 1, AS_OF + dt.timedelta(minutes=10))
    assert snapshot(url)["rollup_rerank_day"]["reranked"].sum() < whole["reranked"].sum()


def test_waiting_cases_follow_a_visit_the_clock_reaches(url):
    """A visit started after the newest data is not counted (its target is left out of the
    waiting cases, as of the rollups) until the data reach it: the refresh that does counts
    it, though nothing wrote it again, and the kept cases equal a rebuild's and the figures
    computed from the raw rows all along."""
    from dashboard.figures.queries import Scope
    from dashboard.figures.waiting import _case_list, _kept_facilitator_waiting, _raw_facilitator_waiting
    from dashboard.store.rollups import day_of

    engine = get_engine(url)
    with engine.begin() as conn:
        target = conn.execute(sa.text("SELECT target_id, regency_code FROM visit WHERE submitted_at IS NULL ORDER BY target_id LIMIT 1")).first()
        conn.execute(sa.text("UPDATE visit SET started_at = :s, updated_at = :u WHERE target_id = :t"),
                     {"s": AS_OF + dt.timedelta(hours=2), "u": AS_OF + dt.timedelta(minutes=1), "t": target.target_id})

    def figures(until: dt.datetime) -> None:
        day = day_of(until)
        with engine.connect() as conn:
            status = conn.execute(sa.text("SELECT status FROM waiting_case WHERE target_id = :t"), {"t": target.target_id}).scalar_one()
            for scope in (Scope.national(), Scope.of(target.regency_code)):
                kept = _kept_facilitator_waiting(conn, 1, scope, day)
                raw = _raw_facilitator_waiting(conn, 1, scope, day)
                keys = ["facilitator_id", "status", "bucket"]
                pd.testing.assert_frame_equal(kept.sort_values(keys).reset_index(drop=True), raw.sort_values(keys).reset_index(drop=True)[kept.columns], check_dtype=False)
                for case_status in ("assigned", "started", "submitted"):
                    pd.testing.assert_frame_equal(
                        _case_list(conn, 1, scope, day, case_status, 50, None, kept=True), _case_list(conn, 1, scope, day, case_status, 50, None, kept=False)
                    )
        return status

    refresh_rollups(engine, 1, AS_OF + dt.timedelta(minutes=5))
    assert figures(AS_OF + dt.timedelta(minutes=5)) == "uncounted"
    refresh_rollups(engine, 1, AS_OF + dt.timedelta(hours=3))  # nothing written since
    assert figures(AS_OF + dt.timedelta(hours=3)) == "started"
    incremental = snapshot(url)
    rebuild_rollups(engine, 1, AS_OF + dt.timedelta(hours=3))
    assert_same(incremental, snapshot(url))


def test_a_rewrite_that_moves_an_old_event_later_moves_its_count(url, caplog):
    """A visit written again with its times moved later (a corrected clock) is counted on
    its new days and no longer on its old ones, however old: the refresh subtracts the
    visit as it was counted (``rollup_visit``); recounting the days from its (new) start
    would leave it counted twice. It reads the visits written since the previous refresh
    (and those the clock may yet count), not the round's."""
    import logging

    engine = get_engine(url)
    refresh_rollups(engine, 1, AS_OF)
    with engine.begin() as conn:
        visit = conn.execute(sa.text(
            "SELECT target_id, started_at, submitted_at FROM visit WHERE submitted_at IS NOT NULL AND approved_at IS NULL "
            "AND first_reviewed_at IS NULL AND started_at < :old ORDER BY started_at, target_id LIMIT 1"
        ), {"old": AS_OF - dt.timedelta(days=8)}).first()
        shift = dt.timedelta(days=5)
        moved = pd.Timestamp(visit.submitted_at).to_pydatetime() + shift
        conn.execute(sa.text("UPDATE visit SET started_at = :b, submitted_at = :s, updated_at = :u WHERE target_id = :t"),
                     {"b": pd.Timestamp(visit.started_at).to_pydatetime() + shift, "s": moved, "u": AS_OF + dt.timedelta(minutes=1),
                      "t": visit.target_id})
        clock_bound = conn.execute(sa.text(
            "SELECT count(*) FROM rollup_visit WHERE reason IN ('outside_round', 'unreadable_time')")).scalar_one()
    with caplog.at_level(logging.INFO, logger="dashboard.store.rollups"):
        refresh_rollups(engine, 1, AS_OF + dt.timedelta(minutes=5))
    assert f"folded {1 + clock_bound} visits" in caplog.text
    incremental = snapshot(url)
    rebuild_rollups(engine, 1, AS_OF + dt.timedelta(minutes=5))
    assert_same(incremental, snapshot(url))
    with engine.connect() as conn:
        counted = conn.execute(sa.text("SELECT submitted FROM rollup_visit WHERE target_id = :t"), {"t": visit.target_id}).scalar_one()
    assert pd.Timestamp(counted).date() == (moved + dt.timedelta(hours=7)).date()
