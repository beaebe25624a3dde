"""The database schema of the ground check (SQLAlchemy 2.x, identical on SQLite and PostgreSQL).

Conventions that hold for every table:
- Timestamps are naive UTC (``DateTime`` without time zone). SQLite has no time-zone type,
  and one rule for both engines keeps queries identical; pages show WIB (the NSCC's time), the
  simulator places visits in each province's local hours.
- Region codes are Kemendagri codes as strings with their dots (``"32"``, ``"32.01"``,
  ``"32.01.01"``, ``"32.01.01.2001"``), never numbers.
- ``target`` and ``visit`` repeat the region codes of their desa (province, regency,
  district). The hierarchy never changes during a round, and rollups by province or
  kabupaten/kota over millions of rows must not join through the village table.
- No family or person is identified anywhere: a target has a pseudonymous code, and the
  answers hold no NIK, name or address. Facilitators and coordinators are staff and
  carry (synthetic) names.

The schema is created and upgraded by Alembic (``dashboard/store/migrations``); a test checks
that these models and the migrations agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import DateTime as _DateTime
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dashboard.store.checks import CHECKS

#: Deterministic constraint names, so that Alembic batch migrations on SQLite can
#: refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class _LenientSqliteDateTime(sqlite.DATETIME):
    """SQLite stores timestamps as text, so a row written by another tool may hold text that
    is no timestamp at all ("kemarin", "24/11/2026"). SQLAlchemy would raise on reading it,
    and one such row would take every page that reads the column down; read as NULL instead
    (the rollups count such a visit as excluded: ``dashboard.store.rollups``). PostgreSQL
    refuses such a value on write."""

    def result_processor(self, dialect, coltype):
        strict = super().result_processor(dialect, coltype)
        if strict is None:
            return None

        def process(value):
            try:
                return strict(value)
            except (ValueError, TypeError):
                return None

        return process


#: Every timestamp column: ``DateTime`` (naive UTC), lenient on SQLite (above).
DateTime = _DateTime().with_variant(_LenientSqliteDateTime(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _checks(table: str) -> tuple[CheckConstraint, ...]:
    """The ``CHECK`` constraints of ``table`` (``dashboard.store.checks``), named
    ``ck_<table>_<name>``."""
    return tuple(CheckConstraint(condition, name=name) for name, condition in CHECKS[table].items())


# --- Region reference (idn-area-data, ODbL; counts from the BPS briefing) ----------------


class Province(Base):
    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    #: Pendamping PKH in the province (BPS briefing, 25 Feb 2025).
    facilitator_count: Mapped[int] = mapped_column(Integer)
    #: National instructors (Innas) who trained them (same source).
    instructor_count: Mapped[int] = mapped_column(Integer)
    utc_offset_hours: Mapped[int] = mapped_column(SmallInteger)


class Regency(Base):
    """A kabupaten or kota."""

    __tablename__ = "regency"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    village_count: Mapped[int] = mapped_column(Integer)


class District(Base):
    """A kecamatan."""

    __tablename__ = "district"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    village_count: Mapped[int] = mapped_column(Integer)


class Village(Base):
    """A desa or kelurahan (no geometry is available at this level)."""

    __tablename__ = "village"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), index=True)
    name: Mapped[str] = mapped_column(String(80))


# --- People and the round ----------------------------------------------------------------


class Coordinator(Base):
    """A facilitators' coordinator in a kabupaten/kota (staff)."""

    __tablename__ = "coordinator"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)


class Facilitator(Base):
    """A Pendamping PKH (staff: id and name may be shown to users whose area covers them)."""

    __tablename__ = "facilitator"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    coordinator_id: Mapped[str | None] = mapped_column(ForeignKey("coordinator.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = _checks("facilitator")


class FacilitatorDistrict(Base):
    """The kecamatan a facilitator covers (one or more, all in their kabupaten/kota)."""

    __tablename__ = "facilitator_district"

    facilitator_id: Mapped[str] = mapped_column(ForeignKey("facilitator.id"), primary_key=True)
    district_code: Mapped[str] = mapped_column(
        ForeignKey("district.code"), primary_key=True, index=True
    )


class Round(Base):
    """A round (putaran) of the ground check."""

    __tablename__ = "round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[dt.date] = mapped_column(Date)
    #: The deadline set when the round was launched (it may slip; work goes on after it).
    deadline: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: Parameters of the simulated round (seed, sizes, rates), so that ``--live`` can go
    #: on where the first run stopped. NULL for a real round.
    simulation: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    #: The simulated clock: data up to this moment has been written.
    simulated_until: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = _checks("round")


# --- Targets, visits and their history ----------------------------------------------------


class Target(Base):
    """One family (or one individual, for an inactive NIK) to verify in the field."""

    __tablename__ = "target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: Pseudonymous code shown on screen, e.g. ``T1-000012345``: never NIK-like.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    category: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    district_code: Mapped[str] = mapped_column(String(8))
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"))
    facilitator_id: Mapped[str] = mapped_column(ForeignKey("facilitator.id"))
    #: Welfare decile (desil 1-10) in DTSEN before the ground check.
    desil_before: Mapped[int] = mapped_column(SmallInteger)
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_target_round_province_category", "round_id", "province_code", "category"),
        Index("ix_target_round_regency", "round_id", "regency_code"),
        Index("ix_target_facilitator", "facilitator_id"),
        *_checks("target"),
    )


class Visit(Base):
    """The field visit of a target and its submission, one row per started target.

    A return and resubmission change this row (status, timestamps, answers); the history
    of every status change is in ``visit_event``. The 26 family variables are typed
    columns; the 13 individual variables are stored for the head of the family and
    summarised as counts for the other members (see ``dashboard.vocabulary``).
    """

    __tablename__ = "visit"

    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), primary_key=True, autoincrement=False)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    facilitator_id: Mapped[str] = mapped_column(ForeignKey("facilitator.id"))
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    category: Mapped[str] = mapped_column(String(20))

    status: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Time of the latest review (approval or return).
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Time of the first review, and of the first return if there was one: what return
    #: rates and "approved at first review" count, kept so rollups need no event scan.
    first_reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    first_returned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    return_count: Mapped[int] = mapped_column(SmallInteger, default=0)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)

    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    gps_accuracy_m: Mapped[float | None] = mapped_column(Float)
    photo_house_front: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_house_inside: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_family_card: Mapped[bool] = mapped_column(Boolean, default=False)

    # Head of the family (individual variables).
    head_nik_status: Mapped[int | None] = mapped_column(SmallInteger)
    head_sex: Mapped[int | None] = mapped_column(SmallInteger)
    head_age: Mapped[int | None] = mapped_column(SmallInteger)
    head_marital_status: Mapped[int | None] = mapped_column(SmallInteger)
    head_education: Mapped[int | None] = mapped_column(SmallInteger)
    head_employment: Mapped[int | None] = mapped_column(SmallInteger)
    head_owns_business: Mapped[bool | None] = mapped_column(Boolean)
    head_disability: Mapped[bool | None] = mapped_column(Boolean)
    head_chronic_illness: Mapped[bool | None] = mapped_column(Boolean)
    head_health_insurance: Mapped[bool | None] = mapped_column(Boolean)
    # Other members, summarised.
    members_working: Mapped[int | None] = mapped_column(SmallInteger)
    members_school_age_not_in_school: Mapped[int | None] = mapped_column(SmallInteger)
    members_disability: Mapped[int | None] = mapped_column(SmallInteger)
    members_chronic_illness: Mapped[int | None] = mapped_column(SmallInteger)

    # The 26 family variables.
    household_size: Mapped[int | None] = mapped_column(SmallInteger)
    house_ownership: Mapped[int | None] = mapped_column(SmallInteger)
    floor_area_m2: Mapped[int | None] = mapped_column(SmallInteger)
    floor_material: Mapped[int | None] = mapped_column(SmallInteger)
    wall_material: Mapped[int | None] = mapped_column(SmallInteger)
    roof_material: Mapped[int | None] = mapped_column(SmallInteger)
    drinking_water: Mapped[int | None] = mapped_column(SmallInteger)
    lighting_source: Mapped[int | None] = mapped_column(SmallInteger)
    #: PLN customer id (ID pelanggan, 12 digits) as typed by the facilitator.
    pln_meter_id: Mapped[str | None] = mapped_column(String(20))
    electricity_va: Mapped[int | None] = mapped_column(Integer)
    cooking_fuel: Mapped[int | None] = mapped_column(SmallInteger)
    sanitation: Mapped[int | None] = mapped_column(SmallInteger)
    owns_gas_cylinder: Mapped[bool | None] = mapped_column(Boolean)
    owns_refrigerator: Mapped[bool | None] = mapped_column(Boolean)
    owns_air_conditioner: Mapped[bool | None] = mapped_column(Boolean)
    owns_water_heater: Mapped[bool | None] = mapped_column(Boolean)
    owns_television: Mapped[bool | None] = mapped_column(Boolean)
    owns_computer: Mapped[bool | None] = mapped_column(Boolean)
    owns_gold: Mapped[bool | None] = mapped_column(Boolean)
    owns_motorcycle: Mapped[bool | None] = mapped_column(Boolean)
    owns_car: Mapped[bool | None] = mapped_column(Boolean)
    owns_land: Mapped[bool | None] = mapped_column(Boolean)
    livestock_cattle: Mapped[int | None] = mapped_column(SmallInteger)
    livestock_goats: Mapped[int | None] = mapped_column(SmallInteger)
    livestock_pigs: Mapped[int | None] = mapped_column(SmallInteger)
    livestock_poultry: Mapped[int | None] = mapped_column(SmallInteger)

    #: When this row was last written (on the data's clock): the rollup refresh recomputes
    #: every day a row written since the previous refresh touches, however late it synced.
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    #: When the field application last changed the visit (ingested data; NULL when
    #: simulated): a version with a later ``modified_at`` replaces this row, an older one not.
    modified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    #: Welfare decile after BPS re-ranked the family from the verified answers.
    desil_after: Mapped[int | None] = mapped_column(SmallInteger)
    reranked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_visit_round_province_status", "round_id", "province_code", "status"),
        Index("ix_visit_round_regency_status", "round_id", "regency_code", "status"),
        Index("ix_visit_facilitator_started", "facilitator_id", "started_at"),
        Index("ix_visit_submitted_at", "submitted_at"),
        Index("ix_visit_started_at", "started_at"),
        Index("ix_visit_first_reviewed_at", "first_reviewed_at"),
        Index("ix_visit_first_returned_at", "first_returned_at"),
        Index("ix_visit_approved_at", "approved_at"),
        Index("ix_visit_updated_at", "updated_at"),
        Index("ix_visit_reranked_at", "reranked_at"),
        # The quality rules that compare visits look up the others with the same value
        # (not led by round_id, which a planner would take for any query of the round).
        Index("ix_visit_pln_meter_id", "pln_meter_id"),
        Index("ix_visit_gps_lat", "gps_lat"),
        *_checks("visit"),
    )


class IngestQuarantine(Base):
    """A row the loader refused: where it came from and why, never what it held (it may be
    anything, a personal field included). The natural id names it to whoever must fix it."""

    __tablename__ = "ingest_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    #: The file's name or ``api:<user>``.
    source: Mapped[str] = mapped_column(String(200))
    #: Row number within the source (1 = the first record).
    line: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    natural_id: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(500))


class IngestPending(Base):
    """A round the loader changed and has not refreshed yet: written in the same transaction
    as the rows, removed once rollups, flags and scores are refreshed, so that a load killed
    before its refresh is refreshed by the next one."""

    __tablename__ = "ingest_pending"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    #: The earliest day the refresh must recompute (a replaced visit's old times, a round's
    #: old start), besides what the new rows touch; NULL: nothing earlier.
    since_day: Mapped[dt.date | None] = mapped_column(Date)


class IngestBatch(Base):
    """One file (or API request) the loader read: what the data-health section shows as the
    freshness of each source."""

    __tablename__ = "ingest_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    source: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_written: Mapped[int] = mapped_column(Integer)
    rows_quarantined: Mapped[int] = mapped_column(Integer)


class VisitEvent(Base):
    """One status change of a visit: the audit trail of the lifecycle."""

    __tablename__ = "visit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"))
    status: Mapped[str] = mapped_column(String(12))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_visit_event_target", "target_id", "occurred_at"),
        Index("ix_visit_event_occurred_at", "occurred_at"),
        *_checks("visit_event"),
    )


class SimulatedDefect(Base):
    """Ground truth of the quality defects the simulator injected (never shown as a flag).

    One row per defective visit and defect kind; a fabricating facilitator has one row with
    ``kind = 'fabrication'`` and no target.
    """

    __tablename__ = "simulated_defect"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    kind: Mapped[str] = mapped_column(String(24))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("target.id"), index=True)
    facilitator_id: Mapped[str] = mapped_column(ForeignKey("facilitator.id"), index=True)
    detail: Mapped[str | None] = mapped_column(Text)


# --- Training (BPS trains the national instructors, who train the facilitators) -----------


class Instructor(Base):
    """A national instructor (Innas): BPS staff of a province or kabupaten/kota office who
    teaches facilitators after their own training (staff: may be named, like facilitators)."""

    __tablename__ = "instructor"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)


class TrainingClass(Base):
    """One class (a Zoom link, 20-40 participants): of instructors (taught by BPS RI, no
    province) or of facilitators (taught by instructors of the province; a make-up class for
    those who missed theirs may gather several provinces, ``province_code`` NULL)."""

    __tablename__ = "training_class"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    #: ``instructor`` or ``facilitator``.
    kind: Mapped[str] = mapped_column(String(12))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    #: The day it was held (WIB).
    held_on: Mapped[dt.date] = mapped_column(Date)
    #: A make-up class, for those who missed theirs: its participants are trained late.
    make_up: Mapped[bool] = mapped_column(Boolean, server_default=text("false"), nullable=False)

    __table_args__ = (CheckConstraint("kind IN ('instructor', 'facilitator')", name="kind"),)


class TrainingClassInstructor(Base):
    """Who taught a facilitator class."""

    __tablename__ = "training_class_instructor"

    class_id: Mapped[str] = mapped_column(ForeignKey("training_class.id"), primary_key=True)
    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructor.id"), primary_key=True, index=True)


class TrainingAttendance(Base):
    """One participant of a class (a facilitator or an instructor): present or absent, and
    the pre- and post-test scores (0-100) of those present."""

    __tablename__ = "training_attendance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    class_id: Mapped[str] = mapped_column(ForeignKey("training_class.id"), index=True)
    facilitator_id: Mapped[str | None] = mapped_column(ForeignKey("facilitator.id"), index=True)
    instructor_id: Mapped[str | None] = mapped_column(ForeignKey("instructor.id"), index=True)
    attended: Mapped[bool] = mapped_column(Boolean)
    pre_score: Mapped[int | None] = mapped_column(SmallInteger)
    post_score: Mapped[int | None] = mapped_column(SmallInteger)

    __table_args__ = (
        CheckConstraint("(facilitator_id IS NULL) <> (instructor_id IS NULL)", name="one_participant"),
        CheckConstraint("pre_score IS NULL OR (pre_score >= 0 AND pre_score <= 100)", name="pre_score"),
        CheckConstraint("post_score IS NULL OR (post_score >= 0 AND post_score <= 100)", name="post_score"),
        UniqueConstraint("class_id", "facilitator_id", name="uq_training_attendance_class_facilitator"),
        UniqueConstraint("class_id", "instructor_id", name="uq_training_attendance_class_instructor"),
    )


# --- Rollups (maintained by ``dashboard.store.rollups``; pages read these, not the raw rows) ---
# Days are calendar days in WIB (UTC+7), the time of the national command centre.


class RollupRegencyDay(Base):
    """What happened per kabupaten/kota, target category and day: the counts of visits
    started, first submitted, first reviewed, first returned and approved that day, and of
    first submissions by outcome."""

    __tablename__ = "rollup_regency_day"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    started: Mapped[int] = mapped_column(Integer, default=0)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    reviewed: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)
    outcome_found_verified: Mapped[int] = mapped_column(Integer, default=0)
    outcome_moved: Mapped[int] = mapped_column(Integer, default=0)
    outcome_deceased: Mapped[int] = mapped_column(Integer, default=0)
    outcome_not_found: Mapped[int] = mapped_column(Integer, default=0)
    outcome_refused: Mapped[int] = mapped_column(Integer, default=0)
    outcome_nik_confirmed: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_rollup_regency_day_province_day", "round_id", "province_code", "day"),)


class RollupFacilitatorDay(Base):
    """What each facilitator did per day (the facilitator tables and activity read this)."""

    __tablename__ = "rollup_facilitator_day"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    facilitator_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5))
    province_code: Mapped[str] = mapped_column(String(2))
    started: Mapped[int] = mapped_column(Integer, default=0)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_rollup_facilitator_day_regency_day", "round_id", "regency_code", "day"),)


class RollupRegencyActivity(Base):
    """Facilitators of a kabupaten/kota who visited at least one target that day, and in
    the 7 days ending that day. Facilitators belong to one kabupaten/kota, so these counts
    add up exactly to provinces and the nation (distinct counts would not)."""

    __tablename__ = "rollup_regency_activity"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    active_1d: Mapped[int] = mapped_column(Integer, default=0)
    active_7d: Mapped[int] = mapped_column(Integer, default=0)


class RollupExcludedVisits(Base):
    """Visits left out of every figure (``dashboard.store.rollups.countable``), per day,
    kabupaten/kota and reason: what the pages' "n visits not counted" and the admins'
    data-health page show. The day is that of the visit's first readable event, kept inside
    the days the refresh recomputed (or that refresh's last day when no event is readable);
    maintained like the other rollups."""

    __tablename__ = "rollup_excluded_visits"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    reason: Mapped[str] = mapped_column(String(24), primary_key=True)
    #: As the visit row says (for ``inconsistent_region`` not the kabupaten/kota's province).
    province_code: Mapped[str] = mapped_column(String(2))
    visits: Mapped[int] = mapped_column(Integer)


class RollupRerankDay(Base):
    """Families re-ranked per kabupaten/kota, target category and day (WIB), by their desil
    before the ground check and after BPS re-ranked them: the findings (confirmed inclusion
    and exclusion errors, families leaving or entering a programme's desil range) and the
    transition matrix are sums over these rows, whatever the programmes' cut-offs are set to."""

    __tablename__ = "rollup_rerank_day"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    desil_before: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    desil_after: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    reranked: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_rollup_rerank_day_round_day", "round_id", "day"),)


class RollupRegencyTargets(Base):
    """Targets per kabupaten/kota and category (they are assigned at the start)."""

    __tablename__ = "rollup_regency_targets"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    targets: Mapped[int] = mapped_column(Integer)


class RollupState(Base):
    """How far the rollups of a round are: data up to ``data_until`` is in them."""

    __tablename__ = "rollup_state"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    #: Newest moment of data the rollups include (the "data as of" shown on screen).
    data_until: Mapped[dt.datetime] = mapped_column(DateTime)
    refreshed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: Increases with every refresh: pages skip work when it did not change.
    version: Mapped[int] = mapped_column(Integer)
    #: Whether the rollups include the re-ranking rollup (``rollup_rerank_day``): false for
    #: rollups built before migration 0011, which the next refresh rebuilds whole.
    reranks_counted: Mapped[bool] = mapped_column(Boolean, server_default=text("false"), nullable=False)
    #: The newest ``visit.updated_at`` folded into the waiting cases (``waiting_case``,
    #: ``rollup_waiting``); NULL: not built yet (the next refresh builds them whole).
    waiting_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: The newest ``visit.updated_at`` folded into the rollups by difference
    #: (``rollup_visit``); NULL: not kept yet (the next refresh rebuilds the round once).
    counted_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


#: Exclusion reasons that the clock can lift or move (an event after the newest data; a
#: visit without one readable moment, counted on the newest day): every refresh looks at
#: the visits left out so again (``dashboard.store.rollups``).
CLOCK_REASONS = "reason IN ('outside_round', 'unreadable_time')"


class RollupVisit(Base):
    """Each visit as the rollups counted it (``dashboard.store.rollups``): its WIB day of
    each event, what it was counted under (facilitator, region, category, outcome, desils),
    or why it was left out and on which day. A batch is folded in by difference: the rows
    of its visits are subtracted from the rollups as they were counted, here, and added as
    they are now, so a refresh costs what the batch changed, not the days it touched
    (4.5M visits re-read per refresh at 20M targets). One row per target (a visit is
    rewritten whole, under its target)."""

    __tablename__ = "rollup_visit"

    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), primary_key=True, autoincrement=False)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    facilitator_id: Mapped[str] = mapped_column(String(16))
    regency_code: Mapped[str] = mapped_column(String(5))
    province_code: Mapped[str] = mapped_column(String(2))
    category: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    desil_before: Mapped[int | None] = mapped_column(SmallInteger)
    desil_after: Mapped[int | None] = mapped_column(SmallInteger)
    started: Mapped[dt.date | None] = mapped_column(Date)
    submitted: Mapped[dt.date | None] = mapped_column(Date)
    reviewed: Mapped[dt.date | None] = mapped_column(Date)
    returned: Mapped[dt.date | None] = mapped_column(Date)
    approved: Mapped[dt.date | None] = mapped_column(Date)
    reranked: Mapped[dt.date | None] = mapped_column(Date)
    #: Why it is left out (``rollups.EXCLUSION_REASONS``; ``invalid_rerank``: its
    #: re-ranking only) and the day it is counted as left out on.
    reason: Mapped[str | None] = mapped_column(String(24))
    excluded_day: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_rollup_visit_clock", "round_id", postgresql_where=text(CLOCK_REASONS), sqlite_where=text(CLOCK_REASONS)),
    )


#: The open statuses of ``dashboard.store.waiting.STATUS_CODES``, as the partial indexes'
#: condition (the queries that use them repeat it word for word: SQLite matches it so).
OPEN_CASES = "status IN ('assigned', 'started', 'submitted', 'returned', 'approved')"


class WaitingCase(Base):
    """Each target's status as of the newest data (``dashboard.store.waiting``): one of the
    open statuses of ``dashboard.figures.waiting`` with the moment it entered it
    (``since``), or ``done``; ``uncounted`` for a target whose visit the rollups leave out
    and ``later`` for one assigned after the newest data (both looked at again by every
    refresh). What a batch of visits changes is folded in by difference: the old status of
    each of its targets is read here. Pseudonymous: the target's code, never a family's
    name or NIK."""

    __tablename__ = "waiting_case"

    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), primary_key=True, autoincrement=False)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    target_code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    facilitator_id: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12))
    since: Mapped[dt.datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        # The cases behind a figure, oldest first, of the nation or a province (a province's
        # are found along the nation's) and of a kabupaten/kota; open cases only (a partial
        # index: 12M of 20M targets at 20M, 1.2 GB each once built whole, as rebuilds do).
        Index("ix_waiting_case_status", "round_id", "status", "since", "target_code",
              postgresql_where=text(OPEN_CASES), sqlite_where=text(OPEN_CASES)),
        Index("ix_waiting_case_regency", "round_id", "regency_code", "status", "since", "target_code",
              postgresql_where=text(OPEN_CASES), sqlite_where=text(OPEN_CASES)),
    )


class RollupWaiting(Base):
    """Open cases per facilitator, status and WIB day they entered it, as of the newest data:
    what the waiting-cases figures of every scope sum (an age bucket is the day asked for
    minus ``entered_day``). Kept by difference from ``waiting_case``; no row has 0 cases."""

    __tablename__ = "rollup_waiting"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    facilitator_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    entered_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_rollup_waiting_regency", "round_id", "regency_code"),
        Index("ix_rollup_waiting_province", "round_id", "province_code"),
    )


# --- Quality (maintained by ``dashboard.quality.refresh`` as visits arrive) -----------------


class QualityFlag(Base):
    """A quality rule (``dashboard.quality.rules``) a submitted visit breaks: one row per visit
    and rule. ``day`` is the WIB day of the visit's first submission (figures "as of" a day
    count the flags of visits submitted by then). Rules that compare visits (same point,
    same meter id, too many in a day) store the ``group_key`` that joins the visits they
    compare, so that a new visit re-checks only its groups; ``value`` is the figure behind
    the flag (the duration, the local hour, the size of the group)."""

    __tablename__ = "quality_flag"

    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), primary_key=True)
    rule: Mapped[str] = mapped_column(String(24), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    facilitator_id: Mapped[str] = mapped_column(String(16))
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    category: Mapped[str] = mapped_column(String(20))
    day: Mapped[dt.date] = mapped_column(Date)
    group_key: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)

    # Not led by round_id: with one round in a database a planner would take such an
    # index for any query of the round and scan it all.
    __table_args__ = (
        Index("ix_quality_flag_facilitator_day", "facilitator_id", "day"),
        Index("ix_quality_flag_regency_day", "regency_code", "day"),
        Index("ix_quality_flag_province_day", "province_code", "day"),
        Index("ix_quality_flag_rule_key", "rule", "group_key"),
        # The days a refresh recounts in ``rollup_quality_day``.
        Index("ix_quality_flag_round_day", "round_id", "day"),
    )


class FacilitatorRisk(Base):
    """A facilitator's fabrication-risk signals and score (``dashboard.quality.risk``), from all
    their submitted visits so far (not "as of" a past day); ``score`` is NULL below the
    minimum of interviews."""

    __tablename__ = "facilitator_risk"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    facilitator_id: Mapped[str] = mapped_column(ForeignKey("facilitator.id"), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    interviews: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    #: Score at or above ``RISK_THRESHOLD`` when it was computed (a new threshold takes
    #: effect with ``python -m dashboard.manage rollups``).
    high_risk: Mapped[bool] = mapped_column(Boolean)
    short_share: Mapped[float | None] = mapped_column(Float)
    short_share_peer: Mapped[float | None] = mapped_column(Float)
    short_share_strength: Mapped[float | None] = mapped_column(Float)
    packed_share: Mapped[float | None] = mapped_column(Float)
    packed_share_peer: Mapped[float | None] = mapped_column(Float)
    packed_share_strength: Mapped[float | None] = mapped_column(Float)
    gps_spread_m: Mapped[float | None] = mapped_column(Float)
    gps_spread_m_peer: Mapped[float | None] = mapped_column(Float)
    gps_spread_m_strength: Mapped[float | None] = mapped_column(Float)
    uniformity: Mapped[float | None] = mapped_column(Float)
    uniformity_peer: Mapped[float | None] = mapped_column(Float)
    uniformity_strength: Mapped[float | None] = mapped_column(Float)
    round_share: Mapped[float | None] = mapped_column(Float)
    round_share_peer: Mapped[float | None] = mapped_column(Float)
    round_share_strength: Mapped[float | None] = mapped_column(Float)
    peer_distance: Mapped[float | None] = mapped_column(Float)
    peer_distance_peer: Mapped[float | None] = mapped_column(Float)
    peer_distance_strength: Mapped[float | None] = mapped_column(Float)
    hard_outcome_share: Mapped[float | None] = mapped_column(Float)
    hard_outcome_share_peer: Mapped[float | None] = mapped_column(Float)
    hard_outcome_share_strength: Mapped[float | None] = mapped_column(Float)
    daily_throughput: Mapped[float | None] = mapped_column(Float)
    daily_throughput_peer: Mapped[float | None] = mapped_column(Float)
    daily_throughput_strength: Mapped[float | None] = mapped_column(Float)
    throughput_change: Mapped[float | None] = mapped_column(Float)
    throughput_change_peer: Mapped[float | None] = mapped_column(Float)
    throughput_change_strength: Mapped[float | None] = mapped_column(Float)
    impossible_travel_share: Mapped[float | None] = mapped_column(Float)
    impossible_travel_share_peer: Mapped[float | None] = mapped_column(Float)
    impossible_travel_share_strength: Mapped[float | None] = mapped_column(Float)
    gap_regularity: Mapped[float | None] = mapped_column(Float)
    gap_regularity_peer: Mapped[float | None] = mapped_column(Float)
    gap_regularity_strength: Mapped[float | None] = mapped_column(Float)
    length_size_corr: Mapped[float | None] = mapped_column(Float)
    length_size_corr_peer: Mapped[float | None] = mapped_column(Float)
    length_size_corr_strength: Mapped[float | None] = mapped_column(Float)
    record_agreement: Mapped[float | None] = mapped_column(Float)
    record_agreement_peer: Mapped[float | None] = mapped_column(Float)
    record_agreement_strength: Mapped[float | None] = mapped_column(Float)
    desil_change: Mapped[float | None] = mapped_column(Float)
    desil_change_peer: Mapped[float | None] = mapped_column(Float)
    desil_change_strength: Mapped[float | None] = mapped_column(Float)
    repeated_answers: Mapped[float | None] = mapped_column(Float)
    repeated_answers_peer: Mapped[float | None] = mapped_column(Float)
    repeated_answers_strength: Mapped[float | None] = mapped_column(Float)
    returned_share: Mapped[float | None] = mapped_column(Float)
    returned_share_peer: Mapped[float | None] = mapped_column(Float)
    returned_share_strength: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        Index("ix_facilitator_risk_round_regency", "round_id", "regency_code"),
        Index("ix_facilitator_risk_round_province", "round_id", "province_code"),
    )


class RollupQualityDay(Base):
    """Quality flags per kabupaten/kota, target category and day of submission: the visits
    with any flag and the flags of each rule (rows of ``quality_flag``, counted)."""

    __tablename__ = "rollup_quality_day"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2))
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    flags_short_interview: Mapped[int] = mapped_column(Integer, default=0)
    flags_gps_missing: Mapped[int] = mapped_column(Integer, default=0)
    flags_gps_outside_regency: Mapped[int] = mapped_column(Integer, default=0)
    flags_gps_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    flags_pln_reused: Mapped[int] = mapped_column(Integer, default=0)
    flags_pln_malformed: Mapped[int] = mapped_column(Integer, default=0)
    flags_photo_missing: Mapped[int] = mapped_column(Integer, default=0)
    flags_missing_variables: Mapped[int] = mapped_column(Integer, default=0)
    flags_inconsistent_answers: Mapped[int] = mapped_column(Integer, default=0)
    flags_implausible_hour: Mapped[int] = mapped_column(Integer, default=0)
    flags_too_many_per_day: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_rollup_quality_day_province_day", "round_id", "province_code", "day"),)


class QualityState(Base):
    """How far the stored flags and risk scores of a round are."""

    __tablename__ = "quality_state"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    #: Visits written (``visit.updated_at``) up to this moment have been checked.
    data_until: Mapped[dt.datetime] = mapped_column(DateTime)
    refreshed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    #: The risk scores include the visits written up to this moment ...
    risk_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: ... and were computed then (wall clock).
    risk_scored_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# --- Access (kept by ``dashboard.access``) -------------------------------------------------


class AppUser(Base):
    """A person (or a wall screen's display account) who may sign in. ``role`` is one of
    ``dashboard.access.policy.Role``; the area is in ``user_scope``. ``session_epoch`` is
    carried by every session and remember-me cookie of the account: bumping it (password
    reset, disable) ends them all."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    #: Argon2id hash (``argon2-cffi``), never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Failed sign-ins in a row; at ``LOGIN_LOCKOUT_ATTEMPTS`` the account is locked ...
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    #: ... until then (whatever the password).
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)


class UserScope(Base):
    """A province or kabupaten/kota code of a user's area (none: the nation)."""

    __tablename__ = "user_scope"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(5), primary_key=True)


class ApiToken(Base):
    """An API token of a user: only its SHA-256 is kept; revoked tokens stay for the audit."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """One event of the audit trail (``dashboard.access.audit``): who (name, role and area
    at the time), what (``action`` and ``detail``: a path, a facilitator id; never a
    family's data), the HTTP status, when (UTC) and from where."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_name: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    #: The area in codes (``Access.describe()``): unbounded, a user may hold many codes.
    area: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(String(500))
    status: Mapped[int | None] = mapped_column(Integer)
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_event_user_at", "user_name", "at"),
        Index("ix_audit_event_action_at", "action", "at"),
    )


class Alert(Base):
    """One alert (``dashboard.alerts``): a rule that holds for a subject (a region or a
    facilitator) from ``opened_at`` until ``closed_at`` (NULL while it holds). The writer
    evaluates the rules after each refresh; an alert that still holds is the same row, its
    ``last_seen_at`` and ``details`` (the figures behind it) brought up to date. Times are
    the data's (``rollup_state.data_until``), so a simulated round's alerts fall in its
    days. ``scope_code`` is the area whose users see it: the region itself, or a
    facilitator's kabupaten/kota, or ``ID`` for the whole round."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    rule: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    scope_code: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    details: Mapped[dict] = mapped_column(JSON)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        # At most one open alert of a rule for a subject: a condition that persists is one alert.
        Index("uq_alert_open", "round_id", "rule", "subject", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        Index("ix_alert_round_scope_opened", "round_id", "scope_code", "opened_at"),
    )


class AlertSubscription(Base):
    """Where a user wants their alerts delivered (``dashboard.alerts.delivery``): an e-mail
    address or a webhook (a chat gateway may sit behind it), with the immediate notices of
    severe alerts and/or the daily digest. What a message holds is what the user's area
    shows them, decided when it is composed. ``secret`` signs a webhook's messages (HMAC-SHA256;
    shown once when the subscription is made). Only alerts after ``since_alert_id`` (the
    newest when subscribed) are notified: subscribing does not replay the past. A removed
    subscription is kept inactive, for the record of what was sent to it."""

    __tablename__ = "alert_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(64))
    immediate: Mapped[bool] = mapped_column(Boolean)
    digest: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(2))
    since_alert_id: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AlertDelivery(Base):
    """One message to one subscription, as it was composed (``message``: the subject, the
    text and the JSON body, never a family's data) and what became of it: ``pending`` until
    sent, retried with growing pauses, ``sent`` or ``failed`` (after the last attempt, or
    at once when the receiver refused it for good). ``key`` makes each digest (one per round
    and day) and each notice unique per subscription."""

    __tablename__ = "alert_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscription.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(64))
    message: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        UniqueConstraint("subscription_id", "key", name="uq_alert_delivery_key"),
        Index("ix_alert_delivery_status_next", "status", "next_attempt_at"),
    )


class AlertNotice(Base):
    """An alert that a subscription was told about (in ``delivery_id``): each severe alert is
    notified once per subscription, however often the rules are evaluated."""

    __tablename__ = "alert_notice"

    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscription.id"), primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("alert_delivery.id"))


class RiskReview(Base):
    """A result of the fabrication-risk review queue (``dashboard.quality.review``): a
    supervisor or a BPS reviewer checked a facilitator the score named and found the
    fabrication ``confirmed`` or the facilitator ``cleared``, with an optional note. A
    facilitator reviewed again gets a new row (the history stays): the newest row is their
    current result. ``score_at_review`` is the score when reviewed, so that the precision of
    the queue counts what the queue named then, however the score moved since. The region
    codes are the facilitator's, so that a scope's reviews are read through an index."""

    __tablename__ = "risk_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    facilitator_id: Mapped[str] = mapped_column(ForeignKey("facilitator.id"))
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    result: Mapped[str] = mapped_column(String(9))
    #: Free text of the reviewer (at most 500 characters): shown as plain text to users who
    #: see the facilitator, never in the audit trail (it may name anyone).
    note: Mapped[str | None] = mapped_column(Text)
    score_at_review: Mapped[float] = mapped_column(Float)
    #: The facilitator's interviews when reviewed: a cleared facilitator the score still names
    #: with twice as many is due again (``dashboard.figures.review_queue``).
    interviews_at_review: Mapped[int | None] = mapped_column(Integer)
    reviewed_by: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("result IN ('confirmed', 'cleared')", name="result"),
        CheckConstraint("note IS NULL OR length(note) <= 500", name="note_length"),
        Index("ix_risk_review_round_regency", "round_id", "regency_code"),
        Index("ix_risk_review_round_facilitator", "round_id", "facilitator_id"),
    )
