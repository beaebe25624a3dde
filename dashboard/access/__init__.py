"""Who sees what: roles and the area a request may see (``policy``), user accounts with
their passwords, lockout and API tokens (``accounts``), the audit trail (``audit``) and
the demo accounts of a new demo database (``demo``). Free of HTTP: ``dashboard.web.auth``
puts it on the server, and the query layer (``dashboard.figures``) asks ``policy.Access``
before it reads a row.

May import: the foundation and ``dashboard.store``. Not ``figures`` or ``web``.
"""
