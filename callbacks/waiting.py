"""Callbacks of the waiting-cases page: thin glue from the inputs to
``dashboard.figures.waiting`` and the builders of ``layouts.waiting``."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html, no_update
from sqlalchemy import select

from callbacks.refresh import version_day
from dashboard.figures.queries import Level, Scope, region_names
from dashboard.figures.waiting import FACILITATOR_STATUSES, STATUS_CODES, per_code, status_ages, waiting_cases, waiting_counts
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store import models
from dashboard.store.database import get_engine
from dashboard.web.auth import current_access
from layouts import components, waiting
from layouts.frame import page_href

#: Rows of the lists (the oldest first): enough to act on, small enough to read.
FACILITATORS_LISTED = 50
CASES_LISTED = 200


def register(app: Dash, settings: Settings) -> None:
    engine = lambda: get_engine(settings.read_database_url)  # noqa: E731

    @app.callback(
        Output("waiting-summary", "children"),
        Output("waiting-ages", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("waiting-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_summary(version, scale, scope_code, lang):
        if not version:
            return no_update, no_update
        counts = waiting_counts(engine(), version["round_id"], Scope.of(scope_code), version_day(version), access=current_access())
        ages = status_ages(counts)
        oldest = counts.groupby("status")["oldest_days"].max()
        return waiting.summary_cards(ages, oldest, lang), components.scale_fonts(waiting.ages_figure(ages, lang), scale)

    @app.callback(
        Output("waiting-backlog", "children"),
        Input("data-version", "data"),
        State("waiting-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_backlog(version, scope_code, lang):
        if not version:
            return no_update
        scope = Scope.of(scope_code)
        by = "self" if scope.level == Level.REGENCY else "regencies"
        counts = waiting_counts(engine(), version["round_id"], scope, version_day(version), access=current_access(), by=by, statuses=("submitted",))
        table = per_code(counts, ("submitted",))
        if table.empty:
            return t("waiting.no_backlog", lang)
        names = region_names(engine(), Level.REGENCY)
        table["name"] = table["code"].map(names)
        pinned = version.get("pinned")
        links = {code: page_href(f"/antrian/{code}", lang, None, pinned) for code in table["code"]}
        return waiting.backlog_table(table, lang, links, t("region.regency", lang))

    @app.callback(
        Output("waiting-facilitators", "children"),
        Input("data-version", "data"),
        State("waiting-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_facilitators(version, scope_code, lang):
        if not version:
            return no_update
        counts = waiting_counts(engine(), version["round_id"], Scope.of(scope_code), version_day(version), access=current_access(), by="facilitators",
                                statuses=FACILITATOR_STATUSES)
        table = per_code(counts, FACILITATOR_STATUSES).head(FACILITATORS_LISTED)
        if table.empty:
            return t("waiting.no_facilitator_cases", lang)
        f = models.Facilitator
        with engine().connect() as conn:
            names = dict(conn.execute(select(f.id, f.name).where(f.id.in_(list(table["code"])))).all())
        table["name"] = table["code"].map(names)
        table["regency_name"] = table["regency_code"].map(region_names(engine(), Level.REGENCY))
        pinned = version.get("pinned")
        links = {i: page_href(f"/pendamping/{i}", lang, None, pinned) for i in table["code"]}
        return html.Div([waiting.facilitators_table(table, lang, links), html.P(t("waiting.facilitators_note", lang), className="small text-muted mt-2 mb-0")])

    @app.callback(
        Output("waiting-cases", "children"),
        Input("data-version", "data"),
        Input("waiting-status", "value"),
        State("waiting-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_cases(version, status, scope_code, lang):
        if not version:
            return no_update
        status = status if status in STATUS_CODES else waiting.DEFAULT_STATUS
        frame = waiting_cases(engine(), version["round_id"], Scope.of(scope_code), version_day(version), status, access=current_access(), limit=CASES_LISTED)
        if frame.empty:
            return t("waiting.none", lang)
        pinned = version.get("pinned")
        links = {i: page_href(f"/pendamping/{i}", lang, None, pinned) for i in frame["facilitator_id"].unique()}
        note = t("waiting.cases_note", lang, n=CASES_LISTED)
        downloads = [components.download_links("/export/waiting", {"parent": scope_code, "status": status, "lang": lang, "round": pinned}, lang)] \
            if current_access().may_download else []
        return html.Div([*downloads, waiting.cases_table(frame, lang, links, region_names(engine(), Level.REGENCY)),
                         html.P(note, className="small text-muted mt-2 mb-0")])

    @app.callback(
        Output("waiting-status", "value"),
        Input("waiting-ages", "clickData"),
        prevent_initial_call=True,
    )
    def pick_status(click):
        """A click on a status's bar lists its cases."""
        try:
            status = click["points"][0]["customdata"]
        except (KeyError, IndexError, TypeError):
            return no_update
        return status if status in STATUS_CODES else no_update
