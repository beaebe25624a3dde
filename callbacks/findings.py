"""Callbacks of the findings page: thin glue from the inputs to ``dashboard.figures.findings``
and the figure builders of ``layouts.findings``."""

from __future__ import annotations

from dash import Dash, Input, Output, Patch, State, ctx, html, no_update

from callbacks.overview import draws_tiles, map_regions, region_map_figure
from callbacks.refresh import version_day
from dashboard.figures.findings import (
    category_findings,
    facilitator_findings_table,
    findings_kpis,
    findings_region_table,
    row_shares,
    transition_matrix,
    transitions,
)
from dashboard.figures.metrics import get_metric
from dashboard.figures.overview import rank
from dashboard.figures.queries import Level, Scope
from dashboard.formatting import region_display_name
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import current_access
from layouts import components, findings, maps
from layouts.frame import page_href

#: The KPI cards of the findings page (``{p}``: the programme chosen).
KPI_KINDS = (
    "reranked", "awaiting_rerank", "inclusion_confirmed_{p}", "exclusion_confirmed_{p}",
    "left_eligibility_pct_{p}", "entered_eligibility_pct_{p}", "not_eligible_pct_{p}",
)


#: A facilitator's share of fewer families than this is not ranked (a region's needs
#: ``MIN_RANKED_DENOMINATOR``; a facilitator has some 400 targets in all).
FACILITATOR_MINIMUM = 20


def _downloads(scope_code: str | None, programme: str, lang: str, pinned) -> list:
    """The list's download links, for an account that may download."""
    if not current_access().may_download:
        return []
    return [components.download_links("/export/findings", {"parent": scope_code, "programme": programme, "lang": lang, "round": pinned}, lang)]


def register(app: Dash, settings: Settings) -> None:
    engine = lambda: get_engine(settings.read_database_url)  # noqa: E731
    cutoffs = settings.programme_cutoffs

    def programme_of(value: str | None) -> str:
        return value if value in dict(cutoffs) else findings.DEFAULT_PROGRAMME

    @app.callback(
        Output("findings-kpis", "children"),
        Input("data-version", "data"),
        Input("findings-programme", "value"),
        State("findings-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_kpis(version, programme, scope_code, lang):
        if not version:
            return no_update
        access = current_access()
        scope = Scope.of(scope_code)
        programme = programme_of(programme)
        ids = tuple(k.format(p=programme) for k in KPI_KINDS)
        cards = components.kpi_row(findings_kpis(engine(), version["round_id"], scope, version_day(version), ids, access=access, cutoffs=cutoffs), lang)
        return [cards, components.context_note(lang)] if not access.sees_area(scope.code) else cards

    @app.callback(
        Output("findings-metric", "options"),
        Input("findings-programme", "value"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def update_metric_names(programme, lang):
        """The map's choices named for the programme chosen."""
        programme = programme_of(programme)
        return [{"label": get_metric(findings.metric_of(k, programme)).label(lang), "value": k} for k in findings.MAP_KINDS]

    @app.callback(
        Output("findings-categories", "figure"),
        Output("findings-category-table", "children"),
        Output("findings-nik", "figure"),
        Input("data-version", "data"),
        Input("findings-programme", "value"),
        Input("font-scale", "data"),
        State("findings-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_categories(version, programme, scale, scope_code, lang):
        if not version:
            return no_update, no_update, no_update
        programme = programme_of(programme)
        table = category_findings(engine(), version["round_id"], Scope.of(scope_code), version_day(version), access=current_access(), cutoffs=cutoffs)
        return (
            components.scale_fonts(findings.category_figure(table, programme, dict(cutoffs)[programme], lang), scale),
            findings.category_rows(table, programme, lang),
            components.scale_fonts(findings.nik_figure(table, lang), scale),
        )

    @app.callback(
        Output("findings-matrix", "figure"),
        Input("data-version", "data"),
        Input("findings-programme", "value"),
        Input("findings-matrix-category", "value"),
        Input("findings-matrix-mode", "value"),
        Input("font-scale", "data"),
        State("findings-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_matrix(version, programme, category, mode, scale, scope_code, lang):
        if not version:
            return no_update
        programme = programme_of(programme)
        long = transitions(engine(), version["round_id"], Scope.of(scope_code), version_day(version), access=current_access())
        matrix = transition_matrix(long, None if category in (None, "all") else [category])
        figure = findings.matrix_figure(matrix, row_shares(matrix), mode or "shares", dict(cutoffs)[programme], programme, lang)
        figure.update_layout(margin_t=round(figure.layout.margin.t * (scale or 1.0)))  # the title's two lines grow with the type
        return components.scale_fonts(figure, scale)

    @app.callback(
        Output("findings-map", "figure"),
        Input("findings-metric", "value"),
        Input("findings-programme", "value"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("findings-scope", "data"),
        State("page-lang", "data"),
        State("findings-map", "figure"),
        cache_response=True,
    )
    def update_map(kind, programme, version, scale, scope_code, lang, figure):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        if scope.level == Level.REGENCY:
            return no_update
        programme = programme_of(programme)
        metric_id = findings.metric_of(kind, programme)
        table = findings_region_table(engine(), version["round_id"], scope, version_day(version), access=current_access(), cutoffs=cutoffs)
        hover = lambda frame, metric, language: findings.region_hover(frame, metric, language, programme)  # noqa: E731
        regions = map_regions(table, metric_id, lang, hover=hover)
        if ctx.triggered_id == "data-version" and figure:
            return maps.patch_values(Patch(), regions, tiles=draws_tiles(scope, None, settings))
        figure = region_map_figure(regions, scope, metric_id, lang, settings)
        return components.scale_fonts(figure, scale) if figure else figure

    @app.callback(
        Output("findings-regions", "children"),
        Input("data-version", "data"),
        Input("findings-metric", "value"),
        Input("findings-programme", "value"),
        State("findings-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_regions(version, kind, programme, scope_code, lang):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        if scope.level == Level.REGENCY:
            return no_update
        programme = programme_of(programme)
        metric_id = findings.metric_of(kind, programme)
        table = findings_region_table(engine(), version["round_id"], scope, version_day(version), access=current_access(), cutoffs=cutoffs)
        table = table.loc[table["visible"]].copy()
        table["name"] = [region_display_name(n) for n in table["name"]]
        pinned = version.get("pinned")
        links = {code: page_href("/temuan/" + code, lang, None, pinned) for code in table.index}
        ranks = rank(table, metric_id)
        label = t("region.province" if scope.level == Level.NATIONAL else "region.regency", lang)
        ranking = components.ranking_table(
            table, ranks, metric_id, lang, "findings-regions-table", label, links, findings.region_columns(programme),
            page_size=components.TABLE_PAGE_SIZE, highlight=False,
        )
        return html.Div([*_downloads(scope_code, programme, lang, pinned), ranking, components.unranked_note(ranks, lang)])

    @app.callback(
        Output("findings-facilitators", "children"),
        Input("data-version", "data"),
        Input("findings-metric", "value"),
        Input("findings-programme", "value"),
        State("findings-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_facilitators(version, kind, programme, scope_code, lang):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        if scope.level != Level.REGENCY:  # the list is on a kabupaten/kota's page only
            current_access().require_total(scope.code)
            return t("findings.facilitators_of_regencies", lang)
        programme = programme_of(programme)
        metric_id = findings.metric_of(kind, programme)
        if metric_id == "rerank_pct":  # not known per facilitator (interviews are not kept per facilitator and day)
            metric_id = f"left_eligibility_pct_{programme}"
        table = facilitator_findings_table(engine(), version["round_id"], scope.code, version_day(version), access=current_access(), cutoffs=cutoffs)
        if table.empty:
            return t("common.no_data", lang)
        pinned = version.get("pinned")
        links = {i: page_href(f"/pendamping/{i}", lang, None, pinned) for i in table.index}
        ranks = rank(table, metric_id, minimum=FACILITATOR_MINIMUM)
        ranking = components.ranking_table(
            table.sort_values("reranked", ascending=False, kind="stable"), ranks, metric_id, lang, "findings-facilitators-table",
            t("facilitator.name", lang), links, findings.region_columns(programme), page_size=components.TABLE_PAGE_SIZE, highlight=False,
        )
        return html.Div([*_downloads(scope_code, programme, lang, pinned), ranking, components.unranked_note(ranks, lang, FACILITATOR_MINIMUM, of="facilitators")])

    @app.callback(
        Output("url", "href", allow_duplicate=True),
        Input("findings-map", "clickData"),
        State("page-lang", "data"),
        State("data-version", "data"),
        prevent_initial_call=True,
    )
    def click_region(click, lang, version):
        """A click on a region opens its findings (province, or kabupaten/kota)."""
        code = maps.clicked_region(click)
        if not code or not current_access().sees_total(code):
            return no_update
        return page_href(f"/temuan/{code}", lang, None, (version or {}).get("pinned"))
