"""An accessibility scan of every page in the browser: axe-core (from npm, pinned in
``tests/accessibility/package.json``, installed by ``make test``), injected with Playwright
once the page's figures have arrived. No serious or critical violation, apart from the
exceptions below, each written down with its reason; they lie inside Dash's own components."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests import auth
from tests.browser import browser_page

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "accessibility" / "node_modules" / "axe-core" / "axe.min.js"

#: (rule, CSS selector of the node) that axe may report, and why it is not ours to fix.
UPSTREAM = {
    ("aria-hidden-focus", ".dash-dropdown-focus-target"):
        "dcc.Dropdown (Dash 4.4) keeps a hidden input that hands the focus on to its combobox",
    ("aria-allowed-attr", "#admin-filter-days-wrapper"): "dcc.DatePickerRange puts aria-expanded on its wrapper",
    ("aria-prohibited-attr", ".dash-datepicker-clear"): "dcc.DatePickerRange labels its clear link without a role",
}


def _violations(page) -> list[tuple[str, str, str]]:
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            selector = node["target"][-1]
            # axe names a node by the shortest unique selector: the exception's, or a longer
            # path ending in it when a page has several such nodes (several dropdowns).
            if not any(rule == violation["id"] and part in selector for rule, part in UPSTREAM):
                found.append((violation["id"], selector, node.get("failureSummary", "")[:160]))
    return found


#: Each page with what shows that its figures arrived (the scan must see them, not a shell).
PAGES = [
    ("/?lang=id", ".kpi-value"), ("/provinsi/35?lang=en", ".kpi-value"), ("/kabkota/35.77?lang=id", "#regency-kpis .kpi-value"),
    ("/pendamping/{f}?lang=en", "#facilitator-summary:not(:empty)"), ("/kualitas?lang=en", "#quality-kpis .kpi-value"),
    ("/kualitas/35?lang=id", "#quality-facilitators-table td"), ("/temuan?lang=en", "#findings-regions-table td"),
    ("/antrian/35?lang=id", "#waiting-cases-table td"), ("/pelatihan/35?lang=en", "#training-regions-table td"), ("/sumber-data?lang=en", "#data-source"),
    ("/peringatan/35?lang=id", "#alerts-table td"),
    ("/tinjauan/35?lang=en", "#review-kpis .kpi-value"),
    ("/admin?lang=id", "#admin-audit-table td"), ("/tidak-ada?lang=en", "#not-found-message"),
]


def test_no_serious_or_critical_violation_on_any_page(site):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/accessibility` (make test does)")
    base, facilitator = site
    found = {}
    with browser_page(base, width=1366, height=768, bypass_csp=True) as (page, _watch):
        page.goto(base + "/login?lang=id", wait_until="networkidle")
        page.wait_for_selector("#password")
        found["/login"] = _violations(page)
        from tests.browser import sign_in
        from tests.auth import PASSWORD

        # Signed in onto the first page (not the landing page first, then the first page).
        sign_in(page, base, auth.user_name("admin"), PASSWORD, next_path=PAGES[0][0])
        for path, rendered in PAGES:
            if page.url == base + path.format(f=facilitator):
                page.wait_for_load_state("networkidle")
            else:
                page.goto(base + path.format(f=facilitator), wait_until="networkidle")
            page.wait_for_selector(rendered, timeout=20_000)
            time.sleep(0.5)  # the last callbacks after the first figures
            found[path] = _violations(page)
    assert {path: v for path, v in found.items() if v} == {}
