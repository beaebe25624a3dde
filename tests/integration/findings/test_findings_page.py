"""The findings page (``/temuan``), its JSON API (``/api/v1/progress?category=``,
``/api/v1/transitions``) and its export (``/export/findings.<csv|xlsx>``) carry exactly the
figures that pandas computes straight from the raw tables (``Raw`` of
``tests/integration/metrics/test_findings_figures.py``): the callbacks are called as the
browser calls them (no browser), as a national user and as a user of province 35."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import decimal
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.factory import create_app
from dashboard.figures.metrics import get_metric
from dashboard.formatting import format_int, format_percent
from dashboard.i18n import t
from dashboard.vocabulary import TARGET_CATEGORY_TERMS, VISIT_OUTCOME_TERMS, label_of
from tests import auth
from tests.integration.metrics.test_findings_figures import CUTOFFS, Raw
from tests.integration.national.test_national_callbacks import _array, _call, _prop

WIB = pd.Timedelta(hours=7)
LANG = "id"
PROVINCE, REGENCY, FOREIGN = "35", "35.77", "32"
#: The KPI cards of the findings page, as the Raw columns name them, and how each is written.
KPI_FORMATS = {
    "reranked": format_int,
    "awaiting_rerank": format_int,
    "inclusion_confirmed_{p}": format_int,
    "exclusion_confirmed_{p}": format_int,
    "left_eligibility_pct_{p}": format_percent,
    "entered_eligibility_pct_{p}": format_percent,
    "not_eligible_pct_{p}": format_percent,
}
#: The counts among the findings (a region without a target of a category has 0, no share).
COUNTS = {"reranked", "awaiting_rerank", *(f"{kind}_confirmed_{p}" for kind in ("inclusion", "exclusion") for p, _ in CUTOFFS)}


@pytest.fixture(scope="module")
def site(standard_sqlite_round_url):
    """One app on the standard round, a client per role (national, province 35), the data
    version the page polls, its day (WIB), the raw rows and the reference tables."""
    url = standard_sqlite_round_url
    server = create_app(auth.settings(url)).server
    clients = {}
    for who, role, codes in (("national", "national", ()), ("province", "province", (PROVINCE,))):
        clients[who] = server.test_client()
        auth.sign_in(clients[who], url, role, codes)
    response = _call(
        clients["national"], [{"id": "data-version", "property": "data"}],
        [_prop("refresh-timer", "n_intervals", 1), _prop("url", "search", "")], [_prop("data-version", "data", None)],
    )
    version = response.get_json()["response"]["data-version"]["data"]
    day = (pd.Timestamp(version["data_until"]).tz_localize(None) + WIB).date()
    engine = sa.create_engine(url)
    provinces = pd.read_sql("SELECT code, name FROM province", engine).set_index("code")["name"]
    regencies = pd.read_sql("SELECT code, province_code, name FROM regency", engine).set_index("code")
    facilitators = pd.read_sql("SELECT id, regency_code FROM facilitator", engine).set_index("id")["regency_code"]
    engine.dispose()
    raw = Raw(url)
    return {
        "clients": clients, "version": version, "day": day, "raw": raw,
        "provinces": provinces, "regencies": regencies, "facilitators": facilitators,
    }


@pytest.fixture(scope="module")
def findings(site):
    """Raw findings per region level (and category), today and a week before, computed once."""
    cache = {}

    def get(key: str, day: dt.date | None = None, category: bool = False) -> pd.DataFrame:
        day = day or site["day"]
        if (key, day, category) not in cache:
            cache[key, day, category] = site["raw"].findings(key, day, CUTOFFS, category=category)
        return cache[key, day, category]

    return get


# --- helpers ----------------------------------------------------------------------------------


def _callback(site, output: str, inputs: list[tuple], state: list[tuple], who: str = "national") -> dict:
    """The response of one callback; ``output`` as ``id.prop`` or ``id.prop|id.prop``."""
    outputs = [{"id": o, "property": p} for o, p in (x.rsplit(".", 1) for x in output.split("|"))]
    response = _call(site["clients"][who], outputs, [_prop(*i) for i in inputs], [_prop(*s) for s in state])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def _page(site, path: str, who: str = "national") -> dict:
    return _callback(site, "_pages_content.children|_pages_store.data", [("_pages_location", "pathname", path), ("_pages_location", "search", "")], [], who)


def _nodes(node):
    """Every component (a dict with ``props``) of a layout tree, depth first."""
    if isinstance(node, dict):
        if "props" in node:
            yield node
            yield from _nodes(node["props"].get("children"))
        else:
            for value in node.values():
                yield from _nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item)


def _text(node) -> str:
    """The text of a component and its children, joined."""
    if isinstance(node, str):
        return node
    if isinstance(node, (int, float)):
        return str(node)
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    if isinstance(node, dict) and "props" in node:
        return _text(node["props"].get("children"))
    return ""


def _grid(value) -> np.ndarray:
    """A 2-D plotly array from JSON: nested lists, or a typed array with its shape."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        shape = [int(s) for s in str(shape).split(",")] if isinstance(shape, str) else list(shape)
        return flat.reshape(shape).astype(float)
    return np.array([[np.nan if v is None else v for v in row] for row in value], dtype=float)


def _ranking_rows(children) -> pd.DataFrame:
    """The rows of the ranking table in a ``html.Div([ranking, note])``, indexed by code."""
    tables = [n for n in _nodes(children) if n.get("type") == "DataTable"]
    assert len(tables) == 1, [n.get("type") for n in _nodes(children)]
    return pd.DataFrame(tables[0]["props"]["data"]).set_index("code")


def _map_rounding(value: float) -> float | None:
    """A value as ``layouts.maps`` puts it into a figure: 6 significant digits, None for NaN."""
    return None if pd.isna(value) else float(f"{value:.6g}")


def _half_up(value: float) -> str:
    """A percentage as the CSV writes it: rounded half up to 1 decimal (empty when missing)."""
    if pd.isna(value):
        return ""
    rounded = decimal.Decimal(repr(float(value))).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)
    return f"{abs(rounded) if rounded.is_zero() else rounded:.1f}"


def _csv_table(response) -> tuple[list[str], pd.DataFrame]:
    """The metadata lines and the table (text cells) of a CSV download."""
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    # Six metadata rows (title, scope, as-of, the programme as the filter, source, time of
    # the export), one empty row, the header.
    assert all(len(r) == 1 for r in rows[:6]) and rows[6] == [], rows[:8]
    return [r[0] for r in rows[:6]], pd.DataFrame(rows[8:], columns=rows[7], dtype=str)


def _raw_matrix(raw: Raw, day: dt.date, province: str | None, category: str | None) -> np.ndarray:
    return raw.matrix(day, province, category).to_numpy()


def _get(site, path: str, who: str = "national"):
    return site["clients"][who].get(path)


# --- 1. the pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("path, code", [("/temuan", None), ("/temuan/35", "35"), ("/temuan/35.77", "35.77")])
def test_the_findings_pages_open_with_their_heading(site, path, code):
    response = _get(site, path)
    assert response.status_code == 200 and b"_dash-config" in response.data  # the app, which asks for the page
    content = _page(site, path)["_pages_content"]["children"]
    headings = [_text(n) for n in _nodes(content) if n.get("type") == "H1"]
    if code is None:
        place = t("region.national", LANG)
    elif len(code) == 2:
        place = site["provinces"][code].title()
    else:
        place = site["regencies"].loc[code, "name"].title()
    assert headings == [f"{t('findings.page', LANG)} · {place}"]
    assert "not-found-message" not in str(content) and "access-denied" not in str(content)
    # The page carries its scope for the callbacks.
    scopes = [n["props"].get("data") for n in _nodes(content) if n["props"].get("id") == "findings-scope"]
    assert scopes == [code]


def test_an_unknown_region_is_the_not_found_view(site):
    assert _get(site, "/temuan/99").status_code == 200  # the app, which shows the view
    content = str(_page(site, "/temuan/99")["_pages_content"]["children"])
    assert "not-found-message" in content and "findings-scope" not in content


def test_a_province_user_is_refused_another_province(site):
    refused = str(_page(site, f"/temuan/{FOREIGN}", "province")["_pages_content"]["children"])
    assert "access-denied" in refused and "findings-scope" not in refused
    own = str(_page(site, f"/temuan/{PROVINCE}", "province")["_pages_content"]["children"])
    assert "access-denied" not in own and "findings-scope" in own


# --- 2. the KPIs -----------------------------------------------------------------------------


@pytest.mark.parametrize("programme", ["pkh", "sembako"])
def test_the_kpis_are_the_national_findings(site, findings, programme):
    response = _callback(
        site, "findings-kpis.children",
        [("data-version", "data", site["version"]), ("findings-programme", "value", programme)],
        [("findings-scope", "data", None), ("page-lang", "data", LANG)],
    )
    cards = {
        n["props"]["id"]["metric"]: n for n in _nodes(response["findings-kpis"]["children"])
        if isinstance(n["props"].get("id"), dict) and n["props"]["id"].get("type") == "kpi"
    }
    nation = findings("nation").loc["ID"]
    expected = {kind.format(p=programme): fmt for kind, fmt in KPI_FORMATS.items()}
    assert set(cards) == set(expected)
    for metric_id, fmt in expected.items():
        values = [_text(n) for n in _nodes(cards[metric_id]) if n["props"].get("className") == "kpi-value"]
        assert values == [fmt(nation[metric_id], LANG)], metric_id


# --- 3. the transition matrix ----------------------------------------------------------------


def test_the_matrix_shows_the_raw_counts_and_row_shares(site):
    response = _callback(
        site, "findings-matrix.figure",
        [("data-version", "data", site["version"]), ("findings-programme", "value", "pkh"),
         ("findings-matrix-category", "value", "inclusion_error"), ("findings-matrix-mode", "value", "counts"), ("font-scale", "data", 1)],
        [("findings-scope", "data", PROVINCE), ("page-lang", "data", LANG)],
    )
    heatmap = response["findings-matrix"]["figure"]["data"][0]
    assert heatmap["type"] == "heatmap"
    counts = _raw_matrix(site["raw"], site["day"], PROVINCE, "inclusion_error")
    assert counts.sum() > 100  # something to compare
    assert heatmap["text"] == [["" if n == 0 else format_int(n, LANG) for n in row] for row in counts]
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts * 100.0, totals, out=np.zeros(counts.shape), where=totals > 0)
    assert (totals == 0).any()  # an empty row, drawn as 0
    np.testing.assert_allclose(_grid(heatmap["z"]), shares, rtol=0, atol=1e-6)


# --- 4. the map ------------------------------------------------------------------------------


def test_the_map_shows_the_share_leaving_pkh_per_province(site, findings):
    response = _callback(
        site, "findings-map.figure",
        [("findings-metric", "value", "left_eligibility_pct"), ("findings-programme", "value", "pkh"),
         ("data-version", "data", site["version"]), ("font-scale", "data", 1)],
        [("findings-scope", "data", None), ("page-lang", "data", LANG), ("findings-map", "figure", None)],
    )
    traces = [tr for tr in response["findings-map"]["figure"]["data"] if tr.get("locations") and tr.get("name") == "values"]
    assert len(traces) == 1
    shown = dict(zip(traces[0]["locations"], _array(traces[0]["z"])))
    expected = findings("province_code")["left_eligibility_pct_pkh"]
    assert len(shown) == 38 and set(shown) == set(expected.index)
    assert shown == {code: _map_rounding(expected[code]) for code in shown}


# --- 5. the regions and the facilitators -----------------------------------------------------


def test_the_regions_of_a_province_carry_their_reranked(site, findings):
    response = _callback(
        site, "findings-regions.children",
        [("data-version", "data", site["version"]), ("findings-metric", "value", "left_eligibility_pct"), ("findings-programme", "value", "pkh")],
        [("findings-scope", "data", PROVINCE), ("page-lang", "data", LANG)],
    )
    rows = _ranking_rows(response["findings-regions"]["children"])
    regencies = site["regencies"]
    own = regencies.index[regencies["province_code"] == PROVINCE]
    assert sorted(rows.index) == sorted(own)
    expected = findings("regency_code").reindex(own)
    assert rows["reranked"].astype(int).to_dict() == expected["reranked"].fillna(0).astype(int).to_dict()
    assert rows["reranked"].sum() == findings("province_code").loc[PROVINCE, "reranked"]
    for column in ("inclusion_confirmed_pkh", "exclusion_confirmed_pkh"):
        assert rows[column].astype(int).to_dict() == expected[column].fillna(0).astype(int).to_dict(), column
    for column in ("left_eligibility_pct_pkh", "not_eligible_pct_pkh"):
        pd.testing.assert_series_equal(rows[column].astype(float).sort_index(), expected[column].sort_index(), check_names=False, rtol=1e-9)


def test_the_facilitators_of_a_regency_carry_their_reranked(site, findings):
    response = _callback(
        site, "findings-facilitators.children",
        [("data-version", "data", site["version"]), ("findings-metric", "value", "left_eligibility_pct"), ("findings-programme", "value", "pkh")],
        [("findings-scope", "data", REGENCY), ("page-lang", "data", LANG)],
    )
    rows = _ranking_rows(response["findings-facilitators"]["children"])
    staff = site["facilitators"].index[site["facilitators"] == REGENCY]
    assert sorted(rows.index) == sorted(staff)
    expected = findings("facilitator_id").reindex(staff)
    assert expected["reranked"].sum() > 0
    assert rows["reranked"].astype(int).to_dict() == expected["reranked"].fillna(0).astype(int).to_dict()
    assert rows["reranked"].sum() == findings("regency_code").loc[REGENCY, "reranked"]
    assert rows["inclusion_confirmed_pkh"].astype(int).to_dict() == expected["inclusion_confirmed_pkh"].fillna(0).astype(int).to_dict()


# --- 6. the candidate types and the inactive NIKs --------------------------------------------


@pytest.mark.parametrize("scope", [None, PROVINCE], ids=["national", "province"])
def test_the_categories_and_the_inactive_niks(site, findings, scope):
    response = _callback(
        site, "findings-categories.figure|findings-category-table.children|findings-nik.figure",
        [("data-version", "data", site["version"]), ("findings-programme", "value", "pkh"), ("font-scale", "data", 1)],
        [("findings-scope", "data", scope), ("page-lang", "data", LANG)],
    )
    rows = site["raw"].rows
    if scope:
        rows = rows[rows["province_code"] == scope]
    submitted = rows[rows["submitted_day"].notna() & (rows["submitted_day"] <= site["day"])]
    key = "province_code" if scope else "nation"
    split = findings(key, category=True).loc[scope or "ID"]

    # Inactive NIKs handed in, by outcome.
    bars = response["findings-nik"]["figure"]["data"][0]
    shown = dict(zip(bars["y"], _array(bars["x"])))
    niks = submitted.loc[submitted["category"] == "inactive_nik", "outcome"].value_counts()
    assert niks.sum() > 100
    expected = {label_of(VISIT_OUTCOME_TERMS, outcome, LANG): int(n) for outcome, n in niks.items()}
    assert {label: int(n) for label, n in shown.items() if n} == expected
    assert sum(shown.values()) == niks.sum()

    # The candidate types in words: submitted, re-ranked, confirmed.
    table = response["findings-category-table"]["children"]
    lines = {}
    for row in (n for n in _nodes(table) if n.get("type") == "Tr"):
        cells = [_text(c) for c in _nodes(row["props"]["children"]) if c.get("type") == "Td"]
        if cells:
            lines[cells[0]] = cells
    for category, confirmed in (("inclusion_error", "inclusion_confirmed_pkh"), ("exclusion_error", "exclusion_confirmed_pkh")):
        cells = lines[label_of(TARGET_CATEGORY_TERMS, category, LANG)]
        assert cells[1] == format_int((submitted["category"] == category).sum(), LANG), category
        assert cells[2] == format_int(split.loc[category, "reranked"], LANG), category
        assert cells[3] == format_int(split.loc[category, confirmed], LANG), category
        assert cells[4] == format_percent(split.loc[category, confirmed.replace("_confirmed_", "_confirmed_pct_")], LANG), category
        assert cells[5] == format_int(split.loc[category, "awaiting_rerank"], LANG), category
    assert split.loc["inclusion_error", "inclusion_confirmed_pkh"] > 0

    # The stacked bars: the first segment is the confirmed errors of each candidate type.
    confirmed_bars = response["findings-categories"]["figure"]["data"][0]
    bars = dict(zip(confirmed_bars["y"], _array(confirmed_bars["x"])))
    assert bars == {
        label_of(TARGET_CATEGORY_TERMS, "inclusion_error", LANG): split.loc["inclusion_error", "inclusion_confirmed_pkh"],
        label_of(TARGET_CATEGORY_TERMS, "exclusion_error", LANG): split.loc["exclusion_error", "exclusion_confirmed_pkh"],
    }


# --- 7. the API ------------------------------------------------------------------------------


def _api_rows(response) -> pd.DataFrame:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return pd.DataFrame(response.get_json()["rows"]).set_index("code")


@pytest.mark.parametrize("week_before", [False, True], ids=["newest", "week-before"])
def test_the_api_serves_the_findings_of_one_category(site, findings, week_before):
    day = site["day"] - dt.timedelta(days=7) if week_before else site["day"]
    path = "/api/v1/progress?level=province&category=inclusion_error" + (f"&as_of={day.isoformat()}" if week_before else "")
    response = _get(site, path)
    rows = _api_rows(response)
    body = response.get_json()
    assert body["category"] == "inclusion_error" and body["as_of"] == day.isoformat()
    expected = findings("province_code", day, category=True).xs("inclusion_error", level="category")
    assert len(rows) == 38 and set(expected.index) <= set(rows.index)
    expected = expected.reindex(rows.index)
    expected[list(COUNTS)] = expected[list(COUNTS)].fillna(0)
    assert expected["reranked"].sum() > 100
    missing = set(expected.columns) - set(rows.columns)
    assert not missing, missing
    for column in expected.columns:
        pd.testing.assert_series_equal(rows[column].astype(float), expected[column].astype(float), check_names=False, rtol=1e-9, obj=column)
    raw = site["raw"].rows
    targets = raw[raw["category"] == "inclusion_error"].groupby("province_code").size().reindex(rows.index).fillna(0)
    assert rows["targets"].astype(int).to_dict() == targets.astype(int).to_dict()


def test_the_api_refuses_bad_categories(site):
    assert _get(site, "/api/v1/progress?level=province&category=bogus").status_code == 400
    assert _get(site, f"/api/v1/progress?level=facilitator&parent={REGENCY}&category=inclusion_error").status_code == 400
    assert _get(site, f"/api/v1/transitions?scope={PROVINCE}&category=bogus").status_code == 400


@pytest.mark.parametrize("week_before", [False, True], ids=["newest", "week-before"])
def test_the_api_serves_the_transition_matrix(site, week_before):
    day = site["day"] - dt.timedelta(days=7) if week_before else site["day"]
    path = f"/api/v1/transitions?scope={PROVINCE}&category=exclusion_error" + (f"&as_of={day.isoformat()}" if week_before else "")
    response = _get(site, path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()
    expected = _raw_matrix(site["raw"], day, PROVINCE, "exclusion_error")
    assert expected.sum() > 100
    assert body["scope"] == PROVINCE and body["category"] == "exclusion_error" and body["as_of"] == day.isoformat()
    assert body["matrix"] == expected.tolist()
    assert body["reranked"] == int(expected.sum())
    assert body["desil"] == list(range(1, 11))
    assert body["cutoffs"] == dict(CUTOFFS)


def test_the_api_matrix_changes_over_the_week(site):
    """The week-before check compares something: fewer families re-ranked then."""
    now = _raw_matrix(site["raw"], site["day"], PROVINCE, "exclusion_error").sum()
    before = _raw_matrix(site["raw"], site["day"] - dt.timedelta(days=7), PROVINCE, "exclusion_error").sum()
    assert now > before > 0


def test_the_api_refuses_a_province_user_another_province(site):
    assert _get(site, f"/api/v1/transitions?scope={FOREIGN}", "province").status_code == 403
    own = _get(site, f"/api/v1/transitions?scope={PROVINCE}", "province")
    assert own.status_code == 200
    assert own.get_json()["matrix"] == _raw_matrix(site["raw"], site["day"], PROVINCE, None).tolist()


# --- 8. the export ---------------------------------------------------------------------------


def test_the_findings_export_of_a_province(site, findings):
    response = _get(site, f"/export/findings.csv?parent={PROVINCE}&programme=pkh")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    meta, table = _csv_table(response)
    code, reranked = t("export.code", LANG), get_metric("reranked").heading(LANG)
    left = get_metric("left_eligibility_pct_pkh").heading(LANG)
    inclusion = get_metric("inclusion_confirmed_pkh").heading(LANG)
    table = table.set_index(code)
    regencies = site["regencies"]
    own = regencies.index[regencies["province_code"] == PROVINCE]
    assert sorted(table.index) == sorted(own)  # one row per kabupaten/kota, each once
    expected = findings("regency_code").reindex(own)
    assert table[reranked].to_dict() == {c: str(int(v)) for c, v in expected["reranked"].fillna(0).items()}
    assert table[inclusion].to_dict() == {c: str(int(v)) for c, v in expected["inclusion_confirmed_pkh"].fillna(0).items()}
    assert table[left].to_dict() == {c: _half_up(v) for c, v in expected["left_eligibility_pct_pkh"].items()}
    # The province user sees the same kabupaten/kota of their own province.
    _, theirs = _csv_table(_get(site, f"/export/findings.csv?parent={PROVINCE}&programme=pkh", "province"))
    assert sorted(theirs[code]) == sorted(own)


def test_the_findings_export_of_a_regency_as_xlsx(site, findings):
    response = _get(site, f"/export/findings.xlsx?parent={REGENCY}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert zipfile.is_zipfile(io.BytesIO(response.data))
    table = pd.read_excel(io.BytesIO(response.data), skiprows=7, dtype={t("facilitator.id", LANG): str})
    table = table.set_index(t("facilitator.id", LANG))
    staff = site["facilitators"].index[site["facilitators"] == REGENCY]
    assert sorted(table.index) == sorted(staff)
    expected = findings("facilitator_id").reindex(staff)["reranked"].fillna(0).astype(int)
    assert table[get_metric("reranked").heading(LANG)].astype(int).to_dict() == expected.to_dict()


def test_the_findings_export_refuses(site):
    assert _get(site, f"/export/findings.csv?parent={PROVINCE}&programme=bogus").status_code == 400
    assert _get(site, f"/export/findings.csv?parent={FOREIGN}", "province").status_code == 403
    assert _get(site, f"/export/findings.xlsx?parent={FOREIGN}.01", "province").status_code == 403
