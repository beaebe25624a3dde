"""Rows that cannot be counted never take a page down and never skew the figures of the
good rows (issue 12). A corpus of malformed rows is written straight into a simulated
round (as another tool would), the rollups, flags and scores are rebuilt, and then: the
rebuild names what it left out, every page callback, API call and export answers, and the
figures equal those of the round without the bad rows."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from dashboard.figures.queries import latest_round
from dashboard.manage import rebuild_all_rollups
from dashboard.store.checks import CHECKS
from dashboard.store.database import get_engine
from tests import auth
from tests._postgres import BACKENDS
from tests.integration.access.test_who_sees_what import Site
from tests.integration.app.test_malformed_requests import _call, _server_callbacks, _valid
from tests.simulated import simulate_small

@contextmanager
def _as_before_the_checks(conn: sa.Connection):
    """Write as another tool could before the check constraints (migration 0008), which
    keeps such rows: SQLite ignores its checks meanwhile, PostgreSQL has them ``NOT VALID``."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
        return
    for table in CHECKS:
        for name in CHECKS[table]:
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_{name}")
    try:
        yield
    finally:
        for table, checks in CHECKS.items():
            for name, condition in checks.items():
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT ck_{table}_{name} CHECK ({condition}) NOT VALID")


def _national(site: Site) -> dict:
    return site.clients["national"].get("/api/v1/progress?level=national").get_json()["rows"][0]


def _regencies(site: Site, province: str) -> dict:
    return {r["code"]: r for r in site.clients["national"].get(f"/api/v1/progress?level=regency&parent={province}").get_json()["rows"]}


@pytest.fixture(scope="module", params=BACKENDS)
def corrupted(request, database_url_factory):
    """The round before and after the corruption, and what was corrupted."""
    url = database_url_factory(request.param)
    simulate_small(url, families=8_000)
    engine = get_engine(url)
    with engine.connect() as conn:  # the kabupaten/kota with the most submissions
        regency = conn.execute(sa.text(
            "SELECT regency_code FROM visit WHERE submitted_at IS NOT NULL GROUP BY regency_code ORDER BY count(*) DESC, regency_code LIMIT 1")).scalar_one()
    site = Site(url)
    before_national, before_regencies = _national(site), _regencies(site, regency[:2])
    with engine.begin() as conn:
        until = conn.execute(sa.text("SELECT data_until FROM rollup_state WHERE round_id = 1")).scalar_one()
        submitted = [r[0] for r in conn.execute(sa.text(
            "SELECT target_id FROM visit WHERE regency_code = :r AND submitted_at IS NOT NULL ORDER BY target_id LIMIT 6"), {"r": regency})]
        unsubmitted = conn.execute(sa.text(
            "SELECT target_id FROM visit WHERE submitted_at IS NULL AND regency_code <> :r ORDER BY target_id LIMIT 1"), {"r": regency}).scalar_one()
        unknown, ancient, future, _, other_category, text_time = submitted
        # An interview of a facilitator with others in the regency: scored once, by the
        # facilitator's own province, though this visit names another one.
        wrong_province = conn.execute(sa.text(
            "SELECT v.target_id FROM visit v WHERE v.regency_code = :r AND v.outcome = 'found_verified' AND v.target_id NOT IN "
            "(:a, :b, :c, :d, :e) AND (SELECT count(*) FROM visit w WHERE w.facilitator_id = v.facilitator_id "
            "AND w.outcome = 'found_verified') >= 2 ORDER BY v.target_id LIMIT 1"),
            {"r": regency, "a": unknown, "b": ancient, "c": future, "d": other_category, "e": text_time}).scalar_one()
        statements = [
            ("UPDATE visit SET outcome = 'zzz' WHERE target_id = :id", unknown),
            ("UPDATE visit SET started_at = '2000-01-01 00:00:00' WHERE target_id = :id", ancient),
            ("UPDATE visit SET submitted_at = '2030-01-01 00:00:00' WHERE target_id = :id", future),
            (f"UPDATE visit SET province_code = '{'33' if regency.startswith('32') else '32'}' WHERE target_id = :id", wrong_province),
            ("UPDATE visit SET category = 'zzz' WHERE target_id = :id", other_category),
            ("UPDATE visit SET submitted_at = NULL, status = 'approved', approved_at = started_at WHERE target_id = :id", unsubmitted),
        ]
        if request.param == "sqlite":  # PostgreSQL refuses text in a timestamp column
            statements.append(("UPDATE visit SET started_at = 'kemarin' WHERE target_id = :id", text_time))
        for statement, target_id in statements:  # the database refuses each of them now ...
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(sa.text(statement), {"id": target_id})
        with _as_before_the_checks(conn):  # ... but they may have come in before migration 0008
            for statement, target_id in statements:
                conn.execute(sa.text(statement), {"id": target_id})
            # An empty new round whose deadline lies before its start.
            conn.execute(sa.text(
                "INSERT INTO round (id, name, start_date, deadline, created_at) VALUES (2, 'kosong', '2026-12-10', '2026-12-01', '2026-12-01 00:00:00')"))
    excluded = {ancient, future, wrong_province, unknown} | ({text_time} if request.param == "sqlite" else set())
    return url, request.param, before_national, before_regencies, excluded, regency, until


def test_the_rebuild_leaves_out_and_names_what_it_cannot_count(corrupted, caplog, monkeypatch):
    from dashboard.store import rollups

    url, backend, *_ = corrupted
    monkeypatch.setattr(rollups, "CHUNK_ROWS", 500)  # the excluded of several chunks add up
    caplog.set_level(logging.WARNING, logger="dashboard.store.rollups")
    rebuild_all_rollups(auth.settings(url))
    reported = [r.getMessage() for r in caplog.records if "not counted" in r.getMessage()]
    assert reported, "the rebuild must say what it left out"
    expected = {"outside_round": 2, "inconsistent_region": 1, "unknown_outcome": 1, "out_of_order": 1}
    if backend == "sqlite":
        expected["unreadable_time"] = 1
    for reason, n in expected.items():
        assert f"{n} {reason}" in reported[0], reported[0]
    with get_engine(url).connect() as conn:
        first_day = conn.execute(sa.text("SELECT min(day) FROM rollup_regency_activity WHERE round_id = 1")).scalar_one()
    assert str(first_day) >= "2026-10-30"  # not 2000: one bad date must not add 26 years of days


def test_figures_of_the_good_rows_stay_right(corrupted):
    url, backend, before_national, before_regencies, excluded, regency, until = corrupted
    rebuild_all_rollups(auth.settings(url))
    site = Site(url)
    assert latest_round(get_engine(url)).id == 1  # the empty round 2 is not the default
    after = _regencies(site, regency[:2])[regency]
    before = before_regencies[regency]
    # Each excluded visit was submitted (and counted) before; the approved-without-submission
    # one was not counted as submitted, and must not count as approved now.
    assert after["submitted"] == before["submitted"] - len(excluded)
    assert after["approved"] <= after["submitted"]
    assert after["visited"] == before["visited"] - len(excluded)
    national = _national(site)
    assert national["submitted"] == before_national["submitted"] - len(excluded)
    assert national["visited"] == before_national["visited"] - len(excluded) - 1  # and the one out of order
    assert national["targets"] == before_national["targets"]
    for code, row in _regencies(site, regency[:2]).items():
        assert row["approved"] <= row["submitted"], code


def test_every_view_answers_on_the_malformed_rows(corrupted):
    url, *_, regency, _until = corrupted
    rebuild_all_rollups(auth.settings(url))
    site = Site(url)
    with get_engine(url).connect() as conn:
        facilitator = conn.execute(sa.text("SELECT facilitator_id FROM visit WHERE outcome = 'zzz'")).scalar_one()
    checked = 0
    for scope in (None, regency[:2], regency):
        valid = _valid(site)
        valid[("overview-scope", "data")] = scope if scope != regency else regency[:2]
        valid[("regency-scope", "data")] = regency
        valid[("quality-scope", "data")] = scope
        valid[("facilitator-id", "data")] = facilitator
        for dependency in _server_callbacks(site):
            changed = (dependency["inputs"][0]["id"], dependency["inputs"][0]["property"])
            response = _call(site, dependency, valid, changed)
            assert response.status_code in (200, 204), (scope, dependency["output"], response.status_code)
            checked += 1
    assert checked > 60
    for path in (
        "/api/v1/progress?level=national", f"/api/v1/progress?level=regency&parent={regency[:2]}",
        f"/api/v1/progress?level=facilitator&parent={regency}", f"/export/facilitators.csv?parent={regency}",
        "/api/v1/waiting?by=children", f"/api/v1/waiting?scope={regency}", f"/api/v1/transitions?scope={regency[:2]}",
        f"/export/findings.csv?parent={regency}", f"/export/waiting.csv?parent={regency[:2]}",
        "/export/regions.xlsx", "/readyz", f"/pendamping/{facilitator}",
    ):
        assert site.clients["admin"].get(path).status_code == 200, path
    assert site.page("admin", f"/pendamping/{facilitator}").status_code == 200
    assert site.page("admin", f"/kualitas/{regency}").status_code == 200


def test_the_outcome_shares_of_a_facilitator_add_up(corrupted):
    """An unknown outcome is shown as "Lainnya"/"Other" on the facilitator page, never a KeyError."""
    from dashboard.access.policy import Access
    from dashboard.figures.facilitators import facilitator_profile

    url, *_ = corrupted
    engine = get_engine(url)
    with engine.connect() as conn:
        facilitator = conn.execute(sa.text("SELECT facilitator_id FROM visit WHERE outcome = 'zzz'")).scalar_one()
        submitted = conn.execute(sa.text(
            "SELECT count(*) FROM visit WHERE facilitator_id = :f AND submitted_at IS NOT NULL AND submitted_at < '2029-01-01'"), {"f": facilitator}).scalar_one()
    state = latest_round(engine)
    profile = facilitator_profile(engine, state.id, facilitator, dt.date(2026, 11, 24), state.start_date, state.deadline, access=Access.nationwide())
    assert "other" in profile.outcomes.index and "zzz" not in profile.outcomes.index
    assert profile.outcomes.sum() == submitted


def test_what_was_left_out_is_counted_and_shown(corrupted, monkeypatch):
    """By reason in the rollups; under the KPIs of the kabupaten/kota, its province and the
    nation ("n visits not counted"); and on the admins' data-health section."""
    from dashboard.access.policy import Access
    from dashboard.figures.data_health import excluded_visits
    from dashboard.figures.queries import Scope, data_state
    from dashboard.store.rollups import day_of

    from dashboard.store import rollups

    url, backend, _n, _r, excluded, regency, _until = corrupted
    monkeypatch.setattr(rollups, "CHUNK_ROWS", 700)  # stored per day and reason from several chunks
    rebuild_all_rollups(auth.settings(url))
    engine = get_engine(url)
    day = day_of(data_state(engine, 1).data_until)
    expected = {"outside_round": 2, "inconsistent_region": 1, "unknown_outcome": 1, "out_of_order": 1}
    if backend == "sqlite":
        expected["unreadable_time"] = 1
    nation = excluded_visits(engine, 1, Scope.national(), day, access=Access.nationwide())
    assert nation.to_dict() == expected
    in_regency = excluded_visits(engine, 1, Scope.of(regency), day, access=Access.nationwide())
    assert int(in_regency.sum()) == len(excluded)  # every corrupted visit but the out-of-order one lies there
    site = Site(url)
    kpis = "..overview-kpis.children...overview-message.children.."
    for scope in (None, regency[:2]):
        note = site.call("national", kpis, [("data-version", "data", site.version)], [("overview-scope", "data", scope), ("page-lang", "data", "en")])
        text = note.get_data(as_text=True)
        assert "visits in this area are not counted" in text and "outside the round (2)" in text, scope
    regency_kpis = site.call(
        "national", "..regency-kpis.children...regency-progress.figure...regency-districts.figure..",
        [("data-version", "data", site.version), ("font-scale", "data", 1)], [("regency-scope", "data", regency), ("page-lang", "data", "en")],
    ).get_data(as_text=True)
    assert f"{len(excluded)} visits in this area are not counted" in regency_kpis
    health = site.call(
        "admin", "..health-rounds.data...health-by-day.data...health-by-regency.data...health-sources.data...health-quarantine.data..",
        [("admin-retention", "data", 90)], [("page-lang", "data", "en")],
    ).get_json()["response"]
    rounds = health["health-rounds"]["data"]
    assert rounds[0]["round"].startswith("2 ") and rounds[1]["excluded"] == str(sum(expected.values()))
    reasons = {row["reason"] for row in health["health-by-day"]["data"]}
    assert "outside the round" in reasons and "status out of order" in reasons
    assert any(row["region"] == regency for row in health["health-by-regency"]["data"])
    refused = site.call(
        "national", "..health-rounds.data...health-by-day.data...health-by-regency.data...health-sources.data...health-quarantine.data..",
        [("admin-retention", "data", 90)], [("page-lang", "data", "en")],
    ).get_json()["response"]
    assert refused["health-rounds"]["data"] is None  # not an admin: nothing


def test_the_waiting_times_leave_out_the_visits_the_rollups_leave_out(corrupted):
    """The waiting times are aggregated by the database (``countable_sql``), the rollups in
    pandas (``countable``): on the corpus of malformed rows both leave out the same visits."""
    from dashboard.store import models
    from dashboard.store.rollups import SqlClock, counted_visits, countable_sql

    url, _backend, _n, _r, excluded, _regency, until = corrupted
    engine = get_engine(url)
    with engine.connect() as conn:
        first_day = conn.execute(sa.text("SELECT start_date FROM round WHERE id = 1")).scalar_one()
        first_day = (dt.date.fromisoformat(first_day) if isinstance(first_day, str) else first_day) - dt.timedelta(days=1)
        until = dt.datetime.fromisoformat(until) if isinstance(until, str) else until
        kept = set(counted_visits(conn, 1, until)["target_id"])
        v = models.Visit
        in_sql = {row[0] for row in conn.execute(sa.select(v.target_id).where(v.round_id == 1, countable_sql(SqlClock(engine.dialect.name), first_day, until)))}
        everyone = {row[0] for row in conn.execute(sa.select(v.target_id).where(v.round_id == 1))}
    assert excluded <= everyone - in_sql and in_sql == kept

