"""Alert delivery on the standard round, to a local SMTP server (aiosmtpd) and a local
webhook receiver that the tests start: who gets what (their area only), once; the daily
digest against pandas; retries, failures for good, and the record of every message.

SQLite only: delivery reads the alerts through ``alert_feed`` (covered on PostgreSQL by the
alerts' own tests) and writes plain rows; its schema is checked on both engines by
``tests/integration/database/test_migrations.py``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from dashboard.access.accounts import AccountError, create_user, set_active
from dashboard.access.policy import Access
from dashboard.access.subscriptions import list_subscriptions, subscribe, unsubscribe
from dashboard.alerts import AlertParameters, evaluate_alerts
from dashboard.alerts.delivery import LEASE, claim, deliver_alerts, plan_digest, send_due
from dashboard.figures.forecast import ScheduleRule, scope_forecast
from dashboard.figures.queries import Scope, data_state, round_dates
from dashboard.settings import Settings
from dashboard.store.database import get_engine
from tests.simulated import copy_database

PASSWORD = "a-long-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address in self.refuse:
            return "550 5.7.1 sender not allowed"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture(scope="module")
def mail_server():
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


class _Receiver:
    """A webhook receiver: records each POST; answers the next status of ``answers`` (200
    when empty)."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []


@pytest.fixture(scope="module")
def webhook():
    receiver = _Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", receiver
    server.shutdown()


@pytest.fixture(scope="module")
def url(scored_round_url, database_url_factory):
    """The standard round with risk scores and its alerts evaluated as of its clock, and
    three people: the NSCC (national), BPS Jawa Timur (province 35) and a wall screen."""
    url = copy_database(scored_round_url, database_url_factory("sqlite"))
    engine = get_engine(url)
    evaluate_alerts(engine, 1, AlertParameters(), data_state(engine, 1).data_until)
    create_user(engine, "nscc.ops", "national", [], PASSWORD)
    create_user(engine, "bps.jatim", "province", ["35"], PASSWORD)
    create_user(engine, "wall.nscc", "display", [], PASSWORD)
    return url


@pytest.fixture(autouse=True)
def _no_subscriptions_of_earlier_tests(url):
    """Each test counts the messages of its own subscriptions (the record of the earlier
    ones stays)."""
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE alert_subscription SET active = false"))
        conn.execute(sa.text("UPDATE alert_delivery SET status = 'failed', last_error = 'left by an earlier test' WHERE status = 'pending'"))


@pytest.fixture(scope="module")
def settings(url, mail_server):
    controller, _ = mail_server
    return Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
                    public_url="https://nscc.example/gc", alert_digest_hour=7)


def _clock(url) -> dt.datetime:
    """A wall clock at 10.00 WIB on the day after the round's newest data."""
    until = data_state(get_engine(url), 1).data_until
    return dt.datetime.combine(until.date() + dt.timedelta(days=1), dt.time(3, 0))


def _open_alerts(url, area: str | None = None) -> pd.DataFrame:
    engine = sa.create_engine(url)
    frame = pd.read_sql("SELECT * FROM alert WHERE closed_at IS NULL", engine)
    engine.dispose()
    if area:
        frame = frame[frame["scope_code"].str.startswith(area)]
    return frame


def _deliveries(url) -> pd.DataFrame:
    engine = sa.create_engine(url)
    frame = pd.read_sql("SELECT * FROM alert_delivery ORDER BY id", engine)
    engine.dispose()
    frame["message"] = frame["message"].map(lambda m: json.loads(m) if isinstance(m, str) else m)
    return frame


def _rows(url, subscription_id: int) -> pd.DataFrame:
    """The messages of one subscription, oldest first."""
    frame = _deliveries(url)
    return frame[frame["subscription_id"] == subscription_id].reset_index(drop=True)


def _verify(headers: dict, body: bytes, secret: str) -> bool:
    stamp, mac = dict(part.split("=", 1) for part in headers["x-groundcheck-signature"].split(",")).values()
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, mac)


def test_subscriptions_are_checked(url):
    engine = get_engine(url)
    for kwargs, message in (
        ({"email": "not an address"}, "not an e-mail address"),
        ({"webhook": "http://gateway.example/hook"}, "needs https"),
        ({"webhook": "https://user:pw@gateway.example/hook"}, "user name or password"),
        ({"webhook": "ftp://gateway.example/hook"}, "not an http(s) URL"),
        ({"email": "a@b.example", "webhook": "https://gateway.example/hook"}, "either an e-mail address or a webhook"),
        ({"email": "a@b.example", "immediate": False, "digest": False}, "needs the immediate notices"),
        ({"email": "a@b.example", "language": "fr"}, "unknown language"),
    ):
        with pytest.raises(AccountError, match=re.escape(message)):
            subscribe(engine, "nscc.ops", **kwargs)
    with pytest.raises(AccountError, match="display account: it receives no alerts"):
        subscribe(engine, "wall.nscc", email="wall@nscc.example")
    with pytest.raises(AccountError, match="no user"):
        subscribe(engine, "nobody", email="a@b.example")
    assert list_subscriptions(engine) == []


def test_severe_alerts_reach_each_person_once_with_their_area_only(url, settings, mail_server, webhook):
    engine = get_engine(url)
    _, mailbox = mail_server
    hook, receiver = webhook
    national = subscribe(engine, "nscc.ops", email="ops@nscc.example", digest=False)
    jatim = subscribe(engine, "bps.jatim", webhook=hook, digest=False, language="en")
    # As if subscribed before the rules found anything: every severe alert is news to them.
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE alert_subscription SET since_alert_id = 0"))
    assert jatim.secret and len(jatim.secret) == 64

    report = deliver_alerts(engine, settings, _clock(url))
    assert (report.notices, report.digests, report.sent, report.failed) == (2, 0, 2, 0)

    high = _open_alerts(url).query("severity == 'high'")
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == "ops@nscc.example" and mail["Auto-Submitted"] == "auto-generated"
    assert f"{len(high)} peringatan tinggi baru" in mail["Subject"]
    text = mail.get_content()
    assert "https://nscc.example/gc/peringatan" in text and "Tidak memuat data pribadi keluarga" in text

    assert len(receiver.posts) == 1
    headers, body = receiver.posts[0]
    assert _verify(headers, body, jatim.secret)
    assert national.secret is None and not _verify(headers, body + b" ", jatim.secret)  # a changed body fails the check
    sent = json.loads(body)
    assert sent["type"] == "alerts.notice" and sent["area"] == ["35"] and sent["user"] == "bps.jatim"
    assert headers["x-groundcheck-delivery"] == str(sent["delivery_id"])
    jatim_high = high[high["scope_code"].str.startswith("35")]
    assert {a["id"] for a in sent["alerts"]} == set(jatim_high["id"]) and len(jatim_high) > 0
    assert all(a["scope_code"].startswith("35") for a in sent["alerts"])
    assert all(a["url"].startswith("https://nscc.example/gc/") for a in sent["alerts"])
    assert ("A new high-severity alert holds" if len(jatim_high) == 1 else f"{len(jatim_high)} new high-severity alerts hold") in sent["text"]

    # Evaluated again, nothing new: nothing is sent again.
    evaluate_alerts(engine, 1, AlertParameters(), data_state(engine, 1).data_until)
    again = deliver_alerts(engine, settings, _clock(url) + dt.timedelta(minutes=15))
    assert (again.notices, again.sent) == (0, 0)
    assert len(mailbox.messages) == 1 and len(receiver.posts) == 1

    # A facilitator of Jawa Timur newly at high risk: one notice with that one alert, to both.
    with sa.create_engine(url).begin() as conn:
        new = conn.execute(sa.text(
            "SELECT facilitator_id FROM facilitator_risk WHERE NOT high_risk AND regency_code LIKE '35.%' ORDER BY facilitator_id LIMIT 1"
        )).scalar_one()
        conn.execute(sa.text("UPDATE facilitator_risk SET high_risk = 1 WHERE facilitator_id = :f"), {"f": new})
    evaluate_alerts(engine, 1, AlertParameters(), data_state(engine, 1).data_until)
    third = deliver_alerts(engine, settings, _clock(url) + dt.timedelta(minutes=30))
    assert (third.notices, third.sent) == (2, 2)
    latest = json.loads(receiver.posts[-1][1])
    assert [(a["rule"], a["subject"]) for a in latest["alerts"]] == [("facilitator_high_risk", new)]
    assert new in mailbox.messages[-1].get_content()


def test_a_new_subscription_does_not_replay_the_alerts_before_it(url, settings, mail_server):
    engine = get_engine(url)
    _, mailbox = mail_server
    subscribe(engine, "bps.jatim", email="jatim@bps.example", digest=False)
    before = len(mailbox.messages)
    assert deliver_alerts(engine, settings, _clock(url) + dt.timedelta(hours=1)).notices == 0
    assert len(mailbox.messages) == before


def test_the_daily_digest_comes_once_a_day_from_its_hour_with_the_figures_of_the_area(url, settings, webhook):
    engine = get_engine(url)
    hook, receiver = webhook
    subscription = subscribe(engine, "bps.jatim", webhook=hook + "?digest", immediate=False, language="en")
    morning = _clock(url)  # 10.00 WIB
    early = morning.replace(hour=23) - dt.timedelta(days=1)  # 06.00 WIB: before ALERT_DIGEST_HOUR
    assert deliver_alerts(engine, settings, early).digests == 0
    assert deliver_alerts(engine, settings, morning).digests == 1
    assert deliver_alerts(engine, settings, morning + dt.timedelta(hours=5)).digests == 0  # one a day
    headers, body = receiver.posts[-1]
    assert _verify(headers, body, subscription.secret)
    digest = json.loads(body)
    assert digest["type"] == "alerts.digest" and digest["day"] == (morning + dt.timedelta(hours=7)).date().isoformat()

    # Against pandas: the open alerts of Jawa Timur, by severity.
    area = _open_alerts(url, "35")
    assert digest["counts"] == {s: int((area["severity"] == s).sum()) for s in ("high", "medium", "low")}
    assert len(digest["alerts"]) == min(15, len(area))
    assert f"... and {len(area) - 15} more" in digest["text"]
    every = pd.read_sql("SELECT * FROM alert", sa.create_engine(url))
    every = every[every["scope_code"].str.startswith("35")]
    since = pd.Timestamp(data_state(engine, 1).data_until) - pd.Timedelta(hours=24)
    assert digest["opened_last_24h"] == int((pd.to_datetime(every["opened_at"]) >= since).sum()) > 0
    assert digest["closed_last_24h"] == int((pd.to_datetime(every["closed_at"]) >= since).sum())
    # The progress of the area: the forecast of the province page.
    dates, state = round_dates(engine, 1), data_state(engine, 1)
    forecast = scope_forecast(engine, 1, Scope.of("35"), state.day, dates.start_date, dates.deadline,
                              access=Access.of_user("bps.jatim", "province", ["35"]), rule=ScheduleRule.of(settings))
    [progress] = digest["progress"]
    assert progress["code"] == "35" and progress["name"] == "Jawa Timur"
    assert progress["completion_pct"] == pytest.approx(forecast.completion_pct)
    assert progress["status"] == forecast.status.value
    assert f"Jawa Timur: {forecast.completion_pct:.1f}% done" in digest["text"]
    assert deliver_alerts(engine, settings, morning + dt.timedelta(days=1)).digests == 1  # the next day's


def test_failures_are_retried_with_pauses_and_refusals_fail_at_once(url, settings, webhook, mail_server):
    engine = get_engine(url)
    hook, receiver = webhook
    _, mailbox = mail_server
    subscription = subscribe(engine, "nscc.ops", webhook=hook + "?retry", immediate=False)
    now = _clock(url) + dt.timedelta(days=3)
    receiver.answers[:] = [503]
    first = deliver_alerts(engine, settings, now)
    assert (first.digests, first.sent, first.retrying) == (1, 0, 1)
    row = _rows(url, subscription.id).iloc[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "webhook answered HTTP 503")
    assert pd.Timestamp(row["next_attempt_at"]) == pd.Timestamp(now + dt.timedelta(minutes=1))
    assert deliver_alerts(engine, settings, now + dt.timedelta(seconds=30)).sent == 0  # not before its pause
    posts = len(receiver.posts)
    assert deliver_alerts(engine, settings, now + dt.timedelta(minutes=1)).sent == 1
    row = _rows(url, subscription.id).iloc[0]
    assert (row["status"], row["attempts"]) == ("sent", 2) and pd.isna(row["last_error"])
    assert pd.Timestamp(row["sent_at"]) >= pd.Timestamp(now + dt.timedelta(minutes=1))
    # The same delivery id on both attempts: the receiver can drop a duplicate.
    assert receiver.posts[-1][0]["x-groundcheck-delivery"] == receiver.posts[posts - 1][0]["x-groundcheck-delivery"] == str(row["id"])

    receiver.answers[:] = [404]
    refused = subscribe(engine, "nscc.ops", webhook=hook + "?gone", immediate=False)
    assert deliver_alerts(engine, settings, now + dt.timedelta(hours=1)).failed == 1
    row = _rows(url, refused.id).iloc[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 1, "webhook answered HTTP 404")

    # A mailbox that does not exist fails for good ...
    mailbox.refuse.add("nobody@nscc.example")
    nobody = subscribe(engine, "nscc.ops", email="nobody@nscc.example", immediate=False)
    assert deliver_alerts(engine, settings, now + dt.timedelta(hours=2)).failed == 1
    assert _rows(url, nobody.id).iloc[0]["last_error"] == "mail server refused the address (550)"
    # ... a sender address the server refuses is the configuration's: retried ...
    mailbox.refuse.add("wrong-sender@nscc.example")
    sender = subscribe(engine, "nscc.ops", email="ops-sender@nscc.example", immediate=False)
    wrong = settings.model_copy(update={"alert_mail_from": "wrong-sender@nscc.example"})
    assert deliver_alerts(engine, wrong, now + dt.timedelta(hours=3)).retrying == 1
    assert _rows(url, sender.id).iloc[0]["last_error"] == "mail server answered 550"
    assert deliver_alerts(engine, settings, now + dt.timedelta(hours=4)).sent == 1  # fixed before the next attempt
    # ... as is a mail server that is down, until the last attempt.
    down_sub = subscribe(engine, "nscc.ops", email="ops-down@nscc.example", immediate=False)
    down = settings.model_copy(update={"smtp_port": _free_port(), "alert_delivery_attempts": 2})
    assert deliver_alerts(engine, down, now + dt.timedelta(hours=5)).retrying == 1
    assert deliver_alerts(engine, down, now + dt.timedelta(hours=6)).failed == 1  # the second and last attempt
    row = _rows(url, down_sub.id).iloc[0]
    assert (row["status"], row["attempts"]) == ("failed", 2) and "unreachable" in row["last_error"]
    no_smtp = settings.model_copy(update={"smtp_host": ""})
    nosmtp_sub = subscribe(engine, "nscc.ops", email="ops-nosmtp@nscc.example", immediate=False)
    assert deliver_alerts(engine, no_smtp, now + dt.timedelta(hours=7)).failed == 1
    assert _rows(url, nosmtp_sub.id).iloc[0]["last_error"] == "SMTP_HOST is not set"
    clear = settings.model_copy(update={"smtp_host": "smtp.example.org", "smtp_security": "none", "smtp_user": "ops"})
    clear_sub = subscribe(engine, "nscc.ops", email="ops-clear@nscc.example", immediate=False)
    assert deliver_alerts(engine, clear, now + dt.timedelta(hours=8)).failed == 1
    assert "password in clear" in _rows(url, clear_sub.id).iloc[0]["last_error"]


def test_a_message_is_taken_by_one_run_only_and_a_dead_senders_message_is_sent_later(url, settings, webhook):
    engine = get_engine(url)
    hook, receiver = webhook
    subscription = subscribe(engine, "bps.jatim", webhook=hook + "?claim", immediate=False)
    now = _clock(url) + dt.timedelta(days=5)
    assert plan_digest(engine, 1, subscription, settings, now)
    row = _rows(url, subscription.id).iloc[0]
    read = (int(row["id"]), int(row["attempts"]), pd.Timestamp(row["next_attempt_at"]).to_pydatetime())
    # Two runs read the same pending message; the first to take it wins, the other skips it.
    assert claim(engine, *read, now + LEASE) and not claim(engine, *read, now + LEASE)
    # The first run died with it: before the lease ends nobody sends it, then a run does,
    # its dead attempt counted.
    posts = len(receiver.posts)
    assert send_due(engine, settings, now + LEASE - dt.timedelta(seconds=1))[0] == 0
    assert send_due(engine, settings, now + LEASE)[0] == 1
    row = _rows(url, subscription.id).iloc[0]
    assert (row["status"], row["attempts"]) == ("sent", 2) and len(receiver.posts) == posts + 1


def test_an_unexpected_error_fails_one_message_not_the_run(url, settings):
    engine = get_engine(url)
    create_user(engine, "bps.bali", "province", ["51"], PASSWORD)
    first = subscribe(engine, "bps.bali", email="bali@bps.example", immediate=False)
    second = subscribe(engine, "bps.jatim", email="jatim2@bps.example", immediate=False)
    now = _clock(url) + dt.timedelta(days=6)
    told = []

    def transport(subscription, message, delivery_id, settings_):
        if subscription.id == first.id:
            raise RuntimeError("a bug")
        told.append(subscription.id)

    report = deliver_alerts(engine, settings, now, {c: transport for c in ("email", "webhook")})
    assert (report.digests, report.sent, report.retrying) == (2, 1, 1) and told == [second.id]
    row = _rows(url, first.id).iloc[0]
    assert (row["status"], row["attempts"]) == ("pending", 1) and row["last_error"] == "could not be sent: RuntimeError: a bug"
    assert pd.Timestamp(row["next_attempt_at"]) == pd.Timestamp(now + dt.timedelta(minutes=1))

    # Disabled before it went out: it fails, and nothing new is composed for the user.
    set_active(engine, "bps.bali", False)
    report = deliver_alerts(engine, settings, now + dt.timedelta(days=1))
    assert report.failed == 1 and "disabled" in _rows(url, first.id).iloc[0]["last_error"]
    assert len(_rows(url, first.id)) == 1


def test_a_region_without_targets_and_a_name_with_a_line_break_break_nothing(url, settings, mail_server):
    engine = get_engine(url)
    _, mailbox = mail_server
    raw = sa.create_engine(url)
    with raw.begin() as conn:
        empty = conn.execute(sa.text("SELECT MIN(regency_code) FROM rollup_regency_targets WHERE regency_code LIKE '11.%'")).scalar_one()
        conn.execute(sa.text("DELETE FROM rollup_regency_targets WHERE regency_code = :c"), {"c": empty})
    create_user(engine, "dinsos.aceh", "regency", [empty], PASSWORD)
    nobody = subscribe(engine, "dinsos.aceh", email="dinsos@aceh.example", immediate=False)
    ops = subscribe(engine, "nscc.ops", email="ops-names@nscc.example", digest=False)
    with raw.begin() as conn:  # a facilitator newly at high risk, whose name holds a line break
        person = conn.execute(sa.text("SELECT facilitator_id FROM facilitator_risk WHERE NOT high_risk ORDER BY facilitator_id DESC LIMIT 1")).scalar_one()
        conn.execute(sa.text("UPDATE facilitator SET name = :n WHERE id = :f"), {"n": "Budi\r\nBcc: someone@example.org", "f": person})
        conn.execute(sa.text("UPDATE facilitator_risk SET high_risk = true WHERE facilitator_id = :f"), {"f": person})
    raw.dispose()
    evaluate_alerts(engine, 1, AlertParameters(), data_state(engine, 1).data_until)
    before = len(mailbox.messages)
    report = deliver_alerts(engine, settings, _clock(url) + dt.timedelta(days=8))
    assert (report.errors, report.failed, report.sent) == (0, 0, 2)
    digest = _rows(url, nobody.id).iloc[0]["message"]
    assert digest["progress"][0]["completion_pct"] is None and "—" in digest["text"]
    [notice] = [m for m in mailbox.messages[before:] if m["To"] == "ops-names@nscc.example"]
    assert notice["Bcc"] is None and "Budi Bcc: someone@example.org" in notice["Subject"]
    assert _rows(url, ops.id).iloc[0]["message"]["alerts"][0]["subject"] == person


def test_no_message_holds_data_of_a_family(url, settings):
    engine = get_engine(url)
    for name in ("nscc.ops", "bps.jatim"):
        subscribe(engine, name, email=f"{name}-family@example.org")
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE alert_subscription SET since_alert_id = 0 WHERE active"))
    assert deliver_alerts(engine, settings, _clock(url) + dt.timedelta(days=10)).sent == 4
    raw = sa.create_engine(url)
    targets = set(pd.read_sql("SELECT code FROM target", raw)["code"])
    raw.dispose()
    for message in _deliveries(url)["message"]:
        text = json.dumps(message, ensure_ascii=False)
        assert not re.search(r"\b\d{16}\b", text)  # no NIK-like number
        assert not set(re.findall(r"[\w.-]+", text)) & targets  # not even a target's pseudonymous code


def test_the_command_lines_subscribe_list_and_show_the_record(url, settings, webhook, capsys):
    from dashboard import manage, users

    hook, receiver = webhook
    assert users.main(["--database-url", url, "subscribe", "bps.jatim", "--webhook", "https://gateway.example/bot12345:SECRET/send?x=1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"subscription \d+: immediate notices and the daily digest for bps.jatim to https://gateway.example/…", out)
    secret = re.search(r"signing secret .*: ([0-9a-f]{64})", out).group(1)
    assert users.main(["--database-url", url, "subscriptions", "bps.jatim"]) == 0
    listing = capsys.readouterr().out
    assert "https://gateway.example/… " in listing and "SECRET" not in listing and secret not in listing
    sub_id = int(re.search(r"subscription (\d+)", out).group(1))
    assert users.main(["--database-url", url, "unsubscribe", "bps.jatim", str(sub_id)]) == 0
    assert users.main(["--database-url", url, "unsubscribe", "bps.jatim", str(sub_id)]) == 2
    assert users.main(["--database-url", url, "subscribe", "wall.nscc", "--email", "w@nscc.example"]) == 2
    assert "display account: it receives no alerts" in capsys.readouterr().err
    assert users.main(["--database-url", url, "subscribe", "bps.jatim", "--webhook", f"{hook}/cli", "--no-immediate"]) == 0
    receiver.answers[:] = [404]
    assert deliver_alerts(get_engine(url), settings, _clock(url) + dt.timedelta(days=12)).failed == 1
    capsys.readouterr()
    assert manage.main(["deliveries", "--database-url", url, "--limit", "1"]) == 0
    record = capsys.readouterr().out
    assert re.search(r"bps\.jatim\s+digest\s+webhook\s+http://127\.0\.0\.1:\d+/…\s+failed\s+attempts 1  \(webhook answered HTTP 404\)", record)
