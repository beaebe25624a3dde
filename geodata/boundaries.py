"""Reading and checking the boundary files of ``GEODATA_DIR``.

The files are read as they are: their outer rings are wound clockwise on purpose (plotly's
geo traces paint the whole globe otherwise), so nothing here re-orients or "repairs" them.
See ``../shared/geodata/SOURCES.md`` for their provenance, licences and known defects.

Two ways in, on purpose:

* :func:`load_province_boundaries` / :func:`load_regency_boundaries` give GeoDataFrames for
  geometry work (the simulator's point-in-polygon tests);
* :func:`check_coverage` and :func:`boundaries_available` only read the ``properties`` with
  the ``json`` module: a start-up or readiness check must not pay for building 100,000
  vertices of shapely geometry just to compare 552 codes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import geopandas as gpd

REGENCIES_FILE = "regencies.geojson"
PROVINCES_FILE = "provinces.geojson"
#: The licence files that must travel with any copy of the boundary files (SOURCES.md,
#: "Attribution a product must show or ship").
LICENSE_FILES = ("LICENSE-cahyadsn-wilayah_boundaries.txt", "LICENSE-idn-area-data.txt")


class BoundariesUnavailable(RuntimeError):
    """The boundary files are not in ``GEODATA_DIR``."""


def _path(geodata_dir: Path, filename: str) -> Path:
    path = Path(geodata_dir) / filename
    if not path.is_file():
        raise BoundariesUnavailable(
            f"{path} not found: set GEODATA_DIR to the folder holding {filename} "
            "(by default ../shared/geodata beside the checkout)"
        )
    return path


def _read(geodata_dir: Path, filename: str) -> gpd.GeoDataFrame:
    frame = gpd.read_file(_path(geodata_dir, filename))
    # Codes are strings with dots ("32.01"): never let a reader turn them into numbers.
    frame["code"] = frame["code"].astype(str)
    return frame


def boundaries_available(geodata_dir: Path) -> bool:
    """Whether ``geodata_dir`` holds both boundary files.

    Only checks that the two files exist (cheap enough for every page build): the app uses
    this to choose between the choropleth and the tile-grid fallback. Whether the files
    cover the region reference is :func:`check_coverage`'s job.
    """
    directory = Path(geodata_dir)
    return (directory / PROVINCES_FILE).is_file() and (directory / REGENCIES_FILE).is_file()


def load_province_boundaries(geodata_dir: Path) -> gpd.GeoDataFrame:
    """The 38 province polygons (WGS84), columns ``code`` ("32") and ``name``.

    Raises :class:`BoundariesUnavailable` when the file is missing.
    """
    return _read(geodata_dir, PROVINCES_FILE)


def load_regency_boundaries(geodata_dir: Path) -> gpd.GeoDataFrame:
    """The 514 kabupaten/kota polygons (WGS84), columns ``code``, ``name``, ``province_code``.

    Raises :class:`BoundariesUnavailable` when the file is missing.
    """
    frame = _read(geodata_dir, REGENCIES_FILE)
    frame["province_code"] = frame["province_code"].astype(str)
    return frame


def read_feature_properties(path: Path) -> list[dict[str, str]]:
    """The ``properties`` of every feature of a GeoJSON FeatureCollection, in file order.

    Plain ``json``: about 30 ms for the regency file, against about a second for
    ``geopandas.read_file``.
    """
    document = json.loads(Path(path).read_bytes())
    return [dict(feature.get("properties") or {}) for feature in document.get("features", [])]


def _positions(coordinates: list) -> Iterator[list[float]]:
    """Every [lon, lat] of a (Multi)Polygon's nested coordinate arrays."""
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield coordinates
        return
    for part in coordinates:
        yield from _positions(part)


@lru_cache(maxsize=4)
def _province_bounds(path: Path, _mtime_ns: int) -> dict[str, tuple[float, float, float, float]]:
    bounds: dict[str, tuple[float, float, float, float]] = {}
    for feature in json.loads(path.read_bytes())["features"]:
        positions = list(_positions(feature["geometry"]["coordinates"]))
        lons = [p[0] for p in positions]
        lats = [p[1] for p in positions]
        bounds[str(feature["properties"]["code"])] = (min(lons), min(lats), max(lons), max(lats))
    return bounds


def province_bounds(geodata_dir: Path) -> dict[str, tuple[float, float, float, float]]:
    """``{province code: (lon_min, lat_min, lon_max, lat_max)}`` from the province file.

    For ``layouts.maps.choropleth_figure(bounds=...)`` on a province's page: plotly gives
    a geo subplot the aspect ratio of its longitude/latitude ranges, so the map of a tall
    province (Sulawesi Tengah) and of a wide one (Jawa Timur) each fill their box. About
    0.1 s the first time, cached per file version. Raises :class:`BoundariesUnavailable`
    when the file is missing.
    """
    path = _path(geodata_dir, PROVINCES_FILE)
    return dict(_province_bounds(path, path.stat().st_mtime_ns))


def _compare(label: str, file_codes: list[str], reference: Iterable[str]) -> list[str]:
    reference_set = {str(code) for code in reference}
    counts = Counter(file_codes)
    problems = [f"{label}: no feature for code {code}" for code in sorted(reference_set - counts.keys())]
    problems += [f"{label}: feature {code} is not in the region reference" for code in sorted(counts.keys() - reference_set)]
    problems += [f"{label}: {n} features share code {code}" for code, n in sorted(counts.items()) if n > 1]
    return problems


def check_coverage(geodata_dir: Path, province_codes: Iterable[str], regency_codes: Iterable[str]) -> list[str]:
    """Problems of the boundary files against the region reference; ``[]`` when they match.

    Reports, one string each: a reference code with no feature, a feature whose code is not
    in the reference (an "extra" feature), a code held by several features, a missing or
    unreadable file, and a regency whose ``province_code`` is not the prefix of its code.
    Pass the reference codes, e.g. from ``dashboard.store.database.read_reference_tables()``
    (``tables["province"]["code"]``, ``tables["regency"]["code"]``): this module does not
    read the database so that it stays usable from the command line and tests.

    Why a list and not an exception: an operator who points ``GEODATA_DIR`` at a newer or
    older boundary release wants to see every mismatch at once (a map with one grey
    province is still useful), and the caller decides whether to log or to refuse.
    """
    problems: list[str] = []
    for filename, reference in ((PROVINCES_FILE, province_codes), (REGENCIES_FILE, regency_codes)):
        path = Path(geodata_dir) / filename
        if not path.is_file():
            problems.append(f"{filename}: not found in {geodata_dir}")
            continue
        try:
            properties = read_feature_properties(path)
        except (OSError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
            problems.append(f"{filename}: cannot be read ({exc})")
            continue
        codes = [str(p.get("code")) for p in properties]
        problems += _compare(filename, codes, reference)
        if filename == REGENCIES_FILE:
            problems += [
                f"{filename}: feature {p.get('code')} has province_code {p.get('province_code')}"
                for p in properties
                if str(p.get("code", "")).split(".")[0] != str(p.get("province_code"))
            ]
    return problems
