"""Rollup tables: what the pages read instead of millions of raw visit rows.

At national scale (10M+ targets) a GROUP BY over the raw ``visit`` table takes seconds;
over the rollups it takes milliseconds. The rollups count, per day (WIB), what happened:
visits started, first submitted, first reviewed, first returned, approved, and first
submissions by outcome; families re-ranked, by their desil before and after; per
facilitator and day; and facilitators active per day and per 7 days. Cumulative figures "as of" a day are sums over the days up to it.

Maintenance is incremental and costs what a batch changed, not the days it touched: the
writer of the data (the simulator, or an import job) stamps each visit row it writes with
``updated_at`` and calls :func:`refresh_rollups` after each batch. ``rollup_visit`` keeps
each visit as it was counted (the WIB day of each event, what it was counted under, or
why it was left out); a refresh reads the visits written since the previous one, counts
them again, subtracts their old rows from the rollups and adds the new (data synced days
late from areas without signal, or a visit rewritten with earlier times, fall where they
belong). Visits left out for a reason the clock can lift (an event after the newest data)
are looked at again by every refresh. A visit deleted without being written again is not
seen by a refresh: :func:`rebuild_rollups` recomputes everything (``python -m
dashboard.manage rollups``), e.g. nightly or after a correction of old data.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import numpy as np
import pandas as pd
from sqlalchemy import and_, delete, func, or_, select, text
from sqlalchemy.engine import Connection, Engine

from dashboard.store import models
from dashboard.store.bulk import add_counts, write_columns
from dashboard.vocabulary import OTHER, TARGET_CATEGORY_TERMS, VISIT_OUTCOME_TERMS

log = logging.getLogger(__name__)

#: Hours from UTC of the day boundaries of the rollups (WIB, the NSCC's time).
DAY_OFFSET_HOURS = 7
OUTCOME_COLUMNS = {
    "found_verified": "outcome_found_verified",
    "moved": "outcome_moved",
    "deceased": "outcome_deceased",
    "not_found": "outcome_not_found",
    "refused": "outcome_refused",
    "nik_confirmed": "outcome_nik_confirmed",
}
#: Visit timestamp → the rollup count it feeds.
EVENT_COLUMNS = {
    "started": models.Visit.started_at,
    "submitted": models.Visit.submitted_at,
    "reviewed": models.Visit.first_reviewed_at,
    "returned": models.Visit.first_returned_at,
    "approved": models.Visit.approved_at,
    "reranked": models.Visit.reranked_at,
}
#: Events of the day rollups of visits (re-ranking has its own, ``rollup_rerank_day``).
DAY_EVENTS = ("started", "submitted", "reviewed", "returned", "approved")


def day_of(moment: dt.datetime) -> dt.date:
    """The WIB day of a naive-UTC moment."""
    return (moment + dt.timedelta(hours=DAY_OFFSET_HOURS)).date()


def day_start_utc(day: dt.date) -> dt.datetime:
    """00:00 WIB of ``day``, as naive UTC."""
    return dt.datetime.combine(day, dt.time()) - dt.timedelta(hours=DAY_OFFSET_HOURS)


def _as_date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.date


#: Why a visit is not counted (see :func:`countable`), for the log and the pages.
EXCLUSION_REASONS = {
    "unreadable_time": "a timestamp that is not a time (text in a SQLite column)",
    "outside_round": "an event before the day before the round's start, or after the newest data",
    "out_of_order": "reviewed, returned or approved without a submission, or submitted before it started",
    "inconsistent_region": "a kabupaten/kota code that does not lie in the visit's province",
    "unknown_outcome": "a submission without an outcome, or with a code outside the vocabulary",
    # The one reason that leaves out a part of a visit: its re-ranking, not the visit.
    "invalid_rerank": "a re-ranking with a desil before or after that is not a whole number in 1-10 (the visit itself is counted)",
}


def countable(rows: pd.DataFrame, first_day: dt.date, data_until: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The visits (with their event moments as columns named after ``EVENT_COLUMNS``) that
    can be counted, and the others with a column ``reason``: the one place where field rows
    that cannot be counted are left out of every figure. A visit is left out whole (rather
    than some of its events) so that, e.g., approved never exceeds submitted; only a
    re-ranking that cannot be read is left out alone (``invalid_rerank``), the visit counted."""
    reason = pd.Series(pd.NA, index=rows.index, dtype="object")

    def mark(condition: pd.Series, why: str) -> None:
        reason.loc[condition & reason.isna()] = why

    events = list(EVENT_COLUMNS)
    mark(rows["started"].isna(), "unreadable_time")  # started_at is NOT NULL: NULL here = unreadable
    early, late = pd.Timestamp(day_start_utc(first_day)), pd.Timestamp(data_until)
    for name in events:
        mark((rows[name] < early) | (rows[name] > late), "outside_round")
    after_submission = rows[["reviewed", "returned", "approved", "reranked"]].notna().any(axis=1)
    mark((after_submission & rows["submitted"].isna()) | (rows["submitted"] < rows["started"]), "out_of_order")
    mark(rows["regency_code"].str[:2] != rows["province_code"], "inconsistent_region")
    mark(rows["submitted"].notna() & ~rows["outcome"].isin(list(VISIT_OUTCOME_TERMS)), "unknown_outcome")
    kept = rows[reason.isna()].copy()
    # A category the vocabulary does not know is counted, as "other" (shown so).
    kept.loc[~kept["category"].isin(list(TARGET_CATEGORY_TERMS)), "category"] = OTHER.code
    # A re-ranking whose desil cannot be read is left out, the visit counted all the same
    # (its progress does not change on the day BPS re-ranks it). A desil is a whole number
    # 1-10: SQLite's CHECK lets 3.5 through, which two counts would otherwise share as 3.
    desil = {name: pd.to_numeric(kept[name], errors="coerce") for name in ("desil_before", "desil_after")}
    readable = pd.Series(True, index=kept.index)
    for name, values in desil.items():
        readable &= values.between(1, 10) & (values % 1 == 0)
        kept[name] = values
    bad_rerank = kept["reranked"].notna() & ~readable
    excluded = rows[reason.notna()].assign(reason=reason.dropna())
    if bad_rerank.any():
        excluded = pd.concat([excluded, kept[bad_rerank].assign(reason="invalid_rerank")])
        kept.loc[bad_rerank, "reranked"] = pd.NaT
    return kept, excluded


class SqlClock:
    """Moments as the database compares them: julian day numbers on SQLite, where a text
    column may hold ``2026-12-01T17:00:00`` or no fraction of a second (which compare
    wrongly as text, and which the rollups read with pandas all the same), and what cannot
    be read is NULL; the timestamps themselves elsewhere."""

    def __init__(self, dialect: str):
        self.sqlite = dialect == "sqlite"

    def of(self, column):
        """``column`` as the database compares it."""
        return func.julianday(column) if self.sqlite else column

    def at(self, moment: dt.datetime):
        """A naive-UTC moment as the database compares it."""
        if not self.sqlite:
            return moment
        return (moment - dt.datetime(1970, 1, 1)).total_seconds() / 86400 + 2440587.5

    def read(self, values: pd.Series) -> pd.Series:
        """What ``of`` gave back, as naive-UTC timestamps."""
        if self.sqlite:
            return pd.to_datetime((pd.to_numeric(values) - 2440587.5) * 86400, unit="s").dt.round("us")
        return pd.to_datetime(values, format="mixed")


def countable_sql(clock: SqlClock, first_day: dt.date, data_until: dt.datetime):
    """:func:`countable`'s rule as a SQL condition on ``visit``, for figures the database
    aggregates from the raw rows (the waiting times): the same visits are left out whole.
    ``tests/integration/database/test_malformed_rows.py`` holds the two to the same rows."""
    v = models.Visit
    early, late = clock.at(day_start_utc(first_day)), clock.at(data_until)
    happened = lambda column: clock.of(column).is_not(None)  # noqa: E731
    inside = lambda column: or_(clock.of(column).is_(None), and_(clock.of(column) >= early, clock.of(column) <= late))  # noqa: E731
    submitted = happened(v.submitted_at)
    return and_(
        happened(v.started_at),
        *(inside(column) for column in EVENT_COLUMNS.values()),
        or_(submitted, ~or_(*(happened(c) for c in (v.first_reviewed_at, v.first_returned_at, v.approved_at, v.reranked_at)))),
        or_(~submitted, clock.of(v.submitted_at) >= clock.of(v.started_at)),
        func.substr(v.regency_code, 1, 2) == v.province_code,
        or_(~submitted, v.outcome.in_(list(VISIT_OUTCOME_TERMS))),
    )


#: Visits read and counted at a time: a rebuild of 20M visits holds one chunk of raw rows and
#: the counts so far (per kabupaten/kota and day, per facilitator and day), never all rows.
CHUNK_ROWS = 250_000
REGENCY_KEY = ["regency_code", "province_code", "category"]
FACILITATOR_KEY = ["facilitator_id", "regency_code", "province_code"]
EXCLUDED_KEY = ["day", "regency_code", "reason"]
RERANK_KEY = [*REGENCY_KEY, "desil_before", "desil_after"]


def _visit_chunks(conn: Connection, round_id: int, since: dt.datetime, every_visit: bool, *where):
    """The visits with any event since ``since`` (every visit of the round for a rebuild, so
    that those entirely before the round are counted as left out, not silently unread), as
    frames of at most ``CHUNK_ROWS`` rows, streamed (a server-side cursor on PostgreSQL). One
    indexed read aggregated in pandas: a GROUP BY per event kind would read the rows five
    times."""
    v, t = models.Visit, models.Target
    columns = list(EVENT_COLUMNS.values())
    window = [] if every_visit else [or_(*(c >= since for c in columns))]
    query = (
        select(v.target_id, v.facilitator_id, v.regency_code, v.province_code, v.category, v.outcome, t.desil_before, v.desil_after, *columns)
        .join(t, t.id == v.target_id)
        .where(v.round_id == round_id, *window, *where)
        .execution_options(stream_results=True, max_row_buffer=CHUNK_ROWS)
    )
    read = False
    for chunk in pd.read_sql(query, conn, chunksize=CHUNK_ROWS):
        read = True
        yield chunk
    if not read:
        yield pd.DataFrame(columns=[c.key for c in query.selected_columns])


def counted_visits(conn: Connection, round_id: int, data_until: dt.datetime, *where) -> pd.DataFrame:
    """The countable visits of the round that match ``where`` (e.g. one kabupaten/kota's),
    with the WIB day of each event as a column named after ``EVENT_COLUMNS``: what the
    rollups count, for figures read from the raw rows (a facilitator's), so that both agree."""
    first_day = _round_start(conn, round_id)
    since = day_start_utc(first_day)
    parts = [_chunk_days(chunk, first_day, since, data_until)[0] for chunk in _visit_chunks(conn, round_id, since, True, *where)]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _chunk_days(rows: pd.DataFrame, first_day: dt.date, since: dt.datetime, data_until: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One chunk of visits: the countable ones with the WIB day of each event (NaT when it
    did not happen or happened before ``since``), and the others with their reason and day."""
    for name, column in EVENT_COLUMNS.items():
        rows[name] = pd.to_datetime(rows.pop(column.key), format="mixed", errors="coerce")
    rows, excluded = countable(rows, first_day, data_until)
    offset = pd.Timedelta(hours=DAY_OFFSET_HOURS)
    if len(excluded):
        # The day of an excluded visit: of its first readable event, inside the days recomputed.
        first_event = pd.to_datetime(excluded[list(EVENT_COLUMNS)].min(axis=1)) + offset
        window = (pd.Timestamp(since) + offset).floor("D"), (pd.Timestamp(data_until) + offset).floor("D")
        excluded = excluded.assign(day=first_event.dt.floor("D").fillna(window[1]).clip(*window).dt.date)
    for name in EVENT_COLUMNS:
        moment = rows[name]
        rows[name] = (moment + offset).dt.floor("D").where(moment >= pd.Timestamp(since))
    return rows, excluded


def rerank_counts(rows: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Families re-ranked per ``key``, desil before, desil after and day (the day column
    ``reranked`` of countable rows; NaT: not re-ranked, or before the days recomputed).
    Also what the facilitator findings count from their raw rows, so both agree."""
    done = rows[rows["reranked"].notna()]
    counts = (
        done.groupby([*key, "desil_before", "desil_after", "reranked"]).size()
        .rename_axis([*key, "desil_before", "desil_after", "day"]).reset_index(name="reranked")
    )
    counts["day"] = pd.to_datetime(counts["day"]).dt.date
    for name in ("desil_before", "desil_after"):
        counts[name] = counts[name].astype("int64")
    return counts


def _event_counts(rows: pd.DataFrame, key: list[str], outcomes: bool) -> pd.DataFrame:
    """Counts per ``key`` and day of every event kind (and of first submissions by outcome)."""
    frames = []
    for name in DAY_EVENTS:
        happened = rows[rows[name].notna()]
        frames.append(happened.groupby([*key, name]).size().rename(name).rename_axis([*key, "day"]))
    if outcomes:
        submitted = rows[rows["submitted"].notna()]
        wide = submitted.groupby([*key, "submitted", "outcome"]).size().unstack("outcome", fill_value=0)
        wide = wide.rename(columns=OUTCOME_COLUMNS).reindex(columns=list(OUTCOME_COLUMNS.values()), fill_value=0)
        frames.append(wide.rename_axis([*key, "day"]))
    counts = pd.concat(frames, axis=1).fillna(0).astype("int64").reset_index()
    counts["day"] = counts["day"].dt.date
    return counts


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    out = {}
    for column in frame.columns:
        values = frame[column]
        if column == "day":
            out[column] = np.array([d.isoformat() for d in values], dtype=object)
        elif values.dtype == object or str(values.dtype).startswith("str"):
            out[column] = values.to_numpy(dtype=object)
        else:
            out[column] = values.to_numpy()
    return out


#: The rollups counted from the visits: (key, counts, columns carried on a new row) of each.
TALLIES = {
    "rollup_regency_day": ([*REGENCY_KEY, "day"], [*DAY_EVENTS, *OUTCOME_COLUMNS.values()], []),
    # "reviewed" is not kept per facilitator (a facilitator is not the reviewer).
    "rollup_facilitator_day": ([*FACILITATOR_KEY, "day"], ["started", "submitted", "returned", "approved"], []),
    "rollup_rerank_day": ([*RERANK_KEY, "day"], ["reranked"], []),
    # The province of the first visit left out: its own may not contain the kabupaten/kota.
    "rollup_excluded_visits": (EXCLUDED_KEY, ["visits"], ["province_code"]),
}
#: What ``rollup_visit`` keeps of each visit (the event columns hold WIB days).
VISIT_COLUMNS = ["target_id", "facilitator_id", "regency_code", "province_code", "category", "outcome",
                 "desil_before", "desil_after", *EVENT_COLUMNS, "reason", "excluded_day"]
#: Visits (targets) re-read at once by a refresh, here and in ``waiting`` (a list of ids
#: within SQLite's limit).
IDS_PER_QUERY = 5_000


def _as_counted(rows: pd.DataFrame, excluded: pd.DataFrame) -> pd.DataFrame:
    """One row per visit of a chunk (``_chunk_days``' two frames), as ``rollup_visit``
    keeps it: the counted ones with their days (and ``invalid_rerank`` when their
    re-ranking is left out), the others with their reason and day only."""
    if excluded.empty:  # (no "day" column then)
        excluded = excluded.assign(day=pd.Series(dtype=object))
    why = excluded.set_index("target_id")
    counted = rows.assign(reason=rows["target_id"].map(why["reason"]), excluded_day=rows["target_id"].map(why["day"]))
    # Desils matter only to a re-ranking that is counted (a desil of 3.5 is not kept as 3).
    for name in ("desil_before", "desil_after"):
        counted[name] = pd.to_numeric(counted[name], errors="coerce").where(counted["reranked"].notna())
    left_out = excluded.loc[excluded["reason"] != "invalid_rerank", ["target_id", "facilitator_id", "regency_code", "province_code",
                                                                      "category", "reason", "day"]]
    left_out = left_out.rename(columns={"day": "excluded_day"})
    for name in EVENT_COLUMNS:
        left_out[name] = pd.NaT
    if left_out.empty:
        return counted.reindex(columns=VISIT_COLUMNS)
    if counted.empty:
        return left_out.reindex(columns=VISIT_COLUMNS)
    return pd.concat([counted, left_out], ignore_index=True).reindex(columns=VISIT_COLUMNS)


def _tally(visits: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The counts of each rollup of ``TALLIES`` that ``visits`` (as ``_as_counted`` gives
    them) make: what a rebuild adds up chunk by chunk, and what a refresh subtracts and adds."""
    reason = visits["reason"]
    counted = visits[reason.isna() | (reason == "invalid_rerank")]
    excluded = visits[reason.notna()].rename(columns={"excluded_day": "day"})
    out = {}
    for table, (key, counts, carried) in TALLIES.items():
        if table == "rollup_excluded_visits":
            frame = excluded.groupby(key).agg(province_code=("province_code", "first"), visits=("reason", "size")).reset_index()
        elif counted.empty:
            frame = pd.DataFrame(columns=[*key, *counts])
        elif table == "rollup_rerank_day":
            frame = rerank_counts(counted, REGENCY_KEY)
        else:
            frame = _event_counts(counted, key[:-1], outcomes=table == "rollup_regency_day")
        out[table] = frame.reindex(columns=[*key, *carried, *counts], fill_value=0)
    return out


def _net(parts: list[pd.DataFrame], table: str) -> pd.DataFrame:
    """Counts of ``parts`` (signed) added per key of ``table``; rows that count nothing dropped."""
    key, counts, carried = TALLIES[table]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame(columns=[*key, *carried, *counts])
    both = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    how = {**{name: "first" for name in carried}, **{name: "sum" for name in counts}}
    total = both.groupby(key, sort=False).agg(how).reset_index()
    total[counts] = total[counts].astype("int64")
    return total.loc[(total[counts] != 0).any(axis=1)].reset_index(drop=True)


def _stored(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """``rollup_visit`` rows as ``write_columns`` takes them (days as ISO dates or None)."""
    out = {}
    for name in VISIT_COLUMNS:
        values = frame[name]
        if name in EVENT_COLUMNS:
            days = values.to_numpy(dtype="datetime64[D]")
            text = np.datetime_as_string(days).astype(object)
            text[np.isnat(days)] = None
            out[name] = text
        elif name == "excluded_day":
            out[name] = np.array([None if pd.isna(d) else d.isoformat() for d in values], dtype=object)
        elif name == "target_id":
            out[name] = values.to_numpy(dtype="int64")
        elif name in ("desil_before", "desil_after"):
            out[name] = values.to_numpy(dtype="float64")
        else:
            out[name] = values.to_numpy(dtype=object)
    return out


def _read_counted(conn: Connection, *where) -> pd.DataFrame:
    """Rows of ``rollup_visit`` (matching ``where``) as ``_as_counted`` gives them."""
    c = models.RollupVisit
    frame = pd.read_sql(select(*(c.__table__.c[name] for name in VISIT_COLUMNS)).where(*where), conn)
    for name in EVENT_COLUMNS:
        frame[name] = pd.to_datetime(frame[name])
    frame["excluded_day"] = pd.to_datetime(frame["excluded_day"]).dt.date.where(frame["excluded_day"].notna(), None)
    return frame


def _write_counted(conn: Connection, round_id: int, visits: pd.DataFrame) -> None:
    if len(visits):
        write_columns(conn, "rollup_visit", {**_stored(visits), "round_id": np.full(len(visits), round_id)})


def _rebuild_days(conn: Connection, round_id: int, data_until: dt.datetime) -> None:
    """Every visit of the round counted again, chunk by chunk (bounded memory at 20M
    targets): ``rollup_visit`` written whole, the rollups of ``TALLIES`` from the sums of
    the chunks' counts, then the activity of every day."""
    first_day = _round_start(conn, round_id)
    since = day_start_utc(first_day)
    conn.execute(delete(models.RollupVisit).where(models.RollupVisit.round_id == round_id))
    # Its index built after the rows (a third of the size, as ``waiting_case``'s).
    indexes = sorted(models.RollupVisit.__table__.indexes, key=lambda index: index.name)
    for index in indexes:
        index.drop(conn)
    totals: dict[str, list[pd.DataFrame]] = {table: [] for table in TALLIES}
    reasons = pd.Series(dtype="int64")
    for chunk in _visit_chunks(conn, round_id, since, True):
        rows, excluded = _chunk_days(chunk, first_day, since, data_until)
        visits = _as_counted(rows, excluded)
        _write_counted(conn, round_id, visits)
        for table, counts in _tally(visits).items():
            totals[table] = [_net([*totals[table], counts], table)]
        if len(excluded):
            reasons = reasons.add(excluded["reason"].value_counts(), fill_value=0).astype("int64")
    for index in indexes:
        index.create(conn)
    if len(reasons):
        described = ", ".join(f"{n} {why}" for why, n in reasons.sort_values(ascending=False).items())
        log.warning("round %s: %s visits not counted (%s); see EXCLUSION_REASONS", round_id, int(reasons.sum()), described)
    for table, parts in totals.items():
        frame = _net(parts, table)
        if len(frame):
            write_columns(conn, table, _columns(frame.assign(round_id=round_id)))
    _refresh_activity(conn, round_id, first_day, day_of(data_until))


def _fold_visits(conn: Connection, round_id: int, counted_until: dt.datetime, data_until: dt.datetime) -> tuple[int, set[dt.date]]:
    """The visits written since ``counted_until`` (and those left out for a reason the
    clock can lift) counted again and folded into the rollups by difference: their rows of
    ``rollup_visit`` subtracted, their counting now added. Returns how many visits were
    looked at and the days whose counts changed."""
    v, c = models.Visit, models.RollupVisit
    first_day = _round_start(conn, round_id)
    since = day_start_utc(first_day)
    ids = set(conn.execute(select(v.target_id).where(v.round_id == round_id, v.updated_at > counted_until)).scalars())
    # Worded as the partial index's condition, which SQLite matches as text.
    ids.update(conn.execute(select(c.target_id).where(c.round_id == round_id, text(models.CLOCK_REASONS))).scalars())
    ordered = sorted(ids)
    changes: dict[str, list[pd.DataFrame]] = {table: [] for table in TALLIES}
    for start in range(0, len(ordered), IDS_PER_QUERY):
        chunk = ordered[start:start + IDS_PER_QUERY]
        before = _read_counted(conn, c.target_id.in_(chunk))
        parts = [_chunk_days(rows, first_day, since, data_until) for rows in _visit_chunks(conn, round_id, since, True, v.target_id.in_(chunk))]
        now = pd.concat([_as_counted(*part) for part in parts], ignore_index=True) if len(parts) > 1 else _as_counted(*parts[0])
        conn.execute(delete(c).where(c.target_id.in_(chunk)))
        _write_counted(conn, round_id, now)
        for table, counts in _tally(before).items():
            changes[table].append(counts.assign(**{name: -counts[name] for name in TALLIES[table][1]}))
        for table, counts in _tally(now).items():
            changes[table].append(counts)
    days: set[dt.date] = set()
    for table, parts in changes.items():
        net = _net(parts, table)
        add_counts(conn, table, round_id, net, TALLIES[table][1])
        days.update(net["day"])
    return len(ordered), days


def _refresh_activity(conn: Connection, round_id: int, first_day: dt.date, last_day: dt.date) -> None:
    """Facilitators active per kabupaten/kota on each day from ``first_day`` to
    ``last_day``, and in the 7 days up to it, from ``rollup_facilitator_day``."""
    # The activity of a day needs the visits of the six days before it too.
    f = models.RollupFacilitatorDay
    window_start = first_day - dt.timedelta(days=6)
    visits = pd.read_sql(
        select(f.facilitator_id, f.regency_code, f.province_code, f.day).where(
            f.round_id == round_id, f.day >= window_start, f.started > 0
        ),
        conn,
    )
    visits["day"] = _as_date(visits["day"])
    fac = models.Facilitator
    regencies = pd.read_sql(select(fac.regency_code, fac.province_code).distinct(), conn)
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    rows = []
    by_day = {d: g for d, g in visits.groupby("day")}
    empty = visits.iloc[:0]
    for day in days:
        today = by_day.get(day, empty)
        week = pd.concat([by_day.get(day - dt.timedelta(days=k), empty) for k in range(7)])
        active_1d = today.groupby("regency_code")["facilitator_id"].nunique()
        active_7d = week.groupby("regency_code")["facilitator_id"].nunique()
        frame = regencies.assign(
            day=day,
            active_1d=regencies["regency_code"].map(active_1d).fillna(0).astype("int64"),
            active_7d=regencies["regency_code"].map(active_7d).fillna(0).astype("int64"),
        )
        rows.append(frame)
    activity = pd.concat(rows, ignore_index=True) if rows else regencies.iloc[:0]
    conn.execute(
        delete(models.RollupRegencyActivity).where(
            models.RollupRegencyActivity.round_id == round_id, models.RollupRegencyActivity.day >= first_day
        )
    )
    write_columns(conn, "rollup_regency_activity", _columns(activity.assign(round_id=round_id)))


def _refresh_targets(conn: Connection, round_id: int) -> None:
    t = models.Target
    targets = pd.read_sql(
        select(t.regency_code, t.province_code, t.category, func.count().label("targets"))
        .where(t.round_id == round_id)
        .group_by(t.regency_code, t.province_code, t.category),
        conn,
    )
    conn.execute(delete(models.RollupRegencyTargets).where(models.RollupRegencyTargets.round_id == round_id))
    write_columns(conn, "rollup_regency_targets", _columns(targets.assign(round_id=round_id)))


def _set_state(conn: Connection, round_id: int, data_until: dt.datetime, counted_until: dt.datetime | None, rebuilt: bool = False) -> None:
    state = models.RollupState
    version = conn.execute(select(state.version).where(state.round_id == round_id)).scalar()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    whole = {"reranks_counted": True} if rebuilt else {}
    if version is None:
        conn.execute(
            state.__table__.insert().values(round_id=round_id, data_until=data_until, refreshed_at=now, version=1, reranks_counted=rebuilt,
                                            counted_until=counted_until)
        )
    else:
        conn.execute(
            state.__table__.update()
            .where(state.round_id == round_id)
            .values(data_until=data_until, refreshed_at=now, version=version + 1, counted_until=counted_until, **whole)
        )


def newest_write(conn: Connection, round_id: int) -> dt.datetime | None:
    """The newest ``visit.updated_at`` of the round (what a refresh has then counted; the
    mark of the rollups' and the waiting cases' next batch)."""
    v = models.Visit
    return conn.execute(select(func.max(v.updated_at)).where(v.round_id == round_id)).scalar()


def _round_start(conn: Connection, round_id: int) -> dt.date:
    """The first day the rollups hold: the day before the round's start (a facilitator may
    begin a little early, in another time zone). Earlier visits are not counted
    (:func:`countable`): one visit dated 2000 would otherwise add 26 years of empty days."""
    start = conn.execute(select(models.Round.start_date).where(models.Round.id == round_id)).scalar_one()
    return start - dt.timedelta(days=1)


def rebuild_rollups(engine: Engine, round_id: int, data_until: dt.datetime) -> None:
    """Recompute every rollup of the round from the raw rows (the waiting cases too)."""
    from dashboard.store import waiting  # it reads this module's clock and rules

    began = time.perf_counter()
    with engine.begin() as conn:
        newest = newest_write(conn, round_id) or data_until
        _refresh_targets(conn, round_id)
        for table in (models.RollupRegencyDay, models.RollupFacilitatorDay, models.RollupRegencyActivity, models.RollupExcludedVisits,
                      models.RollupRerankDay):
            conn.execute(delete(table).where(table.round_id == round_id))  # days before the round's too
        _rebuild_days(conn, round_id, data_until)
        _set_state(conn, round_id, data_until, newest, rebuilt=True)
        conn.exec_driver_sql("ANALYZE rollup_visit")
        log.info("rebuilt the rollups of round %s up to %s in %.1f s", round_id, data_until, time.perf_counter() - began)
        waiting.rebuild_waiting(conn, round_id, data_until)


def refresh_rollups(engine: Engine, round_id: int, data_until: dt.datetime, *, targets_changed: bool = True) -> None:
    """Bring the rollups up to ``data_until`` (the newest moment of data now written): the
    visits written since the previous refresh folded in by difference (see the module's
    docstring), the activity recomputed from the earliest day that changed;
    ``targets_changed=False``: the writer wrote visits only, so the targets per
    kabupaten/kota are not counted again (a GROUP BY over every target: 3.6 s at 20M on
    PostgreSQL, on every batch). The waiting cases are folded in too
    (``dashboard.store.waiting``)."""
    from dashboard.store import waiting  # it reads this module's clock and rules

    state = models.RollupState
    with engine.connect() as conn:
        row = conn.execute(select(state.data_until, state.reranks_counted, state.counted_until).where(state.round_id == round_id)).first()
    # Rollups from before the re-ranking rollup (migration 0011) or before each visit's
    # counting was kept (0017) are rebuilt once.
    if row is None or not row.reranks_counted or row.counted_until is None:
        rebuild_rollups(engine, round_id, data_until)
        return
    began = time.perf_counter()
    with engine.begin() as conn:
        newest = newest_write(conn, round_id) or row.counted_until
        if targets_changed:
            _refresh_targets(conn, round_id)
        folded, days = _fold_visits(conn, round_id, row.counted_until, data_until)
        # New days get their rows (every kabupaten/kota, active or not); a changed day
        # changes the 7-day activity of the six after it, which the range includes.
        first_day = max(min([day_of(min(row.data_until, data_until)), *days]), _round_start(conn, round_id))
        _refresh_activity(conn, round_id, first_day, day_of(data_until))
        _set_state(conn, round_id, data_until, max(newest, row.counted_until))
        log.info("folded %s visits into the rollups of round %s in %.1f s", folded, round_id, time.perf_counter() - began)
        waiting.refresh_waiting(conn, round_id, data_until, targets_changed=targets_changed)
