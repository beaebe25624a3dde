"""The review queue's own small round (``tests.review_round``) on each engine, one database
per test module: the modules record reviews, and each checks what its own wrote."""

from __future__ import annotations

import pytest

from tests._postgres import BACKENDS
from tests.review_round import ReviewRound, build_review_round


@pytest.fixture(scope="module", params=BACKENDS)
def review_round(request, database_url_factory) -> ReviewRound:
    return build_review_round(database_url_factory(request.param))
