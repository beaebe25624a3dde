"""Callbacks of the application shell."""

from __future__ import annotations

from dash import Dash, Input, Output

from dashboard.database import get_engine
from dashboard.settings import Settings
from dashboard.status import data_status, target_count
from layouts.shell import data_source_panel


def register(app: Dash, settings: Settings) -> None:
    @app.callback(Output("data-source-panel", "children"), Input("refresh-timer", "n_intervals"))
    def refresh_data_source(_n_intervals):
        engine = get_engine(settings.database_url)
        status = data_status(engine)
        targets = {r.id: target_count(engine, r.id) for r in status.rounds} if status.ready else {}
        return data_source_panel(status, targets, settings.default_language)
