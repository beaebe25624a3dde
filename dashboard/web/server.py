"""The Flask server under the Dash app: health endpoints and response compression.

Kept free of Dash so that the server's contract (what a load balancer and an operator's
monitoring see) is testable on its own.
"""

from __future__ import annotations

from flask import Flask, jsonify
from flask_compress import Compress

from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.store.status import data_status
from dashboard.web.api import register_api
from dashboard.web.downloads import register_downloads


def create_server(settings: Settings) -> Flask:
    """A Flask app with ``/healthz`` (liveness) and ``/readyz`` (database readiness)."""
    server = Flask("groundcheck")
    server.config["GROUNDCHECK_SETTINGS"] = settings
    # plotly.min.js is 4.8 MB: compressed it is ~1.4 MB (cold page load on a wall screen).
    server.config["COMPRESS_MIMETYPES"] = [
        "text/html", "text/css", "application/javascript", "text/javascript", "application/json",
    ]
    Compress(server)

    @server.get("/healthz")
    def healthz():
        """Liveness: the process answers. Does not touch the database on purpose."""
        return jsonify(status="ok")

    @server.get("/readyz")
    def readyz():
        """Readiness: the database answers and has its schema; the newest submission says
        whether data is flowing."""
        status = data_status(get_engine(settings.database_url))
        return jsonify(status.to_json()), 200 if status.ready else 503

    register_api(server, settings)
    register_downloads(server, settings)
    return server
