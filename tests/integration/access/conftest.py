"""One small simulated round per database engine, shared by the access tests (they add
users of their own names and never change the round)."""

from __future__ import annotations

import pytest

from tests._postgres import BACKENDS
from tests.simulated import simulate_small


@pytest.fixture(scope="session", params=BACKENDS)
def access_round_url(request, database_url_factory) -> str:
    url = database_url_factory(request.param)
    simulate_small(url, families=34_000)
    return url


@pytest.fixture(scope="session")
def site(access_round_url):
    from tests.integration.access.test_who_sees_what import Site

    return Site(access_round_url)
