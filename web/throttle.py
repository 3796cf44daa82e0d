"""Sign-in throttling: guessing is slowed per address and per user name, but nobody can lock a
name out for everybody.

- A (name, address) pair with `max_failures` recent failures is refused for the window.
- An address with ADDRESS_FACTOR times as many failures (any names) is refused for the window.
- A name with `max_failures` recent failures (from anywhere) makes the next attempt wait a
  delay that doubles with each further failure, up to MAX_DELAY seconds: slow for a guesser,
  a short wait for the owner. A browser where the name signed in before (a signed
  "known device" cookie) skips the name's delay, so its owner is never kept out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Flask, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from content.db import utcnow
from web.models import LoginFailure

ADDRESS_FACTOR = 4
MAX_DELAY = 60  # seconds
DEVICE_COOKIE = "loa_device"
DEVICE_DAYS = 180


@dataclass(frozen=True)
class Verdict:
    """Whether a sign-in attempt may be checked now, else how long to wait (seconds)."""

    wait_seconds: int = 0

    @property
    def allowed(self) -> bool:
        """True when the password may be checked."""
        return self.wait_seconds <= 0


def keys(username: str, address: str | None) -> tuple[str, str, str]:
    """The failure keys of an attempt: its name, its address and the pair."""
    addr = address or "-"
    return f"user:{username}"[:200], f"addr:{addr}"[:200], f"pair:{username}|{addr}"[:200]


def _counts(
    session: Session, wanted: list[str], since: dt.datetime
) -> dict[str, tuple[int, dt.datetime]]:
    rows = session.execute(
        select(LoginFailure.key, func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.key.in_(wanted), LoginFailure.at >= since)
        .group_by(LoginFailure.key)
    ).all()
    return {key: (n, last) for key, n, last in rows}


def check(
    session: Session,
    username: str,
    address: str | None,
    *,
    max_failures: int,
    window: dt.timedelta,
    known_device: bool,
) -> Verdict:
    """May this attempt be checked now? (Refused attempts are not recorded as failures.)"""
    now = utcnow()
    name, addr, pair = keys(username, address)
    counts = _counts(session, [name, addr, pair], now - window)
    window_left = 0
    for key, limit in ((pair, max_failures), (addr, max_failures * ADDRESS_FACTOR)):
        n, last = counts.get(key, (0, now))
        if n >= limit:
            window_left = max(window_left, int((last + window - now).total_seconds()) + 1)
    if window_left > 0:
        return Verdict(window_left)
    n, last = counts.get(name, (0, now))
    if n < max_failures or known_device:
        return Verdict()
    delay = min(2 ** (n - max_failures), MAX_DELAY)
    return Verdict(max(0, int((last + dt.timedelta(seconds=delay) - now).total_seconds() + 0.999)))


def record_failure(
    session: Session, username: str, address: str | None, window: dt.timedelta
) -> None:
    """Remember a failed sign-in under its three keys and forget failures older than the window."""
    now = utcnow()
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - window))
    session.add_all(LoginFailure(key=k, at=now) for k in keys(username, address))
    session.flush()


def clear_failures(session: Session, username: str, address: str | None) -> None:
    """After a successful sign-in: the pair's failures go (the name's and address's stay)."""
    _name, _addr, pair = keys(username, address)
    session.execute(delete(LoginFailure).where(LoginFailure.key == pair))


def _serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key or "", salt="loa-known-device")


def known_device(app: Flask, username: str) -> bool:
    """True when this browser carries a valid known-device cookie for the name."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return False
    try:
        names = _serializer(app).loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return isinstance(names, list) and username in names


def remember_device(app: Flask, response: Response, username: str) -> None:
    """Mark this browser as one where the name signed in (a few names at most)."""
    names: list[str] = []
    raw = request.cookies.get(DEVICE_COOKIE)
    if raw:
        try:
            loaded = _serializer(app).loads(raw, max_age=DEVICE_DAYS * 86400)
            names = [n for n in loaded if isinstance(n, str)] if isinstance(loaded, list) else []
        except BadSignature:
            names = []
    names = [username, *[n for n in names if n != username]][:5]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer(app).dumps(names),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=app.config.get("SESSION_COOKIE_SECURE", False),
    )
