"""Tables download as CSV and XLSX with the scope, as-of time and sources above the table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dashboard.web.exports import (
    APP_NAME,
    EXPORT_FORMATS,
    MIMETYPES,
    ExportColumn,
    ExportMeta,
    export,
    export_filename,
    header_row_index,
    metadata_lines,
    sheet_title,
    to_csv,
    to_xlsx,
)

BOM = b"\xef\xbb\xbf"

META = ExportMeta(
    title="Pendamping PKH · Kota Madiun (35.77)",
    scope_label="Kabupaten/Kota: Kota Madiun (35.77)",
    as_of="Data per 24 Nov 2026 14.05 WIB",
    filters="Filter: menganggur ≥ 3 hari; cari: 'siti', \"pak\"",
    source="Definisi metrik: /api/v1/metrics (dashboard/figures/metrics.py), data simulasi",
    generated_at="Diunduh 24 Nov 2026 14.07 WIB",
    created=dt.datetime(2026, 11, 24, 14, 7, tzinfo=dt.timezone(dt.timedelta(hours=7))),
)
META_NO_FILTER = ExportMeta(
    title="Ringkasan nasional",
    scope_label="Nasional",
    as_of="Data per 24 Nov 2026 14.05 WIB",
    filters=None,
    source="Definisi metrik: /api/v1/metrics",
    generated_at="Diunduh 24 Nov 2026 14.07 WIB",
    created=dt.datetime(2026, 11, 24, 7, 7),
)

COLUMNS = [
    ExportColumn("facilitator_id", "ID pendamping"),
    ExportColumn("name", "Nama"),
    ExportColumn("targets", "Target", "count"),
    ExportColumn("completion", "Selesai (%)", "percent"),
    ExportColumn("per_day", "Kunjungan per hari", "decimal"),
    ExportColumn("last_visit", "Kunjungan terakhir", "date"),
]
LABELS = [column.label for column in COLUMNS]


def _frame() -> pd.DataFrame:
    """A small table with every kind of column, missing values and an unused column."""
    return pd.DataFrame(
        {
            "last_visit": [dt.date(2026, 11, 24), pd.NaT, pd.Timestamp("2026-01-02 15:30"), dt.date(2025, 2, 26)],
            "facilitator_id": ["PKH-3577-001", "PKH-3577-002", "PKH-3577-003", None],
            "name": ["Siti Rahayu", "Ñoman Ağus, \"Pak\"\nBaris dua", np.nan, "Dewi"],
            "targets": [1234567, 0, 35, np.nan],
            "completion": [45.6, 100.0, np.nan, 0.0],
            "per_day": [3.25, np.inf, None, 12.5],
            "unused": ["x", "y", "z", "w"],
        }
    )


def _expected() -> pd.DataFrame:
    """What the frame reads back as, under the labels."""
    return pd.DataFrame(
        {
            "ID pendamping": ["PKH-3577-001", "PKH-3577-002", "PKH-3577-003", np.nan],
            "Nama": ["Siti Rahayu", "Ñoman Ağus, \"Pak\"\nBaris dua", np.nan, "Dewi"],
            "Target": [1234567.0, 0.0, 35.0, np.nan],
            "Selesai (%)": [45.6, 100.0, np.nan, 0.0],
            "Kunjungan per hari": [3.25, np.nan, np.nan, 12.5],
            "Kunjungan terakhir": pd.to_datetime(["2026-11-24", None, "2026-01-02", "2025-02-26"]),
        }
    )


def _assert_same_values(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for label in expected.columns:
        want, have = expected[label], got[label]
        if label == "Kunjungan terakhir":
            assert pd.api.types.is_datetime64_any_dtype(have), have.dtype
            assert [None if pd.isna(x) else x for x in have] == [None if pd.isna(x) else x for x in want]
        elif want.dtype == float:
            assert pd.api.types.is_float_dtype(have), (label, have.dtype)
            np.testing.assert_array_equal(have.to_numpy(dtype=float), want.to_numpy(dtype=float))
        else:
            assert [None if pd.isna(x) else x for x in have] == [None if pd.isna(x) else x for x in want], label


# --- file names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "code", "fmt", "expected"),
    [
        ("kabkota", "94.12", "xlsx", "groundcheck_kabkota_9412_2026-11-24.xlsx"),
        ("nasional", None, "csv", "groundcheck_nasional_2026-11-24.csv"),
        ("provinsi", "35", "csv", "groundcheck_provinsi_35_2026-11-24.csv"),
        ("pendamping", "PKH-3577-001", "xlsx", "groundcheck_pendamping_PKH-3577-001_2026-11-24.xlsx"),
    ],
)
def test_file_names(level, code, fmt, expected):
    assert export_filename(level, code, dt.date(2026, 11, 24), fmt) == expected


def test_file_name_of_a_datetime_takes_its_day():
    assert export_filename("nasional", None, dt.datetime(2026, 11, 24, 23, 59), "csv") == (
        "groundcheck_nasional_2026-11-24.csv"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("desa", None, dt.date(2026, 11, 24), "csv"), "nasional, provinsi, kabkota, pendamping"),
        (("nasional", None, dt.date(2026, 11, 24), "pdf"), "csv, xlsx"),
        (("kabkota", "../94.12", dt.date(2026, 11, 24), "csv"), "letters, digits"),
        (("kabkota", "94.12", "2026-11-24", "csv"), "date"),
    ],
)
def test_bad_file_name_parts_are_refused(args, message):
    with pytest.raises(ValueError, match=message):
        export_filename(*args)


# --- layout shared by both formats -------------------------------------------------------


def test_header_row_index_counts_the_metadata_rows_and_the_empty_row():
    assert metadata_lines(META) == [META.title, META.scope_label, META.as_of, META.filters, META.source, META.generated_at]
    assert header_row_index(META) == 7
    assert metadata_lines(META_NO_FILTER) == [
        META_NO_FILTER.title,
        META_NO_FILTER.scope_label,
        META_NO_FILTER.as_of,
        META_NO_FILTER.source,
        META_NO_FILTER.generated_at,
    ]
    assert header_row_index(META_NO_FILTER) == 6
    blank_filter = ExportMeta("T", "S", "A", "  ", "Src", "G")
    assert header_row_index(blank_filter) == 6


def test_metadata_line_breaks_become_spaces():
    meta = ExportMeta("Judul\nbaris dua", "S", "A", None, "Src", "G")
    assert metadata_lines(meta)[0] == "Judul baris dua"


def test_meta_must_say_everything_but_the_filters():
    with pytest.raises(ValueError, match="scope_label"):
        ExportMeta("T", "", "A", None, "Src", "G")


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_returns_content_and_mimetype(fmt):
    content, mimetype = export(_frame(), COLUMNS, META, fmt)
    assert mimetype == MIMETYPES[fmt]
    assert content == (to_csv if fmt == "csv" else to_xlsx)(_frame(), COLUMNS, META)


def test_unknown_format_names_the_allowed_ones():
    with pytest.raises(ValueError, match=r"'pdf'.*csv, xlsx"):
        export(_frame(), COLUMNS, META, "pdf")


@pytest.mark.parametrize("writer", [to_csv, to_xlsx])
def test_missing_column_is_named(writer):
    columns = [*COLUMNS, ExportColumn("idle_days", "Hari menganggur", "count")]
    with pytest.raises(ValueError, match="'idle_days'"):
        writer(_frame(), columns, META)


@pytest.mark.parametrize("writer", [to_csv, to_xlsx])
def test_values_that_do_not_fit_their_kind_are_refused(writer):
    frame = _frame().assign(targets=[1.5, 2, 3, 4])
    with pytest.raises(ValueError, match="'targets' \\(count\\).*1.5"):
        writer(frame, COLUMNS, META)
    frame = _frame().assign(last_visit=["kemarin", None, None, None])
    with pytest.raises(ValueError, match="'last_visit' \\(date\\)"):
        writer(frame, COLUMNS, META)


def test_unknown_column_kind_and_repeated_labels_are_refused():
    with pytest.raises(ValueError, match="unknown column kind 'money'"):
        ExportColumn("x", "X", "money")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'Nama' repeated"):
        to_csv(_frame(), [ExportColumn("name", "Nama"), ExportColumn("facilitator_id", "Nama")], META)


# --- CSV ------------------------------------------------------------------------------


def test_csv_round_trip():
    content = to_csv(_frame(), COLUMNS, META)
    got = pd.read_csv(
        io.BytesIO(content),
        skiprows=header_row_index(META),
        parse_dates=["Kunjungan terakhir"],
        dtype={"ID pendamping": str, "Nama": str},
    )
    _assert_same_values(got, _expected())


def test_csv_layout_bom_metadata_and_number_forms():
    content = to_csv(_frame(), COLUMNS, META)
    assert content.startswith(BOM)
    text = content[len(BOM) :].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[:6] == [[line] for line in metadata_lines(META)]
    assert rows[6] == []
    assert rows[7] == LABELS
    assert rows[8] == ["PKH-3577-001", "Siti Rahayu", "1234567", "45.6", "3.25", "2026-11-24"]
    assert rows[9] == ["PKH-3577-002", "Ñoman Ağus, \"Pak\"\nBaris dua", "0", "100.0", "", ""]
    assert rows[10] == ["PKH-3577-003", "", "35", "", "", "2026-01-02"]
    assert rows[11] == ["", "Dewi", "", "0.0", "12.5", "2025-02-26"]
    assert len(rows) == 12
    assert "\r\n" in text and "%" not in text.split("\r\n", 8)[-1].replace("Selesai (%)", "")


def test_csv_rounds_percentages_half_up_to_one_decimal():
    frame = pd.DataFrame({"p": [45.65, 0.05, -0.04, 99.94999, 12]})
    content = to_csv(frame, [ExportColumn("p", "P (%)", "percent")], META_NO_FILTER)
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[header_row_index(META_NO_FILTER) + 1 : -1] == ["45.7", "0.1", "0.0", "99.9", "12.0"]


def test_csv_guards_against_formula_injection():
    frame = pd.DataFrame(
        {
            "name": ["=HYPERLINK(\"http://x\",\"klik\")", "+62 811", "-1+1", "@SUM(A1)", "\tTab", "Siti", "a=b"],
            "n": [1, -2, 3, 4, 5, 6, 7],
        }
    )
    columns = [ExportColumn("name", "Nama"), ExportColumn("n", "Selisih", "count")]
    content = to_csv(frame, columns, META_NO_FILTER)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    data = rows[header_row_index(META_NO_FILTER) + 1 :]
    assert [row[0] for row in data] == [
        "'=HYPERLINK(\"http://x\",\"klik\")",
        "'+62 811",
        "'-1+1",
        "'@SUM(A1)",
        "'\tTab",
        "Siti",
        "a=b",
    ]
    assert data[1][1] == "-2"  # numbers are numbers, not guarded text


def test_csv_of_an_empty_frame_is_the_header_only():
    frame = pd.DataFrame({column.key: [] for column in COLUMNS})
    content = to_csv(frame, COLUMNS, META)
    got = pd.read_csv(io.BytesIO(content), skiprows=header_row_index(META))
    assert list(got.columns) == LABELS and got.empty
    assert content.decode("utf-8-sig").endswith(",".join(LABELS) + "\r\n")


# --- XLSX -----------------------------------------------------------------------------


def test_xlsx_round_trip():
    content = to_xlsx(_frame(), COLUMNS, META)
    got = pd.read_excel(io.BytesIO(content), skiprows=header_row_index(META))
    _assert_same_values(got, _expected())


def test_xlsx_layout_styles_and_number_formats():
    content = to_xlsx(_frame(), COLUMNS, META, sheet_name="Pendamping")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Pendamping"]
    sheet = workbook["Pendamping"]
    header = header_row_index(META) + 1  # 1-based

    assert [sheet.cell(row, 1).value for row in range(1, header - 1)] == metadata_lines(META)
    assert all(sheet.cell(row, 2).value is None for row in range(1, header))
    assert all(cell.value is None for cell in sheet[header - 1])
    assert sheet["A1"].font.b
    for row in range(2, header - 1):
        font = sheet.cell(row, 1).font
        assert font.i and not font.b and font.color.rgb == "FF595959"

    header_cells = sheet[header]
    assert [cell.value for cell in header_cells] == LABELS
    assert all(cell.font.b and cell.fill.fill_type == "solid" for cell in header_cells)
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref == f"A{header}:F{header + 4}"

    first = sheet[header + 1]
    assert [cell.number_format for cell in first] == ["General", "General", "#,##0", "0.0", "0.0", "yyyy-mm-dd"]
    assert first[2].value == 1234567 and first[2].data_type == "n"
    assert first[3].value == 45.6 and first[3].data_type == "n"
    assert first[5].value == dt.datetime(2026, 11, 24)
    assert first[5].is_date

    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEF"]
    assert all(8 <= width <= 60 for width in widths)
    assert widths[0] >= len("PKH-3577-001") and widths[2] >= len("1,234,567")

    props = workbook.properties
    assert props.creator == APP_NAME and props.title == META.title
    assert props.created == props.modified == dt.datetime(2026, 11, 24, 7, 7)


def test_xlsx_is_deterministic_and_dated_by_the_meta():
    first = to_xlsx(_frame(), COLUMNS, META)
    assert first == to_xlsx(_frame(), COLUMNS, META)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 24, 7, 7, 0)}


def test_xlsx_long_texts_cap_the_width():
    frame = pd.DataFrame({"name": ["x" * 500]})
    content = to_xlsx(frame, [ExportColumn("name", "Nama")], META_NO_FILTER)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.column_dimensions["A"].width == 60


def test_xlsx_writes_would_be_formulas_as_text():
    names = ["=1+1", "=HYPERLINK(\"http://x\",\"klik\")", "+62 811", "-1+1", "@SUM(A1)", "#N/A", "Siti"]
    frame = pd.DataFrame({"name": names})
    content = to_xlsx(frame, [ExportColumn("name", "Nama")], META_NO_FILTER)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml and 't="e"' not in xml
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=header_row_index(META_NO_FILTER) + 2)]
    assert [cell.value for cell in cells] == names  # as typed, no apostrophe added
    assert all(cell.data_type == "s" for cell in cells)
    assert [bool(cell.quotePrefix) for cell in cells] == [True] * 6 + [False]


def test_xlsx_of_an_empty_frame_is_the_header_only():
    frame = pd.DataFrame({column.key: [] for column in COLUMNS})
    content = to_xlsx(frame, COLUMNS, META)
    got = pd.read_excel(io.BytesIO(content), skiprows=header_row_index(META))
    assert list(got.columns) == LABELS and got.empty
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = header_row_index(META) + 1
    assert sheet.max_row == header
    assert sheet.auto_filter.ref == f"A{header}:F{header}"


def test_xlsx_drops_characters_xml_cannot_hold():
    frame = pd.DataFrame({"name": ["Siti\x00\x07 Rahayu"]})
    content = to_xlsx(frame, [ExportColumn("name", "Nama")], META_NO_FILTER)
    got = pd.read_excel(io.BytesIO(content), skiprows=header_row_index(META_NO_FILTER))
    assert list(got["Nama"]) == ["Siti Rahayu"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data", "data"),
        ("Pendamping PKH: Kota Madiun [35.77] / Jawa Timur", "Pendamping PKH_ Kota Madiun _35"),
        ("'kutip'", "kutip"),
        ("???", "___"),
        ("", "data"),
        ("History", "History_"),
    ],
)
def test_sheet_titles_are_valid_for_excel(name, expected):
    title = sheet_title(name)
    assert title == expected and len(title) <= 31


def test_xlsx_uses_the_valid_sheet_title():
    content = to_xlsx(_frame(), COLUMNS, META, sheet_name="Kab/Kota: 94.12 " + "x" * 40)
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Kab_Kota_ 94.12 " + "x" * 15]
