"""``python -m dashboard.ingest FILE...``: load field data files of the contract.

CSV, JSON Lines (``.jsonl``, also gzipped) or Parquet; the kind of each file is the start
of its name (``rounds``, ``facilitators``, ``targets``, ``visits``, ``status_events``) or
``--kind``. Files are loaded in that order of kinds. ``--dry-run`` validates and reports
without writing (against the database as it is: a visit of a target that only this load
would add is reported as unknown). Exit status: 0 loaded (refused rows are quarantined and
counted), 2 a file or argument that cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from sqlalchemy.exc import ArgumentError, OperationalError

from dashboard.ingest.contract import KINDS
from dashboard.ingest.loader import IngestError, load_files
from dashboard.settings import get_settings
from dashboard.store.database import get_engine, has_schema, init_database


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.ingest", description=__doc__.replace("``", "'"), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="+", type=Path, help="CSV, JSON Lines or Parquet files")
    parser.add_argument("--kind", choices=KINDS, help="the kind of every file (default: from each file's name)")
    parser.add_argument("--database-url", help="default: DATABASE_URL")
    parser.add_argument("--as-of", type=_moment, help="the load's clock, UTC (default: now): later times are refused")
    parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    settings = get_settings()
    url = args.database_url or settings.database_url
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        if args.dry_run:  # writes nothing, not even the schema
            engine = get_engine(url)
            if not has_schema(engine):
                print("the database has no schema yet: run python -m dashboard.manage migrate", file=sys.stderr)
                return 2
        else:
            engine = init_database(url)
        report = load_files(engine, args.files, settings, kind=args.kind, as_of=args.as_of, dry_run=args.dry_run, progress=not args.quiet)
    except IngestError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (ArgumentError, OperationalError) as exc:  # a URL that is no URL, a database that does not answer
        print(f"the database cannot be used: {type(exc).__name__}: {str(getattr(exc, 'orig', None) or exc).splitlines()[0]}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_json(), indent=2) if args.json else str(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
