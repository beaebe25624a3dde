"""The fabrication-risk score on hand-made facilitators: honest ones against one who types
the same family from home, in bursts, in a few minutes each."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.quality_report import risk_signals
from dashboard.quality.risk import ANSWER_COLUMNS, SIGNAL_IDS, SIGNALS, RiskParameters, score, signals

START = dt.datetime(2026, 11, 2, 1, 0)  # 08.00 WIB


def _visits(facilitator: str, n: int, rng: np.random.Generator, fabricated: bool = False) -> pd.DataFrame:
    days = np.arange(n) // 3 if fabricated else rng.integers(0, 20, n)
    if fabricated:  # back to back from 09.00, 6 minutes each and 3 between
        started = [START + dt.timedelta(days=int(d), hours=1, minutes=9 * int(i % 3)) for i, d in enumerate(days)]
        duration = np.full(n, 360)
        lat, lon = -7.63 + rng.normal(0, 0.0001, n), 111.52 + rng.normal(0, 0.0001, n)
    else:
        started = [START + dt.timedelta(days=int(d), hours=float(h)) for d, h in zip(days, rng.uniform(0, 8, n))]
        duration = rng.normal(1400, 300, n).clip(600)
        lat, lon = -7.63 + rng.normal(0, 0.01, n), 111.52 + rng.normal(0, 0.01, n)
    frame = pd.DataFrame(
        {
            "target_id": rng.integers(1, 10**9, n),
            "facilitator_id": facilitator,
            "province_code": "35",
            "regency_code": "35.77",
            "outcome": "found_verified",
            "started_at": started,
            "submitted_at": [s + dt.timedelta(hours=1) for s in started],
            "duration_seconds": duration,
            "gps_lat": lat,
            "gps_lon": lon,
        }
    )
    for column in ANSWER_COLUMNS:
        frame[column] = 4 if fabricated else rng.integers(1, 8, n)
    frame["head_age"] = 45 if fabricated else rng.integers(20, 80, n)
    frame["floor_area_m2"] = 36 if fabricated else rng.integers(15, 120, n)
    return frame


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    honest = [_visits(f"PKH-3577-{i:03d}", 20, rng) for i in range(1, 13)]
    fabricator = _visits("PKH-3577-099", 18, rng, fabricated=True)
    newcomer = _visits("PKH-3577-050", 5, rng)
    return score(pd.concat([*honest, fabricator, newcomer], ignore_index=True), RiskParameters(threshold=50, min_interviews=8))


def test_the_fabricator_scores_high_and_the_honest_low(scored):
    assert scored.loc["PKH-3577-099", "score"] >= 90
    assert bool(scored.loc["PKH-3577-099", "high_risk"])
    honest = scored.drop(["PKH-3577-099", "PKH-3577-050"])
    assert honest["score"].max() < 50 and not honest["high_risk"].any()


def test_too_few_interviews_get_no_score(scored):
    assert scored.loc["PKH-3577-050", "interviews"] == 5
    assert np.isnan(scored.loc["PKH-3577-050", "score"]) and not scored.loc["PKH-3577-050", "high_risk"]


def test_the_signals_explain_the_score(scored):
    row = scored.loc["PKH-3577-099"]
    table = risk_signals(row)
    assert set(table.loc[table["raised"], "signal"]) == set(SIGNAL_IDS)
    assert row["short_share"] == 1 and row["gps_spread_m"] < 30 and row["uniformity"] == 1
    assert row["short_share_peer"] == 0 and row["gps_spread_m_peer"] > 500
    # The score is the weighted mean of the strengths, on 0-100.
    weights = {s.id: s.weight for s in SIGNALS}
    mean = sum(weights[i] * row[f"{i}_strength"] for i in SIGNAL_IDS) / sum(weights.values())
    assert row["score"] == pytest.approx(100 * mean, abs=0.05)


def test_signals_are_computed_from_interviews_only():
    rng = np.random.default_rng(1)
    visits = _visits("PKH-3577-001", 10, rng)
    visits.loc[:4, "outcome"] = "not_found"  # no interview: no answers, short is normal
    visits.loc[:4, "duration_seconds"] = 120
    table = signals(visits)
    assert table.loc["PKH-3577-001", "interviews"] == 5
    assert table.loc["PKH-3577-001", "short_share"] == 0
