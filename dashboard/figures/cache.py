"""Figures computed once per data version, shared by every viewer, callback, download and
API call that needs them.

Every read model of this package that is costly (the base counts and what is built on them)
is decorated with :func:`cached`. Its result is kept under a key made of the database, the
round, the **data version** (the rollups' version and the moment the quality flags and
risk scores were last refreshed: both change when the writer folds in a batch), the
**access class** of the request (what it may see: the whole nation, or a set of areas, with
or without facilitators) and the arguments. A new batch of data gives new keys, so nothing
is ever invalidated by guessing a time-to-live; old entries simply stop being asked for and
are evicted. Two users whose access is the same share entries; users whose access differs
never do, so a figure computed for one area is never served to another.

Backends (``cachelib``, the Pallets library under Flask-Caching; used directly because the
core is free of Flask): a ``RedisCache`` when ``REDIS_URL`` is set (several app servers
share it), else a ``FileSystemCache`` in ``CACHE_DIR/figures`` (the worker processes of one
host share it). Each backend also keeps one computation of a key at a time among all who
share it (:func:`single_flight`). ``configure`` is called by the composition root; until then, or with the cache
switched off, every call computes.

Values are pickled by the backend: the cache directory is created for its owner only, and a
Redis server must be as trusted as the database.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from cachelib import BaseCache, FileSystemCache, RedisCache
from filelock import FileLock, Timeout
from sqlalchemy import select
from sqlalchemy.engine import Engine, make_url

from dashboard.access.policy import Access
from dashboard.store import models

log = logging.getLogger(__name__)

#: Entries live at most this long (garbage collection only: keys change with the data; an
#: entry of a round whose data no longer changes is computed again once an hour).
ENTRY_SECONDS = 3600
#: Entries a file-system cache keeps before it evicts (each a few KB to a few hundred KB).
FILE_ENTRIES = 20_000
F = TypeVar("F", bound=Callable[..., Any])

_caches: dict[str, BaseCache] = {}
_lock = threading.Lock()
#: Counts of this process, for the benchmarks and the tests (not a metric of the product).
stats = {"hits": 0, "misses": 0, "answers_kept": 0}


_flights: dict[str, list] = {}  # key → [lock, threads holding or waiting for it]

#: How long a request waits for another process (or host) computing the same figure before
#: it computes the figure itself: the national waiting cases take a minute at 20M targets.
FLIGHT_WAIT_SECONDS = 300
#: Before every key the figures keep in Redis (which may hold the sign-in limits too).
KEY_PREFIX = "groundcheck:"


@contextmanager
def single_flight(key: str, backend: BaseCache | None = None):
    """One computation of ``key`` at a time: other threads of the process wait, and when
    ``backend`` is one of :func:`make_backend`'s, so do the other worker processes (a lock
    file beside the cache's files) or app servers (a Redis lock). Right after new data,
    forty wall screens ask for the same figures in the same second, and a page's callbacks
    ask for one figure at once: without this, each thread, and each process, would compute
    it again (a minute each at 20M targets). Callers look in the cache again once inside.
    A wait longer than ``FLIGHT_WAIT_SECONDS``, or a lock that cannot be taken (Redis
    gone), computes without waiting more: a figure computed twice is better than none."""
    with _thread_flight(key):
        flight = getattr(backend, "flight", None)
        if flight is None:
            yield
        else:
            with flight(key):
                yield


@contextmanager
def _thread_flight(key: str):
    """The threads of this process: the lock of a key lives while some thread holds or
    waits for it (a count), also when the work raises."""
    with _lock:
        entry = _flights.setdefault(key, [threading.Lock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            yield
    finally:
        with _lock:
            entry[1] -= 1
            if entry[1] == 0 and _flights.get(key) is entry:
                del _flights[key]


class FigureFiles(FileSystemCache):
    """The figures of one host, in files; their computations serialised between the worker
    processes by lock files (``filelock``, an OS lock: released when a process dies) in a
    directory of their own beside the entries, one per key while it is computed. One file
    per key, not a fixed set shared by digest: a figure computed inside another (an answer
    and its figures) whose key shared the outer one's file would wait for itself."""

    def __init__(self, directory: Path) -> None:
        entries, self.flights_dir = directory / "figures", directory / "flights"
        for folder in (directory, entries, self.flights_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(folder, 0o700)
        super().__init__(str(entries), threshold=FILE_ENTRIES, default_timeout=ENTRY_SECONDS, mode=0o600)

    @contextmanager
    def flight(self, key: str):
        path = self.flights_dir / (hashlib.sha256(key.encode()).hexdigest() + ".lock")
        lock = FileLock(path, mode=0o600, thread_local=False)
        try:
            lock.acquire(timeout=FLIGHT_WAIT_SECONDS)
        except Timeout:
            log.warning("waited %s s for another process computing a figure; computing it too", FLIGHT_WAIT_SECONDS)
            yield
            return
        try:
            yield
        finally:
            lock.release()
            # Removed once released, so that the directory does not grow with every key. A
            # process that opened it before may then hold a lock on the removed file while a
            # newcomer locks a new one: both look in the cache first, so at worst a figure
            # is computed twice.
            path.unlink(missing_ok=True)


class FigureRedis(RedisCache):
    """The figures of several app servers, in one Redis; their computations serialised by a
    Redis lock (redis-py's, which expires if its holder dies)."""

    def __init__(self, client) -> None:
        super().__init__(host=client, key_prefix=KEY_PREFIX, default_timeout=ENTRY_SECONDS)
        self._client = client

    @contextmanager
    def flight(self, key: str):
        lock = self._client.lock(f"{KEY_PREFIX}flight:{key}", timeout=FLIGHT_WAIT_SECONDS, blocking_timeout=FLIGHT_WAIT_SECONDS)
        try:
            held = lock.acquire()
        except Exception:  # a cache that fails must not take a page down
            log.warning("figure cache lock unavailable; computing", exc_info=True)
            held = False
        else:
            if not held:
                log.warning("waited %s s for another server computing a figure; computing it too", FLIGHT_WAIT_SECONDS)
        try:
            yield
        finally:
            if held:
                try:
                    lock.release()
                except Exception:  # expired (a computation longer than the wait) or Redis gone
                    log.warning("figure cache lock lost before its release", exc_info=True)


def make_backend(redis_url: str | None, cache_dir: Path) -> BaseCache:
    """The shared backend: Redis when ``redis_url`` is given, else files in ``cache_dir``
    (its entries in ``figures/``, the lock files of their computations in ``flights/``)."""
    if redis_url:
        import redis

        return FigureRedis(redis.Redis.from_url(redis_url))
    return FigureFiles(cache_dir)


def configure(database_url: str, backend: BaseCache | None) -> None:
    """Cache the figures of ``database_url`` in ``backend`` (None: compute every time).
    One backend per database and process: the last app configured decides (a process
    serves one app; tests that compare cached and computed answers switch in between)."""
    key = make_url(database_url).render_as_string(hide_password=False)  # as engines render it
    with _lock:
        if backend is None:
            _caches.pop(key, None)
        else:
            _caches[key] = backend


def backend_of(engine: Engine) -> BaseCache | None:
    return _caches.get(engine.url.render_as_string(hide_password=False))


def data_version(engine: Engine, round_id: int) -> str | None:
    """What changes whenever the figures of the round may change: the rollups' version and
    the time of the newest quality refresh (None for a round without rollups)."""
    r, q = models.RollupState, models.QualityState
    with engine.connect() as conn:
        row = conn.execute(
            select(r.version, r.refreshed_at.label("rolled_up_at"), q.refreshed_at, q.risk_scored_at)
            .select_from(r)
            .outerjoin(q, q.round_id == r.round_id)
            .where(r.round_id == round_id)
        ).first()
    if row is None:
        return None
    return f"{row.version}:{row.rolled_up_at}:{row.refreshed_at}:{row.risk_scored_at}"


def access_class(access: Access) -> str:
    """What decides what a request may see, and nothing else (not the user's name)."""
    if not access.signed_in:
        return "none"
    sees = "f" if access.sees_facilitators else "r"
    area = "all" if access.nationwide_area else ",".join(sorted(access.codes))
    return f"{sees}:{area}:{int(access.open_comparison)}"


def _code_version() -> str:
    """A digest of the code that builds figures and answers: after a deploy, entries made
    by the old code are not served for the current data version."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for folder in ("dashboard", "callbacks", "layouts"):
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


#: See :func:`_code_version` (computed once per process).
CODE_VERSION = _code_version()


def _key(database_url: str, name: str, round_id: int, version: str, access: Access | None, args: tuple, kwargs: dict) -> str:
    shared = "shared" if access is None else access_class(access)
    described = repr((CODE_VERSION, database_url, name, round_id, version, shared, args, sorted(kwargs.items())))
    return "fig:" + hashlib.sha256(described.encode()).hexdigest()


def cached(func: F) -> F:
    """Keep ``func(engine, round_id, ...)``'s result per data version (and per access class
    when it takes ``access=``).

    A function that takes ``access`` must raise for what it may not see: it runs, and
    raises, whenever its result is not in the cache, so an entry exists only for an access
    class that was allowed to compute it. A function without ``access`` computes what
    everyone shares; it must be private to the query layer, whose public functions check
    access before they call it and leave out of its result what the request may not see."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(engine: Engine, round_id: int, *args, **kwargs):
        backend = backend_of(engine)
        if backend is None:
            return func(engine, round_id, *args, **kwargs)
        version = data_version(engine, round_id)
        if version is None:
            return func(engine, round_id, *args, **kwargs)
        access = kwargs.get("access")
        others = {k: v for k, v in kwargs.items() if k != "access"}
        key = _key(engine.url.render_as_string(hide_password=False), name, round_id, version, access, args, others)
        try:
            hit = backend.get(key)
        except Exception:  # a cache that fails must not take a page down
            log.warning("figure cache unavailable; computing", exc_info=True)
            return func(engine, round_id, *args, **kwargs)
        if hit is not None:
            stats["hits"] += 1
            return hit
        with single_flight(key, backend):  # the viewers who ask at once wait for one computation
            try:
                hit = backend.get(key)
            except Exception:
                hit = None
            if hit is not None:
                stats["hits"] += 1
                return hit
            stats["misses"] += 1
            value = func(engine, round_id, *args, **kwargs)
            try:
                backend.set(key, value)
            except Exception:
                log.warning("figure cache unavailable; not kept", exc_info=True)
            return value

    wrapper.uncached = func  # the naive path, for the benchmarks
    return wrapper  # type: ignore[return-value]
