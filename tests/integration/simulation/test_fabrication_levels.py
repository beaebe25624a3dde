"""The simulator's fabricators at each level of sophistication
(``dashboard.simulation.plan.FABRICATION_LEVELS``): honest facilitators are the same at
every level, and each level leaves the traces its documentation promises and avoids the
ones it learned to avoid. Planned in memory for two provinces at a real round's density."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.quality import risk
from dashboard.settings import get_settings
from dashboard.simulation.config import DefectRates, round_config
from dashboard.simulation.plan import FABRICATION_LEVELS, INTERVIEWED_CODES, OUTCOMES
from dashboard.simulation.run import Simulation

PROVINCES = ("75", "34")
AS_OF = dt.datetime(2026, 11, 24, 6)


@pytest.fixture(scope="module")
def plans() -> dict[int, list]:
    """Two provinces (Gorontalo, DIY; 1,001 facilitators, 3 % fabricating) at 10M targets'
    density, at every level."""
    out = {}
    for level in range(len(FABRICATION_LEVELS)):
        config = round_config(10_000_000, 3, AS_OF, start=dt.date(2026, 10, 31), fabrication_level=level,
                              defect_rates=DefectRates(fabrication=0.03))
        simulation = Simulation(config, get_settings().geodata_dir)
        out[level] = [simulation.plan(code) for code in PROVINCES]
    return out


def _fabricated(plan) -> np.ndarray:
    ids = set(plan.defects.loc[plan.defects["kind"] == "fabrication", "facilitator_id"])
    return np.isin(plan.targets["facilitator_id"], list(ids))


def _frame(plan, rows) -> pd.DataFrame:
    frame = pd.DataFrame({k: v[rows] for k, v in plan.visits.items()})
    frame["facilitator_id"] = plan.targets["facilitator_id"][rows]
    frame["started"] = plan.times["started"][rows]
    frame["desil_before"] = plan.targets["desil_before"][rows]
    frame["village"] = plan.targets["village_code"][rows]
    return frame[np.isfinite(frame["started"])]


def test_honest_facilitators_are_the_same_at_every_level(plans):
    for index in range(len(PROVINCES)):
        base = plans[0][index]
        honest = ~_fabricated(base)
        assert honest.sum() > 10_000 and (~honest).sum() > 500
        for level in range(1, len(FABRICATION_LEVELS)):
            other = plans[level][index]
            assert (_fabricated(other) == ~honest).all()
            for name, values in base.times.items():
                np.testing.assert_array_equal(values[honest], other.times[name][honest], err_msg=name)
            for name, values in base.visits.items():
                a, b = values[honest], other.visits[name][honest]
                assert pd.Series(a).equals(pd.Series(b)), name


def _traits(plan) -> dict[str, float]:
    fab = _fabricated(plan)
    f, h = _frame(plan, np.flatnonzero(fab)), _frame(plan, np.flatnonzero(~fab))
    interviewed = lambda x: x[np.isin(x["outcome"], OUTCOMES[INTERVIEWED_CODES])]  # noqa: E731
    fi, hi = interviewed(f), interviewed(h)
    spread = lambda x: x.assign(d=(x["gps_lat"] - x.groupby("facilitator_id")["gps_lat"].transform("median")).abs()).groupby("facilitator_id")["d"].median().median()  # noqa: E731
    repeats = lambda x: x[["facilitator_id", *risk.ANSWER_COLUMNS]].duplicated().mean()  # noqa: E731
    hard = lambda x: (~np.isin(x["outcome"], OUTCOMES[INTERVIEWED_CODES])).mean()  # noqa: E731
    per_day = lambda x: x.assign(day=np.floor(x["started"] / 86400)).groupby(["facilitator_id", "day"]).size().mean()  # noqa: E731
    size_corr = lambda x: x[["duration_seconds", "household_size"]].astype(float).corr(method="spearman").iloc[0, 1]  # noqa: E731
    record = lambda x: x[["floor_area_m2", "desil_before"]].astype(float).corr(method="spearman").iloc[0, 1]  # noqa: E731
    return {
        "minutes": fi["duration_seconds"].median() / 60, "honest_minutes": hi["duration_seconds"].median() / 60,
        "gps_spread": spread(fi), "honest_gps_spread": spread(hi),
        "repeats": repeats(fi), "round_ages": (fi["head_age"] % 5 == 0).mean(),
        "hard": hard(f), "honest_hard": hard(h),
        "per_day": per_day(f), "honest_per_day": per_day(h),
        "size_corr": size_corr(fi), "honest_size_corr": size_corr(hi),
        "record": record(fi), "honest_record": record(hi),
    }


def test_each_level_leaves_its_traces_and_hides_what_it_learned(plans):
    t = {level: _traits(plans[level][1]) for level in plans}
    honest = t[0]
    # Honest interviews: longer for larger families, answers that follow the DTSEN desil.
    assert honest["honest_size_corr"] > 0.3 and honest["honest_record"] > 0.3
    assert 18 < honest["honest_minutes"] < 26 and 0.1 < honest["honest_hard"] < 0.25
    # 0 blatant: short, one spot, one family.
    assert t[0]["minutes"] < 9 and t[0]["gps_spread"] < 0.2 * honest["honest_gps_spread"] and t[0]["repeats"] > 0.5
    # 1 templates: a few families repeated, short-ish, few hard outcomes.
    assert 8 <= t[1]["minutes"] <= 14 and t[1]["repeats"] > 0.1 and t[1]["hard"] < 0.5 * honest["honest_hard"]
    # 2 paced: ordinary lengths, no exact repeats, ages in round numbers.
    assert abs(t[2]["minutes"] - honest["honest_minutes"]) < 4 and t[2]["repeats"] < 0.02 and t[2]["round_ages"] > 0.95
    # 3 mimic: the location at the family's desa and answers like the peers', but faster.
    assert t[3]["gps_spread"] > 0.5 * honest["honest_gps_spread"] and t[3]["round_ages"] < 0.4
    assert t[3]["per_day"] > 1.2 * honest["honest_per_day"]
    # 4 careful: the peers' pace and hard outcomes; what remains are answers and lengths
    # unrelated to the family.
    assert abs(t[4]["hard"] - honest["honest_hard"]) < 0.05 and t[4]["per_day"] < 1.2 * honest["honest_per_day"]
    for level in (2, 3, 4):
        assert abs(t[level]["record"]) < 0.15 and abs(t[level]["size_corr"]) < 0.15


def test_honest_routes_are_travelled_in_possible_times(plans):
    """No honest visit of a day starts before the previous one could be reached (apart
    from the injected defects, which the quality rules count)."""
    plan = plans[0][1]
    honest = _frame(plan, np.flatnonzero(~_fabricated(plan)))
    honest = honest.assign(day=np.floor((honest["started"] + 7 * 3600) / 86400)).sort_values(["facilitator_id", "started"])
    same = (honest["facilitator_id"] == honest["facilitator_id"].shift()) & (honest["day"] == honest["day"].shift())
    gap = honest["started"] - (honest["started"].shift() + honest["duration_seconds"].shift())
    metres = np.hypot((honest["gps_lon"] - honest["gps_lon"].shift()) * 110_000, (honest["gps_lat"] - honest["gps_lat"].shift()) * 111_320)
    impossible = same & (metres > 1000) & (metres / gap.clip(lower=60) * 3.6 > risk.MAX_TRAVEL_KMH)
    assert impossible.mean() < 0.01 and same.sum() > 10_000
