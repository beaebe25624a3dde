"""The schema migrates up (and down) identically on SQLite and PostgreSQL, and the region
reference loads complete."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dashboard.store.database import alembic_config, create_db_engine, ensure_reference_data, init_database, migrate
from dashboard.store.models import Base

REFERENCE_CSV = "../shared/reference/pendamping_per_provinsi.csv"


def test_upgrade_creates_every_model_table_and_matches_the_models(empty_database_url):
    migrate(empty_database_url)
    engine = create_db_engine(empty_database_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
    finally:
        engine.dispose()


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    migrate(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "base")
    engine = create_db_engine(empty_database_url)
    try:
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    migrate(empty_database_url)


def test_reference_is_complete_and_loads_once(empty_database_url):
    engine = init_database(empty_database_url)
    with engine.connect() as conn:
        count = lambda table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: E731
        assert (count("province"), count("regency"), count("district"), count("village")) == (38, 514, 7277, 83763)
        papua = dict(conn.execute(sa.text("SELECT code, name FROM province WHERE code >= '93'")).all())
        assert papua == {
            "93": "PAPUA SELATAN",
            "94": "PAPUA TENGAH",
            "95": "PAPUA PEGUNUNGAN",
            "96": "PAPUA BARAT DAYA",
        }
        facilitators = pd.read_sql("SELECT code, facilitator_count, instructor_count FROM province", conn)
        villages_per_regency = pd.read_sql(
            "SELECT r.code, r.village_count, count(v.code) AS n FROM regency r "
            "JOIN district d ON d.regency_code = r.code JOIN village v ON v.district_code = d.code "
            "GROUP BY r.code, r.village_count",
            conn,
        )
    briefing = pd.read_csv(REFERENCE_CSV, dtype={"province_code": str})
    merged = facilitators.merge(briefing, left_on="code", right_on="province_code")
    assert len(merged) == 38
    assert (merged["facilitator_count"] == merged["pendamping_pkh"]).all()
    assert (merged["instructor_count"] == merged["instruktur_nasional"]).all()
    assert merged["facilitator_count"].sum() == 33_603
    assert (villages_per_regency["village_count"] == villages_per_regency["n"]).all()
    assert ensure_reference_data(engine) is False  # second call: nothing to do
    engine.dispose()
