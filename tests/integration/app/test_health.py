"""``/healthz`` and ``/readyz`` on an app built by the factory, in-process and on a started
server; the shell says what data it shows. Anonymous callers (a load balancer) get the
verdict of ``/readyz`` only; signed-in users its details."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pandas as pd
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from dashboard.access.accounts import issue_token
from dashboard.access.policy import Access
from dashboard.factory import create_app
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.store.status import data_status
from tests import auth


@pytest.fixture(scope="module")
def simulated_url(standard_round_url) -> str:
    return standard_round_url


def test_healthz_and_readyz_on_a_started_server(simulated_url):
    app = create_app(auth.settings(simulated_url))
    token = issue_token(get_engine(simulated_url), auth.ensure_user(simulated_url, "national"))
    signed_in = {"Authorization": f"Bearer {token}"}
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
            assert json.load(response) == {"ready": True}  # anonymous: the verdict only
        with urllib.request.urlopen(urllib.request.Request(f"{base}/readyz", headers=signed_in), timeout=10) as response:
            assert response.status == 200
            ready = json.load(response)
        with urllib.request.urlopen(urllib.request.Request(f"{base}/", headers=signed_in), timeout=10) as response:
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
    assert "database" not in ready  # which database it is: admins only


def test_readyz_reports_a_database_without_schema(tmp_path):
    client = create_app(Settings(database_url=f"sqlite:///{tmp_path}/empty.sqlite")).server.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"ready": False}
    assert client.get("/healthz").status_code == 200  # liveness does not depend on the database
    status = data_status(get_engine(f"sqlite:///{tmp_path}/empty.sqlite")).to_json(with_location=False)
    assert "schema" in status["error"]  # what a signed-in user (and `manage status`) is told


def test_readyz_reports_an_unreachable_database():
    # A port nobody listens on: refused at once. The URL's password must never be shown.
    url = "postgresql+psycopg://monitor:s3cret@127.0.0.1:9/groundcheck?connect_timeout=2"
    client = create_app(auth.settings(url)).server.test_client()
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body == {"ready": False}
    status = data_status(get_engine(url))
    assert status.reachable is False and status.ready is False
    assert "s3cret" not in json.dumps(status.to_json())
    hidden = status.to_json(with_location=False)  # what a signed-in user who is not an admin sees
    assert "database" not in hidden and "127.0.0.1" not in json.dumps(hidden) and ":9" not in json.dumps(hidden)


def test_the_about_page_shows_the_data_source(simulated_url):
    import dash
    import plotly

    app = create_app(auth.settings(simulated_url))
    auth.ensure_user(simulated_url, "national")
    with auth.signed_in_request(app.server, Access.of_user(auth.user_name("national"), "national", ())):
        page = dash.page_registry["about"]["layout"](lang="id")
    text = json.dumps(page, cls=plotly.utils.PlotlyJSONEncoder)
    assert "60.000 sasaran" in text  # Indonesian thousands separator
    assert "simulasi" in text
    assert "wilayah_boundaries" in text and "ODbL" in text


def test_an_address_no_page_has_answers_404(simulated_url):
    """The page shell of every page answers 200, and of an unknown address 404 (its body is
    still the app, which draws the "not found" view with a way back)."""
    app = create_app(auth.settings(simulated_url))
    client = app.server.test_client()
    auth.sign_in(client, simulated_url)
    for path in ("/", "/?lang=en", "/provinsi/32", "/kabkota/32.01", "/pendamping/F0001", "/kualitas", "/kualitas/32",
                 "/sumber-data", "/admin"):
        assert client.get(path).status_code == 200, path
    for path in ("/nope", "/provinsi/32/extra", "/404", "/kabkota"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "text/html", path
        assert b"_dash-config" in response.data  # the app, which shows the not-found view
    assert client.get("/api/v1/progress?level=national").status_code == 200  # other routes as they were


def test_the_page_shell_names_its_language(simulated_url):
    app = create_app(auth.settings(simulated_url))
    client = app.server.test_client()
    auth.sign_in(client, simulated_url)
    assert b'<html lang="en">' in client.get("/kabkota/32.01?lang=en").data
    assert b'<html lang="id">' in client.get("/kabkota/32.01").data  # the default language
    assert b'<html lang="id">' in client.get("/?lang=xx").data


def test_every_figure_page_of_an_empty_database_says_there_is_no_round_yet(tmp_path):
    """A migrated database without a round (a new installation): no blank axes and no grid
    stuck loading, but the same message on every page, which reloads itself until data comes."""
    import dash
    import plotly

    from dashboard.store.database import init_database

    url = f"sqlite:///{tmp_path}/empty.sqlite"
    init_database(url)
    app = create_app(auth.settings(url))
    auth.ensure_user(url, "national")
    pages = [("national", {}), ("province", {"code": "35"}), ("regency", {"code": "35.77"}),
             ("facilitator", {"facilitator_id": "F0001"}), ("quality", {}), ("quality_region", {"code": "35.77"})]
    for page, kwargs in pages:
        with auth.signed_in_request(app.server, Access.of_user(auth.user_name("national"), "national", ())):
            layout = dash.page_registry[page]["layout"](lang="en", **kwargs)
        text = json.dumps(layout, cls=plotly.utils.PlotlyJSONEncoder)
        assert "no-round-message" in text and "This database holds no ground-check round yet." in text, page
        assert "page-retry" in text and "-grid" not in text and '"figure"' not in text, page
