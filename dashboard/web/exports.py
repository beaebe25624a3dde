"""Tables as downloadable CSV and XLSX files, with the scope, as-of time and sources on top.

Every table of the dashboard downloads with the same columns, scope and filters as on
screen. A file opens with metadata rows (title, scope, as-of time, the filters if any, the
source of the metric definitions, the time of the export), one empty row, then the header
row (the column labels) and the data rows, columns in the order given::

    Pendamping PKH · Kota Madiun (35.77)
    Kabupaten/Kota: Kota Madiun (35.77)
    Data per 24 Nov 2026 14.05 WIB
    Filter: menganggur ≥ 3 hari                 <- only when filters is set
    Arti setiap angka: https://host/sumber-data?lang=id#definisi · data simulasi
    Diunduh 24 Nov 2026 14.07 WIB
                                                <- empty row
    ID,Nama,Target,Selesai (%),...              <- header, row header_row_index(meta) (0-based)
    PKH-3577-001,Siti,120,45.6,...

so a program reads the table with ``pd.read_csv(buf, skiprows=header_row_index(meta))`` or
``pd.read_excel(buf, skiprows=header_row_index(meta))``.

Values by column kind (the same values in both formats):

- ``text``: as is (``None``/NaN: empty). Control characters that XML cannot hold are dropped.
- ``count``: whole numbers (a fraction is an error: a count that is not whole is a bug).
- ``percent``: on the 0-100 scale, rounded half up to 1 decimal as on screen, no ``%`` sign
  (the label carries ``(%)``).
- ``decimal``: the number as is (XLSX shows it with 1 decimal).
- ``date``: a calendar day (a datetime gives its date part: convert to WIB before).

Missing and infinite numbers are empty cells.

**CSV** is for programs: UTF-8 with a byte-order mark (so Excel shows Indonesian text
right), comma-separated, ``.`` as decimal point, no thousands separators, dates ISO
``2026-11-24``, metadata rows as single-cell rows. An Excel set to Indonesian (``,`` decimal,
``;`` list separator) does not split such a file into columns on a double click: people
who work in Excel or LibreOffice should take the XLSX.

**XLSX** is for people: bold title, metadata in italic grey, a bold shaded header row with
the panes frozen below it and an autofilter over the table, column widths fitted to the
content, number formats ``#,##0`` (counts), ``0.0`` (percentages and decimals) and
``yyyy-mm-dd`` (dates). The output is deterministic: the workbook's created/modified
properties and the zip entries carry :attr:`ExportMeta.created` (now, when not given).

**Formula injection**: facilitator names are typed by people, so a text cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe in the CSV
(Excel then shows it as text), and in the XLSX is written as a string with Excel's quote
prefix, never as a formula.

No personal data of families belongs in an export: the callers pass tables of regions and
facilitators (staff) only.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import math
import numbers
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

APP_NAME = "NSCC Ground-Check Monitor"

ExportFormat = Literal["csv", "xlsx"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)
MIMETYPES: dict[str, str] = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to a text type
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

ColumnKind = Literal["text", "count", "percent", "decimal", "date"]
COLUMN_KINDS: tuple[str, ...] = get_args(ColumnKind)

EXPORT_LEVELS: tuple[str, ...] = (
    "nasional", "provinsi", "kabkota", "pendamping", "temuan-nasional", "temuan-provinsi", "temuan-kabkota",
    "antrian-nasional", "antrian-provinsi", "antrian-kabkota", "pelatihan-nasional", "pelatihan-provinsi",
)

#: Excel number formats per column kind (``None``: General / text).
NUMBER_FORMATS: dict[str, str | None] = {
    "text": None,
    "count": "#,##0",
    "percent": "0.0",
    "decimal": "0.0",
    "date": "yyyy-mm-dd",
}

#: First characters that make a spreadsheet read a text cell as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_XLSX_SPECIAL = FORMULA_TRIGGERS + ("#",)  # "#N/A" would become an error value

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 cannot carry
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_CODE_PART = re.compile(r"^[A-Za-z0-9-]+$")
_MAX_SHEET_TITLE = 31
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_ONE_DECIMAL = decimal.Decimal("0.1")


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export: the frame's column ``key``, shown under ``label``."""

    key: str  # column of the frame
    label: str  # header text shown to the user (already in the user's language)
    kind: ColumnKind = "text"

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"unknown column kind {self.kind!r} for {self.key!r}; allowed: {', '.join(COLUMN_KINDS)}")
        if not str(self.label).strip():
            raise ValueError(f"column {self.key!r} has an empty label")


@dataclass(frozen=True)
class ExportMeta:
    """What the rows above the table say, every text already in the user's language.

    Each text is written as given on a row of its own (line breaks become spaces), so
    ``generated_at`` should carry its own words, as ``as_of`` does: ``"Diunduh 24 Nov 2026
    14.07 WIB"``. ``filters`` ``None`` or blank leaves its row out.

    ``created`` (an extension of the brief: the texts cannot be read back as a time) is the
    moment of the export, stamped into the XLSX's properties and zip entries so that the same
    export gives the same bytes; aware, or naive UTC as everywhere in the project; ``None``:
    now.
    """

    title: str  # e.g. "Pendamping PKH · Kota Madiun (35.77)"
    scope_label: str  # e.g. "Kabupaten/Kota: Kota Madiun (35.77)"
    as_of: str  # already formatted, e.g. "Data per 24 Nov 2026 14.05 WIB"
    filters: str | None  # e.g. "Filter: menganggur ≥ 3 hari; cari: 'siti'", or None
    source: str  # e.g. "Arti setiap angka: https://host/sumber-data?lang=id#definisi · data simulasi"
    generated_at: str  # formatted time of the export, with its words
    created: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("title", "scope_label", "as_of", "source", "generated_at"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"ExportMeta.{name} must be a non-empty text, not {value!r}")
        if self.filters is not None and not isinstance(self.filters, str):
            raise ValueError(f"ExportMeta.filters must be a text or None, not {self.filters!r}")
        if self.created is not None and not isinstance(self.created, dt.datetime):
            raise ValueError(f"ExportMeta.created must be a datetime or None, not {self.created!r}")


# --- the shape of a file ---------------------------------------------------------------


def metadata_lines(meta: ExportMeta) -> list[str]:
    """The metadata rows, in order: title, scope, as-of, filters (if any), source, generated."""
    lines = [meta.title, meta.scope_label, meta.as_of]
    if meta.filters is not None and meta.filters.strip():
        lines.append(meta.filters)
    lines += [meta.source, meta.generated_at]
    return [_one_line(line) for line in lines]


def header_row_index(meta: ExportMeta) -> int:
    """How many rows precede the header row (0-based index of the header row).

    The metadata rows and the empty row after them: 7 with filters, 6 without. Pass it as
    ``skiprows`` to ``pd.read_csv`` / ``pd.read_excel``.
    """
    return len(metadata_lines(meta)) + 1


def export_filename(level: str, code: str | None, day: dt.date, fmt: str) -> str:
    """``groundcheck_<level>[_<code without dots>]_<YYYY-MM-DD>.<fmt>``.

    ``export_filename("kabkota", "94.12", date(2026, 11, 24), "xlsx")`` is
    ``groundcheck_kabkota_9412_2026-11-24.xlsx``; ``code=None`` leaves the code out
    (``groundcheck_nasional_2026-11-24.csv``). ``level`` is one of :data:`EXPORT_LEVELS`;
    a code holds letters, digits, dots and hyphens only (a region code or a facilitator id).
    """
    _check_format(fmt)
    if level not in EXPORT_LEVELS:
        raise ValueError(f"unknown export level {level!r}; allowed: {', '.join(EXPORT_LEVELS)}")
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        raise ValueError(f"day must be a date, not {day!r}")
    parts = ["groundcheck", level]
    if code is not None:
        compact = str(code).replace(".", "")
        if not _CODE_PART.match(compact):
            raise ValueError(f"code {code!r} may hold only letters, digits, dots and hyphens")
        parts.append(compact)
    parts.append(day.isoformat())
    return "_".join(parts) + "." + fmt


def export(
    frame: pd.DataFrame, columns: Sequence[ExportColumn], meta: ExportMeta, fmt: ExportFormat
) -> tuple[bytes, str]:
    """The file's content and its MIME type, for ``fmt`` one of :data:`EXPORT_FORMATS`."""
    _check_format(fmt)
    content = to_csv(frame, columns, meta) if fmt == "csv" else to_xlsx(frame, columns, meta)
    return content, MIMETYPES[fmt]


# --- CSV -----------------------------------------------------------------------------


def to_csv(frame: pd.DataFrame, columns: Sequence[ExportColumn], meta: ExportMeta) -> bytes:
    """The table as CSV for programs: UTF-8 with BOM, ``,`` separated, ``.`` decimal point.

    Counts are integers, percentages numbers with 1 decimal (no ``%``), decimals as Python
    writes them (the shortest text that reads back the same float), dates ISO, missing values
    empty; lines end with CRLF (RFC 4180). See the module's docstring for the layout.
    """
    table = _table(frame, columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for line in metadata_lines(meta):
        writer.writerow([_guard_csv(line)])
    writer.writerow([])
    writer.writerow([_guard_csv(_one_line(column.label)) for column in columns])
    writers = [_CSV_WRITERS[column.kind] for column in columns]
    for row in zip(*table, strict=True):
        writer.writerow(["" if value is None else write(value) for write, value in zip(writers, row, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def _guard_csv(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _csv_percent(value: float) -> str:
    return f"{value:.1f}"


_CSV_WRITERS: dict[str, Callable[[object], str]] = {
    "text": _guard_csv,
    "count": str,
    "percent": _csv_percent,
    "decimal": repr,
    "date": lambda day: day.isoformat(),
}


# --- XLSX ----------------------------------------------------------------------------


def to_xlsx(
    frame: pd.DataFrame, columns: Sequence[ExportColumn], meta: ExportMeta, sheet_name: str = "data"
) -> bytes:
    """The table as an Excel workbook of one sheet (``sheet_name``, made a valid sheet title).

    See the module's docstring for the layout and styles.
    """
    table = _table(frame, columns)
    header_row = header_row_index(meta) + 1  # 1-based, as Excel counts
    created = _utc_naive(meta.created)

    workbook = Workbook(write_only=True)
    props = workbook.properties
    props.creator = props.lastModifiedBy = APP_NAME
    props.title = _xml_text(_one_line(meta.title))
    props.subject = _xml_text(_one_line(meta.scope_label))
    props.description = _xml_text(_one_line(meta.source))
    props.created = props.modified = created
    sheet = workbook.create_sheet(sheet_title(sheet_name))

    last_column = get_column_letter(len(columns))
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(column, table[index - 1])
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + len(frame)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def text_cell(text: str, font: Font | None = None, fill: PatternFill | None = None) -> object:
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = _xml_text(text)
        cell.data_type = "s"  # never a formula or an error value, whatever it starts with
        if text.startswith(_XLSX_SPECIAL):
            cell.quotePrefix = True  # stays text when edited in Excel
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        return cell

    title_font = Font(name="Calibri", bold=True, size=13)  # a name: else LibreOffice falls back to serif
    meta_font = Font(name="Calibri", italic=True, color="FF595959")
    for position, line in enumerate(metadata_lines(meta)):
        sheet.append([text_cell(line, title_font if position == 0 else meta_font)])
    sheet.append([])

    header_font = Font(name="Calibri", bold=True)
    header_fill = PatternFill("solid", fgColor="FFDDE5F0")
    header_border = Border(bottom=Side(style="thin", color="FF7F8C99"))
    header_cells = []
    for column in columns:
        cell = text_cell(_one_line(column.label), header_font, header_fill)
        cell.border = header_border
        cell.alignment = Alignment(vertical="top", wrap_text=False)
        header_cells.append(cell)
    sheet.append(header_cells)

    kinds = [column.kind for column in columns]
    for row in zip(*table, strict=True):
        cells = []
        for kind, value in zip(kinds, row, strict=True):
            if value is None:
                cells.append(None)
            elif kind == "text":
                # A plain string is faster; openpyxl reads only "=..." as a formula and "#..."
                # as an error value, and those (and the other triggers) get a string cell.
                cells.append(text_cell(value) if value.startswith(_XLSX_SPECIAL) else value)
            else:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = NUMBER_FORMATS[kind]
                cells.append(cell)
        sheet.append(cells)

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()  # not Workbook.save: that stamps "modified" with now
    return _restamped_zip(raw.getvalue(), created)


def sheet_title(name: str) -> str:
    """``name`` as a valid Excel sheet title: no ``[]:*?/\\``, no edge apostrophes, ≤ 31 chars."""
    title = _SHEET_FORBIDDEN.sub("_", _xml_text(_one_line(str(name)))).strip().strip("'").strip()
    title = title[:_MAX_SHEET_TITLE].strip().strip("'").strip()
    if not title:
        return "data"
    if title.lower() == "history":  # reserved by Excel
        return title + "_"
    return title


def _width(column: ExportColumn, values: list[object]) -> float:
    """Characters wide enough for the label (and its filter button) and the longest value."""
    longest = len(_one_line(column.label)) + 2
    for value in values:
        if value is None:
            continue
        if column.kind == "count":
            length = len(f"{value:,}")
        elif column.kind in ("percent", "decimal"):
            length = len(f"{value:,.1f}")
        elif column.kind == "date":
            length = 10
        else:
            length = max(len(part) for part in str(value).split("\n"))
        if length > longest:
            longest = length
            if longest >= _MAX_WIDTH:
                break
    return float(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))


def _utc_naive(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        moment = dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _restamped_zip(content: bytes, moment: dt.datetime) -> bytes:
    """The same zip with every entry dated ``moment``: same input, same bytes."""
    stamp = max(moment, dt.datetime(1980, 1, 1)).timetuple()[:6]  # zip dates start in 1980
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED, allowZip64=True
    ) as target:
        # [Content_Types].xml first, as Excel writes it: tools that sniff the type look there.
        entries = sorted(source.infolist(), key=lambda entry: entry.filename != "[Content_Types].xml")
        for entry in entries:
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


# --- values --------------------------------------------------------------------------


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; allowed: {', '.join(EXPORT_FORMATS)}")


def _one_line(text: str) -> str:
    return " ".join(str(text).splitlines())


def _xml_text(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _table(frame: pd.DataFrame, columns: Sequence[ExportColumn]) -> list[list[object]]:
    """The values of ``columns`` (one list per column), normalised for their kind."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    if not columns:
        raise ValueError("an export needs at least one column")
    missing = [column.key for column in columns if column.key not in frame.columns]
    if missing:
        raise ValueError(
            f"column(s) {', '.join(map(repr, missing))} not in the frame; it has {', '.join(map(repr, frame.columns))}"
        )
    labels = [_one_line(column.label) for column in columns]
    doubled = sorted({label for label in labels if labels.count(label) > 1})
    if doubled:
        raise ValueError(f"column labels must differ: {', '.join(map(repr, doubled))} repeated")
    table = []
    for column in columns:
        series = frame[column.key]
        if isinstance(series, pd.DataFrame):
            raise ValueError(f"the frame has several columns named {column.key!r}")
        convert = _CONVERTERS[column.kind]
        values = []
        for value in series.tolist():
            if _is_missing(value):
                values.append(None)
                continue
            try:
                values.append(convert(value))
            except (TypeError, ValueError, ArithmeticError) as error:
                raise ValueError(f"column {column.key!r} ({column.kind}): cannot export {value!r}: {error}") from None
        table.append(values)
    return table


def _is_missing(value: object) -> bool:
    """``None``, NaN, ``pd.NA``, ``NaT`` and infinities make an empty cell."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return not math.isfinite(value)
    if isinstance(value, decimal.Decimal):
        return not value.is_finite()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str:
    return _xml_text(str(value))


def _number(value: object) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        raise TypeError("not a number")
    return float(value)


def _count(value: object) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        raise TypeError("not a number")
    whole = int(value)
    if whole != value:
        raise ValueError("a count must be whole")
    return whole


def _percent(value: object) -> float:
    number = _number(value)
    exact = value if isinstance(value, decimal.Decimal) else decimal.Decimal(repr(number))
    rounded = exact.quantize(_ONE_DECIMAL, rounding=decimal.ROUND_HALF_UP)  # as BPS publishes
    return abs(float(rounded)) if rounded.is_zero() else float(rounded)


def _date(value: object) -> dt.date:
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):  # pd.Timestamp is one too
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise TypeError("not a date")


_CONVERTERS: dict[str, Callable[[object], object]] = {
    "text": _text,
    "count": _count,
    "percent": _percent,
    "decimal": _number,
    "date": _date,
}
