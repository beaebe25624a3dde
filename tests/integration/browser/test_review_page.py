"""The review page in headless Chromium: a kabupaten/kota user picks a facilitator of the queue
by clicking their row, records a result with a note, and sees it in the table (the note as
written) and the precision move; a province user sees the queue of their province's
kabupaten/kota, that result among them, and no other province's facilitator."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard.factory import create_app
from tests import auth
from tests.browser import browser_page, serve, wait_until
from tests.review_round import FACILITATORS, TRICKY_NAME, build_review_round

pytestmark = pytest.mark.browser

NOTE = "Dikunjungi ulang 3 keluarga: <b>tidak</b> pernah didatangi **sama sekali**"


@pytest.fixture(scope="module")
def base_url(database_url_factory):
    url = build_review_round(database_url_factory("sqlite")).url  # results are written
    auth.ensure_user(url, "regency", ["35.77"])
    auth.ensure_user(url, "province", ["35"])
    with serve(create_app(auth.settings(url)).server) as base:
        yield base, url


def _card(page, name: str) -> str:
    return page.inner_text(f"#review-card-{name} .kpi-value")


def _cells(page, column: str) -> list[str]:
    return page.locator(f"#review-queue-table td[data-dash-column={column}]").all_inner_texts()


def test_a_kabupaten_kota_user_records_a_result(base_url):
    base, url = base_url
    with browser_page(base, 1920, 1080, user=auth.user_name("regency", ["35.77"]), next_path="/tinjauan/35.77?lang=en&round=1") as (page, watch):
        page.wait_for_load_state("networkidle")
        wait_until(page, "() => document.querySelectorAll('#review-queue-table td[data-dash-column=name]').length === 4", timeout=20_000)
        page.wait_for_selector("#review-card-precision .kpi-value")
        assert (_card(page, "waiting"), _card(page, "reviewed"), _card(page, "precision")) == ("4", "0", "—")
        assert "Nothing reviewed yet" in page.inner_text("#review-card-precision")
        names = _cells(page, "name")
        assert len(names) == 4 and TRICKY_NAME in names  # a name with markup in it, shown as written
        assert _cells(page, "result") == ["Not reviewed"] * 4
        assert set(_cells(page, "regency")) == {"Kota Madiun"}

        page.click("#review-submit")  # nothing picked yet
        page.wait_for_selector("text=Pick a facilitator first.", timeout=10_000)
        # A click on Agus Setiawan's row (not on the link) picks him in the form.
        row = _cells(page, "name").index("Agus Setiawan")
        page.locator("#review-queue-table td[data-dash-column=score]").nth(row).click()
        wait_until(page, "() => document.querySelector('#review-facilitator').innerText.includes('PKH-3577-002')", timeout=10_000)
        page.get_by_label("Fabrication confirmed").check()
        page.fill("#review-note", NOTE)
        page.click("#review-submit")
        page.wait_for_selector("text=The review of PKH-3577-002 is recorded.", timeout=10_000)
        # The cards and the table are two callbacks: wait for both.
        wait_until(page, "() => document.querySelector('#review-card-precision .kpi-value').innerText === '100.0%'", timeout=10_000)
        wait_until(page, "() => [...document.querySelectorAll('#review-queue-table td[data-dash-column=result]')].some(td => td.innerText === 'Confirmed')", timeout=10_000)
        assert (_card(page, "waiting"), _card(page, "reviewed"), _card(page, "confirmed")) == ("3", "1", "1")
        assert "n = 1" in page.inner_text("#review-card-precision")
        assert page.input_value("#review-note") == ""
        names, results, notes = _cells(page, "name"), _cells(page, "result"), _cells(page, "note")
        assert names[-1] == "Agus Setiawan" and results[-1] == "Confirmed"  # reviewed: after those waiting
        assert notes[-1] == NOTE  # as written: no bold, no markup
        assert page.locator("#review-queue-table td[data-dash-column=note] b").count() == 0
        # The name links to the facilitator's page.
        href = page.locator("#review-queue-table td[data-dash-column=name] a").last.get_attribute("href")
        assert href.startswith("/pendamping/PKH-3577-002?lang=en")
    assert watch.console_errors == [] and watch.foreign_requests == []
    with sa.create_engine(url).connect() as conn:
        assert conn.execute(sa.text("SELECT facilitator_id, result, note FROM risk_review")).all() == [("PKH-3577-002", "confirmed", NOTE)]


def test_a_province_user_sees_the_queue_of_their_province(base_url):
    base, _ = base_url
    with browser_page(base, 1920, 1080, user=auth.user_name("province", ["35"]), next_path="/tinjauan/35?lang=id&round=1") as (page, watch):
        page.wait_for_load_state("networkidle")
        page.wait_for_selector("#review-queue-table td", timeout=20_000)
        wait_until(page, "() => document.querySelector('#review-count').innerText.length > 0")
        expected = {name for name, regency, _n, score, _s in FACILITATORS.values() if regency.startswith("35.") and score is not None and score >= 50}
        shown = set()
        while True:  # every page of the table
            shown |= set(_cells(page, "name"))
            following = page.locator("#review-queue-table button.next-page")
            if following.count() == 0 or following.is_disabled():
                break
            following.click()
        assert shown == expected
        assert set(_cells(page, "regency")) <= {"Kota Madiun", "Kabupaten Madiun", "Kota Surabaya"}
        assert page.inner_text("#review-count") == f"{len(expected)} pendamping dalam antrean"
        # What the kabupaten/kota user recorded counts here too (the first test of the module).
        assert page.inner_text("#review-card-confirmed .kpi-value") == "1"
        # Another province: an explained refusal.
        page.goto(base + "/tinjauan/32?lang=id", wait_until="networkidle")
        assert page.locator("#review-queue-table").count() == 0 and page.locator(".access-denied").count() == 1
    assert watch.console_errors == [] and watch.foreign_requests == []
