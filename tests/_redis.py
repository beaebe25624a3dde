"""A throwaway Redis server for the tests (Debian's ``redis-server``, installed by
``scripts/ensure_system_packages.sh``), on a free port, without persistence; or the one
``TEST_REDIS_URL`` names."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time

ENV_URL = "TEST_REDIS_URL"
SKIP_ENV = "GROUNDCHECK_SKIP_REDIS"


class RedisUnavailable(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.url: str | None = os.environ.get(ENV_URL) or None
        self._process: subprocess.Popen | None = None
        self._dir: str | None = None

    def start(self) -> str:
        if self.url:
            return self.url
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisUnavailable("redis-server is not installed (bash scripts/ensure_system_packages.sh installs it)")
        port = _free_port()
        self._dir = tempfile.mkdtemp(prefix="groundcheck-redis-")
        self._process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", self._dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        self.url = f"redis://127.0.0.1:{port}/0"
                        return self.url
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RedisUnavailable(f"redis-server did not answer on port {port}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None
            self.url = None
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
