"""The alerts page in headless Chromium: the feed of the area, most severe first, a click
picks an alert, and the acknowledgement with its note shows in the table; a province user
sees their province's alerts only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard.factory import create_app
from tests import auth
from tests.browser import browser_page, serve, wait_until
from tests.simulated import copy_database

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(standard_sqlite_round_url, database_url_factory):
    url = copy_database(standard_sqlite_round_url, database_url_factory("sqlite"))  # acknowledgements are written
    auth.ensure_user(url, "national")
    auth.ensure_user(url, "province", ["35"])
    with serve(create_app(auth.settings(url)).server) as base:
        yield base, url


def test_a_user_acknowledges_an_alert_with_a_note(base_url):
    base, url = base_url
    with browser_page(base, 1366, 768, user=auth.user_name("national"), next_path="/peringatan?lang=en") as (page, watch):
        page.wait_for_load_state("networkidle")
        page.wait_for_selector("#alerts-table td", timeout=20_000)
        severities = page.locator("#alerts-table td[data-dash-column=severity]").all_inner_texts()
        assert severities[0] == "High" and "Low" not in severities[: severities.count("High")]
        page.click("#alerts-ack")  # nothing picked yet
        page.wait_for_selector("text=Pick an alert in the table first.", timeout=10_000)
        page.locator("#alerts-table td[data-dash-column=details]").first.click()
        page.fill("#alerts-note", "Koordinator dihubungi <b>hari ini</b>")
        page.click("#alerts-ack")
        page.wait_for_selector("text=The alert is acknowledged.", timeout=10_000)
        wait_until(page, "() => [...document.querySelectorAll('#alerts-table td[data-dash-column=acknowledged]')].some(td => td.innerText.includes('Koordinator dihubungi <b>hari ini</b>'))", timeout=10_000)
    assert watch.console_errors == [] and watch.foreign_requests == []
    with sa.create_engine(url).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alert WHERE note = 'Koordinator dihubungi <b>hari ini</b>'")).scalar_one() == 1


def test_a_province_user_sees_the_alerts_of_their_province(base_url):
    base, _ = base_url
    with browser_page(base, 1920, 1080, user=auth.user_name("province", ["35"]), next_path="/peringatan?lang=id") as (page, watch):
        page.wait_for_load_state("networkidle")
        page.wait_for_selector("#alerts-table td", timeout=20_000)
        links = page.locator("#alerts-table td[data-dash-column=subject] a").evaluate_all("(as) => as.map(a => a.getAttribute('href'))")
        codes = [href.split("?")[0].rstrip("/").rpartition("/")[2] for href in links]
        assert codes and all(code.startswith("35") or code.startswith("PKH-35") for code in codes), codes
        # Another province's alerts: an explained refusal, not its alerts.
        page.goto(base + "/peringatan/32?lang=id", wait_until="networkidle")
        assert page.locator("#alerts-table").count() == 0 and "32" in page.inner_text("body")
    assert watch.foreign_requests == []
