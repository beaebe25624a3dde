"""The read-only JSON API, version 1: the registry and the same figures the pages show.

``GET /api/v1/metrics``, ``GET /api/v1/progress`` (with the findings; ``category=`` for one
target category), ``GET /api/v1/transitions`` (the desil transition matrix), ``GET
/api/v1/waiting`` (open cases by status and age), ``GET /api/v1/training`` (the training and
the work by post-test band), ``GET /api/v1/alerts`` and ``GET
/api/v1/openapi.json``. Figures come from ``dashboard.figures``
(queries, findings and the metric registry), exactly as on the pages. Bad
parameters answer 400 with a message that says what is wrong; a region outside the caller's
area 403 (a list of regions leaves out those it may not see). Every call is audited.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
from flask import Blueprint, Flask, Response, g, jsonify, request

from dashboard.access.audit import AuditAction
from dashboard.access.policy import Access, OutOfScope
from dashboard.alerts import RULES, RULES_BY_ID, alert_feed
from dashboard.figures.forecast import ScheduleRule, ScheduleStatus, child_forecasts, facilitator_forecasts, scope_forecast
from dashboard.figures.findings import DESILS, facilitator_findings, findings_counts, transition_matrix
from dashboard.figures.findings import transitions as findings_transitions
from dashboard.figures.metrics import METRICS, compute
from dashboard.figures.training import relation_to_work, training_summary
from dashboard.figures.waiting import AGE_BUCKETS, STATUS_CODES, bucket_label, status_ages, waiting_counts
from dashboard.figures.queries import (
    InvalidScope,
    Level,
    Scope,
    base_counts,
    data_state,
    facilitator_counts,
    latest_round,
    region_exists,
    region_names,
    round_dates,
)
from dashboard.ingest.contract import KINDS, json_schema
from dashboard.ingest.loader import CHUNK, Loader
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.vocabulary import OTHER, TARGET_CATEGORY_TERMS
from dashboard.web.auth import audit, current_access

API_VERSION = "1.0.0"
#: Rows one ``POST /api/v1/ingest`` may carry (a pipeline sends more in several requests).
MAX_INGEST_ROWS = 20_000
_PARENT_LEVEL = {
    Level.NATIONAL: None,
    Level.PROVINCE: None,
    Level.REGENCY: Level.PROVINCE,
    Level.FACILITATOR: Level.REGENCY,
}


class BadRequest(ValueError):
    """A parameter the API cannot answer; the message is shown to the caller."""


def _clean(value):
    if value is None or value is pd.NaT:  # a facilitator without visits has no last day
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _parse_level(text: str | None) -> Level:
    if not text:
        raise BadRequest("parameter 'level' is required: national, province, regency or facilitator")
    try:
        return Level(text)
    except ValueError:
        raise BadRequest(f"unknown level {text!r}: use national, province, regency or facilitator") from None


def _parse_parent(level: Level, text: str | None) -> Scope:
    expected = _PARENT_LEVEL[level]
    if expected is None:
        if text not in (None, "", "ID"):
            raise BadRequest(f"level {level.value} takes no parent (got {text!r})")
        return Scope.national()
    if not text:
        example = "32" if expected == Level.PROVINCE else "32.01"
        raise BadRequest(f"level {level.value} needs parent=<{expected.value} code>, e.g. parent={example}")
    try:
        scope = Scope(expected, text)
    except InvalidScope as exc:
        raise BadRequest(f"parent of the wrong level or malformed: {exc}") from None
    return scope


#: The categories of the figures: the vocabulary's, and "other" for codes outside it (the
#: rollups count them so, and the pages show them).
CATEGORY_CODES = (*TARGET_CATEGORY_TERMS, OTHER.code)


def _parse_category(text: str | None, level: Level) -> str | None:
    """The target category of ``?category=`` (None: all), for region levels only."""
    if not text:
        return None
    if text not in CATEGORY_CODES:
        raise BadRequest(f"unknown category {text[:40]!r}: use {', '.join(CATEGORY_CODES)}")
    if level == Level.FACILITATOR:
        raise BadRequest("figures by category are kept per region, not per facilitator (a facilitator works on every category)")
    return text


def _one_category(counts: pd.DataFrame, category: str, by: str) -> pd.DataFrame:
    """The rows of one category of counts split by category, indexed by code (zeros for a
    region without targets of it)."""
    if by == "self":
        part = counts.loc[[category]] if category in counts.index else counts.iloc[:0].reindex([category])
        return part.fillna(0).set_axis(pd.Index(["ID"], name="code"))
    codes = counts.index.get_level_values("code").unique()
    part = counts.xs(category, level="category") if category in counts.index.get_level_values("category") else counts.iloc[:0].droplevel("category")
    return part.reindex(codes).fillna(0)


def _round_and_day(engine, args):
    """The round of ``?round=`` (default the newest with data), its data state and the day
    of ``?as_of=`` (default the newest), or ``BadRequest``/``LookupError``."""
    if args.get("round"):
        if not re.fullmatch(r"[0-9]{1,9}", args["round"]):
            raise BadRequest(f"round {args['round'][:40]!r} is not a number (a round id)")
        round_ = round_dates(engine, int(args["round"]))
        if round_ is None:
            raise LookupError(f"no round {args['round']}")
    else:
        round_ = latest_round(engine)
    state = data_state(engine, round_.id) if round_ else None
    if round_ is None or state is None:
        raise LookupError("no round with data")
    return round_, state, _parse_as_of(args.get("as_of"), state.day, round_.start_date)


def _parse_scope(engine, text: str | None) -> Scope:
    """The region of ``?scope=`` (default the nation), which must exist."""
    if text is not None and not re.fullmatch(r"\d{2}(\.\d{2})?", text):
        raise BadRequest(f"scope {text[:40]!r} is not a province or kabupaten/kota code (e.g. 35 or 35.77)")
    scope = Scope.of(text)
    if text is not None and not region_exists(engine, scope):
        raise LookupError(f"no region with code {text!r}")
    return scope


def transitions_answer(settings: Settings, args, access: Access) -> dict:
    """The answer of ``/api/v1/transitions``: the 10×10 desil transition matrix (families
    re-ranked, desil before × desil after) of ``scope`` (default the nation), as of
    ``as_of``, for one ``category`` or all."""
    engine = get_engine(settings.read_database_url)
    scope = _parse_scope(engine, args.get("scope") or None)
    category = _parse_category(args.get("category"), Level.NATIONAL)
    round_, _state, day = _round_and_day(engine, args)
    long = findings_transitions(engine, round_.id, scope, day, access=access)
    matrix = transition_matrix(long, None if category is None else [category])
    return {
        "round": round_.id, "scope": scope.code, "as_of": day.isoformat(), "category": category,
        "desil": list(DESILS), "reranked": int(matrix.to_numpy().sum()),
        "matrix": matrix.to_numpy().tolist(),
        "cutoffs": dict(settings.programme_cutoffs),
    }


def waiting_answer(settings: Settings, args, access: Access) -> dict:
    """The answer of ``/api/v1/waiting``: open cases by status and age bucket, with the
    oldest, of ``scope`` (default the nation) or of each of its child regions (``by=children``),
    at the end of ``as_of``."""
    engine = get_engine(settings.read_database_url)
    scope = _parse_scope(engine, args.get("scope") or None)
    by = args.get("by", "self")
    if by not in ("self", "children"):
        raise BadRequest("by must be self or children")
    if by == "children" and scope.level == Level.REGENCY:
        raise BadRequest("a kabupaten/kota has no child regions (its facilitators: see the waiting page)")
    round_, _state, day = _round_and_day(engine, args)
    counts = waiting_counts(engine, round_.id, scope, day, access=access, by=by)
    if by == "children":  # every region the caller may see, those without open cases too
        names = region_names(engine, scope.child_level, scope)
        codes = [code for code in names.index if access.sees_row(code)]
    else:
        level = scope.level if scope.level != Level.NATIONAL else None
        names = region_names(engine, level, Scope.of(scope.province_code)) if level else pd.Series({"ID": "INDONESIA"})
        codes = [scope.code or "ID"]
    rows = []
    for row_code in codes:
        part = counts[counts["code"] == row_code]
        ages = status_ages(part)
        oldest = part.groupby("status")["oldest_days"].max()
        rows.append({
            "code": row_code,
            "name": names.get(row_code),
            "statuses": {s: {"cases": int(ages.loc[s].sum()), "by_age": [int(n) for n in ages.loc[s]],
                             "oldest_days": _clean(oldest.get(s))} for s in STATUS_CODES},
        })
    return {
        "round": round_.id, "scope": scope.code, "as_of": day.isoformat(), "by": by,
        "age_buckets": [bucket_label(i) for i in range(len(AGE_BUCKETS))], "rows": rows,
    }


def training_answer(settings: Settings, args, access: Access) -> dict:
    """The answer of ``/api/v1/training``: the training of ``scope`` (default the nation) or
    of each of its child regions (``by=children``), and the work of its facilitators by
    post-test band with the intervals, as of ``as_of``."""
    engine = get_engine(settings.read_database_url)
    scope = _parse_scope(engine, args.get("scope") or None)
    by = args.get("by", "self")
    if by not in ("self", "children"):
        raise BadRequest("by must be self or children")
    if by == "children" and scope.level == Level.REGENCY:
        raise BadRequest("a kabupaten/kota has no child regions")
    round_, _state, day = _round_and_day(engine, args)
    summary = training_summary(engine, round_.id, scope, day, access=access, by=by)
    names = region_names(engine, scope.child_level, scope) if by == "children" else None
    rows = [{"code": code, "name": names.get(code) if names is not None else None, **{k: _clean(v) for k, v in row.items()}}
            for code, row in summary.iterrows()]
    relation = relation_to_work(engine, round_.id, scope, day, access=access)
    return {
        "round": round_.id, "scope": scope.code, "as_of": day.isoformat(), "by": by, "rows": rows,
        "by_post_test_band": [{"band": band, **{k: _clean(v) for k, v in row.items()}} for band, row in relation.iterrows()],
    }


def _parse_as_of(text: str | None, newest: dt.date, first: dt.date) -> dt.date:
    if not text:
        return newest
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"as_of {text!r} is not a date (YYYY-MM-DD)") from None
    if day > newest:
        raise BadRequest(f"as_of {day} is after the newest data ({newest})")
    if day < first - dt.timedelta(days=1):
        raise BadRequest(f"as_of {day} is before the round started ({first})")
    return day


def progress(settings: Settings, args, access: Access) -> dict:
    """The answer of ``/api/v1/progress`` for query ``args`` as ``access`` may see it
    (raises ``BadRequest``, ``LookupError`` or ``OutOfScope``)."""
    engine = get_engine(settings.read_database_url)
    level = _parse_level(args.get("level"))
    parent = _parse_parent(level, args.get("parent"))
    round_, state, day = _round_and_day(engine, args)
    if not region_exists(engine, parent):
        raise LookupError(f"no {parent.level.value} with code {parent.code!r}")

    category = _parse_category(args.get("category"), level)
    cutoffs = settings.programme_cutoffs
    if level == Level.FACILITATOR:
        counts = facilitator_counts(engine, round_.id, parent.code, day, access=access)
        counts = counts.join(facilitator_findings(engine, round_.id, parent.code, day, access=access, cutoffs=cutoffs))
        names = counts.pop("name")
        extra = {"last_visit_day": counts.pop("last_visit_day")}
        if day >= state.day:  # risk scores are of the newest data only
            extra["risk_score"] = counts.pop("risk_score")
        else:
            counts = counts.drop(columns=["risk_score", "high_risk"])
    else:
        by = "self" if level == Level.NATIONAL else "children"
        counts = base_counts(engine, round_.id, parent, day, access=access, by=by, by_category=category is not None)
        found = findings_counts(engine, round_.id, parent, day, access=access, cutoffs=cutoffs, by=by, by_category=category is not None)
        counts = counts.join(found)
        if category is not None:
            counts = _one_category(counts, category, by)
        names = region_names(engine, level, parent) if level != Level.NATIONAL else None
        extra = {}
    figures = compute(counts)
    if category is not None:  # what cannot be split by category (facilitators' activity, risk) is left out
        figures = figures[[m.id for m in METRICS if m.by_category and m.id in figures.columns]]
        forecasts = None
    else:
        forecasts = _forecasts(engine, round_, level, parent, day, counts, access, ScheduleRule.of(settings))
    rows = []
    for code in figures.index:
        row = {"code": code, "name": (names.get(code) if names is not None else "INDONESIA")}
        row.update({k: _clean(v) for k, v in figures.loc[code].items()})
        for key, series in extra.items():
            row[key] = _clean(series.get(code))
        if forecasts is not None:
            row["forecast"] = {k: _clean(v) for k, v in forecasts.loc[code, list(FORECAST_FIELDS)].items()}
        rows.append(row)
    return {
        "round": {"id": round_.id, "name": round_.name, "start_date": round_.start_date.isoformat(), "deadline": round_.deadline.isoformat()},
        "level": level.value,
        "parent": parent.code,
        "category": category,
        "as_of": day.isoformat(),
        "data_until": state.data_until.isoformat() + "Z",
        "metrics": list(figures.columns),
        "rows": rows,
    }


#: The forecast of each row (``dashboard.figures.forecast``), as the API names its fields.
FORECAST_FIELDS = {
    "expected_pct": "Share (%) of the targets the plan expects submitted by the end of as_of ('expected by today').",
    "gap_points": "Completion minus expected_pct, in percentage points ('gap to plan').",
    "pace": "Submissions per day over the forecast window (FORECAST_WINDOW_DAYS) to as_of.",
    "pace_low": "Lower end of the pace's 80 % interval.",
    "pace_high": "Upper end of the pace's 80 % interval.",
    "needed_pace": "Submissions per day from the next day to the deadline that would finish (null after the deadline).",
    "finish": "Day the last target would be submitted at the pace ('projected finish'; null: never, at a pace of nothing).",
    "finish_early": "Projected finish at pace_high.",
    "finish_late": "Projected finish at pace_low (null: never).",
    "by_deadline_pct": "Completion (%) the deadline would see at the pace.",
    "by_deadline_low_pct": "The same at pace_low.",
    "by_deadline_high_pct": "The same at pace_high.",
    "status": "Schedule status: at_risk, behind, on_schedule, done or no_targets (the rule: /sumber-data#definisi-jadwal).",
}


def _forecasts(engine, round_, level: Level, parent: Scope, day: dt.date, counts, access: Access, rule: ScheduleRule):
    """The forecast of every row of a ``progress`` answer, by code."""
    start, deadline = round_.start_date, round_.deadline
    if level == Level.FACILITATOR:
        return facilitator_forecasts(engine, round_.id, parent.code, counts["targets"], day, start, deadline, access=access, rule=rule)
    if level == Level.NATIONAL:
        one = scope_forecast(engine, round_.id, parent, day, start, deadline, access=access, rule=rule).to_json()
        return pd.DataFrame([one], index=counts.index)
    return child_forecasts(engine, round_.id, parent, day, start, deadline, access=access, rule=rule)


def alerts(settings: Settings, args, access: Access) -> dict:
    """The answer of ``/api/v1/alerts``: the alerts of ``scope`` (a province or
    kabupaten/kota code; default the nation) that ``access`` may see, open ones only
    unless ``closed=1``; most severe and newest first."""
    engine = get_engine(settings.read_database_url)
    code = args.get("scope") or None
    if code is not None and not re.fullmatch(r"\d{2}(\.\d{2})?", code):
        raise BadRequest(f"scope {code[:40]!r} is not a province or kabupaten/kota code (e.g. 35 or 35.77)")
    scope = Scope.of(code)
    if code is not None and not region_exists(engine, scope):
        raise LookupError(f"no region with code {code!r}")
    if code is not None and not access.overlaps(code):
        raise OutOfScope(code)
    closed = args.get("closed", "0")
    if closed not in ("0", "1"):
        raise BadRequest("closed must be 0 or 1")
    round_ = latest_round(engine)
    if round_ is None:
        raise LookupError("no round with data")
    feed = alert_feed(engine, round_.id, scope, access=access, include_closed=closed == "1", limit=5000)
    rows = [
        {"id": int(r.id), "rule": r.rule, "label": {"id": RULES_BY_ID[r.rule].label("id"), "en": RULES_BY_ID[r.rule].label("en")},
         "severity": r.severity, "scope": r.scope_code, "subject": r.subject,
         "opened_at": _clean(r.opened_at), "last_seen_at": _clean(r.last_seen_at), "closed_at": _clean(r.closed_at),
         "details": r.details, "acknowledged_at": _clean(r.acknowledged_at), "acknowledged_by": _clean(r.acknowledged_by), "note": _clean(r.note)}
        for r in feed.itertuples()
    ] if not feed.empty else []
    return {"round": round_.id, "scope": scope.code, "alerts": rows}


def openapi_document() -> dict:
    """The OpenAPI 3.1 description of this API (the metric ids come from the registry)."""
    metric_properties = {
        m.id: {"type": ["number", "null"], "description": f"{m.label_en} ({m.unit}). {m.description_en}"} for m in METRICS
    }
    error = {"description": "Bad parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    failed = lambda text: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}  # noqa: E731
    #: What the endpoints of a region answer when they cannot (the same words for each).
    region_errors = {
        "400": error, "401": failed("Not signed in"), "403": failed("The region lies outside the caller's area"),
        "404": failed("No such region, or no round"), "503": failed("The database is unreachable"),
    }
    scope_query = {"name": "scope", "in": "query", "required": False, "schema": {"type": "string", "pattern": r"^\d{2}(\.\d{2})?$"},
                   "description": "A province or kabupaten/kota code (default: the nation)."}
    round_query = {"name": "round", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 999999999},
                   "description": "Round id (default: the newest)."}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "NSCC Ground-Check Monitor API",
            "version": API_VERSION,
            "description": "Read-only figures of the DTSEN ground check: the same numbers the dashboard shows.",
        },
        "paths": {
            "/api/v1/metrics": {
                "get": {
                    "summary": "The metric registry",
                    "responses": {"200": {"description": "Every metric", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Metrics"}}}}},
                }
            },
            "/api/v1/progress": {
                "get": {
                    "summary": "Figures per region or facilitator",
                    "parameters": [
                        {"name": "level", "in": "query", "required": True, "schema": {"type": "string", "enum": [lv.value for lv in Level]},
                         "description": "national: one row; province: the 38 provinces; regency: the kabupaten/kota of `parent`; facilitator: the facilitators of `parent`."},
                        {"name": "parent", "in": "query", "required": False, "schema": {"type": "string", "pattern": r"^\d{2}(\.\d{2})?$"}, "examples": {"province": {"value": "35"}, "regency": {"value": "35.77"}},
                         "description": "A province code (level=regency) or a kabupaten/kota code (level=facilitator)."},
                        {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                         "description": "Day (WIB) of the figures: the end of that day, or the newest data for the newest day (default)."},
                        round_query,
                        {"name": "category", "in": "query", "required": False, "schema": {"type": "string", "enum": list(CATEGORY_CODES)},
                         "description": "The figures of one target category (region levels only): metrics that cannot be split by category "
                                        "(facilitator activity, risk) and the forecast are left out."},
                    ],
                    "responses": {
                        "200": {"description": "Figures", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Progress"}}}},
                        "400": error,
                        "401": {"description": "Not signed in: a session or `Authorization: Bearer <token>` is needed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "403": {"description": "The region lies outside the caller's area", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "404": {"description": "No such region or round", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "503": {"description": "The database is unreachable: retry after `Retry-After` seconds", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    },
                }
            },
            "/api/v1/transitions": {
                "get": {
                    "summary": "The desil transition matrix: families re-ranked, desil before (rows) × desil after (columns)",
                    "parameters": [
                        scope_query,
                        {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                         "description": "Day (WIB): families re-ranked by its end (default: the newest data)."},
                        {"name": "category", "in": "query", "required": False, "schema": {"type": "string", "enum": list(CATEGORY_CODES)},
                         "description": "One target category (default: all)."},
                        round_query,
                    ],
                    "responses": {
                        "200": {"description": "The matrix", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Transitions"}}}},
                        **region_errors,
                    },
                }
            },
            "/api/v1/waiting": {
                "get": {
                    "summary": "Open cases by status and age in days (WIB), with the oldest: of a scope, or of each of its child regions",
                    "parameters": [
                        scope_query,
                        {"name": "by", "in": "query", "required": False, "schema": {"type": "string", "enum": ["self", "children"]},
                         "description": "self (default): one row; children: one per province (of the nation) or kabupaten/kota (of a province)."},
                        {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                         "description": "Day (WIB): the cases open at its end (default: the newest data)."},
                        round_query,
                    ],
                    "responses": {
                        "200": {"description": "Cases", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Waiting"}}}},
                        **region_errors,
                    },
                }
            },
            "/api/v1/training": {
                "get": {
                    "summary": "The training of a scope or of its regions, and the work by post-test band (an association, not a cause)",
                    "parameters": [
                        scope_query,
                        {"name": "by", "in": "query", "required": False, "schema": {"type": "string", "enum": ["self", "children"]},
                         "description": "self (default): one row; children: one per child region."},
                        {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
                         "description": "Day (WIB): the classes held by its end (default: the newest data)."},
                        round_query,
                    ],
                    "responses": {
                        "200": {"description": "Training", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Training"}}}},
                        **region_errors,
                    },
                }
            },
            "/api/v1/alerts": {
                "get": {
                    "summary": "The alerts of an area, most severe and newest first",
                    "parameters": [
                        {"name": "scope", "in": "query", "required": False, "schema": {"type": "string", "pattern": r"^\d{2}(\.\d{2})?$"},
                         "description": "A province or kabupaten/kota code (default: the nation, as far as the caller's area reaches)."},
                        {"name": "closed", "in": "query", "required": False, "schema": {"type": "string", "enum": ["0", "1"]},
                         "description": "1: also the alerts that ended."},
                    ],
                    "responses": {
                        "200": {"description": "Alerts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alerts"}}}},
                        **region_errors,
                    },
                }
            },
            "/api/v1/ingest/schema": {
                "get": {
                    "summary": "The JSON Schema of each kind of field-data record (the ingest contract)",
                    "responses": {"200": {"description": "Schemas", "content": {"application/json": {"schema": {"type": "object"}}}},
                                  "403": {"description": "A display account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
                }
            },
            "/api/v1/ingest": {
                "post": {
                    "summary": "Load field-data records of one kind (loader or admin accounts)",
                    "description": "Each row is validated; accepted rows are upserted by their natural id, refused ones quarantined with the reason. The rounds that changed are refreshed. At most 20,000 rows per request.",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["kind", "rows"],
                        "properties": {"kind": {"type": "string", "enum": list(KINDS)}, "rows": {"type": "array", "items": {"type": "object"}}}}}}},
                    "responses": {
                        "200": {"description": "What was read, written, left alone and quarantined, per kind", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": error,
                        "403": {"description": "Not a loader or admin account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "413": {"description": "Too many rows", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "503": {"description": "The database is unreachable", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    },
                }
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A token from `python -m dashboard.users token NAME`; it acts with its user's area."},
                "session": {"type": "apiKey", "in": "cookie", "name": "groundcheck_session", "description": "The browser's session after signing in at /login."},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "Metric": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"}, "unit": {"type": "string", "enum": ["count", "percent", "ratio"]},
                        "label": {"type": "object"}, "description": {"type": "object"},
                        "numerator": {"type": "array", "items": {"type": "string"}},
                        "denominator": {"type": "array", "items": {"type": "string"}},
                        "higher_is_better": {"type": ["boolean", "null"]}, "by_category": {"type": "boolean"},
                        "newest_only": {"type": "boolean", "description": "Known for the newest data only (absent for a past as_of)."},
                        "map_range": {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
                                      "description": "The fixed range of the map colours (null for a count)."},
                    },
                },
                "Metrics": {"type": "object", "properties": {"metrics": {"type": "array", "items": {"$ref": "#/components/schemas/Metric"}}}},
                "Row": {
                    "type": "object",
                    "required": ["code", "name"],
                    "properties": {"code": {"type": "string"}, "name": {"type": ["string", "null"]}, **metric_properties,
                                   "last_visit_day": {"type": ["string", "null"], "format": "date"},
                                   "risk_score": {"type": ["number", "null"], "description": "Facilitator level only: fabrication-risk score 0-100 of the newest data (null: too few interviews)."},
                                   "forecast": {"$ref": "#/components/schemas/Forecast"}},
                },
                "Alerts": {
                    "type": "object",
                    "required": ["round", "alerts"],
                    "properties": {
                        "round": {"type": "integer"}, "scope": {"type": ["string", "null"]},
                        "alerts": {"type": "array", "items": {
                            "type": "object",
                            "required": ["id", "rule", "severity", "scope", "subject", "opened_at"],
                            "properties": {
                                "id": {"type": "integer"}, "rule": {"type": "string", "enum": [r.id for r in RULES]},
                                "label": {"type": "object"}, "severity": {"type": "string", "enum": ["high", "medium", "low"]},
                                "scope": {"type": "string"}, "subject": {"type": "string", "description": "A region code, a facilitator id or ID (the round)."},
                                "opened_at": {"type": "string"}, "last_seen_at": {"type": ["string", "null"]}, "closed_at": {"type": ["string", "null"]},
                                "details": {"type": "object"}, "acknowledged_at": {"type": ["string", "null"]},
                                "acknowledged_by": {"type": ["string", "null"]}, "note": {"type": ["string", "null"]},
                            },
                        }},
                    },
                },
                "Forecast": {
                    "type": "object",
                    "description": "The forecast against the deadline as of as_of, at the recent pace (see /sumber-data#definisi-jadwal).",
                    "required": list(FORECAST_FIELDS),
                    "properties": {
                        name: (
                            {"type": ["string", "null"], "format": "date", "description": text} if name.startswith("finish")
                            else {"type": "string", "enum": [s.value for s in ScheduleStatus], "description": text} if name == "status"
                            else {"type": ["number", "null"], "description": text}
                        )
                        for name, text in FORECAST_FIELDS.items()
                    },
                },
                "Transitions": {
                    "type": "object",
                    "required": ["round", "as_of", "desil", "matrix", "reranked"],
                    "properties": {
                        "round": {"type": "integer"}, "scope": {"type": ["string", "null"]}, "as_of": {"type": "string", "format": "date"},
                        "category": {"type": ["string", "null"]}, "desil": {"type": "array", "items": {"type": "integer"}},
                        "reranked": {"type": "integer", "description": "Families re-ranked (the matrix's sum)."},
                        "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}},
                                   "description": "matrix[i][j]: families in desil i+1 before and desil j+1 after."},
                        "cutoffs": {"type": "object", "description": "Each programme's desil cut-off (the settings DESIL_CUTOFF_*)."},
                    },
                },
                "Waiting": {
                    "type": "object",
                    "required": ["round", "as_of", "age_buckets", "rows"],
                    "properties": {
                        "round": {"type": "integer"}, "scope": {"type": ["string", "null"]}, "as_of": {"type": "string", "format": "date"},
                        "by": {"type": "string"}, "age_buckets": {"type": "array", "items": {"type": "string"}, "description": "Age buckets in days: 0, 1, 2, 3–6, 7–13, 14–29, 30+."},
                        "rows": {"type": "array", "items": {"type": "object", "properties": {
                            "code": {"type": "string"}, "name": {"type": ["string", "null"]},
                            "statuses": {"type": "object", "description": "assigned, started, submitted, returned, approved (approved and not re-ranked): "
                                                                         "cases, by_age (per bucket), oldest_days (null: none)."},
                        }}},
                    },
                },
                "Training": {
                    "type": "object",
                    "required": ["round", "as_of", "rows", "by_post_test_band"],
                    "properties": {
                        "round": {"type": "integer"}, "scope": {"type": ["string", "null"]}, "as_of": {"type": "string", "format": "date"}, "by": {"type": "string"},
                        "rows": {"type": "array", "items": {"type": "object", "description": "code, name, facilitators, trained, trained_late, not_trained, trained_pct, "
                                                                                            "instructors_needed, instructors_trained, instructors_teaching, classes, pre, post, gain, gain_low, gain_high"}},
                        "by_post_test_band": {"type": "array", "items": {"type": "object", "description": "band, facilitators, completion (and _low, _high: 95 % t), submitted, "
                                                                                                         "returned_pct and flagged_pct (and _low, _high: 95 % Wilson)"}},
                    },
                },
                "Progress": {
                    "type": "object",
                    "required": ["round", "level", "as_of", "rows"],
                    "properties": {
                        "round": {"type": "object"}, "level": {"type": "string"}, "parent": {"type": ["string", "null"]},
                        "as_of": {"type": "string", "format": "date"}, "data_until": {"type": "string"},
                        "category": {"type": ["string", "null"], "description": "The target category of the figures (null: all)."},
                        "metrics": {"type": "array", "items": {"type": "string"}},
                        "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Row"}},
                    },
                },
            }
        },
    }


def register_api(server: Flask, settings: Settings) -> None:
    api = Blueprint("api_v1", __name__, url_prefix="/api/v1")

    @api.before_request
    def _may_use():
        access = g.get("access") or Access()  # a loader account is no viewer: not current_access()
        if request.endpoint == "api_v1.ingest":
            if not access.may_ingest:
                return jsonify(error="posting field data needs a loader (or admin) account"), 403
        elif request.endpoint == "api_v1.ingest_schema":
            if not (access.may_ingest or access.may_download):
                return jsonify(error="this account may not use the API"), 403
        elif not access.may_download:
            return jsonify(error="this account may not use the API"), 403
        return None

    @api.after_request
    def _audit(response: Response) -> Response:
        audit(AuditAction.API, request.full_path.rstrip("?"), response.status_code)
        # Figures of a user's area (facilitators' names, risk scores): never in a cache.
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @api.get("/metrics")
    def metrics():
        return jsonify(metrics=[m.to_json() for m in METRICS])

    def _answer(read):
        """``read(settings, args, access)`` as JSON; bad parameters 400, outside the area
        403, an unknown region or round 404."""
        try:
            return jsonify(read(settings, request.args, current_access()))
        except BadRequest as exc:
            return jsonify(error=str(exc)), 400
        except OutOfScope:
            return jsonify(error="the region lies outside your area"), 403
        except LookupError as exc:
            return jsonify(error=str(exc)), 404

    @api.get("/progress")
    def progress_view():
        return _answer(progress)

    @api.get("/alerts")
    def alerts_view():
        return _answer(alerts)

    @api.get("/transitions")
    def transitions_view():
        return _answer(transitions_answer)

    @api.get("/waiting")
    def waiting_view():
        return _answer(waiting_answer)

    @api.get("/training")
    def training_view():
        return _answer(training_answer)

    @api.get("/openapi.json")
    def openapi():
        return jsonify(openapi_document())

    @api.get("/ingest/schema")
    def ingest_schema():
        return jsonify(json_schema())

    @api.post("/ingest")
    def ingest():
        """Rows of one kind of the contract, validated, upserted and quarantined exactly as
        ``python -m dashboard.ingest`` does; the rounds that changed are refreshed."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or body.get("kind") not in KINDS or not isinstance(body.get("rows"), list):
            return jsonify(error=f"the body must be {{\"kind\": one of {', '.join(KINDS)}, \"rows\": [records]}}"), 400
        if len(body["rows"]) > MAX_INGEST_ROWS:
            return jsonify(error=f"at most {MAX_INGEST_ROWS:,} rows per request"), 413
        loader = Loader(get_engine(settings.database_url))
        source = f"api:{g.access.user}"
        for start in range(0, len(body["rows"]), CHUNK):
            loader.load_rows(body["kind"], body["rows"][start : start + CHUNK], source, start + 1)
        loader.note_batch(source, body["kind"], (0, 0, 0))
        return jsonify(loader.finish(settings).to_json())

    server.register_blueprint(api)
