"""The national overview (``/``): KPI cards, the 38-province map, progress against the plan,
the province ranking, the split by target category and the outcome funnel.

The layout is static (text in the page's language); every figure is filled by
``callbacks.national`` from ``dashboard.overview`` and refreshed in place.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import t
from dashboard.metrics import MAP_METRICS, get_metric
from layouts.frame import page_frame

DEFAULT_MAP_METRIC = "completion_pct"
GRAPH_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
    # go.Choropleth loads plotly's world topojson even with the base map hidden: served
    # from our own assets so a wall screen without internet still draws the map.
    "topojsonURL": "/assets/topojson/",
}


def _card(children, fill: bool = True, **kwargs) -> dbc.Card:
    return dbc.Card(dbc.CardBody(children), className="shadow-sm" + (" h-100" if fill else ""), **kwargs)


def layout(lang: str, metric: str | None, refresh_seconds: int) -> html.Div:
    metric = metric if metric in MAP_METRICS else DEFAULT_MAP_METRIC
    metric_picker = dcc.Dropdown(
        id="national-metric",
        options=[{"label": get_metric(m).label(lang), "value": m} for m in MAP_METRICS],
        value=metric,
        clearable=False,
        searchable=False,
        className="metric-picker",
    )
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="national-selected", data=None),
        html.Div(id="national-message"),
        dcc.Loading(html.Div(id="national-kpis"), type="dot", delay_show=500),
        dbc.Row(
            [
                dbc.Col(
                    _card(
                        [
                            dbc.Row(
                                [
                                    dbc.Col(html.H2(t("map.title", lang), className="h5 mb-0"), width="auto"),
                                    dbc.Col(
                                        html.Div(
                                            [html.Label(t("map.metric", lang), htmlFor="national-metric", className="me-2 small text-muted"), metric_picker],
                                            className="d-flex align-items-center",
                                        ),
                                    ),
                                ],
                                className="align-items-center mb-2 g-2",
                            ),
                            dcc.Graph(id="national-map", config=GRAPH_CONFIG, className="map-graph"),
                            html.Div(t("map.hint", lang), className="small text-muted"),
                        ]
                    ),
                    xl=7,
                    className="mb-3",
                ),
                dbc.Col(
                    _card(
                        [
                            dcc.Graph(id="national-progress", config={"displaylogo": False}, className="progress-graph"),
                            dbc.Button(
                                t("progress.show_national", lang), id="national-reset", color="link", size="sm", className="p-0"
                            ),
                        ]
                    ),
                    xl=5,
                    className="mb-3",
                ),
            ],
            className="g-3",
        ),
        dbc.Row(
            [
                dbc.Col(
                    _card([html.H2(t("ranking.title", lang), className="h5"), html.Div(id="national-ranking")]),
                    xl=7,
                    className="mb-3",
                ),
                dbc.Col(
                    [
                        _card(dcc.Graph(id="national-categories", config={"displaylogo": False}, className="small-graph"), fill=False),
                        html.Div(className="mb-3"),
                        _card(dcc.Graph(id="national-funnel", config={"displaylogo": False}, className="funnel-graph"), fill=False),
                    ],
                    xl=5,
                    className="mb-3",
                ),
            ],
            className="g-3",
        ),
    ]
    return page_frame(lang, "/", content, refresh_seconds)
