"""Notifications: inbox once per key; email over a local SMTP server; signed webhooks, retries,
backoff and the dead-letter list."""

from __future__ import annotations

import datetime as dt
import email.header
import json
import socket
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from content.db import make_session_factory
from scheduler.notify.delivery import dead_letters, deliver_due, retry_dead, verify
from scheduler.notify.models import OutboxMessage
from scheduler.notify.service import inbox, notify
from scheduler.notify.texts import render
from tests import factories as f
from tests.worker_helpers import make_settings

SECRET = "s3cret-for-tests"
T0 = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp():
    box = _Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, box
    controller.stop()


class _Hook(BaseHTTPRequestHandler):
    fail_first = 0
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        status = 500 if len(type(self).received) <= type(self).fail_first else 204
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    handler = type("Hook", (_Hook,), {"received": [], "fail_first": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()


def _settings(tmp_path, smtp_port=0, hook_url=None, max_attempts=3):
    return make_settings(
        tmp_path,
        notifications={
            "smtp_host": "127.0.0.1" if smtp_port else "",
            "smtp_port": smtp_port,
            "max_attempts": max_attempts,
            "backoff_seconds": 60,
            "timeout_seconds": 5,
            "recipients": [
                {"role": "planner", "email": "ttvh@example.vn", "unit": "91"},
                {"role": "planner", "email": "other@example.vn", "unit": "99"},
            ],
            "webhooks": [{"url": hook_url, "secret_env": "LOA_TEST_HOOK_SECRET"}]
            if hook_url
            else [],
        },
    )


def _notice(session, settings, key="k1"):
    province = f.unit(session, "Tỉnh Thử", level="province", code="91")
    commune = f.unit(session, "Xã Một", parent=province)
    session.flush()
    message = render(
        "weekly_digest",
        week="2026-W47",
        area="Tỉnh Thử",
        planned=3,
        aired=2,
        partial=0,
        not_aired=1,
        unconfirmed=0,
        unplanned=0,
    )
    note = notify(
        session,
        settings,
        event="weekly_digest",
        dedupe_key=key,
        role="planner",
        unit_id=commune.id,
        message=message,
        now=T0,
    )
    session.commit()
    return note, province, commune


def test_inbox_once_per_key_and_scoped(session, tmp_path):
    settings = _settings(tmp_path)
    note, province, commune = _notice(session, settings)
    again = notify(
        session,
        settings,
        event="weekly_digest",
        dedupe_key="k1",
        role="planner",
        message=render(
            "weekly_digest",
            week="x",
            area="y",
            planned=0,
            aired=0,
            partial=0,
            not_aired=0,
            unconfirmed=0,
            unplanned=0,
        ),
        now=T0,
    )
    assert note is not None and again is None
    assert [n.id for n in inbox(session, "planner", unit_ids=[commune.id])] == [note.id]
    assert inbox(session, "planner", unit_ids=[province.id + 1000]) == []
    assert inbox(session, "supervisor", unit_ids=[commune.id]) == []
    assert note.subject_vi == "Tổng hợp phát sóng tuần 2026-W47 – Tỉnh Thử"


def test_email_over_smtp_to_the_area_recipient(session, engine, tmp_path, smtp):
    controller, box = smtp
    settings = _settings(tmp_path, smtp_port=controller.port)
    _notice(session, settings)
    rows = session.scalars(select(OutboxMessage)).all()
    assert [(r.kind, r.target) for r in rows] == [("email", "ttvh@example.vn")]
    session.commit()
    report = deliver_due(make_session_factory(engine), settings, T0)
    assert (report.sent, report.retried, report.dead) == (1, 0, 0)
    assert len(box.messages) == 1
    mail = box.messages[0]
    assert mail["To"] == "ttvh@example.vn"
    text = mail.get_payload(decode=True).decode("utf-8")
    # One language, the configured one ([locale].language, Vietnamese here).
    assert "Tuần 2026-W47 tại Tỉnh Thử" in text and "Week 2026-W47" not in text
    subject = str(email.header.make_header(email.header.decode_header(mail["Subject"])))
    assert subject == "Tổng hợp phát sóng tuần 2026-W47 – Tỉnh Thử"
    # Sent once: a second pass has nothing due.
    assert deliver_due(make_session_factory(engine), settings, T0).sent == 0
    assert len(box.messages) == 1


def test_webhook_signed_retried_with_backoff_then_delivered(
    session, engine, tmp_path, webhook, monkeypatch
):
    server, handler = webhook
    handler.fail_first = 2
    monkeypatch.setenv("LOA_TEST_HOOK_SECRET", SECRET)
    url = f"http://127.0.0.1:{server.server_port}/hook"
    settings = _settings(tmp_path, hook_url=url, max_attempts=5)
    _notice(session, settings)
    factory = make_session_factory(engine)
    r1 = deliver_due(factory, settings, T0)
    assert (r1.sent, r1.retried) == (0, 1)
    # Not due again until the backoff (60 s, then 120 s) has passed.
    assert deliver_due(factory, settings, T0 + dt.timedelta(seconds=59)).retried == 0
    assert deliver_due(factory, settings, T0 + dt.timedelta(seconds=60)).retried == 1
    assert deliver_due(factory, settings, T0 + dt.timedelta(seconds=179)).sent == 0
    assert deliver_due(factory, settings, T0 + dt.timedelta(seconds=180)).sent == 1
    assert len(handler.received) == 3
    headers, body = handler.received[-1]
    assert verify(SECRET.encode(), body, headers["X-Loa-Signature"])
    assert not verify(b"wrong", body, headers["X-Loa-Signature"])
    assert {h["X-Loa-Delivery"] for h, _ in handler.received} == {headers["X-Loa-Delivery"]}
    doc = json.loads(body)
    assert doc["event"] == "weekly_digest" and doc["subject"]["en"].startswith("Weekly")
    msg = session.scalar(select(OutboxMessage).execution_options(populate_existing=True))
    assert msg.state == "sent" and msg.attempts == 3


def test_webhook_dead_letter_after_max_attempts(session, engine, tmp_path, monkeypatch):
    monkeypatch.setenv("LOA_TEST_HOOK_SECRET", SECRET)
    settings = _settings(tmp_path, hook_url="http://127.0.0.1:9/nothing-listens", max_attempts=2)
    _notice(session, settings)
    factory = make_session_factory(engine)
    assert deliver_due(factory, settings, T0).retried == 1
    assert deliver_due(factory, settings, T0 + dt.timedelta(hours=1)).dead == 1
    assert deliver_due(factory, settings, T0 + dt.timedelta(days=3)).retried == 0
    with factory() as s:
        dead = dead_letters(s)
        assert len(dead) == 1 and "cannot be reached" in dead[0].last_error
        retry_dead(s, dead[0].id, T0)
        s.commit()
        assert dead_letters(s) == []


def test_webhook_without_secret_is_not_sent_unsigned(
    session, engine, tmp_path, webhook, monkeypatch
):
    server, handler = webhook
    monkeypatch.delenv("LOA_TEST_HOOK_SECRET", raising=False)
    settings = _settings(tmp_path, hook_url=f"http://127.0.0.1:{server.server_port}/h")
    _notice(session, settings)
    assert deliver_due(make_session_factory(engine), settings, T0).retried == 1
    assert handler.received == []
    msg = session.scalar(select(OutboxMessage).execution_options(populate_existing=True))
    assert "LOA_TEST_HOOK_SECRET" in msg.last_error
