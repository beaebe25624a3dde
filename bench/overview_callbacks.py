"""Benchmark: server time (p50/p95) and response size of the pages' callbacks (overview,
drill-down, quality).

    PYTHONPATH=. .venv/bin/python bench/overview_callbacks.py --database-url sqlite:///path/1M.sqlite

Calls every callback through Flask's test client (the full Dash request path, no browser),
``--repeat`` times each, and prints milliseconds and bytes. Make the database with
``bench/simulator_throughput.py`` (KEEP=1) or ``python -m dashboard.simulate --families 1000000``.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time

from dashboard.access.accounts import create_user, issue_token, list_users
from dashboard.factory import create_app
from dashboard.settings import Settings
from dashboard.store.database import get_engine


def _payload(output: str, outputs, inputs, state=()):
    return {"output": output, "outputs": outputs, "inputs": inputs, "state": list(state), "changedPropIds": [i["id"] + "." + i["property"] for i in inputs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL (the demo database of `make run`)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    settings = Settings(**({"database_url": args.database_url} if args.database_url else {}))
    app = create_app(settings)
    client = app.server.test_client()
    # Signed in as a national user through an API token (a user "bench-national" is
    # created on first use with a random password nobody knows).
    engine = get_engine(settings.database_url)
    if not any(u.name == "bench-national" for u in list_users(engine)):
        create_user(engine, "bench-national", "national", (), secrets.token_urlsafe(24))
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + issue_token(engine, "bench-national")

    poll = client.post(
        "/_dash-update-component",
        json=_payload("data-version.data", {"id": "data-version", "property": "data"},
                      [{"id": "refresh-timer", "property": "n_intervals", "value": 1}, {"id": "url", "property": "search", "value": ""}],
                      [{"id": "data-version", "property": "data", "value": None}]),
    )
    version = poll.get_json()["response"]["data-version"]["data"]
    lang = {"id": "page-lang", "property": "data", "value": "id"}
    scale = {"id": "font-scale", "property": "data", "value": 1}
    v = {"id": "data-version", "property": "data", "value": version}
    view = {"id": "overview-map-view", "property": "value", "value": "map"}
    def calls_for(scope_code):
        where = {"id": "overview-scope", "property": "data", "value": scope_code}
        return {
            "map (metric change, full figure)": _payload(
                "overview-map.figure", {"id": "overview-map", "property": "figure"},
                [{"id": "overview-metric", "property": "value", "value": "completion_pct"}, view, v, scale],
                [where, lang, {"id": "overview-map", "property": "figure", "value": None}]),
            "map (refresh, Patch)": {
                **_payload("overview-map.figure", {"id": "overview-map", "property": "figure"},
                           [{"id": "overview-metric", "property": "value", "value": "completion_pct"}, view, v, scale],
                           [where, lang, {"id": "overview-map", "property": "figure", "value": {"data": []}}]),
                "changedPropIds": ["data-version.data"],
            },
            "kpis": _payload("..overview-kpis.children...overview-message.children..",
                             [{"id": "overview-kpis", "property": "children"}, {"id": "overview-message", "property": "children"}], [v], [where, lang]),
            "progress": _payload("overview-progress.figure", {"id": "overview-progress", "property": "figure"},
                                 [v, scale], [where, lang]),
            "ranking": _payload("overview-ranking.children", {"id": "overview-ranking", "property": "children"},
                                [v, {"id": "overview-metric", "property": "value", "value": "completion_pct"}], [where, lang]),
            "categories + funnel": _payload("..overview-categories.figure...overview-funnel.figure..",
                                            [{"id": "overview-categories", "property": "figure"}, {"id": "overview-funnel", "property": "figure"}],
                                            [v, scale], [where, lang]),
        }

    regency = {"id": "regency-scope", "property": "data", "value": "32.01"}
    grid_request = {"startRow": 0, "endRow": 25, "sortModel": [{"colId": "completion_pct", "sort": "asc"}], "filterModel": {}}
    drilldown = {
        "kabkota 32.01: kpis + progress + kecamatan": _payload(
            "..regency-kpis.children...regency-progress.figure...regency-districts.figure..",
            [{"id": "regency-kpis", "property": "children"}, {"id": "regency-progress", "property": "figure"},
             {"id": "regency-districts", "property": "figure"}],
            [v, scale], [regency, lang]),
        "kabkota 32.01: facilitator grid page": _payload(
            "..regency-facilitators.getRowsResponse...regency-table-count.children..",
            [{"id": "regency-facilitators", "property": "getRowsResponse"}, {"id": "regency-table-count", "property": "children"}],
            [{"id": "regency-facilitators", "property": "getRowsRequest", "value": grid_request}, v], [regency, lang]),
        "pendamping PKH-3201-001: page content": _payload(
            "..facilitator-content.children...facilitator-summary.children..",
            [{"id": "facilitator-content", "property": "children"}, {"id": "facilitator-summary", "property": "children"}],
            [v, scale], [{"id": "facilitator-id", "property": "data", "value": "PKH-3201-001"}, lang]),
    }
    def quality_calls(scope_code):
        where = {"id": "quality-scope", "property": "data", "value": scope_code}
        metric = {"id": "quality-metric", "property": "value", "value": "flagged_pct"}
        calls = {
            "kpis": _payload("quality-kpis.children", {"id": "quality-kpis", "property": "children"}, [v], [where, lang]),
            "flags by rule + per day": _payload(
                "..quality-rules.figure...quality-trend.figure..",
                [{"id": "quality-rules", "property": "figure"}, {"id": "quality-trend", "property": "figure"}],
                [v, scale], [where, lang]),
            "facilitators (risk, flags)": _payload(
                "quality-facilitators.children", {"id": "quality-facilitators", "property": "children"}, [v], [where, lang]),
        }
        if scope_code is None or len(scope_code) == 2:
            calls["map (full figure)"] = _payload(
                "quality-map.figure", {"id": "quality-map", "property": "figure"}, [metric, {"id": "quality-map-view", "property": "value", "value": "map"}, v, scale],
                [where, lang, {"id": "quality-map", "property": "figure", "value": None}])
            calls["kabupaten/kota table"] = _payload(
                "quality-regions.children", {"id": "quality-regions", "property": "children"}, [v, metric], [where, lang])
        return calls

    calls = {
        "poll data version (unchanged)": _payload(
            "data-version.data", {"id": "data-version", "property": "data"},
            [{"id": "refresh-timer", "property": "n_intervals", "value": 2}, {"id": "url", "property": "search", "value": ""}], [v]),
        **{f"national: {k}": p for k, p in calls_for(None).items()},
        **{f"province 35: {k}": p for k, p in calls_for("35").items()},
        **drilldown,
        **{f"quality national: {k}": p for k, p in quality_calls(None).items()},
        **{f"quality 35: {k}": p for k, p in quality_calls("35").items()},
        **{f"quality 32.01: {k}": p for k, p in quality_calls("32.01").items()},
    }
    print(f"{'callback':48} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9}")
    for name, payload in calls.items():
        times, size = [], 0
        for _ in range(args.repeat):
            began = time.perf_counter()
            response = client.post("/_dash-update-component", json=payload)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code in (200, 204), (name, response.status_code, response.data[:300])
            size = len(response.data)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(f"{name:48} {statistics.median(times):8.1f} {p95:8.1f} {size:9,}")


if __name__ == "__main__":
    main()
