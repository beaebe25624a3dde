"""Benchmark: server time and CPU of every page's callbacks, cold and cached, beside a naive
baseline that aggregates the raw tables per request (pandas ``read_sql`` + ``groupby``, as
typical Dash apps do), in the same run.

    PYTHONPATH=. .venv/bin/python bench/serving.py [--database-url URL] [--read-url REPLICA] [--repeat 5] [--naive first]

Every callback is called through Flask's test client (the whole Dash request path, signed
in as a national user with a token), ``--repeat`` times: *cold* with an empty cache (what
the first viewer after new data pays), *cached* (what everyone else pays). The naive
baseline computes the same page's figures from ``target`` and ``visit`` on every call. Prints
one table: per page and callback, p50 wall ms and CPU ms, and naive / cached.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from bench.support import dash_payload
from dashboard.access.accounts import AccountError, create_user, issue_token
from dashboard.factory import create_app
from dashboard.figures import cache as figure_cache
from dashboard.figures.queries import Scope, data_state
from dashboard.figures.waiting import _raw_facilitator_waiting
from dashboard.settings import Settings, get_settings
from dashboard.store.database import create_db_engine, get_engine
from dashboard.store.rollups import day_start_utc


def _ratio(ratio: float) -> str:
    """A speed-up as a table shows it: whole above 10, else with the digits that tell a
    0.15× (the naive way faster) from a 0×."""
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2f}×"


def pages(version: dict, regency: str, facilitator: str) -> dict[str, list[tuple[str, dict]]]:
    v, lang = version, ("page-lang", "data", "id")

    def overview(scope):
        where = [("overview-scope", "data", scope), lang]
        return [
            ("map", dash_payload("overview-map.figure", [("overview-metric", "value", "completion_pct"), ("overview-map-view", "value", "map"), ("data-version", "data", v), ("font-scale", "data", 1)], [*where, ("overview-map", "figure", None)])),
            ("kpis", dash_payload("..overview-kpis.children...overview-message.children..", [("data-version", "data", v)], where)),
            ("progress", dash_payload("overview-progress.figure", [("data-version", "data", v), ("font-scale", "data", 1)], where)),
            ("ranking", dash_payload("..overview-ranking.children...overview-ranking-full.children..", [("data-version", "data", v), ("overview-metric", "value", "completion_pct")], where)),
            ("categories + funnel", dash_payload("..overview-categories.figure...overview-funnel.figure..", [("data-version", "data", v), ("font-scale", "data", 1)], where)),
        ]

    def quality(scope):
        where = [("quality-scope", "data", scope), lang]
        return [
            ("quality map", dash_payload("quality-map.figure", [("quality-metric", "value", "flagged_pct"), ("quality-map-view", "value", "map"), ("data-version", "data", v), ("font-scale", "data", 1)], [*where, ("quality-map", "figure", None)])),
            ("quality kpis", dash_payload("quality-kpis.children", [("data-version", "data", v)], where)),
            ("flags by rule + per day", dash_payload("..quality-rules.figure...quality-trend.figure..", [("data-version", "data", v), ("font-scale", "data", 1)], where)),
            ("kabupaten/kota list", dash_payload("quality-regions.children", [("data-version", "data", v), ("quality-metric", "value", "flagged_pct")], where)),
            ("facilitators (risk, flags)", dash_payload("quality-facilitators.children", [("data-version", "data", v)], where)),
        ]

    regency_where = [("regency-scope", "data", regency), lang]
    return {
        "national": overview(None),
        "province 35": overview("35"),
        f"kab/kota {regency}": [
            ("kpis + progress + kecamatan", dash_payload("..regency-kpis.children...regency-progress.figure...regency-districts.figure..", [("data-version", "data", v), ("font-scale", "data", 1)], regency_where)),
            ("facilitator grid", dash_payload("..regency-facilitators.getRowsResponse...regency-table-count.children..", [("regency-facilitators", "getRowsRequest", {"startRow": 0, "endRow": 25}), ("data-version", "data", v)], regency_where)),
        ],
        "facilitator": [
            ("profile, flags, risk", dash_payload("..facilitator-content.children...facilitator-summary.children..", [("data-version", "data", v), ("font-scale", "data", 1)], [("facilitator-id", "data", facilitator), lang])),
        ],
        "quality (national)": quality(None),
        "waiting (national)": [
            ("summary + ages", dash_payload("..waiting-summary.children...waiting-ages.figure..", [("data-version", "data", v), ("font-scale", "data", 1)], [("waiting-scope", "data", None), lang])),
            ("backlog per kab/kota", dash_payload("waiting-backlog.children", [("data-version", "data", v)], [("waiting-scope", "data", None), lang])),
            ("facilitators", dash_payload("waiting-facilitators.children", [("data-version", "data", v)], [("waiting-scope", "data", None), lang])),
            ("case list (submitted)", dash_payload("waiting-cases.children", [("data-version", "data", v), ("waiting-status", "value", "submitted")], [("waiting-scope", "data", None), lang])),
        ],
    }


# --- The naive baseline: raw tables per request -------------------------------------------


def _naive_region_figures(engine, day: dt.date, province: str | None, by: str) -> pd.DataFrame:
    until = day_start_utc(day + dt.timedelta(days=1))
    where = f" WHERE province_code = '{province}'" if province else ""
    targets = pd.read_sql(f"SELECT province_code, regency_code, category FROM target{where}", engine)
    visits = pd.read_sql(f"SELECT province_code, regency_code, category, outcome, started_at, submitted_at, approved_at, first_returned_at FROM visit{where}", engine)
    for column in ("started_at", "submitted_at", "approved_at", "first_returned_at"):
        visits[column] = pd.to_datetime(visits[column])
    visits = visits[visits["started_at"] < until]
    table = targets.groupby(by).size().rename("targets").to_frame()
    table["visited"] = visits.groupby(by).size()
    table["submitted"] = visits[visits["submitted_at"] < until].groupby(by).size()
    table["approved"] = visits[visits["approved_at"] < until].groupby(by).size()
    table["returned"] = visits[visits["first_returned_at"] < until].groupby(by).size()
    table = table.fillna(0)
    table["completion_pct"] = table["submitted"] / table["targets"] * 100
    return table


def _naive_daily(engine, province: str | None) -> pd.DataFrame:
    where = f" WHERE province_code = '{province}'" if province else ""
    visits = pd.read_sql(f"SELECT submitted_at FROM visit{where}", engine)
    days = pd.to_datetime(visits["submitted_at"]).dt.floor("D").value_counts().sort_index().cumsum()
    return days.to_frame("submitted")


def naive_pages(engine, day: dt.date, regency: str, facilitator: str, round_id: int):
    """Each callback of a page reading and aggregating the raw rows itself."""
    def overview(province, by):
        return [
            ("map", lambda: _naive_region_figures(engine, day, province, by)),
            ("kpis", lambda: (_naive_region_figures(engine, day, province, "category").sum(), _naive_region_figures(engine, day - dt.timedelta(days=1), province, "category").sum())),
            ("progress", lambda: _naive_daily(engine, province)),
            ("ranking", lambda: _naive_region_figures(engine, day, province, by)),
            ("categories + funnel", lambda: (_naive_region_figures(engine, day, province, "category"), pd.read_sql(f"SELECT outcome, count(*) FROM visit{' WHERE province_code = ' + repr(province) if province else ''} GROUP BY outcome", engine))),
        ]

    def regency_page():
        visits = pd.read_sql(f"SELECT v.facilitator_id, t.district_code, v.started_at, v.submitted_at, v.approved_at FROM visit v JOIN target t ON t.id = v.target_id WHERE v.regency_code = '{regency}'", engine)
        targets = pd.read_sql(f"SELECT facilitator_id, district_code FROM target WHERE regency_code = '{regency}'", engine)
        return targets.groupby("facilitator_id").size(), visits.groupby("facilitator_id").size(), targets.groupby("district_code").size()

    def flags():
        q = pd.read_sql("SELECT facilitator_id, regency_code, rule, day FROM quality_flag", engine)
        return q.groupby("regency_code").size(), q.groupby(["rule", "day"]).size(), q.groupby("facilitator_id").size().nlargest(50)

    def waiting():
        # The waiting cases as the page computed them before the writer kept them: one GROUP
        # BY over every target and its visit's status times (already SQL, not pandas).
        with engine.connect() as conn:
            return _raw_facilitator_waiting(conn, round_id, Scope.national(), day)

    return {
        "national": overview(None, "province_code"),
        "province 35": overview("35", "regency_code"),
        f"kab/kota {regency}": [("kpis + progress + kecamatan", regency_page), ("facilitator grid", regency_page)],
        "facilitator": [("profile, flags, risk", lambda: pd.read_sql(f"SELECT * FROM visit WHERE facilitator_id = '{facilitator}'", engine))],
        "quality (national)": [("quality map", flags), ("quality kpis", flags), ("flags by rule + per day", flags), ("kabupaten/kota list", flags), ("facilitators (risk, flags)", flags)],
        "waiting (national)": [("summary + ages", waiting), ("backlog per kab/kota", waiting), ("facilitators", waiting), ("case list (submitted)", waiting)],
    }


def _timed(call, repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        call()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL (the demo database of `make run`)")
    parser.add_argument("--read-url", help="DATABASE_READ_URL: read the figures from this replica of --database-url")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regency", default="32.01", help="the kabupaten/kota page measured (default: Kabupaten Bogor, the largest)")
    parser.add_argument(
        "--naive", choices=("all", "first", "none"), default="all",
        help="the naive baseline for every callback, for the first callback of each page only (at 10M-20M targets one "
        "naive national callback reads every target and visit: minutes), or none (default: %(default)s)",
    )
    args = parser.parse_args()
    url = args.database_url or get_settings().database_url
    cache_dir = Path(tempfile.mkdtemp(prefix="groundcheck-bench-cache-"))
    settings = Settings(database_url=url, database_read_url=args.read_url or "", cache_dir=cache_dir, secret_key=secrets.token_urlsafe(48))
    app = create_app(settings)
    client = app.server.test_client()
    engine = get_engine(url)
    try:
        create_user(engine, "bench-national", "national", (), secrets.token_urlsafe(24))
    except AccountError:
        pass
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + issue_token(engine, "bench-national")
    poll = client.post("/_dash-update-component", json=dash_payload("data-version.data", [("refresh-timer", "n_intervals", 1), ("url", "search", "")], [("data-version", "data", None)]))
    version = poll.get_json()["response"]["data-version"]["data"]
    engine = get_engine(settings.read_database_url)  # the figures read there
    day = data_state(engine, version["round_id"]).day
    facilitator = pd.read_sql(f"SELECT id FROM facilitator WHERE regency_code = '{args.regency}' ORDER BY id LIMIT 1", engine)["id"][0]
    backend = figure_cache.backend_of(engine)

    def post(payload):
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code in (200, 204), response.status_code

    # The baseline on an engine of its own, with the server's defaults (the app's engines
    # switch PostgreSQL's JIT off, which would slow its scans of every visit or help them).
    naive = naive_pages(create_db_engine(settings.read_database_url), day, args.regency, facilitator, version["round_id"])
    print(f"{url.split('/')[-1]} · {engine.dialect.name}{' · figures read from ' + args.read_url.split('@')[-1] if args.read_url else ''} · as of {day} · p50 of {args.repeat} · ms")
    print("| page | callback | cold wall | cold CPU | cached wall | cached CPU | naive wall | naive CPU | naive / cached | naive / cold |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    totals: dict[str, list[float]] = {}
    for page, calls in pages(version, args.regency, facilitator).items():
        for index, ((label, payload), (_, naive_call)) in enumerate(zip(calls, naive[page])):
            def cold():
                backend.clear()
                post(payload)

            cold_wall, cold_cpu = _timed(cold, args.repeat)
            post(payload)
            cached_wall, cached_cpu = _timed(lambda: post(payload), args.repeat)
            for key, value in (("cold", cold_wall), ("cached", cached_wall)):
                totals.setdefault(f"{page}|{key}", []).append(value)
            if args.naive == "all" or (args.naive == "first" and index == 0):
                naive_wall, naive_cpu = _timed(naive_call, max(1, args.repeat // 2))
                totals.setdefault(f"{page}|naive", []).append(naive_wall)
                naive_text = f"{naive_wall:.0f} | {naive_cpu:.0f} | {_ratio(naive_wall / cached_wall)} | {_ratio(naive_wall / cold_wall)}"
            else:
                totals.setdefault(f"{page}|naive", []).append(float("nan"))
                naive_text = "– | – | – | –"
            print(f"| {page} | {label} | {cold_wall:.1f} | {cold_cpu:.1f} | {cached_wall:.1f} | {cached_cpu:.1f} | {naive_text} |", flush=True)
    print("\nWhole pages (sum of their callbacks, wall ms):")
    print("| page | cold | cached | naive | naive / cached |")
    print("|---|---|---|---|---|")
    for page in pages(version, args.regency, facilitator):
        cold, cached, naive_ = (sum(totals[f"{page}|{k}"]) for k in ("cold", "cached", "naive"))
        # NaN (not measured for every callback): the page's naive sum is not known.
        naive_text = "– | –" if naive_ != naive_ else f"{naive_:.0f} | {_ratio(naive_ / cached)}"
        print(f"| {page} | {cold:.0f} | {cached:.1f} | {naive_text} |")
    shutil.rmtree(cache_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
