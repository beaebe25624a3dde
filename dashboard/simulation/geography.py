"""Where the simulated desa lie: one anchor point per desa/kelurahan, inside its kabupaten/kota.

No desa or kecamatan geometry is available, so the anchors are made up: each kecamatan
gets a centre at random inside the kabupaten/kota polygon, and its desa scatter around
that centre (a point that falls outside the polygon, in the sea say, is drawn again).
Families' GPS points then lie a few hundred metres from their desa's anchor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geodata import load_regency_boundaries


def _points_inside(rng: np.random.Generator, geometry, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points drawn uniformly inside ``geometry`` by rejection from its bounding box."""
    minx, miny, maxx, maxy = geometry.bounds
    shapely.prepare(geometry)
    xs, ys = [], []
    found = 0
    batch = max(64, n * 4)
    for _ in range(200):
        x = rng.uniform(minx, maxx, batch)
        y = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(geometry, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        found += int(inside.sum())
        if found >= n:
            break
        batch = min(batch * 4, 2_000_000)
    else:  # pragma: no cover - only for degenerate geometry
        point = geometry.representative_point()
        return np.full(n, point.x), np.full(n, point.y)
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def village_anchors(villages: pd.DataFrame, geodata_dir, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of every row of ``villages`` (columns ``district_code``, ``regency_code``)."""
    rng = np.random.default_rng([seed, 2])
    boundaries = load_regency_boundaries(geodata_dir).set_index("code")
    lon = np.empty(len(villages))
    lat = np.empty(len(villages))
    for regency_code, rows in villages.groupby("regency_code", sort=True).indices.items():
        geometry = boundaries.geometry.loc[regency_code]
        districts = villages["district_code"].to_numpy()[rows]
        unique_districts, district_index = np.unique(districts, return_inverse=True)
        cx, cy = _points_inside(rng, geometry, len(unique_districts))
        minx, miny, maxx, maxy = geometry.bounds
        spread = 0.25 * np.sqrt((maxx - minx) * (maxy - miny) / len(unique_districts))
        x = cx[district_index] + rng.normal(0, spread, len(rows))
        y = cy[district_index] + rng.normal(0, spread, len(rows))
        for _ in range(5):
            outside = ~shapely.contains_xy(geometry, x, y)
            if not outside.any():
                break
            k = int(outside.sum())
            x[outside] = cx[district_index[outside]] + rng.normal(0, spread, k)
            y[outside] = cy[district_index[outside]] + rng.normal(0, spread, k)
        outside = ~shapely.contains_xy(geometry, x, y)
        x[outside] = cx[district_index[outside]]
        y[outside] = cy[district_index[outside]]
        lon[rows] = x
        lat[rows] = y
    return lon, lat
