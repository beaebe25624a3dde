"""Reading the boundary files.

The files are read as they are: their outer rings are wound clockwise on purpose (plotly's
geo traces paint the whole globe otherwise), so nothing here re-orients or "repairs" them.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

REGENCIES_FILE = "regencies.geojson"
PROVINCES_FILE = "provinces.geojson"


class BoundariesUnavailable(RuntimeError):
    """The boundary files are not in ``GEODATA_DIR``."""


def _read(geodata_dir: Path, filename: str) -> gpd.GeoDataFrame:
    path = Path(geodata_dir) / filename
    if not path.is_file():
        raise BoundariesUnavailable(
            f"{path} not found: set GEODATA_DIR to the folder holding {filename} "
            "(by default ../shared/geodata beside the checkout)"
        )
    frame = gpd.read_file(path)
    # Codes are strings with dots ("32.01"): never let a reader turn them into numbers.
    frame["code"] = frame["code"].astype(str)
    return frame


def load_regency_boundaries(geodata_dir: Path) -> gpd.GeoDataFrame:
    """The 514 kabupaten/kota polygons (WGS84), columns ``code``, ``name``, ``province_code``."""
    frame = _read(geodata_dir, REGENCIES_FILE)
    frame["province_code"] = frame["province_code"].astype(str)
    return frame
