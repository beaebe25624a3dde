"""Forecasts against the deadline, and the one rule that says who is on schedule.

For any scope (the nation, a province, a kabupaten/kota, a facilitator) and a day, from its
targets and its submissions per day:

- ``expected_pct``: the share the plan (``overview.plan_share``, the round's S-curve)
  expects submitted by the end of the day, and ``gap_points``, completion minus that;
- ``pace``: submissions per day over the last ``window`` days (zeros for days without
  any; fewer days early in the round), with an 80 % interval, ``pace_low``-``pace_high``;
- ``finish`` (``finish_early``-``finish_late``): the day the last target would be
  submitted at that pace (``None``: never, at a pace of nothing);
- ``by_deadline_pct`` (``_low``, ``_high``): the completion the deadline would see;
- ``needed_pace``: submissions per day from tomorrow to the deadline that would finish.

Why this model. The recent pace is the simplest forecast a facilitator coordinator can
check by hand, and it reacts within days to a region that stalls. The interval treats the
days of the window as draws of the daily pace: the mean ± 1.28 standard errors (80 %),
so that it is wide where the daily counts are irregular or few and narrow where work is
steady; two weeks hold two of every weekday, so the weekly rhythm neither raises nor
lowers the mean. What it does not know: a pace that is still ramping up (the plan's
S-curve is slow in its first weeks) projects too late a finish early in the round. That is
why the schedule status does not call a scope at risk on its projection alone, but only
when it is also below the plan (:func:`schedule_status`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.access.policy import Access
from dashboard.figures.overview import plan_share
from dashboard.figures.queries import Scope, daily_submissions, data_state, facilitator_daily_submissions
from dashboard.store.rollups import DAY_OFFSET_HOURS

#: Days of recent submissions the pace is measured over (two weeks: two of every weekday);
#: the setting ``FORECAST_WINDOW_DAYS``.
DEFAULT_WINDOW_DAYS = 14
#: Points of completion below the plan from which a scope is behind; the setting
#: ``SCHEDULE_BEHIND_POINTS``.
DEFAULT_BEHIND_POINTS = 5.0
#: z of a two-sided 80 % normal interval.
_Z80 = 1.2816


@dataclass(frozen=True)
class ScheduleRule:
    """The forecasts' two settings: the days the pace is measured over, and the points
    below the plan from which a scope is behind. ``ScheduleRule.of(settings)`` in the app."""

    window_days: int = DEFAULT_WINDOW_DAYS
    behind_points: float = DEFAULT_BEHIND_POINTS

    @classmethod
    def of(cls, settings) -> ScheduleRule:
        return cls(settings.forecast_window_days, settings.schedule_behind_points)


class ScheduleStatus(StrEnum):
    """Where a scope stands against the plan and the deadline (:func:`schedule_status`)."""

    DONE = "done"
    ON_SCHEDULE = "on_schedule"
    BEHIND = "behind"
    AT_RISK = "at_risk"
    NO_TARGETS = "no_targets"


def schedule_status(
    targets, submitted, gap_points, by_deadline_high_pct, behind_points: float = DEFAULT_BEHIND_POINTS, past_ramp=False
):
    """The schedule status, stated once for every scope and every page (arrays or scalars):

    - ``done``: every target submitted;
    - ``at_risk``: more than ``behind_points`` below the plan (or, ``past_ramp``, in the
      second half of the round) *and*, even at the optimistic end of the recent pace's
      interval, more than ``behind_points`` short of all targets by the deadline
      (``by_deadline_high_pct`` < 100 − ``behind_points``);
    - ``behind``: more than ``behind_points`` below the plan (and not at risk);
    - ``on_schedule``: otherwise;
    - ``no_targets``: a scope without targets.

    Being behind the plan is required for ``at_risk`` in the first half of the round because
    the plan itself starts slowly: a region on the plan in its first week has a low pace
    that projects a late finish, and is not at risk for it (nor is one a hair below it). From the middle of the
    round the plan's daily pace falls, the recent pace no longer understates the pace to
    come, and a projection that misses the deadline is a risk even for a region still ahead
    of the plan (a region that stalls after a fast start: ``bench/forecast_lead.py``
    measures how much earlier that names it). The tolerance at the deadline is the one against
    the plan: a ground check never reaches every last family (some have moved, some are
    never found in time), and a region heading for 97 % is not what the alarm is for.
    """
    targets, submitted = np.asarray(targets, dtype=float), np.asarray(submitted, dtype=float)
    gap, high = np.asarray(gap_points, dtype=float), np.asarray(by_deadline_high_pct, dtype=float)
    status = np.select(
        [targets <= 0, submitted >= targets, ((gap < -behind_points) | np.asarray(past_ramp, dtype=bool)) & (high < 100 - behind_points),
         gap < -behind_points],
        [ScheduleStatus.NO_TARGETS.value, ScheduleStatus.DONE.value, ScheduleStatus.AT_RISK.value, ScheduleStatus.BEHIND.value],
        default=ScheduleStatus.ON_SCHEDULE.value,
    )
    return status if status.ndim else str(status)


def _finish(day: dt.date, remaining: np.ndarray, pace: np.ndarray) -> list[dt.date | None]:
    """The day the remaining targets would all be submitted at ``pace`` a day (the day
    itself when nothing remains; None at a pace of nothing)."""
    out: list[dt.date | None] = []
    for left, rate in zip(remaining, pace):
        if left <= 0:
            out.append(day)
        elif rate <= 0 or not math.isfinite(rate):
            out.append(None)
        else:
            days = math.ceil(left / rate - 1e-9)
            out.append(day + dt.timedelta(days=days) if days < 36_500 else None)
    return out


def forecast_table(
    daily: pd.DataFrame,
    targets: pd.Series,
    day: dt.date,
    start: dt.date,
    deadline: dt.date,
    rule: ScheduleRule = ScheduleRule(),
    fraction: float = 1.0,
) -> pd.DataFrame:
    """The forecast of many scopes at once (``rule``: the window and the behind points): one
    row per code of ``targets`` (a Series of targets by code), from ``daily`` (columns
    ``code``, ``day``, ``submitted``: the submissions of that day; days without any may be
    left out; rows after ``day`` are ignored). ``fraction`` is the share of ``day`` the data
    covers (the newest day is under way: :func:`day_fraction`): the plan is then read at
    that moment, the pace over the complete days before it, and the time left counts the
    rest of the day, so that figures do not jump at midnight nor sag in the morning. Columns: ``targets``, ``submitted``, ``completion_pct``, ``expected_pct``,
    ``gap_points``, ``pace``, ``pace_low``, ``pace_high``, ``finish``, ``finish_early``,
    ``finish_late``, ``by_deadline_pct``, ``by_deadline_low_pct``,
    ``by_deadline_high_pct``, ``needed_pace`` (NaN once the deadline has passed) and
    ``status`` (:func:`schedule_status`)."""
    codes = targets.index
    frame = pd.DataFrame(index=codes)
    frame["targets"] = targets.astype("int64")
    # Dates as numpy days and codes as row numbers: pandas' date conversions and pivot cost
    # tens of milliseconds on a kabupaten/kota's few thousand facilitator-days.
    days_in = pd.to_datetime(daily["day"]).to_numpy(dtype="datetime64[D]") if len(daily) else np.array([], dtype="datetime64[D]")
    rows = codes.get_indexer(daily["code"]) if len(daily) else np.array([], dtype=np.intp)
    amounts = np.nan_to_num(daily["submitted"].to_numpy(dtype=float)) if len(daily) else np.array([], dtype=float)
    counted = (rows >= 0) & (days_in <= np.datetime64(day, "D"))
    frame["submitted"] = np.bincount(rows[counted], weights=amounts[counted], minlength=len(codes)).astype("int64")

    # The window: the last `window` complete days up to `day` (before it while it is under
    # way), not before the start; on the first day, that day so far, scaled to a whole day.
    fraction = min(max(float(fraction), 0.0), 1.0)
    last = day if fraction >= 1 or day <= start else day - dt.timedelta(days=1)
    scale = 1.0 if last < day or fraction >= 1 else 1 / max(fraction, 0.1)
    first = max(start, last - dt.timedelta(days=rule.window_days - 1))
    span = max((last - first).days + 1, 1)
    column = (days_in - np.datetime64(first, "D")).astype("int64")
    recent = counted & (column >= 0) & (column < span)
    counts = np.zeros((len(codes), span))
    np.add.at(counts, (rows[recent], column[recent]), amounts[recent])
    counts *= scale
    pace = counts.mean(axis=1)
    spread = counts.std(axis=1, ddof=1) if span > 1 else np.zeros(len(codes))
    error = _Z80 * spread / math.sqrt(span)
    frame["pace"] = pace
    frame["pace_low"] = np.maximum(pace - error, 0.0)
    frame["pace_high"] = pace + error

    with np.errstate(divide="ignore", invalid="ignore"):
        total = frame["targets"].to_numpy(dtype=float)
        done = frame["submitted"].to_numpy(dtype=float)
        frame["completion_pct"] = np.where(total > 0, done / total * 100, np.nan)
        elapsed = (day - start).days - 1 + fraction  # plan_share(n): by the end of day n
        frame["expected_pct"] = np.where(total > 0, float(plan_share(elapsed, start, deadline)) * 100, np.nan)
        frame["gap_points"] = frame["completion_pct"] - frame["expected_pct"]
        remaining = np.maximum(total - done, 0)
        days_left = max((deadline - day).days + (1 - fraction), 0.0)
        for suffix, rate in (("", pace), ("_low", frame["pace_low"].to_numpy()), ("_high", frame["pace_high"].to_numpy())):
            reached = np.minimum(done + rate * days_left, total)
            frame[f"by_deadline{suffix}_pct"] = np.where(total > 0, reached / total * 100, np.nan)
        frame["needed_pace"] = remaining / days_left if days_left > 0 else np.where(remaining > 0, np.nan, 0.0)
    frame["finish"] = _finish(day, remaining, pace)
    frame["finish_early"] = _finish(day, remaining, frame["pace_high"].to_numpy())
    frame["finish_late"] = _finish(day, remaining, frame["pace_low"].to_numpy())
    past_ramp = (day - start).days + fraction >= ((deadline - start).days + 1) / 2
    frame["status"] = schedule_status(total, done, frame["gap_points"], frame["by_deadline_high_pct"], rule.behind_points, past_ramp)
    return frame


@dataclass(frozen=True)
class Forecast:
    """The forecast of one scope on one day (see the module docstring for each figure)."""

    day: dt.date
    deadline: dt.date
    targets: int
    submitted: int
    completion_pct: float
    expected_pct: float
    gap_points: float
    pace: float
    pace_low: float
    pace_high: float
    finish: dt.date | None
    finish_early: dt.date | None
    finish_late: dt.date | None
    by_deadline_pct: float
    by_deadline_low_pct: float
    by_deadline_high_pct: float
    needed_pace: float
    status: ScheduleStatus
    window_days: int = DEFAULT_WINDOW_DAYS  # the days the pace was measured over

    def to_json(self) -> dict:
        """JSON-ready (dates as ISO text, NaN as null)."""
        out: dict = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, float):
                value = None if math.isnan(value) else round(value, 3)
            elif isinstance(value, ScheduleStatus):
                value = value.value
            out[name] = value
        return out


def forecast_one(
    submitted_per_day: pd.Series,
    targets: int,
    day: dt.date,
    start: dt.date,
    deadline: dt.date,
    rule: ScheduleRule = ScheduleRule(),
    fraction: float = 1.0,
) -> Forecast:
    """The forecast of one scope from its submissions per day (a Series indexed by day);
    ``fraction`` as in :func:`forecast_table`."""
    daily = pd.DataFrame({"code": "x", "day": list(submitted_per_day.index), "submitted": submitted_per_day.to_numpy()})
    row = forecast_table(daily, pd.Series({"x": targets}), day, start, deadline, rule, fraction).iloc[0]
    values = {name: row[name] for name in Forecast.__dataclass_fields__ if name in row.index}
    return Forecast(
        day=day,
        deadline=deadline,
        **{k: (int(v) if k in ("targets", "submitted") else v if isinstance(v, dt.date) or v is None else float(v)) for k, v in values.items() if k != "status"},
        status=ScheduleStatus(row["status"]),
        window_days=rule.window_days,
    )


def day_fraction(engine: Engine, round_id: int, day: dt.date) -> float:
    """The share of ``day`` (WIB) the round's data covers: that of the moment "data as of"
    when ``day`` is its day, else 1 (a past day is complete)."""
    state = data_state(engine, round_id)
    if state is None or state.day != day:
        return 1.0
    local = state.data_until + dt.timedelta(hours=DAY_OFFSET_HOURS)
    return (local.hour * 3600 + local.minute * 60 + local.second) / 86_400


def scope_forecast(
    engine: Engine, round_id: int, scope: Scope, day: dt.date, start: dt.date, deadline: dt.date, *, access: Access,
    rule: ScheduleRule = ScheduleRule(),
) -> Forecast:
    """The forecast of ``scope`` as of ``day`` (``access`` must see its totals)."""
    daily, targets = daily_submissions(engine, round_id, scope, day, access=access)
    per_day = daily.set_index("day")["submitted"]
    return forecast_one(per_day, int(targets.sum()), day, start, deadline, rule, day_fraction(engine, round_id, day))


def child_forecasts(
    engine: Engine, round_id: int, scope: Scope, day: dt.date, start: dt.date, deadline: dt.date, *, access: Access,
    rule: ScheduleRule = ScheduleRule(), regencies: bool = False,
) -> pd.DataFrame:
    """:func:`forecast_table` of the child regions of ``scope`` that ``access`` may see
    (with ``regencies``, of all its kabupaten/kota), indexed by code."""
    daily, targets = daily_submissions(engine, round_id, scope, day, access=access, by="regencies" if regencies else "children")
    table = forecast_table(daily, targets, day, start, deadline, rule, day_fraction(engine, round_id, day))
    table.index.name = "code"
    return table


def facilitator_forecasts(
    engine: Engine, round_id: int, regency_code: str, targets: pd.Series, day: dt.date, start: dt.date, deadline: dt.date,
    *, access: Access, rule: ScheduleRule = ScheduleRule(),
) -> pd.DataFrame:
    """:func:`forecast_table` of the facilitators of a kabupaten/kota (``access`` must see
    them), from their submissions per day (the facilitator rollup) and ``targets`` (their
    caseloads, by facilitator id)."""
    daily = facilitator_daily_submissions(engine, round_id, regency_code, day, access=access)
    return forecast_table(daily, targets, day, start, deadline, rule, day_fraction(engine, round_id, day))
