"""The agent's durable record of emergency deliveries and of the reports it owes the server.

Both live in agent.db (SQLite, synchronous=FULL): a delivery's local state survives a restart,
and a report (delivered, playing, aired, failed) is queued before it is sent, then retried
until the server answers it (the server takes each step once: replays are no-ops).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from scheduler.agent.store import Store

# Local states: pending (audio not fetched), ready, playing, aired, failed (playback), dropped.
TO_AIR = ("pending", "ready", "failed")
COLUMNS = (
    "delivery_id, broadcast_id, title, due_at, expires_at, sha256, duration_ms, state, seconds,"
    " reason, aired_at"
)


def _ts(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


@dataclass(frozen=True)
class Delivery:
    """One occurrence of a broadcast as the agent keeps it."""

    delivery_id: int
    broadcast_id: int
    title: str
    due_at: float
    expires_at: float
    sha256: str | None
    duration_ms: int
    state: str
    seconds: float | None
    reason: str | None
    aired_at: str | None


@dataclass(frozen=True)
class Report:
    """A step owed to the server."""

    id: int
    delivery_id: int
    state: str
    at: str
    seconds: float | None
    reason: str | None

    def body(self) -> dict[str, Any]:
        """The step as the server's API takes it."""
        out: dict[str, Any] = {"state": self.state, "at": self.at}
        if self.seconds is not None:
            out["seconds"] = round(self.seconds, 3)
        if self.reason:
            out["reason"] = self.reason[:300]
        return out


class EmergencyLog:
    """Deliveries and queued reports in the agent's store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[Delivery]:
        """Every delivery kept, due first."""
        rows = self.store.rows(f"SELECT {COLUMNS} FROM emergency ORDER BY due_at, delivery_id")
        return [Delivery(*r) for r in rows]

    def get(self, delivery_id: int) -> Delivery | None:
        """One delivery."""
        rows = self.store.rows(
            f"SELECT {COLUMNS} FROM emergency WHERE delivery_id = ?", (delivery_id,)
        )
        return Delivery(*rows[0]) if rows else None

    def to_air(self, now: float) -> list[Delivery]:
        """Deliveries still to air and not expired, due first."""
        return [d for d in self.all() if d.state in TO_AIR and d.expires_at > now]

    def files(self) -> set[str]:
        """Audio the emergency log still needs (the sync must not remove it)."""
        rows = self.store.rows(
            "SELECT sha256 FROM emergency WHERE sha256 IS NOT NULL AND state IN"
            " ('pending', 'ready', 'failed', 'playing')"
        )
        return {r[0] for r in rows}

    def merge(self, rows: list[dict[str, Any]]) -> list[int]:
        """Adopt the server's list: new deliveries, corrections, cancellations; dropped ids.

        A delivery the list no longer names (aired by a person, expired) is dropped unless it
        is playing or done; a cancelled one is dropped unless it already started.
        """
        dropped: list[int] = []
        known = {d.delivery_id: d for d in self.all()}
        with self.store.tx() as db:
            for row in rows:
                old = known.pop(int(row["id"]), None)
                audio = row["programme"]
                if row["state"] == "cancelled":
                    if old is None or old.state in TO_AIR:
                        self._put(db, row, "dropped", "cancelled")
                        dropped.append(int(row["id"]))
                    continue
                if old is None or (old.state in TO_AIR and old.sha256 != audio["sha256"]):
                    self._put(db, row, "pending", None)  # new, or corrected: fetch the audio
                    db.execute(  # a corrected delivery is fetched (and reported) again
                        "DELETE FROM emergency_reports WHERE delivery_id = ? AND sent = 1"
                        " AND state IN ('delivered', 'failed')",
                        (int(row["id"]),),
                    )
            for gone in known.values():
                if gone.state in TO_AIR:
                    db.execute(
                        "UPDATE emergency SET state = 'dropped', reason = 'gone'"
                        " WHERE delivery_id = ?",
                        (gone.delivery_id,),
                    )
                    dropped.append(gone.delivery_id)
        return dropped

    @staticmethod
    def _put(db: Any, row: dict[str, Any], state: str, reason: str | None) -> None:
        audio = row["programme"]
        db.execute(
            "INSERT INTO emergency (delivery_id, broadcast_id, title, due_at, expires_at, sha256,"
            " duration_ms, state, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (delivery_id) DO UPDATE SET title = excluded.title,"
            " due_at = excluded.due_at, expires_at = excluded.expires_at,"
            " sha256 = excluded.sha256, duration_ms = excluded.duration_ms,"
            " state = excluded.state, reason = excluded.reason"
            " WHERE emergency.state IN ('pending', 'ready', 'failed')",
            (int(row["id"]), int(row["broadcast_id"]), str(row["title"]), _ts(row["due_at"]),
             _ts(row["expires_at"]), audio["sha256"], int(audio["duration_ms"]), state, reason),
        )  # fmt: skip

    def set_state(
        self,
        delivery_id: int,
        state: str,
        *,
        seconds: float | None = None,
        reason: str | None = None,
        aired_at: str | None = None,
    ) -> None:
        """Move a delivery to a local state (durable before the next step)."""
        with self.store.tx() as db:
            db.execute(
                "UPDATE emergency SET state = ?, seconds = COALESCE(?, seconds),"
                " reason = COALESCE(?, reason), aired_at = COALESCE(?, aired_at)"
                " WHERE delivery_id = ?",
                (state, seconds, reason, aired_at, delivery_id),
            )

    def recover(self) -> int:
        """After a crash: a delivery left playing did not air; it airs again."""
        with self.store.tx() as db:
            cur = db.execute("UPDATE emergency SET state = 'ready' WHERE state = 'playing'")
        return int(cur.rowcount)

    # --- the reports owed to the server
    def queue(
        self,
        delivery_id: int,
        state: str,
        at: str,
        seconds: float | None = None,
        reason: str | None = None,
    ) -> None:
        """Queue a step (once per delivery and state)."""
        with self.store.tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO emergency_reports (delivery_id, state, at, seconds, reason)"
                " VALUES (?, ?, ?, ?, ?)",
                (delivery_id, state, at, seconds, reason),
            )

    def unsent(self) -> list[Report]:
        """Steps not yet answered by the server, in the order they happened."""
        rows = self.store.rows(
            "SELECT id, delivery_id, state, at, seconds, reason FROM emergency_reports"
            " WHERE sent = 0 ORDER BY id"
        )
        return [Report(*r) for r in rows]

    def answered(self, report_id: int, result: str) -> None:
        """The server answered the step (its state, or why it refused it)."""
        with self.store.tx() as db:
            db.execute(
                "UPDATE emergency_reports SET sent = 1, result = ? WHERE id = ?",
                (result, report_id),
            )
