"""The query layer: base counts of a scope as of a day, read from the rollup tables.

Every figure the product shows (pages, exports, the JSON API) comes from these functions
and the metric registry (``dashboard.figures.metrics``) applied to their result. The region figures
read only the rollups (``dashboard.store.rollups``), so their cost does not grow with the number
of visits; facilitator figures add one indexed count of a kabupaten/kota's targets.

Access: every function that reads figures takes the ``access`` of the request
(``dashboard.access.policy.Access``, decided by the server, never by the client) and
refuses (``OutOfScope``) or leaves out what lies outside it: a scope's own totals need
``sees_total``, the rows of its children ``sees_row``, facilitators ``require_facilitators``.
Region names, round dates and the data state are reference, not figures, and need none.

Time: figures are "as of" a calendar day in WIB. For the newest day that is the data up to
``DataState.data_until`` (the moment shown as "data as of"); for an earlier day, the end
of that day. "Since yesterday" compares a day with the one before.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Connection, Engine

from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.cache import cached
from dashboard.quality.rules import RULE_IDS
from dashboard.store import models
from dashboard.store.rollups import OUTCOME_COLUMNS, day_of

NATIONAL_CODE = "ID"


class Level(StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    REGENCY = "regency"
    FACILITATOR = "facilitator"


_CODE_PATTERN = {Level.PROVINCE: re.compile(r"\d{2}"), Level.REGENCY: re.compile(r"\d{2}\.\d{2}")}
_CHILD = {Level.NATIONAL: Level.PROVINCE, Level.PROVINCE: Level.REGENCY, Level.REGENCY: Level.FACILITATOR}


class InvalidScope(ValueError):
    """A scope that cannot exist: a malformed code, or a code of the wrong level."""


@dataclass(frozen=True)
class Scope:
    """An area users look at: the nation, a province (``"94"``) or a kabupaten/kota
    (``"94.12"``). A later step binds the scopes a user may see to their login."""

    level: Level
    code: str | None = None

    def __post_init__(self) -> None:
        if self.level == Level.NATIONAL:
            if self.code not in (None, NATIONAL_CODE):
                raise InvalidScope("the national scope takes no code")
            object.__setattr__(self, "code", None)
            return
        if self.level not in _CODE_PATTERN:
            raise InvalidScope(f"no scope of level {self.level!r}")
        if not self.code or not _CODE_PATTERN[self.level].fullmatch(self.code):
            example = "32" if self.level == Level.PROVINCE else "32.01"
            raise InvalidScope(f"{self.code!r} is not a {self.level.value} code (e.g. {example!r})")

    @classmethod
    def national(cls) -> Scope:
        return cls(Level.NATIONAL)

    @classmethod
    def of(cls, code: str | None) -> Scope:
        """The scope of a region code: none/"ID" national, "32" province, "32.01" regency."""
        if code in (None, "", NATIONAL_CODE):
            return cls.national()
        if not isinstance(code, str):
            raise InvalidScope(f"{code!r} is not a region code")
        return cls(Level.PROVINCE if len(code) == 2 else Level.REGENCY, code)

    @property
    def child_level(self) -> Level:
        return _CHILD[self.level]

    @property
    def province_code(self) -> str | None:
        return self.code[:2] if self.code else None


@dataclass(frozen=True)
class DataState:
    """How fresh the rollups of a round are."""

    round_id: int
    version: int
    data_until: dt.datetime

    @property
    def day(self) -> dt.date:
        """The newest day with data (WIB)."""
        return day_of(self.data_until)


@dataclass(frozen=True)
class RoundDates:
    id: int
    name: str
    start_date: dt.date
    deadline: dt.date


def latest_round(engine: Engine) -> RoundDates | None:
    """The newest round that has rollups and targets (what the pages show by default): a
    new round created empty, or with its deadline before its start, never hides the one
    with data. Without any targets anywhere, the newest round with rollups."""
    r, s, t = models.Round, models.RollupState, models.RollupRegencyTargets
    has_targets = select(t.round_id).where(t.round_id == r.id, t.targets > 0).exists()
    with engine.connect() as conn:
        newest = select(r.id, r.name, r.start_date, r.deadline).join(s, s.round_id == r.id).order_by(r.id.desc()).limit(1)
        row = conn.execute(newest.where(has_targets, r.deadline >= r.start_date)).first() or conn.execute(newest).first()
    return RoundDates(*row) if row else None


def round_dates(engine: Engine, round_id: int) -> RoundDates | None:
    r = models.Round
    with engine.connect() as conn:
        row = conn.execute(select(r.id, r.name, r.start_date, r.deadline).where(r.id == round_id)).first()
    return RoundDates(*row) if row else None


def data_state(engine: Engine, round_id: int) -> DataState | None:
    s = models.RollupState
    with engine.connect() as conn:
        row = conn.execute(select(s.version, s.data_until).where(s.round_id == round_id)).first()
    return DataState(round_id, row.version, row.data_until) if row else None


def scope_filter(table, scope: Scope) -> list:
    """WHERE conditions that keep the rows of ``scope`` of a table with region codes."""
    if scope.level == Level.PROVINCE:
        return [table.province_code == scope.code]
    if scope.level == Level.REGENCY:
        return [table.regency_code == scope.code]
    return []


def area_filter(table, access: Access) -> list:
    """WHERE conditions that keep the rows of a table with region codes that lie within the
    area of ``access`` (none for a nationwide area)."""
    if access.nationwide_area:
        return []
    if not access.signed_in or not access.codes:
        return [table.province_code.is_(None)]  # nothing
    return [or_(table.province_code.in_(sorted(access.provinces)), table.regency_code.in_(sorted(access.regencies)))]


def visible_rows(frame: pd.DataFrame, access: Access) -> pd.DataFrame:
    """The rows of a frame indexed by region code (on its first level) that ``access`` may
    see in a list of their parent's children."""
    codes = frame.index.get_level_values(0) if frame.index.nlevels > 1 else frame.index
    # A boolean array, not a list: an empty list would select no *columns* of an empty frame.
    return frame.loc[np.array([access.sees_row(str(code)) for code in codes], dtype=bool)]


def _group_column(table, level: Level):
    return {Level.NATIONAL: None, Level.PROVINCE: table.province_code, Level.REGENCY: table.regency_code}[level]


def _read(conn: Connection, query, keys: list[str]) -> pd.DataFrame:
    frame = pd.read_sql(query, conn)
    return frame.set_index(keys) if keys else frame


def _require_rows(access: Access, scope: Scope, by: str) -> None:
    """What a read of ``scope`` by ``by`` needs: the scope's totals (``"self"``), or some of
    the scope (a list of its rows, ``"children"`` or ``"regencies"``), else ``OutOfScope``."""
    if by not in ("self", "children", "regencies"):
        raise ValueError("by must be 'self', 'children' or 'regencies'")
    if by == "self":
        access.require_total(scope.code)
    elif not access.overlaps(scope.code):
        raise OutOfScope(f"{scope.code} is outside the area of {access.user or 'this request'}")


def base_counts(
    engine: Engine,
    round_id: int,
    scope: Scope,
    day: dt.date,
    *,
    access: Access,
    by: str = "self",
    by_category: bool = False,
) -> pd.DataFrame:
    """Base counts of ``scope`` as of ``day``: one row for the scope (``by="self"``, code
    ``ID`` for the nation), one per child region (``by="children"``: provinces of the
    nation, kabupaten/kota of a province) or one per kabupaten/kota of the scope
    (``by="regencies"``), optionally one per target category too.

    Columns: ``targets``, ``visited``, ``submitted``, ``reviewed``, ``returned``,
    ``approved``, ``approved_first_review`` (reviewed minus returned: a visit's first
    return is its first review), ``outcome_*`` (cumulative to ``day``); ``visits_7d``
    (started in the 7 days to ``day``); ``flagged`` (visits submitted by ``day`` that break
    any quality rule) and ``flags_<rule>`` (those breaking each rule); and, per region only
    (not per category), ``facilitators``, ``active_1d``, ``active_7d`` and
    ``active_days_7d`` (facilitator-days with a visit in those 7 days), and for the newest
    day only (risk scores are not kept per day) ``risk_scored`` and ``high_risk``
    (facilitators with a fabrication-risk score, and at or above the threshold).

    ``access`` must see the scope's totals (``by="self"``) or some of the scope (a list of
    its rows), else ``OutOfScope``; rows it may not see are left out.
    """
    _require_rows(access, scope, by)
    counts = _base_counts(engine, round_id, scope, day, by, by_category)
    return counts if by == "self" else visible_rows(counts, access)


@cached
def _base_counts(engine: Engine, round_id: int, scope: Scope, day: dt.date, by: str, by_category: bool) -> pd.DataFrame:
    """``base_counts`` of every row, whoever asks: computed once per data version and
    shared by every access class (the caller checks access and leaves rows out)."""
    # "self": the scope filter alone selects the rows, so nothing is grouped by region.
    level = {"self": Level.NATIONAL, "children": scope.child_level, "regencies": Level.REGENCY}[by]
    if level == Level.FACILITATOR:
        raise InvalidScope("facilitator figures come from facilitator_counts()")
    d, t, a, f = models.RollupRegencyDay, models.RollupRegencyTargets, models.RollupRegencyActivity, models.Facilitator
    week_start = day - dt.timedelta(days=6)

    def keyed(table, with_category: bool):
        column = _group_column(table, level)
        keys = ([column.label("code")] if column is not None else []) + (
            [table.category] if with_category else []
        )
        return keys, [k.key for k in keys]

    with engine.connect() as conn:
        keys, names = keyed(d, by_category)
        sums = [func.sum(getattr(d, c)).label(c) for c in ("submitted", "reviewed", "returned", "approved")]
        outcome_sums = [func.sum(getattr(d, c)).label(c) for c in OUTCOME_COLUMNS.values()]
        events = _read(
            conn,
            select(*keys, func.sum(d.started).label("visited"), *sums, *outcome_sums)
            .where(d.round_id == round_id, d.day <= day, *scope_filter(d, scope))
            .group_by(*keys),
            names,
        )
        week = _read(
            conn,
            select(*keys, func.sum(d.started).label("visits_7d"))
            .where(d.round_id == round_id, d.day <= day, d.day >= week_start, *scope_filter(d, scope))
            .group_by(*keys),
            names,
        )
        keys_t, names_t = keyed(t, by_category)
        targets = _read(
            conn,
            select(*keys_t, func.sum(t.targets).label("targets"))
            .where(t.round_id == round_id, *scope_filter(t, scope))
            .group_by(*keys_t),
            names_t,
        )
        q = models.RollupQualityDay
        keys_q, names_q = keyed(q, by_category)
        flags = _read(
            conn,
            select(
                *keys_q,
                func.sum(q.flagged).label("flagged"),
                *(func.sum(getattr(q, f"flags_{rule}")).label(f"flags_{rule}") for rule in RULE_IDS),
            )
            .where(q.round_id == round_id, q.day <= day, *scope_filter(q, scope))
            .group_by(*keys_q),
            names_q,
        )
        counts = targets.join([events, week, flags], how="left")
        if not by_category:
            keys_f, names_f = keyed(f, False)
            staff = _read(
                conn,
                select(*keys_f, func.count().label("facilitators"))
                .select_from(f)
                .where(*scope_filter(f, scope))
                .group_by(*keys_f),
                names_f,
            )
            keys_a, names_a = keyed(a, False)
            activity = _read(
                conn,
                select(
                    *keys_a,
                    func.sum(case((a.day == day, a.active_1d), else_=0)).label("active_1d"),
                    func.sum(case((a.day == day, a.active_7d), else_=0)).label("active_7d"),
                    func.sum(a.active_1d).label("active_days_7d"),
                )
                .where(a.round_id == round_id, a.day <= day, a.day >= week_start, *scope_filter(a, scope))
                .group_by(*keys_a),
                names_a,
            )
            counts = counts.join([staff, activity], how="left")
            newest = conn.execute(
                select(models.RollupState.data_until).where(models.RollupState.round_id == round_id)
            ).scalar()
            if newest is not None and day >= day_of(newest):
                r = models.FacilitatorRisk
                keys_r, names_r = keyed(r, False)
                risk = _read(
                    conn,
                    select(
                        *keys_r,
                        func.count(r.score).label("risk_scored"),
                        func.sum(case((r.high_risk, 1), else_=0)).label("high_risk"),
                    )
                    .where(r.round_id == round_id, *scope_filter(r, scope))
                    .group_by(*keys_r),
                    names_r,
                )
                counts = counts.join(risk, how="left")
    counts["approved_first_review"] = counts["reviewed"].fillna(0) - counts["returned"].fillna(0)
    if by == "self" and not by_category:
        counts.index = pd.Index([scope.code or NATIONAL_CODE], name="code")
    return counts.fillna(0).astype("int64")




def daily_progress(engine: Engine, round_id: int, scope: Scope, through: dt.date, *, access: Access) -> pd.DataFrame:
    """Per day up to ``through``: visits started, submitted and approved that day and their
    running totals (``*_cumulative``), and the scope's targets (constant)."""
    access.require_total(scope.code)
    return _daily_progress(engine, round_id, scope, through)


@cached
def _daily_progress(engine: Engine, round_id: int, scope: Scope, through: dt.date) -> pd.DataFrame:
    d, t = models.RollupRegencyDay, models.RollupRegencyTargets
    with engine.connect() as conn:
        frame = pd.read_sql(
            select(d.day, func.sum(d.started).label("visited"), func.sum(d.submitted).label("submitted"), func.sum(d.approved).label("approved"))
            .where(d.round_id == round_id, d.day <= through, *scope_filter(d, scope))
            .group_by(d.day)
            .order_by(d.day),
            conn,
        )
        targets = conn.execute(
            select(func.coalesce(func.sum(t.targets), 0)).where(t.round_id == round_id, *scope_filter(t, scope))
        ).scalar_one()
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    for column in ("visited", "submitted", "approved"):
        frame[column] = frame[column].astype("int64")
        frame[f"{column}_cumulative"] = frame[column].cumsum()
    frame["targets"] = int(targets)
    return frame


def daily_submissions(
    engine: Engine, round_id: int, scope: Scope, through: dt.date, *, access: Access, by: str = "self"
) -> tuple[pd.DataFrame, pd.Series]:
    """Submissions per day up to ``through`` of ``scope`` (``by="self"``, code ``ID`` for
    the nation), of each of its child regions (``by="children"``) or of each of its
    kabupaten/kota (``by="regencies"``, all 514 of the nation in one query), and their targets:
    ``(frame of code, day, submitted; Series of targets by code)``, what
    ``dashboard.figures.forecast.forecast_table`` takes. Days without a submission are
    left out; regions ``access`` may not see too (``OutOfScope`` for the scope's own)."""
    _require_rows(access, scope, by)
    daily, targets = _daily_submissions(engine, round_id, scope, through, by)
    if by == "self":
        return daily, targets
    targets = visible_rows(targets.to_frame(), access)["targets"]
    return daily.loc[daily["code"].isin(targets.index)], targets


@cached
def _daily_submissions(engine: Engine, round_id: int, scope: Scope, through: dt.date, by: str) -> tuple[pd.DataFrame, pd.Series]:
    d, t = models.RollupRegencyDay, models.RollupRegencyTargets
    if by == "self":
        day_code, target_code = [], []
        own = scope.code or NATIONAL_CODE
    else:
        level = Level.REGENCY if by == "regencies" else scope.child_level
        day_code, target_code = [_group_column(d, level).label("code")], [_group_column(t, level).label("code")]
    with engine.connect() as conn:
        daily = pd.read_sql(
            select(*day_code, d.day, func.sum(d.submitted).label("submitted"))
            .where(d.round_id == round_id, d.day <= through, d.submitted > 0, *scope_filter(d, scope))
            .group_by(*day_code, d.day),
            conn,
        )
        targets = pd.read_sql(
            select(*target_code, func.coalesce(func.sum(t.targets), 0).label("targets"))
            .where(t.round_id == round_id, *scope_filter(t, scope))
            .group_by(*target_code),
            conn,
        )
    if by == "self":
        daily.insert(0, "code", own)
        targets.insert(0, "code", own)
    daily["day"] = pd.to_datetime(daily["day"]).dt.date
    daily["submitted"] = daily["submitted"].astype("int64")
    return daily.sort_values(["code", "day"], ignore_index=True), targets.set_index("code")["targets"].astype("int64")


def facilitator_daily_submissions(engine: Engine, round_id: int, regency_code: str, through: dt.date, *, access: Access) -> pd.DataFrame:
    """Submissions per day (``code`` = facilitator id, ``day``, ``submitted``) of the
    facilitators of a kabupaten/kota up to ``through``, days without any left out.
    ``access`` must see the kabupaten/kota's facilitators."""
    access.require_facilitators(Scope(Level.REGENCY, regency_code).code)
    return _facilitator_daily_submissions(engine, round_id, regency_code, through)


@cached
def _facilitator_daily_submissions(engine: Engine, round_id: int, regency_code: str, through: dt.date) -> pd.DataFrame:
    d = models.RollupFacilitatorDay
    with engine.connect() as conn:
        daily = pd.read_sql(
            select(d.facilitator_id.label("code"), d.day, d.submitted)
            .where(d.round_id == round_id, d.regency_code == regency_code, d.day <= through, d.submitted > 0),
            conn,
        )
    daily["day"] = pd.to_datetime(daily["day"]).dt.date
    daily["submitted"] = daily["submitted"].astype("int64")
    return daily


def region_names(engine: Engine, level: Level, parent: Scope | None = None) -> pd.Series:
    """Names of the provinces, or of the kabupaten/kota of a province, by code."""
    with engine.connect() as conn:
        if level == Level.PROVINCE:
            rows = conn.execute(select(models.Province.code, models.Province.name)).all()
        elif level == Level.REGENCY:
            r = models.Regency
            query = select(r.code, r.name)
            if parent is not None and parent.level == Level.PROVINCE:
                query = query.where(r.province_code == parent.code)
            rows = conn.execute(query).all()
        else:
            raise InvalidScope(f"no region names for level {level}")
    return pd.Series(dict(rows), name="name").sort_index()


def region_exists(engine: Engine, scope: Scope) -> bool:
    if scope.level == Level.NATIONAL:
        return True
    table = models.Province if scope.level == Level.PROVINCE else models.Regency
    with engine.connect() as conn:
        return conn.execute(select(table.code).where(table.code == scope.code)).first() is not None


def facilitator_counts(engine: Engine, round_id: int, regency_code: str, day: dt.date, *, access: Access) -> pd.DataFrame:
    """Base counts per facilitator of a kabupaten/kota as of ``day``, indexed by
    facilitator id, with ``name``: targets, visited, submitted, approved, returned,
    ``flagged`` (submissions with a quality flag; cumulative), ``visits_1d`` and
    ``visits_7d``, ``last_visit_day``; and the fabrication ``risk_score`` (NaN: too few
    interviews) and ``high_risk`` of the newest data. ``access`` must see the
    kabupaten/kota's facilitators."""
    access.require_facilitators(Scope(Level.REGENCY, regency_code).code)
    return _facilitator_counts(engine, round_id, regency_code, day)


@cached
def _facilitator_counts(engine: Engine, round_id: int, regency_code: str, day: dt.date) -> pd.DataFrame:
    scope = Scope(Level.REGENCY, regency_code)
    f, t, d = models.Facilitator, models.Target, models.RollupFacilitatorDay
    week_start = day - dt.timedelta(days=6)
    with engine.connect() as conn:
        staff = pd.read_sql(select(f.id.label("code"), f.name).where(f.regency_code == scope.code), conn).set_index("code")
        targets = pd.read_sql(
            select(t.facilitator_id.label("code"), func.count().label("targets"))
            .where(t.round_id == round_id, t.regency_code == scope.code)
            .group_by(t.facilitator_id),
            conn,
        ).set_index("code")
        activity = pd.read_sql(
            select(
                d.facilitator_id.label("code"),
                func.sum(d.started).label("visited"),
                func.sum(d.submitted).label("submitted"),
                func.sum(d.approved).label("approved"),
                func.sum(d.returned).label("returned"),
                func.sum(case((d.day == day, d.started), else_=0)).label("visits_1d"),
                func.sum(case((d.day >= week_start, d.started), else_=0)).label("visits_7d"),
                func.max(case((d.started > 0, d.day), else_=None)).label("last_visit_day"),
            )
            .where(d.round_id == round_id, d.regency_code == scope.code, d.day <= day)
            .group_by(d.facilitator_id),
            conn,
        ).set_index("code")
        q, r = models.QualityFlag, models.FacilitatorRisk
        flagged = pd.read_sql(
            select(q.facilitator_id.label("code"), func.count(func.distinct(q.target_id)).label("flagged"))
            .where(q.round_id == round_id, q.regency_code == scope.code, q.day <= day)
            .group_by(q.facilitator_id),
            conn,
        ).set_index("code")
        risk = pd.read_sql(
            select(r.facilitator_id.label("code"), r.score.label("risk_score"), r.high_risk)
            .where(r.round_id == round_id, r.regency_code == scope.code),
            conn,
        ).set_index("code")
    counts = staff.join([targets, activity, flagged], how="left")
    numbers = [c for c in counts.columns if c not in ("name", "last_visit_day")]
    counts[numbers] = counts[numbers].fillna(0).astype("int64")
    counts["last_visit_day"] = pd.to_datetime(counts["last_visit_day"]).dt.date
    # Risk scores are of the newest data, whatever the day asked for.
    counts["risk_score"] = risk["risk_score"].reindex(counts.index).astype(float)
    counts["high_risk"] = risk["high_risk"].reindex(counts.index).fillna(False).astype(bool)
    return counts.sort_index()
