"""Benchmark: what one ``--live`` tick costs on a big simulated round: writing the visits of
the interval, the incremental quality refresh (flags; risk scores when due) and the rollup
refresh.

    PYTHONPATH=. .venv/bin/python bench/live_refresh.py [--database-url sqlite:///copy-of-1M.sqlite]
        [--ticks 4] [--minutes 10]

It continues the round from its simulated clock in steps of ``--minutes`` of data time
(the risk scores are recomputed every 15 minutes of data, so with 10-minute steps every
other tick re-scores) and prints each step's seconds: writing the visits (for a round of
more than ``LIVE_HELD_TARGETS`` targets this includes planning it again), then folding
them in: flags and scores, rollups, alerts. It changes the database: give a copy, or
nothing for a temporary copy of the SQLite database of ``DATABASE_URL``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import shutil
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from dashboard.settings import get_settings
from dashboard.simulation.run import run_live


class _Timer(logging.Handler):
    """Notes when the quality and rollup refreshes log their end."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.marks: list[tuple[float, str]] = []

    def emit(self, record):
        self.marks.append((time.perf_counter(), record.getMessage()[:200]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary copy of the SQLite database of DATABASE_URL")
    parser.add_argument("--ticks", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    temporary = None
    if not args.database_url:
        source = sa.engine.make_url(get_settings().database_url)
        if source.get_backend_name() != "sqlite" or not Path(source.database or "").exists():
            parser.error("--database-url is needed unless DATABASE_URL is an existing SQLite file (it is copied)")
        temporary = Path(tempfile.mkdtemp(prefix="gc-live-"))
        copy = temporary / "copy.sqlite"
        shutil.copyfile(source.database, copy)
        args.database_url = f"sqlite:///{copy}"
    engine = sa.create_engine(args.database_url)
    with engine.connect() as conn:
        start = conn.execute(sa.text("SELECT simulated_until FROM round WHERE id = 1")).scalar_one()
    engine.dispose()
    start = dt.datetime.fromisoformat(str(start))
    moments = iter([start + dt.timedelta(minutes=args.minutes * (i + 1)) for i in range(args.ticks)])
    timer = _Timer()
    for name in ("dashboard.quality.refresh", "dashboard.store.rollups", "dashboard.store.waiting", "dashboard.simulation.run"):
        logging.getLogger(name).addHandler(timer)
        logging.getLogger(name).setLevel(logging.INFO)
    ticks: list[float] = []

    def clock():
        ticks.append(time.perf_counter())
        return next(moments)

    began = time.perf_counter()
    run_live(args.database_url, 1, get_settings().geodata_dir, tick_seconds=0, clock=clock, max_ticks=args.ticks, progress=True)
    ticks.append(time.perf_counter())
    print(f"plan rebuilt in {ticks[0] - began:.1f} s")
    for i in range(args.ticks):
        seconds = ticks[i + 1] - ticks[i]
        marks = [m for t, m in timer.marks if ticks[i] <= t < ticks[i + 1]]
        quality = [m for m in marks if m.startswith("quality")]
        steps = [m.split("; ", 1)[1] for m in marks if m.startswith("tick to")]
        # Parts of the rollups' step: the visits folded by difference, then the waiting cases.
        parts = [m for m in marks if "into the rollups" in m or "the waiting cases" in m]
        print(f"tick {i + 1}: {seconds:.2f} s  {quality[0] if quality else ''}  {steps[0] if steps else ''}  {'; '.join(parts)}")
    if temporary:
        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
