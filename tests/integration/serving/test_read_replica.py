"""``DATABASE_READ_URL``: pages, downloads and the API read figures there (a streaming
replica in production), while sign-in, users and the audit trail stay on ``DATABASE_URL``."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from dashboard.web.server import create_server
from tests import auth
from tests.simulated import copy_database


def test_figures_come_from_the_read_database_and_accounts_from_the_primary(tmp_path, standard_sqlite_round_url):
    """On a copy of the session's standard round (simulating a round of its own took 8 s),
    which may hold other tests' accounts and audit events: this test's user has a name of
    its own, made after the copy."""
    primary = tmp_path / "primary.sqlite"
    replica = tmp_path / "replica.sqlite"
    copy_database(standard_sqlite_round_url, f"sqlite:///{primary}")
    shutil.copy(primary, replica)
    engine = sa.create_engine(f"sqlite:///{replica}")
    with engine.begin() as conn:  # the replica holds a different name: which one shows?
        conn.execute(sa.text("UPDATE facilitator SET name = 'Nama Dari Replika' WHERE regency_code = '35.77'"))
    engine.dispose()
    server = create_server(auth.settings(f"sqlite:///{primary}", database_read_url=f"sqlite:///{replica}"))
    client = server.test_client()
    auth.sign_in(client, f"sqlite:///{primary}", name="replica-reader")  # the user exists on the primary only
    rows = client.get("/api/v1/progress?level=facilitator&parent=35.77").get_json()["rows"]
    assert rows and {r["name"] for r in rows} == {"Nama Dari Replika"}
    auth.flush_audit(server)
    for database, events in ((primary, 1), (replica, 0)):
        audited = sa.create_engine(f"sqlite:///{database}")
        with audited.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM audit_event WHERE action = 'api' AND user_name = 'replica-reader'")).scalar_one() == events
        audited.dispose()


@pytest.mark.postgres
def test_the_app_servers_connections_to_postgresql_compile_no_jit(database_url_factory):
    """The pages' short aggregates paid 7-25 ms of JIT compilation each at 20M targets
    (``without_jit``): the app server's connections, to the primary and to the read
    database, switch it off; an engine of the writer's kind keeps the server's setting."""
    from dashboard.store.database import create_db_engine, get_engine, init_database

    primary, replica = database_url_factory("postgresql"), database_url_factory("postgresql")
    for url in (primary, replica):
        engine = init_database(url)
        with engine.begin() as conn:  # the server's default, whatever the cluster's configuration
            conn.execute(sa.text(f"ALTER DATABASE {engine.url.database} SET jit = on"))
        engine.dispose()
    writer = create_db_engine(primary)
    with writer.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar_one() == "on"
    with get_engine(primary).connect() as conn:  # a connection opened before the server exists
        conn.execute(sa.text("SELECT 1"))
    create_server(auth.settings(primary, database_read_url=replica))
    for url in (primary, replica):
        with get_engine(url).begin() as conn:  # in a transaction, as the pages' reads are
            assert conn.execute(sa.text("SHOW jit")).scalar_one() == "off", url
            assert conn.execute(sa.text("SELECT count(*) FROM round")).scalar_one() == 0
    with writer.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar_one() == "on"
    writer.dispose()
