"""A plan as the database sees it at one moment: the rows to write for ``(since, until]``.

The first load is the window ``(-inf, as_of]``; each ``--live`` tick is ``(last tick, now]``.
A visit's row is (re)written whenever any of its events falls in the window; answers and
paradata appear with the first submission, the desil after re-ranking with the weekly batch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.simulation.plan import ProvincePlan
from dashboard.vocabulary import VisitStatus

#: Events of the lifecycle in the order they happen to one visit.
LIFECYCLE = (
    ("started", VisitStatus.STARTED),
    ("submitted", VisitStatus.SUBMITTED),
    ("returned_1", VisitStatus.RETURNED),
    ("resubmitted_1", VisitStatus.RESUBMITTED),
    ("returned_2", VisitStatus.RETURNED),
    ("resubmitted_2", VisitStatus.RESUBMITTED),
    ("approved", VisitStatus.APPROVED),
)
_REVIEWS = ("review_1", "review_2", "review_3")


def _at_or_before(times: np.ndarray, moment: float) -> np.ndarray:
    return np.isfinite(times) & (times <= moment)


def changed_rows(plan: ProvincePlan, since: float, until: float) -> np.ndarray:
    """Indices of targets with an event in ``(since, until]`` (or first seen in it)."""
    changed = np.zeros(len(plan), dtype=bool)
    for name, times in plan.times.items():
        changed |= np.isfinite(times) & (times > since) & (times <= until)
    return np.flatnonzero(changed)


def visit_rows(plan: ProvincePlan, rows: np.ndarray, until: float, round_id: int) -> dict[str, np.ndarray]:
    """Column arrays of the ``visit`` rows of targets ``rows`` as of ``until``."""
    t = {name: times[rows] for name, times in plan.times.items()}
    rows = rows[_at_or_before(t["started"], until)]
    t = {name: times[rows] for name, times in plan.times.items()}
    status = np.full(len(rows), VisitStatus.STARTED.value, dtype=object)
    for name, value in LIFECYCLE:
        status = np.where(_at_or_before(t[name], until), value.value, status)
    reviewed = np.full(len(rows), np.nan)
    for name in _REVIEWS:
        reviewed = np.where(_at_or_before(t[name], until), t[name], reviewed)
    submitted = _at_or_before(t["submitted"], until)
    columns: dict[str, np.ndarray] = {
        "target_id": plan.targets["id"][rows],
        "round_id": np.full(len(rows), round_id),
        "facilitator_id": plan.targets["facilitator_id"][rows],
        "province_code": plan.targets["province_code"][rows],
        "regency_code": plan.targets["regency_code"][rows],
        "category": plan.targets["category"][rows],
        "status": status,
        "started_at": t["started"],
        "submitted_at": np.where(submitted, t["submitted"], np.nan),
        "reviewed_at": reviewed,
        "first_reviewed_at": np.where(_at_or_before(t["review_1"], until), t["review_1"], np.nan),
        "first_returned_at": np.where(_at_or_before(t["returned_1"], until), t["returned_1"], np.nan),
        "approved_at": np.where(_at_or_before(t["approved"], until), t["approved"], np.nan),
        "return_count": _at_or_before(t["returned_1"], until).astype(int) + _at_or_before(t["returned_2"], until),
    }
    for name, values in plan.visits.items():
        if name == "desil_after":
            continue
        values = values[rows]
        # Until the first submission syncs, the server knows only that the visit started.
        columns[name] = np.where(submitted, values, None if values.dtype == object else np.nan)
        if values.dtype == bool:
            columns[name] = np.where(submitted, values, False)
    # The row is (re)written now: stamped with the moment of the write on the data's clock.
    columns["updated_at"] = np.full(len(rows), until)
    reranked = _at_or_before(t["reranked"], until)
    columns["desil_after"] = np.where(reranked, plan.visits["desil_after"][rows], np.nan)
    columns["reranked_at"] = np.where(reranked, t["reranked"], np.nan)
    return columns


def event_rows(plan: ProvincePlan, rows: np.ndarray, since: float, until: float) -> dict[str, np.ndarray]:
    """The ``visit_event`` rows of targets ``rows`` that happened in ``(since, until]``."""
    ids, statuses, times = [], [], []
    for name, value in LIFECYCLE:
        moment = plan.times[name][rows]
        inside = np.isfinite(moment) & (moment > since) & (moment <= until)
        ids.append(plan.targets["id"][rows][inside])
        statuses.append(np.full(int(inside.sum()), value.value, dtype=object))
        times.append(moment[inside])
    ids_all = np.concatenate(ids)
    times_all = np.concatenate(times)
    order = np.lexsort((times_all, ids_all))
    return {"target_id": ids_all[order], "status": np.concatenate(statuses)[order], "occurred_at": times_all[order]}


def defect_rows(plan: ProvincePlan, since: float, until: float, round_id: int, first_load: bool) -> dict[str, np.ndarray]:
    """Ground-truth rows of defects that became visible in ``(since, until]``: when the visit
    was first submitted, or for a pair (same GPS point, same PLN id) when the later of the
    two was. A visit in several pairs of one kind is recorded once. Fabricating
    facilitators are written with the first load."""
    defects = plan.defects
    index = defects["target_index"].to_numpy()
    partner = defects["partner_index"].to_numpy()
    with_target = index >= 0
    submitted = plan.times["submitted"]
    visible = np.full(len(defects), np.nan)
    visible[with_target] = submitted[index[with_target]]
    paired = partner >= 0
    # NaN (a partner never submitted) stays NaN: the pair never shows.
    visible[paired] = np.maximum(visible[paired], submitted[partner[paired]])
    # One row per visit and kind: the pair that shows first.
    by_visibility = pd.DataFrame({"i": index, "k": defects["kind"].to_numpy(), "t": visible}).sort_values(
        "t", na_position="last", kind="stable"
    )
    first_of_visit = np.zeros(len(defects), dtype=bool)
    first_of_visit[by_visibility.index[~by_visibility.duplicated(["i", "k"])]] = True
    keep = with_target & first_of_visit & (visible > since) & (visible <= until)
    if first_load:
        keep |= ~with_target
    chosen = defects[keep]
    chosen_index = chosen["target_index"].to_numpy()
    return {
        "round_id": np.full(len(chosen), round_id),
        "kind": chosen["kind"].to_numpy(dtype=object),
        "target_id": np.where(chosen_index >= 0, plan.targets["id"][np.maximum(chosen_index, 0)], np.nan),
        "facilitator_id": chosen["facilitator_id"].to_numpy(dtype=object),
        "detail": chosen["detail"].to_numpy(dtype=object),
    }
