"""``create_app``: the one place where the Dash app is assembled.

This is the only module of ``dashboard`` that imports Dash (a test checks it): it is the
composition root that joins the core to ``layouts``, ``callbacks`` and ``geodata``.
Nothing registers itself on import; pages and callbacks are registered here, explicitly,
so that each test can build its own app with its own settings.
"""

from __future__ import annotations

import re

import dash
from dash import Dash, dcc, html
from flask import Flask, Response, request

from dashboard.settings import REPO_ROOT, Settings, get_settings
from dashboard.web.security import set_script_hashes
from dashboard.web.server import create_server


def create_app(settings: Settings | None = None) -> Dash:
    """A new Dash app (and its Flask ``server``) for ``settings`` (default: the environment)."""
    import callbacks
    from geodata import register_geodata_routes
    from layouts.pages import register_pages

    settings = settings or get_settings()
    server = create_server(settings)
    register_geodata_routes(server, settings.geodata_dir)
    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        title="Ground Check DTSEN · NSCC",
        assets_folder=str(REPO_ROOT / "assets"),
        # Wall screens may be offline: every script and stylesheet comes from this server.
        serve_locally=True,
        external_stylesheets=[],
        external_scripts=[],
        update_title=None,
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    register_pages(settings)
    _serve_the_page_shell(server, settings)
    app.layout = html.Div(
        [
            dcc.Location(id="url"),
            dcc.Store(id="html-lang"),
            dcc.Store(id="data-version"),
            dcc.Store(id="font-scale"),
            dcc.Interval(id="refresh-timer", interval=settings.refresh_interval_seconds * 1000),
            dash.page_container,
        ]
    )
    callbacks.register_all(app, settings)
    # The Content-Security-Policy allows Dash's inline start-up script by its hash only.
    set_script_hashes(server, app.csp_hashes)
    return app


def _serve_the_page_shell(server: Flask, settings: Settings) -> None:
    """Dash answers every address with the same page shell and draws each page in the
    browser. The shell still says two things the server knows: HTTP 404 where no page has
    the address (link checkers, monitors and search engines see what a person sees; the app
    draws its not-found view), and ``<html lang>``, the language the address asks for
    (screen readers pronounce by it; ``callbacks/refresh.py`` follows a change without a
    reload)."""
    from dashboard.i18n import LANGUAGES

    patterns = [
        re.compile("^" + "[^/]+".join(re.escape(part) for part in re.split(r"<[^>/]+>", page.get("path_template") or page["path"])).rstrip("/") + "/?$")
        for page in dash.page_registry.values() if page["module"] != "not_found_404"
    ]

    @server.after_request
    def _shell(response: Response) -> Response:
        rule = request.url_rule.rule if request.url_rule else None
        if rule not in ("/", "/<path:path>") or response.mimetype != "text/html" or response.direct_passthrough:
            return response
        if response.status_code == 200 and not any(pattern.match(request.path) for pattern in patterns):
            response.status_code = 404
        lang = request.args.get("lang")
        lang = lang if lang in LANGUAGES else settings.default_language
        response.set_data(response.get_data().replace(b"<html>", f'<html lang="{lang}">'.encode(), 1))
        return response
