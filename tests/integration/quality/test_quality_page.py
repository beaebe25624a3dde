"""The quality page's callbacks (called as the browser calls them, no browser), the quality
columns of the facilitator table, the facilitator page's flag list and the JSON API carry
the same figures as pandas computes straight from the tables."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.factory import create_app
from dashboard.figures.facilitators import facilitator_table
from dashboard.figures.overview import MIN_RANKED_DENOMINATOR
from dashboard.figures.queries import data_state, round_dates
from dashboard.formatting import format_int, format_percent
from dashboard.quality.rules import RULES
from dashboard.store.database import get_engine
from tests import auth
from tests.integration.national.test_national_callbacks import _array, _call, _prop

WIB = pd.Timedelta(hours=7)


@pytest.fixture(scope="module")
def page(scored_round_url):
    url = scored_round_url
    client = create_app(auth.settings(url)).server.test_client()
    auth.sign_in(client, url)
    response = _call(client, [{"id": "data-version", "property": "data"}], [_prop("refresh-timer", "n_intervals", 1), _prop("url", "search", "")], [_prop("data-version", "data", None)])
    version = response.get_json()["response"]["data-version"]["data"]
    engine = sa.create_engine(url)
    visits = pd.read_sql("SELECT target_id, facilitator_id, province_code, regency_code, submitted_at, first_reviewed_at, first_returned_at FROM visit", engine)
    flags = pd.read_sql("SELECT target_id, rule FROM quality_flag", engine)
    risk = pd.read_sql("SELECT facilitator_id, regency_code, province_code, score, high_risk FROM facilitator_risk", engine)
    engine.dispose()
    return client, url, version, visits, flags, risk


def _expected(visits: pd.DataFrame, flags: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """Per region: submitted, flagged (visits with a flag), flagged_pct, reviewed, returned."""
    v = visits.assign(nation="ID")
    key = key or "nation"
    submitted = v[v["submitted_at"].notna()]
    flagged = submitted[submitted["target_id"].isin(flags["target_id"])]
    out = pd.DataFrame({"submitted": submitted.groupby(key).size()})
    out["flagged"] = flagged.groupby(key).size().reindex(out.index).fillna(0)
    out["flagged_pct"] = out["flagged"] / out["submitted"] * 100
    out["reviewed"] = v[v["first_reviewed_at"].notna()].groupby(key).size().reindex(out.index).fillna(0)
    out["returned"] = v[v["first_returned_at"].notna()].groupby(key).size().reindex(out.index).fillna(0)
    out["first_review_approval_pct"] = (out["reviewed"] - out["returned"]) / out["reviewed"] * 100
    return out


def _quality_call(client, version, output: str, scope=None, lang="id"):
    outputs = [{"id": o, "property": p} for o, p in (x.split(".") for x in output.split("|"))]
    return _call(
        client,
        outputs,
        [_prop("data-version", "data", version)],
        [_prop("quality-scope", "data", scope), _prop("page-lang", "data", lang)],
    ).get_json()["response"]


def test_the_quality_map_shows_the_share_flagged_per_province(page):
    client, url, version, visits, flags, _ = page
    response = _call(
        client,
        [{"id": "quality-map", "property": "figure"}],
        [_prop("quality-metric", "value", "flagged_pct"), _prop("quality-map-view", "value", "map"), _prop("data-version", "data", version), _prop("font-scale", "data", 1)],
        [_prop("quality-scope", "data", None), _prop("page-lang", "data", "id"), _prop("quality-map", "figure", None)],
    )
    trace = response.get_json()["response"]["quality-map"]["figure"]["data"][1]
    shown = pd.Series(_array(trace["z"]), index=trace["locations"])
    expected = _expected(visits, flags, "province_code")["flagged_pct"]
    # The map carries values rounded to 4 decimals (enough for a colour, smaller responses).
    pd.testing.assert_series_equal(shown.sort_index(), expected.reindex(shown.index).sort_index().round(4), check_names=False)


def test_the_quality_kpis_are_the_national_figures(page):
    client, url, version, visits, flags, risk = page
    cards = str(_quality_call(client, version, "quality-kpis.children"))
    nation = _expected(visits, flags, None).loc["ID"]
    assert format_percent(nation["flagged_pct"], "id") in cards
    assert format_int(nation["flagged"], "id") in cards
    assert format_percent(nation["first_review_approval_pct"], "id") in cards
    assert format_int(int(risk["high_risk"].astype(bool).sum()), "id") in cards


def test_flags_by_rule_count_the_stored_flags(page):
    client, url, version, visits, flags, _ = page
    response = _call(
        client,
        [{"id": "quality-rules", "property": "figure"}, {"id": "quality-trend", "property": "figure"}],
        [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
        [_prop("quality-scope", "data", "35"), _prop("page-lang", "data", "en")],
    ).get_json()["response"]
    bars = response["quality-rules"]["figure"]["data"][0]
    shown = dict(zip(bars["y"], _array(bars["x"])))
    in_province = flags[flags["target_id"].isin(visits.loc[visits["province_code"] == "35", "target_id"])]
    expected = in_province.groupby("rule").size()
    assert shown == {r.label("en"): int(expected.get(r.id, 0)) for r in RULES}
    per_day = sum(sum(_array(trace["y"])) for trace in response["quality-trend"]["figure"]["data"])
    assert per_day == len(in_province)


def test_the_riskiest_facilitators_come_first_with_links(page):
    client, url, version, visits, flags, risk = page
    table = _quality_call(client, version, "quality-facilitators.children", scope="32")["quality-facilitators"]["children"]
    rows = table["props"]["data"]
    in_province = risk[risk["province_code"] == "32"].dropna(subset=["score"]).sort_values("score", ascending=False)
    assert rows[0]["risk_score"] == round(in_province["score"].iloc[0])
    assert rows[0]["name"].endswith(f"(/pendamping/{in_province['facilitator_id'].iloc[0]}?lang=id)")


def test_the_regency_table_has_the_quality_columns(page):
    client, url, version, visits, flags, risk = page
    engine = get_engine(url)
    dates, day = round_dates(engine, 1), data_state(engine, 1).day
    table = facilitator_table(engine, 1, "35.77", day, dates.start_date, dates.deadline, access=Access.nationwide())
    expected = _expected(visits, flags, "facilitator_id")
    mine = expected.reindex(table.index).fillna(0)
    pd.testing.assert_series_equal(table["flagged"].astype(float), mine["flagged"].astype(float), check_names=False)
    shares = table["flagged_pct"].dropna()
    pd.testing.assert_series_equal(shares, mine.loc[shares.index, "flagged_pct"], check_names=False, rtol=1e-9)
    scores = risk.set_index("facilitator_id")["score"].reindex(table.index)
    pd.testing.assert_series_equal(table["risk_score"], scores, check_names=False)


def test_the_facilitator_page_lists_the_flags(page):
    client, url, version, visits, flags, risk = page
    flagged = visits[visits["target_id"].isin(flags["target_id"])]
    facilitator = flagged["facilitator_id"].value_counts().index[0]
    response = _call(
        client,
        [{"id": "facilitator-content", "property": "children"}, {"id": "facilitator-summary", "property": "children"}],
        [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
        [_prop("facilitator-id", "data", facilitator), _prop("page-lang", "data", "id")],
    ).get_json()["response"]
    text = str(response["facilitator-content"]["children"])
    engine = sa.create_engine(url)
    codes = pd.read_sql(
        sa.text("SELECT t.code FROM quality_flag q JOIN target t ON t.id = q.target_id WHERE q.facilitator_id = :f"),
        engine, params={"f": facilitator},
    )["code"]
    engine.dispose()
    assert len(codes) > 0 and all(code in text for code in codes)
    # Nothing that could identify a family: the codes are pseudonymous (T<round>-<9 digits>).
    assert codes.str.fullmatch(r"T1-\d{9}").all()


def test_the_api_serves_the_quality_figures(page):
    client, url, version, visits, flags, risk = page
    body = client.get("/api/v1/progress?level=province").get_json()
    rows = pd.DataFrame(body["rows"]).set_index("code")
    expected = _expected(visits, flags, "province_code")
    for column in ("flagged", "flagged_pct", "first_review_approval_pct"):
        pd.testing.assert_series_equal(rows[column].astype(float), expected[column].reindex(rows.index).astype(float), check_names=False, rtol=1e-9)
    at_risk = risk[risk["high_risk"].astype(bool)].groupby("province_code").size()
    assert rows["high_risk"].fillna(0).astype(int).to_dict() == at_risk.reindex(rows.index).fillna(0).astype(int).to_dict()
    metric_ids = {m["id"] for m in client.get("/api/v1/metrics").get_json()["metrics"]}
    assert {"flagged_pct", "first_review_approval_pct", "return_rate", "high_risk_pct"} <= metric_ids
    assert {f"flags_{r.id}" for r in RULES} <= metric_ids


def test_the_regency_table_of_the_quality_page(page):
    client, url, version, visits, flags, risk = page
    table = _call(
        client,
        [{"id": "quality-regions", "property": "children"}],
        [_prop("data-version", "data", version), _prop("quality-metric", "value", "flagged_pct")],
        [_prop("quality-scope", "data", "35"), _prop("page-lang", "data", "id")],
    ).get_json()["response"]["quality-regions"]["children"]
    rows = pd.DataFrame(table["props"]["children"][0]["props"]["data"]).set_index("code")
    expected = _expected(visits[visits["province_code"] == "35"], flags, "regency_code")
    at_risk = risk[risk["high_risk"].astype(bool)].groupby("regency_code").size()
    assert set(rows.index) >= set(expected.index)
    shown = rows.loc[expected.index]
    for column in ("submitted", "flagged", "flagged_pct", "first_review_approval_pct"):
        pd.testing.assert_series_equal(shown[column].astype(float), expected[column].astype(float), check_names=False, rtol=1e-9)
    assert shown["high_risk"].astype(int).to_dict() == at_risk.reindex(shown.index).fillna(0).astype(int).to_dict()
    # Worst first: the highest share flagged on top, among the kabupaten/kota with at least
    # MIN_RANKED_DENOMINATOR submissions; the others after them, without a rank.
    ranked = rows[rows["rank"].notna()]
    assert list(ranked["flagged_pct"]) == sorted(ranked["flagged_pct"], reverse=True)
    assert (ranked["submitted"] >= MIN_RANKED_DENOMINATOR).all()
    assert (rows.loc[rows["rank"].isna(), "submitted"].fillna(0) < MIN_RANKED_DENOMINATOR).all()
    assert list(rows["rank"].notna()) == sorted(rows["rank"].notna(), reverse=True)


def test_the_facilitator_list_counts_their_flags(page):
    client, url, version, visits, flags, risk = page
    table = _quality_call(client, version, "quality-facilitators.children")["quality-facilitators"]["children"]
    rows = pd.DataFrame(table["props"]["data"])
    rows["id"] = rows["name"].str.extract(r"/pendamping/([^?]+)\?")[0]
    expected = _expected(visits, flags, "facilitator_id")["flagged"]
    assert (rows.set_index("id")["flagged"] == expected.reindex(rows["id"]).fillna(0).to_numpy()).all()
    most = expected.sort_values(ascending=False)
    assert int(most.iloc[0]) == rows["flagged"].max()
