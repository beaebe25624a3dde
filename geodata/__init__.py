"""Administrative boundaries: loading the files of ``GEODATA_DIR`` (see ``../shared/geodata/SOURCES.md``)."""

from geodata.boundaries import BoundariesUnavailable, load_regency_boundaries

__all__ = ["BoundariesUnavailable", "load_regency_boundaries"]
