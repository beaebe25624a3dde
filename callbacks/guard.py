"""The server decides what a callback may show: every callback is registered through
:class:`GuardedApp`, so that a request for a region or facilitator outside the user's area
(``OutOfScope``, raised by the query layer) or for one that cannot exist (``InvalidScope``)
gets an explained empty view for each output instead of data or a traceback.

Callbacks never take the area from their inputs: region codes in stores and URLs are
wishes, and the query layer checks them against ``dashboard.web.auth.current_access()``.

A callback registered with ``cache_response=True`` (one whose answer depends only on its
inputs, the data and what the user may see: no side effect such as an audit record) keeps
its answer in the figure cache under its inputs, the server's data version of the round
and the request's access class (``dashboard.figures.cache``): forty wall screens and a
hundred viewers asking for the same view share one computation, and a refresh with
unchanged data costs a lookup. Refusals are never kept.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging

import dash_bootstrap_components as dbc
from dash import Dash, Output, ctx, no_update
from flask import g, jsonify, request
from plotly.io.json import to_json_plotly

from dashboard.access.audit import AuditAction
from dashboard.access.policy import OutOfScope
from dashboard.figures import cache as figure_cache
from dashboard.figures.queries import InvalidScope, Scope, region_exists
from dashboard.i18n import LANGUAGES, t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.web.auth import audit, current_access

from callbacks.inputs import BadCallbackRequest, check_body, parse_body, require_rules
from callbacks.refresh import current_version

log = logging.getLogger(__name__)

#: Stores that hold the region a page shows: each must name a region that exists.
SCOPE_STORES = frozenset({"overview-scope", "quality-scope", "findings-scope", "waiting-scope", "training-scope", "regency-scope", "alerts-scope", "review-scope", "wall-scope"})

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
    """``app`` whose ``callback`` turns refusals into explained empty views (and keeps the
    answers of ``cache_response`` callbacks); the rest of the Dash app is passed through."""

    def __init__(self, app: Dash, settings: Settings) -> None:
        self._app = app
        self._settings = settings
        dispatch_path = app.config.routes_pathname_prefix + "_dash-update-component"

        @app.server.before_request
        def _check_callback_body():
            """A body our pages never send gets a 400 before Dash parses it."""
            if request.path == dispatch_path and request.method == "POST":
                check_body(parse_body(request.get_data(cache=True)), app.callback_map)

        @app.server.errorhandler(BadCallbackRequest)
        def _bad_callback_request(exc: BadCallbackRequest):
            log.info("refused a callback request: %s", exc)
            return jsonify(error=str(exc)), 400

    def __getattr__(self, name: str):
        return getattr(self._app, name)

    def _response_key(self, name: str, values: tuple, version_at: int | None) -> tuple[str, object] | None:
        """The cache key of a callback's answer, and the backend (None: not cacheable)."""
        engine = get_engine(self._settings.read_database_url)
        backend = figure_cache.backend_of(engine)
        version = values[version_at] if version_at is not None and version_at < len(values) else None
        if backend is None or not isinstance(version, dict) or not isinstance(version.get("round_id"), int):
            return None
        data = figure_cache.data_version(engine, version["round_id"])  # the server's, not the client's
        if data is None:
            return None
        # The answer depends on the server's version of the round, not on what else the
        # client's copy holds: keyed by that, so forged copies cannot fill the cache.
        keyed = list(values)
        keyed[version_at] = [version["round_id"], version.get("pinned") == version["round_id"]]
        described = json.dumps(
            [figure_cache.CODE_VERSION, self._settings.read_database_url, name, version["round_id"], data,
             figure_cache.access_class(current_access()), sorted(ctx.triggered_prop_ids), keyed],
            sort_keys=True, default=str,
        )
        return "cb:" + hashlib.sha256(described.encode()).hexdigest(), backend

    def callback(self, *args, cache_response: bool = False, version_as_sent: bool = False, **kwargs):
        outputs = [a for a in args if isinstance(a, Output)] + list(kwargs.get("output", []) or [])
        dependencies = [a for a in args if not isinstance(a, Output)]
        lang_at = next(
            (i for i, d in enumerate(dependencies) if getattr(d, "component_id", None) == "page-lang"), None
        )
        version_at = next(
            (i for i, d in enumerate(dependencies) if getattr(d, "component_id", None) == "data-version"), None
        )
        scopes_at = [i for i, d in enumerate(dependencies) if getattr(d, "component_id", None) in SCOPE_STORES]
        # The poll compares the client's version with the server's: it gets it as sent.
        version_as_sent = version_as_sent or any(o.component_id == "data-version" for o in outputs)
        served_version_at = None if version_as_sent else version_at

        require_rules(dependencies)

        def decorator(func):
            # The outputs name the callback (two pages may each have an ``update_kpis``).
            callback_id = f"{func.__module__}.{func.__qualname__}:" + ",".join(f"{o.component_id}.{o.component_property}" for o in outputs)

            @functools.wraps(func)
            def guarded(*values):
                g.callback = callback_id  # named in the log lines of this request (slow ones, errors)
                if _in_outage(values, served_version_at):
                    # The poll marked the version: the database does not answer, and what
                    # the page shows stays (a request now would only fail).
                    return no_update if len(outputs) <= 1 else tuple(no_update for _ in outputs)
                cache = self._response_key(callback_id, values, version_at) if cache_response else None
                if cache is None:
                    return self._answer(func, values, outputs, lang_at, served_version_at, scopes_at)[0]
                key, backend = cache
                hit = _get(backend, key)
                if hit is not None:
                    figure_cache.stats["answers_kept"] += 1
                    return hit
                with figure_cache.single_flight(key, backend):  # simultaneous viewers share one computation
                    hit = _get(backend, key)
                    if hit is not None:
                        figure_cache.stats["answers_kept"] += 1
                        return hit
                    answer, refused = self._answer(func, values, outputs, lang_at, served_version_at, scopes_at)
                    if not refused and not _holds_no_update(answer):
                        # Kept (and returned) as the JSON Dash sends: unpickling plotly
                        # figures would validate them again, at the cost of computing them.
                        answer = json.loads(to_json_plotly(answer))
                        _set(backend, key, answer)
                    return answer

            return self._app.callback(*args, **kwargs)(guarded)

        return decorator

    def _server_values(self, values: tuple, version_at: int | None, scopes_at: list[int]) -> tuple:
        """``values`` with what the server decides in place of the client's wishes: the data
        version of the round (the client names the round; the server says which data and
        day that is) and only regions that exist (else ``InvalidScope``)."""
        values = list(values)
        engine = get_engine(self._settings.read_database_url)
        if version_at is not None and values[version_at] is not None:
            wished = values[version_at]
            server = current_version(self._settings, wished["round_id"])
            if server is None:
                raise InvalidScope(f"round {wished['round_id']} has no data")
            server["pinned"] = wished["round_id"] if wished.get("pinned") == wished["round_id"] else None
            values[version_at] = server
        for at in scopes_at:
            if values[at] is not None and not region_exists(engine, Scope.of(values[at])):
                raise InvalidScope(f"no region with code {values[at]!r}")
        return tuple(values)

    def _answer(
        self, func, values: tuple, outputs: list, lang_at: int | None, version_at: int | None = None, scopes_at: list[int] = ()
    ) -> tuple[object, bool]:
        """``func(*values)``, or the explained empty views when it refuses; and whether it
        refused (a refusal is never kept)."""
        try:
            return func(*self._server_values(values, version_at, list(scopes_at))), False
        except (OutOfScope, InvalidScope) as exc:
            lang = values[lang_at] if lang_at is not None and lang_at < len(values) else None
            lang = lang if lang in LANGUAGES else LANGUAGES[0]
            audit(AuditAction.DENIED, f"callback {func.__name__}: {exc}", 403)
            denied = [denied_value(o, lang) for o in outputs]
            return (denied[0] if len(outputs) == 1 else tuple(denied)), True


def _in_outage(values: tuple, version_at: int | None) -> bool:
    version = values[version_at] if version_at is not None and version_at < len(values) else None
    return isinstance(version, dict) and bool(version.get("outage_since"))


def _holds_no_update(answer) -> bool:
    parts = answer if isinstance(answer, (tuple, list)) else (answer,)
    return any(part is no_update or type(part).__name__ == "NoUpdate" for part in parts)


def _get(backend, key: str):
    try:
        return backend.get(key)
    except Exception:  # a failing cache must not take a page down
        log.warning("response cache unavailable", exc_info=True)
        return None


def _set(backend, key: str, answer) -> None:
    try:
        backend.set(key, answer)
    except Exception:
        log.warning("response cache unavailable", exc_info=True)


__all__ = ["DENIED_META", "GuardedApp", "denied_children", "denied_figure", "denied_value"]
