"""An alert in words: the figures behind it and the page that explains it.

One wording for every place an alert is read: the alerts page, the e-mails and webhook
messages of ``dashboard.alerts.delivery``. Numbers and dates in the reader's language.
"""

from __future__ import annotations

import pandas as pd

from dashboard.formatting import format_date, format_datetime, format_int, format_percent
from dashboard.i18n import t

#: Where each rule's alert is explained: the page of its subject.
_PAGE = {
    "region_at_risk": "region", "region_behind": "region", "no_visits_today": "/kabkota/", "facilitators_idle": "/kabkota/",
    "flag_rate_jump": "/kualitas/", "facilitator_high_risk": "/pendamping/", "data_stopped": "/sumber-data",
}


def subject_path(rule: str, subject: str) -> str:
    """The page that explains an alert of ``rule`` about ``subject``."""
    page = _PAGE.get(rule, "/")
    if page == "region":
        return ("/provinsi/" if len(subject) == 2 else "/kabkota/") + subject
    if page == "/sumber-data":
        return page
    return page + subject


def detail_text(rule: str, details: dict, lang: str) -> str:
    """The figures behind an alert, in words (numbers in ``lang``)."""
    pct = lambda value: format_percent(value, lang)  # noqa: E731
    if rule in ("region_at_risk", "region_behind"):
        return t("alert.region_at_risk", lang, completion=pct(details.get("completion_pct")), expected=pct(details.get("expected_pct")),
                 by_deadline=pct(details.get("by_deadline_pct")))
    if rule == "no_visits_today":
        day = pd.Timestamp(details.get("day")).date() if details.get("day") else None
        return t("alert.no_visits_today", lang, day=format_date(day, lang), left=format_int(details.get("targets_left"), lang))
    if rule == "facilitators_idle":
        return t("alert.facilitators_idle", lang, count=format_int(details.get("count"), lang), days=details.get("days"),
                 longest=format_int(details.get("longest_idle_days"), lang))
    if rule == "flag_rate_jump":
        return t("alert.flag_rate_jump", lang, recent=pct(details.get("recent_pct")), earlier=pct(details.get("earlier_pct")), days=details.get("days"))
    if rule == "facilitator_high_risk":
        return t("alert.facilitator_high_risk", lang, score=format_int(details.get("score"), lang))
    if rule == "data_stopped":
        until = pd.Timestamp(details.get("data_until")).to_pydatetime() if details.get("data_until") else None
        return t("alert.data_stopped", lang, until=format_datetime(until, lang), hours=format_int(details.get("hours"), lang))
    return ""


def subject_label(subject: str, names: dict[str, str]) -> str:
    """``Jawa Timur (35)``, ``Indonesia``, a facilitator's name with their id; the bare
    code when its name is unknown."""
    name = names.get(subject, subject)
    return name if subject == "ID" or name == subject else f"{name} ({subject})"
