"""The simulator's progress curve matches what was published of the 2025 round."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from dashboard.simulation.config import SimulationConfig, holiday_slowdowns
from dashboard.simulation.timeline import WorkCalendar, epoch, expected_completion, next_rerank
from dashboard.simulation.workforce import build_workforce
from dashboard.store.database import read_reference_tables

START_2025 = dt.date(2025, 2, 26)


@pytest.fixture(scope="module")
def round_2025():
    config = SimulationConfig(
        families=13_000_000,
        seed=2025,
        start=START_2025,
        deadline=dt.date(2025, 3, 31),
        as_of=dt.datetime(2025, 6, 1),
        slowdowns=tuple(holiday_slowdowns(START_2025, START_2025 + dt.timedelta(days=150))),
    )
    return config, build_workforce(read_reference_tables(), config).facilitators


def _day(date: dt.date) -> float:
    return (date - START_2025).days + 0.5


def test_about_a_quarter_done_nationally_on_17_march_2025(round_2025):
    config, facilitators = round_2025
    # Facilitators weighted by their caseload, as targets are.
    weights = facilitators["caseload_weight"].to_numpy()
    speeds = np.repeat(facilitators["speed"].to_numpy(), np.maximum(1, np.rint(weights * 20).astype(int)))
    assert expected_completion(config, speeds, _day(dt.date(2025, 3, 17))) == pytest.approx(0.25, abs=0.03)


def test_kota_madiun_near_72_8_percent_on_10_april_2025(round_2025):
    config, facilitators = round_2025
    madiun = facilitators.loc[facilitators["regency_code"] == "35.77", "speed"].to_numpy()
    assert len(madiun) > 10
    assert expected_completion(config, madiun, _day(dt.date(2025, 4, 10))) == pytest.approx(0.728, abs=0.06)


def test_the_round_slips_past_its_deadline_and_ends_in_may(round_2025):
    config, facilitators = round_2025
    speeds = facilitators["speed"].to_numpy()
    at_deadline = expected_completion(config, speeds, _day(dt.date(2025, 3, 31)))
    mid_may = expected_completion(config, speeds, _day(dt.date(2025, 5, 15)))
    assert 0.35 < at_deadline < 0.6
    assert mid_may > 0.88


def test_ramadan_and_weekends_slow_the_calendar(round_2025):
    config, _ = round_2025
    calendar = WorkCalendar(config)
    sunday_in_ramadan = (dt.date(2025, 3, 9) - START_2025).days
    wednesday_before = (dt.date(2025, 2, 26) - START_2025).days
    assert calendar.capacity[sunday_in_ramadan] < 0.25 * calendar.capacity[wednesday_before]
    assert calendar.capacity[(dt.date(2025, 4, 1) - START_2025).days] < 0.35  # Idul Fitri leave


def test_rerank_batches_run_on_mondays():
    approved = np.array([epoch(dt.datetime(2025, 3, 5, 10)), epoch(dt.datetime(2025, 3, 9, 23))])
    reranked = [dt.datetime(1970, 1, 1) + dt.timedelta(seconds=s) for s in next_rerank(approved)]
    assert reranked == [dt.datetime(2025, 3, 10, 2), dt.datetime(2025, 3, 17, 2)]


def test_a_slowdown_of_some_provinces_slows_their_calendar_only():
    from dashboard.simulation.config import Slowdown

    slowdown = Slowdown.parse("2025-03-10:2025-04-30:0.3:95,94")
    assert slowdown.provinces == ("94", "95") and slowdown.applies_to("94") and not slowdown.applies_to("33")
    assert not slowdown.applies_to(None)  # the nation's calendar: slowdowns of everywhere only
    config = SimulationConfig(families=1000, seed=1, start=START_2025, deadline=dt.date(2025, 3, 31), as_of=dt.datetime(2025, 6, 1),
                              slowdowns=(slowdown,))
    slow, other = WorkCalendar(config, "94"), WorkCalendar(config, "33")
    day = (dt.date(2025, 3, 20) - START_2025).days
    assert slow.capacity[day] == pytest.approx(0.3 * other.capacity[day]) and slow.capacity[5] == other.capacity[5]
    assert SimulationConfig.from_json(config.to_json()) == config  # kept in round.simulation for --live
    for bad in ("2025-03-10:2025-04-30:0.3:9", "2025-03-10:2025-04-30:0.3:94:1", "2025-03-10:2025-04-30"):
        with pytest.raises(ValueError, match="PROVINCES|START:END"):
            Slowdown.parse(bad)
