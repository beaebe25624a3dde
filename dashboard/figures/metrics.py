"""The metric registry: the single definition of every indicator the product shows.

A metric is a numerator over a denominator of the base counts that
``dashboard.figures.queries.base_counts`` returns for a scope, as of a day. Pages, exports and the
JSON API all compute their figures with :func:`compute`, so a number means the same
everywhere. Each metric carries its labels and description in Indonesian and English, its
unit, and whether higher is better (which way a colour scale runs).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from dashboard.quality.rules import RULES
from dashboard.vocabulary import PROGRAMME_TERMS, Language

Unit = Literal["count", "percent", "ratio"]


class _Columns:
    """The count columns of a frame as float arrays, each converted once, and their row
    sums (a missing count is 0, as ``DataFrame.sum`` takes it). Pandas' column selection
    and row sums cost about 3 ms a metric whatever the number of rows, and a page computes
    dozens of metrics on frames of one to a few hundred rows: 0.1-0.2 s of CPU a page at
    cold, where this costs a few milliseconds."""

    def __init__(self, counts: pd.DataFrame) -> None:
        self._counts = counts
        self._arrays: dict[str, np.ndarray] = {}

    def column(self, name: str) -> np.ndarray:
        array = self._arrays.get(name)
        if array is None:
            array = np.nan_to_num(self._counts[name].to_numpy(dtype=float, na_value=np.nan), nan=0.0)
            self._arrays[name] = array
        return array

    def total(self, names: tuple[str, ...]) -> np.ndarray:
        if len(names) == 1:
            return self.column(names[0])
        return np.sum([self.column(n) for n in names], axis=0)


@dataclass(frozen=True)
class Metric:
    """One indicator: ``sum(numerator) / sum(denominator) * scale`` of the base counts."""

    id: str
    label_id: str
    label_en: str
    description_id: str
    description_en: str
    unit: Unit
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    #: True: more is better (e.g. completion); False: less is better (return rate);
    #: None: neither (e.g. the number of targets).
    higher_is_better: bool | None = True
    #: Whether the metric can be split by target category (facilitator activity cannot:
    #: a facilitator works on all categories).
    by_category: bool = True
    #: Only known for the newest data, not as of a past day (the risk scores).
    newest_only: bool = False
    #: The fixed range of the map colours (None: a percent spans 0-100), so that a colour
    #: means the same value on every map and every day: people read map colours as
    #: absolute. Shares that stay small (returns, flags) get a narrower range; a value
    #: beyond it takes the end colour, and its hover says the value.
    map_range: tuple[float, float] | None = None

    def label(self, lang: Language = "id") -> str:
        return self.label_id if lang == "id" else self.label_en

    def heading(self, lang: Language = "id") -> str:
        """The label with its unit, as a column heading or a legend shows it: "Penyelesaian
        (%)"; a label that already names the unit, or a count, stays as it is."""
        label = self.label(lang)
        return label + (" (%)" if self.unit == "percent" and "%" not in label else "")

    def description(self, lang: Language = "id") -> str:
        return self.description_id if lang == "id" else self.description_en

    @property
    def scale(self) -> float:
        return 100.0 if self.unit == "percent" else 1.0

    @property
    def colour_range(self) -> tuple[float, float] | None:
        """The range of its map colours (None for a count, which no map shows)."""
        if self.map_range is not None:
            return self.map_range
        return (0.0, 100.0) if self.unit == "percent" else None

    def compute(self, counts: pd.DataFrame) -> pd.Series:
        """The metric for every row of ``counts`` (NaN where the denominator is 0)."""
        return pd.Series(self._values(_Columns(counts)), index=counts.index, name=self.id)

    def _values(self, columns: _Columns) -> np.ndarray:
        numerator = columns.total(self.numerator)
        if not self.denominator:
            return numerator
        denominator = columns.total(self.denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(denominator > 0, numerator / denominator, np.nan) * self.scale

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "label": {"id": self.label_id, "en": self.label_en},
            "description": {"id": self.description_id, "en": self.description_en},
            "unit": self.unit,
            "numerator": list(self.numerator),
            "denominator": list(self.denominator),
            "higher_is_better": self.higher_is_better,
            "by_category": self.by_category,
            "newest_only": self.newest_only,
            "map_range": list(self.colour_range) if self.colour_range else None,
        }


def _count(id_, label_id, label_en, desc_id, desc_en, column, better=None, by_category=True) -> Metric:
    return Metric(id_, label_id, label_en, desc_id, desc_en, "count", (column,), (), better, by_category)


#: The map range of shares that stay small (a third of a region's submissions returned or
#: flagged is already alarming).
SMALL_SHARE = (0.0, 30.0)


def _share(id_, label_id, label_en, desc_id, desc_en, numerator, denominator, better=True, by_category=True,
           map_range=None) -> Metric:
    numerator = (numerator,) if isinstance(numerator, str) else numerator
    return Metric(id_, label_id, label_en, desc_id, desc_en, "percent", numerator, (denominator,), better, by_category,
                  map_range=map_range)


_OUTCOMES = {
    "found": ("outcome_found_verified", "ditemukan dan diverifikasi", "found and verified", True),
    "moved": ("outcome_moved", "pindah / rumah tidak ada", "moved / dwelling gone", None),
    "deceased": ("outcome_deceased", "meninggal", "deceased", None),
    "not_found": ("outcome_not_found", "tidak ditemukan", "not found", False),
    "refused": ("outcome_refused", "menolak disurvei", "refused", False),
    "nik_confirmed": ("outcome_nik_confirmed", "NIK dikonfirmasi", "NIK confirmed", True),
}

METRICS: tuple[Metric, ...] = (
    _count("targets", "Sasaran", "Targets",
           "Keluarga/individu yang harus diverifikasi di lapangan.",
           "Families/individuals to verify in the field.", "targets"),
    _count("visited", "Dikunjungi", "Visited",
           "Sasaran yang kunjungannya sudah dimulai.", "Targets whose visit has started.", "visited", True),
    _count("submitted", "Dikirim", "Submitted",
           "Sasaran yang hasilnya sudah dikirim (termasuk yang sudah diperiksa).",
           "Targets whose result has been submitted (reviewed or not).", "submitted", True),
    _count("approved", "Disetujui", "Approved",
           "Kiriman yang disetujui pemeriksa.", "Submissions approved by the reviewer.", "approved", True),
    _count("returned", "Dikembalikan", "Returned",
           "Kiriman yang pernah dikembalikan untuk diperbaiki.",
           "Submissions returned for correction at least once.", "returned", False),
    _share("completion_pct", "Penyelesaian", "Completion",
           "Sasaran yang sudah dikirim atau disetujui, dari seluruh sasaran.",
           "Targets submitted or approved, of all targets.", "submitted", "targets"),
    _share("visited_pct", "Cakupan kunjungan", "Visit coverage",
           "Sasaran yang sudah dikunjungi, dari seluruh sasaran.",
           "Targets visited, of all targets.", "visited", "targets"),
    _share("approval_pct", "Persetujuan", "Approval",
           "Kiriman yang sudah disetujui, dari seluruh kiriman.",
           "Submissions approved, of all submissions.", "approved", "submitted"),
    _share("return_rate", "Tingkat pengembalian", "Return rate",
           "Kiriman yang pernah dikembalikan, dari kiriman yang sudah diperiksa.",
           "Submissions returned at least once, of those reviewed.", "returned", "reviewed", better=False, map_range=SMALL_SHARE),
    *(
        _share(f"share_{key}", f"Hasil: {label_id}", f"Outcome: {label_en}",
               f"Kiriman dengan hasil '{label_id}', dari seluruh kiriman.",
               f"Submissions with the outcome '{label_en}', of all submissions.", column, "submitted", better=better,
               map_range=None if better else SMALL_SHARE)
        for key, (column, label_id, label_en, better) in _OUTCOMES.items()
    ),
    _count("active_facilitators_1d", "Pendamping aktif hari ini", "Active facilitators today",
           "Pendamping yang mengunjungi minimal 1 sasaran hari ini.",
           "Facilitators who visited at least 1 target today.", "active_1d", True, by_category=False),
    _count("active_facilitators_7d", "Pendamping aktif 7 hari", "Active facilitators, 7 days",
           "Pendamping yang mengunjungi minimal 1 sasaran dalam 7 hari terakhir.",
           "Facilitators who visited at least 1 target in the last 7 days.", "active_7d", True, by_category=False),
    _share("active_facilitators_1d_pct", "Pendamping aktif hari ini (%)", "Facilitators active today (%)",
           "Pendamping aktif hari ini, dari seluruh pendamping.",
           "Facilitators active today, of all facilitators.", "active_1d", "facilitators", by_category=False),
    _share("active_facilitators_7d_pct", "Pendamping aktif 7 hari (%)", "Facilitators active, 7 days (%)",
           "Pendamping aktif dalam 7 hari terakhir, dari seluruh pendamping.",
           "Facilitators active in the last 7 days, of all facilitators.", "active_7d", "facilitators", by_category=False),
    Metric("visits_per_active_facilitator_day", "Kunjungan per pendamping aktif per hari",
           "Visits per active facilitator per day",
           "Kunjungan dalam 7 hari terakhir dibagi jumlah hari-pendamping aktif dalam 7 hari itu.",
           "Visits in the last 7 days divided by the facilitator-days with a visit in those 7 days.",
           "ratio", ("visits_7d",), ("active_days_7d",), True, by_category=False, map_range=(0.0, 10.0)),
)

#: Quality indicators (``dashboard.quality.rules``, ``dashboard.quality.risk``): what the quality page shows.
#: Counts of flags grow with the submissions, so they have no good direction (no colour
#: for their change); their share does.
QUALITY_METRICS: tuple[Metric, ...] = (
    _share("flagged_pct", "Kiriman bermasalah", "Submissions with a flag",
           "Kiriman yang melanggar minimal satu aturan kualitas, dari seluruh kiriman.",
           "Submissions breaking at least one quality rule, of all submissions.", "flagged", "submitted", better=False,
           map_range=SMALL_SHARE),
    _count("flagged", "Kiriman bermasalah (jumlah)", "Submissions with a flag (count)",
           "Kiriman yang melanggar minimal satu aturan kualitas.",
           "Submissions breaking at least one quality rule.", "flagged", None),
    _share("first_review_approval_pct", "Disetujui pada pemeriksaan pertama", "Approved at first review",
           "Kiriman yang disetujui pada pemeriksaan pertama, dari kiriman yang sudah diperiksa.",
           "Submissions approved at their first review, of those reviewed.", "approved_first_review", "reviewed"),
    replace(
        _share("high_risk_pct", "Pendamping berisiko pemalsuan", "Facilitators at risk of fabrication",
               "Pendamping dengan skor risiko pemalsuan di atas ambang, dari pendamping yang sudah dinilai (data terbaru saja).",
               "Facilitators whose fabrication-risk score is at or above the threshold, of those scored (newest data only).",
               "high_risk", "risk_scored", better=False, by_category=False, map_range=SMALL_SHARE),
        newest_only=True,
    ),
    replace(
        _count("high_risk", "Pendamping berisiko pemalsuan (jumlah)", "Facilitators at risk of fabrication (count)",
               "Pendamping dengan skor risiko pemalsuan di atas ambang (data terbaru saja).",
               "Facilitators whose fabrication-risk score is at or above the threshold (newest data only).",
               "high_risk", False, by_category=False),
        newest_only=True,
    ),
    *(
        _count(f"flags_{rule.id}", f"Temuan: {rule.label_id}", f"Flags: {rule.label_en}",
               rule.explanation_id, rule.explanation_en, f"flags_{rule.id}", None)
        for rule in RULES
    ),
)


def _programme_metrics(code: str, name: str) -> tuple[Metric, ...]:
    """The findings of one programme (``dashboard.figures.findings``): their cut-off is the
    setting ``DESIL_CUTOFF_<PROGRAMME>``, which the descriptions call "the cut-off"."""
    setting = f"DESIL_CUTOFF_{code.upper()}"
    cut_id, cut_en = f"batas desil {name} ({setting})", f"{name}'s desil cut-off ({setting})"
    return (
        _count(f"inclusion_confirmed_{code}", f"Inclusion error terkonfirmasi, {name}", f"Inclusion errors confirmed, {name}",
               f"Calon inclusion error yang diperingkat ulang di atas {cut_id}.",
               f"Inclusion-error candidates re-ranked above {cut_en}.", f"inclusion_confirmed_{code}"),
        _share(f"inclusion_confirmed_pct_{code}", f"Inclusion error terkonfirmasi, {name} (%)",
               f"Inclusion errors confirmed, {name} (%)",
               f"Calon inclusion error yang diperingkat ulang di atas {cut_id}, dari calon inclusion error yang sudah diperingkat ulang.",
               f"Inclusion-error candidates re-ranked above {cut_en}, of those re-ranked.",
               f"inclusion_confirmed_{code}", "inclusion_reranked", better=None),
        _count(f"exclusion_confirmed_{code}", f"Exclusion error terkonfirmasi, {name}", f"Exclusion errors confirmed, {name}",
               f"Calon exclusion error yang diperingkat ulang ke desil 1 sampai {cut_id}.",
               f"Exclusion-error candidates re-ranked into desil 1 to {cut_en}.", f"exclusion_confirmed_{code}"),
        _share(f"exclusion_confirmed_pct_{code}", f"Exclusion error terkonfirmasi, {name} (%)",
               f"Exclusion errors confirmed, {name} (%)",
               f"Calon exclusion error yang diperingkat ulang ke desil 1 sampai {cut_id}, dari calon exclusion error yang sudah diperingkat ulang.",
               f"Exclusion-error candidates re-ranked into desil 1 to {cut_en}, of those re-ranked.",
               f"exclusion_confirmed_{code}", "exclusion_reranked", better=None),
        _share(f"left_eligibility_pct_{code}", f"Keluar dari jangkauan {name}", f"Leaving {name}'s range",
               f"Keluarga di desil 1 sampai {cut_id} sebelum ground check yang diperingkat ulang di atasnya, dari keluarga di jangkauan itu yang sudah diperingkat ulang.",
               f"Families in desil 1 to {cut_en} before the check re-ranked above it, of those in that range re-ranked.",
               f"left_{code}", f"eligible_before_{code}", better=None, map_range=(0.0, 40.0)),
        _share(f"entered_eligibility_pct_{code}", f"Masuk ke jangkauan {name}", f"Entering {name}'s range",
               f"Keluarga di atas {cut_id} sebelum ground check yang diperingkat ulang ke jangkauannya, dari keluarga di atasnya yang sudah diperingkat ulang.",
               f"Families above {cut_en} before the check re-ranked into its range, of those above it re-ranked.",
               f"entered_{code}", f"ineligible_before_{code}", better=None, map_range=(0.0, 40.0)),
        _share(f"not_eligible_pct_{code}", f"Tidak layak {name}", f"Not eligible for {name}",
               f"Keluarga yang diperingkat ulang di atas {cut_id}, dari seluruh keluarga yang sudah diperingkat ulang.",
               f"Families re-ranked above {cut_en}, of all re-ranked.",
               f"not_eligible_{code}", "reranked", better=None),
    )


#: What the ground check found (``dashboard.figures.findings``): the re-ranking, and per
#: programme the confirmed errors and the families leaving or entering its range.
FINDINGS_METRICS: tuple[Metric, ...] = (
    _count("reranked", "Diperingkat ulang", "Re-ranked",
           "Keluarga yang sudah diperingkat ulang BPS (desil sesudah ground check).",
           "Families BPS has re-ranked (desil after the check).", "reranked", True),
    _count("awaiting_rerank", "Diwawancarai, belum diperingkat ulang", "Interviewed, not re-ranked yet",
           "Keluarga yang sudah diwawancarai dan dikirim (ditemukan atau NIK dikonfirmasi) dan belum diperingkat ulang, "
           "disetujui atau belum (halaman Antrean menghitung yang sudah disetujui saja).",
           "Families interviewed and submitted (found, or NIK confirmed) and not re-ranked yet, approved or not "
           "(the Waiting page counts the approved ones only).", "awaiting_rerank", False),
    _share("rerank_pct", "Sudah diperingkat ulang", "Re-ranked",
           "Keluarga yang sudah diperingkat ulang, dari keluarga yang sudah diwawancarai.",
           "Families re-ranked, of those interviewed.", "reranked", "interviewed"),
    *(metric for code, term in PROGRAMME_TERMS.items() for metric in _programme_metrics(code, term.en)),
)
#: The training (``dashboard.figures.training``), over the columns of ``training_summary``.
#: The mean scores, the gain and their intervals are means over facilitators, not ratios of
#: counts: that module defines them, and the API and downloads carry them beside these.
TRAINING_METRICS: tuple[Metric, ...] = (
    _share("trained_pct", "Sudah dilatih", "Trained",
           "Pendamping yang hadir di kelas pendamping yang sudah berlangsung dan punya nilai post-test, dari seluruh pendamping.",
           "Facilitators present at a facilitator class held by the day, with a post-test score, of all facilitators.",
           "trained", "facilitators", by_category=False),
    _count("trained_late", "Dilatih terlambat", "Trained late",
           "Pendamping yang dilatih di kelas susulan (setelah kelas provinsinya).",
           "Facilitators trained in a make-up class (after their province's class).", "trained_late", None, by_category=False),
    _count("not_trained", "Belum dilatih", "Not trained yet",
           "Pendamping yang belum punya nilai post-test dari kelas pendamping mana pun (tidak hadir, belum dijadwalkan, atau tanpa nilai).",
           "Facilitators without a post-test from any facilitator class (absent, not scheduled yet, or no score).",
           "not_trained", False, by_category=False),
    _share("instructors_trained_pct", "Instruktur terlatih", "Instructors trained",
           "Instruktur nasional (Innas) yang hadir di kelas instruktur, dari yang dibutuhkan menurut paparan BPS (provinsi dan nasional).",
           "National instructors (Innas) present at an instructor class, of those the BPS briefing says are needed (provinces and the nation).",
           "instructors_trained", "instructors_needed", by_category=False),
)
METRICS = METRICS + QUALITY_METRICS + FINDINGS_METRICS + TRAINING_METRICS

REGISTRY: dict[str, Metric] = {m.id: m for m in METRICS}

#: The metrics a map can be coloured by (counts depend on region size, so shares only);
#: the progress pages offer the first, the quality page the second.
MAP_METRICS: tuple[str, ...] = tuple(
    m.id for m in METRICS if m.unit != "count" and m not in QUALITY_METRICS and m not in FINDINGS_METRICS and m not in TRAINING_METRICS
)
QUALITY_MAP_METRICS: tuple[str, ...] = ("flagged_pct", "first_review_approval_pct", "return_rate", "high_risk_pct")
#: What the findings page's map can show: each of these of the programme chosen (the id
#: ``<kind>_<programme>``, ``layouts.findings.metric_of``).
FINDINGS_MAP_KINDS: tuple[str, ...] = (
    "left_eligibility_pct", "entered_eligibility_pct", "not_eligible_pct", "inclusion_confirmed_pct", "exclusion_confirmed_pct",
)


def get_metric(metric_id: str) -> Metric:
    try:
        return REGISTRY[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric {metric_id!r}; known: {', '.join(REGISTRY)}") from None


def compute(counts: pd.DataFrame, metric_ids: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The metrics (default: all that the counts allow) for every row of ``counts``."""
    metrics = [get_metric(m) for m in metric_ids] if metric_ids else list(METRICS)
    available = set(counts.columns)
    columns = _Columns(counts)
    values = {
        m.id: m._values(columns)
        for m in metrics
        if set(m.numerator) | set(m.denominator) <= available
    }
    return pd.DataFrame(values, index=counts.index)
