"""Callbacks of the training page: thin glue from the inputs to ``dashboard.figures.training``
and the builders of ``layouts.training``."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html, no_update

from callbacks.refresh import version_day
from dashboard.figures.queries import Level, Scope, region_names
from dashboard.figures.training import classes_per_day, relation_to_work, score_histogram, training_summary
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import current_access
from layouts import components, training
from layouts.frame import page_href


def register(app: Dash, settings: Settings) -> None:
    engine = lambda: get_engine(settings.read_database_url)  # noqa: E731

    @app.callback(
        Output("training-summary", "children"),
        Input("data-version", "data"),
        State("training-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_summary(version, scope_code, lang):
        if not version:
            return no_update
        access = current_access()
        scope = Scope.of(scope_code)
        table = training_summary(engine(), version["round_id"], scope, version_day(version), access=access)
        if table.empty:
            return html.P(t("training.none", lang), className="text-muted")
        cards = training.summary_cards(table.iloc[0], lang)
        return [cards, components.context_note(lang)] if not access.sees_area(scope.code) else cards

    @app.callback(
        Output("training-scores", "figure"),
        Output("training-classes", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("training-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_charts(version, scale, scope_code, lang):
        if not version:
            return no_update, no_update
        scope, day, access = Scope.of(scope_code), version_day(version), current_access()
        histogram = score_histogram(engine(), version["round_id"], scope, day, access=access)
        per_day = classes_per_day(engine(), version["round_id"], scope, day, access=access)
        return (components.scale_fonts(training.scores_figure(histogram, lang), scale),
                components.scale_fonts(training.classes_figure(per_day, lang), scale))

    @app.callback(
        Output("training-relation", "figure"),
        Output("training-relation-table", "children"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("training-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_relation(version, scale, scope_code, lang):
        if not version:
            return no_update, no_update
        relation = relation_to_work(engine(), version["round_id"], Scope.of(scope_code), version_day(version), access=current_access())
        relation = relation[relation["facilitators"] > 0]
        return components.scale_fonts(training.relation_figure(relation, lang), scale), training.relation_table(relation, lang)

    @app.callback(
        Output("training-regions", "children"),
        Input("data-version", "data"),
        State("training-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_regions(version, scope_code, lang):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        if scope.level == Level.REGENCY:
            current_access().require_total(scope.code)
            return no_update
        table = training_summary(engine(), version["round_id"], scope, version_day(version), access=current_access(), by="children")
        if table.empty:
            return t("common.no_data", lang)
        table = table.join(region_names(engine(), scope.child_level, scope))
        pinned = version.get("pinned")
        links = {code: page_href(f"/pelatihan/{code}", lang, None, pinned) for code in table.index}
        label = t("region.province" if scope.level == Level.NATIONAL else "region.regency", lang)
        return training.regions_table(table, lang, links, label)
