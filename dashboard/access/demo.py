"""The demo accounts of a new demo database: an admin and one user of each kind, with
random passwords shown once and kept in a file only its owner may read. There is no fixed
default password anywhere."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from dashboard.access.accounts import create_user, has_users
from dashboard.access.policy import Role


@dataclass(frozen=True)
class DemoAccount:
    name: str
    role: Role
    codes: tuple[str, ...]
    about: str


#: Who a demo database gets: the NSCC, BPS Jawa Timur, Kota Madiun's monitoring, a wall.
DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.ADMIN, (), "manages users, reads the audit trail (national)"),
    DemoAccount("nscc", Role.NATIONAL, (), "NSCC operator (national)"),
    DemoAccount("bps-jatim", Role.PROVINCE, ("35",), "BPS province head, Jawa Timur (35)"),
    DemoAccount("dinsos-madiun", Role.REGENCY, ("35.77",), "Dinas Sosial monitoring, Kota Madiun (35.77)"),
    DemoAccount("wall-nscc", Role.DISPLAY, (), "a wall screen's display account (national)"),
)


def create_demo_accounts(engine: Engine, credentials_file: Path) -> list[tuple[DemoAccount, str]]:
    """Create the demo accounts on a database without users; write the credentials to
    ``credentials_file`` (mode 0600) and return them. Nothing happens if any user exists."""
    if has_users(engine):
        return []
    created = []
    for account in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        create_user(engine, account.name, account.role, account.codes, password)
        created.append((account, password))
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    if credentials_file.exists():
        credentials_file.unlink()
    fd = os.open(credentials_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(format_credentials(created))
    return created


def format_credentials(created: list[tuple[DemoAccount, str]]) -> str:
    width = max(len(a.name) for a, _ in created)
    lines = ["# Demo accounts of this database (shown once; change them with python -m dashboard.users reset-password NAME --password-stdin)"]
    lines += [f"{a.name:<{width}}  {password}  {a.role.value:<8} {a.about}" for a, password in created]
    return "\n".join(lines) + "\n"
