"""``/api/v1/waiting`` and ``/export/waiting.<csv|xlsx>`` carry the waiting times as pandas
computes them from the raw tables (``tests/integration/metrics/test_waiting_figures.Raw``),
and refuse what the caller may not see."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from dashboard.figures.queries import data_state
from dashboard.figures.waiting import AGE_BUCKETS, STATUS_CODES
from dashboard.store.database import get_engine
from dashboard.web.server import create_server
from tests import auth
from tests.integration.metrics.test_waiting_figures import Raw


@pytest.fixture(scope="module")
def api(standard_sqlite_round_url):
    url = standard_sqlite_round_url
    server = create_server(auth.settings(url))
    national, jatim, wall = server.test_client(), server.test_client(), server.test_client()
    auth.sign_in(national, url)
    auth.sign_in(jatim, url, "province", ["35"])
    auth.sign_in(wall, url, "display", ["35"])
    return {"national": national, "jatim": jatim, "display": wall}, Raw(url), data_state(get_engine(url), 1).day


def _expected(cases: pd.DataFrame, status: str) -> dict:
    part = cases[cases["open_status"] == status]
    by_age = part.groupby("bucket").size().reindex(range(len(AGE_BUCKETS)), fill_value=0)
    return {"cases": len(part), "by_age": [int(n) for n in by_age], "oldest_days": int(part["age"].max()) if len(part) else None}


@pytest.mark.parametrize("days_before", [0, 5])
def test_the_waiting_cases_of_a_scope_and_its_regions(api, days_before):
    clients, raw, newest = api
    day = newest - dt.timedelta(days=days_before)
    cases = raw.cases(day)
    body = clients["national"].get(f"/api/v1/waiting?as_of={day}").get_json()
    assert body["as_of"] == day.isoformat() and body["age_buckets"] == ["0", "1", "2", "3–6", "7–13", "14–29", "30+"]
    assert body["rows"][0]["code"] == "ID"
    for status in STATUS_CODES:
        assert body["rows"][0]["statuses"][status] == _expected(cases, status), status
    regencies = clients["national"].get(f"/api/v1/waiting?scope=35&by=children&as_of={day}").get_json()["rows"]
    assert len(regencies) == 38
    for row in regencies:
        own = cases[cases["regency_code"] == row["code"]]
        assert row["name"] and all(row["statuses"][s] == _expected(own, s) for s in STATUS_CODES), row["code"]


def test_a_round_and_a_category_outside_the_vocabulary(api):
    clients, raw, day = api
    body = clients["national"].get("/api/v1/waiting?round=1").get_json()
    assert body["round"] == 1 and body["rows"][0]["name"] == "INDONESIA"
    assert clients["national"].get("/api/v1/waiting?scope=35.77").get_json()["rows"][0]["name"] == "KOTA MADIUN"
    assert clients["national"].get("/api/v1/waiting?round=7").status_code == 404
    assert clients["national"].get("/api/v1/transitions?round=x").status_code == 400
    assert clients["national"].get("/api/v1/transitions?round=1&category=other").get_json()["reranked"] == 0
    assert clients["national"].get("/api/v1/progress?level=province&category=other").status_code == 200


def test_bad_or_foreign_requests_are_refused(api):
    clients, _, _ = api
    assert clients["national"].get("/api/v1/waiting?scope=35.77&by=children").status_code == 400
    assert clients["national"].get("/api/v1/waiting?by=everything").status_code == 400
    assert clients["national"].get("/api/v1/waiting?scope=3").status_code == 400
    assert clients["national"].get("/api/v1/waiting?scope=99").status_code == 404
    assert clients["jatim"].get("/api/v1/waiting?scope=32").status_code == 403
    own = clients["jatim"].get("/api/v1/waiting?by=children").get_json()["rows"]
    assert [row["code"] for row in own] == ["35"]  # the other provinces are left out


def test_the_waiting_list_download(api):
    clients, raw, day = api
    cases = raw.cases(day)
    response = clients["national"].get("/export/waiting.csv?parent=35.77&status=submitted&lang=en")
    assert response.status_code == 200 and "groundcheck_antrian-kabkota_3577_" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    lines = text.splitlines()
    table = pd.read_csv(io.StringIO("\n".join(lines[header_row_index_of(lines):])), dtype=str)
    expected = cases[(cases["open_status"] == "submitted") & (cases["regency_code"] == "35.77")].sort_values(["since", "code"])
    assert list(table.iloc[:, 0]) == list(expected["code"])
    assert [int(a) for a in table.iloc[:, -1]] == list(expected["age"])
    assert clients["national"].get("/export/waiting.xlsx?parent=35&status=approved").status_code == 200
    assert clients["national"].get("/export/waiting.csv?status=lost").status_code == 400
    assert clients["jatim"].get("/export/waiting.csv?parent=32.01").status_code == 403
    assert clients["display"].get("/export/waiting.csv?parent=35").status_code == 403


def header_row_index_of(lines: list[str]) -> int:
    """The header's line: the first line naming the target code column."""
    return next(i for i, line in enumerate(lines) if line.startswith("Target code") or line.startswith('"Target code'))
