"""The Flask server under the Dash app: sign-in and the area of each request, security
headers, health endpoints, the JSON API, downloads and response compression.

Kept free of Dash so that the server's contract (what a load balancer, an operator's
monitoring and an attacker see) is testable on its own.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from sqlalchemy.exc import SQLAlchemyError
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.figures import cache as figure_cache
from dashboard.settings import Settings
from dashboard.store.database import get_engine, without_jit
from dashboard.store.outage import RETRY_AFTER_SECONDS, is_outage
from dashboard.store.status import data_status
from dashboard.web.api import register_api
from dashboard.web.auth import register_auth
from dashboard.web.downloads import register_downloads
from dashboard.web.logs import log_slow_queries, register_request_logging
from dashboard.web.security import register_security_headers, secret_key
from dashboard.web.static import register_static_files


log = logging.getLogger(__name__)


def database_unavailable():
    """The answer to any request that met an unreachable database: 503, JSON, no detail."""
    response = jsonify(error="the database is unreachable; try again shortly")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def create_server(settings: Settings) -> Flask:
    """A Flask app with ``/healthz`` (liveness), ``/readyz`` (database readiness), sign-in
    and every route of the core; requests are authenticated before any view runs."""
    server = Flask("groundcheck", static_folder=None)
    server.config["GROUNDCHECK_SETTINGS"] = settings
    server.config["SECRET_KEY"] = secret_key(settings)
    # The largest body a client may send: a POST /api/v1/ingest of 20,000 visits (~35 MB).
    server.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)
    # plotly.min.js is 4.8 MB: compressed it is ~1.4 MB (cold page load on a wall screen).
    server.config["COMPRESS_MIMETYPES"] = [
        "text/html", "text/css", "application/javascript", "text/javascript", "application/json",
    ]
    Compress(server)
    register_static_files(server)  # after Compress: it runs first and leaves it nothing to do
    register_request_logging(server, settings)  # first: the request id exists for every other log line
    for url in dict.fromkeys([settings.database_url, settings.read_database_url]):
        log_slow_queries(get_engine(url), settings.slow_query_ms)
        without_jit(get_engine(url))
    figure_cache.configure(
        settings.read_database_url, figure_cache.make_backend(settings.redis_url, settings.cache_dir) if settings.figure_cache else None
    )
    register_security_headers(server, settings)
    register_auth(server, settings)

    @server.get("/healthz")
    def healthz():
        """Liveness: the process answers. Does not touch the database on purpose."""
        return jsonify(status="ok")

    @server.get("/readyz")
    def readyz():
        """Readiness: the database answers and has its schema; the newest submission says
        whether data is flowing. Anonymous callers (a load balancer) get the verdict only,
        signed-in users the details, admins also which database it is."""
        status = data_status(get_engine(settings.database_url))
        code = 200 if status.ready else 503
        access = g.get("access")
        if access is None or not access.signed_in:
            return jsonify(ready=status.ready), code
        return jsonify(status.to_json(with_location=access.is_admin)), code

    @server.errorhandler(413)
    def _too_large(_exc):
        return jsonify(error=f"the body is larger than {server.config['MAX_CONTENT_LENGTH'] // 2**20} MB"), 413

    @server.errorhandler(SQLAlchemyError)
    def _database_error(exc: SQLAlchemyError):
        """An unreachable database is an outage (503, logged once); any other database
        error a bug, logged with its traceback and answered without the driver's text."""
        if is_outage(exc):  # noted (and logged once) by the engine's own record
            return database_unavailable()
        log.exception("a query failed")
        return jsonify(error="internal error"), 500

    register_api(server, settings)
    register_downloads(server, settings)
    return server
