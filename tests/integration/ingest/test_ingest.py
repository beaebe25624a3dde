"""The ingest path (issue 12): the simulator's round written as contract files and loaded
gives the figures of the simulator's direct load; loading twice changes nothing; a load
killed half-way or in its refresh and run again ends as an uninterrupted one; bad rows are
quarantined with a reason and never their contents; CSV, JSON Lines and Parquet; the HTTP
endpoint for loader accounts. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access
from dashboard.figures import cache as figure_cache
from dashboard.figures.metrics import compute
from dashboard.figures.queries import Scope, base_counts, data_state
from dashboard.ingest import loader as ingest_loader
from dashboard.ingest.loader import load_files
from dashboard.figures.training import training_summary
from dashboard.simulation.export import export_round
from dashboard.store.database import get_engine, init_database
from tests import auth
from tests._postgres import BACKENDS
from tests.simulated import copy_database, simulate_small

KIND_FILES = ("rounds", "facilitators", "targets", "visits", "status_events", "instructors", "training_classes", "training_attendance")


def _files(directory) -> list:
    return [directory / f"{kind}.jsonl" for kind in KIND_FILES]


def _figures(url: str) -> dict:
    engine = get_engine(url)
    figure_cache.configure(url, None)
    state = data_state(engine, 1)
    nation = Access.nationwide()
    return {
        "data_until": state.data_until,
        "provinces": compute(base_counts(engine, 1, Scope.national(), state.day, by="children", access=nation)).sort_index(),
        "regencies": compute(base_counts(engine, 1, Scope.of("35"), state.day, by="children", access=nation)).sort_index(),
        "risk": pd.read_sql("SELECT facilitator_id, interviews, score, high_risk FROM facilitator_risk ORDER BY facilitator_id", engine),
        "flags": pd.read_sql("SELECT t.code, f.rule, f.day FROM quality_flag f JOIN target t ON t.id = f.target_id ORDER BY 1, 2", engine),
        "training": training_summary(engine, 1, Scope.national(), state.day, access=nation, by="children").sort_index(),
    }


def _assert_same(a: dict, b: dict) -> None:
    assert a["data_until"] == b["data_until"]
    for key in ("provinces", "regencies", "risk", "flags", "training"):
        pd.testing.assert_frame_equal(a[key], b[key], check_dtype=False, obj=key)


def _tables(url: str) -> dict:
    engine = get_engine(url)
    visit_columns = [c.name for c in sa.Table("visit", sa.MetaData(), autoload_with=engine).columns if c.name not in ("target_id", "updated_at")]
    return {
        "targets": pd.read_sql("SELECT code, category, village_code, facilitator_id, desil_before, assigned_at FROM target ORDER BY code", engine),
        "visits": pd.read_sql(f"SELECT t.code, {', '.join('v.' + c for c in visit_columns)} FROM visit v JOIN target t ON t.id = v.target_id ORDER BY t.code", engine),
        "events": pd.read_sql("SELECT t.code, e.status, e.occurred_at FROM visit_event e JOIN target t ON t.id = e.target_id ORDER BY 1, 2, 3", engine),
        "facilitators": pd.read_sql("SELECT * FROM facilitator ORDER BY id", engine),
        "training": pd.read_sql("SELECT class_id, facilitator_id, instructor_id, attended, pre_score, post_score FROM training_attendance ORDER BY 1, 2, 3", engine),
    }


#: For a test of what does not depend on the engine (reading files, a dry run): the
#: loader's writes are tested on both.
SQLITE_ONLY = pytest.mark.parametrize("exported", ["sqlite"], indirect=True)


@pytest.fixture(scope="module", params=BACKENDS)
def exported(request, database_url_factory, tmp_path_factory):
    """A simulated round, its export, and a database loaded from the export."""
    source = database_url_factory(request.param)
    config, _ = simulate_small(source, families=3_000)
    directory = tmp_path_factory.mktemp("export")
    counts = export_round(get_engine(source), 1, directory)
    loaded = database_url_factory(request.param)
    report = load_files(init_database(loaded), _files(directory), auth.settings(loaded), as_of=config.as_of)
    return {"backend": request.param, "source": source, "directory": directory, "counts": counts, "loaded": loaded,
            "report": report, "as_of": config.as_of, "factory": database_url_factory}


def test_loading_the_export_gives_the_figures_of_the_direct_load(exported):
    report = exported["report"]
    for kind, n in exported["counts"].items():
        assert report.kinds[kind].read == n and report.kinds[kind].inserted == n and report.kinds[kind].quarantined == 0, kind
    _assert_same(_figures(exported["source"]), _figures(exported["loaded"]))


def test_loading_the_same_files_again_changes_nothing(exported):
    url = exported["loaded"]
    before_version = data_state(get_engine(url), 1).version
    before = _tables(url)
    report = load_files(get_engine(url), _files(exported["directory"]), auth.settings(url), as_of=exported["as_of"])
    for kind, n in exported["counts"].items():
        assert report.kinds[kind].unchanged == n and report.kinds[kind].inserted == report.kinds[kind].updated == 0, kind
    assert report.rounds_refreshed == [] and data_state(get_engine(url), 1).version == before_version
    for key, frame in _tables(url).items():
        pd.testing.assert_frame_equal(frame, before[key], obj=key)


def test_a_load_killed_half_way_then_in_its_refresh_ends_as_an_uninterrupted_one(exported, monkeypatch):
    """Killed in the middle of the targets, run again and killed in its refresh, run a third
    time: the tables and figures of one uninterrupted load, nothing left pending, the third
    load finding every row unchanged and refreshing the round the killed refresh left. (Two
    kills in one database: a load of the whole export into a new one takes 7 s on SQLite and
    15 s on PostgreSQL.)"""
    import dashboard.quality.refresh as quality_refresh

    url = exported["factory"](exported["backend"])
    engine = init_database(url)
    monkeypatch.setattr(ingest_loader, "CHUNK", 700)
    calls = {"n": 0}
    original = ingest_loader.Loader.load_rows

    # Killed in the middle of the targets: after the round, the facilitators, three chunks.
    fatal = 1 + -(-exported["counts"]["facilitators"] // 700) + 4

    def dies_half_way(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == fatal:
            raise KeyboardInterrupt("killed")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ingest_loader.Loader, "load_rows", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        load_files(engine, _files(exported["directory"]), auth.settings(url), as_of=exported["as_of"])
    assert 0 < pd.read_sql("SELECT count(*) AS n FROM target", engine)["n"][0] < exported["counts"]["targets"]
    monkeypatch.setattr(ingest_loader.Loader, "load_rows", original)

    refresh = quality_refresh.refresh_with_settings

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed in the refresh")

    monkeypatch.setattr(quality_refresh, "refresh_with_settings", killed)
    with pytest.raises(KeyboardInterrupt):
        load_files(engine, _files(exported["directory"]), auth.settings(url), as_of=exported["as_of"])
    assert pd.read_sql("SELECT count(*) AS n FROM target", engine)["n"][0] == exported["counts"]["targets"]
    monkeypatch.setattr(quality_refresh, "refresh_with_settings", refresh)
    again = load_files(engine, _files(exported["directory"]), auth.settings(url), as_of=exported["as_of"])
    assert again.kinds["visits"].unchanged == exported["counts"]["visits"] and again.rounds_refreshed == [1]
    expected = _tables(exported["loaded"])
    for key, frame in _tables(url).items():
        pd.testing.assert_frame_equal(frame, expected[key], obj=key)
    _assert_same(_figures(url), _figures(exported["loaded"]))
    assert pd.read_sql("SELECT count(*) AS n FROM ingest_pending", engine)["n"][0] == 0


@SQLITE_ONLY
def test_csv_and_parquet_load_as_json_lines_do(exported, tmp_path):
    directory = exported["directory"]
    targets = pd.read_json(directory / "targets.jsonl", lines=True, dtype=False)
    targets.to_csv(tmp_path / "targets.csv", index=False)
    visits = pd.read_json(directory / "visits.jsonl", lines=True, dtype=False, convert_dates=False)
    visits.to_parquet(tmp_path / "visits-part1.parquet", index=False)
    url = exported["factory"](exported["backend"])
    files = [directory / "rounds.jsonl", directory / "facilitators.jsonl", tmp_path / "targets.csv", tmp_path / "visits-part1.parquet", directory / "status_events.jsonl",
             *(directory / f"{kind}.jsonl" for kind in ("instructors", "training_classes", "training_attendance"))]
    report = load_files(init_database(url), files, auth.settings(url), as_of=exported["as_of"])
    assert report.kinds["targets"].quarantined == 0 and report.kinds["visits"].quarantined == 0
    expected = _tables(exported["loaded"])
    for key, frame in _tables(url).items():
        pd.testing.assert_frame_equal(frame, expected[key], obj=key, check_dtype=False)


def _visit(directory, n: int = 0) -> dict:
    with (directory / "visits.jsonl").open() as lines:
        for i, line in enumerate(lines):
            if i == n:
                return json.loads(line)
    raise AssertionError("no such visit")


def test_bad_rows_are_quarantined_with_the_reason_and_never_their_contents(exported, tmp_path):
    url, directory = _loaded_copy(exported), exported["directory"]
    engine = get_engine(url)
    before = _figures(url)
    good = _visit(directory)
    submitted = next(_visit(directory, i) for i in range(200) if _visit(directory, i)["submitted_at"])
    nik = "35770123" + "45678901"  # NIK-shaped (built here: no NIK-like literal in the repository)
    bad = [
        {**good, "nik": nik},  # a personal field the contract does not have
        {**good, "target_code": "T9-999999999"},  # a target that does not exist
        {**good, "modified_at": "2031-01-01T00:00:00"},  # after the load's clock
        {**good, "started_at": "2000-01-01T00:00:00"},  # before the round
        {**good, "status": "teleported"},  # outside the vocabulary
        {**submitted, "submitted_at": None, "status": "approved"},  # approved without a submission
        {**good, "gps_lat": 48.85, "gps_lon": 2.35},  # not in Indonesia
        {**good, "duration_seconds": 10 ** 7},
        {**submitted, "outcome": "abducted"},
        {**good, "household_size": "empat"},
    ]
    path = tmp_path / "visits-bad.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in bad) + "\n{not json\n[1, 2]\n")
    report = load_files(engine, [path], auth.settings(url), as_of=exported["as_of"])
    visits = report.kinds["visits"]
    assert visits.read == len(bad) + 2 and visits.quarantined == len(bad) + 2 and visits.inserted == visits.updated == 0
    quarantine = pd.read_sql("SELECT * FROM ingest_quarantine ORDER BY line", engine)
    assert list(quarantine["line"]) == list(range(1, len(bad) + 3)) and set(quarantine["source"]) == {"visits-bad.jsonl"}
    reasons = list(quarantine["reason"])
    assert "1 field(s) the contract does not have" in reasons[0]
    assert "no such target" in reasons[1] and "after the load's clock" in reasons[2] and "before the round began" in reasons[3]
    assert "status" in reasons[4] and "without a submission" in reasons[5] and "gps_lat" in reasons[6]
    assert "duration_seconds" in reasons[7] and "outcome" in reasons[8] and "household_size" in reasons[9]
    assert "not a record" in reasons[10] and "not a record" in reasons[11]
    assert not quarantine.astype(str).apply(lambda column: column.str.contains(nik)).any().any()  # never the contents
    _assert_same(_figures(url), before)
    # The admins' data-health section: the source's last load and its quarantined rows by reason.
    from dashboard.figures.data_health import data_health

    health = data_health(engine, access=Access.of_user("admin", "admin", ()))
    source = health.sources.set_index(["source", "kind"]).loc[("visits-bad.jsonl", "visits")]
    assert (source["read"], source["written"], source["quarantined"]) == (len(bad) + 2, 0, len(bad) + 2)
    by_reason = health.quarantine.set_index("reason")["rows"]
    assert by_reason["target_code"] == 1 and by_reason["not a record (a JSON object or a CSV row)"] == 2 and int(by_reason.sum()) == len(bad) + 2


def test_a_later_version_of_a_visit_replaces_it_an_older_one_does_not(exported, tmp_path):
    url, directory = _loaded_copy(exported), exported["directory"]
    engine = get_engine(url)
    visit = next(_visit(directory, i) for i in range(500) if _visit(directory, i)["status"] == "submitted")
    later = dt.datetime.fromisoformat(visit["modified_at"]) + dt.timedelta(minutes=30)
    approved = {**visit, "status": "approved", "reviewed_at": later.isoformat(), "first_reviewed_at": later.isoformat(),
                "approved_at": later.isoformat(), "modified_at": later.isoformat()}
    (tmp_path / "visits-new.jsonl").write_text(json.dumps(approved) + "\n")
    (tmp_path / "visits-old.jsonl").write_text(json.dumps(visit) + "\n")
    first = load_files(engine, [tmp_path / "visits-new.jsonl"], auth.settings(url), as_of=exported["as_of"])
    assert first.kinds["visits"].updated == 1 and first.rounds_refreshed == [1]
    second = load_files(engine, [tmp_path / "visits-old.jsonl"], auth.settings(url), as_of=exported["as_of"])
    assert second.kinds["visits"].older == 1 and second.rounds_refreshed == []
    status = pd.read_sql(sa.text("SELECT v.status FROM visit v JOIN target t ON t.id = v.target_id WHERE t.code = :c").bindparams(c=visit["target_code"]), engine)
    assert status["status"].tolist() == ["approved"]


@SQLITE_ONLY
def test_a_dry_run_reports_and_writes_nothing(exported):
    url = exported["factory"](exported["backend"])
    engine = init_database(url)
    report = load_files(engine, _files(exported["directory"])[:3], auth.settings(url), as_of=exported["as_of"], dry_run=True)
    assert report.kinds["targets"].read == exported["counts"]["targets"]
    assert pd.read_sql("SELECT count(*) AS n FROM target", engine)["n"][0] == 0
    assert pd.read_sql("SELECT count(*) AS n FROM facilitator", engine)["n"][0] == 0


@SQLITE_ONLY
def test_the_http_endpoint_is_for_loader_accounts_only(exported):
    """On SQLite: who may post, the answers and the limits do not depend on the engine, and
    the rows it takes are written by the loader of the files (on both engines above)."""
    from dashboard.web.server import create_server

    url, directory = exported["factory"](exported["backend"]), exported["directory"]
    init_database(url)
    server = create_server(auth.settings(url))
    loader, national = server.test_client(), server.test_client()
    auth.sign_in(loader, url, "loader")
    auth.sign_in(national, url, "national")
    rows = [json.loads(line) for line in (directory / "rounds.jsonl").read_text().splitlines()]
    assert national.post("/api/v1/ingest", json={"kind": "rounds", "rows": rows}).status_code == 403
    answer = loader.post("/api/v1/ingest", json={"kind": "rounds", "rows": rows})
    assert answer.status_code == 200 and answer.get_json()["kinds"]["rounds"]["inserted"] == 1
    assert loader.post("/api/v1/ingest", json={"kind": "visitz", "rows": []}).status_code == 400
    assert loader.post("/api/v1/ingest", json={"kind": "rounds", "rows": [{}] * 20_001}).status_code == 413
    assert loader.get("/api/v1/ingest/schema").get_json()["version"] == "1.1"
    # A loader account sees no figure anywhere.
    for path in ("/api/v1/progress?level=national", "/export/regions.csv", "/", "/api/v1/metrics"):
        assert loader.get(path).status_code == 403, path


def _loaded_copy(exported) -> str:
    """A copy of the database loaded from the export (no second load)."""
    return copy_database(exported["loaded"], exported["factory"](exported["backend"]))


def test_a_renamed_facilitator_moves_the_data_version(exported, tmp_path):
    """Names are shown from figures kept per data version: a changed facilitator refreshes
    the rounds they work in, so no page keeps the old name; an unchanged file changes nothing."""
    from dashboard.figures.cache import data_version

    url, directory = _loaded_copy(exported), exported["directory"]
    engine = get_engine(url)
    rows = [json.loads(line) for line in (directory / "facilitators.jsonl").read_text().splitlines()]
    before = data_version(engine, 1)
    (tmp_path / "facilitators-same.jsonl").write_text(json.dumps(rows[0]) + "\n")
    same = load_files(engine, [tmp_path / "facilitators-same.jsonl"], auth.settings(url), as_of=exported["as_of"])
    assert same.kinds["facilitators"].unchanged == 1 and same.rounds_refreshed == [] and data_version(engine, 1) == before
    (tmp_path / "facilitators-renamed.jsonl").write_text(json.dumps({**rows[0], "name": "Sri Rahayu Baru"}) + "\n")
    renamed = load_files(engine, [tmp_path / "facilitators-renamed.jsonl"], auth.settings(url), as_of=exported["as_of"])
    assert renamed.kinds["facilitators"].updated == 1 and renamed.rounds_refreshed == [1]
    assert data_version(engine, 1) != before
    name = pd.read_sql(sa.text("SELECT name FROM facilitator WHERE id = :i").bindparams(i=rows[0]["id"]), engine)["name"][0]
    assert name == "Sri Rahayu Baru"


def test_status_events_follow_the_lifecycle(exported, tmp_path):
    """An event must be a step the lifecycle allows after the target's events before it; a
    stored event sent again is unchanged, never refused."""
    url, directory = _loaded_copy(exported), exported["directory"]
    engine = get_engine(url)
    events = [json.loads(line) for line in (directory / "status_events.jsonl").read_text().splitlines()]
    by_target: dict[str, list] = {}
    for event in events:
        by_target.setdefault(event["target_code"], []).append(event)
    last = lambda code: dt.datetime.fromisoformat(by_target[code][-1]["occurred_at"])  # noqa: E731
    # Targets whose last event lies three hours before the load's clock (the events are UTC
    # times): the events added an hour and two after it are then not refused for lying ahead
    # of the clock. (Visits started and not submitted for half a day are few since the
    # simulated days became routes.)
    settled = lambda code: last(code).replace(tzinfo=None) <= exported["as_of"].replace(tzinfo=None) - dt.timedelta(hours=3)  # noqa: E731
    only_started = next(code for code, e in by_target.items() if [x["status"] for x in e] == ["started"] and settled(code))
    submitted = next(code for code, e in by_target.items() if [x["status"] for x in e] == ["started", "submitted"] and settled(code))
    rows = [
        {"target_code": only_started, "status": "approved", "occurred_at": (last(only_started) + dt.timedelta(hours=1)).isoformat()},
        {"target_code": submitted, "status": "resubmitted", "occurred_at": (last(submitted) + dt.timedelta(hours=1)).isoformat()},
        {"target_code": submitted, "status": "returned", "occurred_at": (last(submitted) + dt.timedelta(hours=2)).isoformat()},
        by_target[submitted][0],  # stored already
    ]
    unvisited = next(code for code in (json.loads(line)["code"] for line in (directory / "targets.jsonl").read_text().splitlines())
                     if code not in by_target)
    rows += [  # a target's first events: its assignment, then its start; never a submission first
        {"target_code": unvisited, "status": "assigned", "occurred_at": "2026-11-01T01:00:00"},
        {"target_code": unvisited, "status": "started", "occurred_at": "2026-11-02T01:00:00"},
    ]
    other = next(code for code in (json.loads(line)["code"] for line in (directory / "targets.jsonl").read_text().splitlines())
                 if code not in by_target and code != unvisited)
    rows.append({"target_code": other, "status": "submitted", "occurred_at": "2026-11-02T01:00:00"})
    (tmp_path / "status_events-x.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    dry = load_files(engine, [tmp_path / "status_events-x.jsonl"], auth.settings(url), as_of=exported["as_of"], dry_run=True)
    report = load_files(engine, [tmp_path / "status_events-x.jsonl"], auth.settings(url), as_of=exported["as_of"]).kinds["status_events"]
    assert (report.quarantined, report.inserted, report.unchanged) == (3, 3, 1)
    # A dry run judges alike (it counts what a load would accept, the stored one included).
    assert (dry.kinds["status_events"].quarantined, dry.kinds["status_events"].inserted) == (3, 4)
    reasons = pd.read_sql("SELECT reason FROM ingest_quarantine WHERE kind = 'status_events'", engine)["reason"].tolist()
    assert sorted(reasons) == ["status: approved after started is not a step of the lifecycle",
                               "status: resubmitted after submitted is not a step of the lifecycle",
                               "status: submitted after nothing is not a step of the lifecycle"]


def test_the_data_clock_never_runs_backwards_nor_ahead(exported, tmp_path):
    from dashboard.ingest.loader import IngestError

    url = _loaded_copy(exported)
    engine = get_engine(url)
    with pytest.raises(IngestError, match="future"):
        load_files(engine, _files(exported["directory"])[:1], auth.settings(url), as_of=dt.datetime.now() + dt.timedelta(days=2))
    visit = next(_visit(exported["directory"], i) for i in range(500) if _visit(exported["directory"], i)["status"] == "started")
    earlier = exported["as_of"] - dt.timedelta(days=3)
    (tmp_path / "visits-late.jsonl").write_text(json.dumps({**visit, "modified_at": exported["as_of"].isoformat()}) + "\n")
    load_files(engine, [tmp_path / "visits-late.jsonl"], auth.settings(url), as_of=exported["as_of"])
    before = data_state(engine, 1).data_until
    load_files(engine, [tmp_path / "visits-late.jsonl"], auth.settings(url), as_of=earlier)
    assert data_state(engine, 1).data_until == before  # not moved back to the earlier clock


def test_rows_that_would_corrupt_the_figures_are_quarantined(exported, tmp_path):
    url = _loaded_copy(exported)
    engine = get_engine(url)
    before = _figures(url)
    directory = exported["directory"]
    approved = next(_visit(directory, i) for i in range(500) if _visit(directory, i)["status"] == "approved")
    started = next(_visit(directory, i) for i in range(500) if _visit(directory, i)["status"] == "started")
    later = (dt.datetime.fromisoformat(approved["modified_at"]) + dt.timedelta(hours=1)).isoformat()
    name_and_address = "Siti Aminah binti Ahmad, Jl. Mawar 3"
    visits = [
        {**approved, "status": "submitted", "approved_at": None, "modified_at": later},  # back from approved
        {**started, "household_size": "4\x00"},  # a NUL character
        {**started, name_and_address: "x"},  # an unknown field named with personal data
        {**started, "status": "approved", "submitted_at": started["started_at"], "outcome": "moved",
         "approved_at": started["started_at"], "modified_at": started["started_at"]},  # approved without a first review
        {**started, "head_age": 999},
    ]
    (tmp_path / "visits-x.jsonl").write_text("\n".join(json.dumps(v) for v in visits) + "\n")
    targets = [json.loads(line) for line in (directory / "targets.jsonl").read_text().splitlines()[:2]]
    nik_shaped = "35781203" + "85000100"
    (tmp_path / "targets-x.jsonl").write_text("\n".join(json.dumps(t) for t in [targets[0], {**targets[1], "code": nik_shaped}, targets[0]]) + "\n")
    facilitators = [json.loads(line) for line in (directory / "facilitators.jsonl").read_text().splitlines()]
    owner = next(f for f in facilitators if f["id"] == targets[0]["facilitator_id"])
    elsewhere = next(f for f in facilitators if f["regency_code"] != owner["regency_code"])
    (tmp_path / "facilitators-x.jsonl").write_text(json.dumps({**owner, "regency_code": elsewhere["regency_code"], "district_codes": []}) + "\n")
    (tmp_path / "targets-noheader.csv").write_text(f"T1-000000001,1,inclusion_error,{targets[0]['village_code']},{nik_shaped},5,2026-11-01T00:00:00\n")
    report = load_files(engine, [tmp_path / p for p in ("visits-x.jsonl", "targets-x.jsonl", "facilitators-x.jsonl", "targets-noheader.csv")],
                        auth.settings(url), as_of=exported["as_of"])
    assert report.kinds["visits"].quarantined == len(visits)
    assert report.kinds["targets"].quarantined == 2 + 0 and report.kinds["targets"].unchanged == 1  # the NIK-shaped code and the repeat
    assert report.kinds["facilitators"].quarantined == 1
    quarantine = pd.read_sql("SELECT * FROM ingest_quarantine", engine)
    text = quarantine.astype(str).to_string()
    assert name_and_address not in text and nik_shaped not in text and "Siti" not in text
    reasons = " | ".join(quarantine["reason"])
    for expected in ("cannot go back", "NUL", "field(s) the contract does not have", "first_reviewed_at", "head_age",
                     "repeated later", "has targets in another", "code"):
        assert expected in reasons, expected
    _assert_same(_figures(url), before)


def test_a_later_version_that_moves_a_visit_later_is_counted_once(exported, tmp_path):
    url = _loaded_copy(exported)
    engine = get_engine(url)
    directory = exported["directory"]
    shift = dt.timedelta(days=2)
    approved = next(
        visit for visit in map(json.loads, (directory / "visits.jsonl").read_text().splitlines())
        if visit["status"] == "approved" and dt.datetime.fromisoformat(visit["modified_at"]) + shift <= exported["as_of"]
        # older than the last days (which a refresh recounted whole before it folded by difference)
        and dt.datetime.fromisoformat(visit["started_at"]) <= exported["as_of"] - dt.timedelta(days=6)
    )
    moved = {key: (dt.datetime.fromisoformat(value) + shift).isoformat() if key.endswith("_at") and value else value for key, value in approved.items()}
    moved = {**moved, "modified_at": max(moved[k] for k in moved if k.endswith("_at") and moved[k])}
    (tmp_path / "visits-moved.jsonl").write_text(json.dumps(moved) + "\n")
    load_files(engine, [tmp_path / "visits-moved.jsonl"], auth.settings(url), as_of=exported["as_of"])
    figures = _figures(url)["provinces"]
    counts = pd.read_sql("SELECT count(*) AS visited, count(submitted_at) AS submitted, count(approved_at) AS approved FROM visit", engine).iloc[0]
    assert figures["visited"].sum() == counts["visited"] and figures["submitted"].sum() == counts["submitted"]
    assert figures["approved"].sum() == counts["approved"]


def test_a_corrected_desil_before_rescores_its_facilitator(exported, tmp_path):
    """The fabrication-risk score compares a family's answers with its desil before the
    check: a target whose desil is corrected marks its visit as written, so the next
    incremental refresh re-scores the facilitator's province as a rebuild would."""
    url, directory = _loaded_copy(exported), exported["directory"]
    engine = get_engine(url)
    visited = set(pd.read_sql("SELECT t.code FROM target t JOIN visit v ON v.target_id = t.id WHERE v.submitted_at IS NOT NULL", engine)["code"])
    rows = [json.loads(line) for line in (directory / "targets.jsonl").read_text().splitlines()]
    row = next(r for r in rows if r["code"] in visited)
    stamp = lambda: pd.read_sql(sa.text("SELECT v.updated_at FROM visit v JOIN target t ON t.id = v.target_id WHERE t.code = :c").bindparams(c=row["code"]), engine)["updated_at"][0]  # noqa: E731
    before = pd.Timestamp(stamp())
    (tmp_path / "targets-desil.jsonl").write_text(json.dumps({**row, "desil_before": 1 + row["desil_before"] % 10}) + "\n")
    report = load_files(engine, [tmp_path / "targets-desil.jsonl"], auth.settings(url), as_of=exported["as_of"])
    assert report.kinds["targets"].updated == 1
    assert pd.Timestamp(stamp()) > before
