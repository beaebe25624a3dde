"""Benchmark: recall of each quality rule on the simulator's injected defects, and its
false-flag rate on clean visits, for several seeds.

    PYTHONPATH=. .venv/bin/python bench/quality_rules.py [--families 200000] [--seeds 1 2 3]

Each seed simulates a round seen after its end (every planned visit in) into a temporary
SQLite file with the default defect rates; the load stores the flags as in production
(``dashboard.quality.refresh``), and the benchmark reads them back (``quality_flag``) and
prints one line per rule.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile

import pandas as pd
import sqlalchemy as sa

from dashboard.quality.rules import RULE_IDS
from dashboard.settings import get_settings
from dashboard.simulation.config import round_config
from dashboard.simulation.run import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=200_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    settings = get_settings()
    rows = []
    for seed in args.seeds:
        folder = tempfile.mkdtemp(prefix="gc-quality-")
        url = f"sqlite:///{folder}/q.sqlite"
        config = round_config(args.families, seed, dt.datetime(2027, 6, 1), start=dt.date(2026, 10, 31))
        simulate(url, config, settings.geodata_dir, progress=False)
        engine = sa.create_engine(url)
        visits = pd.read_sql("SELECT target_id, facilitator_id, submitted_at FROM visit", engine).set_index("target_id", drop=False)
        truth = pd.read_sql("SELECT kind, target_id, facilitator_id FROM simulated_defect", engine)
        stored = pd.read_sql("SELECT target_id, rule FROM quality_flag", engine)
        flags = pd.DataFrame({rule: visits.index.isin(stored.loc[stored["rule"] == rule, "target_id"]) for rule in RULE_IDS}, index=visits.index)
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
        fabricators = set(truth.loc[truth["kind"] == "fabrication", "facilitator_id"])
        dirty = set(truth["target_id"].dropna().astype(int))
        clean = visits["submitted_at"].notna() & ~visits.index.isin(dirty) & ~visits["facilitator_id"].isin(fabricators)
        for rule in RULE_IDS:
            injected = set(truth.loc[truth["kind"] == rule, "target_id"].dropna().astype(int))
            found = set(flags.index[flags[rule]])
            recall = len(injected & found) / len(injected) if injected else float("nan")
            rows.append({"seed": seed, "rule": rule, "injected": len(injected), "recall": recall,
                         "false_flag_rate_clean": flags.loc[clean, rule].mean()})
    table = pd.DataFrame(rows)
    summary = table.groupby("rule", sort=False).agg(
        injected=("injected", "sum"), recall_min=("recall", "min"), false_flags_max=("false_flag_rate_clean", "max")
    )
    pd.set_option("display.width", 120)
    print(f"{args.families:,} targets per seed, seeds {args.seeds}")
    print(summary.to_string(float_format=lambda x: f"{x:.4f}"))


if __name__ == "__main__":
    main()
