"""Benchmark: time and peak memory of a full rebuild of the rollups and of the quality flags
and risk scores (what ``python -m dashboard.manage rollups`` does), each in a process of
its own, so that one's memory does not hide the other's.

    PYTHONPATH=. .venv/bin/python bench/rebuild_memory.py --database-url sqlite:////copy.sqlite [--chunk-rows 250000]

Rebuilds round 1 of an existing simulated database up to its data clock (use a copy: it
rewrites the rollups, flags and scores). ``--chunk-rows`` overrides the visits read at a
time (``CHUNK_ROWS`` of both rebuilds) to show how the peak follows it, not the round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import time


def _run(kind: str, url: str, chunk_rows: int | None, out) -> None:
    import sqlalchemy as sa

    from dashboard.quality import refresh as quality_refresh
    from dashboard.settings import get_settings
    from dashboard.store import rollups
    from dashboard.store.database import get_engine

    if chunk_rows:
        rollups.CHUNK_ROWS = quality_refresh.CHUNK_ROWS = chunk_rows
    engine = get_engine(url)
    with engine.connect() as conn:
        until = conn.execute(sa.text("SELECT data_until FROM rollup_state WHERE round_id = 1")).scalar_one()
        visits = conn.execute(sa.text("SELECT count(*) FROM visit WHERE round_id = 1")).scalar_one()
    until = dt.datetime.fromisoformat(until) if isinstance(until, str) else until
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.perf_counter()
    if kind == "rollups":
        rollups.rebuild_rollups(engine, 1, until)
    else:
        quality_refresh.refresh_with_settings(engine, 1, until, get_settings(), rebuild=True)
    out.send((visits, time.perf_counter() - began, baseline, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--chunk-rows", type=int, default=None, help="visits read at a time (default: the code's)")
    args = parser.parse_args()
    print(f"{'rebuild':<10} {'visits':>10} {'seconds':>8} {'RSS before MB':>14} {'peak RSS MB':>12}")
    for kind in ("rollups", "quality"):
        receive, send = multiprocessing.Pipe(duplex=False)
        process = multiprocessing.get_context("spawn").Process(target=_run, args=(kind, args.database_url, args.chunk_rows, send))
        process.start()
        visits, seconds, baseline, peak = receive.recv()
        process.join()
        print(f"{kind:<10} {visits:>10,} {seconds:>8.1f} {baseline:>14,.0f} {peak:>12,.0f}")


if __name__ == "__main__":
    main()
