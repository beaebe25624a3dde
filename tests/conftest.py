"""Shared test fixtures: database URLs for both backends (SQLite and PostgreSQL).

Fixtures
--------
``postgres_server`` (session)
    A running :class:`tests._postgres.PostgresServer`. Started lazily, the first time a
    test (or ``database_url_factory("postgresql")``) needs it, and stopped and removed at
    the end of the session. Uses ``TEST_POSTGRES_URL`` instead when that is set.
    If PostgreSQL cannot be started the requesting tests ERROR with the reason; with
    ``GROUNDCHECK_SKIP_POSTGRES=1`` they are skipped instead.

``database_url_factory`` (session)
    A callable ``make_database_url(backend: str) -> str`` (backend ``"sqlite"`` or
    ``"postgresql"``) that creates a brand-new empty database and returns its SQLAlchemy
    URL. Usable from fixtures of any scope, e.g. one database per backend per module::

        from tests._postgres import BACKENDS

        @pytest.fixture(scope="module", params=BACKENDS)
        def seeded_url(request, database_url_factory):
            url = database_url_factory(request.param)
            ...  # create schema, load data
            return url

``standard_round_url`` (session; params ``sqlite`` / ``postgresql``)
    The standard 60,000-target simulated round, shared read-only across modules
    (``standard_sqlite_round_url`` and ``standard_postgresql_round_url``: one engine's).
    Simulated once per test run: the first pytest-xdist worker to need it makes it, the
    others restore a copy (``_made_once``); the same for ``finished_round_url`` and
    ``scored_round_url``.

``redis_url`` (session)
    A throwaway ``redis-server`` on a free port (``tests/_redis.py``), or ``TEST_REDIS_URL``;
    ``GROUNDCHECK_SKIP_REDIS=1`` skips the tests that need it.

``empty_database_url`` (function; params ``sqlite`` / ``postgresql``)
    The URL of a brand-new empty database for each test: ``sqlite:///<tmp_path>/test.sqlite``
    or ``postgresql+psycopg://postgres@127.0.0.1:<port>/<fresh db>``.

Tests parametrized over PostgreSQL (test ids containing ``postgresql``) and tests
using ``postgres_server`` get the ``postgres`` marker, so ``-m "not postgres"`` runs
the SQLite side only.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

import pytest

from tests._file_order import known_durations, longest_first
from tests._file_order import pytest_addoption, pytest_runtest_logreport, pytest_sessionfinish  # noqa: F401 (hooks)
from tests._postgres import BACKENDS, PostgresServer, PostgresUnavailable
from tests._redis import SKIP_ENV as REDIS_SKIP_ENV
from tests._redis import RedisServer, RedisUnavailable

SKIP_ENV = "GROUNDCHECK_SKIP_POSTGRES"


class _LazyPostgres:
    """Starts the server on first use; remembers a failure so it is not retried per test."""

    def __init__(self) -> None:
        self.server: PostgresServer | None = None
        self.error: str | None = None

    def get(self) -> PostgresServer:
        if os.environ.get(SKIP_ENV) == "1":
            pytest.skip(f"PostgreSQL tests skipped ({SKIP_ENV}=1)")
        if self.error is not None:
            pytest.fail(self.error, pytrace=False)
        if self.server is None:
            server = PostgresServer()
            try:
                server.start()
            except PostgresUnavailable as exc:
                self.error = (
                    f"PostgreSQL could not be started for the tests:\n{exc}\n"
                    f"(set {SKIP_ENV}=1 to skip the PostgreSQL tests, or TEST_POSTGRES_URL "
                    "to use an existing server)"
                )
            if self.error is not None:
                pytest.fail(self.error, pytrace=False)
            self.server = server
        return self.server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


#: Argon2id at its lowest cost, for the accounts the tests make and sign in with.
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


@pytest.fixture(scope="session", autouse=True)
def production_password_hasher():
    """The app's password hasher (Argon2id, RFC 9106 low-memory: 64 MiB, 3 passes, about
    0.1 s a hash or check) is replaced for the session by Argon2id at its lowest cost, as
    Django advises for test suites: the suite hashes and checks hundreds of passwords, and
    what it proves of accounts (hashed, checked, locked out, re-hashed) does not depend on
    the cost. Yields the app's own hasher: ``test_sign_in`` holds its cost
    (``test_the_app_hashes_passwords_at_the_cost_of_rfc_9106``) and guesses with it in
    ``test_parallel_guesses_cannot_dodge_the_lockout`` (the slow check is what makes the
    guesses overlap). App processes the tests start keep the app's hasher."""
    from argon2 import PasswordHasher

    from dashboard.access import accounts

    production = accounts._hasher
    cheap = PasswordHasher(**CHEAP_ARGON2)
    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "_hasher", cheap)
    patch.setattr(accounts, "_DUMMY_HASH", cheap.hash("not a password of anyone"))
    yield production
    patch.undo()


@pytest.fixture(scope="session")
def _lazy_postgres():
    lazy = _LazyPostgres()
    yield lazy
    lazy.stop()


@pytest.fixture(scope="session")
def postgres_server(_lazy_postgres) -> PostgresServer:
    """The session's PostgreSQL server (started on first request)."""
    return _lazy_postgres.get()


@pytest.fixture(scope="session")
def database_url_factory(_lazy_postgres, tmp_path_factory) -> Callable[[str], str]:
    """``make_database_url(backend) -> url``: a brand-new empty database per call."""
    counter = itertools.count(1)

    def make_database_url(backend: str) -> str:
        if backend == "sqlite":
            directory = tmp_path_factory.mktemp(f"sqlite{next(counter)}")
            return f"sqlite:///{directory}/test.sqlite"
        if backend in ("postgresql", "postgres"):
            return _lazy_postgres.get().create_database()
        raise ValueError(f"unknown database backend {backend!r} (use 'sqlite' or 'postgresql')")

    return make_database_url


#: The standard round of each engine, made once per worker process (see ``standard_round_url``).
_STANDARD_ROUNDS: dict[str, str] = {}
#: The fabrication-risk threshold of ``scored_round_url`` (see there).
SCORED_ROUND_THRESHOLD = 25.0


def _save(url: str, path) -> None:
    """The database ``url`` written to ``path``: a file copy (SQLite) or ``pg_dump``."""
    import subprocess

    import sqlalchemy as sa

    from tests._postgres import find_bindir
    from tests.simulated import copy_database

    if url.startswith("sqlite"):
        copy_database(url, f"sqlite:///{path}")
        return
    uri = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run([str(find_bindir() / "pg_dump"), "--format=custom", "--no-owner", f"--file={path}", uri], check=True, capture_output=True)


def _restore(path, url: str) -> None:
    """``url`` (a new empty database) made what ``_save`` wrote to ``path``."""
    import shutil
    import subprocess

    import sqlalchemy as sa

    from tests._postgres import find_bindir

    if url.startswith("sqlite"):
        shutil.copyfile(path, sa.make_url(url).database)
        return
    uri = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run([str(find_bindir() / "pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={uri}", str(path)], check=True, capture_output=True)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # pg_restore brings no planner statistics
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def _made_once(name: str, url: str, make: Callable[[str], None], tmp_path_factory) -> str:
    """``url`` (a new empty database) made by ``make`` once per test run and copied by the
    other pytest-xdist workers (each has its own PostgreSQL server and temporary
    directory): the rounds of the session's fixtures took each worker about a minute of
    simulating. The first worker to ask makes it under a file lock, in the directory the
    workers share (pytest-xdist's documented way to build session data once)."""
    from filelock import FileLock

    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        make(url)
        return url
    shared = tmp_path_factory.getbasetemp().parent
    saved = shared / f"{name}.{'sqlite' if url.startswith('sqlite') else 'pgdump'}"
    with FileLock(str(saved) + ".lock"):
        if saved.is_file():
            _restore(saved, url)
        else:
            make(url)
            partial = saved.with_name(saved.name + ".partial")
            _save(url, partial)
            partial.rename(saved)  # a worker that fails half-way leaves no half copy
    return url


def _standard_round(backend: str, database_url_factory, tmp_path_factory) -> str:
    if backend not in _STANDARD_ROUNDS:
        from tests.simulated import simulate_small

        _STANDARD_ROUNDS[backend] = _made_once(
            f"standard-round-{backend}", database_url_factory(backend), lambda url: simulate_small(url, families=60_000), tmp_path_factory
        )
    return _STANDARD_ROUNDS[backend]


@pytest.fixture(scope="session", params=BACKENDS)
def standard_round_url(request, database_url_factory, tmp_path_factory) -> str:
    """The standard simulated round (60,000 targets, ``tests.simulated`` defaults) on each
    engine, made once per test run (copied into each worker's own database) and shared by
    the tests that only read it (they may add users, tokens and audit events, never round
    data)."""
    return _standard_round(request.param, database_url_factory, tmp_path_factory)


@pytest.fixture(scope="session")
def standard_sqlite_round_url(database_url_factory, tmp_path_factory) -> str:
    """The standard round on SQLite alone (the same database as ``standard_round_url``'s
    SQLite one), for tests that need one engine only. Read only, as that one: a test that
    writes round data takes a copy (``tests.simulated.copy_database``)."""
    return _standard_round("sqlite", database_url_factory, tmp_path_factory)


@pytest.fixture(scope="session")
def standard_postgresql_round_url(database_url_factory, tmp_path_factory) -> str:
    """The standard round on PostgreSQL alone (the same database as ``standard_round_url``'s
    PostgreSQL one), for a test that compares it with the SQLite one. Read only."""
    return _standard_round("postgresql", database_url_factory, tmp_path_factory)


@pytest.fixture(scope="session")
def finished_round_url(database_url_factory, tmp_path_factory) -> str:
    """A round seen after its end (120,000 targets, SQLite): every planned visit is in, so
    every injected defect is visible. Shared by the simulator's rate checks and the quality
    rules' recall; read only.

    Its simulated tables only: the simulator's derived tables (rollups, stored flags and
    risk scores, alerts) are left empty, 15 s of its 30. Its users read the visits and the
    simulator's record of its defects; the derived tables of a simulated round are tested on
    the standard round (``test_stored_flags``, ``test_rollup_refresh``, ``test_alerts``)."""
    import datetime as dt

    from dashboard.simulation import run
    from tests.simulated import simulate_small

    def make(url: str) -> None:
        with pytest.MonkeyPatch.context() as patch:
            for derived in ("rebuild_rollups", "_refresh_quality", "_evaluate_alerts"):
                patch.setattr(run, derived, lambda *args, **kwargs: None)
            simulate_small(url, as_of=dt.datetime(2027, 4, 1))

    return _made_once("finished-round", database_url_factory("sqlite"), make, tmp_path_factory)


@pytest.fixture(scope="session")
def scored_round_url(database_url_factory, tmp_path_factory) -> str:
    """A copy of the standard 60,000-target round on SQLite with its risk scores from 2 interviews on
    (a small round gives each facilitator 1-3), so that the quality pages have scores to
    show, and a threshold of 25 instead of 50: from 2-3 interviews the score's shrinkage
    keeps every fabricator under 50 by design (theirs run up to 38, the honest ones' to
    13), and the pages and alerts need some facilitators at high risk to show. With enough
    interviews the default holds (bench/README.md).
    Read only: a test that changes it takes a copy (``tests.simulated.copy_database``)."""
    from dashboard.quality.refresh import refresh_quality, regency_polygons
    from dashboard.quality.risk import RiskParameters
    from dashboard.quality.rules import QualityParameters
    from dashboard.settings import get_settings
    from dashboard.store.database import get_engine
    from tests.simulated import AS_OF, copy_database

    def make(url: str) -> None:
        copy_database(_standard_round("sqlite", database_url_factory, tmp_path_factory), url)
        refresh_quality(get_engine(url), 1, AS_OF, QualityParameters(), RiskParameters(threshold=SCORED_ROUND_THRESHOLD, min_interviews=2),
                        regency_polygons(get_settings().geodata_dir), rebuild=True)

    return _made_once("scored-round", database_url_factory("sqlite"), make, tmp_path_factory)


@pytest.fixture(scope="session")
def redis_url():
    """The URL of the session's Redis server (started on first use, stopped at the end);
    skipped with ``GROUNDCHECK_SKIP_REDIS=1``."""
    if os.environ.get(REDIS_SKIP_ENV) == "1":
        pytest.skip(f"Redis tests skipped ({REDIS_SKIP_ENV}=1)")
    server = RedisServer()
    try:
        url = server.start()
    except RedisUnavailable as exc:
        pytest.fail(f"Redis could not be started for the tests: {exc} (set {REDIS_SKIP_ENV}=1 to skip them)", pytrace=False)
    yield url
    server.stop()


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path, database_url_factory) -> str:
    """URL of a brand-new empty database; runs each test on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/test.sqlite"
    return database_url_factory(request.param)


@pytest.hookimpl(trylast=True)  # after pytest's own ordering by fixture, which would undo ours
def pytest_collection_modifyitems(config, items):
    postgres = pytest.mark.postgres
    for item in items:
        if item.get_closest_marker("postgres"):
            continue
        callspec = getattr(item, "callspec", None)
        ids = callspec.id.split("-") if callspec is not None else []
        if "postgresql" in ids or "postgres_server" in getattr(item, "fixturenames", ()):
            item.add_marker(postgres)
    if hasattr(config, "workerinput"):  # the workers' collection is the controller's queue
        items[:] = longest_first(items, known_durations())
