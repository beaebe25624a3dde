"""A round of the database written as files of the ingest contract (``dashboard.ingest``):
what ``python -m dashboard.simulate --export DIR`` writes, so that the loader can be
exercised with believable data and a test can prove that loading those files gives the
figures of the simulator's direct load.

One JSON Lines file per kind (``rounds.jsonl``, ``facilitators.jsonl``, ``targets.jsonl``,
``visits.jsonl``, ``status_events.jsonl``, and the training's ``instructors.jsonl``,
``training_classes.jsonl``, ``training_attendance.jsonl``), read from the tables in chunks. A simulated
visit has no field-application version: its ``modified_at`` is the latest of its own times.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from dashboard.ingest.contract import MODELS
from dashboard.store import models

CHUNK = 50_000
_VISIT_TIMES = ("started_at", "submitted_at", "reviewed_at", "first_reviewed_at", "first_returned_at", "approved_at")


def _write(path: Path, frames, mode: str = "w") -> int:
    written = 0
    with path.open(mode, encoding="utf-8") as out:
        for frame in frames:
            for column in frame.columns:
                if pd.api.types.is_datetime64_any_dtype(frame[column]):
                    frame[column] = frame[column].dt.strftime("%Y-%m-%dT%H:%M:%S").where(frame[column].notna(), None)
            for record in frame.to_dict("records"):
                clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in record.items()}
                out.write(json.dumps(clean, default=str, ensure_ascii=False) + "\n")
                written += 1
    return written


def export_round(engine: Engine, round_id: int, directory: Path) -> dict[str, int]:
    """Write round ``round_id`` as contract files into ``directory``; rows per kind."""
    directory.mkdir(parents=True, exist_ok=True)
    r, f, c, fd, t, v, e = models.Round, models.Facilitator, models.Coordinator, models.FacilitatorDistrict, models.Target, models.Visit, models.VisitEvent
    counts = {}
    with engine.connect() as conn:
        rounds = pd.read_sql(select(r.id, r.name, r.start_date, r.deadline).where(r.id == round_id), conn)
        if rounds.empty:
            raise LookupError(f"no round {round_id}")
        rounds["start_date"] = rounds["start_date"].astype(str)
        rounds["deadline"] = rounds["deadline"].astype(str)
        counts["rounds"] = _write(directory / "rounds.jsonl", [rounds])

        facilitators = pd.read_sql(
            select(f.id, f.name, f.regency_code, f.coordinator_id, c.name.label("coordinator_name"), f.active)
            .outerjoin(c, c.id == f.coordinator_id).order_by(f.id), conn,
        )
        districts = pd.read_sql(select(fd.facilitator_id, fd.district_code).order_by(fd.facilitator_id, fd.district_code), conn)
        covered = districts.groupby("facilitator_id")["district_code"].agg(list)
        facilitators["district_codes"] = facilitators["id"].map(covered).apply(lambda d: d if isinstance(d, list) else [])
        facilitators["active"] = facilitators["active"].astype(bool)
        counts["facilitators"] = _write(directory / "facilitators.jsonl", [facilitators])

        targets = pd.read_sql(
            select(t.code, t.round_id, t.category, t.village_code, t.facilitator_id, t.desil_before, t.assigned_at)
            .where(t.round_id == round_id).order_by(t.id), conn, chunksize=CHUNK,
        )
        counts["targets"] = _write(directory / "targets.jsonl", targets)

        fields = [name for name in MODELS["visits"].model_fields if name not in ("target_code", "modified_at")]
        visit_query = (
            select(t.code.label("target_code"), *(getattr(v, name) for name in fields))
            .join(t, t.id == v.target_id).where(v.round_id == round_id).order_by(v.target_id)
        )

        def visits():
            for frame in pd.read_sql(visit_query, conn, chunksize=CHUNK):
                times = frame[list(_VISIT_TIMES) + ["reranked_at"]].apply(pd.to_datetime)
                frame["modified_at"] = times.max(axis=1)
                for name, column in MODELS["visits"].model_fields.items():
                    if column.annotation in (bool, bool | None) and name in frame:
                        frame[name] = frame[name].map(lambda x: None if x is None or x != x else bool(x))
                yield frame

        counts["visits"] = _write(directory / "visits.jsonl", visits())
        events = pd.read_sql(
            select(t.code.label("target_code"), e.status, e.occurred_at)
            .join(t, t.id == e.target_id).where(t.round_id == round_id).order_by(e.id), conn, chunksize=CHUNK,
        )
        counts["status_events"] = _write(directory / "status_events.jsonl", events)

        i, tc, ti, ta = models.Instructor, models.TrainingClass, models.TrainingClassInstructor, models.TrainingAttendance
        counts["instructors"] = _write(directory / "instructors.jsonl", [pd.read_sql(select(i.id, i.name, i.province_code).order_by(i.id), conn)])
        classes = pd.read_sql(select(tc.id, tc.round_id, tc.kind, tc.province_code, tc.held_on, tc.make_up).where(tc.round_id == round_id).order_by(tc.id), conn)
        classes["make_up"] = classes["make_up"].astype(bool)
        taught = pd.read_sql(select(ti.class_id, ti.instructor_id).join(tc, tc.id == ti.class_id).where(tc.round_id == round_id).order_by(ti.class_id, ti.instructor_id), conn)
        classes["held_on"] = classes["held_on"].astype(str)
        classes["instructor_ids"] = classes["id"].map(taught.groupby("class_id")["instructor_id"].agg(list)).apply(lambda x: x if isinstance(x, list) else [])
        counts["training_classes"] = _write(directory / "training_classes.jsonl", [classes])
        attendance = pd.read_sql(
            select(ta.class_id, ta.facilitator_id, ta.instructor_id, ta.attended, ta.pre_score, ta.post_score)
            .join(tc, tc.id == ta.class_id).where(tc.round_id == round_id).order_by(ta.id), conn,
        )
        attendance["attended"] = attendance["attended"].astype(bool)
        for column in ("pre_score", "post_score"):
            attendance[column] = attendance[column].astype("Int64").astype(object).where(attendance[column].notna(), None)
        counts["training_attendance"] = _write(directory / "training_attendance.jsonl", [attendance])
    return counts


__all__ = ["export_round"]
