"""What the database refuses: the vocabularies, ranges, region codes and lifecycle order of
each table, as ``CHECK`` constraints that SQLite and PostgreSQL both enforce.

The ingest contract (``dashboard.ingest.contract``) refuses such rows first, with a reason
per row and a quarantine; these constraints are the last line for every other writer (a
script, another tool, a hand-written ``UPDATE``). The bounds are defined here once and the
contract imports them.

A ``CHECK`` sees one row, so the database does not refuse everything the contract and the
loader refuse: not a time outside the round or in the future (another table, the clock), not
a visit whose region codes or category differ from its target's (another table), not a
``modified_at`` before the visit's own times (a version the loader compares), and on SQLite
not text that is no timestamp at all (SQLite stores any text in any column; PostgreSQL
refuses it by type). The rollups leave out of every figure the visits they cannot count
(``dashboard.store.rollups.countable``: five reasons, among them a time outside the round).

Times compare as text on SQLite (it has no time type): every writer of this product writes
them in SQLAlchemy's one format (``YYYY-MM-DD HH:MM:SS.ffffff``); another tool must write
that format too, or two equal times may compare as unequal.

Rows written before these constraints existed stay (migration ``0008``: PostgreSQL keeps
them with the constraint ``NOT VALID``, SQLite copies them unchecked). The rollups leave
out those they cannot count; others (an answer out of range, say) are counted as they are,
and such a row cannot be changed until it is corrected (a write checks the whole row).
"""

from __future__ import annotations

from dashboard.vocabulary import TARGET_CATEGORY_TERMS, VISIT_OUTCOME_TERMS, VISIT_STATUS_TERMS

#: First and last year of any date of a round (arithmetic on dates outside fails, and no
#: round of this programme lies there).
YEARS = (2020, 2100)
#: Largest plausible value of the answers that are counts or measures (a code of a
#: categorical answer: at most ``MAX_ANSWER_CODE``). The quality rules judge the
#: implausible within them.
ANSWER_MAXIMA = {
    "head_age": 120, "household_size": 40, "floor_area_m2": 5_000, "livestock_cattle": 1_000, "livestock_goats": 1_000,
    "livestock_pigs": 1_000, "livestock_poultry": 10_000, "members_working": 40, "members_school_age_not_in_school": 40,
    "members_disability": 40, "members_chronic_illness": 40,
}
MAX_ANSWER_CODE = 99
#: Answers that are integers but neither a code nor a count with a maximum above.
OPEN_INTEGER_ANSWERS = ("electricity_va",)
#: Longest interview any rule or person would accept (a day): longer is a broken clock.
MAX_DURATION_SECONDS = 86_400
#: Most returns of one visit anyone would accept.
MAX_RETURNS = 100
#: Worst GPS accuracy kept (metres): beyond it a position says nothing.
MAX_GPS_ACCURACY_M = 100_000
#: Indonesia with a margin (the outside-the-regency rule judges the rest).
LATITUDE = (-11.5, 6.5)
LONGITUDE = (94.0, 141.5)
DESIL = (1, 10)
#: Statuses a visit row may have (a target without a visit is "assigned"; it has no row).
VISIT_ROW_STATUSES = tuple(s for s in VISIT_STATUS_TERMS if s != "assigned")
#: The visit's answers that are small integers (codes and counts), in table order.
SMALL_INTEGER_ANSWERS = (
    "head_nik_status", "head_sex", "head_age", "head_marital_status", "head_education", "head_employment",
    "members_working", "members_school_age_not_in_school", "members_disability", "members_chronic_illness",
    "household_size", "house_ownership", "floor_area_m2", "floor_material", "wall_material", "roof_material",
    "drinking_water", "lighting_source", "cooking_fuel", "sanitation",
    "livestock_cattle", "livestock_goats", "livestock_pigs", "livestock_poultry",
)


def answer_maximum(column: str) -> int:
    """Largest value the small-integer answer ``column`` may take."""
    return ANSWER_MAXIMA.get(column, MAX_ANSWER_CODE)


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _between(column: str, low, high) -> str:
    return f"{column} BETWEEN {low} AND {high}"


def _both_or_neither(first: str, second: str) -> str:
    return f"({first} IS NULL AND {second} IS NULL) OR ({first} IS NOT NULL AND {second} IS NOT NULL)"


def _in_years(column: str) -> str:
    return f"{column} >= '{YEARS[0]}-01-01' AND {column} < '{YEARS[1] + 1}-01-01'"


def _lies_in(inner: str, outer: str) -> str:
    """A region code begins with the code of the region it lies in and a dot (``32.01`` in ``32``)."""
    return f"substr({inner}, 1, length({outer}) + 1) = {outer} || '.'"


def _after_submission(column: str) -> str:
    return f"{column} IS NULL OR (submitted_at IS NOT NULL AND {column} >= submitted_at)"


#: ``{table: {constraint name: SQL condition}}``; the constraint is ``ck_<table>_<name>``.
CHECKS: dict[str, dict[str, str]] = {
    "round": {
        "deadline_not_before_start": "deadline >= start_date",
        "start_in_years": _in_years("start_date") + " AND " + _in_years("deadline"),
    },
    "facilitator": {"regency_in_province": _lies_in("regency_code", "province_code")},
    "target": {
        "category": _one_of("category", TARGET_CATEGORY_TERMS),
        "desil_before": _between("desil_before", *DESIL),
        "regency_in_province": _lies_in("regency_code", "province_code"),
        "district_in_regency": _lies_in("district_code", "regency_code"),
        "village_in_district": _lies_in("village_code", "district_code"),
    },
    "visit": {
        "status": _one_of("status", VISIT_ROW_STATUSES),
        "outcome": "outcome IS NULL OR " + _one_of("outcome", VISIT_OUTCOME_TERMS),
        "category": _one_of("category", TARGET_CATEGORY_TERMS),
        "regency_in_province": _lies_in("regency_code", "province_code"),
        "started_in_years": _in_years("started_at"),
        "submitted_after_start": "submitted_at IS NULL OR submitted_at >= started_at",
        "status_matches_submission": "(status = 'started' AND submitted_at IS NULL) OR (status <> 'started' AND submitted_at IS NOT NULL)",
        "outcome_with_submission": _both_or_neither("submitted_at", "outcome"),
        "reviewed_after_submission": _after_submission("reviewed_at"),
        "first_reviewed_after_submission": _after_submission("first_reviewed_at"),
        "reviewed_after_first_review": "reviewed_at IS NULL OR first_reviewed_at IS NULL OR reviewed_at >= first_reviewed_at",
        "returned_with_first_return": "status NOT IN ('returned', 'resubmitted') OR first_returned_at IS NOT NULL",
        "first_returned_after_first_review": "first_returned_at IS NULL OR (first_reviewed_at IS NOT NULL AND first_returned_at >= first_reviewed_at)",
        "approved_after_submission": _after_submission("approved_at"),
        "approved_only_when_approved": "(status = 'approved' AND approved_at IS NOT NULL AND first_reviewed_at IS NOT NULL) OR (status <> 'approved' AND approved_at IS NULL)",
        "returns_counted": "(return_count = 0 AND first_returned_at IS NULL) OR (return_count > 0 AND first_returned_at IS NOT NULL)",
        "return_count": _between("return_count", 0, MAX_RETURNS),
        "duration_seconds": _between("duration_seconds", 0, MAX_DURATION_SECONDS),
        "gps_pair": _both_or_neither("gps_lat", "gps_lon"),
        "gps_lat": _between("gps_lat", *LATITUDE),
        "gps_lon": _between("gps_lon", *LONGITUDE),
        "gps_accuracy_m": _between("gps_accuracy_m", 0, MAX_GPS_ACCURACY_M),
        "desil_after": _between("desil_after", *DESIL),
        "reranked_with_submission": "(desil_after IS NULL AND reranked_at IS NULL) OR submitted_at IS NOT NULL",
        **{column: _between(column, 0, answer_maximum(column)) for column in SMALL_INTEGER_ANSWERS},
        **{column: f"{column} >= 0" for column in OPEN_INTEGER_ANSWERS},
    },
    "visit_event": {
        "status": _one_of("status", VISIT_STATUS_TERMS),
    },
}


def constraint_name(table: str, name: str) -> str:
    """The constraint's name in the database (the models' naming convention)."""
    return f"ck_{table}_{name}"


__all__ = [
    "ANSWER_MAXIMA", "CHECKS", "DESIL", "LATITUDE", "LONGITUDE", "MAX_ANSWER_CODE", "MAX_DURATION_SECONDS",
    "MAX_GPS_ACCURACY_M", "MAX_RETURNS", "OPEN_INTEGER_ANSWERS", "SMALL_INTEGER_ANSWERS", "VISIT_ROW_STATUSES", "YEARS",
    "answer_maximum", "constraint_name",
]
