"""The admin page (``/admin``): the audit trail, filterable, data health (freshness of the
figures, visits left out of them) and the list of users.

Users are managed from the command line (``python -m dashboard.users``); this page reads.
Text from the trail (user names, details) is shown as text, never as markup.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html

from dashboard.access.audit import AuditAction
from dashboard.i18n import t
from layouts import components
from layouts.overview import card

#: The newest events the page lists at most.
AUDIT_LIMIT = 500
AUDIT_COLUMNS = ("at", "user_name", "role", "area", "action", "detail", "status", "remote_addr")
_AUDIT_LABELS = {
    "at": "admin.col_at", "user_name": "admin.col_user", "role": "admin.col_role", "area": "admin.col_area",
    "action": "admin.col_action", "detail": "admin.col_detail", "status": "admin.col_status", "remote_addr": "admin.col_address",
}
USER_COLUMNS = ("name", "role", "area", "active", "last_sign_in", "locked_until", "tokens")
_USER_LABELS = {
    "name": "admin.col_user", "role": "admin.col_role", "area": "admin.col_area", "active": "admin.col_active",
    "last_sign_in": "admin.col_last_sign_in", "locked_until": "admin.col_locked", "tokens": "admin.col_tokens",
}

HEALTH_ROUND_COLUMNS = ("round", "data_until", "rolled_up_at", "flags_refreshed_at", "risk_scored_at", "newest_submission", "excluded")
_HEALTH_LABELS = {
    "round": "health.col_round", "data_until": "health.col_data_until", "rolled_up_at": "health.col_rolled_up",
    "flags_refreshed_at": "health.col_flags", "risk_scored_at": "health.col_risk", "newest_submission": "health.col_newest",
    "excluded": "health.col_excluded", "day": "health.col_day", "region": "health.col_region", "reason": "health.col_reason",
    "visits": "health.col_visits", "source": "health.col_source", "kind": "health.col_kind", "newest": "health.col_newest_load",
    "loads": "health.col_loads", "read": "health.col_read", "written": "health.col_written", "quarantined": "health.col_quarantined",
    "rows": "health.col_rows", "detail": "health.col_detail",
}


def _table(table_id: str, columns: tuple[str, ...], labels: dict[str, str], lang: str) -> dash_table.DataTable:
    return dash_table.DataTable(
        id=table_id,
        data=[],
        columns=[{"name": t(labels[c], lang), "id": c} for c in columns],
        style_cell={**components.table_cells("28rem"), "textAlign": "left", "whiteSpace": "normal"},
        page_size=50,
        **{k: v for k, v in components.TABLE_STYLE.items() if k not in ("markdown_options",)},
    )


def layout(lang: str, retention_days: int) -> list:
    filters = dbc.Row(
        [
            dbc.Col(dbc.Input(id="admin-filter-user", placeholder=t("admin.filter_user", lang), debounce=True, maxLength=64), md=2),
            dbc.Col(
                dcc.Dropdown(
                    id="admin-filter-action",
                    options=[{"label": a.value, "value": a.value} for a in AuditAction],
                    placeholder=t("admin.all_actions", lang),
                    clearable=True,
                ),
                md=2,
            ),
            dbc.Col(dbc.Input(id="admin-filter-text", placeholder=t("admin.filter_text", lang), debounce=True, maxLength=100), md=3),
            dbc.Col(
                dcc.DatePickerRange(
                    id="admin-filter-days",
                    start_date_placeholder_text=t("admin.filter_since", lang),
                    end_date_placeholder_text=t("admin.filter_until", lang),
                    display_format="DD/MM/YYYY",
                    clearable=True,
                ),
                md=5,
            ),
        ],
        className="g-2 mb-2",
    )
    return [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="admin-retention", data=retention_days),
        html.H1(t("admin.page", lang), className="h4 mb-3"),
        html.Div(
            card(
                [
                    html.H2(t("admin.audit_title", lang), className="h5"),
                    filters,
                    html.P(id="admin-audit-count", className="small text-muted mb-2"),
                    _table("admin-audit-table", AUDIT_COLUMNS, _AUDIT_LABELS, lang),
                ],
                fill=False,
            ),
            className="mb-3",
        ),
        html.Div(
            card(
                [
                    html.H2(t("health.title", lang), className="h5"),
                    html.P(t("health.intro", lang), className="small text-muted"),
                    _table("health-rounds", HEALTH_ROUND_COLUMNS, _HEALTH_LABELS, lang),
                    html.H3(t("health.excluded_title", lang), className="h6 mt-3"),
                    dbc.Row(
                        [
                            dbc.Col(_table("health-by-day", ("round", "day", "reason", "visits"), _HEALTH_LABELS, lang), md=6),
                            dbc.Col(_table("health-by-regency", ("round", "region", "reason", "visits"), _HEALTH_LABELS, lang), md=6),
                        ],
                        className="g-2",
                    ),
                    html.H3(t("health.sources_title", lang), className="h6 mt-3"),
                    _table("health-sources", ("source", "kind", "newest", "loads", "read", "written", "quarantined"), _HEALTH_LABELS, lang),
                    html.H3(t("health.quarantine_title", lang), className="h6 mt-3"),
                    _table("health-quarantine", ("day", "source", "kind", "reason", "detail", "rows"), _HEALTH_LABELS, lang),
                ],
                fill=False,
            ),
            className="mb-3",
        ),
        html.Div(
            card(
                [
                    html.H2(t("admin.users_title", lang), className="h5"),
                    html.P(t("admin.users_note", lang), className="small text-muted"),
                    _table("admin-users-table", USER_COLUMNS, _USER_LABELS, lang),
                ],
                fill=False,
            ),
            className="mb-3",
        ),
    ]
