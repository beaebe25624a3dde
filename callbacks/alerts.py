"""Callbacks of the alerts page: the feed of the area (``dashboard.alerts.alert_feed``, which
leaves out what the request's access may not see) and the acknowledgement of one alert."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, no_update

from dashboard.access.audit import AuditAction
from dashboard.access.policy import OutOfScope
from dashboard.alerts import acknowledge, alert_feed, subject_names
from dashboard.figures.queries import Scope
from dashboard.formatting import format_int
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import audit, current_access
from layouts.alerts import alert_records
from layouts.frame import page_href

#: Alerts a page lists at most: the open ones first, then the most severe, then the newest
#: (the oldest of the least severe fall off first).
FEED_LIMIT = 2000


def register(app: Dash, settings: Settings) -> None:
    reader = lambda: get_engine(settings.read_database_url)  # noqa: E731

    @app.callback(
        Output("alerts-table", "data"),
        Output("alerts-count", "children"),
        Output("alerts-table", "active_cell"),
        Input("data-version", "data"),
        Input("refresh-timer", "n_intervals"),
        Input("alerts-closed", "value"),
        Input("alerts-acked", "data"),
        State("alerts-scope", "data"),
        State("page-lang", "data"),
    )
    def update_feed(version, _tick, include_closed, _acked, scope_code, lang):
        """The feed, on every poll too: alerts change without new data (``manage alerts``)."""
        if not version:
            return [], t("status.no_round", lang), None
        engine, access, scope = reader(), current_access(), Scope.of(scope_code)
        if scope.code and not access.overlaps(scope.code):
            raise OutOfScope(f"{scope.code} is outside the area of {access.user}")
        feed = alert_feed(engine, version["round_id"], scope, access=access,
                          include_closed=bool(include_closed), limit=FEED_LIMIT)
        if feed.empty:
            return [], t("alerts.none", lang), None
        pinned = version.get("pinned")
        records = alert_records(feed, subject_names(engine, feed), lang, lambda path: page_href(path, lang, None, pinned))
        return records, t("alerts.count", lang, n=format_int(len(records), lang)), None

    @app.callback(
        Output("alerts-message", "children"),
        Output("alerts-note", "value"),
        Output("alerts-acked", "data"),
        Input("alerts-ack", "n_clicks"),
        State("alerts-table", "active_cell"),
        State("alerts-note", "value"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def acknowledge_alert(n_clicks, active_cell, note, lang):
        if ctx.triggered_id != "alerts-ack" or not n_clicks:
            return no_update, no_update, no_update
        alert_id = (active_cell or {}).get("row_id")
        if not alert_id:
            return dbc.Alert(t("alerts.pick_one", lang), color="warning", className="py-2 mb-0"), no_update, no_update
        access = current_access()
        done = acknowledge(get_engine(settings.database_url), int(alert_id), access=access, note=note)
        audit(AuditAction.ALERT_ACKNOWLEDGE, f"alert {int(alert_id)}", 200 if done else 403)
        if not done:
            return dbc.Alert(t("alerts.not_yours", lang), color="danger", className="py-2 mb-0"), no_update, no_update
        return dbc.Alert(t("alerts.acknowledged", lang), color="success", className="py-2 mb-0"), "", n_clicks
