"""Benchmark: loading field data from contract files (``python -m dashboard.ingest``).

    PYTHONPATH=. .venv/bin/python bench/ingest_throughput.py [--families 1000000] [--target-url URL] [--source-url URL]

Simulates a round seen after its end (so that nearly every target has a visit) into a new
SQLite file (or uses ``--source-url``), exports it as contract files (JSON Lines), then
loads them into an empty database (``--target-url``, default a new SQLite file): prints
rows and rows/s per kind, the time of the refresh of rollups, flags and scores, and the
peak memory of the process. A second load of the same files measures the idempotent path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from dashboard.ingest import loader as ingest_loader
from dashboard.ingest.loader import Loader, kind_of
from dashboard.settings import get_settings
from dashboard.simulation.config import round_config
from dashboard.simulation.export import export_round
from dashboard.simulation.run import simulate
from dashboard.store.database import get_engine, init_database

KINDS = ("rounds", "facilitators", "targets", "visits", "status_events")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load(url: str, files: list[Path], as_of: dt.datetime, label: str) -> None:
    settings = get_settings()
    engine = init_database(url)
    loader = Loader(engine, as_of=as_of)
    print(f"\n{label}: into {url.split('@')[-1]}")
    print(f"{'kind':<14} {'rows':>11} {'seconds':>8} {'rows/s':>9}  new / updated / unchanged / quarantined")
    total_rows, began = 0, time.perf_counter()
    for path in files:
        kind = kind_of(path)
        started = time.perf_counter()
        loader.load_file(path)
        seconds = time.perf_counter() - started
        r = loader.report.kinds[kind]
        total_rows += r.read
        print(f"{kind:<14} {r.read:>11,} {seconds:>8.1f} {r.read / seconds:>9,.0f}  {r.inserted:,} / {r.updated:,} / {r.unchanged:,} / {r.quarantined:,}")
    loading = time.perf_counter() - began
    started = time.perf_counter()
    loader.finish(settings)
    refresh = time.perf_counter() - started
    print(f"{'all':<14} {total_rows:>11,} {loading:>8.1f} {total_rows / loading:>9,.0f}")
    print(f"refresh of rollups, flags and scores: {refresh:.1f} s (rounds {loader.report.rounds_refreshed}); peak RSS so far {_peak_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--source-url", help="a database holding round 1 already (default: simulate one)")
    parser.add_argument("--target-url", help="where to load (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gc-bench-ingest-"))
    source = args.source_url or f"sqlite:///{work}/source.sqlite"
    if not args.source_url:
        # A round that ended before today (the loader refuses times after now), seen two months on.
        start = dt.date(2026, 8, 1)
        config = round_config(args.families, args.seed, dt.datetime(2026, 11, 20), start=start, deadline=dt.date(2026, 9, 3))
        began = time.perf_counter()
        simulate(source, config, get_settings().geodata_dir, progress=False)
        print(f"simulated {args.families:,} targets in {time.perf_counter() - began:.1f} s")
    engine = get_engine(source)
    with engine.connect() as conn:
        as_of = conn.exec_driver_sql("SELECT simulated_until FROM round WHERE id = 1").scalar_one()
    as_of = dt.datetime.fromisoformat(str(as_of)) if not isinstance(as_of, dt.datetime) else as_of
    began = time.perf_counter()
    counts = export_round(engine, 1, work / "export")
    print(f"exported in {time.perf_counter() - began:.1f} s: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
    files = [work / "export" / f"{kind}.jsonl" for kind in KINDS]
    print(f"chunk of {ingest_loader.CHUNK:,} rows per transaction; files {sum(f.stat().st_size for f in files) / 1e6:,.0f} MB")
    target = args.target_url or f"sqlite:///{work}/target.sqlite"
    _load(target, files, as_of, "first load")
    _load(target, files, as_of, "the same files again (idempotent)")


if __name__ == "__main__":
    main()
