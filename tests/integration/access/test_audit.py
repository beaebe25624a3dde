"""The audit trail records sign-ins (and failures), facilitator page views, downloads,
API calls and refusals; the admin page reads and filters it, for admins only; old events
go after the retention (issue 10)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import sqlalchemy as sa

from dashboard.access.audit import AuditAction, AuditQuery, AuditTrail, entry, purge, read
from dashboard.access.policy import Access
from dashboard.factory import create_app
from dashboard.store.database import get_engine
from tests import auth


def _events(url: str) -> pd.DataFrame:
    engine = sa.create_engine(url)
    frame = pd.read_sql("SELECT * FROM audit_event ORDER BY id", engine)
    engine.dispose()
    return frame


def test_sign_ins_views_downloads_api_calls_and_refusals_are_recorded(site):
    client = create_app(auth.settings(site.url)).server.test_client()
    form = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    client.post("/login", data={"username": "tprovince-35", "password": "wrong password 123", "csrf_token": csrf}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    client.post("/login", data={"username": "tprovince-35", "password": auth.PASSWORD, "csrf_token": csrf}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    own, foreign = site.own_facilitator["id"], site.foreign_facilitator["id"]
    site.page("province", f"/pendamping/{own}")
    site.page("province", f"/pendamping/{foreign}")
    site.clients["province"].get("/export/facilitators.csv?parent=35.77")
    site.clients["province"].get("/api/v1/progress?level=regency&parent=32")
    auth.flush_audit(client.application, site.server)
    events = _events(site.url)
    sign_ins = events[events["user_name"] == "tprovince-35"]
    failed = sign_ins[sign_ins["action"] == "sign_in_failed"].iloc[-1]
    assert failed["remote_addr"] == "10.1.2.3" and failed["status"] == 401 and pd.isna(failed["role"])
    ok = sign_ins[sign_ins["action"] == "sign_in"].iloc[-1]
    assert ok["role"] == "province" and ok["area"] == "35" and ok["remote_addr"] == "10.1.2.3"
    views = events[(events["action"] == "facilitator_view") & (events["user_name"] == "tprovince-35")]
    assert views["detail"].str.contains(own).any() and not views["detail"].str.contains(foreign).any()
    denied = events[(events["action"] == "denied") & (events["user_name"] == "tprovince-35")]
    assert denied["detail"].str.contains(f"/pendamping/{foreign}").any()
    export = events[(events["action"] == "export") & (events["user_name"] == "tprovince-35")].iloc[-1]
    assert export["detail"] == "/export/facilitators.csv?parent=35.77" and export["status"] == 200 and export["user_name"] == "tprovince-35"
    api = events[(events["action"] == "api") & (events["user_name"] == "tprovince-35")].iloc[-1]
    assert api["detail"] == "/api/v1/progress?level=regency&parent=32" and api["status"] == 403
    # Never a family's data: the details are paths, ids of staff and codes.
    assert not events["detail"].str.contains(r"(?<!\d)[1-9]\d{15}(?!\d)", regex=True).any()


def test_the_admin_page_lists_and_filters_the_trail_for_admins_only(site):
    site.clients["province"].get("/api/v1/metrics")
    auth.flush_audit(site.server)
    args = [("admin-filter-user", "value", "tprovince-35"), ("admin-filter-action", "value", "api"), ("admin-filter-text", "value", None),
            ("admin-filter-days", "start_date", None), ("admin-filter-days", "end_date", None)]
    output = "..admin-audit-table.data...admin-audit-count.children.."
    answer = site.call("admin", output, args, [("page-lang", "data", "en")]).get_json()["response"]
    rows = answer["admin-audit-table"]["data"]
    assert rows and all(r["user_name"] == "tprovince-35" and r["action"] == "api" for r in rows)
    assert rows[0]["detail"] == "/api/v1/metrics" and rows[0]["at"].endswith("WIB")
    assert "newest events" in answer["admin-audit-count"]["children"]
    refused = site.call("national", output, args, [("page-lang", "data", "en")]).get_json()["response"]
    assert refused["admin-audit-table"]["data"] is None
    users = site.call("admin", "admin-users-table.data", [("page-lang", "data", "id")]).get_json()["response"]["admin-users-table"]["data"]
    assert {"tprovince-35", "tnational", "tadmin"} <= {u["name"] for u in users}
    assert site.call("province", "admin-users-table.data", [("page-lang", "data", "id")]).get_json()["response"]["admin-users-table"]["data"] is None


def test_events_older_than_the_retention_are_removed(site):
    engine = get_engine(site.url)
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=400)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO audit_event (at, action, detail) VALUES (:at, 'api', 'old')"), {"at": old})
    trail = AuditTrail(engine, retention_days=365)
    trail.record(entry(AuditAction.API, Access.nationwide("cli"), "new"))
    assert trail.flush(30)
    assert read(engine, AuditQuery(text="old")).empty
    assert not read(engine, AuditQuery(text="new")).empty
    assert purge(engine, dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=1)) == 0


def test_a_user_with_a_large_area_is_audited_too(site):
    """38 kabupaten/kota codes make an area of 227 characters: recorded in full (a
    length limit would make PostgreSQL refuse the event, and the call go unaudited)."""
    engine = sa.create_engine(site.url)
    codes = pd.read_sql("SELECT code FROM regency WHERE province_code = '35'", engine)["code"].tolist()
    engine.dispose()
    client = site.server.test_client()
    auth.sign_in(client, site.url, "regency", codes, name="many-regencies")
    assert client.get("/api/v1/progress?level=facilitator&parent=35.77").status_code == 200
    auth.flush_audit(site.server)
    event = read(get_engine(site.url), AuditQuery(user="many-regencies", action="api")).iloc[0]
    assert len(event["area"]) > 200 and event["area"].split() == sorted(codes)
