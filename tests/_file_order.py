"""The order in which the pytest-xdist workers take the test files: the longest first.

``--dist loadfile`` gives each test file to one worker, and a worker takes the next file
of a queue when it runs short. pytest-xdist orders that queue by the number of tests in a
file (``--loadscope-reorder``, its default), which put the files that simulate a round or
drive a browser, heavy and with few tests, at the end: the last four minutes of a run
had one worker busy and the other idle. With ``--no-loadscope-reorder`` (pytest.ini) the
queue follows the order of collection, which this module sorts by each file's run time in
``tests/durations.json``, longest first (files not in it first of all: a file not yet
measured may be heavy, and a light one costs nothing at the front).

``pytest --record-durations`` (with ``make test``: ``PYTEST_ARGS=--record-durations``)
writes each file's time of the run to that file (keeping the others'): the sum of its tests' set-up, call
and tear-down, as the controller receives them. Run it again when files are added or
change their weight; the order only needs to be roughly right. Only a whole run of whole
files is recorded (not one stopped, or narrowed with ``-k``, ``-m``, ``--lf``,
``--deselect`` or a test id): a file's time of a part would replace its whole. A session
fixture (the standard round) is charged to the first file that needs it on each worker,
one of the longest anyway.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS_FILE = Path(__file__).with_name("durations.json")

_seconds: defaultdict[str, float] = defaultdict(float)


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record-durations",
        action="store_true",
        help=f"write each test file's run time to {DURATIONS_FILE.name} (the order in which the workers take the files)",
    )


def known_durations(path: Path = DURATIONS_FILE) -> dict[str, float]:
    """Seconds per test file (its path from the repository root) of the last recorded run."""
    try:
        return {str(k): float(v) for k, v in json.loads(path.read_text()).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def longest_first(items: list, durations: dict[str, float]) -> list:
    """``items`` with the files of the longest recorded run first, each file's tests in their
    own order; files without a record go before all others, in their collected order."""
    first_seen: dict[str, int] = {}
    for item in items:
        first_seen.setdefault(_file(item.nodeid), len(first_seen))
    unknown = float("inf")

    def key(item) -> tuple[float, int]:
        path = _file(item.nodeid)
        return (-durations.get(path, unknown), first_seen[path])

    return sorted(items, key=key)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _seconds[_file(report.nodeid)] += report.duration


def _narrowed(config: pytest.Config) -> bool:
    """Whether the run left out tests of the files it ran."""
    option = config.option
    return bool(
        getattr(option, "keyword", "") or getattr(option, "markexpr", "") or getattr(option, "lf", False)
        or getattr(option, "deselect", None) or any("::" in arg for arg in config.args)
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not config.getoption("--record-durations") or hasattr(config, "workerinput"):
        return  # only the controller (or a run without workers) sees every file
    if not _seconds:
        return
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or _narrowed(config):
        print(f"\n--record-durations: {DURATIONS_FILE.name} left as it was (a stopped or narrowed run times files in part)")
        return
    # A run of some files updates theirs and keeps the others' (of files that still exist).
    root = config.rootpath
    durations = {path: s for path, s in known_durations().items() if (root / path).is_file()}
    durations.update({path: round(seconds, 1) for path, seconds in _seconds.items()})
    DURATIONS_FILE.write_text(json.dumps(dict(sorted(durations.items())), indent=1) + "\n")
