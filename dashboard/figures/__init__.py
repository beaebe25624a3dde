"""Every figure the product shows and the one path to it: the metric registry
(``metrics``), the query layer over the rollups (``queries``: ``Scope``, base counts as of a
day), and the read models built on them for the overview (``overview``), the facilitator
tables and profile (``facilitators``), the quality page (``quality_report``) and the review
queue of the fabrication-risk score (``review_queue``). Pages, exports and the JSON API all
read here.

May import: the foundation, ``dashboard.store``, ``dashboard.quality`` and (for the scope
a request may see) ``dashboard.access``. Not ``web``, nor Dash or plotly.
"""
