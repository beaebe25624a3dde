"""The quality page (``/kualitas``, ``/kualitas/<province or kabupaten/kota code>``): quality
KPIs, a map coloured by a quality indicator, flags per rule (in all and per day), the
kabupaten/kota with the most flags and the facilitators with the highest fabrication risk
and most flags, each linking to its page. Filled by ``callbacks.quality``.

Figures builders for the flags are here too (pure functions of frames), so that the
callbacks stay glue.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html

from dashboard.figures.metrics import QUALITY_MAP_METRICS, get_metric
from dashboard.figures.queries import Level, Scope
from dashboard.formatting import format_date, format_decimal, format_int, region_display_name
from dashboard.i18n import t
from dashboard.quality import risk
from dashboard.quality.risk import SIGNALS
from dashboard.quality.rules import RULES, RULES_BY_ID
from layouts import components
from layouts.frame import page_frame, page_href
from layouts.overview import GRAPH_CONFIG, breadcrumb, card

DEFAULT_QUALITY_METRIC = "flagged_pct"
#: One colour per rule (Okabe-Ito and Tol's muted palette: told apart by colour-blind
#: readers, in this order of the rules).
RULE_COLOURS = (
    "#D55E00", "#0072B2", "#56B4E9", "#009E73", "#E69F00", "#F0E442",
    "#CC79A7", "#882255", "#332288", "#999933", "#44AA99",
)
#: Region columns of the quality ranking (after the map metric).
REGION_COLUMNS = ("submitted", "flagged", "flagged_pct", "first_review_approval_pct", "return_rate", "high_risk")


#: The map views the national quality page offers (the schedule is not a quality figure).
QUALITY_VIEWS = ("map", "tiles")


def layout(
    scope: Scope,
    lang: str,
    map_metric: str | None,
    refresh_seconds: int,
    *,
    path: str,
    heading: str,
    trail: list,
    risk_threshold: float,
    risk_min_interviews: int,
    offer_map_views: bool = False,
    **frame,
) -> html.Div:
    metric = map_metric if map_metric in QUALITY_MAP_METRICS else DEFAULT_QUALITY_METRIC
    has_map = scope.level != Level.REGENCY
    picker = dcc.Dropdown(
        id="quality-metric",
        options=[{"label": get_metric(m).label(lang), "value": m} for m in QUALITY_MAP_METRICS],
        value=metric,
        clearable=False,
        searchable=False,
        className="metric-picker",
    )
    map_card = card(
        [
            dbc.Row(
                [
                    dbc.Col(html.H2(t("quality.map_title" if scope.level == Level.NATIONAL else "quality.map_title_regencies", lang), className="h5 mb-0"), width="auto"),
                    dbc.Col(
                        html.Div(
                            [
                                html.Label(t("map.metric", lang), htmlFor="quality-metric", className="me-2 small text-muted"),
                                picker,
                                components.map_view_picker("quality-map-view", frame.get("view"), lang, QUALITY_VIEWS if offer_map_views and scope.level == Level.NATIONAL else ()),
                            ],
                            className="d-flex align-items-center flex-wrap gap-2",
                        )
                    ),
                ],
                className="align-items-center mb-2 g-2",
            ),
            components.loading(dcc.Graph(id="quality-map", config=GRAPH_CONFIG, className="map-graph")),
            html.Div(t("quality.map_hint", lang), className="small text-muted"),
        ]
    )
    top_row = [
        *([dbc.Col(map_card, xl=7, className="mb-3")] if has_map else []),
        dbc.Col(card(components.loading(dcc.Graph(id="quality-rules", config={"displaylogo": False}, className="progress-graph"))), xl=5 if has_map else 12, className="mb-3"),
    ]
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="quality-scope", data=scope.code),
        # Without a map the metric still decides the region ranking's highlighted column.
        *([] if has_map else [html.Div(picker, hidden=True)]),
        breadcrumb(trail),
        html.H1(heading, className="h3 mb-1"),
        html.P(t("quality.lead", lang), className="text-muted mb-3"),
        html.Div(id="quality-kpis"),
        dbc.Row(top_row, className="g-3"),
        dbc.Row(dbc.Col(card(components.loading(dcc.Graph(id="quality-trend", config={"displaylogo": False}, className="progress-graph"))), className="mb-3")),
        dbc.Row(
            [
                *(
                    [
                        dbc.Col(
                            card([html.H2(t("quality.regions_title", lang), className="h5"), html.Div(id="quality-regions")]),
                            xl=12,
                            className="mb-3",
                        )
                    ]
                    if has_map
                    else []
                ),
                dbc.Col(
                    card(
                        [
                            html.H2(t("quality.facilitators_title", lang), className="h5"),
                            html.Div(id="quality-facilitators"),
                            html.P(t("quality.risk_note", lang, threshold=format_decimal(risk_threshold, lang, 0)), className="small text-muted mt-2 mb-0"),
                            html.P(
                                dcc.Link(t("quality.review_link", lang), href=page_href(f"/tinjauan/{scope.code}" if scope.code else "/tinjauan", lang)),
                                className="small mt-1 mb-0",
                            ),
                        ]
                    ),
                    xl=12,
                    className="mb-3",
                ),
            ],
            className="g-3",
        ),
        _definitions(lang, risk_min_interviews),
    ]
    return page_frame(lang, path, content, refresh_seconds, metric=metric, **frame)


def _definitions(lang: str, min_interviews: int) -> dbc.Accordion:
    """What each rule checks and each risk signal measures (from their one definition)."""
    rules = dbc.Table(
        [
            html.Thead(html.Tr([html.Th(t("quality.rule", lang)), html.Th(t("quality.detail", lang)), html.Th(t("quality.severity", lang))])),
            html.Tbody(
                [html.Tr([html.Td(r.label(lang)), html.Td(r.explanation(lang)), html.Td(t(f"quality.severity_{r.severity}", lang))]) for r in RULES]
            ),
        ],
        size="sm",
        className="mb-0",
    )
    signals = dbc.Table(
        [
            html.Thead(html.Tr([html.Th(t("quality.signal", lang)), html.Th(t("quality.detail", lang)), html.Th(t("quality.signal_max_points", lang))])),
            html.Tbody(
                [html.Tr([html.Td(s.label(lang)), html.Td(s.explanation(lang)), html.Td(format_int(s.max_points, lang))]) for s in SIGNALS]
            ),
        ],
        size="sm",
        className="mb-0",
    )
    return dbc.Accordion(
        [
            dbc.AccordionItem(rules, title=t("quality.rules_definitions", lang)),
            dbc.AccordionItem([html.P(t("quality.signals_intro", lang, min=min_interviews, per=format_int(risk.POINTS_PER_DECADE, lang), below=format_int(100 * 10 ** -risk.EVIDENCE_FROM, lang), pace=format_int(risk.FAMILY_MAX_POINTS["pace"], lang))), signals], title=t("quality.signals_definitions", lang)),
        ],
        start_collapsed=True,
        className="mb-3",
        id="quality-definitions",
    )


def _figure_layout(figure: go.Figure, title: str, lang: str) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}},
        separators=components.separators(lang),
        font=components.PLOT_FONT,
        margin={"l": 10, "r": 10, "t": 50, "b": 30},
        plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis={"gridcolor": "#eee"},
        yaxis={"automargin": True, "gridcolor": "#eee"},
    )
    return figure


def rule_totals_figure(totals: pd.Series, lang: str) -> go.Figure:
    """Flags per rule (all days), most frequent at the top; a rule's explanation in the hover."""
    totals = totals.reindex([r.id for r in RULES]).fillna(0).astype(int)
    order = totals.sort_values().index
    labels = [RULES_BY_ID[r].label(lang) for r in order]
    colours = {r.id: c for r, c in zip(RULES, RULE_COLOURS)}
    hover = [f"<b>{RULES_BY_ID[r].label(lang)}</b><br>{RULES_BY_ID[r].explanation(lang)}<br>{format_int(totals[r], lang)}" for r in order]
    figure = go.Figure(
        go.Bar(
            y=labels, x=totals[order].to_numpy(), orientation="h",
            marker={"color": [colours[r] for r in order]},
            text=[format_int(v, lang) for v in totals[order]], textposition="auto",
            hovertext=hover, hoverinfo="text",
        )
    )
    return _figure_layout(figure, t("quality.rules_title", lang), lang)


def trend_figure(trend: pd.DataFrame, lang: str) -> go.Figure:
    """Flags per day of submission, stacked by rule."""
    figure = go.Figure()
    days = list(trend.index)
    for rule, colour in zip(RULES, RULE_COLOURS):
        if rule.id not in trend or not trend[rule.id].any():
            continue
        figure.add_trace(
            go.Bar(
                x=days, y=trend[rule.id], name=rule.label(lang), marker={"color": colour},
                hovertemplate="%{y:,d}<extra>" + rule.label(lang) + "</extra>",
            )
        )
    ticks = days[:: max(1, len(days) // 8)]
    figure.update_layout(
        barmode="stack",
        xaxis={"tickvals": ticks, "ticktext": [format_date(d, lang)[:-5] for d in ticks]},
        legend={"orientation": "h", "y": -0.2},
    )
    figure = _figure_layout(figure, t("quality.trend_title", lang), lang)
    figure.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure


def facilitator_table(table: pd.DataFrame, lang: str, links: dict[str, str], regency_links: dict[str, str]) -> dash_table.DataTable:
    """The facilitators with the highest risk and most flags; the score in red at or above
    the threshold."""
    data = pd.DataFrame(
        {
            "name": [components.markdown_link(name, links[i]) for i, name in zip(table.index, table["name"])],
            "regency": [components.markdown_link(name, regency_links[code]) for code, name in zip(table["regency_code"], table["regency_name"])],
            "interviews": table["interviews"].to_numpy(),
            "risk_score": table["risk_score"].round(0).to_numpy(),
            "flagged": table["flagged"].to_numpy(),
            "high_risk": table["high_risk"].map({True: "1", False: "0"}).to_numpy(),
        }
    )
    number = components.number_format("flagged", lang)
    return dash_table.DataTable(
        id="quality-facilitators-table",
        data=data.replace({np.nan: None}).to_dict("records"),
        columns=[
            {"name": t("facilitator.name", lang), "id": "name", "presentation": "markdown"},
            {"name": t("region.regency", lang), "id": "regency", "presentation": "markdown"},
            {"name": t("quality.interviews", lang), "id": "interviews", "type": "numeric", "format": number},
            {"name": t("facilitator.risk_score", lang), "id": "risk_score", "type": "numeric", "format": number},
            {"name": t("facilitator.flagged", lang), "id": "flagged", "type": "numeric", "format": number},
        ],
        style_cell=components.table_cells("9rem"),
        style_cell_conditional=[
            {"if": {"column_id": c}, "textAlign": "left", "minWidth": "10rem", "maxWidth": "22rem", "whiteSpace": "normal"} for c in ("name", "regency")
        ],
        style_data_conditional=[
            {"if": {"filter_query": '{high_risk} = "1"', "column_id": "risk_score"}, "color": "#b3261e", "fontWeight": "700"},
        ],
        page_action="native",
        page_size=components.TABLE_PAGE_SIZE,
        **components.PAGED_TABLE_STYLE,
    )


def region_hover(table: pd.DataFrame, metric_id: str, lang: str) -> list[str]:
    metric = get_metric(metric_id)
    return [
        components.outside_hover(region_display_name(row.name), lang)
        if not row.visible
        else f"<b>{components.hover_text(region_display_name(row.name))}</b><br>{metric.label(lang)}: <b>{components.format_metric(metric_id, getattr(row, metric_id), lang)}</b>"
        f"<br>{get_metric('submitted').label(lang)}: {format_int(row.submitted, lang)}"
        f"<br>{get_metric('flagged').label(lang)}: {format_int(row.flagged, lang)}"
        f"<br>{get_metric('first_review_approval_pct').label(lang)}: {components.format_metric('first_review_approval_pct', row.first_review_approval_pct, lang)}"
        f"<br>{get_metric('high_risk').label(lang)}: {format_int(row.high_risk, lang) if row.high_risk == row.high_risk else '—'}"
        for row in table.itertuples()
    ]


def score_text(score: float | None, lang: str) -> str:
    return "—" if score is None or score != score else format_decimal(score, lang, 0)


__all__ = ["layout", "facilitator_table", "region_hover", "rule_totals_figure", "score_text", "trend_figure"]
