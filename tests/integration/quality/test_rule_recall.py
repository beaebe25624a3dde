"""On a simulated round seen after its end, every injected defect is found by its rule, and
clean visits are (almost) never flagged."""

from __future__ import annotations


import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.quality.rules import evaluate
from dashboard.settings import get_settings
from geodata import load_regency_boundaries

#: Injected defect kind → the rule that must find it.
RULE_OF_DEFECT = {
    "short_interview": "short_interview",
    "gps_missing": "gps_missing",
    "gps_outside_regency": "gps_outside_regency",
    "gps_duplicate": "gps_duplicate",
    "pln_reused": "pln_reused",
    "pln_malformed": "pln_malformed",
    "photo_missing": "photo_missing",
    "inconsistent_answers": "inconsistent_answers",
    "implausible_hour": "implausible_hour",
}


@pytest.fixture(scope="module")
def evaluated(finished_round_url):
    engine = sa.create_engine(finished_round_url)
    visits = pd.read_sql("SELECT * FROM visit", engine).set_index("target_id", drop=False)
    truth = pd.read_sql("SELECT kind, target_id, facilitator_id FROM simulated_defect", engine)
    engine.dispose()
    polygons = load_regency_boundaries(get_settings().geodata_dir).set_index("code").geometry.to_dict()
    return visits, truth, evaluate(visits, regency_polygons=polygons)


def test_each_injected_defect_is_found_by_its_rule(evaluated):
    visits, truth, flags = evaluated
    for kind, rule in RULE_OF_DEFECT.items():
        injected = set(truth.loc[truth["kind"] == kind, "target_id"].dropna().astype(int))
        assert len(injected) > 20, kind
        found = set(flags.index[flags[rule]])
        recall = len(injected & found) / len(injected)
        assert recall >= 0.95, (kind, recall)


def test_clean_visits_are_rarely_flagged(evaluated):
    visits, truth, flags = evaluated
    fabricators = set(truth.loc[truth["kind"] == "fabrication", "facilitator_id"])
    dirty = set(truth["target_id"].dropna().astype(int))
    clean = visits["submitted_at"].notna() & ~visits.index.isin(dirty) & ~visits["facilitator_id"].isin(fabricators)
    rates = flags[clean].mean()
    assert clean.sum() > 10_000
    assert (rates <= 0.002).all(), rates[rates > 0.002].to_dict()
