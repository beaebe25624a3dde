"""Callbacks of the NSCC wall (``layouts.wall``): thin glue from the data version to the
figures of ``dashboard.figures`` and ``dashboard.alerts``, drawn dark for a wall.

Every panel refreshes on a new data version, whether in front or not, so that the next one
is ready before it shows; with unchanged data nothing is asked (the poll answers "no
change") and a refresh of the maps sends their values only (a ``Patch``). The rotation, the
clock, the age of the data and the warnings run in the browser (clientside), so that they
go on when the server does not answer; ``wall-heartbeat`` tells them whether it does.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
from dash import ALL, Dash, Input, Output, Patch, State, ctx, dcc, html, no_update

from callbacks.overview import draws_tiles, map_regions, region_map_figure
from callbacks.refresh import version_day
from dashboard.access.policy import OutOfScope
from dashboard.alerts import alert_feed, subject_names
from dashboard.alerts.rules import RULES_BY_ID
from dashboard.alerts.wording import detail_text, subject_label
from dashboard.figures.findings import findings_kpis, findings_region_table, row_shares, transition_matrix, transitions
from dashboard.figures.forecast import ScheduleRule, child_forecasts, scope_forecast
from dashboard.figures.training import relation_to_work, training_summary
from dashboard.figures.metrics import get_metric
from dashboard.figures.overview import MIN_RANKED_DENOMINATOR, kpis, progress_series, rank, region_table
from dashboard.figures.quality_report import flag_trend
from dashboard.quality.rules import RULE_IDS
from dashboard.figures.queries import InvalidScope, Level, Scope, region_names, round_dates
from dashboard.formatting import format_date_short, format_decimal, format_int, format_percent, format_percent_delta, region_display_name
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import current_access
from layouts import components, findings, maps, quality
from layouts import training as training_layouts
from layouts.wall import GRAPH_CONFIG, column, kpi, ranked_rows

#: Text on the wall's dark ground (WCAG AAA against it) and the grid lines of its charts.
INK, FAINT_INK, GRID = "#f2f2f2", "#b8b8b8", "#3a3f47"
#: Rows a list of the wall shows: what fits its column at the wall's type size.
ROWS = 8
#: Alerts the ticker runs through (the open ones, most severe and newest first).
TICKER_ALERTS = 20
#: How fast the alerts run: about 100 px a second at 1080p (a character of the ticker is
#: some 15 px wide there), so that an item stays on screen for 15-20 s, read at 5 m.
TICKER_CHARS_PER_SECOND = 6.5
#: Font size of the wall's charts at 1080p (px); ``font-scale`` doubles it at 2160p.
CHART_FONT = 22
#: The tile grid's labels at 1080p (px): six letters of 20 px fit a tile of the wall (1/13
#: of its width, 140 px), read at 5 m (capitals 14 px = 9 mm on a 55" screen: at a glance
#: from closer, legible from there).
TILE_FONT = 20


def _with_regions_below(scope_code: str | None) -> Scope:
    """The scope of a panel of regions (the nation or a province); a kabupaten/kota has no
    regions below it on the wall (its facilitators are not shown there)."""
    scope = Scope.of(scope_code)
    if scope.level == Level.REGENCY:
        raise InvalidScope(f"{scope.code} has no regions below it to map or rank")
    return scope


def darken(figure: go.Figure, scale: float | None) -> go.Figure:
    """A figure of the pages, drawn for the wall: transparent on the dark ground, light
    text and colour bar, larger type."""
    figure.update_layout(
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", font={"color": INK, "size": CHART_FONT},
        legend={"font": {"color": INK, "size": CHART_FONT}}, title=None,
    )
    if figure.layout.annotations:
        for annotation in figure.layout.annotations:
            annotation.font.size = CHART_FONT
            if annotation.font.color in (None, "#333"):
                annotation.font.color = INK
    for trace in figure.data:
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None and getattr(trace, "showscale", True) is not False:
            colorbar.tickfont.color = INK
            colorbar.tickfont.size = CHART_FONT - 2
            colorbar.title.font.color = INK
            colorbar.title.font.size = CHART_FONT - 2
            colorbar.thickness = 18
    figure.update_xaxes(gridcolor=GRID, color=INK, nticks=8)
    figure.update_yaxes(gridcolor=GRID, color=INK)
    scale = scale or 1.0
    if scale != 1.0:  # what scale_fonts leaves: the legend and the lines
        figure.update_layout(legend_font_size=round(CHART_FONT * scale))
        for trace in figure.data:
            line = getattr(trace, "line", None)
            if line is not None and line.width:
                line.width = line.width * scale
        for shape in figure.layout.shapes:
            if shape.line and shape.line.width:
                shape.line.width = shape.line.width * scale
    return components.scale_fonts(figure, scale)


#: The programme whose desil range the wall's findings show: PKH's (desil 1-4), the range
#: of the published figures ("14.3 M still in desil 1-4").
WALL_PROGRAMME = "pkh"


def register(app: Dash, settings: Settings) -> None:
    engine = lambda: get_engine(settings.read_database_url)  # noqa: E731
    cutoffs = settings.programme_cutoffs
    rule = ScheduleRule.of(settings)

    def _dates(version):
        return round_dates(engine(), version["round_id"])

    @app.callback(
        Output("wall-kpis", "children"),
        Input("data-version", "data"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_kpis(version, scope_code, lang):
        if not version:
            return no_update
        scope, day, dates = Scope.of(scope_code), version_day(version), _dates(version)
        forecast = scope_forecast(engine(), version["round_id"], scope, day, dates.start_date, dates.deadline, access=current_access(), rule=rule)
        status = forecast.status.value
        return [
            kpi(t("kpi.completion", lang), format_percent(forecast.completion_pct, lang),
                f"{format_int(forecast.submitted, lang)} / {format_int(forecast.targets, lang)}"),
            kpi(t("wall.plan_today", lang), format_percent(forecast.expected_pct, lang), t("wall.deadline_on", lang, day=format_date_short(dates.deadline, lang))),
            # The unit is in the label: the value is the number with its sign.
            kpi(t("wall.gap_to_plan", lang), format_percent_delta(forecast.gap_points, lang).split()[0], t(f"schedule.{status}", lang), tone=status),
            kpi(t("wall.finish", lang), format_date_short(forecast.finish, lang) if forecast.finish else "—",
                t("wall.by_deadline", lang, value=format_percent(forecast.by_deadline_pct, lang))),
        ]

    def _map(version, scale, scope_code, lang, metric_id, figure, tiles: bool):
        if not version:
            return no_update
        scope = _with_regions_below(scope_code)
        table = region_table(engine(), version["round_id"], scope, version_day(version), access=current_access())
        regions = map_regions(table, metric_id, lang)
        view = "tiles" if tiles else "map"
        if ctx.triggered_id == "data-version" and figure and figure.get("data"):
            return maps.patch_values(Patch(), regions, tiles=draws_tiles(scope, view, settings))
        made = region_map_figure(regions, scope, metric_id, lang, settings, view)
        if not made:
            return no_update
        figure = go.Figure(made)
        if draws_tiles(scope, view, settings):  # the tiles' labels, read from across the room
            figure.update_traces(textfont={"size": TILE_FONT}, selector={"type": "heatmap"})
        return darken(figure, scale)

    @app.callback(
        Output("wall-map", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
        State("wall-metric", "data"),
        State("wall-map", "figure"),
        cache_response=True,
    )
    def update_map(version, scale, scope_code, lang, metric_id, figure):
        return _map(version, scale, scope_code, lang, metric_id, figure, tiles=False)

    @app.callback(
        Output("wall-tiles", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
        State("wall-metric", "data"),
        State("wall-tiles", "figure"),
        cache_response=True,
    )
    def update_tiles(version, scale, scope_code, lang, metric_id, figure):
        return _map(version, scale, scope_code, lang, metric_id, figure, tiles=True)

    def _children_forecasts(version, scope: Scope):
        dates = _dates(version)
        return child_forecasts(engine(), version["round_id"], scope, version_day(version), dates.start_date, dates.deadline,
                               access=current_access(), rule=rule)

    def _names(scope: Scope):
        return region_names(engine(), scope.child_level, scope).map(region_display_name)

    @app.callback(
        Output("wall-ranking", "children"),
        Input("data-version", "data"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_ranking(version, scope_code, lang):
        """Both ends against the plan, always both in view: the regions furthest ahead and
        furthest behind, by points of completion above or below the plan for today."""
        if not version:
            return no_update
        scope = _with_regions_below(scope_code)
        forecasts = _children_forecasts(version, scope)
        # Ranked as the pages rank: with at least MIN_RANKED_DENOMINATOR targets.
        forecasts = forecasts[(forecasts["status"] != "no_targets") & (forecasts["targets"] >= MIN_RANKED_DENOMINATOR)]
        forecasts = forecasts.sort_values("gap_points", ascending=False)
        names = _names(scope)

        def rows(frame):
            return ranked_rows([(names.get(code, code), format_percent_delta(row.gap_points, lang), row.status, t(f"schedule.{row.status}", lang)) for code, row in frame.iterrows()])

        # Both ends always in view: a scope with few regions splits them in half.
        ahead_count = min(ROWS, -(-len(forecasts) // 2))
        ahead = forecasts.head(ahead_count)
        behind = forecasts.iloc[ahead_count:].tail(ROWS).iloc[::-1]
        return [column(t("wall.leaders", lang), rows(ahead)), column(t("wall.laggards", lang), rows(behind))]

    @app.callback(
        Output("wall-quality", "children"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_quality(version, scale, scope_code, lang):
        """The quality figures of the area, and its regions with the most flagged
        submissions (with their count of facilitators at risk: a count, no names)."""
        if not version:
            return no_update
        scope, day = Scope.of(scope_code), version_day(version)
        metric_ids = ("flagged_pct", "first_review_approval_pct", "return_rate", "high_risk")
        figures = {k.metric_id: k for k in kpis(engine(), version["round_id"], scope, day, metric_ids, access=current_access())}
        cards = html.Div([
            kpi(get_metric(m).label(lang), format_int(figures[m].value, lang) if m == "high_risk" else format_percent(figures[m].value, lang))
            for m in metric_ids
        ], className="wall-kpis wall-quality-kpis")
        trend = flag_trend(engine(), version["round_id"], scope, day, access=current_access())
        totals = trend[list(RULE_IDS)].sum()
        rules = darken(quality.rule_totals_figure(totals, lang), scale)
        rules.update_layout(margin={"l": 10, "r": 30, "t": 10, "b": 40})
        if totals.max() < 8:  # whole flags only on the axis
            rules.update_xaxes(dtick=1)
        chart = column(t("wall.flags_by_rule", lang), dcc.Graph(id="wall-quality-rules", figure=rules, config=GRAPH_CONFIG, className="wall-graph"))
        if scope.level == Level.REGENCY:
            return [cards, html.Div([chart], className="wall-quality-body")]
        table = region_table(engine(), version["round_id"], scope, day, access=current_access())
        ranks = rank(table[table["visible"]], "flagged_pct")  # at least MIN_RANKED_DENOMINATOR submissions
        # Rank 1 is the best (the fewest flags): the most flagged are the last ranks.
        table = table.loc[ranks.dropna().sort_values(ascending=False, kind="stable").index].head(ROWS)
        rows = ranked_rows([
            (region_display_name(row.name), format_percent(row.flagged_pct, lang), "flag",
             t("wall.facilitators_at_risk", lang, n=format_int(row.high_risk, lang)) if row.high_risk > 0 else "")
            for row in table.itertuples()
        ])
        return [cards, html.Div([column(t("wall.worst_flagged", lang), rows), chart], className="wall-quality-body wall-quality-two")]

    @app.callback(
        Output("wall-findings", "children"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_findings(version, scale, scope_code, lang):
        """What the check found, for PKH's desil range (the programme of the published
        figures): confirmed errors and the share leaving and entering the range, the
        regions where most leave it, and the transition matrix."""
        if not version:
            return no_update
        scope, day, access = Scope.of(scope_code), version_day(version), current_access()
        cutoff = dict(cutoffs)[WALL_PROGRAMME]
        metric_ids = ("reranked", f"inclusion_confirmed_{WALL_PROGRAMME}", f"exclusion_confirmed_{WALL_PROGRAMME}",
                      f"left_eligibility_pct_{WALL_PROGRAMME}", f"entered_eligibility_pct_{WALL_PROGRAMME}")
        figures = {k.metric_id: k for k in findings_kpis(engine(), version["round_id"], scope, day, metric_ids, access=access, cutoffs=cutoffs)}
        cards = html.Div([
            kpi(get_metric(m).label(lang), components.format_metric(m, figures[m].value, lang)) for m in metric_ids
        ], className="wall-kpis wall-quality-kpis wall-findings-kpis")
        long = transitions(engine(), version["round_id"], scope, day, access=access)
        matrix = transition_matrix(long)
        heat = darken(findings.matrix_figure(matrix, row_shares(matrix), "shares", cutoff, WALL_PROGRAMME, lang), scale)
        # From across the room the colours carry it: a hundred cell labels would be a blur.
        heat.update_traces(texttemplate="", text=None)
        heat.update_xaxes(dtick=1, nticks=None)
        heat.update_yaxes(dtick=1)
        heat.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, title=None)
        chart = column(t("wall.transitions", lang, cutoff=cutoff), dcc.Graph(id="wall-findings-matrix", figure=heat, config=GRAPH_CONFIG, className="wall-graph"))
        if scope.level == Level.REGENCY:
            return [cards, html.Div([chart], className="wall-quality-body")]
        metric_id = f"left_eligibility_pct_{WALL_PROGRAMME}"
        table = findings_region_table(engine(), version["round_id"], scope, day, access=access, cutoffs=cutoffs)
        ranks = rank(table[table["visible"]], metric_id)  # at least MIN_RANKED_DENOMINATOR families
        table = table.loc[ranks.dropna().sort_values().index].head(ROWS)
        rows = ranked_rows([
            (region_display_name(row.name), format_percent(getattr(row, metric_id), lang), "flag",
             t("wall.reranked_n", lang, n=format_int(row.reranked, lang)))
            for row in table.itertuples()
        ])
        return [cards, html.Div([column(t("wall.most_leaving", lang, cutoff=cutoff), rows), chart], className="wall-quality-body wall-quality-two")]

    @app.callback(
        Output("wall-training", "children"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_training(version, scale, scope_code, lang):
        """The training of the area: trained, not yet, instructors, the gain; the regions
        with the most facilitators left to train; completion by post-test band (with its
        interval: an association, not a cause)."""
        if not version:
            return no_update
        scope, day, access = Scope.of(scope_code), version_day(version), current_access()
        summary = training_summary(engine(), version["round_id"], scope, day, access=access)
        if summary.empty:
            return html.Div(t("training.none", lang), className="wall-quiet")
        row = summary.iloc[0]
        # The instructors trained, with those needed under them (two figures side by side
        # would not fit their column at the wall's type size).
        if row.instructors_needed == row.instructors_needed:
            instructors = kpi(t("training.instructors", lang), format_int(row.instructors_trained, lang),
                              t("wall.instructors_needed", lang, n=format_int(row.instructors_needed, lang)))
        else:
            instructors = kpi(t("training.instructors", lang), format_int(row.instructors_teaching, lang), t("wall.instructors_teaching", lang))
        cards = html.Div([
            kpi(t("training.trained", lang), format_percent(row.trained_pct, lang)),
            kpi(t("training.not_trained", lang), format_int(row.not_trained, lang)),
            instructors,
            kpi(t("training.gain", lang), format_decimal(row.gain, lang, 1)),
        ], className="wall-kpis wall-quality-kpis")
        relation = relation_to_work(engine(), version["round_id"], scope, day, access=access)
        chart = darken(training_layouts.relation_figure(relation[relation["facilitators"] > 0], lang), scale)
        chart.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, title=None)
        grow = scale or 1.0
        chart.update_traces(marker_color=INK, marker_size=round(14 * grow), error_y_color=INK, error_y_thickness=round(3 * grow), error_y_width=round(8 * grow))
        graph = column(t("training.relation_figure", lang), dcc.Graph(id="wall-training-relation", figure=chart, config=GRAPH_CONFIG, className="wall-graph"))
        if scope.level == Level.REGENCY:
            return [cards, html.Div([graph], className="wall-quality-body")]
        regions = training_summary(engine(), version["round_id"], scope, day, access=access, by="children")
        names = region_names(engine(), scope.child_level, scope)
        regions = regions[regions["not_trained"] > 0].sort_values(["not_trained", "trained_pct"], ascending=[False, True]).head(ROWS)
        rows = ranked_rows([
            (region_display_name(names.get(code, code)), format_int(r.not_trained, lang), "flag", format_percent(r.trained_pct, lang))
            for code, r in regions.iterrows()
        ])
        return [cards, html.Div([column(t("wall.most_untrained", lang), rows), graph], className="wall-quality-body wall-quality-two")]

    @app.callback(
        Output("wall-progress", "figure"),
        Output("wall-at-risk", "children"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_progress(version, scale, scope_code, lang):
        if not version:
            return no_update, no_update
        scope, day, dates = Scope.of(scope_code), version_day(version), _dates(version)
        series = progress_series(engine(), version["round_id"], scope, day, dates.start_date, dates.deadline, access=current_access())
        forecast = scope_forecast(engine(), version["round_id"], scope, day, dates.start_date, dates.deadline, access=current_access(), rule=rule)
        figure = darken(components.progress_figure(series, lang, dates.deadline, day, "", forecast), scale)
        figure.update_layout(margin={"l": 90, "r": 30, "t": 50, "b": 40}, legend={"y": -0.1})
        if scope.level == Level.REGENCY:
            return figure, None
        forecasts = _children_forecasts(version, scope)
        at_risk = forecasts[forecasts["status"] == "at_risk"].sort_values("by_deadline_pct").head(ROWS)
        names = _names(scope)
        if at_risk.empty:
            return figure, html.P(t("wall.at_risk_none", lang), className="wall-empty")
        body = ranked_rows([(names.get(code, code), format_percent(row.by_deadline_pct, lang), "at_risk", "") for code, row in at_risk.iterrows()])
        count = format_int(int((forecasts["status"] == "at_risk").sum()), lang)
        return figure, column(t("wall.at_risk", lang, n=count), body)

    @app.callback(
        Output("wall-alerts", "children"),
        Output("wall-alerts", "style"),
        Input("data-version", "data"),
        Input("wall-beat", "n_intervals"),
        State("wall-scope", "data"),
        State("page-lang", "data"),
    )
    def update_alerts(version, _beat, scope_code, lang):
        """The open alerts of the area as one running line (on every beat too: alerts
        change without new data). A display account gets no alert about facilitators
        (``alert_feed`` leaves them out)."""
        if not version:
            return no_update, no_update
        scope, access = Scope.of(scope_code), current_access()
        if scope.code and not access.overlaps(scope.code):  # the feed would be empty: say no, not "none"
            raise OutOfScope(f"{scope.code} is outside the area of {access.user}")
        feed = alert_feed(engine(), version["round_id"], scope, access=access, limit=TICKER_ALERTS)
        if feed.empty:
            return [html.Span(t("wall.no_alerts", lang), className="wall-ticker-item wall-ticker-still")], {"animation": "none", "paddingLeft": "0"}
        names = subject_names(engine(), feed)
        items = []
        for row in feed.itertuples():
            rule_label = RULES_BY_ID[row.rule].label(lang) if row.rule in RULES_BY_ID else row.rule
            details = detail_text(row.rule, row.details if isinstance(row.details, dict) else {}, lang)
            items.append(html.Span(f"{rule_label}: {subject_label(row.subject, names)}" + (f" · {details}" if details else ""),
                                   className=f"wall-ticker-item wall-severity-{row.severity}"))
        # A steady reading speed whatever the number of alerts: the line runs its length
        # plus a screen's width at TICKER_CHARS_PER_SECOND.
        characters = sum(len(item.children) + 6 for item in items) + 120
        return items, {"animationDuration": f"{max(30, round(characters / TICKER_CHARS_PER_SECOND))}s"}

    @app.callback(Output("wall-heartbeat", "data"), Input("wall-beat", "n_intervals"))
    def heartbeat(n):
        """The server's time and the beat's number: the browser notes when each beat
        arrives (whether the server answers) and measures the age of the data on the
        server's clock (a wall PC's clock may be off)."""
        return {"n": n or 0, "at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")}

    app.clientside_callback(
        ROTATE_JS,
        Output("wall-active", "data"),
        Output({"type": "wall-panel", "index": ALL}, "className"),
        Output({"type": "wall-panel", "index": ALL}, "aria-hidden"),
        Output({"type": "wall-dot", "index": ALL}, "className"),
        Output("wall-paused", "hidden"),
        Input("wall-tick", "n_intervals"),
        State("wall-active", "data"),
        State("wall-config", "data"),
    )
    app.clientside_callback(
        CLOCK_JS,
        Output("wall-clock", "children"),
        Output("wall-freshness", "children"),
        Output("wall-freshness", "className"),
        Output("wall-warning", "children"),
        Output("wall-warning", "hidden"),
        Input("wall-tick", "n_intervals"),
        State("data-version", "data"),
        State("wall-heartbeat", "data"),
        State("wall-config", "data"),
    )


#: The rotation: every ``cycle`` seconds the next panel comes to the front (all are drawn
#: all the time; only the front one is visible). ``assets/04_wall.js`` pauses it on a key
#: and steps with the arrow keys (``window.__wall``).
#: A pause ends by itself after this long (a wall left paused would stand still for days).
PAUSE_LIMIT_MINUTES = 10

ROTATE_JS = """
function(n, active, config) {
    const PAUSE_LIMIT_MS = __PAUSE_LIMIT_MS__;
    const nu = window.dash_clientside.no_update;
    const panels = (config && config.panels) || [];
    const count = panels.length;
    const wall = window.__wall || (window.__wall = {paused: false, step: 0, shown: Date.now()});
    if (!count) { return [nu, nu, nu, nu, nu]; }
    let index = (typeof active === "number" && active >= 0 && active < count) ? active : 0;
    const cycle = ((config && config.cycle) || 20) * 1000;
    let moved = false;
    if (wall.step) {
        index = ((index + wall.step) % count + count) % count;
        wall.step = 0;
        wall.shown = Date.now();
        moved = true;
    } else if (!wall.paused && count > 1 && Date.now() - wall.shown >= cycle) {
        index = (index + 1) % count;
        // a steady beat (the tick may come up to a second late), unless far behind
        wall.shown = Date.now() - wall.shown < 2 * cycle ? wall.shown + cycle : Date.now();
        moved = true;
    }
    if (wall.paused && Date.now() - (wall.pausedAt || 0) > PAUSE_LIMIT_MS) {  // nobody resumed it: go on
        wall.paused = false;
        wall.shown = Date.now();
    }
    const pausedHidden = !wall.paused;
    const paused = wall.pausedHidden === pausedHidden ? nu : pausedHidden;
    wall.pausedHidden = pausedHidden;
    if (!moved && wall.rendered === index) {
        return [nu, nu, nu, nu, paused];
    }
    wall.rendered = index;
    return [
        index,
        panels.map((_, i) => "wall-panel" + (i === index ? " wall-panel-active" : "")),
        panels.map((_, i) => i === index ? "false" : "true"),
        panels.map((_, i) => "wall-dot" + (i === index ? " wall-dot-active" : "")),
        paused,
    ];
}
""".replace("__PAUSE_LIMIT_MS__", str(PAUSE_LIMIT_MINUTES * 60 * 1000))

#: The clock (WIB), the age of the data with its colour, and the warnings: data that stopped
#: (older than ``stale_minutes``), a database that does not answer (the poll marks the
#: version with ``outage_since``), a server that does not answer (no heartbeat for three
#: refresh intervals). Times are the server's (its last heartbeat plus the time since it
#: arrived), so a wall PC whose clock is off still shows the right age. The figures stay on
#: screen whatever happens.
CLOCK_JS = """
function(n, version, beat, config) {
    const c = config || {};
    const texts = c.texts || {};
    const id = c.lang !== "en";
    const wall = window.__wall || (window.__wall = {paused: false, step: 0, shown: Date.now()});
    const local = Date.now();
    const mono = performance.now();  // not moved by a change of the PC's clock
    const utc = (text) => text ? Date.parse(text.endsWith("Z") ? text : text + "Z") : NaN;
    if (beat && (!wall.beat || wall.beat.n !== beat.n || wall.beat.at !== beat.at)) {
        wall.beat = {n: beat.n, at: beat.at, arrived: mono, offset: utc(beat.at) - local};
    }
    const now = local + ((wall.beat && isFinite(wall.beat.offset)) ? wall.beat.offset : 0);
    const wib = (ms) => new Date(ms + 7 * 3600 * 1000);
    const two = (v) => String(v).padStart(2, "0");
    const hm = (ms) => { const d = wib(ms); return two(d.getUTCHours()) + (id ? "." : ":") + two(d.getUTCMinutes()); };
    const months = id ? ["Jan","Feb","Mar","Apr","Mei","Jun","Jul","Agu","Sep","Okt","Nov","Des"]
                      : ["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"];
    const day = (ms) => { const d = wib(ms); return d.getUTCDate() + " " + months[d.getUTCMonth()]; };
    const clock = hm(now) + " WIB";
    if (!version || !version.data_until) {
        return [clock, "", "wall-freshness", "", true];
    }
    const until = utc(version.data_until);
    const age = Math.max(0, Math.round((now - until) / 60000));
    const stale = c.stale_minutes || 60;
    const tone = age >= stale ? "stale" : (age >= stale / 2 ? "ageing" : "fresh");
    const freshness = (texts.data_as_of || "") + " " + day(until) + " " + hm(until) + " WIB";
    const refresh = (c.refresh_seconds || 60) * 1000;
    const since = wall.beat ? wall.beat.arrived : (wall.opened || (wall.opened = mono));
    let warning = "";
    if (mono - since > 3 * refresh + 5000) {
        warning = (texts.server_down || "").replace("{time}", hm(now - (mono - since)) + " WIB");
    } else if (version.outage_since) {
        warning = (texts.database_down || "").replace("{time}", hm(utc(version.outage_since)) + " WIB");
    } else if (tone === "stale") {
        const ago = age >= 120 ? (texts.hours || "{n} h").replace("{n}", String(Math.floor(age / 60)))
                               : (texts.minutes || "{n} min").replace("{n}", String(age));
        warning = (texts.stale || "").replace("{time}", day(until) + " " + hm(until) + " WIB").replace("{ago}", ago);
    }
    return [clock, freshness, "wall-freshness wall-" + (warning ? "stale" : tone), warning, !warning];
}
"""
