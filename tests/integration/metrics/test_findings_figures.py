"""Every finding (``dashboard.figures.findings``) equals an independent computation with
pandas straight from the raw tables (target, visit): for the nation, the 38 provinces, a
sample of kabupaten/kota and their facilitators, split by target category, today and a
week before, on SQLite and PostgreSQL; the transition matrix's rows add up to the families
re-ranked from each desil; a day is a day in WIB."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.findings import (
    FINDINGS_METRIC_IDS,
    category_findings,
    facilitator_findings_row,
    facilitator_findings_table,
    findings_counts,
    findings_region_table,
    row_shares,
    transition_matrix,
    transitions,
)
from dashboard.figures.metrics import compute
from dashboard.figures.queries import Scope, data_state
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.store.rollups import rebuild_rollups
from tests.simulated import copy_database

WIB = pd.Timedelta(hours=7)
CUTOFFS = Settings().programme_cutoffs
#: Other cut-offs than the defaults: the figures follow the setting.
OTHER_CUTOFFS = (("pkh", 3), ("sembako", 6), ("pbi_jk", 2))
NATION = Access.nationwide()


class Raw:
    """The raw rows, and the findings computed from them with nothing of the product's."""

    def __init__(self, url: str):
        engine = sa.create_engine(url)
        self.rows = pd.read_sql(
            "SELECT t.province_code, t.regency_code, t.category, t.facilitator_id, t.desil_before, "
            "v.outcome, v.submitted_at, v.desil_after, v.reranked_at "
            "FROM target t LEFT JOIN visit v ON v.target_id = t.id",
            engine,
        )
        engine.dispose()
        for column in ("submitted_at", "reranked_at"):
            self.rows[column.replace("_at", "_day")] = (pd.to_datetime(self.rows[column], format="mixed") + WIB).dt.date
        self.rows["nation"] = "ID"

    def findings(self, key: str, day: dt.date, cutoffs, category: bool = False) -> pd.DataFrame:
        r = self.rows
        keys = [key, "category"] if category else [key]
        index = r.groupby(keys).size().index
        done = r[r["reranked_day"].notna() & (r["reranked_day"] <= day)]
        submitted = r[r["submitted_day"].notna() & (r["submitted_day"] <= day)]
        count = lambda mask: done[mask].groupby(keys).size().reindex(index, fill_value=0).astype(float)  # noqa: E731
        rate = lambda a, b: a / b.where(b > 0) * 100  # noqa: E731
        before, after, cat = done["desil_before"], done["desil_after"], done["category"]
        out = pd.DataFrame(index=index)
        out["reranked"] = count(before > 0)
        interviewed = submitted[submitted["outcome"].isin(["found_verified", "nik_confirmed"])].groupby(keys).size()
        interviewed = interviewed.reindex(index, fill_value=0).astype(float)
        out["awaiting_rerank"] = (interviewed - out["reranked"]).clip(lower=0)
        out["rerank_pct"] = rate(out["reranked"], interviewed)
        for p, c in cutoffs:
            inc, exc = cat == "inclusion_error", cat == "exclusion_error"
            out[f"inclusion_confirmed_{p}"] = count(inc & (after > c))
            out[f"exclusion_confirmed_{p}"] = count(exc & (after <= c))
            out[f"inclusion_confirmed_pct_{p}"] = rate(out[f"inclusion_confirmed_{p}"], count(inc))
            out[f"exclusion_confirmed_pct_{p}"] = rate(out[f"exclusion_confirmed_{p}"], count(exc))
            out[f"left_eligibility_pct_{p}"] = rate(count((before <= c) & (after > c)), count(before <= c))
            out[f"entered_eligibility_pct_{p}"] = rate(count((before > c) & (after <= c)), count(before > c))
            out[f"not_eligible_pct_{p}"] = rate(count(after > c), out["reranked"])
        return out

    def matrix(self, day: dt.date, province: str | None = None, category: str | None = None) -> pd.DataFrame:
        r = self.rows
        done = r[r["reranked_day"].notna() & (r["reranked_day"] <= day)]
        if province:
            done = done[done["province_code"] == province]
        if category:
            done = done[done["category"] == category]
        return pd.crosstab(done["desil_before"].astype(int), done["desil_after"].astype(int)).reindex(
            index=range(1, 11), columns=range(1, 11), fill_value=0
        )


@pytest.fixture(scope="module")
def round_(standard_round_url):
    engine = get_engine(standard_round_url)
    return engine, Raw(standard_round_url), data_state(engine, 1)


def _compare(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    columns = [c for c in expected.columns if c in actual.columns]
    assert len(columns) == len(expected.columns), set(expected.columns) - set(actual.columns)
    actual = actual[columns].astype(float).sort_index()
    expected = expected[columns].reindex(actual.index)
    pd.testing.assert_frame_equal(actual, expected, check_names=False, check_index_type=False, rtol=1e-9)


def _metrics(found: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([found[["reranked", "awaiting_rerank"]], compute(found, FINDINGS_METRIC_IDS).drop(columns=["reranked", "awaiting_rerank"])], axis=1)


def _days(state):
    return [state.day, state.day - dt.timedelta(days=7)]


def test_the_round_has_findings_to_check(round_):
    """The checks below compare something: families re-ranked on both days, and fewer a week before."""
    engine, raw, state = round_
    today, before = (raw.findings("nation", d, CUTOFFS)["reranked"].iloc[0] for d in _days(state))
    assert today > before > 100


@pytest.mark.parametrize("cutoffs", [CUTOFFS, OTHER_CUTOFFS], ids=["default", "other"])
def test_national_provincial_and_category_findings(round_, cutoffs):
    engine, raw, state = round_
    for day in _days(state):
        national = findings_counts(engine, 1, Scope.national(), day, access=NATION, cutoffs=cutoffs)
        _compare(_metrics(national), raw.findings("nation", day, cutoffs))
        provinces = findings_counts(engine, 1, Scope.national(), day, access=NATION, cutoffs=cutoffs, by="children")
        assert len(provinces) == 38
        _compare(_metrics(provinces), raw.findings("province_code", day, cutoffs))
        split = category_findings(engine, 1, Scope.national(), day, access=NATION, cutoffs=cutoffs)
        _compare(split, raw.findings("nation", day, cutoffs, category=True).droplevel(0))


def test_regency_and_facilitator_findings(round_):
    engine, raw, state = round_
    rows_with_findings = 0
    for day in _days(state):
        regencies = raw.findings("regency_code", day, CUTOFFS)
        facilitators = raw.findings("facilitator_id", day, CUTOFFS)
        for province in ("11", "35", "94"):
            table = findings_region_table(engine, 1, Scope.of(province), day, access=NATION, cutoffs=CUTOFFS)
            _compare(table[list(regencies.columns)], regencies.loc[regencies.index.str.startswith(province + ".")])
        for regency in ("35.77", "32.04"):
            own = findings_counts(engine, 1, Scope.of(regency), day, access=NATION, cutoffs=CUTOFFS)
            _compare(_metrics(own), regencies.loc[[regency]])
            people = facilitator_findings_table(engine, 1, regency, day, access=NATION, cutoffs=CUTOFFS)
            expected = facilitators.loc[facilitators.index.isin(people.index)].drop(columns=["awaiting_rerank", "rerank_pct"])
            _compare(people.loc[expected.index], expected)
            # The facilitators of a kabupaten/kota add up to it.
            assert people["reranked"].sum() == own["reranked"].iloc[0]
            # The facilitator page's row, counted from one facilitator's visits, is theirs
            # in the table (those with re-ranked families, and one without if any).
            some = list(people.index[people["reranked"] > 0][:4]) + list(people.index[people["reranked"] == 0][:1])
            for person in some:
                row = facilitator_findings_row(engine, 1, person, regency, day, access=NATION, cutoffs=CUTOFFS)
                pd.testing.assert_series_equal(row, people.loc[person])
                rows_with_findings += int(row["reranked"] > 0)
    assert rows_with_findings > 0  # the rows compared held findings, not only zeros


def test_the_transition_matrix(round_):
    engine, raw, state = round_
    for day in _days(state):
        long = transitions(engine, 1, Scope.of("35"), day, access=NATION)
        for category in (None, "inclusion_error", "inactive_nik"):
            matrix = transition_matrix(long, None if category is None else [category])
            pd.testing.assert_frame_equal(matrix, raw.matrix(day, "35", category), check_names=False)
            # Each row adds up to the families re-ranked from that desil.
            done = raw.rows[(raw.rows["province_code"] == "35") & raw.rows["reranked_day"].notna() & (raw.rows["reranked_day"] <= day)]
            if category:
                done = done[done["category"] == category]
            per_desil = done.groupby("desil_before").size().reindex(range(1, 11), fill_value=0)
            assert (matrix.sum(axis=1).to_numpy() == per_desil.to_numpy()).all()
            shares = row_shares(matrix)
            full = per_desil.to_numpy() > 0
            assert np.allclose(shares[full].sum(axis=1), 100.0)
            assert shares[~full].isna().all(axis=None)


def test_reranking_days_are_wib_days(standard_round_url, database_url_factory):
    """A family re-ranked at 20.00 UTC counts on the next day (WIB), not on the UTC day."""
    url = copy_database(standard_round_url, database_url_factory(sa.make_url(standard_round_url).get_backend_name()))
    engine = get_engine(url)
    state = data_state(engine, 1)
    with engine.begin() as conn:
        target = conn.execute(sa.text("SELECT target_id, reranked_at FROM visit WHERE reranked_at IS NOT NULL ORDER BY target_id LIMIT 1")).first()
        moment = pd.Timestamp(target.reranked_at).normalize() - pd.Timedelta(days=2) + pd.Timedelta(hours=20)
        submitted = conn.execute(sa.text("SELECT submitted_at FROM visit WHERE target_id = :t"), {"t": target.target_id}).scalar()
        assert pd.Timestamp(submitted) < moment  # still re-ranked after its submission
        conn.execute(sa.text("UPDATE visit SET reranked_at = :m WHERE target_id = :t"), {"m": moment.to_pydatetime(), "t": target.target_id})
    rebuild_rollups(engine, 1, state.data_until)
    utc_day, wib_day = moment.date(), moment.date() + dt.timedelta(days=1)
    raw = Raw(url)
    for day in (utc_day, wib_day):
        national = findings_counts(engine, 1, Scope.national(), day, access=NATION, cutoffs=CUTOFFS)
        assert national["reranked"].iloc[0] == raw.findings("nation", day, CUTOFFS)["reranked"].iloc[0]
    counted = lambda day: findings_counts(engine, 1, Scope.national(), day, access=NATION, cutoffs=CUTOFFS)["reranked"].iloc[0]  # noqa: E731
    before = (pd.to_datetime(raw.rows["reranked_at"], format="mixed").dropna() + WIB).dt.date
    assert counted(utc_day) == (before <= utc_day).sum() and counted(wib_day) == (before <= wib_day).sum()
    assert (before == wib_day).sum() >= 1 and ((pd.to_datetime(raw.rows["reranked_at"], format="mixed").dropna()).dt.date == utc_day).sum() >= 1
    engine.dispose()


def test_findings_refuse_what_the_user_may_not_see(round_):
    engine, raw, state = round_
    jatim = Access.of_user("bps-jatim", "province", ["35"])
    with pytest.raises(OutOfScope):
        findings_counts(engine, 1, Scope.of("33"), state.day, access=jatim, cutoffs=CUTOFFS)
    with pytest.raises(OutOfScope):
        transitions(engine, 1, Scope.of("33"), state.day, access=jatim)
    own = findings_counts(engine, 1, Scope.national(), state.day, access=jatim, cutoffs=CUTOFFS, by="children")
    assert list(own.index) == ["35"]
    madiun = Access.of_user("dinsos-madiun", "regency", ["35.77"])
    with pytest.raises(OutOfScope):
        facilitator_findings_table(engine, 1, "35.01", state.day, access=madiun, cutoffs=CUTOFFS)
    with pytest.raises(ValueError):
        findings_counts(engine, 1, Scope.national(), state.day, access=NATION, cutoffs=(("pkh", 12),))
