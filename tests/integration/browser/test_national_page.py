"""The national page in headless Chromium: the map draws 38 filled provinces, the metric
and the language switch, no console error, no request to another host."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.factory import create_app
from tests import auth
from tests.browser import browser_page, serve, wait_until

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[3] / "bench" / "out"


@pytest.fixture(scope="module")
def base_url(standard_sqlite_round_url):
    url = standard_sqlite_round_url  # read only (a user added)
    auth.ensure_user(url, "national")
    with serve(create_app(auth.settings(url)).server) as base:
        yield base


# plotly draws a region as a path with a ``d`` and a ``fill`` attribute; the grey no-data
# trace keeps an empty path for regions that have data, so each province is drawn once.
_DRAWN = "[...document.querySelectorAll('#overview-map path.choroplethlocation')].filter(p => p.getAttribute('d'))"


def _filled_regions(page) -> int:
    return page.evaluate(f"() => {_DRAWN}.filter(p => (p.getAttribute('fill') || 'none') !== 'none').length")


def _fills(page) -> str:
    return page.evaluate(f"() => {_DRAWN}.map(p => p.getAttribute('fill')).join()")


def test_national_page_map_metric_and_language(base_url):
    with browser_page(base_url, user=auth.user_name("national"), next_path="/") as (page, watch):
        page.wait_for_load_state("networkidle")
        wait_until(page, f"() => {_DRAWN}.length === 38", timeout=30_000)
        assert _filled_regions(page) == 38
        page.wait_for_selector(".kpi-value", timeout=20_000)
        assert page.locator(".kpi-card").count() == 7
        assert "Penyelesaian" in page.inner_text("body")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "national-1920.png"))

        # Switch the metric: the colours change, the 38 regions stay.
        before = _fills(page)
        page.click("#overview-metric")
        page.get_by_role("listbox").get_by_text("Tingkat pengembalian", exact=True).click()
        wait_until(page, f"(before) => {_DRAWN}.map(p => p.getAttribute('fill')).join() !== before", arg=before, timeout=15_000)
        assert _filled_regions(page) == 38

        # The metric is in the address (a reload or a shared link keeps it) and in the
        # language switch.
        wait_until(page, "() => new URL(window.location.href).searchParams.get('metric') === 'return_rate'", timeout=5_000)
        assert "metric=return_rate" in page.get_attribute(".lang-en", "href")

        # Switch the language: the metric stays.
        page.click(".lang-en")
        wait_until(page, "document.body.innerText.includes('Completion')", timeout=15_000)
        wait_until(page, f"() => {_DRAWN}.length === 38", timeout=30_000)
        # The KPI cards arrive by their own callback, after the map may have.
        wait_until(page, "document.body.innerText.includes('Targets')", timeout=15_000)
        assert page.inner_text("#overview-metric").strip().startswith("Return rate")
        assert page.evaluate("document.documentElement.lang") == "en"  # followed without a reload
        page.screenshot(path=str(SHOTS / "national-1920-en.png"))

        # A reload keeps the language and the metric.
        page.reload(wait_until="networkidle")
        wait_until(page, "document.body.innerText.includes('Targets')", timeout=15_000)
        assert page.inner_text("#overview-metric").strip().startswith("Return rate")
        assert "lang=en" in page.url and "metric=return_rate" in page.url

    assert watch.console_errors == []
    assert watch.foreign_requests == []


def test_click_a_province_then_back_and_unknown_codes(base_url):
    with browser_page(base_url, user=auth.user_name("national"), next_path="/?metric=return_rate") as (page, watch):
        page.wait_for_load_state("networkidle")
        wait_until(page, f"() => {_DRAWN}.length === 38", timeout=30_000)
        # The values trace draws the provinces in code order; 62 is Kalimantan Tengah, whose
        # bounding-box centre lies inside it.
        codes = page.evaluate("() => document.querySelector('#overview-map .js-plotly-plot').data[1].locations")
        paths = page.locator("#overview-map g.trace.choropleth").nth(1).locator("path.choroplethlocation")
        box = paths.nth(codes.index("62")).bounding_box()
        # plotly picks the region under the pointer itself (its background layer takes the
        # events), so move there as a user would, then click.
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.wait_for_timeout(300)
        page.mouse.click(x, y)
        page.wait_for_url("**/provinsi/62?*", timeout=15_000)
        assert "metric=return_rate" in page.url  # the metric survives the navigation
        page.wait_for_selector(".overview-breadcrumb", timeout=15_000)
        assert "Kalimantan Tengah" in page.inner_text("h1")
        wait_until(page, f"() => {_DRAWN}.length === 14", timeout=30_000)  # its 14 kabupaten/kota
        page.screenshot(path=str(SHOTS / "province-62-1920.png"))

        page.go_back()
        page.wait_for_url(base_url + "/?metric=return_rate", timeout=15_000)
        wait_until(page, f"() => {_DRAWN}.length === 38", timeout=30_000)

        page.goto(base_url + "/provinsi/62", wait_until="networkidle")
        page.click(".overview-breadcrumb a")
        wait_until(page, f"() => {_DRAWN}.length === 38", timeout=30_000)

        for path in ("/provinsi/99", "/provinsi/abc", "/tidak-ada"):
            page.goto(base_url + path, wait_until="networkidle")
            page.wait_for_selector("#not-found-back", timeout=15_000)
            assert "Traceback" not in page.inner_text("body")
        page.click("#not-found-back")
        wait_until(page, f"() => {_DRAWN}.length === 38", timeout=30_000)

    # The unknown address answers HTTP 404 (the browser notes it); nothing else went wrong.
    assert watch.console_errors == ["Failed to load resource: the server responded with a status of 404 (NOT FOUND)"]
    assert watch.foreign_requests == []


def test_three_clicks_from_the_nation_to_a_facilitator_and_back(base_url):
    with browser_page(base_url, user=auth.user_name("national"), next_path="/") as (page, watch):
        page.wait_for_load_state("networkidle")
        # The card shows both ends of the ranking; the full ranking opens in a dialog.
        page.wait_for_selector(".rank-list a", timeout=20_000)
        assert page.locator(".rank-list .rank-top a").count() == 5 and page.locator(".rank-list .rank-bottom a").count() == 5
        page.click("#overview-ranking-open")
        page.wait_for_selector("#overview-ranking-all #overview-ranking-table a", state="visible", timeout=20_000)
        page.locator("#overview-ranking-table a", has_text="Jawa Timur").first.click()  # 1: a province
        page.wait_for_url("**/provinsi/35?*", timeout=15_000)
        page.wait_for_selector(".rank-list a", timeout=20_000)
        page.click("#overview-ranking-open")
        page.wait_for_selector("#overview-ranking-all #overview-ranking-table a", state="visible", timeout=20_000)
        page.locator("#overview-ranking-table a", has_text="Kota Madiun").first.click()  # 2: a kabupaten/kota
        page.wait_for_url("**/kabkota/35.77?*", timeout=15_000)
        page.wait_for_selector("#regency-facilitators .ag-row a", timeout=20_000)
        assert "Kota Madiun" in page.inner_text("h1")
        page.screenshot(path=str(SHOTS / "kabkota-3577-1920.png"))
        first = page.locator("#regency-facilitators .ag-row a").first
        facilitator_id = first.inner_text()
        first.click()  # 3: a facilitator
        page.wait_for_url(f"**/pendamping/{facilitator_id}*", timeout=15_000)
        page.wait_for_selector(".kpi-card", timeout=20_000)
        assert facilitator_id in page.inner_text("h1")
        assert [a.inner_text() for a in page.locator(".overview-breadcrumb a").all()] == ["Nasional", "Jawa Timur", "Kota Madiun"]
        page.screenshot(path=str(SHOTS / "pendamping-1920.png"))
        page.go_back()
        page.wait_for_url("**/kabkota/35.77*", timeout=15_000)
        page.wait_for_selector("#regency-facilitators .ag-row", timeout=20_000)
        page.goto(base_url + "/pendamping/PKH-0000-000", wait_until="networkidle")
        page.wait_for_selector("#not-found-back", timeout=15_000)
    assert watch.console_errors == []
    assert watch.foreign_requests == []


def test_the_metric_picked_on_a_province_page_stays_in_its_breadcrumb(base_url):
    with browser_page(base_url, user=auth.user_name("national"), next_path="/provinsi/35?lang=en") as (page, watch):
        page.wait_for_load_state("networkidle")
        page.wait_for_selector(".overview-breadcrumb a", timeout=20_000)
        page.click("#overview-metric")
        page.get_by_role("listbox").get_by_text("Return rate", exact=True).click()
        wait_until(page, "() => document.querySelector('.overview-breadcrumb a').getAttribute('href').includes('metric=return_rate')", timeout=5_000)
        page.click(".overview-breadcrumb a")  # up to the nation, with the metric
        wait_until(page, "() => window.location.pathname === '/'", timeout=10_000)
        wait_until(page, "document.body.innerText.includes('Targets')", timeout=15_000)
        assert page.inner_text("#overview-metric").strip().startswith("Return rate")
    assert watch.console_errors == []


#: The lines of the tile grid's labels as drawn (plotly writes a line break as one
#: ``tspan.line`` a line), each with its width, and the tiles' size.
_TILE_LABELS = """() => {
    const plot = document.querySelector('#overview-map .js-plotly-plot');
    const tile = plot._fullLayout.xaxis._length / 13;
    const lines = [...plot.querySelectorAll('g.heatmap-label text')].flatMap(t => {
        const spans = [...t.querySelectorAll('tspan.line')];
        return spans.length ? spans : [t];
    }).filter(t => t.textContent.trim());
    return {tile: tile, labels: lines.map(t => ({text: t.textContent, width: t.getBBox().width}))};
}"""


def test_the_labelled_tile_grid_is_a_view_the_address_the_language_and_a_click_keep(base_url):
    """The map can be switched to the tile grid, where every province is one equal square
    with its name and value: told apart from across the room. The choice is in the address,
    survives the language switch and a reload, and a tile opens its province. At 1366×768,
    where the tiles are smallest."""
    with browser_page(base_url, 1366, 768, user=auth.user_name("national"), next_path="/") as (page, watch):
        page.wait_for_load_state("networkidle")
        wait_until(page, f"() => {_DRAWN}.length === 38", timeout=30_000)
        page.click("#overview-map-view label:has-text('Kisi berlabel')")
        wait_until(page, "() => document.querySelectorAll('#overview-map g.heatmap-label text').length >= 38", timeout=15_000)
        wait_until(page, "() => new URL(window.location.href).searchParams.get('view') === 'tiles'", timeout=5_000)
        assert "view=tiles" in page.get_attribute(".lang-en", "href")

        drawn = page.evaluate(_TILE_LABELS)
        names = [label["text"] for label in drawn["labels"] if not label["text"].endswith("%")]
        values = [label["text"] for label in drawn["labels"] if label["text"].endswith("%")]
        assert len(values) == 38 and all(v[:-2].replace(",", "").isdigit() for v in values)  # "46,5 %"
        assert {"ACEH", "DKI", "PAPSEL", "BENG", "KULU"} <= set(names)
        # Every line fits its tile, with a margin for the gap between tiles.
        assert max(label["width"] for label in drawn["labels"]) < drawn["tile"] - 3, drawn

        page.click(".lang-en")
        wait_until(page, "document.body.innerText.includes('Labelled grid')", timeout=15_000)
        wait_until(page, "() => document.querySelectorAll('#overview-map g.heatmap-label text').length >= 38", timeout=15_000)
        assert page.is_checked("#overview-map-view input[value=tiles]")
        page.reload(wait_until="networkidle")
        wait_until(page, "() => document.querySelectorAll('#overview-map g.heatmap-label text').length >= 38", timeout=15_000)
        assert "view=tiles" in page.url and "lang=en" in page.url
        values = [label["text"] for label in page.evaluate(_TILE_LABELS)["labels"] if label["text"].endswith("%")]
        assert len(values) == 38 and all("," not in v and "." in v for v in values)  # "46.5%"

        box = page.locator("#overview-map g.heatmap-label text", has_text="DKI").first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.wait_for_timeout(300)
        page.mouse.click(x, y)
        page.wait_for_url("**/provinsi/31?*", timeout=15_000)
        assert "lang=en" in page.url
    assert watch.console_errors == []
    assert watch.foreign_requests == []
