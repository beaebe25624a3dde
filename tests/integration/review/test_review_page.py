"""The review page (``/tinjauan``) through the app's HTTP interface, as each role: the page, its
cards and queue (checked against ``dashboard.figures.review_queue``), and the form that
records a result, whose facilitator, result and note are the client's wishes. On SQLite and
PostgreSQL, on the review queue's own small round (``tests.review_round``)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access, Role
from dashboard.figures.queries import Scope
from dashboard.figures.review_queue import review_queue
from dashboard.store.database import get_engine
from layouts.review import queue_table
from layouts.components import markdown_text
from tests.integration.access.test_who_sees_what import Site
from tests.review_round import THRESHOLD, TRICKY_NAME

KPIS = "review-kpis.children"
QUEUE = "..review-queue-table.data...review-count.children...review-facilitator.options.."
RECORD = "..review-message.children...review-note.value...review-recorded.data.."
SCRIPT_NOTE = "<script>alert(1)</script> **tebal** [tautan](http://x) <b>x</b>"


@pytest.fixture(scope="module")
def site(review_round):
    site = Site(review_round.url)
    site.round1 = {**site.version, "round_id": 1, "pinned": 1}
    return site


def _kpis(site: Site, who: str, scope: str | None, lang: str = "id"):
    return site.call(who, KPIS, [("data-version", "data", site.round1), ("refresh-timer", "n_intervals", 1), ("review-recorded", "data", 0)],
                     [("review-scope", "data", scope), ("page-lang", "data", lang)])


def _queue(site: Site, who: str, scope: str | None, lang: str = "id"):
    return site.call(who, QUEUE, [("data-version", "data", site.round1), ("refresh-timer", "n_intervals", 1), ("review-recorded", "data", 0)],
                     [("review-scope", "data", scope), ("page-lang", "data", lang)])


def _record(site: Site, who: str, facilitator, result, note, lang: str = "id", clicks: int = 1):
    return site.call(who, RECORD, [("review-submit", "n_clicks", clicks)],
                     [("review-facilitator", "value", facilitator), ("review-result", "value", result), ("review-note", "value", note),
                      ("data-version", "data", site.round1), ("page-lang", "data", lang)])


def _text(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def _card_values(response) -> dict[str, str]:
    """The KPI cards' id -> value text."""
    found = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if isinstance(props.get("id"), str) and props["id"].startswith("review-card-"):
                body = props["children"]["props"]["children"]
                found[props["id"].removeprefix("review-card-")] = body[1]["props"]["children"]
            for value in props.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(response.get_json()["response"]["review-kpis"]["children"])
    return found


@pytest.mark.parametrize("path, expected", [
    ("/tinjauan", ("ok", "ok", "ok", "ok", "ok")),
    ("/tinjauan/35", ("ok", "ok", "denied", "ok", "ok")),
    ("/tinjauan/35.77", ("ok", "ok", "ok", "ok", "ok")),
    ("/tinjauan/32", ("ok", "denied", "denied", "denied", "ok")),
    ("/tinjauan/32.01", ("ok", "denied", "denied", "denied", "ok")),
])
def test_the_page_per_role(site, path, expected):
    for role, want in zip(("national", "province", "regency", "display", "admin"), expected):
        response = site.page(role, path)
        assert response.status_code == 200, (role, path)
        text = _text(response)
        assert ("denied" if "access-denied" in text else "ok") == want, (role, path)
        if want == "ok":
            assert "review-scope" in text and "Tinjauan risiko pemalsuan" in text
            # A display account gets the cards and a note: no queue, no form.
            assert ("review-submit" in text) == (role != "display") and ("review-no-facilitators" in text) == (role == "display")
    assert site.page("anonymous", path).status_code == 401


def test_an_unknown_region_is_not_found(site):
    text = _text(site.page("national", "/tinjauan/35.99"))
    assert "not-found-message" in text and "review-scope" not in text


def test_the_queue_shows_what_the_query_layer_reads(site, review_round):
    access = Access.of_user("x", Role.REGENCY, ("35.77",))
    expected = review_queue(get_engine(review_round.url), 1, Scope.of("35.77"), access=access, threshold=THRESHOLD, lang="en")
    answer = _queue(site, "regency", "35.77", "en").get_json()["response"]
    rows = answer["review-queue-table"]["data"]
    assert [r["id"] for r in rows] == list(expected.index)
    assert [r["score"] for r in rows] == [round(s) for s in expected["score"]]
    assert [r["reason"] for r in rows] == [r or "—" for r in expected["reason"]]
    tricky = next(r for r in rows if r["id"] == "PKH-3577-003")
    # The name is escaped into its link: it cannot become a link or markup of its own.
    assert tricky["name"] == f"[{markdown_text(TRICKY_NAME)}](/pendamping/PKH-3577-003?lang=en&round=1)"
    assert [o["value"] for o in answer["review-facilitator"]["options"]] == list(expected.index)
    assert answer["review-count"]["children"] == f"{len(expected)} facilitators in the queue"
    assert _queue(site, "national", "35.78", "en").get_json()["response"]["review-count"]["children"] == "1 facilitator in the queue"
    national = _queue(site, "national", None, "en").get_json()["response"]["review-queue-table"]["data"]
    assert {r["regency"] for r in national} >= {"Kota Madiun (Jawa Timur)", "Kabupaten Bogor (Jawa Barat)"}


def test_only_the_name_is_markdown_the_note_is_text():
    columns = {c["id"]: c for c in queue_table("id").columns}
    assert [c for c, spec in columns.items() if spec.get("presentation") == "markdown"] == ["name"]


def test_a_kabupaten_kota_user_records_a_result_and_sees_it(site, review_round):
    before = _card_values(_kpis(site, "regency", "35.77", "en"))
    assert before == {"waiting": "4", "reviewed": "0", "confirmed": "0", "cleared": "0", "precision": "—"}
    assert "Nothing reviewed yet" in _text(_kpis(site, "regency", "35.77", "en"))

    response = _record(site, "regency", "PKH-3577-003", "confirmed", SCRIPT_NOTE, "en")
    answer = response.get_json()["response"]
    assert answer["review-message"]["children"]["props"]["color"] == "success"
    assert answer["review-message"]["children"]["props"]["children"] == "The review of PKH-3577-003 is recorded."
    assert answer["review-note"]["value"] == "" and answer["review-recorded"]["data"] > 0

    with sa.create_engine(review_round.url).connect() as conn:
        stored = conn.execute(sa.text("SELECT facilitator_id, result, note, score_at_review, reviewed_by FROM risk_review")).all()
        audit = conn.execute(sa.text("SELECT detail, status, user_name, remote_addr FROM audit_event WHERE action = 'risk_review'")).all()
    assert [tuple(r) for r in stored] == [("PKH-3577-003", "confirmed", SCRIPT_NOTE, 50.0, site_user(site, "regency"))]
    assert [tuple(a) for a in audit] == [("facilitator=PKH-3577-003 result=confirmed", 200, site_user(site, "regency"), "127.0.0.1")]

    rows = _queue(site, "regency", "35.77", "en").get_json()["response"]["review-queue-table"]["data"]
    row = next(r for r in rows if r["id"] == "PKH-3577-003")
    assert (row["result"], row["result_code"], row["note"]) == ("Confirmed", "confirmed", SCRIPT_NOTE)  # the note as written, a text cell
    assert row["reviewed"].startswith(site_user(site, "regency") + ", ")
    assert rows[-1]["id"] == "PKH-3577-003"  # reviewed: after those still waiting
    after = _card_values(_kpis(site, "regency", "35.77", "en"))
    assert after == {"waiting": "3", "reviewed": "1", "confirmed": "1", "cleared": "0", "precision": "100.0%"}
    assert "n = 1" in _text(_kpis(site, "regency", "35.77", "en"))
    # The province user sees it in their province's queue and counts.
    assert _card_values(_kpis(site, "province", "35", "en"))["confirmed"] == "1"


def site_user(site: Site, who: str) -> str:
    from tests import auth
    from tests.integration.access.test_who_sees_what import USERS

    role, codes = USERS[who]
    return auth.user_name(role, codes)


@pytest.mark.parametrize("who, facilitator, message", [
    ("regency", "PKH-3519-001", "Pendamping ini tidak ada dalam wilayah Anda."),  # Kabupaten Madiun: the neighbour's
    ("province", "PKH-3201-001", "Pendamping ini tidak ada dalam wilayah Anda."),
    ("regency", "NOPE", "Pendamping ini tidak ada dalam wilayah Anda."),
    ("national", "NOPE", "Pendamping ini tidak dikenal."),
    ("display", "PKH-3577-002", "Akun ini tidak dapat mencatat hasil tinjauan."),
    ("national", "PKH-3577-005", "Pendamping ini belum punya skor risiko pada putaran ini."),
])
def test_a_refused_result_says_why_and_writes_nothing(site, review_round, who, facilitator, message):
    count = lambda: sa.create_engine(review_round.url).connect().execute(sa.text("SELECT count(*) FROM risk_review")).scalar_one()  # noqa: E731
    before = count()
    answer = _record(site, who, facilitator, "cleared", "catatan").get_json()["response"]
    assert answer["review-message"]["children"]["props"]["children"] == message
    assert answer["review-message"]["children"]["props"]["color"] == "danger"
    assert "review-recorded" not in answer and count() == before


def test_the_form_asks_for_what_is_missing(site):
    assert _record(site, "regency", None, "confirmed", "x").get_json()["response"]["review-message"]["children"]["props"]["children"] == "Pilih pendamping terlebih dahulu."
    assert _record(site, "regency", "PKH-3577-002", None, "x").get_json()["response"]["review-message"]["children"]["props"]["children"].startswith("Pilih hasilnya")
    nothing = _record(site, "regency", "PKH-3577-002", "confirmed", "x", clicks=0)  # no click: nothing
    assert nothing.status_code == 204 or nothing.get_json()["response"] == {}


@pytest.mark.parametrize("facilitator, result, note", [
    ("PKH-3577-002", "maybe", "x"),
    ("PKH-3577-002", "CONFIRMED", "x"),
    ("PKH-3577-002", "confirmed", "x" * 10_000),
    ("PKH-3577-002", "confirmed", 5),
    ("PKH 3577 002", "confirmed", "x"),
    ("x" * 40, "confirmed", "x"),
    (["PKH-3577-002"], "confirmed", "x"),
])
def test_a_malformed_wish_gets_a_400(site, facilitator, result, note):
    assert _record(site, "regency", facilitator, result, note).status_code == 400


def test_an_anonymous_request_is_refused(site):
    assert _record(site, "anonymous", "PKH-3577-002", "confirmed", "x").status_code == 401
    assert _queue(site, "anonymous", "35.77").status_code == 401


@pytest.mark.parametrize("who, scope", [("regency", "35.19"), ("regency", "32"), ("province", "32.01"), ("display", "35.77")])
def test_a_forged_scope_gets_no_facilitator(site, who, scope):
    answer = _queue(site, who, scope).get_json()["response"]
    assert answer["review-queue-table"]["data"] is None and "access-denied" in _text(_queue(site, who, scope))
    names = [name for name, regency, *_ in site_names(scope)]
    assert not any(name in _text(_queue(site, who, scope)) for name in names)


def site_names(scope: str):
    from tests.review_round import FACILITATORS

    return [(name, regency) for name, regency, *_ in FACILITATORS.values() if regency.startswith(scope)]


def test_a_scoped_user_on_the_national_page_sees_their_own_area(site):
    rows = _queue(site, "regency", None).get_json()["response"]["review-queue-table"]["data"]
    assert rows and {r["id"][:8] for r in rows} == {"PKH-3577"}
    assert "Hanya pendamping di wilayah Anda" in _text(_kpis(site, "regency", None))
    assert "Hanya pendamping di wilayah Anda" not in _text(_kpis(site, "regency", "35.77"))
    assert pd.Series([r["id"] for r in _queue(site, "national", None).get_json()["response"]["review-queue-table"]["data"]]).str[:8].nunique() == 4
