"""Benchmark: how the fabrication-risk score finds the simulator's fabricators at each level
of sophistication (``dashboard.simulation.plan.FABRICATION_LEVELS``).

    PYTHONPATH=. .venv/bin/python bench/fabrication_risk.py [--levels 0 1 2 3 4] [--seeds 1 2 3]
        [--families 10000000] [--provinces 12 34 53 75] [--fabrication 0.02]
        [--moments 2026-11-24T06:00 2027-04-01T00:00] [--days 1 2 ... 14 21]

Each run plans a round (start 31 Oct 2026) for ``--families`` targets over the whole
workforce, but only the provinces ``--provinces`` are made and scored (in memory, as
``dashboard.quality.refresh`` scores them from the database): the default, 10M targets,
gives each facilitator about 300 families, the density of a real round (about 20M
families, 33,603 facilitators), which a whole 10M round on this machine could not hold.
``--fabrication`` of the facilitators fabricate (more than the simulator's default 0.5 %,
to count enough of them); the precision is also given as it would be at 0.5 %.

Printed per level, seed and moment (mid-round and after the end): fabricators, those
scored, precision, recall over all fabricators and over those scored, the AUC (of the
score, fabricators against honest), the highest honest score, the false flags (% of
honest), and for the fabricators named, how many days after their first visit the score
first named them (scored at ``--days`` after the round's start, and at the moments).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd

from dashboard.quality import risk
from dashboard.settings import get_settings
from dashboard.simulation import snapshot
from dashboard.simulation import timeline as tl
from dashboard.simulation.config import DefectRates, round_config
from dashboard.simulation.plan import FABRICATION_LEVELS
from dashboard.simulation.run import Simulation

START = dt.date(2026, 10, 31)
DEFAULT_RATE = 0.005


def visits_as_of(plans, until: dt.datetime) -> pd.DataFrame:
    """The submitted visits of ``plans`` as the database would hold them at ``until``,
    with each family's desil before the check (what ``refresh._score_provinces`` reads)."""
    frames = []
    moment = tl.epoch(until)
    for plan in plans:
        columns = snapshot.visit_rows(plan, np.arange(len(plan)), moment, 1)
        frame = pd.DataFrame({c: columns[c] for c in (*risk.VISIT_COLUMNS, "target_id")})
        frame["desil_before"] = plan.targets["desil_before"][np.searchsorted(plan.targets["id"], frame["target_id"])]
        frames.append(frame[frame["submitted_at"].notna()])
    visits = pd.concat(frames, ignore_index=True)
    for column in ("started_at", "submitted_at", "first_reviewed_at", "first_returned_at"):
        visits[column] = pd.to_datetime(visits[column], unit="s")
    return visits


def auc(scores: pd.Series, positive: pd.Series) -> float:
    """Probability that a random fabricator scores above a random honest facilitator
    (ties count half), over the scored."""
    ranks = scores.rank()
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if not n_pos or not n_neg:
        return float("nan")
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def run(level: int, seed: int, args, settings) -> list[dict]:
    moments = [dt.datetime.fromisoformat(m) for m in args.moments]
    config = round_config(
        args.families, seed, max(moments), start=START, fabrication_level=level,
        defect_rates=DefectRates(fabrication=args.fabrication),
    )
    began = time.perf_counter()
    simulation = Simulation(config, settings.geodata_dir)
    plans = [simulation.plan(code) for code in args.provinces]
    truth = set()
    first_visit = {}
    for plan in plans:
        defects = plan.defects
        ids = set(defects.loc[defects["kind"] == "fabrication", "facilitator_id"])
        truth |= ids
        started = pd.Series(plan.times["started"]).groupby(plan.targets["facilitator_id"]).min()
        first_visit.update({f: started[f] for f in ids if f in started.index and np.isfinite(started[f])})
    parameters = risk.RiskParameters.from_settings(settings)
    named_on: dict[str, float] = {}
    checks = sorted({*(dt.datetime.combine(START, dt.time()) + dt.timedelta(days=d) for d in args.days), *moments})
    rows = []
    for moment in checks:
        table = risk.score(visits_as_of(plans, moment), parameters)
        for facilitator in table.index[table["high_risk"] & table.index.isin(truth)]:
            if facilitator not in named_on:
                named_on[facilitator] = (tl.epoch(moment) - first_visit[facilitator]) / tl.DAY
        if moment not in moments:
            continue
        fabricator = table.index.isin(truth)
        scored = table["score"].notna()
        flagged = table["high_risk"]
        tp, fp = int((flagged & fabricator).sum()), int((flagged & ~fabricator).sum())
        honest_scored = int((scored & ~fabricator).sum())
        recall_scored = tp / int((scored & fabricator).sum()) if (scored & fabricator).any() else float("nan")
        false_rate = fp / honest_scored if honest_scored else float("nan")
        at_default = recall_scored * DEFAULT_RATE
        days = [named_on[f] for f in truth if f in named_on]
        rows.append({
            "level": f"{level} {FABRICATION_LEVELS[level].name}", "seed": seed, "as_of": moment.date().isoformat(),
            "fabricators": len(truth), "scored": int((scored & fabricator).sum()), "honest": honest_scored,
            "tp": tp, "fp": fp,
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "precision_0.5%": at_default / (at_default + false_rate * (1 - DEFAULT_RATE)) if at_default + false_rate else float("nan"),
            "recall_all": tp / len(truth) if truth else float("nan"),
            "recall_scored": recall_scored,
            "auc": auc(table.loc[scored, "score"], pd.Series(fabricator[scored.to_numpy()], index=table.index[scored])),
            "max_honest": float(table.loc[scored & ~fabricator, "score"].max()),
            "false_flags_pct": 100 * false_rate,
            "named_within_7d": sum(d <= 7 for d in days),
            "days_to_name_median": float(np.median(days)) if days else float("nan"),
            "seconds": round(time.perf_counter() - began, 1),
        })
        print(pd.DataFrame(rows[-1:]).to_string(index=False, float_format=lambda x: f"{x:.3f}"), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=list(range(len(FABRICATION_LEVELS))))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--families", type=int, default=10_000_000)
    parser.add_argument("--provinces", nargs="+", default=["12", "34", "53", "75"])
    parser.add_argument("--fabrication", type=float, default=0.02, help="share of facilitators who fabricate")
    parser.add_argument("--moments", nargs="+", default=["2026-11-24T06:00", "2027-04-01T00:00"],
                        help="moments (UTC) to report; the defaults are mid-round and after the end")
    parser.add_argument("--days", type=int, nargs="+", default=[*range(1, 15), 21],
                        help="days after the start at which the score is also computed, to time the naming")
    args = parser.parse_args()
    settings = get_settings()
    rows = []
    for level in args.levels:
        for seed in args.seeds:
            rows.extend(run(level, seed, args, settings))
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 250)
    print(f"\n{args.families:,} targets (provinces {', '.join(args.provinces)} made), {100 * args.fabrication:g} % fabricate; "
          f"threshold {settings.risk_threshold:g}, from {settings.risk_min_interviews} interviews")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    summary = table.groupby(["level", "as_of"]).agg(
        precision=("precision", "mean"), precision_at_default=("precision_0.5%", "mean"), recall_all=("recall_all", "mean"),
        recall_scored=("recall_scored", "mean"), auc=("auc", "mean"), max_honest=("max_honest", "max"),
        false_flags_pct=("false_flags_pct", "mean"), named_within_7d=("named_within_7d", "sum"),
        fabricators=("fabricators", "sum"), days_to_name=("days_to_name_median", "median"),
    )
    print("\nMean over seeds (max of the highest honest score; sums of fabricators and of those named within 7 days):")
    print(summary.to_string(float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
