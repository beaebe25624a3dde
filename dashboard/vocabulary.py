"""The controlled vocabularies of the ground check, each with Indonesian and English labels.

Kemensos has not published the field app's record statuses, outcome codes or its exact
list of 39 variables (see ``../shared/reference/DOMAIN.md``). What is here is **assumed**,
modelled on BPS's usual field-work outcome codes (complete, incomplete, no respondent,
refused, moved/dwelling gone) and on the variables of BPS's proxy-means test. When the real
codes arrive, this is the one module to change: the database stores the ``code`` strings,
the pages show ``label(lang)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Language = Literal["id", "en"]


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: the stored code and what people read."""

    code: str
    id: str
    en: str

    def label(self, lang: Language = "id") -> str:
        return self.id if lang == "id" else self.en


#: What a code outside a vocabulary is shown and counted as (field data may hold codes
#: that a newer version of the field application added, or typos): never a KeyError.
OTHER = Term("other", "Lainnya", "Other")


def label_of(terms: dict[str, Term], code, lang: Language = "id") -> str:
    """The label of ``code`` in ``terms``, or "Lainnya"/"Other" for any other code."""
    return terms.get(code, OTHER).label(lang) if isinstance(code, str) else OTHER.label(lang)


def fold_unknown(counts: dict, terms: dict[str, Term]) -> dict[str, int]:
    """``counts`` by code with every code outside ``terms`` (and none) added up as "other",
    so that the parts still add up to the whole."""
    folded: dict[str, int] = {}
    for code, count in counts.items():
        key = code if isinstance(code, str) and code in terms else OTHER.code
        folded[key] = folded.get(key, 0) + int(count)
    return folded


class TargetCategory(StrEnum):
    """Why a family (or individual) was put on the ground-check list."""

    INCLUSION_ERROR = "inclusion_error"
    EXCLUSION_ERROR = "exclusion_error"
    INACTIVE_NIK = "inactive_nik"


TARGET_CATEGORY_TERMS: dict[str, Term] = {
    t.code: t
    for t in (
        Term("inclusion_error", "Dugaan inclusion error", "Inclusion-error candidate"),
        Term("exclusion_error", "Dugaan exclusion error", "Exclusion-error candidate"),
        Term("inactive_nik", "NIK tidak aktif", "Inactive NIK"),
    )
}


#: The aid programmes paid from DTSEN whose eligibility the re-ranking decides: each is paid
#: up to a desil cut-off (a setting: ``Settings.programme_cutoffs``).
PROGRAMME_TERMS: dict[str, Term] = {
    t.code: t
    for t in (
        Term("pkh", "PKH", "PKH"),
        Term("sembako", "Sembako", "Sembako"),
        Term("pbi_jk", "PBI-JK", "PBI-JK"),
    )
}


class VisitStatus(StrEnum):
    """Where a target's submission stands in the review lifecycle.

    A target with no visit row is *assigned* (not yet started). The assumed lifecycle:
    assigned → started → submitted → approved, or submitted → returned → resubmitted →
    approved (a resubmission can be returned again).
    """

    ASSIGNED = "assigned"
    STARTED = "started"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"


VISIT_STATUS_TERMS: dict[str, Term] = {
    t.code: t
    for t in (
        Term("assigned", "Ditugaskan", "Assigned"),
        Term("started", "Dimulai", "Started"),
        Term("submitted", "Dikirim", "Submitted"),
        Term("returned", "Dikembalikan", "Returned"),
        Term("resubmitted", "Dikirim ulang", "Resubmitted"),
        Term("approved", "Disetujui", "Approved"),
    )
}

#: The only status changes the lifecycle allows (from → set of to).
ALLOWED_TRANSITIONS: dict[VisitStatus, frozenset[VisitStatus]] = {
    VisitStatus.ASSIGNED: frozenset({VisitStatus.STARTED}),
    VisitStatus.STARTED: frozenset({VisitStatus.SUBMITTED}),
    VisitStatus.SUBMITTED: frozenset({VisitStatus.APPROVED, VisitStatus.RETURNED}),
    VisitStatus.RETURNED: frozenset({VisitStatus.RESUBMITTED}),
    VisitStatus.RESUBMITTED: frozenset({VisitStatus.APPROVED, VisitStatus.RETURNED}),
    VisitStatus.APPROVED: frozenset(),
}

#: Statuses that count as "the facilitator has handed the work in".
HANDED_IN_STATUSES: frozenset[VisitStatus] = frozenset(
    {VisitStatus.SUBMITTED, VisitStatus.RETURNED, VisitStatus.RESUBMITTED, VisitStatus.APPROVED}
)


def is_allowed_transition(previous: str, following: str) -> bool:
    """Whether the lifecycle allows going from ``previous`` to ``following``."""
    return VisitStatus(following) in ALLOWED_TRANSITIONS[VisitStatus(previous)]


class VisitOutcome(StrEnum):
    """What the facilitator found at the address (assumed, after BPS outcome codes)."""

    FOUND_VERIFIED = "found_verified"
    MOVED = "moved"
    DECEASED = "deceased"
    NOT_FOUND = "not_found"
    REFUSED = "refused"
    NIK_CONFIRMED = "nik_confirmed"


VISIT_OUTCOME_TERMS: dict[str, Term] = {
    t.code: t
    for t in (
        Term("found_verified", "Ditemukan, diverifikasi", "Found and verified"),
        Term("moved", "Pindah / rumah tidak ada", "Moved / dwelling gone"),
        Term("deceased", "Meninggal", "Deceased"),
        Term("not_found", "Tidak ditemukan", "Not found"),
        Term("refused", "Menolak disurvei", "Refused"),
        Term(
            "nik_confirmed",
            "NIK dikonfirmasi, diusulkan aktif",
            "NIK confirmed, reactivation requested",
        ),
    )
}

#: Outcomes after which the family was interviewed, so the 39 variables are filled in.
INTERVIEWED_OUTCOMES: frozenset[VisitOutcome] = frozenset(
    {VisitOutcome.FOUND_VERIFIED, VisitOutcome.NIK_CONFIRMED}
)


class DefectKind(StrEnum):
    """Quality defects the simulator injects; the ground truth quality rules are tested on."""

    SHORT_INTERVIEW = "short_interview"
    GPS_MISSING = "gps_missing"
    GPS_OUTSIDE_REGENCY = "gps_outside_regency"
    GPS_DUPLICATE = "gps_duplicate"
    PLN_REUSED = "pln_reused"
    PLN_MALFORMED = "pln_malformed"
    PHOTO_MISSING = "photo_missing"
    INCONSISTENT_ANSWERS = "inconsistent_answers"
    IMPLAUSIBLE_HOUR = "implausible_hour"
    FABRICATION = "fabrication"


DEFECT_TERMS: dict[str, Term] = {
    t.code: t
    for t in (
        Term("short_interview", "Wawancara terlalu singkat", "Interview too short"),
        Term("gps_missing", "GPS kosong", "GPS missing"),
        Term("gps_outside_regency", "GPS di luar kab/kota", "GPS outside the regency"),
        Term("gps_duplicate", "Titik GPS sama untuk beberapa keluarga", "Same GPS point for several families"),
        Term("pln_reused", "ID pelanggan PLN dipakai ulang", "PLN meter id reused"),
        Term("pln_malformed", "ID pelanggan PLN tidak valid", "PLN meter id malformed"),
        Term("photo_missing", "Foto rumah/KK tidak ada", "House or KK photo missing"),
        Term("inconsistent_answers", "Jawaban tidak konsisten", "Inconsistent answers"),
        Term("implausible_hour", "Kunjungan di luar jam wajar", "Visit at an implausible hour"),
        Term("fabrication", "Pendamping memalsukan wawancara", "Facilitator fabricates interviews"),
    )
}


# --- Answer code lists (the categorical variables of the family questionnaire) -----------
# Codes are small integers as in BPS questionnaires; labels for display and exports.

LIGHTING_SOURCE: dict[int, Term] = {
    1: Term("1", "Listrik PLN dengan meteran", "PLN electricity, metered"),
    2: Term("2", "Listrik PLN tanpa meteran", "PLN electricity, no meter"),
    3: Term("3", "Listrik non-PLN", "Non-PLN electricity"),
    4: Term("4", "Bukan listrik", "No electricity"),
}
#: Lighting codes under which a PLN meter id is expected (code 1) or impossible (3, 4).
LIGHTING_WITH_PLN_METER = 1
LIGHTING_WITHOUT_ELECTRICITY = 4

DRINKING_WATER: dict[int, Term] = {
    1: Term("1", "Air kemasan/isi ulang", "Bottled/refill water"),
    2: Term("2", "Leding", "Piped water"),
    3: Term("3", "Sumur bor/pompa", "Borehole/pump"),
    4: Term("4", "Sumur terlindung", "Protected well"),
    5: Term("5", "Mata air terlindung", "Protected spring"),
    6: Term("6", "Sumur/mata air tak terlindung", "Unprotected well/spring"),
    7: Term("7", "Air sungai/danau/hujan", "River/lake/rain water"),
}
SANITATION: dict[int, Term] = {
    1: Term("1", "Jamban sendiri dengan tangki septik", "Own toilet with septic tank"),
    2: Term("2", "Jamban sendiri tanpa tangki septik", "Own toilet without septic tank"),
    3: Term("3", "Jamban bersama/umum", "Shared/public toilet"),
    4: Term("4", "Tidak ada jamban", "No toilet"),
}
FLOOR_MATERIAL: dict[int, Term] = {
    1: Term("1", "Keramik/marmer/granit", "Ceramic/marble/granite"),
    2: Term("2", "Semen/bata merah", "Cement/brick"),
    3: Term("3", "Kayu/papan", "Wood/planks"),
    4: Term("4", "Bambu", "Bamboo"),
    5: Term("5", "Tanah", "Earth"),
}
WALL_MATERIAL: dict[int, Term] = {
    1: Term("1", "Tembok", "Masonry"),
    2: Term("2", "Plesteran anyaman bambu/kawat", "Plastered bamboo/wire"),
    3: Term("3", "Kayu/papan", "Wood/planks"),
    4: Term("4", "Anyaman bambu", "Woven bamboo"),
    5: Term("5", "Lainnya", "Other"),
}
ROOF_MATERIAL: dict[int, Term] = {
    1: Term("1", "Beton/genteng", "Concrete/tiles"),
    2: Term("2", "Seng/asbes", "Metal sheet/asbestos"),
    3: Term("3", "Kayu/sirap", "Wood/shingles"),
    4: Term("4", "Jerami/ijuk/daun/rumbia", "Straw/thatch/leaves"),
}
COOKING_FUEL: dict[int, Term] = {
    1: Term("1", "Listrik", "Electricity"),
    2: Term("2", "Gas/elpiji", "Gas/LPG"),
    3: Term("3", "Minyak tanah", "Kerosene"),
    4: Term("4", "Kayu bakar/arang", "Firewood/charcoal"),
}
HOUSE_OWNERSHIP: dict[int, Term] = {
    1: Term("1", "Milik sendiri", "Owned"),
    2: Term("2", "Kontrak/sewa", "Rented"),
    3: Term("3", "Bebas sewa", "Rent-free"),
    4: Term("4", "Dinas/lainnya", "Official/other"),
}
EDUCATION: dict[int, Term] = {
    0: Term("0", "Tidak/belum sekolah", "No schooling"),
    1: Term("1", "SD/sederajat", "Primary"),
    2: Term("2", "SMP/sederajat", "Junior secondary"),
    3: Term("3", "SMA/sederajat", "Senior secondary"),
    4: Term("4", "Diploma/S1 ke atas", "Tertiary"),
}
EMPLOYMENT: dict[int, Term] = {
    0: Term("0", "Tidak bekerja", "Not working"),
    1: Term("1", "Pertanian/perikanan", "Agriculture/fishery"),
    2: Term("2", "Buruh/karyawan", "Labourer/employee"),
    3: Term("3", "Berusaha sendiri", "Self-employed"),
    4: Term("4", "Pegawai negeri/TNI/Polri", "Civil servant/military/police"),
}
MARITAL_STATUS: dict[int, Term] = {
    1: Term("1", "Belum kawin", "Never married"),
    2: Term("2", "Kawin", "Married"),
    3: Term("3", "Cerai hidup", "Divorced"),
    4: Term("4", "Cerai mati", "Widowed"),
}

#: The 26 family variables of the questionnaire, as they are stored (columns of ``visit``).
FAMILY_VARIABLES: tuple[str, ...] = (
    "household_size",
    "house_ownership",
    "floor_area_m2",
    "floor_material",
    "wall_material",
    "roof_material",
    "drinking_water",
    "lighting_source",
    "pln_meter_id",
    "electricity_va",
    "cooking_fuel",
    "sanitation",
    "owns_gas_cylinder",
    "owns_refrigerator",
    "owns_air_conditioner",
    "owns_water_heater",
    "owns_television",
    "owns_computer",
    "owns_gold",
    "owns_motorcycle",
    "owns_car",
    "owns_land",
    "livestock_cattle",
    "livestock_goats",
    "livestock_pigs",
    "livestock_poultry",
)

#: The 13 individual variables, stored for the head of the family (``head_*`` columns,
#: plus ``head_relationship`` implied and ``head_nik_status``) and summarised for the
#: other members as counts (``members_*`` columns); see the README's data-model section.
INDIVIDUAL_VARIABLES: tuple[str, ...] = (
    "nik_status",
    "relationship",
    "sex",
    "age",
    "marital_status",
    "education",
    "school_participation",
    "employment",
    "occupation_sector",
    "owns_business",
    "disability",
    "chronic_illness",
    "health_insurance",
)

#: Asset ownership columns: "livestock without any asset" is checked against these.
ASSET_COLUMNS: tuple[str, ...] = tuple(v for v in FAMILY_VARIABLES if v.startswith("owns_"))
LIVESTOCK_COLUMNS: tuple[str, ...] = tuple(v for v in FAMILY_VARIABLES if v.startswith("livestock_"))

#: Time zone offset (hours from UTC) of each province: WIB +7, WITA +8, WIT +9.
#: Visit hours are simulated (and will be checked) in local time.
PROVINCE_UTC_OFFSET_HOURS: dict[str, int] = {
    **{code: 7 for code in ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
                            "31", "32", "33", "34", "35", "36", "61", "62")},
    **{code: 8 for code in ("51", "52", "53", "63", "64", "65",
                            "71", "72", "73", "74", "75", "76")},
    **{code: 9 for code in ("81", "82", "91", "92", "93", "94", "95", "96")},
}
