"""The application shell: header, the data-source panel, and the refresh timer.

The pages of the dashboard (national overview, drill-downs, quality) mount inside this
shell; until they exist the shell says which data it is connected to and how fresh it is.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.formatting import format_date, format_datetime, format_int
from dashboard.settings import Settings
from dashboard.status import DataStatus

TEXT = {
    "id": {
        "title": "Pemantauan Ground Check DTSEN",
        "subtitle": "National Statistics Command Center (NSCC) · BPS",
        "source": "Sumber data",
        "backend": "Basis data",
        "rounds": "Putaran",
        "targets": "sasaran",
        "deadline": "tenggat",
        "newest": "Kiriman terbaru",
        "none": "belum ada kiriman",
        "simulated": "data simulasi (sintetis)",
        "unreachable": "Basis data tidak dapat dihubungi",
        "no_round": "Belum ada putaran ground check di basis data ini.",
        "refresh": "Diperbarui otomatis setiap {s} detik",
    },
    "en": {
        "title": "DTSEN Ground-Check Monitor",
        "subtitle": "National Statistics Command Center (NSCC) · BPS",
        "source": "Data source",
        "backend": "Database",
        "rounds": "Rounds",
        "targets": "targets",
        "deadline": "deadline",
        "newest": "Newest submission",
        "none": "no submission yet",
        "simulated": "simulated (synthetic) data",
        "unreachable": "The database cannot be reached",
        "no_round": "This database holds no ground-check round yet.",
        "refresh": "Refreshes every {s} seconds",
    },
}


def data_source_panel(status: DataStatus, targets_by_round: dict[int, int], lang: str) -> dbc.Card:
    """The card that says what data the dashboard shows."""
    t = TEXT[lang]
    if not status.ready:
        return dbc.Alert([html.Strong(t["unreachable"]), html.Div(status.error or "")], color="danger", id="data-source-error")
    rows = [
        html.Dt(t["backend"], className="col-sm-3"),
        html.Dd(f"{status.database} ({status.backend})", className="col-sm-9 text-break", id="data-source-url"),
        html.Dt(t["newest"], className="col-sm-3"),
        html.Dd(
            format_datetime(status.newest_submission, lang) if status.newest_submission else t["none"],
            className="col-sm-9",
            id="data-source-newest",
        ),
    ]
    if status.rounds:
        items = [
            html.Li(
                [
                    html.Strong(r.name),
                    f" — {format_date(r.start_date, lang)}, {t['deadline']} {format_date(r.deadline, lang)}, "
                    f"{format_int(targets_by_round.get(r.id, 0), lang)} {t['targets']}",
                    dbc.Badge(t["simulated"], color="warning", text_color="dark", className="ms-2") if r.simulated else None,
                ]
            )
            for r in status.rounds
        ]
        rows += [html.Dt(t["rounds"], className="col-sm-3"), html.Dd(html.Ul(items, className="mb-0 ps-3"), className="col-sm-9")]
    else:
        rows += [html.Dt(t["rounds"], className="col-sm-3"), html.Dd(t["no_round"], className="col-sm-9")]
    return dbc.Card(dbc.CardBody([html.H2(t["source"], className="h5"), html.Dl(rows, className="row mb-0")]), id="data-source")


def layout(settings: Settings) -> html.Div:
    """The page frame; the data-source panel is filled by ``callbacks.shell``."""
    lang = settings.default_language
    t = TEXT[lang]
    return html.Div(
        [
            dbc.Navbar(
                dbc.Container(
                    [
                        html.Div([html.H1(t["title"], className="h4 mb-0 text-white"), html.Small(t["subtitle"], className="text-white-50")]),
                    ],
                    fluid=True,
                ),
                color="primary",
                dark=True,
                className="mb-3",
            ),
            dbc.Container(
                [
                    html.Div(id="data-source-panel"),
                    html.P(t["refresh"].format(s=settings.refresh_interval_seconds), className="text-muted small mt-2"),
                ],
                fluid=True,
            ),
            dcc.Interval(id="refresh-timer", interval=settings.refresh_interval_seconds * 1000),
        ]
    )
