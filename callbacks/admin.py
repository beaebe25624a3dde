"""Callbacks of the admin page: the audit trail with its filters, and the users. Both
refuse anyone but an admin (the page itself does too; a callback is its own endpoint)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dash import Dash, Input, Output, State

from dashboard.access.accounts import list_users
from dashboard.access.audit import AuditQuery, read
from dashboard.access.policy import OutOfScope
from dashboard.figures.data_health import EXCLUSION_REASONS, data_health
from dashboard.formatting import format_date, format_datetime, format_int
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import current_access
from layouts.admin import AUDIT_LIMIT


def _require_admin() -> None:
    if not current_access().is_admin:
        raise OutOfScope("the admin page is for admins")


def _day(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _text(value, length: int) -> str | None:
    """A filter box's value as text (a forged request may send anything)."""
    return str(value).strip()[:length] or None if value is not None else None


def register(app: Dash, settings: Settings) -> None:
    engine = lambda: get_engine(settings.database_url)  # noqa: E731

    @app.callback(
        Output("health-rounds", "data"),
        Output("health-by-day", "data"),
        Output("health-by-regency", "data"),
        Output("health-sources", "data"),
        Output("health-quarantine", "data"),
        Input("admin-retention", "data"),
        State("page-lang", "data"),
    )
    def health_rows(_retention, lang):
        health = data_health(get_engine(settings.read_database_url), access=current_access())  # admins only
        when = lambda moment: format_datetime(moment, lang) if moment else "–"  # noqa: E731
        rounds = [
            {"round": f"{r.round_id} · {r.name}", "data_until": when(r.data_until), "rolled_up_at": when(r.rolled_up_at),
             "flags_refreshed_at": when(r.flags_refreshed_at), "risk_scored_at": when(r.risk_scored_at),
             "newest_submission": when(r.newest_submission), "excluded": format_int(r.excluded, lang)}
            for r in health.rounds
        ]
        reason = lambda code: t("excluded." + code, lang) if code in EXCLUSION_REASONS else code  # noqa: E731
        by_day = [
            {"round": int(row.round_id), "day": format_date(pd.Timestamp(row.day).date(), lang), "reason": reason(row.reason), "visits": format_int(int(row.visits), lang)}
            for row in health.by_day.head(200).itertuples()
        ]
        by_regency = [
            {"round": int(row.round_id), "region": row.regency_code, "reason": reason(row.reason), "visits": format_int(int(row.visits), lang)}
            for row in health.by_regency.head(200).itertuples()
        ]
        sources = [
            {"source": row.source, "kind": row.kind, "newest": when(pd.Timestamp(row.newest).to_pydatetime()), "loads": format_int(int(row.loads), lang),
             "read": format_int(int(row.read), lang), "written": format_int(int(row.written), lang), "quarantined": format_int(int(row.quarantined), lang)}
            for row in health.sources.head(200).itertuples()
        ]
        quarantine = [
            {"day": format_date(row.day, lang), "source": row.source, "kind": row.kind, "reason": row.reason, "detail": row.detail,
             "rows": format_int(int(row.rows), lang)}
            for row in health.quarantine.head(200).itertuples()
        ]
        return rounds, by_day, by_regency, sources, quarantine

    @app.callback(
        Output("admin-audit-table", "data"),
        Output("admin-audit-count", "children"),
        Input("admin-filter-user", "value"),
        Input("admin-filter-action", "value"),
        Input("admin-filter-text", "value"),
        Input("admin-filter-days", "start_date"),
        Input("admin-filter-days", "end_date"),
        State("page-lang", "data"),
    )
    def audit_rows(user, action, text, since, until, lang):
        _require_admin()
        query = AuditQuery(
            user=(_text(user, 64) or "").lower() or None,
            action=_text(action, 24),
            text=_text(text, 100),
            since=_day(since),
            until=_day(until),
            limit=AUDIT_LIMIT,
        )
        frame = read(engine(), query)
        frame["at"] = [format_datetime(v.to_pydatetime(), lang) for v in frame["at"]]
        frame["status"] = frame["status"].astype("Int64").astype(str).replace("<NA>", "")
        count = t("admin.shown", lang, count=format_int(len(frame), lang), limit=format_int(AUDIT_LIMIT, lang), days=format_int(settings.audit_retention_days, lang))
        return frame.fillna("").to_dict("records"), count

    @app.callback(Output("admin-users-table", "data"), Input("page-lang", "data"))
    def users(lang):
        _require_admin()
        return [
            {
                "name": u.name,
                "role": u.role.value,
                "area": " ".join(u.codes) or t("access.national", lang),
                "active": "✓" if u.active else "✗",
                "last_sign_in": format_datetime(u.last_sign_in_at, lang) if u.last_sign_in_at else "—",
                "locked_until": format_datetime(u.locked_until, lang) if u.locked_until else "—",
                "tokens": u.active_tokens,
            }
            for u in list_users(engine())
        ]
