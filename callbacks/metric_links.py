"""The map metric a user picks stays picked: in the address (a reload or a shared link
shows it), in the language switch, the round menu and the breadcrumb. All in the browser:
nothing the server must decide, and no page re-render for a change of metric."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State

from layouts.frame import METRIC_LINK, METRIC_TRAIL

#: Sets ``metric`` in the address (``replaceState``: no new history entry, no reload) and in
#: every link of the page that keeps it.
KEEP_METRIC_JS = """
function(metric, hrefs, trails) {
    const no = window.dash_clientside.no_update;
    if (!metric) { return [no, no]; }
    const withMetric = (href) => {
        if (!href) { return href; }
        const url = new URL(href, window.location.origin);
        url.searchParams.set('metric', metric);
        return url.pathname + url.search;
    };
    const here = new URL(window.location.href);
    if (here.searchParams.get('metric') !== metric) {
        here.searchParams.set('metric', metric);
        window.history.replaceState(window.history.state, '', here.pathname + here.search + here.hash);
    }
    return [hrefs.map(withMetric), trails.map((items) => (items || []).map((item) => Object.assign({}, item, {href: withMetric(item.href)})))];
}
"""

#: The pickers of a map metric: the overview pages' and the quality pages'.
METRIC_PICKERS = ("overview-metric", "quality-metric")


def register(app: Dash) -> None:
    for picker in METRIC_PICKERS:
        app.clientside_callback(
            KEEP_METRIC_JS,
            Output({"type": METRIC_LINK, "index": ALL}, "href", allow_duplicate=True),
            Output({"type": METRIC_TRAIL, "index": ALL}, "items", allow_duplicate=True),
            Input(picker, "value"),
            State({"type": METRIC_LINK, "index": ALL}, "href"),
            State({"type": METRIC_TRAIL, "index": ALL}, "items"),
            prevent_initial_call=True,
        )
