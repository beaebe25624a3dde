"""Benchmark: precision and recall of the fabrication-risk score (at the default threshold)
against the simulator's fabricating facilitators, for several seeds and moments.

    PYTHONPATH=. .venv/bin/python bench/fabrication_risk.py [--families 1000000] [--seeds 1 2 3]
        [--as-of 2026-11-24T06:00 2027-06-01T00:00]

For each seed and moment it simulates a round (start 31 Oct 2026, default defect rates:
0.5 % of facilitators fabricate) into a temporary SQLite file; the simulator stores the risk
scores as it would in production (``dashboard.quality.refresh``). It prints, per run, the
fabricators, how many had enough interviews to be scored, true/false positives, precision,
recall (over *all* fabricators) and the highest score of an honest facilitator, and the
seconds the quality refresh took inside the load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time

import pandas as pd
import sqlalchemy as sa

from dashboard.settings import get_settings
from dashboard.simulation.config import round_config
from dashboard.simulation.run import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--as-of", nargs="+", default=["2026-11-24T06:00", "2027-06-01T00:00"],
                        help="moments (UTC) to look at the round; the second default is after its end")
    args = parser.parse_args()
    settings = get_settings()
    rows = []
    for as_of in args.as_of:
        moment = dt.datetime.fromisoformat(as_of)
        for seed in args.seeds:
            folder = tempfile.mkdtemp(prefix="gc-risk-")
            url = f"sqlite:///{folder}/r.sqlite"
            config = round_config(args.families, seed, moment, start=dt.date(2026, 10, 31))
            began = time.perf_counter()
            simulate(url, config, settings.geodata_dir, progress=False)
            seconds = time.perf_counter() - began
            engine = sa.create_engine(url)
            scores = pd.read_sql("SELECT facilitator_id, interviews, score FROM facilitator_risk", engine)
            truth = set(pd.read_sql(
                "SELECT facilitator_id FROM simulated_defect WHERE kind = 'fabrication'", engine
            )["facilitator_id"])
            engine.dispose()
            shutil.rmtree(folder, ignore_errors=True)
            scores["fabricator"] = scores["facilitator_id"].isin(truth)
            flagged = scores["score"] >= settings.risk_threshold
            tp = int((flagged & scores["fabricator"]).sum())
            fp = int((flagged & ~scores["fabricator"]).sum())
            honest = scores.loc[~scores["fabricator"], "score"]
            rows.append({
                "as_of": as_of, "seed": seed, "fabricators": len(truth),
                "scored": int(scores.loc[scores["fabricator"], "score"].notna().sum()),
                "honest_scored": int(honest.notna().sum()),
                "tp": tp, "fp": fp, "fn": len(truth) - tp,
                "precision": tp / (tp + fp) if tp + fp else float("nan"),
                "recall": tp / len(truth) if truth else float("nan"),
                "max_honest_score": honest.max(),
                "min_fabricator_score": scores.loc[scores["fabricator"], "score"].min(),
                "simulate_s": round(seconds, 1),
            })
            print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(f"\n{args.families:,} targets, threshold {settings.risk_threshold:g}, "
          f"minimum {settings.risk_min_interviews} interviews")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
