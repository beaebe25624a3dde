"""How long cases wait, as Survey Solutions' status-duration report shows it: for every
scope and as of any day (WIB), the cases in each open status by how many days they have
been in it, the review backlog per kabupaten/kota, the facilitators with the oldest cases
waiting on them, and the cases behind each figure (pseudonymous target codes only).

A case is a target. At the end of a day it is in one of these open statuses, or done:

- ``assigned``: assigned, not visited (since its assignment);
- ``started``: visit started, not submitted (since the start);
- ``submitted``: submitted or resubmitted, not reviewed (since that submission);
- ``returned``: returned for correction, not resubmitted (since the return);
- ``approved``: approved, interviewed, not re-ranked yet (since the approval). Approved
  visits whose family was not interviewed (moved, deceased, not found, refused) are done:
  there is nothing to re-rank.

Its age is the number of WIB days between the day it entered the status and the day asked
for (0: it entered that day). A case's status at the end of a past day comes from its
visit's times, and for a visit returned at least once from the audit trail of its status
changes (``visit_event``), so returns and resubmissions are told apart on every day.

As of the newest data (the day the pages show) these figures read what the writer keeps
(``dashboard.store.waiting``: each target's status, and the open cases per facilitator,
status and day entered, folded in batch by batch), and the cases behind a figure are an
indexed read of the kept statuses. Other days are computed by the database from the raw
rows (one GROUP BY per scope and day, a few rows per facilitator and status, which every
level then sums): the state of every case on every past day would be a table as large as
the cases times the days. Both follow one definition (``open_cases``), and a test holds
them equal. The nation at 20M targets took a minute from the raw rows.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import case, func, or_, select, text
from sqlalchemy.engine import Engine

from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.cache import cached
from dashboard.figures.queries import NATIONAL_CODE, Level, Scope, _require_rows, scope_filter
from dashboard.store import models
from dashboard.store.rollups import SqlClock, day_start_utc
from dashboard.store.waiting import STATUS_CODES, kept_day, open_cases


#: Cases a facilitator has begun and must finish: what "the facilitators with the oldest
#: open cases" counts (targets not visited yet all wait since the assignment: their number
#: is the figure there, not their age).
FACILITATOR_STATUSES = ("started", "returned")
#: Age buckets in days: (first, last) with None for no upper end.
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 0), (1, 1), (2, 2), (3, 6), (7, 13), (14, 29), (30, None))


def bucket_label(index: int) -> str:
    """ "0", "3-6", "30+" (days)."""
    first, last = AGE_BUCKETS[index]
    if last is None:
        return f"{first}+"
    return str(first) if first == last else f"{first}–{last}"


def _bucket(since, day: dt.date, clock: SqlClock):
    """The age bucket (index of ``AGE_BUCKETS``) of a moment entered ``since``, as SQL."""
    whens = []
    for index, (_, last) in enumerate(AGE_BUCKETS[:-1]):
        whens.append((since >= clock.at(day_start_utc(day - dt.timedelta(days=last))), index))
    return case(*whens, else_=len(AGE_BUCKETS) - 1)


def age_days(since: pd.Series, day: dt.date) -> pd.Series:
    """Whole WIB days from each moment (naive UTC) to ``day``."""
    moments = pd.to_datetime(since, format="mixed")
    entered = (moments + pd.Timedelta(hours=7)).dt.normalize()
    return (pd.Timestamp(day) - entered).dt.days


def waiting_counts(
    engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access, by: str = "self", statuses: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Open cases of ``scope`` at the end of ``day`` by ``code`` (``"ID"``/the scope for
    ``by="self"``, each child region for ``"children"``, each kabupaten/kota for
    ``"regencies"``, each facilitator for ``"facilitators"``), ``status`` and ``bucket``
    (index of ``AGE_BUCKETS``): ``cases`` and ``oldest_days`` (the age of the oldest).
    ``access`` as for ``base_counts``; facilitators need ``sees_facilitators`` and only
    those of kabupaten/kota within the area are kept. ``statuses``: only these (None: all;
    the nation's facilitators in every status are 279,181 rows at 10M targets, most of
    them cases not visited yet)."""
    if statuses is not None:
        unknown = set(statuses) - set(STATUS_CODES)
        if unknown:
            raise ValueError(f"unknown status {sorted(unknown)!r}; known: {', '.join(STATUS_CODES)}")
        statuses = tuple(sorted(set(statuses)))
    if by == "facilitators":
        if not access.sees_facilitators:
            raise OutOfScope("this account does not see facilitators")
        _require_rows(access, scope, "children" if scope.level != Level.REGENCY else "self")
    else:
        _require_rows(access, scope, by)
    frame = _waiting_counts(engine, round_id, scope, day, by, statuses)
    if by == "self":
        return frame
    if by == "facilitators":
        return frame.loc[frame["regency_code"].map(access.sees_area).astype(bool)].reset_index(drop=True)
    return frame.loc[frame["code"].map(access.sees_row).astype(bool)].reset_index(drop=True)


#: The columns of the facilitators' rows, which every level sums.
FACILITATOR_KEYS = ("facilitator_id", "regency_code", "province_code")


def _level_keys(scope: Scope, by: str) -> tuple[str, ...]:
    """The columns a level of ``waiting_counts`` groups by (before ``status`` and ``bucket``)."""
    if by == "facilitators":
        return ("facilitator_id", "regency_code")
    if by == "self":
        return ()
    if by == "regencies" or (by == "children" and scope.level != Level.NATIONAL):
        return ("regency_code",)
    if by == "children":
        return ("province_code",)
    raise ValueError("by must be 'self', 'children', 'regencies' or 'facilitators'")


@cached
def _waiting_counts(engine: Engine, round_id: int, scope: Scope, day: dt.date, by: str, statuses: tuple[str, ...] | None = None) -> pd.DataFrame:
    """``waiting_counts`` of every row, whoever asks. As of the newest data, one GROUP BY of
    the kept counts at the level asked for (the nation's summary at 20M targets: 374,205
    facilitator rows summed in pandas took a second; the database sums them in a tenth);
    other days sum the facilitators' rows computed from the raw rows (one query per data
    version and day serves every level of the page)."""
    keys = _level_keys(scope, by)
    with engine.connect() as conn:
        kept = kept_day(conn, round_id)
        if kept is not None and day >= kept:
            frame = _kept_facilitator_waiting(conn, round_id, scope, day, keys, statuses)
        else:
            frame = None
    if frame is None:
        fine = _facilitator_waiting(engine, round_id, scope, day)
        if statuses is not None:
            fine = fine.loc[fine["status"].isin(statuses)]
        frame = fine.groupby([*keys, "status", "bucket"], as_index=False).agg(cases=("cases", "sum"), oldest_days=("oldest_days", "max"))
    if by == "facilitators":
        frame = frame.rename(columns={"facilitator_id": "code"})
    elif not keys:
        frame.insert(0, "code", scope.code or NATIONAL_CODE)
    else:
        frame = frame.rename(columns={keys[0]: "code"})
    return frame.astype({"bucket": "int64", "cases": "int64", "oldest_days": "int64"})


@cached
def _facilitator_waiting(engine: Engine, round_id: int, scope: Scope, day: dt.date) -> pd.DataFrame:
    """Open cases per facilitator (with their kabupaten/kota and province), status and age
    bucket, with the age of the oldest, on a day before the kept counts' (a pinned or
    earlier day): one GROUP BY over the raw rows, computed once per data version and day
    and summed by every level of the page."""
    with engine.connect() as conn:
        return _raw_facilitator_waiting(conn, round_id, scope, day)


def _raw_facilitator_waiting(conn, round_id: int, scope: Scope, day: dt.date) -> pd.DataFrame:
    """``_facilitator_waiting``'s query: one GROUP BY over the targets and visits."""
    cases, clock = open_cases(conn, round_id, day, *scope_filter(models.Target, scope))
    bucket = _bucket(cases.c.since, day, clock).label("bucket")
    keys = [cases.c.facilitator_id, cases.c.regency_code, cases.c.province_code, cases.c.status]
    query = (
        select(*keys, bucket, func.count().label("cases"), func.min(cases.c.since).label("oldest"))
        .where(cases.c.status.is_not(None))
        .group_by(*keys, bucket)
    )
    frame = pd.read_sql(query, conn)
    frame["bucket"] = frame["bucket"].astype("int64")
    frame["cases"] = frame["cases"].astype("int64")
    frame["oldest_days"] = age_days(clock.read(frame.pop("oldest")), day).astype("int64") if len(frame) else pd.Series(dtype="int64")
    return frame


def _kept_facilitator_waiting(
    conn, round_id: int, scope: Scope, day: dt.date, keys: tuple[str, ...] = FACILITATOR_KEYS,
    statuses: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The rows ``_facilitator_waiting`` computes, from ``rollup_waiting`` (each day entered
    is an age) as of its newest data, or the same summed by ``keys`` instead of per facilitator, of ``statuses`` only (None: all):
    one GROUP BY in the database, sorted by ``keys``, status and bucket."""
    r = models.RollupWaiting
    columns = [getattr(r, key) for key in keys]
    bucket = case(
        *[(r.entered_day >= day - dt.timedelta(days=last), index) for index, (_, last) in enumerate(AGE_BUCKETS[:-1])],
        else_=len(AGE_BUCKETS) - 1,
    ).label("bucket")
    frame = pd.read_sql(
        select(*columns, r.status, bucket, func.sum(r.cases).label("cases"), func.min(r.entered_day).label("oldest"))
        .where(r.round_id == round_id, *scope_filter(r, scope), *([r.status.in_(statuses)] if statuses is not None else []))
        .group_by(*columns, r.status, bucket),
        conn,
    )
    oldest = pd.to_datetime(frame.pop("oldest"))
    frame["oldest_days"] = (pd.Timestamp(day) - oldest).dt.days
    frame = frame.astype({"bucket": "int64", "cases": "int64", "oldest_days": "int64"})
    return frame.sort_values([*keys, "status", "bucket"], kind="stable").reset_index(drop=True)


def status_ages(counts: pd.DataFrame) -> pd.DataFrame:
    """Cases by status (rows, in lifecycle order) and age bucket (columns), summed over codes."""
    table = counts.pivot_table(index="status", columns="bucket", values="cases", aggfunc="sum", fill_value=0)
    return table.reindex(index=list(STATUS_CODES), columns=range(len(AGE_BUCKETS)), fill_value=0).astype("int64")


def per_code(counts: pd.DataFrame, statuses: tuple[str, ...] = STATUS_CODES) -> pd.DataFrame:
    """Per code: the cases in ``statuses``, those waiting 3 days or more, and the age of the
    oldest (``cases``, ``cases_3d``, ``oldest_days``), largest backlog first."""
    rows = counts.loc[counts["status"].isin(statuses)]
    three = [i for i, (first, _) in enumerate(AGE_BUCKETS) if first >= 3]
    keys = ["code", "regency_code"] if "regency_code" in rows.columns else ["code"]
    grouped = rows.groupby(keys)
    table = pd.DataFrame({
        "cases": grouped["cases"].sum(),
        "cases_3d": rows.loc[rows["bucket"].isin(three)].groupby(keys)["cases"].sum(),
        "oldest_days": grouped["oldest_days"].max(),
    }).fillna({"cases_3d": 0}).astype("int64")
    return table.sort_values(["oldest_days", "cases"], ascending=False).reset_index()


def waiting_cases(
    engine: Engine, round_id: int, scope: Scope, day: dt.date, status: str, *, access: Access, limit: int = 200
) -> pd.DataFrame:
    """The cases behind a figure: those of ``scope`` in ``status`` at the end of ``day``,
    oldest first (at most ``limit``): target code (pseudonymous), category, kabupaten/kota,
    facilitator id and name, since (naive UTC) and ``age_days``. Never a family's name,
    NIK or address. ``access`` must see facilitators, and only cases of its area are listed."""
    if status not in STATUS_CODES:
        raise ValueError(f"unknown status {status!r}; known: {', '.join(STATUS_CODES)}")
    if not access.sees_facilitators:
        raise OutOfScope("this account does not see facilitators")
    if scope.level == Level.REGENCY:
        access.require_facilitators(scope.code)
    else:
        _require_rows(access, scope, "children")
    frame = _waiting_cases(engine, round_id, scope, day, status, limit, tuple(sorted(access.codes)) if not access.nationwide_area else None)
    return frame


@cached
def _waiting_cases(engine: Engine, round_id: int, scope: Scope, day: dt.date, status: str, limit: int, area: tuple[str, ...] | None) -> pd.DataFrame:
    with engine.connect() as conn:
        kept = kept_day(conn, round_id)
        return _case_list(conn, round_id, scope, day, status, limit, area, kept is not None and day >= kept)


def _case_list(conn, round_id: int, scope: Scope, day: dt.date, status: str, limit: int, area: tuple[str, ...] | None, kept: bool) -> pd.DataFrame:
    """``_waiting_cases`` from the kept statuses (an indexed read, oldest first) or from the raw rows."""
    f = models.Facilitator
    if kept:
        cases, clock = models.WaitingCase.__table__, None
    else:
        cases, clock = open_cases(conn, round_id, day, *scope_filter(models.Target, scope))
    c = cases.c
    where = [c.status == status]
    if kept:  # the partial indexes' own condition, word for word (SQLite uses them only so)
        where += [c.round_id == round_id, text(f"waiting_case.{models.OPEN_CASES}"), *scope_filter(c, scope)]
    if area is not None:
        where.append(or_(c.province_code.in_([a for a in area if len(a) == 2]), c.regency_code.in_([a for a in area if len(a) == 5])))
    query = (
        select(c.target_code, c.category, c.regency_code, c.facilitator_id, f.name.label("facilitator_name"), c.since)
        .join(f, f.id == c.facilitator_id)
        .where(*where)
        .order_by(c.since, c.target_code)
        .limit(limit)
    )
    frame = pd.read_sql(query, conn)
    since = clock.read(frame["since"]) if clock is not None else pd.to_datetime(frame["since"], format="mixed")
    # To the second, whichever engine and path: SQLite's julian days carry some 10 µs of noise.
    frame["since"] = since.dt.round("s").astype("datetime64[us]")
    frame["age_days"] = age_days(frame["since"], day).astype("int64") if len(frame) else pd.Series(dtype="int64")
    return frame


__all__ = [
    "AGE_BUCKETS", "FACILITATOR_STATUSES", "STATUS_CODES", "age_days", "bucket_label",
    "per_code", "status_ages", "waiting_cases", "waiting_counts",
]
