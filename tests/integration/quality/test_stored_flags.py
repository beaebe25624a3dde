"""The stored quality flags and risk scores: what the simulator's load stores equals the rules
applied to all visits at once; a visit written later flags (and unflags) the old visits it
joins in a group; the risk scores stored are those of ``dashboard.quality.risk``; on both engines."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.quality.refresh import refresh_quality, regency_polygons
from dashboard.quality.risk import SIGNAL_IDS, RiskParameters, score
from dashboard.quality.risk import VISIT_COLUMNS as RISK_COLUMNS
from dashboard.quality.rules import RULE_IDS, VISIT_COLUMNS, QualityParameters, evaluate
from dashboard.settings import get_settings
from tests.simulated import AS_OF, copy_database


@pytest.fixture(scope="module")
def simulated(standard_round_url, database_url_factory):
    """A copy of the session's standard round on each engine (the tests refresh its flags)."""
    backend = "postgresql" if standard_round_url.startswith("postgresql") else "sqlite"
    url = copy_database(standard_round_url, database_url_factory(backend))
    engine = sa.create_engine(url)
    yield engine
    engine.dispose()


def _stored(engine) -> set[tuple[int, str]]:
    flags = pd.read_sql("SELECT target_id, rule FROM quality_flag", engine)
    return set(zip(flags["target_id"].astype(int), flags["rule"]))


def _refresh(engine, until):
    polygons = regency_polygons(get_settings().geodata_dir)
    return refresh_quality(engine, 1, until, QualityParameters(), RiskParameters(), polygons, risk_interval=dt.timedelta(0))


def test_stored_flags_are_the_rules_applied_to_all_visits(simulated):
    visits = pd.read_sql(f"SELECT {', '.join(VISIT_COLUMNS)} FROM visit", simulated)
    visits = visits.set_index("target_id", drop=False)
    flags = evaluate(visits, QualityParameters(), regency_polygons(get_settings().geodata_dir))
    expected = {(int(target), rule) for rule in RULE_IDS for target in flags.index[flags[rule]]}
    assert len(expected) > 1000
    assert _stored(simulated) == expected
    # The flag's day is the WIB day of the first submission, or, for a rule of a group, the
    # day the group began to break it: the second family on the point or meter id, the
    # visit over the day's limit.
    days = pd.read_sql(
        "SELECT q.rule, q.group_key, q.day, v.submitted_at FROM quality_flag q JOIN visit v ON v.target_id = q.target_id", simulated
    )
    days["submitted_at"] = pd.to_datetime(days["submitted_at"])
    own = (days["submitted_at"] + pd.Timedelta(hours=7)).dt.date
    limit = {"too_many_per_day": QualityParameters().max_visits_per_day}
    formed = days.groupby(["rule", "group_key"])["submitted_at"].transform(
        lambda s: s.sort_values().iloc[limit.get(days.loc[s.index[0], "rule"], 1)]
    )
    expected = (days["submitted_at"].where(days["group_key"].isna(), pd.concat([days["submitted_at"], formed], axis=1).max(axis=1)) + pd.Timedelta(hours=7)).dt.date
    assert (pd.to_datetime(days["day"]).dt.date == expected).all()
    grouped = days["group_key"].notna()
    assert (pd.to_datetime(days.loc[~grouped, "day"]).dt.date == own[~grouped]).all()
    assert (pd.to_datetime(days.loc[grouped, "day"]).dt.date > own[grouped]).any()  # some old visits' flags came later


def test_the_flag_rollup_counts_the_stored_flags(simulated):
    flags = pd.read_sql("SELECT regency_code, category, day, target_id, rule FROM quality_flag", simulated)
    rollup = pd.read_sql("SELECT * FROM rollup_quality_day", simulated)
    rollup["day"] = pd.to_datetime(rollup["day"]).dt.date
    flags["day"] = pd.to_datetime(flags["day"]).dt.date
    keys = ["regency_code", "category", "day"]
    # A visit counts as flagged once, on the day of its first flag.
    first = flags.assign(day=flags.groupby("target_id")["day"].transform("min")).drop_duplicates("target_id")
    expected = pd.concat(
        [first.groupby(keys).size().rename("flagged")]
        + [flags[flags["rule"] == rule].groupby(keys).size().rename(f"flags_{rule}") for rule in RULE_IDS],
        axis=1,
    )
    expected = expected.fillna(0).astype("int64").sort_index()
    actual = rollup.set_index(keys)[expected.columns].astype("int64").sort_index()
    pd.testing.assert_frame_equal(actual, expected)


def test_a_later_visit_flags_and_unflags_the_old_visit_it_copies(simulated):
    """Copy one family's GPS point and PLN id onto another family's visit (as a re-sync
    would write it): both are flagged; write the visit back: both flags go."""
    engine = simulated
    rows = pd.read_sql(
        "SELECT target_id, gps_lat, gps_lon, pln_meter_id FROM visit WHERE submitted_at IS NOT NULL "
        "AND pln_meter_id IS NOT NULL AND gps_lat IS NOT NULL ORDER BY target_id",
        engine,
    )
    stored = _stored(engine)
    clean = [t for t in rows["target_id"] if not any((int(t), r) in stored for r in RULE_IDS)]
    old, new = (rows.set_index("target_id").loc[t] for t in (clean[0], clean[-1]))
    until = AS_OF + dt.timedelta(minutes=5)

    def write(target_id, lat, lon, pln, moment):
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE visit SET gps_lat = :lat, gps_lon = :lon, pln_meter_id = :pln, updated_at = :at WHERE target_id = :t"),
                {"lat": lat, "lon": lon, "pln": pln, "at": moment, "t": int(target_id)},
            )

    def flag_counts():
        return pd.read_sql("SELECT day, sum(flags_gps_duplicate) AS gps, sum(flags_pln_reused) AS pln FROM rollup_quality_day GROUP BY day", engine).set_index("day")

    before = flag_counts()
    submitted = pd.read_sql(f"SELECT target_id, submitted_at FROM visit WHERE target_id IN ({int(clean[0])}, {int(clean[-1])})", engine)
    submitted = dict(zip(submitted["target_id"], pd.to_datetime(submitted["submitted_at"])))
    write(clean[-1], old.gps_lat, old.gps_lon, old.pln_meter_id, until)
    result = _refresh(engine, until)
    assert result.visits_checked == 1
    flagged = _stored(engine)
    for target in (clean[0], clean[-1]):
        assert {(int(target), "gps_duplicate"), (int(target), "pln_reused")} <= flagged
    # Both flags are dated on the day the pair formed: the later submission of the two.
    formed = (max(submitted.values()) + pd.Timedelta(hours=7)).date()
    flag_days = pd.read_sql(f"SELECT DISTINCT day FROM quality_flag WHERE target_id IN ({int(clean[0])}, {int(clean[-1])}) AND rule IN ('gps_duplicate', 'pln_reused')", engine)
    assert {pd.Timestamp(d).date() for d in flag_days["day"]} == {formed}
    # So the days before it keep their counts.
    after = flag_counts()
    earlier = [d for d in before.index if pd.Timestamp(d).date() < formed]
    pd.testing.assert_frame_equal(after.loc[earlier], before.loc[earlier])
    write(clean[-1], new.gps_lat, new.gps_lon, new.pln_meter_id, until + dt.timedelta(minutes=5))
    _refresh(engine, until + dt.timedelta(minutes=5))
    assert _stored(engine) == stored


def test_a_refresh_with_nothing_new_changes_nothing(simulated):
    stored = _stored(simulated)
    result = _refresh(simulated, AS_OF + dt.timedelta(hours=1))
    assert (result.visits_checked, result.flags_written, result.flags_removed) == (0, 0, 0)
    assert _stored(simulated) == stored


def test_stored_risk_scores_are_the_scores_of_the_visits(simulated):
    # A small round has 1-3 interviews per facilitator: score from 2 on.
    parameters = RiskParameters(min_interviews=2)
    until = pd.read_sql("SELECT max(updated_at) AS u FROM visit", simulated)["u"].iloc[0]
    refresh_quality(
        simulated, 1, pd.Timestamp(until).to_pydatetime(), QualityParameters(), parameters, regency_polygons(get_settings().geodata_dir), rebuild=True,
    )
    # With each family's desil before the check, from ``target``.
    visits = pd.read_sql(
        f"SELECT {', '.join('v.' + c for c in RISK_COLUMNS)}, t.desil_before FROM visit v JOIN target t ON t.id = v.target_id "
        "WHERE v.submitted_at IS NOT NULL",
        simulated,
    )
    expected = score(visits, parameters).sort_index()
    stored = pd.read_sql("SELECT * FROM facilitator_risk", simulated).set_index("facilitator_id").sort_index()
    assert len(stored) == len(expected) > 1000 and stored["score"].notna().sum() > 1000
    pd.testing.assert_series_equal(stored["score"].astype(float), expected["score"], check_names=False, rtol=1e-9)
    # The facilitator page shows each signal beside the peers' median: stored as computed.
    columns = [f"{s}{suffix}" for s in SIGNAL_IDS for suffix in ("", "_peer", "_strength")]
    pd.testing.assert_frame_equal(stored[columns].astype(float), expected[columns].astype(float), check_names=False, rtol=1e-9)
    assert (stored["high_risk"].astype(bool) == (stored["score"] >= 50)).all()
    assert stored.loc[stored["interviews"] < 2, "score"].isna().all()


def test_a_rebuild_in_small_chunks_stores_the_same_flags_scores_and_counts(simulated, monkeypatch):
    """A rebuild checks the visits a chunk at a time, the groups a batch of candidates at a
    time and scores the provinces a batch at a time (bounded memory at 20M targets): the
    same flags, days, values, counts and scores as one that reads them in a single chunk
    and scores every province at once."""
    from dashboard.quality import refresh

    def state() -> dict[str, pd.DataFrame]:
        tables = {
            "quality_flag": "SELECT target_id, rule, day, group_key, value FROM quality_flag ORDER BY target_id, rule",
            "rollup_quality_day": "SELECT * FROM rollup_quality_day ORDER BY regency_code, category, day",
            "facilitator_risk": "SELECT * FROM facilitator_risk ORDER BY facilitator_id",
        }
        return {name: pd.read_sql(query, simulated) for name, query in tables.items()}

    until = pd.Timestamp(pd.read_sql("SELECT max(updated_at) AS u FROM visit", simulated)["u"].iloc[0]).to_pydatetime()
    polygons = regency_polygons(get_settings().geodata_dir)
    monkeypatch.setattr(refresh, "CHUNK_ROWS", 10**9)
    refresh_quality(simulated, 1, until, QualityParameters(), RiskParameters(), polygons, rebuild=True)
    whole = state()
    assert len(whole["quality_flag"]) > 1000
    monkeypatch.setattr(refresh, "CHUNK_ROWS", 997)
    monkeypatch.setattr(refresh, "CHUNK", 40)
    result = refresh_quality(simulated, 1, until, QualityParameters(), RiskParameters(), polygons, rebuild=True)
    assert result.flags_written == len(whole["quality_flag"])
    for name, frame in state().items():
        pd.testing.assert_frame_equal(frame, whole[name], obj=name)


def test_too_many_visits_a_day_rebuilt_and_refreshed_as_the_rules_say(simulated):
    """With a daily limit the small round breaks often (2), a rebuild reads every visit of
    the candidate facilitators, and a refresh only those started about the days of the
    visits written: both store the flags the rules give over all visits."""
    engine = simulated
    low = QualityParameters(max_visits_per_day=2)
    polygons = regency_polygons(get_settings().geodata_dir)
    visits = pd.read_sql(f"SELECT {', '.join(VISIT_COLUMNS)} FROM visit", engine).set_index("target_id", drop=False)

    def expected() -> set[int]:
        flags = evaluate(visits, low, polygons)
        return {int(t) for t in flags.index[flags["too_many_per_day"]]}

    def stored() -> set[int]:
        return {t for t, rule in _stored(engine) if rule == "too_many_per_day"}

    try:
        refresh_quality(engine, 1, AS_OF, low, RiskParameters(), polygons, rebuild=True)
        assert len(stored()) > 10 and stored() == expected()
        # One of those visits moved to another facilitator's busiest day: both days change.
        busy = pd.read_sql("SELECT facilitator_id, count(*) AS n FROM quality_flag WHERE rule = 'too_many_per_day' "
                           "GROUP BY facilitator_id ORDER BY n DESC, facilitator_id", engine)
        mover = int(pd.read_sql(f"SELECT min(target_id) AS t FROM quality_flag WHERE rule = 'too_many_per_day' "
                                f"AND facilitator_id = '{busy['facilitator_id'].iloc[1]}'", engine)["t"].iloc[0])
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE visit SET facilitator_id = :f, updated_at = :u WHERE target_id = :t"),
                         {"f": busy["facilitator_id"].iloc[0], "u": AS_OF + dt.timedelta(minutes=1), "t": mover})
        visits.loc[mover, "facilitator_id"] = busy["facilitator_id"].iloc[0]
        refresh_quality(engine, 1, AS_OF + dt.timedelta(minutes=5), low, RiskParameters(), polygons, risk_interval=dt.timedelta(days=1))
        assert stored() == expected()
    finally:
        refresh_quality(engine, 1, AS_OF, QualityParameters(), RiskParameters(), polygons, rebuild=True)
