"""The review queue of the fabrication-risk score, as data: the facilitators of a scope the
score names (at or above the threshold), with the reason and their latest review, and the
precision of the queue in real use (what share of the reviewed ones were confirmed).

Results are recorded by ``dashboard.quality.review`` (``risk_review``: one row per review,
the newest a facilitator's current result).

**Not cached** (``dashboard.figures.cache`` is keyed by the data version, which a review
does not move): a reviewer must see the result they just recorded at once, and other
reviewers' at the next poll. Both reads are small and indexed: the scored facilitators of
a scope at or above the threshold (``ix_facilitator_risk_round_regency``/``_province``; a
few hundred in the nation) and the reviews of the scope (``ix_risk_review_round_regency``).
For the same reason the page reads them from the writer, not a replica that may lag behind
the review just written.

Access: like the quality page's facilitator list, a scope the user's area overlaps (a
kabupaten/kota user on their province's or the nation's page gets their own part of it),
cut to that area (``area_filter``); anything else is refused (``OutOfScope``). The queue
names facilitators: not for a display account. Its precision is a count of reviews, no
name: a display account within its area may show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.quality_report import risk_signals
from dashboard.figures.queries import Scope, area_filter, scope_filter
from dashboard.figures.training import wilson
from dashboard.quality.risk import SIGNALS_BY_ID
from dashboard.store import models
from dashboard.vocabulary import Language

#: Signals named as the reason of a facilitator's place in the queue (the strongest first).
REASON_SIGNALS = 3
#: A facilitator cleared at one score is due for another review when their score has risen
#: this many points since (their newer interviews may be what the first review did not see),
#: or when the score still names them with ``REREVIEW_INTERVIEWS`` times the interviews (and
#: at least ``REREVIEW_MIN_NEW`` more): a score near 100 cannot rise 15 points.
REREVIEW_POINTS = 15.0
REREVIEW_INTERVIEWS = 2.0
REREVIEW_MIN_NEW = 20
#: Columns of :func:`review_queue`, in order.
QUEUE_COLUMNS = (
    "name", "regency_code", "regency_name", "province_name", "interviews", "score", "reason", "reason_signals",
    "result", "reviewed_by", "reviewed_at", "note", "score_at_review", "interviews_at_review", "due_again",
)


@dataclass(frozen=True)
class QueuePrecision:
    """The queue of a scope in real use. ``reviewed`` counts each facilitator once, by
    their latest review, when the queue named them then (score at review at or above the
    threshold); ``precision`` (%) = confirmed / reviewed with its 95 % Wilson interval
    (NaN before any review). ``waiting``: in the queue now and never reviewed in the round,
    or cleared and due for another review (``REREVIEW_POINTS``)."""

    in_queue: int
    waiting: int
    reviewed: int
    confirmed: int
    cleared: int
    precision: float
    low: float
    high: float


def _require(access: Access, scope: Scope, *, names: bool) -> None:
    if not access.overlaps(scope.code) or (names and not access.sees_facilitators):
        raise OutOfScope(f"no review queue of {scope.code or 'the nation'} for {access.user or 'this request'}")


def _latest_reviews(conn: Connection, round_id: int, scope: Scope, access: Access) -> pd.DataFrame:
    """Each reviewed facilitator's latest review (by time, then by id), indexed by id."""
    v = models.RiskReview
    reviews = pd.read_sql(
        select(v.id.label("review_id"), v.facilitator_id, v.result, v.note, v.score_at_review, v.interviews_at_review, v.reviewed_by, v.reviewed_at)
        .where(v.round_id == round_id, *scope_filter(v, scope), *area_filter(v, access)),
        conn,
    )
    reviews["reviewed_at"] = pd.to_datetime(reviews["reviewed_at"])
    latest = reviews.sort_values(["reviewed_at", "review_id"], kind="stable").groupby("facilitator_id").tail(1)
    return latest.set_index("facilitator_id")


def _in_queue(round_id: int, scope: Scope, access: Access, threshold: float) -> list:
    """WHERE conditions of the risk rows in the queue: scored at or above ``threshold``, in
    the scope and the area."""
    r = models.FacilitatorRisk
    return [r.round_id == round_id, r.score.is_not(None), r.score >= threshold, *scope_filter(r, scope), *area_filter(r, access)]


def _reason(row: pd.Series, lang: Language) -> tuple[str, tuple[str, ...]]:
    """The signals that raised the score most (``risk_signals``), as labels and ids."""
    signals = risk_signals(row)
    top = signals.loc[signals["raised"], "signal"].head(REASON_SIGNALS).tolist()
    return "; ".join(SIGNALS_BY_ID[s].label(lang) for s in top if s in SIGNALS_BY_ID), tuple(top)


def _due_again(result: pd.Series, score: pd.Series, score_at_review: pd.Series, interviews: pd.Series, interviews_at_review: pd.Series) -> pd.Series:
    """Cleared, and now scored ``REREVIEW_POINTS`` higher than at that review, or still named
    with ``REREVIEW_INTERVIEWS`` times the interviews (``REREVIEW_MIN_NEW`` more at least)."""
    before = interviews_at_review.astype(float)
    grown = (interviews.astype(float) >= REREVIEW_INTERVIEWS * before) & (interviews.astype(float) >= before + REREVIEW_MIN_NEW)
    return (result == "cleared") & ((score.astype(float) >= score_at_review.astype(float) + REREVIEW_POINTS) | grown.fillna(False))


def review_queue(engine: Engine, round_id: int, scope: Scope, *, access: Access, threshold: float, lang: Language = "id") -> pd.DataFrame:
    """The facilitators of ``scope`` (within the area of ``access``) whose score is at or
    above ``threshold``, indexed by id (``QUEUE_COLUMNS``): name, kabupaten/kota (code and
    name) and province name, interviews,
    score, ``reason`` (the labels, in ``lang``, of the signals that raised the score most,
    strongest first; ``reason_signals`` their ids) and their latest review (``result``,
    ``reviewed_by``, ``reviewed_at``, ``note``, ``score_at_review``,
    ``interviews_at_review``; NaN/None before any) and ``due_again`` (cleared, but the score has risen
    ``REREVIEW_POINTS`` since, or still names them with twice the interviews). Those
    waiting (not yet reviewed, or due again) first, then the highest score, then the id."""
    _require(access, scope, names=True)
    r, f, g, p = models.FacilitatorRisk, models.Facilitator, models.Regency, models.Province
    with engine.connect() as conn:
        rows = pd.read_sql(
            select(*r.__table__.columns, f.name, g.name.label("regency_name"), p.name.label("province_name"))
            .join(f, f.id == r.facilitator_id)
            .join(g, g.code == r.regency_code)
            .join(p, p.code == r.province_code)
            .where(*_in_queue(round_id, scope, access, threshold)),
            conn,
        )
        latest = _latest_reviews(conn, round_id, scope, access)
    if rows.empty:
        return pd.DataFrame(columns=list(QUEUE_COLUMNS)).rename_axis("id")
    reasons = [_reason(row, lang) for _, row in rows.iterrows()]
    table = pd.DataFrame(
        {
            "name": rows["name"].to_numpy(),
            "regency_code": rows["regency_code"].to_numpy(),
            "regency_name": rows["regency_name"].to_numpy(),
            "province_name": rows["province_name"].to_numpy(),
            "interviews": rows["interviews"].astype("int64").to_numpy(),
            "score": rows["score"].astype(float).to_numpy(),
            "reason": [text for text, _ in reasons],
            "reason_signals": [ids for _, ids in reasons],
        },
        index=pd.Index(rows["facilitator_id"], name="id"),
    )
    table = table.join(latest[["result", "reviewed_by", "reviewed_at", "note", "score_at_review", "interviews_at_review"]], how="left")
    table["due_again"] = _due_again(table["result"], table["score"], table["score_at_review"], table["interviews"], table["interviews_at_review"])
    table["_waiting"] = table["result"].isna() | table["due_again"]
    table = table.reset_index().sort_values(["_waiting", "score", "id"], ascending=[False, False, True], kind="stable").set_index("id")
    return table.drop(columns="_waiting")[list(QUEUE_COLUMNS)]


def queue_precision(engine: Engine, round_id: int, scope: Scope, *, access: Access, threshold: float) -> QueuePrecision:
    """How the queue of ``scope`` (within the area of ``access``) fared in real use: see
    :class:`QueuePrecision`."""
    _require(access, scope, names=False)
    r = models.FacilitatorRisk
    with engine.connect() as conn:
        queue = pd.read_sql(select(r.facilitator_id, r.score, r.interviews).where(*_in_queue(round_id, scope, access, threshold)), conn)
        latest = _latest_reviews(conn, round_id, scope, access)
    named = latest[latest["score_at_review"] >= threshold]
    confirmed = int((named["result"] == "confirmed").sum())
    cleared = int((named["result"] == "cleared").sum())
    now = queue.set_index("facilitator_id").join(latest[["result", "score_at_review", "interviews_at_review"]], how="left")
    due = _due_again(now["result"], now["score"], now["score_at_review"], now["interviews"], now["interviews_at_review"])
    waiting = int((now["result"].isna() | due).sum())
    precision, low, high = wilson(confirmed, confirmed + cleared)
    return QueuePrecision(len(queue), waiting, confirmed + cleared, confirmed, cleared, precision, low, high)


__all__ = ["QUEUE_COLUMNS", "QueuePrecision", "REASON_SIGNALS", "REREVIEW_INTERVIEWS", "REREVIEW_MIN_NEW", "REREVIEW_POINTS", "queue_precision", "review_queue"]
