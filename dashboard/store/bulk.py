"""Bulk writes of column arrays: ``executemany`` on SQLite, ``COPY`` on PostgreSQL; and
counts added to the rows of a rollup table (``add_counts``).

The ORM would cost minutes per million rows; this writes (for the simulator and the rollups) through the DBAPI connection of a
SQLAlchemy transaction, converting each column once according to its type in
``dashboard.store.models`` (times arrive as float epoch seconds with NaN for "none").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, SmallInteger, String, Text, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from dashboard.store.models import Base

#: Rows per executemany / COPY batch.
BATCH = 50_000


def _as_objects(values: np.ndarray, column_type, sqlite: bool) -> list:
    """One column as Python values the DBAPI driver takes (None for missing)."""
    values = np.asarray(values)
    if isinstance(column_type, DateTime):
        finite = np.isfinite(values.astype(float))
        stamps = np.where(finite, values, 0).astype("int64").astype("datetime64[s]")
        text = np.char.replace(np.datetime_as_string(stamps, unit="us"), "T", " ").astype(object)
        text[~finite] = None
        return text.tolist()
    if isinstance(column_type, Date):
        return [None if v is None else str(v) for v in values.tolist()]
    if isinstance(column_type, Boolean):
        if values.dtype == object:
            return [None if v is None else bool(v) for v in values.tolist()]
        if values.dtype == bool:
            return (values.astype(int) if sqlite else values).tolist()
        missing = np.isnan(values)
        out = (values > 0).astype(int if sqlite else bool).astype(object)
        out[missing] = None
        return out.tolist()
    if isinstance(column_type, (Integer, SmallInteger)):
        if values.dtype.kind in "iub":
            return values.astype("int64").tolist()
        missing = np.isnan(values.astype(float))
        out = np.where(missing, 0, values).astype("int64").astype(object)
        out[missing] = None
        return out.tolist()
    if isinstance(column_type, Float):
        out = values.astype(float).astype(object)
        out[np.isnan(values.astype(float))] = None
        return out.tolist()
    if isinstance(column_type, (String, Text)):
        return [None if v is None or v != v else str(v) for v in values.tolist()]
    raise TypeError(f"no bulk conversion for {column_type!r}")


def write_columns(conn: Connection, table_name: str, columns: dict[str, np.ndarray]) -> int:
    """Insert the rows given as column arrays; returns the number of rows written."""
    table = Base.metadata.tables[table_name]
    names = list(columns)
    if not names:
        return 0
    n = len(next(iter(columns.values())))
    if n == 0:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    driver = conn.connection.driver_connection
    for start in range(0, n, BATCH):
        stop = min(start + BATCH, n)
        converted = [_as_objects(columns[c][start:stop], table.c[c].type, sqlite) for c in names]
        rows = zip(*converted)
        if sqlite:
            placeholders = ", ".join("?" for _ in names)
            cursor = driver.cursor()
            cursor.executemany(f"INSERT INTO {table_name} ({', '.join(names)}) VALUES ({placeholders})", rows)
            cursor.close()
        else:
            with driver.cursor() as cursor:
                with cursor.copy(f"COPY {table_name} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
    return n


def delete_visits(conn: Connection, target_ids: np.ndarray) -> None:
    """Remove the visit rows of ``target_ids`` (``--live`` rewrites a visit on each change)."""
    table = Base.metadata.tables["visit"]
    ids = [int(i) for i in target_ids]
    for start in range(0, len(ids), 5_000):
        conn.execute(table.delete().where(table.c.target_id.in_(ids[start : start + 5_000])))


def add_counts(conn: Connection, table_name: str, round_id: int, changes: pd.DataFrame, counts: list[str]) -> int:
    """Add the signed ``counts`` of ``changes`` (one row per primary key of ``table_name``
    without ``round_id``; any other column is written on a new row only) to the table's
    rows: one upsert, then the round's rows that count nothing are removed (as a rebuild
    never writes them). What a refresh by difference ends with; returns the rows changed."""
    table = Base.metadata.tables[table_name]
    if changes.empty:
        return 0
    names = list(changes.columns)
    values = [changes[name].tolist() for name in names]  # Python ints and dates, not numpy's
    rows = [{"round_id": round_id, **dict(zip(names, row))} for row in zip(*values)]
    upsert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = upsert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )
    conn.execute(statement, rows)
    conn.execute(delete(table).where(table.c.round_id == round_id, *(table.c[name] == 0 for name in counts)))
    return len(rows)
