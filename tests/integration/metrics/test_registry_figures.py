"""Every registry figure equals an independent computation with pandas straight from the
raw tables (target, visit, facilitator, and the stored quality flags and risk scores), for
the nation, all 38 provinces and a sample of kabupaten/kota, today and yesterday, on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.figures.metrics import FINDINGS_METRICS, METRICS, TRAINING_METRICS, compute
from dashboard.figures.queries import Scope, base_counts, daily_progress, data_state
from dashboard.quality.rules import RULE_IDS
from dashboard.store.database import get_engine

WIB = pd.Timedelta(hours=7)


class Raw:
    """The raw tables and an independent computation of each metric from them."""

    def __init__(self, url: str):
        engine = sa.create_engine(url)
        self.targets = pd.read_sql("SELECT id, province_code, regency_code, category FROM target", engine)
        self.visits = pd.read_sql(
            "SELECT target_id, facilitator_id, province_code, regency_code, category, outcome, started_at, "
            "submitted_at, first_reviewed_at, first_returned_at, approved_at FROM visit",
            engine,
        )
        self.facilitators = pd.read_sql("SELECT id, province_code, regency_code FROM facilitator", engine)
        # The day a flag arose (its visit's submission, or its group's forming: how that day
        # is set is checked against the visits in tests/integration/quality/test_stored_flags.py).
        self.flags = pd.read_sql("SELECT target_id, rule, day AS flag_day FROM quality_flag", engine)
        self.flags["flag_day"] = pd.to_datetime(self.flags["flag_day"]).dt.date
        self.risk = pd.read_sql("SELECT facilitator_id, score, high_risk FROM facilitator_risk", engine)
        engine.dispose()
        for column in ("started_at", "submitted_at", "first_reviewed_at", "first_returned_at", "approved_at"):
            self.visits[column.replace("_at", "_day")] = (pd.to_datetime(self.visits[column]) + WIB).dt.date

    def metrics(self, key: str, day: dt.date, category: bool = False, newest: bool = False) -> pd.DataFrame:
        """Metric values per ``key`` ("province_code", "regency_code" or None for the nation);
        ``newest``: ``day`` is the newest day (the risk scores are known only for it)."""
        t, v, f = self.targets.copy(), self.visits.copy(), self.facilitators.copy()
        if key is None:
            for frame in (t, v, f):
                frame["nation"] = "ID"
            key = "nation"
        keys = [key, "category"] if category else [key]
        done = lambda column: v[column].notna() & (v[column] <= day)  # noqa: E731
        per = lambda mask: v[mask].groupby(keys).size()  # noqa: E731
        out = pd.DataFrame({"targets": t.groupby(keys).size()})
        out["visited"] = per(done("started_day"))
        out["submitted"] = per(done("submitted_day"))
        out["approved"] = per(done("approved_day"))
        out["returned"] = per(done("first_returned_day"))
        reviewed = per(done("first_reviewed_day"))
        out = out.fillna(0)
        rate = lambda a, b: a / b.where(b > 0) * 100  # noqa: E731
        expected = pd.DataFrame(index=out.index)
        for column in ("targets", "visited", "submitted", "approved", "returned"):
            expected[column] = out[column].astype(float)
        expected["completion_pct"] = rate(out["submitted"], out["targets"])
        expected["visited_pct"] = rate(out["visited"], out["targets"])
        expected["approval_pct"] = rate(out["approved"], out["submitted"])
        expected["return_rate"] = rate(out["returned"], reviewed.reindex(out.index).fillna(0))
        submitted = v[done("submitted_day")]
        for outcome in ("found_verified", "moved", "deceased", "not_found", "refused", "nik_confirmed"):
            name = "found" if outcome == "found_verified" else outcome
            n = submitted[submitted["outcome"] == outcome].groupby(keys).size().reindex(out.index).fillna(0)
            expected[f"share_{name}"] = rate(n, out["submitted"])
        # Quality: a flag counts from the day it arose.
        flags = self.flags.merge(v, on="target_id")
        flags = flags[flags["flag_day"] <= day]
        flagged = flags.drop_duplicates("target_id").groupby(keys).size().reindex(out.index).fillna(0)
        expected["flagged"] = flagged
        expected["flagged_pct"] = rate(flagged, out["submitted"])
        for rule in RULE_IDS:
            expected[f"flags_{rule}"] = flags[flags["rule"] == rule].groupby(keys).size().reindex(out.index).fillna(0)
        reviewed_all = reviewed.reindex(out.index).fillna(0)
        expected["first_review_approval_pct"] = rate(reviewed_all - out["returned"], reviewed_all)
        if not category and newest:
            risk = self.risk.merge(f, left_on="facilitator_id", right_on="id")
            high = risk[risk["high_risk"].astype(bool)].groupby(key).size().reindex(out.index).fillna(0)
            scored = risk[risk["score"].notna()].groupby(key).size().reindex(out.index).fillna(0)
            expected["high_risk"] = high
            expected["high_risk_pct"] = rate(high, scored)
        if not category:
            started = v[done("started_day")]
            week = started[started["started_day"] >= day - dt.timedelta(days=6)]
            today = started[started["started_day"] == day]
            staff = f.groupby(key).size().reindex(out.index)
            active_1d = today.groupby(key)["facilitator_id"].nunique().reindex(out.index).fillna(0)
            active_7d = week.groupby(key)["facilitator_id"].nunique().reindex(out.index).fillna(0)
            facilitator_days = week.groupby([key, "started_day"])["facilitator_id"].nunique().groupby(key).sum()
            expected["active_facilitators_1d"] = active_1d
            expected["active_facilitators_7d"] = active_7d
            expected["active_facilitators_1d_pct"] = rate(active_1d, staff)
            expected["active_facilitators_7d_pct"] = rate(active_7d, staff)
            expected["visits_per_active_facilitator_day"] = week.groupby(key).size().reindex(out.index) / (
                facilitator_days.reindex(out.index)
            )
        return expected


@pytest.fixture(scope="module")
def round_(standard_round_url):
    url = standard_round_url
    engine = get_engine(url)
    return engine, Raw(url), data_state(engine, 1)


def _compare(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert set(expected.columns) <= set(actual.columns), set(expected.columns) - set(actual.columns)
    actual = actual[expected.columns].sort_index()
    expected = expected.reindex(actual.index)
    pd.testing.assert_frame_equal(actual, expected.astype(float), check_names=False, check_index_type=False, rtol=1e-9)


@pytest.mark.parametrize("yesterday", [False, True], ids=["today", "yesterday"])
def test_national_and_provincial_figures(round_, yesterday):
    engine, raw, state = round_
    day = state.day - dt.timedelta(days=int(yesterday))
    national = compute(base_counts(engine, 1, Scope.national(), day, access=Access.nationwide()))
    _compare(national, raw.metrics(None, day, newest=not yesterday))
    assert ("high_risk" in national.columns) == (not yesterday)  # no risk "as of" a past day
    provinces = compute(base_counts(engine, 1, Scope.national(), day, by="children", access=Access.nationwide()))
    assert len(provinces) == 38
    _compare(provinces, raw.metrics("province_code", day, newest=not yesterday))


def test_regency_figures_for_a_sample_of_provinces(round_):
    engine, raw, state = round_
    expected = raw.metrics("regency_code", state.day, newest=True)
    for province in ("11", "32", "35", "53", "94", "96"):
        actual = compute(base_counts(engine, 1, Scope.of(province), state.day, by="children", access=Access.nationwide()))
        assert len(actual) > 0 and all(code.startswith(province + ".") for code in actual.index)
        _compare(actual, expected.loc[expected.index.str.startswith(province + ".")])
    one = compute(base_counts(engine, 1, Scope.of("32.04"), state.day, access=Access.nationwide()))
    _compare(one, expected.loc[["32.04"]])


def test_figures_split_by_category(round_):
    engine, raw, state = round_
    actual = compute(base_counts(engine, 1, Scope.national(), state.day, by_category=True, access=Access.nationwide()))
    expected = raw.metrics(None, state.day, category=True).droplevel(0)
    _compare(actual, expected)
    # Every metric split by category comes from the base counts, but the findings (with
    # the finding counts: tests/integration/metrics/test_findings_figures.py).
    assert all(m.id in actual.columns for m in METRICS if m.by_category and m not in FINDINGS_METRICS + TRAINING_METRICS)


def test_daily_progress_is_the_running_total(round_):
    engine, raw, state = round_
    series = daily_progress(engine, 1, Scope.of("33"), state.day, access=Access.nationwide())
    visits = raw.visits[raw.visits["province_code"] == "33"]
    expected = visits.groupby("submitted_day").size().cumsum()
    actual = series.set_index("day")["submitted_cumulative"]
    assert actual.iloc[-1] == expected.iloc[-1]
    assert (actual.reindex(expected.index).dropna() == expected.reindex(actual.index).dropna()).all()
    assert (series["targets"] == (raw.targets["province_code"] == "33").sum()).all()
