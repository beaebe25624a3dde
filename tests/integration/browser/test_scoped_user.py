"""A province user in headless Chromium (issue 10): signs in through the form, lands on
their province, sees only it on the national map and in the ranking, is refused another
province, sees a facilitator whose name is a markdown link trap as plain text, and signs
out; no console error (the Content-Security-Policy holds), no foreign request."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.factory import create_app
from dashboard.figures.quality_report import facilitator_quality
from dashboard.figures.queries import Scope, data_state
from dashboard.store.database import get_engine
from tests import auth
from tests.browser import browser_page, serve, wait_until
from tests.simulated import copy_database

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[3] / "bench" / "out"
PHISHING = "Klik di sini](https://evil.example/phish) [x"
#: Painted provinces of the national map's values trace (data[1]); grey ones are data[0].
_COLOURED = "document.querySelector('#overview-map .js-plotly-plot').data[1].z.filter(v => v !== null && v === v).length"


@pytest.fixture(scope="module")
def site(scored_round_url, database_url_factory):
    url = copy_database(scored_round_url, database_url_factory("sqlite"))  # a name is changed below
    engine = get_engine(url)
    # The riskiest facilitator of Jawa Timur gets a name that is a markdown link.
    riskiest = facilitator_quality(engine, 1, Scope.of("35"), data_state(engine, 1).day, access=Access.nationwide()).index[0]
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE facilitator SET name = :name WHERE id = :id"), {"name": PHISHING, "id": riskiest})
    auth.ensure_user(url, "province", ["35"], name="bps-jatim")
    with serve(create_app(auth.settings(url)).server) as base:
        yield base


def test_a_province_user_sees_only_their_province(site):
    with browser_page(site, user="bps-jatim") as (page, watch):
        wait_until(page, "location.pathname === '/provinsi/35'", timeout=15_000)  # lands on their area
        page.wait_for_selector(".kpi-value", timeout=20_000)
        assert "Jawa Timur" in page.inner_text("h1")
        assert "bps-jatim" in page.inner_text("#signed-in-as")

        page.goto(site + "/", wait_until="networkidle")
        wait_until(page, f"{_COLOURED} === 1", timeout=30_000)  # their province only; 37 grey
        wait_until(page, "document.querySelectorAll('.rank-list a').length === 1", timeout=20_000)
        assert "Jawa Timur" in page.inner_text(".rank-list")
        assert "wilayah lain tidak ditampilkan" in page.inner_text("body")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "national-as-province-user-1920.png"))

        page.goto(site + "/provinsi/32", wait_until="networkidle")
        page.wait_for_selector("#access-denied-message", timeout=15_000)
        assert "Di luar wilayah Anda" in page.inner_text("body")
        page.click("#access-denied-back")
        page.wait_for_url("**/provinsi/35?*", timeout=15_000)

        page.goto(site + "/kualitas/35", wait_until="networkidle")
        page.wait_for_selector("#quality-facilitators-table", timeout=30_000)
        wait_until(page, "document.querySelector('#quality-facilitators-table').innerText.includes('Klik di sini')", timeout=15_000)
        assert PHISHING in page.inner_text("#quality-facilitators-table")  # shown as written
        hrefs = page.evaluate("() => [...document.querySelectorAll('#quality-facilitators-table a')].map(a => a.getAttribute('href'))")
        assert hrefs and not [h for h in hrefs if "evil" in h] and all(h.startswith(("/pendamping/", "/kabkota/")) for h in hrefs)
        page.screenshot(path=str(SHOTS / "quality-35-as-province-user-1920.png"))

        page.click("#sign-out")
        page.wait_for_url("**/login?*", timeout=15_000)
        page.goto(site + "/provinsi/35", wait_until="networkidle")
        assert "/login" in page.url
    assert watch.console_errors == []
    assert watch.foreign_requests == []
