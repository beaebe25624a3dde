"""Roles and the area a user may see: the one answer to "what may this request see".

A user's *area* is the nation (roles ``national`` and ``admin``, or a ``display`` account
without codes), or a set of province and kabupaten/kota codes. Within it the user sees
everything, down to each facilitator (a ``display`` account, shown on a wall that visitors
see, stops at the regions: no facilitator names or lists). Outside it the user sees the
national total as context and, when the operator opens the province comparison, each
province's own row among the 38; nothing else. Everything not granted here is refused:
an :class:`Access` built from nothing sees nothing but the national total.

Codes arrive from clients (URLs, stores, API parameters) as wishes; the query layer asks
:meth:`Access.sees_area` / :meth:`Access.sees_row` before it reads a row, and raises
:class:`OutOfScope` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

NATIONAL_CODES = (None, "", "ID")
_PROVINCE = re.compile(r"\d{2}")
_REGENCY = re.compile(r"\d{2}\.\d{2}")


class Role(StrEnum):
    NATIONAL = "national"  # NSCC, BPS RI
    PROVINCE = "province"  # one or more provinces
    REGENCY = "regency"  # one or more kabupaten/kota
    ADMIN = "admin"  # manages users; national area
    DISPLAY = "display"  # a wall screen: read-only, signed in once, with an area
    LOADER = "loader"  # a pipeline's account: posts field data (POST /api/v1/ingest), sees no figure


#: Roles whose area is always the nation (they take no codes).
NATIONWIDE_ROLES = frozenset({Role.NATIONAL, Role.ADMIN})


class OutOfScope(PermissionError):
    """The request asked for something outside the area of its user."""


class InvalidArea(ValueError):
    """Codes that cannot make a user's area (wrong level for the role, malformed)."""


def check_area(role: Role, codes: Iterable[str]) -> tuple[str, ...]:
    """The codes of a user's area, checked against the role (sorted, unique).

    ``national``/``admin`` take none; ``province`` one or more province codes (``"35"``);
    ``regency`` one or more kabupaten/kota codes (``"35.77"``); ``display`` none (the
    nation) or codes of either level."""
    codes = tuple(sorted(set(codes)))
    bad = [c for c in codes if not (_PROVINCE.fullmatch(c) or _REGENCY.fullmatch(c))]
    if bad:
        raise InvalidArea(f"not a province (35) or kabupaten/kota (35.77) code: {', '.join(bad)}")
    if role in NATIONWIDE_ROLES and codes:
        raise InvalidArea(f"role {role.value} sees the whole nation and takes no --scope")
    if role == Role.LOADER and codes:
        raise InvalidArea("role loader sees no figures and takes no --scope")
    if role == Role.PROVINCE and (not codes or any(not _PROVINCE.fullmatch(c) for c in codes)):
        raise InvalidArea("role province needs one or more province codes, e.g. --scope 35")
    if role == Role.REGENCY and (not codes or any(not _REGENCY.fullmatch(c) for c in codes)):
        raise InvalidArea("role regency needs one or more kabupaten/kota codes, e.g. --scope 35.77")
    return codes


@dataclass(frozen=True)
class Access:
    """What one request may see. Build it with :meth:`of_user` (or :meth:`nationwide` for
    the command line and tests); the default instance sees only the national total."""

    role: Role | None = None
    codes: frozenset[str] = field(default_factory=frozenset)
    #: The operator's ``OPEN_PROVINCE_COMPARISON``: each province's row among the 38.
    open_comparison: bool = False
    user: str | None = None

    @classmethod
    def of_user(cls, name: str, role: Role | str, codes: Iterable[str], open_comparison: bool = False) -> Access:
        return cls(Role(role), frozenset(codes), open_comparison, name)

    @classmethod
    def nationwide(cls, user: str | None = None) -> Access:
        """The whole nation (the command line, the writer of the data, tests)."""
        return cls(Role.NATIONAL, frozenset(), False, user)

    @property
    def signed_in(self) -> bool:
        """Signed in as a user who may see figures (a loader account may not: it only
        posts data, and every other route refuses it)."""
        return self.role is not None and self.role != Role.LOADER

    @property
    def may_ingest(self) -> bool:
        """Posting field data (``POST /api/v1/ingest``): loader accounts and admins."""
        return self.role in (Role.LOADER, Role.ADMIN)

    @property
    def nationwide_area(self) -> bool:
        return self.role in NATIONWIDE_ROLES or (self.role == Role.DISPLAY and not self.codes)

    @property
    def provinces(self) -> frozenset[str]:
        return frozenset(c for c in self.codes if len(c) == 2)

    @property
    def regencies(self) -> frozenset[str]:
        return frozenset(c for c in self.codes if len(c) == 5)

    @property
    def sees_facilitators(self) -> bool:
        """Facilitators (names, lists, pages) within the area: every role but a display."""
        return self.signed_in and self.role != Role.DISPLAY

    @property
    def may_download(self) -> bool:
        """Exports and the JSON API: not for a display account."""
        return self.signed_in and self.role != Role.DISPLAY

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def sees_area(self, code: str | None) -> bool:
        """Whether the region ``code`` (None or "ID": the nation) lies within the area,
        so that it and everything below it may be shown in full."""
        if not self.signed_in:
            return False
        if self.nationwide_area:
            return True
        if code in NATIONAL_CODES:
            return False
        return code in self.codes or (len(code) == 5 and code[:2] in self.codes)

    def sees_total(self, code: str | None) -> bool:
        """Whether the totals of ``code`` alone (its KPIs, progress, splits) may be shown:
        within the area, or the nation as context."""
        return self.signed_in and (code in NATIONAL_CODES or self.sees_area(code))

    def sees_row(self, code: str) -> bool:
        """Whether a region's row may be shown in a list of its parent's children: within
        the area, or a province among the 38 when the comparison is open."""
        return self.sees_area(code) or (self.signed_in and self.open_comparison and len(code) == 2)

    def overlaps(self, code: str | None) -> bool:
        """Whether some of the area lies within the region ``code`` (its page has
        something to show: e.g. a kabupaten/kota user on their province's page)."""
        if self.sees_area(code):
            return True
        if not self.signed_in or code in NATIONAL_CODES:
            return self.signed_in
        return any(c.startswith(code + ".") for c in self.codes)

    def require_area(self, code: str | None) -> None:
        if not self.sees_area(code):
            raise OutOfScope(f"{code or 'the nation'} is outside the area of {self.user or 'this request'}")

    def require_total(self, code: str | None) -> None:
        if not self.sees_total(code):
            raise OutOfScope(f"{code} is outside the area of {self.user or 'this request'}")

    def require_facilitators(self, regency_code: str) -> None:
        """Facilitator figures of a kabupaten/kota: within the area, and not a display."""
        if not self.sees_facilitators:
            raise OutOfScope("this account does not see facilitators")
        self.require_area(regency_code)

    def describe(self) -> str:
        """The area in words for logs and the audit trail: ``national``, ``35 35.77``."""
        if self.role == Role.LOADER:
            return "loader"
        if not self.signed_in:
            return "anonymous"
        return "national" if self.nationwide_area else " ".join(sorted(self.codes))

    def landing_path(self) -> str:
        """Where a user lands after signing in: their own area's page."""
        if self.nationwide_area or len(self.codes) != 1:
            return "/"
        (code,) = self.codes
        return f"/provinsi/{code}" if len(code) == 2 else f"/kabkota/{code}"
