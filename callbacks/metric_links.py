"""The map metric and map view a user picks stay picked: in the address (a reload or a
shared link shows them), in the language switch, the round menu and the breadcrumb. All in
the browser: nothing the server must decide, and no page re-render for a change."""

from __future__ import annotations

import json

from dash import ALL, Dash, Input, Output, State

from layouts.frame import METRIC_LINK, METRIC_TRAIL


def keep_in_address_js(param: str) -> str:
    """A clientside callback that sets ``param`` in the address (``replaceState``: no new
    history entry, no reload) and in every link of the page that keeps the page's choices."""
    return """
function(value, hrefs, trails) {
    const no = window.dash_clientside.no_update;
    if (!value) { return [no, no]; }
    const withValue = (href) => {
        if (!href) { return href; }
        const url = new URL(href, window.location.origin);
        url.searchParams.set(PARAM, value);
        return url.pathname + url.search;
    };
    const here = new URL(window.location.href);
    if (here.searchParams.get(PARAM) !== value) {
        here.searchParams.set(PARAM, value);
        window.history.replaceState(window.history.state, '', here.pathname + here.search + here.hash);
    }
    return [hrefs.map(withValue), trails.map((items) => (items || []).map((item) => Object.assign({}, item, {href: withValue(item.href)})))];
}
""".replace("PARAM", json.dumps(param))


#: The pickers whose choice the address keeps, and the query parameter of each: the map
#: metric and the map view of the overview pages and the quality pages.
KEPT_CHOICES = (
    ("overview-metric", "metric"),
    ("quality-metric", "metric"),
    ("overview-map-view", "view"),
    ("quality-map-view", "view"),
)


def register(app: Dash) -> None:
    for picker, param in KEPT_CHOICES:
        app.clientside_callback(
            keep_in_address_js(param),
            Output({"type": METRIC_LINK, "index": ALL}, "href", allow_duplicate=True),
            Output({"type": METRIC_TRAIL, "index": ALL}, "items", allow_duplicate=True),
            Input(picker, "value"),
            State({"type": METRIC_LINK, "index": ALL}, "href"),
            State({"type": METRIC_TRAIL, "index": ALL}, "items"),
            prevent_initial_call=True,
        )
