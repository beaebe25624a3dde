"""The training page's callbacks (called as the browser calls them) carry the figures pandas
computes from the raw tables (``tests/integration/metrics/test_training_figures.Raw``), and
refuse another area's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.factory import create_app
from dashboard.figures.queries import data_state
from dashboard.formatting import format_decimal, format_int, format_percent
from dashboard.store.database import get_engine
from tests import auth
from tests.integration.metrics.test_training_figures import Raw
from tests.integration.national.test_national_callbacks import _array, _call, _prop


@pytest.fixture(scope="module")
def page(standard_sqlite_round_url):
    url = standard_sqlite_round_url
    server = create_app(auth.settings(url)).server
    national, jatim = server.test_client(), server.test_client()
    auth.sign_in(national, url)
    auth.sign_in(jatim, url, "province", ["35"])
    version = _call(national, [{"id": "data-version", "property": "data"}], [_prop("refresh-timer", "n_intervals", 1), _prop("url", "search", "")],
                    [_prop("data-version", "data", None)]).get_json()["response"]["data-version"]["data"]
    return national, jatim, version, Raw(url), data_state(get_engine(url), 1).day


def _text(component) -> str:
    return str(component)


def test_the_pages_answer(page):
    national, jatim, *_ = page
    for path in ("/pelatihan", "/pelatihan/35", "/pelatihan/35.77"):
        assert national.get(path).status_code == 200  # who sees which page: tests/integration/access/test_who_sees_what.py


def test_the_cards_show_the_trained_and_their_scores(page):
    national, _, version, raw, day = page
    for scope in (None, "35"):
        cards = _call(national, [{"id": "training-summary", "property": "children"}], [_prop("data-version", "data", version)],
                      [_prop("training-scope", "data", scope), _prop("page-lang", "data", "id")]).get_json()["response"]["training-summary"]["children"]
        f = raw.in_scope(raw.trained(day).reset_index(), scope)
        trained = f[f["trained"]]
        text = _text(cards)
        assert format_percent(len(trained) / len(f) * 100, "id") in text
        assert format_int(int(f["late"].sum()), "id") in text and format_int(int((~f["trained"]).sum()), "id") in text
        assert format_decimal(trained["post"].mean(), "id", 1) in text
        assert format_decimal((trained["post"] - trained["pre"]).mean(), "id", 1) in text


def test_the_score_chart_and_the_relation_table(page):
    national, _, version, raw, day = page
    response = _call(national, [{"id": "training-scores", "property": "figure"}, {"id": "training-classes", "property": "figure"}],
                     [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
                     [_prop("training-scope", "data", "35"), _prop("page-lang", "data", "en")]).get_json()["response"]
    pre, post = response["training-scores"]["figure"]["data"]
    f = raw.in_scope(raw.trained(day).reset_index(), "35")
    trained = f[f["trained"]]
    expected = (np.minimum(trained["post"].astype(int), 99) // 10 * 10).value_counts().reindex(range(0, 100, 10), fill_value=0)
    assert _array(post["y"]) == expected.tolist()
    relation = _call(national, [{"id": "training-relation", "property": "figure"}, {"id": "training-relation-table", "property": "children"}],
                     [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
                     [_prop("training-scope", "data", "35"), _prop("page-lang", "data", "en")]).get_json()["response"]
    rows = relation["training-relation-table"]["children"]["props"]["data"]
    bands = {r["band"]: r["facilitators"] for r in rows}
    assert bands["90–100"] == int((trained["post"] >= 90).sum()) and bands["<60"] == int((trained["post"] < 60).sum())
    assert bands["Not trained"] == int((~f["trained"]).sum())
    assert sum(bands.values()) == len(f)


def test_the_regions_and_another_areas_figures(page):
    national, jatim, version, raw, day = page
    regions = _call(national, [{"id": "training-regions", "property": "children"}], [_prop("data-version", "data", version)],
                    [_prop("training-scope", "data", "35"), _prop("page-lang", "data", "en")]).get_json()["response"]["training-regions"]["children"]
    rows = pd.DataFrame(regions["props"]["data"])
    f = raw.in_scope(raw.trained(day).reset_index(), "35")
    assert len(rows) == f["regency_code"].nunique() and rows["facilitators"].sum() == len(f)
    denied = _call(jatim, [{"id": "training-summary", "property": "children"}], [_prop("data-version", "data", version)],
                   [_prop("training-scope", "data", "32"), _prop("page-lang", "data", "en")]).get_json()["response"]["training-summary"]["children"]
    assert "access-denied" in str(denied)


def test_the_api_and_the_download(page):
    national, jatim, version, raw, day = page
    body = national.get("/api/v1/training?scope=35&by=children").get_json()
    f = raw.in_scope(raw.trained(day).reset_index(), "35")
    rows = {r["code"]: r for r in body["rows"]}
    assert sum(r["facilitators"] for r in rows.values()) == len(f) and sum(r["trained"] for r in rows.values()) == int(f["trained"].sum())
    assert rows["35.77"]["name"] == "KOTA MADIUN"
    bands = {b["band"]: b["facilitators"] for b in body["by_post_test_band"]}
    assert sum(bands.values()) == len(f) and bands["not trained"] == int((~f["trained"]).sum())
    assert national.get("/api/v1/training?by=all").status_code == 400
    assert jatim.get("/api/v1/training?scope=32").status_code == 403
    csv = national.get("/export/training.csv?parent=35&lang=en")
    assert csv.status_code == 200 and "groundcheck_pelatihan-provinsi_35_" in csv.headers["Content-Disposition"]
    assert "KOTA MADIUN" in csv.get_data(as_text=True).upper()
    assert national.get("/export/training.xlsx").status_code == 200
    assert national.get("/export/training.csv?parent=35.77").status_code == 400


def test_the_facilitator_page_shows_their_training(page):
    national, _, version, raw, day = page
    trained = raw.trained(day)
    for facilitator, expect in ((trained[trained["trained"]].index[0], "post"), (trained[~trained["trained"]].index[0], "none")):
        response = _call(national, [{"id": "facilitator-content", "property": "children"}, {"id": "facilitator-summary", "property": "children"}],
                         [_prop("data-version", "data", version), _prop("font-scale", "data", 1)],
                         [_prop("facilitator-id", "data", facilitator), _prop("page-lang", "data", "en")]).get_json()["response"]
        text = str(response["facilitator-content"]["children"])
        assert "facilitator-training" in text
        if expect == "post":
            assert format_int(int(trained.loc[facilitator, "post"]), "en") in text and "Not trained yet." not in text
        else:
            assert "Not trained yet." in text


def test_the_facilitator_table_shows_the_post_test_and_filters_the_untrained(page):
    """In a kabupaten/kota where someone is not trained yet: the grid's post-test is the raw
    one, and the "not trained" switch keeps exactly the untrained."""
    national, _, version, raw, day = page
    trained = raw.trained(day)
    regency = trained.loc[~trained["trained"], "regency_code"].value_counts().index[0]

    def rows(model):
        request = {"startRow": 0, "endRow": 500, "filterModel": model, "sortModel": []}
        response = _call(national, [{"id": "regency-facilitators", "property": "getRowsResponse"}, {"id": "regency-table-count", "property": "children"}],
                         [_prop("regency-facilitators", "getRowsRequest", request), _prop("data-version", "data", version)],
                         [_prop("regency-scope", "data", regency), _prop("page-lang", "data", "en")]).get_json()["response"]
        return pd.DataFrame(response["regency-facilitators"]["getRowsResponse"]["rowData"]).set_index("id")

    everyone = rows({})
    mine = trained[trained["regency_code"] == regency]
    assert set(everyone.index) == set(mine.index)
    shown = everyone["post_score"].astype(float)
    assert (shown.fillna(-1) == mine["post"].reindex(shown.index).astype(float).fillna(-1)).all()
    untrained = rows({"not_trained": {"filterType": "text", "type": "equals", "filter": "true"}})
    assert set(untrained.index) == set(mine.index[~mine["trained"]]) and len(untrained) > 0
