"""Benchmark: many viewers at once against the server ``make run`` starts (gunicorn), with
Locust (headless, loopback only, bounded in time).

    PYTHONPATH=. .venv/bin/python bench/load.py --database-url sqlite:////path/1M.sqlite \\
        [--users 200] [--minutes 5] [--live-every 60] [--no-cache]

200 users by default: 50 wall screens refreshing every 30 s and 150 people clicking nation →
province → kabupaten/kota → facilitator with think time (``bench/locust/locustfile.py``). With
``--live-every N`` a writer folds in the next 10 minutes of the simulated round every N
seconds (on a copy of a SQLite database), so figures change under load. Prints
requests/s, p50/p95/p99 per kind of request and in all, errors, and the server's memory
(the RSS of gunicorn's processes) at the start and the end. Needs ``requirements-bench.txt``.
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
run_live(url, 1, get_settings().geodata_dir, tick_seconds=0, clock=paced, progress=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL (the demo database of `make run`)")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--live-every", type=float, default=0, help="seconds between writes of new data (0: none)")
    parser.add_argument("--no-cache", action="store_true", help="FIGURE_CACHE=false (every request computes)")
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
    server, base = start_server(env)
    env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    writer = None
    try:
        time.sleep(2)
        rss_start = _rss_mb(server.pid)
        if args.live_every:
            writer = subprocess.Popen([sys.executable, "-c", _LIVE, url, str(args.live_every)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        prefix = work / "locust"
        started = time.time()
        subprocess.run(
            [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locust" / "locustfile.py"), "--headless", "-u", str(args.users),
             "-r", str(args.spawn_rate), "-t", f"{int(args.minutes * 60)}s", "--host", base, "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, check=False,
        )
        elapsed = time.time() - started
        rss_end = _rss_mb(server.pid)
    finally:
        try:
            if writer is not None:
                # It ends after its current tick (one transaction): minutes at 20M targets.
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
          f"{'new data every %gs' % args.live_every if args.live_every else 'no new data'}, cache {'off' if args.no_cache else 'on'} "
          f"({elapsed:.0f} s run)")
    print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} | "
              f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |")
    print(f"server memory (RSS of gunicorn's processes): {rss_start:.0f} MB at the start, {rss_end:.0f} MB at the end")
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv")))
    for row in failures:
        print(f"failure: {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
