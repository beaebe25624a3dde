"""The standard simulated round per database engine (``tests/conftest.py``), shared by the
access tests (they add users of their own names and never change the round)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def access_round_url(standard_round_url) -> str:
    return standard_round_url


@pytest.fixture(scope="session")
def site(access_round_url):
    from tests.integration.access.test_who_sees_what import Site

    return Site(access_round_url)
