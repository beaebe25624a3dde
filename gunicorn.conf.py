"""gunicorn settings: what ``make run`` serves with, and production (``gunicorn -c
gunicorn.conf.py app:server``).

Threads in few processes: a callback spends much of its time waiting on the database, and
the figures are shared through the cache (``CACHE_DIR`` or ``REDIS_URL``) between the
processes, so each process need not compute them again. ``WEB_WORKERS`` (default: one per
CPU core) and ``WEB_THREADS`` (default 4) set the size; ``HOST``/``PORT`` the address.
"""

from __future__ import annotations

import multiprocessing

import gunicorn.http.wsgi

from dashboard.settings import get_settings

_settings = get_settings()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.web_workers or multiprocessing.cpu_count()
worker_class = "gthread"
threads = _settings.web_threads
# A national page's callbacks take well under a second; a minute covers a cold start on
# a large database without letting a stuck request hold a thread for ever.
timeout = 60
graceful_timeout = 30
# Longer than a page's refresh interval and a reader's pause: a connection the server
# closes just as the browser reuses it is a reset request (measured with 5 s under load).
keepalive = 75
# No preload_app: each worker builds its app after the fork, with its own threads (the audit
# writer, token notes) and database connections.
preload_app = False
# Requests are logged by the app's own logs, not one line per static file.
accesslog = None
errorlog = "-"
loglevel = _settings.log_level.lower()
# No version banner: gunicorn writes "Server: gunicorn" into every response.
gunicorn.http.wsgi.SERVER = "groundcheck"


def post_fork(_server, _worker) -> None:
    """Each worker logs as the app does (LOG_FORMAT: JSON lines by default) on stderr."""
    from dashboard.web.logs import configure_logging

    configure_logging(_settings)
