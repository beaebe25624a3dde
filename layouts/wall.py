"""The NSCC wall (``/wall``, ``/wall?scope=<province or kabupaten/kota>``): the ground check
at a glance from across the room, for screens that run unattended for days.

One screen, no navigation: a header with the area, the figures that matter most (done,
the plan for today, the gap, the projected finish), the clock and the age of the data; a
stage where panels take turns (the map of a metric, the tile grid of the provinces, the
regions ahead of and behind the plan, quality, what the check found (PKH's desil range:
errors confirmed, families leaving and entering, the transition matrix), the training
(trained, instructors, the gain, the regions with most left to train, completion by
post-test band), progress with the forecast and the regions at risk); an alerts ticker at the foot. Every panel is in the page and drawn all the time,
stacked, and only the one in front is visible: the next one is ready before it shows, and
a refresh updates them all in place (``callbacks.wall``).

Type for distance (``assets/02_app.css``, ``.wall``): sizes in ``vh``, so that the same
screen reads alike at 1920×1080 and 3840×2160. On a 55" 16:9 screen (68.5 cm high), 1 vh
is 6.85 mm. The KPI figures are 6 vh in the header and 7 vh on the quality panel (41-48 mm
type, capitals about 30-34 mm), the clock 5 vh; the lists 2.9 vh (20 mm), the ticker
2.8 vh, the panel titles 3.4 vh; labels 2.4-2.6 vh and the notes under the KPI figures
2.0 vh (14 mm, capitals about 10 mm); the charts' text 22 px and the tiles' labels 20 px at
1080p (2 vh), doubled at 2160p. Read at 5 m, capitals of 10 mm subtend about 7 arc-minutes,
above the 5 of 20/20 acuity; signage guides ask about 1 inch (25 mm) of letter height per
10 feet for text read at a glance, i.e. about 16 mm at 5 m: the figures, the lists and
the ticker meet it with room to spare; labels and notes are the smallest text, legible
from there and meant to be read by walking closer.
"""

from __future__ import annotations

import re

from dash import dcc, html

from dashboard.figures.metrics import get_metric
from dashboard.figures.queries import Level, Scope
from dashboard.i18n import t, template

#: The panels, in their default order. ``tiles`` only for the nation (the grid holds the 38
#: provinces).
PANELS = ("map", "tiles", "ranking", "quality", "findings", "training", "progress")
DEFAULT_CYCLE_SECONDS = 20
CYCLE_RANGE = (5, 600)
#: Graphs of the wall: no toolbar, no hover (nobody points at a wall), drawn once.
GRAPH_CONFIG = {"displayModeBar": False, "staticPlot": True, "responsive": True, "topojsonURL": "/assets/topojson/"}


def panels_for(scope: Scope, requested: str | None, boundaries: bool = True) -> list[str]:
    """The panels a wall of ``scope`` shows: those of ``requested`` (``map,progress``) that
    exist for the scope, in that order; all of them when none is named or none is valid.
    Without boundary files (``boundaries``) there is no map: the nation keeps its tile
    grid, a province has none."""
    offered = [p for p in PANELS if (p != "tiles" or scope.level == Level.NATIONAL) and (p != "map" or boundaries)]
    if scope.level == Level.REGENCY:  # no regions below it: its own quality and progress
        offered = [p for p in offered if p in ("quality", "findings", "training", "progress")]
    names = [name.strip() for name in (requested or "").split(",") if name.strip()]
    chosen = [name for name in dict.fromkeys(names) if name in offered]
    return chosen or offered


def cycle_seconds(text: str | None) -> int:
    """``?cycle=`` as whole seconds within :data:`CYCLE_RANGE` (the default otherwise)."""
    if text and re.fullmatch(r"[0-9]{1,6}", text):
        return min(max(int(text), CYCLE_RANGE[0]), CYCLE_RANGE[1])
    return DEFAULT_CYCLE_SECONDS


def _panel_title(name: str, metric_id: str, lang: str) -> str:
    if name in ("map", "tiles"):
        return t(f"wall.panel.{name}", lang, metric=get_metric(metric_id).label(lang))
    return t(f"wall.panel.{name}", lang)


def _panel(name: str, metric_id: str, lang: str, first: bool) -> html.Section:
    graph = lambda id_: dcc.Graph(id=id_, config=GRAPH_CONFIG, className="wall-graph", figure={"data": [], "layout": {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "xaxis": {"visible": False}, "yaxis": {"visible": False}}})  # noqa: E731
    body = {
        "map": lambda: graph("wall-map"),
        "tiles": lambda: graph("wall-tiles"),
        "ranking": lambda: html.Div(id="wall-ranking", className="wall-ranking"),
        "quality": lambda: html.Div(id="wall-quality", className="wall-quality"),
        "findings": lambda: html.Div(id="wall-findings", className="wall-quality wall-findings"),
        "training": lambda: html.Div(id="wall-training", className="wall-quality wall-training"),
        "progress": lambda: html.Div(
            [html.Div(graph("wall-progress"), className="wall-progress-chart"), html.Div(id="wall-at-risk", className="wall-at-risk")],
            className="wall-progress",
        ),
    }[name]()
    return html.Section(
        [html.H2(_panel_title(name, metric_id, lang), className="wall-panel-title"), html.Div(body, className="wall-panel-body")],
        id={"type": "wall-panel", "index": name},
        className="wall-panel" + (" wall-panel-active" if first else ""),
        **{"aria-hidden": "false" if first else "true"},
    )


def layout(
    scope: Scope, lang: str, *, area_name: str, panels: list[str], cycle: int, metric_id: str, stale_minutes: int,
    refresh_seconds: int,
) -> html.Div:
    # Templates with their {fields}: the browser fills them (the clock runs there).
    texts = {key: template(f"wall.{key}", lang) for key in ("stale", "server_down", "database_down", "paused", "data_as_of", "hours", "minutes")}
    return html.Div(
        [
            dcc.Store(id="page-lang", data=lang),
            dcc.Store(id="wall-scope", data=scope.code),
            dcc.Store(id="wall-metric", data=metric_id),
            dcc.Store(id="wall-config", data={
                "cycle": cycle, "panels": panels, "stale_minutes": stale_minutes, "refresh_seconds": refresh_seconds,
                "lang": lang, "texts": texts,
            }),
            dcc.Store(id="wall-heartbeat"),
            dcc.Store(id="wall-active", data=0),
            dcc.Interval(id="wall-tick", interval=1000),
            dcc.Interval(id="wall-beat", interval=refresh_seconds * 1000),
            html.Header(
                [
                    html.Div([html.H1(t("wall.title", lang), className="wall-title"), html.Div(area_name, className="wall-area")], className="wall-name"),
                    html.Div(id="wall-kpis", className="wall-kpis"),
                    html.Div(
                        [html.Div(id="wall-clock", className="wall-clock"), html.Div(id="wall-freshness", className="wall-freshness")],
                        className="wall-time",
                    ),
                ],
                className="wall-head",
            ),
            html.Div(id="wall-warning", className="wall-warning", role="alert", hidden=True),
            html.Main([_panel(name, metric_id, lang, i == 0) for i, name in enumerate(panels)], className="wall-stage"),
            html.Div(
                [
                    html.Div([html.Span(className="wall-dot" + (" wall-dot-active" if i == 0 else ""), id={"type": "wall-dot", "index": name}) for i, name in enumerate(panels)],
                         className="wall-dots"),
                    html.Span(texts["paused"], id="wall-paused", className="wall-paused", hidden=True),
                ],
                className="wall-rotation",
            ),
            html.Footer(
                [
                    html.Span(t("wall.alerts", lang), className="wall-ticker-label"),
                    html.Div(html.Div(id="wall-alerts", className="wall-ticker-track"), className="wall-ticker-window"),
                ],
                className="wall-ticker",
            ),
        ],
        className="wall",
        lang=lang,
    )


def kpi(label: str, value: str, note: str | None = None, tone: str | None = None) -> html.Div:
    """One figure of the header: its label, the value big, and a small note under it."""
    return html.Div(
        [html.Div(label, className="wall-kpi-label"), html.Div(value, className="wall-kpi-value" + (f" wall-tone-{tone}" if tone else "")),
         *([html.Div(note, className="wall-kpi-note")] if note else [])],
        className="wall-kpi",
    )


def ranked_rows(rows: list[tuple[str, str, str, str]]) -> html.Ol:
    """A list of regions: (name, value, status code, status in words), each marked with
    its schedule colour."""
    return html.Ol(
        [html.Li([html.Span(className=f"wall-mark wall-status-{status}"), html.Span(name, className="wall-row-name"),
                  html.Span(value, className="wall-row-value"), html.Span(words, className="wall-row-status")])
         for name, value, status, words in rows],
        className="wall-rows",
    )


def column(title: str, body) -> html.Div:
    return html.Div([html.H3(title, className="wall-column-title"), body], className="wall-column")


__all__ = ["PANELS", "column", "cycle_seconds", "kpi", "layout", "panels_for", "ranked_rows"]
