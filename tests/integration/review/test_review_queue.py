"""The review queue of the fabrication-risk score (issue 18, item 4), without Dash: recording
a result (``dashboard.quality.review``) and reading the queue and its precision
(``dashboard.figures.review_queue``), on SQLite and PostgreSQL.

- the queue of the nation, a province and a kabupaten/kota equals a computation in pandas
  from the raw ``facilitator_risk``, ``risk_review`` and ``facilitator`` rows, for a national
  and for a scoped user;
- a result is stored with the score of that moment and audited (never the note), and the
  latest review of a facilitator is their result;
- the precision counts the latest result of each facilitator the queue named when reviewed,
  with its Wilson interval;
- refusals: another kabupaten/kota's facilitator, a display, loader or anonymous account,
  an unknown id or result, an unscored facilitator; a long note is cut, and the database
  refuses a longer one or another result by itself.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.access.policy import Access, OutOfScope, Role
from dashboard.figures.queries import Scope
from dashboard.figures.review_queue import QUEUE_COLUMNS, REASON_SIGNALS, REREVIEW_POINTS, queue_precision, review_queue
from dashboard.quality.review import NOTE_LENGTH, Refusal, ReviewRefused, record_review
from dashboard.quality.risk import SIGNALS
from dashboard.store.database import get_engine
from tests.review_round import THRESHOLD, TRICKY_NAME

NATIONAL = Access.of_user("tnational", Role.NATIONAL, ())
PROVINCE = Access.of_user("tprovince-35", Role.PROVINCE, ("35",))
REGENCY = Access.of_user("tregency-3577", Role.REGENCY, ("35.77",))
DISPLAY = Access.of_user("tdisplay-35", Role.DISPLAY, ("35",))
LOADER = Access.of_user("tloader", Role.LOADER, ())
ANONYMOUS = Access()
T0 = dt.datetime(2026, 11, 24, 3, 0)
SCRIPT_NOTE = "<script>alert(1)</script> **tebal** [tautan](http://x)"
LONG_NOTE = "panjang " * 1250  # 10,000 characters


@pytest.fixture(scope="module")
def reviewed(review_round):
    """The round with reviews recorded by three users, one facilitator twice (confirmed,
    then cleared: the latest wins), one below the threshold, one with a note of 10,000
    characters, one in round 2; afterwards PKH-3577-007's score falls below the threshold."""
    engine = get_engine(review_round.url)
    at = lambda minutes: T0 + dt.timedelta(minutes=minutes)  # noqa: E731
    recorded = [
        record_review(engine, 1, "PKH-3577-001", "confirmed", "dikunjungi ulang", access=REGENCY, at=at(0), remote_addr="10.0.0.7"),
        record_review(engine, 1, "PKH-3201-002", "confirmed", None, access=NATIONAL, at=at(1)),
        record_review(engine, 1, "PKH-3577-007", "confirmed", SCRIPT_NOTE, access=REGENCY, at=at(2)),
        record_review(engine, 1, "PKH-3519-001", "confirmed", "  ", access=PROVINCE, at=at(3)),
        record_review(engine, 1, "PKH-3519-002", "cleared", "wawancara nyata", access=PROVINCE, at=at(4)),
        record_review(engine, 1, "PKH-3577-004", "cleared", "di bawah ambang", access=REGENCY, at=at(5)),
        record_review(engine, 1, "PKH-3577-002", "confirmed", LONG_NOTE, access=REGENCY, at=at(6)),
        # Recorded later but dated before the second review of PKH-3577-001 below.
        record_review(engine, 2, "PKH-3577-002", "cleared", "putaran 2", access=PROVINCE, at=at(7)),
        record_review(engine, 1, "PKH-3577-001", "cleared", "ternyata benar dikunjungi", access=PROVINCE, at=at(20)),
    ]
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE facilitator_risk SET score = 40, high_risk = false WHERE round_id = 1 AND facilitator_id = 'PKH-3577-007'"))
    return review_round, recorded


def _raw(url: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "risk": pd.read_sql("SELECT * FROM facilitator_risk", conn),
                "reviews": pd.read_sql("SELECT * FROM risk_review", conn),
                "people": pd.read_sql("SELECT id, name FROM facilitator", conn),
                "regencies": pd.read_sql("SELECT code, name FROM regency", conn),
                "provinces": pd.read_sql("SELECT code, name FROM province", conn),
            }
    finally:
        engine.dispose()


def _latest(reviews: pd.DataFrame, round_id: int) -> pd.DataFrame:
    mine = reviews[reviews["round_id"] == round_id].copy()
    mine["reviewed_at"] = pd.to_datetime(mine["reviewed_at"])
    return mine.sort_values(["reviewed_at", "id"]).drop_duplicates("facilitator_id", keep="last").set_index("facilitator_id")


def _in(frame: pd.DataFrame, code: str | None, access: Access) -> pd.Series:
    """Rows of ``frame`` (with region codes) in the scope ``code`` and the area of ``access``."""
    inside = pd.Series(True, index=frame.index)
    if code:
        inside &= frame["province_code" if len(code) == 2 else "regency_code"] == code
    if not access.nationwide_area:
        inside &= frame["regency_code"].isin(access.regencies) | frame["province_code"].isin(access.provinces)
    return inside


def _expected_queue(raw: dict, round_id: int, code: str | None, access: Access, lang: str) -> pd.DataFrame:
    risk = raw["risk"]
    risk = risk[(risk["round_id"] == round_id) & risk["score"].notna() & (risk["score"] >= THRESHOLD) & _in(risk, code, access)]
    latest = _latest(raw["reviews"], round_id)
    names = raw["people"].set_index("id")["name"]
    regencies = raw["regencies"].set_index("code")["name"]
    provinces = raw["provinces"].set_index("code")["name"]
    rows = []
    for row in risk.itertuples():
        strengths = [(-float(getattr(row, f"{s.id}_strength") or 0), i, s) for i, s in enumerate(SIGNALS)]
        raised = [s for minus, _, s in sorted(strengths) if minus < 0][:REASON_SIGNALS]
        review = latest.loc[row.facilitator_id] if row.facilitator_id in latest.index else None
        rows.append({
            "id": row.facilitator_id, "name": names[row.facilitator_id], "regency_code": row.regency_code,
            "regency_name": regencies[row.regency_code], "province_name": provinces[row.province_code],
            "interviews": row.interviews, "score": row.score,
            "reason": "; ".join(s.label(lang) for s in raised), "reason_signals": tuple(s.id for s in raised),
            "result": None if review is None else review["result"], "reviewed_by": None if review is None else review["reviewed_by"],
            "reviewed_at": None if review is None else review["reviewed_at"], "note": None if review is None else review["note"],
            "score_at_review": None if review is None else review["score_at_review"],
            "interviews_at_review": None if review is None else review["interviews_at_review"],
            "due_again": review is not None and review["result"] == "cleared" and (
                row.score >= review["score_at_review"] + REREVIEW_POINTS
                or (row.interviews >= 2 * review["interviews_at_review"] and row.interviews >= review["interviews_at_review"] + 20)
            ),
        })
    frame = pd.DataFrame(rows, columns=["id", *QUEUE_COLUMNS])
    frame["waiting"] = frame["result"].isna() | frame["due_again"].astype(bool)
    return frame.sort_values(["waiting", "score", "id"], ascending=[False, False, True]).drop(columns="waiting").set_index("id")


def _comparable(frame: pd.DataFrame) -> list[dict]:
    def clean(value):
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime().replace(microsecond=0)
        if isinstance(value, float):
            return round(value, 6)
        return value

    return [{k: clean(v) for k, v in {"id": i, **row}.items()} for i, row in frame.reset_index().set_index("id").to_dict("index").items()]


SCOPES = [None, "35", "35.77", "35.19"]


@pytest.mark.parametrize("code", SCOPES, ids=["nation", "province", "regency", "neighbour"])
@pytest.mark.parametrize("who", ["national", "province", "regency"])
def test_the_queue_equals_a_pandas_computation(reviewed, code, who):
    review_round, _ = reviewed
    access = {"national": NATIONAL, "province": PROVINCE, "regency": REGENCY}[who]
    engine = get_engine(review_round.url)
    scope = Scope.of(code)
    if not access.overlaps(code):
        with pytest.raises(OutOfScope):
            review_queue(engine, 1, scope, access=access, threshold=THRESHOLD)
        return
    lang = "en" if who == "province" else "id"
    got = review_queue(engine, 1, scope, access=access, threshold=THRESHOLD, lang=lang)
    expected = _expected_queue(_raw(review_round.url), 1, code, access, lang)
    assert list(got.columns) == list(QUEUE_COLUMNS)
    assert _comparable(got) == _comparable(expected)
    assert len(got) > 0


def test_the_queue_of_kota_madiun_in_words(reviewed):
    """The same, written out: waiting first, then by score; the latest result; no one
    below the threshold or without a score; the tie of two signals in the signals' order."""
    review_round, _ = reviewed
    queue = review_queue(get_engine(review_round.url), 1, Scope.of("35.77"), access=REGENCY, threshold=THRESHOLD, lang="en")
    assert list(queue.index) == ["PKH-3577-003", "PKH-3577-001", "PKH-3577-002"]
    assert queue.loc["PKH-3577-003", "name"] == TRICKY_NAME and pd.isna(queue.loc["PKH-3577-003", "result"])
    assert queue.loc["PKH-3577-001", ["result", "reviewed_by", "note"]].tolist() == ["cleared", "tprovince-35", "ternyata benar dikunjungi"]
    assert queue.loc["PKH-3577-002", "reason_signals"][:2] == (SIGNALS[-2].id, SIGNALS[-1].id)
    assert queue.loc["PKH-3577-002", "reason"].startswith(f"{SIGNALS[-2].label('en')}; {SIGNALS[-1].label('en')}")


def test_the_queue_of_a_round_is_its_own(reviewed):
    review_round, _ = reviewed
    queue = review_queue(get_engine(review_round.url), 2, Scope.of("35.77"), access=NATIONAL, threshold=THRESHOLD)
    assert list(queue.index) == ["PKH-3577-007", "PKH-3577-002"]  # 001 scores 10 in round 2
    assert queue.loc["PKH-3577-002", "result"] == "cleared" and queue.loc["PKH-3577-002", "note"] == "putaran 2"


def _wilson(k: int, n: int) -> tuple[float, float, float]:
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * p, 100 * (centre - half), 100 * (centre + half)


@pytest.mark.parametrize("code", SCOPES, ids=["nation", "province", "regency", "neighbour"])
def test_the_precision_equals_a_pandas_computation(reviewed, code):
    review_round, _ = reviewed
    raw = _raw(review_round.url)
    latest = _latest(raw["reviews"], 1).reset_index()
    named = latest[_in(latest, code, NATIONAL) & (latest["score_at_review"] >= THRESHOLD)]
    risk = raw["risk"]
    queue = risk[(risk["round_id"] == 1) & (risk["score"] >= THRESHOLD) & _in(risk, code, NATIONAL)]
    got = queue_precision(get_engine(review_round.url), 1, Scope.of(code), access=NATIONAL, threshold=THRESHOLD)
    confirmed, cleared = int((named["result"] == "confirmed").sum()), int((named["result"] == "cleared").sum())
    assert (got.in_queue, got.reviewed, got.confirmed, got.cleared) == (len(queue), len(named), confirmed, cleared)
    assert got.waiting == int((~queue["facilitator_id"].isin(latest["facilitator_id"])).sum())
    assert (got.precision, got.low, got.high) == pytest.approx(_wilson(confirmed, confirmed + cleared))


def test_the_precision_of_kota_madiun_in_words(reviewed):
    """001 cleared at last, 002 and 007 confirmed (007 counts though its score fell since);
    004 was reviewed below the threshold: not a pick of the queue. 003 waits."""
    review_round, _ = reviewed
    got = queue_precision(get_engine(review_round.url), 1, Scope.of("35.77"), access=REGENCY, threshold=THRESHOLD)
    assert (got.in_queue, got.waiting, got.reviewed, got.confirmed, got.cleared) == (3, 1, 3, 2, 1)
    assert got.precision == pytest.approx(200 / 3)
    assert got.low == pytest.approx(20.77, abs=0.01) and got.high == pytest.approx(93.85, abs=0.01)


def test_before_any_review_the_precision_is_not_a_number(reviewed):
    review_round, _ = reviewed
    got = queue_precision(get_engine(review_round.url), 1, Scope.of("35.78"), access=NATIONAL, threshold=THRESHOLD)
    assert (got.in_queue, got.waiting, got.reviewed) == (1, 1, 0)
    assert math.isnan(got.precision) and math.isnan(got.low) and math.isnan(got.high)


def test_a_scoped_user_on_the_national_page_gets_their_own_area_only(reviewed):
    review_round, _ = reviewed
    engine = get_engine(review_round.url)
    queue = review_queue(engine, 1, Scope.national(), access=REGENCY, threshold=THRESHOLD)
    assert set(queue["regency_code"]) == {"35.77"}
    whole = queue_precision(engine, 1, Scope.national(), access=REGENCY, threshold=THRESHOLD)
    own = queue_precision(engine, 1, Scope.of("35.77"), access=REGENCY, threshold=THRESHOLD)
    assert whole == own


def test_what_a_display_account_may_see(reviewed):
    """No names (the queue), the counts of its area (the precision); nothing outside it."""
    review_round, _ = reviewed
    engine = get_engine(review_round.url)
    with pytest.raises(OutOfScope):
        review_queue(engine, 1, Scope.of("35"), access=DISPLAY, threshold=THRESHOLD)
    assert queue_precision(engine, 1, Scope.of("35"), access=DISPLAY, threshold=THRESHOLD).reviewed > 0
    for access in (DISPLAY, REGENCY, PROVINCE, ANONYMOUS, LOADER):
        with pytest.raises(OutOfScope):
            queue_precision(engine, 1, Scope.of("32"), access=access, threshold=THRESHOLD)
        with pytest.raises(OutOfScope):
            review_queue(engine, 1, Scope.of("32.01"), access=access, threshold=THRESHOLD)


def test_a_result_is_stored_with_the_score_of_its_moment(reviewed):
    review_round, recorded = reviewed
    with sa.create_engine(review_round.url).connect() as conn:
        rows = pd.read_sql("SELECT * FROM risk_review ORDER BY id", conn)
    assert len(rows) == len(recorded) and list(rows["id"]) == [r.id for r in recorded]
    first = rows.iloc[0]
    assert (first["round_id"], first["facilitator_id"], first["province_code"], first["regency_code"], first["result"]) == (1, "PKH-3577-001", "35", "35.77", "confirmed")
    assert (first["note"], first["score_at_review"], first["reviewed_by"]) == ("dikunjungi ulang", 82.0, "tregency-3577")
    assert pd.Timestamp(first["reviewed_at"]).to_pydatetime() == T0
    seventh = rows.set_index("facilitator_id").loc["PKH-3577-007"]
    assert seventh["score_at_review"] == 71.0  # the score fell to 40 after the review
    assert pd.isna(rows.iloc[3]["note"])  # a blank note is no note


def test_a_note_is_cut_at_500_characters_and_kept_as_written(reviewed):
    review_round, recorded = reviewed
    long_one = next(r for r in recorded if r.facilitator_id == "PKH-3577-002" and r.note and r.note.startswith("panjang"))
    assert long_one.note == LONG_NOTE.strip()[:NOTE_LENGTH].strip() and len(long_one.note) <= NOTE_LENGTH
    with sa.create_engine(review_round.url).connect() as conn:
        stored = conn.execute(sa.text("SELECT note FROM risk_review WHERE id = :id"), {"id": long_one.id}).scalar_one()
        script = conn.execute(sa.text("SELECT note FROM risk_review WHERE facilitator_id = 'PKH-3577-007'")).scalar_one()
    assert stored == long_one.note
    assert script == SCRIPT_NOTE  # stored as written; the page shows it as text (test_review_page)


def test_every_result_is_audited_without_its_note(reviewed):
    review_round, recorded = reviewed
    with sa.create_engine(review_round.url).connect() as conn:
        audit = pd.read_sql("SELECT * FROM audit_event WHERE action = 'risk_review' AND status = 200 ORDER BY id", conn)
    assert len(audit) == len(recorded)
    assert list(audit["detail"]) == [f"facilitator={r.facilitator_id} result={r.result}" for r in recorded]
    assert list(audit["user_name"][:3]) == ["tregency-3577", "tnational", "tregency-3577"]
    assert (audit["role"].iloc[0], audit["area"].iloc[0], audit["remote_addr"].iloc[0]) == ("regency", "35.77", "10.0.0.7")
    text = " ".join(audit["detail"])
    assert "script" not in text and "tebal" not in text and "dikunjungi" not in text and "panjang" not in text


REFUSALS = [
    # (who, facilitator, result, reason)
    ("regency", "PKH-3519-001", "confirmed", Refusal.OUTSIDE_AREA),  # Kabupaten Madiun: the neighbour's
    ("regency", "PKH-3201-001", "cleared", Refusal.OUTSIDE_AREA),
    ("province", "PKH-3201-001", "cleared", Refusal.OUTSIDE_AREA),
    ("regency", "PKH-9999-999", "confirmed", Refusal.OUTSIDE_AREA),  # unknown: not told outside the nation
    ("national", "PKH-9999-999", "confirmed", Refusal.UNKNOWN),
    ("display", "PKH-3577-003", "confirmed", Refusal.NOT_ALLOWED),
    ("loader", "PKH-3577-003", "confirmed", Refusal.NOT_ALLOWED),
    ("anonymous", "PKH-3577-003", "confirmed", Refusal.NOT_ALLOWED),
    ("regency", "PKH-3577-003", "maybe", Refusal.BAD_RESULT),
    ("regency", "PKH-3577-003", "CONFIRMED", Refusal.BAD_RESULT),
    ("national", "PKH-3577-003", None, Refusal.BAD_RESULT),
    ("national", "PKH-3577-003", ["confirmed"], Refusal.BAD_RESULT),
    ("regency", "PKH-3577-005", "confirmed", Refusal.NOT_SCORED),  # 4 interviews: no score
    ("national", "PKH-3577-005", "cleared", Refusal.NOT_SCORED),
    ("regency", None, "confirmed", Refusal.OUTSIDE_AREA),
]
WHO = {"national": NATIONAL, "province": PROVINCE, "regency": REGENCY, "display": DISPLAY, "loader": LOADER, "anonymous": ANONYMOUS}


@pytest.mark.parametrize("who, facilitator, result, reason", REFUSALS)
def test_a_refused_result_is_not_stored_and_is_audited(reviewed, who, facilitator, result, reason):
    review_round, _ = reviewed
    engine = get_engine(review_round.url)
    count = lambda conn, table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: E731
    with engine.connect() as conn:
        before = (count(conn, "risk_review"), count(conn, "audit_event"))
    with pytest.raises(ReviewRefused) as refused:
        record_review(engine, 1, facilitator, result, "catatan", access=WHO[who])
    assert refused.value.reason == reason
    with engine.connect() as conn:
        assert count(conn, "risk_review") == before[0]
        assert count(conn, "audit_event") == before[1] + 1
        last = conn.execute(sa.text("SELECT action, detail, status, user_name FROM audit_event ORDER BY id DESC LIMIT 1")).one()
    assert (last.action, last.status) == ("risk_review", reason.status)
    assert last.detail == f"facilitator={facilitator} result={result}" and "catatan" not in last.detail
    assert last.user_name == WHO[who].user


def test_a_refusal_repeats_a_clients_id_cut_and_printable(reviewed):
    review_round, _ = reviewed
    engine = get_engine(review_round.url)
    with pytest.raises(ReviewRefused):
        record_review(engine, 1, "PKH\n\x00" + "x" * 100, "confirmed", None, access=REGENCY)
    with engine.connect() as conn:
        detail = conn.execute(sa.text("SELECT detail FROM audit_event ORDER BY id DESC LIMIT 1")).scalar_one()
    assert detail == "facilitator=PKH" + "x" * 29 + " result=confirmed"


def test_the_database_refuses_another_result_and_a_longer_note(reviewed):
    review_round, _ = reviewed
    engine = get_engine(review_round.url)
    row = {"round_id": 1, "facilitator_id": "PKH-3577-003", "province_code": "35", "regency_code": "35.77", "result": "confirmed",
           "note": "x", "score_at_review": 50.0, "reviewed_by": "someone", "reviewed_at": T0}
    insert = sa.text("INSERT INTO risk_review (round_id, facilitator_id, province_code, regency_code, result, note, score_at_review, reviewed_by, reviewed_at) "
                     "VALUES (:round_id, :facilitator_id, :province_code, :regency_code, :result, :note, :score_at_review, :reviewed_by, :reviewed_at)")
    with engine.connect() as conn:
        with conn.begin() as transaction:
            conn.execute(insert, row)  # well-formed
            transaction.rollback()
        for change, constraint in (({"result": "maybe"}, "ck_risk_review_result"), ({"note": "x" * 501}, "ck_risk_review_note_length")):
            with conn.begin() as transaction:
                with pytest.raises(sa.exc.IntegrityError, match=constraint):
                    conn.execute(insert, {**row, **change})
                transaction.rollback()


def test_a_cleared_facilitator_whose_score_rises_is_due_again(review_round, database_url_factory):
    """Cleared at one score, scored higher since by ``REREVIEW_POINTS``: back among the
    waiting, first in the queue; a smaller rise leaves them reviewed."""
    from tests.review_round import build_review_round

    # A round of its own (the module's round has open connections a copy would need closed).
    backend = "sqlite" if review_round.url.startswith("sqlite") else "postgresql"
    engine = get_engine(build_review_round(database_url_factory(backend)).url)
    with engine.connect() as conn:
        facilitator, score = conn.execute(sa.text(
            "SELECT facilitator_id, score FROM facilitator_risk WHERE round_id = 1 AND regency_code = '35.77' AND score >= :t "
            "AND score <= 100 - :p ORDER BY facilitator_id LIMIT 1"), {"t": THRESHOLD, "p": REREVIEW_POINTS}).one()
    assert record_review(engine, 1, facilitator, "cleared", "nyata", access=REGENCY, at=T0)
    before = queue_precision(engine, 1, Scope.of("35.77"), access=REGENCY, threshold=THRESHOLD)
    queue = review_queue(engine, 1, Scope.of("35.77"), access=REGENCY, threshold=THRESHOLD)
    assert not queue.loc[facilitator, "due_again"]
    for rise, due in ((REREVIEW_POINTS - 1, False), (REREVIEW_POINTS, True)):
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE facilitator_risk SET score = :s WHERE round_id = 1 AND facilitator_id = :f"), {"s": score + rise, "f": facilitator})
        queue = review_queue(engine, 1, Scope.of("35.77"), access=REGENCY, threshold=THRESHOLD)
        after = queue_precision(engine, 1, Scope.of("35.77"), access=REGENCY, threshold=THRESHOLD)
        assert bool(queue.loc[facilitator, "due_again"]) is due
        assert after.waiting == before.waiting + due
        if due:  # among the waiting, at the top by its score
            waiting = queue[queue["result"].isna() | queue["due_again"]]
            assert facilitator in waiting.index and list(queue.index[: len(waiting)]) == list(waiting.index)


def test_a_cleared_facilitator_still_named_with_twice_the_interviews_is_due_again(review_round, database_url_factory):
    """A score near 100 cannot rise 15 points: a cleared facilitator the score still names
    with twice the interviews (and 20 more at least) is due again."""
    from tests.review_round import build_review_round

    backend = "sqlite" if review_round.url.startswith("sqlite") else "postgresql"
    engine = get_engine(build_review_round(database_url_factory(backend)).url)
    with engine.connect() as conn:
        facilitator, interviews = conn.execute(sa.text(
            "SELECT facilitator_id, interviews FROM facilitator_risk WHERE round_id = 1 AND regency_code = '35.77' AND score >= :t "
            "ORDER BY score DESC, facilitator_id LIMIT 1"), {"t": THRESHOLD}).one()
    assert record_review(engine, 1, facilitator, "cleared", None, access=REGENCY, at=T0)
    for more, due in ((max(interviews, 20) - 1, False), (max(interviews, 20), True)):
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE facilitator_risk SET interviews = :n WHERE round_id = 1 AND facilitator_id = :f"), {"n": interviews + more, "f": facilitator})
        queue = review_queue(engine, 1, Scope.of("35.77"), access=REGENCY, threshold=THRESHOLD)
        assert bool(queue.loc[facilitator, "due_again"]) is due and queue.loc[facilitator, "interviews_at_review"] == interviews
