"""The refresh cycle shared by all pages: poll the data version, and only when it changed
let the pages recompute (a callback slower than the interval would otherwise never land,
plotly/dash#941)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from dashboard.database import get_engine
from dashboard.queries import data_state, latest_round
from dashboard.settings import Settings
from layouts.components import data_as_of


def current_version(settings: Settings) -> dict | None:
    """{round_id, version, data_until} of the newest round, or None without data."""
    engine = get_engine(settings.database_url)
    round_ = latest_round(engine)
    state = data_state(engine, round_.id) if round_ else None
    if state is None:
        return None
    return {"round_id": state.round_id, "version": state.version, "data_until": state.data_until.isoformat()}


#: Text scale of figures by screen width, matching the root font size of assets/02_app.css.
FONT_SCALE_JS = """
function(_path) {
    const w = window.innerWidth;
    return w >= 3500 ? 2 : (w >= 2500 ? 1.5 : 1);
}
"""


def register(app: Dash, settings: Settings) -> None:
    app.clientside_callback(FONT_SCALE_JS, Output("font-scale", "data"), Input("url", "pathname"))

    @app.callback(
        Output("data-version", "data"),
        Input("refresh-timer", "n_intervals"),
        State("data-version", "data"),
    )
    def poll_data_version(_n, known):
        version = current_version(settings)
        return no_update if version == known else version

    @app.callback(Output("data-as-of", "children"), Input("data-version", "data"), State("page-lang", "data"))
    def show_data_as_of(version, lang):
        import datetime as dt

        if not version:
            return ""
        return data_as_of(dt.datetime.fromisoformat(version["data_until"]), lang or settings.default_language)
