"""Callbacks of the kabupaten/kota page: KPIs, progress, kecamatan breakdown, and the
facilitator grid's server-side pages."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, html, no_update

from callbacks.refresh import version_day
from dashboard.figures.data_health import excluded_visits
from dashboard.figures.facilitators import TableQuery, district_breakdown, facilitator_table, quick_filter_model, select_rows
from dashboard.figures.forecast import ScheduleRule, scope_forecast
from dashboard.figures.overview import kpis, progress_series
from dashboard.figures.queries import Scope, round_dates
from dashboard.formatting import format_date, format_int, format_percent
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.access.audit import AuditAction
from dashboard.web.auth import audit, current_access
from layouts import components
from layouts.frame import page_href

#: Grid columns whose sort/filter applies to another column of the table.
_FIELD_ALIASES = {"id_link": "id"}


def table_query(request: dict | None) -> TableQuery:
    """The facilitator grid's ``getRowsRequest`` as a :class:`TableQuery` (the search box
    and quick switches arrive in its filter model, see ``quick_filter_model``)."""
    request = request if isinstance(request, dict) else {}
    sort_model = request.get("sortModel") if isinstance(request.get("sortModel"), list) else []
    sort = tuple(
        (_FIELD_ALIASES.get(str(s.get("colId")), str(s.get("colId"))), s.get("sort") != "desc") for s in sort_model if isinstance(s, dict)
    )
    try:
        start, end = max(0, int(request.get("startRow", 0))), max(0, int(request.get("endRow", 25)))
    except (TypeError, ValueError):
        start, end = 0, 25
    filters = request.get("filterModel")
    return TableQuery(start_row=start, end_row=min(end, start + 1000), sort=sort, column_filters=filters if isinstance(filters, dict) else None)


def export_query(regency_code: str, lang: str, filter_model: dict | None, sort_model: list | None, round_id: int | None = None) -> str:
    """The query string of an export with the grid's filters and sort."""
    params = {"parent": regency_code, "lang": lang, **({"round": round_id} if round_id else {})}
    if filter_model:
        params["filter"] = json.dumps(filter_model, separators=(",", ":"))
    if sort_model:
        params["sort"] = json.dumps(sort_model, separators=(",", ":"))
    return urlencode(params)


#: The grid's least column widths in pixels at the browser's root font size (the columns
#: carry them in rem, ``context.min_rem``: see layouts.grid). Runs when the page opens.
GRID_WIDTHS_JS = """
function(_scale, columns) {
    if (!Array.isArray(columns)) { return window.dash_clientside.no_update; }
    const root = parseFloat(getComputedStyle(document.documentElement).fontSize) || 15;
    let changed = false;
    const sized = columns.map(function(column) {
        const rem = column.context && column.context.min_rem;
        if (!rem) { return column; }
        const px = Math.round(rem * root);
        const width = column.width ? {width: px} : {};
        if (px === column.minWidth) { return column; }
        changed = true;
        return Object.assign({}, column, {minWidth: px}, width);
    });
    return changed ? sized : window.dash_clientside.no_update;
}
"""


def register(app: Dash, settings: Settings) -> None:
    app.clientside_callback(
        GRID_WIDTHS_JS, Output("regency-facilitators", "columnDefs"), Input("font-scale", "data"), State("regency-facilitators", "columnDefs")
    )
    engine = lambda: get_engine(settings.read_database_url)  # noqa: E731

    def context(version):
        dates = round_dates(engine(), version["round_id"])
        return dates, version_day(version)

    @app.callback(
        Output("regency-kpis", "children"),
        Output("regency-progress", "figure"),
        Output("regency-districts", "figure"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("regency-scope", "data"),
        State("page-lang", "data"),
        cache_response=True,
    )
    def update_figures(version, scale, code, lang):
        if not version:
            return no_update, no_update, no_update
        dates, day = context(version)
        scope = Scope.of(code)
        access = current_access()
        cards = components.kpi_row(kpis(engine(), version["round_id"], scope, day, access=access), lang)
        note = components.excluded_note(excluded_visits(engine(), version["round_id"], scope, day, access=access), lang)
        if note is not None:  # the visits of this kabupaten/kota left out of its figures
            cards = html.Div([note, cards])
        series = progress_series(engine(), version["round_id"], scope, day, dates.start_date, dates.deadline, access=access)
        rule = ScheduleRule.of(settings)
        forecast = scope_forecast(engine(), version["round_id"], scope, day, dates.start_date, dates.deadline, access=access, rule=rule)
        progress = components.progress_figure(series, lang, dates.deadline, day, t("progress.title", lang), forecast)
        districts = district_breakdown(engine(), version["round_id"], code, day, access=access)
        return cards, components.scale_fonts(progress, scale), components.scale_fonts(district_figure(districts, lang), scale)

    @app.callback(
        Output("regency-facilitators", "getRowsResponse"),
        Output("regency-table-count", "children"),
        Input("regency-facilitators", "getRowsRequest"),
        Input("data-version", "data"),
        State("regency-scope", "data"),
        State("page-lang", "data"),
    )
    def facilitator_rows(request, version, code, lang):
        if not version or not request:
            return no_update, no_update
        dates, day = context(version)
        table = facilitator_table(
            engine(), version["round_id"], code, day, dates.start_date, dates.deadline, access=current_access(), rule=ScheduleRule.of(settings)
        )
        audit(AuditAction.FACILITATOR_LIST, f"facilitators of {code}", 200, once_per_window=True)
        rows, matching = select_rows(table, table_query(request))
        records = []
        for facilitator_id, row in rows.iterrows():
            records.append(
                {
                    "id": facilitator_id,
                    "id_link": components.markdown_link(facilitator_id, page_href(f"/pendamping/{facilitator_id}", lang, None, version.get("pinned"))),
                    "name": row["name"],
                    "districts": row["districts"],
                    **{c: _plain(row[c]) for c in ("targets", "visited", "submitted", "approved", "returned", "completion_pct", "visits_1d", "visits_7d", "days_idle", "flagged", "flagged_pct", "risk_score", "post_score")},
                    "high_risk": bool(row["high_risk"]),
                    "not_trained": bool(row["not_trained"]),
                    "schedule": t(f"schedule.{row['schedule']}", lang),
                    "behind_plan": bool(row["behind_plan"]),
                    # The tooltip of the days idle.
                    "last_visit": t("facilitator.last_visit", lang) + ": " + (
                        format_date(row["last_visit_day"], lang) if row["last_visit_day"] == row["last_visit_day"] and row["last_visit_day"] else "—"
                    ),
                }
            )
        count = t("facilitator.count", lang, shown=format_int(matching, lang), total=format_int(len(table), lang))
        return {"rowData": records, "rowCount": matching}, count

    @app.callback(
        Output("regency-facilitators", "filterModel"),
        Input("regency-search", "value"),
        Input("regency-quick-filters", "value"),
        State("regency-facilitators", "filterModel"),
        prevent_initial_call=True,
    )
    def apply_quick_filters(search, quick, model):
        """The search box and switches become column filters: the grid then asks the
        server for its first page again."""
        model = {k: v for k, v in (model or {}).items() if k not in ("search_text", "days_idle", "behind_plan", "high_risk", "not_trained")}
        quick = quick or []
        return {**model, **quick_filter_model(search, "idle" in quick, "behind" in quick, "risk" in quick, "untrained" in quick)}

    @app.callback(
        Output("regency-export-csv", "href"),
        Output("regency-export-xlsx", "href"),
        Input("regency-facilitators", "getRowsRequest"),
        State("regency-scope", "data"),
        State("page-lang", "data"),
        State("data-version", "data"),
    )
    def export_links(request, code, lang, version):
        """The download links of the grid, with its filters and sort."""
        access = current_access()
        access.require_facilitators(Scope.of(code).code)
        if not access.may_download:
            return None, None
        request = request or {}
        query = export_query(code, lang, request.get("filterModel"), request.get("sortModel"), (version or {}).get("pinned"))
        return f"/export/facilitators.csv?{query}", f"/export/facilitators.xlsx?{query}"


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    return None if value != value else value


def district_figure(districts, lang: str) -> go.Figure:
    """Completion per kecamatan (no kecamatan boundaries exist, so bars, lowest first)."""
    names = [str(n).title() for n in districts["name"]]
    hover = [
        f"<b>{components.hover_text(name)}</b><br>{format_percent(row.completion_pct, lang)}<br>{format_int(row.submitted, lang)} / {format_int(row.targets, lang)}"
        for name, row in zip(names, districts.itertuples())
    ]
    figure = go.Figure(
        go.Bar(
            y=[components.hover_text(n) for n in names], x=districts["completion_pct"], orientation="h", marker={"color": components.BLUE},
            text=[format_percent(v, lang) for v in districts["completion_pct"]], textposition="auto",
            hovertext=hover, hoverinfo="text",
        )
    )
    figure.update_layout(
        title={"text": t("district.title", lang), "x": 0, "font": {"size": 16}},
        separators=components.separators(lang), font=components.PLOT_FONT,
        margin={"l": 10, "r": 10, "t": 50, "b": 30},
        xaxis={"range": [0, 100], "ticksuffix": " %" if lang == "id" else "%", "gridcolor": "#eee"},
        yaxis={"automargin": True, "autorange": "reversed"}, plot_bgcolor="white", paper_bgcolor="white",
    )
    return figure
