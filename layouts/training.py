"""The training page (``/pelatihan``, ``/pelatihan/<province or kabupaten/kota code>``): were
the facilitators taught (trained, late, not yet; the instructors needed, trained and
teaching), did they learn (pre- and post-test, the gain), and how their work differs by
post-test band, with the number of facilitators behind each figure and an interval, never a
causal claim. Filled by ``callbacks.training`` from ``dashboard.figures.training``.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html

from dashboard.figures.queries import Level, Scope
from dashboard.formatting import format_date, format_decimal, format_int, format_percent, region_display_name
from dashboard.i18n import t
from layouts import components
from layouts.components import BLUE, GREEN, GREY, ORANGE, PLOT_FONT
from layouts.frame import page_frame
from layouts.overview import breadcrumb, card


def layout(scope: Scope, lang: str, refresh_seconds: int, *, path: str, heading: str, trail: list, **frame) -> html.Div:
    graph = lambda id_: components.loading(dcc.Graph(id=id_, config={"displaylogo": False}, className="progress-graph"))  # noqa: E731
    regions = (
        [dbc.Row(dbc.Col(card([html.H2(t("training.regions_title" if scope.level == Level.NATIONAL else "training.regencies_title", lang), className="h5"),
                               html.Div(id="training-regions")]), className="mb-3"))]
        if scope.level != Level.REGENCY else []
    )
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="training-scope", data=scope.code),
        breadcrumb(trail),
        html.H1(heading, className="h3 mb-1"),
        html.P(t("training.lead", lang), className="text-muted mb-3"),
        html.Div(id="training-summary"),
        dbc.Row([dbc.Col(card(graph("training-scores")), xl=6, className="mb-3"), dbc.Col(card(graph("training-classes")), xl=6, className="mb-3")], className="g-3"),
        dbc.Row(dbc.Col(card([
            html.H2(t("training.relation_title", lang), className="h5"),
            html.P(t("training.relation_lead", lang), className="small text-muted"),
            dbc.Row([dbc.Col(graph("training-relation"), xl=6), dbc.Col(html.Div(id="training-relation-table"), xl=6)], className="g-3"),
        ]), className="mb-3")),
        *regions,
        dbc.Accordion(
            [dbc.AccordionItem(html.Ul([html.Li(t(f"training.define.{k}", lang)) for k in ("trained", "late", "instructors", "gain", "relation")]),
                               title=t("training.definitions", lang))],
            start_collapsed=True, className="mb-3", id="training-definitions",
        ),
    ]
    return page_frame(lang, path, content, refresh_seconds, **frame)


def summary_cards(row: pd.Series, lang: str) -> dbc.Row:
    """Trained, late, not yet; instructors; the post-test and the gain."""
    instructors = (
        t("training.instructors_of", lang, trained=format_int(row["instructors_trained"], lang), needed=format_int(row["instructors_needed"], lang))
        if row["instructors_needed"] == row["instructors_needed"] else t("training.instructors_teaching", lang, n=format_int(row["instructors_teaching"], lang))
    )
    return dbc.Row([
        components.value_card(t("training.trained", lang), format_percent(row["trained_pct"], lang),
              t("training.trained_of", lang, n=format_int(row["trained"], lang), total=format_int(row["facilitators"], lang)), "training-card-trained"),
        components.value_card(t("training.late", lang), format_int(row["trained_late"], lang), t("training.late_note", lang), "training-card-late"),
        components.value_card(t("training.not_trained", lang), format_int(row["not_trained"], lang), t("training.not_trained_note", lang), "training-card-not-trained"),
        components.value_card(t("training.instructors", lang), instructors,
              t("training.classes_held" if row["instructors_needed"] == row["instructors_needed"] else "training.classes_taught", lang, n=format_int(row["classes"], lang)),
              "training-card-instructors"),
        components.value_card(t("training.post", lang), format_decimal(row["post"], lang, 1), t("training.pre_was", lang, pre=format_decimal(row["pre"], lang, 1)), "training-card-post"),
        components.value_card(t("training.gain", lang), format_decimal(row["gain"], lang, 1),
              t("training.interval", lang, low=format_decimal(row["gain_low"], lang, 1), high=format_decimal(row["gain_high"], lang, 1)), "training-card-gain"),
    ], className="g-3")


def _layout(figure: go.Figure, title: str, lang: str, **extra) -> go.Figure:
    figure.update_layout(**{
        "title": {"text": title, "x": 0, "font": {"size": 16}}, "separators": components.separators(lang), "font": PLOT_FONT,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 30}, "plot_bgcolor": "white", "paper_bgcolor": "white", **extra,
    })
    return figure


def scores_figure(histogram: pd.DataFrame, lang: str) -> go.Figure:
    """The trained facilitators by pre- and post-test score, side by side per band of 10."""
    labels = [f"{b}–{b + 9}" if b < 90 else "90–100" for b in histogram.index]
    figure = go.Figure([
        go.Bar(x=labels, y=histogram["pre"], name=t("training.pre", lang), marker={"color": GREY}),
        go.Bar(x=labels, y=histogram["post"], name=t("training.post", lang), marker={"color": BLUE}),
    ])
    return _layout(figure, t("training.scores_title", lang), lang, barmode="group", legend={"orientation": "h", "y": -0.2},
                   xaxis={"title": {"text": t("training.score", lang)}}, yaxis={"gridcolor": "#eee", "tickformat": ",.0f"})


def classes_figure(per_day: pd.DataFrame, lang: str) -> go.Figure:
    """Classes held per day, of instructors and of facilitators."""
    figure = go.Figure()
    for kind, colour in (("instructor", ORANGE), ("facilitator", GREEN)):
        part = per_day[per_day["kind"] == kind]
        if len(part):
            figure.add_trace(go.Bar(x=[format_date(d, lang) for d in part["held_on"]], y=part["classes"], name=t(f"training.kind.{kind}", lang),
                                    marker={"color": colour}))
    few = per_day.groupby("held_on")["classes"].sum().max() < 8 if len(per_day) else True
    return _layout(figure, t("training.classes_title", lang), lang, barmode="stack", legend={"orientation": "h", "y": -0.2},
                   yaxis={"gridcolor": "#eee", "tickformat": ",.0f", **({"dtick": 1} if few else {})}, xaxis={"type": "category"})


def relation_figure(relation: pd.DataFrame, lang: str) -> go.Figure:
    """Mean completion by post-test band with its 95 % interval, the number of facilitators
    under each band's name."""
    # n: the facilitators behind the figure (those with targets), not everyone in the band.
    labels = [f"{t('training.band.not_trained', lang) if b == 'not trained' else b}<br>n = {format_int(n, lang)}" for b, n in zip(relation.index, relation["with_targets"])]
    figure = go.Figure(go.Scatter(
        x=labels, y=relation["completion"], mode="markers", marker={"size": 12, "color": BLUE},
        error_y={"type": "data", "symmetric": False, "array": relation["completion_high"] - relation["completion"],
                 "arrayminus": relation["completion"] - relation["completion_low"], "color": BLUE, "thickness": 2},
        hovertemplate="%{y:.1f} %<extra></extra>",
    ))
    return _layout(figure, t("training.relation_figure", lang), lang, showlegend=False,
                   xaxis={"title": {"text": t("training.band_axis", lang)}, "type": "category"},
                   yaxis={"title": {"text": t("training.completion", lang)}, "gridcolor": "#eee", "ticksuffix": " %" if lang == "id" else "%"})


def relation_table(relation: pd.DataFrame, lang: str) -> dash_table.DataTable:
    def interval(value, low, high) -> str:
        """ "45.7% (45.2–46.3)"; the value alone where one facilitator (or none) leaves no interval."""
        if low != low or high != high:
            return format_percent(value, lang)
        return f"{format_percent(value, lang)} ({format_decimal(low, lang, 1)}–{format_decimal(high, lang, 1)})"

    data = pd.DataFrame({
        "band": [t("training.band.not_trained", lang) if b == "not trained" else b for b in relation.index],
        "facilitators": relation["facilitators"].to_numpy(),
        "with_targets": relation["with_targets"].to_numpy(),
        "completion": [interval(*r) for r in relation[["completion", "completion_low", "completion_high"]].itertuples(index=False)],
        "returned": [interval(*r) for r in relation[["returned_pct", "returned_low", "returned_high"]].itertuples(index=False)],
        "flagged": [interval(*r) for r in relation[["flagged_pct", "flagged_low", "flagged_high"]].itertuples(index=False)],
    })
    return dash_table.DataTable(
        id="training-relation-rows",
        data=data.to_dict("records"),
        columns=[
            {"name": t("training.band_axis", lang), "id": "band"},
            {"name": t("training.facilitators", lang), "id": "facilitators", "type": "numeric", "format": components.number_format("targets", lang)},
            {"name": t("training.with_targets", lang), "id": "with_targets", "type": "numeric", "format": components.number_format("targets", lang)},
            {"name": t("training.completion", lang), "id": "completion"},
            {"name": t("training.returned", lang), "id": "returned"},
            {"name": t("training.flagged", lang), "id": "flagged"},
        ],
        style_cell=components.table_cells("14rem"),
        style_cell_conditional=[{"if": {"column_id": "band"}, "textAlign": "left"}],
        **{**components.TABLE_STYLE, "sort_action": "none", "filter_action": "none"},
    )


def regions_table(table: pd.DataFrame, lang: str, links: dict[str, str], label: str) -> dash_table.DataTable:
    data = pd.DataFrame({
        "name": [components.markdown_link(region_display_name(n), links[c]) for c, n in zip(table.index, table["name"])],
        "facilitators": table["facilitators"], "trained_pct": table["trained_pct"].round(1), "not_trained": table["not_trained"],
        "instructors": [f"{format_int(a, lang)} / {format_int(b, lang)}" if b == b else "—" for a, b in zip(table["instructors_trained"], table["instructors_needed"])],
        "post": table["post"].round(1), "gain": table["gain"].round(1),
    })
    number = components.number_format("targets", lang)
    share = components.number_format("completion_pct", lang)
    return dash_table.DataTable(
        id="training-regions-table",
        data=data.astype(object).where(data.notna(), None).to_dict("records"),
        columns=[
            {"name": label, "id": "name", "presentation": "markdown"},
            {"name": t("training.facilitators", lang), "id": "facilitators", "type": "numeric", "format": number},
            {"name": t("training.trained", lang) + " (%)", "id": "trained_pct", "type": "numeric", "format": share},
            {"name": t("training.not_trained", lang), "id": "not_trained", "type": "numeric", "format": number},
            {"name": t("training.instructors_column", lang), "id": "instructors"},
            {"name": t("training.post", lang), "id": "post", "type": "numeric", "format": share},
            {"name": t("training.gain", lang), "id": "gain", "type": "numeric", "format": share},
        ],
        style_cell=components.table_cells("12rem"),
        style_cell_conditional=[{"if": {"column_id": "name"}, "textAlign": "left", "minWidth": "11rem", "whiteSpace": "normal"}],
        sort_by=[{"column_id": "trained_pct", "direction": "asc"}], sort_mode="single",
        page_action="native", page_size=components.TABLE_PAGE_SIZE,
        **components.PAGED_TABLE_STYLE,
    )


__all__ = ["classes_figure", "layout", "regions_table", "relation_figure", "relation_table", "scores_figure", "summary_cards"]
