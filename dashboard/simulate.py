"""Command line: ``python -m dashboard.simulate`` writes a simulated ground-check round.

Examples::

    # a demo round that today falls inside, 120,000 targets (default: DEMO_FAMILIES)
    python -m dashboard.simulate --families 120000

    # the 2025 round as it stood on 17 Mar 2025
    python -m dashboard.simulate --families 1000000 --start 2025-02-26 \\
        --deadline 2025-03-31 --as-of 2025-03-17T12:00

    # keep appending visits as the clock moves on (Ctrl-C to stop)
    python -m dashboard.simulate --live
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from dataclasses import fields
from pathlib import Path

from dashboard.settings import get_settings
from dashboard.simulation.config import FABRICATION_LEVEL_COUNT, DefectRates, SimulationConfig, Slowdown, round_config
from dashboard.simulation.run import BoundariesUnavailable, RoundExists, load_config, run_live, simulate
from dashboard.store.database import describe_url, get_engine, init_database


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _as_of(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _defect_rate(text: str) -> tuple[str, float]:
    name, _, value = text.partition("=")
    known = {f.name for f in fields(DefectRates)}
    if name not in known or not value:
        raise argparse.ArgumentTypeError(f"expected KIND=RATE with KIND one of {', '.join(sorted(known))}")
    return name, float(value)


def build_parser() -> argparse.ArgumentParser:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.simulate",
        description="Simulate a DTSEN ground-check round (synthetic data) into a database.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("Examples::", 1)[1],
    )
    parser.add_argument("--database-url", default=settings.database_url, help="SQLAlchemy URL (default: DATABASE_URL)")
    parser.add_argument("--families", type=int, default=settings.demo_families, help="number of targets (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=settings.demo_seed, help="random seed (default: %(default)s)")
    parser.add_argument("--start", type=dt.date.fromisoformat, help="first day of the round (default: 24 days before --as-of)")
    parser.add_argument("--deadline", type=dt.date.fromisoformat, help="deadline of the round (default: 33 days after --start)")
    parser.add_argument("--as-of", type=_as_of, help="write what happened up to this UTC time (default: now)")
    parser.add_argument("--round-id", type=int, default=1, help="id of the round (default: %(default)s)")
    parser.add_argument("--round-name", default="", help="name shown on screen")
    parser.add_argument(
        "--slowdown",
        action="append",
        type=Slowdown.parse,
        default=[],
        metavar="START:END:FACTOR[:PROVINCES]",
        help="a slowdown period (repeatable), everywhere or in the provinces given (e.g. 2026-11-20:2026-12-31:0.3:94,95); "
        "Ramadan and Idul Fitri leave are added unless --no-holidays",
    )
    parser.add_argument("--no-holidays", action="store_true", help="do not slow down in Ramadan and Idul Fitri leave")
    parser.add_argument("--defect-rate", action="append", type=_defect_rate, default=[], metavar="KIND=RATE", help="override an injected defect rate (repeatable)")
    parser.add_argument(
        "--fabrication-level", type=int, choices=range(FABRICATION_LEVEL_COUNT), default=0, metavar="0-4",
        help="how carefully the fabricating facilitators hide it: 0 blatant (default), 1 templates, 2 paced, 3 mimic, 4 careful "
        "(see dashboard/simulation/plan.py)",
    )
    parser.add_argument("--replace", action="store_true", help="delete the round first if it exists")
    parser.add_argument("--live", action="store_true", help="after writing (or on an existing round) keep appending visits as time passes")
    parser.add_argument("--tick-seconds", type=float, default=10.0, help="seconds between --live writes (default: %(default)s)")
    parser.add_argument("--geodata-dir", type=Path, default=settings.geodata_dir, help="boundary files (default: GEODATA_DIR)")
    parser.add_argument(
        "--export", type=Path, metavar="DIR",
        help="write the round (simulated now, or already in the database) as ingest-contract files into DIR",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def config_from_args(args: argparse.Namespace) -> SimulationConfig:
    return round_config(
        args.families,
        args.seed,
        args.as_of or _utc_now(),
        start=args.start,
        deadline=args.deadline,
        holidays=not args.no_holidays,
        extra_slowdowns=tuple(args.slowdown),
        round_id=args.round_id,
        round_name=args.round_name,
        defect_rates=DefectRates(**dict(args.defect_rate)),
        fabrication_level=args.fabrication_level,
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=get_settings().log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = config_from_args(args)
    except ValueError as exc:
        parser.error(str(exc))
    target = describe_url(args.database_url)
    engine = init_database(args.database_url)
    resume = False
    if args.export and not args.replace:
        try:  # an existing round is exported as it is
            load_config(engine, args.round_id)
            resume = True
        except LookupError:
            resume = False
    if args.live:
        try:
            load_config(engine, args.round_id)
            resume = not args.replace
        except LookupError:
            resume = False
    if not resume:
        print(f"Simulating round {config.round_id} into {target}: {config.families:,} targets, "
              f"seed {config.seed}, {config.start} to deadline {config.deadline}, as of {config.as_of} UTC")
        try:
            summary = simulate(args.database_url, config, args.geodata_dir, progress=not args.quiet, replace=args.replace)
        except (RoundExists, BoundariesUnavailable) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"Wrote {summary}")
    if args.export:
        from dashboard.simulation.export import export_round

        try:
            counts = export_round(engine, args.round_id, args.export)
        except LookupError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"Exported round {args.round_id} to {args.export}: " + ", ".join(f"{n:,} {kind}" for kind, n in counts.items()))
    if args.live:
        print(f"Live: appending visits of round {args.round_id} every {args.tick_seconds:g} s (Ctrl-C to stop)")
        try:
            run_live(args.database_url, args.round_id, args.geodata_dir, args.tick_seconds, progress=not args.quiet)
        except KeyboardInterrupt:
            print("stopped")
        except BoundariesUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    get_engine.cache_clear()
    return 0


if __name__ == "__main__":
    sys.exit(main())
