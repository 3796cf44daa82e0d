"""The device's clock and its measured offset to the server's: playback runs on server time.

Cheap devices keep wrong time. Each answer of the server carries its clock; the offset is
server minus device, measured at every sync. LOA_AGENT_FAKE_SKEW_SECONDS makes the device's
clock wrong on purpose (tests of a fast or slow clock); it is 0 in production.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time


def iso(ts: float) -> str:
    """A POSIX time as the server reads it: ISO 8601 in UTC."""
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()


class Clock:
    """Device time, server time (corrected), and the system time APScheduler needs."""

    def __init__(self, offset: float = 0.0) -> None:
        self.skew = float(os.environ.get("LOA_AGENT_FAKE_SKEW_SECONDS", "0") or 0)
        self._offset = offset
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        """Seconds to add to the device's clock to read the server's."""
        with self._lock:
            return self._offset

    def set_offset(self, offset: float) -> None:
        """Adopt a newly measured offset."""
        with self._lock:
            self._offset = offset

    def measure(self, sent: float, received: float, server: dt.datetime) -> float:
        """Offset from one round trip (device times before and after, server's time)."""
        middle = (sent + received) / 2
        offset = server.timestamp() - middle
        self.set_offset(offset)
        return offset

    def device(self) -> float:
        """The device's clock (seconds since the epoch), as wrong as it is."""
        return time.time() + self.skew

    def server(self) -> float:
        """The corrected clock: what the server's clock reads now."""
        return self.device() + self.offset

    def server_dt(self) -> dt.datetime:
        """The corrected clock as an aware UTC datetime."""
        return dt.datetime.fromtimestamp(self.server(), dt.UTC)

    def device_dt(self) -> dt.datetime:
        """The device's clock as an aware UTC datetime."""
        return dt.datetime.fromtimestamp(self.device(), dt.UTC)

    def to_system(self, server_ts: float) -> dt.datetime:
        """When the host's clock (which APScheduler reads) shows a given server time."""
        return dt.datetime.fromtimestamp(server_ts - self.offset - self.skew, dt.UTC)

    def sleep_until(self, server_ts: float, stop: threading.Event | None = None) -> bool:
        """Sleep until the server's clock reaches server_ts; False if stop was set first."""
        while True:
            left = server_ts - self.server()
            if left <= 0:
                return True
            if stop is not None and stop.wait(min(left, 0.5)):
                return False
            if stop is None:
                time.sleep(min(left, 0.5))
