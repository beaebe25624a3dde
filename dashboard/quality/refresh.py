"""Stored quality flags and fabrication-risk scores, kept up to date as visits arrive.

Pages never evaluate rules: they read ``rollup_quality_day`` (the flags counted per
kabupaten/kota, category and day), ``quality_flag`` (one facilitator's or region's flags)
and ``facilitator_risk``. The writer of the data (the simulator, an import job) calls
:func:`refresh_quality` after each batch, next to ``dashboard.store.rollups.refresh_rollups``;
``python -m dashboard.manage rollups`` rebuilds both from scratch.

A refresh re-checks only what the new rows can change:
- the visits written since the previous refresh (``visit.updated_at``) against the rules
  that look at one visit;
- for the rules that compare visits, the groups (same point, same meter id, same
  facilitator and day) those visits belong to now *or* belonged to before they were
  rewritten, with every other member of those groups read back through an index; an old
  visit gains a flag when a new one copies its point;
- the fabrication-risk scores of the provinces with new visits, when the data has moved
  on by ``risk_interval`` since they were scored (a score over weeks of work does not
  move in ten seconds, and scoring a large province takes a second or two), and always
  on a rebuild.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import case, delete, func, select
from sqlalchemy.engine import Connection, Engine

from dashboard.quality import risk
from dashboard.quality.rules import (
    GROUP_RULES,
    RULE_IDS,
    VISIT_COLUMNS,
    QualityParameters,
    group_keys,
    group_sizes,
    local_start,
    visit_flags,
)
from dashboard.store import models
from dashboard.store.bulk import write_columns
from dashboard.store.rollups import DAY_OFFSET_HOURS

log = logging.getLogger(__name__)

#: Values per ``IN (...)`` list (well below SQLite's and PostgreSQL's parameter limits).
CHUNK = 500
#: Submitted visits checked at a time by a rebuild.
CHUNK_ROWS = 250_000
_GROUP_COLUMNS = (
    "target_id", "facilitator_id", "province_code", "regency_code", "category", "outcome",
    "started_at", "submitted_at", "gps_lat", "gps_lon", "pln_meter_id",
)
#: The figure stored with a flag (see ``models.QualityFlag.value``).
_VALUE_OF = {
    "short_interview": lambda v: v["duration_seconds"],
    "implausible_hour": lambda v: local_start(v).dt.hour.astype(float),
}


@dataclass(frozen=True)
class QualityRefresh:
    """What a refresh did (logged, and printed by the command line)."""

    visits_checked: int
    flags_written: int
    flags_removed: int
    facilitators_scored: int


@lru_cache(maxsize=4)
def regency_polygons(geodata_dir: Path) -> dict | None:
    """Kabupaten/kota code → polygon for the GPS-outside rule; None (rule off, logged)
    when the boundary file is missing."""
    from geodata import BoundariesUnavailable, load_regency_boundaries

    try:
        return load_regency_boundaries(Path(geodata_dir)).set_index("code").geometry.to_dict()
    except BoundariesUnavailable as error:
        log.warning("GPS-outside-regency rule off: %s", error)
        return None


def refresh_with_settings(engine: Engine, round_id: int, data_until: dt.datetime, settings, **options) -> QualityRefresh:
    """:func:`refresh_quality` with the thresholds and boundaries of ``settings``."""
    return refresh_quality(
        engine,
        round_id,
        data_until,
        QualityParameters.from_settings(settings),
        risk.RiskParameters.from_settings(settings),
        regency_polygons(Path(settings.geodata_dir)),
        **options,
    )


def _chunks(values: Iterable) -> Iterator[list]:
    values = list(values)
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def _visit_columns(names: Iterable[str]) -> list:
    return [getattr(models.Visit, name) for name in names]


def _submission_day(visits: pd.DataFrame, moments: pd.Series | None = None) -> np.ndarray:
    moment = (moments if moments is not None else pd.to_datetime(visits["submitted_at"], format="mixed")) + pd.Timedelta(hours=DAY_OFFSET_HOURS)
    return np.array([d.isoformat() for d in moment.dt.date], dtype=object)


def _flag_rows(visits: pd.DataFrame, rule: str, keys: pd.Series | None = None, values=None, moments: pd.Series | None = None) -> dict[str, np.ndarray]:
    n = len(visits)
    return {
        "target_id": visits["target_id"].to_numpy(dtype="int64"),
        "rule": np.full(n, rule, dtype=object),
        "round_id": visits["round_id"].to_numpy(dtype="int64"),
        "facilitator_id": visits["facilitator_id"].to_numpy(dtype=object),
        "province_code": visits["province_code"].to_numpy(dtype=object),
        "regency_code": visits["regency_code"].to_numpy(dtype=object),
        "category": visits["category"].to_numpy(dtype=object),
        "day": _submission_day(visits, moments),
        "group_key": (keys.to_numpy(dtype=object) if keys is not None else np.full(n, None, dtype=object)),
        "value": (np.asarray(values, dtype=float) if values is not None else np.full(n, np.nan)),
    }


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    parts = [p for p in parts if p and len(p["target_id"])]
    if not parts:
        return {}
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def _read_visits(conn: Connection, round_id: int, columns, *conditions) -> pd.DataFrame:
    v = models.Visit
    frame = pd.read_sql(select(*_visit_columns(columns)).where(v.round_id == round_id, *conditions), conn)
    return frame.assign(round_id=round_id)


def _submitted_visits(conn: Connection, round_id: int) -> Iterator[pd.DataFrame]:
    """Every submitted visit of the round, ``CHUNK_ROWS`` at a time (streamed: a rebuild of
    20M visits never holds them all)."""
    v = models.Visit
    query = (
        select(*_visit_columns(VISIT_COLUMNS)).where(v.round_id == round_id, v.submitted_at.is_not(None))
        .execution_options(stream_results=True, max_row_buffer=CHUNK_ROWS)
    )
    for frame in pd.read_sql(query, conn, chunksize=CHUNK_ROWS):
        yield frame.assign(round_id=round_id)


def _groups_of_more_than_one(conn: Connection, round_id: int, rule: str, parameters: QualityParameters) -> Iterator[pd.DataFrame]:
    """The visits of every group of ``rule`` that may break it, whole groups at a time: the
    database names the candidates (points, meter ids shared by two or more submissions;
    facilitators with more submissions than a day's limit), and their members are read in
    batches of ``CHUNK`` values, so that a rebuild never holds every visit."""
    v = models.Visit
    submitted = [v.round_id == round_id, v.submitted_at.is_not(None)]
    if rule == "pln_reused":
        keys = [k for (k,) in conn.execute(select(v.pln_meter_id).where(*submitted, v.pln_meter_id.is_not(None)).group_by(v.pln_meter_id).having(func.count() > 1))]
    elif rule == "gps_duplicate":
        # By latitude: every visit on it is read, so each point's group is whole, in one batch.
        pairs = conn.execute(select(v.gps_lat, v.gps_lon).where(*submitted, v.gps_lat.is_not(None)).group_by(v.gps_lat, v.gps_lon).having(func.count() > 1))
        keys = sorted({f"{lat!r}," for lat, _lon in pairs})
    else:
        limit = parameters.max_visits_per_day
        keys = [f"{f}|" for (f,) in conn.execute(select(v.facilitator_id).where(*submitted).group_by(v.facilitator_id).having(func.count() > limit))]
    for batch in _chunks(keys):
        yield _group_members(conn, round_id, rule, set(batch))


def _provinces(conn: Connection, round_id: int, *conditions) -> list[str]:
    """The provinces of the facilitators with visits of the round (that meet ``conditions``).
    Scores are kept per facilitator, so they are recomputed by the facilitator's province,
    never by a visit's (a visit that names another province must not score its
    facilitator twice)."""
    v, f = models.Visit, models.Facilitator
    query = select(f.province_code).join(v, v.facilitator_id == f.id).where(v.round_id == round_id, *conditions).distinct()
    return [p for (p,) in conn.execute(query.order_by(f.province_code))]


def _province_batches(conn: Connection, round_id: int, provinces: list[str], chunk_rows: int | None = None) -> list[list[str]]:
    """``provinces`` in batches of at most ``chunk_rows`` submitted visits (a province with
    more stands alone), to score a batch at once. Peers never cross a province, so a batch
    scores each facilitator as their province alone would; one province at a time paid
    pandas' fixed cost 38 times (17 of a small round's 27 s of simulation)."""
    limit = CHUNK_ROWS if chunk_rows is None else chunk_rows
    v, f = models.Visit, models.Facilitator
    sizes = dict(
        conn.execute(
            select(f.province_code, func.count()).join(v, v.facilitator_id == f.id)
            .where(v.round_id == round_id, v.submitted_at.is_not(None), f.province_code.in_(provinces))
            .group_by(f.province_code)
        ).all()
    )
    batches: list[list[str]] = []
    size = 0
    for province in provinces:
        rows = int(sizes.get(province, 0))
        if batches and size + rows <= limit:
            batches[-1].append(province)
            size += rows
        else:
            batches.append([province])
            size = rows
    return batches


def _group_members(conn: Connection, round_id: int, rule: str, keys: set[str]) -> pd.DataFrame:
    """Every visit of the round that may belong to one of the groups ``keys`` of ``rule``:
    for "too many per day", the facilitator's visits started about that day only (a day
    either side: local days are 7-9 hours from UTC, and a SQLite text time written with a
    ``T`` compares after every other of its day), not every visit of the round (2.7M
    visits re-read per refresh at 20M targets, for the facilitators of a batch of 15,000)."""
    v = models.Visit
    if rule == "pln_reused":
        selections = [(v.pln_meter_id, keys, [])]
    elif rule == "gps_duplicate":
        selections = [(v.gps_lat, {float(k.split(",")[0]) for k in keys}, [])]
    else:
        by_day: dict[str, set[str]] = {}
        for key in keys:
            facilitator, day = key.rsplit("|", 1)
            by_day.setdefault(day, set()).add(facilitator)
        selections = []
        for day, facilitators in sorted(by_day.items()):
            if not day:  # "facilitator|": every day of the facilitator (a rebuild's candidates)
                selections.append((v.facilitator_id, facilitators, []))
                continue
            start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time())
            near = [v.started_at >= start - dt.timedelta(days=1), v.started_at < start + dt.timedelta(days=2)]
            selections.append((v.facilitator_id, facilitators, near))
    frames = [
        _read_visits(conn, round_id, _GROUP_COLUMNS, column.in_(chunk), *near)
        for column, values, near in selections for chunk in _chunks(sorted(values))
    ]
    if not frames:
        return pd.DataFrame(columns=[*_GROUP_COLUMNS, "round_id"])
    return pd.concat(frames, ignore_index=True).drop_duplicates("target_id")


def _delete_flags(conn: Connection, round_id: int, *, target_ids=None, rule=None, keys=None) -> int:
    f = models.QualityFlag
    removed = 0
    if target_ids is not None:
        for chunk in _chunks(target_ids):
            removed += conn.execute(delete(f).where(f.target_id.in_(chunk))).rowcount
    else:
        for chunk in _chunks(keys):
            removed += conn.execute(
                delete(f).where(f.round_id == round_id, f.rule == rule, f.group_key.in_(chunk))
            ).rowcount
    return removed


def _old_group_keys(conn: Connection, target_ids) -> dict[str, set[str]]:
    f = models.QualityFlag
    old: dict[str, set[str]] = {rule: set() for rule in GROUP_RULES}
    for chunk in _chunks(target_ids):
        for rule, key in conn.execute(
            select(f.rule, f.group_key).where(f.target_id.in_(chunk), f.rule.in_(GROUP_RULES))
        ):
            old[rule].add(key)
    return old


def _flags_of_visits(visits: pd.DataFrame, parameters: QualityParameters, polygons) -> dict[str, np.ndarray]:
    submitted = visits[visits["submitted_at"].notna()]
    flags = visit_flags(submitted, parameters, polygons)
    parts = []
    for rule in flags.columns:
        hit = submitted[flags[rule].to_numpy()]
        value = _VALUE_OF[rule](hit) if rule in _VALUE_OF else None
        parts.append(_flag_rows(hit, rule, values=value))
    return _concat(parts)


def _flags_of_groups(members: pd.DataFrame, rule: str, keys: set[str] | None, parameters,
                     member_keys: pd.Series | None = None) -> dict[str, np.ndarray]:
    """Flags of ``rule`` for the visits of ``members`` in a group that breaks it (only the
    groups ``keys``, unless None: all). ``member_keys``: the members' keys under ``rule``,
    when the caller has them already (they cost a time-zone conversion and a text per GPS
    point of every member)."""
    if member_keys is None:
        member_keys = group_keys(members, (rule,))[rule]
    if keys is not None:
        member_keys = member_keys.where(member_keys.isin(keys))
    size = group_sizes(member_keys.to_frame(rule), parameters)[rule]
    hit = size > 0
    flagged = members[hit.to_numpy()]
    return _flag_rows(flagged, rule, member_keys[hit], size[hit], _group_formed(flagged, member_keys[hit], rule, parameters))


def _group_formed(flagged: pd.DataFrame, keys: pd.Series, rule: str, parameters) -> pd.Series:
    """When each flagged visit's flag arose: its own submission, or, if later, the moment
    its group began to break the rule (the second family on a point or meter id; the visit
    over the day's limit). A flag an old visit gains when a later copy arrives is dated on
    the copy's day, so the figures of past days stay what they were."""
    submitted = pd.to_datetime(flagged["submitted_at"], format="mixed")
    if submitted.empty:
        return submitted
    limit = parameters.max_visits_per_day if rule == "too_many_per_day" else 1
    frame = pd.DataFrame({"key": keys.to_numpy(), "submitted": submitted.to_numpy()}, index=flagged.index)
    formed = frame.sort_values("submitted").groupby("key")["submitted"].nth(limit)  # the (limit+1)-th member
    formed_at = frame["key"].map(pd.Series(formed.to_numpy(), index=frame.loc[formed.index, "key"].to_numpy()))
    return pd.concat([submitted, pd.to_datetime(formed_at)], axis=1).max(axis=1)


def _write_flags(conn: Connection, rows: dict[str, np.ndarray]) -> int:
    return write_columns(conn, "quality_flag", rows) if rows else 0


def _refresh_flag_rollup(conn: Connection, round_id: int, days: set[str] | None) -> None:
    """Recount ``rollup_quality_day`` for ``days`` (ISO dates; None: every day)."""
    q, r = models.QualityFlag, models.RollupQualityDay
    day_filter = (lambda column, chunk: [column.in_(chunk)]) if days is not None else (lambda column, chunk: [])
    for chunk in _chunks(sorted(days)) if days is not None else [None]:
        chunk = [dt.date.fromisoformat(d) for d in chunk] if chunk is not None else None
        conn.execute(delete(r).where(r.round_id == round_id, *day_filter(r.day, chunk)))
        keys = ["regency_code", "category", "day", "province_code"]
        by_rule = pd.read_sql(
            select(q.regency_code, q.category, q.day, q.province_code,
                   *(func.sum(case((q.rule == rule, 1), else_=0)).label(f"flags_{rule}") for rule in RULE_IDS))
            .where(q.round_id == round_id, *day_filter(q.day, chunk))
            .group_by(q.regency_code, q.category, q.day, q.province_code),
            conn,
        )
        # A visit counts as flagged once, on the day of its first flag (a group's flag may
        # come later than the visit's own): the days then add up to the visits flagged.
        # Of the visits flagged on these days only (not every flag of the round).
        on_days = [q.target_id.in_(select(q.target_id).where(q.round_id == round_id, q.day.in_(chunk)))] if chunk is not None else []
        first = (
            select(q.target_id, q.regency_code, q.category, q.province_code, func.min(q.day).label("day"))
            .where(q.round_id == round_id, *on_days).group_by(q.target_id, q.regency_code, q.category, q.province_code).subquery()
        )
        flagged = pd.read_sql(
            select(first.c.regency_code, first.c.category, first.c.day, first.c.province_code, func.count().label("flagged"))
            .where(*day_filter(first.c.day, chunk))
            .group_by(first.c.regency_code, first.c.category, first.c.day, first.c.province_code),
            conn,
        )
        for frame in (by_rule, flagged):
            frame["day"] = [str(d)[:10] for d in frame["day"]]
        counts = by_rule.merge(flagged, on=keys, how="outer").fillna(0)
        columns = {c: counts[c].to_numpy(dtype=object) for c in ("regency_code", "category", "province_code")}
        columns["day"] = np.array([str(d)[:10] for d in counts["day"]], dtype=object)
        for c in ("flagged", *(f"flags_{rule}" for rule in RULE_IDS)):
            columns[c] = counts[c].to_numpy(dtype="int64")
        write_columns(conn, "rollup_quality_day", {"round_id": np.full(len(counts), round_id), **columns})


def _days(visits: pd.DataFrame) -> set[str]:
    submitted = visits[visits["submitted_at"].notna()]
    return set(_submission_day(submitted)) if len(submitted) else set()


def _score_provinces(conn: Connection, round_id: int, provinces: list[str] | None, parameters: risk.RiskParameters) -> int:
    """Recompute and store the risk scores of the facilitators of ``provinces`` (None: all)."""
    v, r, f = models.Visit, models.FacilitatorRisk, models.Facilitator
    theirs = select(f.id).where(f.province_code.in_(provinces)) if provinces is not None else None
    condition = [v.facilitator_id.in_(theirs)] if theirs is not None else []
    # With each family's desil before the check, which ``record_agreement`` compares the
    # answers with.
    t = models.Target
    query = (
        select(*_visit_columns(risk.VISIT_COLUMNS), t.desil_before).join(t, t.id == v.target_id)
        .where(v.round_id == round_id, v.submitted_at.is_not(None), *condition)
        .execution_options(stream_results=True, max_row_buffer=CHUNK_ROWS)
    )
    # Streamed and read a chunk at a time: the rows of one read of a large province as
    # Python objects (1.7M visits of Jawa Timur at 20M targets) took 5 GB for a frame of 1.
    chunks = list(pd.read_sql(query, conn, chunksize=CHUNK_ROWS))
    visits = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0] if chunks else pd.DataFrame()
    del chunks
    if theirs is None:
        conn.execute(delete(r).where(r.round_id == round_id))
    else:
        conn.execute(delete(r).where(r.round_id == round_id, r.facilitator_id.in_(theirs)))
    if visits.empty:
        return 0
    table = risk.score(visits, parameters)
    columns = [c.key for c in r.__table__.columns if c.key not in ("round_id", "facilitator_id")]
    rows = {"round_id": np.full(len(table), round_id), "facilitator_id": table.index.to_numpy(dtype=object)}
    for column in columns:
        values = table[column]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        rows[column] = values.to_numpy(dtype=float) if numeric else values.to_numpy(dtype=object)
    return write_columns(conn, "facilitator_risk", rows)


def _state(conn: Connection, round_id: int):
    s = models.QualityState
    return conn.execute(select(s.data_until, s.risk_until, s.risk_scored_at).where(s.round_id == round_id)).first()


def _set_state(conn: Connection, round_id: int, data_until: dt.datetime, risk_until: dt.datetime | None, scored_at) -> None:
    s = models.QualityState
    # To the microsecond: it is part of the data version the figure cache is keyed by, and
    # two refreshes may fall in one second.
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute(delete(s).where(s.round_id == round_id))
    conn.execute(
        s.__table__.insert().values(
            round_id=round_id, data_until=data_until, refreshed_at=now, risk_until=risk_until, risk_scored_at=scored_at
        )
    )


def refresh_quality(
    engine: Engine,
    round_id: int,
    data_until: dt.datetime,
    parameters: QualityParameters = QualityParameters(),
    risk_parameters: risk.RiskParameters = risk.RiskParameters(),
    regency_polygons: dict | None = None,
    *,
    rebuild: bool = False,
    risk_interval: dt.timedelta = dt.timedelta(minutes=15),
) -> QualityRefresh:
    """Bring the flags and risk scores of the round up to the visits written by
    ``data_until`` (everything anew when ``rebuild`` or when the round has none yet)."""
    v = models.Visit
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with engine.begin() as conn:
        state = None if rebuild else _state(conn, round_id)
        if state is None:
            conn.execute(delete(models.QualityFlag).where(models.QualityFlag.round_id == round_id))
            checked, written = 0, 0
            for visits in _submitted_visits(conn, round_id):
                checked += len(visits)
                written += _write_flags(conn, _flags_of_visits(visits, parameters, regency_polygons))
            for rule in GROUP_RULES:
                for members in _groups_of_more_than_one(conn, round_id, rule, parameters):
                    written += _write_flags(conn, _flags_of_groups(members, rule, None, parameters))
            _refresh_flag_rollup(conn, round_id, None)
            conn.execute(delete(models.FacilitatorRisk).where(models.FacilitatorRisk.round_id == round_id))
            # Provinces in batches of bounded size (peers never cross a province).
            scored = sum(
                _score_provinces(conn, round_id, batch, risk_parameters)
                for batch in _province_batches(conn, round_id, _provinces(conn, round_id))
            )
            _set_state(conn, round_id, data_until, data_until, now)
            result = QualityRefresh(checked, written, 0, scored)
        else:
            previous, risk_until, scored_at = state
            visits = _read_visits(conn, round_id, VISIT_COLUMNS, v.updated_at > previous)
            if visits.empty:  # nothing written since (a quiet tick, the night)
                _set_state(conn, round_id, data_until, risk_until, scored_at)
                result = QualityRefresh(0, 0, 0, 0)
                log.debug("quality of round %s up to %s: nothing new", round_id, data_until)
                return result
            ids = visits["target_id"].tolist()
            old_keys = _old_group_keys(conn, ids)
            removed = _delete_flags(conn, round_id, target_ids=ids)
            rows = [_flags_of_visits(visits, parameters, regency_polygons)]
            new_keys = group_keys(visits)
            # A visit's flags all fall on the day of its first submission, which a rewrite
            # does not move: the days to recount are those of the visits re-checked.
            days = _days(visits)
            for rule in GROUP_RULES:
                keys = (set(new_keys[rule].dropna()) | old_keys[rule]) - {None}
                if not keys:
                    continue
                removed += _delete_flags(conn, round_id, rule=rule, keys=keys)
                members = _group_members(conn, round_id, rule, keys)
                member_keys = group_keys(members, (rule,))[rule]
                # The days of the groups re-flagged (not of every visit read with them).
                days |= _days(members[member_keys.isin(keys).to_numpy()])
                rows.append(_flags_of_groups(members, rule, keys, parameters, member_keys))
            written = _write_flags(conn, _concat(rows))
            _refresh_flag_rollup(conn, round_id, days)
            scored = 0
            if risk_until is None or data_until - risk_until >= risk_interval:
                since = risk_until or previous
                provinces = _provinces(conn, round_id, v.updated_at > since)
                for batch in _province_batches(conn, round_id, provinces) if provinces else []:
                    scored += _score_provinces(conn, round_id, batch, risk_parameters)
                risk_until, scored_at = data_until, now
            _set_state(conn, round_id, data_until, risk_until, scored_at)
            result = QualityRefresh(len(visits), written, removed, scored)
    log.info("quality of round %s up to %s: %s", round_id, data_until, result)
    return result


__all__ = ["QualityRefresh", "refresh_quality", "refresh_with_settings", "regency_polygons"]
