"""Structured logs (issue 12): JSON lines carrying the request id (a proxy's, or one made
here and sent back), the user and area of the request and the callback; slow requests and
queries logged with their duration, queries without their parameters."""

from __future__ import annotations

import io
import json
import logging

import pytest

from dashboard.factory import create_app
from tests import auth
from tests.integration.access.test_who_sees_what import Site


@pytest.fixture()
def log_lines():
    stream = io.StringIO()
    yield stream
    logging.getLogger().removeHandler(next(h for h in logging.getLogger().handlers if h.get_name() == "groundcheck"))


def _records(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_line_of_a_request_carries_its_id_user_area_and_callback(standard_round_url, log_lines):
    from dashboard.web.logs import configure_logging

    site = Site(standard_round_url, slow_request_ms=0, slow_query_ms=0, figure_cache=False)  # computed, not kept: queries run
    configure_logging(auth.settings(standard_round_url, log_format="json"), stream=log_lines)
    client = site.clients["province"]
    client.environ_base["HTTP_X_REQUEST_ID"] = "wall-7.screen_3"
    kpis = "..overview-kpis.children...overview-message.children.."
    response = site.call("province", kpis, [("data-version", "data", site.version)], [("overview-scope", "data", "35"), ("page-lang", "data", "id")])
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "wall-7.screen_3"
    records = _records(log_lines)
    slow = [r for r in records if r["message"] == "slow request"]
    assert slow and slow[-1]["request_id"] == "wall-7.screen_3" and slow[-1]["area"] == "35"
    assert slow[-1]["user"].startswith("tprovince") and slow[-1]["callback"].endswith("overview-message.children")
    assert slow[-1]["duration_ms"] >= 0 and {"time", "level", "logger"} <= slow[-1].keys()
    # (The audit trail's writer thread queries outside any request: lines without an id.)
    queries = [r for r in records if r["message"] == "slow query" and r.get("request_id") == "wall-7.screen_3"]
    assert queries
    assert all("35" not in str(r.get("parameters", "")) for r in queries) and "statement" in queries[0]


def test_a_request_id_that_is_no_plain_token_is_replaced(standard_round_url):
    client = create_app(auth.settings(standard_round_url)).server.test_client()
    for offered in ("abc; Set-Cookie: x=1", "x" * 65, '<script>"'):
        own = client.get("/healthz", headers={"X-Request-ID": offered}).headers["X-Request-ID"]
        assert len(own) == 32 and own != offered
    assert client.get("/healthz").headers["X-Request-ID"] != own
