"""The kept waiting cases' partial indexes hold the open statuses, in the words the queries
that use them repeat (SQLite uses a partial index only when the query says its condition)."""

from __future__ import annotations


def test_the_partial_indexes_hold_exactly_the_open_statuses():
    from dashboard.store import models
    from dashboard.store.waiting import STATUS_CODES

    assert models.OPEN_CASES == "status IN (" + ", ".join(f"'{s}'" for s in STATUS_CODES) + ")"
    for index in models.WaitingCase.__table__.indexes:
        assert str(index.dialect_options["sqlite"]["where"]) == str(index.dialect_options["postgresql"]["where"]) == models.OPEN_CASES
