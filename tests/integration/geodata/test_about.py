"""The "Sumber data / About the data" card carries the credits the data's licences require
(``../shared/geodata/SOURCES.md``), in both languages."""

from __future__ import annotations

import pytest
from dash.development.base_component import Component

from dashboard.i18n import CATALOGUE
from layouts.about import MIT_CREDIT, ODBL_NOTICE, about_layout


def _text(component) -> str:
    """All the text of a component tree, as a reader sees it (links by their text)."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(_text(c) for c in component)
    if isinstance(component, Component):
        return _text(getattr(component, "children", None))
    return ""


def _hrefs(component) -> list[str]:
    found = []
    if isinstance(component, (list, tuple)):
        for c in component:
            found += _hrefs(c)
    elif isinstance(component, Component):
        if getattr(component, "href", None):
            found.append(component.href)
        found += _hrefs(getattr(component, "children", None))
    return found


def test_both_languages_are_complete():
    about = {k: v for k, v in CATALOGUE.items() if k.startswith("about.")}
    assert len(about) > 10
    assert all(v["id"] and v["en"] and v["id"] != v["en"] for v in about.values())


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_required_notices_are_shown(lang):
    text = _text(about_layout(lang))
    # SOURCES.md, "Attribution a product must show or ship": the MIT credit and the ODbL
    # notice, word for word (on the Indonesian page beside their translation).
    assert MIT_CREDIT in text and ODBL_NOTICE in text
    assert "wilayah_boundaries © 2024 Cahya DSN" in text
    assert "33.603" in text if lang == "id" else "33,603" in text
    assert "25 Februari 2025" in text if lang == "id" else "25 February 2025" in text
    assert "Peran BPS Ground Check DTSEN - Kemensos" in text
    assert ("sintetis" if lang == "id" else "synthetic") in text
    assert ("Sumber data" if lang == "id" else "About the data") in text


def test_links_to_the_served_files_and_licences():
    hrefs = _hrefs(about_layout("id"))
    for path in ("/geodata/provinces.geojson", "/geodata/regencies.geojson", "/geodata/SOURCES.md",
                 "/geodata/LICENSE-idn-area-data.txt", "/geodata/LICENSE-cahyadsn-wilayah_boundaries.txt"):
        assert path in hrefs
    assert "https://opendatacommons.org/licenses/odbl/1-0/" in hrefs
    without = about_layout("en", geodata_links=False)
    assert not [h for h in _hrefs(without) if h.startswith("/geodata/")]
    assert ODBL_NOTICE in _text(without) and MIT_CREDIT in _text(without)


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="'id' or 'en'"):
        about_layout("fr")
