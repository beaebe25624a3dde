"""Training records through the ingest contract (issue 17): instructors, classes with who
taught them, attendance with scores; loaded twice they change nothing; what cannot be
right is quarantined with its reason; the training figures follow what was loaded."""

from __future__ import annotations

import sqlalchemy as sa
import pytest

from dashboard.access.policy import Access
from dashboard.figures.queries import Scope, data_state
from dashboard.figures.training import training_summary
from dashboard.ingest.contract import json_schema
from dashboard.ingest.loader import Loader, kind_of
from dashboard.store.database import get_engine
from tests import auth
from tests.simulated import AS_OF, copy_database


@pytest.fixture
def round_(standard_sqlite_round_url, database_url_factory):
    url = copy_database(standard_sqlite_round_url, database_url_factory("sqlite"))
    return url, get_engine(url)


def _load(engine, kind, rows):
    loader = Loader(engine, as_of=AS_OF)
    loader.load_rows(kind, rows, f"api:{kind}")
    return loader


def test_training_records_load_once_and_move_the_figures(round_):
    url, engine = round_
    day = data_state(engine, 1).day
    with engine.connect() as conn:
        untrained, regency = conn.execute(sa.text(
            "SELECT f.id, f.regency_code FROM facilitator f WHERE NOT EXISTS (SELECT 1 FROM training_attendance a "
            "WHERE a.facilitator_id = f.id AND a.attended) ORDER BY f.id LIMIT 1")).first()
    before = training_summary(engine, 1, Scope.of(regency), day, access=Access.nationwide()).iloc[0]
    rows = {
        "instructors": [{"id": "INNAS-35-900", "name": "Sri Wulandari", "province_code": "35"}],
        "training_classes": [{"id": "X-35-001", "round_id": 1, "kind": "facilitator", "province_code": None, "held_on": str(day), "make_up": True,
                              "instructor_ids": "INNAS-35-900"}],
        "training_attendance": [{"class_id": "X-35-001", "facilitator_id": untrained, "attended": True, "pre_score": 40, "post_score": 88}],
    }
    for kind in ("instructors", "training_classes", "training_attendance"):
        report = _load(engine, kind, rows[kind]).report.kinds[kind]
        assert (report.inserted, report.quarantined) == (1, 0), kind
    again = {kind: _load(engine, kind, rows[kind]).report.kinds[kind] for kind in rows}
    assert all((r.inserted, r.updated, r.unchanged) == (0, 0, 1) for r in again.values())
    loader = _load(engine, "training_attendance", [{**rows["training_attendance"][0], "post_score": 90}])
    assert loader.report.kinds["training_attendance"].updated == 1
    loader.finish(auth.settings(url))  # a new data version: the cached figures move
    after = training_summary(engine, 1, Scope.of(regency), day, access=Access.nationwide()).iloc[0]
    assert after["trained"] == before["trained"] + 1 and after["trained_late"] == before["trained_late"] + 1
    assert data_state(engine, 1).version > 1


def test_what_cannot_be_right_is_quarantined_with_its_reason(round_):
    url, engine = round_
    with engine.connect() as conn:
        facilitator = conn.execute(sa.text("SELECT id FROM facilitator ORDER BY id LIMIT 1")).scalar_one()
        instructor_class = conn.execute(sa.text("SELECT id FROM training_class WHERE kind = 'instructor' LIMIT 1")).scalar_one()
    cases = [
        ("instructors", {"id": "INNAS-99-001", "name": "X", "province_code": "99"}, "province_code"),
        ("training_classes", {"id": "X-1", "round_id": 7, "kind": "facilitator", "held_on": "2026-11-10"}, "round_id"),
        ("training_classes", {"id": "X-2", "round_id": 1, "kind": "instructor", "held_on": "2026-11-10", "instructor_ids": "INNAS-35-001"}, "taught by BPS RI"),
        ("training_classes", {"id": "X-3", "round_id": 1, "kind": "facilitator", "held_on": "2026-11-10", "instructor_ids": "NOBODY"}, "instructor_ids"),
        ("training_classes", {"id": "X-4", "round_id": 1, "kind": "facilitator", "held_on": "2030-01-01"}, "held_on"),
        ("training_attendance", {"class_id": "NOPE", "facilitator_id": facilitator, "attended": True}, "class_id"),
        ("training_attendance", {"class_id": instructor_class, "facilitator_id": facilitator, "attended": True}, "participants are instructors"),
        ("training_attendance", {"class_id": instructor_class, "instructor_id": "INNAS-35-001", "attended": False, "pre_score": 50}, "absent"),
        ("training_attendance", {"class_id": instructor_class, "instructor_id": "INNAS-35-001", "facilitator_id": facilitator, "attended": True}, "exactly one"),
        ("training_attendance", {"class_id": instructor_class, "instructor_id": "INNAS-35-001", "attended": True, "post_score": 101}, "post_score"),
        ("training_attendance", {"class_id": instructor_class, "instructor_id": "INNAS-35-001", "attended": True, "post_score": 80}, "without its pre-test"),
    ]
    for kind, row, why in cases:
        report = _load(engine, kind, [row]).report.kinds[kind]
        with engine.connect() as conn:
            reason = conn.execute(sa.text("SELECT reason FROM ingest_quarantine ORDER BY id DESC LIMIT 1")).scalar_one()
        assert report.quarantined == 1 and why in reason, (kind, row, reason)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM training_class WHERE id LIKE 'X-%'")).scalar_one() == 0


def test_the_contract_names_the_training_kinds():
    schema = json_schema()
    assert {"instructors", "training_classes", "training_attendance"} <= set(schema["kinds"])
    assert schema["natural_ids"]["training_attendance"] == ["class_id", "facilitator_id | instructor_id"]
    from pathlib import Path

    assert kind_of(Path("training_attendance-2026-11-24.csv")) == "training_attendance"
    assert kind_of(Path("training-classes.jsonl")) == "training_classes" and kind_of(Path("instructors.csv")) == "instructors"


def test_repeated_participants_updates_and_dry_runs(round_):
    """The last row of a participant repeated in a chunk wins (the earlier one is refused); a
    changed instructor moves the data version; a make-up class trains late whatever its
    province; a dry run accepts the attendance of a class accepted in the same load; a
    misaligned row's contents never reach the quarantine."""
    url, engine = round_
    day = data_state(engine, 1).day
    with engine.connect() as conn:
        untrained, regency = conn.execute(sa.text(
            "SELECT f.id, f.regency_code FROM facilitator f WHERE NOT EXISTS (SELECT 1 FROM training_attendance a "
            "WHERE a.facilitator_id = f.id AND a.attended) ORDER BY f.id LIMIT 1")).first()
    before = training_summary(engine, 1, Scope.of(regency), day, access=Access.nationwide()).iloc[0]
    assert _load(engine, "training_classes", [{"id": "Y-1", "round_id": 1, "kind": "facilitator", "province_code": regency[:2],
                                               "held_on": str(day), "make_up": True}]).report.kinds["training_classes"].inserted == 1
    rows = [{"class_id": "Y-1", "facilitator_id": untrained, "attended": True, "pre_score": 10, "post_score": 20},
            {"class_id": "Y-1", "facilitator_id": untrained, "attended": True, "pre_score": 70, "post_score": 95}]
    report = _load(engine, "training_attendance", rows).report.kinds["training_attendance"]
    assert (report.inserted, report.quarantined) == (1, 1)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT pre_score, post_score FROM training_attendance WHERE class_id = 'Y-1'")).first() == (70, 95)
    loader = _load(engine, "instructors", [{"id": "INNAS-35-001", "name": "Nama Baru", "province_code": "35"}])
    assert loader.report.kinds["instructors"].updated == 1 and 1 in loader.pending
    loader.finish(auth.settings(url))
    after = training_summary(engine, 1, Scope.of(regency), day, access=Access.nationwide()).iloc[0]
    assert after["trained_late"] == before["trained_late"] + 1  # a make-up class, though it names a province
    dry = Loader(engine, as_of=AS_OF, dry_run=True)
    dry.load_rows("training_classes", [{"id": "Z-1", "round_id": 1, "kind": "instructor", "held_on": str(day)}], "dry")
    dry.load_rows("training_attendance", [{"class_id": "Z-1", "instructor_id": "INNAS-35-001", "attended": False}], "dry")
    assert dry.report.kinds["training_attendance"].quarantined == 0
    _load(engine, "training_attendance", [{"class_id": "Siti Aminah, Jl. Melati 3", "facilitator_id": "RT 03 RW 05 Kel. Melati", "attended": "ya"}])
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT natural_id FROM ingest_quarantine ORDER BY id DESC LIMIT 1")).scalar()
    assert stored is None
