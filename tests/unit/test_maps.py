"""The map figures: geometry by URL only, grey exactly for regions without data, the tile
grid's layout, and refreshes by ``patch_values``."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import Patch
from plotly.io.json import to_json_plotly

from dashboard.store.database import read_reference_tables
from geodata import load_tile_grid
from layouts import maps

URL = "/geodata/regencies.geojson"


def _regions(level: str, seed: int = 1, nan_every: int = 7) -> pd.DataFrame:
    table = read_reference_tables()[level]
    rng = np.random.default_rng(seed)
    regions = pd.DataFrame({"code": table["code"], "name": table["name"], "value": rng.uniform(0, 100, len(table))})
    regions.loc[:: nan_every, "value"] = np.nan
    regions["hover"] = [f"{c}: {v:.1f}" if v == v else f"{c}: no data" for c, v in zip(regions["code"], regions["value"])]
    return regions


def _choropleth(regions: pd.DataFrame, **kwargs) -> go.Figure:
    kwargs = {"geojson_url": URL, "legend_title": "Penyelesaian (%)", "no_data_label": "tidak ada data", **kwargs}
    return maps.choropleth_figure(regions, **kwargs)


def _tiles(regions: pd.DataFrame, **kwargs) -> go.Figure:
    return maps.tile_grid_figure(regions, **{"legend_title": "Penyelesaian (%)", "no_data_label": "tidak ada data", **kwargs})


# --- choropleth -------------------------------------------------------------------------


def test_choropleth_references_the_geometry_by_url_and_stays_small():
    regions = _regions("regency")
    fig = _choropleth(regions)
    text = to_json_plotly(fig)  # what Dash sends
    assert len(regions) == 514 and len(text) < 30_000
    assert [trace["geojson"] for trace in json.loads(text)["data"]] == [URL, URL]
    assert "coordinates" not in text and "FeatureCollection" not in text and "Polygon" not in text
    assert not re.search(r"\[\d{2,3}\.\d+,-?\d{1,2}\.\d+\]", text)  # no [lon,lat] position
    assert all(trace.featureidkey == "properties.code" for trace in fig.data)


def test_choropleth_grey_trace_holds_exactly_the_regions_without_data():
    regions = _regions("regency")
    fig = _choropleth(regions)
    grey, values = fig.data[maps.NO_DATA_TRACE], fig.data[maps.VALUES_TRACE]
    codes = sorted(regions["code"])
    assert list(grey.locations) == codes and list(values.locations) == codes
    no_data = set(regions.loc[regions["value"].isna(), "code"])
    assert {c for c, z in zip(grey.locations, grey.z) if z is not None} == no_data
    assert {c for c, z in zip(values.locations, values.z) if z is None} == no_data
    assert grey.showscale is False and grey.colorscale[0][1] == grey.colorscale[-1][1] == maps.NO_DATA_COLOR
    # Hover text sent once, in the trace that paints the region.
    by_code = regions.set_index("code")["hover"]
    for code, z, hover in zip(grey.locations, grey.z, grey.hovertext):
        assert hover == (by_code[code] if z is not None else "")
    for code, z, hover in zip(values.locations, values.z, values.hovertext):
        assert hover == (by_code[code] if z is not None else "")


def test_choropleth_values_colour_scale_and_layout():
    regions = _regions("province", nan_every=10)
    fig = _choropleth(regions, zmin=0, zmax=100, ticksuffix=" %", tickformat=".0f", separators=",.", uirevision="national")
    values = fig.data[maps.VALUES_TRACE]
    expected = dict(zip(regions["code"], regions["value"]))
    for code, z in zip(values.locations, values.z):
        assert (z is None) if np.isnan(expected[code]) else z == pytest.approx(expected[code], rel=1e-5)
    assert values.colorbar.title.text == "Penyelesaian (%)"
    assert (values.colorbar.ticksuffix, values.colorbar.tickformat) == (" %", ".0f")
    assert (values.zmin, values.zmax, values.reversescale) == (0, 100, False)
    assert values.hovertemplate == "%{hovertext}<extra></extra>"
    # Viridis: colour-blind safe and free of grey, so grey can only mean "no data".
    assert values.colorscale == go.Figure(go.Choropleth(colorscale="Viridis")).data[0].colorscale
    layout = fig.layout
    assert layout.geo.visible is False and layout.geo.fitbounds == "locations"
    assert layout.geo.bgcolor == layout.paper_bgcolor == "rgba(0,0,0,0)"
    assert (layout.margin.l, layout.margin.r, layout.margin.t, layout.margin.b) == (0, 0, 0, 0)
    assert layout.uirevision == "national" and layout.separators == ",."
    assert layout.template.to_plotly_json() == {}  # no 7 KB default template per response
    assert "tidak ada data" in layout.annotations[0].text
    # The frame has the shape of Indonesia (see choropleth_figure's docstring).
    assert layout.geo.lonaxis.range[0] < 95.02 and layout.geo.lonaxis.range[1] > 141.01


def test_lower_is_better_reverses_the_scale_and_bounds_set_the_frame():
    regions = _regions("province")
    assert _choropleth(regions, higher_is_better=False).data[maps.VALUES_TRACE].reversescale is True
    assert _choropleth(regions, higher_is_better=None).data[maps.VALUES_TRACE].reversescale is False
    fig = _choropleth(regions, bounds=(106.37, -7.82, 108.85, -5.92))
    assert 106.3 < fig.layout.geo.lonaxis.range[0] < 106.37 and 108.85 < fig.layout.geo.lonaxis.range[1] < 108.9


def test_input_order_does_not_matter_and_bad_input_is_refused():
    regions = _regions("province")
    shuffled = regions.sample(frac=1, random_state=3)
    assert _choropleth(shuffled).to_plotly_json() == _choropleth(regions).to_plotly_json()
    with pytest.raises(ValueError, match="duplicate"):
        _choropleth(pd.concat([regions, regions.head(1)]))
    with pytest.raises(ValueError, match="value"):
        _choropleth(regions.drop(columns=["value"]))
    # Without a hover column the name is shown.
    fig = _choropleth(regions.drop(columns=["hover"]))
    assert "<b>ACEH</b>" in set(fig.data[maps.VALUES_TRACE].hovertext) | set(fig.data[maps.NO_DATA_TRACE].hovertext)


# --- tile grid --------------------------------------------------------------------------


def test_tile_grid_draws_every_province_in_its_cell():
    regions = _regions("province", nan_every=9)
    fig = _tiles(regions)
    grid = load_tile_grid().set_index("code")
    grey, values = fig.data[maps.NO_DATA_TRACE], fig.data[maps.VALUES_TRACE]
    for trace in (grey, values):
        assert trace.type == "heatmap" and list(trace.customdata) == sorted(grid.index)
        assert list(trace.x) == grid["col"].tolist() and list(trace.y) == grid["row"].tolist()
        assert trace.hoverongaps is False
    no_data = set(regions.loc[regions["value"].isna(), "code"])
    assert {c for c, z in zip(grey.customdata, grey.z) if z is not None} == no_data
    assert {c for c, z in zip(values.customdata, values.z) if z is None} == no_data
    # Labels on the upper (values) trace only, for every tile: the short name in bold, in
    # two lines when longer than a tile's line; no value without a tile_value column.
    assert grey.text is None
    for label, abbr in zip(values.text, grid["abbr"]):
        lines = label.removeprefix("<b>").removesuffix("</b>").split("<br>")
        assert "".join(lines) == abbr and all(len(line) <= maps.TILE_LINE_CHARS for line in lines)
        assert len(lines) == (1 if len(abbr) <= maps.TILE_LINE_CHARS else 2)
    assert "BENG<br>KULU" in values.text[grid.index.get_loc("17")]
    assert values.colorbar.title.text == "Penyelesaian (%)"
    # The grid fills the figure, row 0 at the top.
    assert tuple(fig.layout.xaxis.range) == (-0.5, grid["col"].max() + 0.5)
    assert tuple(fig.layout.yaxis.range) == (grid["row"].max() + 0.5, -0.5)
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_tile_grid_greys_missing_provinces_and_ignores_unknown_codes():
    regions = _regions("province", nan_every=1000).iloc[1:]  # no Aceh
    regions = pd.concat([regions, pd.DataFrame({"code": ["32.01"], "name": ["X"], "value": [5.0], "hover": ["x"]})])
    fig = _tiles(regions)
    grey = fig.data[maps.NO_DATA_TRACE]
    assert [c for c, z in zip(grey.customdata, grey.z) if z is not None] == ["11"]
    assert "32.01" not in list(fig.data[maps.VALUES_TRACE].customdata)
    assert grey.hovertext[0] == "<b>ACEH</b>"


def test_tile_labels_carry_the_values_and_no_value_for_a_province_without_data():
    regions = _regions("province", nan_every=9)
    regions["tile_value"] = [f"{v:.1f} %".replace(".", ",") if v == v else "—" for v in regions["value"]]
    values = _tiles(regions).data[maps.VALUES_TRACE]
    shown = dict(zip(values.customdata, values.text))
    for row in regions.itertuples():
        if row.value == row.value:
            assert shown[row.code].endswith(f"<br>{row.tile_value}")
        else:
            assert shown[row.code].endswith("</b>") and "—" not in shown[row.code]  # the name alone


def test_the_tile_key_sits_in_the_grids_empty_band():
    """The colour bar and the no-data key lie over cells no province occupies, so the
    tiles can take the figure's whole height."""
    fig = _tiles(_regions("province"))
    grid = load_tile_grid()
    rows, cols = grid["row"].max() + 1, grid["col"].max() + 1
    row, col = maps.TILE_KEY_CELL
    bar = fig.data[maps.VALUES_TRACE].colorbar
    first, last = int(bar.x * cols), int((bar.x + bar.len) * cols)
    key = fig.layout.annotations[0]
    taken = set(zip(grid["row"], grid["col"]))
    assert not {(row, c) for c in range(first, last)} & taken
    assert (rows - 1 - int(key.y * rows), int(key.x * cols)) not in taken


# --- refresh ----------------------------------------------------------------------------


@pytest.mark.parametrize("build", [_choropleth, _tiles], ids=["choropleth", "tile-grid"])
def test_patch_values_turns_the_old_figure_into_the_new_one(build):
    level = "regency" if build is _choropleth else "province"
    before, after = _regions(level, seed=1, nan_every=7), _regions(level, seed=2, nan_every=5)
    for regions in (before, after):
        regions["tile_value"] = regions["value"].map("{:.1f}".format)
    figure = json.loads(to_json_plotly(build(before)))  # the figure as the browser holds it
    # A dict takes the same writes.
    maps.patch_values(figure, after.sample(frac=1, random_state=1), tiles=build is _tiles)
    assert figure == json.loads(to_json_plotly(build(after)))


def test_patch_values_writes_only_z_and_hovertext_of_the_two_traces():
    patch = maps.patch_values(Patch(), _regions("province"))
    operations = patch.to_plotly_json()["operations"]
    assert sorted(tuple(op["location"]) for op in operations) == [
        ("data", 0, "hovertext"), ("data", 0, "z"), ("data", 1, "hovertext"), ("data", 1, "z"),
    ]
    assert all(op["operation"] == "Assign" for op in operations)
    assert len(to_json_plotly(maps.patch_values(Patch(), _regions("regency")))) < 30_000
    # The tile grid's labels show the values: they are written too.
    locations = {tuple(op["location"]) for op in maps.patch_values(Patch(), _regions("province"), tiles=True).to_plotly_json()["operations"]}
    assert ("data", 1, "text") in locations


def test_clicked_region_reads_both_figures():
    assert maps.clicked_region({"points": [{"curveNumber": 1, "location": "62", "z": 24.4}]}) == "62"
    assert maps.clicked_region({"points": [{"curveNumber": 1, "x": 4, "y": 1, "customdata": "61"}]}) == "61"
    assert maps.clicked_region({"points": [{"customdata": ["61"]}]}) == "61"
    assert maps.clicked_region(None) is None and maps.clicked_region({"points": []}) is None


@pytest.mark.parametrize("metric_id, expected", [
    ("completion_pct", (0, 100)), ("return_rate", (0, 30)), ("share_refused", (0, 30)), ("share_found", (0, 100)),
    ("flagged_pct", (0, 30)), ("visits_per_active_facilitator_day", (0, 10)),
])
def test_every_map_metric_colours_a_fixed_range_whatever_the_data(metric_id, expected):
    """People read map colours as absolute: a region at 21 % completion must not take the
    brightest colour because it leads a weak province."""
    from callbacks.overview import region_map_figure
    from dashboard.figures.metrics import MAP_METRICS, QUALITY_MAP_METRICS, get_metric
    from dashboard.figures.queries import Scope
    from dashboard.settings import Settings

    for metric in set(MAP_METRICS) | set(QUALITY_MAP_METRICS):
        assert get_metric(metric).colour_range is not None, metric
    for values in ((2.0, 21.0), (55.0, 99.0)):
        regions = _regions("province").assign(value=np.linspace(*values, 38))
        figure = region_map_figure(regions, Scope.national(), metric_id, "id", Settings())
        data = figure["data"] if isinstance(figure, dict) else figure.to_dict()["data"]
        valued = [trace for trace in data if trace.get("zmax") not in (None, 1)]
        assert (valued[0]["zmin"], valued[0]["zmax"]) == expected


def test_a_discrete_scale_gives_each_category_its_own_band():
    from layouts.maps import discrete_scale

    scale = discrete_scale(["#a", "#b", "#c"])
    assert (scale["zmin"], scale["zmax"]) == (-0.5, 2.5)
    # value i sits in the middle of band i: (i + 0.5) / n of the scale
    for i, colour in enumerate(["#a", "#b", "#c"]):
        position = (i - scale["zmin"]) / (scale["zmax"] - scale["zmin"])
        band = [c for (start, c), (end, _) in zip(scale["colorscale"][::2], scale["colorscale"][1::2]) if start <= position <= end]
        assert band == [colour]


def test_the_schedule_regions_carry_the_status_as_value_and_in_words():
    from callbacks.overview import schedule_regions

    table = pd.DataFrame({"name": ["JAWA TIMUR", "BALI", "PAPUA", "ACEH"], "visible": [True, True, True, False]}, index=["35", "51", "91", "11"])
    forecasts = pd.DataFrame(
        {"status": ["at_risk", "on_schedule", "no_targets"], "completion_pct": [40.0, 80.0, float("nan")], "expected_pct": [60.0, 79.0, float("nan")],
         "by_deadline_pct": [70.0, 100.0, float("nan")], "finish": [None, pd.Timestamp("2026-12-01").date(), None]},
        index=["35", "51", "91"],
    )
    regions = schedule_regions(table, forecasts, "en").set_index("code")
    assert regions.loc["35", "value"] == 3 and regions.loc["51", "value"] == 1
    assert pd.isna(regions.loc["91", "value"]) and pd.isna(regions.loc["11", "value"])  # no targets; outside the area
    assert regions.loc["35", "tile_value"] == "At risk" and regions.loc["91", "tile_value"] == ""
    assert "Schedule: <b>At risk</b>" in regions.loc["35", "hover"] and "never at this pace" in regions.loc["35", "hover"]
    assert "1 Dec 2026" in regions.loc["51", "hover"]
    assert "Completion" not in regions.loc["11", "hover"]  # a region outside the area shows no figure
