"""The order in which the workers take the test files (``tests/_file_order.py``)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from tests._file_order import _narrowed, known_durations, longest_first


def _items(*nodeids: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(nodeid=nodeid) for nodeid in nodeids]


def test_files_are_taken_longest_first_unmeasured_ones_before_all_each_keeping_its_tests_order():
    items = _items("a.py::t1", "b.py::t1", "a.py::t2", "c.py::t1", "new.py::t1", "b.py::t2", "newer.py::t1")
    ordered = longest_first(items, {"a.py": 3.0, "b.py": 40.0, "c.py": 0.5})
    assert [item.nodeid for item in ordered] == [
        "new.py::t1", "newer.py::t1", "b.py::t1", "b.py::t2", "a.py::t1", "a.py::t2", "c.py::t1",
    ]


def test_a_missing_or_malformed_durations_file_orders_nothing_and_breaks_nothing(tmp_path):
    path = tmp_path / "durations.json"
    assert known_durations(path) == {}
    for text in ("{not json", "[1, 2]", '{"a.py": null}', '{"a.py": "slow"}'):
        path.write_text(text)
        assert known_durations(path) == {}, text
    path.write_text(json.dumps({"a.py": 12.5, "b.py": 3}))
    assert known_durations(path) == {"a.py": 12.5, "b.py": 3.0}


def test_a_run_narrowed_to_some_tests_of_its_files_is_not_recorded():
    def config(args=("tests",), **options):
        defaults = {"keyword": "", "markexpr": "", "lf": False, "deselect": None}
        return SimpleNamespace(option=SimpleNamespace(**{**defaults, **options}), args=list(args))

    assert not _narrowed(config())
    assert not _narrowed(config(args=("tests/unit/test_file_order.py",)))
    assert _narrowed(config(keyword="waiting"))
    assert _narrowed(config(markexpr="not postgres"))
    assert _narrowed(config(lf=True))
    assert _narrowed(config(deselect=["tests/x.py::test_y"]))
    assert _narrowed(config(args=("tests/x.py::test_y",)))
