"""Boundary files against the region reference, and the tile grid of the fallback map.

The boundary files are read in place from ``GEODATA_DIR`` (default ``../shared/geodata``),
never copied into the repository; fakes are written to ``tmp_path``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.settings import get_settings
from dashboard.store.database import read_reference_tables
from geodata import (
    BoundariesUnavailable,
    boundaries_available,
    check_coverage,
    load_province_boundaries,
    load_regency_boundaries,
    load_tile_grid,
    province_bounds,
)
from geodata.boundaries import PROVINCES_FILE, REGENCIES_FILE

GEODATA = get_settings().geodata_dir


@pytest.fixture(scope="module")
def reference() -> tuple[list[str], list[str]]:
    tables = read_reference_tables()
    return tables["province"]["code"].tolist(), tables["regency"]["code"].tolist()


def _feature(properties: dict[str, str]) -> dict:
    ring = [[100.0, 0.0], [100.0, 1.0], [101.0, 1.0], [101.0, 0.0], [100.0, 0.0]]  # clockwise
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _write(path: Path, features: list[dict]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


# --- the real files ---------------------------------------------------------------------


def test_the_shared_boundaries_cover_the_38_provinces_and_514_regencies(reference):
    provinces, regencies = reference
    assert (len(provinces), len(regencies)) == (38, 514)
    assert check_coverage(GEODATA, provinces, regencies) == []


def test_boundaries_available_needs_both_files(tmp_path):
    assert boundaries_available(GEODATA)
    assert not boundaries_available(tmp_path)
    (tmp_path / PROVINCES_FILE).symlink_to(GEODATA / PROVINCES_FILE)
    assert not boundaries_available(tmp_path)
    (tmp_path / REGENCIES_FILE).symlink_to(GEODATA / REGENCIES_FILE)
    assert boundaries_available(tmp_path)


def test_loaders_keep_codes_as_strings(tmp_path):
    provinces = load_province_boundaries(GEODATA)
    assert len(provinces) == 38 and provinces["code"].tolist()[:2] == ["11", "12"]
    regencies = load_regency_boundaries(GEODATA)
    assert len(regencies) == 514 and (regencies["code"].str[:2] == regencies["province_code"]).all()
    with pytest.raises(BoundariesUnavailable, match="GEODATA_DIR"):
        load_province_boundaries(tmp_path)
    with pytest.raises(BoundariesUnavailable):
        load_regency_boundaries(tmp_path)


def test_province_bounds_lie_in_indonesia():
    bounds = province_bounds(GEODATA)
    assert len(bounds) == 38
    for lon_min, lat_min, lon_max, lat_max in bounds.values():
        assert 95.0 <= lon_min < lon_max <= 141.1 and -11.1 <= lat_min < lat_max <= 6.1
    lon_min, lat_min, lon_max, lat_max = bounds["32"]  # Jawa Barat
    assert 106 < lon_min < 107 and 108 < lon_max < 109 and -8 < lat_min < lat_max < -5.5


# --- the coverage check on fakes --------------------------------------------------------


def test_check_coverage_reports_missing_extra_duplicate_and_misfiled_features(tmp_path):
    _write(
        tmp_path / PROVINCES_FILE,
        [_feature({"code": c, "name": c}) for c in ("11", "12", "12", "99")],
    )
    _write(
        tmp_path / REGENCIES_FILE,
        [
            _feature({"code": "11.01", "name": "A", "province_code": "11"}),
            _feature({"code": "12.01", "name": "B", "province_code": "11"}),
            _feature({"code": "12.77", "name": "C", "province_code": "12"}),
        ],
    )
    problems = check_coverage(tmp_path, ["11", "12", "13"], ["11.01", "12.01", "13.01"])
    assert problems == [
        "provinces.geojson: no feature for code 13",
        "provinces.geojson: feature 99 is not in the region reference",
        "provinces.geojson: 2 features share code 12",
        "regencies.geojson: no feature for code 13.01",
        "regencies.geojson: feature 12.77 is not in the region reference",
        "regencies.geojson: feature 12.01 has province_code 11",
    ]


def test_check_coverage_of_a_dir_without_files_says_so(tmp_path, reference):
    problems = check_coverage(tmp_path, *reference)
    assert problems == [f"provinces.geojson: not found in {tmp_path}", f"regencies.geojson: not found in {tmp_path}"]


def test_check_coverage_reports_an_unreadable_file(tmp_path):
    (tmp_path / PROVINCES_FILE).write_text('{"type": "FeatureCollection", "features": [')
    _write(tmp_path / REGENCIES_FILE, [])
    problems = check_coverage(tmp_path, ["11"], ["11.01"])
    assert problems[0].startswith("provinces.geojson: cannot be read")
    assert problems[1:] == ["regencies.geojson: no feature for code 11.01"]


def test_check_coverage_of_the_real_files_finds_a_province_the_files_lack(reference):
    provinces, regencies = reference
    problems = check_coverage(GEODATA, [*provinces, "97"], regencies)
    assert problems == ["provinces.geojson: no feature for code 97"]


# --- the tile grid ----------------------------------------------------------------------


def test_tile_grid_holds_each_province_once_in_its_own_cell(reference):
    grid = load_tile_grid()
    provinces, _ = reference
    assert sorted(grid["code"]) == sorted(provinces)
    assert grid["code"].is_unique
    assert not grid.duplicated(["row", "col"]).any()
    assert 5 <= grid["row"].max() + 1 <= 7 and 12 <= grid["col"].max() + 1 <= 16
    assert grid["row"].min() == 0 and grid["col"].min() == 0
    # Short enough to fit a tile at 10.5 px on a 1,050 px wide map.
    assert grid["abbr"].str.len().between(2, 8).all() and grid["abbr"].is_unique


def test_tile_grid_is_roughly_geographic():
    cells = load_tile_grid().set_index("code")[["row", "col"]]
    col = cells["col"]
    # West to east: Aceh first, Papua last; Sumatra < Java/Kalimantan < Sulawesi < Maluku < Papua.
    assert col["11"] == col.min() and col["91"] == col.max()
    sumatra, kalimantan, sulawesi = ["11", "12", "13", "14", "15", "16", "17", "18"], ["61", "62", "63", "64", "65"], ["71", "72", "73", "74", "75", "76"]
    assert col[sumatra].max() < col[kalimantan].min() and col[kalimantan].max() < col[sulawesi].min()
    assert col[sulawesi].max() < col[["81", "82"]].min() <= col[["81", "82"]].max() < col[["91", "92", "93", "94", "95", "96"]].min()
    # North to south: Aceh in the top row; Java and Nusa Tenggara in the bottom rows.
    assert cells.loc["11", "row"] == 0
    assert (cells.loc[["32", "33", "35", "51", "52", "53"], "row"] == cells["row"].max()).all()

    def distance(a: str, b: str) -> int:
        return max(abs(cells.loc[a, "row"] - cells.loc[b, "row"]), abs(cells.loc[a, "col"] - cells.loc[b, "col"]))

    # The Papua provinces stay together, Papua Barat beside Papua.
    assert distance("92", "91") == 1
    assert all(distance(code, "91") <= 2 for code in ("93", "94", "95", "96"))
    # Some land neighbours touch (8-neighbourhood).
    for a, b in [("11", "12"), ("12", "13"), ("13", "17"), ("15", "16"), ("16", "18"), ("36", "32"), ("31", "32"),
                 ("32", "33"), ("61", "62"), ("63", "64"), ("64", "65"), ("72", "73"), ("75", "71"), ("73", "74")]:
        assert distance(a, b) == 1, (a, b)
