"""Each alert rule on hand-made figures that must, and must not, trigger it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.alerts.rules import (
    RULES,
    AlertParameters,
    Severity,
    flag_jump_conditions,
    idle_conditions,
    no_visits_conditions,
    risk_conditions,
    schedule_conditions,
    stale_conditions,
)
from dashboard.settings import Settings

START, DEADLINE = dt.date(2026, 3, 2), dt.date(2026, 4, 4)
PARAMETERS = AlertParameters()


def _forecasts(statuses: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"code": code, "status": status, "completion_pct": 40.0, "expected_pct": 60.0, "gap_points": -20.0, "by_deadline_pct": 70.0,
          "finish": dt.date(2026, 5, 1)} for code, status in statuses.items()]
    ).set_index("code")


def test_regions_at_risk_or_behind_and_only_those():
    found = schedule_conditions(_forecasts({"31": "at_risk", "32": "behind", "33": "on_schedule", "34": "done"}), "province")
    assert {(c.rule, c.subject, c.severity) for c in found} == {("region_at_risk", "31", Severity.HIGH), ("region_behind", "32", Severity.LOW)}
    assert found[0].details["finish"] == "2026-05-01" and found[0].details["gap_points"] == -20.0
    regency = schedule_conditions(_forecasts({"31.71": "at_risk"}), "regency")[0]
    assert regency.severity == Severity.MEDIUM and regency.scope_code == "31.71"


def test_no_visits_today_on_working_days_from_the_hour_and_with_work_left():
    regencies = pd.DataFrame({"targets": [100, 100, 100], "submitted": [10, 100, 10]}, index=["31.71", "31.72", "31.73"])
    started = pd.Series({"31.73": 4})  # 31.71 none; 31.72 none but done
    wednesday = dt.date(2026, 3, 18)
    found = no_visits_conditions(regencies, started, wednesday, 15, START, DEADLINE, PARAMETERS)
    assert [(c.subject, c.details["targets_left"]) for c in found] == [("31.71", 90)]
    assert no_visits_conditions(regencies, started, wednesday, 9, START, DEADLINE, PARAMETERS) == []  # the morning
    assert no_visits_conditions(regencies, started, dt.date(2026, 3, 21), 15, START, DEADLINE, PARAMETERS) == []  # Saturday
    assert no_visits_conditions(regencies, started, dt.date(2026, 4, 8), 15, START, DEADLINE, PARAMETERS) == []  # after the deadline


def test_idle_facilitators_grouped_by_regency_with_work_left():
    day = dt.date(2026, 3, 20)
    visits = pd.DataFrame({
        "facilitator_id": ["A", "B", "C", "D", "E"],
        "regency_code": ["31.71", "31.71", "31.71", "31.72", "31.72"],
        "last_day": [dt.date(2026, 3, 14), dt.date(2026, 3, 16), None, dt.date(2026, 3, 1), dt.date(2026, 3, 19)],
        "targets_left": [5, 5, 3, 0, 2],
    })
    found = idle_conditions(visits, day, START, DEADLINE, PARAMETERS)
    # A: 6 days idle, C: never visited (19 days); B only 4 days; D is done; E visited yesterday.
    assert [(c.subject, c.details["count"], c.details["facilitators"]) for c in found] == [("31.71", 2, ["C", "A"])]
    assert found[0].details["longest_idle_days"] == 19
    assert idle_conditions(visits, START + dt.timedelta(days=3), START, DEADLINE, PARAMETERS) == []  # too early to tell


def test_a_jump_of_the_flag_rate_on_enough_recent_submissions():
    quality = pd.DataFrame(
        {"recent_flagged": [12, 12, 4, 3, 12], "recent_submitted": [40, 20, 40, 40, 40], "earlier_flagged": [5, 1, 5, 30, 0],
         "earlier_submitted": [100, 100, 100, 100, 10]},
        index=["31.71", "31.72", "31.73", "31.74", "31.75"],
    )
    found = flag_jump_conditions(quality, PARAMETERS)
    # 31.71: 30 % after 5 %; 31.72: 60 % after 1 % but on 20 submissions; 31.73: 10 % after 5 %; 31.74 fell;
    # 31.75: 30 % after 0 %, but of 10 earlier submissions: no share to jump from (a late start).
    assert [(c.subject, c.details["recent_pct"], c.details["earlier_pct"]) for c in found] == [("31.71", 30.0, 5.0)]


def test_facilitators_at_high_risk():
    risk = pd.DataFrame({"facilitator_id": ["A", "B"], "regency_code": ["31.71", "31.72"], "score": [81.4, 20.0], "high_risk": [True, False]})
    found = risk_conditions(risk)
    assert [(c.subject, c.scope_code, c.severity, c.details) for c in found] == [("A", "31.71", Severity.HIGH, {"score": 81.0})]


def test_data_stopped_while_the_round_runs():
    until = dt.datetime(2026, 3, 20, 3, 0)
    assert [c.subject for c in stale_conditions(until, until + dt.timedelta(hours=7), START, DEADLINE, PARAMETERS)] == ["ID"]
    assert stale_conditions(until, until + dt.timedelta(hours=5), START, DEADLINE, PARAMETERS) == []
    assert stale_conditions(until, dt.datetime(2026, 6, 1), START, DEADLINE, PARAMETERS) == []  # the round is over


def test_every_rule_has_words_and_an_existing_setting():
    fields = Settings.model_fields
    for rule in RULES:
        assert rule.label("id") and rule.label("en") and rule.label("id") != rule.label("en")
        assert rule.setting is None or rule.setting in fields, rule.id
    parameters = AlertParameters.of(Settings(alert_idle_days=7))
    assert parameters.idle_days == 7 and parameters.schedule.window_days == 14


def test_the_overview_line_counts_the_open_alerts_by_severity_and_links_them():
    from layouts.components import alerts_line

    line = alerts_line(pd.Series({"low": 530, "high": 48}), "id", "/peringatan?lang=id")
    text = " ".join(str(c.children) for c in line.children if hasattr(c, "children"))
    assert "48 tinggi" in text and "530 rendah" in text and "sedang" not in text
    assert text.index("48 tinggi") < text.index("530 rendah")  # most severe first
    assert line.children[-1].href == "/peringatan?lang=id"
    assert "Tidak ada peringatan" in str(alerts_line(pd.Series(dtype="int64"), "id", "/peringatan").children)
