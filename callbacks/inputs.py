"""What a callback request may carry, checked before any callback runs.

``/_dash-update-component`` is a public endpoint: its body is whatever a client sends, not
what our pages send. Two checks keep malformed requests from reaching the callbacks (where
they would surface as a ``TypeError`` and a 500):

- :func:`check_body` (before the request is dispatched): the body is a JSON object naming a
  registered callback, with exactly the inputs and states that callback declares, in order,
  and every value has the type and form our own components produce (``RULES``).
- :func:`require_rules` (by ``GuardedApp`` when a callback is registered): a dependency
  without a rule is refused (deny by default), so a new input cannot slip through.

Both raise :class:`BadCallbackRequest`, answered with 400 and a JSON message naming the
offending property (never its value: it may be anything).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from dashboard.figures.metrics import MAP_METRICS, QUALITY_MAP_METRICS
from dashboard.figures.waiting import STATUS_CODES as WAITING_STATUS_CODES
from dashboard.i18n import LANGUAGES
from dashboard.quality.review import NOTE_LENGTH, ReviewResult
from dashboard.vocabulary import PROGRAMME_TERMS
from layouts.maps import MAP_VIEWS
from layouts.findings import MAP_KINDS as FINDINGS_KINDS
from layouts.findings import MATRIX_CATEGORIES, MATRIX_MODES
from layouts.quality import QUALITY_VIEWS

#: The results a reviewer may record (the review form's choices).
REVIEW_RESULTS = tuple(r.value for r in ReviewResult)
#: Longest text any of our inputs holds (a URL with its query, a search term).
MAX_TEXT = 2048
_REGION_CODE = re.compile(r"^([0-9]{2}(\.[0-9]{2})?|ID)$")
_PATH = re.compile(r"/[^\x00]*", re.S)
_FACILITATOR_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")


class BadCallbackRequest(ValueError):
    """A callback request our pages never send; the message names what is wrong."""


Rule = Callable[[Any], bool]


def _text(max_length: int = MAX_TEXT, pattern: re.Pattern | None = None, choices: frozenset | None = None, optional: bool = True) -> Rule:
    def rule(value: Any) -> bool:
        if value is None:
            return optional
        if not isinstance(value, str) or len(value) > max_length:
            return False
        if pattern is not None and not pattern.fullmatch(value):
            return False
        return choices is None or value in choices

    return rule


def _count(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53)


def _scale(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and 0.5 <= value <= 4)


def _mapping(value: Any) -> bool:
    return value is None or isinstance(value, Mapping)


#: Years a date or time of our pages can hold (beyond them, arithmetic would overflow).
_YEARS = range(2000, 2101)


def _iso_date(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or len(value) > 32:
        return False
    try:
        return dt.date.fromisoformat(value[:10]).year in _YEARS
    except ValueError:
        return False


def _iso_datetime(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 40:
        return False
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return moment.tzinfo is None and moment.year in _YEARS


def _data_version(value: Any) -> bool:
    """The poll's store: ``{round_id, version, data_until, pinned, figures}`` or nothing."""
    if value is None:
        return True
    if not isinstance(value, Mapping):
        return False
    round_id, until = value.get("round_id"), value.get("data_until")
    if not isinstance(round_id, int) or isinstance(round_id, bool) or not 0 < round_id < 2**31:
        return False
    if not _iso_datetime(until):
        return False
    if value.get("pinned") is not None and not isinstance(value.get("pinned"), int):
        return False
    return value.get("outage_since") is None or _iso_datetime(value.get("outage_since"))


def _click(value: Any) -> bool:
    """A map's ``clickData``: ``{"points": [{...}, ...]}``."""
    if value is None:
        return True
    points = value.get("points") if isinstance(value, Mapping) else None
    return isinstance(points, list) and all(isinstance(p, Mapping) for p in points)


def _active_cell(value: Any) -> bool:
    """A DataTable's clicked cell: ``{row, column, column_id, row_id}``; the row id an alert id."""
    if value is None:
        return True
    if not isinstance(value, Mapping) or len(value) > 4:
        return False
    row_id = value.get("row_id")
    return row_id is None or (isinstance(row_id, int) and not isinstance(row_id, bool) and 0 < row_id < 2**31)


def _text_list(value: Any) -> bool:
    return value is None or (isinstance(value, list) and len(value) <= 16 and all(_text(64)(v) and v is not None for v in value))


#: The form of every input and state of our callbacks, by component id and property.
RULES: dict[tuple[str, str], Rule] = {
    ("page-lang", "data"): _text(8, choices=frozenset(LANGUAGES), optional=False),
    ("data-version", "data"): _data_version,
    ("font-scale", "data"): _scale,
    ("refresh-timer", "n_intervals"): _count,
    ("page-retry", "n_intervals"): _count,
    ("url", "pathname"): _text(pattern=_PATH),
    ("url", "search"): _text(),
    # Dash's own pages callback (not registered by us, checked all the same).
    ("_pages_location", "pathname"): _text(pattern=_PATH, optional=False),
    ("_pages_location", "search"): _text(),
    ("overview-scope", "data"): _text(5, _REGION_CODE),
    ("quality-scope", "data"): _text(5, _REGION_CODE),
    ("regency-scope", "data"): _text(5, _REGION_CODE, optional=False),
    ("facilitator-id", "data"): _text(32, _FACILITATOR_ID, optional=False),
    ("overview-metric", "value"): _text(64, choices=frozenset(MAP_METRICS), optional=False),  # clearable=False
    ("quality-metric", "value"): _text(64, choices=frozenset(QUALITY_MAP_METRICS), optional=False),
    ("overview-map-view", "value"): _text(8, choices=frozenset(MAP_VIEWS), optional=False),
    ("quality-map-view", "value"): _text(8, choices=frozenset(QUALITY_VIEWS), optional=False),
    ("overview-map", "clickData"): _click,
    ("quality-map", "clickData"): _click,
    ("overview-map", "figure"): _mapping,
    ("quality-map", "figure"): _mapping,
    ("findings-scope", "data"): _text(5, _REGION_CODE),
    ("findings-programme", "value"): _text(16, choices=frozenset(PROGRAMME_TERMS), optional=False),
    ("findings-metric", "value"): _text(64, choices=frozenset(FINDINGS_KINDS), optional=False),
    ("findings-matrix-category", "value"): _text(32, choices=frozenset(MATRIX_CATEGORIES), optional=False),
    ("findings-matrix-mode", "value"): _text(8, choices=frozenset(MATRIX_MODES), optional=False),
    ("findings-map", "clickData"): _click,
    ("findings-map", "figure"): _mapping,
    ("waiting-scope", "data"): _text(5, _REGION_CODE),
    ("training-scope", "data"): _text(5, _REGION_CODE),
    ("waiting-status", "value"): _text(16, choices=frozenset(WAITING_STATUS_CODES), optional=False),
    ("waiting-ages", "clickData"): _click,
    ("regency-facilitators", "filterModel"): _mapping,
    ("regency-facilitators", "getRowsRequest"): _mapping,
    ("regency-quick-filters", "value"): _text_list,
    ("regency-search", "value"): _text(200),
    ("alerts-scope", "data"): _text(5, _REGION_CODE),
    ("alerts-closed", "value"): lambda value: value is None or isinstance(value, bool),
    ("alerts-acked", "data"): _count,
    ("alerts-table", "active_cell"): _active_cell,
    ("alerts-note", "value"): _text(500),
    ("alerts-ack", "n_clicks"): _count,
    ("review-scope", "data"): _text(5, _REGION_CODE),
    ("review-recorded", "data"): _count,
    ("review-facilitator", "value"): _text(32, _FACILITATOR_ID),
    ("review-result", "value"): _text(16, choices=frozenset(REVIEW_RESULTS)),
    ("review-note", "value"): _text(NOTE_LENGTH),
    ("review-submit", "n_clicks"): _count,
    ("wall-scope", "data"): _text(5, _REGION_CODE),
    ("wall-metric", "data"): _text(64, choices=frozenset(MAP_METRICS), optional=False),
    ("wall-map", "figure"): _mapping,
    ("wall-tiles", "figure"): _mapping,
    ("wall-beat", "n_intervals"): _count,
    ("wall-tick", "n_intervals"): _count,
    ("wall-active", "data"): _count,
    ("wall-heartbeat", "data"): _mapping,
    ("wall-config", "data"): _mapping,
    ("admin-retention", "data"): _count,
    ("admin-filter-action", "value"): _text(64),
    ("admin-filter-user", "value"): _text(64),
    ("admin-filter-text", "value"): _text(200),
    ("admin-filter-days", "start_date"): _iso_date,
    ("admin-filter-days", "end_date"): _iso_date,
}


def require_rules(dependencies) -> None:
    """Refuse to register a callback with an input or state that has no rule."""
    for dependency in dependencies:
        key = (str(dependency.component_id), dependency.component_property)
        if key not in RULES:
            raise LookupError(f"callback input {key[0]}.{key[1]} has no rule in callbacks.inputs.RULES")


def _declared(items) -> list[tuple[str, str]]:
    return [(str(item["id"]), item["property"]) for item in items]


def _sent(items, what: str) -> list[tuple[str, str]]:
    if not isinstance(items, list) or not all(isinstance(i, Mapping) and isinstance(i.get("id"), str) and isinstance(i.get("property"), str) for i in items):
        raise BadCallbackRequest(f"'{what}' must be a list of {{id, property, value}}")
    for item in items:
        rule = RULES.get((item["id"], item["property"]))
        if rule is None or not rule(item.get("value")):
            raise BadCallbackRequest(f"malformed value of {item['id']}.{item['property']}")
    return [(i["id"], i["property"]) for i in items]


def parse_body(data: bytes) -> Any:
    """The JSON of a request body, or :class:`BadCallbackRequest`: no ``NaN``/``Infinity``
    (Python's parser accepts them; no component sends them), no nesting deep enough to
    exhaust the interpreter's stack."""

    def refuse(constant: str):
        raise BadCallbackRequest(f"{constant} is not a JSON number")

    try:
        return json.loads(data, parse_constant=refuse)
    except (ValueError, RecursionError):
        raise BadCallbackRequest("the body is not JSON") from None


def check_body(body: Any, callback_map: Mapping[str, Mapping]) -> None:
    """Raise :class:`BadCallbackRequest` unless ``body`` asks a registered callback with
    exactly its declared inputs and states."""
    if not isinstance(body, Mapping):
        raise BadCallbackRequest("the body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise BadCallbackRequest("no such callback")
    declared = callback_map[output]
    if "callback" not in declared:  # a clientside callback: runs in the browser only
        raise BadCallbackRequest("no such callback")
    if _sent(body.get("inputs"), "inputs") != _declared(declared["inputs"]):
        raise BadCallbackRequest("the inputs do not match the callback's")
    if _sent(body.get("state", []), "state") != _declared(declared["state"]):
        raise BadCallbackRequest("the states do not match the callback's")
    outputs = body.get("outputs")
    expected = output.count("...") + 1 if output.startswith("..") else None  # None: one output
    sent = outputs if isinstance(outputs, list) else [outputs]
    if (expected is None) == isinstance(outputs, list) or len(sent) != (expected or 1) or not all(
        isinstance(o, Mapping) and isinstance(o.get("id"), str) and isinstance(o.get("property"), str) for o in sent
    ):
        raise BadCallbackRequest("the outputs do not match the callback's")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) and len(c) <= 200 for c in changed):
        raise BadCallbackRequest("'changedPropIds' must be a list of names")


__all__ = ["RULES", "BadCallbackRequest", "check_body", "require_rules"]
