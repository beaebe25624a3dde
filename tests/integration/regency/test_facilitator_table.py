"""The kabupaten/kota page's facilitator table, its grid pages and its downloads equal an
independent computation with pandas from the raw tables."""

from __future__ import annotations

import datetime as dt
import csv
import io
import itertools
import json

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.figures.forecast import day_fraction, forecast_one
from dashboard.figures.facilitators import TableQuery, facilitator_table, quick_filter_model, select_rows
from dashboard.figures.queries import data_state, round_dates
from dashboard.store.database import get_engine
from dashboard.web.server import create_server
from tests import auth

WIB = pd.Timedelta(hours=7)
SAMPLE = ("35.77", "32.01", "94.04", "53.10")


@pytest.fixture(scope="module")
def round_(standard_round_url):
    url = standard_round_url
    engine = get_engine(url)
    state, dates = data_state(engine, 1), round_dates(engine, 1)
    raw = sa.create_engine(url)
    targets = pd.read_sql("SELECT id, facilitator_id, regency_code FROM target", raw)
    visits = pd.read_sql("SELECT target_id, facilitator_id, started_at, submitted_at, approved_at, first_returned_at FROM visit", raw)
    facilitators = pd.read_sql("SELECT id, name, regency_code FROM facilitator", raw)
    raw.dispose()
    for column in ("started_at", "submitted_at", "approved_at", "first_returned_at"):
        visits[column.replace("_at", "_day")] = (pd.to_datetime(visits[column]) + WIB).dt.date
    return engine, url, state, dates, targets, visits, facilitators


def expected_table(round_, regency: str) -> pd.DataFrame:
    _, _, state, dates, targets, visits, facilitators = round_
    day = state.day
    staff = facilitators[facilitators["regency_code"] == regency].set_index("id")
    v = visits[visits["facilitator_id"].isin(staff.index)]
    count = lambda mask: v[mask].groupby("facilitator_id").size().reindex(staff.index).fillna(0)  # noqa: E731
    out = pd.DataFrame(index=staff.index)
    out["targets"] = targets[targets["facilitator_id"].isin(staff.index)].groupby("facilitator_id").size().reindex(staff.index).fillna(0)
    out["visited"] = count(v["started_day"] <= day)
    out["submitted"] = count(v["submitted_day"].notna() & (v["submitted_day"] <= day))
    out["approved"] = count(v["approved_day"].notna() & (v["approved_day"] <= day))
    out["returned"] = count(v["first_returned_day"].notna() & (v["first_returned_day"] <= day))
    out["visits_1d"] = count(v["started_day"] == day)
    out["visits_7d"] = count((v["started_day"] <= day) & (v["started_day"] >= day - dt.timedelta(days=6)))
    out["completion_pct"] = out["submitted"] / out["targets"].where(out["targets"] > 0) * 100
    last = v[v["started_day"] <= day].groupby("facilitator_id")["started_day"].max().reindex(staff.index)
    out["last_visit_day"] = last
    never = pd.Timestamp(dates.start_date) - pd.Timedelta(days=1)
    out["days_idle"] = (pd.Timestamp(day) - pd.to_datetime(last).fillna(never)).dt.days
    return out


def test_facilitator_table_equals_pandas(round_):
    engine, _, state, dates, *_ = round_
    for regency in SAMPLE:
        actual = facilitator_table(engine, 1, regency, state.day, dates.start_date, dates.deadline, access=Access.nationwide())
        expected = expected_table(round_, regency)
        assert set(actual.index) == set(expected.index) and len(actual) > 0
        for column in ("targets", "visited", "submitted", "approved", "returned", "visits_1d", "visits_7d", "days_idle", "completion_pct"):
            pd.testing.assert_series_equal(
                actual[column].astype(float).sort_index(), expected[column].astype(float).sort_index(), check_names=False, obj=f"{regency} {column}"
            )
        assert (actual["last_visit_day"].sort_index().fillna("x") == expected["last_visit_day"].sort_index().fillna("x")).all()
        # The schedule: the one rule on each facilitator's own submissions per day (the
        # rule itself is checked on known series in tests/unit/test_forecast.py).
        visits = round_[5]
        for facilitator_id in actual.index:
            mine = visits[(visits["facilitator_id"] == facilitator_id) & visits["submitted_day"].notna()]
            per_day = mine.groupby("submitted_day").size()
            status = forecast_one(per_day, int(expected.loc[facilitator_id, "targets"]), state.day, dates.start_date, dates.deadline,
                                  fraction=day_fraction(engine, 1, state.day)).status
            assert actual.loc[facilitator_id, "schedule"] == status, facilitator_id
        assert (actual["behind_plan"] == actual["schedule"].isin(["behind", "at_risk"])).all()


def test_grid_pages_sort_search_and_quick_filters(round_):
    engine, _, state, dates, *_ = round_
    table = facilitator_table(engine, 1, "32.01", state.day, dates.start_date, dates.deadline, access=Access.nationwide())
    page, total = select_rows(table, TableQuery(0, 10, (("completion_pct", True),)))
    assert total == len(table) and len(page) == 10
    assert page["completion_pct"].is_monotonic_increasing
    assert page["completion_pct"].iloc[0] == table["completion_pct"].min()
    second, _ = select_rows(table, TableQuery(10, 20, (("completion_pct", True),)))
    assert not set(page.index) & set(second.index)
    idle, n_idle = select_rows(table, TableQuery(0, 1000, column_filters=quick_filter_model(None, True, False)))
    assert n_idle == (table["days_idle"] >= 3).sum() and (idle["days_idle"] >= 3).all()
    name = table["name"].iloc[0].split()[0]
    found, n_found = select_rows(table, TableQuery(0, 1000, column_filters=quick_filter_model(name.lower(), False, False)))
    assert n_found == table["name"].str.contains(name).sum() and (found["name"].str.contains(name)).all()
    one, n_one = select_rows(table, TableQuery(0, 10, column_filters=quick_filter_model(table.index[3], False, False)))
    assert list(one.index) == [table.index[3]] and n_one == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_facilitator_download_matches_the_table(round_, fmt):
    engine, url, state, dates, *_ = round_
    client = create_server(auth.settings(url)).test_client()
    auth.sign_in(client, url)
    model = quick_filter_model(None, True, False)
    sort = [{"colId": "days_idle", "sort": "desc"}]
    response = client.get(f"/export/facilitators.{fmt}?parent=32.01&lang=id&filter={json.dumps(model)}&sort={json.dumps(sort)}")
    assert response.status_code == 200
    assert f"groundcheck_kabkota_3201_{state.day.isoformat()}.{fmt}" in response.headers["Content-Disposition"]
    skip = 7  # title, scope, as-of, filters, source, downloaded, blank
    if fmt == "csv":
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, once
        text = response.data.decode("utf-8-sig")
        assert "Kabupaten/Kota: Kabupaten Bogor (32.01)" in text.splitlines()[1]
        assert text.splitlines()[3] == "Filter: Tanpa kunjungan ≥ 3 hari"  # the switch's own words
        assert text.splitlines()[4] == "Arti setiap angka: http://localhost/sumber-data?lang=id#definisi · data simulasi (sintetis)"
        frame = pd.read_csv(io.StringIO(text), skiprows=skip)
    else:
        frame = pd.read_excel(io.BytesIO(response.data), skiprows=skip)
    table = facilitator_table(engine, 1, "32.01", state.day, dates.start_date, dates.deadline, access=Access.nationwide())
    expected, _ = select_rows(table, TableQuery(0, len(table), (("days_idle", False),), column_filters=model))
    assert list(frame["ID pendamping"]) == list(expected.index)
    assert list(frame["Hari tanpa kunjungan"]) == list(expected["days_idle"])
    assert list(frame["Dikirim"]) == list(expected["submitted"])
    assert frame["Penyelesaian (%)"].round(1).tolist() == expected["completion_pct"].round(1).tolist()
    assert list(frame["Kiriman bermasalah"]) == list(expected["flagged"])
    pd.testing.assert_series_equal(
        frame["Skor risiko pemalsuan"].astype(float), expected["risk_score"].reset_index(drop=True).astype(float),
        check_names=False, check_exact=False, atol=1e-9,
    )


def test_a_column_filter_is_described_in_the_readers_words(round_):
    _, url, *_ = round_
    client = create_server(auth.settings(url)).test_client()
    auth.sign_in(client, url)
    model = {
        "days_idle": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 5},
        "completion_pct": {"filterType": "number", "type": "inRange", "filter": 10, "filterTo": 42.5},
        "name": {"filterType": "text", "type": "contains", "filter": "Siti"},
    }
    for lang, expected in (
        ("id", "Filter: Hari tanpa kunjungan: paling sedikit 5; Penyelesaian (%): antara 10 sampai 42,5; Nama: memuat 'Siti'"),
        ("en", "Filters: Days idle: at least 5; Completion (%): between 10 to 42.5; Name: contains 'Siti'"),
    ):
        response = client.get(f"/export/facilitators.csv?parent=32.01&lang={lang}&filter={json.dumps(model)}")
        assert response.status_code == 200
        assert next(itertools.islice(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))), 3, None)) == [expected]


def test_region_download_and_bad_requests(round_):
    _, url, state, *_ = round_
    client = create_server(auth.settings(url)).test_client()
    auth.sign_in(client, url)
    response = client.get("/export/regions.xlsx?parent=35&lang=en&metric=return_rate")
    assert response.status_code == 200
    frame = pd.read_excel(io.BytesIO(response.data), skiprows=6, dtype={"Code": str})
    assert len(frame) == 38 and frame["Code"].str.startswith("35.").all()
    ranked = frame[frame["#"].notna()]  # too small a sample: no rank, last (figures.overview.rank)
    assert ranked["Return rate (%)"].is_monotonic_increasing and ranked["#"].is_monotonic_increasing
    assert frame["#"].iloc[: len(ranked)].notna().all()
    assert client.get("/export/regions.pdf").status_code == 400
    assert client.get("/export/facilitators.csv?parent=32").status_code == 400
    assert client.get("/export/facilitators.csv?parent=32.99").status_code == 404
    assert client.get("/export/regions.csv?metric=nope").status_code == 400


def test_facilitator_profile_counts_equal_pandas(round_):
    engine, url, state, dates, targets, visits, facilitators = round_
    from dashboard.figures.facilitators import facilitator_profile

    raw = sa.create_engine(url)
    outcomes = pd.read_sql("SELECT facilitator_id, outcome, submitted_at FROM visit WHERE submitted_at IS NOT NULL", raw)
    categories = pd.read_sql("SELECT facilitator_id, category FROM target", raw)
    raw.dispose()
    outcomes = outcomes[(pd.to_datetime(outcomes["submitted_at"]) + WIB).dt.date <= state.day]
    for facilitator_id in facilitators[facilitators["regency_code"] == "35.77"]["id"].head(5):
        profile = facilitator_profile(engine, 1, facilitator_id, state.day, dates.start_date, dates.deadline, access=Access.nationwide())
        mine = outcomes[outcomes["facilitator_id"] == facilitator_id]["outcome"].value_counts()
        assert profile.outcomes.sort_index().to_dict() == mine.sort_index().to_dict()
        cats = categories[categories["facilitator_id"] == facilitator_id]["category"].value_counts()
        assert profile.categories.sort_index().to_dict() == cats.sort_index().to_dict()
        assert profile.daily["started"].sum() == profile.figures["visited"]
        # Every day of the round so far, those without a visit too; progress against the
        # plan ends on the completion the card shows (submitted of all targets, from pandas).
        assert list(profile.daily["day"]) == [dates.start_date + dt.timedelta(days=i) for i in range((state.day - dates.start_date).days + 1)]
        submitted = (pd.to_datetime(outcomes.loc[outcomes["facilitator_id"] == facilitator_id, "submitted_at"]) + WIB).dt.date
        assert profile.progress.loc[state.day, "completion_pct"] == pytest.approx(len(submitted) / cats.sum() * 100)
        assert profile.progress.loc[state.day, "completion_pct"] == pytest.approx(profile.figures["completion_pct"])
        assert profile.progress["plan_pct"].iloc[-1] == pytest.approx(100)
    assert facilitator_profile(engine, 1, "PKH-0000-000", state.day, dates.start_date, dates.deadline, access=Access.nationwide()) is None


def test_kecamatan_breakdown_equals_pandas(round_):
    engine, url, state, *_ = round_
    from dashboard.figures.facilitators import district_breakdown

    raw = sa.create_engine(url)
    frame = pd.read_sql(
        "SELECT t.district_code, v.started_at, v.submitted_at FROM target t LEFT JOIN visit v ON v.target_id = t.id "
        "WHERE t.regency_code = '32.01'",
        raw,
    )
    raw.dispose()
    day_of = lambda column: (pd.to_datetime(frame[column]) + WIB).dt.date  # noqa: E731
    frame["visited"] = frame["started_at"].notna() & (day_of("started_at") <= state.day)
    frame["submitted"] = frame["submitted_at"].notna() & (day_of("submitted_at") <= state.day)
    expected = frame.groupby("district_code").agg(targets=("district_code", "size"), visited=("visited", "sum"), submitted=("submitted", "sum"))
    expected["completion_pct"] = expected["submitted"] / expected["targets"] * 100
    actual = district_breakdown(engine, 1, "32.01", state.day, access=Access.nationwide()).sort_index()
    assert actual["name"].notna().all() and len(actual) == len(expected)
    for column in ("targets", "visited", "submitted", "completion_pct"):
        pd.testing.assert_series_equal(actual[column].astype(float), expected[column].astype(float).sort_index(), check_names=False, obj=column)


def test_the_grid_sorts_by_id_and_survives_forged_requests(round_):
    """The id column sorts (its field is the index); a request the grid never makes (an
    unknown column, text in a number filter, a filter that is not an object, rows as text)
    is answered with what can be answered, never a crash."""
    from callbacks.regency import table_query

    engine, _, state, dates, *_ = round_
    table = facilitator_table(engine, 1, "32.01", state.day, dates.start_date, dates.deadline, access=Access.nationwide())
    page, _ = select_rows(table, table_query({"startRow": 0, "endRow": 5, "sortModel": [{"colId": "id_link", "sort": "desc"}]}))
    assert list(page.index) == sorted(table.index, reverse=True)[:5]
    forged = {
        "startRow": "x", "endRow": None,
        "sortModel": [{"colId": "no_such_column", "sort": "asc"}, "junk"],
        "filterModel": {"visited": {"filterType": "number", "type": "lessThan", "filter": "abc"}, "name": "junk"},
    }
    page, total = select_rows(table, table_query(forged))
    assert total == len(table) and len(page) == 25
