"""The figure cache's rule (``dashboard.figures.cache.cached``): a cached function either
takes the request's ``access`` (and is keyed by its class) or computes what everyone shares
and is private to the query layer, whose public functions check access first."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import dashboard.figures
from dashboard.access.policy import Access, Role
from dashboard.figures.cache import access_class


def _cached_functions():
    for module in pkgutil.iter_modules(dashboard.figures.__path__, "dashboard.figures."):
        for name, value in vars(importlib.import_module(module.name)).items():
            if callable(value) and hasattr(value, "uncached") and value.__module__ == module.name:
                yield module.name, name, value


def test_cached_functions_take_access_or_are_private():
    found = list(_cached_functions())
    assert len(found) >= 15
    for module, name, function in found:
        takes_access = "access" in inspect.signature(function.uncached).parameters
        assert takes_access or name.startswith("_"), f"{module}.{name} is cached for everyone but public"


def test_the_access_class_holds_what_decides_visibility_and_nothing_else():
    national = [Access.of_user(n, r, ()) for n, r in (("a", Role.NATIONAL), ("b", Role.ADMIN))]
    assert access_class(national[0]) == access_class(national[1])  # the same figures for both
    province = Access.of_user("p", Role.PROVINCE, ("35",))
    display = Access.of_user("d", Role.DISPLAY, ("35",))
    assert access_class(province) != access_class(display)  # a display sees no facilitators
    assert access_class(province) != access_class(Access.of_user("p", Role.PROVINCE, ("35",), open_comparison=True))
    assert access_class(Access.of_user("x", Role.PROVINCE, ("35", "33"))) == access_class(Access.of_user("y", Role.PROVINCE, ("33", "35")))


def test_single_flight_serialises_one_key_and_forgets_it_even_after_an_error():
    import threading
    import time

    from dashboard.figures import cache

    inside, most = [0], [0]

    def work(fail: bool) -> None:
        try:
            with cache.single_flight("k"):
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                time.sleep(0.01)
                inside[0] -= 1
                if fail:
                    raise RuntimeError("refused")
        except RuntimeError:
            pass

    threads = [threading.Thread(target=work, args=(i % 2 == 0,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1  # never two computations of one key at once
    assert "k" not in cache._flights  # nothing left behind, also after the errors


def test_audit_entries_hold_no_nul():
    from dashboard.access.audit import AuditAction, entry

    item = entry(AuditAction.EXPORT, None, "/export/regions.csv\x00", user="x\x00y")
    assert "\x00" not in item.detail and item.user == "xy"


def test_a_figure_computed_inside_another_does_not_wait_for_itself(tmp_path):
    """An answer's computation asks for its figures: each key has a lock of its own, so a
    nested key never waits on the outer one's lock (with lock files shared by digest, one
    collision in the suite waited the whole ``FLIGHT_WAIT_SECONDS``), and no lock file is
    left behind."""
    import time

    from dashboard.figures import cache

    backend = cache.make_backend(None, tmp_path)
    began = time.monotonic()
    with cache.single_flight("fig:outer", backend):
        for inner in range(300):
            with cache.single_flight(f"fig:inner{inner}", backend):
                pass
    assert time.monotonic() - began < 30  # nested flights never blocked
    assert list((tmp_path / "flights").iterdir()) == []
