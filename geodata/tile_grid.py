"""The tile-grid layout of the 38 provinces: the map drawn when there are no boundaries.

``province_tile_grid.csv`` gives each province one equal-size square (``row`` 0 = north,
``col`` 0 = west) in 6 rows × 13 columns, roughly where it lies: Sumatra running from Aceh
(top left) down to Lampung, Java and Nusa Tenggara along the bottom row (DKI Jakarta above
Jawa Barat; DIY in the row between Jawa Tengah and Jawa Timur, the usual tile-map
compromise that saves a seventh row, i.e. 15 % larger tiles), Kalimantan, Sulawesi and
Maluku across the middle, and the six Papua provinces together at the right (Papua Barat
Daya and Papua Barat west of Papua, Papua Tengah and Papua Pegunungan below them, Papua
Selatan at the bottom). Equal tiles also give small provinces (DKI Jakarta, DIY, Bali) the
same weight on a wall screen as Papua, which a true-area map does not.

``abbr`` is the short name written in the tile (the usual Indonesian abbreviations).
The file is data, not code, so that the layout can be reviewed and tweaked as a table.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

TILE_GRID_CSV = Path(__file__).resolve().parent / "province_tile_grid.csv"


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    grid = pd.read_csv(TILE_GRID_CSV, dtype={"code": str, "abbr": str})
    grid["row"] = grid["row"].astype(int)
    grid["col"] = grid["col"].astype(int)
    return grid.sort_values("code", ignore_index=True)


def load_tile_grid() -> pd.DataFrame:
    """Columns ``code`` ("11"), ``row``, ``col``, ``abbr``; one row per province, by code.

    A copy, so callers may add columns freely.
    """
    return _load().copy()
