"""Callback of the facilitator page."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, no_update

from callbacks.refresh import version_day
from dashboard.figures.facilitators import facilitator_profile
from dashboard.figures.findings import facilitator_findings_row
from dashboard.figures.training import facilitator_training
from dashboard.figures.forecast import ScheduleRule
from dashboard.figures.quality_report import facilitator_flags, facilitator_risk, risk_signals
from dashboard.figures.queries import round_dates
from dashboard.i18n import t
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from dashboard.access.audit import AuditAction
from dashboard.web.auth import audit, current_access
from layouts import facilitator
from layouts.frame import page_href


#: The programme whose range the facilitator page's findings show (the findings page offers each).
FACILITATOR_PROGRAMME = "pkh"


def register(app: Dash, settings: Settings) -> None:
    @app.callback(
        Output("facilitator-content", "children"),
        Output("facilitator-summary", "children"),
        Input("data-version", "data"),
        Input("font-scale", "data"),
        State("facilitator-id", "data"),
        State("page-lang", "data"),
    )
    def update_facilitator(version, scale, facilitator_id, lang):
        if not version:
            return dbc.Alert(t("status.no_round", lang), color="warning"), no_update
        engine, access = get_engine(settings.read_database_url), current_access()
        dates = round_dates(engine, version["round_id"])
        day = version_day(version)
        profile = facilitator_profile(
            engine, version["round_id"], facilitator_id, day, dates.start_date, dates.deadline, access=access, rule=ScheduleRule.of(settings)
        )
        if profile is None:
            return no_update, no_update
        # The callback is where the data leaves: audited even when it is called without the page.
        audit(AuditAction.FACILITATOR_VIEW, f"facilitator {profile.id} ({profile.regency_code})", 200, once_per_window=True)
        risk = facilitator_risk(engine, version["round_id"], facilitator_id, access=access)
        signals = risk_signals(risk) if risk is not None else None
        flags = facilitator_flags(engine, version["round_id"], facilitator_id, day, access=access)
        quality = facilitator.quality_section(risk, signals, flags, lang, settings.risk_min_interviews)
        cutoffs = settings.programme_cutoffs
        found = facilitator_findings_row(engine, version["round_id"], profile.id, profile.regency_code, day, access=access, cutoffs=cutoffs)
        findings = facilitator.findings_section(
            found, FACILITATOR_PROGRAMME, dict(cutoffs)[FACILITATOR_PROGRAMME], lang,
            page_href(f"/temuan/{profile.regency_code}", lang, None, version.get("pinned")),
        )
        classes = facilitator_training(engine, version["round_id"], profile.id, profile.regency_code, day, access=access)
        trained = facilitator.training_section(classes, lang, page_href(f"/pelatihan/{profile.regency_code}", lang, None, version.get("pinned")))
        return [*facilitator.content(profile, lang, scale, dates.deadline, day), findings, trained, quality], facilitator.summary(profile, lang)
