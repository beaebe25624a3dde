"""The findings page (``/temuan``, ``/temuan/<province or kabupaten/kota code>``): what the
ground check found, for one programme's desil cut-off at a time: confirmed inclusion and
exclusion errors per candidate type, inactive NIKs by outcome, the desil transition matrix,
and the regions (or, in a kabupaten/kota, the facilitators) by the share leaving or entering
the programme's range. Filled by ``callbacks.findings``; the figures come from
``dashboard.figures.findings``.

The figure builders are here (pure functions of frames), so that the callbacks stay glue.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.figures.findings import DESILS
from dashboard.figures.metrics import FINDINGS_MAP_KINDS, get_metric
from dashboard.figures.queries import Level, Scope
from dashboard.formatting import format_int, format_percent, region_display_name
from dashboard.i18n import t
from dashboard.vocabulary import PROGRAMME_TERMS, TARGET_CATEGORY_TERMS, TargetCategory, label_of
from layouts import components
from layouts.components import BLUE, GREEN, GREY, ORANGE, PLOT_FONT, SKY, VERMILION
from layouts.frame import page_frame
from layouts.overview import GRAPH_CONFIG, breadcrumb, card

DEFAULT_PROGRAMME = "pkh"
DEFAULT_FINDINGS_KIND = "left_eligibility_pct"
#: What the map can show: the kinds of ``FINDINGS_MAP_KINDS`` (of the programme chosen) and
#: the share re-ranked.
MAP_KINDS = (*FINDINGS_MAP_KINDS, "rerank_pct")
MATRIX_CATEGORIES = ("all", *(c.value for c in TargetCategory))
MATRIX_MODES = ("shares", "counts")


def metric_of(kind: str, programme: str) -> str:
    """The registry id of a map kind for a programme (``rerank_pct`` has no programme)."""
    return kind if kind == "rerank_pct" else f"{kind}_{programme}"


def programme_label(programme: str, cutoff: int, lang: str) -> str:
    """ "PKH (desil 1-4)"."""
    return f"{PROGRAMME_TERMS[programme].label(lang)} (desil 1–{cutoff})"


def region_columns(programme: str) -> tuple[str, ...]:
    """Columns of the ranking of regions and of facilitators (after the map metric)."""
    return (
        "reranked", f"inclusion_confirmed_{programme}", f"exclusion_confirmed_{programme}",
        f"left_eligibility_pct_{programme}", f"entered_eligibility_pct_{programme}", f"not_eligible_pct_{programme}",
    )


def layout(
    scope: Scope,
    lang: str,
    refresh_seconds: int,
    *,
    path: str,
    heading: str,
    trail: list,
    cutoffs: tuple[tuple[str, int], ...],
    programme: str | None,
    map_kind: str | None,
    **frame,
) -> html.Div:
    programme = programme if programme in dict(cutoffs) else DEFAULT_PROGRAMME
    kind = map_kind if map_kind in MAP_KINDS else DEFAULT_FINDINGS_KIND
    has_map = scope.level != Level.REGENCY
    programme_picker = html.Div(
        [
            html.Label(t("findings.programme", lang), htmlFor="findings-programme", className="me-2 fw-semibold"),
            dcc.Dropdown(
                id="findings-programme",
                options=[{"label": programme_label(code, cutoff, lang), "value": code} for code, cutoff in cutoffs],
                value=programme, clearable=False, searchable=False, className="metric-picker",
            ),
        ],
        className="d-flex align-items-center flex-wrap gap-2 mb-3",
    )
    kind_picker = dcc.Dropdown(
        id="findings-metric",
        options=[{"label": get_metric(metric_of(k, programme)).label(lang), "value": k} for k in MAP_KINDS],
        value=kind, clearable=False, searchable=False, className="metric-picker",
    )
    matrix_controls = html.Div(
        [
            html.Label(t("findings.matrix_category", lang), htmlFor="findings-matrix-category", className="small text-muted"),
            dcc.Dropdown(
                id="findings-matrix-category",
                options=[{"label": t("findings.all_categories", lang) if c == "all" else label_of(TARGET_CATEGORY_TERMS, c, lang), "value": c}
                         for c in MATRIX_CATEGORIES],
                value="all", clearable=False, searchable=False, className="metric-picker",
            ),
            dbc.RadioItems(
                id="findings-matrix-mode",
                options=[{"label": t(f"findings.matrix_{m}", lang), "value": m} for m in MATRIX_MODES],
                value="shares", inline=True, className="small",
            ),
        ],
        className="d-flex align-items-center flex-wrap gap-2 mb-2",
    )
    matrix_card = card(
        [
            html.H2(t("findings.matrix_title", lang), className="h5"),
            matrix_controls,
            components.loading(dcc.Graph(id="findings-matrix", config={"displaylogo": False}, className="matrix-graph")),
            html.P(t("findings.matrix_hint", lang), className="small text-muted mb-0"),
        ]
    )
    candidates_card = card(
        [
            html.H2(t("findings.categories_title", lang), className="h5"),
            components.loading(dcc.Graph(id="findings-categories", config={"displaylogo": False}, className="progress-graph")),
            html.Div(id="findings-category-table"),
        ]
    )
    nik_card = card(
        [
            html.H2(t("findings.nik_title", lang), className="h5"),
            components.loading(dcc.Graph(id="findings-nik", config={"displaylogo": False}, className="findings-nik-graph")),
        ]
    )
    map_card = card(
        [
            dbc.Row(
                [
                    dbc.Col(html.H2(t("findings.map_title" if scope.level == Level.NATIONAL else "findings.map_title_regencies", lang), className="h5 mb-0"), width="auto"),
                    dbc.Col(
                        html.Div(
                            [html.Label(t("map.metric", lang), htmlFor="findings-metric", className="me-2 small text-muted"), kind_picker],
                            className="d-flex align-items-center flex-wrap gap-2",
                        )
                    ),
                ],
                className="align-items-center mb-2 g-2",
            ),
            components.loading(dcc.Graph(id="findings-map", config=GRAPH_CONFIG, className="map-graph findings-map-graph")),
            html.Div(t("findings.map_hint", lang), className="small text-muted"),
        ]
    )
    if has_map:
        lists = [
            dbc.Row([dbc.Col(matrix_card, xl=6, className="mb-3"), dbc.Col(map_card, xl=6, className="mb-3")], className="g-3"),
            dbc.Row(dbc.Col(card([html.H2(t("findings.regions_title", lang), className="h5"), html.Div(id="findings-regions")]), className="mb-3")),
        ]
    else:
        lists = [
            html.Div(kind_picker, hidden=True),
            dbc.Row([
                dbc.Col(matrix_card, xl=6, className="mb-3"),
                dbc.Col(card([html.H2(t("findings.facilitators_title", lang), className="h5"), html.Div(id="findings-facilitators")]), xl=6, className="mb-3"),
            ], className="g-3"),
        ]
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="findings-scope", data=scope.code),
        breadcrumb(trail),
        html.H1(heading, className="h3 mb-1"),
        html.P(t("findings.lead", lang), className="text-muted mb-3"),
        programme_picker,
        html.Div(id="findings-kpis"),
        dbc.Row([dbc.Col(candidates_card, xl=7, className="mb-3"), dbc.Col(nik_card, xl=5, className="mb-3")], className="g-3"),
        *lists,
        _definitions(lang, cutoffs),
    ]
    return page_frame(lang, path, content, refresh_seconds, **frame)


def _definitions(lang: str, cutoffs) -> dbc.Accordion:
    items = [html.Li(t(f"findings.define_{key}", lang)) for key in ("reranked", "inclusion", "exclusion", "left", "entered", "nik", "awaiting")]
    settings = html.P(
        t("findings.define_cutoffs", lang, cutoffs=", ".join(programme_label(code, cutoff, lang) for code, cutoff in cutoffs)),
        className="mb-0",
    )
    return dbc.Accordion(
        [dbc.AccordionItem([html.Ul(items), settings], title=t("findings.definitions", lang))],
        start_collapsed=True, className="mb-3", id="findings-definitions",
    )


def _figure_layout(figure: go.Figure, title: str, lang: str, **extra) -> go.Figure:
    options = {
        "title": {"text": title, "x": 0, "font": {"size": 16}},
        "separators": components.separators(lang), "font": PLOT_FONT,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 30}, "plot_bgcolor": "white", "paper_bgcolor": "white",
    }
    figure.update_layout(**{**options, **extra})
    return figure


def category_figure(table: pd.DataFrame, programme: str, cutoff: int, lang: str) -> go.Figure:
    """Per candidate type (inclusion, exclusion): what became of its submissions: confirmed,
    not confirmed, awaiting re-ranking, not interviewed (moved, deceased, not found,
    refused), stacked."""
    rows = [c for c in (TargetCategory.INCLUSION_ERROR.value, TargetCategory.EXCLUSION_ERROR.value) if c in table.index]
    labels = [label_of(TARGET_CATEGORY_TERMS, c, lang) for c in rows]
    part = table.loc[rows]
    confirmed = part[f"inclusion_confirmed_{programme}"] + part[f"exclusion_confirmed_{programme}"]
    reranked = part["reranked"]
    not_interviewed = (part["submitted"] - part["interviewed"]).clip(lower=0)
    segments = (
        (t("findings.confirmed", lang), confirmed, VERMILION),
        (t("findings.not_confirmed", lang), reranked - confirmed, BLUE),
        (t("findings.awaiting", lang), part["awaiting_rerank"], SKY),
        (t("findings.not_interviewed", lang), not_interviewed, GREY),
    )
    figure = go.Figure()
    for name, values, colour in segments:
        share = values / part["submitted"].where(part["submitted"] > 0) * 100
        figure.add_trace(
            go.Bar(
                y=labels, x=values.to_numpy(), name=name, orientation="h", marker={"color": colour},
                text=[format_int(v, lang) for v in values], textposition="inside", insidetextanchor="middle",
                hovertext=[f"<b>{label}</b><br>{name}: {format_int(v, lang)} ({format_percent(s, lang)})" for label, v, s in zip(labels, values, share)],
                hoverinfo="text",
            )
        )
    title = t("findings.categories_figure", lang, programme=programme_label(programme, cutoff, lang))
    return _figure_layout(
        figure, title, lang, barmode="stack", legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
        xaxis={"gridcolor": "#eee", "tickformat": ",.0f"}, yaxis={"automargin": True},
        uniformtext={"minsize": 11, "mode": "hide"},
    )


def category_rows(table: pd.DataFrame, programme: str, lang: str) -> dbc.Table:
    """The candidate types' figures in words: submitted, re-ranked, confirmed (count and
    share of re-ranked), awaiting re-ranking."""
    header = html.Thead(html.Tr([html.Th(t("target.type", lang))] + [html.Th(h, className="text-end") for h in (
        get_metric("submitted").label(lang), get_metric("reranked").label(lang), t("findings.confirmed", lang),
        t("findings.confirmed_share", lang), get_metric("awaiting_rerank").label(lang),
    )]))
    body = []
    for category in (TargetCategory.INCLUSION_ERROR.value, TargetCategory.EXCLUSION_ERROR.value):
        if category not in table.index:
            continue
        row = table.loc[category]
        kind = "inclusion" if category == TargetCategory.INCLUSION_ERROR.value else "exclusion"
        body.append(html.Tr([
            html.Td(label_of(TARGET_CATEGORY_TERMS, category, lang)),
            html.Td(format_int(row["submitted"], lang), className="text-end"),
            html.Td(format_int(row["reranked"], lang), className="text-end"),
            html.Td(format_int(row[f"{kind}_confirmed_{programme}"], lang), className="text-end fw-semibold"),
            html.Td(format_percent(row[f"{kind}_confirmed_pct_{programme}"], lang), className="text-end fw-semibold"),
            html.Td(format_int(row["awaiting_rerank"], lang), className="text-end"),
        ]))
    return dbc.Table([header, html.Tbody(body)], size="sm", className="mb-0 mt-2 findings-table", id="findings-category-rows")


#: The outcomes of an inactive NIK's visit, in the order the page lists them.
NIK_OUTCOMES = (("nik_confirmed", GREEN), ("deceased", GREY), ("moved", SKY), ("not_found", ORANGE), ("refused", VERMILION), ("found_verified", BLUE))


def nik_figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """Inactive NIKs handed in, by outcome (bars, largest first)."""
    from dashboard.vocabulary import VISIT_OUTCOME_TERMS

    category = TargetCategory.INACTIVE_NIK.value
    row = table.loc[category] if category in table.index else pd.Series(dtype=float)
    submitted = float(row.get("submitted", 0) or 0)
    outcomes = [(code, colour, float(row.get(f"outcome_{code}", 0) or 0)) for code, colour in NIK_OUTCOMES]
    outcomes = [o for o in outcomes if o[2] > 0 or o[0] != "found_verified"]
    labels = [label_of(VISIT_OUTCOME_TERMS, code, lang) for code, _, _ in outcomes]
    values = np.array([v for _, _, v in outcomes])
    shares = values / submitted * 100 if submitted else np.full(len(values), np.nan)
    figure = go.Figure(
        go.Bar(
            y=labels, x=values, orientation="h", marker={"color": [c for _, c, _ in outcomes]},
            text=[f"{format_int(v, lang)} · {format_percent(s, lang)}" for v, s in zip(values, shares)], textposition="auto",
            hoverinfo="skip",
        )
    )
    title = t("findings.nik_figure", lang, n=format_int(submitted, lang))
    return _figure_layout(figure, title, lang, xaxis={"gridcolor": "#eee", "tickformat": ",.0f"},
                          yaxis={"automargin": True, "categoryorder": "array", "categoryarray": labels[::-1]})


def matrix_figure(matrix: pd.DataFrame, shares: pd.DataFrame, mode: str, cutoff: int, programme: str, lang: str) -> go.Figure:
    """The 10×10 transition matrix: rows desil before (1 at the top), columns desil after;
    colour is the row share (a row's families sum to 100 %, so rows of different sizes
    compare), the text the share or the count. The diagonal (no change) is outlined, and
    the two blocks that change eligibility are framed: leaving desil 1..``cutoff`` (top
    right, vermilion) and entering it (bottom left, green)."""
    counts = matrix.to_numpy()
    values = shares.to_numpy()
    text = [
        [("" if counts[i, j] == 0 else (format_int(counts[i, j], lang) if mode == "counts" else format_percent(values[i, j], lang, 0)))
         for j in range(10)]
        for i in range(10)
    ]
    hover = [
        [t("findings.matrix_hover", lang, before=i + 1, after=j + 1, n=format_int(counts[i, j], lang), share=format_percent(values[i, j], lang))
         for j in range(10)]
        for i in range(10)
    ]
    labels = [str(d) for d in DESILS]
    figure = go.Figure(
        go.Heatmap(
            z=np.nan_to_num(values, nan=0.0), x=labels, y=labels, zmin=0, zmax=100,
            colorscale=[[0, "#ffffff"], [0.05, "#deebf7"], [0.3, "#6baed6"], [1, "#08306b"]],
            text=text, texttemplate="%{text}", hovertext=hover, hoverinfo="text", xgap=1, ygap=1,
            colorbar={"title": {"text": t("findings.row_share", lang)}, "ticksuffix": " %" if lang == "id" else "%", "thickness": 14},
        )
    )
    shapes = [
        {"type": "rect", "xref": "x", "yref": "y", "x0": j - 0.5, "x1": j + 0.5, "y0": j - 0.5, "y1": j + 0.5,
         "line": {"color": "#333", "width": 1}}
        for j in range(10)
    ]
    shapes += [
        {"type": "rect", "xref": "x", "yref": "y", "x0": cutoff - 0.5, "x1": 9.5, "y0": -0.5, "y1": cutoff - 0.5,
         "line": {"color": VERMILION, "width": 3}},
        {"type": "rect", "xref": "x", "yref": "y", "x0": -0.5, "x1": cutoff - 0.5, "y0": cutoff - 0.5, "y1": 9.5,
         "line": {"color": GREEN, "width": 3}},
    ]
    total = int(counts.sum())
    left = int(counts[:cutoff, cutoff:].sum())
    entered = int(counts[cutoff:, :cutoff].sum())
    stayed = int(np.trace(counts))
    eligible_before, ineligible_before = int(counts[:cutoff].sum()), int(counts[cutoff:].sum())
    share = lambda a, b: format_percent(a / b * 100 if b else float("nan"), lang)  # noqa: E731
    summary = t("findings.matrix_summary", lang, name=PROGRAMME_TERMS[programme].label(lang), cutoff=cutoff,
                left=format_int(left, lang), left_share=share(left, eligible_before),
                entered=format_int(entered, lang), entered_share=share(entered, ineligible_before), same=share(stayed, total))
    return _figure_layout(
        figure, t("findings.matrix_figure", lang, n=format_int(total, lang)) + "<br><span style='font-size:0.85em'>" + summary + "</span>", lang,
        # Desil after along the foot: the title's two lines need the top (and keep clear of
        # the axis at every font scale).
        xaxis={"title": {"text": t("findings.desil_after", lang)}, "side": "bottom", "type": "category", "constrain": "domain"},
        yaxis={"title": {"text": t("findings.desil_before", lang)}, "autorange": "reversed", "type": "category", "scaleanchor": "x"},
        shapes=shapes, margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )


def region_hover(table: pd.DataFrame, metric_id: str, lang: str, programme: str = DEFAULT_PROGRAMME) -> list[str]:
    metric = get_metric(metric_id)
    lines = []
    for row in table.itertuples():
        name = region_display_name(row.name)
        if not row.visible:
            lines.append(components.outside_hover(name, lang))
            continue
        values = row._asdict()
        lines.append(
            f"<b>{components.hover_text(name)}</b><br>{metric.label(lang)}: <b>{components.format_metric(metric_id, values.get(metric_id), lang)}</b>"
            f"<br>{get_metric('reranked').label(lang)}: {format_int(values.get('reranked'), lang)}"
            f"<br>{get_metric(f'left_eligibility_pct_{programme}').label(lang)}: {components.format_metric(f'left_eligibility_pct_{programme}', values.get(f'left_eligibility_pct_{programme}'), lang)}"
            f"<br>{get_metric(f'entered_eligibility_pct_{programme}').label(lang)}: {components.format_metric(f'entered_eligibility_pct_{programme}', values.get(f'entered_eligibility_pct_{programme}'), lang)}"
        )
    return lines


__all__ = [
    "MAP_KINDS", "MATRIX_CATEGORIES", "MATRIX_MODES", "category_figure", "category_rows", "layout", "matrix_figure",
    "metric_of", "nik_figure", "programme_label", "region_columns", "region_hover",
]
