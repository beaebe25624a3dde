"""The wall's choices from its address: which panels a scope shows and the rotation's cycle."""

from __future__ import annotations

from dashboard.figures.queries import Scope
from layouts.wall import CYCLE_RANGE, DEFAULT_CYCLE_SECONDS, PANELS, cycle_seconds, panels_for


def test_each_scope_gets_the_panels_it_can_fill():
    assert panels_for(Scope.national(), None) == list(PANELS)
    assert panels_for(Scope.of("35"), None) == ["map", "ranking", "quality", "findings", "training", "progress"]  # the tile grid holds provinces
    assert panels_for(Scope.of("35.77"), None) == ["quality", "findings", "training", "progress"]  # no regions below it
    # Without boundary files the nation keeps its tile grid, a province has no map.
    assert panels_for(Scope.national(), None, boundaries=False) == ["tiles", "ranking", "quality", "findings", "training", "progress"]
    assert panels_for(Scope.of("35"), None, boundaries=False) == ["ranking", "quality", "findings", "training", "progress"]


def test_the_panels_asked_for_come_in_their_order_and_unknown_ones_are_dropped():
    assert panels_for(Scope.national(), "progress,map, map ,nope") == ["progress", "map"]
    assert panels_for(Scope.of("35.77"), "map,tiles") == ["quality", "findings", "training", "progress"]  # none valid: all it has
    assert panels_for(Scope.national(), ",,") == list(PANELS)


def test_the_cycle_is_whole_seconds_within_its_range():
    assert cycle_seconds("20") == 20 and cycle_seconds(None) == DEFAULT_CYCLE_SECONDS
    assert cycle_seconds("1") == CYCLE_RANGE[0] and cycle_seconds("99999") == CYCLE_RANGE[1]
    for text in ("²", "-5", "5.5", "abc", "", "1" * 50):
        assert cycle_seconds(text) == DEFAULT_CYCLE_SECONDS
