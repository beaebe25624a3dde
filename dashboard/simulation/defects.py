"""Quality defects injected into simulated visits, with their ground truth.

Each rate is the share of the *eligible* visits that get the defect: every visited target
for GPS, hour and duplicate-point defects; interviewed families for the ones about answers,
photos, PLN meter ids and interview length (a short visit to an empty house is normal).
Fabricating facilitators get none of these: their visits are wrong in their own way
(``plan.FABRICATION_LEVELS``, ``plan._fabricate``) and their truth is one
``fabrication`` row per facilitator.

Defects that involve two families (same GPS point, same PLN meter id) copy the value of a
visit the same facilitator made *earlier*; both families are recorded, because a rule sees
the pair, not which one was copied, and the rate is the share of eligible visits in a pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.simulation import timeline as tl
from dashboard.simulation.config import DefectRates
from dashboard.vocabulary import (
    ASSET_COLUMNS,
    LIGHTING_WITH_PLN_METER,
    LIGHTING_WITHOUT_ELECTRICITY,
    LIVESTOCK_COLUMNS,
    DefectKind,
)

INCONSISTENCIES = ("head_too_young", "household_size_zero", "livestock_without_assets", "pln_without_electricity")


def _pick(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    return np.flatnonzero(eligible & (rng.random(len(eligible)) < rate))


def _pairs(rng, rate, fac, started, eligible) -> tuple[np.ndarray, np.ndarray]:
    """(copier, source) pairs of eligible visits of the same facilitator, the source
    started earlier, so that about ``rate`` of the eligible visits end up in a pair.

    Rows of one facilitator are contiguous (targets are generated facilitator by
    facilitator); a facilitator with a single eligible visit has no pair to make.
    """
    rows = np.flatnonzero(eligible)
    owner = fac[rows]
    boundaries = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1], [True]]))
    group = np.searchsorted(boundaries, np.arange(len(rows)), side="right") - 1
    first, last = boundaries[group], boundaries[group + 1]
    chosen = np.flatnonzero((last - first > 1) & (rng.random(len(rows)) < rate / 2))
    # A random other member of the group: skip over the chosen row itself.
    pick = first[chosen] + np.floor(rng.random(len(chosen)) * (last[chosen] - first[chosen] - 1)).astype(int)
    pick = np.where(pick >= chosen, pick + 1, pick)
    a, b = rows[chosen], rows[pick]
    later = started[a] >= started[b]
    copier, source = np.where(later, a, b), np.where(later, b, a)
    # A visit copies once and is never copied from after it copied itself (a chain would
    # hand on a value its source no longer has, and the ground truth would not hold).
    keep = ~np.isin(copier, source) & ~pd.Series(copier).duplicated().to_numpy()
    return copier[keep], source[keep]


def inject_defects(
    rng: np.random.Generator,
    rates: DefectRates,
    visits: dict[str, np.ndarray],
    started: np.ndarray,
    interviewed: np.ndarray,
    eligible: np.ndarray,
    fac: np.ndarray,
    villages: pd.DataFrame,
    village: np.ndarray,
    anchor_lon: np.ndarray,
    anchor_lat: np.ndarray,
    round_start_utc: float,
    day: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Alter ``visits`` in place; return the truth (target_index, kind, detail,
    partner_index: the other visit of a pair, else -1) and the start times (changed for
    visits at implausible hours)."""
    found: list[pd.DataFrame] = []

    def record(rows: np.ndarray, kind: DefectKind, detail=None, partner=None) -> None:
        partner = np.full(len(rows), -1) if partner is None else partner
        found.append(
            pd.DataFrame({"target_index": rows, "kind": kind.value, "detail": detail, "partner_index": partner})
        )

    def record_pairs(copier: np.ndarray, source: np.ndarray, kind: DefectKind) -> None:
        record(np.concatenate([copier, source]), kind, partner=np.concatenate([source, copier]))

    talked = eligible & interviewed
    metered = talked & (visits["lighting_source"] == LIGHTING_WITH_PLN_METER)

    rows = _pick(rng, talked, rates.short_interview)
    # 1-3 minutes: below the minimum of every target type (a family 5, an individual 3).
    visits["duration_seconds"][rows] = np.rint(rng.uniform(60, 170, len(rows)))
    record(rows, DefectKind.SHORT_INTERVIEW)

    rows = _pick(rng, eligible, rates.gps_missing)
    for column in ("gps_lat", "gps_lon", "gps_accuracy_m"):
        visits[column][rows] = np.nan
    record(rows, DefectKind.GPS_MISSING)
    has_gps = eligible.copy()
    has_gps[rows] = False

    rows = _pick(rng, has_gps, rates.gps_outside_regency)
    regency_of_village = villages["regency_code"].to_numpy()
    elsewhere = rng.integers(0, len(villages), len(rows))
    for _ in range(10):  # draw again where the random desa is in the same kabupaten/kota
        same = regency_of_village[elsewhere] == regency_of_village[village[rows]]
        if not same.any():
            break
        elsewhere[same] = rng.integers(0, len(villages), int(same.sum()))
    visits["gps_lon"][rows] = anchor_lon[elsewhere] + rng.normal(0, 0.002, len(rows))
    visits["gps_lat"][rows] = anchor_lat[elsewhere] + rng.normal(0, 0.002, len(rows))
    record(rows, DefectKind.GPS_OUTSIDE_REGENCY, regency_of_village[elsewhere])
    has_gps[rows] = False

    copier, source = _pairs(rng, rates.gps_duplicate, fac, started, has_gps)
    visits["gps_lat"][copier] = visits["gps_lat"][source]
    visits["gps_lon"][copier] = visits["gps_lon"][source]
    record_pairs(copier, source, DefectKind.GPS_DUPLICATE)

    copier, source = _pairs(rng, rates.pln_reused, fac, started, metered)
    visits["pln_meter_id"][copier] = visits["pln_meter_id"][source]
    record_pairs(copier, source, DefectKind.PLN_REUSED)

    # A reused id stays well-formed: the pair's ground truth must still hold.
    unpaired = metered.copy()
    unpaired[copier] = False
    unpaired[source] = False
    rows = _pick(rng, unpaired, rates.pln_malformed)
    kind = rng.integers(0, 3, len(rows))
    original = visits["pln_meter_id"][rows].astype(str)
    # One digit short, a letter O typed for a zero, or all zeros.
    malformed = np.array(
        [s[:-1] if k == 0 else (s[:5] + "O" + s[6:] if k == 1 else "000000000000") for s, k in zip(original, kind)],
        dtype=object,
    )
    visits["pln_meter_id"][rows] = malformed
    record(rows, DefectKind.PLN_MALFORMED)

    rows = _pick(rng, talked, rates.photo_missing)
    which = rng.choice(["photo_house_front", "photo_house_inside", "photo_family_card"], size=len(rows))
    for column in ("photo_house_front", "photo_house_inside", "photo_family_card"):
        visits[column][rows[which == column]] = False
    record(rows, DefectKind.PHOTO_MISSING, which)

    rows = _pick(rng, talked, rates.inconsistent_answers)
    subtype = np.array(INCONSISTENCIES, dtype=object)[rng.integers(0, len(INCONSISTENCIES), len(rows))]
    r = rows[subtype == "head_too_young"]
    visits["head_age"][r] = rng.integers(7, 15, len(r))
    r = rows[subtype == "household_size_zero"]
    visits["household_size"][r] = 0
    r = rows[subtype == "livestock_without_assets"]
    for column in ASSET_COLUMNS:
        visits[column][r] = 0.0
    visits[LIVESTOCK_COLUMNS[1]][r] = rng.integers(2, 8, len(r))
    r = rows[subtype == "pln_without_electricity"]
    had_no_meter = np.array([v is None for v in visits["pln_meter_id"][r]], dtype=bool)
    visits["pln_meter_id"][r[had_no_meter]] = rng.integers(100_000_000_000, 599_999_999_999, int(had_no_meter.sum())).astype(str)
    visits["lighting_source"][r] = LIGHTING_WITHOUT_ELECTRICITY
    visits["electricity_va"][r] = 0
    record(rows, DefectKind.INCONSISTENT_ANSWERS, subtype)

    rows = _pick(rng, eligible, rates.implausible_hour)
    started = started.copy()
    # 23:00 to 04:59 local time.
    started[rows] = round_start_utc + day[rows] * tl.DAY + rng.uniform(23, 29, len(rows)) * tl.HOUR
    record(rows, DefectKind.IMPLAUSIBLE_HOUR)

    truth = pd.concat(found, ignore_index=True)
    # A visit can be the source of several copies: one truth row per visit and kind, with
    # the partner that was submitted last (the pair shows once both are in).
    return truth, started
