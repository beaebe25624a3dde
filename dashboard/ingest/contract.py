"""The exchange format of the ground check's field data, version ``CONTRACT_VERSION``.

Eight kinds of record, one kind per file (CSV, JSON Lines or Parquet; the kind is named by
the file, e.g. ``visits-2026-11-24.jsonl``, or given with ``--kind``), each identified by
its **natural id**, so that loading a file twice changes nothing:

=============  ===============================  ==========================================
kind           natural id                       what
=============  ===============================  ==========================================
``rounds``     ``id``                           a round: name, start, deadline
``facilitators`` ``id``                         a Pendamping PKH (staff), their kabupaten/kota, kecamatan and coordinator
``targets``    ``code``                         a family (pseudonymous code) to verify, its desa, facilitator, category
``visits``     ``target_code``                  the visit of a target: lifecycle times, paradata, answers;
                                                a later ``modified_at`` replaces an earlier version
``status_events`` ``target_code, status, occurred_at``  one status change of a visit
``instructors`` ``id``                          a national instructor (Innas, BPS staff) and their province
``training_classes`` ``id``                     a class of instructors or facilitators: round, day, province, who taught it
``training_attendance`` ``class_id, facilitator_id | instructor_id``  one participant: present or absent, pre- and post-test
=============  ===============================  ==========================================

No record holds a NIK, a name or an address of a family or person: a target is known by
its pseudonymous code and its desa code; facilitators and coordinators are staff.

Each record is checked here for what it says on its own (types, vocabularies, ranges, the
order of its times); what needs the database (codes that exist, a target's round) is
checked by the loader. The JSON Schema of every kind is :func:`json_schema` (served at
``/api/v1/ingest/schema``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator
from sqlalchemy import Boolean, Float, Integer, SmallInteger, String

from dashboard.store import models
from dashboard.store.checks import (
    DESIL,
    LATITUDE,
    LONGITUDE,
    MAX_DURATION_SECONDS,
    MAX_GPS_ACCURACY_M,
    MAX_RETURNS,
    VISIT_ROW_STATUSES,
    YEARS,
    answer_maximum,
)
from dashboard.vocabulary import TARGET_CATEGORY_TERMS, VISIT_OUTCOME_TERMS, VISIT_STATUS_TERMS

CONTRACT_VERSION = "1.1"
KINDS = ("rounds", "facilitators", "targets", "visits", "status_events", "instructors", "training_classes", "training_attendance")

RegionCode = Annotated[str, Field(pattern=r"^\d{2}\.\d{2}$", description="kabupaten/kota code, e.g. 35.77")]
DistrictCode = Annotated[str, Field(pattern=r"^\d{2}\.\d{2}\.\d{2}$")]
VillageCode = Annotated[str, Field(pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")]
StaffId = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,16}$")]
TargetCode = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,19}$", description="pseudonymous, begins with a letter: never a NIK")]
Moment = Annotated[dt.datetime, Field(description="UTC; ISO 8601 (a time zone is converted to UTC)")]

_ID_FORM = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,19}")


def _listed(value: Any) -> Any:
    """A list field as CSV gives it (``a;b;c``), as JSON does (a list), or absent (none)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return list(value) if not isinstance(value, list) else value


class Record(BaseModel):
    """What every record shares: unknown fields are refused (a typo must not pass as absent)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_fields(cls, data: Any) -> Any:
        """Unknown fields are refused without naming them: a header may be anything, a
        family's name or NIK included (a CSV without its header row)."""
        if isinstance(data, dict):
            unknown = [key for key in data if key not in cls.model_fields]
            if unknown:
                raise ValueError(f"{len(unknown)} field(s) the contract does not have (version {CONTRACT_VERSION})")
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text with a NUL character")
        return None if isinstance(value, str) and value.strip() == "" else value

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    @classmethod
    def natural_id(cls, row: dict) -> str | None:
        """The row's id for the quarantine, only if it has the form of one (else it might be
        anything a misaligned column put there)."""
        value = row.get(cls.id_field)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value if isinstance(value, str) and _ID_FORM.fullmatch(value) else None

    id_field: ClassVar[str] = "id"


class RoundRecord(Record):
    id: int = Field(ge=1, lt=2**31)
    name: str = Field(min_length=1, max_length=120)
    start_date: dt.date
    deadline: dt.date

    @model_validator(mode="after")
    def _deadline_after_start(self):
        if self.deadline < self.start_date:
            raise ValueError("deadline before start_date")
        if not (YEARS[0] <= self.start_date.year and self.deadline.year <= YEARS[1]):
            raise ValueError(f"dates outside {YEARS[0]}-{YEARS[1]}")
        if (self.deadline - self.start_date).days > 366:
            raise ValueError("a round of more than a year")
        return self


class FacilitatorRecord(Record):
    id: StaffId
    name: str = Field(min_length=1, max_length=80)
    regency_code: RegionCode
    district_codes: list[DistrictCode] = Field(default_factory=list, description="kecamatan covered (CSV: separated by ';')")
    coordinator_id: StaffId | None = None
    coordinator_name: str | None = Field(default=None, max_length=80)
    active: bool = True

    @field_validator("district_codes", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _listed(value)

    @model_validator(mode="after")
    def _districts_in_regency(self):
        outside = [d for d in self.district_codes if not d.startswith(self.regency_code + ".")]
        if outside:
            raise ValueError(f"kecamatan outside {self.regency_code}: {', '.join(outside[:3])}")
        if self.coordinator_id and not self.coordinator_name:
            raise ValueError("coordinator_id without coordinator_name")
        return self


class TargetRecord(Record):
    id_field: ClassVar[str] = "code"
    code: TargetCode
    round_id: int = Field(ge=1, lt=2**31)
    category: Literal[tuple(TARGET_CATEGORY_TERMS)]  # type: ignore[valid-type]
    village_code: VillageCode
    facilitator_id: StaffId
    desil_before: int = Field(ge=DESIL[0], le=DESIL[1])
    assigned_at: Moment


def _answer_fields() -> dict[str, tuple]:
    """The visit's answers and paradata, typed after the ``visit`` table (one definition)."""
    skip = {
        "target_id", "round_id", "facilitator_id", "province_code", "regency_code", "category", "status", "outcome",
        "started_at", "submitted_at", "reviewed_at", "first_reviewed_at", "first_returned_at", "approved_at",
        "return_count", "duration_seconds", "gps_lat", "gps_lon", "gps_accuracy_m", "updated_at", "desil_after",
        "reranked_at", "modified_at",
    }
    fields: dict[str, tuple] = {}
    for column in models.Visit.__table__.columns:
        if column.name in skip:
            continue
        kind = column.type
        if isinstance(kind, Boolean):
            annotation: Any = bool
            default = False if not column.nullable else None
            fields[column.name] = (annotation if not column.nullable else annotation | None, default)
        elif isinstance(kind, SmallInteger):
            fields[column.name] = (Annotated[int, Field(ge=0, le=answer_maximum(column.name))] | None, None)
        elif isinstance(kind, Integer):
            fields[column.name] = (Annotated[int, Field(ge=0, lt=2**31)] | None, None)
        elif isinstance(kind, Float):
            fields[column.name] = (float | None, None)
        elif isinstance(kind, String):
            fields[column.name] = (Annotated[str, Field(max_length=kind.length)] | None, None)
    return fields


class _VisitCore(Record):
    id_field: ClassVar[str] = "target_code"
    target_code: TargetCode
    modified_at: Moment = Field(description="when the field application last changed this visit: a later one replaces it")
    status: Literal[VISIT_ROW_STATUSES]  # type: ignore[valid-type]
    outcome: Literal[tuple(VISIT_OUTCOME_TERMS)] | None = None  # type: ignore[valid-type]
    started_at: Moment
    submitted_at: Moment | None = None
    reviewed_at: Moment | None = None
    first_reviewed_at: Moment | None = None
    first_returned_at: Moment | None = None
    approved_at: Moment | None = None
    return_count: int = Field(default=0, ge=0, le=MAX_RETURNS)
    duration_seconds: int | None = Field(default=None, ge=0, le=MAX_DURATION_SECONDS)
    gps_lat: float | None = Field(default=None, ge=LATITUDE[0], le=LATITUDE[1])
    gps_lon: float | None = Field(default=None, ge=LONGITUDE[0], le=LONGITUDE[1])
    gps_accuracy_m: float | None = Field(default=None, ge=0, le=MAX_GPS_ACCURACY_M)
    desil_after: int | None = Field(default=None, ge=DESIL[0], le=DESIL[1])
    reranked_at: Moment | None = None

    @model_validator(mode="after")
    def _lifecycle(self):
        """The times in the order the lifecycle allows, and the status they imply."""
        submitted = self.submitted_at
        if submitted is not None and submitted < self.started_at:
            raise ValueError("submitted_at before started_at")
        for name in ("reviewed_at", "first_reviewed_at", "first_returned_at", "approved_at"):
            moment = getattr(self, name)
            if moment is not None and (submitted is None or moment < submitted):
                raise ValueError(f"{name} without a submission before it")
        if self.first_reviewed_at and self.reviewed_at and self.reviewed_at < self.first_reviewed_at:
            raise ValueError("reviewed_at before first_reviewed_at")
        if self.status == "started" and submitted is not None:
            raise ValueError("status started with a submission")
        if self.status != "started" and submitted is None:
            raise ValueError(f"status {self.status} without submitted_at")
        if self.status == "approved" and (self.approved_at is None or self.first_reviewed_at is None):
            raise ValueError("status approved without approved_at and first_reviewed_at")
        if self.status in ("returned", "resubmitted") and self.first_returned_at is None:
            raise ValueError(f"status {self.status} without first_returned_at")
        if self.status != "approved" and self.approved_at is not None:
            raise ValueError(f"approved_at on a visit in status {self.status}")
        if self.first_returned_at is not None and (self.first_reviewed_at is None or self.first_returned_at < self.first_reviewed_at):
            raise ValueError("first_returned_at without a first review before it")
        if (self.return_count > 0) != (self.first_returned_at is not None):
            raise ValueError("return_count and first_returned_at disagree")
        if submitted is not None and self.outcome is None:
            raise ValueError("a submission without an outcome")
        if submitted is None and (self.outcome is not None or self.desil_after is not None or self.reranked_at is not None):
            raise ValueError("an outcome or re-ranking without a submission")
        if (self.gps_lat is None) != (self.gps_lon is None):
            raise ValueError("gps_lat and gps_lon go together")
        own = (self.started_at, submitted, self.reviewed_at, self.first_reviewed_at, self.first_returned_at, self.approved_at, self.reranked_at)
        if self.modified_at < max(m for m in own if m is not None):
            raise ValueError("modified_at before the visit's own times")
        return self


VisitRecord = create_model("VisitRecord", __base__=_VisitCore, **_answer_fields())
VisitRecord.__doc__ = "The visit of a target (one row per started target; the newest version wins)."


class StatusEventRecord(Record):
    id_field: ClassVar[str] = "target_code"
    target_code: TargetCode
    status: Literal[tuple(VISIT_STATUS_TERMS)]  # type: ignore[valid-type]
    occurred_at: Moment

    @classmethod
    def natural_id(cls, row: dict) -> str | None:
        """``target/status/time``, only if the code and the status have their form (a
        misaligned column may hold anything: never stored)."""
        code, status, moment = row.get("target_code"), row.get("status"), row.get("occurred_at")
        if isinstance(code, str) and _ID_FORM.fullmatch(code) and status in VISIT_STATUS_TERMS and isinstance(moment, str) and re.fullmatch(r"[0-9T:. +Z-]{1,35}", moment):
            return f"{code}/{status}/{moment}"[:40]
        return code if isinstance(code, str) and _ID_FORM.fullmatch(code) else None


ProvinceCode = Annotated[str, Field(pattern=r"^\d{2}$", description="province code, e.g. 35")]
ClassId = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,24}$")]
Score = Annotated[int, Field(ge=0, le=100)]


class InstructorRecord(Record):
    id: StaffId
    name: str = Field(min_length=1, max_length=80)
    province_code: ProvinceCode


class TrainingClassRecord(Record):
    id: ClassId
    round_id: int = Field(ge=1, lt=2**31)
    kind: Literal["instructor", "facilitator"]
    province_code: ProvinceCode | None = Field(default=None, description="none: an instructors' class, or a make-up class of several provinces")
    held_on: dt.date
    make_up: bool = Field(default=False, description="a make-up class, for those who missed theirs (its participants are trained late)")
    instructor_ids: list[StaffId] = Field(default_factory=list, description="who taught a facilitators' class (CSV: separated by ';')")

    @field_validator("instructor_ids", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _listed(value)

    @model_validator(mode="after")
    def _taught(self):
        if self.kind == "instructor" and self.instructor_ids:
            raise ValueError("an instructors' class is taught by BPS RI, not by instructors")
        if not (YEARS[0] <= self.held_on.year <= YEARS[1]):
            raise ValueError(f"held_on outside {YEARS[0]}-{YEARS[1]}")
        return self


class TrainingAttendanceRecord(Record):
    id_field: ClassVar[str] = "class_id"
    class_id: ClassId
    facilitator_id: StaffId | None = None
    instructor_id: StaffId | None = None
    attended: bool
    pre_score: Score | None = None
    post_score: Score | None = None

    @model_validator(mode="after")
    def _one_participant_scored_if_present(self):
        if (self.facilitator_id is None) == (self.instructor_id is None):
            raise ValueError("exactly one of facilitator_id and instructor_id")
        if not self.attended and (self.pre_score is not None or self.post_score is not None):
            raise ValueError("scores for someone absent")
        if self.post_score is not None and self.pre_score is None:
            raise ValueError("a post-test without its pre-test (both are taken in the class)")
        return self

    @classmethod
    def natural_id(cls, row: dict) -> str | None:
        """``class/participant``, only if both have the form of ids (a misaligned column
        may hold anything, a family's name or address included: never stored)."""
        parts = [row.get("class_id"), row.get("facilitator_id") or row.get("instructor_id")]
        if all(isinstance(p, str) and _ID_FORM.fullmatch(p) for p in parts):
            return "/".join(parts)[:40]
        return None


MODELS: dict[str, type[Record]] = {
    "rounds": RoundRecord,
    "facilitators": FacilitatorRecord,
    "targets": TargetRecord,
    "visits": VisitRecord,
    "status_events": StatusEventRecord,
    "instructors": InstructorRecord,
    "training_classes": TrainingClassRecord,
    "training_attendance": TrainingAttendanceRecord,
}
#: The natural id of the kinds whose id is more than one field.
_COMPOUND_IDS = {"status_events": ["target_code", "status", "occurred_at"], "training_attendance": ["class_id", "facilitator_id | instructor_id"]}


def json_schema() -> dict:
    """The JSON Schema of each kind, with the contract's version."""
    return {
        "version": CONTRACT_VERSION,
        "kinds": {kind: model.model_json_schema() for kind, model in MODELS.items()},
        "natural_ids": {kind: _COMPOUND_IDS.get(kind, model.id_field) for kind, model in MODELS.items()},
    }


__all__ = [
    "CONTRACT_VERSION", "KINDS", "MODELS", "FacilitatorRecord", "InstructorRecord", "RoundRecord", "StatusEventRecord", "TargetRecord",
    "TrainingAttendanceRecord", "TrainingClassRecord", "VisitRecord", "json_schema",
]
