"""``create_app``: the one place where the Dash app is assembled.

This is the only module of ``dashboard`` that imports Dash (a test checks it): it is the
composition root that joins the core to ``layouts`` and ``callbacks``. Nothing registers
itself on import; everything is wired here, explicitly, so that each test can build its
own app with its own settings.
"""

from __future__ import annotations

from dash import Dash

from dashboard.server import create_server
from dashboard.settings import REPO_ROOT, Settings, get_settings


def create_app(settings: Settings | None = None) -> Dash:
    """A new Dash app (and its Flask ``server``) for ``settings`` (default: the environment)."""
    import callbacks
    import layouts.shell

    settings = settings or get_settings()
    server = create_server(settings)
    app = Dash(
        __name__,
        server=server,
        title="Ground Check DTSEN · NSCC",
        assets_folder=str(REPO_ROOT / "assets"),
        # Wall screens may be offline: every script and stylesheet comes from this server.
        serve_locally=True,
        external_stylesheets=[],
        external_scripts=[],
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = lambda: layouts.shell.layout(settings)
    callbacks.register_shell(app, settings)
    return app
