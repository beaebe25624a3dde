"""The refresh cycle shared by all pages: poll the data version, and only when it changed
let the pages recompute (a callback slower than the interval would otherwise never land,
plotly/dash#941)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs

from dash import Dash, Input, Output, State, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.figures.queries import data_state, latest_round
from dashboard.settings import Settings
from dashboard.figures import cache as figure_cache
from dashboard.store.database import get_engine
from dashboard.store.outage import is_outage, monitor_for
from dashboard.store.rollups import day_of
from layouts.components import data_as_of, outage_notice


def current_version(settings: Settings, pinned_round: int | None = None) -> dict | None:
    """{round_id, version, data_until, pinned} of the round the URL names (``pinned``) or
    of the newest round; None without data."""
    engine = get_engine(settings.read_database_url)
    if pinned_round is None:
        round_ = latest_round(engine)
        round_id = round_.id if round_ else None
    else:
        round_id = pinned_round
    state = data_state(engine, round_id) if round_id is not None else None
    if state is None:
        return None
    return {
        "round_id": state.round_id,
        "version": state.version,
        "data_until": state.data_until.isoformat(),
        "pinned": pinned_round,
        # Also changes when only the quality flags or risk scores were refreshed (a rebuild
        # with new thresholds), so that open pages show them.
        "figures": figure_cache.data_version(engine, state.round_id),
    }


def version_day(version: dict) -> dt.date:
    """The newest day (WIB) of the data a version describes: what "as of" the pages show."""
    return day_of(dt.datetime.fromisoformat(version["data_until"]))


def round_in(search: str | None) -> int | None:
    """The ``round`` of a page's query string, if it is a number."""
    values = parse_qs((search or "").lstrip("?")).get("round")
    return int(values[0]) if values and re.fullmatch(r"[0-9]{1,9}", values[0]) else None


#: Text scale of figures by screen width, matching the root font size of assets/02_app.css.
FONT_SCALE_JS = """
function(_path) {
    const w = window.innerWidth;
    return w >= 3500 ? 2 : (w >= 2500 ? 1.5 : 1);
}
"""


#: ``<html lang>`` follows the page's language when it changes without a reload.
HTML_LANG_JS = """
function(lang) {
    if (lang) { document.documentElement.lang = lang; }
    return lang;
}
"""


#: The outage page and the no-round page (layouts.pages) reload themselves until the
#: database answers again, or a round has data.
RELOAD_JS = """
function(n) {
    if (n) { window.location.reload(); }
    return window.dash_clientside.no_update;
}
"""


def register(app: Dash, settings: Settings) -> None:
    app.clientside_callback(FONT_SCALE_JS, Output("font-scale", "data"), Input("url", "pathname"))
    app.clientside_callback(RELOAD_JS, Output("page-retry", "disabled"), Input("page-retry", "n_intervals"))
    app.clientside_callback(HTML_LANG_JS, Output("html-lang", "data"), Input("page-lang", "data"))

    @app.callback(
        Output("data-version", "data"),
        Input("refresh-timer", "n_intervals"),
        Input("url", "search"),
        State("data-version", "data"),
    )
    def poll_data_version(_n, search, known):
        """The server's data version when it changed (the pages then recompute). While the
        database does not answer: the known version marked with the outage, so that the
        header says so and every figure stays as it is (``GuardedApp`` answers no change)."""
        try:
            version = current_version(settings, round_in(search))
        except SQLAlchemyError as exc:
            if not is_outage(exc):
                raise
            if not known or known.get("outage_since"):
                return no_update
            since = monitor_for(settings.read_database_url).state().unreachable_since or dt.datetime.now(dt.UTC).replace(tzinfo=None)
            return {**known, "outage_since": since.isoformat()}
        return no_update if version == known else version

    # Shows the version as the client holds it (its own "as of" line): nothing to check.
    @app.callback(Output("data-as-of", "children"), Input("data-version", "data"), State("page-lang", "data"), version_as_sent=True)
    def show_data_as_of(version, lang):
        if not version:
            return ""
        lang = lang or settings.default_language
        until = dt.datetime.fromisoformat(version["data_until"])
        if version.get("outage_since"):
            return outage_notice(until, dt.datetime.fromisoformat(version["outage_since"]), lang)
        return data_as_of(until, lang)
