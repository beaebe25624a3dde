"""Command line: ``python -m dashboard.manage migrate|demo|rollups|alerts|deliveries|status`` (database chores).

``migrate`` creates or upgrades the schema and loads the region reference; ``demo`` does
that and, on a database without any round, simulates the demo round, and on one without
users creates the demo accounts (``make run`` calls it); ``rollups`` rebuilds the rollup tables, the quality flags and the risk scores of every
round from the raw rows (after a migration, a correction of old data, or nightly), then
evaluates the alerts; ``alerts`` evaluates the alert rules of every round and delivers
the notices and digests that are due (on a schedule, e.g. cron every 5 minutes: the only
way to notice that data stopped arriving, and how messages reach people);
``deliveries`` lists the newest messages and what became of them; ``status`` prints what
``/readyz`` would answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from sqlalchemy import func, select

from dashboard.access.demo import create_demo_accounts, format_credentials
from dashboard.access.subscriptions import redact_url
from dashboard.alerts import evaluate_with_settings
from dashboard.alerts.delivery import deliver_alerts, deliveries
from dashboard.quality.refresh import refresh_with_settings
from dashboard.settings import REPO_ROOT, Settings, get_settings
from dashboard.simulation.config import round_config
from dashboard.store import models
from dashboard.store.database import describe_url, get_engine, init_database
from dashboard.store.rollups import rebuild_rollups
from dashboard.simulation.run import BoundariesUnavailable
from dashboard.store.status import data_status


#: Where ``make run`` keeps the demo accounts' passwords (readable by its owner only).
DEMO_CREDENTIALS = REPO_ROOT / "data" / "demo-accounts.txt"


def ensure_demo_accounts(settings: Settings, credentials_file: Path | None = None) -> bool:
    """On a database without any user, create the demo accounts with random passwords,
    print them once and keep them in ``credentials_file`` (default ``DEMO_CREDENTIALS``).
    Returns whether it did."""
    credentials_file = credentials_file or DEMO_CREDENTIALS
    created = create_demo_accounts(get_engine(settings.database_url), credentials_file)
    if created:
        print("Demo accounts (sign in at /login; shown once, also in " f"{credentials_file}, readable only by you):", flush=True)
        print(format_credentials(created), flush=True)
    return bool(created)


def ensure_demo_database(settings: Settings, progress: bool = True) -> bool:
    """Migrate; on a database with no round, create the demo round; on a demo database (all
    its rounds simulated) without users, the demo accounts. Returns whether it created the
    round. A database with a real round never gets demo accounts: its operator adds users
    with ``python -m dashboard.users``."""
    created = _ensure_demo_round(settings, progress)
    if created or _only_simulated_rounds(settings):
        ensure_demo_accounts(settings)
    return created


def _only_simulated_rounds(settings: Settings) -> bool:
    with get_engine(settings.database_url).connect() as conn:
        real = conn.execute(select(func.count()).select_from(models.Round).where(models.Round.simulation.is_(None))).scalar_one()
        rounds = conn.execute(select(func.count()).select_from(models.Round)).scalar_one()
    return rounds > 0 and real == 0


def _ensure_demo_round(settings: Settings, progress: bool) -> bool:
    from dashboard.simulation.run import simulate  # numpy-heavy: only when needed

    engine = init_database(settings.database_url)
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(models.Round)).scalar_one():
            missing = conn.execute(
                select(models.Round.id).where(
                    ~models.Round.id.in_(select(models.RollupState.round_id))
                    | ~models.Round.id.in_(select(models.QualityState.round_id))
                )
            ).first()
            if missing:  # a database from before the rollups (0002) or the quality flags (0004)
                rebuild_all_rollups(settings)
            return False
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    config = round_config(settings.demo_families, settings.demo_seed, now)
    print(
        f"Empty database {describe_url(settings.database_url)}: creating the demo round "
        f"({config.families:,} simulated targets, 33,603 facilitators) ...",
        flush=True,
    )
    summary = simulate(settings.database_url, config, settings.geodata_dir, progress=progress)
    print(f"Demo round ready: {summary}", flush=True)
    return True


def rebuild_all_rollups(settings: Settings) -> None:
    """Rebuild the rollups, quality flags and risk scores of every round, up to its
    simulated clock (or now)."""
    engine = init_database(settings.database_url)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with engine.connect() as conn:
        rounds = conn.execute(select(models.Round.id, models.Round.simulated_until)).all()
    for round_id, simulated_until in rounds:
        rebuild_rollups(engine, round_id, simulated_until or now)
        print(f"rebuilt the rollups of round {round_id}", flush=True)
        result = refresh_with_settings(engine, round_id, simulated_until or now, settings, rebuild=True)
        print(
            f"checked {result.visits_checked:,} visits of round {round_id}: {result.flags_written:,} quality flags, "
            f"{result.facilitators_scored:,} facilitators scored for fabrication risk"
        )
        _print_alerts(round_id, evaluate_with_settings(engine, round_id, settings))


def _print_alerts(round_id: int, changes) -> None:
    print(f"alerts of round {round_id}: {changes.opened:,} opened, {changes.kept:,} still open, {changes.closed:,} closed", flush=True)


def evaluate_all_alerts(settings: Settings, deliver: bool = True) -> None:
    """Evaluate the alert rules of every round with data, then (with ``deliver``) compose
    and send the notices and digests that are due (for a schedule, e.g. cron every 5
    minutes: the only way to notice that data stopped arriving)."""
    engine = init_database(settings.database_url)
    with engine.connect() as conn:
        rounds = conn.execute(select(models.RollupState.round_id)).scalars().all()
    for round_id in rounds:
        _print_alerts(round_id, evaluate_with_settings(engine, round_id, settings))
    if deliver:
        print(f"alert delivery: {deliver_alerts(engine, settings)}", flush=True)


def print_deliveries(settings: Settings, limit: int) -> None:
    """The newest alert messages, one line each: when, to whom, what, and what became of it."""
    frame = deliveries(init_database(settings.database_url), limit)
    if frame.empty:
        print("no alert messages yet (subscribe users with: python -m dashboard.users subscribe NAME --email ADDRESS)")
    for row in frame.itertuples():
        address = row.address if row.channel == "email" else redact_url(row.address)  # a gateway's token may sit in its path
        sent = f"sent {row.sent_at:%Y-%m-%d %H:%M} UTC" if row.status == "sent" else row.status
        error = f"  ({row.last_error})" if isinstance(row.last_error, str) and row.last_error else ""
        print(f"{row.id:>6}  {row.created_at:%Y-%m-%d %H:%M}  {row.user:<20} {row.kind:<7} {row.channel:<8} {address:<40} "
              f"{sent:<24} attempts {row.attempts}{error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.manage", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("migrate", "demo", "rollups", "alerts", "deliveries", "status"))
    parser.add_argument("--database-url", help="default: DATABASE_URL")
    parser.add_argument("--no-delivery", action="store_true", help="alerts: evaluate the rules, send nothing")
    parser.add_argument("--limit", type=int, default=50, help="deliveries: how many of the newest messages (default 50)")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.database_url:
        settings = settings.model_copy(update={"database_url": args.database_url})
    if args.command == "migrate":
        init_database(settings.database_url)
        print(f"{describe_url(settings.database_url)} is at the newest schema")
    elif args.command == "rollups":
        rebuild_all_rollups(settings)
    elif args.command == "alerts":
        evaluate_all_alerts(settings, deliver=not args.no_delivery)
    elif args.command == "deliveries":
        print_deliveries(settings, args.limit)
    elif args.command == "demo":
        try:
            made = ensure_demo_database(settings)
        except BoundariesUnavailable as exc:  # the simulator places desa on the boundaries
            print(f"error: the demo round needs the boundary files: {exc}", file=sys.stderr)
            return 2
        if not made:
            print(f"{describe_url(settings.database_url)} already holds a round: nothing to do")
    else:
        status = data_status(get_engine(settings.database_url))
        print(json.dumps(status.to_json(), indent=2))
        return 0 if status.ready else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
