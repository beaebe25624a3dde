"""The database: schema (``models``, with the ``CHECK`` constraints of ``checks``) and its
Alembic ``migrations``, engines and the region
reference (``database``, ``reference/``), bulk writes (``bulk``), the rollup tables the pages
read instead of raw visits (``rollups``) and what ``/readyz`` reports (``status``).

May import: the foundation (``dashboard.settings``, ``vocabulary``, ``i18n``,
``formatting``) only. It knows nothing of how figures are defined, of quality rules or of
the web: everything else builds on it.
"""
