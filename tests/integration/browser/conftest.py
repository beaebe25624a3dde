"""The browser tests' shared site: the session's standard round on SQLite, served once for
every module here that asks for it (the accessibility scan, the three screen sizes); and
one Chromium per module, each test's page in a fresh context of it (``tests.browser``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard.factory import create_app
from tests import auth
from tests.browser import serve, sharing_chromium


@pytest.fixture(scope="module", autouse=True)
def one_chromium_per_module():
    """The module's tests open their pages in one Chromium (a launch and a stop cost 0.5-1 s)."""
    with sharing_chromium():
        yield


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
