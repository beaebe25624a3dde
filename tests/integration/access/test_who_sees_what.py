"""Who sees what, decided by the server on every route and every callback (issue 10).

- every registered Flask route and every Dash callback is enumerated: each refuses an
  anonymous request, and each serves nothing outside a scoped user's area; a route or
  callback that is not classified here fails the test (so a new one cannot ship unchecked);
- forged callback requests with another region's codes return no data of it;
- a matrix per role (national, province, regency, display, admin, anonymous) over pages,
  callbacks, exports and the API;
- a full signed-in browse never shows a 16-digit (NIK-like) number.

Runs on SQLite and PostgreSQL (the ``site`` fixture of ``conftest.py``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pandas as pd
import pytest
import sqlalchemy as sa

from callbacks.guard import DENIED_META
from dashboard.factory import create_app
from tests import auth

OWN_PROVINCE, OWN_REGENCY, NEIGHBOUR_REGENCY = "35", "35.77", "35.19"
FOREIGN_PROVINCE, FOREIGN_REGENCY = "32", "32.01"
#: Users of the matrix: role and area (the province user is the "scoped user" of the
#: enumeration tests).
USERS = {
    "national": ("national", ()),
    "province": ("province", (OWN_PROVINCE,)),
    "regency": ("regency", (OWN_REGENCY,)),
    "display": ("display", (OWN_PROVINCE,)),
    "admin": ("admin", ()),
}
#: A NIK: 16 digits, the first the province's (never 0); not the decimals of a float.
NIK_LIKE = re.compile(r"(?<![\d.])[1-9]\d{15}(?![\d.])")


class Site:
    """The app of one database, with a client per role and what the data holds."""

    def __init__(self, url: str, **settings) -> None:
        self.url = url
        self.app = create_app(auth.settings(url, **settings))
        self.server = self.app.server
        engine = sa.create_engine(url)
        facilitators = pd.read_sql("SELECT id, name, province_code, regency_code FROM facilitator ORDER BY id", engine)
        engine.dispose()
        self.own_facilitator = facilitators.loc[facilitators["regency_code"] == OWN_REGENCY].iloc[0]
        self.foreign_facilitator = facilitators.loc[facilitators["regency_code"] == FOREIGN_REGENCY].iloc[0]
        #: A facilitator of Kabupaten Madiun (35.19): in the province user's area, not in the regency user's.
        self.neighbour_facilitator = facilitators.loc[facilitators["regency_code"] == NEIGHBOUR_REGENCY].iloc[0]
        #: Names that must never reach the province user: facilitators outside province 35
        #: (but for synthetic names that someone inside it bears too).
        inside = facilitators["province_code"] == OWN_PROVINCE
        self.foreign_names = set(facilitators.loc[~inside, "name"]) - set(facilitators.loc[inside, "name"])
        self.clients = {}
        for key, (role, codes) in USERS.items():
            client = self.server.test_client()
            auth.sign_in(client, url, role, codes)
            self.clients[key] = client
        self.clients["anonymous"] = self.server.test_client()
        self.version = self.call("national", "data-version.data", [("refresh-timer", "n_intervals", 1), ("url", "search", "")], [("data-version", "data", None)]).get_json()["response"]["data-version"]["data"]

    def call(self, who: str, output: str, inputs, state=(), changed=None):
        """POST a callback request as the browser does; ``output`` as in Dash's
        dependency list (``id.prop`` or ``..a.p...b.q..``)."""
        names = output.strip(".").split("...") if output.startswith("..") else [output]
        outputs = [dict(zip(("id", "property"), n.split("@")[0].rsplit(".", 1))) for n in names]
        body = {
            "output": output,
            "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": changed if changed is not None else [f"{i}.{p}" for i, p, _ in inputs],
        }
        return self.clients[who].post("/_dash-update-component", json=body)

    def page(self, who: str, path: str, search: str = ""):
        """The pages callback: what a page shows for ``path``."""
        return self.call(who, ".._pages_content.children..._pages_store.data..", [("_pages_location", "pathname", path), ("_pages_location", "search", search)])


# --- The enumeration -----------------------------------------------------------------------

#: Every Flask endpoint, and how it is checked: "public" (anyone: liveness, sign-in, static
#: code and styles), "page" (anonymous: redirect to /login), "unscoped" (anonymous: 401;
#: signed-in users get something that holds no region's figures), or a list of
#: (path, expected status for the province user) probes outside their area.
ROUTES = {
    "healthz": "public",
    "readyz": "public",  # anonymous: the verdict only (checked below)
    "auth.login": "public",
    "_dash_assets.static": "public",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": "public",
    "/_favicon.ico": "public",
    "/": "page",
    "/<path:path>": "page",
    "auth.logout": "unscoped",
    "/_dash-layout": "unscoped",
    "/_dash-dependencies": "unscoped",
    "/_reload-hash": "unscoped",
    "/_dash-update-component": "unscoped",  # every callback is enumerated below
    "api_v1.metrics": "unscoped",  # the registry: definitions, no figures
    "api_v1.openapi": "unscoped",
    "api_v1.ingest_schema": "unscoped",  # the contract's JSON Schema: definitions, no figures
    # Writes field data, for loader and admin accounts only (tests/integration/ingest); a
    # province user gets 403 (checked below), never a figure.
    "api_v1.ingest": "unscoped",
    # Boundaries are public reference data (MIT/ODbL), not figures: the national map
    # draws every province, greyed out when it is outside the area.
    "geodata_file_provinces.geojson": "unscoped",
    "geodata_file_regencies.geojson": "unscoped",
    "geodata_file_LICENSE-cahyadsn-wilayah_boundaries.txt": "unscoped",
    "geodata_file_LICENSE-idn-area-data.txt": "unscoped",
    "geodata_file_SOURCES.md": "unscoped",
    "geodata_province_regencies": "unscoped",
    "api_v1.progress_view": [
        (f"/api/v1/progress?level=regency&parent={FOREIGN_PROVINCE}", 403),
        (f"/api/v1/progress?level=facilitator&parent={FOREIGN_REGENCY}", 403),
    ],
    "api_v1.alerts_view": [(f"/api/v1/alerts?scope={FOREIGN_PROVINCE}", 403), (f"/api/v1/alerts?scope={FOREIGN_REGENCY}", 403)],
    "api_v1.transitions_view": [(f"/api/v1/transitions?scope={FOREIGN_PROVINCE}", 403), (f"/api/v1/transitions?scope={FOREIGN_REGENCY}", 403)],
    "api_v1.waiting_view": [(f"/api/v1/waiting?scope={FOREIGN_PROVINCE}", 403), (f"/api/v1/waiting?scope={FOREIGN_REGENCY}", 403)],
    "api_v1.training_view": [(f"/api/v1/training?scope={FOREIGN_PROVINCE}", 403), (f"/api/v1/training?scope={FOREIGN_REGENCY}", 403)],
    "downloads.regions": [(f"/export/regions.csv?parent={FOREIGN_PROVINCE}", 403), (f"/export/regions.xlsx?parent={FOREIGN_PROVINCE}", 403)],
    "downloads.facilitators": [(f"/export/facilitators.csv?parent={FOREIGN_REGENCY}", 403), (f"/export/facilitators.xlsx?parent={FOREIGN_REGENCY}", 403)],
    "downloads.findings_table": [(f"/export/findings.csv?parent={FOREIGN_PROVINCE}", 403), (f"/export/findings.xlsx?parent={FOREIGN_REGENCY}", 403)],
    "downloads.waiting_list": [(f"/export/waiting.csv?parent={FOREIGN_PROVINCE}", 403), (f"/export/waiting.xlsx?parent={FOREIGN_REGENCY}", 403)],
    "downloads.training_table": [(f"/export/training.csv?parent={FOREIGN_PROVINCE}", 403)],
}
#: A request for each endpoint (path and method) an anonymous client may try.
_ANONYMOUS_PATHS = {
    "auth.logout": ("POST", "/logout"),
    "/_dash-update-component": ("POST", "/_dash-update-component"),
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": None,
    "_dash_assets.static": ("GET", "/assets/02_app.css"),
    "/<path:path>": ("GET", "/provinsi/35"),
    "geodata_province_regencies": ("GET", "/geodata/regencies/35.geojson"),
    "api_v1.progress_view": ("GET", "/api/v1/progress?level=province"),
    "api_v1.ingest": ("POST", "/api/v1/ingest"),
    "api_v1.alerts_view": ("GET", "/api/v1/alerts"),
    "api_v1.transitions_view": ("GET", "/api/v1/transitions"),
    "api_v1.waiting_view": ("GET", "/api/v1/waiting"),
    "api_v1.training_view": ("GET", "/api/v1/training"),
    "api_v1.ingest_schema": ("GET", "/api/v1/ingest/schema"),
    "downloads.regions": ("GET", "/export/regions.csv"),
    "downloads.facilitators": ("GET", f"/export/facilitators.csv?parent={OWN_REGENCY}"),
    "downloads.findings_table": ("GET", "/export/findings.csv"),
    "downloads.waiting_list": ("GET", "/export/waiting.csv"),
    "downloads.training_table": ("GET", "/export/training.csv"),
}


def _anonymous_request(site: Site, rule) -> tuple[str, str] | None:
    if rule.endpoint in _ANONYMOUS_PATHS:
        return _ANONYMOUS_PATHS[rule.endpoint]
    return ("POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET", rule.rule)


def test_every_route_is_classified(site):
    endpoints = {rule.endpoint for rule in site.server.url_map.iter_rules()}
    assert endpoints - ROUTES.keys() == set(), "a new route: say in ROUTES how it is protected"
    assert ROUTES.keys() - endpoints == set(), "ROUTES names a route that no longer exists"


def test_every_route_refuses_an_anonymous_request(site):
    anonymous = site.clients["anonymous"]
    for rule in site.server.url_map.iter_rules():
        kind = ROUTES[rule.endpoint]
        request = _anonymous_request(site, rule)
        if request is None or kind == "public":
            continue
        method, path = request
        response = anonymous.open(path, method=method)
        if kind == "page":
            assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), rule.endpoint
        else:
            assert response.status_code == 401, (rule.endpoint, response.status_code)
            assert response.is_json and "sign in" in response.get_json()["error"], rule.endpoint
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), rule.endpoint


def test_public_routes_hold_no_data(site):
    anonymous = site.clients["anonymous"]
    assert anonymous.get("/readyz").get_json() == {"ready": True}
    assert anonymous.get("/healthz").get_json() == {"status": "ok"}
    login = anonymous.get("/login")
    assert login.status_code == 200 and b'name="csrf_token"' in login.data
    assert anonymous.get("/assets/02_app.css").status_code == 200


def test_every_scoped_route_refuses_what_lies_outside_the_area(site):
    province = site.clients["province"]
    for endpoint, probes in ROUTES.items():
        if isinstance(probes, str):
            continue
        for path, status in probes:
            response = province.get(path)
            assert response.status_code == status, (path, response.status_code)
            assert response.is_json and "error" in response.get_json(), path
            text = response.get_data(as_text=True)
            assert not any(name in text for name in site.foreign_names), path


# --- Callbacks ------------------------------------------------------------------------------

#: Stores that carry the region (or facilitator) a callback serves: a wish of the browser.
REGION_STORES = {"overview-scope", "quality-scope", "findings-scope", "waiting-scope", "training-scope", "regency-scope", "facilitator-id", "alerts-scope", "review-scope", "wall-scope"}
#: Callbacks that serve no region's figures, and why.
REGIONLESS = {
    "data-version.data": "the round's data version (round id, a counter and a time)",
    "data-as-of.children": "the time of the newest data",
    "font-scale.data": "clientside: the screen width",
    "html-lang.data": "clientside: <html lang> follows the page's language",
    "page-retry.disabled": "clientside: the outage and no-round pages reload themselves",
    "_pages_dummy.children": "clientside: the page title",
    "regency-facilitators.filterModel": "turns the search box into a grid filter",
    "regency-facilitators.columnDefs": "clientside: the grid's column widths at the root font size",
    "overview-ranking-all.is_open": "clientside: opens the full ranking's dialog",
    "url.href@": "a click on the quality (or findings) map builds a link; the page itself is checked",
    "findings-metric.options": "the map metric's names for the programme chosen (the registry's labels)",
    "waiting-status.value": "a click on a status's bar picks the status whose cases are listed (the list is checked)",
    '..{"index":["ALL"],"type":"metric-link"}.href@': "clientside: the chosen map metric into the page's links",
    "..alerts-message.children...alerts-note.value...alerts-acked.data..": "acknowledges an alert id: dashboard.alerts.acknowledge refuses one outside the user's area",
    "..review-message.children...review-note.value...review-recorded.data..":
        "records a review of a facilitator id: dashboard.quality.review.record_review refuses one outside the user's area (and a display account)",
    "review-facilitator.value": "clientside: a click on a row of the review queue picks its facilitator in the form",
    "wall-heartbeat.data": "the server's time, for the wall to know the server answers",
    '..wall-active.data...{"index":["ALL"],"type":"wall-panel"}.className...{"index":["ALL"],"type":"wall-panel"}.aria-hidden...{"index":["ALL"],"type":"wall-dot"}.className...wall-paused.hidden..':
        "clientside: the wall's rotation",
    "..wall-clock.children...wall-freshness.children...wall-freshness.className...wall-warning.children...wall-warning.hidden..":
        "clientside: the wall's clock and the age of its data",
}
ADMIN_ONLY = {"..admin-audit-table.data...admin-audit-count.children..", "admin-users-table.data", "..health-rounds.data...health-by-day.data...health-by-regency.data...health-sources.data...health-quarantine.data.."}
PAGES = ".._pages_content.children..._pages_store.data.."
RANKING = "..overview-ranking.children...overview-ranking-full.children.."


def _value(site: Site, component: str, prop: str, region: dict):
    """A plausible value of an input, with the region stores set from ``region``."""
    if component in REGION_STORES:
        return region.get(component)
    values = {
        ("overview-map", "clickData"): {"points": [{"location": region.get("overview-scope") or OWN_PROVINCE}]},
        ("_pages_location", "pathname"): "/",
        ("_pages_location", "search"): "",
        ("data-version", "data"): site.version,
        ("font-scale", "data"): 1,
        ("page-lang", "data"): "id",
        ("overview-metric", "value"): "completion_pct",
        ("quality-metric", "value"): "flagged_pct",
        ("overview-map-view", "value"): "map",
        ("alerts-closed", "value"): True,
        ("alerts-acked", "data"): 0,
        ("alerts-note", "value"): "ditangani",
        ("alerts-ack", "n_clicks"): 1,
        # The review form with no facilitator picked: the callback answers, records nothing
        # (the shared round is read only; recording is checked in tests/integration/review).
        ("review-recorded", "data"): 0,
        ("review-facilitator", "value"): None,
        ("review-result", "value"): "confirmed",
        ("review-note", "value"): "dicek",
        ("review-submit", "n_clicks"): 1,
        ("quality-map-view", "value"): "tiles",
        ("findings-programme", "value"): "pkh",
        ("waiting-status", "value"): "submitted",
        ("waiting-ages", "clickData"): {"points": [{"customdata": "returned"}]},
        ("findings-metric", "value"): "left_eligibility_pct",
        ("findings-matrix-category", "value"): "all",
        ("findings-matrix-mode", "value"): "counts",
        ("findings-map", "clickData"): {"points": [{"location": region.get("findings-scope") or OWN_PROVINCE}]},
        ("wall-metric", "data"): "completion_pct",
        ("wall-beat", "n_intervals"): 1,
        ("regency-facilitators", "getRowsRequest"): {"startRow": 0, "endRow": 50},
        ("refresh-timer", "n_intervals"): 1,
        ("url", "search"): "",
        ("url", "pathname"): "/",
    }
    return values.get((component, prop))


def _dependencies(site: Site) -> list[dict]:
    return site.clients["national"].get("/_dash-dependencies").get_json()


def _forge(site: Site, dependency: dict, who: str, region: dict):
    inputs = [(i["id"], i["property"], _value(site, i["id"], i["property"], region)) for i in dependency["inputs"]]
    state = [(s["id"], s["property"], _value(site, s["id"], s["property"], region)) for s in dependency["state"]]
    return site.call(who, dependency["output"], inputs, state)


def _is_denied(value) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        if value.get("layout", {}).get("meta") == DENIED_META:
            return True
        if value.get("rowData") == [] and value.get("rowCount") == 0:
            return True
        return "access-denied" in (value.get("props", {}).get("className") or "")
    return False


FOREIGN = {"overview-scope": FOREIGN_PROVINCE, "quality-scope": FOREIGN_PROVINCE, "findings-scope": FOREIGN_PROVINCE, "waiting-scope": FOREIGN_PROVINCE, "training-scope": FOREIGN_PROVINCE, "regency-scope": FOREIGN_REGENCY, "alerts-scope": FOREIGN_PROVINCE,
           "review-scope": FOREIGN_PROVINCE, "wall-scope": FOREIGN_PROVINCE}
OWN = {"overview-scope": OWN_PROVINCE, "quality-scope": OWN_PROVINCE, "findings-scope": OWN_PROVINCE, "waiting-scope": OWN_PROVINCE, "training-scope": OWN_PROVINCE, "regency-scope": OWN_REGENCY, "alerts-scope": OWN_PROVINCE,
       "review-scope": OWN_PROVINCE, "wall-scope": OWN_PROVINCE}


def test_every_callback_is_classified(site):
    for dependency in _dependencies(site):
        output = dependency["output"]
        carries = {d["id"] for d in dependency["inputs"] + dependency["state"]} & REGION_STORES
        known = carries or output in ADMIN_ONLY or output == PAGES or output.split("@")[0] + ("@" if "@" in output else "") in REGIONLESS
        assert known, f"a new callback {output}: give it a region store or classify it in REGIONLESS"


def test_every_callback_refuses_an_anonymous_request(site):
    for dependency in _dependencies(site):
        if dependency.get("clientside_function"):
            continue
        response = _forge(site, dependency, "anonymous", {**OWN, "facilitator-id": site.own_facilitator["id"]})
        assert response.status_code == 401, dependency["output"]


def test_forged_callbacks_with_another_regions_codes_return_no_data_of_it(site):
    """The province user (35) asks every region-taking callback for 32 / 32.01 / a
    facilitator of 32.01: every output is an explained empty view, no name of theirs."""
    checked = 0
    for dependency in _dependencies(site):
        carries = {d["id"] for d in dependency["inputs"] + dependency["state"]} & REGION_STORES
        if not carries:
            continue
        for who, region in (
            ("province", {**FOREIGN, "facilitator-id": site.foreign_facilitator["id"]}),
            ("regency", {**FOREIGN, "regency-scope": NEIGHBOUR_REGENCY, "facilitator-id": site.neighbour_facilitator["id"]}),
        ):
            response = _forge(site, dependency, who, region)
            assert response.status_code in (200, 204), (dependency["output"], response.status_code)
            if response.status_code == 204:
                continue
            text = _text(response)
            assert not any(name in text for name in site.foreign_names), dependency["output"]
            outputs = response.get_json()["response"]
            for component, props in outputs.items():
                for prop, value in props.items():
                    assert _is_denied(value), (who, dependency["output"], component, prop, str(value)[:300])
            checked += 1
    assert checked >= 2 * 12  # every region-taking callback, for both scoped users


def test_the_same_callbacks_serve_the_users_own_area(site):
    """The check above is not vacuous: with their own codes the callbacks answer data."""
    for dependency in _dependencies(site):
        carries = {d["id"] for d in dependency["inputs"] + dependency["state"]} & REGION_STORES
        if not carries:
            continue
        response = _forge(site, dependency, "province", {**OWN, "facilitator-id": site.own_facilitator["id"]})
        assert response.status_code == 200, dependency["output"]
        values = [v for props in response.get_json()["response"].values() for v in props.values()]
        assert not all(_is_denied(v) for v in values), dependency["output"]


def test_the_national_view_of_a_scoped_user_holds_only_their_area(site):
    """On the national page the province user sees the national totals as context, their
    own province's row and colour, and no other province's figures."""
    region = {"overview-scope": None, "quality-scope": None, "regency-scope": OWN_REGENCY}
    deps = {d["output"]: d for d in _dependencies(site)}
    figure = _forge(site, deps["overview-map.figure"], "province", region).get_json()["response"]["overview-map"]["figure"]
    shown = {}
    for trace in figure["data"][1:]:  # data[0] paints the grey regions without data
        z = trace.get("z")
        if isinstance(z, dict):  # plotly's typed array
            import base64

            import numpy as np

            z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).tolist()
        for code, value, hover in zip(trace["locations"], z or [None] * len(trace["locations"]), trace.get("hovertext") or [""] * len(trace["locations"])):
            if value is not None and value == value:
                shown[code] = hover
    assert set(shown) == {OWN_PROVINCE}
    ranking = _forge(site, deps[RANKING], "province", region)
    rows = ranking.get_json()["response"]["overview-ranking-full"]["children"][0]["props"]["data"]
    assert [r["name"] for r in rows] and all("/provinsi/35" in r["name"] for r in rows) and len(rows) == 1
    assert set(re.findall(r"/provinsi/(\d\d)", _text(ranking))) == {OWN_PROVINCE}  # the card and the dialog
    quality = _text(_forge(site, deps["quality-regions.children"], "province", region))
    codes = set(re.findall(r"/kualitas/(\d\d\.\d\d)", quality))
    assert codes and all(c.startswith("35.") for c in codes)
    people = _text(_forge(site, deps["quality-facilitators.children"], "province", region))
    assert not any(name in people for name in site.foreign_names)
    assert re.findall(r"/kabkota/(\d\d\.\d\d)", people) and all(c.startswith("35.") for c in re.findall(r"/kabkota/(\d\d\.\d\d)", people))


def test_a_regency_user_sees_their_own_row_among_the_provinces_kabupaten_kota(site):
    """The list of Jawa Timur's kabupaten/kota, asked by Kota Madiun's user: their row only;
    the province's own totals are not theirs to see."""
    deps = {d["output"]: d for d in _dependencies(site)}
    region = {"overview-scope": OWN_PROVINCE, "quality-scope": OWN_PROVINCE}
    ranking = _forge(site, deps[RANKING], "regency", region)
    rows = ranking.get_json()["response"]["overview-ranking-full"]["children"][0]["props"]["data"]
    assert [r["name"].rsplit("(", 1)[1] for r in rows] == ["/kabkota/35.77?lang=id&metric=completion_pct)"]
    assert set(re.findall(r"/kabkota/(\d\d\.\d\d)", _text(ranking))) == {OWN_REGENCY}
    kpis = _forge(site, deps["..overview-kpis.children...overview-message.children.."], "regency", region).get_json()["response"]
    assert all(_is_denied(v) for props in kpis.values() for v in props.values())
    people = _text(_forge(site, deps["quality-facilitators.children"], "regency", region))
    assert set(re.findall(r"/kabkota/(\d\d\.\d\d)", people)) <= {OWN_REGENCY}


# --- The matrix per role --------------------------------------------------------------------


def _text(response) -> str:
    """A response as text, with JSON unescaped (Dash writes "/" as "\\u002f")."""
    try:
        return json.dumps(response.get_json(), ensure_ascii=False)
    except Exception:
        return response.get_data(as_text=True)


def _api_rows(path: str):
    """The number of rows of an API answer, or its status when it is refused."""

    def probe(client, _site):
        response = client.get(path)
        return len(response.get_json()["rows"]) if response.status_code == 200 else response.status_code

    return probe


def _csv_rows(path: str):
    """The number of table rows of a CSV download, or its status when it is refused."""

    def probe(client, _site):
        response = client.get(path)
        if response.status_code != 200:
            return response.status_code
        lines = response.data.decode("utf-8-sig").splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith(("#,", "ID pendamping,")))
        return len(lines) - header - 1

    return probe


def _status(path: str):
    return lambda client, _site: client.get(path).status_code


MATRIX = [
    # request, then what national, province (35), regency (35.77), display (35), admin, anonymous get
    ("api provinces", _api_rows("/api/v1/progress?level=province"), (38, 1, 0, 403, 38, 401)),
    ("api regencies of 35", _api_rows("/api/v1/progress?level=regency&parent=35"), (38, 38, 1, 403, 38, 401)),
    ("api regencies of 32", _api_rows("/api/v1/progress?level=regency&parent=32"), (27, 403, 403, 403, 27, 401)),
    ("api facilitators of 35.77", _status("/api/v1/progress?level=facilitator&parent=35.77"), (200, 200, 200, 403, 200, 401)),
    ("api facilitators of 32.01", _status("/api/v1/progress?level=facilitator&parent=32.01"), (200, 403, 403, 403, 200, 401)),
    ("api national", _api_rows("/api/v1/progress?level=national"), (1, 1, 1, 403, 1, 401)),
    ("export regions national", _csv_rows("/export/regions.csv"), (38, 1, 0, 403, 38, 401)),
    ("export regions of 35", _csv_rows("/export/regions.csv?parent=35"), (38, 38, 1, 403, 38, 401)),
    ("export facilitators of 35.77", _status("/export/facilitators.csv?parent=35.77"), (200, 200, 200, 403, 200, 401)),
    ("export facilitators of 32.01", _status("/export/facilitators.csv?parent=32.01"), (200, 403, 403, 403, 200, 401)),
]
PAGE_MATRIX = [
    # path, then what national, province, regency, display, admin see: "ok", "denied" or "missing"
    ("/", ("ok", "ok", "ok", "ok", "ok")),
    ("/provinsi/35", ("ok", "ok", "denied", "ok", "ok")),
    ("/provinsi/32", ("ok", "denied", "denied", "denied", "ok")),
    ("/kabkota/35.77", ("ok", "ok", "ok", "ok", "ok")),
    ("/kabkota/32.01", ("ok", "denied", "denied", "denied", "ok")),
    ("/pendamping/{own}", ("ok", "ok", "ok", "denied", "ok")),
    ("/pendamping/{foreign}", ("ok", "denied", "denied", "denied", "ok")),
    ("/kualitas/32", ("ok", "denied", "denied", "denied", "ok")),
    ("/kualitas/35.77", ("ok", "ok", "ok", "ok", "ok")),
    ("/temuan/32", ("ok", "denied", "denied", "denied", "ok")),
    ("/temuan/35", ("ok", "ok", "denied", "ok", "ok")),
    ("/temuan/35.77", ("ok", "ok", "ok", "ok", "ok")),
    ("/antrian/32", ("ok", "denied", "denied", "denied", "ok")),
    ("/antrian/35.77", ("ok", "ok", "ok", "ok", "ok")),
    ("/pelatihan/32", ("ok", "denied", "denied", "denied", "ok")),
    ("/pelatihan/35.77", ("ok", "ok", "ok", "ok", "ok")),
    ("/tinjauan", ("ok", "ok", "ok", "ok", "ok")),
    ("/tinjauan/32", ("ok", "denied", "denied", "denied", "ok")),
    ("/tinjauan/35", ("ok", "ok", "denied", "ok", "ok")),
    ("/tinjauan/35.77", ("ok", "ok", "ok", "ok", "ok")),
    ("/admin", ("denied", "denied", "denied", "denied", "ok")),
    ("/sumber-data", ("ok", "ok", "ok", "ok", "ok")),
]
ROLES = ("national", "province", "regency", "display", "admin", "anonymous")


@pytest.mark.parametrize("name, probe, expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_role_matrix_of_the_api_and_the_downloads(site, name, probe, expected):
    got = tuple(probe(site.clients[role], site) for role in ROLES)
    assert got == expected


@pytest.mark.parametrize("path, expected", PAGE_MATRIX, ids=[p for p, _ in PAGE_MATRIX])
def test_role_matrix_of_the_pages(site, path, expected):
    path = path.format(own=site.own_facilitator["id"], foreign=site.foreign_facilitator["id"])
    for role, want in zip(ROLES, expected):
        response = site.page(role, path)
        assert response.status_code == 200, (role, path)
        text = _text(response)
        got = "denied" if "access-denied" in text else "ok"
        assert got == want, (role, path)
        if want == "denied" and "/pendamping/" in path:
            name = site.foreign_facilitator["name"] if "{foreign}" in path or site.foreign_facilitator["id"] in path else site.own_facilitator["name"]
            assert name not in text  # never the name of someone outside the area
    assert site.page("anonymous", path).status_code == 401


def test_the_grid_per_role(site):
    deps = {d["output"]: d for d in _dependencies(site)}
    grid = deps["..regency-facilitators.getRowsResponse...regency-table-count.children.."]
    for role, regency, rows in (("national", FOREIGN_REGENCY, True), ("province", OWN_REGENCY, True), ("regency", OWN_REGENCY, True), ("display", OWN_REGENCY, False), ("province", FOREIGN_REGENCY, False)):
        answer = _forge(site, grid, role, {"regency-scope": regency})
        data = answer.get_json()["response"]["regency-facilitators"]["getRowsResponse"]["rowData"]
        assert bool(data) == rows, (role, regency)


# --- No NIK anywhere --------------------------------------------------------------------------


def test_a_full_signed_in_browse_shows_no_nik_like_number(site):
    national = site.clients["admin"]
    texts = []
    own = site.own_facilitator["id"]
    for path in ("/", "/provinsi/35", "/kabkota/35.77", f"/pendamping/{own}", "/kualitas", "/kualitas/35", "/kualitas/35.77", "/temuan", "/temuan/35.77", "/antrian", "/antrian/35.77", "/pelatihan", "/pelatihan/35.77",
                 "/tinjauan", "/tinjauan/35.77", "/sumber-data", "/admin"):
        texts.append(_text(site.page("admin", path)))
    for scope in ({"overview-scope": None, "quality-scope": None, "findings-scope": None, "regency-scope": "35.77", "facilitator-id": own},
                  {**OWN, "facilitator-id": own}, {"findings-scope": "35.77", "waiting-scope": "35.77", "training-scope": "35.77", "review-scope": "35.77"}):
        for dependency in _dependencies(site):
            if not dependency.get("clientside_function"):
                texts.append(_text(_forge(site, dependency, "admin", scope)))
    for path in ("/api/v1/metrics", "/api/v1/openapi.json", "/api/v1/progress?level=national", "/api/v1/progress?level=province",
                 "/api/v1/progress?level=regency&parent=35", "/api/v1/progress?level=facilitator&parent=35.77",
                 "/api/v1/progress?level=province&category=inclusion_error", "/api/v1/transitions?scope=35.77", "/api/v1/waiting?by=children", "/api/v1/training?by=children", "/export/training.csv?parent=35",
                 "/export/waiting.csv?parent=35.77",
                 "/export/regions.csv", "/export/regions.csv?parent=35", "/export/facilitators.csv?parent=35.77", "/readyz"):
        texts.append(national.get(path).get_data(as_text=True))
    for path in ("/export/regions.xlsx?parent=35", "/export/facilitators.xlsx?parent=35.77"):
        with zipfile.ZipFile(io.BytesIO(national.get(path).data)) as book:
            texts += [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
    assert len(texts) > 60
    hits = [m.group(0) for text in texts for m in NIK_LIKE.finditer(text)]
    assert hits == []
    assert json.dumps(texts).count("PKH-") > 10  # the browse did reach facilitator data
