"""Entry point: ``python app.py`` (what ``make run`` does) or ``gunicorn app:server``.

``python app.py`` prepares the database first (migrations, a demo round on an empty
database, the demo accounts on one without users), then serves on ``HOST:PORT``. Under
gunicorn the database must be prepared beforehand with ``python -m dashboard.manage
migrate`` and its first admin added with ``python -m dashboard.users add``.
"""

from __future__ import annotations

from dashboard.factory import create_app
from dashboard.settings import get_settings

settings = get_settings()
app = create_app(settings)
server = app.server

if __name__ == "__main__":
    from dashboard.manage import ensure_demo_database
    from dashboard.web.logs import configure_logging
    from dashboard.web.security import QuietRequestHandler

    configure_logging(settings)
    ensure_demo_database(settings)
    print(f"Serving the dashboard at http://{settings.host}:{settings.port}/", flush=True)
    app.run(host=settings.host, port=settings.port, debug=False, request_handler=QuietRequestHandler)
