"""Each quality rule on hand-made visits that must and must not break it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from shapely.geometry import box

from dashboard.quality.rules import GROUP_RULES, RULE_IDS, RULES, QualityParameters, evaluate, group_keys
from dashboard.vocabulary import ASSET_COLUMNS, FAMILY_VARIABLES, LIVESTOCK_COLUMNS


def clean_visit(**changes) -> dict:
    """A submitted, interviewed visit in Kota Madiun (35.77) that breaks no rule."""
    visit = {
        "target_id": 1, "facilitator_id": "PKH-3577-001", "province_code": "35", "regency_code": "35.77",
        "category": "inclusion_error", "outcome": "found_verified",
        "started_at": dt.datetime(2026, 11, 20, 3, 0),  # 10.00 WIB
        "submitted_at": dt.datetime(2026, 11, 20, 3, 30),
        "duration_seconds": 1500, "gps_lat": -7.63, "gps_lon": 111.52,
        "photo_house_front": True, "photo_house_inside": True, "photo_family_card": True,
        **{v: 1 for v in FAMILY_VARIABLES},
        "pln_meter_id": "512345678901", "lighting_source": 1, "head_age": 45, "household_size": 4,
    }
    for column in ASSET_COLUMNS:
        visit[column] = True
    for column in LIVESTOCK_COLUMNS:
        visit[column] = 0
    visit.update(changes)
    return visit


POLYGONS = {"35.77": box(111.48, -7.68, 111.56, -7.58)}


def flags_of(*visits: dict, parameters=QualityParameters()) -> pd.DataFrame:
    frame = pd.DataFrame([{**v, "target_id": i + 1} for i, v in enumerate(visits)])
    return evaluate(frame, parameters, POLYGONS)


def broken(*visits: dict) -> list[set[str]]:
    flags = flags_of(*visits)
    return [set(flags.columns[row]) for row in flags.to_numpy()]


def test_a_clean_visit_breaks_nothing():
    assert broken(clean_visit()) == [set()]
    assert len(RULES) == len(RULE_IDS) == 11 and all(r.label("en") and r.explanation("id") for r in RULES)


@pytest.mark.parametrize(
    "changes, rule",
    [
        ({"duration_seconds": 299}, "short_interview"),
        ({"gps_lat": None, "gps_lon": None}, "gps_missing"),
        ({"gps_lat": -6.2, "gps_lon": 106.8}, "gps_outside_regency"),  # Jakarta
        ({"pln_meter_id": "51234567890"}, "pln_malformed"),  # 11 digits
        ({"pln_meter_id": "000000000000"}, "pln_malformed"),
        ({"photo_family_card": False}, "photo_missing"),
        ({"floor_material": None}, "missing_variables"),
        ({"head_age": 9}, "inconsistent_answers"),
        ({"household_size": 0}, "inconsistent_answers"),
        ({**{c: False for c in ASSET_COLUMNS}, "livestock_goats": 3}, "inconsistent_answers"),
        ({"lighting_source": 4}, "inconsistent_answers"),  # no electricity, PLN id kept
        ({"started_at": dt.datetime(2026, 11, 20, 16, 0)}, "implausible_hour"),  # 23.00 WIB
    ],
)
def test_each_rule_is_broken_by_its_defect_only(changes, rule):
    assert broken(clean_visit(**changes)) == [{rule}]


@pytest.mark.parametrize(
    "changes",
    [
        {"duration_seconds": 300},  # exactly the minimum
        {"category": "inactive_nik", "outcome": "nik_confirmed", "duration_seconds": 200},  # individual minimum 180
        {"outcome": "moved", "duration_seconds": 60, "photo_house_inside": False, "floor_material": None},  # not interviewed
        {"gps_lat": -7.6801, "gps_lon": 111.52},  # 11 m outside: within the coast tolerance
        {"started_at": dt.datetime(2026, 11, 19, 23, 0)},  # 06.00 WIB
        {"started_at": dt.datetime(2026, 11, 20, 14, 59)},  # 21.59 WIB
        {"pln_meter_id": None, "lighting_source": 2},
        {"head_age": 15},
        {"submitted_at": None, "duration_seconds": 10},  # started, not submitted yet: nothing to check
    ],
)
def test_edge_cases_that_are_not_defects(changes):
    assert broken(clean_visit(**changes)) == [set()]


def test_pairs_and_days():
    same_point = broken(
        clean_visit(pln_meter_id="512345678901"), clean_visit(pln_meter_id="512345678902"), clean_visit(gps_lat=-7.62, pln_meter_id="512345678903")
    )
    assert same_point == [{"gps_duplicate"}, {"gps_duplicate"}, set()]
    same_meter = broken(clean_visit(gps_lat=-7.61), clean_visit(gps_lat=-7.62), clean_visit(gps_lat=-7.63, pln_meter_id="512345678999"))
    assert same_meter == [{"pln_reused"}, {"pln_reused"}, set()]
    zeros = broken(clean_visit(gps_lat=-7.61, pln_meter_id="000000000000"), clean_visit(gps_lat=-7.62, pln_meter_id="000000000000"))
    assert zeros == [{"pln_malformed"}, {"pln_malformed"}]  # all zeros is malformed, not a reuse
    day = [
        clean_visit(gps_lat=-7.6 - i / 1000, pln_meter_id=f"5123456789{i:02d}", started_at=dt.datetime(2026, 11, 20, 1, i))
        for i in range(26)
    ]
    assert all(b == {"too_many_per_day"} for b in broken(*day))
    assert all(b == set() for b in broken(*day[:25]))


def test_the_keys_of_one_group_rule_are_those_of_all_rules():
    """The incremental refresh asks for one rule's keys at a time: the same keys as all at once."""
    frame = pd.DataFrame([
        clean_visit(target_id=1), clean_visit(target_id=2, gps_lat=None, pln_meter_id="bad"),
        clean_visit(target_id=3, submitted_at=None), clean_visit(target_id=4, outcome="moved"),
    ])
    every = group_keys(frame)
    assert list(every.columns) == list(GROUP_RULES)
    assert every.loc[0].notna().all() and every.loc[2].isna().all()
    for rule in GROUP_RULES:
        pd.testing.assert_frame_equal(group_keys(frame, (rule,)), every[[rule]])
    with pytest.raises(ValueError, match="not a group rule"):
        group_keys(frame, ("photo_missing",))


def test_no_visits_no_flags():
    """A quiet tick or a round before its first submission: an empty frame, no error."""
    frame = pd.DataFrame([clean_visit()]).iloc[:0]
    flags = evaluate(frame, QualityParameters(), POLYGONS)
    assert list(flags.columns) == list(RULE_IDS) and flags.empty
