"""Alerts on the standard round: evaluated by the writer, one row per persisting alert,
closed when their condition ends, seen by each user in their area only, acknowledged with
a note; and the ``manage alerts`` command."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.alerts import AlertParameters, acknowledge, alert_counts, alert_feed, evaluate_alerts
from dashboard.figures.forecast import child_forecasts
from dashboard.figures.queries import Scope, data_state, round_dates
from dashboard.store.database import get_engine
from tests.simulated import copy_database


@pytest.fixture(scope="module")
def url(scored_round_url, database_url_factory):
    """The standard round with risk scores (a copy): the simulator evaluated its alerts
    before the scores were given, so they are evaluated again, as the writer would after
    that refresh."""
    url = copy_database(scored_round_url, database_url_factory("sqlite"))
    engine = get_engine(url)
    evaluate_alerts(engine, 1, AlertParameters(), data_state(engine, 1).data_until)
    return url


def _alerts(url: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    frame = pd.read_sql("SELECT * FROM alert", engine)
    engine.dispose()
    return frame


def test_the_alerts_of_the_rounds_clock_match_the_forecasts_and_the_scores(url):
    engine = get_engine(url)
    everything = _alerts(url)
    risky = pd.read_sql("SELECT facilitator_id FROM facilitator_risk WHERE high_risk", sa.create_engine(url))["facilitator_id"]
    # The fixture re-scored from 2 interviews on (the simulator from 5) at another threshold:
    # the alerts of facilitators no longer at high risk were closed, and only those.
    closed = everything[everything["closed_at"].notna()]
    assert set(closed["rule"]) <= {"facilitator_high_risk"} and not set(closed["subject"]) & set(risky)
    alerts = everything[everything["closed_at"].isna()]
    assert len(alerts) > 0
    state, dates = data_state(engine, 1), round_dates(engine, 1)
    assert (pd.to_datetime(alerts["opened_at"]) == pd.Timestamp(state.data_until)).all()
    provinces = child_forecasts(engine, 1, Scope.national(), state.day, dates.start_date, dates.deadline, access=Access.nationwide())
    at_risk = set(provinces.index[provinces["status"] == "at_risk"])
    assert set(alerts.loc[(alerts["rule"] == "region_at_risk") & (alerts["subject"].str.len() == 2), "subject"]) == at_risk
    assert set(alerts.loc[alerts["rule"] == "facilitator_high_risk", "subject"]) == set(risky) and len(risky) > 0
    assert not alerts.duplicated(["rule", "subject"]).any()


def test_a_persisting_alert_stays_one_and_an_ended_one_is_closed(url):
    engine = get_engine(url)
    before = _alerts(url)
    still_open = int(before["closed_at"].isna().sum())
    # As of the round's clock (the wall clock is days later: its data would have stopped).
    now = data_state(engine, 1).data_until
    again = evaluate_alerts(engine, 1, AlertParameters(), now)
    assert (again.opened, again.closed, again.kept) == (0, 0, still_open)
    assert len(_alerts(url)) == len(before)

    raw = sa.create_engine(url)
    with raw.begin() as conn:
        gone = conn.execute(sa.text("SELECT facilitator_id FROM facilitator_risk WHERE high_risk LIMIT 1")).scalar_one()
        new = conn.execute(sa.text("SELECT facilitator_id FROM facilitator_risk WHERE NOT high_risk ORDER BY facilitator_id LIMIT 1")).scalar_one()
        conn.execute(sa.text("UPDATE facilitator_risk SET high_risk = NOT high_risk WHERE facilitator_id IN (:a, :b)"), {"a": gone, "b": new})
    raw.dispose()
    changes = evaluate_alerts(engine, 1, AlertParameters(), now)
    assert (changes.opened, changes.closed) == (1, 1)
    after = _alerts(url).set_index(["rule", "subject"])
    assert pd.notna(after.loc[("facilitator_high_risk", gone), "closed_at"])
    assert pd.isna(after.loc[("facilitator_high_risk", new), "closed_at"])
    # The condition returns: a new alert opens, the closed one stays closed (its history).
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE facilitator_risk SET high_risk = 1 WHERE facilitator_id = :a"), {"a": gone})
    assert evaluate_alerts(engine, 1, AlertParameters(), now).opened == 1
    assert (_alerts(url).query("rule == 'facilitator_high_risk' and subject == @gone")["closed_at"].isna()).sum() == 1


def test_each_user_sees_the_alerts_of_their_area_most_severe_first(url):
    engine = get_engine(url)
    nation = alert_feed(engine, 1, Scope.national(), access=Access.nationwide(), limit=10_000)
    assert list(nation["severity"].map({"high": 0, "medium": 1, "low": 2})) == sorted(nation["severity"].map({"high": 0, "medium": 1, "low": 2}))
    province = alert_feed(engine, 1, Scope.national(), access=Access.of_user("p", "province", ["35"]), limit=10_000)
    assert len(province) > 0 and province["scope_code"].str.startswith("35").all()
    expected = nation[nation["scope_code"].str.startswith("35")]
    assert sorted(province["id"]) == sorted(expected["id"])
    wall = alert_feed(engine, 1, Scope.national(), access=Access.of_user("w", "display", ["35"]), limit=10_000)
    assert not wall["rule"].isin(["facilitator_high_risk", "facilitators_idle"]).any() and len(wall) > 0
    regency = alert_feed(engine, 1, Scope.of("35.77"), access=Access.nationwide(), limit=10_000)
    assert regency["scope_code"].eq("35.77").all()
    # The overview's line: the open alerts counted by severity, as the table holds them.
    raw = _alerts(url)
    for access, scope, keep in (
        (Access.nationwide(), Scope.national(), raw["closed_at"].isna()),
        (Access.of_user("p", "province", ["35"]), Scope.of("35"), raw["closed_at"].isna() & raw["scope_code"].str.startswith("35")),
        (Access.of_user("w", "display", ["35"]), Scope.national(), raw["closed_at"].isna() & raw["scope_code"].str.startswith("35")
         & ~raw["rule"].isin(["facilitator_high_risk", "facilitators_idle"])),
    ):
        expected = raw.loc[keep, "severity"].value_counts().sort_index()
        assert alert_counts(engine, 1, scope, access=access).sort_index().to_dict() == expected.to_dict()
    # A short list keeps the most severe, whenever they opened.
    top = alert_feed(engine, 1, Scope.national(), access=Access.nationwide(), limit=(nation["severity"] == "high").sum())
    assert (top["severity"] == "high").all()


def test_an_alert_is_acknowledged_with_a_note_only_where_its_user_sees_it(url):
    engine = get_engine(url)
    nation = alert_feed(engine, 1, Scope.national(), access=Access.nationwide(), limit=10_000)
    mine = int(nation.loc[nation["scope_code"] == "35", "id"].iloc[0])
    theirs = int(nation.loc[nation["scope_code"] == "33", "id"].iloc[0])
    user = Access.of_user("budi", "province", ["35"])
    at = dt.datetime(2026, 11, 24, 3, 0)
    assert acknowledge(engine, mine, access=user, note="  Sudah dihubungi koordinator <b>kab</b>  ", at=at)
    assert not acknowledge(engine, theirs, access=user, note="x")
    row = _alerts(url).set_index("id").loc[mine]
    assert (row["acknowledged_by"], row["note"]) == ("budi", "Sudah dihubungi koordinator <b>kab</b>")  # stored as text, shown escaped
    # Beside one note, the others are None, not NaN (not JSON; "nan" on the page).
    feed = alert_feed(engine, 1, Scope.national(), access=Access.nationwide(), limit=10_000)
    assert feed["note"].map(lambda v: v is None or isinstance(v, str)).all() and feed["note"].notna().sum() == 1
    assert pd.isna(_alerts(url).set_index("id").loc[theirs, "acknowledged_at"])


def test_the_manage_command_evaluates_every_round_and_notices_stopped_data(url, capsys):
    from dashboard.manage import main
    from dashboard.alerts.rules import stale_conditions

    assert main(["alerts", "--database-url", url]) == 0
    assert re.search(r"alerts of round 1: [\d,]+ opened, [\d,]+ still open, [\d,]+ closed", capsys.readouterr().out)
    # On the wall clock the round's data is old: stopped, while the round runs.
    engine = get_engine(url)
    state, dates = data_state(engine, 1), round_dates(engine, 1)
    stale = stale_conditions(state.data_until, dt.datetime.now(dt.UTC).replace(tzinfo=None), dates.start_date, dates.deadline, AlertParameters())
    alerts = _alerts(url)
    assert (alerts.query("rule == 'data_stopped'")["closed_at"].isna().sum() == 1) == bool(stale)
