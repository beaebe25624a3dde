"""Thin glue from page inputs to ``dashboard`` and back, registered explicitly by the factory.

Every callback is registered through ``callbacks.guard.GuardedApp``: what it may show is
decided by the server (``dashboard.web.auth.current_access``), and a refusal becomes an
explained empty view.
"""

from __future__ import annotations

from dash import Dash

from dashboard.settings import Settings


def register_all(app: Dash, settings: Settings) -> None:
    """Register the callbacks of every page on ``app``."""
    from callbacks import admin, alerts, facilitator, findings, metric_links, overview, quality, refresh, regency, review, training, waiting, wall
    from callbacks.guard import GuardedApp

    guarded = GuardedApp(app, settings)
    refresh.register(guarded, settings)
    metric_links.register(guarded)
    facilitator.register(guarded, settings)
    overview.register(guarded, settings)
    regency.register(guarded, settings)
    quality.register(guarded, settings)
    findings.register(guarded, settings)
    waiting.register(guarded, settings)
    training.register(guarded, settings)
    admin.register(guarded, settings)
    alerts.register(guarded, settings)
    review.register(guarded, settings)
    wall.register(guarded, settings)
