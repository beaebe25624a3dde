"""Field rows at the edges of the findings and the waiting times (a review's cases): a
returned visit whose audit trail is not loaded, a desil of 3.5 (SQLite's CHECK lets it
in), a desil before that cannot be read, a visit of the year 2000, and a time written as
text without its fraction of a second, exactly at midnight WIB. None takes a page down,
stops the refresh, or moves a figure it should not."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.figures.queries import Scope, data_state
from dashboard.figures.waiting import status_ages, waiting_counts
from dashboard.store import rollups
from dashboard.store.database import get_engine
from tests.integration.database.test_malformed_rows import _as_before_the_checks
from tests.simulated import copy_database

NATION = Access.nationwide()


@pytest.fixture
def round_(standard_sqlite_round_url, database_url_factory):
    """A copy of the standard round (SQLite: the rows below are what SQLite lets in)."""
    url = copy_database(standard_sqlite_round_url, database_url_factory("sqlite"))
    engine = get_engine(url)
    return engine, data_state(engine, 1)


def _write(engine, *statements):
    with engine.begin() as conn, _as_before_the_checks(conn):
        for statement, params in statements:
            conn.execute(sa.text(statement), params)


def _progress(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(sa.text("SELECT sum(started), sum(submitted), sum(approved) FROM rollup_regency_day")).first())


def _reranked(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT coalesce(sum(reranked), 0) FROM rollup_rerank_day")).scalar_one()


def test_a_returned_visit_without_its_audit_trail(round_):
    engine, state = round_
    with engine.connect() as conn:
        target = conn.execute(sa.text("SELECT target_id FROM visit WHERE status = 'returned' ORDER BY target_id LIMIT 1")).scalar_one()
        before = status_ages(waiting_counts(engine, 1, Scope.national(), state.day, access=NATION))
    _write(engine, ("DELETE FROM visit_event WHERE target_id = :t", {"t": target}))
    after = waiting_counts(engine, 1, Scope.national(), state.day, access=NATION)
    # Still returned (its own status says so), since its latest review: no case lost or moved.
    assert status_ages(after).sum(axis=1).equals(before.sum(axis=1))
    assert after["oldest_days"].notna().all()


def test_a_desil_of_three_and_a_half_leaves_out_that_re_ranking_only(round_):
    engine, state = round_
    progress, reranked = _progress(engine), _reranked(engine)
    with engine.connect() as conn:
        target = conn.execute(sa.text("SELECT target_id FROM visit WHERE desil_after = 3 ORDER BY target_id LIMIT 1")).scalar_one()
    with engine.begin() as conn:  # no PRAGMA: the CHECK lets 3.5 in
        conn.execute(sa.text("UPDATE visit SET desil_after = 3.5 WHERE target_id = :t"), {"t": target})
    rollups.rebuild_rollups(engine, 1, state.data_until)
    assert _progress(engine) == progress and _reranked(engine) == reranked - 1
    with engine.connect() as conn:
        reasons = dict(conn.execute(sa.text("SELECT reason, sum(visits) FROM rollup_excluded_visits GROUP BY reason")).all())
    assert reasons == {"invalid_rerank": 1}


def test_an_unreadable_desil_before_keeps_the_visit_in_progress(round_):
    engine, state = round_
    progress, reranked = _progress(engine), _reranked(engine)
    with engine.connect() as conn:
        target = conn.execute(sa.text("SELECT target_id FROM visit WHERE reranked_at IS NOT NULL ORDER BY target_id LIMIT 1")).scalar_one()
    _write(engine, ("UPDATE target SET desil_before = 0 WHERE id = :t", {"t": target}))
    rollups.refresh_rollups(engine, 1, state.data_until)
    rollups.rebuild_rollups(engine, 1, state.data_until)
    assert _progress(engine) == progress and _reranked(engine) == reranked - 1


def test_a_round_whose_only_re_ranking_is_unreadable_is_refreshed_not_rebuilt(round_, monkeypatch):
    engine, state = round_
    with engine.connect() as conn:
        keep = conn.execute(sa.text("SELECT target_id FROM visit WHERE reranked_at IS NOT NULL ORDER BY target_id LIMIT 1")).scalar_one()
    _write(engine, ("UPDATE visit SET reranked_at = NULL, desil_after = NULL WHERE target_id <> :k", {"k": keep}),
           ("UPDATE target SET desil_before = 0 WHERE id = :k", {"k": keep}))
    rollups.rebuild_rollups(engine, 1, state.data_until)
    assert _reranked(engine) == 0
    rebuilt = []
    real = rollups.rebuild_rollups
    monkeypatch.setattr(rollups, "rebuild_rollups", lambda *a, **k: (rebuilt.append(1), real(*a, **k)))
    for minutes in (10, 20, 30):
        rollups.refresh_rollups(engine, 1, state.data_until + dt.timedelta(minutes=minutes))
    assert rebuilt == []


def test_the_waiting_times_leave_out_a_visit_of_the_year_2000(round_):
    engine, state = round_
    with engine.connect() as conn:
        target = conn.execute(sa.text("SELECT target_id FROM visit WHERE status = 'started' ORDER BY target_id LIMIT 1")).scalar_one()
    before = status_ages(waiting_counts(engine, 1, Scope.national(), state.day, access=NATION))
    _write(engine, ("UPDATE visit SET started_at = '2000-01-01 00:00:00.000000' WHERE target_id = :t", {"t": target}))
    rollups.rebuild_rollups(engine, 1, state.data_until)
    after = waiting_counts(engine, 1, Scope.national(), state.day, access=NATION)
    assert after.loc[after["status"] == "started", "oldest_days"].max() < 60  # not 9,800 days
    assert status_ages(after).loc["started"].sum() == before.loc["started"].sum() - 1


def test_a_time_written_without_its_fraction_at_midnight_wib(round_):
    """'2026-11-22 17:00:00' (a tool's text, no fraction of a second) is 00:00 WIB on 23 Nov:
    at the end of the 22nd the case was still started, at the end of the 23rd it is
    submitted, 0 days old; as text it would compare before '... 17:00:00.000000'."""
    from dashboard.figures.waiting import waiting_cases

    engine, state = round_
    with engine.connect() as conn:
        target, code, regency = conn.execute(sa.text(
            "SELECT v.target_id, t.code, v.regency_code FROM visit v JOIN target t ON t.id = v.target_id "
            "WHERE v.status = 'submitted' AND v.return_count = 0 AND v.started_at < '2026-11-22 16:00' ORDER BY v.target_id LIMIT 1")).first()
    _write(engine, ("UPDATE visit SET submitted_at = '2026-11-22 17:00:00', first_reviewed_at = NULL, reviewed_at = NULL, approved_at = NULL "
                    "WHERE target_id = :t", {"t": target}))
    rollups.rebuild_rollups(engine, 1, state.data_until)
    listed = lambda day, status: waiting_cases(engine, 1, Scope.of(regency), day, status, access=NATION, limit=10_000)  # noqa: E731
    on_22 = listed(dt.date(2026, 11, 22), "started")
    on_23 = listed(dt.date(2026, 11, 23), "submitted")
    assert code in set(on_22["target_code"]) and code not in set(listed(dt.date(2026, 11, 22), "submitted")["target_code"])
    assert on_23.loc[on_23["target_code"] == code, "age_days"].tolist() == [0]
    # The rollups count the submission on the 23rd too.
    with engine.connect() as conn:
        submitted = dict(conn.execute(sa.text(
            "SELECT day, sum(submitted) FROM rollup_regency_day WHERE regency_code = :r AND day IN ('2026-11-22', '2026-11-23') GROUP BY day"),
            {"r": regency}).all())
    assert submitted.get("2026-11-23", 0) >= 1
