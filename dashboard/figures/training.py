"""Were the facilitators taught, did they learn, and does it show in their work: the
training figures of a scope as of a day, from the training tables (``training_class``,
``training_attendance``; a few rows per facilitator, read whole) and the facilitators'
work (``rollup_facilitator_day``, the stored quality flags).

- **Trained**: a facilitator present at a facilitator class held by the day, with a
  post-test; *on time* in their class, *late* in a make-up class (``training_class.make_up``). Not yet
  trained: the others (absent, or not yet taught).
- **Instructors**: needed per province as in the BPS briefing (``province.instructor_count``),
  trained (present at an instructor class held by the day) and teaching (named on a
  facilitator class of the scope held by the day).
- **Scores**: pre- and post-test (0-100) of the trained, their gain (post minus pre) with a
  95 % interval (t over the facilitators).
- **Relation to the work**, by post-test band: the facilitators behind each figure, their
  mean completion (submitted of their targets) with a 95 % t-interval, and the share of
  their submissions returned and flagged with 95 % Wilson intervals. These say whether the
  bands differ, not why: facilitators of one kabupaten/kota share its roads, its reviewers
  and its targets, so the intervals (which take facilitators, or submissions, as
  independent) are narrower than the truth, and nothing here is a causal claim.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dashboard.access.policy import Access
from dashboard.figures.cache import cached
from dashboard.figures.metrics import compute
from dashboard.figures.queries import NATIONAL_CODE, Level, Scope, _require_rows, scope_filter
from dashboard.store import models

#: Post-test bands: (label, lowest score, highest score).
BANDS: tuple[tuple[str, int, int], ...] = (("<60", 0, 59), ("60–69", 60, 69), ("70–79", 70, 79), ("80–89", 80, 89), ("90–100", 90, 100))
#: Score histogram bins: 0-9, 10-19, ..., 90-100.
SCORE_BINS = tuple(range(0, 100, 10))
#: z of a two-sided 95 % interval.
Z95 = 1.959963984540054


@cached
def _facilitators(engine: Engine, round_id: int, scope: Scope, day: dt.date) -> pd.DataFrame:
    """Shared, read once per data version by the summary, the scores and the relation (the
    public functions check access). One row per facilitator of ``scope``: province, kabupaten/kota, and their training as
    of ``day``: ``trained`` (bool), ``late`` (trained in a make-up class), ``pre``, ``post``."""
    f, c, a = models.Facilitator, models.TrainingClass, models.TrainingAttendance
    with engine.connect() as conn:
        staff = pd.read_sql(select(f.id, f.province_code, f.regency_code).where(*scope_filter(f, scope)), conn)
        taught = pd.read_sql(
            select(a.facilitator_id.label("id"), c.make_up, c.held_on, a.pre_score.label("pre"), a.post_score.label("post"))
            .join(c, c.id == a.class_id)
            .join(f, f.id == a.facilitator_id)
            .where(c.round_id == round_id, c.kind == "facilitator", c.held_on <= day, a.attended.is_(True), a.post_score.is_not(None), *scope_filter(f, scope)),
            conn,
        )
    # A facilitator taught twice counts once, by their first class.
    taught["held_on"] = pd.to_datetime(taught["held_on"])
    taught = taught.sort_values(["id", "held_on"]).drop_duplicates("id").set_index("id")
    staff = staff.set_index("id").join(taught, how="left")
    staff["trained"] = staff["post"].notna()
    staff["late"] = staff["trained"] & staff["make_up"].fillna(False).astype(bool)
    return staff.drop(columns=["make_up"])


def _mean_interval(values: pd.Series) -> tuple[float, float, float]:
    """Mean and its 95 % t-interval; NaN without two values."""
    values = values.dropna().astype(float)
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = t975(n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


#: Student's t at 0.975 for 1-30 degrees of freedom (published tables); beyond, ``t975``
#: approximates it as 1.96 + 2.4 / df, within 0.1 % (2.021 at 40, 2.000 at 60, 1.980 at 120).
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
         2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom."""
    return _T975[df - 1] if df <= len(_T975) else Z95 + 2.4 / df


def wilson(successes: float, trials: float) -> tuple[float, float, float]:
    """A share (%) and its 95 % Wilson interval; NaN without trials."""
    if not trials:
        return math.nan, math.nan, math.nan
    # Flags are of every submitted visit, the submissions those the rollups count: a visit
    # they leave out (``countable``) can make a facilitator's flags outnumber them.
    p = min(max(successes / trials, 0.0), 1.0)
    denominator = 1 + Z95**2 / trials
    centre = (p + Z95**2 / (2 * trials)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / trials + Z95**2 / (4 * trials**2)) / denominator
    return 100 * p, 100 * (centre - half), 100 * (centre + half)


def training_summary(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access, by: str = "self") -> pd.DataFrame:
    """The training of ``scope`` (``by="self"``, code ``ID`` for the nation) or of each of
    its child regions (``"children"``) as of ``day``, one row per code: ``facilitators``,
    ``trained``, ``trained_late``, ``not_trained``, ``trained_pct``; ``instructors_needed``,
    ``instructors_trained`` (provinces and the nation; NaN for a kabupaten/kota, whose
    instructors are its province's), ``instructors_teaching``; ``classes`` held; the mean
    ``pre``, ``post`` and ``gain`` with ``gain_low``/``gain_high``. ``access`` as for
    ``base_counts``."""
    _require_rows(access, scope, by)
    table = _training_summary(engine, round_id, scope, day, by)
    return table if by == "self" else table.loc[[access.sees_row(code) for code in table.index]]


@cached
def _training_summary(engine: Engine, round_id: int, scope: Scope, day: dt.date, by: str) -> pd.DataFrame:
    staff = _facilitators(engine, round_id, scope, day)
    if by == "self":
        staff["code"] = scope.code or NATIONAL_CODE
        level = scope.level
    else:
        level = scope.child_level
        staff["code"] = staff["province_code"] if level == Level.PROVINCE else staff["regency_code"]
    c, a, t, i, p = models.TrainingClass, models.TrainingAttendance, models.TrainingClassInstructor, models.Instructor, models.Province
    with engine.connect() as conn:
        instructors = pd.read_sql(select(i.id, i.province_code).where(*([i.province_code == scope.province_code] if scope.code else [])), conn)
        # Only attendance at a class of this round held by the day counts.
        trained_ids = {row[0] for row in conn.execute(
            select(a.instructor_id).join(c, c.id == a.class_id)
            .where(c.round_id == round_id, c.kind == "instructor", c.held_on <= day, a.attended.is_(True))
        )}
        needed = dict(conn.execute(select(p.code, p.instructor_count)).all())
        teaching = pd.read_sql(
            select(t.instructor_id, t.class_id)
            .join(c, c.id == t.class_id)
            .where(c.round_id == round_id, c.kind == "facilitator", c.held_on <= day),
            conn,
        )
        taught_by = pd.read_sql(
            select(a.class_id, a.facilitator_id.label("id"))
            .join(c, c.id == a.class_id)
            .where(c.round_id == round_id, c.kind == "facilitator", c.held_on <= day, a.facilitator_id.is_not(None)),
            conn,
        )
    instructors["trained"] = instructors["id"].isin(trained_ids)
    # A class belongs to the regions of its participants; its instructors teach there.
    # A class belongs to the regions of its participants; its instructors teach there. The
    # classes are counted from the participants (a class loaded without its instructors
    # counts all the same), as ``classes_per_day`` counts them.
    taught_by = taught_by.merge(staff[["code"]], left_on="id", right_index=True)[["class_id", "code"]].drop_duplicates()
    teaching = teaching.merge(taught_by, on="class_id")
    rows = []
    for code, group in staff.groupby("code"):
        trained = group[group["trained"]]
        gain = trained["post"] - trained["pre"]
        mean_gain, low, high = _mean_interval(gain)
        if level == Level.REGENCY:
            need, have = math.nan, math.nan
        else:
            provinces = [code] if level == Level.PROVINCE else list(needed)
            need = float(sum(needed.get(pc, 0) for pc in provinces))
            have = float(instructors.loc[instructors["province_code"].isin(provinces), "trained"].sum())
        mine = teaching[teaching["code"] == code]
        classes = taught_by.loc[taught_by["code"] == code, "class_id"]
        rows.append({
            "code": code, "facilitators": len(group), "trained": int(group["trained"].sum()), "trained_late": int(group["late"].sum()),
            "instructors_needed": need, "instructors_trained": have,
            "instructors_teaching": int(mine["instructor_id"].nunique()), "classes": int(classes.nunique()),
            "pre": float(trained["pre"].mean()) if len(trained) else math.nan,
            "post": float(trained["post"].mean()) if len(trained) else math.nan,
            "gain": mean_gain, "gain_low": low, "gain_high": high,
        })
    table = pd.DataFrame(rows).set_index("code") if rows else pd.DataFrame()
    if len(table):
        table["not_trained"] = table["facilitators"] - table["trained"]
        table = pd.concat([table, compute(table, ["trained_pct", "instructors_trained_pct"])], axis=1)
    return table


def score_histogram(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access) -> pd.DataFrame:
    """The trained facilitators of ``scope`` by pre- and post-test score: one row per bin
    (its lowest score: 0, 10, ..., 90; the last holds 90-100), columns ``pre`` and ``post``."""
    access.require_total(scope.code)
    return _score_histogram(engine, round_id, scope, day)


@cached
def _score_histogram(engine: Engine, round_id: int, scope: Scope, day: dt.date) -> pd.DataFrame:
    staff = _facilitators(engine, round_id, scope, day)
    trained = staff[staff["trained"]]
    bins = lambda scores: (np.minimum(scores.dropna().astype(int), 99) // 10 * 10).value_counts()  # noqa: E731
    return pd.DataFrame({"pre": bins(trained["pre"]), "post": bins(trained["post"])}).reindex(list(SCORE_BINS), fill_value=0).fillna(0).astype("int64")


def classes_per_day(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access) -> pd.DataFrame:
    """Classes held per day up to ``day`` with a participant of ``scope`` (facilitator
    classes) or, for the nation, the instructors' too: ``held_on``, ``kind``, ``classes``."""
    access.require_total(scope.code)
    return _classes_per_day(engine, round_id, scope, day)


@cached
def _classes_per_day(engine: Engine, round_id: int, scope: Scope, day: dt.date) -> pd.DataFrame:
    c, a, f = models.TrainingClass, models.TrainingAttendance, models.Facilitator
    with engine.connect() as conn:
        facilitator_classes = pd.read_sql(
            select(c.held_on, c.kind, func.count(func.distinct(c.id)).label("classes"))
            .join(a, a.class_id == c.id).join(f, f.id == a.facilitator_id)
            .where(c.round_id == round_id, c.kind == "facilitator", c.held_on <= day, *scope_filter(f, scope))
            .group_by(c.held_on, c.kind),
            conn,
        )
        instructor_classes = pd.read_sql(
            select(c.held_on, c.kind, func.count().label("classes"))
            .where(c.round_id == round_id, c.kind == "instructor", c.held_on <= day)
            .group_by(c.held_on, c.kind),
            conn,
        ) if scope.level == Level.NATIONAL else facilitator_classes.iloc[:0]
    frame = pd.concat([instructor_classes, facilitator_classes], ignore_index=True)
    frame["held_on"] = pd.to_datetime(frame["held_on"]).dt.date
    frame["classes"] = frame["classes"].astype("int64")
    return frame.sort_values(["held_on", "kind"], ignore_index=True)


def relation_to_work(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access) -> pd.DataFrame:
    """The facilitators of ``scope`` trained by ``day``, by post-test band (``BANDS``), with
    their work up to ``day``: ``facilitators``; ``with_targets`` (those with targets: the
    facilitators behind the completion); ``completion`` (mean of each one's submitted of
    targets, %) with ``completion_low``/``_high`` (95 % t); ``submitted``; ``returned_pct``
    and ``flagged_pct`` (of their submissions, %) with 95 % Wilson intervals. Plus a last row
    ``not trained``. An association, never a cause (see the module's docstring). ``access``
    must see the scope's facilitators' figures as totals (no facilitator is named)."""
    access.require_total(scope.code)
    return _relation_to_work(engine, round_id, scope, day)


@cached
def _relation_to_work(engine: Engine, round_id: int, scope: Scope, day: dt.date) -> pd.DataFrame:
    staff = _facilitators(engine, round_id, scope, day)
    t, d, q, f = models.Target, models.RollupFacilitatorDay, models.QualityFlag, models.Facilitator
    with engine.connect() as conn:
        targets = pd.read_sql(
            select(t.facilitator_id.label("id"), func.count().label("targets"))
            .where(t.round_id == round_id, *scope_filter(t, scope)).group_by(t.facilitator_id), conn).set_index("id")
        work = pd.read_sql(
            select(d.facilitator_id.label("id"), func.sum(d.submitted).label("submitted"), func.sum(d.returned).label("returned"))
            .where(d.round_id == round_id, d.day <= day, *scope_filter(d, scope)).group_by(d.facilitator_id), conn).set_index("id")
        flagged = pd.read_sql(
            select(q.facilitator_id.label("id"), func.count(func.distinct(q.target_id)).label("flagged"))
            .where(q.round_id == round_id, q.day <= day, *scope_filter(q, scope)).group_by(q.facilitator_id), conn).set_index("id")
    staff = staff.join([targets, work, flagged], how="left").fillna({"targets": 0, "submitted": 0, "returned": 0, "flagged": 0})
    staff["completion"] = staff["submitted"] / staff["targets"].where(staff["targets"] > 0) * 100
    band = pd.Series("not trained", index=staff.index, dtype=object)
    for label, low, high in BANDS:
        band[staff["trained"] & staff["post"].between(low, high)] = label
    staff["band"] = band
    rows = []
    for label in [b[0] for b in BANDS] + ["not trained"]:
        group = staff[staff["band"] == label]
        completion, c_low, c_high = _mean_interval(group["completion"])
        # A share: its interval stays within 0-100 % (a t-interval of a few facilitators would not).
        c_low, c_high = max(c_low, 0.0) if c_low == c_low else c_low, min(c_high, 100.0) if c_high == c_high else c_high
        submitted = float(group["submitted"].sum())
        returned, r_low, r_high = wilson(float(group["returned"].sum()), submitted)
        flags, f_low, f_high = wilson(float(group["flagged"].sum()), submitted)
        rows.append({
            "band": label, "facilitators": len(group), "with_targets": int(group["completion"].notna().sum()), "completion": completion, "completion_low": c_low, "completion_high": c_high,
            "submitted": int(submitted), "returned_pct": returned, "returned_low": r_low, "returned_high": r_high,
            "flagged_pct": flags, "flagged_low": f_low, "flagged_high": f_high,
        })
    return pd.DataFrame(rows).set_index("band")


def trained_facilitators(engine: Engine, round_id: int, regency_code: str, day: dt.date, *, access: Access) -> pd.DataFrame:
    """Per facilitator of a kabupaten/kota: ``trained`` (by ``day``), ``late``, ``pre`` and
    ``post`` (NaN when not trained): the facilitator table's training columns. ``access``
    must see the kabupaten/kota's facilitators."""
    access.require_facilitators(regency_code)
    return _trained_facilitators(engine, round_id, regency_code, day)


@cached
def _trained_facilitators(engine: Engine, round_id: int, regency_code: str, day: dt.date) -> pd.DataFrame:
    return _facilitators(engine, round_id, Scope(Level.REGENCY, regency_code), day)[["trained", "late", "pre", "post"]]


def facilitator_training(engine: Engine, round_id: int, facilitator_id: str, regency_code: str, day: dt.date, *, access: Access) -> pd.DataFrame:
    """The training classes of one facilitator held by ``day``: ``class_id``, ``held_on``,
    ``late`` (a make-up class), ``attended``, ``pre``, ``post`` and the instructors who
    taught it (``instructors``, names joined), oldest first. ``access`` must see the
    facilitators of their kabupaten/kota."""
    access.require_facilitators(regency_code)
    c, a, t, i = models.TrainingClass, models.TrainingAttendance, models.TrainingClassInstructor, models.Instructor
    with engine.connect() as conn:
        classes = pd.read_sql(
            select(c.id.label("class_id"), c.held_on, c.make_up.label("late"), a.attended, a.pre_score.label("pre"), a.post_score.label("post"))
            .join(a, a.class_id == c.id)
            .where(c.round_id == round_id, c.kind == "facilitator", c.held_on <= day, a.facilitator_id == facilitator_id)
            .order_by(c.held_on),
            conn,
        )
        taught = pd.read_sql(select(t.class_id, i.name).join(i, i.id == t.instructor_id).where(t.class_id.in_(list(classes["class_id"]) or [""])), conn)
    classes["held_on"] = pd.to_datetime(classes["held_on"]).dt.date
    classes["attended"] = classes["attended"].astype(bool)
    classes["late"] = classes["late"].astype(bool)
    classes["instructors"] = classes["class_id"].map(taught.groupby("class_id")["name"].agg(", ".join)).fillna("")
    return classes


__all__ = ["facilitator_training", "trained_facilitators", "BANDS", "SCORE_BINS", "classes_per_day", "relation_to_work", "score_histogram", "training_summary", "wilson"]
