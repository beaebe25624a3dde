"""Callbacks of the quality page: thin glue from the inputs to ``dashboard.figures.quality_report``
and the registry, and to the figure builders of ``layouts``."""

from __future__ import annotations

from dash import Dash, Input, Output, Patch, State, ctx, html, no_update

from callbacks.overview import draws_tiles, map_regions, region_map_figure
from callbacks.refresh import version_day
from dashboard.figures.overview import kpis, rank, region_table
from dashboard.figures.quality_report import QUALITY_KPIS, facilitator_quality, flag_trend, regency_quality
from dashboard.figures.queries import Level, Scope
from dashboard.formatting import region_display_name
from dashboard.i18n import t
from dashboard.quality.rules import RULE_IDS
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import current_access
from layouts import components, maps, quality
from layouts.frame import page_href

def register(app: Dash, settings: Settings) -> None:
    engine = lambda: get_engine(settings.read_database_url)  # noqa: E731

    @app.callback(
        Output("quality-map", "figure"),
        Input("quality-metric", "value"),
        Input("quality-map-view", "value"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("quality-scope", "data"),
        State("page-lang", "data"),
        State("quality-map", "figure"),
        cache_response=True,
    )
    def update_map(metric_id, view, version, scale, scope_code, lang, figure):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        table = region_table(engine(), version["round_id"], scope, version_day(version), access=current_access())
        regions = map_regions(table, metric_id, lang, hover=quality.region_hover)
        if ctx.triggered_id == "data-version" and figure:
            return maps.patch_values(Patch(), regions, tiles=draws_tiles(scope, view, settings))
        figure = region_map_figure(regions, scope, metric_id, lang, settings, view)
        return components.scale_fonts(figure, scale) if figure else figure

    @app.callback(
        Output("quality-kpis", "children"),
        Input("data-version", "data"),
        State("quality-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_kpis(version, scope_code, lang):
        if not version:
            return no_update
        access = current_access()
        scope = Scope.of(scope_code)
        cards = components.kpi_row(kpis(engine(), version["round_id"], scope, version_day(version), QUALITY_KPIS, access=access), lang)
        return [cards, components.context_note(lang)] if not access.sees_area(scope.code) else cards

    @app.callback(
        Output("quality-rules", "figure"),
        Output("quality-trend", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("quality-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_flags(version, scale, scope_code, lang):
        if not version:
            return no_update, no_update
        trend = flag_trend(engine(), version["round_id"], Scope.of(scope_code), version_day(version), access=current_access())
        totals = trend[list(RULE_IDS)].sum()
        return (
            components.scale_fonts(quality.rule_totals_figure(totals, lang), scale),
            components.scale_fonts(quality.trend_figure(trend, lang), scale),
        )

    @app.callback(
        Output("quality-regions", "children"),
        Input("data-version", "data"),
        Input("quality-metric", "value"),
        State("quality-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_regions(version, metric_id, scope_code, lang):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        table = regency_quality(engine(), version["round_id"], scope, version_day(version), access=current_access())
        pinned = version.get("pinned")
        names = [region_display_name(n) for n in table["name"]]
        if scope.level == Level.NATIONAL:
            names = [f"{n} ({region_display_name(p)})" for n, p in zip(names, table["province_name"])]
        table["name"] = names
        links = {code: page_href("/kualitas/" + code, lang, metric_id, pinned) for code in table.index}
        ranks = rank(table, metric_id)
        ranking = components.ranking_table(
            table, ranks, metric_id, lang, "quality-regions-table", t("region.regency", lang), links,
            quality.REGION_COLUMNS, worst_first=True, page_size=components.TABLE_PAGE_SIZE,
        )
        return html.Div([ranking, components.unranked_note(ranks, lang)])

    @app.callback(
        Output("quality-facilitators", "children"),
        Input("data-version", "data"),
        State("quality-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_facilitators(version, scope_code, lang):
        if not version:
            return no_update
        table = facilitator_quality(engine(), version["round_id"], Scope.of(scope_code), version_day(version), access=current_access())
        if table.empty:
            return t("common.no_data", lang)
        pinned = version.get("pinned")
        links = {i: page_href(f"/pendamping/{i}", lang, None, pinned) for i in table.index}
        regency_links = {c: page_href(f"/kabkota/{c}", lang, None, pinned) for c in table["regency_code"].unique()}
        table["regency_name"] = table["regency_name"].map(region_display_name)
        return quality.facilitator_table(table, lang, links, regency_links)

    @app.callback(
        Output("url", "href", allow_duplicate=True),
        Input("quality-map", "clickData"),
        State("quality-metric", "value"),
        State("page-lang", "data"),
        State("data-version", "data"),
        prevent_initial_call=True,
    )
    def click_region(click, metric_id, lang, version):
        """A click on a region opens its quality page (province, or kabupaten/kota)."""
        code = maps.clicked_region(click)
        if not code or not current_access().sees_total(code):
            return no_update  # a grey region outside the user's area opens nothing
        return page_href(f"/kualitas/{code}", lang, metric_id, (version or {}).get("pinned"))
