"""The database refuses what the ingest contract refuses (issue 12, item 3).

For every ``CHECK`` constraint of ``dashboard.store.checks``, one change of a valid row of the
standard round that breaks that constraint alone: the database refuses it by that
constraint's name (each write in a transaction rolled back, so the shared round stays as it
was), and where the change can be sent through the contract (the field is part of a
record) the contract refuses it too. Rows from before the constraints survive the migration.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from dashboard.ingest.contract import MODELS
from dashboard.store.checks import CHECKS, LATITUDE, LONGITUDE, MAX_DURATION_SECONDS, MAX_RETURNS, SMALL_INTEGER_ANSWERS, answer_maximum
from dashboard.store.database import create_db_engine, get_engine, migrate
from dashboard.store.models import Base, Visit

SECOND = dt.timedelta(seconds=1)
Row = dict
Change = Callable[[sa.Connection, Row], dict] | dict

#: The row each table's changes start from (a visit in the state the constraint is about).
BASE_ROWS = {
    "round": "SELECT * FROM round WHERE id = 1",
    "facilitator": "SELECT * FROM facilitator WHERE province_code = '32' ORDER BY id LIMIT 1",
    "target": "SELECT * FROM target WHERE province_code = '32' ORDER BY id LIMIT 1",
    "visit:approved": (
        "SELECT v.*, t.code AS target_code FROM visit v JOIN target t ON t.id = v.target_id WHERE v.status = 'approved' "
        "AND v.first_returned_at IS NOT NULL AND v.gps_lat IS NOT NULL AND v.duration_seconds IS NOT NULL "
        "AND v.desil_after IS NOT NULL AND v.province_code = '32' ORDER BY v.target_id LIMIT 1"
    ),
    "visit:submitted": "SELECT v.*, t.code AS target_code FROM visit v JOIN target t ON t.id = v.target_id WHERE v.status = 'submitted' ORDER BY v.target_id LIMIT 1",
    "visit:started": "SELECT v.*, t.code AS target_code FROM visit v JOIN target t ON t.id = v.target_id WHERE v.status = 'started' ORDER BY v.target_id LIMIT 1",
    "visit_event": "SELECT * FROM visit_event ORDER BY id LIMIT 1",
}
KEYS = {"round": ("id",), "facilitator": ("id",), "target": ("id",), "visit": ("target_id",), "visit_event": ("id",)}
CONTRACT_KINDS = {"round": "rounds", "visit": "visits", "visit_event": "status_events", "target": "targets", "facilitator": "facilitators"}


def _other_regency_of_same_province(conn: sa.Connection, row: Row) -> dict:
    """A kecamatan and desa of another kabupaten/kota of the target's province."""
    district, village = conn.execute(sa.text(
        "SELECT d.code, v.code FROM district d JOIN village v ON v.district_code = d.code "
        "WHERE d.code LIKE :province AND d.regency_code <> :regency ORDER BY v.code LIMIT 1"),
        {"province": row["province_code"] + ".%", "regency": row["regency_code"]}).one()
    return {"district_code": district, "village_code": village}


def _village_of_another_district(conn: sa.Connection, row: Row) -> dict:
    village = conn.execute(sa.text(
        "SELECT v.code FROM village v JOIN district d ON d.code = v.district_code "
        "WHERE d.regency_code = :regency AND d.code <> :district ORDER BY v.code LIMIT 1"),
        {"regency": row["regency_code"], "district": row["district_code"]}).scalar_one()
    return {"village_code": village}


def _before(column: str, reference: str, by: dt.timedelta = SECOND) -> Callable[[sa.Connection, Row], dict]:
    return lambda _conn, row: {column: row[reference] - by}


#: ``(table, constraint) -> (base row, change, refused by the contract on its own)``. Where
#: the contract cannot say it (a field the loader derives; a time the loader checks
#: against the round), the third element says why instead.
BREAKING: dict[tuple[str, str], tuple[str, Change, bool | str]] = {
    ("round", "deadline_not_before_start"): ("round", {"start_date": dt.date(2027, 1, 10), "deadline": dt.date(2027, 1, 1)}, True),
    ("round", "start_in_years"): ("round", {"start_date": dt.date(2019, 1, 1), "deadline": dt.date(2019, 2, 1)}, True),
    ("facilitator", "regency_in_province"): ("facilitator", {"province_code": "33"}, "the loader derives the province from the kabupaten/kota"),
    ("target", "category"): ("target", {"category": "zzz"}, True),
    ("target", "desil_before"): ("target", {"desil_before": 11}, True),
    ("target", "regency_in_province"): ("target", {"province_code": "33"}, "the loader derives the codes from the desa"),
    ("target", "district_in_regency"): ("target", _other_regency_of_same_province, "the loader derives the codes from the desa"),
    ("target", "village_in_district"): ("target", _village_of_another_district, "the loader derives the codes from the desa"),
    ("visit", "status"): ("visit:submitted", {"status": "zzz"}, True),
    ("visit", "outcome"): ("visit:approved", {"outcome": "zzz"}, True),
    ("visit", "category"): ("visit:approved", {"category": "zzz"}, "the loader copies the target's category"),
    ("visit", "regency_in_province"): ("visit:approved", {"province_code": "33"}, "the loader copies the target's codes"),
    ("visit", "started_in_years"): ("visit:started", {"started_at": dt.datetime(2019, 6, 1)}, "the loader refuses a time outside the round"),
    ("visit", "submitted_after_start"): ("visit:submitted", lambda _c, row: {"started_at": row["submitted_at"] + SECOND}, True),
    ("visit", "status_matches_submission"): ("visit:submitted", {"status": "started"}, True),
    ("visit", "outcome_with_submission"): ("visit:submitted", {"outcome": None}, True),
    ("visit", "reviewed_after_submission"): ("visit:submitted", _before("reviewed_at", "submitted_at"), True),
    ("visit", "first_reviewed_after_submission"): ("visit:approved", _before("first_reviewed_at", "submitted_at"), True),
    ("visit", "reviewed_after_first_review"): ("visit:approved", _before("reviewed_at", "first_reviewed_at"), True),
    ("visit", "returned_with_first_return"): ("visit:submitted", {"status": "returned"}, True),
    ("visit", "first_returned_after_first_review"): ("visit:approved", _before("first_returned_at", "first_reviewed_at"), True),
    ("visit", "approved_after_submission"): ("visit:approved", _before("approved_at", "submitted_at"), True),
    ("visit", "approved_only_when_approved"): ("visit:approved", {"status": "submitted"}, True),
    ("visit", "returns_counted"): ("visit:approved", {"return_count": 0}, True),
    ("visit", "return_count"): ("visit:approved", {"return_count": MAX_RETURNS + 1}, True),
    ("visit", "duration_seconds"): ("visit:approved", {"duration_seconds": MAX_DURATION_SECONDS + 1}, True),
    ("visit", "gps_pair"): ("visit:approved", {"gps_lon": None}, True),
    ("visit", "gps_lat"): ("visit:approved", {"gps_lat": LATITUDE[1] + 1}, True),
    ("visit", "gps_lon"): ("visit:approved", {"gps_lon": LONGITUDE[1] + 1}, True),
    ("visit", "gps_accuracy_m"): ("visit:approved", {"gps_accuracy_m": -1.0}, True),
    ("visit", "desil_after"): ("visit:approved", {"desil_after": 11}, True),
    ("visit", "reranked_with_submission"): ("visit:started", {"desil_after": 3}, True),
    ("visit", "electricity_va"): ("visit:approved", {"electricity_va": -1}, True),
    **{("visit", column): ("visit:approved", {column: answer_maximum(column) + 1}, True) for column in SMALL_INTEGER_ANSWERS},
    ("visit_event", "status"): ("visit_event", {"status": "zzz"}, True),
}


def test_every_constraint_has_a_row_that_breaks_it():
    assert set(BREAKING) == {(table, name) for table, checks in CHECKS.items() for name in checks}


def test_the_small_integer_answers_are_those_of_the_visit_table():
    small = [c.name for c in Visit.__table__.columns if isinstance(c.type, sa.SmallInteger) and c.name not in ("return_count", "desil_after")]
    assert tuple(small) == SMALL_INTEGER_ANSWERS


def test_the_migrated_database_has_the_models_constraints(standard_round_url):
    engine = get_engine(standard_round_url)
    inspector = sa.inspect(engine)
    for table, checks in CHECKS.items():
        reflected = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        assert set(reflected) == {f"ck_{table}_{name}" for name in checks}, table
        if engine.dialect.name == "sqlite":  # SQLite keeps the text as written: migration 0008 = checks.py
            for name, condition in checks.items():
                assert " ".join(reflected[f"ck_{table}_{name}"].split()) == condition, (table, name)


def _typed(table: str, row: Row) -> Row:
    """Dates and times as Python values (SQLite hands a raw query text)."""
    columns = Base.metadata.tables[table].columns
    for name, value in row.items():
        if isinstance(value, str) and name in columns:
            if isinstance(columns[name].type, sa.DateTime):
                row[name] = dt.datetime.fromisoformat(value)
            elif isinstance(columns[name].type, sa.Date):
                row[name] = dt.date.fromisoformat(value)
    return row


def _contract_record(table: str, row: Row) -> dict:
    """The row as a record of the contract (the fields it has; a visit's version)."""
    fields = MODELS[CONTRACT_KINDS[table]].model_fields
    record = {k: v for k, v in row.items() if k in fields}
    if table == "visit":
        record["modified_at"] = max(v for k, v in row.items() if k.endswith("_at") and isinstance(v, dt.datetime))
    if table == "visit_event":
        record["target_code"] = "T1-000000001"
    return record


@pytest.mark.parametrize("table, name", sorted(BREAKING), ids=lambda v: v if isinstance(v, str) else None)
def test_the_database_refuses_what_breaks_each_constraint(standard_round_url, table, name):
    base, change, contract = BREAKING[(table, name)]
    engine = get_engine(standard_round_url)
    with engine.connect() as conn:
        row = _typed(table, dict(conn.execute(sa.text(BASE_ROWS[base])).mappings().one()))
        changes = change(conn, row) if callable(change) else change
        conn.rollback()
        keys = KEYS[table]
        columns = Base.metadata.tables[table].columns
        update = sa.text(
            f"UPDATE {table} SET {', '.join(f'{c} = :new_{c}' for c in changes)} WHERE {' AND '.join(f'{k} = :{k}' for k in keys)}"
        ).bindparams(*(sa.bindparam(f"new_{c}", type_=columns[c].type) for c in changes))  # times written as the app writes them
        params = {**{f"new_{c}": v for c, v in changes.items()}, **{k: row[k] for k in keys}}
        # The change itself is well-formed: the same UPDATE with the old values passes.
        with conn.begin() as transaction:
            conn.execute(update, {**params, **{f"new_{c}": row[c] for c in changes}})
            transaction.rollback()
        with conn.begin() as transaction:
            with pytest.raises(sa.exc.IntegrityError) as refused:
                conn.execute(update, params)
            transaction.rollback()
    assert f"ck_{table}_{name}" in str(refused.value.orig)
    if contract is True:
        model = MODELS[CONTRACT_KINDS[table]]
        record = _contract_record(table, row)
        model.model_validate(record)  # the unchanged row passes
        with pytest.raises(ValidationError):
            model.model_validate({**record, **changes})
    else:
        assert isinstance(contract, str) and contract  # why the contract cannot say it


def test_rows_from_before_the_constraints_are_kept_and_new_ones_refused(empty_database_url, caplog):
    """A database with a broken row migrates: the row stays (the rollups count what they
    cannot), the migration names the constraint, and the next broken write is refused."""
    migrate(empty_database_url, "0007")
    engine = create_db_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO round (id, name, start_date, deadline, created_at) "
                "VALUES (7, 'kosong', '2026-12-10', '2026-12-01', '2026-12-01 00:00:00')"))
        caplog.set_level(logging.WARNING, logger="alembic.runtime.migration")
        migrate(empty_database_url)
        assert any("1 rows of round break the new constraint ck_round_deadline_not_before_start" in r.getMessage() for r in caplog.records)
        with engine.begin() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM round WHERE id = 7")).scalar_one() == 1
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() >= "0008"  # at the head
        with pytest.raises(sa.exc.IntegrityError, match="ck_round_deadline_not_before_start"), engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO round (id, name, start_date, deadline, created_at) "
                "VALUES (8, 'juga kosong', '2026-12-10', '2026-12-01', '2026-12-01 00:00:00')"))
    finally:
        engine.dispose()
