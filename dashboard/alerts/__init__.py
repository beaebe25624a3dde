"""Alerts: rules defined once (``rules``), evaluated by the writer after each refresh and
kept one row per persisting alert (``evaluate``), read back as a feed per area, said in
words (``wording``) and delivered to the people who subscribed (``delivery``: e-mail and
webhooks, run by ``python -m dashboard.manage alerts``).

May import: the foundation, ``dashboard.store``, ``dashboard.quality``,
``dashboard.figures`` (the forecasts and the scope a user sees) and ``dashboard.access``.
Not ``web``, nor Dash or plotly. The writers (``ingest``, ``simulation``) call it.
"""

from dashboard.alerts.evaluate import (
    AlertChanges,
    acknowledge,
    alert_counts,
    alert_feed,
    evaluate_alerts,
    evaluate_with_settings,
    subject_names,
)
from dashboard.alerts.rules import RULES, RULES_BY_ID, AlertParameters, Condition, Severity

__all__ = [
    "RULES", "RULES_BY_ID", "AlertChanges", "AlertParameters", "Condition", "Severity",
    "acknowledge", "alert_counts", "alert_feed", "evaluate_alerts", "evaluate_with_settings", "subject_names",
]
