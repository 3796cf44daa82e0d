"""Deliver the outbox: SMTP email and HMAC-signed webhook POSTs, backoff, dead-letter list."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import smtplib
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from audio.messages import TranslatableError
from scheduler.config import NotificationSettings, Settings
from scheduler.errors import N_, InvalidState, NotFound
from scheduler.notify.models import OutboxMessage

log = logging.getLogger("loa.notify")
SIGNATURE_HEADER = "X-Loa-Signature"


class DeliveryError(TranslatableError):
    """A delivery attempt failed; it will be retried until max_attempts (stored in English)."""

    code = "delivery"


def sign(secret: bytes, body: bytes) -> str:
    """The signature header value: sha256=<hex HMAC-SHA256 of the raw body>."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(secret: bytes, body: bytes, header: str) -> bool:
    """Check a signature header in constant time (what a receiver does)."""
    return hmac.compare_digest(sign(secret, body), header)


def encode(payload: dict[str, Any]) -> bytes:
    """Canonical JSON body: UTF-8, sorted keys, so retries send identical bytes."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


def post_webhook(msg: OutboxMessage, cfg: NotificationSettings, settings: Settings) -> None:
    """POST the payload; any non-2xx answer or network error raises DeliveryError."""
    hook = next((h for h in cfg.webhooks if h.url == msg.target), None)
    secret_env = hook.secret_env if hook else "LOA_WEBHOOK_SECRET"
    secret = os.environ.get(secret_env)
    if not secret:
        raise DeliveryError(
            N_("The webhook secret is missing: set the environment variable %(name)s"),
            code="delivery.secret",
            name=secret_env,
        )
    body = encode(msg.payload)
    request = urllib.request.Request(
        msg.target,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Loa-webhook/1",
            "X-Loa-Event": msg.event,
            "X-Loa-Delivery": str(msg.id),
            SIGNATURE_HEADER: sign(secret.encode(), body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=cfg.timeout_seconds) as resp:
            status = resp.status
    except urllib.error.HTTPError as exc:
        raise _http_error(msg.target, exc.code) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(
            N_("%(target)s cannot be reached (%(reason)s)"),
            code="delivery.connect",
            target=msg.target,
            reason=str(exc),
        ) from exc
    if not 200 <= status < 300:
        raise _http_error(msg.target, status)


def _http_error(target: str, status: int) -> DeliveryError:
    return DeliveryError(
        N_("%(target)s answered HTTP %(status)s"),
        code="delivery.http",
        target=target,
        status=status,
    )


def send_email(msg: OutboxMessage, cfg: NotificationSettings, settings: Settings) -> None:
    """Send the email over SMTP; a stable Message-ID lets mail systems drop a resend."""
    email = EmailMessage()
    email["From"] = cfg.sender
    email["To"] = msg.target
    email["Subject"] = msg.payload["subject"]
    email["Message-ID"] = make_msgid(f"loa-outbox-{msg.id}", domain=socket.gethostname())
    email.set_content(msg.payload["text"])
    try:
        with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout_seconds) as smtp:
            if cfg.smtp_starttls:
                smtp.starttls()
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, os.environ.get(cfg.smtp_password_env, ""))
            smtp.send_message(email)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            N_("The email could not be sent through SMTP %(server)s (%(reason)s)"),
            code="delivery.smtp",
            server=f"{cfg.smtp_host}:{cfg.smtp_port}",
            reason=str(exc),
        ) from exc


Sender = Callable[[OutboxMessage, NotificationSettings, Settings], None]
SENDERS: dict[str, Sender] = {"email": send_email, "webhook": post_webhook}


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0


def backoff(cfg: NotificationSettings, attempts: int) -> dt.timedelta:
    """Delay before the next attempt: backoff_seconds * 2^(attempts-1), at most one day."""
    return dt.timedelta(seconds=min(cfg.backoff_seconds * 2 ** max(attempts - 1, 0), 86400))


def deliver_due(
    factory: sessionmaker[Session],
    settings: Settings,
    now: dt.datetime,
    senders: dict[str, Sender] | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """Send due outbox messages, one transaction each (at-least-once; receivers dedupe by id)."""
    senders = senders or SENDERS
    cfg = settings.notifications
    report = DeliveryReport()
    with factory() as s:
        ids = list(
            s.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            )
        )
    for msg_id in ids:
        with factory() as s, s.begin():
            # SQLite has no row locks: SQLAlchemy leaves FOR UPDATE out there.
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.id == msg_id, OutboxMessage.state == "pending")
                .with_for_update(skip_locked=True)
            )
            msg = s.scalar(query)
            if msg is None:
                continue
            msg.attempts += 1
            try:
                senders[msg.kind](msg, cfg, settings)
            except DeliveryError as exc:
                msg.last_error = str(exc)[:2000]
                if msg.attempts >= cfg.max_attempts:
                    msg.state = "dead"
                    report.dead += 1
                    log.error(
                        "notify.dead",
                        extra={"fields": {"outbox": msg.id, "kind": msg.kind, "error": str(exc)}},
                    )
                else:
                    msg.next_attempt_at = now + backoff(cfg, msg.attempts)
                    report.retried += 1
                    log.warning(
                        "notify.retry",
                        extra={
                            "fields": {"outbox": msg.id, "attempt": msg.attempts, "error": str(exc)}
                        },
                    )
                continue
            msg.state = "sent"
            msg.sent_at = now
            msg.last_error = None
            report.sent += 1
    return report


def dead_letters(session: Session, limit: int = 200) -> list[OutboxMessage]:
    """Messages that gave up after max_attempts, newest first (the admin's dead-letter list)."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.state == "dead")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def retry_dead(session: Session, message_id: int, now: dt.datetime) -> OutboxMessage:
    """Put a dead message back in the queue with a fresh attempt count."""
    msg = session.get(OutboxMessage, message_id)
    if msg is None:
        raise NotFound(
            N_("There is no notification %(id)s in the outbox"),
            code="outbox.not_found",
            id=message_id,
        )
    if msg.state != "dead":
        raise InvalidState(
            N_("Notification %(id)s is %(state)s, not dead (failed delivery)"),
            code="outbox.state",
            id=message_id,
            state=msg.state,
        )
    msg.state = "pending"
    msg.attempts = 0
    msg.next_attempt_at = now
    session.flush()
    return msg
