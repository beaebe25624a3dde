"""The JSON API answers the same figures as the registry/query layer (which the registry
tests check against pandas), and says clearly what is wrong with bad parameters."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.figures.forecast import child_forecasts, scope_forecast
from dashboard.figures.metrics import REGISTRY, compute
from dashboard.figures.queries import Scope, base_counts, data_state, round_dates
from dashboard.store.database import get_engine
from dashboard.web.server import create_server
from tests import auth


@pytest.fixture(scope="module")
def api(standard_round_url):
    url = standard_round_url
    client = create_server(auth.settings(url)).test_client()
    auth.sign_in(client, url)
    return client, url


def test_metrics_lists_the_registry(api):
    client, _ = api
    body = client.get("/api/v1/metrics").get_json()
    assert [m["id"] for m in body["metrics"]] == list(REGISTRY)
    completion = next(m for m in body["metrics"] if m["id"] == "completion_pct")
    assert completion["label"] == {"id": "Penyelesaian", "en": "Completion"}
    assert completion["numerator"] == ["submitted"] and completion["denominator"] == ["targets"]


def test_progress_by_province_equals_the_page_figures(api):
    client, url = api
    body = client.get("/api/v1/progress?level=province").get_json()
    engine = get_engine(url)
    state = data_state(engine, 1)
    expected = compute(base_counts(engine, 1, Scope.national(), state.day, by="children", access=Access.nationwide()))
    assert len(body["rows"]) == 38 and body["as_of"] == state.day.isoformat()
    actual = pd.DataFrame(body["rows"]).set_index("code")
    assert actual.loc["94", "name"] == "PAPUA TENGAH"
    for metric in expected.columns:
        pd.testing.assert_series_equal(
            actual[metric].astype(float), expected[metric].astype(float), check_names=False, check_index_type=False
        )


def test_progress_national_regency_and_facilitator_levels(api):
    client, url = api
    national = client.get("/api/v1/progress?level=national").get_json()
    assert [r["code"] for r in national["rows"]] == ["ID"]
    targets = pd.read_sql("SELECT count(*) AS n FROM target", sa.create_engine(url))["n"][0]
    assert national["rows"][0]["targets"] == targets
    regencies = client.get("/api/v1/progress?level=regency&parent=35").get_json()
    assert len(regencies["rows"]) == 38 and all(r["code"].startswith("35.") for r in regencies["rows"])
    facilitators = client.get("/api/v1/progress?level=facilitator&parent=35.77").get_json()
    raw = pd.read_sql(
        "SELECT t.facilitator_id, count(*) AS targets, count(v.submitted_at) AS submitted FROM target t "
        "LEFT JOIN visit v ON v.target_id = t.id WHERE t.regency_code = '35.77' GROUP BY t.facilitator_id",
        sa.create_engine(url),
    ).set_index("facilitator_id")
    rows = pd.DataFrame(facilitators["rows"]).set_index("code")
    assert set(rows.index) == set(raw.index)
    assert (rows.loc[raw.index, "targets"] == raw["targets"]).all()
    assert (rows.loc[raw.index, "submitted"] == raw["submitted"]).all()
    assert rows["name"].notna().all()


def test_every_row_carries_its_forecast_as_the_pages_compute_it(api):
    client, url = api
    engine = get_engine(url)
    state, dates = data_state(engine, 1), round_dates(engine, 1)
    provinces = pd.DataFrame(client.get("/api/v1/progress?level=province").get_json()["rows"]).set_index("code")
    expected = child_forecasts(engine, 1, Scope.national(), state.day, dates.start_date, dates.deadline, access=Access.nationwide())
    for code, row in expected.iterrows():
        forecast = provinces.loc[code, "forecast"]
        assert forecast["status"] == row["status"] and forecast["pace"] == pytest.approx(row["pace"])
        assert forecast["finish"] == (row["finish"].isoformat() if row["finish"] else None)
        assert forecast["gap_points"] == pytest.approx(row["gap_points"])
    national = client.get("/api/v1/progress?level=national").get_json()["rows"][0]["forecast"]
    expected = scope_forecast(engine, 1, Scope.national(), state.day, dates.start_date, dates.deadline, access=Access.nationwide()).to_json()
    for key in ("status", "finish", "finish_early", "finish_late"):
        assert national[key] == expected[key], key
    for key in ("pace", "pace_low", "expected_pct", "gap_points", "by_deadline_pct", "needed_pace"):
        assert national[key] == pytest.approx(expected[key]), key
    facilitators = client.get("/api/v1/progress?level=facilitator&parent=35.77").get_json()["rows"]
    assert {r["forecast"]["status"] for r in facilitators} <= {"at_risk", "behind", "on_schedule", "done", "no_targets"}


def test_the_alerts_of_an_area_most_severe_first(api):
    client, url = api
    body = client.get("/api/v1/alerts").get_json()
    stored = pd.read_sql("SELECT id, rule, severity, scope_code FROM alert WHERE closed_at IS NULL", sa.create_engine(url))
    assert body["round"] == 1 and sorted(a["id"] for a in body["alerts"]) == sorted(stored["id"])
    order = [{"high": 0, "medium": 1, "low": 2}[a["severity"]] for a in body["alerts"]]
    assert order == sorted(order) and len(order) > 0
    province = client.get("/api/v1/alerts?scope=35").get_json()["alerts"]
    assert province and all(a["scope"].startswith("35") for a in province)
    assert all(a["label"]["id"] and a["label"]["en"] for a in province)
    assert client.get("/api/v1/alerts?scope=3").status_code == 400
    assert client.get("/api/v1/alerts?closed=yes").status_code == 400
    assert client.get("/api/v1/alerts?scope=99").status_code == 404


def test_as_of_yesterday(api):
    client, url = api
    state = data_state(get_engine(url), 1)
    yesterday = (state.day - dt.timedelta(days=1)).isoformat()
    body = client.get(f"/api/v1/progress?level=national&as_of={yesterday}").get_json()
    expected = compute(base_counts(get_engine(url), 1, Scope.national(), state.day - dt.timedelta(days=1), access=Access.nationwide()))
    assert body["as_of"] == yesterday
    assert body["rows"][0]["submitted"] == expected["submitted"].iloc[0]


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("", 400, "'level' is required"),
        ("level=kecamatan", 400, "unknown level"),
        ("level=regency", 400, "needs parent"),
        ("level=regency&parent=3", 400, "malformed"),
        ("level=regency&parent=32.01", 400, "wrong level"),
        ("level=facilitator&parent=32", 400, "wrong level"),
        ("level=province&parent=32", 400, "takes no parent"),
        ("level=national&as_of=24-11-2026", 400, "not a date"),
        ("level=national&as_of=2099-01-01", 400, "after the newest data"),
        ("level=national&as_of=2020-01-01", 400, "before the round started"),
        ("level=national&round=x", 400, "not a number"),
        ("level=regency&parent=99", 404, "no province"),
    ],
)
def test_bad_parameters_are_explained(api, query, status, message):
    client, _ = api
    response = client.get(f"/api/v1/progress?{query}")
    assert response.status_code == status
    assert message in response.get_json()["error"]


def test_openapi_document_describes_the_api(api):
    client, _ = api
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/metrics", "/api/v1/progress"} <= set(document["paths"])
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/progress"]["get"]["parameters"]}
    assert parameters["level"]["schema"]["enum"] == ["national", "province", "regency", "facilitator"]
    assert set(REGISTRY) <= set(document["components"]["schemas"]["Row"]["properties"])
