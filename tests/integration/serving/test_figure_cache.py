"""Figures computed once per data version and shared (issue 11): cached answers equal
computed ones; new data is seen by the next refresh; one area's figures are never served
to another; on the local file cache and on Redis."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.figures import cache as figure_cache
from dashboard.settings import get_settings
from dashboard.simulation.run import run_live
from tests.integration.access.test_who_sees_what import RANKING, Site
from tests.simulated import AS_OF, copy_database

#: The region-taking callbacks of the overview, regency and quality pages, as a national
#: user asks for them (scope store values filled in per call).
VIEWS = [
    ("overview-map.figure", [("overview-metric", "value", "completion_pct"), ("overview-map-view", "value", "map"), ("data-version", "data", None), ("font-scale", "data", 1)], [("overview-scope", "data", "SCOPE"), ("page-lang", "data", "id"), ("overview-map", "figure", None)]),
    ("..overview-kpis.children...overview-message.children..", [("data-version", "data", None)], [("overview-scope", "data", "SCOPE"), ("page-lang", "data", "id")]),
    ("overview-progress.figure", [("data-version", "data", None), ("font-scale", "data", 1)], [("overview-scope", "data", "SCOPE"), ("page-lang", "data", "en")]),
    (RANKING, [("data-version", "data", None), ("overview-metric", "value", "return_rate")], [("overview-scope", "data", "SCOPE"), ("page-lang", "data", "id")]),
    ("..overview-categories.figure...overview-funnel.figure..", [("data-version", "data", None), ("font-scale", "data", 1)], [("overview-scope", "data", "SCOPE"), ("page-lang", "data", "id")]),
    ("quality-map.figure", [("quality-metric", "value", "flagged_pct"), ("quality-map-view", "value", "tiles"), ("data-version", "data", None), ("font-scale", "data", 1)], [("quality-scope", "data", "SCOPE"), ("page-lang", "data", "id"), ("quality-map", "figure", None)]),
    ("quality-kpis.children", [("data-version", "data", None)], [("quality-scope", "data", "SCOPE"), ("page-lang", "data", "id")]),
    ("..quality-rules.figure...quality-trend.figure..", [("data-version", "data", None), ("font-scale", "data", 1)], [("quality-scope", "data", "SCOPE"), ("page-lang", "data", "id")]),
    ("quality-regions.children", [("data-version", "data", None), ("quality-metric", "value", "flagged_pct")], [("quality-scope", "data", "SCOPE"), ("page-lang", "data", "id")]),
    ("quality-facilitators.children", [("data-version", "data", None)], [("quality-scope", "data", "SCOPE"), ("page-lang", "data", "id")]),
]
REGENCY = ("..regency-kpis.children...regency-progress.figure...regency-districts.figure..", [("data-version", "data", None), ("font-scale", "data", 1)], [("regency-scope", "data", "35.77"), ("page-lang", "data", "id")])


def _full_ranking(answers: dict[str, str]) -> list[dict]:
    """The rows of the full ranking (the dialog's table) in the answers of ``_answers``."""
    return json.loads(answers[RANKING])["response"]["overview-ranking-full"]["children"][0]["props"]["data"]


def _fill(values, version, scope):
    return [(i, p, version if i == "data-version" else (scope if v == "SCOPE" else v)) for i, p, v in values]


def _answers(site: Site, who: str, scope: str | None, version: dict) -> dict[str, str]:
    answers = {}
    for output, inputs, state in VIEWS:
        response = site.call(who, output, _fill(inputs, version, scope), _fill(state, version, scope))
        assert response.status_code == 200, output
        answers[output] = json.dumps(response.get_json(), sort_keys=True)
    return answers


@pytest.fixture(scope="module", params=["files", "redis"])
def cache_settings(request, tmp_path_factory):
    if request.param == "redis":
        redis_url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        return {"redis_url": redis_url}
    return {"cache_dir": tmp_path_factory.mktemp("figure-cache")}


@pytest.fixture(scope="module")
def round_url(standard_sqlite_round_url):
    """The session's standard round, read only: the tests that add data take a copy."""
    return standard_sqlite_round_url


#: Answers of the read-only round computed with the cache switched off, by (who, scope):
#: the same for either cache, so computed once for the module.
_COMPUTED: dict = {}


def _computed(round_url: str, *keys: tuple[str, str | None]) -> dict:
    """The computed answers of each (who, scope) of ``keys`` ("regency-view": REGENCY's answer).
    The cache is one per database and process: call this before switching it on."""
    missing = [key for key in keys if key not in _COMPUTED]
    if missing:
        computed = Site(round_url, figure_cache=False)
        for who, scope in missing:
            if who == "regency-view":
                output, inputs, state = REGENCY
                _COMPUTED[(who, scope)] = computed.call("national", output, _fill(inputs, computed.version, None), state).get_json()
            else:
                _COMPUTED[(who, scope)] = _answers(computed, who, scope, computed.version)
    return {key: _COMPUTED[key] for key in keys}


def test_cached_answers_equal_computed_ones_and_are_shared(round_url, cache_settings):
    # The cache is one per database and process: compute the expected answers first, with
    # it switched off, then switch it on.
    computed = _computed(round_url, ("national", None), ("national", "35"), ("regency-view", None))
    expected = {scope: computed[("national", scope)] for scope in (None, "35")}
    regency = REGENCY
    expected_regency = computed[("regency-view", None)]
    cached = Site(round_url, **cache_settings)
    for scope in (None, "35"):
        before = dict(figure_cache.stats)
        first = _answers(cached, "national", scope, cached.version)
        assert figure_cache.stats["misses"] > before["misses"]  # computed once ...
        misses, kept = figure_cache.stats["misses"], figure_cache.stats["answers_kept"]
        again = _answers(cached, "admin", scope, cached.version)  # ... by another user, the same access
        assert figure_cache.stats["misses"] == misses  # nothing computed twice
        assert figure_cache.stats["answers_kept"] >= kept + len(VIEWS)  # every answer from the cache
        assert first == again == expected[scope]
    assert cached.call("national", regency[0], _fill(regency[1], cached.version, None), regency[2]).get_json() == expected_regency


def test_one_areas_figures_are_never_served_to_another(round_url, cache_settings):
    expected = _computed(round_url, ("province", None), ("province", "35"), ("regency", "35"))
    site = Site(round_url, **cache_settings)
    national = _answers(site, "national", None, site.version)  # computed and kept first
    before = figure_cache.stats["misses"]
    province = _answers(site, "province", None, site.version)  # the same inputs, another access
    assert figure_cache.stats["misses"] > before  # not taken from the national entries
    assert national != province and province == expected[("province", None)]
    ranking = _full_ranking(province)
    assert len(ranking) == 1 and "/provinsi/35" in ranking[0]["name"]
    # The kabupaten/kota of Jawa Timur for the province user, then for Kota Madiun's user.
    mine = _answers(site, "province", "35", site.version)
    theirs = _answers(site, "regency", "35", site.version)
    assert mine == expected[("province", "35")] and theirs == expected[("regency", "35")]
    rows = _full_ranking(theirs)
    assert len(rows) == 1 and "/kabkota/35.77" in rows[0]["name"]
    assert mine[RANKING] != theirs[RANKING]


def test_new_data_is_seen_by_the_next_refresh(round_url, database_url_factory, cache_settings):
    url = copy_database(round_url, database_url_factory("sqlite"))  # new data is written below
    site = Site(url, **cache_settings)
    before = _answers(site, "national", None, site.version)
    assert _answers(site, "national", None, site.version) == before  # served from the cache
    ticks = iter([AS_OF + dt.timedelta(hours=3)])
    run_live(url, 1, get_settings().geodata_dir, tick_seconds=0, clock=lambda: next(ticks), max_ticks=1, progress=False)
    poll = site.call("national", "data-version.data", [("refresh-timer", "n_intervals", 2), ("url", "search", "")], [("data-version", "data", site.version)])
    version = poll.get_json()["response"]["data-version"]["data"]
    assert version["version"] == site.version["version"] + 1
    after = _answers(site, "national", None, version)
    assert after["..overview-kpis.children...overview-message.children.."] != before["..overview-kpis.children...overview-message.children.."]
    computed = Site(url, figure_cache=False)  # switches the cache off: last
    assert after == _answers(computed, "national", None, version)


def test_a_refresh_of_the_quality_alone_is_seen_too(round_url, database_url_factory, cache_settings):
    """A rebuild of the flags and scores (new thresholds, say) without new visits changes
    what the pages show: the poll tells open pages, and no kept figure hides it."""
    from dashboard.quality.refresh import refresh_quality
    from dashboard.quality.rules import QualityParameters
    from dashboard.store.database import get_engine

    url = copy_database(round_url, database_url_factory("sqlite"))  # flags are rebuilt below
    site = Site(url, **cache_settings)
    before = _answers(site, "national", None, site.version)
    refresh_quality(get_engine(url), 1, AS_OF, QualityParameters(min_interview_seconds_family=3000), rebuild=True)
    poll = site.call("national", "data-version.data", [("refresh-timer", "n_intervals", 2), ("url", "search", "")], [("data-version", "data", site.version)])
    version = poll.get_json()["response"]["data-version"]["data"]
    assert version["version"] == site.version["version"] and version["figures"] != site.version["figures"]
    after = _answers(site, "national", None, version)
    assert after["quality-kpis.children"] != before["quality-kpis.children"]


_SERVE = """
import sys
from werkzeug.serving import make_server
from dashboard.factory import create_app
from tests import auth
app = create_app(auth.settings(sys.argv[1], redis_url=sys.argv[2]))
server = make_server("127.0.0.1", 0, app.server, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def test_two_app_processes_share_one_redis(round_url, redis_url, tmp_path):
    """Two app servers (processes) on one Redis and one database: the second serves what
    the first computed (no new entry appears) and both see the same data version."""
    import os
    import subprocess
    import sys
    import urllib.request
    from pathlib import Path

    import redis

    from dashboard.access.accounts import issue_token
    from dashboard.store.database import get_engine
    from tests import auth

    root = Path(__file__).resolve().parents[3]
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    token = issue_token(get_engine(round_url), auth.ensure_user(round_url, "national"))
    processes = [
        subprocess.Popen([sys.executable, "-c", _SERVE, round_url, redis_url], stdout=subprocess.PIPE, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, text=True)
        for _ in range(2)
    ]
    try:
        ports = [int(p.stdout.readline()) for p in processes]

        def call(port: int, output: str, inputs, state):
            names = output.strip(".").split("...") if output.startswith("..") else [output]
            outputs = [dict(zip(("id", "property"), n.rsplit(".", 1))) for n in names]
            body = {
                "output": output, "outputs": outputs if output.startswith("..") else outputs[0],
                "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
                "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
                "changedPropIds": [f"{i}.{p}" for i, p, _ in inputs],
            }
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/_dash-update-component", data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)

        poll = [("refresh-timer", "n_intervals", 1), ("url", "search", "")], [("data-version", "data", None)]
        versions = [call(port, "data-version.data", *poll)["response"]["data-version"]["data"] for port in ports]
        assert versions[0] == versions[1]
        first = [call(ports[0], output, _fill(inputs, versions[0], None), _fill(state, versions[0], None)) for output, inputs, state in VIEWS]
        keys = set(store.keys("groundcheck:*"))
        assert len(keys) >= len(VIEWS)
        second = [call(ports[1], output, _fill(inputs, versions[1], None), _fill(state, versions[1], None)) for output, inputs, state in VIEWS]
        assert second == first
        assert set(store.keys("groundcheck:*")) == keys  # the second process computed nothing
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


_FLIGHT = """
import pathlib, sys, time
from dashboard.figures import cache
redis_url, cache_dir, start, record = sys.argv[1:5]
backend = cache.make_backend(redis_url or None, pathlib.Path(cache_dir))
print("ready", flush=True)
while not pathlib.Path(start).exists():
    time.sleep(0.005)
with cache.single_flight("fig:flight-test", backend):
    if backend.get("fig:flight-test") is None:
        with open(record, "a") as out:
            out.write("computed\\n")
        time.sleep(1.0)
        backend.set("fig:flight-test", 42)
print(backend.get("fig:flight-test"), flush=True)
"""


def test_worker_processes_asking_at_once_compute_a_figure_once(cache_settings, tmp_path):
    """Three processes (gunicorn's workers, or app servers on one Redis) ask for one missing
    figure in the same instant: one computes it, the others wait and read it (at 20M targets
    the national waiting cases took two computations of a minute each, side by side)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    if "redis_url" in cache_settings:
        import redis

        redis.Redis.from_url(cache_settings["redis_url"]).delete("groundcheck:fig:flight-test")
    cache_dir = tmp_path / "cache"  # a fresh one: the module's may hold the key already
    start, record = tmp_path / "start", tmp_path / "computed"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _FLIGHT, cache_settings.get("redis_url", ""), str(cache_dir), str(start), str(record)],
            stdout=subprocess.PIPE, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, text=True,
        )
        for _ in range(3)
    ]
    try:
        assert [p.stdout.readline().strip() for p in processes] == ["ready"] * 3
        start.touch()  # all three ask now
        answers = [p.communicate(timeout=60)[0].strip() for p in processes]
    finally:
        for p in processes:
            p.kill() if p.poll() is None else None
    assert answers == ["42"] * 3
    assert record.read_text().splitlines() == ["computed"]  # once, not three times
    if "redis_url" not in cache_settings:
        assert sorted(p.name for p in cache_dir.iterdir()) == ["figures", "flights"]
        assert oct(cache_dir.stat().st_mode & 0o777) == oct(0o700)
