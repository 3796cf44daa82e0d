"""Clocks: the system clock in production, a settable one in tests (time-dependent jobs)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from content.db import utcnow


class Clock(Protocol):
    """Something that tells the current time, aware, in UTC."""

    def now(self) -> dt.datetime:
        """The current time."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> dt.datetime:
        """The current time in UTC."""
        return utcnow()


class FixedClock:
    """A clock that stands still until moved; tests inject it to run jobs at chosen times."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        """The time the clock was set to."""
        return self.at

    def set(self, at: dt.datetime) -> None:
        """Move the clock to an aware time."""
        self.at = at.astimezone(dt.UTC)

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward."""
        self.at += delta
