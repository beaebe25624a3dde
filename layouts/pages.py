"""Page registration: every page is registered here, explicitly, by ``create_app``
(``Dash(use_pages=True, pages_folder="")``), never as a side effect of an import.

Pages are shareable links: the area is in the path (``/provinsi/94``), the language and
the map metric in the query string (``?lang=en&metric=return_rate``; the national pages
also ``view=tiles`` for the labelled tile grid of the provinces). The area in a link
is a wish: each page asks the request's access (``dashboard.web.auth.current_access``)
and shows a region or facilitator outside the user's area as an explained refusal, never
its data or a facilitator's name.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access.audit import AuditAction
from dashboard.access.policy import Access, OutOfScope
from dashboard.figures.facilitators import facilitator_identity
from dashboard.figures.queries import InvalidScope, Level, Scope, latest_round, region_exists, region_names
from dashboard.formatting import format_datetime, region_display_name
from dashboard.i18n import LANGUAGES, t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.store.outage import is_outage, monitor_for
from dashboard.store.status import data_status, target_count
from dashboard.web.auth import audit, csrf_token, current_access
from geodata import boundaries_available
from layouts import about, admin, alerts, facilitator, findings, overview, quality, regency, review, training, waiting, wall
from layouts.data_source import data_source_panel
from layouts.frame import Account, page_frame, page_href
from layouts.maps import MAP_VIEWS
from dashboard.figures.metrics import MAP_METRICS


def _language(lang: str | None, settings: Settings) -> str:
    return lang if lang in LANGUAGES else settings.default_language


def area_label(access: Access, lang: str, engine) -> str:
    """The user's area in words: "seluruh Indonesia", or names with codes."""
    if access.nationwide_area:
        return t("access.national", lang)
    provinces = region_names(engine, Level.PROVINCE)
    regencies = region_names(engine, Level.REGENCY)
    names = {**provinces.to_dict(), **regencies.to_dict()}
    return ", ".join(f"{region_display_name(names.get(c, c))} ({c})" for c in sorted(access.codes))


def account(lang: str, settings: Settings) -> Account:
    """Who is signed in, for the page header (with the sign-out form's CSRF token)."""
    access = current_access()
    return Account(access.user or "", area_label(access, lang, get_engine(settings.read_database_url)), access.is_admin, csrf_token())


def _notice_page(lang: str, settings: Settings, path: str, children: list, *, retry: bool = False, class_name: str = "") -> html.Div:
    """A page of one notice inside the frame; with ``retry``, it reloads itself every
    refresh interval (``callbacks/refresh.py``) until there is something else to show."""
    content = [
        dcc.Store(id="page-lang", data=lang),
        *([dcc.Interval(id="page-retry", interval=settings.refresh_interval_seconds * 1000)] if retry else []),
        dbc.Alert(children, color="warning", className=f"mt-3 {class_name}".strip()),
    ]
    return page_frame(lang, path, content, settings.refresh_interval_seconds, account=account(lang, settings))


def outside_area(lang: str, message: str, settings: Settings, path: str) -> html.Div:
    """The explained refusal of a page outside the user's area, with the way to their own."""
    access = current_access()
    audit(AuditAction.DENIED, f"page {path}", 403)
    return _notice_page(lang, settings, path, [
        html.H1(t("access.denied_title", lang), className="h4"),
        html.P(message, id="access-denied-message"),
        html.P(t("access.your_area", lang, area=area_label(access, lang, get_engine(settings.read_database_url))), className="small"),
        dbc.Button(t("access.go_to_area", lang), href=page_href(access.landing_path(), lang), color="primary", id="access-denied-back"),
    ], class_name="access-denied")


def not_found(lang: str, message: str, settings: Settings, path: str = "/") -> html.Div:
    """A clear "not found" view with a way back, never a traceback."""
    return _notice_page(lang, settings, path, [
        html.H1(t("notfound.title", lang), className="h4"),
        html.P(message, id="not-found-message"),
        dbc.Button(t("notfound.back", lang), href=f"/?lang={lang}", color="primary", id="not-found-back"),
    ])


def no_round_page(lang: str, settings: Settings, path: str = "/") -> html.Div:
    """What every figure page shows while the database holds no round with data (a new
    installation): that, where to read about the data, and a timer that reloads the page,
    so that a wall screen shows the figures once the first data is loaded."""
    return _notice_page(lang, settings, path, [
        html.P(t("status.no_round", lang), id="no-round-message", className="mb-2"),
        dbc.Button(t("nav.about", lang), href=f"/sumber-data?lang={lang}", color="primary", outline=True),
    ], retry=True)


def outage_page(lang: str, settings: Settings) -> html.Div:
    """What a page shows when it is opened while the database does not answer: when that
    began, and a timer that reloads the page (pages already open keep their figures)."""
    since = monitor_for(settings.read_database_url).state().unreachable_since
    return html.Div(
        [
            dcc.Store(id="page-lang", data=lang),
            dcc.Interval(id="page-retry", interval=settings.refresh_interval_seconds * 1000),
            dbc.Alert(
                [
                    html.H1(t("status.unreachable", lang), className="h4"),
                    html.P(t("status.outage_page", lang, since=format_datetime(since, lang)), id="outage-message"),
                ],
                color="warning", className="m-3",
            ),
        ],
        className="container",
    )


def _one(value):
    if isinstance(value, list):
        value = value[-1] if value else None
    return value if isinstance(value, str) else None


def single_values(page):
    """``page`` (a layout function) with one text value per query key: a key repeated in
    the query string (``?round=1&round=2``) arrives as a list, and the last one counts, as
    in most web frameworks; anything else that is no text counts as absent."""

    @functools.wraps(page)
    def layout(*args, **kwargs):
        return page(*args, **{key: _one(value) for key, value in kwargs.items()})

    return layout


def outage_aware(page, settings: Settings):
    """``page`` (a layout function), or the outage page when the database is unreachable."""

    @functools.wraps(page)
    def layout(*args, lang=None, **kwargs):
        try:
            return page(*args, lang=lang, **kwargs)
        except SQLAlchemyError as exc:
            if not is_outage(exc):
                raise
            return outage_page(_language(lang, settings), settings)

    return layout


def _rounds(engine) -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in data_status(engine).rounds]


def _round(text: str | None, rounds: list[tuple[int, str]]) -> int | None | bool:
    """The round asked for in the query string: its id, None for the newest, False if no
    such round exists."""
    if not text:
        return None
    try:
        wanted = int(text)
    except ValueError:
        return False
    return wanted if wanted in dict(rounds) else False


def register_pages(settings: Settings) -> None:
    refresh = settings.refresh_interval_seconds

    def _served(page, _settings: Settings):
        """What Dash calls for a page: one value per query key, the outage page when needed."""
        return single_values(outage_aware(page, _settings))

    def frame_and_links(lang: str, metric: str | None, round_text: str | None, path: str, view: str | None = None):
        """The page frame's options, a link maker that keeps them, and an error view for
        an unknown round or a database without a round with data (or None). ``view`` is
        the map view of the national pages (``?view=``), kept by their own links only."""
        engine = get_engine(settings.read_database_url)
        rounds = _rounds(engine)
        round_id = _round(round_text, rounds)
        if round_id is False:
            return None, None, not_found(lang, t("notfound.round", lang, round=round_text), settings)
        # (latest_round raises while the database is unreachable: the outage page, not this)
        if round_id is None and latest_round(engine) is None:
            return None, None, no_round_page(lang, settings, path)
        frame = {"metric": metric, "round_id": round_id, "rounds": rounds, "account": account(lang, settings)}
        if view in MAP_VIEWS:
            frame["view"] = view
        access = current_access()

        def link(path: str) -> str | None:
            """A link that keeps the page's options, or None (plain text in a breadcrumb)
            for a region page the user may not open."""
            code = path.rstrip("/").rpartition("/")[2]
            if any(path.startswith(p) for p in ("/provinsi/", "/kabkota/", "/kualitas/", "/temuan/", "/antrian/", "/pelatihan/", "/peringatan/", "/tinjauan/")) and not access.sees_total(code):
                return None
            return page_href(path, lang, metric, round_id)

        return frame, link, None

    def existing_region(level: Level, code: str | None, lang: str, path: str):
        """The scope of ``code`` if such a region exists and the user may see its figures,
        else the not-found view or the explained refusal."""
        try:
            scope = Scope(level, code)
        except InvalidScope:
            scope = None
        label = t("region.province" if level == Level.PROVINCE else "region.regency", lang)
        if scope is None or not region_exists(get_engine(settings.read_database_url), scope):
            return None, not_found(lang, t("notfound.region", lang, level=label.lower(), code=code), settings, path)
        if not current_access().sees_total(scope.code):
            return None, outside_area(lang, t("access.denied", lang, what=f"{label} {scope.code}"), settings, path)
        return scope, None

    def section_scope(section: str, code: str | None, lang: str, path: str, link):
        """The scope of ``<section>`` (the nation) or ``<section>/<code>`` (a province or
        kabupaten/kota) and its breadcrumb, each step linking to the section's page of it;
        or the not-found view or the explained refusal (third item)."""
        trail = [(t("region.national", lang), link(section))]
        scope = Scope.national()
        if code:
            level = Level.PROVINCE if len(code) == 2 else Level.REGENCY
            scope, missing = existing_region(level, code, lang, path)
            if missing:
                return None, None, missing
            engine = get_engine(settings.read_database_url)
            province = region_display_name(region_names(engine, Level.PROVINCE)[scope.province_code])
            trail.append((province, link(f"{section}/{scope.province_code}")))
            if level == Level.REGENCY:
                name = region_display_name(region_names(engine, Level.REGENCY, Scope.of(scope.province_code))[scope.code])
                trail.append((name, link(f"{section}/{scope.code}")))
        trail[-1] = (trail[-1][0], None)
        return scope, trail, None

    def national_page(lang: str | None = None, metric: str | None = None, round: str | None = None, view: str | None = None, **_query):
        language = _language(lang, settings)
        frame, _, error = frame_and_links(language, metric, round, "/", view)
        return error or overview.layout(
            Scope.national(), language, metric, refresh, path="/", offer_map_views=boundaries_available(settings.geodata_dir), **frame
        )

    def province_page(
        code: str | None = None, lang: str | None = None, metric: str | None = None, round: str | None = None, view: str | None = None,
        **_query,
    ):
        language = _language(lang, settings)
        path = f"/provinsi/{code}"
        frame, link, error = frame_and_links(language, metric, round, path, view)
        if error:
            return error
        scope, missing = existing_region(Level.PROVINCE, code, language, path)
        if missing:
            return missing
        engine = get_engine(settings.read_database_url)
        name = region_display_name(region_names(engine, Level.PROVINCE)[scope.code])
        trail = [(t("region.national", language), link("/")), (name, None)]
        heading = f"{t('region.province', language)} {name}"
        return overview.layout(
            scope, language, metric, refresh, path=path, heading=heading, trail=trail,
            offer_map_views=boundaries_available(settings.geodata_dir), **frame,
        )

    def regency_page(code: str | None = None, lang: str | None = None, metric: str | None = None, round: str | None = None, **_query):
        language = _language(lang, settings)
        path = f"/kabkota/{code}"
        frame, link, error = frame_and_links(language, metric, round, path)
        if error:
            return error
        scope, missing = existing_region(Level.REGENCY, code, language, path)
        if missing:
            return missing
        engine = get_engine(settings.read_database_url)
        province = region_display_name(region_names(engine, Level.PROVINCE)[scope.province_code])
        name = region_display_name(region_names(engine, Level.REGENCY, Scope.of(scope.province_code))[scope.code])
        trail = [(t("region.national", language), link("/")), (province, link(f"/provinsi/{scope.province_code}")), (name, None)]
        return regency.layout(scope, language, refresh, path=path, heading=name, trail=trail, **frame)

    def facilitator_page(
        facilitator_id: str | None = None, lang: str | None = None, metric: str | None = None, round: str | None = None, **_query
    ):
        language = _language(lang, settings)
        path = f"/pendamping/{facilitator_id}"
        frame, link, error = frame_and_links(language, metric, round, path)
        if error:
            return error
        engine = get_engine(settings.read_database_url)
        try:
            person = facilitator_identity(engine, facilitator_id or "", access=current_access())
        except OutOfScope:
            # Also for an id that does not exist, unless the user sees the whole nation:
            # the answer must not tell which ids exist outside the area.
            return outside_area(language, t("access.denied_facilitator", language, code=facilitator_id), settings, path)
        if person is None:
            message = t("notfound.region", language, level=t("region.facilitator", language).lower(), code=facilitator_id)
            return not_found(language, message, settings, path)
        audit(AuditAction.FACILITATOR_VIEW, f"facilitator {person.id} ({person.regency_code})", 200, once_per_window=True)
        province = region_display_name(region_names(engine, Level.PROVINCE)[person.province_code])
        regency_name = region_display_name(region_names(engine, Level.REGENCY, Scope.of(person.province_code))[person.regency_code])
        trail = [
            (t("region.national", language), link("/")),
            (province, link(f"/provinsi/{person.province_code}")),
            (regency_name, link(f"/kabkota/{person.regency_code}")),
            (person.name, None),
        ]
        heading = t("facilitator.page", language, name=f"{person.name} ({person.id})")
        return facilitator.layout(person.id, language, refresh, path=path, heading=heading, trail=trail, **frame)

    def quality_page(
        code: str | None = None, lang: str | None = None, metric: str | None = None, round: str | None = None, view: str | None = None, **_query
    ):
        """``/kualitas`` (the nation) and ``/kualitas/<code>`` (a province or kabupaten/kota)."""
        language = _language(lang, settings)
        path = f"/kualitas/{code}" if code else "/kualitas"
        frame, link, error = frame_and_links(language, metric, round, path, view if not code else None)
        if error:
            return error
        scope, trail, missing = section_scope("/kualitas", code, language, path, link)
        if missing:
            return missing
        heading = t("quality.page", language) + " · " + trail[-1][0]
        return quality.layout(
            scope, language, metric, refresh, path=path, heading=heading, trail=trail,
            risk_threshold=settings.risk_threshold, risk_min_interviews=settings.risk_min_interviews,
            offer_map_views=boundaries_available(settings.geodata_dir), **{k: v for k, v in frame.items() if k != "metric"},
        )

    def findings_page(
        code: str | None = None, lang: str | None = None, metric: str | None = None, round: str | None = None,
        programme: str | None = None, **_query,
    ):
        """``/temuan`` (the nation) and ``/temuan/<code>`` (a province or kabupaten/kota);
        ``?programme=`` the programme whose cut-off the findings use, ``?metric=`` the map's."""
        language = _language(lang, settings)
        path = f"/temuan/{code}" if code else "/temuan"
        frame, link, error = frame_and_links(language, None, round, path)
        if error:
            return error
        scope, trail, missing = section_scope("/temuan", code, language, path, link)
        if missing:
            return missing
        heading = t("findings.page", language) + " · " + trail[-1][0]
        return findings.layout(
            scope, language, refresh, path=path, heading=heading, trail=trail, cutoffs=settings.programme_cutoffs,
            programme=programme, map_kind=metric, **{k: v for k, v in frame.items() if k != "metric"},
        )

    def waiting_page(code: str | None = None, lang: str | None = None, round: str | None = None, status: str | None = None, **_query):
        """``/antrian`` (the nation) and ``/antrian/<code>`` (a province or kabupaten/kota);
        ``?status=`` the status whose cases are listed."""
        language = _language(lang, settings)
        path = f"/antrian/{code}" if code else "/antrian"
        frame, link, error = frame_and_links(language, None, round, path)
        if error:
            return error
        scope, trail, missing = section_scope("/antrian", code, language, path, link)
        if missing:
            return missing
        heading = t("waiting.page", language) + " · " + trail[-1][0]
        return waiting.layout(scope, language, refresh, path=path, heading=heading, trail=trail, status=status,
                              **{k: v for k, v in frame.items() if k != "metric"})

    def training_page(code: str | None = None, lang: str | None = None, round: str | None = None, **_query):
        """``/pelatihan`` (the nation) and ``/pelatihan/<code>`` (a province or kabupaten/kota)."""
        language = _language(lang, settings)
        path = f"/pelatihan/{code}" if code else "/pelatihan"
        frame, link, error = frame_and_links(language, None, round, path)
        if error:
            return error
        scope, trail, missing = section_scope("/pelatihan", code, language, path, link)
        if missing:
            return missing
        heading = t("training.page", language) + " · " + trail[-1][0]
        return training.layout(scope, language, refresh, path=path, heading=heading, trail=trail, **{k: v for k, v in frame.items() if k != "metric"})

    def alerts_page(code: str | None = None, lang: str | None = None, round: str | None = None, **_query):
        """``/peringatan`` (the nation, as far as the user's area reaches) and
        ``/peringatan/<code>`` (a province or kabupaten/kota)."""
        language = _language(lang, settings)
        path = f"/peringatan/{code}" if code else "/peringatan"
        frame, link, error = frame_and_links(language, None, round, path)
        if error:
            return error
        scope, trail, missing = section_scope("/peringatan", code, language, path, link)
        if missing:
            return missing
        heading = t("alerts.page", language) + " · " + trail[-1][0]
        return alerts.layout(scope, language, refresh, path=path, heading=heading, trail=trail, **{k: v for k, v in frame.items() if k != "metric"})

    def review_page(code: str | None = None, lang: str | None = None, round: str | None = None, **_query):
        """``/tinjauan`` (the nation, as far as the user's area reaches) and
        ``/tinjauan/<code>`` (a province or kabupaten/kota): the review queue of the
        fabrication-risk score."""
        language = _language(lang, settings)
        path = f"/tinjauan/{code}" if code else "/tinjauan"
        frame, link, error = frame_and_links(language, None, round, path)
        if error:
            return error
        scope, trail, missing = section_scope("/tinjauan", code, language, path, link)
        if missing:
            return missing
        heading = t("review.page", language) + " · " + trail[-1][0]
        return review.layout(
            scope, language, refresh, path=path, heading=heading, trail=trail, threshold=settings.risk_threshold,
            sees_facilitators=current_access().sees_facilitators, **{k: v for k, v in frame.items() if k != "metric"},
        )

    def about_page(lang: str | None = None, **_query):
        language = _language(lang, settings)
        engine = get_engine(settings.read_database_url)
        status = data_status(engine)
        targets = {r.id: target_count(engine, r.id) for r in status.rounds} if status.ready else {}
        content = [
            data_source_panel(status, targets, language, with_location=current_access().is_admin),
            about.about_layout(
                language, geodata_links=boundaries_available(settings.geodata_dir),
                window_days=settings.forecast_window_days, behind_points=settings.schedule_behind_points,
            ),
            dcc.Store(id="page-lang", data=language),
        ]
        return page_frame(language, "/sumber-data", content, refresh, account=account(language, settings))

    def admin_page(lang: str | None = None, **_query):
        language = _language(lang, settings)
        if not current_access().is_admin:
            return outside_area(language, t("access.admin_only", language), settings, "/admin")
        content = admin.layout(language, settings.audit_retention_days)
        return page_frame(language, "/admin", content, refresh, account=account(language, settings))

    def wall_page(
        lang: str | None = None, scope: str | None = None, cycle: str | None = None, panels: str | None = None,
        metric: str | None = None, round: str | None = None, **_query,
    ):
        """The NSCC wall of the nation, or of ``?scope=`` (by default the area of an account
        of one region; an account of several regions picks one)."""
        language = _language(lang, settings)
        _, _, error = frame_and_links(language, None, round, "/wall")
        if error:
            return error
        access = current_access()
        if not scope and not access.nationwide_area and len(access.codes) > 1:
            return _notice_page(language, settings, "/wall", [
                html.H1(t("wall.pick_title", language), className="h4"),
                html.P(t("wall.pick", language)),
                html.Ul([html.Li(html.A(f"{area_label(Access.of_user('', access.role, [code]), language, get_engine(settings.read_database_url))}",
                                        href=f"/wall?{urlencode({'scope': code, 'lang': language})}")) for code in sorted(access.codes)]),
            ])
        code = scope or (next(iter(access.codes)) if not access.nationwide_area and len(access.codes) == 1 else None)
        engine = get_engine(settings.read_database_url)
        if code:
            level = Level.PROVINCE if len(code) == 2 else Level.REGENCY
            region, missing = existing_region(level, code, language, "/wall")
            if missing:
                return missing
            names = region_names(engine, level, None if level == Level.PROVINCE else Scope.of(region.province_code))
            area = region_display_name(names[region.code])
        else:
            region, area = Scope.national(), t("region.national", language)
        return wall.layout(
            region, language, area_name=area, panels=wall.panels_for(region, panels, boundaries_available(settings.geodata_dir)),
            cycle=wall.cycle_seconds(cycle),
            metric_id=metric if metric in MAP_METRICS else overview.DEFAULT_MAP_METRIC, stale_minutes=settings.wall_stale_minutes,
            refresh_seconds=refresh,
        )

    def missing_page(lang: str | None = None, **_query):
        language = _language(lang, settings)
        return not_found(language, t("notfound.page", language, path=""), settings)

    dash.register_page("national", path="/", name="Nasional", title="Ground Check DTSEN · Nasional", layout=_served(national_page, settings))
    dash.register_page(
        "province", path_template="/provinsi/<code>", name="Provinsi", title="Ground Check DTSEN · Provinsi", layout=_served(province_page, settings)
    )
    dash.register_page(
        "regency", path_template="/kabkota/<code>", name="Kabupaten/Kota", title="Ground Check DTSEN · Kabupaten/Kota", layout=_served(regency_page, settings)
    )
    dash.register_page(
        "facilitator",
        path_template="/pendamping/<facilitator_id>",
        name="Pendamping",
        title="Ground Check DTSEN · Pendamping",
        layout=_served(facilitator_page, settings),
    )
    dash.register_page("quality", path="/kualitas", name="Kualitas", title="Ground Check DTSEN · Kualitas", layout=_served(quality_page, settings))
    dash.register_page(
        "quality_region", path_template="/kualitas/<code>", name="Kualitas wilayah", title="Ground Check DTSEN · Kualitas", layout=_served(quality_page, settings)
    )
    dash.register_page("findings", path="/temuan", name="Temuan", title="Ground Check DTSEN · Temuan", layout=_served(findings_page, settings))
    dash.register_page(
        "findings_region", path_template="/temuan/<code>", name="Temuan wilayah", title="Ground Check DTSEN · Temuan",
        layout=_served(findings_page, settings),
    )
    dash.register_page("waiting", path="/antrian", name="Antrean", title="Ground Check DTSEN · Antrean", layout=_served(waiting_page, settings))
    dash.register_page(
        "waiting_region", path_template="/antrian/<code>", name="Antrean wilayah", title="Ground Check DTSEN · Antrean",
        layout=_served(waiting_page, settings),
    )
    dash.register_page("training", path="/pelatihan", name="Pelatihan", title="Ground Check DTSEN · Pelatihan", layout=_served(training_page, settings))
    dash.register_page(
        "training_region", path_template="/pelatihan/<code>", name="Pelatihan wilayah", title="Ground Check DTSEN · Pelatihan",
        layout=_served(training_page, settings),
    )
    dash.register_page("alerts", path="/peringatan", name="Peringatan", title="Ground Check DTSEN · Peringatan", layout=_served(alerts_page, settings))
    dash.register_page(
        "alerts_region", path_template="/peringatan/<code>", name="Peringatan wilayah", title="Ground Check DTSEN · Peringatan",
        layout=_served(alerts_page, settings),
    )
    dash.register_page("review", path="/tinjauan", name="Tinjauan", title="Ground Check DTSEN · Tinjauan", layout=_served(review_page, settings))
    dash.register_page(
        "review_region", path_template="/tinjauan/<code>", name="Tinjauan wilayah", title="Ground Check DTSEN · Tinjauan",
        layout=_served(review_page, settings),
    )
    dash.register_page("about", path="/sumber-data", name="Sumber data", title="Ground Check DTSEN · Sumber data", layout=_served(about_page, settings))
    dash.register_page("wall", path="/wall", name="NSCC", title="Ground Check DTSEN · NSCC", layout=_served(wall_page, settings))
    dash.register_page("admin", path="/admin", name="Admin", title="Ground Check DTSEN · Admin", layout=_served(admin_page, settings))
    # Dash shows the page registered as "not_found_404" for any other path.
    dash.register_page("not_found_404", path="/404", title="Ground Check DTSEN · Tidak ditemukan", layout=_served(missing_page, settings))
