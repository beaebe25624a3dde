"""The simulated training of a round, after the BPS briefing (``../shared/reference``):

- the national instructors (Innas, BPS province and kabupaten/kota staff), as many per
  province as the briefing's table says (1,120 in all), are trained by BPS RI in 36 Zoom
  classes of 20-40 the day after the round starts;
- the facilitators are trained by the instructors of their province the day after, in Zoom
  classes of 20-40 (one instructor each, an instructor teaching several classes where the
  province has fewer instructors than classes);
- some are absent (``ABSENT``); most of those are trained late, in make-up classes of 20-40
  over the next three weeks (which may gather several provinces), the others not at all;
- everyone present takes a pre-test and a post-test (0-100) with a plausible gain.

Whether training relates to the work is a parameter (``SimulationConfig.training_effect``,
default weak): the post-test of a facilitator rises by ``training_effect`` times 10 points
per standard deviation of their speed among their province's facilitators. At 0 the scores
say nothing about the work, so that the dashboard is not tuned to find what was planted.

Each round has its own random stream (seeded by the round's seed), apart from the visits',
so that adding training changed no visit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.simulation.config import SimulationConfig
from dashboard.simulation.workforce import _names

#: The classes' size, as in the briefing ("Jumlah peserta per kelas: 20 - 40 orang").
CLASS_SIZE = (20, 40)
#: Instructor classes (the briefing: "36 link (kelas) terpisah").
INSTRUCTOR_CLASSES = 36
#: Days after the round's start: the instructors' training, the facilitators', and the
#: make-up classes for those who missed theirs.
INSTRUCTOR_DAY, FACILITATOR_DAY, MAKE_UP_DAYS = 1, 2, (7, 14, 21)
#: Shares of absentees: instructors and facilitators missing their class, and of the absent
#: facilitators those trained late (the others are not trained at all).
INSTRUCTOR_ABSENT, ABSENT, TRAINED_LATE = 0.02, 0.10, 0.75


@dataclass
class TrainingPlan:
    """Every row of a round's training, each class with the day it is held."""

    instructors: pd.DataFrame  # id, name, province_code
    classes: pd.DataFrame  # id, kind, province_code, held_on, make_up
    teachers: pd.DataFrame  # class_id, instructor_id
    attendance: pd.DataFrame  # class_id, facilitator_id, instructor_id, attended, pre_score, post_score


def _sizes(n: int) -> list[int]:
    """``n`` participants in classes of ``CLASS_SIZE`` as even as can be (one smaller class
    only when ``n`` itself is below the minimum)."""
    if n <= 0:
        return []
    k = max(1, -(-n // CLASS_SIZE[1]))
    base, extra = divmod(n, k)
    return [base + 1] * extra + [base] * (k - extra)


def _scores(rng: np.random.Generator, n: int, pre_mean: float, gain_mean: float, shift: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    pre = rng.normal(pre_mean, 13, n)
    post = pre + rng.normal(gain_mean, 8, n) + (shift if shift is not None else 0)
    return np.clip(np.rint(pre), 0, 100).astype(int), np.clip(np.rint(post), 0, 100).astype(int)


def plan_training(config: SimulationConfig, provinces: pd.DataFrame, facilitators: pd.DataFrame) -> TrainingPlan:
    """The training of round ``config.round_id``: ``provinces`` as the reference table
    (``code``, ``instructor_count``), ``facilitators`` as the workforce's (``id``,
    ``province_code``, ``regency_code``, ``speed``)."""
    rng = np.random.default_rng([config.seed, 17, config.round_id])
    prefix = f"R{config.round_id}"
    start = config.start

    counts = provinces.set_index("code")["instructor_count"].astype(int).sort_index()
    instructors = pd.DataFrame({
        "id": [f"INNAS-{code}-{i:03d}" for code, n in counts.items() for i in range(1, n + 1)],
        "province_code": np.repeat(counts.index.to_numpy(), counts.to_numpy()),
    })
    instructors["name"] = _names(rng, len(instructors))

    classes, teachers, attendance = [], [], []

    # --- the instructors' classes ------------------------------------------------------------
    groups = np.array_split(np.arange(len(instructors)), INSTRUCTOR_CLASSES)
    present = rng.random(len(instructors)) >= INSTRUCTOR_ABSENT
    pre, post = _scores(rng, len(instructors), 62, 16)
    for number, members in enumerate(groups, start=1):
        class_id = f"{prefix}-I-{number:02d}"
        classes.append((class_id, "instructor", None, start + dt.timedelta(days=INSTRUCTOR_DAY), False))
        for i in members:
            attendance.append((class_id, None, instructors["id"][i], bool(present[i]),
                               int(pre[i]) if present[i] else None, int(post[i]) if present[i] else None))
    available = instructors.loc[present]

    # --- the facilitators' classes, by province ----------------------------------------------
    speed = facilitators["speed"].to_numpy(dtype=float)
    by_province = facilitators.groupby("province_code")["speed"]
    z = ((speed - by_province.transform("mean").to_numpy()) / by_province.transform("std").replace(0, 1).fillna(1).to_numpy())
    shift = config.training_effect * 10 * z
    f_pre, f_post = _scores(rng, len(facilitators), 55, 17, shift)
    absent = rng.random(len(facilitators)) < ABSENT
    late = absent & (rng.random(len(facilitators)) < TRAINED_LATE)
    make_up_day = rng.choice(MAKE_UP_DAYS, len(facilitators))
    position = {fid: i for i, fid in enumerate(facilitators["id"])}
    ordered = facilitators.sort_values(["province_code", "regency_code", "id"])
    for code, members in ordered.groupby("province_code", sort=True):
        teaching = available.loc[available["province_code"] == code, "id"].to_numpy()
        start_at = 0
        for number, size in enumerate(_sizes(len(members)), start=1):
            class_id = f"{prefix}-F-{code}-{number:03d}"
            classes.append((class_id, "facilitator", code, start + dt.timedelta(days=FACILITATOR_DAY), False))
            if len(teaching):
                teachers.append((class_id, teaching[(number - 1) % len(teaching)]))
            for fid in members["id"].to_numpy()[start_at:start_at + size]:
                i = position[fid]
                attendance.append((class_id, fid, None, not absent[i],
                                   None if absent[i] else int(f_pre[i]), None if absent[i] else int(f_post[i])))
            start_at += size

    # --- make-up classes for the absent trained late: by week, any province ------------------
    carried: list[int] = []
    for week, day in enumerate(MAKE_UP_DAYS):
        due = carried + sorted(np.flatnonzero(late & (make_up_day == day)).tolist(), key=lambda i: facilitators["id"].iat[i])
        last = week == len(MAKE_UP_DAYS) - 1
        if len(due) < CLASS_SIZE[0] and not last:
            carried = due  # too few for a class: they wait for the next week's
            continue
        carried = []
        start_at = 0
        for number, size in enumerate(_sizes(len(due)), start=1):
            class_id = f"{prefix}-M-{week + 1}-{number:02d}"
            classes.append((class_id, "facilitator", None, start + dt.timedelta(days=day), True))
            if len(available):
                teachers.append((class_id, available["id"].iat[(week * 7 + number) % len(available)]))
            for i in due[start_at:start_at + size]:
                attendance.append((class_id, facilitators["id"].iat[i], None, True, int(f_pre[i]), int(f_post[i])))
            start_at += size

    return TrainingPlan(
        instructors=instructors[["id", "name", "province_code"]],
        classes=pd.DataFrame(classes, columns=["id", "kind", "province_code", "held_on", "make_up"]),
        teachers=pd.DataFrame(teachers, columns=["class_id", "instructor_id"]),
        attendance=pd.DataFrame(attendance, columns=["class_id", "facilitator_id", "instructor_id", "attended", "pre_score", "post_score"]),
    )


def held_between(plan: TrainingPlan, after: dt.date | None, until: dt.date) -> TrainingPlan:
    """The part of ``plan`` held in ``(after, until]`` (all up to ``until`` without ``after``):
    what a simulated clock has reached."""
    held = plan.classes["held_on"] <= until
    if after is not None:
        held &= plan.classes["held_on"] > after
    ids = set(plan.classes.loc[held, "id"])
    return TrainingPlan(
        instructors=plan.instructors,
        classes=plan.classes.loc[held].reset_index(drop=True),
        teachers=plan.teachers.loc[plan.teachers["class_id"].isin(ids)].reset_index(drop=True),
        attendance=plan.attendance.loc[plan.attendance["class_id"].isin(ids)].reset_index(drop=True),
    )


__all__ = ["CLASS_SIZE", "INSTRUCTOR_CLASSES", "TrainingPlan", "held_between", "plan_training"]
