"""The "Sumber data / About the data" section: where every figure and line on screen comes
from, and the notices the data's licences require.

Why it exists (see ``../shared/geodata/SOURCES.md``, "Attribution a product must show or
ship"): the map's geometry is MIT-licensed (credit shown, licence text served beside the
files), and the region codes and names are from idn-area-data under the ODbL, whose
§4.3 requires a notice on every public map or dashboard made from them ("Produced
Work"), and whose §4.4/4.6 share-alike means the boundary files (a derivative database)
must be offered under the ODbL: the app serves them at ``/geodata/*.geojson``, linked
here. The legal notices are also given verbatim in English on the Indonesian page,
because their wording is what the licences ask for.

Both languages are complete, in the shared catalogue (``about.*`` keys of
``dashboard.i18n``); ``{name}`` fields there are filled with links here.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.figures.metrics import METRICS
from dashboard.figures.overview import MIN_RANKED_DENOMINATOR
from dashboard.figures.forecast import DEFAULT_BEHIND_POINTS, DEFAULT_WINDOW_DAYS
from dashboard.formatting import format_decimal, format_int
from dashboard.i18n import LANGUAGES, template
from dashboard.i18n import t as translate

WILAYAH_URL = "https://github.com/cahyadsn/wilayah_boundaries"
IDN_AREA_URL = "https://github.com/fityannugroho/idn-area-data"
ODBL_URL = "https://opendatacommons.org/licenses/odbl/1-0/"

#: The notices exactly as SOURCES.md words them (plain text, for tests and copying).
MIT_CREDIT = (
    "Administrative boundaries: wilayah_boundaries © 2024 Cahya DSN "
    f"({WILAYAH_URL}), MIT License."
)
ODBL_NOTICE = (
    f"Contains information from idn-area-data ({IDN_AREA_URL}), which is made available here "
    f"under the Open Database License (ODbL) ({ODBL_URL})."
)

class _Text:
    """``t["key"]``: the raw ``about.key`` message of the catalogue (links filled in later)."""

    def __init__(self, lang: str):
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        return template(f"about.{key}", self.lang)


def _definitions(lang: str, window_days: int, behind_points: float) -> html.Section:
    """What each figure means, from the metric registry (its one definition), and the
    schedule rule of the forecasts: the section that exports, the API and the forecast
    under each progress chart point readers to (``/sumber-data#definisi``)."""
    t = _Text(lang)
    rows = [
        html.Tr(
            [html.Th(metric.heading(lang), scope="row", className="fw-semibold"), html.Td(metric.description(lang))],
            id=f"definisi-{metric.id}",
        )
        for metric in METRICS
    ]
    rows.append(
        html.Tr(
            [
                html.Th(translate("forecast.status", lang), scope="row", className="fw-semibold"),
                html.Td(translate("forecast.rule", lang, days=window_days, points=format_decimal(behind_points, lang, 0))),
            ],
            id="definisi-jadwal",
        )
    )
    return html.Section(
        [
            html.H3(t["definitions_title"], className="h6"),
            html.P(t["definitions_intro"].format(minimum=format_int(MIN_RANKED_DENOMINATOR, lang)), className="small text-muted mb-2"),
            dbc.Table(html.Tbody(rows), size="sm", className="mb-0 small"),
        ],
        id="definisi",
        className="mb-3",
    )


def _link(text: str, href: str) -> html.A:
    external = href.startswith("http")
    return html.A(text, href=href, **({"target": "_blank", "rel": "noopener noreferrer"} if external else {}))


def _with_links(template: str, **links: str) -> list[Any]:
    """``template`` with each ``{name}`` replaced by a link to the URL ``links[name]``."""
    parts: list[Any] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        parts += [before, _link(links[name], links[name])]
    parts.append(rest)
    return [p for p in parts if p != ""]


def about_layout(
    lang: str, *, geodata_links: bool = True, window_days: int = DEFAULT_WINDOW_DAYS, behind_points: float = DEFAULT_BEHIND_POINTS
) -> dbc.Card:
    """The "Sumber data" (``lang="id"``) or "About the data" (``lang="en"``) card.
    ``window_days`` and ``behind_points`` are the forecasts' settings, for the schedule rule.

    ``geodata_links=False`` leaves out the links to ``/geodata/...`` (for a server whose
    ``GEODATA_DIR`` holds no boundary files, where they would be 404s); the credits stay.
    Raises ``ValueError`` for another language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use 'id' or 'en'")
    t = _Text(lang)
    verbatim = lang != "en"  # the English page already shows the notices' own words

    def notice(text: str) -> html.Div | None:
        if not verbatim:
            return None
        return html.Div([html.Span(f"{t['notice_label']}: ", className="fw-semibold"), text], className="small text-muted mt-1", lang="en")

    boundary_links = (
        html.Ul(
            [
                html.Li(_link(t["boundaries_licence"], "/geodata/LICENSE-cahyadsn-wilayah_boundaries.txt")),
            ],
            className="small mb-0",
        )
        if geodata_links
        else None
    )
    region_files = (
        html.Ul(
            [
                html.Li(_link("provinces.geojson", "/geodata/provinces.geojson")),
                html.Li(_link("regencies.geojson", "/geodata/regencies.geojson")),
                html.Li(_link(t["sources_file"], "/geodata/SOURCES.md")),
                html.Li(_link(t["regions_licence"], "/geodata/LICENSE-idn-area-data.txt")),
            ],
            className="small mb-0",
        )
        if geodata_links
        else None
    )
    sections = [
        html.Section(
            [html.H3(t["synthetic_title"], className="h6"), dbc.Alert(t["synthetic"], color="warning", className="mb-0")],
            id="about-synthetic",
            className="mb-3",
        ),
        html.Section(
            [
                html.H3(t["boundaries_title"], className="h6"),
                html.P(_with_links(t["boundaries_credit"], link=WILAYAH_URL), className="mb-1", id="about-boundaries-credit"),
                notice(MIT_CREDIT),
                html.P(t["boundaries_processing"], className="small text-muted mb-1"),
                boundary_links,
            ],
            id="about-boundaries",
            className="mb-3",
        ),
        html.Section(
            [
                html.H3(t["regions_title"], className="h6"),
                html.P(_with_links(t["regions_notice"], idn=IDN_AREA_URL, odbl=ODBL_URL), className="mb-1", id="about-odbl-notice"),
                notice(ODBL_NOTICE),
                html.P(
                    f"{t['regions_detail']} {t['regions_files']}" if geodata_links else t["regions_detail"],
                    className="small text-muted mb-1",
                ),
                region_files,
            ],
            id="about-regions",
            className="mb-3",
        ),
        _definitions(lang, window_days, behind_points),
        html.Section(
            [html.H3(t["facilitators_title"], className="h6"), html.P(t["facilitators"], className="mb-0")],
            id="about-facilitators",
            className="mb-3",
        ),
        html.Section(
            [html.H3(t["software_title"], className="h6"), html.P(t["software"], className="small mb-0")],
            id="about-software",
        ),
    ]
    return dbc.Card(
        dbc.CardBody([html.H2(t["title"], className="h5 mb-3"), *sections]),
        id="about-data",
        className="mt-3",
    )
