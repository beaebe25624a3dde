"""What an overview page of a scope shows, as data: KPIs with their change since yesterday,
the child regions with every metric, progress against the plan, the split by target
category and the outcome funnel. Pages format these; the JSON API serves the same frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.access.policy import Access
from dashboard.figures.cache import cached
from dashboard.figures.metrics import compute, get_metric
from dashboard.figures.queries import Scope, base_counts, daily_progress, region_names

#: The KPI cards of an overview, in order.
KPI_METRICS = (
    "targets",
    "visited",
    "completion_pct",
    "approved",
    "returned",
    "active_facilitators_1d",
    "active_facilitators_7d",
)


#: KPIs that count activity *within* a day or window: today is still under way, so they
#: are shown beside yesterday's value, not as a change (a morning would look like a collapse).
WINDOW_METRICS = frozenset({"active_facilitators_1d", "active_facilitators_7d"})


@dataclass(frozen=True)
class Kpi:
    metric_id: str
    value: float
    #: The value at the end of yesterday.
    yesterday: float

    @property
    def delta(self) -> float:
        """Change since the end of yesterday (percentage points for percentages)."""
        return self.value - self.yesterday

    @property
    def compares_windows(self) -> bool:
        return self.metric_id in WINDOW_METRICS


@cached
def kpis(
    engine: Engine, round_id: int, scope: Scope, day: dt.date, metric_ids: tuple[str, ...] = KPI_METRICS, *, access: Access
) -> list[Kpi]:
    """The KPIs ``metric_ids`` of the scope on ``day`` and at the end of the day before
    (NaN for metrics known only for the newest data, such as the risk scores)."""
    today = compute(base_counts(engine, round_id, scope, day, access=access), metric_ids).iloc[0]
    before = compute(base_counts(engine, round_id, scope, day - dt.timedelta(days=1), access=access), metric_ids)
    yesterday = before.reindex(columns=list(metric_ids)).iloc[0]
    return [Kpi(m, float(today.get(m, float("nan"))), float(yesterday[m])) for m in metric_ids]


@cached
def region_table(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access) -> pd.DataFrame:
    """One row per child region (provinces of the nation, kabupaten/kota of a province),
    indexed by code, with ``name``, ``visible`` (whether ``access`` may see its figures:
    the others have none), the base counts and every metric."""
    counts = base_counts(engine, round_id, scope, day, access=access, by="children")
    names = region_names(engine, scope.child_level, scope)
    table = pd.concat([counts, compute(counts)], axis=1)
    table = table.loc[:, ~table.columns.duplicated()]
    # Regions without any target, or outside the area, still appear (grey on the map),
    # with no figures.
    table = table.reindex(names.index)
    table.insert(0, "name", names)
    table.insert(1, "visible", [access.sees_row(code) for code in names.index])
    table.index.name = "code"
    return table


def plan_share(day: np.ndarray | float, start: dt.date, deadline: dt.date) -> np.ndarray:
    """Planned share done (0-1) by the end of ``day`` days after the start: an S-curve
    (smoothstep) from nothing at the start to everything at the end of the deadline day,
    slow at first while facilitators learn the app, slow at the end for hard cases."""
    span = (deadline - start).days + 1
    x = np.clip((np.asarray(day, dtype=float) + 1) / span, 0, 1)
    return x * x * (3 - 2 * x)


@cached
def progress_series(
    engine: Engine, round_id: int, scope: Scope, day: dt.date, start: dt.date, deadline: dt.date, *, access: Access
) -> pd.DataFrame:
    """Per day from the start to ``day`` (and on to the deadline for the plan): cumulative
    completion (% of targets submitted) and the plan."""
    series = daily_progress(engine, round_id, scope, day, access=access).set_index("day")
    targets = int(series["targets"].iloc[0]) if len(series) else 0
    return progress_frame(series["submitted_cumulative"], targets, day, start, deadline)


def progress_frame(submitted_cumulative: pd.Series, targets: int, day: dt.date, start: dt.date, deadline: dt.date) -> pd.DataFrame:
    """Every day from the start to the later of ``day`` and the deadline: cumulative
    completion (% of ``targets`` submitted, up to ``day``) from ``submitted_cumulative``
    (indexed by day, days without submissions left out), the plan, and ``targets``. One
    shape for every level, from the nation to one facilitator."""
    last = max(day, deadline)
    days = [start + dt.timedelta(days=i) for i in range((last - start).days + 1)]
    frame = pd.DataFrame(index=pd.Index(days, name="day"))
    counts = pd.DataFrame({"submitted": submitted_cumulative.reindex(days).ffill().fillna(0), "targets": targets})
    completion = compute(counts, ["completion_pct"])["completion_pct"]  # the registry's definition
    frame["completion_pct"] = completion.where([d <= day for d in days])
    frame["plan_pct"] = plan_share(np.arange(len(days)), start, deadline) * 100
    frame["targets"] = targets
    return frame


@cached
def category_split(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access) -> pd.DataFrame:
    """Per target category: the base counts and the metrics that split by category."""
    counts = base_counts(engine, round_id, scope, day, access=access, by_category=True)
    return pd.concat([counts, compute(counts)], axis=1).loc[:, lambda f: ~f.columns.duplicated()]


@cached
def funnel(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access) -> pd.Series:
    """Assigned → visited → outcomes → submitted → approved, as counts."""
    counts = base_counts(engine, round_id, scope, day, access=access).iloc[0]
    return pd.Series(
        {
            "assigned": counts["targets"],
            "visited": counts["visited"],
            "submitted": counts["submitted"],
            "outcome_found_verified": counts["outcome_found_verified"] + counts["outcome_nik_confirmed"],
            "outcome_moved": counts["outcome_moved"],
            "outcome_deceased": counts["outcome_deceased"],
            "outcome_not_found": counts["outcome_not_found"],
            "outcome_refused": counts["outcome_refused"],
            "approved": counts["approved"],
        }
    )


#: A rate is ranked only over at least this many units of its denominator (targets for
#: completion, submissions for the return and flag rates ...). A kabupaten/kota with 3 of
#: 13 submissions flagged is not the country's worst: its 23 % says little. Regions below
#: the minimum keep their figures but no rank, and stand after the ranked ones.
MIN_RANKED_DENOMINATOR = 50


def rank(table: pd.DataFrame, metric_id: str, minimum: int = MIN_RANKED_DENOMINATOR) -> pd.Series:
    """Rank of each region by the metric, 1 = best (ties share the better rank; for a
    metric that is neither good nor bad, 1 = the highest); no rank (``<NA>``) without a
    value or, for a rate, with fewer than ``minimum`` units in its denominator."""
    metric = get_metric(metric_id)
    values = table[metric_id].astype(float)
    if metric.denominator and set(metric.denominator) <= set(table.columns):
        denominator = table[list(metric.denominator)].sum(axis=1, min_count=1)
        values = values.where(denominator >= minimum)
    ascending = metric.higher_is_better is False
    return values.rank(ascending=ascending, method="min", na_option="keep").astype("Int64")


__all__ = ["KPI_METRICS", "MIN_RANKED_DENOMINATOR", "Kpi", "category_split", "funnel", "kpis", "plan_share", "progress_frame", "progress_series", "rank", "region_table"]
