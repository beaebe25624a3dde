"""File downloads of the tables on screen: ``/export/regions.<csv|xlsx>`` (the ranking of
the provinces, or of a province's kabupaten/kota), ``/export/facilitators.<csv|xlsx>``
(a kabupaten/kota's facilitator table, with the grid's filters and sort) and
``/export/findings.<csv|xlsx>`` (the findings of the regions or facilitators of a scope,
for one programme), ``/export/waiting.<csv|xlsx>`` (the cases waiting in a status, by
pseudonymous target code), ``/export/training.<csv|xlsx>`` (the training of the regions); ``round=<id>`` for another round than the newest.

Same columns, scope, filters and figures as on screen (the rows a user may see; a parent
outside their area answers 403), every download audited: the tables come from the same
functions as the pages (``dashboard.figures.overview.region_table``,
``dashboard.figures.facilitators.facilitator_table`` and ``select_rows``).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy import select

from dashboard.access.audit import AuditAction
from dashboard.access.policy import OutOfScope
from dashboard.figures.facilitators import IDLE_DAYS, TableQuery, facilitator_table, select_rows
from dashboard.figures.findings import facilitator_findings_table, findings_region_table
from dashboard.figures.forecast import ScheduleRule
from dashboard.figures.training import training_summary
from dashboard.figures.waiting import STATUS_CODES as WAITING_STATUS_CODES
from dashboard.figures.waiting import waiting_cases
from dashboard.figures.metrics import MAP_METRICS, get_metric
from dashboard.figures.overview import rank, region_table
from dashboard.figures.queries import InvalidScope, Level, Scope, data_state, latest_round, region_exists, region_names, round_dates
from dashboard.formatting import format_datetime, format_decimal, region_display_name
from dashboard.i18n import CATALOGUE, LANGUAGES, t
from dashboard.settings import Settings
from dashboard.store import models
from dashboard.store.database import get_engine
from dashboard.vocabulary import PROGRAMME_TERMS, TARGET_CATEGORY_TERMS, label_of
from dashboard.web.auth import audit, current_access
from dashboard.web.exports import EXPORT_FORMATS, ExportColumn, ExportMeta, export, export_filename

#: The findings export's columns: these, then each of ``FINDINGS_PROGRAMME_COLUMNS`` of the
#: programme asked for (``dashboard.figures.findings``; metrics a table has not, such as
#: ``rerank_pct`` of facilitators, are left out).
FINDINGS_EXPORT_COLUMNS = ("submitted", "reranked", "awaiting_rerank", "rerank_pct")
FINDINGS_PROGRAMME_COLUMNS = (
    "inclusion_confirmed", "inclusion_confirmed_pct", "exclusion_confirmed", "exclusion_confirmed_pct",
    "left_eligibility_pct", "entered_eligibility_pct", "not_eligible_pct",
)
#: Cases a waiting list download holds at most (the oldest first).
WAITING_EXPORT_ROWS = 10_000
REGION_COLUMNS = ("targets", "visited", "submitted", "approved", "returned", "completion_pct", "approval_pct", "return_rate", "active_facilitators_7d_pct")


class BadExport(ValueError):
    """A download that cannot be made; the message says why."""


def _metric_column(metric_id: str, lang: str) -> ExportColumn:
    metric = get_metric(metric_id)
    kind = {"count": "count", "percent": "percent", "ratio": "decimal"}[metric.unit]
    return ExportColumn(metric_id, metric.heading(lang), kind)


def _meta(lang: str, title: str, scope_label: str, data_until: dt.datetime, filters: str | None, simulated: bool) -> ExportMeta:
    """The rows above the table; the source row points to the definitions on the server
    that made the file (``/sumber-data#definisi``), a page a reader can open."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    definitions = request.host_url.rstrip("/") + f"/sumber-data?lang={lang}#definisi"
    return ExportMeta(
        title=title,
        scope_label=scope_label,
        as_of=t("status.data_as_of", lang, time=format_datetime(data_until, lang)),
        filters=filters,
        source=t("export.source", lang, url=definitions) + (" · " + t("status.simulated", lang) if simulated else ""),
        generated_at=t("export.generated", lang, time=format_datetime(now, lang)),
    )


def _filter_value(value: object, lang: str) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return format_decimal(value, lang, 0 if float(value).is_integer() else 1)
    return f"'{value}'"


def _describe_filters(model: dict, labels: dict[str, str], lang: str) -> str | None:
    """The grid's filters as a reader would say them, in the page's words: the quick
    switches by their labels ("Tanpa kunjungan ≥ 3 hari"), a column filter as "Hari tanpa
    kunjungan: paling sedikit 5" (the column's heading and the grid's own operator
    name, ``grid.*`` of the catalogue)."""
    parts = []
    for column, spec in model.items():
        value, kind = spec.get("filter"), str(spec.get("type") or "")
        if column == "search_text":
            parts.append(t("export.filter_search", lang, text=value))
        elif column == "behind_plan":
            parts.append(t("facilitator.filter_behind", lang))
        elif column == "high_risk":
            parts.append(t("facilitator.filter_risk", lang))
        elif column == "not_trained":
            parts.append(t("facilitator.filter_untrained", lang))
        elif column == "days_idle" and kind == "greaterThanOrEqual" and value == IDLE_DAYS:
            parts.append(t("facilitator.filter_idle", lang, days=IDLE_DAYS))
        else:
            operator_key = "grid." + re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), kind)
            operator = t(operator_key, lang) if operator_key in CATALOGUE else kind
            text = f"{labels.get(column, column)}: {operator.lower()} {_filter_value(value, lang)}"
            if kind == "inRange":
                text += f" {t('grid.in_range_end', lang).lower()} {_filter_value(spec.get('filterTo'), lang)}"
            parts.append(text)
    return t("export.filters", lang, filters="; ".join(parts)) if parts else None


def register_downloads(server: Flask, settings: Settings) -> None:
    downloads = Blueprint("downloads", __name__, url_prefix="/export")

    @downloads.before_request
    def _may_download():
        if not current_access().may_download:
            raise OutOfScope("this account may not download")

    @downloads.after_request
    def _audit(response: Response) -> Response:
        audit(AuditAction.EXPORT, request.full_path.rstrip("?"), response.status_code)
        return response

    def context():
        engine = get_engine(settings.read_database_url)
        wanted = request.args.get("round")
        if wanted and not re.fullmatch(r"[0-9]{1,9}", wanted):
            raise BadExport(f"round {wanted!r} is not a number")
        round_ = round_dates(engine, int(wanted)) if wanted else latest_round(engine)
        state = data_state(engine, round_.id) if round_ else None
        if state is None:
            raise LookupError("no round with data")
        return engine, round_, state

    def language() -> str:
        lang = request.args.get("lang", settings.default_language)
        if lang not in LANGUAGES:
            raise BadExport(f"unknown language {lang!r}: use id or en")
        return lang

    def send(content: bytes, mimetype: str, filename: str) -> Response:
        response = Response(content, mimetype=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Cache-Control"] = "no-store"
        return response

    @downloads.get("/regions.<fmt>")
    def regions(fmt: str):
        if fmt not in EXPORT_FORMATS:
            raise BadExport(f"unknown format {fmt!r}: use csv or xlsx")
        lang = language()
        parent = request.args.get("parent") or None
        try:
            scope = Scope.of(parent)
        except InvalidScope as exc:
            raise BadExport(str(exc)) from None
        if scope.level == Level.REGENCY:
            raise BadExport("parent must be the nation (none) or a province code: a kabupaten/kota has facilitators, see /export/facilitators")
        metric_id = request.args.get("metric", "completion_pct")
        if metric_id not in MAP_METRICS:
            raise BadExport(f"unknown map metric {metric_id!r}")
        engine, round_, state = context()
        if not region_exists(engine, scope):
            raise LookupError(f"no province with code {scope.code!r}")
        table = region_table(engine, round_.id, scope, state.day, access=current_access())
        table = table[table["visible"]].drop(columns="visible")
        table["rank"] = rank(table, metric_id)
        table = table.sort_values("rank")
        table["name"] = table["name"].map(region_display_name)
        table.insert(0, "code", table.index)
        child = "region.province" if scope.level == Level.NATIONAL else "region.regency"
        columns = [
            ExportColumn("rank", "#", "count"),
            ExportColumn("code", t("export.code", lang)),
            ExportColumn("name", t(child, lang)),
            *[_metric_column(m, lang) for m in dict.fromkeys([metric_id, *REGION_COLUMNS])],
        ]
        if scope.level == Level.NATIONAL:
            scope_label, level, code = t("region.national", lang), "nasional", None
        else:
            name = region_display_name(region_names(engine, Level.PROVINCE)[scope.code])
            scope_label, level, code = f"{t('region.province', lang)}: {name} ({scope.code})", "provinsi", scope.code
        meta = _meta(lang, t("export.regions_title", lang, scope=scope_label), scope_label, state.data_until, None, _simulated(engine, round_.id))
        content, mimetype = export(table, columns, meta, fmt)
        return send(content, mimetype, export_filename(level, code, state.day, fmt))

    @downloads.get("/facilitators.<fmt>")
    def facilitators(fmt: str):
        if fmt not in EXPORT_FORMATS:
            raise BadExport(f"unknown format {fmt!r}: use csv or xlsx")
        lang = language()
        try:
            scope = Scope(Level.REGENCY, request.args.get("parent"))
            model = json.loads(request.args.get("filter") or "{}")
            sort = json.loads(request.args.get("sort") or "[]")
        except (InvalidScope, json.JSONDecodeError) as exc:
            raise BadExport(f"bad parameter: {exc}") from None
        except RecursionError:
            raise BadExport("filter or sort is nested too deeply") from None
        if not isinstance(model, dict) or not isinstance(sort, list):
            raise BadExport("filter must be a JSON object and sort a JSON list")
        if not all(isinstance(spec, dict) for spec in model.values()):
            raise BadExport("each filter must be a JSON object, as the grid sends it")
        engine, round_, state = context()
        if not region_exists(engine, scope):
            raise LookupError(f"no kabupaten/kota with code {scope.code!r}")
        dates = round_dates(engine, round_.id)
        table = facilitator_table(
            engine, round_.id, scope.code, state.day, dates.start_date, dates.deadline, access=current_access(), rule=ScheduleRule.of(settings)
        )
        aliases = {"id_link": "id", "last_visit": "last_visit_day"}
        query = TableQuery(
            start_row=0,
            end_row=len(table),
            sort=tuple((aliases.get(str(s.get("colId")), str(s.get("colId"))), s.get("sort") != "desc") for s in sort if isinstance(s, dict)),
            column_filters=model,
        )
        rows, _ = select_rows(table, query)
        rows = rows.reset_index()
        rows["schedule"] = [t(f"schedule.{status}", lang) for status in rows["schedule"]]
        columns = [
            ExportColumn(rows.columns[0], t("facilitator.id", lang)),
            ExportColumn("name", t("facilitator.name", lang)),
            ExportColumn("districts", t("facilitator.districts", lang)),
            ExportColumn("targets", t("facilitator.caseload", lang), "count"),
            *[_metric_column(m, lang) for m in ("visited", "submitted", "approved", "returned", "completion_pct")],
            ExportColumn("flagged", t("facilitator.flagged", lang), "count"),
            ExportColumn("flagged_pct", t("facilitator.flagged_pct", lang), "percent"),
            ExportColumn("risk_score", t("facilitator.risk_score", lang), "decimal"),
            ExportColumn("post_score", t("facilitator.post_score", lang), "decimal"),
            ExportColumn("visits_1d", t("facilitator.visits_1d", lang), "count"),
            ExportColumn("visits_7d", t("facilitator.visits_7d", lang), "count"),
            ExportColumn("last_visit_day", t("facilitator.last_visit", lang), "date"),
            ExportColumn("days_idle", t("facilitator.days_idle", lang), "count"),
            ExportColumn("schedule", t("forecast.status", lang)),
        ]
        name = region_display_name(region_names(engine, Level.REGENCY, Scope.of(scope.province_code))[scope.code])
        scope_label = f"{t('region.regency', lang)}: {name} ({scope.code})"
        meta = _meta(
            lang, t("export.facilitators_title", lang, scope=scope_label), scope_label, state.data_until,
            _describe_filters(model, {c.key: c.label for c in columns}, lang), _simulated(engine, round_.id),
        )
        content, mimetype = export(rows, columns, meta, fmt)
        return send(content, mimetype, export_filename("kabkota", scope.code, state.day, fmt))

    @downloads.get("/findings.<fmt>")
    def findings_table(fmt: str):
        """The findings of the child regions of ``parent`` (the nation's provinces, a
        province's kabupaten/kota) or of a kabupaten/kota's facilitators, for one
        ``programme``'s cut-off: the findings page's ranking, with every finding of it."""
        if fmt not in EXPORT_FORMATS:
            raise BadExport(f"unknown format {fmt!r}: use csv or xlsx")
        lang = language()
        parent = request.args.get("parent") or None
        try:
            scope = Scope.of(parent)
        except InvalidScope as exc:
            raise BadExport(str(exc)) from None
        cutoffs = settings.programme_cutoffs
        programme = request.args.get("programme", "pkh")
        if programme not in dict(cutoffs):
            raise BadExport(f"unknown programme {programme[:40]!r}: use {', '.join(dict(cutoffs))}")
        engine, round_, state = context()
        if not region_exists(engine, scope):
            raise LookupError(f"no region with code {scope.code!r}")
        access = current_access()
        columns = FINDINGS_EXPORT_COLUMNS + tuple(f"{kind}_{programme}" for kind in FINDINGS_PROGRAMME_COLUMNS)
        if scope.level == Level.REGENCY:
            table = facilitator_findings_table(engine, round_.id, scope.code, state.day, access=access, cutoffs=cutoffs)
            columns = tuple(c for c in columns if c in table.columns)
            table.insert(0, "code", table.index)
            heading = [ExportColumn("code", t("facilitator.id", lang)), ExportColumn("name", t("facilitator.name", lang))]
            name = region_display_name(region_names(engine, Level.REGENCY, Scope.of(scope.province_code))[scope.code])
            scope_label, level, code = f"{t('region.regency', lang)}: {name} ({scope.code})", "kabkota", scope.code
        else:
            table = findings_region_table(engine, round_.id, scope, state.day, access=access, cutoffs=cutoffs)
            table = table[table["visible"]].drop(columns="visible")
            table["name"] = table["name"].map(region_display_name)
            table.insert(0, "code", table.index)
            child = "region.province" if scope.level == Level.NATIONAL else "region.regency"
            heading = [ExportColumn("code", t("export.code", lang)), ExportColumn("name", t(child, lang))]
            if scope.level == Level.NATIONAL:
                scope_label, level, code = t("region.national", lang), "nasional", None
            else:
                name = region_display_name(region_names(engine, Level.PROVINCE)[scope.code])
                scope_label, level, code = f"{t('region.province', lang)}: {name} ({scope.code})", "provinsi", scope.code
        label = f"{PROGRAMME_TERMS[programme].label(lang)} (desil 1–{dict(cutoffs)[programme]})"
        meta = _meta(
            lang, t("export.findings_title", lang, scope=scope_label), scope_label, state.data_until,
            t("export.findings_programme", lang, programme=label), _simulated(engine, round_.id),
        )
        content, mimetype = export(table, [*heading, *(_metric_column(m, lang) for m in columns)], meta, fmt)
        return send(content, mimetype, export_filename(f"temuan-{level}", code, state.day, fmt))

    @downloads.get("/waiting.<fmt>")
    def waiting_list(fmt: str):
        """The cases of ``parent`` (the nation, a province or a kabupaten/kota) in ``status``
        at the end of the newest day, oldest first (at most ``WAITING_EXPORT_ROWS``): the
        list behind a figure of the waiting page, by pseudonymous target code."""
        if fmt not in EXPORT_FORMATS:
            raise BadExport(f"unknown format {fmt!r}: use csv or xlsx")
        lang = language()
        try:
            scope = Scope.of(request.args.get("parent") or None)
        except InvalidScope as exc:
            raise BadExport(str(exc)) from None
        status = request.args.get("status", "submitted")
        if status not in WAITING_STATUS_CODES:
            raise BadExport(f"unknown status {status[:40]!r}: use {', '.join(WAITING_STATUS_CODES)}")
        engine, round_, state = context()
        if not region_exists(engine, scope):
            raise LookupError(f"no region with code {scope.code!r}")
        frame = waiting_cases(engine, round_.id, scope, state.day, status, access=current_access(), limit=WAITING_EXPORT_ROWS)
        frame["since_day"] = (frame["since"] + dt.timedelta(hours=7)).dt.date
        frame["category"] = [label_of(TARGET_CATEGORY_TERMS, c, lang) for c in frame["category"]]
        columns = [
            ExportColumn("target_code", t("quality.target", lang)),
            ExportColumn("category", t("target.type", lang)),
            ExportColumn("regency_code", t("export.code", lang)),
            ExportColumn("facilitator_id", t("facilitator.id", lang)),
            ExportColumn("facilitator_name", t("facilitator.name", lang)),
            ExportColumn("since_day", t("waiting.since", lang), "date"),
            ExportColumn("age_days", t("waiting.age_days", lang), "count"),
        ]
        if scope.level == Level.NATIONAL:
            scope_label, level, code = t("region.national", lang), "antrian-nasional", None
        elif scope.level == Level.PROVINCE:
            name = region_display_name(region_names(engine, Level.PROVINCE)[scope.code])
            scope_label, level, code = f"{t('region.province', lang)}: {name} ({scope.code})", "antrian-provinsi", scope.code
        else:
            name = region_display_name(region_names(engine, Level.REGENCY, Scope.of(scope.province_code))[scope.code])
            scope_label, level, code = f"{t('region.regency', lang)}: {name} ({scope.code})", "antrian-kabkota", scope.code
        meta = _meta(
            lang, t("export.waiting_title", lang, status=t(f"waiting.status.{status}", lang), scope=scope_label), scope_label, state.data_until,
            t("export.waiting_rows", lang, n=WAITING_EXPORT_ROWS), _simulated(engine, round_.id),
        )
        content, mimetype = export(frame, columns, meta, fmt)
        return send(content, mimetype, export_filename(level, code, state.day, fmt))

    @downloads.get("/training.<fmt>")
    def training_table(fmt: str):
        """The training of the child regions of ``parent`` (the nation's provinces, a
        province's kabupaten/kota): the training page's table, with every figure of it."""
        if fmt not in EXPORT_FORMATS:
            raise BadExport(f"unknown format {fmt!r}: use csv or xlsx")
        lang = language()
        try:
            scope = Scope.of(request.args.get("parent") or None)
        except InvalidScope as exc:
            raise BadExport(str(exc)) from None
        if scope.level == Level.REGENCY:
            raise BadExport("parent must be the nation (none) or a province code")
        engine, round_, state = context()
        if not region_exists(engine, scope):
            raise LookupError(f"no province with code {scope.code!r}")
        table = training_summary(engine, round_.id, scope, state.day, access=current_access(), by="children")
        if table.empty:  # a scope without facilitators: the header rows and an empty table
            table = pd.DataFrame(columns=["facilitators", "trained", "trained_pct", "trained_late", "not_trained", "instructors_needed",
                                          "instructors_trained", "classes", "pre", "post", "gain", "gain_low", "gain_high"])
        table = table.join(region_names(engine, scope.child_level, scope))
        table["name"] = table["name"].map(region_display_name)
        table.insert(0, "code", table.index)
        child = "region.province" if scope.level == Level.NATIONAL else "region.regency"
        columns = [
            ExportColumn("code", t("export.code", lang)), ExportColumn("name", t(child, lang)),
            ExportColumn("facilitators", t("training.facilitators", lang), "count"),
            ExportColumn("trained", t("training.trained", lang), "count"),
            ExportColumn("trained_pct", t("training.trained", lang) + " (%)", "percent"),
            ExportColumn("trained_late", t("training.late", lang), "count"),
            ExportColumn("not_trained", t("training.not_trained", lang), "count"),
            ExportColumn("instructors_needed", t("training.export_needed", lang), "count"),
            ExportColumn("instructors_trained", t("training.export_trained", lang), "count"),
            ExportColumn("classes", t("training.export_classes", lang), "count"),
            ExportColumn("pre", t("training.pre", lang), "decimal"),
            ExportColumn("post", t("training.post", lang), "decimal"),
            ExportColumn("gain", t("training.gain", lang), "decimal"),
            ExportColumn("gain_low", t("training.export_gain_low", lang), "decimal"),
            ExportColumn("gain_high", t("training.export_gain_high", lang), "decimal"),
        ]
        if scope.level == Level.NATIONAL:
            scope_label, level, code = t("region.national", lang), "pelatihan-nasional", None
        else:
            name = region_display_name(region_names(engine, Level.PROVINCE)[scope.code])
            scope_label, level, code = f"{t('region.province', lang)}: {name} ({scope.code})", "pelatihan-provinsi", scope.code
        meta = _meta(lang, t("export.training_title", lang, scope=scope_label), scope_label, state.data_until, None, _simulated(engine, round_.id))
        content, mimetype = export(table, columns, meta, fmt)
        return send(content, mimetype, export_filename(level, code, state.day, fmt))

    @downloads.errorhandler(BadExport)
    def bad(exc):
        return jsonify(error=str(exc)), 400

    @downloads.errorhandler(OutOfScope)
    def outside(exc):
        return jsonify(error="outside your area: " + str(exc)), 403

    @downloads.errorhandler(LookupError)
    def missing(exc):
        return jsonify(error=str(exc)), 404

    server.register_blueprint(downloads)


def _simulated(engine, round_id: int) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(models.Round.simulation.is_not(None)).where(models.Round.id == round_id)).scalar_one()
