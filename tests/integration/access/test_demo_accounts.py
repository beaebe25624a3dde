"""``make run`` on a new demo database creates an admin and demo users with random
passwords, prints them once and keeps them in a file only its owner may read."""

from __future__ import annotations

import stat

from dashboard.access.accounts import SignInResult, authenticate, list_users
from dashboard.access.demo import DEMO_ACCOUNTS
from dashboard.manage import ensure_demo_accounts
from dashboard.store.database import get_engine, init_database
from tests import auth


def _credentials(path) -> dict[str, str]:
    return {line.split()[0]: line.split()[1] for line in path.read_text().splitlines() if not line.startswith("#")}


def test_demo_accounts_are_created_once_with_random_passwords(tmp_path, capsys):
    urls = [f"sqlite:///{tmp_path}/a.sqlite", f"sqlite:///{tmp_path}/b.sqlite"]
    files = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for url, file in zip(urls, files):
        init_database(url)
        assert ensure_demo_accounts(auth.settings(url), file) is True
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    printed = capsys.readouterr().out
    first, second = (_credentials(f) for f in files)
    assert set(first) == {a.name for a in DEMO_ACCOUNTS} == {"admin", "nscc", "bps-jatim", "dinsos-madiun", "wall-nscc"}
    assert all(password in printed for password in first.values())  # shown once, on the console
    assert not set(first.values()) & set(second.values())  # no fixed password anywhere
    engine = get_engine(urls[0])
    users = {u.name: u for u in list_users(engine)}
    assert (users["bps-jatim"].role.value, users["bps-jatim"].codes) == ("province", ("35",))
    assert (users["dinsos-madiun"].role.value, users["dinsos-madiun"].codes) == ("regency", ("35.77",))
    assert users["wall-nscc"].role.value == "display" and users["admin"].role.value == "admin"
    for name, password in first.items():
        assert authenticate(engine, name, password, lockout_attempts=5, lockout_minutes=15).result == SignInResult.OK
    # A database that has users gets no more, and the file is not rewritten.
    assert ensure_demo_accounts(auth.settings(urls[0]), files[0]) is False
    assert _credentials(files[0]) == first


def test_a_database_with_a_real_round_gets_no_demo_accounts(tmp_path, monkeypatch):
    import datetime as dt

    import sqlalchemy as sa

    from dashboard.manage import ensure_demo_database

    url = f"sqlite:///{tmp_path}/real.sqlite"
    engine = init_database(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO round (id, name, start_date, deadline, created_at) VALUES (1, 'Putaran 1', :s, :d, :c)"),
            {"s": dt.date(2026, 11, 1), "d": dt.date(2026, 12, 31), "c": dt.datetime(2026, 11, 1)},
        )
    file = tmp_path / "demo.txt"
    monkeypatch.setattr("dashboard.manage.DEMO_CREDENTIALS", file)
    ensure_demo_database(auth.settings(url), progress=False)
    assert list_users(engine) == [] and not file.exists()
