"""Numbers and dates as Indonesian (default) or English readers expect them.

Indonesian: ``1.234.567``, ``45,6 %``, ``24 Nov 2026``, times ``14.05 WIB``. The national
command centre works in WIB (UTC+7), so times without a region are shown in WIB.
"""

from __future__ import annotations

import datetime as dt

from dashboard.vocabulary import Language

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def format_int(value: int, lang: Language = "id") -> str:
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "id" else text


def format_date(value: dt.date, lang: Language = "id") -> str:
    return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year}"


def format_datetime(value_utc: dt.datetime, lang: Language = "id") -> str:
    """A naive-UTC timestamp as WIB wall-clock time, e.g. ``24 Nov 2026 14.05 WIB``."""
    local = value_utc.replace(tzinfo=dt.UTC).astimezone(WIB)
    clock = f"{local:%H.%M}" if lang == "id" else f"{local:%H:%M}"
    return f"{format_date(local.date(), lang)} {clock} WIB"
