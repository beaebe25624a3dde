"""Throwaway PostgreSQL servers for the test suite.

``PostgresServer`` either

* starts a private cluster (``initdb`` + ``pg_ctl start``) in a temporary directory,
  listening on 127.0.0.1 on a free port with its unix socket in that directory and
  durability switched off for speed, and removes it again on ``stop()``; or
* when ``TEST_POSTGRES_URL`` is set (e.g. ``postgresql://user:pw@host:5432/postgres``),
  uses that existing server, on which it may ``CREATE DATABASE``; the databases it
  created are dropped again on ``stop()``.

``create_database()`` makes a fresh, empty database and returns its SQLAlchemy URL,
``postgresql+psycopg://postgres@127.0.0.1:<port>/<dbname>`` for a private cluster.

initdb/pg_ctl refuse to run as root; as root they are run as the ``postgres`` system
user (``runuser -u postgres --``), which owns the temporary directory.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

#: Parameters for fixtures that run once per database backend, e.g.
#: ``@pytest.fixture(scope="module", params=BACKENDS)``. The PostgreSQL one carries the
#: ``postgres`` marker (so ``-m "not postgres"`` deselects it).
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]

ENV_URL = "TEST_POSTGRES_URL"
DIR_PREFIX = "groundcheck-pg-"
OWNER_FILE = "owner.pid"

# Settings for a cluster whose data we throw away anyway.
_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "logging_collector": "off",
    "timezone": "'UTC'",
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be found or started."""


def find_bindir() -> Path:
    """Directory holding initdb/pg_ctl/postgres; newest /usr/lib/postgresql/<v>/bin wins.

    ``PG_BINDIR`` overrides; PATH is the last resort.
    """
    override = os.environ.get("PG_BINDIR")
    if override:
        if (Path(override) / "initdb").exists():
            return Path(override)
        raise PostgresUnavailable(f"PG_BINDIR={override} has no initdb")

    def version(p: str) -> tuple[int, ...]:
        m = re.search(r"/postgresql/([\d.]+)/bin", p)
        return tuple(int(x) for x in m.group(1).split(".")) if m else (0,)

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb) found in /usr/lib/postgresql/*/bin or PATH; "
        "run `bash scripts/ensure_system_packages.sh` (as root) or `apt-get install postgresql`, "
        f"or point {ENV_URL} at an existing server"
    )


def _base_tmpdir() -> str:
    """Where clusters live. As root the directory must be traversable by ``postgres``,
    and the unix socket path must stay short (< 108 bytes), so use /tmp then."""
    if os.geteuid() == 0 and os.path.isdir("/tmp"):
        return "/tmp"
    return tempfile.gettempdir()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PostgresServer:
    """A PostgreSQL server for tests: private throwaway cluster or ``TEST_POSTGRES_URL``."""

    def __init__(self, server_url: str | None = None) -> None:
        if server_url is None:
            server_url = os.environ.get(ENV_URL) or None
        self.external_url = server_url
        self.tmpdir: Path | None = None
        self.port: int | None = None
        self.bindir: Path | None = None
        self.startup_seconds: float | None = None
        self._created: list[str] = []
        self._counter = itertools.count(1)
        self._started = False

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> PostgresServer:
        if self._started:
            return self
        t0 = time.monotonic()
        if self.external_url:
            self._check_external()
        else:
            self._start_private()
        self.startup_seconds = time.monotonic() - t0
        self._started = True
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        """Stop and remove a private cluster / drop the databases made on an external server."""
        if not self._started:
            return
        self._started = False
        if self.external_url:
            self._drop_created()
        elif self.tmpdir is not None:
            self._stop_cluster(self.tmpdir)
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def pause(self) -> None:
        """Stop the server but keep its data (an outage); :meth:`resume` starts it again on
        the same port. Private clusters only."""
        if self.external_url or self.tmpdir is None:
            raise PostgresUnavailable("only a private test cluster can be paused")
        self._run(
            [str(self.bindir / "pg_ctl"), "stop", "-D", str(self.tmpdir / "data"), "-m", "fast", "-w", "-t", "60"],
            cwd=self.tmpdir, what="pg_ctl stop",
        )

    def resume(self) -> None:
        self._run(
            [str(self.bindir / "pg_ctl"), "start", "-D", str(self.tmpdir / "data"), "-l", str(self.tmpdir / "server.log"),
             "-w", "-t", "60", "-o", f"-p {self.port}"],
            cwd=self.tmpdir, what="pg_ctl start",
        )

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ databases
    def create_database(self, name: str | None = None) -> str:
        """Create a fresh empty database and return its SQLAlchemy URL."""
        if not self._started:
            self.start()
        if name is None:
            name = f"gc_test_{os.getpid()}_{next(self._counter)}_{uuid.uuid4().hex[:6]}"
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
            raise ValueError(f"unsafe database name {name!r}")
        with self._admin_connection() as conn:
            # FILE_COPY (PostgreSQL 15+) is ~3x faster than the default WAL_LOG here.
            strategy = " STRATEGY = FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{name}"{strategy}')
        self._created.append(name)
        return self.url(name)

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL of database *dbname* on this server."""
        if self.external_url:
            from sqlalchemy.engine import make_url

            u = make_url(self.external_url).set(drivername="postgresql+psycopg", database=dbname)
            return u.render_as_string(hide_password=False)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    @property
    def server_url(self) -> str:
        return self.url("postgres")

    # ------------------------------------------------------------------ internals
    def _admin_connection(self):
        import psycopg

        if self.external_url:
            from sqlalchemy.engine import make_url

            u = make_url(self.external_url)
            kwargs = {
                "host": u.host,
                "port": u.port,
                "user": u.username,
                "password": u.password,
                "dbname": u.database or "postgres",
            }
            kwargs.update({k: v for k, v in u.query.items() if isinstance(v, str)})
            kwargs = {k: v for k, v in kwargs.items() if v is not None}
        else:
            kwargs = {"host": "127.0.0.1", "port": self.port, "user": "postgres", "dbname": "postgres"}
        return psycopg.connect(autocommit=True, connect_timeout=10, **kwargs)

    def _check_external(self) -> None:
        try:
            with self._admin_connection() as conn:
                conn.execute("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - report whatever went wrong
            raise PostgresUnavailable(f"cannot connect to {ENV_URL} server: {exc}") from exc

    def _drop_created(self) -> None:
        if not self._created:
            return
        try:
            with self._admin_connection() as conn:
                for name in self._created:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - best effort cleanup
            pass
        self._created.clear()

    # private cluster ---------------------------------------------------------
    @staticmethod
    def _as_postgres_user() -> tuple[list[str], int | None, int | None]:
        """Command prefix to run PostgreSQL tools, and the uid/gid to chown files to."""
        if os.geteuid() != 0:
            return [], None, None
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise PostgresUnavailable(
                "running as root but there is no 'postgres' system user to run initdb as "
                "(install the Debian postgresql package, or run the tests as a normal user)"
            ) from exc
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        return [runuser, "-u", "postgres", "--"], pw.pw_uid, pw.pw_gid

    @classmethod
    def _run(cls, args: list[str], cwd: Path, what: str, timeout: float = 120) -> None:
        prefix, _, _ = cls._as_postgres_user()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", TZ="UTC")
        try:
            proc = subprocess.run(
                prefix + args,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresUnavailable(f"{what} timed out after {timeout}s") from exc
        if proc.returncode != 0:
            raise PostgresUnavailable(
                f"{what} failed (exit {proc.returncode}): {' '.join(prefix + args)}\n"
                f"{proc.stdout}\n{proc.stderr}".rstrip()
            )

    def _start_private(self) -> None:
        self.bindir = find_bindir()
        reap_stale_clusters()
        _, uid, gid = self._as_postgres_user()

        self.tmpdir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=_base_tmpdir()))
        (self.tmpdir / OWNER_FILE).write_text(str(os.getpid()))
        datadir = self.tmpdir / "data"
        if uid is not None:
            os.chown(self.tmpdir, uid, gid)
            os.chmod(self.tmpdir, 0o700)
        try:
            self._run(
                [
                    str(self.bindir / "initdb"),
                    "-D", str(datadir),
                    "-U", "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                cwd=self.tmpdir,
                what="initdb",
            )
            settings = dict(_SERVER_SETTINGS, unix_socket_directories=f"'{self.tmpdir}'")
            with open(datadir / "postgresql.conf", "a") as f:
                f.write("\n# groundcheck test settings\n")
                for key, value in settings.items():
                    f.write(f"{key} = {value}\n")

            last_error: Exception | None = None
            for _attempt in range(3):  # the free port may be taken between probe and bind
                self.port = _free_port()
                try:
                    self._run(
                        [
                            str(self.bindir / "pg_ctl"),
                            "start",
                            "-D", str(datadir),
                            "-l", str(self.tmpdir / "server.log"),
                            "-w", "-t", "60",
                            "-o", f"-p {self.port}",
                        ],
                        cwd=self.tmpdir,
                        what="pg_ctl start",
                    )
                    break
                except PostgresUnavailable as exc:
                    last_error = exc
                    self._stop_cluster(self.tmpdir)
            else:
                log = self.tmpdir / "server.log"
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise PostgresUnavailable(f"{last_error}\n--- server.log ---\n{tail}")
        except BaseException:
            self._stop_cluster(self.tmpdir)
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
            raise

    @classmethod
    def _stop_cluster(cls, tmpdir: Path) -> None:
        datadir = tmpdir / "data"
        pidfile = datadir / "postmaster.pid"
        if not pidfile.exists():
            return
        try:
            bindir = find_bindir()
            cls._run(
                [str(bindir / "pg_ctl"), "stop", "-D", str(datadir), "-m", "immediate", "-w", "-t", "30"],
                cwd=tmpdir,
                what="pg_ctl stop",
                timeout=60,
            )
        except Exception:  # noqa: BLE001 - fall back to signalling the postmaster
            try:
                pid = int(pidfile.read_text().split()[0])
                os.kill(pid, signal.SIGQUIT)
                for _ in range(50):
                    if not _pid_alive(pid):
                        break
                    time.sleep(0.1)
                else:
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass


def reap_stale_clusters() -> None:
    """Stop and remove clusters left behind by test runs that died (owner pid gone)."""
    for d in glob.glob(os.path.join(_base_tmpdir(), DIR_PREFIX + "*")):
        path = Path(d)
        try:
            owner = int((path / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            continue
        if owner == os.getpid() or _pid_alive(owner):
            continue
        PostgresServer._stop_cluster(path)
        shutil.rmtree(path, ignore_errors=True)
