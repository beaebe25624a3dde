"""Building blocks shared by the pages: KPI cards, the progress chart, the ranking table,
the category split and the outcome funnel. They take data frames from ``dashboard`` and
the language, and only format and draw."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from html import escape as html_escape
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html
from dash.dash_table.Format import Format, Group, Scheme

from dashboard.figures.forecast import Forecast, ScheduleStatus
from dashboard.figures.metrics import get_metric
from dashboard.figures.overview import MIN_RANKED_DENOMINATOR, Kpi
from dashboard.formatting import (
    format_count_delta,
    format_date,
    format_date_short,
    format_datetime,
    format_decimal,
    format_int,
    format_percent,
    format_percent_delta,
)
from dashboard.i18n import t
from dashboard.vocabulary import TARGET_CATEGORY_TERMS, VISIT_OUTCOME_TERMS, label_of

#: Colours (Okabe-Ito, safe for colour-blind readers).
BLUE, ORANGE, GREEN, VERMILION, SKY, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#999999"
#: Darker shades of vermilion and orange for text on white (WCAG AA contrast): what is at
#: risk (or high) and what is behind (or medium) in a table. assets/02_app.css repeats the first.
VERMILION_TEXT, ORANGE_TEXT = "#a33b00", "#7a5200"
#: The mark of each alert severity.
SEVERITY_COLOURS = {"high": VERMILION, "medium": ORANGE, "low": GREY}
PLOT_FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14}


#: Every ASCII punctuation character may be backslash-escaped in CommonMark.
_MARKDOWN_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def loading(child):
    """``child`` (a graph) with a spinner over it while its callback runs longer than
    0.8 s: a first visit shows that figures are coming, while a quick refresh of a wall
    screen (cached figures answer in milliseconds) does not flicker. The last figure stays
    visible, dimmed, under the spinner."""
    return dcc.Loading(child, type="circle", delay_show=800, color="#0a3d91", overlay_style={"visibility": "visible", "opacity": 0.6})


def markdown_text(text: object) -> str:
    """Text from the data (a name, an id) as literal text inside a markdown cell: every
    punctuation escaped, line breaks folded, so that a name can never become a link,
    emphasis or markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def markdown_link(text: object, href: str) -> str:
    """A markdown link whose text is ``text`` taken literally (``href`` is ours, built by
    ``layouts.frame.page_href``: percent-encoded, so it has no space or parenthesis)."""
    return f"[{markdown_text(text)}]({href})"


def hover_text(text: object) -> str:
    """Text from the data inside plotly's hover/label markup (which knows a few HTML
    tags): escaped, so that a name shows as written."""
    return html_escape(str(text), quote=False)


def outside_hover(name: str, lang: str) -> str:
    """The hover of a region outside the user's area: its name, no figures."""
    return f"<b>{hover_text(name)}</b><br>{t('access.denied_short', lang)}"


def context_note(lang: str) -> html.P:
    """Said under the KPIs of a scope wider than the user's area."""
    return html.P(t("access.context_note", lang), className="small text-muted mb-0 access-context")


def excluded_note(excluded: pd.Series, lang: str) -> html.P | None:
    """Said under the KPIs when visits of the scope were left out of its figures."""
    if excluded.empty or int(excluded.sum()) == 0:
        return None
    reasons = ", ".join(f"{t('excluded.' + reason, lang)} ({format_int(n, lang)})" for reason, n in excluded.sort_values(ascending=False).items())
    return html.P(t("status.excluded", lang, n=format_int(int(excluded.sum()), lang), reasons=reasons), className="small text-muted mb-0 excluded-note")


def map_view_picker(picker_id: str, view: str | None, lang: str, views: Sequence[str]) -> html.Div:
    """The switch between the ways of drawing the regions (``layouts.maps.MAP_VIEWS``):
    ``views``, those the page offers. Always in the page, so that the map's callback has
    its input, but hidden where there is no choice (no boundary files)."""
    views = list(views) or ["map"]
    return html.Div(
        dbc.RadioItems(
            id=picker_id,
            options=[{"label": t(f"map.view_{v}", lang), "value": v} for v in views],
            value=view if view in views else views[0],
            inline=True,
            className="btn-group map-view-picker",
            inputClassName="btn-check",
            labelClassName="btn btn-outline-secondary btn-sm",
            labelCheckedClassName="active",
        ),
        role="group",
        title=t("map.view_tiles_title", lang) if "tiles" in views else t("map.view_schedule_title", lang),
        **{"aria-label": t("map.view", lang)},
        className="d-inline-flex" if len(views) > 1 else "d-none",
    )


def scale_fonts(figure: go.Figure, scale: float | None) -> go.Figure:
    """Enlarge a figure's text for big screens (plotly sizes text in pixels, the page in
    rem, which grows with the screen: see assets/02_app.css and ``font-scale``)."""
    scale = scale or 1.0
    if scale == 1.0:
        return figure
    grow = lambda size: round((size or PLOT_FONT["size"]) * scale)  # noqa: E731
    figure.update_layout(font_size=grow(figure.layout.font.size), hoverlabel_font_size=grow(figure.layout.hoverlabel.font.size))
    if figure.layout.title and figure.layout.title.text:
        figure.update_layout(title_font_size=grow(figure.layout.title.font.size or 16))
    for annotation in figure.layout.annotations:
        annotation.font.size = grow(annotation.font.size)
    for trace in figure.data:
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None and getattr(trace, "showscale", True) is not False:
            colorbar.tickfont.size = grow(colorbar.tickfont.size)
            colorbar.title.font.size = grow(colorbar.title.font.size)
            colorbar.thickness = grow(colorbar.thickness or 12)
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and textfont.size:  # labels written in the plot (the tile grid's)
            textfont.size = grow(textfont.size)
    return figure


def separators(lang: str) -> str:
    """plotly's decimal and thousands separators for the language."""
    return ",." if lang == "id" else ".,"


def format_metric(metric_id: str, value: float, lang: str) -> str:
    """A metric's value as its unit is read: "45,6 %", "1,3", "1.234"."""
    unit = get_metric(metric_id).unit
    if unit == "percent":
        return format_percent(value, lang)
    if unit == "ratio":
        return format_decimal(value, lang, 1)
    return format_int(value, lang)


def kpi_card(kpi: Kpi, lang: str) -> dbc.Card:
    metric = get_metric(kpi.metric_id)
    if metric.unit == "percent":
        delta = format_percent_delta(kpi.delta, lang)
    else:
        delta = format_count_delta(kpi.delta, lang)
    tone = "text-muted"
    if metric.newest_only:  # not kept per day (risk scores): no comparison
        comparison = t("kpi.newest_only", lang)
    elif kpi.compares_windows:
        comparison = t("kpi.yesterday_value", lang, value=format_metric(kpi.metric_id, kpi.yesterday, lang))
    else:
        comparison = t("kpi.delta_since_yesterday", lang, delta=delta)
    # A change that shows as 0 (0,0 poin) is no change: no colour.
    shown_delta = round(kpi.delta, 1) if metric.unit != "count" else kpi.delta
    if not kpi.compares_windows and shown_delta and metric.higher_is_better is not None and kpi.delta == kpi.delta:
        good = (kpi.delta > 0) == metric.higher_is_better
        tone = "kpi-delta-good" if good else "kpi-delta-bad"
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(metric.label(lang), className="kpi-label", title=metric.description(lang)),
                html.Div(format_metric(kpi.metric_id, kpi.value, lang), className="kpi-value"),
                html.Div(comparison, className=f"kpi-delta {tone}"),
            ]
        ),
        className="kpi-card h-100",
        id={"type": "kpi", "metric": kpi.metric_id},
    )


def value_card(label: str, value: str, detail, card_id, title: str | None = None) -> dbc.Col:
    """A card of one figure that is not a registry metric (training, waiting, review): the
    label (``title``: its definition on hover), the value, and a detail line (text, or a
    component of its own), in the column the KPI rows use."""
    if isinstance(detail, str):
        detail = html.Div(detail, className="kpi-delta text-muted")
    return dbc.Col(
        dbc.Card(dbc.CardBody([html.Div(label, className="kpi-label", title=title), html.Div(value, className="kpi-value"), detail]),
                 className="kpi-card h-100", id=card_id),
        xs=6, md=4, xl=True, className="mb-3",
    )


def kpi_row(kpis: list[Kpi], lang: str) -> dbc.Row:
    return dbc.Row([dbc.Col(kpi_card(k, lang), xs=6, md=4, xl=True, className="mb-3") for k in kpis], className="g-3")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def date_ticks(days: list[dt.date], lang: str) -> dict:
    """About six dated ticks over ``days`` (an axis's ``tickvals``/``ticktext``), the first
    half a step in, so that no date sits in the corner under the value axis's "0"."""
    step = max(1, len(days) // 6)
    ticks = days[step // 2 :: step]
    return {"tickvals": ticks, "ticktext": [format_date_short(d, lang) for d in ticks]}


def _forecast_traces(figure: go.Figure, forecast: Forecast, lang: str) -> None:
    """The forecast beyond today: completion at the recent pace to the deadline (or to
    the finish, if earlier), in the band of the pace's 80 % interval."""
    if forecast.targets <= 0 or forecast.day >= forecast.deadline or forecast.submitted >= forecast.targets:
        return
    days = [forecast.day + dt.timedelta(days=i) for i in range((forecast.deadline - forecast.day).days + 1)]
    steps = np.arange(len(days), dtype=float)

    def reach(pace: float) -> np.ndarray:
        return np.minimum(forecast.submitted + pace * steps, forecast.targets) / forecast.targets * 100

    name = t("progress.forecast", lang)
    detail = t("progress.forecast_detail", lang, days=forecast.window_days)
    common = {"x": days, "mode": "lines", "legendgroup": "forecast", "hoverinfo": "skip"}
    figure.add_trace(go.Scatter(**common, y=reach(forecast.pace_low), line={"width": 0}, showlegend=False))
    figure.add_trace(
        go.Scatter(**common, y=reach(forecast.pace_high), line={"width": 0}, fill="tonexty", fillcolor="rgba(0,114,178,0.15)", showlegend=False)
    )
    figure.add_trace(
        go.Scatter(
            x=days, y=reach(forecast.pace), name=name, mode="lines", legendgroup="forecast",
            line={"color": BLUE, "width": 2, "dash": "dot"},
            hovertemplate="%{y:.1f} %<extra>" + name + "</extra>",
        )
    )


#: The colour of each schedule status (Okabe-Ito), worst first.
SCHEDULE_COLOURS = {
    ScheduleStatus.AT_RISK: VERMILION,
    ScheduleStatus.BEHIND: ORANGE,
    ScheduleStatus.ON_SCHEDULE: GREEN,
    ScheduleStatus.DONE: BLUE,
    ScheduleStatus.NO_TARGETS: GREY,
}


def schedule_badge(status: str, lang: str) -> html.Span:
    """The schedule status in words, marked with its colour (dark text on a light ground:
    readable whatever the colour)."""
    status = ScheduleStatus(status)
    return html.Span(
        t(f"schedule.{status.value}", lang), className=f"schedule-badge schedule-{status.value}",
        style={"borderLeftColor": SCHEDULE_COLOURS[status]},
    )


def forecast_summary(forecast: Forecast, lang: str, definitions_href: str) -> html.Dl:
    """The forecast of a scope in figures, under its progress chart: the schedule status,
    expected by today and the gap to it, the recent pace (and the pace needed), the
    projected finish and the completion the deadline would see (with their 80 % ranges).
    The status links to its rule (``definitions_href``, the definitions page)."""
    per_day = lambda v: t("forecast.per_day", lang, value=format_int(v, lang))  # noqa: E731
    if forecast.finish is None:
        finish = t("forecast.never", lang)
    else:
        finish = format_date(forecast.finish, lang)
        if forecast.finish_early != forecast.finish_late:
            late = format_date_short(forecast.finish_late, lang) if forecast.finish_late else "…"
            finish += " (" + t("forecast.range", lang, low=format_date_short(forecast.finish_early, lang), high=late) + ")"
    by_deadline = format_percent(forecast.by_deadline_pct, lang)
    if round(forecast.by_deadline_low_pct, 1) != round(forecast.by_deadline_high_pct, 1):
        by_deadline += " (" + t("forecast.range", lang, low=format_percent(forecast.by_deadline_low_pct, lang),
                                 high=format_percent(forecast.by_deadline_high_pct, lang)) + ")"
    needed = t("forecast.deadline_passed", lang) if math.isnan(forecast.needed_pace) else per_day(forecast.needed_pace)
    items = [
        (html.A(t("forecast.status", lang), href=definitions_href), schedule_badge(forecast.status, lang)),
        (t("forecast.expected", lang), format_percent(forecast.expected_pct, lang)),
        (t("forecast.gap", lang), t("forecast.gap_value", lang, value=format_decimal(forecast.gap_points, lang, 1))),
        (t("forecast.pace", lang, days=forecast.window_days), [per_day(forecast.pace), html.Br(), html.Span(t("forecast.needed_value", lang, value=needed), className="fw-normal")]),
        (t("forecast.finish", lang), finish),
        (t("forecast.by_deadline", lang), by_deadline),
    ]
    return html.Dl([html.Div([html.Dt(label), html.Dd(value)]) for label, value in items], className="forecast-summary mb-0")


def alerts_line(counts: pd.Series | None, lang: str, href: str) -> html.Div:
    """The open alerts of an area in one line: their number by severity (words and a
    coloured mark, most severe first) and the link to the alerts page; "none" when none."""
    if counts is None or counts.sum() == 0:
        return html.Div([html.Span(t("alerts.page", lang) + ": ", className="fw-semibold"), t("alerts.none", lang)])
    parts = []
    for severity, colour in SEVERITY_COLOURS.items():
        n = int(counts.get(severity, 0))
        if n:
            parts.append(html.Span(f"{format_int(n, lang)} {t(f'severity.{severity}', lang).lower()}", className="alert-count",
                                   style={"borderLeftColor": colour}))
    return html.Div([html.Span(t("alerts.page", lang) + ": ", className="fw-semibold"), *parts,
                     html.A(t("alerts.show", lang), href=href, className="ms-2")])


def progress_figure(
    series: pd.DataFrame, lang: str, deadline: dt.date, today: dt.date, title: str, forecast: Forecast | None = None
) -> go.Figure:
    """Cumulative completion against the plan, with the deadline and today marked, and
    with a ``forecast`` its projection from today to the deadline."""
    days = list(series.index)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=days, y=series["plan_pct"], name=t("progress.plan", lang), mode="lines",
            line={"color": GREY, "dash": "dash", "width": 2},
            hovertemplate="%{y:.1f} %<extra>" + t("progress.plan", lang) + "</extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=days, y=series["completion_pct"], name=t("progress.actual", lang), mode="lines",
            line={"color": BLUE, "width": 4},
            hovertemplate="%{y:.1f} %<extra>" + t("progress.actual", lang) + "</extra>",
        )
    )
    if forecast is not None:
        _forecast_traces(figure, forecast, lang)
    # Today and the deadline are labelled above the plot (never on the curves), each on the
    # side of its line away from the other, so the two labels cannot overlap; the x axis
    # runs on past the later of the two so that the label beyond it has room.
    # The earlier of the two (today, on the deadline day itself) is labelled on its left.
    today_first = today <= deadline
    last = max(today, deadline)
    for when, label, colour, on_left in (
        (deadline, t("progress.deadline", lang), VERMILION, not today_first),
        (today, t("progress.today", lang), "#333", today_first),
    ):
        figure.add_vline(x=when, line={"color": colour, "width": 1.5, "dash": "dot"})
        figure.add_annotation(
            x=when, y=1, yref="paper", yanchor="bottom", text=label, showarrow=False, font={"color": colour},
            xanchor="right" if on_left else "left", xshift=-3 if on_left else 3,
        )
    start = days[0] if days else min(today, deadline)
    span = max((last - start).days, 1)
    figure.update_layout(
        title={"text": title, "x": 0, "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}, "font": {"size": 16}},
        separators=separators(lang),
        font=PLOT_FONT,
        margin={"l": 60, "r": 20, "t": 70, "b": 40},
        yaxis={"range": [0, 100], "ticksuffix": " %" if lang == "id" else "%", "gridcolor": "#eee"},
        xaxis={
            **date_ticks(days, lang), "gridcolor": "#f4f4f4", "automargin": True,
            "range": [_midnight(start) - dt.timedelta(hours=12), _midnight(last) + dt.timedelta(days=max(1.0, 0.14 * span))],
        },
        legend={"orientation": "h", "y": -0.12},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="x unified",
        uirevision="progress",
    )
    return figure


RANKING_COLUMNS = ("targets", "submitted", "completion_pct", "approval_pct", "return_rate", "active_facilitators_7d_pct")


def number_format(metric_id: str, lang: str) -> Format:
    metric = get_metric(metric_id)
    decimals = 1 if metric.unit != "count" else 0
    fmt = Format(precision=decimals, scheme=Scheme.fixed, group=Group.yes)
    if lang == "id":
        fmt = fmt.group_delimiter(".").decimal_delimiter(",")
    return fmt


#: The look of every sortable table (the header stays on top while the rows scroll).
TABLE_STYLE = {
    "sort_action": "native",
    "filter_action": "native",
    "filter_options": {"case": "insensitive", "placeholder_text": "…"},
    "style_as_list_view": True,
    "style_table": {"overflowX": "auto", "maxHeight": "27rem", "overflowY": "auto"},
    "css": [
        {"selector": "th", "rule": "position: sticky; top: 0; z-index: 1;"},
        # The sort arrow beside its label (numbers are right-aligned: so are their headers),
        # and labels that wrap between words only.
        {"selector": "th.dash-header > div", "rule": "justify-content: flex-end; align-items: flex-end; gap: .3rem;"},
        {"selector": "th.dash-header[data-dash-column=name] > div, th.dash-header[data-dash-column=regency] > div", "rule": "justify-content: flex-start;"},
        {"selector": ".column-header-name", "rule": "word-break: normal; overflow-wrap: normal;"},
    ],
    "style_header": {"fontWeight": "600", "whiteSpace": "normal", "height": "auto", "backgroundColor": "#f3f5f8"},
    "markdown_options": {"link_target": "_self"},
}


#: A table that pages (the quality page's lists): it shows its whole page, without
#: scrolling inside the box.
PAGED_TABLE_STYLE = {**TABLE_STYLE, "style_table": {"overflowX": "auto"}}
#: Rows per page of a paged table.
TABLE_PAGE_SIZE = 10


def table_cells(max_width: str = "10rem") -> dict:
    """Cell style of ``TABLE_STYLE`` tables: numbers right-aligned."""
    return {"fontFamily": PLOT_FONT["family"], "fontSize": "0.95rem", "padding": "4px 8px", "textAlign": "right", "minWidth": "5rem", "maxWidth": max_width}


def column_min_rem(label: str, value_chars: int, header_rem: float = 0.85, cell_rem: float = 0.9, chrome_rem: float = 2.4) -> float:
    """Least width (rem) of a table column headed ``label`` whose widest value has
    ``value_chars`` characters, so that the header wraps only between words: its longest
    word at ``header_rem`` plus ``chrome_rem`` (padding, sort and filter buttons).
    Character advances are those of DejaVu Sans, the widest of the system fonts a browser
    falls back to (0.58 em semibold, 0.62 em for digits and regular text)."""
    longest_word = max((len(word) for word in label.split()), default=0)
    header = longest_word * 0.58 * header_rem + chrome_rem
    value = value_chars * 0.62 * cell_rem + 1.2
    return round(max(header, value), 2)


def _ranked_order(table: pd.DataFrame, ranks: pd.Series, worst_first: bool) -> pd.DataFrame:
    """``table`` with ``rank``, best first (worst first with ``worst_first``), the
    unranked regions last."""
    data = table.copy()
    data.insert(0, "rank", ranks)
    ranked = data[data["rank"].notna()].sort_values("rank", kind="stable")
    if worst_first:
        ranked = ranked.iloc[::-1]
    return pd.concat([ranked, data[data["rank"].isna()]])


def ranking_table(
    table: pd.DataFrame,
    ranks: pd.Series,
    metric_id: str,
    lang: str,
    table_id: str,
    region_label: str,
    links: dict[str, str],
    metric_columns: tuple[str, ...] = RANKING_COLUMNS,
    worst_first: bool = False,
    page_size: int | None = None,
    schedule: pd.Series | None = None,
    highlight: bool = True,
) -> dash_table.DataTable:
    """Sortable, filterable table of regions (filter row: ``>50`` on a number column, a
    name fragment on the name; ``table["name"]`` linked to ``links[code]``) with the metric
    ``metric_id`` and ``metric_columns``; the top and bottom three ranks are highlighted.
    Rank 1 is the best (``dashboard.figures.overview.rank``: regions with too small a
    sample have no rank and stand last); with ``worst_first`` the rows start from the
    worst. ``page_size`` pages long lists (the quality page's 514 kabupaten/kota).
    ``schedule`` (schedule statuses by code) adds their words as the last column, to
    filter by ("Berisiko"). ``highlight=False``: no best and worst colours, for a metric
    that is neither (the findings: a high share of errors confirmed is not "good")."""
    columns = list(dict.fromkeys([metric_id, *metric_columns]))
    data = _ranked_order(table[["name", *columns]], ranks, worst_first)
    if schedule is not None:
        data["schedule"] = [t(f"schedule.{schedule[code]}", lang) if code in schedule.index else None for code in data.index]
    data.insert(0, "code", data.index)
    data["name"] = [markdown_link(name, links[code]) for code, name in zip(data.index, data["name"])]
    n = int(ranks.notna().sum())  # regions without a rank stand last, unhighlighted
    records = data.astype(object).where(data.notna(), None).to_dict("records")
    headings = {c: get_metric(c).heading(lang) for c in columns}
    return dash_table.DataTable(
        id=table_id,
        data=records,
        columns=[
            {"name": "#", "id": "rank", "type": "numeric"},
            {"name": region_label, "id": "name", "presentation": "markdown"},
            *[{"name": headings[c], "id": c, "type": "numeric", "format": number_format(c, lang)} for c in columns],
            *([{"name": t("forecast.status", lang), "id": "schedule", "type": "text"}] if schedule is not None else []),
        ],
        style_cell=table_cells(),
        style_cell_conditional=[
            {"if": {"column_id": "name"}, "textAlign": "left", "minWidth": "11rem", "maxWidth": "18rem", "whiteSpace": "normal"},
            {"if": {"column_id": "rank"}, "minWidth": "2.5rem", "width": "2.5rem"},
            {"if": {"column_id": "schedule"}, "textAlign": "left", "minWidth": "8rem", "whiteSpace": "normal"},
            *[
                {"if": {"column_id": c}, "minWidth": f"{column_min_rem(headings[c], 7, 0.95, 0.95, 2.2)}rem"}
                for c in columns
            ],
        ],
        style_data_conditional=[
            *([
                {"if": {"filter_query": "{rank} <= 3"}, "backgroundColor": "#e3f2ec", "fontWeight": "600"},
                {"if": {"filter_query": f"{{rank}} > {max(n - 3, 3)} && {{rank}} <= {n}"}, "backgroundColor": "#fbe6dc"},
            ] if highlight else []),
            {"if": {"column_id": metric_id}, "fontWeight": "700"},
            *[
                {"if": {"filter_query": f'{{schedule}} = "{t(f"schedule.{status.value}", lang)}"', "column_id": "schedule"},
                 "color": colour, "fontWeight": "600"}
                for status, colour in ((ScheduleStatus.AT_RISK, VERMILION_TEXT), (ScheduleStatus.BEHIND, ORANGE_TEXT))
            ],
        ],
        page_action="native" if page_size else "none",
        page_size=page_size or 250,
        # A paged table shows its whole page (no scrolling inside the box).
        **(PAGED_TABLE_STYLE if page_size else TABLE_STYLE),
    )


def leaders_and_laggards(
    table: pd.DataFrame, ranks: pd.Series, metric_id: str, lang: str, links: dict[str, str], region_label: str, shown: int = 5
) -> html.Table:
    """The ``shown`` best and worst ranked regions by ``metric_id``, both always in view
    (the full ranking is a click away); all of them when there are few. A bar gives each
    percentage its length on a 0-100 scale, so the two ends compare at a glance."""
    metric = get_metric(metric_id)
    data = _ranked_order(table[["name", metric_id]], ranks, worst_first=False)
    ranked = data[data["rank"].notna()]

    def row(code: str, item, kind: str) -> html.Tr:
        value = getattr(item, metric_id)
        bar = (
            html.Div(html.Div(className="rank-bar-fill", style={"width": f"{max(0.0, min(float(value), 100.0)):.1f}%"}), className="rank-bar")
            if metric.unit == "percent" else None
        )
        return html.Tr(
            [
                html.Td(str(int(item.rank)), className="rank-number"),
                html.Td(html.A(str(item.name), href=links[code]), className="rank-name"),
                html.Td(bar, className="rank-bar-cell"),
                html.Td(format_metric(metric_id, value, lang), className="rank-value"),
            ],
            className=f"rank-{kind}",
        )

    if len(ranked) <= 2 * shown + 1:
        rows = [row(code, item, "top" if item.rank <= 3 else "middle") for code, item in zip(ranked.index, ranked.itertuples())]
    else:
        top, bottom = ranked.iloc[:shown], ranked.iloc[-shown:]
        gap = len(ranked) - 2 * shown
        rows = [
            *[row(code, item, "top") for code, item in zip(top.index, top.itertuples())],
            html.Tr(html.Td(t("ranking.others", lang, count=format_int(gap, lang)), colSpan=4, className="rank-gap")),
            *[row(code, item, "bottom") for code, item in zip(bottom.index, bottom.itertuples())],
        ]
    caption = t("ranking.caption", lang, metric=metric.heading(lang), regions=region_label.lower())
    return html.Div(
        [
            html.Table(
                [
                    html.Caption(caption, className="visually-hidden"),
                    html.Thead(html.Tr([html.Th("#", scope="col"), html.Th(region_label, scope="col"), html.Th(html.Span(metric.heading(lang), className="visually-hidden"), scope="col", colSpan=2)])),
                    html.Tbody(rows),
                ],
                className="rank-list",
            ),
            *([note] if (note := unranked_note(ranks, lang)) is not None else []),
        ]
    )


def download_links(path: str, query: dict, lang: str) -> html.Div:
    """CSV and XLSX links of a download (``/export/<name>``) with ``query``."""
    text = urlencode({k: v for k, v in query.items() if v is not None})
    return html.Div(
        [html.Span(t("export.download", lang), className="small text-muted me-1"),
         *(dbc.Button(fmt.upper(), href=f"{path}.{fmt}?{text}", color="secondary", outline=True, size="sm", external_link=True, className="me-1")
           for fmt in ("csv", "xlsx"))],
        className="d-flex align-items-center justify-content-end mb-2",
    )


def unranked_note(ranks: pd.Series, lang: str, minimum: int = MIN_RANKED_DENOMINATOR, of: str = "regions") -> html.P | None:
    """How many regions (``of="facilitators"``: facilitators) have no rank and why (too
    small a sample, or no data), if any."""
    unranked = int(ranks.isna().sum())
    if not unranked:
        return None
    key = "ranking.unranked" if of == "regions" else "ranking.unranked_facilitators"
    return html.P(
        t(key, lang, count=format_int(unranked, lang), minimum=format_int(minimum, lang)),
        className="small text-muted mb-0 mt-1",
    )


def category_figure(split: pd.DataFrame, lang: str) -> go.Figure:
    """Completion by target category, with targets and submitted in the hover."""
    labels = [label_of(TARGET_CATEGORY_TERMS, c, lang) for c in split.index]
    hover = [
        f"<b>{label}</b><br>{get_metric('targets').label(lang)}: {format_int(row.targets, lang)}"
        f"<br>{get_metric('submitted').label(lang)}: {format_int(row.submitted, lang)}"
        f"<br>{get_metric('completion_pct').label(lang)}: {format_percent(row.completion_pct, lang)}"
        for label, row in zip(labels, split.itertuples())
    ]
    figure = go.Figure(
        go.Bar(
            y=labels, x=split["completion_pct"], orientation="h", marker={"color": [BLUE, ORANGE, GREEN][: len(split)]},
            text=[format_percent(v, lang) for v in split["completion_pct"]], textposition="auto",
            hovertext=hover, hoverinfo="text",
        )
    )
    figure.update_layout(
        title={"text": t("target.type", lang) + " · " + get_metric("completion_pct").label(lang), "x": 0, "font": {"size": 16}},
        separators=separators(lang), font=PLOT_FONT, margin={"l": 10, "r": 10, "t": 50, "b": 30},
        xaxis={"range": [0, 100], "ticksuffix": " %" if lang == "id" else "%", "gridcolor": "#eee"},
        yaxis={"automargin": True}, plot_bgcolor="white", paper_bgcolor="white",
    )
    return figure


def funnel_figure(funnel: pd.Series, lang: str) -> go.Figure:
    """Assigned → visited → outcome → submitted → approved, as horizontal bars; the outcome
    stage is one bar stacked by outcome."""
    stages = [t("funnel.assigned", lang), t("funnel.visited", lang), t("funnel.outcome", lang), t("funnel.submitted", lang), t("funnel.approved", lang)]
    figure = go.Figure()
    single = {stages[0]: funnel["assigned"], stages[1]: funnel["visited"], stages[3]: funnel["submitted"], stages[4]: funnel["approved"]}
    figure.add_trace(
        go.Bar(
            y=list(single), x=list(single.values()), orientation="h", marker={"color": BLUE}, showlegend=False,
            text=[format_int(v, lang) for v in single.values()], textposition="auto", hoverinfo="skip",
        )
    )
    outcome_colours = {"found_verified": GREEN, "moved": SKY, "deceased": GREY, "not_found": ORANGE, "refused": VERMILION}
    for code, colour in outcome_colours.items():
        value = funnel[f"outcome_{code}"]
        label = label_of(VISIT_OUTCOME_TERMS, code, lang) if code != "found_verified" else t("funnel.found", lang)
        figure.add_trace(
            go.Bar(
                y=[stages[2]], x=[value], orientation="h", name=label, marker={"color": colour},
                hovertemplate=f"{label}: {format_int(value, lang)}<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack", title={"text": t("funnel.title", lang), "x": 0, "font": {"size": 16}},
        separators=separators(lang), font=PLOT_FONT, margin={"l": 10, "r": 10, "t": 50, "b": 30},
        yaxis={"categoryorder": "array", "categoryarray": stages[::-1], "automargin": True},
        xaxis={"gridcolor": "#eee", "tickformat": ",.0f"}, legend={"orientation": "h", "y": -0.18},
        plot_bgcolor="white", paper_bgcolor="white", uniformtext={"minsize": 11, "mode": "hide"},
    )
    return figure


def data_as_of(moment: dt.datetime, lang: str) -> str:
    return t("status.data_as_of", lang, time=format_datetime(moment, lang))


def outage_notice(data_until: dt.datetime | None, since: dt.datetime, lang: str):
    """The banner over every page while the database is unreachable: how old the figures
    on screen are, and since when the database does not answer."""
    return dbc.Alert(
        t("status.outage", lang, time=format_datetime(data_until, lang), since=format_datetime(since, lang)),
        color="warning", className="database-outage mb-0 rounded-0 text-center", id="database-outage",
    )


__all__ = ["category_figure", "data_as_of", "outage_notice", "funnel_figure", "kpi_row", "progress_figure", "ranking_table", "scale_fonts"]
