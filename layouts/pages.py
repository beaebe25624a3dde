"""Page registration: every page is registered here, explicitly, by ``create_app``
(``Dash(use_pages=True, pages_folder="")``), never as a side effect of an import."""

from __future__ import annotations

import dash

from dash import dcc

from dashboard.database import get_engine
from dashboard.i18n import LANGUAGES
from dashboard.settings import Settings
from dashboard.status import data_status, target_count
from layouts import about, national
from layouts.data_source import data_source_panel
from layouts.frame import page_frame


def _language(lang: str | None, settings: Settings) -> str:
    return lang if lang in LANGUAGES else settings.default_language


def register_pages(settings: Settings) -> None:
    def national_page(lang: str | None = None, metric: str | None = None, **_query):
        return national.layout(_language(lang, settings), metric, settings.refresh_interval_seconds)

    def about_page(lang: str | None = None, **_query):
        language = _language(lang, settings)
        engine = get_engine(settings.database_url)
        status = data_status(engine)
        targets = {r.id: target_count(engine, r.id) for r in status.rounds} if status.ready else {}
        content = [data_source_panel(status, targets, language), about.about_layout(language), dcc.Store(id="page-lang", data=language)]
        return page_frame(language, "/sumber-data", content, settings.refresh_interval_seconds)

    dash.register_page("national", path="/", name="Nasional", title="Ground Check DTSEN · Nasional", layout=national_page)
    dash.register_page("about", path="/sumber-data", name="Sumber data", title="Ground Check DTSEN · Sumber data", layout=about_page)
