"""Where HTTP comes in, without Dash: the Flask server with its health endpoints
(``server``), the JSON API (``api``), the file downloads (``downloads``) and the CSV/XLSX
writers they use (``exports``).

May import: the foundation, ``dashboard.store``, ``quality``, ``figures``, ``access``,
``ingest`` and ``alerts``. Not ``simulation``, nor Dash (``dashboard.factory`` puts the Dash
app on this server).
"""
