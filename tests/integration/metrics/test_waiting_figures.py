"""How long cases wait (``dashboard.figures.waiting``) equals an independent computation
with pandas from the raw tables: each target's status at the end of a day from the audit
trail of its status changes (``visit_event``), its age in WIB days; for the nation, the
provinces, a kabupaten/kota and its facilitators, today and five days before, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.queries import Scope, data_state
from dashboard.figures.waiting import AGE_BUCKETS, FACILITATOR_STATUSES, STATUS_CODES, per_code, status_ages, waiting_cases, waiting_counts
from dashboard.store.database import get_engine

WIB = pd.Timedelta(hours=7)
NATION = Access.nationwide()


class Raw:
    def __init__(self, url: str):
        engine = sa.create_engine(url)
        self.targets = pd.read_sql("SELECT id, code, category, province_code, regency_code, facilitator_id, assigned_at FROM target", engine)
        self.visits = pd.read_sql("SELECT target_id, outcome, reranked_at FROM visit", engine)
        self.events = pd.read_sql("SELECT id, target_id, status, occurred_at FROM visit_event", engine)
        engine.dispose()
        for frame, column in ((self.targets, "assigned_at"), (self.visits, "reranked_at"), (self.events, "occurred_at")):
            frame[column] = pd.to_datetime(frame[column], format="mixed")

    def cases(self, day: dt.date) -> pd.DataFrame:
        """Every target open at the end of ``day`` (WIB): status, since, age in days."""
        end = pd.Timestamp(day) + pd.Timedelta(days=1) - WIB
        targets = self.targets[self.targets["assigned_at"] < end]
        before = self.events[self.events["occurred_at"] < end].sort_values(["target_id", "occurred_at", "id"])
        last = before.groupby("target_id").tail(1).set_index("target_id")
        rows = targets.set_index("id").join(last[["status", "occurred_at"]]).join(self.visits.set_index("target_id"))
        status = rows["status"].map({"started": "started", "submitted": "submitted", "resubmitted": "submitted", "returned": "returned", "approved": "approved"})
        status = status.where(rows["status"].notna(), "assigned")
        since = rows["occurred_at"].where(rows["status"].notna(), rows["assigned_at"])
        waiting_rerank = rows["outcome"].isin(["found_verified", "nik_confirmed"]) & (rows["reranked_at"].isna() | (rows["reranked_at"] >= end))
        status = status.where((status != "approved") | waiting_rerank)  # approved and re-ranked, or never to be: done
        rows = rows.assign(open_status=status, since=since).dropna(subset=["open_status"])
        rows["age"] = (pd.Timestamp(day) - (rows["since"] + WIB).dt.normalize()).dt.days
        rows["bucket"] = rows["age"].map(_bucket)
        return rows.reset_index(names="target_id")


def _bucket(age: int) -> int:
    for index, (first, last) in enumerate(AGE_BUCKETS):
        if age >= first and (last is None or age <= last):
            return index
    raise AssertionError(age)


def _ages(cases: pd.DataFrame) -> pd.DataFrame:
    table = cases.pivot_table(index="open_status", columns="bucket", values="target_id", aggfunc="count", fill_value=0)
    return table.reindex(index=list(STATUS_CODES), columns=range(len(AGE_BUCKETS)), fill_value=0).astype("int64")


@pytest.fixture(scope="module")
def round_(standard_round_url):
    engine = get_engine(standard_round_url)
    return engine, Raw(standard_round_url), data_state(engine, 1)


def _days(state):
    return [state.day, state.day - dt.timedelta(days=5)]


def test_every_status_has_cases_to_compare(round_):
    engine, raw, state = round_
    cases = raw.cases(state.day)
    assert set(cases["open_status"]) == set(STATUS_CODES)
    assert cases["age"].min() == 0 and cases["age"].max() >= 7


def test_status_ages_of_the_nation_provinces_and_a_regency(round_):
    engine, raw, state = round_
    for day in _days(state):
        cases = raw.cases(day)
        national = waiting_counts(engine, 1, Scope.national(), day, access=NATION)
        pd.testing.assert_frame_equal(status_ages(national), _ages(cases), check_names=False)
        provinces = waiting_counts(engine, 1, Scope.national(), day, access=NATION, by="children")
        for code in ("11", "35", "94"):
            pd.testing.assert_frame_equal(status_ages(provinces[provinces["code"] == code]), _ages(cases[cases["province_code"] == code]), check_names=False)
        regency = waiting_counts(engine, 1, Scope.of("35.77"), day, access=NATION)
        pd.testing.assert_frame_equal(status_ages(regency), _ages(cases[cases["regency_code"] == "35.77"]), check_names=False)
        # The oldest case of each status and region.
        oldest = provinces.groupby(["code", "status"])["oldest_days"].max()
        expected = cases.groupby(["province_code", "open_status"])["age"].max()
        assert oldest.to_dict() == {k: int(v) for k, v in expected.items()}


def test_the_review_backlog_and_the_facilitators_with_the_oldest_cases(round_):
    engine, raw, state = round_
    for day in _days(state):
        cases = raw.cases(day)
        backlog = per_code(waiting_counts(engine, 1, Scope.of("35"), day, access=NATION, by="regencies"), ("submitted",)).set_index("code")
        submitted = cases[(cases["open_status"] == "submitted") & (cases["province_code"] == "35")]
        expected = submitted.groupby("regency_code").agg(cases=("age", "size"), oldest_days=("age", "max"), cases_3d=("age", lambda a: int((a >= 3).sum())))
        pd.testing.assert_frame_equal(backlog[["cases", "cases_3d", "oldest_days"]].sort_index(), expected[["cases", "cases_3d", "oldest_days"]].sort_index(),
                                      check_names=False, check_dtype=False)
        people = per_code(waiting_counts(engine, 1, Scope.of("35"), day, access=NATION, by="facilitators"), FACILITATOR_STATUSES).set_index("code")
        theirs = cases[cases["open_status"].isin(FACILITATOR_STATUSES) & (cases["province_code"] == "35")]
        expected = theirs.groupby("facilitator_id").agg(cases=("age", "size"), oldest_days=("age", "max"))
        pd.testing.assert_frame_equal(people[["cases", "oldest_days"]].sort_index(), expected.sort_index(), check_names=False, check_dtype=False)
        assert list(people["oldest_days"]) == sorted(people["oldest_days"], reverse=True)
        # What the page asks for: only the statuses it lists, summed in the database.
        theirs_only = waiting_counts(engine, 1, Scope.of("35"), day, access=NATION, by="facilitators", statuses=FACILITATOR_STATUSES)
        assert set(theirs_only["status"]) <= set(FACILITATOR_STATUSES)
        pd.testing.assert_frame_equal(per_code(theirs_only, FACILITATOR_STATUSES), per_code(
            waiting_counts(engine, 1, Scope.of("35"), day, access=NATION, by="facilitators"), FACILITATOR_STATUSES))
    with pytest.raises(ValueError):
        waiting_counts(engine, 1, Scope.of("35"), state.day, access=NATION, by="facilitators", statuses=("lost",))


def test_the_cases_behind_a_figure_are_pseudonymous_codes_oldest_first(round_):
    engine, raw, state = round_
    cases = raw.cases(state.day)
    for status in ("submitted", "approved", "started"):
        listed = waiting_cases(engine, 1, Scope.of("35"), state.day, status, access=NATION, limit=50)
        expected = cases[(cases["open_status"] == status) & (cases["province_code"] == "35")].sort_values(["since", "code"]).head(50)
        assert list(listed["target_code"]) == list(expected["code"])
        assert list(listed["age_days"]) == list(expected["age"])
        assert set(listed.columns) == {"target_code", "category", "regency_code", "facilitator_id", "facilitator_name", "since", "age_days"}


def test_waiting_figures_refuse_what_the_user_may_not_see(round_):
    engine, raw, state = round_
    jatim = Access.of_user("bps-jatim", "province", ["35"])
    with pytest.raises(OutOfScope):
        waiting_counts(engine, 1, Scope.of("32"), state.day, access=jatim)
    own = waiting_counts(engine, 1, Scope.national(), state.day, access=jatim, by="regencies")
    assert set(own["code"].str[:2]) == {"35"}
    people = waiting_counts(engine, 1, Scope.national(), state.day, access=jatim, by="facilitators")
    assert set(people["regency_code"].str[:2]) == {"35"}
    display = Access.of_user("wall", "display", ["35"])
    with pytest.raises(OutOfScope):
        waiting_counts(engine, 1, Scope.of("35"), state.day, access=display, by="facilitators")
    with pytest.raises(OutOfScope):
        waiting_cases(engine, 1, Scope.of("35.77"), state.day, "submitted", access=display)
    madiun = Access.of_user("dinsos-madiun", "regency", ["35.77"])
    with pytest.raises(OutOfScope):
        waiting_cases(engine, 1, Scope.of("35.19"), state.day, "submitted", access=madiun)
    with pytest.raises(ValueError):
        waiting_cases(engine, 1, Scope.of("35.77"), state.day, "lost", access=NATION)
