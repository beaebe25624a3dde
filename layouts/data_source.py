"""The data-source panel: which database the dashboard reads, its rounds and how fresh it is."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.formatting import format_date, format_datetime, format_int
from dashboard.i18n import t
from dashboard.store.status import DataStatus


def data_source_panel(status: DataStatus, targets_by_round: dict[int, int], lang: str, *, with_location: bool = False) -> dbc.Card:
    """The panel; ``with_location`` (admins only) names the database (file or host) and
    shows the driver's error, which may name them too."""
    if not status.ready:
        detail = status.error if with_location else status.to_json(with_location=False).get("error")
        return dbc.Alert([html.Strong(t("status.unreachable", lang)), html.Div(detail or "")], color="danger", id="data-source-error")
    rows = [
        html.Dt(t("source.database", lang), className="col-sm-3"),
        html.Dd(
            f"{status.database} ({status.backend})" if with_location else status.backend,
            className="col-sm-9 text-break",
            id="data-source-url",
        ),
        html.Dt(t("source.newest", lang), className="col-sm-3"),
        html.Dd(
            format_datetime(status.newest_submission, lang) if status.newest_submission else t("source.no_submission", lang),
            className="col-sm-9",
            id="data-source-newest",
        ),
        html.Dt(t("source.rounds", lang), className="col-sm-3"),
    ]
    if status.rounds:
        items = [
            html.Li(
                [
                    html.Strong(r.name),
                    " — "
                    + t(
                        "source.round_line",
                        lang,
                        start=format_date(r.start_date, lang),
                        deadline=format_date(r.deadline, lang),
                        targets=format_int(targets_by_round.get(r.id, 0), lang),
                    ),
                    dbc.Badge(t("status.simulated", lang), color="warning", text_color="dark", className="ms-2") if r.simulated else None,
                ]
            )
            for r in status.rounds
        ]
        rows.append(html.Dd(html.Ul(items, className="mb-0 ps-3"), className="col-sm-9"))
    else:
        rows.append(html.Dd(t("status.no_round", lang), className="col-sm-9"))
    return dbc.Card(dbc.CardBody([html.H2(t("source.title", lang), className="h5"), html.Dl(rows, className="row mb-0")]), id="data-source", className="mb-3")
