"""The training figures (``dashboard.figures.training``) equal an independent computation
with pandas from the raw tables (facilitator, training_class, training_attendance, target,
visit, quality_flag), for the nation, a province and a kabupaten/kota, on the newest day and
on a day before the make-up classes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.queries import Scope, data_state
from dashboard.figures.training import BANDS, classes_per_day, relation_to_work, score_histogram, t975, training_summary, wilson
from dashboard.store.database import get_engine

NATION = Access.nationwide()
WIB = pd.Timedelta(hours=7)


class Raw:
    def __init__(self, url: str):
        engine = sa.create_engine(url)
        read = lambda q: pd.read_sql(q, engine)  # noqa: E731
        self.facilitators = read("SELECT id, province_code, regency_code FROM facilitator")
        self.classes = read("SELECT id, kind, province_code, held_on, make_up FROM training_class WHERE round_id = 1")
        self.attendance = read("SELECT class_id, facilitator_id, instructor_id, attended, pre_score, post_score FROM training_attendance")
        self.teachers = read("SELECT class_id, instructor_id FROM training_class_instructor")
        self.instructors = read("SELECT id, province_code FROM instructor")
        self.needed = read("SELECT code, instructor_count FROM province").set_index("code")["instructor_count"]
        self.targets = read("SELECT facilitator_id, count(*) AS targets FROM target GROUP BY facilitator_id").set_index("facilitator_id")["targets"]
        self.visits = read("SELECT facilitator_id, submitted_at, first_returned_at FROM visit")
        self.flags = read("SELECT DISTINCT facilitator_id, target_id, day FROM quality_flag")
        engine.dispose()
        self.classes["held_on"] = pd.to_datetime(self.classes["held_on"]).dt.date
        self.attendance["attended"] = self.attendance["attended"].astype(bool)
        for column in ("submitted_at", "first_returned_at"):
            self.visits[column] = (pd.to_datetime(self.visits[column], format="mixed") + WIB).dt.date
        self.flags["day"] = pd.to_datetime(self.flags["day"]).dt.date

    def trained(self, day: dt.date) -> pd.DataFrame:
        """Per facilitator: trained by ``day`` (first class attended with a post-test), late, scores."""
        a = self.attendance.merge(self.classes, left_on="class_id", right_on="id")
        a = a[(a["kind"] == "facilitator") & (a["held_on"] <= day) & a["attended"] & a["post_score"].notna()]
        first = a.sort_values("held_on").groupby("facilitator_id").head(1).set_index("facilitator_id")
        f = self.facilitators.set_index("id")
        f["trained"] = f.index.isin(first.index)
        f["late"] = f.index.isin(first.index[first["make_up"].astype(bool)])
        f["pre"], f["post"] = first["pre_score"], first["post_score"]
        return f

    def in_scope(self, frame: pd.DataFrame, code: str | None) -> pd.DataFrame:
        if code is None:
            return frame
        return frame[frame["province_code" if len(code) == 2 else "regency_code"] == code]


@pytest.fixture(scope="module")
def round_(standard_round_url):
    engine = get_engine(standard_round_url)
    return engine, Raw(standard_round_url), data_state(engine, 1)


def _days(raw: Raw, state) -> list[dt.date]:
    """The newest day, and the day of the facilitators' own classes (before any make-up)."""
    main = min(raw.classes.loc[raw.classes["kind"] == "facilitator", "held_on"])
    return [state.day, main]


def test_the_round_has_training_to_check(round_):
    engine, raw, state = round_
    newest, main = _days(raw, state)
    assert raw.trained(newest)["trained"].sum() > raw.trained(main)["trained"].sum() > 30_000  # make-up classes came later
    assert raw.trained(newest)["late"].sum() > 0 and (~raw.trained(newest)["trained"]).sum() > 0


@pytest.mark.parametrize("code", [None, "35", "35.77"])
def test_who_was_trained_and_what_they_scored(round_, code):
    engine, raw, state = round_
    for day in _days(raw, state):
        summary = training_summary(engine, 1, Scope.of(code), day, access=NATION).iloc[0]
        f = raw.in_scope(raw.trained(day).reset_index(), code)
        trained = f[f["trained"]]
        assert summary["facilitators"] == len(f) and summary["trained"] == len(trained)
        assert summary["trained_late"] == f["late"].sum() and summary["not_trained"] == len(f) - len(trained)
        assert math.isclose(summary["trained_pct"], 100 * len(trained) / len(f))
        # Classes: those with a participant of the scope held by the day (with or without a recorded instructor).
        a = raw.attendance.merge(raw.classes, left_on="class_id", right_on="id")
        held = a[(a["kind"] == "facilitator") & (a["held_on"] <= day) & a["facilitator_id"].isin(f["id"])]
        assert summary["classes"] == held["class_id"].nunique()
        assert math.isclose(summary["post"], trained["post"].mean()) and math.isclose(summary["pre"], trained["pre"].mean())
        gain = trained["post"] - trained["pre"]
        assert math.isclose(summary["gain"], gain.mean())
        assert summary["gain_low"] < summary["gain"] < summary["gain_high"]
        assert math.isclose(summary["gain_high"] - summary["gain"], t975(len(gain) - 1) * gain.std(ddof=1) / math.sqrt(len(gain)))
        if code is None or len(code) == 2:
            provinces = raw.needed.index if code is None else [code]
            assert summary["instructors_needed"] == raw.needed[list(provinces)].sum()
            a = raw.attendance.merge(raw.classes, left_on="class_id", right_on="id")
            present = set(a.loc[(a["kind"] == "instructor") & (a["held_on"] <= day) & a["attended"], "instructor_id"])
            assert summary["instructors_trained"] == raw.instructors["province_code"].isin(provinces)[raw.instructors["id"].isin(present)].sum()
        else:
            assert math.isnan(summary["instructors_needed"])


def test_the_provinces_add_up_to_the_nation(round_):
    engine, raw, state = round_
    provinces = training_summary(engine, 1, Scope.national(), state.day, access=NATION, by="children")
    nation = training_summary(engine, 1, Scope.national(), state.day, access=NATION).iloc[0]
    assert len(provinces) == 38
    for column in ("facilitators", "trained", "trained_late", "instructors_needed", "instructors_trained"):
        assert provinces[column].sum() == nation[column], column


def test_score_histogram_and_classes_per_day(round_):
    engine, raw, state = round_
    f = raw.in_scope(raw.trained(state.day).reset_index(), "35")
    trained = f[f["trained"]]
    histogram = score_histogram(engine, 1, Scope.of("35"), state.day, access=NATION)
    for column, scores in (("pre", trained["pre"]), ("post", trained["post"])):
        expected = (np.minimum(scores.astype(int), 99) // 10 * 10).value_counts().reindex(range(0, 100, 10), fill_value=0)
        assert histogram[column].tolist() == expected.tolist()
    per_day = classes_per_day(engine, 1, Scope.national(), state.day, access=NATION)
    expected = raw.classes[raw.classes["held_on"] <= state.day].groupby(["held_on", "kind"]).size()
    assert dict(zip(zip(per_day["held_on"], per_day["kind"]), per_day["classes"])) == expected.to_dict()


def test_the_relation_to_the_work_by_post_test_band(round_):
    engine, raw, state = round_
    day = state.day
    table = relation_to_work(engine, 1, Scope.of("35"), day, access=NATION)
    f = raw.in_scope(raw.trained(day).reset_index(), "35").set_index("id")
    visits = raw.visits[raw.visits["facilitator_id"].isin(f.index)]
    submitted = visits[visits["submitted_at"].notna() & (visits["submitted_at"] <= day)].groupby("facilitator_id").size()
    returned = visits[visits["first_returned_at"].notna() & (visits["first_returned_at"] <= day)].groupby("facilitator_id").size()
    first_flag = raw.flags.groupby(["facilitator_id", "target_id"], as_index=False)["day"].min()  # a target flagged on several days counts once
    flags = first_flag[first_flag["day"] <= day].groupby("facilitator_id").size()
    f["submitted"] = submitted.reindex(f.index, fill_value=0)
    f["returned"] = returned.reindex(f.index, fill_value=0)
    f["flagged"] = flags.reindex(f.index, fill_value=0)
    f["completion"] = f["submitted"] / raw.targets.reindex(f.index) * 100
    for label, low, high in BANDS:
        group = f[f["trained"] & f["post"].between(low, high)]
        row = table.loc[label]
        assert row["facilitators"] == len(group)
        assert math.isclose(row["completion"], group["completion"].mean())
        assert row["submitted"] == group["submitted"].sum()
        share, s_low, s_high = wilson(group["returned"].sum(), group["submitted"].sum())
        assert math.isclose(row["returned_pct"], 100 * group["returned"].sum() / group["submitted"].sum()) and math.isclose(row["returned_low"], s_low)
        assert math.isclose(row["flagged_pct"], 100 * group["flagged"].sum() / group["submitted"].sum())
    assert table.loc["not trained", "facilitators"] == (~f["trained"]).sum()
    assert table["facilitators"].sum() == len(f)
    # The facilitators behind the completion: those with targets.
    assert table["with_targets"].sum() == f["completion"].notna().sum()


def test_the_t_quantile():
    """Student's t at 0.975 (published tables): 12.706 at 1 degree of freedom, 2.120 at 16,
    2.042 at 30, the normal's 1.960 for many."""
    assert (t975(1), t975(16), t975(30)) == (12.706, 2.120, 2.042) and math.isclose(t975(5000), 1.95996, abs_tol=1e-3)
    for df, published in ((40, 2.021), (60, 2.000), (120, 1.980)):  # tables of Student's t beyond 30
        assert math.isclose(t975(df), published, rel_tol=1e-3), df


def test_the_wilson_interval():
    assert wilson(5, 4)[0] == 100  # more flags than counted submissions (a visit the rollups leave out): no crash
    share, low, high = wilson(10, 100)
    assert share == 10 and math.isclose(low, 5.523, abs_tol=0.01) and math.isclose(high, 17.437, abs_tol=0.01)
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_training_figures_refuse_what_the_user_may_not_see(round_):
    engine, raw, state = round_
    jatim = Access.of_user("bps-jatim", "province", ["35"])
    for read in (training_summary, score_histogram, classes_per_day, relation_to_work):
        with pytest.raises(OutOfScope):
            read(engine, 1, Scope.of("32"), state.day, access=jatim)
    assert list(training_summary(engine, 1, Scope.national(), state.day, access=jatim, by="children").index) == ["35"]


def test_a_few_facilitators_keep_their_completion_interval_within_0_to_100(round_):
    engine, raw, state = round_
    table = relation_to_work(engine, 1, Scope.of("35.77"), state.day, access=NATION)
    shown = table.dropna(subset=["completion_low"])
    assert len(shown) and (shown["completion_low"] >= 0).all() and (shown["completion_high"] <= 100).all()
    assert (shown["completion_low"] <= shown["completion"]).all() and (shown["completion"] <= shown["completion_high"]).all()
