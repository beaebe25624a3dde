"""What the ground check found: confirmed inclusion and exclusion errors, families leaving
or entering a programme's desil range after BPS re-ranked them, and the desil transition
matrix, for every scope as of any day.

Everything is a sum over families re-ranked (``rollup_rerank_day`` for regions; the raw
rows of a kabupaten/kota, counted by the same function, for its facilitators). A family is
"re-ranked" once BPS has given it a desil after the check (``visit.desil_after`` with
``visit.reranked_at``). BPS re-ranks the families that were interviewed; one re-ranked
with another outcome is counted as re-ranked all the same (and "interviewed, not re-ranked
yet" never goes below zero). What a finding means depends on
the programme, whose cut-off is a setting (``DESIL_CUTOFF_PKH`` 4, ``DESIL_CUTOFF_SEMBAKO``
and ``DESIL_CUTOFF_PBI_JK`` 5, see ``Settings.programme_cutoffs``): with cut-off ``c``

- an inclusion-error candidate is *confirmed* when re-ranked above ``c`` (it should not get
  the programme's aid), *not confirmed* when re-ranked into 1..``c``;
- an exclusion-error candidate is *confirmed* when re-ranked into 1..``c``, else not;
- a family *leaves* the programme's range when ranked 1..``c`` before and above ``c`` after,
  and *enters* it the other way round (any category).

Inactive NIKs are resolved by the visit's outcome, which the base counts already hold per
category (``outcome_*``). The columns here join the base counts of ``dashboard.figures.queries``
(same index), so the metric registry computes the findings' shares like any other metric.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dashboard.access.policy import Access
from dashboard.figures.cache import cached
from dashboard.figures.metrics import FINDINGS_METRICS, compute
from dashboard.figures.overview import Kpi, region_table
from dashboard.figures.queries import (
    NATIONAL_CODE,
    InvalidScope,
    Level,
    Scope,
    _group_column,
    _require_rows,
    base_counts,
    facilitator_counts,
    scope_filter,
)
from dashboard.store import models
from dashboard.store.rollups import OUTCOME_COLUMNS, counted_visits, rerank_counts
from dashboard.vocabulary import INTERVIEWED_OUTCOMES, PROGRAMME_TERMS, TargetCategory

#: (programme code, cut-off) pairs, e.g. ``(("pkh", 4), ("sembako", 5), ("pbi_jk", 5))``:
#: hashable, so that it is part of a cached figure's key.
Cutoffs = tuple[tuple[str, int], ...]
DESILS = tuple(range(1, 11))
#: The columns of a long frame of re-ranked families.
TRANSITION_COLUMNS = ["category", "desil_before", "desil_after", "reranked"]
#: The base counts of submissions whose family was interviewed (and so can be re-ranked).
INTERVIEWED_COLUMNS = tuple(OUTCOME_COLUMNS[o.value] for o in INTERVIEWED_OUTCOMES)


def check_cutoffs(cutoffs: Cutoffs) -> Cutoffs:
    """``cutoffs`` if every programme is known and each cut-off lies in 1..9, else ValueError."""
    for programme, cutoff in cutoffs:
        if programme not in PROGRAMME_TERMS:
            raise ValueError(f"unknown programme {programme!r}; known: {', '.join(PROGRAMME_TERMS)}")
        if not 1 <= int(cutoff) <= 9:
            raise ValueError(f"the desil cut-off of {programme} must lie in 1..9, not {cutoff}")
    return tuple((p, int(c)) for p, c in cutoffs)


def transitions(
    engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access, by: str = "self"
) -> pd.DataFrame:
    """Families re-ranked by ``day`` in ``scope`` (``by="self"``) or per child region
    (``"children"``) or kabupaten/kota (``"regencies"``): a long frame of ``code``,
    ``category``, ``desil_before``, ``desil_after``, ``reranked`` (combinations with none
    left out). ``access`` as for ``base_counts``."""
    _require_rows(access, scope, by)
    frame = _transitions(engine, round_id, scope, day, by)
    if by == "self":
        return frame
    return frame.loc[frame["code"].map(access.sees_row).astype(bool)].reset_index(drop=True)


@cached
def _transitions(engine: Engine, round_id: int, scope: Scope, day: dt.date, by: str) -> pd.DataFrame:
    level = {"self": None, "children": scope.child_level, "regencies": Level.REGENCY}[by]
    if level == Level.FACILITATOR:
        raise InvalidScope("facilitator findings come from facilitator_transitions()")
    r = models.RollupRerankDay
    code = _group_column(r, level).label("code") if level is not None else None
    keys = ([code] if code is not None else []) + [r.category, r.desil_before, r.desil_after]
    with engine.connect() as conn:
        frame = pd.read_sql(
            select(*keys, func.sum(r.reranked).label("reranked"))
            .where(r.round_id == round_id, r.day <= day, *scope_filter(r, scope))
            .group_by(*keys),
            conn,
        )
    if code is None:
        frame.insert(0, "code", scope.code or NATIONAL_CODE)
    for column in ("desil_before", "desil_after", "reranked"):
        frame[column] = frame[column].astype("int64")
    return frame


def facilitator_transitions(engine: Engine, round_id: int, regency_code: str, day: dt.date, *, access: Access) -> pd.DataFrame:
    """The same long frame per facilitator of a kabupaten/kota (``code`` = facilitator id),
    counted from the raw rows with the rollups' own rules (``counted_visits``), so that a
    kabupaten/kota's facilitators add up to its figures. ``access`` must see its facilitators."""
    access.require_facilitators(Scope(Level.REGENCY, regency_code).code)
    return _facilitator_transitions(engine, round_id, regency_code, day)


@cached
def _facilitator_transitions(engine: Engine, round_id: int, regency_code: str, day: dt.date, facilitator_id: str | None = None) -> pd.DataFrame:
    """``facilitator_transitions``; of one facilitator only with ``facilitator_id`` (their
    visits in the kabupaten/kota, read through the facilitator's index: the facilitator
    page needs one row, and the whole kabupaten/kota's visits took 2.2 s for Kabupaten
    Bogor at 20M targets)."""
    v = models.Visit
    where = [v.regency_code == regency_code] + ([v.facilitator_id == facilitator_id] if facilitator_id is not None else [])
    with engine.connect() as conn:
        data_until = conn.execute(
            select(models.RollupState.data_until).where(models.RollupState.round_id == round_id)
        ).scalar()
        if data_until is None:
            return pd.DataFrame(columns=["code", *TRANSITION_COLUMNS])
        rows = counted_visits(conn, round_id, data_until, *where)
    counts = rerank_counts(rows, ["facilitator_id", "category"])
    counts = counts.loc[counts["day"] <= day]
    return (
        counts.groupby(["facilitator_id", "category", "desil_before", "desil_after"])["reranked"].sum()
        .reset_index().rename(columns={"facilitator_id": "code"})
    )


def findings_columns(long: pd.DataFrame, cutoffs: Cutoffs, by_category: bool = False) -> pd.DataFrame:
    """The finding counts of a long frame of re-ranked families, one row per ``code`` (and
    category), for each programme ``p`` of ``cutoffs``: ``reranked``,
    ``inclusion_reranked``, ``exclusion_reranked``, ``inclusion_confirmed_<p>``,
    ``exclusion_confirmed_<p>``, ``eligible_before_<p>``, ``left_<p>``,
    ``ineligible_before_<p>``, ``entered_<p>``, ``not_eligible_<p>`` (above the cut-off after)."""
    keys = ["code", "category"] if by_category else ["code"]
    before, after, n = long["desil_before"], long["desil_after"], long["reranked"]
    inclusion = long["category"] == TargetCategory.INCLUSION_ERROR.value
    exclusion = long["category"] == TargetCategory.EXCLUSION_ERROR.value
    parts = {
        "reranked": n,
        "inclusion_reranked": n.where(inclusion, 0),
        "exclusion_reranked": n.where(exclusion, 0),
    }
    for programme, cutoff in cutoffs:
        eligible_before, eligible_after = before <= cutoff, after <= cutoff
        parts[f"inclusion_confirmed_{programme}"] = n.where(inclusion & ~eligible_after, 0)
        parts[f"exclusion_confirmed_{programme}"] = n.where(exclusion & eligible_after, 0)
        parts[f"eligible_before_{programme}"] = n.where(eligible_before, 0)
        parts[f"left_{programme}"] = n.where(eligible_before & ~eligible_after, 0)
        parts[f"ineligible_before_{programme}"] = n.where(~eligible_before, 0)
        parts[f"entered_{programme}"] = n.where(~eligible_before & eligible_after, 0)
        parts[f"not_eligible_{programme}"] = n.where(~eligible_after, 0)
    frame = pd.DataFrame(parts).assign(**{k: long[k] for k in keys})
    return frame.groupby(keys).sum().astype("int64")


def findings_counts(
    engine: Engine,
    round_id: int,
    scope: Scope,
    day: dt.date,
    *,
    access: Access,
    cutoffs: Cutoffs,
    by: str = "self",
    by_category: bool = False,
) -> pd.DataFrame:
    """The finding counts (``findings_columns``) of ``scope`` as of ``day``, indexed as
    ``base_counts`` with the same ``by``/``by_category`` is (so the two join), plus
    ``interviewed`` (submissions found and verified, or NIK confirmed) and
    ``awaiting_rerank`` (interviewed, not re-ranked yet). Rows without any re-ranked
    family have zeros. ``access`` as for ``base_counts``."""
    cutoffs = check_cutoffs(cutoffs)
    counts = base_counts(engine, round_id, scope, day, access=access, by=by, by_category=by_category)
    long = transitions(engine, round_id, scope, day, access=access, by=by)
    found = findings_columns(long, cutoffs, by_category)
    if by == "self" and by_category:
        found = found.droplevel("code")  # as base_counts: one row per category
    found.index = found.index.set_names(counts.index.names)
    found = found.reindex(counts.index, fill_value=0)
    found.insert(0, "interviewed", counts[list(INTERVIEWED_COLUMNS)].sum(axis=1).astype("int64"))
    found.insert(1, "awaiting_rerank", (found["interviewed"] - found["reranked"]).clip(lower=0))
    return found


def facilitator_findings(
    engine: Engine, round_id: int, regency_code: str, day: dt.date, *, access: Access, cutoffs: Cutoffs
) -> pd.DataFrame:
    """The finding counts per facilitator of a kabupaten/kota (index: facilitator id; every
    facilitator of the kabupaten/kota, zeros for those without a re-ranked family)."""
    cutoffs = check_cutoffs(cutoffs)
    long = facilitator_transitions(engine, round_id, regency_code, day, access=access)
    found = findings_columns(long, cutoffs)
    with engine.connect() as conn:
        f = models.Facilitator
        staff = [row[0] for row in conn.execute(select(f.id).where(f.regency_code == regency_code).order_by(f.id))]
    return found.reindex(pd.Index(staff, name="code"), fill_value=0)


#: The finding counts and shares, as the registry defines them (``FINDINGS_METRICS``).
FINDINGS_METRIC_IDS = tuple(m.id for m in FINDINGS_METRICS)


@cached
def findings_region_table(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access, cutoffs: Cutoffs) -> pd.DataFrame:
    """``region_table`` of the child regions of ``scope`` (names, ``visible``, base counts,
    metrics) with the finding counts and their metrics: the findings map and ranking."""
    table = region_table(engine, round_id, scope, day, access=access)
    found = findings_counts(engine, round_id, scope, day, access=access, cutoffs=cutoffs, by="children")
    found = pd.concat([found, compute(found, FINDINGS_METRIC_IDS).drop(columns=[c for c in FINDINGS_METRIC_IDS if c in found.columns])], axis=1)
    return table.join(found.drop(columns=[c for c in found.columns if c in table.columns]), how="left")


@cached
def category_findings(engine: Engine, round_id: int, scope: Scope, day: dt.date, *, access: Access, cutoffs: Cutoffs) -> pd.DataFrame:
    """One row per target category of ``scope`` (the three of the vocabulary, in its order,
    then any other): base counts (``submitted``, ``outcome_*``), finding counts and the
    findings' metrics. ``access`` must see the scope's totals."""
    counts = base_counts(engine, round_id, scope, day, access=access, by_category=True)
    found = findings_counts(engine, round_id, scope, day, access=access, cutoffs=cutoffs, by_category=True)
    joined = counts.join(found)
    joined = pd.concat([joined, compute(joined, FINDINGS_METRIC_IDS).drop(columns=[c for c in FINDINGS_METRIC_IDS if c in joined.columns])], axis=1)
    order = [c.value for c in TargetCategory] + sorted(set(joined.index) - {c.value for c in TargetCategory})
    return joined.reindex([c for c in order if c in joined.index])


@cached
def findings_kpis(
    engine: Engine, round_id: int, scope: Scope, day: dt.date, metric_ids: tuple[str, ...], *, access: Access, cutoffs: Cutoffs
) -> list[Kpi]:
    """The finding metrics ``metric_ids`` of ``scope`` on ``day`` and at the end of the day
    before, as the overview's KPIs are."""
    def values(on: dt.date) -> pd.Series:
        found = findings_counts(engine, round_id, scope, on, access=access, cutoffs=cutoffs)
        return compute(found, metric_ids).reindex(columns=list(metric_ids)).iloc[0]

    today, yesterday = values(day), values(day - dt.timedelta(days=1))
    return [Kpi(m, float(today[m]), float(yesterday[m])) for m in metric_ids]


@cached
def facilitator_findings_table(
    engine: Engine, round_id: int, regency_code: str, day: dt.date, *, access: Access, cutoffs: Cutoffs
) -> pd.DataFrame:
    """The facilitators of a kabupaten/kota (``name``, ``submitted``) with their finding
    counts and metrics (``interviewed`` is not known per facilitator: no ``rerank_pct``)."""
    staff = facilitator_counts(engine, round_id, regency_code, day, access=access)[["name", "submitted"]]
    found = facilitator_findings(engine, round_id, regency_code, day, access=access, cutoffs=cutoffs)
    return _with_findings_metrics(staff, found)


@cached
def facilitator_findings_row(
    engine: Engine, round_id: int, facilitator_id: str, regency_code: str, day: dt.date, *, access: Access, cutoffs: Cutoffs
) -> pd.Series:
    """The row of ``facilitator_findings_table`` of one facilitator of the kabupaten/kota,
    counted from that facilitator's visits alone (the facilitator page: a few hundred visits
    where the whole table reads every visit of the kabupaten/kota)."""
    cutoffs = check_cutoffs(cutoffs)
    staff = facilitator_counts(engine, round_id, regency_code, day, access=access)[["name", "submitted"]]
    if facilitator_id not in staff.index:
        raise KeyError(f"no facilitator {facilitator_id!r} in {regency_code}")
    long = _facilitator_transitions(engine, round_id, regency_code, day, facilitator_id)
    found = findings_columns(long, cutoffs).reindex(pd.Index([facilitator_id], name="code"), fill_value=0)
    return _with_findings_metrics(staff.loc[[facilitator_id]], found).loc[facilitator_id]


def _with_findings_metrics(staff: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    table = staff.join(found, how="left").fillna({c: 0 for c in found.columns})
    return pd.concat([table, compute(table, FINDINGS_METRIC_IDS).drop(columns=[c for c in FINDINGS_METRIC_IDS if c in table.columns])], axis=1)


def transition_matrix(long: pd.DataFrame, categories: Iterable[str] | None = None) -> pd.DataFrame:
    """The 10×10 desil transition matrix (rows: desil before, columns: desil after; counts
    of families) of a long frame, over ``categories`` (None: all)."""
    rows = long if categories is None else long.loc[long["category"].isin(list(categories))]
    matrix = rows.pivot_table(index="desil_before", columns="desil_after", values="reranked", aggfunc="sum", fill_value=0)
    return matrix.reindex(index=list(DESILS), columns=list(DESILS), fill_value=0).astype("int64")


def row_shares(matrix: pd.DataFrame) -> pd.DataFrame:
    """Each row of a transition matrix as percentages of its total (NaN for an empty row)."""
    totals = matrix.sum(axis=1)
    return matrix.div(totals.where(totals > 0), axis=0) * 100.0


__all__ = [
    "FINDINGS_METRIC_IDS",
    "Cutoffs",
    "category_findings",
    "facilitator_findings_row",
    "facilitator_findings_table",
    "findings_kpis",
    "findings_region_table",
    "DESILS",
    "check_cutoffs",
    "facilitator_findings",
    "facilitator_transitions",
    "findings_columns",
    "findings_counts",
    "row_shares",
    "transition_matrix",
    "transitions",
]
