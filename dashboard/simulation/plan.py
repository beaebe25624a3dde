"""The full plan of one province's targets: who, where, and every event of their lifecycle,
including those still in the future. ``snapshot`` turns a plan into database rows as of a
moment; ``--live`` keeps the plan and writes its future as the clock reaches it.

One province at a time keeps memory bounded (10M targets nationally), and each province has
its own random stream (seeded by the round's seed and the province code), so the data of a
province does not depend on the order or the number of provinces generated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.simulation import timeline as tl
from dashboard.simulation.answers import family_answers, uniform_answers
from dashboard.simulation.config import SimulationConfig
from dashboard.simulation.defects import inject_defects
from dashboard.vocabulary import (
    DefectKind,
    TargetCategory,
    VisitOutcome,
)

CATEGORIES = np.array([c.value for c in TargetCategory], dtype=object)
OUTCOMES = np.array([o.value for o in VisitOutcome], dtype=object)
_OUTCOME_INDEX = {o: i for i, o in enumerate(VisitOutcome)}
INTERVIEWED_CODES = np.array([_OUTCOME_INDEX[VisitOutcome.FOUND_VERIFIED], _OUTCOME_INDEX[VisitOutcome.NIK_CONFIRMED]])

#: Outcome probabilities by category (found / moved / deceased / not found / refused /
#: NIK confirmed). Assumed; refusals are rare but recorded ("menolak disurvei").
OUTCOME_MIX = {
    TargetCategory.INCLUSION_ERROR: [0.855, 0.05, 0.015, 0.055, 0.025, 0.0],
    TargetCategory.EXCLUSION_ERROR: [0.875, 0.05, 0.01, 0.055, 0.01, 0.0],
    TargetCategory.INACTIVE_NIK: [0.0, 0.08, 0.10, 0.11, 0.01, 0.70],
}

#: Desil before the check by category. Inclusion-error candidates receive aid but something
#: says they should not: most are ranked desil 5-7 by DTSEN, some lower (named by other
#: signals: a car, a civil servant in the family, a large electricity connection).
#: Exclusion-error candidates are ranked poor but get no aid.
DESIL_BEFORE = {
    TargetCategory.INCLUSION_ERROR: [0, 0, 0.05, 0.15, 0.3, 0.25, 0.12, 0.07, 0.04, 0.02],
    TargetCategory.EXCLUSION_ERROR: [0.35, 0.3, 0.2, 0.15, 0, 0, 0, 0, 0, 0],
    TargetCategory.INACTIVE_NIK: [0.25, 0.22, 0.18, 0.15, 0.1, 0.05, 0.03, 0.01, 0.005, 0.005],
}

CATEGORY_INDEX = {c: i for i, c in enumerate(TargetCategory)}
#: Calibration of the re-ranking (assumed; the published figures of the 2025 round are
#: approximate and partly conflict, see ``../shared/reference/DOMAIN.md``). Of the families
#: re-ranked, with PKH's cut-off (desil 1-4) and the default category shares:
#: about 13 % of those in desil 1-4 before leave it ("16.5 M verified, 14.3 M still in
#: desil 1-4"); about 22-24 % end above desil 4 ("18.7 M verified, 4.2 M not eligible",
#: read as re-ranked above PKH's range); about 11-12 % are confirmed inclusion errors ("more
#: than 1.9 M" of 16.5 M verified). The share of inclusion-error candidates that are real
#: errors, how much higher their welfare is, and how much lower that of candidates named
#: wrongly are what these figures fix; ``tests/integration/simulation`` checks them.
INCLUSION_REAL_ERROR_SHARE = 0.6
INCLUSION_ERROR_SHIFT = 1.5
WRONGLY_NAMED_SHIFT = 1.0


@dataclass
class ProvincePlan:
    """Column arrays of a province's targets (one element per target)."""

    province_code: str
    targets: dict[str, np.ndarray]
    #: Visit columns incl. answers, for every target (NaN/None where never visited).
    visits: dict[str, np.ndarray]
    #: Lifecycle times (epoch seconds, NaN = never): started, submitted, review_1..3,
    #: returned_1..2, resubmitted_1..2, approved, reranked.
    times: dict[str, np.ndarray]
    #: Injected defects: target index, kind, detail.
    defects: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __len__(self) -> int:
        return len(self.targets["id"])


def _lifecycle(rng, n, started, duration, remote, defective, fabricated, config):
    """Submission and review times of ``n`` visits that start at ``started``."""
    sync_delay = np.where(
        rng.random(n) < np.where(remote, 0.35, 0.12),
        tl.lognormal_seconds(rng, 6 * tl.HOUR, 1.0, n),  # synced later, out of signal
        rng.uniform(0, 5 * tl.MINUTE, n),
    )
    submitted = started + duration + sync_delay
    review_delay = lambda median: np.maximum(  # noqa: E731
        10 * tl.MINUTE, tl.lognormal_seconds(rng, median, 0.9, n)
    )
    review_1 = submitted + review_delay(20 * tl.HOUR)
    return_probability = np.where(defective, config.return_rate_defective, config.return_rate)
    return_probability = np.where(fabricated, 0.12, return_probability)
    returned_1 = rng.random(n) < return_probability
    resubmitted_1 = np.where(returned_1, review_1 + tl.lognormal_seconds(rng, 40 * tl.HOUR, 0.7, n), np.nan)
    review_2 = resubmitted_1 + review_delay(16 * tl.HOUR)
    returned_2 = returned_1 & (rng.random(n) < 0.15)
    resubmitted_2 = np.where(returned_2, review_2 + tl.lognormal_seconds(rng, 30 * tl.HOUR, 0.7, n), np.nan)
    review_3 = np.where(returned_2, resubmitted_2 + review_delay(12 * tl.HOUR), np.nan)
    approved = np.where(returned_2, review_3, np.where(returned_1, review_2, review_1))
    return {
        "submitted": submitted,
        "review_1": review_1,
        "returned_1": np.where(returned_1, review_1, np.nan),
        "resubmitted_1": resubmitted_1,
        "review_2": np.where(returned_1, review_2, np.nan),
        "returned_2": np.where(returned_2, review_2, np.nan),
        "resubmitted_2": resubmitted_2,
        "review_3": review_3,
        "approved": approved,
    }


def plan_province(
    config: SimulationConfig,
    calendar: tl.WorkCalendar,
    province_code: str,
    utc_offset_hours: int,
    facilitators: pd.DataFrame,
    caseloads: np.ndarray,
    first_target_id: int,
    villages: pd.DataFrame,
    anchor_lon: np.ndarray,
    anchor_lat: np.ndarray,
) -> ProvincePlan:
    """Plan every target of the province's ``facilitators`` (rows of the workforce table)."""
    rng = np.random.default_rng([config.seed, 100 + int(province_code)])
    n = int(caseloads.sum())
    fac = np.repeat(np.arange(len(facilitators)), caseloads)
    v_start = facilitators["village_start"].to_numpy()[fac]
    v_end = facilitators["village_end"].to_numpy()[fac]
    village = v_start + np.floor(rng.random(n) * (v_end - v_start)).astype(int)

    category = rng.choice(3, size=n, p=list(config.category_shares))
    desil_before = np.empty(n, dtype=np.int16)
    outcome = np.empty(n, dtype=np.int64)
    for index, cat in enumerate(TargetCategory):
        mask = category == index
        k = int(mask.sum())
        desil_before[mask] = rng.choice(np.arange(1, 11), size=k, p=DESIL_BEFORE[cat])
        outcome[mask] = rng.choice(len(OUTCOMES), size=k, p=OUTCOME_MIX[cat])
    # The welfare the field check reveals: near the recorded desil; for the inclusion-error
    # candidates that are real errors higher, for those named wrongly lower (see
    # INCLUSION_REAL_ERROR_SHARE for what this is calibrated to).
    shift = np.zeros(n)
    inclusion = category == CATEGORY_INDEX[TargetCategory.INCLUSION_ERROR]
    real_error = rng.random(n) < INCLUSION_REAL_ERROR_SHARE
    shift[inclusion & real_error] = INCLUSION_ERROR_SHIFT
    shift[inclusion & ~real_error] = -WRONGLY_NAMED_SHIFT
    true_desil = np.clip(desil_before + shift + rng.normal(0, 1.5, n), 1, 10)
    p = np.clip((true_desil - rng.uniform(0, 1, n)) / 10, 0.01, 0.99)

    ids = np.arange(first_target_id, first_target_id + n, dtype=np.int64)
    offset = utc_offset_hours * tl.HOUR
    round_start_utc = tl.epoch(config.start) - offset

    # --- when: work-days at speed 1, divided by the facilitator's speed -------------------
    fabricator = facilitators["fabricator"].to_numpy()[fac]
    speed = facilitators["speed"].to_numpy()[fac] * np.where(fabricator, 1.8, 1.0)
    day = calendar.day_of_work(tl.completion_workdays(rng, n, config) / speed).astype(float)
    idle_from = facilitators["idle_from_day"].to_numpy()[fac]
    idle_days = facilitators["idle_days"].to_numpy()[fac]
    in_spell = np.isfinite(idle_from) & (day >= idle_from)
    day = np.where(in_spell, day + idle_days, day)  # inf for drop-outs: never
    visited = (day >= 0) & (day < config.horizon_days)
    day = np.where(visited, np.floor(day), np.nan)
    started = round_start_utc + day * tl.DAY + tl.local_time_of_day(rng, n)

    interviewed = np.isin(outcome, INTERVIEWED_CODES)
    duration = np.where(
        interviewed,
        np.clip(tl.lognormal_seconds(rng, 22 * tl.MINUTE, 0.35, n), 8 * tl.MINUTE, 90 * tl.MINUTE),
        np.clip(tl.lognormal_seconds(rng, 6 * tl.MINUTE, 0.4, n), 2 * tl.MINUTE, 20 * tl.MINUTE),
    )

    # --- answers ---------------------------------------------------------------------------
    answers = family_answers(rng, p, province_code)
    fab_rows = np.flatnonzero(fabricator)
    if len(fab_rows):
        fake = uniform_answers(len(fab_rows), province_code, rng)
        for column, values in fake.items():
            answers[column][fab_rows] = values
        duration[fab_rows] = rng.uniform(4 * tl.MINUTE, 9 * tl.MINUTE, len(fab_rows))
        started = _pack_fabricated_visits(rng, started, duration, fac, fab_rows, round_start_utc)

    lon = anchor_lon[village] + rng.normal(0, 0.0015, n)
    lat = anchor_lat[village] + rng.normal(0, 0.0015, n)
    if len(fab_rows):
        # A fabricator "visits" from one spot: their home, in one desa of their own area.
        home_village = facilitators["village_start"].to_numpy() + np.floor(
            rng.random(len(facilitators))
            * (facilitators["village_end"] - facilitators["village_start"]).to_numpy()
        ).astype(int)
        lon[fab_rows] = anchor_lon[home_village[fac[fab_rows]]] + rng.normal(0, 0.0002, len(fab_rows))
        lat[fab_rows] = anchor_lat[home_village[fac[fab_rows]]] + rng.normal(0, 0.0002, len(fab_rows))

    visits: dict[str, np.ndarray] = {
        "outcome": OUTCOMES[outcome],
        "duration_seconds": np.rint(duration),
        "gps_lat": lat,
        "gps_lon": lon,
        "gps_accuracy_m": np.round(rng.uniform(4, 30, n), 1),
        "photo_house_front": np.ones(n, dtype=bool),
        "photo_house_inside": interviewed.copy(),
        "photo_family_card": interviewed.copy(),
        "head_nik_status": np.where(category == 2, 2, 1).astype(np.int16),
        **answers,
    }
    # The answers exist only for interviewed families.
    for column in answers:
        visits[column] = _mask(visits[column], interviewed)
    visits["head_nik_status"] = _mask(visits["head_nik_status"], interviewed)

    # --- defects ---------------------------------------------------------------------------
    defects, started = inject_defects(
        rng, config.defect_rates, visits, started, interviewed, visited & ~fabricator, fac,
        villages, village, anchor_lon, anchor_lat, round_start_utc, day,
    )
    defective = np.zeros(n, dtype=bool)
    defective[defects["target_index"].to_numpy()] = True
    fabricator_ids = facilitators["id"].to_numpy()[facilitators["fabricator"].to_numpy()]
    defects = pd.concat(
        [
            defects.assign(facilitator_id=facilitators["id"].to_numpy()[fac[defects["target_index"].to_numpy()]]),
            pd.DataFrame(
                {
                    "target_index": -1,
                    "kind": DefectKind.FABRICATION.value,
                    "detail": None,
                    "partner_index": -1,
                    "facilitator_id": fabricator_ids,
                }
            ),
        ],
        ignore_index=True,
    )

    remote = np.full(n, province_code in {"53", "81", "82", "91", "92", "93", "94", "95", "96"})
    times = {"started": np.where(visited, started, np.nan)}
    times.update(_lifecycle(rng, n, times["started"], visits["duration_seconds"], remote, defective, fabricator, config))
    approved = times["approved"]
    times["reranked"] = np.where(interviewed & np.isfinite(approved), tl.next_rerank(approved), np.nan)
    desil_after = np.clip(np.rint(true_desil + rng.normal(0, 0.6, n)), 1, 10)
    visits["desil_after"] = np.where(interviewed, desil_after, np.nan)

    targets = {
        "id": ids,
        "code": np.char.add(f"T{config.round_id}-", np.char.zfill(ids.astype(str), 9)).astype(object),
        "category": CATEGORIES[category],
        "province_code": np.full(n, province_code, dtype=object),
        "regency_code": villages["regency_code"].to_numpy()[village],
        "district_code": villages["district_code"].to_numpy()[village],
        "village_code": villages["code"].to_numpy()[village],
        "facilitator_id": facilitators["id"].to_numpy()[fac],
        "desil_before": desil_before,
        "assigned_at": np.full(n, round_start_utc),
    }
    return ProvincePlan(province_code, targets, visits, times, defects)


def _mask(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``values`` where ``keep``, else missing (NaN for numbers, None for objects)."""
    if values.dtype == object:
        return np.where(keep, values, None)
    return np.where(keep, values.astype(float), np.nan)


def _pack_fabricated_visits(rng, started, duration, fac, rows, round_start_utc):
    """Fabricated "visits" come in bursts: all of a day's back to back from mid-morning."""
    rows = rows[np.isfinite(started[rows])]
    if not len(rows):
        return started
    day = np.floor((started[rows] - round_start_utc) / tl.DAY)
    order = np.lexsort((started[rows], day, fac[rows]))
    rows, day = rows[order], day[order]
    key = fac[rows] * 100_000 + day
    new_group = np.concatenate([[True], key[1:] != key[:-1]])
    step = duration[rows] + rng.uniform(2 * tl.MINUTE, 5 * tl.MINUTE, len(rows))
    cumulative = np.cumsum(step)
    group_start_index = np.maximum.accumulate(np.where(new_group, np.arange(len(rows)), 0))
    before = cumulative - step
    offset_in_group = before - before[group_start_index]
    first_start = round_start_utc + day * tl.DAY + rng.uniform(9, 11, len(rows))[group_start_index] * tl.HOUR
    started = started.copy()
    started[rows] = first_start + offset_in_group
    return started
