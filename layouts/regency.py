"""The kabupaten/kota page (``/kabkota/<code>``): KPI cards, progress against the plan, the
facilitator table (server-side paging, sorting, filtering, search, quick filters, exports)
and the kecamatan breakdown. Filled by ``callbacks.regency``."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.figures.facilitators import IDLE_DAYS
from dashboard.figures.forecast import ScheduleStatus
from dashboard.figures.metrics import get_metric
from dashboard.figures.queries import Scope
from dashboard.i18n import t
from layouts import components
from layouts.frame import page_frame
from layouts.grid import data_grid
from layouts.overview import breadcrumb

PAGE_SIZE = 25


def _number(label: str, field: str, lang: str, decimals: int = 0, value_chars: int = 5) -> dict:
    # d3's number formats with the language's separators (1.234,5 in Indonesian).
    separators = '{"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""]}' if lang == "id" else (
        '{"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]}'
    )
    return {
        "headerName": label,
        "headerTooltip": label,
        "field": field,
        "filter": "agNumberColumnFilter",
        "type": "rightAligned",
        "valueFormatter": {
            "function": f"params.value == null ? '—' : d3.formatLocale({separators}).format(',.{decimals}f')(params.value)"
        },
        "context": {"min_rem": components.column_min_rem(label, value_chars)},
    }


def facilitator_columns(lang: str) -> list[dict]:
    """The grid's columns. Widths: each column shares the box (``flex``) but keeps at least
    the width of its longest header word and widest value (``layouts.grid``)."""
    def text(label: str, field: str, value_chars: int, **column) -> dict:
        return {"headerName": label, "headerTooltip": label, "field": field,
                "context": {"min_rem": components.column_min_rem(label, value_chars)}, **column}

    return [
        text(t("facilitator.id", lang), "id_link", 12, filter=False, cellRenderer="markdown", pinned="left", flex=0,
             width=round(components.column_min_rem(t("facilitator.id", lang), 12) * 15)),
        text(t("facilitator.name", lang), "name", 14, filter="agTextColumnFilter", pinned="left", flex=0,
             width=round(components.column_min_rem(t("facilitator.name", lang), 14) * 15), tooltipField="name"),
        text(t("facilitator.districts", lang), "districts", 9, filter="agTextColumnFilter", flex=2, tooltipField="districts"),
        _number(t("facilitator.caseload", lang), "targets", lang),
        _number(get_metric("visited").label(lang), "visited", lang),
        _number(get_metric("submitted").label(lang), "submitted", lang),
        _number(get_metric("approved").label(lang), "approved", lang),
        _number(get_metric("returned").label(lang), "returned", lang),
        _number(get_metric("completion_pct").heading(lang), "completion_pct", lang, decimals=1),
        _number(t("facilitator.flagged", lang), "flagged", lang),
        _number(t("facilitator.flagged_pct", lang), "flagged_pct", lang, decimals=1),
        {
            **_number(t("facilitator.risk_score", lang), "risk_score", lang, value_chars=3),
            # A score at or above the threshold is shown in red (the row's high_risk).
            "cellClassRules": {"risk-high": "params.data && params.data.high_risk"},
        },
        _number(t("facilitator.post_score", lang), "post_score", lang, value_chars=3),
        _number(t("facilitator.visits_1d", lang), "visits_1d", lang),
        _number(t("facilitator.visits_7d", lang), "visits_7d", lang),
        # The day of the last visit is the tooltip of the days idle (and a column of the
        # downloads): a column of its own did not leave room for the schedule at 1080p.
        {**_number(t("facilitator.days_idle", lang), "days_idle", lang), "tooltipField": "last_visit"},
        # The schedule status in words (the rule of dashboard.figures.forecast); the
        # "behind plan" switch keeps those behind or at risk.
        text(t("forecast.status", lang), "schedule", max(len(t(f"schedule.{s}", lang)) for s in ScheduleStatus if s != ScheduleStatus.NO_TARGETS),
             filter=False, sortable=False, tooltipField="schedule",
             cellClassRules={"schedule-late": "params.data && params.data.behind_plan"}),
        # Hidden columns that carry the search box and the "behind plan" switch as ordinary
        # column filters, so the grid, the server and the exports share one filter model.
        {"field": "search_text", "hide": True, "filter": "agTextColumnFilter"},
        {"field": "behind_plan", "hide": True, "filter": "agTextColumnFilter"},
        {"field": "high_risk", "hide": True, "filter": "agTextColumnFilter"},
        {"field": "not_trained", "hide": True, "filter": "agTextColumnFilter"},
    ]


def layout(scope: Scope, lang: str, refresh_seconds: int, *, path: str, heading: str, trail: list, **frame) -> html.Div:
    toolbar = dbc.Row(
        [
            dbc.Col(
                dbc.Input(id="regency-search", type="search", placeholder=t("facilitator.search", lang), debounce=0.4, maxLength=200),
                md=4,
            ),
            dbc.Col(
                dbc.Checklist(
                    id="regency-quick-filters",
                    options=[
                        {"label": t("facilitator.filter_idle", lang, days=IDLE_DAYS), "value": "idle"},
                        {"label": t("facilitator.filter_behind", lang), "value": "behind"},
                        {"label": t("facilitator.filter_risk", lang), "value": "risk"},
                        {"label": t("facilitator.filter_untrained", lang), "value": "untrained"},
                    ],
                    value=[],
                    inline=True,
                    switch=True,
                ),
                md=5,
                className="d-flex align-items-center",
            ),
            dbc.Col(
                dbc.ButtonGroup(
                    [
                        dbc.Button("CSV", id="regency-export-csv", color="secondary", outline=True, size="sm", external_link=True, target="_blank"),
                        dbc.Button("XLSX", id="regency-export-xlsx", color="secondary", outline=True, size="sm", external_link=True, target="_blank"),
                    ]
                ),
                md=3,
                className="text-md-end",
            ),
        ],
        className="g-2 mb-2",
    )
    grid = data_grid("regency-facilitators", facilitator_columns(lang), lang, PAGE_SIZE)
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="regency-scope", data=scope.code),
        breadcrumb(trail),
        html.H1(heading, className="h3 mb-3"),
        html.Div(id="regency-kpis"),
        dbc.Row(
            [
                dbc.Col(dbc.Card(dbc.CardBody(components.loading(dcc.Graph(id="regency-progress", className="progress-graph"))), className="shadow-sm h-100"), xl=6, className="mb-3"),
                dbc.Col(dbc.Card(dbc.CardBody(components.loading(dcc.Graph(id="regency-districts", className="progress-graph"))), className="shadow-sm h-100"), xl=6, className="mb-3"),
            ],
            className="g-3",
        ),
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2(t("facilitator.table_title", lang), className="h5"),
                    toolbar,
                    grid,
                    html.Div(id="regency-table-count", className="small text-muted mt-1"),
                ]
            ),
            className="shadow-sm mb-3",
        ),
    ]
    return page_frame(lang, path, content, refresh_seconds, **frame)
