"""When things happen: the work calendar, visit times and the review cycle.

All times are float seconds since the Unix epoch, UTC (NaN = never), so that millions of
them can be computed as numpy arrays; they become ``DateTime`` values only when written.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from dashboard.simulation.config import SimulationConfig

DAY = 86_400.0
HOUR = 3_600.0
MINUTE = 60.0

#: Capacity of the field work by weekday (Mon..Sun): Friday prayers, quiet weekends.
WEEKDAY_CAPACITY = np.array([1.0, 1.0, 1.0, 1.0, 0.9, 0.5, 0.2])

#: Local hour of day at which visits start (06:00-21:59): morning peak, lunch dip.
_HOUR_WEIGHTS = np.zeros(24)
_HOUR_WEIGHTS[6:22] = [0.5, 2, 5, 8, 9, 8, 4, 6, 8, 8, 6, 4, 2, 1.5, 0.8, 0.3]
HOUR_PROBABILITIES = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()


def epoch(value: dt.date | dt.datetime) -> float:
    """Seconds since the epoch of a naive-UTC datetime, or of a date's midnight."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return (value - dt.datetime(1970, 1, 1)).total_seconds()


class WorkCalendar:
    """Daily capacity of the field work over the round, and its cumulative sum (work-days),
    in ``province_code`` (its own slowdowns and those of everywhere; None: everywhere's only)."""

    def __init__(self, config: SimulationConfig, province_code: str | None = None):
        self.start = config.start
        self.days = config.horizon_days
        dates = [config.start + dt.timedelta(days=d) for d in range(self.days)]
        capacity = WEEKDAY_CAPACITY[[d.weekday() for d in dates]]
        for slowdown in config.slowdowns:
            if not slowdown.applies_to(province_code):
                continue
            inside = np.array([slowdown.start <= d <= slowdown.end for d in dates])
            capacity = np.where(inside, capacity * slowdown.factor, capacity)
        self.capacity = capacity
        #: work-days done before day d (index d), for d = 0..days.
        self.cumulative = np.concatenate([[0.0], np.cumsum(capacity)])

    def day_of_work(self, workdays: np.ndarray) -> np.ndarray:
        """Calendar day (from the start) on which ``workdays`` of work are reached; -1 = beyond."""
        day = np.searchsorted(self.cumulative, workdays, side="right") - 1
        return np.where((day >= self.days) | ~np.isfinite(workdays), -1, day)

    def workdays_at(self, day: float) -> float:
        """Work-days done by calendar day ``day`` (fractional days interpolate)."""
        day = min(max(day, 0.0), float(self.days))
        whole = int(day)
        frac = day - whole
        extra = self.capacity[whole] * frac if whole < self.days else 0.0
        return float(self.cumulative[whole] + extra)


def completion_workdays(rng: np.random.Generator, n: int, config: SimulationConfig) -> np.ndarray:
    """Work-days a target takes at speed 1: a logistic curve cut at zero."""
    m, s = config.progress_midpoint_workdays, config.progress_scale_workdays
    u0 = 1 / (1 + np.exp(m / s))  # the curve's value at zero work-days
    u = rng.uniform(u0, 1, n)
    return m + s * np.log(u / (1 - u))


def expected_completion(config: SimulationConfig, speeds: np.ndarray, day: float) -> float:
    """Expected share of targets started by calendar ``day`` for targets of ``speeds``
    (ignoring idle spells): the analytic form of the curve the simulator samples."""
    m, s = config.progress_midpoint_workdays, config.progress_scale_workdays
    calendar = WorkCalendar(config)
    tau = calendar.workdays_at(day) * np.asarray(speeds)
    logistic = lambda x: 1 / (1 + np.exp(-(x - m) / s))  # noqa: E731
    u0 = logistic(0.0)
    return float(np.mean((logistic(tau) - u0) / (1 - u0)))


def local_time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after local midnight at which visits start."""
    hours = rng.choice(24, size=n, p=HOUR_PROBABILITIES)
    return hours * HOUR + rng.uniform(0, HOUR, n)


def lognormal_seconds(rng: np.random.Generator, median_s: float, sigma: float, n: int) -> np.ndarray:
    return np.exp(np.log(median_s) + sigma * rng.standard_normal(n))


def next_rerank(approved_at: np.ndarray) -> np.ndarray:
    """BPS re-ranks approved families in a weekly batch: Mondays 02:00 UTC, at least a day
    after approval."""
    ready = approved_at + DAY
    # 1970-01-01 was a Thursday: Monday 00:00 falls 4 days after each week's epoch start.
    week = np.floor((ready - 4 * DAY - 2 * HOUR) / (7 * DAY))
    return (week + 1) * 7 * DAY + 4 * DAY + 2 * HOUR
