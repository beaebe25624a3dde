"""The facilitator page (``/pendamping/<id>``): caseload and progress, visits per day over the
round, the outcome mix and the review results; the fabrication-risk score with the signals
that raised it, and the list of quality flags. No family is identified: flags name a
target by its pseudonymous code only (what a supervisor needs to send someone back)."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html

from dashboard.figures.facilitators import FacilitatorProfile
from dashboard.figures.metrics import get_metric
from dashboard.formatting import format_date, format_decimal, format_int, format_percent
from dashboard.i18n import t
from dashboard.quality.risk import SIGNALS_BY_ID
from dashboard.quality.rules import RULES_BY_ID
from dashboard.vocabulary import TARGET_CATEGORY_TERMS, VISIT_OUTCOME_TERMS, label_of
from layouts import components
from layouts.frame import page_frame
from layouts.overview import breadcrumb


def layout(facilitator_id: str, lang: str, refresh_seconds: int, *, path: str, heading: str, trail: list, **frame) -> html.Div:
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="facilitator-id", data=facilitator_id),
        breadcrumb(trail),
        html.H1(heading, className="h3 mb-1"),
        html.Div(id="facilitator-summary", className="text-muted mb-3"),
        html.Div(id="facilitator-content"),
        html.P(t("facilitator.privacy", lang), className="small text-muted"),
    ]
    return page_frame(lang, path, content, refresh_seconds, **frame)


def _card(label: str, value: str, note: str = "") -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody([html.Div(label, className="kpi-label"), html.Div(value, className="kpi-value"), html.Div(note, className="kpi-delta text-muted")]),
            className="kpi-card h-100",
        ),
        xs=6, md=4, xl=True, className="mb-3",
    )


def summary(profile: FacilitatorProfile, lang: str) -> str:
    parts = [f"{t('facilitator.districts', lang)}: {profile.districts}"]
    if profile.coordinator:
        parts.append(f"{t('facilitator.coordinator', lang)}: {profile.coordinator}")
    return " · ".join(parts)


def content(profile: FacilitatorProfile, lang: str, scale: float | None, deadline: dt.date, day: dt.date) -> list:
    """KPI cards, progress against the plan, visits per day, outcomes and target types."""
    f = profile.figures
    last = format_date(f["last_visit_day"], lang) if pd.notna(f["last_visit_day"]) else "—"
    cards = dbc.Row(
        [
            _card(t("facilitator.caseload", lang), format_int(f["targets"], lang)),
            _card(get_metric("visited").label(lang), format_int(f["visited"], lang)),
            _card(get_metric("submitted").label(lang), format_int(f["submitted"], lang)),
            _card(
                get_metric("completion_pct").label(lang),
                format_percent(f["completion_pct"], lang),
                # The schedule by the one rule of every region (dashboard.figures.forecast).
                f"{t('progress.plan', lang)}: {format_percent(f['plan_pct'], lang)} · {t('schedule.' + str(f['schedule']), lang)}",
            ),
            _card(get_metric("approved").label(lang), format_int(f["approved"], lang), f"{get_metric('approval_pct').label(lang)}: {format_percent(f['approval_pct'], lang)}"),
            _card(get_metric("returned").label(lang), format_int(f["returned"], lang)),
            _card(t("facilitator.last_visit", lang), last, f"{t('facilitator.days_idle', lang)}: {format_int(f['days_idle'], lang)}"),
        ],
        className="g-3",
    )
    progress = components.progress_figure(profile.progress, lang, deadline, day, t("progress.title", lang), profile.forecast)
    graphs = dbc.Row(
        [
            dbc.Col(_graph_card(progress, scale, "progress-graph"), xl=6, className="mb-3"),
            dbc.Col(_graph_card(daily_figure(profile.daily, lang), scale, "progress-graph"), xl=6, className="mb-3"),
            dbc.Col(_graph_card(outcome_figure(profile.outcomes, lang), scale, "small-graph"), xl=6, className="mb-3"),
            dbc.Col(_graph_card(category_counts_figure(profile.categories, lang), scale, "small-graph"), xl=6, className="mb-3"),
        ],
        className="g-3",
    )
    return [cards, graphs]


def findings_section(found: pd.Series, programme: str, cutoff: int, lang: str, href: str) -> html.Div:
    """What this facilitator's visits found, for one programme's range (PKH's by default):
    the families re-ranked, the errors confirmed, those leaving the range; the kabupaten/kota's
    findings page has the rest."""
    metric = lambda kind: f"{kind}_{programme}"  # noqa: E731
    cards = dbc.Row(
        [
            _card(get_metric("reranked").label(lang), format_int(found["reranked"], lang)),
            _card(get_metric(metric("inclusion_confirmed")).label(lang), format_int(found[metric("inclusion_confirmed")], lang),
                  f"{format_percent(found[metric('inclusion_confirmed_pct')], lang)} · {t('findings.of_reranked', lang, n=format_int(found['inclusion_reranked'], lang))}"),
            _card(get_metric(metric("exclusion_confirmed")).label(lang), format_int(found[metric("exclusion_confirmed")], lang),
                  f"{format_percent(found[metric('exclusion_confirmed_pct')], lang)} · {t('findings.of_reranked', lang, n=format_int(found['exclusion_reranked'], lang))}"),
            _card(get_metric(metric("left_eligibility_pct")).label(lang), format_percent(found[metric("left_eligibility_pct")], lang),
                  t("findings.left_of", lang, left=format_int(found[metric("left")], lang), n=format_int(found[metric("eligible_before")], lang), cutoff=cutoff)),
        ],
        className="g-3",
    )
    return html.Div(
        [
            html.H2(t("findings.facilitator_title", lang), className="h5 mt-2"),
            cards,
            html.P(html.A(t("findings.more", lang), href=href), className="small mb-3"),
        ],
        id="facilitator-findings",
    )


def training_section(classes: pd.DataFrame, lang: str, href: str) -> html.Div:
    """Their training: each class held (day, on time or make-up, present or absent, the
    instructors), the pre- and post-test; or that they have not been trained yet."""
    present = classes[classes["attended"] & classes["post"].notna()]
    if len(present):
        first = present.iloc[0]
        cards = dbc.Row([
            _card(t("training.post", lang), format_int(first["post"], lang),
                  t("training.pre_was_one", lang, pre=format_int(first["pre"], lang)) if first["pre"] == first["pre"] and first["pre"] is not None else ""),
            _card(t("training.gain", lang), format_int(first["post"] - first["pre"], lang) if first["pre"] == first["pre"] and first["pre"] is not None else "—"),
            _card(t("training.class", lang), format_date(first["held_on"], lang),
                  t("training.late" if first["late"] else "training.on_time", lang) + (f" · {first['instructors']}" if first["instructors"] else "")),
        ], className="g-3")
    else:
        cards = html.P(t("training.not_trained_facilitator", lang), className="fw-semibold")
    absences = classes[~classes["attended"]]
    note = [html.P(t("training.absent_on", lang, days=", ".join(format_date(d, lang) for d in absences["held_on"])), className="small text-muted mb-1")] if len(absences) else []
    return html.Div(
        [html.H2(t("training.facilitator_title", lang), className="h5 mt-2"), cards, *note,
         html.P(html.A(t("training.more", lang), href=href), className="small mb-3")],
        id="facilitator-training",
    )


def _graph_card(figure: go.Figure, scale: float | None, size: str) -> dbc.Card:
    return dbc.Card(dbc.CardBody(dcc.Graph(figure=components.scale_fonts(figure, scale), className=size, config={"displaylogo": False})), className="shadow-sm h-100")


def _bar_layout(figure: go.Figure, title: str, lang: str) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "font": {"size": 16}}, separators=components.separators(lang), font=components.PLOT_FONT,
        margin={"l": 10, "r": 10, "t": 50, "b": 30}, plot_bgcolor="white", paper_bgcolor="white",
        xaxis={"gridcolor": "#eee"}, yaxis={"automargin": True, "gridcolor": "#eee"}, legend={"orientation": "h", "y": -0.15},
    )
    return figure


def _count_axis(values) -> dict:
    """An axis of counts: whole numbers only (never a tick at half a visit)."""
    highest = float(np.nanmax(values)) if np.size(values) else 0.0
    return {"tickformat": ",d", "rangemode": "tozero", **({"dtick": 1} if highest <= 6 else {})}


def daily_figure(daily: pd.DataFrame, lang: str) -> go.Figure:
    """Visits, approvals and returns on every day of the round so far (the days without a
    visit too: a gap is news), whole numbers on the axis."""
    figure = go.Figure()
    days = list(daily["day"])
    figure.add_trace(go.Bar(x=days, y=daily["started"], name=get_metric("visited").label(lang), marker={"color": components.BLUE}))
    figure.add_trace(go.Bar(x=days, y=daily["approved"], name=get_metric("approved").label(lang), marker={"color": components.GREEN}))
    figure.add_trace(go.Bar(x=days, y=daily["returned"], name=get_metric("returned").label(lang), marker={"color": components.VERMILION}))
    figure.update_layout(
        barmode="group",
        xaxis=components.date_ticks(days, lang),
        yaxis=_count_axis(daily[["started", "approved", "returned"]].to_numpy()),
    )
    return _bar_layout(figure, t("facilitator.daily_title", lang), lang)


def outcome_figure(outcomes: pd.Series, lang: str) -> go.Figure:
    labels = [label_of(VISIT_OUTCOME_TERMS, code, lang) for code in outcomes.index]
    figure = go.Figure(go.Bar(y=labels, x=outcomes.values, orientation="h", marker={"color": components.BLUE},
                              text=[format_int(v, lang) for v in outcomes.values], textposition="auto"))
    figure.update_layout(xaxis=_count_axis(outcomes.to_numpy()))
    return _bar_layout(figure, t("facilitator.outcomes_title", lang), lang)


def category_counts_figure(categories: pd.Series, lang: str) -> go.Figure:
    labels = [label_of(TARGET_CATEGORY_TERMS, code, lang) for code in categories.index]
    figure = go.Figure(go.Bar(y=labels, x=categories.values, orientation="h", marker={"color": components.ORANGE},
                              text=[format_int(v, lang) for v in categories.values], textposition="auto"))
    figure.update_layout(xaxis=_count_axis(categories.to_numpy()))
    return _bar_layout(figure, t("target.type", lang), lang)


def _signal_value(signal_id: str, value, lang: str) -> str:
    if value is None or value != value:
        return "—"
    unit = SIGNALS_BY_ID[signal_id].unit
    if signal_id == "peer_distance":
        # A distance beyond what chance gives (``risk._peer_distance``): closer than chance
        # is shown as none, not as a negative distance.
        value = max(float(value), 0.0)
    if unit == "metres":
        return f"{format_int(value, lang)} m"
    if unit == "correlation":
        return format_decimal(float(value), lang, 2)
    if unit in ("visits", "desil"):
        return format_decimal(float(value), lang, 1)
    if unit == "ratio":
        return f"×{format_decimal(float(value), lang, 1)}"
    return format_percent(float(value) * 100, lang)


def _flag_detail(rule: str, value, lang: str) -> str:
    if value is None or value != value:
        return ""
    if rule == "short_interview":
        return t("quality.detail_minutes", lang, n=format_decimal(value / 60, lang, 1))
    if rule == "implausible_hour":
        return t("quality.detail_hour", lang, n=int(value))
    if rule in ("gps_duplicate", "pln_reused"):
        return t("quality.detail_group", lang, n=int(value))
    if rule == "too_many_per_day":
        return t("quality.detail_day", lang, n=int(value))
    return ""


def quality_section(risk: pd.Series | None, signals: pd.DataFrame | None, flags: pd.DataFrame, lang: str, min_interviews: int) -> dbc.Row:
    """The risk card (score, and each signal beside the peers' typical value and its points) and the flag list."""
    if risk is None or risk["score"] is None or risk["score"] != risk["score"]:
        interviews = 0 if risk is None else int(risk["interviews"])
        risk_body = [html.P(t("quality.risk_unscored", lang, n=format_int(interviews, lang), min=min_interviews), className="mb-0")]
    else:
        high = bool(risk["high_risk"])
        badge = dbc.Badge(t("quality.risk_high" if high else "quality.risk_low", lang), color="danger" if high else "success", className="ms-2")
        rows = [
            html.Tr(
                [
                    html.Td(SIGNALS_BY_ID[r.signal].label(lang)),
                    html.Td(_signal_value(r.signal, r.value, lang), className="text-end"),
                    html.Td(_signal_value(r.signal, r.peer, lang), className="text-end"),
                    html.Td(f"+{format_decimal(r.strength, lang, 0 if r.strength >= 1 else 1)}" if r.raised else "", className="text-end signal-raised"),
                ],
                className="signal-raised" if r.raised else None,
            )
            for r in signals.itertuples()
        ]
        risk_body = [
            html.Div([html.Span(format_decimal(risk["score"], lang, 0), className="kpi-value", id="facilitator-risk-score"), badge], className="mb-2"),
            dbc.Table(
                [
                    html.Thead(html.Tr([html.Th(t("quality.signal", lang)), html.Th(t("quality.value", lang), className="text-end"),
                                        html.Th(t("quality.peer", lang), className="text-end"), html.Th(t("quality.raised", lang), className="text-end")])),
                    html.Tbody(rows),
                ],
                size="sm",
                className="mb-0",
                id="facilitator-risk-signals",
            ),
        ]
    if flags.empty:
        flag_list = html.P(t("quality.flags_none", lang), className="mb-0")
    else:
        records = [
            {
                "target_code": row.target_code,
                "rule": RULES_BY_ID[row.rule].label(lang),
                "day": format_date(row.day, lang),
                "detail": _flag_detail(row.rule, row.value, lang),
            }
            for row in flags.itertuples()
        ]
        flag_list = dash_table.DataTable(
            id="facilitator-flags",
            data=records,
            columns=[
                {"name": t("quality.target", lang), "id": "target_code"},
                {"name": t("quality.rule", lang), "id": "rule"},
                {"name": t("quality.day", lang), "id": "day"},
                {"name": t("quality.detail", lang), "id": "detail"},
            ],
            page_size=10,
            sort_action="native",
            filter_action="native",
            filter_options={"case": "insensitive", "placeholder_text": "…"},
            style_as_list_view=True,
            style_cell={"fontFamily": components.PLOT_FONT["family"], "fontSize": "0.95rem", "padding": "4px 8px", "textAlign": "left"},
            style_header={"fontWeight": "600", "backgroundColor": "#f3f5f8"},
        )
    return dbc.Row(
        [
            dbc.Col(dbc.Card(dbc.CardBody([html.H2(t("quality.risk_title", lang), className="h5"), *risk_body]), className="shadow-sm h-100"), xl=5, className="mb-3"),
            dbc.Col(
                dbc.Card(dbc.CardBody([html.H2(f"{t('quality.flags_title', lang)} ({format_int(len(flags), lang)})", className="h5"), flag_list]), className="shadow-sm h-100"),
                xl=7,
                className="mb-3",
            ),
        ],
        className="g-3",
    )
