"""Callbacks of the overview pages (nation and province): thin glue from the inputs to
``dashboard.figures.overview`` and the figure builders of ``layouts``."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, Patch, State, ctx, no_update

from callbacks.refresh import version_day
from dashboard.alerts import alert_counts
from dashboard.figures.data_health import excluded_visits
from dashboard.figures.forecast import ScheduleRule, ScheduleStatus, child_forecasts, scope_forecast
from dashboard.figures.metrics import get_metric
from dashboard.figures.overview import category_split, funnel, kpis, progress_series, rank, region_table
from dashboard.figures.queries import Level, Scope, region_names, round_dates
from dashboard.formatting import format_date, format_percent, region_display_name
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import current_access
from geodata import boundaries_available, province_bounds
from layouts import components, maps
from layouts.frame import page_href

PROVINCES_URL = "/geodata/provinces.geojson"


def _region_hover(table, metric_id: str, lang: str) -> list[str]:
    """The map's hover: the chosen metric first, then the context figures it is not."""
    metric = get_metric(metric_id)
    context = [m for m in ("targets", "submitted", "completion_pct", "active_facilitators_7d_pct") if m != metric_id]
    return [
        f"<b>{components.hover_text(region_display_name(row.name))}</b><br>{metric.label(lang)}: <b>{components.format_metric(metric_id, getattr(row, metric_id), lang)}</b>"
        + "".join(f"<br>{get_metric(m).label(lang)}: {components.format_metric(m, getattr(row, m), lang)}" for m in context)
        if row.visible
        else components.outside_hover(region_display_name(row.name), lang)
        for row in table.itertuples()
    ]


def map_regions(table, metric_id: str, lang: str, hover=_region_hover):
    """The rows ``layouts.maps`` draws: code, name, value, ``hover(table, metric_id,
    lang)`` (the figures around the metric differ by page) and ``tile_value``, the value
    as a tile of the tile grid writes it."""
    regions = table[["name"]].copy()
    regions["code"] = table.index
    regions["value"] = table[metric_id]
    regions["hover"] = hover(table, metric_id, lang)
    regions["tile_value"] = [components.format_metric(metric_id, v, lang) for v in table[metric_id]]
    return regions.reset_index(drop=True)


#: The schedule map's categories, best first: value ``i`` of the map is ``SCHEDULE_MAP_ORDER[i]``
#: (a region without targets has none, and is grey).
SCHEDULE_MAP_ORDER = (ScheduleStatus.DONE, ScheduleStatus.ON_SCHEDULE, ScheduleStatus.BEHIND, ScheduleStatus.AT_RISK)


def schedule_regions(table, forecasts, lang: str):
    """The rows ``layouts.maps`` draws for the schedule view: each region's schedule status
    (from ``forecasts``, :func:`child_forecasts` of the regions the user may see) as its
    value, its forecast in the hover, the status in words on its tile."""
    status = forecasts["status"].reindex(table.index)
    regions = table[["name"]].copy()
    regions["code"] = table.index
    regions["value"] = status.map({s.value: i for i, s in enumerate(SCHEDULE_MAP_ORDER)}).astype(float)
    hover = []
    for row in table.itertuples():
        if not row.visible or row.Index not in forecasts.index:
            hover.append(components.outside_hover(region_display_name(row.name), lang))
            continue
        f = forecasts.loc[row.Index]
        hover.append(
            f"<b>{components.hover_text(region_display_name(row.name))}</b><br>{t('forecast.status', lang)}: <b>{t(f'schedule.{f.status}', lang)}</b>"
            f"<br>{t('kpi.completion', lang)}: {format_percent(f.completion_pct, lang)}"
            f"<br>{t('forecast.expected', lang)}: {format_percent(f.expected_pct, lang)}"
            f"<br>{t('forecast.by_deadline', lang)}: {format_percent(f.by_deadline_pct, lang)}"
            f"<br>{t('forecast.finish', lang)}: {format_date(f.finish, lang) if f.finish else t('forecast.never', lang)}"
        )
    regions["hover"] = hover
    regions["tile_value"] = [t(f"schedule.{s}", lang) if isinstance(s, str) and s != ScheduleStatus.NO_TARGETS else "" for s in status]
    return regions.reset_index(drop=True)


def draws_tiles(scope: Scope, view: str | None, settings: Settings) -> bool:
    """Whether the map of ``scope`` is the provinces' tile grid: when chosen (``view``),
    or when there are no boundary files to draw their map."""
    return scope.level == Level.NATIONAL and (view == "tiles" or not boundaries_available(settings.geodata_dir))


def region_map_figure(regions, scope: Scope, metric_id: str, lang: str, settings: Settings, view: str | None = None) -> dict:
    """The map of the child regions of ``scope`` coloured by ``metric_id``: the provinces
    (their labelled tile grid when ``view`` is ``"tiles"`` or there are no boundary
    files), or a province's kabupaten/kota fitted to it (nothing without boundary files:
    the ranking beside the map carries the figures)."""
    metric = get_metric(metric_id)
    low, high = metric.colour_range or (None, None)
    options = {
        "legend_title": metric.heading(lang),
        "higher_is_better": metric.higher_is_better,
        "zmin": low,
        "zmax": high,
        "no_data_label": t("common.no_data", lang),
        "separators": components.separators(lang),
    }
    if view == "schedule":
        options.update(
            legend_title=t("forecast.status", lang), higher_is_better=None,
            **maps.discrete_scale([components.SCHEDULE_COLOURS[s] for s in SCHEDULE_MAP_ORDER]),
            ticks=(list(range(len(SCHEDULE_MAP_ORDER))), [t(f"schedule.{s.value}", lang) for s in SCHEDULE_MAP_ORDER]),
        )
    if draws_tiles(scope, view, settings):
        return maps.tile_grid_figure(regions, **options)
    if scope.level == Level.NATIONAL:
        return maps.choropleth_figure(regions, geojson_url=PROVINCES_URL, **options)
    if not boundaries_available(settings.geodata_dir):
        return {}
    return maps.choropleth_figure(
        regions,
        geojson_url=f"/geodata/regencies/{scope.code}.geojson",
        bounds=province_bounds(settings.geodata_dir)[scope.code],
        line_width=0.3,
        **options,
    )


#: The full ranking's dialog opens on its button (dbc.Modal closes itself).
OPEN_DIALOG_JS = "function(n) { return n > 0; }"


def register(app: Dash, settings: Settings) -> None:
    engine = lambda: get_engine(settings.read_database_url)  # noqa: E731
    app.clientside_callback(OPEN_DIALOG_JS, Output("overview-ranking-all", "is_open"), Input("overview-ranking-open", "n_clicks"), prevent_initial_call=True)

    @app.callback(
        Output("overview-map", "figure"),
        Input("overview-metric", "value"),
        Input("overview-map-view", "value"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("overview-scope", "data"),
        State("page-lang", "data"),
        State("overview-map", "figure"),
        cache_response=True,
    )
    def update_map(metric_id, view, version, scale, scope_code, lang, figure):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        table = region_table(engine(), version["round_id"], scope, version_day(version), access=current_access())
        if view == "schedule":
            dates = round_dates(engine(), version["round_id"])
            forecasts = child_forecasts(
                engine(), version["round_id"], scope, version_day(version), dates.start_date, dates.deadline,
                access=current_access(), rule=ScheduleRule.of(settings),
            )
            regions = schedule_regions(table, forecasts, lang)
        else:
            regions = map_regions(table, metric_id, lang)
        if ctx.triggered_id == "data-version" and figure:
            return maps.patch_values(Patch(), regions, tiles=draws_tiles(scope, view, settings))
        figure = region_map_figure(regions, scope, metric_id, lang, settings, view)
        return components.scale_fonts(figure, scale) if figure else figure

    @app.callback(
        Output("overview-kpis", "children"),
        Output("overview-message", "children"),
        Input("data-version", "data"),
        State("overview-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_kpis(version, scope_code, lang):
        if not version:
            return None, dbc.Alert(t("status.no_round", lang), color="warning")
        access = current_access()
        scope = Scope.of(scope_code)
        day = version_day(version)
        cards = components.kpi_row(kpis(engine(), version["round_id"], scope, day, access=access), lang)
        notes = [
            components.context_note(lang) if not access.sees_area(scope.code) else None,
            components.excluded_note(excluded_visits(engine(), version["round_id"], scope, day, access=access), lang),
        ]
        return cards, [n for n in notes if n is not None] or None

    @app.callback(
        Output("overview-progress", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("overview-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_progress(version, scale, scope_code, lang):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        dates = round_dates(engine(), version["round_id"])
        day = version_day(version)
        series = progress_series(engine(), version["round_id"], scope, day, dates.start_date, dates.deadline, access=current_access())
        if scope.level == Level.NATIONAL:
            region = t("region.national", lang)
        else:
            parent = Scope.national() if scope.level == Level.PROVINCE else Scope.of(scope.province_code)
            name = region_names(engine(), scope.level, parent).get(scope.code, scope.code)
            region = components.hover_text(region_display_name(name))
        forecast = _forecast(version, scope, day, dates)
        title = t("progress.title_for", lang, region=region)
        figure = components.progress_figure(series, lang, dates.deadline, day, title, forecast)
        return components.scale_fonts(figure, scale)

    def _forecast(version, scope: Scope, day, dates):
        return scope_forecast(
            engine(), version["round_id"], scope, day, dates.start_date, dates.deadline, access=current_access(),
            rule=ScheduleRule.of(settings),
        )

    @app.callback(
        Output("overview-forecast", "children"),
        Input("data-version", "data"),
        State("overview-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_forecast(version, scope_code, lang):
        if not version:
            return None
        scope = Scope.of(scope_code)
        dates = round_dates(engine(), version["round_id"])
        forecast = _forecast(version, scope, version_day(version), dates)
        return components.forecast_summary(forecast, lang, page_href("/sumber-data", lang) + "#definisi-jadwal")

    @app.callback(
        Output("overview-alerts", "children"),
        Input("data-version", "data"),
        Input("refresh-timer", "n_intervals"),
        State("overview-scope", "data"),
        State("page-lang", "data"),
    )
    def update_alerts(version, _tick, scope_code, lang):
        """The open alerts of the area in one line: how many of each severity, and the link
        to their page. On every poll and not from the figure cache: alerts change without
        new data (``manage alerts`` notices that data stopped), and one GROUP BY is cheap."""
        if not version:
            return None
        scope, access = Scope.of(scope_code), current_access()
        access.require_total(scope.code)
        counts = alert_counts(engine(), version["round_id"], scope, access=access)
        return components.alerts_line(counts, lang,
                                      page_href("/peringatan" + (f"/{scope.code}" if scope.code else ""), lang, None, version.get("pinned")))

    @app.callback(
        Output("overview-ranking", "children"),
        Output("overview-ranking-full", "children"),
        Input("data-version", "data"),
        Input("overview-metric", "value"),
        State("overview-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_ranking(version, metric_id, scope_code, lang):
        if not version:
            return no_update, no_update
        scope = Scope.of(scope_code)
        table = region_table(engine(), version["round_id"], scope, version_day(version), access=current_access())
        table = table[table["visible"]]
        table["name"] = table["name"].map(region_display_name)
        label = t("region.province" if scope.level == Level.NATIONAL else "region.regency", lang)
        page = "/provinsi/" if scope.level == Level.NATIONAL else "/kabkota/"
        pinned = version.get("pinned")
        links = {code: page_href(page + code, lang, metric_id, pinned) for code in table.index}
        ranks = rank(table, metric_id)
        dates = round_dates(engine(), version["round_id"])
        schedule = child_forecasts(
            engine(), version["round_id"], scope, version_day(version), dates.start_date, dates.deadline,
            access=current_access(), rule=ScheduleRule.of(settings),
        )["status"]
        return (
            components.leaders_and_laggards(table, ranks, metric_id, lang, links, label),
            [
                components.ranking_table(table, ranks, metric_id, lang, "overview-ranking-table", label, links, schedule=schedule),
                components.unranked_note(ranks, lang),
            ],
        )

    @app.callback(
        Output("overview-export-csv", "href"),
        Output("overview-export-xlsx", "href"),
        Input("overview-metric", "value"),
        Input("data-version", "data"),
        State("overview-scope", "data"),
        State("page-lang", "data"),
    )
    def export_links(metric_id, version, scope_code, lang):
        """The download links of the ranking (none for an account that may not download,
        or a scope outside its area)."""
        access = current_access()
        access.require_total(Scope.of(scope_code).code)
        if not access.may_download:
            return None, None
        pinned = (version or {}).get("pinned")
        query = urlencode(
            {"lang": lang, "metric": metric_id, **({"parent": scope_code} if scope_code else {}), **({"round": pinned} if pinned else {})}
        )
        return f"/export/regions.csv?{query}", f"/export/regions.xlsx?{query}"

    @app.callback(
        Output("overview-categories", "figure"),
        Output("overview-funnel", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("overview-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_split_and_funnel(version, scale, scope_code, lang):
        if not version:
            return no_update, no_update
        scope, day = Scope.of(scope_code), version_day(version)
        access = current_access()
        split = category_split(engine(), version["round_id"], scope, day, access=access)
        steps = funnel(engine(), version["round_id"], scope, day, access=access)
        return (
            components.scale_fonts(components.category_figure(split, lang), scale),
            components.scale_fonts(components.funnel_figure(steps, lang), scale),
        )

    @app.callback(
        Output("url", "href"),
        Input("overview-map", "clickData"),
        State("overview-scope", "data"),
        State("overview-metric", "value"),
        State("page-lang", "data"),
        State("data-version", "data"),
        prevent_initial_call=True,
    )
    def click_region(click, scope_code, metric_id, lang, version):
        """A click on a region of the map opens its page (province, or kabupaten/kota)."""
        code = maps.clicked_region(click)
        if not code or not current_access().sees_total(code):
            return no_update  # a grey region outside the user's area opens nothing
        page = "/provinsi/" if Scope.of(scope_code).level == Level.NATIONAL else "/kabkota/"
        return page_href(page + code, lang, metric_id, (version or {}).get("pinned"))
