"""Field data from outside (the Kemensos field application, a national pipeline): the
exchange contract (``contract``), the loader that validates, upserts and quarantines
(``loader``), and its command line (``python -m dashboard.ingest``).

May import: the foundation, ``store``, ``quality`` (flags and scores are refreshed after a
load), ``alerts`` (evaluated after that refresh: the loader is the writer) and ``geodata``
(through ``quality``).
"""

from dashboard.ingest.contract import CONTRACT_VERSION, KINDS, json_schema
from dashboard.ingest.loader import IngestError, LoadReport, Loader, load_files

__all__ = ["CONTRACT_VERSION", "KINDS", "IngestError", "LoadReport", "Loader", "json_schema", "load_files"]
