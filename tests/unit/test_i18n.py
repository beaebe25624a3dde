"""The message catalogue: complete in both languages, consistent, and loud about gaps."""

from __future__ import annotations

import logging
import re
import string

import pytest

from dashboard.i18n import CATALOGUE, LANGUAGES, ensure_language, placeholders, t


def test_the_languages_are_indonesian_first_then_english():
    assert LANGUAGES == ("id", "en")


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_fields(key):
    entry = CATALOGUE[key]
    assert set(entry) == set(LANGUAGES)
    for lang in LANGUAGES:
        text = entry[lang]
        assert text.strip() == text != "", f"{key} [{lang}] is empty or padded"
    assert placeholders(entry["id"]) == placeholders(entry["en"])


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_fields_are_plain_names_without_format_specs(key):
    """``{n:,}`` would put English separators into Indonesian text: callers format values."""
    for lang in LANGUAGES:
        for _, field, spec, conversion in string.Formatter().parse(CATALOGUE[key][lang]):
            if field is not None:
                assert field.isidentifier(), (key, lang, field)
                assert not spec and conversion is None, (key, lang, field)


def test_keys_are_dotted_lower_case_names():
    bad = [key for key in CATALOGUE if not re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", key)]
    assert bad == []


def test_the_national_page_texts_are_there():
    expected = {
        "app.title": ("Pemantauan Ground Check DTSEN", "DTSEN Ground-Check Monitor"),
        "app.subtitle": ("National Statistics Command Center (NSCC) · BPS",) * 2,
        "nav.national": ("Nasional", "National"),
        "nav.quality": ("Kualitas", "Quality"),
        "nav.about": ("Sumber data", "About the data"),
        "kpi.targets": ("Sasaran", "Targets"),
        "kpi.completion": ("Penyelesaian", "Completion"),
        "kpi.returned": ("Dikembalikan", "Returned"),
        "kpi.since_yesterday": ("sejak kemarin", "since yesterday"),
        "progress.actual": ("Realisasi", "Actual"),
        "region.regency": ("Kabupaten/Kota", "Regency/city"),
        "common.no_data": ("Tidak ada data", "No data"),
        "status.no_round": (
            "Belum ada putaran ground check di basis data ini.",
            "This database holds no ground-check round yet.",
        ),
    }
    for key, (indonesian, english) in expected.items():
        assert (t(key, "id"), t(key, "en")) == (indonesian, english), key


def test_t_fills_named_parameters():
    assert t("status.data_as_of", "id", time="24 Nov 2026 14.05 WIB") == "Data per 24 Nov 2026 14.05 WIB"
    assert t("status.data_as_of", "en", time="24 Nov 2026 14:05 WIB") == "Data as of 24 Nov 2026 14:05 WIB"
    assert t("status.refresh", "id", s=60) == "Diperbarui otomatis setiap 60 detik"
    assert t("status.refresh", "en", s=60) == "Refreshes every 60 seconds"
    assert t("common.count_of_total", "id", count="1.234", total="5.000") == "1.234 dari 5.000"


def test_placeholders_lists_the_fields():
    assert placeholders("{count} dari {total}") == {"count", "total"}
    assert placeholders("Sasaran") == set()


def test_an_unknown_key_fails_loudly_under_tests():
    with pytest.raises(KeyError, match="kpi.no_such_thing"):
        t("kpi.no_such_thing", "id")


def test_a_missing_parameter_fails_loudly_under_tests():
    with pytest.raises(KeyError, match="status.data_as_of"):
        t("status.data_as_of", "id")


def test_in_production_an_unknown_key_shows_itself_and_warns_once(monkeypatch, caplog):
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setattr("dashboard.i18n._warned", set())
    with caplog.at_level(logging.WARNING, logger="dashboard.i18n"):
        assert t("kpi.not_yet_translated", "id") == "kpi.not_yet_translated"
        assert t("kpi.not_yet_translated", "en") == "kpi.not_yet_translated"
        assert t("status.data_as_of", "en") == "Data as of {time}"
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert "kpi.not_yet_translated" in warnings[0] and "status.data_as_of" in warnings[1]


@pytest.mark.parametrize("lang", ["", "ID", "de", "id_ID", None])
def test_an_unknown_language_is_refused(lang):
    with pytest.raises(ValueError):
        t("app.title", lang)
    with pytest.raises(ValueError):
        ensure_language(lang)



def test_every_reason_a_visit_is_not_counted_has_a_label():
    from dashboard.i18n import LANGUAGES, t
    from dashboard.store.rollups import EXCLUSION_REASONS

    for reason in EXCLUSION_REASONS:
        for lang in LANGUAGES:
            assert t(f"excluded.{reason}", lang) != f"excluded.{reason}"
