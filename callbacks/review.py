"""Callbacks of the review page: thin glue from the inputs to ``dashboard.figures.review_queue``
(the queue and its precision), ``dashboard.quality.review`` (recording a result) and the
builders of ``layouts.review``.

The queue is read from the writer (``DATABASE_URL``), not a replica, and never from the
figure cache (``cache_response`` is off): a review does not move the data version, and a
reviewer must see the result they recorded at once. It is read again at every poll, so the
results of other reviewers show within a refresh interval. The facilitator, result and note
of the form are the client's wishes: ``record_review`` checks them against the request's
access (and audits every attempt)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, html, no_update
from flask import request

from dashboard.figures.queries import Level, Scope
from dashboard.figures.review_queue import queue_precision, review_queue
from dashboard.formatting import format_decimal, format_int
from dashboard.i18n import t
from dashboard.quality.review import ReviewRefused, record_review
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import current_access
from layouts import review
from layouts.frame import page_href

#: A click on a row of the queue picks its facilitator in the form (the row's id).
PICK_ROW_JS = """
function(cell) {
    return cell && typeof cell.row_id === 'string' ? cell.row_id : window.dash_clientside.no_update;
}
"""


def register(app: Dash, settings: Settings) -> None:
    writer = lambda: get_engine(settings.database_url)  # noqa: E731
    threshold = settings.risk_threshold

    @app.callback(
        Output("review-kpis", "children"),
        Input("data-version", "data"),
        Input("refresh-timer", "n_intervals"),
        Input("review-recorded", "data"),
        State("review-scope", "data"),
        State("page-lang", "data"),
    )
    def update_kpis(version, _tick, _recorded, scope_code, lang):
        if not version:
            return no_update
        access, scope = current_access(), Scope.of(scope_code)
        figures = queue_precision(writer(), version["round_id"], scope, access=access, threshold=threshold)
        cards = review.kpi_cards(figures, lang)
        return cards if access.sees_area(scope.code) else [cards, html.P(t("review.own_area", lang), className="small text-muted mb-0 access-context")]

    @app.callback(
        Output("review-queue-table", "data"),
        Output("review-count", "children"),
        Output("review-facilitator", "options"),
        Input("data-version", "data"),
        Input("refresh-timer", "n_intervals"),
        Input("review-recorded", "data"),
        State("review-scope", "data"),
        State("page-lang", "data"),
    )
    def update_queue(version, _tick, _recorded, scope_code, lang):
        if not version:
            return no_update, no_update, no_update
        scope = Scope.of(scope_code)
        queue = review_queue(writer(), version["round_id"], scope, access=current_access(), threshold=threshold, lang=lang)
        if queue.empty:
            return [], t("review.queue_empty", lang, threshold=format_decimal(threshold, lang, 0)), []
        pinned = version.get("pinned")
        records = review.queue_records(queue, lang, lambda path: page_href(path, lang, None, pinned), with_province=scope.level == Level.NATIONAL)
        count = t("review.queue_count_one", lang) if len(queue) == 1 else t("review.queue_count", lang, n=format_int(len(queue), lang))
        return records, count, review.facilitator_options(queue, lang)

    app.clientside_callback(PICK_ROW_JS, Output("review-facilitator", "value"), Input("review-queue-table", "active_cell"))

    @app.callback(
        Output("review-message", "children"),
        Output("review-note", "value"),
        Output("review-recorded", "data"),
        Input("review-submit", "n_clicks"),
        State("review-facilitator", "value"),
        State("review-result", "value"),
        State("review-note", "value"),
        State("data-version", "data"),
        State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def record(n_clicks, facilitator_id, result, note, version, lang):
        """Record the result the form holds; the table and the cards follow (``review-recorded``)."""
        if ctx.triggered_id != "review-submit" or not n_clicks or not version:
            return no_update, no_update, no_update
        if not facilitator_id:
            return _message(t("review.pick_facilitator", lang), "warning"), no_update, no_update
        if not result:
            return _message(t("review.pick_result", lang), "warning"), no_update, no_update
        try:
            recorded = record_review(writer(), version["round_id"], facilitator_id, result, note, access=current_access(), remote_addr=request.remote_addr)
        except ReviewRefused as refused:
            return _message(t(f"review.refused.{refused.reason}", lang), "danger"), no_update, no_update
        return _message(t("review.recorded", lang, id=recorded.facilitator_id), "success"), "", recorded.id


def _message(text: str, colour: str) -> dbc.Alert:
    return dbc.Alert(text, color=colour, className="py-2 mb-0")
