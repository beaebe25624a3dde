"""The simulated training's relation to the work is a parameter: none at 0, weak by
default, and the planted strength is what the scores show (so the dashboard is not tuned to
find what the simulator planted)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.simulation.config import SimulationConfig
from dashboard.simulation.training import CLASS_SIZE, _sizes, held_between, plan_training
from dashboard.simulation.workforce import build_workforce
from dashboard.store.database import read_reference_tables


@pytest.fixture(scope="module")
def reference_and_workforce():
    config = SimulationConfig(families=1000, seed=3, start=dt.date(2026, 11, 1), deadline=dt.date(2026, 12, 1), as_of=dt.datetime(2026, 12, 1))
    reference = read_reference_tables()
    return config, reference, build_workforce(reference, config).facilitators


def _correlation(config, reference, facilitators, effect: float) -> float:
    config = SimulationConfig(**{**config.__dict__, "training_effect": effect})
    plan = plan_training(config, reference["province"], facilitators)
    scores = plan.attendance.dropna(subset=["facilitator_id", "post_score"]).drop_duplicates("facilitator_id").set_index("facilitator_id")["post_score"]
    f = facilitators.set_index("id")
    z = f.groupby("province_code")["speed"].transform(lambda s: (s - s.mean()) / s.std())
    return float(np.corrcoef(scores.astype(float), z.reindex(scores.index))[0, 1])


def test_the_relation_to_the_work_is_what_was_asked(reference_and_workforce):
    config, reference, facilitators = reference_and_workforce
    none, weak, strong = (_correlation(config, reference, facilitators, e) for e in (0.0, 0.2, 1.0))
    assert abs(none) < 0.03
    assert 0.05 < weak < 0.25 < strong


def test_classes_hold_twenty_to_forty_and_the_clock_decides_what_is_held(reference_and_workforce):
    config, reference, facilitators = reference_and_workforce
    for n in (20, 40, 41, 58, 79, 80, 1158, 5215):
        sizes = _sizes(n)
        assert sum(sizes) == n and all(CLASS_SIZE[0] <= s <= CLASS_SIZE[1] for s in sizes), (n, sizes)
    plan = plan_training(config, reference["province"], facilitators)
    first = held_between(plan, None, config.start + dt.timedelta(days=1))
    assert set(first.classes["kind"]) == {"instructor"} and len(first.classes) == 36
    later = held_between(plan, config.start + dt.timedelta(days=1), config.start + dt.timedelta(days=30))
    assert len(first.classes) + len(later.classes) == len(plan.classes)
    assert set(later.attendance["class_id"]) == set(later.classes["id"])
    assert pd.Index(plan.classes["id"]).is_unique
