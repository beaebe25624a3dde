"""Alerts: rules defined once (``rules``), evaluated by the writer after each refresh and
kept one row per persisting alert (``evaluate``), read back as a feed per area."""

from dashboard.alerts.evaluate import AlertChanges, acknowledge, alert_feed, evaluate_alerts, evaluate_with_settings
from dashboard.alerts.rules import RULES, RULES_BY_ID, AlertParameters, Condition, Severity

__all__ = [
    "RULES", "RULES_BY_ID", "AlertChanges", "AlertParameters", "Condition", "Severity",
    "acknowledge", "alert_feed", "evaluate_alerts", "evaluate_with_settings",
]
