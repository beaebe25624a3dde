"""Every page at a laptop's 1366×768, a 1080p screen and a 4K wall (3840×2160): no text
overflows its box, no heading breaks inside a word, and an Indonesian page speaks only
Indonesian (an English one only English). The same checks on every page, so a new page or
column is held to them without a test of its own."""

from __future__ import annotations

import re

import pytest

from dashboard.figures.metrics import METRICS
from dashboard.i18n import CATALOGUE, placeholders
from tests import auth
from tests.auth import PASSWORD
from tests.browser import browser_page, sign_in, wait_until

pytestmark = pytest.mark.browser

SIZES = [(1366, 768), (1920, 1080), (3840, 2160)]

#: Each page with what shows that its figures arrived.
PAGES = [
    ("/", ".rank-list a"),
    ("/provinsi/35", ".rank-list a"),
    ("/kabkota/35.77", "#regency-facilitators .ag-row a"),
    ("/pendamping/{f}", "#facilitator-summary:not(:empty)"),
    ("/kualitas", "#quality-regions-table td"),
    ("/temuan", "#findings-regions-table td"),
    ("/temuan/35.77", "#findings-facilitators-table td"),
    ("/antrian", "#waiting-cases-table td"),
    ("/pelatihan", "#training-regions-table td"),
    ("/peringatan", "#alerts-table td"),
    ("/tinjauan", "#review-kpis .kpi-value"),
    ("/sumber-data", "#definisi"),
]

#: Text boxes whose content must fit: table cells and headers, cards, headings, the header.
#: Grid cells of the name and kecamatan columns may end in "…": their tooltip holds the
#: whole text (layouts.regency: tooltipField), and a longer list would widen every row.
OVERFLOW_JS = """() => {
    const boxes = 'th, td, .column-header-name, .ag-header-cell-text, .ag-cell, .kpi-value, .kpi-label, .kpi-delta,'
        + ' h1, h2, h3, .nav-link, .app-title, .app-subtitle, .data-as-of, .breadcrumb-item, .btn, .ag-paging-panel';
    const out = [];
    for (const el of document.querySelectorAll(boxes)) {
        if (el.offsetParent === null || el.closest('.modal:not(.show)')) continue;
        if (el.matches('.ag-cell[col-id=name], .ag-cell[col-id=districts]')) continue;
        if (el.scrollWidth > el.clientWidth + 1) out.push(el.tagName + '.' + String(el.className).slice(0, 30) + ': ' + el.innerText.slice(0, 40));
    }
    return out;
}"""

#: Headings whose text breaks inside a word: a word wider than the heading's box.
WORD_BREAK_JS = """() => {
    const canvas = document.createElement('canvas').getContext('2d');
    const out = [];
    for (const el of document.querySelectorAll('.ag-header-cell-text, .column-header-name, .rank-list th, .kpi-label')) {
        if (el.offsetParent === null) continue;
        const style = getComputedStyle(el);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        for (const word of el.innerText.split(/\\s+/)) {
            if (word && canvas.measureText(word).width > el.clientWidth + 1) out.push(word + ' in ' + el.innerText.replace(/\\n/g, ' '));
        }
    }
    return out;
}"""

#: The page's visible text, without what is in another language on purpose (lang="en"
#: parts: the licences' own words on the Indonesian "Sumber data" page).
TEXT_JS = """() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('[lang]:not([lang=' + document.documentElement.lang + ']), script, style').forEach(n => n.remove());
    return body.innerText;
}"""

#: What AG Grid says in English unless told otherwise (its localeText).
GRID_ENGLISH = ["No Rows To Show", "Loading...", "First Page", "Last Page", "Page Size", "Next Page"]


def _phrases(lang: str) -> list[str]:
    """Texts of ``lang`` that cannot appear on a page of the other language: whole phrases
    of at least two words, without fields, from the catalogue and the metric registry, that
    are no part of any text of the other language."""
    other = "en" if lang == "id" else "id"
    texts = [(entry[lang], entry[other]) for entry in CATALOGUE.values()] + [(m.label(lang), m.label(other)) for m in METRICS]
    others = [translation for _, translation in texts]
    return [
        text for text, translation in texts
        if text != translation and not placeholders(text) and len(text.split()) >= 2 and not any(text in o for o in others)
    ]


def _wait_for_figures(page) -> None:
    wait_until(page, "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('g.trace, g.hm, .annotation'))", timeout=20_000)


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_fits_its_boxes_and_speaks_its_language(site, width, height):
    base, facilitator = site
    problems: dict[str, list[str]] = {}
    languages = ["id", "en"] if width == 1920 else ["id"]
    foreign = {"id": _phrases("en") + GRID_ENGLISH, "en": _phrases("id")}
    with browser_page(base, width=width, height=height) as (page, watch):
        # Signed in onto the first page (not the landing page first, then the first page).
        sign_in(page, base, auth.user_name("admin"), PASSWORD, next_path=PAGES[0][0] + f"?lang={languages[0]}")
        for lang in languages:
            for path, rendered in PAGES:
                address = path.format(f=facilitator) + f"?lang={lang}"
                if page.url == base + address:
                    page.wait_for_load_state("networkidle")
                else:
                    page.goto(base + address, wait_until="networkidle")
                page.wait_for_selector(rendered, timeout=20_000)
                _wait_for_figures(page)
                text = page.evaluate(TEXT_JS)
                found = [f"overflows: {o}" for o in page.evaluate(OVERFLOW_JS)]
                found += [f"breaks inside a word: {w}" for w in page.evaluate(WORD_BREAK_JS)]
                found += [f"in the other language: {p!r}" for p in foreign[lang] if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    found.append("the page scrolls sideways")
                if found:
                    problems[address] = found
        assert watch.console_errors == []
    assert problems == {}


#: Every element of the header whose box is not inside the header's (or the window's).
HEADER_OUTSIDE_JS = """() => {
    const header = document.querySelector('.app-header').getBoundingClientRect();
    const out = [];
    for (const el of document.querySelectorAll('.app-header .app-title, .app-header .nav-link, .app-header .data-as-of,'
            + ' .app-header .btn, .app-header #signed-in-as')) {
        const box = el.getBoundingClientRect();
        if (box.left < header.left - 1 || box.right > Math.min(header.right, window.innerWidth) + 1
                || box.top < header.top - 1 || box.bottom > header.bottom + 1) out.push(el.id || el.innerText.slice(0, 30));
    }
    return out;
}"""


@pytest.mark.parametrize("width", [1024, 1366])
def test_the_header_wraps_instead_of_running_off_the_screen(site, width):
    """The longest header (Indonesian, an admin's extra section, the "as of" badge and the
    account) on screens narrower than it: it takes more rows, and the sign-out button
    stays on the header's blue (off it, white on the page's grey, it could not be read)."""
    base, _ = site
    with browser_page(base, width=width, height=768) as (page, watch):
        sign_in(page, base, auth.user_name("admin"), PASSWORD, next_path="/?lang=id")
        page.wait_for_selector(".rank-list a", timeout=20_000)
        wait_until(page, "() => document.querySelector('#data-as-of').innerText.trim() !== ''", timeout=20_000)
        assert page.evaluate(HEADER_OUTSIDE_JS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert watch.console_errors == []
