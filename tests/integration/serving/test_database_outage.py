"""PostgreSQL stopped while the dashboard serves, then started again (issue 12): open pages
keep their figures with a notice of the outage, the API and exports answer 503 as JSON with
``Retry-After``, ``/readyz`` says so without naming the server, a page opened meanwhile
explains itself, the log says it once; and everything answers again by itself, without a
restart, within 30 seconds of the database coming back."""

from __future__ import annotations

import logging
import os
import re
import time

import pytest

from dashboard.factory import create_app
from dashboard.store import outage
from tests import auth
from tests._postgres import ENV_URL, PostgresServer, PostgresUnavailable
from tests.simulated import simulate_small

pytestmark = pytest.mark.postgres

POLL = "data-version.data"
MAP = "overview-map.figure"


@pytest.fixture(scope="module")
def own_server():
    """A private cluster of this module's own: stopping it leaves the other tests' alone."""
    if os.environ.get(ENV_URL) or os.environ.get("GROUNDCHECK_SKIP_POSTGRES") == "1":
        pytest.skip("needs a private PostgreSQL cluster it may stop (not TEST_POSTGRES_URL)")
    server = PostgresServer(server_url=None)
    try:
        server.start()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL could not be started: {exc}", pytrace=False)
    url = server.create_database()
    simulate_small(url, families=5_000)
    yield server, url
    server.stop()


class Browser:
    """A signed-in browser session (cookie and CSRF header), as a wall screen holds one."""

    def __init__(self, url: str) -> None:
        self.app = create_app(auth.settings(url))
        self.client = self.app.server.test_client()
        auth.ensure_user(url, "national", name="wall-test")
        form = self.client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        signed_in = self.client.post("/login", data={"username": "wall-test", "password": auth.PASSWORD, "csrf_token": csrf})
        assert signed_in.status_code == 302

    def call(self, output: str, inputs, state=()):
        names = output.strip(".").split("...") if output.startswith("..") else [output]
        outputs = [dict(zip(("id", "property"), n.rsplit(".", 1))) for n in names]
        body = {
            "output": output, "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        }
        headers = {"X-CSRFToken": self.client.get_cookie("_csrf_token").value}
        return self.client.post("/_dash-update-component", json=body, headers=headers)

    def poll(self, known):
        return self.call(POLL, [("refresh-timer", "n_intervals", 1), ("url", "search", "")], [("data-version", "data", known)])

    def map(self, version):
        return self.call(
            MAP, [("overview-metric", "value", "completion_pct"), ("overview-map-view", "value", "map"), ("data-version", "data", version), ("font-scale", "data", 1)],
            [("overview-scope", "data", None), ("page-lang", "data", "en"), ("overview-map", "figure", None)],
        )

    def as_of(self, version):
        return self.call("data-as-of.children", [("data-version", "data", version)], [("page-lang", "data", "en")])

    def page(self, path: str):
        return self.call(".._pages_content.children..._pages_store.data..", [("_pages_location", "pathname", path), ("_pages_location", "search", "?lang=en")])


def test_an_outage_keeps_the_last_figures_says_so_and_recovers_by_itself(own_server, caplog):
    server, url = own_server
    outage.reset()
    browser = Browser(url)
    version = browser.poll(None).get_json()["response"]["data-version"]["data"]
    figure = browser.map(version)
    assert figure.status_code == 200 and figure.get_json()["response"]["overview-map"]["figure"]["data"]
    assert browser.client.get("/api/v1/progress?level=province").status_code == 200

    caplog.set_level(logging.INFO)
    server.pause()
    try:
        # The wall screen's next poll: its version, marked with the outage.
        marked = browser.poll(version)
        assert marked.status_code == 200
        stale = marked.get_json()["response"]["data-version"]["data"]
        assert stale["outage_since"] and {k: v for k, v in stale.items() if k != "outage_since"} == version
        # Every figure stays as it is (no update), and the header says why.
        kept = browser.map(stale)
        assert kept.status_code in (200, 204) and "overview-map" not in (kept.get_json(silent=True) or {}).get("response", {})
        notice = browser.as_of(stale)
        assert notice.status_code == 200
        assert "cannot be reached since" in notice.get_data(as_text=True) and "database-outage" in notice.get_data(as_text=True)
        # The poll while the outage lasts changes nothing more.
        again = browser.poll(stale)
        assert again.status_code in (200, 204) and "data-version" not in (again.get_json(silent=True) or {}).get("response", {})
        # A figure asked for without the mark (a page that did not poll yet): 503, no detail.
        fresh = browser.map(version)
        assert fresh.status_code == 503 and fresh.headers["Retry-After"] == "30"
        # API and exports: 503 as JSON with Retry-After, and nothing of the driver's text.
        for path in ("/api/v1/progress?level=province", "/export/regions.csv"):
            response = browser.client.get(path)
            assert response.status_code == 503 and response.is_json and response.headers["Retry-After"] == "30", path
            assert str(server.port) not in response.get_data(as_text=True) and "127.0.0.1" not in response.get_data(as_text=True)
        # Readiness: not ready; neither the anonymous nor a non-admin caller learns where the database is.
        anonymous = create_app(auth.settings(url)).server.test_client().get("/readyz")
        assert anonymous.status_code == 503 and anonymous.get_json() == {"ready": False}
        ready = browser.client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["reachable"] is False
        assert str(server.port) not in ready.get_data(as_text=True)
        # A page opened now explains the outage and reloads itself.
        page = browser.page("/provinsi/35")
        assert page.status_code == 200 and "outage-message" in page.get_data(as_text=True) and "page-retry" in page.get_data(as_text=True)
        # A session this process never checked (a worker started during the outage): not a
        # sign-in form that a wall screen would stay on, but "try again", reloading itself.
        from dashboard.web import auth as web_auth

        seen, web_auth._checked_sessions._seen = web_auth._checked_sessions._seen, {}
        try:
            unverified = browser.client.get("/provinsi/35")
            assert unverified.status_code == 503 and 'http-equiv="refresh"' in unverified.get_data(as_text=True)
            assert browser.poll(stale).status_code == 503
        finally:
            web_auth._checked_sessions._seen = seen
        began = [r for r in caplog.records if "does not answer" in r.getMessage()]
        assert len(began) == 1, [r.getMessage() for r in began]  # once, however many requests met it
    finally:
        server.resume()

    back_at = time.monotonic()
    while True:
        answer = browser.poll(stale)
        if answer.status_code == 200:
            break
        assert time.monotonic() - back_at < 30, answer.status_code
        time.sleep(1)
    recovered = answer.get_json()["response"]["data-version"]["data"]
    assert "outage_since" not in recovered and recovered["version"] == version["version"]
    assert browser.map(recovered).get_json() == figure.get_json()  # the same figures, recomputed or kept
    assert browser.client.get("/api/v1/progress?level=province").status_code == 200
    assert "outage-message" not in browser.page("/provinsi/35").get_data(as_text=True)
    assert len([r for r in caplog.records if "answers again" in r.getMessage()]) == 1
