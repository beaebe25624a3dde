"""Benchmark: how soon a PostgreSQL streaming replica (``DATABASE_READ_URL``) shows what the
writer folded into the primary: one live tick of the simulator on the primary, then the
replica's data version polled until it equals the primary's.

    PYTHONPATH=. .venv/bin/python bench/replica_lag.py --database-url PRIMARY --read-url REPLICA [--minutes 60]

It changes the primary's round (appends ``--minutes`` of simulated data).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from dashboard.figures.cache import data_version
from dashboard.settings import get_settings
from dashboard.simulation.run import load_config, run_live
from dashboard.store.database import get_engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--read-url")
    parser.add_argument("--minutes", type=float, default=60)
    args = parser.parse_args()
    if not (args.database_url and args.read_url):
        print("replica_lag: needs --database-url PRIMARY and --read-url REPLICA (a PostgreSQL streaming replica); skipped")
        return
    primary, replica = get_engine(args.database_url), get_engine(args.read_url)
    _, until = load_config(primary, 1)
    ticks = iter([until + dt.timedelta(minutes=args.minutes)])
    started = time.perf_counter()
    written = run_live(args.database_url, 1, get_settings().geodata_dir, tick_seconds=0, clock=lambda: next(ticks), max_ticks=1, progress=False)
    folded = time.perf_counter()
    wanted = data_version(primary, 1)
    while data_version(replica, 1) != wanted:
        time.sleep(0.01)
        if time.perf_counter() - folded > 120:
            raise TimeoutError("the replica did not catch up in 120 s")
    seen = time.perf_counter()
    print(f"{written:,} visits folded into the primary in {folded - started:.1f} s; "
          f"the replica showed the new data version {1000 * (seen - folded):.0f} ms after the writer committed")


if __name__ == "__main__":
    main()
