"""The simulated ground-check round: its parameters and calibration (``config``), the
workforce (``workforce``), the calendar of work-days (``timeline``), where visits happen
(``geography``), answers and injected defects (``answers``, ``defects``), each province's
plan (``plan``), what of it exists at a moment (``snapshot``), and the loader that writes it
and keeps rollups, flags and scores up to date (``run``). CLI: ``python -m dashboard.simulate``.

May import: the foundation, ``dashboard.store``, ``dashboard.quality``, ``dashboard.ingest``
(to speak the exchange format), ``dashboard.alerts`` (as the writer, it evaluates the alert
rules after each refresh, as the loader does) and ``geodata``. Not ``figures`` or ``web``:
the simulator writes data the way a real source would, and never reads the dashboard's
figures to decide what to write.
"""
