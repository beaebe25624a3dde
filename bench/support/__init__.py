"""What the benchmarks share: Dash callback requests as the browser sends them, and the
server ``make run`` starts (gunicorn) on a free local port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dash_payload(output: str, inputs, state=()) -> dict:
    """The body of a ``/_dash-update-component`` request; ``output`` as in Dash's
    dependency list (``id.prop`` or ``..a.p...b.q..``), inputs and state as (id, prop, value)."""
    names = output.strip(".").split("...") if output.startswith("..") else [output]
    outputs = [dict(zip(("id", "property"), n.rsplit(".", 1))) for n in names]
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [f"{i}.{p}" for i, p, _ in inputs],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """gunicorn with ``gunicorn.conf.py`` (what ``make run`` serves with) on a free port of
    127.0.0.1, once ``/healthz`` answers; returns the process and the base URL."""
    port = free_port()
    env = {**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "app:server"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)  # quick shutdown: keep-alive connections need not drain
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
