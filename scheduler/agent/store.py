"""The agent's local SQLite: the schedule it plays, the verified audio files, the as-run log.

Every as-run row is committed (fsync'd, WAL with synchronous=FULL) before it is played past or
reported, so a power cut or `kill -9` loses at most the last half-second of an item's count.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY, bytes INTEGER NOT NULL, verified_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS asrun (
    event_id TEXT PRIMARY KEY,
    item_id INTEGER NOT NULL UNIQUE,
    slot_id INTEGER NOT NULL,
    state TEXT NOT NULL,              -- playing | done
    status TEXT NOT NULL,             -- aired | partial | not_aired
    reason_code TEXT,
    started_at TEXT NOT NULL,         -- server time (corrected)
    device_started_at TEXT NOT NULL,  -- the device's own clock
    seconds REAL NOT NULL DEFAULT 0,
    sha256 TEXT,
    clock_offset REAL NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,  -- 1 once the server acknowledged it
    result TEXT
);
CREATE INDEX IF NOT EXISTS ix_asrun_unsent ON asrun (sent, state);
CREATE TABLE IF NOT EXISTS emergency (
    delivery_id INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    due_at REAL NOT NULL,             -- server time
    expires_at REAL NOT NULL,
    sha256 TEXT,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,              -- pending | ready | playing | aired | failed | dropped
    seconds REAL,
    reason TEXT,
    aired_at TEXT
);
CREATE TABLE IF NOT EXISTS emergency_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL,
    state TEXT NOT NULL,              -- delivered | playing | aired | failed
    at TEXT NOT NULL,
    seconds REAL,
    reason TEXT,
    sent INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    UNIQUE (delivery_id, state)
);
"""


@dataclass(frozen=True)
class AsRun:
    """One row of the as-run log."""

    event_id: str
    item_id: int
    slot_id: int
    state: str
    status: str
    reason_code: str | None
    started_at: str
    device_started_at: str
    seconds: float
    sha256: str | None
    clock_offset: float
    sent: int
    result: str | None

    def as_event(self) -> dict[str, Any]:
        """The row as the server's as-run API takes it."""
        return {
            "event_id": self.event_id,
            "item_id": self.item_id,
            "status": self.status,
            "started_at": self.started_at,
            "device_started_at": self.device_started_at,
            "seconds_played": round(self.seconds, 3),
            "sha256": self.sha256,
            "clock_offset_seconds": round(self.clock_offset, 3),
            "reason_code": self.reason_code,
        }


class Store:
    """Thread-safe access to the agent's SQLite file (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT), for the emergency log."""
        with self._tx() as db:
            yield db

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of a read query."""
        with self._lock:
            return list(self._db.execute(sql, params).fetchall())

    # --- meta: the schedule and the clock offset
    def get(self, key: str) -> str | None:
        """A stored value."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, **values: str) -> None:
        """Store values in one transaction."""
        with self._tx() as db:
            for key, value in values.items():
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def schedule(self) -> dict[str, Any] | None:
        """The schedule the agent plays (as the server sent it, frozen slots kept)."""
        raw = self.get("schedule")
        return json.loads(raw) if raw else None

    def save_schedule(self, schedule: dict[str, Any], etag: str) -> None:
        """Replace the schedule and its ETag together."""
        self.put(schedule=json.dumps(schedule, ensure_ascii=False), etag=etag)

    # --- files
    def verified(self) -> dict[str, int]:
        """Verified files: sha256 -> bytes."""
        with self._lock:
            return dict(self._db.execute("SELECT sha256, bytes FROM files").fetchall())

    def mark_verified(self, sha256: str, size: int, at: float) -> None:
        """Record a file whose hash was checked."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO files (sha256, bytes, verified_at) VALUES (?, ?, ?)",
                (sha256, size, at),
            )

    def forget_file(self, sha256: str) -> None:
        """Drop a file from the index (removed or found damaged)."""
        with self._tx() as db:
            db.execute("DELETE FROM files WHERE sha256 = ?", (sha256,))

    # --- as-run
    def logged_items(self) -> set[int]:
        """Items the as-run log already speaks for."""
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT item_id FROM asrun")}

    def start_item(  # noqa: PLR0913 - the columns of one as-run row, named by the caller
        self,
        item_id: int,
        slot_id: int,
        started_at: str,
        device_started_at: str,
        sha256: str | None,
        offset: float,
        status: str = "partial",
        state: str = "playing",
        reason_code: str | None = None,
        seconds: float = 0.0,
    ) -> str | None:
        """Open the item's row before it plays (or log it at once); None if already logged."""
        event_id = uuid.uuid4().hex
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO asrun (event_id, item_id, slot_id, state, status,"
                " reason_code, started_at, device_started_at, seconds, sha256, clock_offset)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event_id, item_id, slot_id, state, status, reason_code, started_at,
                 device_started_at, seconds, sha256, offset),
            )  # fmt: skip
        return event_id if cur.rowcount == 1 else None

    def progress(self, event_id: str, seconds: float) -> None:
        """How long the item has played so far (durable)."""
        with self._tx() as db:
            db.execute("UPDATE asrun SET seconds = ? WHERE event_id = ?", (seconds, event_id))

    def finish(
        self, event_id: str, status: str, seconds: float, reason_code: str | None = None
    ) -> None:
        """Close the item's row: what finally aired."""
        with self._tx() as db:
            db.execute(
                "UPDATE asrun SET state = 'done', status = ?, seconds = ?, reason_code = ?"
                " WHERE event_id = ?",
                (status, seconds, reason_code, event_id),
            )

    def recover(self) -> int:
        """After a crash: items left 'playing' become partial with the seconds last recorded."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE asrun SET state = 'done', status = CASE WHEN seconds > 0"
                " THEN 'partial' ELSE 'not_aired' END, reason_code = CASE WHEN seconds > 0"
                " THEN reason_code ELSE 'may_phat_khong_chay' END WHERE state = 'playing'"
            )
        return cur.rowcount

    def unsent(self, limit: int = 100) -> list[AsRun]:
        """Finished rows the server has not acknowledged yet, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id, item_id, slot_id, state, status, reason_code, started_at,"
                " device_started_at, seconds, sha256, clock_offset, sent, result FROM asrun"
                " WHERE sent = 0 AND state = 'done' ORDER BY started_at LIMIT ?",
                (limit,),
            ).fetchall()
        return [AsRun(*r) for r in rows]

    def acknowledge(self, results: dict[str, str]) -> None:
        """Mark rows the server answered for (accepted, duplicate or rejected)."""
        with self._tx() as db:
            for event_id, result in results.items():
                db.execute(
                    "UPDATE asrun SET sent = 1, result = ? WHERE event_id = ?", (result, event_id)
                )

    def all_asrun(self) -> list[AsRun]:
        """The whole as-run log (status, tests)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id, item_id, slot_id, state, status, reason_code, started_at,"
                " device_started_at, seconds, sha256, clock_offset, sent, result FROM asrun"
                " ORDER BY started_at"
            ).fetchall()
        return [AsRun(*r) for r in rows]
