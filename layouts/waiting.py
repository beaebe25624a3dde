"""The waiting-cases page (``/antrian``, ``/antrian/<province or kabupaten/kota code>``): how
long cases wait in each open status (as Survey Solutions' status-duration report), the
review backlog per kabupaten/kota, the facilitators with the oldest cases waiting on them,
and the cases behind a status (pseudonymous target codes only). Filled by
``callbacks.waiting``; the figures come from ``dashboard.figures.waiting``.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html

from dashboard.figures.queries import Scope
from dashboard.figures.waiting import AGE_BUCKETS, STATUS_CODES, bucket_label
from dashboard.formatting import format_date, format_int, region_display_name
from dashboard.i18n import t
from layouts import components
from layouts.components import PLOT_FONT
from layouts.frame import page_frame
from layouts.overview import breadcrumb, card

#: Age buckets from light (fresh) to dark (old): a sequential scale read as "older is worse".
BUCKET_COLOURS = ("#fde0c5", "#facba6", "#f8b58b", "#f59e72", "#f0855a", "#c65d3b", "#8c2d19")
DEFAULT_STATUS = "submitted"


def layout(scope: Scope, lang: str, refresh_seconds: int, *, path: str, heading: str, trail: list, status: str | None, **frame) -> html.Div:
    status = status if status in STATUS_CODES else DEFAULT_STATUS
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="waiting-scope", data=scope.code),
        breadcrumb(trail),
        html.H1(heading, className="h3 mb-1"),
        html.P(t("waiting.lead", lang), className="text-muted mb-3"),
        html.Div(id="waiting-summary"),
        dbc.Row(
            [
                dbc.Col(card([
                    html.H2(t("waiting.ages_title", lang), className="h5"),
                    components.loading(dcc.Graph(id="waiting-ages", config={"displaylogo": False}, className="progress-graph")),
                    html.P(t("waiting.ages_hint", lang), className="small text-muted mb-0"),
                ]), xl=7, className="mb-3"),
                dbc.Col(card([html.H2(t("waiting.backlog_title", lang), className="h5"), html.Div(id="waiting-backlog")]), xl=5, className="mb-3"),
            ],
            className="g-3",
        ),
        dbc.Row(
            [
                dbc.Col(card([html.H2(t("waiting.facilitators_title", lang), className="h5"), html.Div(id="waiting-facilitators")]), xl=5, className="mb-3"),
                dbc.Col(card([
                    html.Div(
                        [
                            html.H2(t("waiting.cases_title", lang), className="h5 mb-0 me-2"),
                            dcc.Dropdown(
                                id="waiting-status",
                                options=[{"label": t(f"waiting.status.{s}", lang), "value": s} for s in STATUS_CODES],
                                value=status, clearable=False, searchable=False, className="metric-picker",
                            ),
                        ],
                        className="d-flex align-items-center flex-wrap gap-2 mb-2",
                    ),
                    html.Div(id="waiting-cases"),
                ]), xl=7, className="mb-3"),
            ],
            className="g-3",
        ),
        dbc.Accordion(
            [dbc.AccordionItem(html.Ul([html.Li(t(f"waiting.define.{s}", lang)) for s in (*STATUS_CODES, "age")]), title=t("waiting.definitions", lang))],
            start_collapsed=True, className="mb-3", id="waiting-definitions",
        ),
    ]
    return page_frame(lang, path, content, refresh_seconds, **frame)


def summary_cards(ages: pd.DataFrame, oldest: pd.Series, lang: str) -> dbc.Row:
    """One card per open status: its cases, those waiting 3 days or more, and the oldest."""
    three = [i for i, (first, _) in enumerate(AGE_BUCKETS) if first >= 3]
    cards = []
    for status in STATUS_CODES:
        total = int(ages.loc[status].sum())
        old = int(ages.loc[status, three].sum())
        days = oldest.get(status)
        detail = t("waiting.card_detail", lang, old=format_int(old, lang), oldest=format_int(days, lang)) if total else t("waiting.none", lang)
        cards.append(components.value_card(
            t(f"waiting.status.{status}", lang), format_int(total, lang), detail, {"type": "waiting-card", "status": status},
            title=t(f"waiting.define.{status}", lang),
        ))
    return dbc.Row(cards, className="g-3")


def ages_figure(ages: pd.DataFrame, lang: str) -> go.Figure:
    """Cases under way per status (rows, lifecycle order top down), stacked by age bucket
    from fresh (light) to old (dark); a click on a status lists its cases. Targets not
    visited yet are left out (their card says how many): early in a round they outnumber
    the others a hundredfold and would flatten every other bar."""
    ages = ages.drop(index="assigned", errors="ignore")
    labels = [t(f"waiting.status.{s}", lang) for s in ages.index]
    figure = go.Figure()
    for bucket, colour in zip(ages.columns, BUCKET_COLOURS):
        name = t("waiting.days", lang, days=bucket_label(bucket))
        values = ages[bucket]
        figure.add_trace(go.Bar(
            y=labels, x=values.to_numpy(), name=name, orientation="h", marker={"color": colour}, customdata=list(ages.index),
            hovertemplate="%{y}: %{x:,d} (" + name + ")<extra></extra>",
        ))
    figure.update_layout(
        barmode="stack", separators=components.separators(lang), font=PLOT_FONT,
        margin={"l": 10, "r": 10, "t": 20, "b": 30}, plot_bgcolor="white", paper_bgcolor="white",
        yaxis={"automargin": True, "categoryorder": "array", "categoryarray": labels[::-1]},
        xaxis={"gridcolor": "#eee", "tickformat": ",.0f"},
        legend={"orientation": "h", "y": -0.15, "title": {"text": t("waiting.age", lang)}, "traceorder": "normal"},
    )
    return figure


def backlog_table(table: pd.DataFrame, lang: str, links: dict[str, str], label: str) -> dash_table.DataTable:
    """The regions with the largest review backlog (submitted, not reviewed), oldest first."""
    data = pd.DataFrame({
        "name": [components.markdown_link(region_display_name(n), links[c]) for c, n in zip(table["code"], table["name"])],
        "cases": table["cases"], "cases_3d": table["cases_3d"], "oldest_days": table["oldest_days"],
    })
    return _table("waiting-backlog-table", data, [
        {"name": label, "id": "name", "presentation": "markdown"},
        {"name": t("waiting.backlog_cases", lang), "id": "cases", "type": "numeric", "format": components.number_format("targets", lang)},
        {"name": t("waiting.cases_3d", lang), "id": "cases_3d", "type": "numeric", "format": components.number_format("targets", lang)},
        {"name": t("waiting.oldest_days", lang), "id": "oldest_days", "type": "numeric", "format": components.number_format("targets", lang)},
    ])


def facilitators_table(table: pd.DataFrame, lang: str, links: dict[str, str]) -> dash_table.DataTable:
    data = pd.DataFrame({
        "name": [components.markdown_link(n, links[c]) for c, n in zip(table["code"], table["name"])],
        "regency": [region_display_name(n) for n in table["regency_name"]],
        "cases": table["cases"], "cases_3d": table["cases_3d"], "oldest_days": table["oldest_days"],
    })
    return _table("waiting-facilitators-table", data, [
        {"name": t("facilitator.name", lang), "id": "name", "presentation": "markdown"},
        {"name": t("region.regency", lang), "id": "regency"},
        {"name": t("waiting.open_cases", lang), "id": "cases", "type": "numeric", "format": components.number_format("targets", lang)},
        {"name": t("waiting.cases_3d", lang), "id": "cases_3d", "type": "numeric", "format": components.number_format("targets", lang)},
        {"name": t("waiting.oldest_days", lang), "id": "oldest_days", "type": "numeric", "format": components.number_format("targets", lang)},
    ])


def cases_table(frame: pd.DataFrame, lang: str, links: dict[str, str], regency_names: pd.Series) -> dash_table.DataTable:
    """The cases behind a status: pseudonymous target code, type, kabupaten/kota,
    facilitator, the day it entered the status and its age."""
    from dashboard.vocabulary import TARGET_CATEGORY_TERMS, label_of

    since = (pd.to_datetime(frame["since"]) + pd.Timedelta(hours=7)).dt.date
    data = pd.DataFrame({
        "target": frame["target_code"],
        "category": [label_of(TARGET_CATEGORY_TERMS, c, lang) for c in frame["category"]],
        "regency": [region_display_name(regency_names.get(c, c)) for c in frame["regency_code"]],
        "facilitator": [components.markdown_link(n, links[i]) for i, n in zip(frame["facilitator_id"], frame["facilitator_name"])],
        "since": [format_date(d, lang) for d in since],
        "age_days": frame["age_days"],
    })
    return _table("waiting-cases-table", data, [
        {"name": t("quality.target", lang), "id": "target"},
        {"name": t("target.type", lang), "id": "category"},
        {"name": t("region.regency", lang), "id": "regency"},
        {"name": t("facilitator.name", lang), "id": "facilitator", "presentation": "markdown"},
        {"name": t("waiting.since", lang), "id": "since"},
        {"name": t("waiting.age_days", lang), "id": "age_days", "type": "numeric", "format": components.number_format("targets", lang)},
    ])


def _table(table_id: str, data: pd.DataFrame, columns: list[dict]) -> dash_table.DataTable:
    return dash_table.DataTable(
        id=table_id,
        data=data.astype(object).where(data.notna(), None).to_dict("records"),
        columns=columns,
        style_cell=components.table_cells("14rem"),
        style_cell_conditional=[
            {"if": {"column_id": c}, "textAlign": "left", "minWidth": "8rem", "whiteSpace": "normal"}
            for c in ("name", "regency", "target", "category", "facilitator", "since")
        ],
        page_action="native",
        page_size=components.TABLE_PAGE_SIZE,
        **components.PAGED_TABLE_STYLE,
    )


__all__ = ["ages_figure", "backlog_table", "cases_table", "facilitators_table", "layout", "summary_cards"]
