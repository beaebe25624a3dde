"""The review page of the fabrication-risk score (``/tinjauan``, ``/tinjauan/<province or
kabupaten/kota code>``): how the queue fares in real use (waiting, reviewed, confirmed,
cleared, the precision with its interval), the queue itself (the facilitators the score
names, not yet reviewed first, with the reason and their latest result) and the form that
records a result. Filled by ``callbacks.review`` from ``dashboard.figures.review_queue``;
results are recorded by ``dashboard.quality.review``.

Names and notes come from the data: a name is escaped into its markdown link (it can never
become markup), and the kabupaten/kota, the reason and the note are plain-text cells, which
the table shows as written (``<script>`` stays text).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dash_table, dcc, html

from dashboard.figures.queries import Scope
from dashboard.figures.review_queue import QueuePrecision
from dashboard.formatting import format_datetime, format_decimal, format_int, format_percent, region_display_name
from dashboard.i18n import t
from dashboard.quality.review import NOTE_LENGTH, ReviewResult
from layouts import components
from layouts.frame import page_frame
from layouts.overview import breadcrumb, card

#: Rows of the queue per page.
QUEUE_PAGE_SIZE = 15


def layout(
    scope: Scope, lang: str, refresh_seconds: int, *, path: str, heading: str, trail: list, threshold: float,
    sees_facilitators: bool, **frame,
) -> html.Div:
    """The page; without ``sees_facilitators`` (a display account) the cards only, and a
    note instead of the queue and the form."""
    threshold_text = format_decimal(threshold, lang, 0)
    queue = [
        html.Div(card(
            [
                html.Div(
                    [html.H2(t("review.queue_title", lang), className="h5 mb-0"), html.Div(id="review-count", className="small text-muted")],
                    className="d-flex justify-content-between align-items-baseline flex-wrap gap-2 mb-2",
                ),
                components.loading(html.Div(queue_table(lang))),
            ],
            fill=False,
        ), className="mb-3"),
        html.Div(card(_form(lang), fill=False), className="mb-3"),
    ] if sees_facilitators else [dbc.Alert(t("review.no_facilitators", lang), color="secondary", id="review-no-facilitators")]
    content = [
        dcc.Store(id="page-lang", data=lang),
        dcc.Store(id="review-scope", data=scope.code),
        dcc.Store(id="review-recorded", data=0),
        breadcrumb(trail),
        html.H1(heading, className="h3 mb-1"),
        html.P(t("review.lead", lang, threshold=threshold_text), className="text-muted mb-3"),
        html.Div(id="review-kpis"),
        html.P(t("review.precision_definition", lang, threshold=threshold_text), className="small text-muted"),
        *queue,
    ]
    return page_frame(lang, path, content, refresh_seconds, **frame)


def _form(lang: str) -> list:
    """Pick a facilitator of the queue, the result and a note; one button."""
    return [
        html.H2(t("review.form_title", lang), className="h5"),
        html.P(t("review.form_hint", lang), className="small text-muted"),
        dbc.Row(
            [
                dbc.Col(
                    [
                        html.Label(t("review.facilitator", lang), htmlFor="review-facilitator", className="form-label small"),
                        dcc.Dropdown(id="review-facilitator", options=[], placeholder=t("review.facilitator", lang), searchable=True, clearable=True),
                    ],
                    lg=5,
                ),
                dbc.Col(
                    # A fieldset names the radio group for screen readers.
                    html.Fieldset(
                        [
                            html.Legend(t("review.result", lang), className="form-label small mb-2"),
                            dbc.RadioItems(
                                id="review-result",
                                options=[
                                    {"label": t("review.result_confirmed", lang), "value": ReviewResult.CONFIRMED.value},
                                    {"label": t("review.result_cleared", lang), "value": ReviewResult.CLEARED.value},
                                ],
                                value=None,
                                inline=True,
                            ),
                        ],
                        className="mb-0",
                    ),
                    lg=3,
                ),
                dbc.Col(
                    [
                        html.Label(t("review.note", lang), htmlFor="review-note", className="form-label small"),
                        dbc.Textarea(id="review-note", placeholder=t("review.note_placeholder", lang), maxLength=NOTE_LENGTH, rows=2),
                    ],
                    lg=4,
                ),
            ],
            className="g-3 mb-2",
        ),
        dbc.Button(t("review.submit", lang), id="review-submit", color="primary", n_clicks=0),
        html.Div(id="review-message", className="mt-2", role="status"),
    ]


def queue_table(lang: str) -> dash_table.DataTable:
    """The queue (rows from :func:`queue_records`); a click on a row picks its facilitator
    for the form (``callbacks.review``)."""
    number = components.number_format("flagged", lang)
    columns = [
        {"name": t("facilitator.name", lang), "id": "name", "presentation": "markdown"},
        {"name": t("region.regency", lang), "id": "regency"},
        {"name": t("quality.interviews", lang), "id": "interviews", "type": "numeric", "format": number},
        {"name": t("facilitator.risk_score", lang), "id": "score", "type": "numeric", "format": number},
        {"name": t("review.reason", lang), "id": "reason"},
        {"name": t("review.result", lang), "id": "result"},
        {"name": t("review.by", lang), "id": "reviewed"},
        {"name": t("review.note", lang), "id": "note"},
    ]
    return dash_table.DataTable(
        id="review-queue-table",
        columns=columns,
        data=[],
        cell_selectable=True,
        page_action="native",
        page_size=QUEUE_PAGE_SIZE,
        **components.PAGED_TABLE_STYLE,
        style_cell=components.table_cells("9rem"),
        style_cell_conditional=[
            {"if": {"column_id": c}, "textAlign": "left", "whiteSpace": "normal", "minWidth": width, "maxWidth": "24rem"}
            for c, width in (("name", "10rem"), ("regency", "9rem"), ("reason", "14rem"), ("result", "8rem"), ("reviewed", "10rem"), ("note", "14rem"))
        ],
        style_data_conditional=[
            {"if": {"filter_query": '{result_code} = "waiting"', "column_id": "result"}, "color": components.ORANGE_TEXT, "fontWeight": "700"},
            {"if": {"filter_query": '{result_code} = "confirmed"', "column_id": "result"}, "color": components.VERMILION_TEXT, "fontWeight": "700"},
        ],
    )


def queue_records(queue: pd.DataFrame, lang: str, href, with_province: bool = False) -> list[dict]:
    """The table's rows from ``dashboard.figures.review_queue.review_queue``; ``href(path)``
    a link that keeps the page's options; ``with_province``: the kabupaten/kota named with
    its province (the national queue). ``id`` is the facilitator's (what a click picks)."""
    records = []
    for facilitator_id, row in queue.iterrows():
        reviewed = isinstance(row["result"], str)
        due_again = bool(row.get("due_again", False)) if reviewed else False
        records.append({
            "id": str(facilitator_id),
            "name": components.markdown_link(row["name"], href(f"/pendamping/{facilitator_id}")),
            "regency": region_display_name(row["regency_name"]) + (f" ({region_display_name(row['province_name'])})" if with_province else ""),
            "interviews": int(row["interviews"]),
            "score": None if row["score"] != row["score"] else round(float(row["score"])),
            "reason": row["reason"] or "—",
            "result_code": "waiting" if due_again or not reviewed else row["result"],
            "result": (t("review.due_again", lang, score=format_decimal(row["score_at_review"], lang, 0)) if due_again
                       else t(f"review.{row['result']}", lang) if reviewed else t("review.not_reviewed", lang)),
            "reviewed": t("review.by_at", lang, user=row["reviewed_by"], time=format_datetime(row["reviewed_at"], lang)) if reviewed else "",
            "note": row["note"] if reviewed and isinstance(row["note"], str) else "",
        })
    return records


def facilitator_options(queue: pd.DataFrame, lang: str) -> list[dict]:
    """The form's choices: the facilitators of the queue, in its order (labels are text:
    a dropdown shows them as written)."""
    return [
        {"label": t("review.option", lang, name=row["name"], id=facilitator_id, score=format_decimal(row["score"], lang, 0)), "value": str(facilitator_id)}
        for facilitator_id, row in queue.iterrows()
    ]


def kpi_cards(figures: QueuePrecision, lang: str) -> dbc.Row:
    """Waiting, reviewed, confirmed, cleared, and the precision with its interval and n (or
    "—" and why, before any review)."""
    if figures.reviewed:
        precision = format_percent(figures.precision, lang)
        explained = t("review.precision_note", lang, low=format_percent(figures.low, lang), high=format_percent(figures.high, lang),
                       n=format_int(figures.reviewed, lang))
    else:
        precision = "—"
        explained = html.Div(t("review.precision_none", lang), className="small text-muted review-precision-none")
    return dbc.Row(
        [
            components.value_card(t("review.waiting", lang), format_int(figures.waiting, lang), t("review.waiting_note", lang, n=format_int(figures.in_queue, lang)), "review-card-waiting"),
            components.value_card(t("review.reviewed", lang), format_int(figures.reviewed, lang), t("review.reviewed_note", lang), "review-card-reviewed"),
            components.value_card(t("review.confirmed", lang), format_int(figures.confirmed, lang), t("review.confirmed_note", lang), "review-card-confirmed"),
            components.value_card(t("review.cleared", lang), format_int(figures.cleared, lang), t("review.cleared_note", lang), "review-card-cleared"),
            components.value_card(t("review.precision", lang), precision, explained, "review-card-precision"),
        ],
        className="g-3",
    )


__all__ = ["QUEUE_PAGE_SIZE", "facilitator_options", "kpi_cards", "layout", "queue_records", "queue_table"]
