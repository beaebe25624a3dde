"""``/healthz`` and ``/readyz`` on an app built by the factory, in-process and on a started
server; the shell says what data it shows."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pandas as pd
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from dashboard.factory import create_app
from dashboard.settings import Settings
from tests._postgres import BACKENDS
from tests.simulated import simulate_small


@pytest.fixture(scope="module", params=BACKENDS)
def simulated_url(request, database_url_factory) -> str:
    url = database_url_factory(request.param)
    simulate_small(url, families=34_000)
    return url


def test_healthz_and_readyz_on_a_started_server(simulated_url):
    app = create_app(Settings(database_url=simulated_url))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
            assert response.status == 200
            assert json.load(response) == {"status": "ok"}
        with urllib.request.urlopen(f"{base}/readyz", timeout=10) as response:
            assert response.status == 200
            ready = json.load(response)
        with urllib.request.urlopen(f"{base}/", timeout=10) as response:
            assert response.status == 200
            assert b"react-entry-point" in response.read()
    finally:
        server.shutdown()
        thread.join(5)
    newest = pd.read_sql("SELECT max(submitted_at) AS t FROM visit", sa.create_engine(simulated_url))["t"][0]
    assert ready["ready"] is True and ready["reachable"] is True
    assert pd.Timestamp(ready["newest_submission"].rstrip("Z")) == pd.Timestamp(newest)
    assert [r["id"] for r in ready["rounds"]] == [1]
    assert ready["rounds"][0]["simulated"] is True
    assert "password" not in json.dumps(ready)


def test_readyz_reports_a_database_without_schema(tmp_path):
    client = create_app(Settings(database_url=f"sqlite:///{tmp_path}/empty.sqlite")).server.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["ready"] is False
    assert "schema" in response.get_json()["error"]
    assert client.get("/healthz").status_code == 200  # liveness does not depend on the database


def test_readyz_reports_an_unreachable_database():
    # A port nobody listens on: refused at once. The URL's password must never be shown.
    url = "postgresql+psycopg://monitor:s3cret@127.0.0.1:9/groundcheck?connect_timeout=2"
    client = create_app(Settings(database_url=url)).server.test_client()
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["reachable"] is False and body["ready"] is False
    assert "s3cret" not in json.dumps(body)


def test_the_about_page_shows_the_data_source(simulated_url):
    import dash
    import plotly

    create_app(Settings(database_url=simulated_url))
    page = dash.page_registry["about"]["layout"](lang="id")
    text = json.dumps(page, cls=plotly.utils.PlotlyJSONEncoder)
    assert "34.000 sasaran" in text  # Indonesian thousands separator
    assert "simulasi" in text
    assert "wilayah_boundaries" in text and "ODbL" in text
