"""The alerts page (``/peringatan``, ``/peringatan/<province or kabupaten/kota code>``): the
open alerts of the area, most severe and newest first, each in words with the figures
behind it and a link to the page that explains it; a switch for those that ended, and the
acknowledgement of a picked alert (a click on its row) with a note. Filled by ``callbacks.alerts``."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dash_table, dcc, html

from dashboard.alerts import RULES_BY_ID
from dashboard.alerts.wording import detail_text, subject_label, subject_path
from dashboard.figures.queries import Scope
from dashboard.formatting import format_datetime
from dashboard.i18n import t
from layouts import components
from layouts.frame import page_frame
from layouts.overview import breadcrumb, card


def alert_records(feed: pd.DataFrame, names: dict[str, str], lang: str, href) -> list[dict]:
    """The table's rows: ``names`` of the subjects (regions and facilitators, by code or id),
    ``href(path)`` a link that keeps the page's options. Every text is escaped for the
    table's markdown (names come from the database)."""
    records = []
    for row in feed.itertuples():
        label = subject_label(row.subject, names)
        acknowledged = ""
        if pd.notna(row.acknowledged_at):
            note = row.note if isinstance(row.note, str) and row.note else ""
            acknowledged = f"{row.acknowledged_by or ''}, {format_datetime(row.acknowledged_at, lang)}" + (f": {note}" if note else "")
        records.append({
            "id": int(row.id),
            "severity": t(f"severity.{row.severity}", lang),
            "severity_code": row.severity,
            "rule": RULES_BY_ID[row.rule].label(lang) if row.rule in RULES_BY_ID else row.rule,
            "subject": components.markdown_link(label, href(subject_path(row.rule, row.subject))),
            "details": detail_text(row.rule, row.details if isinstance(row.details, dict) else {}, lang),
            "opened": format_datetime(row.opened_at, lang),
            "closed": format_datetime(row.closed_at, lang) if pd.notna(row.closed_at) else "",
            "acknowledged": acknowledged,
        })
    return records


def layout(scope: Scope, lang: str, refresh_seconds: int, *, path: str, heading: str, trail: list, **frame) -> html.Div:
    columns = [
        {"name": t("alerts.severity", lang), "id": "severity"},
        {"name": t("alerts.rule", lang), "id": "rule"},
        {"name": t("alerts.subject", lang), "id": "subject", "presentation": "markdown"},
        {"name": t("alerts.details", lang), "id": "details"},
        {"name": t("alerts.opened", lang), "id": "opened"},
        {"name": t("alerts.closed", lang), "id": "closed"},
        {"name": t("alerts.ack", lang), "id": "acknowledged"},
    ]
    table = dash_table.DataTable(
        id="alerts-table",
        columns=columns,
        data=[],
        # A click on a row picks it for the acknowledgement (DataTable's own radio buttons
        # have no label for screen readers).
        cell_selectable=True,
        page_action="native",
        page_size=25,
        **{**components.PAGED_TABLE_STYLE},
        style_cell={**components.table_cells("28rem"), "textAlign": "left", "whiteSpace": "normal"},
        style_data_conditional=[
            {"if": {"filter_query": f'{{severity_code}} = "{code}"', "column_id": "severity"}, "color": colour, "fontWeight": "700"}
            for code, colour in (("high", components.VERMILION_TEXT), ("medium", components.ORANGE_TEXT))
        ],
    )
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="alerts-scope", data=scope.code),
        dcc.Store(id="alerts-acked", data=0),
        breadcrumb(trail),
        html.H1(heading, className="h3 mb-1"),
        html.P(t("alerts.intro", lang), className="text-muted small"),
        card(
            [
                dbc.Row(
                    [
                        dbc.Col(dbc.Switch(id="alerts-closed", label=t("alerts.include_closed", lang), value=False), md=4),
                        dbc.Col(html.Div(id="alerts-count", className="small text-muted text-md-end"), md=8),
                    ],
                    className="mb-2 align-items-center",
                ),
                components.loading(html.Div(table)),
                html.Label(t("alerts.note", lang), htmlFor="alerts-note", className="visually-hidden"),
                dbc.InputGroup(
                    [
                        dbc.Input(id="alerts-note", placeholder=t("alerts.note", lang), maxLength=500, type="text"),
                        dbc.Button(t("alerts.acknowledge", lang), id="alerts-ack", color="primary", n_clicks=0),
                    ],
                    className="mt-3",
                ),
                html.Div(id="alerts-message", className="mt-2", role="status"),
            ],
            fill=False,
        ),
    ]
    return page_frame(lang, path, content, refresh_seconds, **frame)
