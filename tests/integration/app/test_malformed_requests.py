"""No 500 is reachable by a client: malformed callback bodies, input values of the wrong
type or form, and well-formed values that name nothing (a round or region that does not
exist) get a 400 or an explained view; malformed API and export parameters a 400 with a
message. (The API is also fuzzed from its OpenAPI document: tests/integration/api.)"""

from __future__ import annotations

import pytest

from tests.integration.access.test_who_sees_what import Site

#: Values of the wrong type or form for any input.
GARBAGE = [None, 0, -1, "", "x" * 3000, "../../etc/passwd", {}, [], {"round_id": "x"}, True, 1e308, [1, [2]], "<b>x</b>"]


@pytest.fixture(scope="module")
def site(standard_round_url):
    return Site(standard_round_url)


def _server_callbacks(site: Site) -> list[dict]:
    return [d for d in site.clients["national"].get("/_dash-dependencies").get_json() if not d.get("clientside_function")]


def _valid(site: Site) -> dict:
    return {
        ("page-lang", "data"): "id", ("data-version", "data"): site.version, ("font-scale", "data"): 1,
        ("refresh-timer", "n_intervals"): 3, ("url", "pathname"): "/provinsi/35", ("url", "search"): "?lang=en",
        ("_pages_location", "pathname"): "/provinsi/35", ("_pages_location", "search"): "",
        ("overview-scope", "data"): "35", ("quality-scope", "data"): "35", ("regency-scope", "data"): "35.77",
        ("facilitator-id", "data"): site.own_facilitator["id"], ("overview-metric", "value"): "completion_pct",
        ("quality-metric", "value"): "flagged_pct", ("overview-map-view", "value"): "tiles", ("quality-map-view", "value"): "map",
        ("overview-map", "clickData"): {"points": [{"location": "35"}]},
        ("quality-map", "clickData"): {"points": [{"location": "35"}]}, ("overview-map", "figure"): None,
        ("quality-map", "figure"): None, ("regency-facilitators", "filterModel"): {},
        ("regency-facilitators", "getRowsRequest"): {"startRow": 0, "endRow": 50}, ("regency-quick-filters", "value"): [],
        ("regency-search", "value"): "", ("admin-filter-action", "value"): None, ("admin-filter-user", "value"): None,
        ("admin-filter-text", "value"): None, ("admin-filter-days", "start_date"): None, ("admin-filter-days", "end_date"): None,
        ("admin-retention", "data"): 90, ("alerts-scope", "data"): "35", ("alerts-closed", "value"): False, ("alerts-acked", "data"): 0,
        ("alerts-table", "active_cell"): None, ("alerts-note", "value"): "", ("alerts-ack", "n_clicks"): 1,
        ("wall-scope", "data"): "35", ("wall-metric", "data"): "completion_pct", ("wall-map", "figure"): None, ("wall-tiles", "figure"): None,
        ("wall-beat", "n_intervals"): 2,
        ("findings-scope", "data"): "35", ("findings-programme", "value"): "pkh", ("findings-metric", "value"): "left_eligibility_pct",
        ("findings-matrix-category", "value"): "all", ("findings-matrix-mode", "value"): "shares",
        ("findings-map", "clickData"): {"points": [{"location": "35"}]}, ("findings-map", "figure"): None,
        ("waiting-scope", "data"): "35", ("waiting-status", "value"): "submitted", ("waiting-ages", "clickData"): {"points": [{"customdata": "returned"}]},
        ("training-scope", "data"): "35",
        # No facilitator picked: the form answers and records nothing (the round is shared).
        ("review-scope", "data"): "35", ("review-recorded", "data"): 0, ("review-facilitator", "value"): None,
        ("review-result", "value"): "confirmed", ("review-note", "value"): "dicek", ("review-submit", "n_clicks"): 1,
    }


def _call(site: Site, dependency: dict, values: dict, changed: tuple[str, str]):
    inputs = [(d["id"], d["property"], values[(d["id"], d["property"])]) for d in dependency["inputs"]]
    state = [(d["id"], d["property"], values[(d["id"], d["property"])]) for d in dependency["state"]]
    return site.call("admin", dependency["output"], inputs, state, changed=[f"{changed[0]}.{changed[1]}"])


@pytest.mark.parametrize(
    "body",
    ["{not json", "[]", "null", '"text"', '{"output": 1}', '{"output": "nothing.children", "inputs": []}',
     '{"output": "data-as-of.children", "inputs": [], "state": []}', '{"output": "data-as-of.children", "inputs": 5}',
     '{"output": "font-scale.data", "outputs": {"id": "font-scale", "property": "data"}, "inputs": [{"id": "url", "property": "pathname"}]}',
     "[" * 100_000, '{"output": "data-as-of.children", "inputs": [{"id": "data-version", "property": "data", "value": {"round_id": Infinity}}]}'],
)
def test_a_malformed_callback_body_gets_a_400(site, body):
    response = site.clients["national"].post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 400 and "error" in response.get_json()


@pytest.mark.parametrize("standard_round_url", ["sqlite"], indirect=True)
def test_every_callback_refuses_values_of_the_wrong_form(site):
    """On SQLite only: each request changes the form of one input (the others valid), which
    the callback's input checks refuse or read as nothing before any query is made, whatever
    the engine; the PostgreSQL run repeated the same ~4,000 requests at about three times
    the cost of the SQLite one (12.6 s on a quiet 2-core machine). Values of the right form
    that name nothing do reach the queries: the next test sends those on both engines."""
    valid = _valid(site)
    checked = 0
    for dependency in _server_callbacks(site):
        for changed in [(d["id"], d["property"]) for d in dependency["inputs"] + dependency["state"]]:
            for value in GARBAGE:
                response = _call(site, dependency, {**valid, changed: value}, changed)
                assert response.status_code < 500, (dependency["output"], changed, repr(value)[:40], response.status_code)
                checked += 1
    assert checked > 500


def test_well_formed_values_that_name_nothing_get_an_explained_view(site):
    """A round without data, a region or metric that does not exist, a version from the
    past, odd clicks and grid requests: every callback answers (2xx or 400), never 500."""
    valid = _valid(site)
    past = {**site.version, "data_until": "2026-11-02T00:00:00"}
    wishes = {
        ("data-version", "data"): [{**site.version, "round_id": 99_999}, past, {**site.version, "pinned": 7}],
        ("overview-scope", "data"): ["99", "35.99"], ("quality-scope", "data"): ["99", "35.99"],
        ("regency-scope", "data"): ["35.99", "35"], ("facilitator-id", "data"): ["NOPE"],
        ("overview-metric", "value"): ["targets", "high_risk"], ("quality-metric", "value"): ["completion_pct"],
        ("overview-map-view", "value"): [None, "satellite", ["map"]], ("quality-map-view", "value"): ["MAP"],
        ("alerts-table", "active_cell"): [{"row_id": 0}, {"row_id": "1"}, {"row_id": True}, [1], {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}], ("alerts-closed", "value"): ["yes"], ("alerts-note", "value"): ["x" * 501],
        ("overview-map", "clickData"): [{"points": []}, {"points": [{}]}, {"points": [{"location": {"a": 1}}]}, {"points": [{"location": "99"}]}],
        ("quality-map", "clickData"): [{"points": [{"location": [1, 2]}]}],
        ("overview-map", "figure"): [{}, {"data": "x"}],
        ("regency-facilitators", "filterModel"): [{"x": 1}, {"targets": {"filterType": "number", "type": "greaterThan", "filter": "abc"}}],
        ("regency-facilitators", "getRowsRequest"): [{}, {"startRow": -5, "endRow": 10**12}, {"startRow": "a"}, {"sortModel": "x"},
                                                     {"sortModel": [{"colId": 5, "sort": "up"}]}, {"filterModel": [1]}],
        ("regency-quick-filters", "value"): [["nonsense"]], ("regency-search", "value"): ["%", "' OR 1=1 --"],
        ("url", "search"): ["?round=99999999999999", "?round=-1", "%%%"], ("url", "pathname"): ["/provinsi/99", "//"],
        ("_pages_location", "pathname"): [None, "/provinsi/99", "/pendamping/../../x", "/kabkota/35.77/extra", "/wall"],
        ("_pages_location", "search"): [None, "?round=99999999999999&lang=zz", "?cycle=²&panels=x,,map&scope=35.77.01&metric=%3Cb%3E"],
        ("admin-filter-days", "start_date"): ["2999-01-01"], ("admin-filter-days", "end_date"): ["9999-12-31"],
        ("admin-filter-text", "value"): ["%_\\"],
        ("wall-scope", "data"): ["35.77", "99", "35.99"], ("wall-metric", "data"): ["high_risk"],
        ("wall-map", "figure"): [{}, {"data": "x"}],
        ("findings-scope", "data"): ["99", "35.99", "35.77"], ("findings-programme", "value"): ["PKH", "bansos"],
        ("findings-metric", "value"): ["left_eligibility_pct_pkh", "completion_pct"], ("findings-matrix-category", "value"): ["other"],
        ("findings-matrix-mode", "value"): ["percent"], ("findings-map", "clickData"): [{"points": [{"location": "99"}]}],
        ("findings-map", "figure"): [{}, {"data": "x"}],
        ("waiting-scope", "data"): ["99", "35.99", "35.77"], ("waiting-status", "value"): ["done", "SUBMITTED"],
        ("waiting-ages", "clickData"): [{"points": []}, {"points": [{"customdata": ["x"]}]}, {"points": [{"customdata": "lost"}]}],
        ("training-scope", "data"): ["99", "35.99", "35.77"],
        ("review-scope", "data"): ["99", "35.99", "35.77"],
        # An id of no one (refused, audited, nothing written), results and notes no page sends.
        ("review-facilitator", "value"): ["NOPE", "PKH-0000-000", "a" * 32],
        ("review-result", "value"): ["maybe", "CONFIRMED", ""], ("review-note", "value"): ["x" * 501, "x" * 10_000],
        ("review-recorded", "data"): [-1, 2**53],
    }
    explained = 0
    for dependency in _server_callbacks(site):
        for changed in [(d["id"], d["property"]) for d in dependency["inputs"] + dependency["state"]]:
            for value in wishes.get(changed, []):
                response = _call(site, dependency, {**valid, changed: value}, changed)
                assert response.status_code in (200, 204, 400), (dependency["output"], changed, value, response.status_code)
                explained += response.status_code != 400
    assert explained > 50


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/progress?level=province&round=99999999999999999999",
        "/api/v1/progress?level=province&round=-1",
        "/api/v1/progress?level=province&round=1e3",
        "/api/v1/progress?level=regency&parent=35&as_of=2026-02-30",
        "/export/facilitators.csv?parent=35.77&filter=%7Bbad",
        "/export/facilitators.csv?parent=35.77&sort=%5B%7B",
        "/export/facilitators.csv?parent=35.77&sort=42",
        "/export/facilitators.csv?parent=35.77&filter=%5B1%5D",
        "/export/regions.csv?round=99999999999999999999",
        "/export/regions.xlsx?metric=%00",
        "/export/facilitators.csv?parent=35.77&filter=%7B%22x%22%3A1%7D",
        "/export/facilitators.csv?parent=35.77&filter=" + "%5B" * 50_000,
    ],
)
def test_malformed_api_and_export_parameters_get_a_400(site, path):
    response = site.clients["national"].get(path)
    assert response.status_code == 400, response.get_data(as_text=True)[:200]
    assert response.get_json()["error"]


def test_unknown_rounds_and_regions_get_a_404(site):
    for path in ("/api/v1/progress?level=province&round=99999", "/api/v1/progress?level=facilitator&parent=35.99", "/export/facilitators.csv?parent=35.99"):
        response = site.clients["national"].get(path)
        assert response.status_code == 404 and response.get_json()["error"], path


def test_a_facilitator_without_visits_has_no_last_visit_day(site):
    """Not the string "NaT": the OpenAPI document says a date or null."""
    rows = site.clients["national"].get("/api/v1/progress?level=facilitator&parent=35.77").get_json()["rows"]
    days = {row["last_visit_day"] for row in rows}
    assert None in days and "NaT" not in days
    assert all(day is None or len(day) == 10 for day in days)


def test_the_as_of_line_refuses_times_it_cannot_show(site):
    """The header shows the client's own copy of the version: years it could not format
    (9999, year 1 with a time zone) are refused, not a 500."""
    for until in ("9999-12-31T23:59:59", "0001-01-01T00:00:00+14:00"):
        for version in ({**site.version, "data_until": until}, {**site.version, "outage_since": until}):
            response = site.call("national", "data-as-of.children", [("data-version", "data", version)], [("page-lang", "data", "en")])
            assert response.status_code == 400, until


@pytest.mark.parametrize(
    "path", ["/?round=1&round=2", "/kabkota/35.77?code=35.77&code=35.19", "/provinsi/35?code=35&code=32",
             "/kualitas/35?code=a&code=b", "/pendamping/X?facilitator_id=x&facilitator_id=y", "/?lang=en&lang=id"],
)
def test_a_key_repeated_in_the_query_string_is_no_500(site, path):
    page, _, search = path.partition("?")
    response = site.page("admin", page, "?" + search)
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
