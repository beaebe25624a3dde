"""The forecasts of the nation and of every province equal an independent computation with
pandas straight from the raw tables (target, visit) of the standard round."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.forecast import ScheduleRule, child_forecasts, scope_forecast
from dashboard.figures.queries import Scope, data_state, round_dates
from dashboard.store.database import get_engine

WINDOW, BEHIND = 14, 5.0


def _expected(targets: pd.Series, submitted_days: pd.DataFrame, day: dt.date, start: dt.date, deadline: dt.date, fraction: float) -> pd.DataFrame:
    """Per code: the forecast as the module docstring of ``dashboard.figures.forecast`` says,
    ``fraction`` of ``day`` gone (the pace then over the complete days before it)."""
    last = day if fraction >= 1 else day - dt.timedelta(days=1)
    first = max(start, last - dt.timedelta(days=WINDOW - 1))
    window = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    rows = {}
    span = (deadline - start).days + 1
    x = min(max(((day - start).days + fraction) / span, 0), 1)
    expected_pct = x * x * (3 - 2 * x) * 100
    second_half = (day - start).days + fraction >= span / 2
    days_left = max((deadline - day).days + 1 - fraction, 0)
    for code, total in targets.items():
        mine = submitted_days.loc[submitted_days["code"] == code]
        done = int((mine["day"] <= day).sum())
        counts = np.array([(mine["day"] == d).sum() for d in window], dtype=float)
        pace, spread = counts.mean(), counts.std(ddof=1)
        high = pace + 1.2816 * spread / math.sqrt(len(window))
        by_deadline_high = min(done + high * days_left, total) / total * 100
        gap = done / total * 100 - expected_pct
        finish = day + dt.timedelta(days=math.ceil((total - done) / pace)) if pace > 0 and done < total else (day if done >= total else None)
        status = ("done" if done >= total else "at_risk" if (gap < -BEHIND or second_half) and by_deadline_high < 100 - BEHIND
                  else "behind" if gap < -BEHIND else "on_schedule")
        rows[code] = {"submitted": done, "pace": pace, "gap_points": gap, "finish": finish, "status": status,
                      "needed_pace": (total - done) / days_left if days_left > 0 else np.nan}
    return pd.DataFrame.from_dict(rows, orient="index")


@pytest.fixture(scope="module")
def raw(standard_sqlite_round_url):
    engine = sa.create_engine(standard_sqlite_round_url)
    targets = pd.read_sql("SELECT province_code FROM target", engine)["province_code"].value_counts()
    visits = pd.read_sql("SELECT province_code, submitted_at FROM visit WHERE submitted_at IS NOT NULL", engine)
    engine.dispose()
    visits["day"] = (pd.to_datetime(visits["submitted_at"]) + pd.Timedelta(hours=7)).dt.date  # WIB
    return targets, visits.rename(columns={"province_code": "code"})


@pytest.mark.parametrize("days_back", [0, 9, 16])
def test_every_province_and_the_nation_as_pandas_computes_them(standard_sqlite_round_url, raw, days_back):
    engine = get_engine(standard_sqlite_round_url)
    dates = round_dates(engine, 1)
    until = data_state(engine, 1).data_until + dt.timedelta(hours=7)  # WIB
    day = until.date() - dt.timedelta(days=days_back)
    fraction = (until.hour * 3600 + until.minute * 60 + until.second) / 86_400 if days_back == 0 else 1.0
    targets, visits = raw
    expected = _expected(targets, visits, day, dates.start_date, dates.deadline, fraction)
    got = child_forecasts(engine, 1, Scope.national(), day, dates.start_date, dates.deadline, access=Access.nationwide(),
                          rule=ScheduleRule(WINDOW, BEHIND))
    assert sorted(got.index) == sorted(expected.index) and len(got) == 38
    for code, row in expected.iterrows():
        mine = got.loc[code]
        assert mine["submitted"] == row["submitted"], code
        assert mine["pace"] == pytest.approx(row["pace"]) and mine["gap_points"] == pytest.approx(row["gap_points"]), code
        assert mine["finish"] == row["finish"] and mine["status"] == row["status"], code
        assert mine["needed_pace"] == pytest.approx(row["needed_pace"], nan_ok=True), code
    nation = _expected(pd.Series({"ID": targets.sum()}), visits.assign(code="ID"), day, dates.start_date, dates.deadline, fraction).loc["ID"]
    forecast = scope_forecast(engine, 1, Scope.national(), day, dates.start_date, dates.deadline, access=Access.nationwide(),
                              rule=ScheduleRule(WINDOW, BEHIND))
    assert (forecast.submitted, forecast.finish, forecast.status.value) == (nation["submitted"], nation["finish"], nation["status"])
    assert forecast.pace == pytest.approx(nation["pace"])


def test_a_province_user_gets_the_forecast_of_their_province_only(standard_sqlite_round_url):
    engine = get_engine(standard_sqlite_round_url)
    dates = round_dates(engine, 1)
    day = data_state(engine, 1).data_until.date()
    access = Access.of_user("prov", "province", ["35"])
    assert list(child_forecasts(engine, 1, Scope.national(), day, dates.start_date, dates.deadline, access=access).index) == ["35"]
    assert scope_forecast(engine, 1, Scope.of("35"), day, dates.start_date, dates.deadline, access=access).targets > 0
    with pytest.raises(OutOfScope):
        scope_forecast(engine, 1, Scope.of("33"), day, dates.start_date, dates.deadline, access=access)
