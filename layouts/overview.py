"""The overview of an area: the nation (``/``) or a province (``/provinsi/<code>``).

KPI cards, the map of the child regions (38 provinces, or the kabupaten/kota of the
province), progress against the plan, the ranking of the child regions, the split by target
category and the outcome funnel. The layout is static (text in the page's language); every
figure is filled by ``callbacks.overview`` from ``dashboard.figures.overview`` for the scope in the
``overview-scope`` store, and refreshed in place.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.figures.metrics import MAP_METRICS, get_metric
from dashboard.figures.queries import Level, Scope
from dashboard.i18n import t
from layouts import components
from layouts.frame import METRIC_TRAIL, page_frame

DEFAULT_MAP_METRIC = "completion_pct"
GRAPH_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
    # go.Choropleth loads plotly's world topojson even with the base map hidden: served
    # from our own assets so a wall screen without internet still draws the map.
    "topojsonURL": "/assets/topojson/",
}


def card(children, fill: bool = True, **kwargs) -> dbc.Card:
    """A white card with a shadow, filling its column's height unless ``fill`` is False."""
    return dbc.Card(dbc.CardBody(children), className="shadow-sm" + (" h-100" if fill else ""), **kwargs)


def breadcrumb(items: list[tuple[str, str | None]]) -> dbc.Breadcrumb:
    """Nasional › Provinsi › ...: (label, href) pairs, the last one the current page."""
    return dbc.Breadcrumb(
        items=[{"label": label, "href": href, "active": href is None} for label, href in items],
        className="mb-2 overview-breadcrumb",
        id={"type": METRIC_TRAIL, "index": "trail"},
    )


#: The map views an overview page offers: by whether it is the national one.
OVERVIEW_VIEWS = {True: ("map", "tiles", "schedule"), False: ("map", "schedule")}


def layout(
    scope: Scope,
    lang: str,
    map_metric: str | None,
    refresh_seconds: int,
    *,
    path: str,
    heading: str | None = None,
    trail: list[tuple[str, str | None]] | None = None,
    offer_map_views: bool = False,
    **frame,
) -> html.Div:
    """``frame["view"]`` (``?view=``) draws the regions as the map of the chosen metric,
    the map of their schedule status or (the provinces) their labelled tile grid;
    ``offer_map_views`` shows the switch (with boundary files; without them the provinces
    are the tile grid and a province has no map)."""
    metric = map_metric if map_metric in MAP_METRICS else DEFAULT_MAP_METRIC
    national = scope.level == Level.NATIONAL
    metric_picker = dcc.Dropdown(
        id="overview-metric",
        options=[{"label": get_metric(m).label(lang), "value": m} for m in MAP_METRICS],
        value=metric,
        clearable=False,
        searchable=False,
        className="metric-picker",
    )
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="overview-scope", data=scope.code),
        *([breadcrumb(trail)] if trail else []),
        *([html.H1(heading, className="h3 mb-3")] if heading else []),
        html.Div(id="overview-message"),
        dcc.Loading(html.Div(id="overview-kpis"), type="dot", delay_show=500),
        # One row that wraps: at 1,400 px and wider (xxl) the map, the leaders and laggards
        # and the progress side by side, then the categories and the funnel, so that the
        # national page fits a 1080p screen without scrolling; narrower, two per row.
        dbc.Row(
            [
                dbc.Col(
                    card(
                        [
                            dbc.Row(
                                [
                                    dbc.Col(html.H2(t("map.title" if national else "map.title_regencies", lang), className="h5 mb-0"), width="auto"),
                                    dbc.Col(
                                        html.Div(
                                            [
                                                html.Label(t("map.metric", lang), htmlFor="overview-metric", className="me-2 small text-muted"),
                                                metric_picker,
                                                components.map_view_picker("overview-map-view", frame.get("view"), lang, OVERVIEW_VIEWS[national] if offer_map_views else ()),
                                            ],
                                            className="d-flex align-items-center flex-wrap gap-2",
                                        ),
                                    ),
                                ],
                                className="align-items-center mb-2 g-2",
                            ),
                            components.loading(dcc.Graph(id="overview-map", config=GRAPH_CONFIG, className="map-graph")),
                            html.Div(t("map.hint" if national else "map.hint_regency", lang), className="small text-muted"),
                        ]
                    ),
                    xl=7,
                    xxl=5,
                ),
                dbc.Col(
                    card(
                        [
                            dbc.Row(
                                [
                                    dbc.Col(html.H2(t("ranking.title" if national else "ranking.title_regencies", lang), className="h5")),
                                    dbc.Col(
                                        dbc.ButtonGroup(
                                            [
                                                dbc.Button("CSV", id="overview-export-csv", color="secondary", outline=True, size="sm", external_link=True, title=t("export.download", lang)),
                                                dbc.Button("XLSX", id="overview-export-xlsx", color="secondary", outline=True, size="sm", external_link=True, title=t("export.download", lang)),
                                            ],
                                        ),
                                        width="auto",
                                    ),
                                ],
                                className="align-items-start g-2",
                            ),
                            dcc.Loading(html.Div(id="overview-ranking", className="ranking-box"), type="dot", delay_show=500),
                            dbc.Button(t("ranking.show_all", lang), id="overview-ranking-open", color="link", size="sm", className="px-0", n_clicks=0),
                            # The full ranking (sortable, filterable) in a dialog: the card
                            # keeps the ends of the ranking in view without scrolling.
                            dbc.Modal(
                                [
                                    dbc.ModalHeader(dbc.ModalTitle(t("ranking.title" if national else "ranking.title_regencies", lang)), close_button=True),
                                    dbc.ModalBody(html.Div(id="overview-ranking-full")),
                                ],
                                id="overview-ranking-all", size="xl", scrollable=True, is_open=False,
                            ),
                        ]
                    ),
                    xl=5,
                    xxl=3,
                ),
                dbc.Col(
                    card(
                        [
                            components.loading(dcc.Graph(id="overview-progress", config={"displaylogo": False}, className="progress-graph overview-progress")),
                            html.Div(id="overview-forecast", className="forecast-box"),
                            html.Div(id="overview-alerts", className="alerts-line small mt-2"),
                        ]
                    ),
                    xl=6,
                    xxl=4,
                ),
                dbc.Col(
                    card(components.loading(dcc.Graph(id="overview-categories", config={"displaylogo": False}, className="small-graph"))),
                    xl=6,
                    xxl=5,
                ),
                dbc.Col(
                    card(components.loading(dcc.Graph(id="overview-funnel", config={"displaylogo": False}, className="funnel-graph"))),
                    xl=12,
                    xxl=7,
                ),
            ],
            className="g-3 mb-3",
        ),
    ]
    return page_frame(lang, path, content, refresh_seconds, **frame)
