"""Command line for operators: ``python -m dashboard.users COMMAND`` manages who may sign in.

    add NAME --role ROLE [--scope CODE ...] --password-stdin
    token NAME                      prints a new API token as its only line of output
    list
    disable NAME | enable NAME
    reset-password NAME --password-stdin
    revoke-tokens NAME
    subscribe NAME (--email ADDRESS | --webhook URL) [--no-immediate] [--no-digest] [--language id|en]
    unsubscribe NAME ID
    subscriptions [NAME]

Roles: national (NSCC, BPS RI), province (--scope 35 ...), regency (--scope 35.77 ...),
admin (national; manages users), display (a wall screen's read-only account; --scope
optional, none = national). Passwords are read from standard input (never from the command
line, where other users and the shell history would see them): the first line, without its
line break. Errors go to standard error with exit status 2.

A subscription sends the user's alerts (of their area, as the alerts page shows them): the
immediate notices of severe alerts and the daily digest, by e-mail or to a webhook (whose
signing secret ``subscribe`` prints once). Display and loader accounts receive nothing.
"""

from __future__ import annotations

import argparse
import sys

from dashboard.access.accounts import (
    AccountError,
    create_user,
    issue_token,
    list_users,
    revoke_tokens,
    set_active,
    set_password,
)
from dashboard.access.subscriptions import list_subscriptions, redact_url, subscribe, unsubscribe
from dashboard.access.policy import Role
from dashboard.settings import get_settings
from dashboard.store.database import describe_url, init_database


def _password(stream) -> str:
    line = stream.readline()
    if not line:
        raise AccountError("no password on standard input (use --password-stdin with e.g. printf '%s\\n' \"$PW\" |)")
    return line.rstrip("\r\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard.users", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--scope", nargs="+", default=[], metavar="CODE", help="province (35) or kabupaten/kota (35.77) codes")
    add.add_argument("--password-stdin", action="store_true", required=True, help="read the password from standard input")
    token = commands.add_parser("token", help="print a new API token of the user (its only line of output)")
    token.add_argument("name")
    commands.add_parser("list", help="list the users")
    for name, help_ in (
        ("disable", "disable the user (ends their sessions, revokes their tokens)"),
        ("enable", "enable a disabled user"),
        ("revoke-tokens", "revoke every API token of the user"),
    ):
        commands.add_parser(name, help=help_).add_argument("name")
    reset = commands.add_parser("reset-password", help="set a new password (ends the user's sessions, revokes their tokens, lifts a lockout)")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", required=True, help="read the password from standard input")
    sub = commands.add_parser("subscribe", help="send the user's alerts by e-mail or to a webhook")
    sub.add_argument("name")
    where = sub.add_mutually_exclusive_group(required=True)
    where.add_argument("--email", metavar="ADDRESS")
    where.add_argument("--webhook", metavar="URL", help="https (http only to this machine); its signing secret is printed once")
    sub.add_argument("--no-immediate", action="store_true", help="no immediate notices of severe alerts")
    sub.add_argument("--no-digest", action="store_true", help="no daily digest")
    sub.add_argument("--language", choices=("id", "en"), default=None, help="default: DEFAULT_LANGUAGE")
    unsub = commands.add_parser("unsubscribe", help="end a subscription (its record of messages is kept)")
    unsub.add_argument("name")
    unsub.add_argument("id", type=int)
    subs = commands.add_parser("subscriptions", help="list the subscriptions (of one user)")
    subs.add_argument("name", nargs="?")
    return parser


def main(argv: list[str] | None = None, stdin=None, stdout=None) -> int:
    args = build_parser().parse_args(argv)
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    settings = get_settings()
    url = args.database_url or settings.database_url
    engine = init_database(url)
    try:
        if args.command == "add":
            user = create_user(engine, args.name, args.role, args.scope, _password(stdin))
            area = " ".join(user.codes) or "national"
            print(f"added {user.name} ({user.role.value}, {area}) to {describe_url(url)}", file=stdout)
        elif args.command == "token":
            print(issue_token(engine, args.name), file=stdout)
        elif args.command == "list":
            users = list_users(engine)
            if not users:
                print("no users (add one with: python -m dashboard.users add NAME --role admin --password-stdin)", file=stdout)
            for u in users:
                state = "active" if u.active else "disabled"
                last = u.last_sign_in_at.isoformat(sep=" ") + " UTC" if u.last_sign_in_at else "never"
                print(f"{u.name:<24} {u.role.value:<9} {' '.join(u.codes) or 'national':<20} {state:<9} tokens {u.active_tokens:<3} last sign-in {last}", file=stdout)
        elif args.command in ("disable", "enable"):
            set_active(engine, args.name, args.command == "enable")
            print(f"{args.name} {args.command}d", file=stdout)
        elif args.command == "reset-password":
            set_password(engine, args.name, _password(stdin))
            print(f"new password set for {args.name}; their sessions ended and their API tokens revoked", file=stdout)
        elif args.command == "revoke-tokens":
            print(f"revoked {revoke_tokens(engine, args.name)} token(s) of {args.name}", file=stdout)
        elif args.command == "subscribe":
            made = subscribe(engine, args.name, email=args.email, webhook=args.webhook, immediate=not args.no_immediate,
                             digest=not args.no_digest, language=args.language or settings.default_language)
            what = " and ".join(w for w, on in (("immediate notices", made.immediate), ("the daily digest", made.digest)) if on)
            address = made.address if made.channel == "email" else redact_url(made.address)
            print(f"subscription {made.id}: {what} for {made.user.name} to {address}", file=stdout)
            if made.secret:
                print(f"signing secret (shown once; the receiver checks X-Groundcheck-Signature with it): {made.secret}", file=stdout)
        elif args.command == "unsubscribe":
            unsubscribe(engine, args.name, args.id)
            print(f"subscription {args.id} of {args.name} ended", file=stdout)
        elif args.command == "subscriptions":
            found = list_subscriptions(engine, args.name)
            if not found:
                print("no subscriptions (add one with: python -m dashboard.users subscribe NAME --email ADDRESS)", file=stdout)
            for sub in found:
                what = "+".join(w for w, on in (("immediate", sub.immediate), ("digest", sub.digest)) if on)
                address = redact_url(sub.address) if sub.channel == "webhook" else sub.address
                print(f"{sub.id:>4}  {sub.user.name:<24} {sub.channel.value:<8} {address:<40} {what:<17} {sub.language}  "
                      f"{'active' if sub.active else 'ended'}", file=stdout)
    except AccountError as exc:
        print(f"python -m dashboard.users {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
