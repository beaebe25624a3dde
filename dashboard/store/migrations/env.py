"""Alembic environment: migrations run on SQLite (in batch mode) and PostgreSQL alike."""

from alembic import context
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dashboard.store.database import create_db_engine
from dashboard.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _dangling_rows(connection) -> int:
    return len(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = create_db_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
        script = ScriptDirectory.from_config(config)
        current = set(MigrationContext.configure(connection).get_current_heads())
        connection.rollback()
        # Nothing to do (every command of the product migrates on start): no foreign-key
        # settings, no scan.
        nothing_to_do = context.get_revision_argument() in ("head", "heads") and current == set(script.get_heads())
        if sqlite and not nothing_to_do:
            # A batch migration copies a table, drops it and renames the copy; with foreign
            # keys on, SQLite would refuse to drop a table that others refer to (target).
            # The setting cannot change inside a transaction: off before, back on after; rows
            # the migration itself left without their parent (more than before it) fail it.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            with context.begin_transaction():
                before = _dangling_rows(connection) if sqlite and not nothing_to_do else 0
                context.run_migrations()
                if sqlite and not nothing_to_do and _dangling_rows(connection) > before:
                    raise RuntimeError("the migration left rows that refer to rows that do not exist")
        finally:
            if sqlite and not nothing_to_do:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
