"""Quality rules: one definition each (id, labels, explanation, severity, parameters) and a
vectorised check over submitted visits.

Rules take a frame of visit rows (the columns of ``visit``) and say, per rule, which visits
break it. Most rules look at one visit alone (:func:`visit_flags`). Three look across
visits, and each such flag belongs to a *group* named by a key, so that the stored flags
can be brought up to date by re-checking only the groups a new visit joins
(``dashboard.quality.refresh``): ``gps_duplicate`` (key: the point), ``pln_reused`` (key: the
meter id) and ``too_many_per_day`` (key: facilitator and local day). :func:`evaluate`
applies them all to one frame (tests, benchmarks).

Parameters come from :class:`QualityParameters`, whose values are settings
(``QUALITY_*``, see ``dashboard.settings``); the GPS-outside rule takes the kabupaten/kota
polygons as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import shapely

from dashboard.vocabulary import (
    ASSET_COLUMNS,
    FAMILY_VARIABLES,
    INTERVIEWED_OUTCOMES,
    LIGHTING_WITHOUT_ELECTRICITY,
    LIVESTOCK_COLUMNS,
    PROVINCE_UTC_OFFSET_HOURS,
    Language,
    TargetCategory,
)

Severity = Literal["high", "medium", "low"]
#: Metres per degree of latitude (the coast tolerance is given in metres).
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class QualityParameters:
    """Thresholds of the rules (kept in one place so that settings can override them)."""

    #: An interview of a family (or of an individual, for an inactive NIK) shorter than
    #: this is implausible: the 39 questions and the photos take longer.
    min_interview_seconds_family: int = 300
    min_interview_seconds_individual: int = 180
    #: Points this close outside the kabupaten/kota polygon are accepted (coasts, and the
    #: generalised boundaries: median vertex spacing ~1.7 km).
    gps_tolerance_m: float = 2_000.0
    #: Local hours in which visits are plausible: [first, last).
    first_plausible_hour: int = 6
    last_plausible_hour: int = 22
    #: More visits started by one facilitator on one local day than a person can make.
    max_visits_per_day: int = 25

    @classmethod
    def from_settings(cls, settings) -> QualityParameters:
        """The thresholds configured in ``settings`` (a ``dashboard.settings.Settings``)."""
        return cls(
            min_interview_seconds_family=settings.quality_min_interview_seconds_family,
            min_interview_seconds_individual=settings.quality_min_interview_seconds_individual,
            gps_tolerance_m=settings.quality_gps_tolerance_m,
            first_plausible_hour=settings.quality_first_plausible_hour,
            last_plausible_hour=settings.quality_last_plausible_hour,
            max_visits_per_day=settings.quality_max_visits_per_day,
        )


@dataclass(frozen=True)
class QualityRule:
    id: str
    label_id: str
    label_en: str
    explanation_id: str
    explanation_en: str
    severity: Severity

    def label(self, lang: Language = "id") -> str:
        return self.label_id if lang == "id" else self.label_en

    def explanation(self, lang: Language = "id") -> str:
        return self.explanation_id if lang == "id" else self.explanation_en


RULES: tuple[QualityRule, ...] = (
    QualityRule("short_interview", "Wawancara terlalu singkat", "Interview too short",
                "Durasi wawancara di bawah batas minimum jenis sasarannya.",
                "The interview took less than the minimum for its target type.", "high"),
    QualityRule("gps_missing", "GPS kosong", "GPS missing",
                "Kunjungan tanpa titik GPS.", "The visit has no GPS point.", "medium"),
    QualityRule("gps_outside_regency", "GPS di luar kab/kota", "GPS outside the regency",
                "Titik GPS berada di luar kabupaten/kota pendamping (dengan toleransi pantai).",
                "The GPS point lies outside the facilitator's regency/city (with a tolerance for coasts).", "high"),
    QualityRule("gps_duplicate", "Titik GPS sama", "Same GPS point",
                "Beberapa keluarga tercatat pada titik GPS yang persis sama.",
                "Several families were recorded at exactly the same GPS point.", "medium"),
    QualityRule("pln_reused", "ID PLN dipakai ulang", "PLN id reused",
                "ID pelanggan PLN yang sama tercatat pada beberapa keluarga.",
                "The same PLN customer id was recorded for several families.", "medium"),
    QualityRule("pln_malformed", "ID PLN tidak valid", "PLN id malformed",
                "ID pelanggan PLN bukan 12 digit atau diawali angka 0 (termasuk nol semua).",
                "The PLN customer id is not 12 digits, or starts with 0 (all zeros included).", "low"),
    QualityRule("photo_missing", "Foto tidak lengkap", "Photo missing",
                "Foto rumah tampak depan, dalam rumah, atau KK tidak ada.",
                "The photo of the house front, the inside or the family card is missing.", "medium"),
    QualityRule("missing_variables", "Variabel wajib kosong", "Mandatory variables missing",
                "Keluarga diwawancarai tetapi ada variabel keluarga yang kosong.",
                "The family was interviewed but a family variable is empty.", "medium"),
    QualityRule("inconsistent_answers", "Jawaban tidak konsisten", "Inconsistent answers",
                "Kepala keluarga di bawah 15 tahun, ART 0, ternak tanpa aset apa pun, atau tanpa listrik tetapi ada ID PLN.",
                "Head of family under 15, household of 0, livestock without any asset, or no electricity with a PLN id.", "high"),
    QualityRule("implausible_hour", "Jam kunjungan tidak wajar", "Implausible visit hour",
                "Kunjungan dimulai di luar jam wajar (waktu setempat).",
                "The visit started outside plausible hours (local time).", "low"),
    QualityRule("too_many_per_day", "Terlalu banyak kunjungan sehari", "Too many visits in a day",
                "Pendamping memulai lebih banyak kunjungan dalam sehari daripada yang mungkin dilakukan.",
                "The facilitator started more visits in one day than a person can make.", "high"),
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
_INTERVIEWED = tuple(o.value for o in INTERVIEWED_OUTCOMES)
_PLN_FORMAT = r"[1-9]\d{11}"


#: Rules that compare visits with each other; their flags carry a group key.
GROUP_RULES: tuple[str, ...] = ("gps_duplicate", "pln_reused", "too_many_per_day")
VISIT_RULES: tuple[str, ...] = tuple(r for r in RULE_IDS if r not in GROUP_RULES)
RULES_BY_ID: dict[str, QualityRule] = {r.id: r for r in RULES}
#: The columns of ``visit`` the rules read.
VISIT_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            "target_id", "facilitator_id", "province_code", "regency_code", "category", "outcome",
            "started_at", "submitted_at", "duration_seconds", "gps_lat", "gps_lon", "pln_meter_id",
            "photo_house_front", "photo_house_inside", "photo_family_card", "lighting_source",
            "head_age", "household_size", *FAMILY_VARIABLES, *ASSET_COLUMNS, *LIVESTOCK_COLUMNS,
        )
    )
)


def local_start(visits: pd.DataFrame) -> pd.Series:
    """Start of each visit in the local time of its province (naive)."""
    offsets = visits["province_code"].map(PROVINCE_UTC_OFFSET_HOURS).fillna(7)
    return pd.to_datetime(visits["started_at"]) + pd.to_timedelta(offsets, unit="h")


def visit_flags(
    visits: pd.DataFrame,
    parameters: QualityParameters = QualityParameters(),
    regency_polygons: dict | None = None,
) -> pd.DataFrame:
    """A boolean frame (one column per rule of ``VISIT_RULES``, same index as ``visits``)
    of the rules each submitted visit breaks on its own. ``regency_polygons`` maps
    kabupaten/kota code to a shapely geometry; without it ``gps_outside_regency`` is False."""
    v = visits
    submitted = v["submitted_at"].notna()
    interviewed = submitted & v["outcome"].isin(_INTERVIEWED)
    flags = pd.DataFrame(index=v.index)

    minimum = np.where(
        v["category"] == TargetCategory.INACTIVE_NIK.value,
        parameters.min_interview_seconds_individual,
        parameters.min_interview_seconds_family,
    )
    flags["short_interview"] = interviewed & (v["duration_seconds"] < minimum)

    lat = pd.to_numeric(v["gps_lat"], errors="coerce")
    lon = pd.to_numeric(v["gps_lon"], errors="coerce")
    has_gps = lat.notna() & lon.notna()
    flags["gps_missing"] = submitted & ~has_gps

    outside = pd.Series(False, index=v.index)
    if regency_polygons is not None:
        tolerance = parameters.gps_tolerance_m / METRES_PER_DEGREE
        for code, rows in v[submitted & has_gps].groupby("regency_code").groups.items():
            geometry = regency_polygons.get(code)
            if geometry is None:
                continue
            area = _tolerant_area(geometry, tolerance)
            inside = shapely.contains_xy(area, lon.loc[rows].to_numpy(), lat.loc[rows].to_numpy())
            outside.loc[rows] = ~inside
    flags["gps_outside_regency"] = outside

    pln = v["pln_meter_id"].where(interviewed)
    flags["pln_malformed"] = pln.notna() & ~pln.fillna("").str.fullmatch(_PLN_FORMAT)

    photos = v[["photo_house_front", "photo_house_inside", "photo_family_card"]].fillna(False).astype(bool)
    flags["photo_missing"] = interviewed & ~photos.all(axis=1)

    mandatory = [c for c in FAMILY_VARIABLES if c not in ("pln_meter_id", "electricity_va")]
    flags["missing_variables"] = interviewed & v[mandatory].isna().any(axis=1)

    assets = v[list(ASSET_COLUMNS)].fillna(0).astype(bool).any(axis=1)
    livestock = v[list(LIVESTOCK_COLUMNS)].fillna(0).sum(axis=1) > 0
    no_power_with_meter = (v["lighting_source"] == LIGHTING_WITHOUT_ELECTRICITY) & v["pln_meter_id"].notna()
    flags["inconsistent_answers"] = interviewed & (
        (v["head_age"] < 15) | (v["household_size"] == 0) | (livestock & ~assets) | no_power_with_meter
    )

    hour = local_start(v).dt.hour
    flags["implausible_hour"] = submitted & ((hour < parameters.first_plausible_hour) | (hour >= parameters.last_plausible_hour))
    return flags.fillna(False).astype(bool)[list(VISIT_RULES)]


#: Buffered, prepared regency polygons by (geometry, tolerance): a rebuild checks its
#: visits a chunk at a time, and buffering 514 polygons costs about 0.6 s each time.
_AREAS: dict[tuple[int, float], tuple[object, object]] = {}


def _tolerant_area(geometry, tolerance: float):
    """``geometry`` widened by ``tolerance`` degrees and prepared for point tests (kept while
    ``geometry`` is the same object)."""
    key = (id(geometry), tolerance)
    cached = _AREAS.get(key)
    if cached is None or cached[0] is not geometry:
        area = shapely.buffer(geometry, tolerance) if tolerance > 0 else geometry
        shapely.prepare(area)
        if len(_AREAS) > 4096:
            _AREAS.clear()
        _AREAS[key] = cached = (geometry, area)
    return cached[1]


def group_keys(visits: pd.DataFrame, rules: tuple[str, ...] = GROUP_RULES) -> pd.DataFrame:
    """Per visit, the key of its group under each rule of ``rules`` (by default every one of
    ``GROUP_RULES``; missing where the visit cannot take part: not submitted, no GPS point,
    no well-formed meter id). The incremental refresh asks for one rule at a time: the
    members of a facilitator's days need no text of their GPS points."""
    v = visits
    submitted = v["submitted_at"].notna()
    keys = pd.DataFrame(index=v.index)
    for rule in rules:
        if rule == "gps_duplicate":
            lat = pd.to_numeric(v["gps_lat"], errors="coerce")
            lon = pd.to_numeric(v["gps_lon"], errors="coerce")
            has_gps = submitted & lat.notna() & lon.notna()
            # Exactly the same point (a copied record), not merely close neighbours.
            point = lat.map(repr).astype(object) + "," + lon.map(repr).astype(object) if len(v) else pd.Series(dtype=object, index=v.index)
            keys[rule] = point.where(has_gps)
        elif rule == "pln_reused":
            pln = v["pln_meter_id"].where(submitted & v["outcome"].isin(_INTERVIEWED))
            keys[rule] = pln.where(pln.fillna("").str.fullmatch(_PLN_FORMAT))
        elif rule == "too_many_per_day":
            day = local_start(v).dt.strftime("%Y-%m-%d")
            keys[rule] = (v["facilitator_id"].astype(str) + "|" + day).where(submitted)
        else:
            raise ValueError(f"{rule!r} is not a group rule (one of {GROUP_RULES})")
    return keys.astype(object).where(keys.notna(), None)


def group_sizes(keys: pd.DataFrame, parameters: QualityParameters = QualityParameters()) -> pd.DataFrame:
    """Per visit and group rule (the columns of ``keys``), the size of its group when the group breaks the rule
    (else 0): families sharing a point or a meter id (2+), or visits the facilitator
    started that local day (more than ``max_visits_per_day``)."""
    sizes = pd.DataFrame(index=keys.index)
    for rule in keys.columns:
        key = keys[rule]
        size = key.map(key.value_counts()).fillna(0).astype("int64")
        limit = parameters.max_visits_per_day if rule == "too_many_per_day" else 1
        sizes[rule] = size.where(size > limit, 0)
    return sizes


def evaluate(
    visits: pd.DataFrame,
    parameters: QualityParameters = QualityParameters(),
    regency_polygons: dict | None = None,
) -> pd.DataFrame:
    """A boolean frame (one column per rule, one row per visit, same index) of the rules
    each submitted visit breaks, the visits of the frame being compared with each other."""
    flags = visit_flags(visits, parameters, regency_polygons)
    sizes = group_sizes(group_keys(visits), parameters)
    for rule in GROUP_RULES:
        flags[rule] = sizes[rule] > 0
    return flags[list(RULE_IDS)]


__all__ = [
    "GROUP_RULES", "RULES", "VISIT_COLUMNS", "RULES_BY_ID", "RULE_IDS", "VISIT_RULES", "QualityParameters", "QualityRule",
    "evaluate", "group_keys", "group_sizes", "local_start", "visit_flags",
]
