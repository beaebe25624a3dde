"""Numbers and dates as Indonesian (default) or English readers expect them.

Indonesian: ``1.234.567``, ``45,6 %``, ``24 Nov 2026``, times ``14.05 WIB``; English:
``1,234,567``, ``45.6%``, ``24 Nov 2026``, ``14:05 WIB``. The national command centre works
in WIB (UTC+7), so times without a region are shown in WIB.

Separators, month names and compact units come from Babel (CLDR data, locales ``id_ID``
and ``en_US``), not from hand-kept tables. CLDR's abbreviated Indonesian months are
``Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des`` (so ``1 Agu 2026``, not ``Agt``). Where
the issue asks for something CLDR does not say, it is done here on top of Babel, on purpose:

- Indonesian percentages carry a space before the sign (``45,6 %``; CLDR writes ``45,6%``).
- Dates read day-month-year in both languages (``24 Nov 2026``, not en_US ``Nov 24, 2026``)
  and times use the 24-hour clock in both (``14:05``, not ``2:05 PM``).
- Rounding is half up, as BPS publishes figures (``2,5`` → ``3``), not CLDR's half even;
  a value that rounds to zero loses its sign (never ``-0,0``).
- Spaces are plain spaces (CLDR puts a no-break space in ``1,2 jt``): text compares and
  copies as typed; a layout that must not wrap a value says so in CSS (``white-space: nowrap``).
- Deltas carry an explicit sign, with a true minus sign (U+2212): ``+1.234``, ``−56``; zero
  has none (``0``: in Indonesian ``±`` reads as "about").

A missing value (``None``, NaN, ``pd.NA``, ``NaT``) or an infinite one is shown as an em
dash ``—``. A language other than ``"id"`` or ``"en"`` raises :class:`ValueError`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers

import pandas as pd
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from dashboard.i18n import Language, ensure_language

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

MISSING = "\u2014"  # em dash, for a value that is not there
MINUS = "\u2212"  # true minus sign, for deltas
PLUS = "+"

_LOCALES: dict[str, str] = {"id": "id_ID", "en": "en_US"}
_TIME_PATTERNS: dict[str, str] = {"id": "HH.mm", "en": "HH:mm"}  # id matches CLDR; en 24-hour
_PERCENT_SUFFIX: dict[str, str] = {"id": " %", "en": "%"}
_POINTS_SUFFIX: dict[str, str] = {"id": " poin", "en": " pp"}

Number = numbers.Real | decimal.Decimal


def _locale(lang: str) -> str:
    return _LOCALES[ensure_language(lang)]


def _is_missing(value: object) -> bool:
    """``None``, NaN, ``pd.NA``, ``NaT`` and infinities have nothing to show."""
    if value is None:
        return True
    if isinstance(value, decimal.Decimal):
        return not value.is_finite()
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return not math.isfinite(value)
    try:
        return bool(pd.isna(value))  # pd.NA, pd.NaT, numpy NaT
    except (TypeError, ValueError):  # not a scalar: let the formatter say what is wrong
        return False


def _rounded(value: Number, digits: int) -> decimal.Decimal:
    """``value`` rounded half up to ``digits`` decimals, without a negative zero."""
    if digits < 0:
        raise ValueError(f"digits must be 0 or more, not {digits}")
    if isinstance(value, decimal.Decimal):
        exact = value
    elif isinstance(value, numbers.Integral):
        exact = decimal.Decimal(int(value))
    else:
        exact = decimal.Decimal(str(float(value)))  # the shortest repr: 45.65 stays 45.65
    result = exact.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)
    return abs(result) if result.is_zero() else result


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits else "")


def _plain(value: decimal.Decimal, lang: str, digits: int) -> str:
    return babel_numbers.format_decimal(value, format=_pattern(digits), locale=_locale(lang))


def _signed(value: decimal.Decimal, lang: str, digits: int) -> str:
    sign = PLUS if value > 0 else MINUS if value < 0 else ""
    return sign + _plain(abs(value), lang, digits)


def format_int(value: Number | None, lang: Language = "id") -> str:
    """A count with thousands separators: ``1.234.567`` (id), ``1,234,567`` (en).

    Fractions are rounded half up; a missing value is ``—``.
    """
    ensure_language(lang)
    if _is_missing(value):
        return MISSING
    return _plain(_rounded(value, 0), lang, 0)


def format_decimal(value: Number | None, lang: Language, digits: int = 1) -> str:
    """A number with exactly ``digits`` decimals: ``1.234,5`` (id), ``1,234.5`` (en)."""
    ensure_language(lang)
    if _is_missing(value):
        return MISSING
    return _plain(_rounded(value, digits), lang, digits)


def format_percent(value_0_to_100: Number | None, lang: Language, digits: int = 1) -> str:
    """A percentage given on the 0-100 scale: ``45,6 %`` (id), ``45.6%`` (en)."""
    ensure_language(lang)
    if _is_missing(value_0_to_100):
        return MISSING
    return format_decimal(value_0_to_100, lang, digits) + _PERCENT_SUFFIX[lang]


def format_number_compact(value: Number | None, lang: Language, digits: int = 1) -> str:
    """A big count shortened for wall screens: ``1,2 jt`` / ``1.2M``, ``12,3 rb`` / ``12.3K``.

    Units are CLDR's (id: ``rb`` ribu, ``jt`` juta, ``M`` miliar, ``T`` triliun; en: ``K``,
    ``M``, ``B``, ``T``); trailing zeros are dropped (``1 jt``). Below 1,000 the value is shown
    whole, as :func:`format_int` does.
    """
    ensure_language(lang)
    if _is_missing(value):
        return MISSING
    whole = _rounded(value, 0)
    if abs(whole) < 1000:
        return _plain(whole, lang, 0)
    # Round at the unit's scale first: Babel alone turns 999,950 into "1000 rb", not "1 jt".
    exponent = 3 * ((len(str(abs(whole))) - 1) // 3)
    scaled = _rounded(whole.scaleb(-exponent), digits)
    if abs(scaled) >= 1000:
        exponent, scaled = exponent + 3, scaled.scaleb(-3)
    text = babel_numbers.format_compact_decimal(scaled.scaleb(exponent), locale=_locale(lang), fraction_digits=digits)
    return text.replace("\u00a0", " ")  # CLDR's no-break space: plain spaces, as everywhere here


def format_count_delta(value: Number | None, lang: Language) -> str:
    """A change in a count with its sign: ``+1.234``, ``−56`` (U+2212), ``0``."""
    ensure_language(lang)
    if _is_missing(value):
        return MISSING
    return _signed(_rounded(value, 0), lang, 0)


def format_percent_delta(value_points: Number | None, lang: Language, digits: int = 1) -> str:
    """A change in a percentage, in percentage points: ``+2,3 poin`` (id), ``+2.3 pp`` (en)."""
    ensure_language(lang)
    if _is_missing(value_points):
        return MISSING
    return _signed(_rounded(value_points, digits), lang, digits) + _POINTS_SUFFIX[lang]


def format_date(value: dt.date | None, lang: Language = "id") -> str:
    """A calendar date: ``24 Nov 2026``, ``1 Agu 2026`` (id), ``1 Aug 2026`` (en)."""
    ensure_language(lang)
    if _is_missing(value):
        return MISSING
    return babel_dates.format_date(value, "d MMM y", locale=_locale(lang))


def format_date_short(value: dt.date | None, lang: Language = "id") -> str:
    """A date without its year, for axis ticks: ``24 Nov``, ``1 Mei`` (id), ``1 May`` (en)."""
    ensure_language(lang)
    if _is_missing(value):
        return MISSING
    return babel_dates.format_date(value, "d MMM", locale=_locale(lang))


def _to_wib(value: dt.datetime) -> dt.datetime:
    """Naive timestamps are UTC (the database's convention); aware ones keep their zone."""
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone(WIB)


def format_time(value_utc: dt.datetime | None, lang: Language = "id") -> str:
    """A naive-UTC (or aware) timestamp as WIB clock time: ``14.05 WIB`` (id), ``14:05 WIB`` (en)."""
    ensure_language(lang)
    if _is_missing(value_utc):
        return MISSING
    local = _to_wib(value_utc)
    return f"{babel_dates.format_time(local.time(), _TIME_PATTERNS[lang], locale=_locale(lang))} WIB"


def format_datetime(value_utc: dt.datetime | None, lang: Language = "id") -> str:
    """A naive-UTC (or aware) timestamp as WIB wall-clock time, e.g. ``24 Nov 2026 14.05 WIB``."""
    ensure_language(lang)
    if _is_missing(value_utc):
        return MISSING
    local = _to_wib(value_utc)
    return f"{format_date(local.date(), lang)} {format_time(local, lang)}"


_UPPER_WORDS = {"Dki": "DKI", "Di": "DI"}


def region_display_name(name: str) -> str:
    """A Kemendagri name in upper case as people write it: "DKI JAKARTA" → "DKI Jakarta",
    "KABUPATEN ACEH SELATAN" → "Kabupaten Aceh Selatan"."""
    return " ".join(_UPPER_WORDS.get(word, word) for word in name.title().split())
