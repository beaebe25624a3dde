"""Fabrication risk per facilitator ("curbstoning": interviews filled in without a visit).

No single answer proves fabrication; a pattern across a facilitator's interviews does. Each
*signal* below measures one such pattern from paradata and answers. It is compared with
the facilitator's peers (the other facilitators of the same kabupaten/kota, or of the
province where a kabupaten/kota has too few), because what is usual differs between Papua
and Jakarta: a signal's *strength* (0-1) grows with how far the facilitator lies beyond the
peers' typical spread, and the score (0-100) is the weighted mean of the strengths. A
signal *raised* the score when its strength is above zero; the page shows those signals
with the facilitator's value next to the peers' median, which is the explanation.

Signals (higher = more suspicious, except the GPS spread):
- ``short_share``: share of interviews under ``SHORT_SECONDS`` (a real interview of 39
  questions with photos takes 15-30 minutes);
- ``packed_share``: share of a day's consecutive visits that start within ``PACKED_GAP_SECONDS``
  of the end of the previous one (no time to walk to the next house);
- ``gps_spread_m``: median distance of the visits' points from their centre; real visits
  spread over the families' desa, made-up ones are recorded where the facilitator sits;
- ``uniformity``: mean share of the most frequent answer over ``ANSWER_COLUMNS`` (the same
  "typical" family typed over and over);
- ``round_share``: share of ages and floor areas that are multiples of 5 or 10 (heaping);
- ``peer_distance``: mean distance (total variation) between the facilitator's answer
  distributions and those of the other facilitators of the kabupaten/kota (rare answers
  too rare, common ones too common).

Facilitators with fewer than ``min_interviews`` interviews get no score (too little to
judge). The functions are pure (frames in, frames out); ``dashboard.quality.refresh`` keeps
the scores in the database as visits arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.quality.rules import local_start
from dashboard.vocabulary import INTERVIEWED_OUTCOMES, Language

#: An interview shorter than this is "very short" for the risk score (the quality rule's
#: minimum flags the impossible; this marks the hurried).
SHORT_SECONDS = 10 * 60
#: A visit starting this soon after the previous one ended is "packed".
PACKED_GAP_SECONDS = 5 * 60
#: Answers compared for uniformity and with the peers.
ANSWER_COLUMNS: tuple[str, ...] = (
    "household_size", "floor_area_m2", "floor_material", "wall_material", "roof_material",
    "drinking_water", "sanitation", "cooking_fuel", "lighting_source", "head_age",
    "head_education", "head_employment", "head_marital_status",
)
#: Answers whose values heap on round numbers when made up.
ROUND_COLUMNS: tuple[str, ...] = ("head_age", "floor_area_m2")
#: Columns :func:`score` needs from ``visit``.
VISIT_COLUMNS: tuple[str, ...] = (
    "target_id", "facilitator_id", "province_code", "regency_code", "outcome", "started_at",
    "submitted_at", "duration_seconds", "gps_lat", "gps_lon", *ANSWER_COLUMNS,
)
#: Fewer peers than this in a kabupaten/kota: compare with the province instead.
MIN_PEERS = 8
_INTERVIEWED = tuple(o.value for o in INTERVIEWED_OUTCOMES)
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Signal:
    id: str
    label_id: str
    label_en: str
    unit: str
    #: True when a high value is suspicious, False when a low one is.
    high_is_suspicious: bool
    weight: float
    #: Smallest peer spread used (robust spreads of a few peers can be ~0).
    min_spread: float

    def label(self, lang: Language = "id") -> str:
        return self.label_id if lang == "id" else self.label_en


SIGNALS: tuple[Signal, ...] = (
    Signal("short_share", "Wawancara sangat singkat (< 10 menit)", "Very short interviews (< 10 min)",
           "share", True, 1.0, 0.05),
    Signal("packed_share", "Kunjungan beruntun tanpa jeda", "Back-to-back visits",
           "share", True, 0.5, 0.05),
    Signal("gps_spread_m", "Sebaran titik GPS", "Spread of GPS points", "metres", False, 1.0, 0.0),
    Signal("uniformity", "Jawaban seragam", "Uniform answers", "share", True, 1.0, 0.04),
    Signal("round_share", "Angka bulat", "Round numbers", "share", True, 0.5, 0.05),
    Signal("peer_distance", "Jawaban berbeda dari rekan sekab/kota", "Answers unlike the peers",
           "share", True, 1.0, 0.04),
)
SIGNAL_IDS: tuple[str, ...] = tuple(s.id for s in SIGNALS)
SIGNALS_BY_ID: dict[str, Signal] = {s.id: s for s in SIGNALS}
#: How many peer spreads beyond the peers' median a signal starts to count, and where it
#: counts fully.
Z_START, Z_FULL = 3.0, 8.0


@dataclass(frozen=True)
class RiskParameters:
    """The score's settings (``RISK_*`` in ``dashboard.settings``)."""

    threshold: float = 50.0
    min_interviews: int = 8

    @classmethod
    def from_settings(cls, settings) -> RiskParameters:
        return cls(threshold=settings.risk_threshold, min_interviews=settings.risk_min_interviews)


def _gps_spread(interviews: pd.DataFrame) -> pd.Series:
    """Per facilitator: median distance (m) of their points from their median point (NaN
    with fewer than two points)."""
    points = interviews[["facilitator_id", "gps_lat", "gps_lon"]].dropna()
    by = points.groupby("facilitator_id")
    lat0, lon0 = by["gps_lat"].transform("median"), by["gps_lon"].transform("median")
    dx = (points["gps_lon"] - lon0) * np.cos(np.radians(lat0)) * _METRES_PER_DEGREE
    dy = (points["gps_lat"] - lat0) * _METRES_PER_DEGREE
    distance = pd.Series(np.hypot(dx, dy), index=points.index).groupby(points["facilitator_id"])
    return distance.median().where(distance.size() >= 2)


def _packed_share(visits: pd.DataFrame) -> pd.Series:
    """Per facilitator: share of same-day consecutive visits starting within
    ``PACKED_GAP_SECONDS`` after the previous one ended (NaN without such pairs)."""
    v = visits[["facilitator_id", "started_at", "duration_seconds", "province_code"]].dropna(
        subset=["started_at"]
    ).sort_values(["facilitator_id", "started_at"])
    start = pd.to_datetime(v["started_at"])
    day = local_start(v).dt.floor("D")  # the facilitator's working day, not the UTC one
    same = (v["facilitator_id"] == v["facilitator_id"].shift()) & (day == day.shift())
    previous_end = start.shift() + pd.to_timedelta(v["duration_seconds"].shift().fillna(0), unit="s")
    gap = (start - previous_end).dt.total_seconds()
    packed = same & (gap >= 0) & (gap < PACKED_GAP_SECONDS)
    pairs = pd.DataFrame({"f": v["facilitator_id"], "pair": same, "packed": packed}).groupby("f")
    counts = pairs[["pair", "packed"]].sum()
    return (counts["packed"] / counts["pair"].where(counts["pair"] > 0)).rename("packed_share")


def signals(visits: pd.DataFrame) -> pd.DataFrame:
    """The raw signals per facilitator from their submitted visits (``VISIT_COLUMNS``),
    indexed by facilitator id, with ``interviews``, ``regency_code``, ``province_code``."""
    submitted = visits[visits["submitted_at"].notna()]
    interviews = submitted[submitted["outcome"].isin(_INTERVIEWED)]
    by = interviews.groupby("facilitator_id", sort=True)
    out = pd.DataFrame(
        {
            "regency_code": by["regency_code"].first(),
            "province_code": by["province_code"].first(),
            "interviews": by.size(),
            "short_share": (interviews["duration_seconds"] < SHORT_SECONDS).groupby(interviews["facilitator_id"]).mean(),
        }
    )
    out = out.join(_packed_share(submitted))
    out["gps_spread_m"] = _gps_spread(interviews)
    modal = []
    for column in ANSWER_COLUMNS:
        counts = interviews.groupby(["facilitator_id", column]).size()
        modal.append((counts.groupby(level=0).max() / counts.groupby(level=0).sum()).rename(column))
    out["uniformity"] = pd.concat(modal, axis=1).mean(axis=1)
    round_values = pd.concat([interviews[c] % (5 if c == "head_age" else 10) == 0 for c in ROUND_COLUMNS], axis=1)
    out["round_share"] = round_values.groupby(interviews["facilitator_id"]).mean().mean(axis=1)
    out["peer_distance"] = _peer_distance(interviews)
    return out


def _peer_distance(interviews: pd.DataFrame) -> pd.Series:
    """Per facilitator: mean over ``ANSWER_COLUMNS`` of the total variation distance between
    their answers' distribution and that of the rest of their kabupaten/kota."""
    distances = []
    for column in ANSWER_COLUMNS:
        counts = interviews.groupby(["regency_code", "facilitator_id", column]).size()
        own_total = counts.groupby(level=[0, 1]).transform("sum")
        own = counts / own_total
        region = counts.groupby(level=[0, 2]).sum()
        region_total = counts.groupby(level=0).sum()
        # The others' count of each value, over the others' total: region minus own.
        keys = pd.MultiIndex.from_arrays([counts.index.get_level_values(0), counts.index.get_level_values(2)])
        others_value = region.reindex(keys).to_numpy() - counts.to_numpy()
        others_total = region_total.reindex(counts.index.get_level_values(0)).to_numpy() - own_total.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            others_share = others_value / others_total
        # TV = 1/2 sum |p - q| = sum over values where p > q of (p - q).
        excess = np.clip(own.to_numpy() - others_share, 0, None)
        tv = pd.Series(excess, index=counts.index).groupby(level=1).sum()
        distances.append(tv.rename(column))
    return pd.concat(distances, axis=1).mean(axis=1)


def _peer_groups(table: pd.DataFrame) -> pd.Series:
    """The group a facilitator is compared within: their kabupaten/kota, or their province
    when the kabupaten/kota has fewer than ``MIN_PEERS`` scored facilitators."""
    size = table.groupby("regency_code")["regency_code"].transform("size")
    return table["regency_code"].where(size >= MIN_PEERS, table["province_code"])


def score(visits: pd.DataFrame, parameters: RiskParameters = RiskParameters()) -> pd.DataFrame:
    """Per facilitator with at least one interview: the signals, each signal's peer median
    (``<signal>_peer``) and strength (``<signal>_strength``), the ``score`` (0-100, NaN
    below ``min_interviews``) and ``high_risk`` (score at or above the threshold)."""
    table = signals(visits)
    scored = table[table["interviews"] >= parameters.min_interviews].copy()
    group = _peer_groups(scored)
    total = pd.Series(0.0, index=scored.index)
    weights = 0.0
    for signal in SIGNALS:
        values = scored[signal.id]
        median = values.groupby(group).transform("median")
        mad = (values - median).abs().groupby(group).transform("median") * 1.4826
        spread = mad.clip(lower=signal.min_spread)
        if signal.id == "gps_spread_m":
            # Distances vary by orders of magnitude (a town, a district of Papua): compare
            # logarithms; one spread = a factor of e.
            z = (np.log(median.clip(lower=1)) - np.log(values.clip(lower=1))) / (
                (np.log(values.clip(lower=1)) - np.log(median.clip(lower=1))).abs().groupby(group).transform("median")
                * 1.4826
            ).clip(lower=0.5)
        else:
            z = (values - median) / spread * (1 if signal.high_is_suspicious else -1)
        strength = ((z - Z_START) / (Z_FULL - Z_START)).clip(0, 1).fillna(0)
        scored[f"{signal.id}_peer"] = median
        scored[f"{signal.id}_strength"] = strength
        total += signal.weight * strength
        weights += signal.weight
    scored["score"] = (100 * total / weights).round(1)
    table = table.join(scored[[c for c in scored.columns if c not in table.columns]])
    table["high_risk"] = table["score"].ge(parameters.threshold)
    return table


__all__ = ["SIGNALS", "SIGNAL_IDS", "SIGNALS_BY_ID", "RiskParameters", "Signal", "score", "signals"]
