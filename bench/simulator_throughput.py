"""Benchmark: how fast the simulator writes a round, and how big the database gets.

    PYTHONPATH=. .venv/bin/python bench/simulator_throughput.py [--families 1000000] [--database-url URL]

Without ``--database-url`` it writes to a new SQLite file in a temporary folder. Prints
targets/s, rows/s (targets + visits + events + defects) and the database size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path

from sqlalchemy import text

from dashboard.settings import get_settings
from dashboard.simulation.config import round_config
from dashboard.simulation.run import simulate
from dashboard.store.database import get_engine, is_sqlite


def database_bytes(url: str) -> int:
    engine = get_engine(url)
    if is_sqlite(url):
        path = Path(engine.url.database)
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='gc-bench-')}/bench.sqlite"
    as_of = dt.datetime(2026, 11, 24, 12, 0)
    config = round_config(args.families, args.seed, as_of)
    summary = simulate(url, config, get_settings().geodata_dir, progress=False, replace=True)
    rows = summary.targets + summary.visits + summary.events + summary.defects
    size = database_bytes(url)
    print(f"database: {get_engine(url).url.render_as_string(hide_password=True)}")
    print(f"wrote: {summary}")
    print(f"rows/s (all tables): {rows / summary.seconds:,.0f}")
    print(f"database size: {size / 2**20:,.0f} MiB ({size / summary.targets:,.0f} bytes per target)")
    if not args.database_url and os.environ.get("KEEP") != "1":
        Path(get_engine(url).url.database).unlink()


if __name__ == "__main__":
    main()
