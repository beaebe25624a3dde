"""Quality of the field work: the rules a submitted visit may break (``rules``), the
fabrication-risk score of a facilitator (``risk``), and the stored flags and scores that
the writer of the data refreshes after each batch (``refresh``), and the results reviewers
record for the facilitators the score names (``review``).

May import: the foundation, ``dashboard.store``, ``dashboard.access`` (a review checks the
reviewer's area and writes the audit trail) and ``geodata`` (boundaries for the GPS rule).
Not ``figures`` (which reads what this package stores) nor ``web``.
"""
