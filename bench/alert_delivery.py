"""Benchmark (end to end): a slowdown in some provinces, seen by the forecasts, shown in the
alerts feed and delivered to people, at a local mail server and a local webhook receiver.

    PYTHONPATH=. .venv/bin/python bench/alert_delivery.py [--days-before 7] [--families 60000]
        [--provinces 32,33,35] [--factor 0.3] [--slow-from 8] [--midpoint 9]

Simulates (in a temporary SQLite database) the round of ``bench/forecast_lead.py`` up to
10.00 WIB ``--days-before`` days before its deadline (the simulator evaluates the alerts
as the writer does), then:

1. reads the alerts feed as the NSCC sees it and says which provinces it names at risk;
2. starts a mail server (aiosmtpd) and a webhook receiver on this machine, adds three users
   (the NSCC, national, by e-mail; BPS of the first slowed province by webhook; BPS of a
   province that kept its pace by e-mail), subscribes them as if at the start of the round,
   and runs the delivery of ``python -m dashboard.manage alerts`` at that clock;
3. prints what arrived where: subjects, the lines about the slowed provinces, the webhook
   signature check, and how long composing and sending took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import socket
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench.forecast_lead import DEADLINE, round_arguments, slowed_round
from dashboard.access.accounts import create_user
from dashboard.access.policy import Access
from dashboard.access.subscriptions import subscribe
from dashboard.alerts import alert_feed
from dashboard.alerts.delivery import deliver_alerts
from dashboard.figures.queries import Scope
from dashboard.settings import get_settings
from dashboard.simulation.run import simulate
from dashboard.store.database import get_engine

PASSWORD = "bench-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    round_arguments(parser)
    parser.add_argument("--days-before", type=int, default=7, help="days before the deadline the clock stands (default: %(default)s)")
    parser.add_argument("--steady", default="51", help="a province that keeps its pace, whose BPS also subscribes (default: %(default)s)")
    args = parser.parse_args()
    clock = dt.datetime.combine(DEADLINE - dt.timedelta(days=args.days_before), dt.time(3, 0))  # 10.00 WIB
    config, slowdown, slowed = slowed_round(args, clock)

    mailbox = _Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    posts: list[tuple[dict, bytes]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            posts.append(({k.lower(): v for k, v in self.headers.items()}, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'alerts.sqlite'}"
        began = time.perf_counter()
        simulate(url, config, get_settings().geodata_dir, progress=False)
        print(f"simulated {args.families:,} targets up to {clock} UTC ({args.days_before} days before the deadline {DEADLINE}) "
              f"in {time.perf_counter() - began:.0f} s; slowdown x{args.factor} in {','.join(slowed)} from {slowdown.start}")
        engine = get_engine(url)

        feed = alert_feed(engine, 1, Scope.national(), access=Access.nationwide(), limit=5000)
        at_risk = sorted(feed.loc[(feed["rule"] == "region_at_risk") & (feed["subject"].str.len() == 2), "subject"])
        print(f"\nalerts feed (national): {len(feed):,} open; provinces at risk of missing the deadline: {', '.join(at_risk) or 'none'}")
        print(f"slowed provinces named at risk: {', '.join(c for c in slowed if c in at_risk) or 'none'} of {', '.join(slowed)}")

        create_user(engine, "nscc.ops", "national", [], PASSWORD)
        create_user(engine, f"bps.{slowed[0]}", "province", [slowed[0]], PASSWORD)
        create_user(engine, f"bps.{args.steady}", "province", [args.steady], PASSWORD)
        subscribe(engine, "nscc.ops", email="ops@nscc.example")
        secret = subscribe(engine, f"bps.{slowed[0]}", webhook=f"http://127.0.0.1:{hook.server_address[1]}/hook", language="en").secret
        subscribe(engine, f"bps.{args.steady}", email=f"bps{args.steady}@bps.example")
        with engine.begin() as conn:  # as if subscribed at the start of the round
            conn.execute(sa.text("UPDATE alert_subscription SET since_alert_id = 0"))
        settings = get_settings().model_copy(update={
            "database_url": url, "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_security": "none",
            "public_url": "https://nscc.example/groundcheck",
        })
        began = time.perf_counter()
        report = deliver_alerts(engine, settings, clock)
        print(f"\ndelivery at {clock + dt.timedelta(hours=7):%Y-%m-%d %H.%M} WIB: {report} in {time.perf_counter() - began:.1f} s")
        sent = engine.connect().execute(sa.text(
            "SELECT d.id, u.name, s.channel, d.kind, d.status, d.attempts FROM alert_delivery d "
            "JOIN alert_subscription s ON s.id = d.subscription_id JOIN app_user u ON u.id = s.user_id ORDER BY d.id"
        )).all()
        for row in sent:
            print(f"  record {row.id}: {row.name:<10} {row.channel:<8} {row.kind:<7} {row.status} after {row.attempts} attempt(s)")

    smtp.stop()
    hook.shutdown()
    names = {code: f"({code})" for code in slowed}
    print(f"\nmail server received {len(mailbox.messages)} e-mails:")
    for mail in mailbox.messages:
        text = mail.get_content()
        about = [line.strip() for line in text.splitlines() if any(tag in line for tag in names.values()) and "berisiko" in line.lower()]
        print(f"  to {mail['To']}: {mail['Subject']}")
        for line in about[:6]:
            print(f"      {line}")
    print(f"\nwebhook received {len(posts)} POSTs:")
    for headers, body in posts:
        stamp, mac = (part.split("=", 1)[1] for part in headers["x-groundcheck-signature"].split(","))
        ok = hmac.compare_digest(hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest(), mac)
        message = json.loads(body)
        print(f"  {message['type']} for {message['user']} (area {', '.join(message['area'])}), signature {'valid' if ok else 'INVALID'}: {message['subject']}")
        for line in message["text"].splitlines():
            if line.startswith("- ") and ("at risk" in line.lower() or "At risk" in line):
                print(f"      {line}")
                break


if __name__ == "__main__":
    main()
