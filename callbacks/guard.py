"""The server decides what a callback may show: every callback is registered through
:class:`GuardedApp`, so that a request for a region or facilitator outside the user's area
(``OutOfScope``, raised by the query layer) or for one that cannot exist (``InvalidScope``)
gets an explained empty view for each output instead of data or a traceback.

Callbacks never take the area from their inputs: region codes in stores and URLs are
wishes, and the query layer checks them against ``dashboard.web.auth.current_access()``.
"""

from __future__ import annotations

import functools
import logging

import dash_bootstrap_components as dbc
from dash import Dash, Output, no_update

from dashboard.access.audit import AuditAction
from dashboard.access.policy import OutOfScope
from dashboard.figures.queries import InvalidScope
from dashboard.i18n import LANGUAGES, t
from dashboard.web.auth import audit

log = logging.getLogger(__name__)

#: What a denied figure carries (tests and the browser can tell it from an empty chart).
DENIED_META = {"access": "denied"}


def denied_figure(lang: str) -> dict:
    return {
        "data": [],
        "layout": {
            "meta": DENIED_META,
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [
                {"text": t("access.denied_short", lang), "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "font": {"size": 16, "color": "#555"}}
            ],
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
        },
    }


def denied_children(lang: str):
    return dbc.Alert(t("access.denied_short", lang), color="secondary", className="access-denied mb-0")


def denied_value(output: Output, lang: str):
    """What an output shows when its callback was refused."""
    prop = output.component_property
    if prop == "figure":
        return denied_figure(lang)
    if prop == "children":
        return denied_children(lang)
    if prop == "getRowsResponse":
        return {"rowData": [], "rowCount": 0}
    if prop in ("data", "href") and output.component_id != "url":
        return None
    return no_update


class GuardedApp:
    """``app`` whose ``callback`` turns refusals into explained empty views; the rest of
    the Dash app's surface is passed through."""

    def __init__(self, app: Dash) -> None:
        self._app = app

    def __getattr__(self, name: str):
        return getattr(self._app, name)

    def callback(self, *args, **kwargs):
        outputs = [a for a in args if isinstance(a, Output)] + list(kwargs.get("output", []) or [])
        dependencies = [a for a in args if not isinstance(a, Output)]
        lang_at = next(
            (i for i, d in enumerate(dependencies) if getattr(d, "component_id", None) == "page-lang"), None
        )

        def decorator(func):
            @functools.wraps(func)
            def guarded(*values):
                try:
                    return func(*values)
                except (OutOfScope, InvalidScope) as exc:
                    lang = values[lang_at] if lang_at is not None and lang_at < len(values) else None
                    lang = lang if lang in LANGUAGES else LANGUAGES[0]
                    audit(AuditAction.DENIED, f"callback {func.__name__}: {exc}", 403)
                    denied = [denied_value(o, lang) for o in outputs]
                    return denied[0] if len(outputs) == 1 else tuple(denied)

            return self._app.callback(*args, **kwargs)(guarded)

        return decorator


__all__ = ["DENIED_META", "GuardedApp", "denied_children", "denied_figure", "denied_value"]
