"""The wall's figures, called as the browser calls them (no browser): the header against
the forecast, both ends of the ranking for a scope of few regions, the regions too small to
rank left out, a kabupaten/kota refused where regions below it are asked for, and the
account of several regions asked to pick one; the findings panel against the raw tables."""

from __future__ import annotations

import dash
import pytest

from dashboard.access.policy import Access
from dashboard.factory import create_app
from dashboard.figures.forecast import child_forecasts, scope_forecast
from dashboard.figures.overview import MIN_RANKED_DENOMINATOR
from dashboard.figures.queries import Scope, data_state, round_dates
from dashboard.formatting import format_percent
from dashboard.store.database import get_engine
from tests import auth
from tests.integration.national.test_national_callbacks import _call, _prop


@pytest.fixture(scope="module")
def wall(standard_sqlite_round_url):
    url = standard_sqlite_round_url
    app = create_app(auth.settings(url))
    client = app.server.test_client()
    auth.sign_in(client, url, "national")
    version = _call(client, [{"id": "data-version", "property": "data"}], [_prop("refresh-timer", "n_intervals", 1), _prop("url", "search", "")],
                    [_prop("data-version", "data", None)]).get_json()["response"]["data-version"]["data"]
    return app, client, url, version


def _children_text(component) -> list[str]:
    """Every text of a component tree (JSON), depth first."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list):
        return [text for child in component for text in _children_text(child)]
    if isinstance(component, dict):
        return _children_text(component.get("props", {}).get("children"))
    return []


def _ranking(client, version, scope):
    response = _call(client, [{"id": "wall-ranking", "property": "children"}], [_prop("data-version", "data", version)],
                     [_prop("wall-scope", "data", scope), _prop("page-lang", "data", "en")])
    return response


def test_the_header_shows_the_forecast_of_the_scope(wall):
    _, client, url, version = wall
    response = _call(client, [{"id": "wall-kpis", "property": "children"}], [_prop("data-version", "data", version)],
                     [_prop("wall-scope", "data", "35"), _prop("page-lang", "data", "en")])
    texts = _children_text(response.get_json()["response"]["wall-kpis"]["children"])
    engine = get_engine(url)
    dates, day = round_dates(engine, 1), data_state(engine, 1).day
    forecast = scope_forecast(engine, 1, Scope.of("35"), day, dates.start_date, dates.deadline, access=Access.nationwide())
    assert format_percent(forecast.completion_pct, "en") in texts and format_percent(forecast.expected_pct, "en") in texts
    # Submitted and targets against the raw tables (the round's data ends at its clock).
    with get_engine(url).connect() as conn:
        submitted = conn.exec_driver_sql("SELECT count(*) FROM visit WHERE province_code = '35' AND submitted_at IS NOT NULL").scalar_one()
        targets = conn.exec_driver_sql("SELECT count(*) FROM target WHERE province_code = '35'").scalar_one()
    assert f"{submitted:,} / {targets:,}" in texts
    assert format_percent(100 * submitted / targets, "en") == format_percent(forecast.completion_pct, "en")


def test_both_ends_of_the_ranking_are_in_view_and_small_regions_are_not_ranked(wall):
    _, client, url, version = wall
    engine = get_engine(url)
    dates, day = round_dates(engine, 1), data_state(engine, 1).day
    forecasts = child_forecasts(engine, 1, Scope.of("31"), day, dates.start_date, dates.deadline, access=Access.nationwide())
    ranked = forecasts[(forecasts["status"] != "no_targets") & (forecasts["targets"] >= MIN_RANKED_DENOMINATOR)]
    too_small = forecasts.index.difference(ranked.index)
    # DKI Jakarta: six kabupaten/kota, of which Kepulauan Seribu (and, in this small round,
    # one more) have fewer than 50 targets.
    assert len(forecasts) == 6 and 2 <= len(ranked) <= 5 and len(too_small) >= 1
    columns = _ranking(client, version, "31").get_json()["response"]["wall-ranking"]["children"]
    ahead, behind = (len(column["props"]["children"][1]["props"]["children"]) for column in columns)
    assert (ahead, behind) == (-(-len(ranked) // 2), len(ranked) // 2)
    names = get_engine(url).connect().exec_driver_sql("SELECT code, name FROM regency WHERE province_code = '31'").all()
    shown = " ".join(_children_text(columns)).lower()
    assert all(name.lower() in shown for code, name in names if code in ranked.index)
    assert not any(name.lower() in shown for code, name in names if code in too_small)


def test_a_kabupaten_kota_has_no_regions_to_rank_or_map(wall):
    _, client, _, version = wall
    for output in ("wall-ranking.children", "wall-map.figure"):
        if output == "wall-ranking.children":
            response = _ranking(client, version, "35.77")
        else:
            response = _call(client, [{"id": "wall-map", "property": "figure"}],
                             [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
                             [_prop("wall-scope", "data", "35.77"), _prop("page-lang", "data", "en"), _prop("wall-metric", "data", "completion_pct"),
                              _prop("wall-map", "figure", None)])
        assert response.status_code == 200, output
        body = str(response.get_json())
        assert ("access-denied" in body or "'access': 'denied'" in body) and "wall-rows" not in body, output


def test_an_account_of_several_regions_picks_the_one_its_wall_shows(wall):
    app, _, url, _ = wall
    page = next(p for p in dash.page_registry.values() if p["path"] == "/wall")
    with auth.signed_in_request(app.server, Access.of_user("wall-two", "display", ["32", "33"])):
        layout = page["layout"](lang="en")
    links = str(layout)
    assert "/wall?scope=32&lang=en" in links and "/wall?scope=33&lang=en" in links and "wall-kpis" not in links
    with auth.signed_in_request(app.server, Access.of_user("wall-two", "display", ["32", "33"])):
        layout = page["layout"](lang="en", scope="32")
    assert "wall-kpis" in str(layout)


def test_the_findings_panel_against_the_raw_tables(wall):
    """The findings panel: its figures (PKH's range) and the provinces where most families
    leave it, as pandas computes them from the raw tables; a kabupaten/kota gets its figures
    and matrix, no list."""
    from tests.integration.metrics.test_findings_figures import CUTOFFS, Raw

    _, client, url, version = wall
    raw = Raw(url)
    day = data_state(get_engine(url), 1).day
    nation = raw.findings("nation", day, CUTOFFS).iloc[0]
    response = _call(client, [{"id": "wall-findings", "property": "children"}], [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
                     [_prop("wall-scope", "data", None), _prop("page-lang", "data", "en")])
    children = response.get_json()["response"]["wall-findings"]["children"]
    texts = _children_text(children)
    assert f"{int(nation['reranked']):,}" in texts and f"{int(nation['inclusion_confirmed_pkh']):,}" in texts
    assert format_percent(nation["left_eligibility_pct_pkh"], "en") in texts and format_percent(nation["entered_eligibility_pct_pkh"], "en") in texts
    provinces = raw.findings("province_code", day, CUTOFFS)
    eligible = raw.rows[raw.rows["reranked_day"].notna() & (raw.rows["reranked_day"] <= day) & (raw.rows["desil_before"] <= 4)].groupby("province_code").size()
    ranked = provinces.loc[eligible[eligible >= MIN_RANKED_DENOMINATOR].index, "left_eligibility_pct_pkh"].sort_values(ascending=False, kind="stable")
    rows = children[1]["props"]["children"][0]["props"]["children"][1]["props"]["children"]
    shown = [_children_text(row)[1] for row in rows]  # name, value, "of n"
    assert shown == [format_percent(v, "en") for v in ranked.head(len(shown))] and len(shown) == min(8, len(ranked))
    regency = _call(client, [{"id": "wall-findings", "property": "children"}], [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
                    [_prop("wall-scope", "data", "35.77"), _prop("page-lang", "data", "en")]).get_json()["response"]["wall-findings"]["children"]
    assert "wall-rows" not in str(regency) and "wall-findings-matrix" in str(regency)
    assert f"{int(raw.findings('regency_code', day, CUTOFFS).loc['35.77', 'reranked']):,}" in _children_text(regency)


def test_the_training_panel_against_the_raw_tables(wall):
    """The training panel: trained share, not yet trained, instructors, the gain of the
    nation; the regions with the most left to train, most first."""
    from dashboard.formatting import format_decimal, format_int
    from tests.integration.metrics.test_training_figures import Raw

    _, client, url, version = wall
    raw = Raw(url)
    day = data_state(get_engine(url), 1).day
    f = raw.trained(day)
    trained = f[f["trained"]]
    response = _call(client, [{"id": "wall-training", "property": "children"}], [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
                     [_prop("wall-scope", "data", None), _prop("page-lang", "data", "en")])
    children = response.get_json()["response"]["wall-training"]["children"]
    texts = _children_text(children)
    assert format_percent(len(trained) / len(f) * 100, "en") in texts and format_int(int((~f["trained"]).sum()), "en") in texts
    assert format_decimal((trained["post"] - trained["pre"]).mean(), "en", 1) in texts
    untrained = (~f["trained"]).groupby(f["province_code"]).sum()
    rows = children[1]["props"]["children"][0]["props"]["children"][1]["props"]["children"]
    shown = [int(_children_text(row)[1].replace(",", "")) for row in rows]
    assert shown == sorted(untrained[untrained > 0], reverse=True)[: len(shown)] and len(shown) == min(8, int((untrained > 0).sum()))


def test_the_quality_panel_lists_the_most_flagged_regions(wall):
    """"Most flagged" means the highest share of flagged submissions (rank 1 is the best:
    the panel once listed the least flagged provinces under this title), against the
    flagged and submitted visits counted from the raw tables."""
    _, client, url, version = wall
    response = _call(client, [{"id": "wall-quality", "property": "children"}],
                     [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
                     [_prop("wall-scope", "data", None), _prop("page-lang", "data", "en")])
    shown = {text.lower() for text in _children_text(response.get_json()["response"]["wall-quality"]["children"])}
    with get_engine(url).connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.code, p.name, count(*) AS submitted,"
            " count(DISTINCT CASE WHEN f.target_id IS NOT NULL THEN v.target_id END) AS flagged"
            " FROM visit v JOIN province p ON p.code = v.province_code"
            " LEFT JOIN quality_flag f ON f.target_id = v.target_id"
            " WHERE v.submitted_at IS NOT NULL GROUP BY p.code, p.name"
        ).all()
    share = {name.lower(): flagged / submitted for _, name, submitted, flagged in rows if submitted >= MIN_RANKED_DENOMINATOR}
    ordered = sorted(share, key=share.get, reverse=True)
    listed = [name for name in ordered if name in shown]
    assert listed == ordered[: len(listed)] and len(listed) == 8, (ordered, shown)
