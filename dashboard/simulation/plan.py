"""The full plan of one province's targets: who, where, and every event of their lifecycle,
including those still in the future. ``snapshot`` turns a plan into database rows as of a
moment; ``--live`` keeps the plan and writes its future as the clock reaches it.

One province at a time keeps memory bounded, and each province has its own random stream
(seeded by the round's seed and the province code), so the data of a province does not
depend on the order or the number of provinces generated. A province too large for memory
(``run.PLAN_PART_TARGETS``) is planned in parts of whole kabupaten/kota, each with a stream
of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.simulation import timeline as tl
from dashboard.simulation.answers import family_answers, uniform_answers
from dashboard.simulation.config import FABRICATION_LEVEL_COUNT, SimulationConfig
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


#: Honest interview length by household size (see ``plan_province``), and the straight-line
#: speed of a facilitator between two families (on foot and by motorbike on village roads).
SIZE_BASE_MINUTES = 12.0
SIZE_MINUTES_PER_MEMBER = 2.5
TRAVEL_KMH = 15.0
#: The welfare percentile of the one family a blatant fabricator types (``uniform_answers``).
UNIFORM_WELFARE = 0.35


@dataclass(frozen=True)
class FabricationLevel:
    """How a simulated fabricator makes up visits (``SimulationConfig.fabrication_level``).
    Every fabricator of a round has the round's level; honest facilitators are the same at
    every level. What each level imitates, and what it cannot avoid, is written beside it in
    ``FABRICATION_LEVELS``; ``bench/fabrication_risk.py`` measures how the score finds them."""

    name: str
    #: "one_family" (the same family with three ages), "templates" (four made-up families),
    #: "varied" (a plausible family each time, in round numbers), "peers" (answers drawn
    #: as the peers' are distributed).
    answers: str
    #: Interview length drawn uniformly in these minutes; (0, 0): an ordinary length.
    minutes: tuple[float, float]
    #: "home" (one spot), "spots" (four desa of their area), "family" (spoofed at the
    #: family's desa).
    gps: str
    #: "bursts" (back to back from mid-morning), "paced" (a steady rhythm from the morning,
    #: in no route), "route" (a plausible route in space and time).
    schedule: str
    pause_minutes: tuple[float, float]
    #: Targets per day against the same facilitator working honestly.
    speed: float
    #: Share of the hard outcomes (moved, deceased, not found, refused) still recorded.
    hard_outcomes_kept: float
    #: Their submissions are returned at review more often than clean ones.
    often_returned: bool


#: Level 0 is the blatant fabricator of the first score; 1-4 learn, in turn, what is checked.
FABRICATION_LEVELS: tuple[FabricationLevel, ...] = (
    # 0 blatant: one family typed over and over from home, 4-9 minutes each, back to back,
    #   at 1.8 times the pace; records the hard outcomes the families really had. Cannot
    #   avoid: everything else.
    FabricationLevel("blatant", "one_family", (4, 9), "home", "bursts", (2, 5), 1.8, 1.0, True),
    # 1 templates: four made-up families, 8-14 minutes, from four spots. Cannot avoid:
    #   repeated answers, few GPS spots, bursts, throughput, few hard outcomes (a quarter),
    #   answers and lengths unrelated to the family.
    FabricationLevel("templates", "templates", (8, 14), "spots", "bursts", (3, 8), 1.8, 0.25, True),
    # 2 paced: a plausible family each time, ordinary lengths, a steady rhythm with pauses.
    #   Cannot avoid: round numbers, few GPS spots, a regular rhythm, throughput, few hard
    #   outcomes, answers and lengths unrelated to the family.
    FabricationLevel("paced", "varied", (0, 0), "spots", "paced", (10, 20), 1.8, 0.25, True),
    # 3 mimic: answers distributed like the peers', the location spoofed at each family's
    #   desa, ordinary lengths, not returned more than others. Cannot avoid: travel
    #   between desa in the minutes between forms, throughput, fewer hard outcomes,
    #   answers and lengths unrelated to the family.
    FabricationLevel("mimic", "peers", (0, 0), "family", "paced", (5, 15), 1.8, 0.5, False),
    # 4 careful: as 3, and a plausible route in time, the peers' pace and their share of
    #   hard outcomes. Cannot avoid: answers unrelated to the family's DTSEN record and
    #   interview lengths unrelated to the (made-up) household size.
    FabricationLevel("careful", "peers", (0, 0), "family", "route", (0, 0), 1.0, 1.0, False),
)
assert len(FABRICATION_LEVELS) == FABRICATION_LEVEL_COUNT


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
    part: int | None = None,
) -> ProvincePlan:
    """Plan every target of the province's ``facilitators`` (rows of the workforce table):
    all of the province's, or (``part``) those of one part of a large province, which
    has a random stream of its own."""
    stream = [] if part is None else [part]
    rng = np.random.default_rng([config.seed, 100 + int(province_code), *stream])
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
    level = FABRICATION_LEVELS[config.fabrication_level]
    # The fabricators' own random stream: every draw of ``rng`` is the same at every level,
    # so honest facilitators are the same whatever the fabricators do.
    fab_rng = np.random.default_rng([config.seed, 200 + int(province_code), *stream])
    outcome = _fabricated_outcomes(fab_rng, outcome, category, fabricator, level)
    speed = facilitators["speed"].to_numpy()[fac] * np.where(fabricator, level.speed, 1.0)
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
    # Each member adds the questionnaire's individual questions: an interview of a family
    # of four takes the median 22 minutes, of one 14.5, of eight 32.
    size_factor = (SIZE_BASE_MINUTES + SIZE_MINUTES_PER_MEMBER * answers["household_size"]) / (SIZE_BASE_MINUTES + 4 * SIZE_MINUTES_PER_MEMBER)
    duration = np.where(interviewed, np.clip(duration * size_factor, 8 * tl.MINUTE, 90 * tl.MINUTE), duration)
    lon = anchor_lon[village] + rng.normal(0, 0.0015, n)
    lat = anchor_lat[village] + rng.normal(0, 0.0015, n)
    honest_rows = np.flatnonzero(~fabricator)
    # A working day is a route: the day's families in the order of their desa, each visit
    # after the previous one ended and the travel between them.
    started = _schedule_days(rng, started, duration, fac, honest_rows, round_start_utc, (7.5, 9.5), lon=lon, lat=lat, by=village)
    fab_rows = np.flatnonzero(fabricator)
    if len(fab_rows):
        started, made_up_welfare = _fabricate(
            fab_rng, level, fab_rows, answers, duration, started, lon, lat, p, fac, village, facilitators,
            anchor_lon, anchor_lat, round_start_utc, province_code, interviewed,
        )
        # BPS re-ranks a family from the answers submitted: a made-up family's welfare,
        # not the real one's.
        true_desil = true_desil.copy()
        true_desil[fab_rows] = np.clip(10 * made_up_welfare + fab_rng.uniform(0, 1, len(fab_rows)), 1, 10)

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
    times.update(_lifecycle(rng, n, times["started"], visits["duration_seconds"], remote, defective, fabricator & level.often_returned, config))
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


def _schedule_days(rng, started, duration, fac, rows, round_start_utc, first_hour, *, pause_minutes=None, lon=None, lat=None, by=None):
    """The start times of ``rows`` when each facilitator works a day's visits one after the
    other from a local hour in ``first_hour``: in the order of ``by`` (e.g. the desa: a
    route), else in a random order; between two visits the travel between their points
    (``lon``/``lat``, at ``TRAVEL_KMH`` plus a few minutes to find the house) or a pause
    drawn from ``pause_minutes``. The day of each visit stays what it was."""
    rows = rows[np.isfinite(started[rows])]
    if not len(rows):
        return started
    day = np.floor((started[rows] - round_start_utc) / tl.DAY)
    secondary = by[rows] if by is not None else np.zeros(len(rows))
    order = np.lexsort((rng.random(len(rows)), secondary, day, fac[rows]))
    rows, day = rows[order], day[order]
    key = fac[rows] * 100_000 + day
    new_group = np.concatenate([[True], key[1:] != key[:-1]])
    if lon is not None:
        x, y = lon[rows], lat[rows]
        metres = np.hypot(np.diff(x, prepend=x[0]) * np.cos(np.radians(y)) * 111_320, np.diff(y, prepend=y[0]) * 111_320)
        pause = metres / (TRAVEL_KMH * 1000 / tl.HOUR) + tl.lognormal_seconds(rng, 6 * tl.MINUTE, 0.5, len(rows))
    else:
        pause = rng.uniform(*pause_minutes, len(rows)) * tl.MINUTE
    previous_duration = np.concatenate([[0.0], duration[rows][:-1]])
    step = np.where(new_group, 0.0, pause + previous_duration)
    cumulative = np.cumsum(step)
    group_start_index = np.maximum.accumulate(np.where(new_group, np.arange(len(rows)), 0))
    offset_in_group = cumulative - cumulative[group_start_index]
    # A long day starts earlier (from 06.00) so as to end by 21.00 where it can.
    day_length = np.zeros(len(rows))
    np.maximum.at(day_length, group_start_index, offset_in_group + duration[rows])
    first_hour_drawn = np.minimum(rng.uniform(*first_hour, len(rows)), np.maximum(6.0, 21.0 - day_length / tl.HOUR))
    first_start = round_start_utc + day * tl.DAY + first_hour_drawn[group_start_index] * tl.HOUR
    started = started.copy()
    started[rows] = first_start + offset_in_group
    return started


def _fabricated_outcomes(rng, outcome, category, fabricator, level):
    """A fabricator who does not go sees no family that moved, died, cannot be found or
    refuses: they record most as found (or the NIK as confirmed), keeping a share
    ``level.hard_outcomes_kept`` of the hard outcomes the families really had."""
    hard = ~np.isin(outcome, INTERVIEWED_CODES)
    turned = fabricator & hard & (rng.random(len(outcome)) >= level.hard_outcomes_kept)
    inactive = category == CATEGORY_INDEX[TargetCategory.INACTIVE_NIK]
    outcome = outcome.copy()
    outcome[turned & inactive] = _OUTCOME_INDEX[VisitOutcome.NIK_CONFIRMED]
    outcome[turned & ~inactive] = _OUTCOME_INDEX[VisitOutcome.FOUND_VERIFIED]
    return outcome


def _fabricate(rng, level, rows, answers, duration, started, lon, lat, p, fac, village, facilitators,
               anchor_lon, anchor_lat, round_start_utc, province_code, interviewed):
    """Overwrite the answers, lengths, points and times of the fabricated visits ``rows``
    as a fabricator of ``level`` makes them up (in place for the arrays; returns the new
    start times and the welfare percentile of each made-up family). See
    ``FABRICATION_LEVELS``."""
    k = len(rows)
    if level.answers == "one_family":
        welfare = np.full(k, UNIFORM_WELFARE)
        fake = uniform_answers(k, province_code, rng)
    elif level.answers == "templates":
        # Four made-up families per fabricator, reused with a slightly different age.
        template = fac[rows] * 4 + rng.integers(0, 4, k)
        unique, inverse = np.unique(template, return_inverse=True)
        template_welfare = rng.uniform(0.2, 0.5, len(unique))
        welfare = template_welfare[inverse]
        table = family_answers(rng, template_welfare, province_code)
        fake = {column: values[inverse] for column, values in table.items()}
        fake["head_age"] = np.clip(fake["head_age"] + rng.integers(-2, 3, k), 17, 98).astype(np.int16)
    else:
        # "varied": a plausible family each time, with the welfare of an ordinary family of
        # the area but not of this one, in round numbers; "peers": the same without the
        # round numbers (the answers' distribution is the peers').
        welfare = rng.uniform(0.15, 0.55, k) if level.answers == "varied" else rng.permutation(p)[:k]
        fake = family_answers(rng, welfare, province_code)
        if level.answers == "varied":
            fake["head_age"] = (np.rint(fake["head_age"] / 5) * 5).astype(np.int16)
            fake["floor_area_m2"] = np.maximum(10, np.rint(fake["floor_area_m2"] / 10) * 10).astype(np.int16)
    for column, values in fake.items():
        answers[column][rows] = values

    low, high = level.minutes
    if level.minutes == (0, 0):
        # An ordinary interview's length, whatever the made-up family's size; a recorded
        # hard outcome (moved, not found) as short as anyone's.
        talked = interviewed[rows]
        lengths = np.clip(tl.lognormal_seconds(rng, 22 * tl.MINUTE, 0.35, k), 8 * tl.MINUTE, 90 * tl.MINUTE)
        duration[rows] = np.where(talked, lengths, duration[rows])
    else:
        duration[rows] = rng.uniform(low * tl.MINUTE, high * tl.MINUTE, k)

    span = (facilitators["village_end"] - facilitators["village_start"]).to_numpy()
    if level.gps != "family":  # "family": a location spoofed at the family's desa, as drawn
        spots = 1 if level.gps == "home" else 4
        choice = rng.integers(0, spots, k) if spots > 1 else np.zeros(k, dtype=int)
        # The desa of each of a facilitator's spots, fixed per (facilitator, spot).
        spot_village = facilitators["village_start"].to_numpy()[:, None] + np.floor(
            rng.random((len(facilitators), 4)) * span[:, None]
        ).astype(int)
        chosen = spot_village[fac[rows], choice]
        noise = 0.0002 if level.gps == "home" else 0.0004
        lon[rows] = anchor_lon[chosen] + rng.normal(0, noise, k)
        lat[rows] = anchor_lat[chosen] + rng.normal(0, noise, k)

    if level.schedule == "route":
        started = _schedule_days(rng, started, duration, fac, rows, round_start_utc, (7.5, 9.5), lon=lon, lat=lat, by=village)
    else:
        first_hour = (9, 11) if level.schedule == "bursts" else (8, 9)
        started = _schedule_days(rng, started, duration, fac, rows, round_start_utc, first_hour, pause_minutes=level.pause_minutes)
    return started, welfare
