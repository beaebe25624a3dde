"""Engines, schema migration and the region reference: everything that touches the database
before any query runs.

One code path for SQLite and PostgreSQL: the differences (SQLite's pragmas, its lack of
``ALTER``) are handled here and in the Alembic environment, nowhere else.
"""

from __future__ import annotations

import gzip
import logging
from functools import lru_cache
from pathlib import Path

import pandas as pd
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import make_url

from dashboard.store import models
from dashboard.store.outage import watch
from dashboard.vocabulary import PROVINCE_UTC_OFFSET_HOURS

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def is_sqlite(url_or_engine: str | Engine) -> bool:
    url = url_or_engine.url if isinstance(url_or_engine, Engine) else make_url(url_or_engine)
    return url.get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboard read while the simulator (or a loader) writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """A new engine for ``url`` with the settings this product relies on."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: an error's text (logged, printed) never holds row values.
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        watch(engine)
        return engine
    # A stopped server must fail a request within seconds (503, stale figures shown), not
    # hang it; pre-ping replaces connections that died with a restart of the server.
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_timeout=10, hide_parameters=True, connect_args={
            "connect_timeout": 5,
            # A server that hangs or a network that drops packets is noticed within ~10 s
            # on connections already open (pre-ping alone would wait for TCP, ~15 min).
            "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2, "tcp_user_timeout": 10_000,
        }
    )
    watch(engine)
    return engine


def without_jit(engine: Engine) -> None:
    """Switch PostgreSQL's JIT compilation off on each new connection of ``engine`` (no-op
    on SQLite). The dashboard's queries are short aggregates over indexes and rollups, but
    at 20M targets the planner's estimates pass ``jit_above_cost`` and each query then
    spends 7-25 ms compiling: a kabupaten/kota's facilitator caseloads took 60-99 ms with
    JIT and 36 ms without (EXPLAIN ANALYZE on these 2 cores). For the app server's engines,
    its writes included (an ingest through the API, reviews, account changes: short
    statements too); the simulator's and ``manage``'s rebuilds open engines of their own
    and keep the server's setting. Set with ``SET`` when a connection opens, not as a
    startup option, so that a pooler in session mode accepts it; behind a pooler in
    transaction mode, set it on the role instead (``ALTER ROLE … SET jit = off``)."""
    if engine.dialect.name != "postgresql" or getattr(engine, "_groundcheck_without_jit", False):
        return
    engine._groundcheck_without_jit = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _jit_off(dbapi_connection, _record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.autocommit = autocommit

    engine.dispose()  # connections opened before this (with JIT) are not reused


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """The process-wide engine of ``url`` (one connection pool per database)."""
    return create_db_engine(url)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Create or upgrade the schema of ``url`` to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def read_reference_tables() -> dict[str, pd.DataFrame]:
    """The region reference as committed in ``dashboard/store/reference`` (idn-area-data 3.1.2)."""
    read = lambda path: pd.read_csv(path, dtype=str, keep_default_na=False)  # noqa: E731
    provinces = read(REFERENCE_DIR / "provinces.csv")
    regencies = read(REFERENCE_DIR / "regencies.csv")
    districts = read(REFERENCE_DIR / "districts.csv")
    with gzip.open(REFERENCE_DIR / "villages.csv.gz", "rt", encoding="utf-8") as fh:
        villages = read(fh)
    counts = read(REFERENCE_DIR / "pendamping_per_provinsi.csv")

    villages_per_district = villages.groupby("district_code").size()
    districts["village_count"] = districts["code"].map(villages_per_district).fillna(0).astype(int)
    villages_per_regency = districts.groupby("regency_code")["village_count"].sum()
    regencies["village_count"] = regencies["code"].map(villages_per_regency).fillna(0).astype(int)

    counts = counts.rename(
        columns={
            "province_code": "code",
            "pendamping_pkh": "facilitator_count",
            "instruktur_nasional": "instructor_count",
        }
    )
    provinces = provinces.merge(counts[["code", "facilitator_count", "instructor_count"]], on="code", how="left")
    if provinces["facilitator_count"].isna().any():
        missing = provinces.loc[provinces["facilitator_count"].isna(), "code"].tolist()
        raise ValueError(f"pendamping_per_provinsi.csv lacks provinces {missing}")
    provinces["facilitator_count"] = provinces["facilitator_count"].astype(int)
    provinces["instructor_count"] = provinces["instructor_count"].astype(int)
    provinces["utc_offset_hours"] = provinces["code"].map(PROVINCE_UTC_OFFSET_HOURS)
    if provinces["utc_offset_hours"].isna().any():
        raise ValueError("a province has no time zone in dashboard.vocabulary")
    return {
        "province": provinces[["code", "name", "facilitator_count", "instructor_count", "utc_offset_hours"]],
        "regency": regencies[["code", "province_code", "name", "village_count"]],
        "district": districts[["code", "regency_code", "name", "village_count"]],
        "village": villages[["code", "district_code", "name"]],
    }


def ensure_reference_data(engine: Engine) -> bool:
    """Load the region reference into an empty database; returns whether it loaded.

    The reference is loaded once per database. A changed reference (a new kabupaten, say)
    comes with a migration, as any change to what rounds refer to must.
    """
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(models.Province)).scalar_one() > 0:
            return False
    tables = read_reference_tables()
    with engine.begin() as conn:
        for name in ("province", "regency", "district", "village"):
            table = models.Base.metadata.tables[name]
            conn.execute(table.insert(), tables[name].to_dict("records"))
    log.info("loaded region reference: %s", {k: len(v) for k, v in tables.items()})
    return True


def init_database(url: str) -> Engine:
    """Migrate ``url`` to the newest schema and load the region reference if needed."""
    migrate(url)
    engine = get_engine(url)
    ensure_reference_data(engine)
    return engine


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


def describe_url(url: str) -> str:
    """The URL as it may be shown on screen and in logs: never with a password."""
    return make_url(url).render_as_string(hide_password=True)


def ping(engine: Engine) -> None:
    """Raise if the database does not answer."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
