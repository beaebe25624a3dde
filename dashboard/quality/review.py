"""The review queue of the fabrication-risk score: recording what a reviewer found.

The score (``dashboard.quality.risk``) names the facilitators to check first. A supervisor
(the Dinas Sosial of a kabupaten/kota, role ``regency``) or BPS (roles ``province``,
``national``, ``admin``) checks one (calls them, revisits a few of their families) and
records the result here: ``confirmed`` (the interviews were made up) or ``cleared``, with a
note. Only what the reviewers record makes the score's precision in real use a figure
(``dashboard.figures.review_queue``); the simulator's ground truth says nothing of a real
round.

Who may record a result: a signed-in user who sees facilitators, for a facilitator of a
kabupaten/kota within their area (``Access.require_facilitators``). Not a display account
(a wall screen only watches, and anyone in the room may stand at it) nor a loader account
(a pipeline). A facilitator needs a score in the round: a review of someone the score has
not judged says nothing about the queue.

Every attempt is written to the audit trail (``AuditAction.RISK_REVIEW``, detail
``facilitator=<id> result=<result>``): a recorded result in the same transaction as the
review (both or neither), a refusal on its own with the status it would get over HTTP. The
note is never copied into the trail: it is free text, and a reviewer writing in a hurry may
put a family's name, address or NIK into it ("keluarga Bapak X di RT 3 tidak pernah
dikunjungi"). The trail is kept a year, searchable by text on the admin page; the note
stays in ``risk_review``, shown only to users who see the facilitator, and can be corrected
by a later review. The trail still says who recorded what, when and from where.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.engine import Engine

from dashboard.access.audit import AuditAction, entry, write_now
from dashboard.access.policy import Access
from dashboard.store import models

#: Longest note kept (longer ones are cut; the page's input stops there too).
NOTE_LENGTH = 500
#: Characters of a client's facilitator id or result repeated in the audit trail (an
#: unknown one is recorded as sent, cut and without control characters).
_ECHO_LENGTH = 32
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


class ReviewResult(StrEnum):
    """What a reviewer found."""

    CONFIRMED = "confirmed"  # fabrication confirmed: the score was right
    CLEARED = "cleared"  # the interviews were real: the score was wrong


class Refusal(StrEnum):
    """Why a result was not recorded (and the HTTP status the audit trail gives it)."""

    NOT_ALLOWED = "not_allowed"  # not signed in, a display or a loader account
    OUTSIDE_AREA = "outside_area"  # a facilitator outside the area (or unknown, to a user who does not see the nation)
    UNKNOWN = "unknown"  # no such facilitator (told only to users who see the whole nation)
    NOT_SCORED = "not_scored"  # no score in this round: nothing the queue named
    BAD_RESULT = "bad_result"  # neither confirmed nor cleared

    @property
    def status(self) -> int:
        return {"not_allowed": 403, "outside_area": 403, "unknown": 404, "not_scored": 409, "bad_result": 400}[self.value]


class ReviewRefused(ValueError):
    """A result that cannot be recorded; ``reason`` says why."""

    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class RecordedReview:
    id: int
    facilitator_id: str
    result: ReviewResult
    note: str | None
    score_at_review: float
    reviewed_at: dt.datetime


def clean_note(note: object) -> str | None:
    """The note as kept: text, trimmed, at most ``NOTE_LENGTH`` characters, without NUL
    (PostgreSQL refuses it in text); None when empty."""
    if note is None:
        return None
    text = str(note).replace("\x00", "").strip()[:NOTE_LENGTH].strip()
    return text or None


def _plausible_id(value: object) -> bool:
    """Text that could be a facilitator id (the column holds 16 characters; PostgreSQL
    refuses a NUL in a query's text), before it reaches the database."""
    return isinstance(value, str) and 0 < len(value) <= 16 and not _UNPRINTABLE.search(value)


def _echo(value: object) -> str:
    return _UNPRINTABLE.sub("", str(value))[:_ECHO_LENGTH]


def record_review(
    engine: Engine,
    round_id: int,
    facilitator_id: str,
    result: str,
    note: str | None,
    *,
    access: Access,
    at: dt.datetime | None = None,
    remote_addr: str | None = None,
) -> RecordedReview:
    """Record ``result`` (``confirmed`` or ``cleared``) for a facilitator of the round with
    ``note`` (trimmed to ``NOTE_LENGTH``) and their score at this moment, as ``access``'s
    user, at ``at`` (default now, naive UTC); a new row, so earlier results stay as the
    history. Raises :class:`ReviewRefused` (and audits the refusal) for an account that
    may not review, a facilitator outside its area or unknown, one without a score, or an
    unknown result."""
    at = at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    detail = f"facilitator={_echo(facilitator_id)} result={_echo(result)}"

    def refuse(reason: Refusal, message: str) -> ReviewRefused:
        with engine.begin() as conn:
            write_now(conn, entry(AuditAction.RISK_REVIEW, access, detail, reason.status, remote_addr), at)
        return ReviewRefused(reason, message)

    if not access.sees_facilitators:  # anonymous, a display or a loader account
        raise refuse(Refusal.NOT_ALLOWED, f"{access.user or 'this request'} may not review facilitators")
    if not isinstance(result, str) or result not in set(ReviewResult):
        raise refuse(Refusal.BAD_RESULT, f"a review's result is one of {', '.join(ReviewResult)}")
    f, r = models.Facilitator, models.FacilitatorRisk
    with engine.begin() as conn:
        person = (
            conn.execute(select(f.province_code, f.regency_code).where(f.id == facilitator_id)).first()
            if _plausible_id(facilitator_id) else None
        )
        if person is None or not access.sees_area(person.regency_code):
            # Unknown and outside the area are one answer to a user who does not see the
            # whole nation: the answer must not tell which ids exist outside it.
            unknown = person is None and access.nationwide_area
            reason = Refusal.UNKNOWN if unknown else Refusal.OUTSIDE_AREA
            error = (f"no facilitator {_echo(facilitator_id)!r}" if unknown else
                     f"facilitator {_echo(facilitator_id)!r} is outside the area of {access.user or 'this request'}")
        else:
            scored = conn.execute(
                select(r.score, r.interviews).where(r.round_id == round_id, r.facilitator_id == facilitator_id)
            ).first()
            score, interviews = (scored.score, scored.interviews) if scored is not None else (None, None)
            if score is None:
                reason, error = Refusal.NOT_SCORED, f"facilitator {facilitator_id!r} has no fabrication-risk score in round {round_id}"
            else:
                kept = clean_note(note)
                review_id = conn.execute(
                    models.RiskReview.__table__.insert().returning(models.RiskReview.id),
                    {
                        "round_id": round_id, "facilitator_id": facilitator_id, "province_code": person.province_code,
                        "regency_code": person.regency_code, "result": str(result), "note": kept,
                        "score_at_review": float(score), "interviews_at_review": interviews, "reviewed_by": access.user or "", "reviewed_at": at,
                    },
                ).scalar_one()
                write_now(conn, entry(AuditAction.RISK_REVIEW, access, detail, 200, remote_addr), at)
                return RecordedReview(review_id, facilitator_id, ReviewResult(result), kept, float(score), at)
    raise refuse(reason, error)


__all__ = ["NOTE_LENGTH", "RecordedReview", "Refusal", "ReviewRefused", "ReviewResult", "clean_note", "record_review"]
