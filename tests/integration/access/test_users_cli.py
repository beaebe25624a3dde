"""``python -m dashboard.users``: the operators' interface. One test runs it as scripts call
it (a process of its own: the password on a pipe, the token as the only line of standard
output, errors on standard error with status 2); the others call its ``main`` in this process
with the same arguments and streams (a process costs a second of imports, and 25 of them
took 25 s of the suite)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.access.accounts import SignInResult, authenticate, list_users
from dashboard.store.database import get_engine, init_database

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def url(database_url_factory) -> str:
    """On SQLite only: the command line is the same on either engine, and the accounts it
    writes are tested on both (``test_sign_in``, ``test_audit``); 33 s of the suite saved."""
    url = database_url_factory("sqlite")
    init_database(url)
    return url


def run_command(url: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    """``python -m dashboard.users ARGS`` in a process of its own, ``DATABASE_URL`` set."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "dashboard.users", *args],
        input=None if password is None else password + "\n",
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )


def users(url: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    """The same command through ``dashboard.users.main`` in this process: the password on its
    standard input (none: an empty one), what it prints on standard output and error, its
    exit status (argparse's too)."""
    from dashboard.users import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = main(["--database-url", url, *args], stdin=io.StringIO("" if password is None else password + "\n"), stdout=stdout)
        except SystemExit as exc:
            status = exc.code
    return subprocess.CompletedProcess(["dashboard.users", *args], status, stdout.getvalue(), stderr.getvalue())


def _signs_in(url: str, name: str, password: str = PASSWORD) -> SignInResult:
    return authenticate(get_engine(url), name, password, lockout_attempts=5, lockout_minutes=15).result


def test_the_command_runs_as_scripts_call_it(url):
    """A process of its own: the module runs, reads the password from a pipe, prints the
    token as its only line, and refuses with status 2, the reason on standard error and
    nothing on standard output."""
    added = run_command(url, "add", "rudi", "--role", "regency", "--scope", "35.77", "--password-stdin", password=PASSWORD)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added rudi (regency, 35.77)") and PASSWORD not in added.stdout + added.stderr
    assert _signs_in(url, "rudi") == SignInResult.OK
    token = run_command(url, "token", "rudi")
    assert token.returncode == 0 and token.stdout.count("\n") == 1 and token.stdout.startswith("gcm_")
    refused = run_command(url, "add", "rudi", "--role", "national", "--password-stdin", password=PASSWORD)
    assert refused.returncode == 2 and "exists already" in refused.stderr and refused.stdout == ""


def test_add_token_list_disable_reset_and_revoke(url):
    added = users(url, "add", "budi", "--role", "province", "--scope", "35", "33", "--password-stdin", password=PASSWORD)
    assert added.returncode == 0, added.stderr
    assert "budi (province, 33 35)" in added.stdout and "secret" not in added.stdout
    assert _signs_in(url, "budi") == SignInResult.OK

    token = users(url, "token", "budi")
    assert token.returncode == 0 and token.stdout.count("\n") == 1
    token = token.stdout.strip()
    assert token.startswith("gcm_") and len(token) > 40

    listed = users(url, "list")
    line = next(line for line in listed.stdout.splitlines() if line.startswith("budi"))
    assert "province" in line and "33 35" in line and "active" in line and "tokens 1" in line

    assert users(url, "revoke-tokens", "budi").stdout.strip() == "revoked 1 token(s) of budi"
    assert "tokens 0" in users(url, "list").stdout

    assert users(url, "disable", "budi").returncode == 0
    assert _signs_in(url, "budi") == SignInResult.DISABLED
    assert users(url, "token", "budi").returncode == 2  # no token for a disabled account
    assert users(url, "enable", "budi").returncode == 0

    reset = users(url, "reset-password", "budi", "--password-stdin", password="another long password")
    assert reset.returncode == 0
    assert _signs_in(url, "budi") == SignInResult.BAD_CREDENTIALS
    assert _signs_in(url, "budi", "another long password") == SignInResult.OK


@pytest.mark.parametrize(
    "args, message",
    [
        (["add", "user-x1", "--role", "province", "--password-stdin"], "needs one or more province codes"),
        (["add", "user-x2", "--role", "province", "--scope", "35.77", "--password-stdin"], "needs one or more province codes"),
        (["add", "user-x3", "--role", "regency", "--scope", "35", "--password-stdin"], "kabupaten/kota codes"),
        (["add", "user-x4", "--role", "national", "--scope", "35", "--password-stdin"], "takes no --scope"),
        (["add", "user-x5", "--role", "province", "--scope", "99", "--password-stdin"], "no province or kabupaten/kota with code 99"),
        (["add", "Bad Name", "--role", "national", "--password-stdin"], "is not a user name"),
        (["token", "nobody"], "no user 'nobody'"),
    ],
)
def test_bad_requests_say_what_is_wrong(url, args, message):
    result = users(url, *args, password=PASSWORD)
    assert result.returncode == 2 and message in result.stderr and result.stdout == ""


def test_weak_or_missing_passwords_are_refused(url):
    short = users(url, "add", "siti", "--role", "national", "--password-stdin", password="short")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    missing = users(url, "add", "siti", "--role", "national", "--password-stdin", password=None)
    assert missing.returncode == 2 and "no password on standard input" in missing.stderr
    assert users(url, "add", "siti", "--role", "national").returncode == 2  # --password-stdin is required
    assert "siti" not in [u.name for u in list_users(get_engine(url))]


def test_a_user_cannot_be_added_twice_and_the_display_role_takes_any_area(url):
    assert users(url, "add", "wall-jatim", "--role", "display", "--scope", "35", "--password-stdin", password=PASSWORD).returncode == 0
    again = users(url, "add", "wall-jatim", "--role", "display", "--password-stdin", password=PASSWORD)
    assert again.returncode == 2 and "exists already" in again.stderr
    assert users(url, "add", "wall-all", "--role", "display", "--password-stdin", password=PASSWORD).returncode == 0
