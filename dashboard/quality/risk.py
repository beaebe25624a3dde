"""Fabrication risk per facilitator ("curbstoning": interviews filled in without a visit).

No single answer proves fabrication; a pattern across a facilitator's interviews does. Each
*signal* below measures one such pattern from paradata, answers and the review history,
and is compared with the facilitator's *peers* (the other facilitators of the same
kabupaten/kota, or of the province where a kabupaten/kota has too few), because what is
usual differs between Papua and Jakarta.

How the score is made, and why so:
- For each signal, how far the facilitator lies beyond the peers' reference (their
  median; for shares their trimmed mean), on a scale where chance is
  steady (arcsine for shares, Fisher's z for correlations, logarithms for ratios), is a
  z value. Its spread is the spread *between* facilitators plus what chance gives at the
  facilitator's own number of cases: the shrinkage of empirical Bayes. A newcomer's five
  interviews say less than a veteran's fifty, so a newcomer needs a stronger pattern to be
  named, and one with a blatant pattern is named after five.
- The z value becomes a one-sided tail probability (how rarely an ordinary facilitator
  lies that far out), and the signal's *evidence* is how many powers of ten that
  probability lies below 10 % (``-log10(p) - EVIDENCE_FROM``, zero above).
- The score (0-100) is the *sum* of the signals' points (``POINTS_PER_DECADE`` per power of
  ten, at most ``Signal.max_points`` each, and at most ``FAMILY_MAX_POINTS`` for signals
  of one habit together), capped at 100. A sum, not a mean: one very strong signal (a tail
  probability of one in a million) or a few moderate ones (three of one in a thousand)
  reach the threshold of 50, and the signals a careful fabricator does not trip add
  nothing and dilute nothing. Signals that cannot prove fabrication alone (a small area,
  a fast honest worker, a supervisor who returns much) have a cap below 50.
A signal *raised* the score when its points are above zero; the facilitator page shows
those with the facilitator's value next to the peers' typical value and the points each
added, which is the explanation.

The signals, and what a fabricator would have to do to defeat each:
- ``short_share``: share of interviews under ``SHORT_SECONDS``. Defeated by leaving the
  form open for an ordinary time.
- ``packed_share``: share of a day's consecutive visits that start within
  ``PACKED_GAP_SECONDS`` of the end of the previous one. Defeated by pausing between forms.
- ``gps_spread_m``: median distance of the interviews' points from their centre (low is
  suspicious: made-up visits are recorded where the facilitator sits). Defeated by typing
  from several places or spoofing the location.
- ``impossible_travel_share``: share of a day's consecutive visits more than 1 km apart
  whose distance over the time between them needs more than ``MAX_TRAVEL_KMH``. Defeated
  only by a plausible route in space *and* time, i.e. by spoofing each family's location
  and waiting out the travel between them.
- ``uniformity`` / ``repeated_answers`` / ``round_share`` / ``peer_distance``: answers too
  alike (the modal answer's share; interviews whose 13 key answers repeat another of
  theirs exactly), heaped on round numbers, or distributed unlike the peers'. Defeated by
  drawing varied answers from the peers' distribution.
- ``record_agreement``: rank correlation between a welfare index of the answers and the
  family's desil in DTSEN before the check (low is suspicious). Real families are roughly
  where DTSEN had them; answers made up without seeing the family are not. Defeated only
  by making up answers that follow each family's DTSEN record, which then rarely changes
  its desil (a fabricator's families would stand out in the findings' transitions).
- ``desil_change``: mean distance between the desil BPS computes from the answers at the
  re-ranking and the desil before (high is suspicious: a made-up family lands anywhere).
  Comes a week or two after the visit. Defeated as ``record_agreement`` is.
- ``length_size_corr``: rank correlation between interview length and household size (low
  is suspicious): each member adds the questionnaire's individual questions. Defeated only
  by keeping a made-up interview open longer for a larger made-up family.
- ``hard_outcome_share``: share of submitted visits that found the family moved, deceased,
  not found or refusing (low is suspicious: who does not go finds every family). Defeated
  by recording hard outcomes at the peers' rate, which gives up targets.
- ``daily_throughput`` / ``throughput_change``: mean submissions per working day, and the
  last seven days' daily rate over the earlier days' (high is suspicious: typing is faster
  than walking). Defeated by working no faster than the peers and oneself, which takes
  away most of what fabrication saves.
- ``gap_regularity``: share of a day's start-to-start gaps within ``REGULAR_GAP_SECONDS`` of
  the facilitator's median gap (forms filled at a steady rhythm). Defeated by varying the
  pace.
- ``returned_share``: share of first reviews that returned the submission. Defeated by
  submissions a supervisor finds nothing wrong with.

Facilitators with fewer than ``min_interviews`` interviews get no score. The functions are
pure (frames in, frames out); ``dashboard.quality.refresh`` keeps the scores in the
database as visits arrive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.quality.rules import local_start
from dashboard.vocabulary import ASSET_COLUMNS, INTERVIEWED_OUTCOMES, Language, VisitOutcome

#: An interview shorter than this is "very short" for the risk score (the quality rule's
#: minimum flags the impossible; this marks the hurried).
SHORT_SECONDS = 10 * 60
#: A visit starting this soon after the previous one ended is "packed".
PACKED_GAP_SECONDS = 5 * 60
#: Faster than this between two consecutive visits more than ``TRAVEL_MIN_METRES`` apart is
#: impossible on the roads and paths of a facilitator's area (including a motorbike's
#: straight-line speed on village roads).
MAX_TRAVEL_KMH = 40.0
TRAVEL_MIN_METRES = 1_000.0
#: A start-to-start gap this close to the facilitator's median gap counts as "regular".
REGULAR_GAP_SECONDS = 3 * 60
#: Answers compared for uniformity, repetition and with the peers.
ANSWER_COLUMNS: tuple[str, ...] = (
    "household_size", "floor_area_m2", "floor_material", "wall_material", "roof_material",
    "drinking_water", "sanitation", "cooking_fuel", "lighting_source", "head_age",
    "head_education", "head_employment", "head_marital_status",
)
#: Answers whose values heap on round numbers when made up.
ROUND_COLUMNS: tuple[str, ...] = ("head_age", "floor_area_m2")
#: The welfare index of ``record_agreement``: answers with +1 rise with welfare, with -1
#: fall with it (codes 1 = best for the materials, water and sanitation).
WELFARE_COLUMNS: dict[str, int] = {
    "floor_area_m2": 1, "floor_material": -1, "wall_material": -1, "roof_material": -1,
    "drinking_water": -1, "sanitation": -1, "head_education": 1, "household_size": -1,
    "electricity_va": 1, "assets": 1,
}
#: Outcomes a fabricator does not see without going.
HARD_OUTCOMES: tuple[str, ...] = tuple(
    o.value for o in (VisitOutcome.MOVED, VisitOutcome.DECEASED, VisitOutcome.NOT_FOUND, VisitOutcome.REFUSED)
)
#: Columns :func:`score` needs from ``visit`` (``desil_before`` comes from ``target``).
VISIT_COLUMNS: tuple[str, ...] = (
    "target_id", "facilitator_id", "province_code", "regency_code", "outcome", "started_at",
    "submitted_at", "duration_seconds", "gps_lat", "gps_lon", "first_reviewed_at",
    "first_returned_at", "desil_after", *ANSWER_COLUMNS, "electricity_va", *ASSET_COLUMNS,
)
#: Fewer peers than this in a kabupaten/kota: compare with the province instead.
MIN_PEERS = 8
#: Tail probabilities count from 10 % down; each power of ten below adds these points.
EVIDENCE_FROM = 1.0
POINTS_PER_DECADE = 10.0
#: Pairs, gaps or interviews a signal needs before it says anything.
MIN_PAIRS = 5
MIN_CORRELATED = 6
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
    #: The most points the signal adds alone (below the threshold: it cannot name alone).
    max_points: float
    #: Smallest spread between facilitators (on the compared scale) that is assumed.
    min_spread: float
    #: The scale compared: "share" (arcsine of the square root, where a share of n cases
    #: varies by 1/(4n) by chance), "correlation" (Fisher's z, by 1/(n-3)), "log" (ratios:
    #: distances, rates; by ``noise``/n) or "plain" (by ``noise``/n).
    scale: str = "share"
    noise: float = 0.0
    #: Signals of one family measure one habit and move together (a fast honest worker has
    #: many visits a day *and* many back to back): their points together are capped by
    #: ``FAMILY_MAX_POINTS``.
    family: str = ""

    def label(self, lang: Language = "id") -> str:
        return self.label_id if lang == "id" else self.label_en

    def explanation(self, lang: Language = "id") -> str:
        """What the signal measures and what a fabricator would have to do to defeat it."""
        return SIGNAL_EXPLANATIONS[self.id][0 if lang == "id" else 1]


#: Signal id → (Indonesian, English): what it measures; what it would take to fake it.
SIGNAL_EXPLANATIONS: dict[str, tuple[str, str]] = {
    "short_share": ("Bagian wawancara di bawah 10 menit. Untuk lolos: membiarkan formulir terbuka selama wawancara biasa.",
                    "Share of interviews under 10 minutes. To get past it: leave the form open for an ordinary interview's time."),
    "packed_share": ("Bagian kunjungan yang dimulai kurang dari 5 menit setelah kunjungan sebelumnya selesai. Untuk lolos: berhenti sejenak di antara formulir.",
                     "Share of visits starting less than 5 minutes after the previous one ended. To get past it: pause between forms."),
    "gps_spread_m": ("Jarak tengah titik GPS dari pusatnya; kunjungan karangan tercatat di tempat pendamping duduk. Untuk lolos: mengisi dari beberapa tempat atau memalsukan lokasi.",
                     "Median distance of the GPS points from their centre; made-up visits are recorded where the facilitator sits. To get past it: type from several places or spoof the location."),
    "impossible_travel_share": ("Bagian kunjungan berturutan yang berjarak lebih dari 1 km dan butuh kecepatan di atas 40 km/jam. Untuk lolos: memalsukan lokasi tiap keluarga dan menunggu waktu tempuhnya.",
                                "Share of consecutive visits more than 1 km apart that need more than 40 km/h. To get past it: spoof each family's location and wait out the travel between them."),
    "uniformity": ("Bagian rata-rata jawaban yang paling sering, per pertanyaan. Untuk lolos: mengarang jawaban yang beragam.",
                   "Mean share of the most frequent answer per question. To get past it: make up varied answers."),
    "repeated_answers": ("Bagian wawancara yang 13 jawaban kuncinya sama persis dengan wawancara lain pendamping ini. Untuk lolos: tidak menyalin keluarga karangan.",
                         "Share of interviews whose 13 key answers repeat another of this facilitator's exactly. To get past it: never copy a made-up family."),
    "round_share": ("Bagian umur dan luas lantai yang berupa angka bulat. Untuk lolos: mengarang angka yang tidak bulat.",
                    "Share of ages and floor areas in round numbers. To get past it: make up numbers that are not round."),
    "peer_distance": ("Seberapa jauh sebaran jawaban berbeda dari sebaran rekan sekab/kota, di luar yang wajar untuk jumlah wawancaranya. Untuk lolos: mengarang jawaban menurut sebaran rekan.",
                      "How far the answers' distribution lies from the peers', beyond what chance gives their number of interviews. To get past it: draw answers as the peers' are distributed."),
    "record_agreement": ("Korelasi peringkat antara indeks kesejahteraan dari jawaban dan desil keluarga di DTSEN sebelum pemeriksaan; jawaban karangan tidak mengikuti keluarga yang sebenarnya. Untuk lolos: mengarang jawaban yang mengikuti catatan DTSEN tiap keluarga - yang lalu jarang mengubah desilnya.",
                         "Rank correlation between a welfare index of the answers and the family's desil in DTSEN before the check; made-up answers do not follow the real family. To get past it: make up answers that follow each family's DTSEN record - which then rarely changes its desil."),
    "desil_change": ("Rata-rata selisih desil sesudah dan sebelum pemeringkatan ulang BPS, yang dihitung dari jawaban; keluarga karangan berpindah desil jauh. Untuk lolos: mengarang jawaban yang mengikuti catatan DTSEN tiap keluarga.",
                     "Mean distance between the desil after BPS's re-ranking, computed from the answers, and before; made-up families move far. To get past it: make up answers that follow each family's DTSEN record."),
    "length_size_corr": ("Korelasi peringkat antara lama wawancara dan jumlah anggota keluarga; tiap anggota menambah pertanyaan individu. Untuk lolos: membiarkan wawancara karangan lebih lama untuk keluarga karangan yang lebih besar.",
                         "Rank correlation between interview length and household size; each member adds the individual questions. To get past it: keep a made-up interview open longer for a larger made-up family."),
    "hard_outcome_share": ("Bagian kunjungan yang menemukan keluarga pindah, meninggal, tidak ditemukan atau menolak; yang tidak datang menemukan semua keluarga. Untuk lolos: mencatat hasil sulit sesering rekan, dengan melepaskan target.",
                           "Share of visits finding the family moved, deceased, not found or refusing; who does not go finds every family. To get past it: record hard outcomes as often as the peers, giving up targets."),
    "daily_throughput": ("Rata-rata kunjungan per hari kerja; mengetik lebih cepat daripada berjalan. Untuk lolos: bekerja tidak lebih cepat dari rekan - yang menghilangkan sebagian besar untung memalsukan.",
                         "Mean visits per working day; typing is faster than walking. To get past it: work no faster than the peers - which takes away most of what fabrication saves."),
    "throughput_change": ("Laju harian 7 hari terakhir dibanding hari-hari sebelumnya (pendamping yang mulai memalsukan di tengah jalan). Untuk lolos: tidak mempercepat.",
                          "The last 7 days' daily rate against the earlier days' (a facilitator who starts fabricating midway). To get past it: do not speed up."),
    "gap_regularity": ("Bagian jeda antarkunjungan yang dekat (3 menit) dengan jeda biasanya; formulir diisi dengan irama tetap. Untuk lolos: mengubah-ubah irama.",
                       "Share of gaps between visits within 3 minutes of the usual gap; forms filled at a steady rhythm. To get past it: vary the pace."),
    "returned_share": ("Bagian pemeriksaan pertama yang mengembalikan kiriman. Untuk lolos: kiriman yang tidak dipersoalkan pemeriksa.",
                       "Share of first reviews that returned the submission. To get past it: submissions a supervisor finds nothing wrong with."),
}


SIGNALS: tuple[Signal, ...] = (
    Signal("short_share", "Wawancara sangat singkat (< 10 menit)", "Very short interviews (< 10 min)", "share", True, 100, 0.05),
    Signal("packed_share", "Kunjungan beruntun tanpa jeda", "Back-to-back visits", "share", True, 40, 0.05, family="pace"),
    Signal("gps_spread_m", "Sebaran titik GPS", "Spread of GPS points", "metres", False, 25, 0.4, "log", 1.5),
    Signal("impossible_travel_share", "Perjalanan antarkunjungan mustahil", "Impossible travel between visits", "share", True, 100, 0.05),
    Signal("uniformity", "Jawaban seragam", "Uniform answers", "share", True, 100, 0.03, "plain", 0.1),
    Signal("repeated_answers", "Jawaban yang berulang persis", "Answers repeated exactly", "share", True, 100, 0.05),
    Signal("round_share", "Angka bulat", "Round numbers", "share", True, 40, 0.05),
    Signal("peer_distance", "Jawaban berbeda dari rekan sekab/kota", "Answers unlike the peers", "share", True, 100, 0.03, "plain", 0.15),
    Signal("record_agreement", "Jawaban tidak sejalan dengan desil DTSEN", "Answers unlike the DTSEN record", "correlation", False, 100, 0.05, "correlation"),
    Signal("desil_change", "Desil berubah jauh setelah pemeringkatan ulang", "Desil moved far at re-ranking", "desil", True, 100, 0.1, "plain", 2.0),
    Signal("length_size_corr", "Lama wawancara tidak sejalan dengan jumlah anggota", "Interview length unrelated to household size", "correlation", False, 100, 0.05, "correlation"),
    Signal("hard_outcome_share", "Jarang tidak ditemukan/pindah/menolak", "Rarely not found, moved or refused", "share", False, 45, 0.05),
    Signal("daily_throughput", "Kunjungan per hari kerja", "Visits per working day", "visits", True, 40, 0.15, "log", 1.0, family="pace"),
    Signal("throughput_change", "Laju 7 hari terakhir dibanding sebelumnya", "Last 7 days' pace against earlier", "ratio", True, 40, 0.15, "log", 2.0, family="pace"),
    Signal("gap_regularity", "Jeda antarkunjungan teratur", "Regular gaps between visits", "share", True, 40, 0.1, family="pace"),
    Signal("returned_share", "Dikembalikan pada pemeriksaan pertama", "Returned at first review", "share", True, 30, 0.05),
)
#: The most points a family of signals adds together: the pace of work alone never names.
FAMILY_MAX_POINTS: dict[str, float] = {"pace": 45}
SIGNAL_IDS: tuple[str, ...] = tuple(s.id for s in SIGNALS)
assert set(SIGNAL_EXPLANATIONS) == set(SIGNAL_IDS)
SIGNALS_BY_ID: dict[str, Signal] = {s.id: s for s in SIGNALS}


@dataclass(frozen=True)
class RiskParameters:
    """The score's settings (``RISK_*`` in ``dashboard.settings``)."""

    threshold: float = 50.0
    min_interviews: int = 5

    @classmethod
    def from_settings(cls, settings) -> RiskParameters:
        return cls(threshold=settings.risk_threshold, min_interviews=settings.risk_min_interviews)


def _gps_spread(interviews: pd.DataFrame) -> pd.Series:
    """Per facilitator: median distance (m, at least 1) of their points from their median
    point (NaN with fewer than ``MIN_PAIRS`` points: two or three families of one desa may
    live a few metres apart)."""
    points = interviews[["facilitator_id", "gps_lat", "gps_lon"]].dropna()
    by = points.groupby("facilitator_id")
    lat0, lon0 = by["gps_lat"].transform("median"), by["gps_lon"].transform("median")
    dx = (points["gps_lon"] - lon0) * np.cos(np.radians(lat0)) * _METRES_PER_DEGREE
    dy = (points["gps_lat"] - lat0) * _METRES_PER_DEGREE
    distance = pd.Series(np.hypot(dx, dy), index=points.index).groupby(points["facilitator_id"])
    return distance.median().clip(lower=1).where(distance.size() >= MIN_PAIRS)


def _day_sequences(visits: pd.DataFrame) -> pd.DataFrame:
    """The submitted visits in each facilitator's order of work, with the previous visit of
    the same local working day beside each (``same``: there is one)."""
    v = visits[["facilitator_id", "started_at", "duration_seconds", "province_code", "gps_lat", "gps_lon"]].dropna(
        subset=["started_at"]
    )
    v = v.assign(start=pd.to_datetime(v["started_at"])).sort_values(["facilitator_id", "start"], kind="stable")
    day = local_start(v).dt.floor("D")  # the facilitator's working day, not the UTC one
    same = (v["facilitator_id"] == v["facilitator_id"].shift()) & (day == day.shift())
    previous_end = v["start"].shift() + pd.to_timedelta(v["duration_seconds"].shift().fillna(0), unit="s")
    lat0 = np.radians(v["gps_lat"].shift())
    dx = (v["gps_lon"] - v["gps_lon"].shift()) * np.cos(lat0) * _METRES_PER_DEGREE
    dy = (v["gps_lat"] - v["gps_lat"].shift()) * _METRES_PER_DEGREE
    return pd.DataFrame(
        {
            "f": v["facilitator_id"],
            "day": day,
            "same": same,
            "gap": (v["start"] - previous_end).dt.total_seconds(),
            "step": (v["start"] - v["start"].shift()).dt.total_seconds(),
            "metres": np.hypot(dx, dy),
        },
        index=v.index,
    )


def _share(name: str, hit: pd.Series, counted: pd.Series, facilitators: pd.Series, minimum: int = 1) -> pd.DataFrame:
    """Per facilitator: the share ``name`` of ``counted`` rows where ``hit`` (NaN below
    ``minimum``) and the cases it counts over (``<name>_n``)."""
    frame = pd.DataFrame({"f": facilitators.to_numpy(), "n": counted.to_numpy(), "hit": (hit & counted).to_numpy()})
    sums = frame.groupby("f")[["n", "hit"]].sum()
    return pd.DataFrame({name: sums["hit"] / sums["n"].where(sums["n"] >= minimum), f"{name}_n": sums["n"]})


def _sequence_signals(submitted: pd.DataFrame) -> pd.DataFrame:
    """``packed_share``, ``impossible_travel_share``, ``gap_regularity``, ``daily_throughput``
    and ``throughput_change`` per facilitator from the order of their visits in time."""
    s = _day_sequences(submitted)
    packed = s["same"] & (s["gap"] >= 0) & (s["gap"] < PACKED_GAP_SECONDS)
    located = s["same"] & s["metres"].notna()
    hours = s["gap"].clip(lower=60) / 3600
    impossible = located & (s["metres"] > TRAVEL_MIN_METRES) & (s["metres"] / 1000 / hours > MAX_TRAVEL_KMH)
    steps = s["step"].where(s["same"])
    median_step = steps.groupby(s["f"]).transform("median")
    regular = s["same"] & ((steps - median_step).abs() <= REGULAR_GAP_SECONDS)
    out = pd.concat(
        [
            _share("packed_share", packed, s["same"], s["f"], MIN_PAIRS),
            _share("impossible_travel_share", impossible, located, s["f"], MIN_PAIRS),
            _share("gap_regularity", regular, s["same"], s["f"], MIN_PAIRS),
        ],
        axis=1,
    )
    per_day = s.groupby(["f", "day"]).size().rename("visits").reset_index()
    by = per_day.groupby("f")["visits"]
    out["daily_throughput"] = by.mean()
    out["daily_throughput_n"] = by.sum()  # a rate of N visits varies by about 1/N in log
    last = per_day.groupby("f")["day"].transform("max")
    recent = per_day["day"] > last - pd.Timedelta(days=7)
    rates = per_day.assign(recent=recent).groupby(["f", "recent"])["visits"].agg(["mean", "size", "sum"]).unstack("recent")
    if ("size", True) in rates and ("size", False) in rates:
        enough = (rates[("size", False)] >= MIN_PAIRS) & (rates[("size", True)] >= 3)
        out["throughput_change"] = (rates[("mean", True)] / rates[("mean", False)]).where(enough)
        # Two rates of N1 and N2 visits: a log ratio varying by 1/N1 + 1/N2 ~ 2/harmonic.
        out["throughput_change_n"] = 2 / (1 / rates[("sum", True)] + 1 / rates[("sum", False)])
    else:
        out["throughput_change"], out["throughput_change_n"] = np.nan, np.nan
    return out


def _rank_correlation(frame: pd.DataFrame, x: str, y: str) -> tuple[pd.Series, pd.Series]:
    """Per facilitator (column ``f``): Spearman's correlation of ``x`` and ``y`` over the rows
    where both are known (NaN with fewer than ``MIN_CORRELATED`` rows or a constant column),
    and those rows' number."""
    data = frame[["f", x, y]].dropna()
    by = data.groupby("f")
    rx, ry = by[x].rank(), by[y].rank()
    ranks = pd.DataFrame({"f": data["f"], "x": rx, "y": ry})
    ranks["x"] -= ranks.groupby("f")["x"].transform("mean")
    ranks["y"] -= ranks.groupby("f")["y"].transform("mean")
    sums = pd.DataFrame({"f": ranks["f"], "xy": ranks["x"] * ranks["y"], "xx": ranks["x"] ** 2, "yy": ranks["y"] ** 2}).groupby("f").sum()
    size = ranks.groupby("f").size()
    with np.errstate(divide="ignore", invalid="ignore"):
        r = sums["xy"] / np.sqrt(sums["xx"] * sums["yy"])
    return r.where((size >= MIN_CORRELATED) & (sums["xx"] > 0) & (sums["yy"] > 0)), size


def _welfare_index(interviews: pd.DataFrame) -> pd.Series:
    """A family's welfare as its answers tell it: the signed sum of the ranks of
    ``WELFARE_COLUMNS`` within the province (NaN where an answer is missing)."""
    parts = []
    present = [c for c in ASSET_COLUMNS if c in interviews]
    assets = interviews[present].astype(float).sum(axis=1, min_count=len(present)) if present else pd.Series(np.nan, index=interviews.index)
    for column, sign in WELFARE_COLUMNS.items():
        if (column == "assets" and not present) or (column != "assets" and column not in interviews):
            continue  # a frame without it (tests, an old export): the index goes without
        values = assets if column == "assets" else pd.to_numeric(interviews[column], errors="coerce")
        if column == "floor_area_m2":
            values = np.log(values.clip(lower=1))
        parts.append(sign * values.groupby(interviews["province_code"]).rank(pct=True))
    return pd.concat(parts, axis=1).sum(axis=1, min_count=len(parts)) if parts else pd.Series(np.nan, index=interviews.index)


def _clean(visits: pd.DataFrame) -> pd.DataFrame:
    """The visits with numbers as numbers and times as times (field data is untrusted: a
    column of NULLs arrives as objects, a value may be text), in ``target_id`` order, so
    that the score never depends on the order the database returned the rows in (visits
    that start at the same second keep one order on every engine)."""
    v = visits.copy()
    numeric = ("duration_seconds", "gps_lat", "gps_lon", "desil_before", "desil_after", "electricity_va", *ANSWER_COLUMNS, *ASSET_COLUMNS)
    for column in numeric:
        if column in v:
            v[column] = pd.to_numeric(v[column], errors="coerce").astype(float)
    for column in ("started_at", "submitted_at", "first_reviewed_at", "first_returned_at"):
        if column in v:
            v[column] = pd.to_datetime(v[column], errors="coerce", format="mixed")
    return v.sort_values("target_id", kind="stable") if "target_id" in v else v


def signals(visits: pd.DataFrame) -> pd.DataFrame:
    """The raw signals per facilitator from their submitted visits (``VISIT_COLUMNS``, and
    ``desil_before`` when known), indexed by facilitator id, with ``interviews``,
    ``regency_code``, ``province_code``."""
    submitted = _clean(visits[visits["submitted_at"].notna()])
    interviews = submitted[submitted["outcome"].isin(_INTERVIEWED)]
    f = interviews["facilitator_id"]
    by = interviews.groupby("facilitator_id", sort=True)
    out = pd.DataFrame(
        {
            "regency_code": by["regency_code"].first(),
            "province_code": by["province_code"].first(),
            "interviews": by.size(),
        }
    )
    timed = interviews["duration_seconds"].notna()
    out = out.join(_share("short_share", interviews["duration_seconds"] < SHORT_SECONDS, timed, f))
    out = out.join(_sequence_signals(submitted))
    out["gps_spread_m"] = _gps_spread(interviews)
    out["gps_spread_m_n"] = interviews["gps_lat"].notna().groupby(f).sum()
    modal = []
    for column in ANSWER_COLUMNS:
        counts = interviews.groupby(["facilitator_id", column]).size()
        modal.append((counts.groupby(level=0).max() / counts.groupby(level=0).sum()).rename(column))
    out["uniformity"] = pd.concat(modal, axis=1).mean(axis=1)
    # Only interviews with all their key answers: two without answers are not a repeat.
    answers = interviews[["facilitator_id", *ANSWER_COLUMNS]]
    complete = answers[list(ANSWER_COLUMNS)].notna().all(axis=1)
    out = out.join(_share("repeated_answers", answers.duplicated(keep=False) & complete, complete, f))
    round_values = pd.concat(
        [(interviews[c] % (5 if c == "head_age" else 10) == 0).where(interviews[c].notna()) for c in ROUND_COLUMNS], axis=1
    )
    out["round_share"] = round_values.groupby(f).mean().mean(axis=1)
    out["peer_distance"] = _peer_distance(interviews)
    for name in ("uniformity", "round_share", "peer_distance"):
        out[f"{name}_n"] = out["interviews"]
    relations = pd.DataFrame(
        {
            "f": f,
            "welfare": _welfare_index(interviews),
            "desil_before": pd.to_numeric(interviews["desil_before"], errors="coerce") if "desil_before" in interviews else np.nan,
            "duration": pd.to_numeric(interviews["duration_seconds"], errors="coerce"),
            "size": pd.to_numeric(interviews["household_size"], errors="coerce"),
        }
    )
    out["record_agreement"], out["record_agreement_n"] = _rank_correlation(relations, "welfare", "desil_before")
    out["length_size_corr"], out["length_size_corr_n"] = _rank_correlation(relations, "duration", "size")
    after = pd.to_numeric(interviews["desil_after"], errors="coerce") if "desil_after" in interviews else np.nan
    change = (after - relations["desil_before"]).abs()
    out["desil_change"] = change.groupby(f).mean()
    out["desil_change_n"] = change.notna().groupby(f).sum()
    out["desil_change"] = out["desil_change"].where(out["desil_change_n"] >= MIN_PAIRS)
    all_submitted = pd.Series(True, index=submitted.index)
    out = out.join(_share("hard_outcome_share", submitted["outcome"].isin(HARD_OUTCOMES), all_submitted, submitted["facilitator_id"]))
    reviewed = submitted["first_reviewed_at"].notna() if "first_reviewed_at" in submitted else ~all_submitted
    returned = submitted["first_returned_at"].notna() if "first_returned_at" in submitted else ~all_submitted
    out = out.join(_share("returned_share", returned, reviewed, submitted["facilitator_id"], MIN_PAIRS))
    return out


def _binned(interviews: pd.DataFrame, column: str) -> pd.Series:
    """An answer as compared with the peers': ages in decades, floor areas in doublings,
    households of 8 or more together (dozens of distinct values would make any few
    interviews look unlike the peers)."""
    values = interviews[column]
    if column == "head_age":
        return (values // 10).where(values.notna())
    if column == "floor_area_m2":
        return np.floor(np.log2(values.clip(lower=1))).where(values.notna())
    if column == "household_size":
        return values.clip(upper=8)
    return values


def _peer_distance(interviews: pd.DataFrame) -> pd.Series:
    """Per facilitator: mean over ``ANSWER_COLUMNS`` of the total variation distance between
    their answers' distribution and that of the other facilitators of their kabupaten/kota
    (of their province where the kabupaten/kota has fewer than ``MIN_PEERS`` facilitators
    with interviews), less the distance chance alone gives with their number of answers
    (n draws from the peers' distribution q lie about ``sum_k E|p_k - q_k| / 2`` from it,
    ``E|p_k - q_k|`` about ``sqrt(2 q (1 - q) / (pi n))`` and at most ``2 q (1 - q)``): five
    interviews are far from any distribution, and that is no sign. NaN without other
    facilitators to compare with."""
    people = interviews.groupby("regency_code")["facilitator_id"].nunique()
    regency_of = interviews.groupby("facilitator_id")["regency_code"].first()
    large = regency_of.map(people).ge(MIN_PEERS)
    distance = _distance_within(interviews, interviews["regency_code"]).reindex(large.index)
    if not large.all():
        # Only the provinces with a small kabupaten/kota are compared as a whole.
        small_provinces = set(interviews.loc[~interviews["regency_code"].map(people).ge(MIN_PEERS), "province_code"])
        theirs = interviews[interviews["province_code"].isin(small_provinces)]
        within_province = _distance_within(theirs, theirs["province_code"]).reindex(large.index)
        distance = distance.where(large, within_province)
    return distance


def _distance_within(interviews: pd.DataFrame, area: pd.Series) -> pd.Series:
    """``_peer_distance`` against the others of ``area`` (a label per interview)."""
    distances = []
    for column in ANSWER_COLUMNS:
        frame = pd.DataFrame({"a": area.to_numpy(), "f": interviews["facilitator_id"].to_numpy(), "x": _binned(interviews, column).to_numpy()}).dropna()
        if frame.empty:
            continue
        counts = frame.groupby(["a", "f", "x"]).size()
        own_total = counts.groupby(level=[0, 1]).transform("sum")
        own = counts / own_total
        region = counts.groupby(level=[0, 2]).sum()
        region_total = counts.groupby(level=0).sum()
        # The others' count of each value, over the others' total: region minus own.
        keys = pd.MultiIndex.from_arrays([counts.index.get_level_values(0), counts.index.get_level_values(2)])
        others_value = region.reindex(keys).to_numpy() - counts.to_numpy()
        others_total = region_total.reindex(counts.index.get_level_values(0)).to_numpy() - own_total.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            others_share = np.where(others_total > 0, others_value / others_total, np.nan)
        # TV = 1/2 sum |p - q| = sum over values where p > q of (p - q).
        excess = pd.Series(np.clip(own.to_numpy() - others_share, 0, None), index=counts.index)
        tv = excess.groupby(level=[0, 1]).sum(min_count=1)
        # What chance gives: the area's distribution q, the facilitator's n.
        q = (region / region_total.reindex(region.index.get_level_values(0)).to_numpy()).rename("q").reset_index()
        n = own_total.groupby(level=[0, 1]).first().rename("n").reset_index()
        pairs = n.merge(q[["a", "q"]], on="a")
        spread = pairs["q"] * (1 - pairs["q"])
        pairs["m"] = np.minimum(np.sqrt(2 * spread / (np.pi * pairs["n"])), 2 * spread)
        expected = pairs.groupby(["a", "f"])["m"].sum() / 2
        adjusted = (tv - expected.reindex(tv.index)).droplevel(0)
        distances.append(adjusted.groupby(level=0).mean().rename(column))
    if not distances:
        return pd.Series(np.nan, index=pd.Index(interviews["facilitator_id"].unique()), dtype=float)
    return pd.concat(distances, axis=1).mean(axis=1)


def _by_regency(table: pd.DataFrame) -> pd.Series:
    """Whether a facilitator is compared within their kabupaten/kota (it has at least
    ``MIN_PEERS`` scored facilitators) or else with every scored facilitator of their
    province (the small kabupaten/kota's among them)."""
    return table.groupby("regency_code")["regency_code"].transform("size") >= MIN_PEERS


def tail_decades(z: np.ndarray) -> np.ndarray:
    """``-log10`` of the upper tail probability of a standard normal at ``z`` (accurate far
    into the tail, where ``erfc`` would underflow)."""
    z = np.asarray(z, dtype=float)
    out = np.zeros_like(z)
    finite = np.isfinite(z)
    near = finite & (z < 30)
    out[near] = [-math.log10(max(0.5 * math.erfc(v / math.sqrt(2)), 1e-300)) for v in z[near]]
    far = finite & (z >= 30)
    out[far] = (z[far] ** 2 / 2 + np.log(z[far]) + 0.5 * np.log(2 * np.pi)) / np.log(10)
    return out


def _compared(signal: Signal, values: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The signal on the scale it is compared on, and each value's variance by chance with
    ``n`` cases (NaN where it cannot be told)."""
    n = n.where(n > 0)
    if signal.scale == "share":
        # Anscombe's arcsine: steady in variance down to a few cases and at 0 and 1.
        return np.arcsin(np.sqrt((values.clip(0, 1) * n + 3 / 8) / (n + 3 / 4))), 1 / (4 * n + 2)
    if signal.scale == "correlation":
        return np.arctanh(values.clip(-0.999, 0.999)), 1 / (n - 3).clip(lower=1)
    if signal.scale == "log":
        return np.log(values.clip(lower=1e-3)), signal.noise / n
    return values, signal.noise / n


def _peer_z(signal: Signal, values: pd.Series, n: pd.Series, table: pd.DataFrame, by_regency: pd.Series) -> tuple[pd.Series, pd.Series]:
    """How far each facilitator lies beyond their peers, towards the suspicious side, and
    the peers' typical value shown beside theirs (on the signal's own scale).

    The reference is the peers' median (for shares, their mean without the most extreme
    twentieth on either side: a rare event, a short interview or a hard outcome, has a
    median of none among peers with few cases, and a few fabricators do not move it). The
    spread is the spread *between* facilitators (the peers' robust spread less what chance
    alone gives at their numbers of cases, at least ``min_spread``) plus the chance variance
    at the facilitator's own number: a share of 2 out of 3 says less than one of 20 out of
    30. This is the shrinkage of empirical Bayes: a newcomer's few interviews need a
    stronger pattern to be named. NaN with fewer than 3 peers' values to compare with."""
    x, variance = _compared(signal, values, n)

    def reference(key: pd.Series) -> pd.DataFrame:
        by = x.groupby(key)
        median = by.transform("median")
        mad = (x - median).abs().groupby(key).transform("median") * 1.4826
        if signal.scale == "share":
            low, high = by.transform("quantile", 0.05), by.transform("quantile", 0.95)
            centre = x.where((x >= low) & (x <= high)).groupby(key).transform("mean")
            shown = values.where((x >= low) & (x <= high)).groupby(key).transform("mean")
        else:
            centre, shown = median, values.groupby(key).transform("median")
        return pd.DataFrame({"centre": centre, "mad": mad, "chance": variance.groupby(key).transform("median"),
                             "count": by.transform("count"), "shown": shown})

    regency, province = reference(table["regency_code"]), reference(table["province_code"])
    ref = regency.where(by_regency, province, axis=0)
    between = np.sqrt((ref["mad"] ** 2 - ref["chance"]).clip(lower=signal.min_spread**2))
    z = (x - ref["centre"]) / np.sqrt(between**2 + variance.fillna(np.inf))
    z = z.where(ref["count"] >= 3)
    return (z if signal.high_is_suspicious else -z), ref["shown"]


def score(visits: pd.DataFrame, parameters: RiskParameters = RiskParameters()) -> pd.DataFrame:
    """Per facilitator with at least one interview: the signals, each signal's typical value
    among the peers (``<signal>_peer``) and the points it adds (``<signal>_strength``, 0 to
    its ``max_points``, a family's scaled down together to the family's cap: the points as
    they count), the ``score`` (0-100, the sum of the points, NaN below
    ``min_interviews``) and ``high_risk`` (score at or above the threshold)."""
    table = signals(visits)
    scored = table[table["interviews"] >= parameters.min_interviews].copy()
    by_regency = _by_regency(scored)
    total = pd.Series(0.0, index=scored.index)
    families: dict[str, list[str]] = {}
    for signal in SIGNALS:
        z, shown = _peer_z(signal, scored[signal.id].astype(float), scored[f"{signal.id}_n"].astype(float), scored, by_regency)
        evidence = np.clip(tail_decades(z.fillna(-np.inf).to_numpy()) - EVIDENCE_FROM, 0, None)
        points = pd.Series(np.minimum(evidence * POINTS_PER_DECADE, signal.max_points), index=scored.index)
        scored[f"{signal.id}_peer"] = shown
        scored[f"{signal.id}_strength"] = points
        if signal.family:
            families.setdefault(signal.family, []).append(signal.id)
    for name, members in families.items():
        # A family's points as they count: scaled down together to the family's cap.
        columns = [f"{m}_strength" for m in members]
        together = scored[columns].sum(axis=1)
        factor = (FAMILY_MAX_POINTS[name] / together.where(together > FAMILY_MAX_POINTS[name])).fillna(1.0)
        scored[columns] = scored[columns].mul(factor, axis=0)
    for signal in SIGNALS:
        total += scored[f"{signal.id}_strength"]
        scored[f"{signal.id}_strength"] = scored[f"{signal.id}_strength"].round(1)
    scored["score"] = total.clip(upper=100).round(1)
    table = table.join(scored[[c for c in scored.columns if c not in table.columns]])
    table["high_risk"] = table["score"].ge(parameters.threshold)
    return table


__all__ = ["FAMILY_MAX_POINTS", "SIGNALS", "SIGNAL_EXPLANATIONS", "SIGNAL_IDS", "SIGNALS_BY_ID", "RiskParameters", "Signal", "score", "signals", "tail_decades"]
