"""Benchmark: how early the forecasts name the provinces that a slowdown holds back.

    PYTHONPATH=. .venv/bin/python bench/forecast_lead.py [--families 60000] [--provinces 32,33,35]
        [--factor 0.3] [--slow-from 8] [--midpoint 9]

Simulates (in a temporary SQLite database) a round whose pace finishes on time
(``--midpoint`` work-days to half done; the default calibration of the simulator, 21.5, is
the 2025 round's, which ran into May and leaves every province late), with a slowdown to
``--factor`` of the capacity in ``--provinces`` from day ``--slow-from`` to the end. Then,
for every day of the round, it reads the schedule status of the 38 provinces as the pages
show it (``child_forecasts`` as of that day) and prints:

- per slowed province, the first day from which it is at risk without interruption, and
  how many days before the deadline that is (the lead);
- per day, how many of the other provinces are at risk or behind (false alarms, if the
  others keep to the plan);
- the final completion of every province, to show what the slowdown did.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import pandas as pd

from dashboard.access.policy import Access
from dashboard.figures.forecast import ScheduleRule, child_forecasts
from dashboard.figures.queries import Scope
from dashboard.settings import get_settings
from dashboard.simulation.config import Slowdown, round_config
from dashboard.simulation.run import simulate
from dashboard.store.database import get_engine

START = dt.date(2026, 3, 2)


DEADLINE = START + dt.timedelta(days=33)


def round_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the slowed round (shared with ``bench/alert_delivery.py``)."""
    parser.add_argument("--families", type=int, default=60_000)
    parser.add_argument("--provinces", default="32,33,35", help="codes of the slowed provinces (default: %(default)s)")
    parser.add_argument("--factor", type=float, default=0.3, help="their capacity during the slowdown (default: %(default)s)")
    parser.add_argument("--slow-from", type=int, default=8, help="day of the round the slowdown starts (default: %(default)s)")
    parser.add_argument("--midpoint", type=float, default=9.0, help="work-days to half done (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=2025)


def slowed_round(args, as_of: dt.datetime):
    """The round of ``args`` simulated up to ``as_of``: (config, slowdown, slowed codes)."""
    slowed = tuple(sorted(args.provinces.split(",")))
    slowdown = Slowdown(START + dt.timedelta(days=args.slow_from), DEADLINE + dt.timedelta(days=60), args.factor, slowed)
    config = round_config(
        args.families, args.seed, as_of, start=START, deadline=DEADLINE,
        holidays=False, extra_slowdowns=(slowdown,), progress_midpoint_workdays=args.midpoint,
        progress_scale_workdays=args.midpoint / 2.7,
    )
    return config, slowdown, slowed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    round_arguments(parser)
    parser.add_argument("--window", type=int, default=14, help="FORECAST_WINDOW_DAYS (default: %(default)s)")
    args = parser.parse_args()
    deadline = DEADLINE
    config, slowdown, slowed = slowed_round(args, dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time()))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'forecast.sqlite'}"
        began = time.perf_counter()
        simulate(url, config, get_settings().geodata_dir, progress=False)
        print(f"simulated {args.families:,} targets in {time.perf_counter() - began:.0f} s; slowdown x{args.factor} in {','.join(slowed)} from {slowdown.start}")
        engine = get_engine(url)
        statuses, completion = {}, {}
        began = time.perf_counter()
        days = [START + dt.timedelta(days=i) for i in range(5, (deadline - START).days + 1)]
        for day in days:
            table = child_forecasts(engine, 1, Scope.national(), day, START, deadline, access=Access.nationwide(), rule=ScheduleRule(args.window))
            statuses[day], completion[day] = table["status"], table["completion_pct"]
        print(f"forecasts of 38 provinces on {len(days)} days in {time.perf_counter() - began:.1f} s")
    status = pd.DataFrame(statuses)  # province × day
    print("\nslowed province  first day at risk for good  lead before the deadline  completion at the deadline")
    for code in slowed:
        row = status.loc[code]
        late = [d for d in days if (row[[x for x in days if x >= d]] == "at_risk").all()]
        first = late[0] if late else None
        lead = (deadline - first).days if first else None
        delay = (first - slowdown.start).days if first else None
        print(f"{code:>15}  {str(first or 'never'):>25}  {('%d days' % lead) if lead is not None else '-':>24}  {completion[deadline][code]:>26.1f} %"
              f"   ({'%d days after the slowdown began' % delay if delay is not None else 'never'})")
    for code in slowed:
        row = status.loc[code]
        warned = next((d for d in days if row[d] in ("behind", "at_risk")), None)
        print(f"{code:>15}  first behind or at risk: {warned} ({(deadline - warned).days if warned else '-'} days before the deadline)")
    others = status.drop(index=list(slowed))
    flagged = (others.isin(["at_risk", "behind"])).sum()
    print("\nday         others at risk or behind (of %d)" % len(others))
    for day in days[::3]:
        print(f"{day}  {flagged[day]:>3}")
    final = pd.Series(completion[deadline])
    week_before = deadline - dt.timedelta(days=7)
    flagged_then = others.index[others[week_before] == "at_risk"]
    print(f"\nothers at risk a week before the deadline ({week_before}): "
          + (", ".join(f"{c} ({final[c]:.1f} % at the deadline)" for c in flagged_then) or "none"))
    print(f"\nat the deadline: slowed provinces {final[list(slowed)].mean():.1f} % done on average, the others {final.drop(index=list(slowed)).mean():.1f} %"
          f" (min {final.drop(index=list(slowed)).min():.1f} %)")


if __name__ == "__main__":
    main()
