"""A large province is planned in parts of whole kabupaten/kota (bounded memory at 20M
targets), and a large round's ``--live`` plans them again at each tick instead of holding
them: both with the limits made small, so a few thousand targets have parts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from dashboard.settings import get_settings
from dashboard.simulation import run
from dashboard.simulation.run import Simulation, run_live
from tests.integration.simulation.test_determinism_and_live import fingerprint
from tests.simulated import AS_OF, simulate_small, small_config

FAMILIES = 6_000
PART_TARGETS = 300


@pytest.fixture()
def small_parts(monkeypatch):
    monkeypatch.setattr(run, "PLAN_PART_TARGETS", PART_TARGETS)
    monkeypatch.setattr(run, "LIVE_HELD_TARGETS", 0)


def test_parts_are_whole_regencies_within_the_limit(small_parts):
    simulation = Simulation(small_config(families=FAMILIES), get_settings().geodata_dir)
    facilitators = simulation.workforce.facilitators
    ids, split = [], 0
    for code in simulation.province_codes():
        parts = simulation.parts(code)
        rows = np.flatnonzero((facilitators["province_code"] == code).to_numpy())
        # Contiguous, covering the province's facilitators once.
        assert parts[0].start == rows[0] and parts[-1].stop == rows[-1] + 1
        assert all(a.stop == b.start for a, b in zip(parts, parts[1:]))
        regency = facilitators["regency_code"].to_numpy()
        for a, b in zip(parts, parts[1:]):
            assert regency[a.stop - 1] != regency[b.start], "a kabupaten/kota split between parts"
        for part in parts:
            targets = int(simulation.caseloads[part].sum())
            assert targets <= PART_TARGETS or regency[part.start] == regency[part.stop - 1]
        split += len(parts) > 1
        for index in range(len(parts)):
            plan = simulation.plan(code, index)
            assert set(plan.targets["facilitator_id"]) <= set(facilitators["id"].iloc[parts[index]])
            ids.append(plan.targets["id"])
    assert split >= 3, "the limit should split the larger provinces (32, 33, 35)"
    # Target ids run 1..N without a gap or a repeat, in the order the parts are written.
    assert np.array_equal(np.concatenate(ids), np.arange(1, FAMILIES + 1))


def test_a_province_within_the_limit_is_planned_as_before(monkeypatch):
    """Rounds whose provinces fit (every round up to about 4M targets) keep their data."""
    config = small_config(families=FAMILIES)
    whole = Simulation(config, get_settings().geodata_dir).plan("35")
    monkeypatch.setattr(run, "PLAN_PART_TARGETS", PART_TARGETS)
    parted = Simulation(config, get_settings().geodata_dir)
    assert len(parted.parts("35")) > 1
    with pytest.raises(ValueError, match="parts"):
        parted.plan("35")  # not its first part, silently
    small = min(parted.province_codes(), key=lambda code: int(parted.caseloads[parted.parts(code)[0]].sum()))
    assert len(parted.parts(small)) == 1
    monkeypatch.setattr(run, "PLAN_PART_TARGETS", 10**9)
    same = Simulation(config, get_settings().geodata_dir)
    for a, b in ((same.plan(small), parted.plan(small)), (same.plan("35"), whole)):
        for column in a.targets:
            assert np.array_equal(a.targets[column], b.targets[column])
        for name in a.times:
            assert np.array_equal(a.times[name], b.times[name], equal_nan=True)


def test_live_ticks_in_parts_reproduce_a_later_snapshot(small_parts, database_url_factory):
    """A round too large to hold is planned again at each tick: the ticks still write what
    a single load to the later time writes."""
    live, direct = database_url_factory("sqlite"), database_url_factory("sqlite")
    simulate_small(live, families=FAMILIES)
    later = AS_OF + dt.timedelta(hours=30)
    ticks = iter([AS_OF + dt.timedelta(hours=8), later])
    written = run_live(live, 1, get_settings().geodata_dir, tick_seconds=0, clock=lambda: next(ticks), max_ticks=2, progress=False)
    assert written > 100
    simulate_small(direct, families=FAMILIES, as_of=later)
    assert fingerprint(live) == fingerprint(direct)
