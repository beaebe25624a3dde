"""The browser tests' shared site: the session's standard round on SQLite, served once for
every module here that asks for it (the accessibility scan, the three screen sizes)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard.factory import create_app
from tests import auth
from tests.browser import serve


@pytest.fixture(scope="package")
def site(standard_sqlite_round_url):
    """(base URL, a facilitator id of Kota Madiun) of the app on the session's standard
    round (read only), with an admin account (``auth.user_name("admin")``, the tests'
    password)."""
    url = standard_sqlite_round_url
    auth.ensure_user(url, "admin")
    with sa.create_engine(url).connect() as conn:
        facilitator = conn.execute(sa.text("SELECT facilitator_id FROM visit WHERE regency_code = '35.77' ORDER BY 1 LIMIT 1")).scalar_one()
    with serve(create_app(auth.settings(url)).server) as base:
        yield base, facilitator
