"""Benchmark: many viewers at once against the server ``make run`` starts (gunicorn), with
Locust (headless, loopback only, bounded in time).

    PYTHONPATH=. .venv/bin/python bench/load.py --database-url sqlite:////path/1M.sqlite \\
        [--users 200] [--minutes 5] [--live-every 60] [--no-cache] [--warm-up 5]

200 users by default: 50 wall screens refreshing every 30 s and 150 people clicking nation →
province → kabupaten/kota → facilitator with think time (``bench/locust/locustfile.py``). With
``--live-every N`` a writer folds in the next 10 minutes of the simulated round, waits N
seconds, and folds again (on a copy of a SQLite database), so figures change under load.
``--warm-up M`` first runs the same load for M minutes, uncounted (and before any writer
starts): the run then measures the steady state of a data version (most figures cached)
instead of its first minutes. Prints
requests/s, p50/p95/p99 per kind of request and in all, errors, and the server's memory
(the RSS of gunicorn's processes) at the start and the end, and how many new data versions
landed during the run and when. Needs ``requirements-bench.txt``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.support import start_server, stop_server  # noqa: E402


def _rss_mb(pid: int) -> float:
    """RSS of a process and its children (gunicorn's master and workers), in MB."""
    total = 0
    pids = [pid]
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().split()
            if int(fields[3]) == pid:
                pids.append(int(fields[0]))
        except (OSError, ValueError, IndexError):
            continue
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _tokens(url: str, path: Path) -> None:
    """Bench users (random passwords nobody knows) and a token each."""
    from dashboard.access.accounts import AccountError, create_user, issue_token
    from dashboard.store.database import init_database

    engine = init_database(url)
    from sqlalchemy import text

    with engine.connect() as conn:
        provinces = [r[0] for r in conn.execute(text("SELECT code FROM province ORDER BY code"))]
    users = {"display": ("bench-wall", "display", ()), "national": ("bench-national", "national", ())}
    tokens: dict[str, object] = {}
    for key, (name, role, codes) in users.items():
        try:
            create_user(engine, name, role, codes, secrets.token_urlsafe(24))
        except AccountError:
            pass
        tokens[key] = issue_token(engine, name)
    tokens["province"] = []
    for code in provinces:
        name = f"bench-province-{code}"
        try:
            create_user(engine, name, "province", (code,), secrets.token_urlsafe(24))
        except AccountError:
            pass
        tokens["province"].append(issue_token(engine, name))
    path.write_text(json.dumps(tokens))


_LIVE = """
import datetime as dt, sys, time
from dashboard.settings import get_settings
from dashboard.simulation.run import load_config, run_live
from dashboard.store.database import get_engine
url, every = sys.argv[1], float(sys.argv[2])
_, until = load_config(get_engine(url), 1)
def clock():
    global until
    until = until + dt.timedelta(minutes=10)
    return until
first = [True]
def paced():
    if not first[0]:
        time.sleep(every)
    first[0] = False
    return clock()
try:
    run_live(url, 1, get_settings().geodata_dir, tick_seconds=0, clock=paced, progress=True)
except KeyboardInterrupt:
    pass  # stopped by the bench (see the comment where it is stopped)
"""


class _VersionWatch(threading.Thread):
    """When each new data version of the round landed during the run (polled every 2 s):
    with new data, how many the writer folded while the viewers watched, and when."""

    def __init__(self, url: str, round_id: int = 1):
        super().__init__(daemon=True)
        from dashboard.store.database import create_db_engine

        self.engine = create_db_engine(url)
        self.round_id = round_id
        self.landed: list[tuple[float, int, str]] = []
        self.first = self._read()
        self.stop = threading.Event()
        self.error: str | None = None

    def _read(self) -> tuple[int, str] | None:
        from dashboard.figures.queries import data_state

        state = data_state(self.engine, self.round_id)
        return None if state is None else (state.version, str(state.data_until)[:16])

    def run(self) -> None:
        last = self.first
        while not self.stop.wait(2):
            try:
                now = self._read()
            except Exception as exc:  # a failed read must not pass for "no new data"
                self.error = f"{type(exc).__name__}: {exc}"[:200]
                return
            if now is not None and now != last:
                self.landed.append((time.time(), *now))
                last = now

    def summary(self, since: float, until: float) -> str:
        """The versions that landed between ``since`` and ``until`` (the measured run: not
        during a warm-up, nor while the writer and the server are being stopped), at seconds
        into the run."""
        if self.error:
            return f"new data versions during the run: unknown (reading the data version failed: {self.error})"
        start = f"data up to {self.first[1]}" if self.first else "no rollups"
        landed = [(at - since, version, data) for at, version, data in self.landed if since <= at <= until + 2]
        before = [data for at, _, data in self.landed if at < since]
        if before:
            start = f"data up to {before[-1]}"
        if not landed:
            return f"new data versions during the run: none ({start} throughout)"
        times = ", ".join(f"{at:.0f} s" for at, _, _ in landed)
        return f"new data versions during the run: {len(landed)}, at {times} into it ({start} → {landed[-1][2]})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL (the demo database of `make run`)")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--live-every", type=float, default=0, help="seconds between writes of new data (0: none)")
    parser.add_argument("--no-cache", action="store_true", help="FIGURE_CACHE=false (every request computes)")
    parser.add_argument("--warm-up", type=float, default=0, metavar="MINUTES",
                        help="first run the same load this long, uncounted, on the same server and cache (the steady state)")
    args = parser.parse_args()

    from dashboard.settings import get_settings

    url = args.database_url or get_settings().database_url
    work = Path(tempfile.mkdtemp(prefix="groundcheck-load-"))
    if args.live_every and url.startswith("sqlite:///"):
        source = Path(url.removeprefix("sqlite:///"))
        copy = work / "live.sqlite"
        print(f"copying {source} for the writer ...", flush=True)
        shutil.copy(source, copy)
        url = f"sqlite:///{copy}"
    tokens = work / "tokens.json"
    _tokens(url, tokens)
    env = {
        "DATABASE_URL": url, "CACHE_DIR": str(work / "cache"), "FIGURE_CACHE": "false" if args.no_cache else "true",
        "SECRET_KEY": secrets.token_urlsafe(48), "LOG_LEVEL": "WARNING", "GROUNDCHECK_TOKENS": str(tokens),
    }
    watch = _VersionWatch(url)  # before the server: a database it cannot read fails here
    watch.start()
    server, base = start_server(env)
    env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    writer = None
    try:
        time.sleep(2)
        rss_start = _rss_mb(server.pid)

        def locust(minutes: float, prefix: Path) -> None:
            subprocess.run(
                [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locust" / "locustfile.py"), "--headless", "-u", str(args.users),
                 "-r", str(args.spawn_rate), "-t", f"{int(minutes * 60)}s", "--host", base, "--csv", str(prefix),
                 "--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL if prefix.name == "warm-up" else None,
            )

        if args.warm_up:
            print(f"warming the figure cache: {args.warm_up:g} min of the same load, not counted ...", flush=True)
            locust(args.warm_up, work / "warm-up")
            warmed = next(r for r in csv.DictReader(open(work / "warm-up_stats.csv")) if r["Name"] == "Aggregated")
            print(f"warm-up: {warmed['Request Count']} requests, {warmed['Failure Count']} failures, p95 {warmed['95%']} ms", flush=True)
            rss_start = _rss_mb(server.pid)
        if args.live_every:  # after the warm-up: the warm-up is of one data version
            writer = subprocess.Popen([sys.executable, "-c", _LIVE, url, str(args.live_every)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        prefix = work / "locust"
        started = time.time()
        locust(args.minutes, prefix)
        ended = time.time()
        elapsed = ended - started
        rss_end = _rss_mb(server.pid)
    finally:
        watch.stop.set()
        try:
            if writer is not None:
                # Stopped at once. A tick is four transactions (the visits written, then the
                # flags and scores, the rollups, the alerts): one cut short is rolled back,
                # and one cut between them leaves the round's visits ahead of its figures
                # until the next tick or refresh. On PostgreSQL the writer moves the bench's
                # own database on (SQLite: a copy).
                writer.send_signal(signal.SIGINT)
                try:
                    writer.wait(600)
                except subprocess.TimeoutExpired:
                    writer.kill()
        finally:
            stop_server(server)
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    print(f"\n{when} · {url.split('/')[-1]} · {args.users} users, {args.minutes:g} min, "
          f"{'new data every %gs' % args.live_every if args.live_every else 'no new data'}, cache {'off' if args.no_cache else 'on'}"
          f"{', after a %g min warm-up' % args.warm_up if args.warm_up else ''} "
          f"({elapsed:.0f} s run)")
    print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} | "
              f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |")
    print(f"server memory (RSS of gunicorn's processes): {rss_start:.0f} MB at the start, {rss_end:.0f} MB at the end")
    print(watch.summary(since=started, until=ended))
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv")))
    for row in failures:
        print(f"failure: {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
