"""The national page in headless Chromium: the map draws 38 filled provinces, the metric
and the language switch, no console error, no request to another host."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.factory import create_app
from dashboard.settings import Settings
from tests.browser import browser_page, serve
from tests.simulated import simulate_small

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[3] / "bench" / "out"


@pytest.fixture(scope="module")
def base_url(database_url_factory):
    url = database_url_factory("sqlite")
    simulate_small(url, families=60_000)
    with serve(create_app(Settings(database_url=url)).server) as base:
        yield base


# plotly draws a region as a path with a ``d`` and a ``fill`` attribute; the grey no-data
# trace keeps an empty path for regions that have data, so each province is drawn once.
_DRAWN = "[...document.querySelectorAll('#national-map path.choroplethlocation')].filter(p => p.getAttribute('d'))"


def _filled_regions(page) -> int:
    return page.evaluate(f"() => {_DRAWN}.filter(p => (p.getAttribute('fill') || 'none') !== 'none').length")


def _fills(page) -> str:
    return page.evaluate(f"() => {_DRAWN}.map(p => p.getAttribute('fill')).join()")


def test_national_page_map_metric_and_language(base_url):
    with browser_page(base_url) as (page, watch):
        page.goto(base_url + "/", wait_until="networkidle")
        page.wait_for_function("document.querySelectorAll('#national-map path.choroplethlocation').length >= 38", timeout=30_000)
        assert _filled_regions(page) == 38
        page.wait_for_selector(".kpi-value", timeout=20_000)
        assert page.locator(".kpi-card").count() == 7
        assert "Penyelesaian" in page.inner_text("body")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "national-1920.png"))

        # Switch the metric: the colours change, the 38 regions stay.
        before = _fills(page)
        page.click("#national-metric")
        page.get_by_role("listbox").get_by_text("Tingkat pengembalian", exact=True).click()
        page.wait_for_function(f"(before) => {_DRAWN}.map(p => p.getAttribute('fill')).join() !== before", arg=before, timeout=15_000)
        assert _filled_regions(page) == 38

        # Switch the language.
        page.click("#lang-en")
        page.wait_for_function("document.body.innerText.includes('Completion')", timeout=15_000)
        page.wait_for_function("document.querySelectorAll('#national-map path.choroplethlocation').length >= 38", timeout=30_000)
        assert "Targets" in page.inner_text("body")
        page.screenshot(path=str(SHOTS / "national-1920-en.png"))

    assert watch.console_errors == []
    assert watch.foreign_requests == []
