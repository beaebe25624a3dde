"""Locust users of the dashboard, as the NSCC and the provinces use it (run by
``bench/load.py``; not a test).

- ``WallScreen``: a wall screen's display account left on the national page; polls the data
  version every 30 s (as the page does) and, when it changed, fetches every figure again.
- ``Viewer``: a person clicking nation → their province → a kabupaten/kota → a facilitator,
  reading each page a few seconds; half sign in as NSCC (national), half as a BPS province
  head of one of the 38 provinces (each province's view is its own cache entry).

Every request is what the browser sends: the page shell, the pages callback and each
callback of the page with its inputs. Static files are left out (browsers keep them for a
year; ``bench/load.py`` measures a cold and a warm first load separately). Tokens come from
``GROUNDCHECK_TOKENS`` (a JSON file ``bench/load.py`` writes).
"""

from __future__ import annotations

import json
import os
import random

import sys
from pathlib import Path

from locust import HttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.support import dash_payload  # noqa: E402

TOKENS = json.loads(open(os.environ["GROUNDCHECK_TOKENS"]).read())
LANG = "id"


class _Dashboard(HttpUser):
    abstract = True
    token_key = "national"

    def on_start(self) -> None:
        token = TOKENS[self.token_key] if isinstance(TOKENS[self.token_key], str) else random.choice(TOKENS[self.token_key])
        self.client.headers.update({"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip, br"})
        self.version = None

    def callback(self, name: str, output: str, inputs, state=()):
        with self.client.post("/_dash-update-component", json=dash_payload(output, inputs, state), name=name, catch_response=True) as response:
            if response.status_code not in (200, 204):
                response.failure(f"{response.status_code}")
                return None
            return response.json() if response.status_code == 200 else None

    def poll(self) -> bool:
        """The data-version poll; True when the version changed."""
        answer = self.callback(
            "poll data version", "data-version.data",
            [("refresh-timer", "n_intervals", 1), ("url", "search", "")], [("data-version", "data", self.version)],
        )
        if answer and "data-version" in answer.get("response", {}):
            self.version = answer["response"]["data-version"]["data"]
            return True
        return False

    def open(self, path: str, label: str) -> None:
        """The page shell and the pages callback (what a click or a reload does)."""
        self.client.get(path, name=f"shell {label}")
        self.callback(f"page {label}", ".._pages_content.children..._pages_store.data..", [("_pages_location", "pathname", path), ("_pages_location", "search", "")])

    def overview(self, scope: str | None, label: str) -> list:
        v = self.version
        where = [("overview-scope", "data", scope), ("page-lang", "data", LANG)]
        self.callback(f"map {label}", "overview-map.figure", [("overview-metric", "value", "completion_pct"), ("overview-map-view", "value", "map"), ("data-version", "data", v), ("font-scale", "data", 1)], [*where, ("overview-map", "figure", None)])
        self.callback(f"kpis {label}", "..overview-kpis.children...overview-message.children..", [("data-version", "data", v)], where)
        self.callback(f"progress {label}", "overview-progress.figure", [("data-version", "data", v), ("font-scale", "data", 1)], where)
        ranking = self.callback(f"ranking {label}", "..overview-ranking.children...overview-ranking-full.children..", [("data-version", "data", v), ("overview-metric", "value", "completion_pct")], where)
        self.callback(f"categories+funnel {label}", "..overview-categories.figure...overview-funnel.figure..", [("data-version", "data", v), ("font-scale", "data", 1)], where)
        self.callback(f"as of {label}", "data-as-of.children", [("data-version", "data", v)], [("page-lang", "data", LANG)])
        # The rows of the whole ranking (the table of the "all regions" dialog).
        try:
            children = ranking["response"]["overview-ranking-full"]["children"]
        except (TypeError, KeyError):
            return []
        for child in children if isinstance(children, list) else [children]:
            rows = (child or {}).get("props", {}).get("data") if isinstance(child, dict) else None
            if rows:
                return rows
        return []


class WallScreen(_Dashboard):
    """A display account on the national page, refreshing every 30 s."""

    weight = 50
    token_key = "display"
    wait_time = constant(30)

    def on_start(self) -> None:
        super().on_start()
        self.open("/", "national")
        self.poll()
        self.overview(None, "national")

    @task
    def refresh(self) -> None:
        if self.poll():
            self.overview(None, "national")


class Viewer(_Dashboard):
    """A person drilling down with think time."""

    weight = 150
    wait_time = between(3, 8)

    def on_start(self) -> None:
        self.token_key = random.choice(["national", "province"])
        super().on_start()
        self.poll()

    @task
    def drill_down(self) -> None:
        self.poll()
        self.open("/", "national")
        rows = self.overview(None, "national")
        if not rows:
            return
        province = random.choice(rows)["name"].split("/provinsi/")[1][:2]
        self.wait()  # reading the page before the next click
        self.open(f"/provinsi/{province}", "province")
        rows = self.overview(province, "province")
        if not rows:
            return
        regency = random.choice(rows)["name"].split("/kabkota/")[1][:5]
        self.wait()
        self.open(f"/kabkota/{regency}", "regency")
        v = self.version
        where = [("regency-scope", "data", regency), ("page-lang", "data", LANG)]
        self.callback("regency figures", "..regency-kpis.children...regency-progress.figure...regency-districts.figure..", [("data-version", "data", v), ("font-scale", "data", 1)], where)
        grid = self.callback("regency grid", "..regency-facilitators.getRowsResponse...regency-table-count.children..", [("regency-facilitators", "getRowsRequest", {"startRow": 0, "endRow": 25}), ("data-version", "data", v)], where)
        try:
            facilitators = grid["response"]["regency-facilitators"]["getRowsResponse"]["rowData"]
        except (TypeError, KeyError):
            return
        if facilitators:
            person = random.choice(facilitators)["id"]
            self.wait()
            self.open(f"/pendamping/{person}", "facilitator")
            self.callback("facilitator content", "..facilitator-content.children...facilitator-summary.children..", [("data-version", "data", v), ("font-scale", "data", 1)], [("facilitator-id", "data", person), ("page-lang", "data", LANG)])
