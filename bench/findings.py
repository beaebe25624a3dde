"""Benchmark: server time of the findings page (``/temuan``) and the waiting-cases page
(``/antrian``), every callback cold and cached, for the nation, a province and a
kabupaten/kota.

    PYTHONPATH=. .venv/bin/python bench/findings.py [--database-url URL] [--repeat 3] [--regency 35.77]

Each callback is called through Flask's test client (the whole Dash request path, signed
in as a national user with a token): *cold* with an empty figure cache (what the first
viewer after new data pays), *cached* (what everyone else pays). Findings read the rollups
(``rollup_rerank_day``); waiting times as of the newest data read the kept cases
(``rollup_waiting``, ``waiting_case``; a round built before migration 0016 computes them from
the raw rows until its next refresh or ``manage rollups``). Prints a table of p50 wall ms.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import tempfile
from pathlib import Path

from bench.serving import _timed
from bench.support import dash_payload
from dashboard.access.accounts import AccountError, create_user, issue_token
from dashboard.factory import create_app
from dashboard.figures import cache as figure_cache
from dashboard.settings import Settings, get_settings
from dashboard.store.database import get_engine


def pages(version: dict, regency: str) -> dict[str, list[tuple[str, dict]]]:
    v, lang = version, ("page-lang", "data", "id")

    def findings(scope):
        where = [("findings-scope", "data", scope), lang]
        calls = [
            ("kpis", dash_payload("findings-kpis.children", [("data-version", "data", v), ("findings-programme", "value", "pkh")], where)),
            ("candidate types + inactive NIKs", dash_payload("..findings-categories.figure...findings-category-table.children...findings-nik.figure..",
                                                             [("data-version", "data", v), ("findings-programme", "value", "pkh"), ("font-scale", "data", 1)], where)),
            ("transition matrix", dash_payload("findings-matrix.figure", [("data-version", "data", v), ("findings-programme", "value", "pkh"), ("findings-matrix-category", "value", "all"),
                                                                          ("findings-matrix-mode", "value", "shares"), ("font-scale", "data", 1)], where)),
        ]
        if scope and len(scope) == 5:
            calls.append(("facilitators", dash_payload("findings-facilitators.children", [("data-version", "data", v), ("findings-metric", "value", "left_eligibility_pct"),
                                                                                         ("findings-programme", "value", "pkh")], where)))
        else:
            calls += [
                ("map", dash_payload("findings-map.figure", [("findings-metric", "value", "left_eligibility_pct"), ("findings-programme", "value", "pkh"), ("data-version", "data", v),
                                                             ("font-scale", "data", 1)], [*where, ("findings-map", "figure", None)])),
                ("ranking", dash_payload("findings-regions.children", [("data-version", "data", v), ("findings-metric", "value", "left_eligibility_pct"), ("findings-programme", "value", "pkh")], where)),
            ]
        return calls

    def waiting(scope):
        where = [("waiting-scope", "data", scope), lang]
        return [
            ("status cards + ages", dash_payload("..waiting-summary.children...waiting-ages.figure..", [("data-version", "data", v), ("font-scale", "data", 1)], where)),
            ("review backlog", dash_payload("waiting-backlog.children", [("data-version", "data", v)], where)),
            ("oldest facilitators", dash_payload("waiting-facilitators.children", [("data-version", "data", v)], where)),
            ("cases (submitted)", dash_payload("waiting-cases.children", [("data-version", "data", v), ("waiting-status", "value", "submitted")], where)),
        ]

    return {
        "findings national": findings(None), "findings province 35": findings("35"), f"findings kab/kota {regency}": findings(regency),
        "waiting national": waiting(None), "waiting province 35": waiting("35"), f"waiting kab/kota {regency}": waiting(regency),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL (the demo database of `make run`)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regency", default="35.77")
    args = parser.parse_args()
    url = args.database_url or get_settings().database_url
    cache_dir = Path(tempfile.mkdtemp(prefix="groundcheck-bench-cache-"))
    settings = Settings(database_url=url, cache_dir=cache_dir, secret_key=secrets.token_urlsafe(48))
    client = create_app(settings).server.test_client()
    engine = get_engine(url)
    try:
        create_user(engine, "bench-national", "national", (), secrets.token_urlsafe(24))
    except AccountError:
        pass
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + issue_token(engine, "bench-national")
    poll = client.post("/_dash-update-component", json=dash_payload("data-version.data", [("refresh-timer", "n_intervals", 1), ("url", "search", "")], [("data-version", "data", None)]))
    version = poll.get_json()["response"]["data-version"]["data"]
    backend = figure_cache.backend_of(engine)

    def post(payload):
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code in (200, 204), (response.status_code, response.get_data(as_text=True)[:300])

    with engine.connect() as conn:
        targets = conn.exec_driver_sql("SELECT count(*) FROM target").scalar_one()
    print(f"{url.split('/')[-1]} · {engine.dialect.name} · {targets:,} targets · p50 of {args.repeat} · wall ms")
    print("| page | callback | cold | cached |")
    print("|---|---|---|---|")
    totals: dict[str, list[float]] = {}
    for page, calls in pages(version, args.regency).items():
        # Cold page: empty cache, every callback in turn (a callback after the first may
        # find what it needs computed by the one before, as in a browser).
        backend.clear()
        page_cold = 0.0
        for label, payload in calls:
            cold, _ = _timed(lambda: post(payload), 1)
            page_cold += cold
            cached, _ = _timed(lambda: post(payload), args.repeat)
            totals.setdefault(page, []).append(cached)
            print(f"| {page} | {label} | {cold:.0f} | {cached:.1f} |")
        totals[page] = [page_cold, sum(totals[page])]
    print("\nWhole pages (sum of their callbacks, wall ms): cold · cached")
    for page, (cold, cached) in totals.items():
        print(f"| {page} | {cold:.0f} | {cached:.1f} |")
    shutil.rmtree(cache_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
