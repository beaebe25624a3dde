"""Administrative boundaries: loading, checking and serving the files of ``GEODATA_DIR``
(see ``../shared/geodata/SOURCES.md``), and the tile grid used when they are absent."""

from geodata.boundaries import (
    BoundariesUnavailable,
    boundaries_available,
    check_coverage,
    load_province_boundaries,
    load_regency_boundaries,
    province_bounds,
)
from geodata.serving import register_geodata_routes
from geodata.tile_grid import TILE_GRID_CSV, load_tile_grid

__all__ = [
    "TILE_GRID_CSV",
    "BoundariesUnavailable",
    "boundaries_available",
    "check_coverage",
    "load_province_boundaries",
    "load_regency_boundaries",
    "load_tile_grid",
    "province_bounds",
    "register_geodata_routes",
]
