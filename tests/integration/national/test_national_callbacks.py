"""The national page's callbacks, called as the browser calls them (no browser): the map,
KPIs, ranking and progress carry the registry's figures; a refresh sends a Patch of the
values only; the poll does nothing when the data did not change."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.factory import create_app
from dashboard.figures.metrics import compute
from dashboard.figures.overview import MIN_RANKED_DENOMINATOR
from dashboard.formatting import region_display_name
from dashboard.figures.queries import Scope, base_counts, data_state
from dashboard.simulation.run import run_live
from dashboard.store.database import get_engine
from tests import auth
from tests.simulated import AS_OF, copy_database


def _call(client, outputs, inputs, state=(), changed=None):
    output = outputs[0] if len(outputs) == 1 else None
    key = (
        f"{output['id']}.{output['property']}"
        if output
        else ".." + "...".join(f"{o['id']}.{o['property']}" for o in outputs) + ".."
    )
    body = {
        "output": key,
        "outputs": output or list(outputs),
        "inputs": list(inputs),
        "state": list(state),
        "changedPropIds": changed if changed is not None else [f"{i['id']}.{i['property']}" for i in inputs],
    }
    return client.post("/_dash-update-component", json=body)


def _array(value) -> list:
    """A plotly array from JSON: a list, or plotly 7's typed array {"dtype", "bdata"}."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _prop(id_, prop, value):
    return {"id": id_, "property": prop, "value": value}


@pytest.fixture(scope="module")
def page(standard_sqlite_round_url, database_url_factory):
    url = copy_database(standard_sqlite_round_url, database_url_factory("sqlite"))  # a test adds live data
    client = create_app(auth.settings(url)).server.test_client()
    auth.sign_in(client, url)
    response = _call(client, [{"id": "data-version", "property": "data"}], [_prop("refresh-timer", "n_intervals", 1), _prop("url", "search", "")], [_prop("data-version", "data", None)])
    version = response.get_json()["response"]["data-version"]["data"]
    return client, url, version


def _map(client, version, metric="completion_pct", figure=None, changed=None, lang="id", view="map"):
    return _call(
        client,
        [{"id": "overview-map", "property": "figure"}],
        [_prop("overview-metric", "value", metric), _prop("overview-map-view", "value", view), _prop("data-version", "data", version), _prop("font-scale", "data", 1)],
        [_prop("overview-scope", "data", None), _prop("page-lang", "data", lang), _prop("overview-map", "figure", figure)],
        changed,
    )


def test_the_map_shows_the_registry_values_without_geometry(page):
    client, url, version = page
    response = _map(client, version)
    figure = response.get_json()["response"]["overview-map"]["figure"]
    engine = get_engine(url)
    expected = compute(base_counts(engine, 1, Scope.national(), data_state(engine, 1).day, by="children", access=Access.nationwide()))["completion_pct"]
    values = figure["data"][1]
    shown = pd.Series(values["z"], index=values["locations"], dtype=float)
    pd.testing.assert_series_equal(shown.sort_index(), expected.sort_index(), check_names=False, check_index_type=False)
    assert values["geojson"] == "/geodata/provinces.geojson"
    assert "coordinates" not in response.get_data(as_text=True)
    assert len(response.data) < 40_000


def test_the_schedule_map_shows_each_provinces_status_from_its_forecast(page):
    from dashboard.figures.forecast import child_forecasts
    from dashboard.figures.queries import round_dates

    client, url, version = page
    figure = _map(client, version, view="schedule").get_json()["response"]["overview-map"]["figure"]
    engine = get_engine(url)
    dates = round_dates(engine, 1)
    forecasts = child_forecasts(engine, 1, Scope.national(), data_state(engine, 1).day, dates.start_date, dates.deadline, access=Access.nationwide())
    order = ["done", "on_schedule", "behind", "at_risk"]
    values = figure["data"][1]
    shown = pd.Series(values["z"], index=values["locations"], dtype=float).dropna().map(lambda i: order[int(i)])
    expected = forecasts["status"][forecasts["status"].isin(order)]
    assert shown.sort_index().to_dict() == expected.sort_index().to_dict() and len(shown) == 38
    bar = values["colorbar"]
    assert bar["ticktext"] == ["Selesai", "Sesuai", "Tertinggal", "Berisiko"] and bar["tickvals"] == [0, 1, 2, 3]
    code = shown.index[0]
    hover = values["hovertext"][values["locations"].index(code)]
    assert "Status jadwal: <b>" in hover and "Proyeksi selesai" in hover
    # A refresh patches the statuses like any metric's values.
    patch = _map(client, version, figure={"data": [{}, {}]}, changed=["data-version.data"], view="schedule").get_json()["response"]["overview-map"]["figure"]
    assert {tuple(op["location"]) for op in patch["operations"]} == {("data", 0, "z"), ("data", 0, "hovertext"), ("data", 1, "z"), ("data", 1, "hovertext")}


def test_a_refresh_patches_only_the_values(page):
    client, _, version = page
    response = _map(client, version, figure={"data": [{}, {}]}, changed=["data-version.data"])
    patch = response.get_json()["response"]["overview-map"]["figure"]
    assert patch["__dash_patch_update"] == "__dash_patch_update"
    touched = {tuple(op["location"]) for op in patch["operations"]}
    assert touched == {("data", 0, "z"), ("data", 0, "hovertext"), ("data", 1, "z"), ("data", 1, "hovertext")}
    assert "geojson" not in response.get_data(as_text=True)


def test_the_poll_does_nothing_when_the_data_did_not_change_and_sees_new_data(page):
    client, url, version = page
    same = _call(client, [{"id": "data-version", "property": "data"}], [_prop("refresh-timer", "n_intervals", 2), _prop("url", "search", "")], [_prop("data-version", "data", version)])
    assert same.status_code in (200, 204)
    assert not (same.get_json() or {}).get("response")  # no_update: the pages do no work
    ticks = iter([AS_OF + dt.timedelta(hours=3)])
    from dashboard.settings import get_settings

    run_live(url, 1, get_settings().geodata_dir, tick_seconds=0, clock=lambda: next(ticks), max_ticks=1, progress=False)
    newer = _call(client, [{"id": "data-version", "property": "data"}], [_prop("refresh-timer", "n_intervals", 3), _prop("url", "search", "")], [_prop("data-version", "data", version)])
    assert newer.status_code == 200
    assert newer.get_json()["response"]["data-version"]["data"]["version"] == version["version"] + 1


def test_kpis_show_the_registry_figures_in_indonesian_format(page):
    client, url, version = page
    response = _call(
        client,
        [{"id": "overview-kpis", "property": "children"}, {"id": "overview-message", "property": "children"}],
        [_prop("data-version", "data", version)],
        [_prop("overview-scope", "data", None), _prop("page-lang", "data", "id")],
    )
    text = json.dumps(response.get_json())
    targets = pd.read_sql("SELECT count(*) AS n FROM target", sa.create_engine(url))["n"][0]
    assert f"{targets:,}".replace(",", ".") in text
    engine = get_engine(url)
    completion = compute(base_counts(engine, 1, Scope.national(), data_state(engine, 1).day, access=Access.nationwide()))["completion_pct"].iloc[0]
    assert f"{completion:.1f}".replace(".", ",") + " %" in text


def _texts(component) -> list[str]:
    """Every string in a serialised component tree, in document order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list):
        return [text for child in component for text in _texts(child)]
    if isinstance(component, dict):
        return _texts(component.get("props", {}).get("children"))
    return []


def test_ranking_is_ordered_by_the_metric_and_shows_both_ends(page):
    client, url, version = page
    response = _call(
        client,
        [{"id": "overview-ranking", "property": "children"}, {"id": "overview-ranking-full", "property": "children"}],
        [_prop("data-version", "data", version), _prop("overview-metric", "value", "return_rate")],
        [_prop("overview-scope", "data", None), _prop("page-lang", "data", "en")],
    )
    answer = response.get_json()["response"]
    table = answer["overview-ranking-full"]["children"][0]["props"]
    rows = pd.DataFrame(table["data"])
    assert len(rows) == 38
    ranked = rows[rows["rank"].notna()]
    assert ranked["rank"].tolist() == sorted(ranked["rank"])
    assert ranked["return_rate"].is_monotonic_increasing  # lower is better: best first
    # Independently: the return rate per province from the raw tables; a province is
    # ranked only with at least MIN_RANKED_DENOMINATOR reviewed submissions.
    raw = pd.read_sql(
        "SELECT t.province_code AS code, p.name, count(v.first_reviewed_at) AS reviewed, count(v.first_returned_at) AS returned "
        "FROM target t JOIN province p ON p.code = t.province_code LEFT JOIN visit v ON v.target_id = t.id GROUP BY t.province_code, p.name",
        sa.create_engine(url),
    ).set_index("code")
    expected = raw[raw["reviewed"] >= MIN_RANKED_DENOMINATOR]
    expected = expected.assign(rate=expected["returned"] / expected["reviewed"] * 100).sort_values("rate", kind="stable")
    assert set(ranked["code"]) == set(expected.index)
    assert ranked["return_rate"].to_numpy() == pytest.approx(expected["rate"].to_numpy())
    # The card: the five best and the five worst, both in view, the gap between them.
    texts = _texts(answer["overview-ranking"]["children"])
    gap = f"… {len(expected) - 10} more"
    assert gap in texts
    shown = [region_display_name(name) for name in expected["name"]]
    positions = [texts.index(name) for name in shown[:5] + shown[-5:]]
    assert positions == sorted(positions)
    assert positions[4] < texts.index(gap) < positions[5]
    assert not set(shown[5:-5]) & set(texts)


def test_progress_of_a_province_page(page):
    client, url, version = page
    response = _call(
        client,
        [{"id": "overview-progress", "property": "figure"}],
        [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
        [_prop("overview-scope", "data", "94"), _prop("page-lang", "data", "id")],
    )
    figure = response.get_json()["response"]["overview-progress"]["figure"]
    assert "Papua Tengah" in figure["layout"]["title"]["text"]
    actual = [y for y in _array(figure["data"][1]["y"]) if y == y and y is not None]
    raw = pd.read_sql("SELECT count(*) AS t, count(v.submitted_at) AS s FROM target t LEFT JOIN visit v ON v.target_id = t.id WHERE t.province_code = '94'", sa.create_engine(url))
    assert actual[-1] == pytest.approx(raw["s"][0] / raw["t"][0] * 100)
    assert _array(figure["data"][0]["y"])[-1] == pytest.approx(100)  # the plan reaches 100 % at the deadline


def test_province_page_figures_and_regency_map(page):
    client, url, version = page
    response = _call(
        client,
        [{"id": "overview-map", "property": "figure"}],
        [_prop("overview-metric", "value", "completion_pct"), _prop("overview-map-view", "value", "map"), _prop("data-version", "data", version), _prop("font-scale", "data", 1)],
        [_prop("overview-scope", "data", "33"), _prop("page-lang", "data", "id"), _prop("overview-map", "figure", None)],
    )
    figure = response.get_json()["response"]["overview-map"]["figure"]
    assert figure["data"][1]["geojson"] == "/geodata/regencies/33.geojson"
    raw = pd.read_sql(
        "SELECT t.regency_code, count(*) AS t, count(v.submitted_at) AS s FROM target t "
        "LEFT JOIN visit v ON v.target_id = t.id WHERE t.province_code = '33' GROUP BY t.regency_code",
        sa.create_engine(url),
    ).set_index("regency_code")
    shown = pd.Series(_array(figure["data"][1]["z"]), index=figure["data"][1]["locations"], dtype=float)
    expected = raw["s"] / raw["t"] * 100
    assert len(shown) == 35
    pd.testing.assert_series_equal(shown.sort_index(), expected.sort_index(), check_names=False, check_index_type=False)


def test_a_click_on_the_national_map_opens_the_province_page(page):
    client, _, _ = page
    response = _call(
        client,
        [{"id": "url", "property": "href"}],
        [_prop("overview-map", "clickData", {"points": [{"location": "94"}]})],
        [_prop("overview-scope", "data", None), _prop("overview-metric", "value", "return_rate"), _prop("page-lang", "data", "en"),
         _prop("data-version", "data", None)],
        changed=["overview-map.clickData"],
    )
    assert response.get_json()["response"]["url"]["href"] == "/provinsi/94?lang=en&metric=return_rate"
    response = _call(
        client,
        [{"id": "url", "property": "href"}],
        [_prop("overview-map", "clickData", {"points": [{"location": "94.12"}]})],
        [_prop("overview-scope", "data", "94"), _prop("overview-metric", "value", "completion_pct"), _prop("page-lang", "data", "id"),
         _prop("data-version", "data", None)],
    )
    assert response.get_json()["response"]["url"]["href"] == "/kabkota/94.12?lang=id&metric=completion_pct"


def test_a_round_in_the_url_pins_the_pages_to_it(page):
    client, _, version = page
    response = _call(
        client, [{"id": "data-version", "property": "data"}],
        [_prop("refresh-timer", "n_intervals", 4), _prop("url", "search", "?lang=id&round=1")], [_prop("data-version", "data", None)],
    )
    pinned = response.get_json()["response"]["data-version"]["data"]
    assert pinned["round_id"] == 1 and pinned["pinned"] == 1
    response = _call(
        client,
        [{"id": "url", "property": "href"}],
        [_prop("overview-map", "clickData", {"points": [{"location": "94"}]})],
        [_prop("overview-scope", "data", None), _prop("overview-metric", "value", "completion_pct"), _prop("page-lang", "data", "id"),
         _prop("data-version", "data", pinned)],
    )
    assert response.get_json()["response"]["url"]["href"] == "/provinsi/94?lang=id&metric=completion_pct&round=1"
