"""The alert rules, defined once: what each one watches, how severe it is, and the setting
that is its threshold; and, for each, a pure function from figures to the subjects for which
it holds (so that every rule can be tried on hand-made figures).

The writer evaluates them after each refresh (``dashboard.alerts.evaluate``), never a page
view. Every alert concerns a region (a province or a kabupaten/kota) or a facilitator, and
is seen by the users whose area holds it; no alert names a family.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from dashboard.figures.forecast import ScheduleRule, ScheduleStatus


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


#: Most severe first: the order of the feed.
SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True)
class AlertRule:
    """One rule: its id, its words in both languages and the setting of its threshold."""

    id: str
    label_id: str
    label_en: str
    setting: str | None = None

    def label(self, lang: str = "id") -> str:
        return self.label_id if lang == "id" else self.label_en


RULES = (
    AlertRule("region_at_risk", "Wilayah berisiko tidak selesai pada tenggat", "Region at risk of missing the deadline", "schedule_behind_points"),
    AlertRule("region_behind", "Wilayah tertinggal dari rencana", "Region behind the plan", "schedule_behind_points"),
    AlertRule("no_visits_today", "Kabupaten/kota tanpa kunjungan hari ini", "Regency/city without a visit today", "alert_no_visits_hour"),
    AlertRule("facilitators_idle", "Pendamping tanpa kunjungan", "Facilitators without a visit", "alert_idle_days"),
    AlertRule("flag_rate_jump", "Lonjakan kiriman bermasalah", "Jump in flagged submissions", "alert_flag_jump_points"),
    AlertRule("facilitator_high_risk", "Pendamping berisiko pemalsuan", "Facilitator at high fabrication risk", "risk_threshold"),
    AlertRule("data_stopped", "Data berhenti masuk", "Data stopped arriving", "alert_stale_hours"),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class AlertParameters:
    """The thresholds of the rules (``AlertParameters.of(settings)`` in the app)."""

    schedule: ScheduleRule = field(default_factory=ScheduleRule)
    idle_days: int = 5
    no_visits_hour: int = 14
    flag_jump_points: float = 10.0
    flag_jump_min_submissions: int = 30
    flag_recent_days: int = 3
    stale_hours: float = 6.0

    @classmethod
    def of(cls, settings) -> AlertParameters:
        return cls(
            schedule=ScheduleRule.of(settings),
            idle_days=settings.alert_idle_days,
            no_visits_hour=settings.alert_no_visits_hour,
            flag_jump_points=settings.alert_flag_jump_points,
            stale_hours=settings.alert_stale_hours,
        )


@dataclass(frozen=True)
class Condition:
    """A rule that holds for ``subject`` (a region code, a facilitator id, or ``ID``),
    seen in the area ``scope_code``, with the figures behind it (``details``)."""

    rule: str
    subject: str
    scope_code: str
    severity: Severity
    details: dict

    @property
    def key(self) -> tuple[str, str]:
        return self.rule, self.subject


def _round(value, digits: int = 1):
    return None if value is None or value != value else round(float(value), digits)


def schedule_conditions(forecasts: pd.DataFrame, level: str) -> list[Condition]:
    """Regions at risk or behind, from their forecasts (``forecast_table``, indexed by
    code); ``level`` "province" (at risk: high) or "regency" (at risk: medium)."""
    out = []
    for code, row in forecasts.iterrows():
        if row["status"] not in (ScheduleStatus.AT_RISK, ScheduleStatus.BEHIND):
            continue
        at_risk = row["status"] == ScheduleStatus.AT_RISK
        severity = (Severity.HIGH if level == "province" else Severity.MEDIUM) if at_risk else Severity.LOW
        details = {
            "completion_pct": _round(row["completion_pct"]), "expected_pct": _round(row["expected_pct"]),
            "gap_points": _round(row["gap_points"]), "by_deadline_pct": _round(row["by_deadline_pct"]),
            "finish": row["finish"].isoformat() if isinstance(row["finish"], dt.date) else None,
        }
        out.append(Condition("region_at_risk" if at_risk else "region_behind", str(code), str(code), severity, details))
    return out


def no_visits_conditions(
    regencies: pd.DataFrame, started_today: pd.Series, day: dt.date, local_hour: int, start: dt.date, deadline: dt.date,
    parameters: AlertParameters,
) -> list[Condition]:
    """Kabupaten/kota with targets still to do and no visit started today, on a working day
    (Monday to Friday of the round) from ``parameters.no_visits_hour`` WIB on.
    ``regencies``: ``targets`` and ``submitted`` by code; ``started_today``: by code."""
    if day.weekday() >= 5 or not start <= day <= deadline or local_hour < parameters.no_visits_hour:
        return []
    started = started_today.reindex(regencies.index).fillna(0)
    open_work = regencies["submitted"] < regencies["targets"]
    return [
        Condition("no_visits_today", str(code), str(code), Severity.MEDIUM,
                  {"day": day.isoformat(), "targets_left": int(regencies.loc[code, "targets"] - regencies.loc[code, "submitted"])})
        for code in regencies.index[open_work & (started == 0)]
    ]


def idle_conditions(last_visits: pd.DataFrame, day: dt.date, start: dt.date, deadline: dt.date, parameters: AlertParameters) -> list[Condition]:
    """Per kabupaten/kota, its facilitators with targets still to do and without a visit for
    ``idle_days`` or more (never visited: counted from the day before the start), while
    the round runs. ``last_visits``: ``facilitator_id``, ``regency_code``, ``last_day``
    (None: never) and ``targets_left`` (a facilitator with none left is not idle)."""
    if not start + dt.timedelta(days=parameters.idle_days) <= day <= deadline:
        return []
    idle = idle_facilitators(last_visits, day, start, parameters)
    idle = idle[idle["targets_left"] > 0]
    out = []
    for regency, group in idle.groupby("regency_code"):
        group = group.sort_values(["idle_days", "facilitator_id"], ascending=[False, True])
        out.append(Condition(
            "facilitators_idle", str(regency), str(regency), Severity.LOW,
            {"count": len(group), "days": parameters.idle_days, "facilitators": group["facilitator_id"].head(50).tolist(),
             "longest_idle_days": int(group["idle_days"].max())},
        ))
    return out


def idle_facilitators(last_visits: pd.DataFrame, day: dt.date, start: dt.date, parameters: AlertParameters) -> pd.DataFrame:
    """The rows of ``last_visits`` without a visit for ``idle_days`` or more, with ``idle_days``."""
    last = pd.to_datetime(last_visits["last_day"]).fillna(pd.Timestamp(start) - pd.Timedelta(days=1))
    idle_days = (pd.Timestamp(day) - last).dt.days
    return last_visits.assign(idle_days=idle_days)[idle_days >= parameters.idle_days]


def flag_jump_conditions(quality: pd.DataFrame, parameters: AlertParameters) -> list[Condition]:
    """Kabupaten/kota whose share of flagged submissions of the last days rose by at least
    ``flag_jump_points`` over their earlier share, on enough submissions in both.
    ``quality``: ``recent_flagged``, ``recent_submitted``, ``earlier_flagged``,
    ``earlier_submitted`` by code."""
    recent = quality["recent_flagged"] / quality["recent_submitted"].where(quality["recent_submitted"] > 0) * 100
    earlier = quality["earlier_flagged"] / quality["earlier_submitted"].where(quality["earlier_submitted"] > 0) * 100
    jump = recent - earlier
    # A jump needs a share before it, on enough submissions too (not a round's first days).
    enough = (quality["recent_submitted"] >= parameters.flag_jump_min_submissions) & (
        quality["earlier_submitted"] >= parameters.flag_jump_min_submissions)
    hits = enough & (jump >= parameters.flag_jump_points)
    return [
        Condition("flag_rate_jump", str(code), str(code), Severity.MEDIUM,
                  {"recent_pct": _round(recent[code]), "earlier_pct": _round(earlier[code]), "recent_submitted": int(quality.loc[code, "recent_submitted"]),
                   "days": parameters.flag_recent_days})
        for code in quality.index[hits]
    ]


def risk_conditions(risk: pd.DataFrame) -> list[Condition]:
    """Facilitators at high fabrication risk. ``risk``: ``facilitator_id``,
    ``regency_code``, ``score``, ``high_risk``."""
    return [
        Condition("facilitator_high_risk", str(row.facilitator_id), str(row.regency_code), Severity.HIGH, {"score": _round(row.score, 0)})
        for row in risk[risk["high_risk"].astype(bool)].itertuples()
    ]


def stale_conditions(data_until: dt.datetime, now: dt.datetime, start: dt.date, deadline: dt.date, parameters: AlertParameters) -> list[Condition]:
    """The round's data stopped arriving: its newest data older than ``stale_hours`` while
    the round runs (from its start to a week after its deadline)."""
    age_hours = (now - data_until).total_seconds() / 3600
    today = (now + dt.timedelta(hours=7)).date()  # the round's days are WIB days
    if not start <= today <= deadline + dt.timedelta(days=7) or age_hours <= parameters.stale_hours:
        return []
    return [Condition("data_stopped", "ID", "ID", Severity.HIGH, {"data_until": data_until.isoformat(), "hours": _round(age_hours)})]
