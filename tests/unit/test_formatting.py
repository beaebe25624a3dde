"""Numbers and dates as Indonesian and English readers of the dashboard expect them."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest

from dashboard.formatting import (
    WIB,
    format_count_delta,
    format_date,
    format_date_short,
    format_datetime,
    format_decimal,
    format_int,
    format_number_compact,
    format_percent,
    format_percent_delta,
    format_time,
)

DASH = "\u2014"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (1234567, "1.234.567", "1,234,567"),
        (0, "0", "0"),
        (999, "999", "999"),
        (np.int64(33603), "33.603", "33,603"),
        (2.5, "3", "3"),  # half up, as BPS rounds
        (1234.4, "1.234", "1,234"),
        (-1234, "-1.234", "-1,234"),
    ],
)
def test_format_int(value, indonesian, english):
    assert format_int(value, "id") == indonesian
    assert format_int(value, "en") == english


def test_format_int_defaults_to_indonesian():
    assert format_int(1234567) == "1.234.567"


@pytest.mark.parametrize(
    ("value", "digits", "indonesian", "english"),
    [
        (45.6, 1, "45,6", "45.6"),
        (1234.56, 1, "1.234,6", "1,234.6"),
        (45.65, 1, "45,7", "45.7"),  # half up on the decimal written, not on the binary float
        (3, 2, "3,00", "3.00"),
        (2.449, 0, "2", "2"),
        (-0.04, 1, "0,0", "0.0"),  # no negative zero
        (decimal.Decimal("0.125"), 2, "0,13", "0.13"),
    ],
)
def test_format_decimal(value, digits, indonesian, english):
    assert format_decimal(value, "id", digits) == indonesian
    assert format_decimal(value, "en", digits) == english


def test_format_percent():
    assert format_percent(45.6, "id") == "45,6 %"
    assert format_percent(45.6, "en") == "45.6%"
    assert format_percent(100, "id") == "100,0 %"
    assert format_percent(72.84, "id", digits=0) == "73 %"
    assert format_percent(np.float64(0.05), "en", digits=1) == "0.1%"


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (1_234_567, "1,2 jt", "1.2M"),
        (1_000_000, "1 jt", "1M"),
        (12_345, "12,3 rb", "12.3K"),
        (500_000, "500 rb", "500K"),
        (999_950, "1 jt", "1M"),  # rounds up into the next unit, not "1000 rb"
        (2_500_000_000, "2,5 M", "2.5B"),  # M is miliar in Indonesian
        (999, "999", "999"),
        (33_603, "33,6 rb", "33.6K"),
    ],
)
def test_format_number_compact(value, indonesian, english):
    assert format_number_compact(value, "id") == indonesian
    assert format_number_compact(value, "en") == english


def test_format_count_delta_has_an_explicit_sign_and_a_true_minus():
    assert format_count_delta(1234, "id") == "+1.234"
    assert format_count_delta(1234, "en") == "+1,234"
    assert format_count_delta(-56, "id") == f"{MINUS}56"
    assert format_count_delta(-56, "id") != "-56"
    assert format_count_delta(-1234567, "en") == f"{MINUS}1,234,567"
    assert format_count_delta(0, "id") == "0"  # no "±": in Indonesian it reads "about"
    assert format_count_delta(-0.4, "id") == "0"


def test_format_percent_delta_is_in_percentage_points():
    assert format_percent_delta(2.3, "id") == "+2,3 poin"
    assert format_percent_delta(2.3, "en") == "+2.3 pp"
    assert format_percent_delta(-0.75, "id") == f"{MINUS}0,8 poin"
    assert format_percent_delta(0.04, "en") == "0.0 pp"
    assert format_percent_delta(12.345, "en", digits=2) == "+12.35 pp"


@pytest.mark.parametrize(
    ("value", "indonesian", "english"),
    [
        (dt.date(2026, 11, 24), "24 Nov 2026", "24 Nov 2026"),
        (dt.date(2026, 8, 1), "1 Agu 2026", "1 Aug 2026"),  # CLDR: Agu, not Agt
        (dt.date(2026, 5, 17), "17 Mei 2026", "17 May 2026"),
        (dt.date(2025, 10, 3), "3 Okt 2025", "3 Oct 2025"),
        (dt.date(2025, 12, 31), "31 Des 2025", "31 Dec 2025"),
    ],
)
def test_format_date(value, indonesian, english):
    assert format_date(value, "id") == indonesian
    assert format_date(value, "en") == english


def test_format_date_defaults_to_indonesian():
    assert format_date(dt.date(2026, 11, 24)) == "24 Nov 2026"


def test_indonesian_month_abbreviations_are_cldr():
    months = [format_date_short(dt.date(2026, m, 1), "id").split()[1] for m in range(1, 13)]
    assert months == ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def test_format_date_short_is_for_axis_ticks():
    assert format_date_short(dt.date(2026, 11, 24), "id") == "24 Nov"
    assert format_date_short(dt.date(2026, 5, 1), "id") == "1 Mei"
    assert format_date_short(dt.date(2026, 5, 1), "en") == "1 May"
    assert format_date_short(pd.Timestamp("2026-08-17"), "id") == "17 Agu"


def test_format_datetime_turns_naive_utc_into_wib():
    utc = dt.datetime(2026, 11, 24, 7, 5)
    assert format_datetime(utc, "id") == "24 Nov 2026 14.05 WIB"
    assert format_datetime(utc, "en") == "24 Nov 2026 14:05 WIB"
    assert format_datetime(utc) == "24 Nov 2026 14.05 WIB"


def test_format_datetime_moves_to_the_next_day_in_wib():
    assert format_datetime(dt.datetime(2026, 7, 31, 20, 30), "id") == "1 Agu 2026 03.30 WIB"


def test_format_datetime_respects_an_aware_timestamp():
    wita = dt.timezone(dt.timedelta(hours=8))
    assert format_datetime(dt.datetime(2026, 11, 24, 15, 5, tzinfo=wita), "id") == "24 Nov 2026 14.05 WIB"
    assert format_datetime(dt.datetime(2026, 11, 24, 14, 5, tzinfo=WIB), "en") == "24 Nov 2026 14:05 WIB"
    assert format_datetime(pd.Timestamp("2026-11-24 07:05"), "id") == "24 Nov 2026 14.05 WIB"


def test_format_time():
    assert format_time(dt.datetime(2026, 11, 24, 7, 5), "id") == "14.05 WIB"
    assert format_time(dt.datetime(2026, 11, 24, 7, 5), "en") == "14:05 WIB"


MISSING_VALUES = [None, float("nan"), np.nan, np.float32("nan"), pd.NA, decimal.Decimal("NaN"), float("inf")]


@pytest.mark.parametrize("missing", MISSING_VALUES, ids=repr)
@pytest.mark.parametrize(
    "formatter",
    [format_int, format_decimal, format_percent, format_number_compact, format_count_delta, format_percent_delta],
)
def test_a_missing_number_is_an_em_dash(formatter, missing):
    assert formatter(missing, "id") == DASH
    assert formatter(missing, "en") == DASH


@pytest.mark.parametrize("missing", [None, pd.NaT], ids=repr)
@pytest.mark.parametrize("formatter", [format_date, format_date_short, format_datetime, format_time])
def test_a_missing_date_is_an_em_dash(formatter, missing):
    assert formatter(missing, "id") == DASH


@pytest.mark.parametrize(
    "call",
    [
        lambda lang: format_int(1, lang),
        lambda lang: format_decimal(1.5, lang),
        lambda lang: format_percent(1.5, lang),
        lambda lang: format_number_compact(1500, lang),
        lambda lang: format_count_delta(1, lang),
        lambda lang: format_percent_delta(1.5, lang),
        lambda lang: format_date(dt.date(2026, 1, 1), lang),
        lambda lang: format_date_short(dt.date(2026, 1, 1), lang),
        lambda lang: format_datetime(dt.datetime(2026, 1, 1), lang),
        lambda lang: format_time(dt.datetime(2026, 1, 1), lang),
    ],
)
@pytest.mark.parametrize("lang", ["de", "ID", "id_ID", "", None])
def test_an_unknown_language_is_refused(call, lang):
    with pytest.raises(ValueError, match="language"):
        call(lang)


def test_an_unknown_language_is_refused_even_for_a_missing_value():
    with pytest.raises(ValueError, match="language"):
        format_percent(None, "fr")
