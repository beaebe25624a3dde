"""Thin glue from page inputs to ``dashboard`` and back, registered explicitly by the factory."""

from __future__ import annotations

from dash import Dash

from dashboard.settings import Settings


def register_all(app: Dash, settings: Settings) -> None:
    """Register the callbacks of every page on ``app``."""
    from callbacks import facilitator, overview, quality, refresh, regency

    refresh.register(app, settings)
    facilitator.register(app, settings)
    overview.register(app, settings)
    regency.register(app, settings)
    quality.register(app, settings)
