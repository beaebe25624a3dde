"""The waiting-cases page (``/antrian``, ``/antrian/<code>``) carries exactly the figures that
pandas computes straight from the raw tables (``Raw`` of
``tests/integration/metrics/test_waiting_figures.py``: each target's open status at the end
of the data's day and its age in WIB days): its callbacks are called as the browser calls
them (no browser) on the standard round, as a national user and as scoped users, who get
an explained refusal for what lies outside their area."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
import sqlalchemy as sa

from callbacks.guard import DENIED_META
from dashboard.factory import create_app
from dashboard.figures.waiting import AGE_BUCKETS, bucket_label
from dashboard.formatting import format_date, format_int, region_display_name
from dashboard.i18n import t
from dashboard.vocabulary import TARGET_CATEGORY_TERMS, label_of
from tests import auth
from tests.integration.metrics.test_waiting_figures import Raw
from tests.integration.national.test_national_callbacks import _array, _call, _prop

WIB = pd.Timedelta(hours=7)
LANG = "id"
PROVINCE, REGENCY, NEIGHBOUR, FOREIGN = "35", "35.77", "35.19", "32"
#: The open statuses in the lifecycle's order, and those of the chart (not ``assigned``).
STATUSES = ("assigned", "started", "submitted", "returned", "approved")
CHARTED = ("started", "submitted", "returned", "approved")
#: A facilitator's own open cases (begun, not finished).
FACILITATOR_STATUSES = ("started", "returned")
FACILITATORS_LISTED, CASES_LISTED = 50, 200
#: A NIK: 16 digits, the first the province's (never 0); not the decimals of a float.
NIK_LIKE = re.compile(r"(?<![\d.])[1-9]\d{15}(?![\d.])")
SUMMARY = "waiting-summary.children|waiting-ages.figure"
#: Who signs in: role and area.
USERS = {
    "national": ("national", ()),
    "province": ("province", (PROVINCE,)),
    "regency": ("regency", (REGENCY,)),
    "display": ("display", (PROVINCE,)),
}


@pytest.fixture(scope="module")
def site(standard_sqlite_round_url):
    """One app on the standard round, a client per user, the data version the page polls,
    its day (WIB), the open cases of that day from the raw rows, and the reference names."""
    url = standard_sqlite_round_url
    server = create_app(auth.settings(url)).server
    clients = {}
    for who, (role, codes) in USERS.items():
        clients[who] = server.test_client()
        auth.sign_in(clients[who], url, role, codes)
    response = _call(
        clients["national"], [{"id": "data-version", "property": "data"}],
        [_prop("refresh-timer", "n_intervals", 1), _prop("url", "search", "")], [_prop("data-version", "data", None)],
    )
    version = response.get_json()["response"]["data-version"]["data"]
    until = pd.Timestamp(version["data_until"])
    until = until.tz_convert(None) if until.tzinfo else until  # naive UTC
    day = (until + WIB).date()
    engine = sa.create_engine(url)
    provinces = pd.read_sql("SELECT code, name FROM province", engine).set_index("code")["name"]
    regencies = pd.read_sql("SELECT code, name FROM regency", engine).set_index("code")["name"]
    facilitators = pd.read_sql("SELECT id, name FROM facilitator", engine).set_index("id")["name"]
    villages = pd.read_sql("SELECT id, district_code, village_code FROM target", engine).set_index("id")
    engine.dispose()
    cases = Raw(url).cases(day)
    return {
        "clients": clients, "version": version, "day": day, "cases": cases,
        "provinces": provinces, "regencies": regencies, "facilitators": facilitators, "villages": villages,
    }


# --- helpers ----------------------------------------------------------------------------------


def _callback(site, output: str, inputs: list[tuple], state: list[tuple], who: str = "national"):
    """The response of one callback; ``output`` as ``id.prop`` or ``id.prop|id.prop``."""
    outputs = [{"id": o, "property": p} for o, p in (x.rsplit(".", 1) for x in output.split("|"))]
    return _call(site["clients"][who], outputs, [_prop(*i) for i in inputs], [_prop(*s) for s in state])


def _answer(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def _summary(site, scope: str | None, who: str = "national") -> dict:
    return _answer(_callback(site, SUMMARY, [("data-version", "data", site["version"]), ("font-scale", "data", 1)],
                             [("waiting-scope", "data", scope), ("page-lang", "data", LANG)], who))


def _list(site, output: str, scope: str, who: str = "national"):
    """The backlog or facilitators callback (``waiting-backlog`` / ``waiting-facilitators``)."""
    return _callback(site, f"{output}.children", [("data-version", "data", site["version"])],
                     [("waiting-scope", "data", scope), ("page-lang", "data", LANG)], who)


def _cases_call(site, scope: str, status: str, who: str = "national"):
    return _callback(site, "waiting-cases.children", [("data-version", "data", site["version"]), ("waiting-status", "value", status)],
                     [("waiting-scope", "data", scope), ("page-lang", "data", LANG)], who)


def _page(site, path: str, who: str = "national") -> dict:
    return _answer(_callback(site, "_pages_content.children|_pages_store.data", [("_pages_location", "pathname", path), ("_pages_location", "search", "")], [], who))


def _nodes(node):
    """Every component (a dict with ``props``) of a layout tree, depth first."""
    if isinstance(node, dict):
        if "props" in node:
            yield node
            yield from _nodes(node["props"].get("children"))
        else:
            for value in node.values():
                yield from _nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item)


def _text(node) -> str:
    """The text of a component and its children, joined."""
    if isinstance(node, str):
        return node
    if isinstance(node, (int, float)):
        return str(node)
    if isinstance(node, list):
        return "".join(_text(n) for n in node)
    if isinstance(node, dict) and "props" in node:
        return _text(node["props"].get("children"))
    return ""


def _table(children, table_id: str) -> dict:
    """The props of the one DataTable ``table_id`` in a callback's children."""
    tables = [n["props"] for n in _nodes(children) if n.get("type") == "DataTable"]
    assert [p.get("id") for p in tables] == [table_id], [p.get("id") for p in tables]
    return tables[0]


def _link(markdown: str, section: str) -> tuple[str, str]:
    """The text and the code of a markdown link ``[text](/<section>/<code>?lang=id)``."""
    match = re.fullmatch(rf"\[(.*)\]\(/{section}/([^?)]+)\?lang={LANG}\)", markdown)
    assert match, markdown
    return match.group(1), match.group(2)


def _is_denied(value) -> bool:
    """What the guard answers instead of a refused output (as ``test_who_sees_what``)."""
    if value is None:
        return True
    if isinstance(value, dict):
        if value.get("layout", {}).get("meta") == DENIED_META:
            return True
        return "access-denied" in (value.get("props", {}).get("className") or "")
    return False


def _in(cases: pd.DataFrame, scope: str | None) -> pd.DataFrame:
    if scope is None:
        return cases
    return cases[cases["province_code" if len(scope) == 2 else "regency_code"] == scope]


def _per_code(cases: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per ``key``: cases, those 3 days old or more, the age of the oldest."""
    return cases.groupby(key).agg(
        cases=("age", "size"), cases_3d=("age", lambda a: int((a >= 3).sum())), oldest_days=("age", "max"),
    ).astype("int64")


def _non_increasing(keys: list[tuple]) -> bool:
    return all(a >= b for a, b in zip(keys, keys[1:]))


# --- 1. the pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("path, code", [("/antrian", None), ("/antrian/35", "35"), ("/antrian/35.77", "35.77")])
def test_the_waiting_pages_open_with_their_heading_and_scope(site, path, code):
    assert site["clients"]["national"].get(path).status_code == 200
    content = _page(site, path)["_pages_content"]["children"]
    if code is None:
        place = t("region.national", LANG)
    elif len(code) == 2:
        place = region_display_name(site["provinces"][code])
    else:
        place = region_display_name(site["regencies"][code])
    headings = [_text(n) for n in _nodes(content) if n.get("type") == "H1"]
    assert headings == [f"{t('waiting.page', LANG)} · {place}"]
    text = str(content)
    assert "not-found-message" not in text and "access-denied" not in text
    scopes = [n["props"].get("data") for n in _nodes(content) if n["props"].get("id") == "waiting-scope"]
    assert scopes == [code]
    # The status picker lists every open status, the review backlog first.
    pickers = [n["props"] for n in _nodes(content) if n["props"].get("id") == "waiting-status"]
    assert len(pickers) == 1 and [o["value"] for o in pickers[0]["options"]] == list(STATUSES)
    assert pickers[0]["value"] == "submitted"


def test_the_status_of_the_link_is_picked_and_an_unknown_one_falls_back(site):
    for search, picked in (("?status=returned", "returned"), ("?status=lost", "submitted")):
        content = _answer(_callback(site, "_pages_content.children|_pages_store.data",
                                    [("_pages_location", "pathname", "/antrian/35"), ("_pages_location", "search", search)], []))
        pickers = [n["props"]["value"] for n in _nodes(content["_pages_content"]["children"]) if n["props"].get("id") == "waiting-status"]
        assert pickers == [picked], search


def test_an_unknown_region_is_the_not_found_view(site):
    assert site["clients"]["national"].get("/antrian/99").status_code == 200  # the app, which shows the view
    content = str(_page(site, "/antrian/99")["_pages_content"]["children"])
    assert "not-found-message" in content and "waiting-scope" not in content


# --- 2. the status cards and the chart of ages --------------------------------------------------


def test_the_raw_round_has_cases_of_every_status_to_compare(site):
    cases = site["cases"]
    assert set(cases["open_status"]) == set(STATUSES)
    assert set(_in(cases, REGENCY)["open_status"]) >= {"assigned", "submitted"}
    assert cases["age"].min() == 0 and cases["age"].max() >= 7


@pytest.mark.parametrize("scope", [None, REGENCY], ids=["nation", REGENCY])
def test_each_status_card_shows_its_open_cases_the_old_ones_and_the_oldest(site, scope):
    cases = _in(site["cases"], scope)
    cards = {}
    for node in _nodes(_summary(site, scope)["waiting-summary"]["children"]):
        key = node["props"].get("id")
        if isinstance(key, dict) and key.get("type") == "waiting-card":
            body = [_text(part) for part in node["props"]["children"]["props"]["children"]]
            cards[key["status"]] = body
    assert list(cards) == list(STATUSES)
    for status in STATUSES:
        mine = cases[cases["open_status"] == status]
        label, count, detail = cards[status]
        assert label == t(f"waiting.status.{status}", LANG)
        assert count == format_int(len(mine), LANG), status
        if len(mine):
            expected = t("waiting.card_detail", LANG, old=format_int(int((mine["age"] >= 3).sum()), LANG), oldest=format_int(int(mine["age"].max()), LANG))
        else:
            expected = t("waiting.none", LANG)
        assert detail == expected, status


@pytest.mark.parametrize("scope", [None, REGENCY], ids=["nation", REGENCY])
def test_the_chart_stacks_each_status_by_age_bucket(site, scope):
    cases = _in(site["cases"], scope)
    figure = _summary(site, scope)["waiting-ages"]["figure"]
    assert figure.get("layout", {}).get("meta") != DENIED_META
    traces = figure["data"]
    labels = [t(f"waiting.status.{s}", LANG) for s in CHARTED]
    # One bar trace per age bucket, fresh to old; targets not visited yet are left out.
    assert [trace["type"] for trace in traces] == ["bar"] * len(AGE_BUCKETS)
    assert [trace["name"] for trace in traces] == [t("waiting.days", LANG, days=bucket_label(b)) for b in range(len(AGE_BUCKETS))]
    assert t("waiting.status.assigned", LANG) not in json.dumps(traces, ensure_ascii=False)
    totals = dict.fromkeys(CHARTED, 0)
    for bucket, trace in enumerate(traces):
        assert trace["y"] == labels and list(trace["customdata"]) == list(CHARTED)
        shown = dict(zip(CHARTED, _array(trace["x"])))
        in_bucket = cases[cases["bucket"] == bucket]
        assert shown == {s: int((in_bucket["open_status"] == s).sum()) for s in CHARTED}, bucket
        for status, value in shown.items():
            totals[status] += value
    assert totals == {s: int((cases["open_status"] == s).sum()) for s in CHARTED}
    assert sum(totals.values()) > 0


# --- 3. the review backlog --------------------------------------------------------------------


def test_the_review_backlog_per_regency_of_a_province(site):
    children = _answer(_list(site, "waiting-backlog", PROVINCE))["waiting-backlog"]["children"]
    rows = pd.DataFrame(_table(children, "waiting-backlog-table")["data"])
    links = rows["name"].map(lambda n: _link(n, "antrian"))
    rows["code"] = [code for _, code in links]
    assert [name for name, _ in links] == [region_display_name(site["regencies"][c]) for c in rows["code"]]
    submitted = _in(site["cases"], PROVINCE)
    expected = _per_code(submitted[submitted["open_status"] == "submitted"], "regency_code")
    assert len(expected) > 1 and rows["code"].is_unique
    shown = rows.set_index("code")[["cases", "cases_3d", "oldest_days"]].astype("int64")
    pd.testing.assert_frame_equal(shown.sort_index(), expected.sort_index(), check_names=False)
    # The oldest first (then the largest backlog).
    assert _non_increasing(list(zip(rows["oldest_days"], rows["cases"])))


# --- 4. the facilitators with the oldest cases --------------------------------------------------


def test_the_facilitators_with_the_oldest_open_cases(site):
    children = _answer(_list(site, "waiting-facilitators", PROVINCE))["waiting-facilitators"]["children"]
    rows = pd.DataFrame(_table(children, "waiting-facilitators-table")["data"])
    links = rows["name"].map(lambda n: _link(n, "pendamping"))
    rows["id"] = [code for _, code in links]
    assert [name for name, _ in links] == [site["facilitators"][i] for i in rows["id"]]
    cases = _in(site["cases"], PROVINCE)
    theirs = cases[cases["open_status"].isin(FACILITATOR_STATUSES)]
    expected = _per_code(theirs, "facilitator_id")
    regency = theirs.groupby("facilitator_id")["regency_code"].first()
    assert len(expected) > FACILITATORS_LISTED  # the cut at 50 is exercised
    assert len(rows) == FACILITATORS_LISTED and rows["id"].is_unique
    shown = rows.set_index("id")
    pd.testing.assert_frame_equal(shown[["cases", "cases_3d", "oldest_days"]].astype("int64"), expected.loc[shown.index], check_names=False)
    assert list(shown["regency"]) == [region_display_name(site["regencies"][regency[i]]) for i in shown.index]
    # Oldest first (then the most cases), and nobody left out waits longer than the last listed.
    keys = list(zip(rows["oldest_days"], rows["cases"]))
    assert _non_increasing(keys)
    left_out = expected.drop(index=shown.index)
    assert all((o, c) <= keys[-1] for o, c in zip(left_out["oldest_days"], left_out["cases"]))
    assert rows["oldest_days"].iloc[0] == expected["oldest_days"].max()


# --- 5. the cases behind a status ------------------------------------------------------------


@pytest.mark.parametrize("scope", [REGENCY, PROVINCE])
@pytest.mark.parametrize("status", STATUSES)
def test_the_cases_of_a_status_are_pseudonymous_codes_oldest_first(site, scope, status):
    response = _cases_call(site, scope, status)
    children = _answer(response)["waiting-cases"]["children"]
    cases = _in(site["cases"], scope)
    expected = cases[cases["open_status"] == status].sort_values(["since", "code"]).head(CASES_LISTED)
    text = response.get_data(as_text=True)
    assert not NIK_LIKE.search(text)
    if expected.empty:
        assert children == t("waiting.none", LANG)
        return
    table = _table(children, "waiting-cases-table")
    columns = ["target", "category", "regency", "facilitator", "since", "age_days"]
    assert [c["id"] for c in table["columns"]] == columns
    rows = pd.DataFrame(table["data"])
    assert all(set(row) == set(columns) for row in table["data"])
    assert list(rows["target"]) == list(expected["code"])
    assert rows["target"].str.fullmatch(r"T\d+-\d{9}").all()
    assert list(rows["age_days"]) == list(expected["age"])
    assert list(rows["since"]) == [format_date((s + WIB).date(), LANG) for s in expected["since"]]
    assert list(rows["category"]) == [label_of(TARGET_CATEGORY_TERMS, c, LANG) for c in expected["category"]]
    assert list(rows["regency"]) == [region_display_name(site["regencies"][c]) for c in expected["regency_code"]]
    links = [_link(f, "pendamping") for f in rows["facilitator"]]
    assert links == [(site["facilitators"][i], i) for i in expected["facilitator_id"]]
    # Nothing that places a family: no district or village of the listed targets.
    places = site["villages"].loc[expected["target_id"]]
    assert not any(code in text for code in set(places["village_code"]) | set(places["district_code"]))
    if status == "assigned" and scope == PROVINCE:
        assert len(cases[cases["open_status"] == status]) > CASES_LISTED == len(rows)  # the cut at 200


# --- 6. a click on a bar picks the status ------------------------------------------------------


def _click(site, click):
    return _call(site["clients"]["national"], [{"id": "waiting-status", "property": "value"}], [_prop("waiting-ages", "clickData", click)])


def test_a_click_on_a_bar_lists_that_status(site):
    picked = _answer(_click(site, {"points": [{"customdata": "returned"}]}))
    assert picked == {"waiting-status": {"value": "returned"}}
    for click in ({"points": [{"customdata": "lost"}]}, {"points": []}):
        unknown = _click(site, click)
        assert unknown.status_code == 204 or not (unknown.get_json() or {}).get("response"), unknown.get_data(as_text=True)[:300]


# --- 7. who sees what -------------------------------------------------------------------------


def test_a_display_account_sees_the_summary_but_no_facilitator_or_case(site):
    answer = _summary(site, PROVINCE, "display")
    assert not _is_denied(answer["waiting-summary"]["children"]) and not _is_denied(answer["waiting-ages"]["figure"])
    cards = _text(answer["waiting-summary"]["children"])
    mine = _in(site["cases"], PROVINCE)
    assert format_int(int((mine["open_status"] == "assigned").sum()), LANG) in cards
    people = _answer(_list(site, "waiting-facilitators", PROVINCE, "display"))["waiting-facilitators"]["children"]
    assert _is_denied(people), str(people)[:300]
    for scope in (PROVINCE, REGENCY):
        response = _cases_call(site, scope, "submitted", "display")
        assert _is_denied(_answer(response)["waiting-cases"]["children"]), scope
        assert "T1-" not in response.get_data(as_text=True)


def test_a_regency_user_sees_the_cases_of_their_own_regency_only(site):
    own = _answer(_cases_call(site, REGENCY, "submitted", "regency"))["waiting-cases"]["children"]
    assert not _is_denied(own) and "T1-" in json.dumps(own)
    response = _cases_call(site, NEIGHBOUR, "submitted", "regency")
    assert _is_denied(_answer(response)["waiting-cases"]["children"])
    assert "T1-" not in response.get_data(as_text=True)


def test_a_province_user_is_refused_another_provinces_summary(site):
    own = _summary(site, PROVINCE, "province")
    assert not _is_denied(own["waiting-summary"]["children"]) and not _is_denied(own["waiting-ages"]["figure"])
    foreign = _summary(site, FOREIGN, "province")
    assert _is_denied(foreign["waiting-summary"]["children"]) and _is_denied(foreign["waiting-ages"]["figure"])
    counts = _in(site["cases"], FOREIGN)["open_status"].value_counts()
    assert not any(format_int(int(n), LANG) in _text(foreign["waiting-summary"]["children"]) for n in counts if n > 9)
