"""The fabrication-risk score on hand-made facilitators: honest ones against one who types
the same family from home, in bursts, in a few minutes each."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.quality_report import risk_signals
from dashboard.quality.risk import ANSWER_COLUMNS, FAMILY_MAX_POINTS, SIGNALS, RiskParameters, score, signals, tail_decades

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
    raised = set(table.loc[table["raised"], "signal"])
    assert {"short_share", "gps_spread_m", "uniformity", "repeated_answers", "packed_share"} <= raised
    assert row["short_share"] == 1 and row["gps_spread_m"] < 30 and row["uniformity"] == 1
    assert row["short_share_peer"] == 0 and row["gps_spread_m_peer"] > 500
    # The score is the sum of the signals' points as they count (a family's scaled down
    # together to its cap), to 100.
    assert row["score"] == pytest.approx(min(100, sum(row[f"{s.id}_strength"] for s in SIGNALS)), abs=0.5)
    for name, cap in FAMILY_MAX_POINTS.items():
        assert sum(row[f"{s.id}_strength"] for s in SIGNALS if s.family == name) <= cap + 0.2
    assert all(0 <= row[f"{s.id}_strength"] <= s.max_points for s in SIGNALS)


def _peers(rng, n_interviews=30, count=12):
    return [_visits(f"PKH-3577-{i:03d}", n_interviews, rng) for i in range(1, count + 1)]


def test_one_strong_signal_alone_names_a_facilitator():
    """A facilitator ordinary in every way but one - their visits of a day lie 20 km apart
    and minutes apart - is named: the other fourteen signals do not dilute it."""
    rng = np.random.default_rng(11)
    suspect = _visits("PKH-3577-099", 30, rng)
    suspect["started_at"] = [START + dt.timedelta(days=int(i // 6), minutes=32 * int(i % 6)) for i in range(30)]
    suspect["submitted_at"] = suspect["started_at"] + dt.timedelta(hours=1)
    suspect["duration_seconds"] = 1500.0
    suspect["gps_lat"] = -7.63 + np.where(np.arange(30) % 2 == 0, 0.0, 0.18)  # 20 km apart
    table = score(pd.concat([*_peers(rng), suspect], ignore_index=True))
    row = table.loc["PKH-3577-099"]
    assert row["impossible_travel_share"] == 1
    assert row["impossible_travel_share_strength"] >= 50 and row["high_risk"]
    others = table.drop("PKH-3577-099")
    assert not others["high_risk"].any()


def test_a_few_moderate_signals_together_name_a_facilitator():
    """Answers that follow neither the family's DTSEN desil nor its size, and fewer hard
    outcomes than the peers: each moderate, together enough."""
    rng = np.random.default_rng(12)
    peers = _peers(rng, 60)
    for frame in peers:  # honest: the answers follow the desil, the length the size
        frame["desil_before"] = rng.integers(1, 11, len(frame))
        frame["floor_area_m2"] = 10 * frame["desil_before"] + rng.integers(0, 15, len(frame))
        frame["head_education"] = np.clip(frame["desil_before"] // 3 + rng.integers(-1, 2, len(frame)), 0, 4)
        frame["household_size"] = rng.integers(1, 9, len(frame))
        frame["duration_seconds"] = 600 + 150 * frame["household_size"] + rng.normal(0, 450, len(frame))
        frame.loc[frame.index[:9], "outcome"] = "not_found"
    suspect = peers[0].copy()
    suspect["facilitator_id"] = "PKH-3577-099"
    suspect["desil_before"] = rng.permutation(suspect["desil_before"].to_numpy())
    suspect["duration_seconds"] = rng.permutation(suspect["duration_seconds"].to_numpy())
    suspect["outcome"] = "found_verified"
    table = score(pd.concat([*peers, suspect], ignore_index=True))
    row = table.loc["PKH-3577-099"]
    raised = {s.id for s in SIGNALS if row[f"{s.id}_strength"] > 0}
    assert {"record_agreement", "length_size_corr", "hard_outcome_share"} <= raised
    assert all(row[f"{s}_strength"] < 50 for s in raised) and row["high_risk"]
    assert not table.drop("PKH-3577-099")["high_risk"].any()


def test_few_interviews_need_a_stronger_pattern():
    """The shrinkage: the same habit in 6 interviews adds fewer points than in 30."""
    rng = np.random.default_rng(13)
    peers = _peers(rng)
    early = _visits("PKH-3577-098", 6, rng)
    veteran = _visits("PKH-3577-099", 30, rng)
    for frame in (early, veteran):  # a third of the interviews under 10 minutes
        frame.loc[frame.index[::3], "duration_seconds"] = 300
    table = score(pd.concat([*peers, early, veteran], ignore_index=True), RiskParameters(min_interviews=5))
    assert 0 <= table.loc["PKH-3577-098", "short_share_strength"] < table.loc["PKH-3577-099", "short_share_strength"]


def test_tail_decades_are_those_of_the_normal_distribution():
    values = tail_decades(np.array([-np.inf, 0.0, 1.2816, 2.3263, 4.7534, 10.0]))
    assert values == pytest.approx([0, np.log10(2), 1, 2, 6, 23.118], abs=0.01)
    # Continuous where the computation changes (z = 30), and growing far out.
    near, far = tail_decades(np.array([29.999, 30.0, 40.0]))[:2], tail_decades(np.array([40.0]))[0]
    assert near[0] == pytest.approx(near[1], abs=0.05) and far > near[1]


def test_the_new_signals_on_hand_made_visits():
    rng = np.random.default_rng(14)
    v = _visits("PKH-3577-001", 12, rng)
    v["started_at"] = [START + dt.timedelta(days=int(i // 4), minutes=25 * int(i % 4)) for i in range(12)]
    v["submitted_at"] = v["started_at"] + dt.timedelta(hours=1)
    v["duration_seconds"] = 1200.0
    v["gps_lat"] = -7.63 + 0.1 * (np.arange(12) % 2)  # 11 km between consecutive visits
    v["gps_lon"] = 111.52
    v.loc[v.index[:3], "outcome"] = "moved"
    v["first_reviewed_at"] = v["submitted_at"]
    v["first_returned_at"] = pd.NaT
    v.loc[v.index[:6], "first_returned_at"] = v["submitted_at"]
    v["household_size"] = np.arange(12) % 6 + 1
    v["duration_seconds"] = 600.0 + 100 * v["household_size"]
    v["desil_before"] = 11 - (np.arange(12) % 10 + 1)
    table = signals(v).loc["PKH-3577-001"]
    # 3 same-day pairs a day on 3 days, each 11 km in at most 15 minutes: all impossible.
    assert table["impossible_travel_share"] == 1 and table["impossible_travel_share_n"] == 9
    assert table["gap_regularity"] == 1  # every 25 minutes
    assert table["daily_throughput"] == 4
    assert table["hard_outcome_share"] == pytest.approx(3 / 12)
    assert table["returned_share"] == pytest.approx(6 / 12)
    assert table["length_size_corr"] == pytest.approx(1.0)  # interviews only: 9 of them
    assert table["interviews"] == 9


def test_repeated_answers_and_throughput_change():
    rng = np.random.default_rng(15)
    v = _visits("PKH-3577-001", 40, rng)
    # 12 days of one visit, then the last 7 days of 4 a day.
    days = [*range(12), *np.repeat(np.arange(12, 19), 4)]
    v["started_at"] = [START + dt.timedelta(days=int(d), minutes=45 * i % 240) for i, d in enumerate(days)]
    v["submitted_at"] = v["started_at"] + dt.timedelta(hours=1)
    v.loc[v.index[:10], ANSWER_COLUMNS] = v.loc[v.index[0], ANSWER_COLUMNS].to_numpy()
    table = signals(v).loc["PKH-3577-001"]
    assert table["repeated_answers"] == pytest.approx(10 / 40)
    assert table["throughput_change"] == pytest.approx(4.0)


def test_signals_are_computed_from_interviews_only():
    rng = np.random.default_rng(1)
    visits = _visits("PKH-3577-001", 10, rng)
    visits.loc[:4, "outcome"] = "not_found"  # no interview: no answers, short is normal
    visits.loc[:4, "duration_seconds"] = 120
    table = signals(visits)
    assert table.loc["PKH-3577-001", "interviews"] == 5
    assert table.loc["PKH-3577-001", "short_share"] == 0


def test_a_lone_fabricator_of_a_small_regency_is_compared_with_the_province():
    """A kabupaten/kota with fewer than 8 scored facilitators: its facilitators are
    compared with every scored facilitator of the province, not only with each other."""
    rng = np.random.default_rng(21)
    honest = _peers(rng, 20, 10)
    fabricator = _visits("PKH-3501-099", 18, rng, fabricated=True).assign(regency_code="35.01")
    table = score(pd.concat([*honest, fabricator], ignore_index=True))
    assert table.loc["PKH-3501-099", "score"] >= 90
    lone = signals(pd.concat([*honest, fabricator], ignore_index=True)).loc["PKH-3501-099"]
    assert lone["peer_distance"] > 0.3  # compared with the province's other facilitators


def test_peer_distance_needs_other_facilitators():
    rng = np.random.default_rng(22)
    alone = _visits("PKH-3501-001", 20, rng).assign(regency_code="35.01", province_code="35")
    assert np.isnan(signals(alone).loc["PKH-3501-001", "peer_distance"])


def test_interviews_without_answers_are_not_repeats():
    rng = np.random.default_rng(23)
    peers = _peers(rng, 20)
    sparse = _visits("PKH-3577-099", 20, rng)
    sparse.loc[sparse.index[:9], list(ANSWER_COLUMNS)] = np.nan
    table = score(pd.concat([*peers, sparse], ignore_index=True))
    row = table.loc["PKH-3577-099"]
    assert row["repeated_answers"] == 0 and row["repeated_answers_n"] == 11
    assert not row["high_risk"]


def test_untrusted_columns_never_crash_the_score():
    """A batch without any GPS point (a column of NULLs arrives as objects), durations of
    0, negative or missing, a household of 0, text where numbers belong."""
    rng = np.random.default_rng(24)
    visits = pd.concat(_peers(rng, 10), ignore_index=True)
    visits["gps_lat"] = None
    visits["gps_lon"] = None
    visits = visits.astype({"duration_seconds": object, "household_size": object})
    visits.loc[visits.index[:5], "duration_seconds"] = [0, -60, None, 1e9, "x"]
    visits.loc[visits.index[5:8], "household_size"] = [0, None, "?"]
    table = score(visits)
    assert table["score"].notna().all() and table["gps_spread_m"].isna().all()


def test_the_score_does_not_depend_on_the_order_of_the_rows():
    """Visits that start at the same second (floored to the hour here) keep one order
    whatever order the database returns them in."""
    rng = np.random.default_rng(25)
    visits = pd.concat([*_peers(rng, 20), _visits("PKH-3577-099", 20, rng, fabricated=True)], ignore_index=True)
    visits["started_at"] = pd.to_datetime(visits["started_at"]).dt.floor("h")
    first = score(visits)
    second = score(visits.sample(frac=1, random_state=3).reset_index(drop=True))
    pd.testing.assert_frame_equal(first.sort_index(), second.sort_index())


def test_few_interviews_do_not_look_unlike_the_peers():
    """The distance from the peers' answers that chance gives a newcomer's five interviews
    is taken off: honest newcomers get no points from it."""
    rng = np.random.default_rng(26)
    veterans = _peers(rng, 40, 30)
    newcomers = [_visits(f"PKH-3577-{i:03d}", 5, rng) for i in range(200, 260)]
    table = score(pd.concat([*veterans, *newcomers], ignore_index=True), RiskParameters(min_interviews=5))
    new = table.loc[[f"PKH-3577-{i:03d}" for i in range(200, 260)]]
    assert new["peer_distance_strength"].mean() < 0.5 and not new["high_risk"].any()
