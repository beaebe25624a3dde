"""Callbacks of the national page: thin glue from the inputs to ``dashboard.overview`` and
the figure builders of ``layouts``."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, Patch, State, ctx, no_update

from dashboard.database import get_engine
from dashboard.formatting import format_int, format_percent, region_display_name
from dashboard.i18n import t
from dashboard.metrics import get_metric
from dashboard.overview import category_split, funnel, kpis, progress_series, rank, region_table
from dashboard.queries import Scope, round_dates
from dashboard.settings import Settings
from geodata import boundaries_available
from layouts import components, maps

PROVINCES_URL = "/geodata/provinces.geojson"


def _region_hover(table, metric_id: str, lang: str) -> list[str]:
    metric = get_metric(metric_id)
    lines = []
    for row in table.itertuples():
        value = getattr(row, metric_id)
        lines.append(
            f"<b>{region_display_name(row.name)}</b><br>{metric.label(lang)}: <b>{components.format_metric(metric_id, value, lang)}</b>"
            f"<br>{get_metric('targets').label(lang)}: {format_int(row.targets, lang)}"
            f"<br>{get_metric('submitted').label(lang)}: {format_int(row.submitted, lang)}"
            f"<br>{get_metric('completion_pct').label(lang)}: {format_percent(row.completion_pct, lang)}"
            f"<br>{get_metric('active_facilitators_7d_pct').label(lang)}: {format_percent(row.active_facilitators_7d_pct, lang)}"
        )
    return lines


def map_regions(table, metric_id: str, lang: str):
    regions = table[["name"]].copy()
    regions["code"] = table.index
    regions["value"] = table[metric_id]
    regions["hover"] = _region_hover(table, metric_id, lang)
    return regions.reset_index(drop=True)


def register(app: Dash, settings: Settings) -> None:
    engine = lambda: get_engine(settings.database_url)  # noqa: E731

    def day_of(version) -> dt.date:
        from dashboard.rollups import day_of as wib_day

        return wib_day(dt.datetime.fromisoformat(version["data_until"]))

    @app.callback(
        Output("national-map", "figure"),
        Input("national-metric", "value"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("page-lang", "data"),
        State("national-map", "figure"),
    )
    def update_map(metric_id, version, scale, lang, figure):
        if not version:
            return no_update
        table = region_table(engine(), version["round_id"], Scope.national(), day_of(version))
        regions = map_regions(table, metric_id, lang)
        metric = get_metric(metric_id)
        if ctx.triggered_id == "data-version" and figure:
            return maps.patch_values(Patch(), regions)
        legend = f"{metric.label(lang)} ({'%' if metric.unit == 'percent' else ''})".replace(" ()", "")
        options = {
            "legend_title": legend,
            "higher_is_better": metric.higher_is_better,
            "no_data_label": t("common.no_data", lang),
            "separators": components.separators(lang),
        }
        if boundaries_available(settings.geodata_dir):
            figure = maps.choropleth_figure(regions, geojson_url=PROVINCES_URL, **options)
        else:
            figure = maps.tile_grid_figure(regions, **options)
        return components.scale_fonts(figure, scale)

    @app.callback(Output("national-kpis", "children"), Output("national-message", "children"), Input("data-version", "data"), State("page-lang", "data"))
    def update_kpis(version, lang):
        if not version:
            return None, dbc.Alert(t("status.no_round", lang), color="warning")
        return components.kpi_row(kpis(engine(), version["round_id"], Scope.national(), day_of(version)), lang), None

    @app.callback(
        Output("national-progress", "figure"),
        Input("data-version", "data"),
        Input("national-selected", "data"),
        Input("font-scale", "data"),
        State("page-lang", "data"),
    )
    def update_progress(version, province, scale, lang):
        if not version:
            return no_update
        scope = Scope.of(province)
        dates = round_dates(engine(), version["round_id"])
        day = day_of(version)
        series = progress_series(engine(), version["round_id"], scope, day, dates.start_date, dates.deadline)
        region = t("region.national", lang)
        if province:
            from dashboard.queries import Level, region_names

            region = region_display_name(region_names(engine(), Level.PROVINCE).get(province, province))
        figure = components.progress_figure(series, lang, dates.deadline, day, t("progress.title_for", lang, region=region))
        return components.scale_fonts(figure, scale)

    @app.callback(
        Output("national-ranking", "children"),
        Input("data-version", "data"),
        Input("national-metric", "value"),
        State("page-lang", "data"),
    )
    def update_ranking(version, metric_id, lang):
        if not version:
            return no_update
        table = region_table(engine(), version["round_id"], Scope.national(), day_of(version))
        table["name"] = table["name"].map(region_display_name)
        return components.ranking_table(table, rank(table, metric_id), metric_id, lang, "national-ranking-table", t("region.province", lang))

    @app.callback(
        Output("national-categories", "figure"),
        Output("national-funnel", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("page-lang", "data"),
    )
    def update_split_and_funnel(version, scale, lang):
        if not version:
            return no_update, no_update
        day = day_of(version)
        split = category_split(engine(), version["round_id"], Scope.national(), day)
        return (
            components.scale_fonts(components.category_figure(split, lang), scale),
            components.scale_fonts(components.funnel_figure(funnel(engine(), version["round_id"], Scope.national(), day), lang), scale),
        )

    @app.callback(
        Output("national-selected", "data"),
        Input("national-map", "clickData"),
        Input("national-reset", "n_clicks"),
        prevent_initial_call=True,
    )
    def select_province(click, _reset):
        if ctx.triggered_id == "national-reset":
            return None
        return maps.clicked_region(click)
