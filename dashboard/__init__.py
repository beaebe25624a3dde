"""The core of the NSCC Ground-Check Monitor: everything but what the browser is shown.

Free of Dash and plotly, except ``factory``, the composition root that joins the core to
``layouts``, ``callbacks`` and ``geodata``. Grouped by job; each package's docstring says
what lives there and what it may import, and ``tests/unit/test_architecture.py`` holds the
same rules as code, so a forbidden import fails the tests:

- ``settings``, ``vocabulary``, ``i18n``, ``formatting``: the foundation every package may
  use (settings, the codes of the domain, the text catalogue, number and date formats); they
  import nothing else of the core.
- ``store``: the database (schema, migrations, engines, the region reference, bulk writes,
  rollup tables, readiness).
- ``quality``: the quality rules, the fabrication-risk score, and the stored flags and
  scores kept up to date as visits arrive.
- ``figures``: what every figure is (the metric registry) and how it is read (the query
  layer and the read models of the pages, the exports and the API).
- ``web``: where HTTP comes in, without Dash (the Flask server, the JSON API, downloads).
- ``simulation``: the simulated ground-check round.
- ``manage``, ``simulate``: command lines (``python -m dashboard.manage|simulate``).

Rooms for the capabilities of the next issues: ``access`` (users, roles, sign-in tokens and
the scope a request may see), ``ingest`` (validated loading of field data, quarantine) and
``alerts`` (alert rules and their delivery). Caching figures per data version belongs to
``figures``, the one path to the data.
"""
