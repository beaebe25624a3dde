"""Forecasts on synthetic series whose answer is known, and the schedule rule."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.forecast import ScheduleRule, ScheduleStatus, forecast_one, forecast_table, schedule_status
from dashboard.figures.overview import plan_share

START = dt.date(2026, 3, 1)
DEADLINE = START + dt.timedelta(days=34)  # 35 days


def _days(first: int, counts: list[int]) -> pd.Series:
    return pd.Series(counts, index=[START + dt.timedelta(days=first + i) for i in range(len(counts))])


def test_a_constant_pace_finishes_when_arithmetic_says():
    day = START + dt.timedelta(days=19)
    forecast = forecast_one(_days(0, [100] * 20), 3000, day, START, DEADLINE)
    assert forecast.submitted == 2000 and forecast.completion_pct == pytest.approx(200 / 3)
    assert forecast.pace == forecast.pace_low == forecast.pace_high == 100  # no spread, no doubt
    assert forecast.finish == forecast.finish_early == forecast.finish_late == day + dt.timedelta(days=10)
    assert forecast.by_deadline_pct == 100  # 2000 + 15 days × 100, capped at the targets
    assert forecast.needed_pace == pytest.approx(1000 / 15)
    assert forecast.expected_pct == pytest.approx(float(plan_share(19, START, DEADLINE)) * 100)
    assert forecast.gap_points == pytest.approx(forecast.completion_pct - forecast.expected_pct)
    assert forecast.status == ScheduleStatus.ON_SCHEDULE


def test_a_stalled_region_never_finishes_and_is_at_risk():
    day = START + dt.timedelta(days=23)
    forecast = forecast_one(_days(0, [100] * 10), 3000, day, START, DEADLINE)  # nothing for 14 days
    assert forecast.pace == 0 and forecast.pace_high == 0
    assert forecast.finish is None and forecast.finish_late is None
    assert forecast.by_deadline_pct == pytest.approx(1000 / 3000 * 100)
    assert forecast.needed_pace == pytest.approx(2000 / 11)
    assert forecast.gap_points < 0 and forecast.status == ScheduleStatus.AT_RISK


def test_the_window_is_the_last_fourteen_days():
    day = START + dt.timedelta(days=27)
    counts = [500] * 14 + [50] * 14  # fast, then slow: only the slow fortnight counts
    forecast = forecast_one(_days(0, counts), 10_000, day, START, DEADLINE)
    assert forecast.pace == 50
    assert forecast_one(_days(0, counts), 10_000, day, START, DEADLINE, ScheduleRule(window_days=28)).pace == pytest.approx(275)


def test_an_irregular_pace_has_an_interval_that_orders_the_finish_days():
    rng = np.random.default_rng(3)
    counts = list(rng.poisson(80, 20) * rng.integers(0, 2, 20))  # idle days among busy ones
    day = START + dt.timedelta(days=19)
    forecast = forecast_one(_days(0, counts), 4000, day, START, DEADLINE)
    recent = np.array(counts[-14:], dtype=float)
    half = 1.2816 * recent.std(ddof=1) / np.sqrt(14)
    assert forecast.pace == pytest.approx(recent.mean())
    assert (forecast.pace_low, forecast.pace_high) == pytest.approx((recent.mean() - half, recent.mean() + half))
    assert forecast.finish_early <= forecast.finish <= forecast.finish_late
    assert forecast.by_deadline_low_pct <= forecast.by_deadline_pct <= forecast.by_deadline_high_pct


def test_a_region_on_the_plan_in_its_first_week_is_not_at_risk():
    """The plan starts slowly: a pace that follows it projects a late finish, and that is
    not a risk yet."""
    targets, day = 10_000, START + dt.timedelta(days=6)
    planned = np.diff(np.concatenate([[0.0], plan_share(np.arange(7), START, DEADLINE) * targets]))
    # Rounded down: a hair below the plan, which is no risk either.
    forecast = forecast_one(_days(0, list(np.floor(planned).astype(int))), targets, day, START, DEADLINE)
    assert forecast.by_deadline_high_pct < 100 and -1 < forecast.gap_points < 0
    assert forecast.status == ScheduleStatus.ON_SCHEDULE


def test_behind_the_plan_but_fast_enough_is_behind_not_at_risk():
    day = START + dt.timedelta(days=24)
    # 290 a day from the start: 7,250 by day 24 (72.5 %; the plan: 80 %), and ten days
    # more at 290 reach the 10,000 targets by the deadline.
    forecast = forecast_one(_days(0, [290] * 25), 10_000, day, START, DEADLINE)
    assert forecast.submitted == 7250 and forecast.gap_points < -5
    assert forecast.by_deadline_pct == 100 and forecast.status == ScheduleStatus.BEHIND


def test_a_day_under_way_reads_the_plan_at_its_hour_and_the_pace_of_the_days_before():
    day = START + dt.timedelta(days=20)
    per_day = _days(0, [100] * 20 + [30])  # 30 so far today, by noon
    noon = forecast_one(per_day, 5000, day, START, DEADLINE, fraction=0.5)
    assert noon.pace == 100  # the complete days only
    assert noon.expected_pct == pytest.approx(float(plan_share(19.5, START, DEADLINE)) * 100)
    end = forecast_one(per_day, 5000, day, START, DEADLINE)
    assert noon.expected_pct < end.expected_pct and end.pace < 100  # a whole day of 30 drags the pace
    assert noon.needed_pace == pytest.approx((5000 - 2030) / 14.5)  # the rest of today counts
    deadline_noon = forecast_one(_days(0, [100] * 35), 5000, DEADLINE, START, DEADLINE, fraction=0.5)
    assert deadline_noon.needed_pace == pytest.approx((5000 - 3500) / 0.5)  # the deadline day is not over


def test_done_and_without_targets():
    day = START + dt.timedelta(days=20)
    done = forecast_one(_days(0, [100] * 10), 1000, day, START, DEADLINE)
    assert done.status == ScheduleStatus.DONE and done.finish == day and done.needed_pace == 0
    assert forecast_one(_days(0, []), 0, day, START, DEADLINE).status == ScheduleStatus.NO_TARGETS


def test_after_the_deadline_the_needed_pace_is_unknown_and_the_forecast_holds():
    day = DEADLINE + dt.timedelta(days=5)
    forecast = forecast_one(_days(0, [20] * 40), 1000, day, START, DEADLINE)
    assert forecast.submitted == 800 and np.isnan(forecast.needed_pace)
    assert forecast.by_deadline_pct == pytest.approx(80) and forecast.status == ScheduleStatus.AT_RISK
    assert forecast.finish == day + dt.timedelta(days=10)


def test_many_scopes_at_once_equal_one_at_a_time_and_ignore_later_days():
    rng = np.random.default_rng(5)
    day = START + dt.timedelta(days=21)
    rows, targets = [], {}
    for code in ("31", "32", "33", "94"):
        counts = rng.poisson(rng.uniform(0, 200), 30)  # days beyond `day` too
        rows += [{"code": code, "day": START + dt.timedelta(days=i), "submitted": int(c)} for i, c in enumerate(counts) if c]
        targets[code] = int(rng.integers(2000, 6000))
    daily = pd.DataFrame(rows)
    table = forecast_table(daily, pd.Series(targets), day, START, DEADLINE)
    for code, target in targets.items():
        mine = daily.loc[daily["code"] == code].set_index("day")["submitted"]
        one = forecast_one(mine, target, day, START, DEADLINE)
        for name, value in one.to_json().items():
            if name in table.columns:
                got = table.loc[code, name]
                got = got.isoformat() if isinstance(got, dt.date) else got
                assert (got is None and value is None) or got == pytest.approx(value, abs=1e-3), (code, name)
        assert one.submitted == int(mine[mine.index <= day].sum())


def test_the_rule_is_one_function_of_arrays_and_of_scalars():
    status = schedule_status([0, 10, 10, 10, 10], [0, 10, 2, 2, 9], [0, 5, -20, -20, -1], [0, 100, 50, 100, 100])
    assert list(status) == ["no_targets", "done", "at_risk", "behind", "on_schedule"]
    assert schedule_status(10, 2, -6.0, 94.0) == "at_risk"
    assert schedule_status(10, 2, -1.0, 94.0) == "on_schedule"  # a point below the plan early in the round: no risk yet
    assert schedule_status(10, 2, -6.0, 96.0) == "behind"  # 4 points short by the deadline: within the tolerance
    assert schedule_status(10, 2, -4.0, 100.0, behind_points=3) == "behind"
    # In the second half of the round a projection that misses is a risk even ahead of the plan.
    assert schedule_status(10, 2, 3.0, 80.0) == "on_schedule" and schedule_status(10, 2, 3.0, 80.0, past_ramp=True) == "at_risk"
