"""Playing slots: each item at its planned time on the server's clock, logged before it plays.

An item whose time has passed when the agent gets to it is logged not aired (the agent was not
running); a missing or damaged file is not played (khong_nhan_duoc_noi_dung); an output error is
hong_thiet_bi. Emergency items pre-empt: the item on air fades out within a second, is logged
partial with the seconds it really played, and the emergency item plays at once. An emergency
broadcast (play_emergency) pre-empts the same way from outside the slot; afterwards the slot
resumes, its remaining items shifted by the interruption, or is left ([agent] after_emergency).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduler.agent.client import file_sha256
from scheduler.agent.clock import Clock, iso
from scheduler.agent.config import AgentConfig
from scheduler.agent.output import Output, OutputFailed, play_file
from scheduler.agent.store import Store
from scheduler.agent.sync import slot_end, slot_start

log = logging.getLogger("loa.agent")
LATE_GRACE = 2.0  # an item may start this late and still be played
PROGRESS_EVERY = 0.5
AGENT_DOWN = "may_phat_khong_chay"
NO_CONTENT = "khong_nhan_duoc_noi_dung"
DEVICE_FAILED = "hong_thiet_bi"
EMERGENCY = "phat_tin_khan"


@dataclass
class NowPlaying:
    """The item on air."""

    item_id: int
    priority: str
    stop: threading.Event


class Player:
    """Plays one slot at a time; can be told to pre-empt the item on air."""

    def __init__(self, config: AgentConfig, store: Store, clock: Clock, output: Output) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.output = output
        self.shutdown = threading.Event()
        self.now_playing: NowPlaying | None = None
        self.last_play_at: float | None = None
        self.output_ok = True
        self._slot_lock = threading.Lock()
        self._air = threading.Lock()  # held by whatever writes to the output
        self._urgent = threading.Event()  # an emergency broadcast wants the output
        self._spans: list[tuple[float, float]] = []  # emergency broadcasts aired (server time)

    # --- what to play
    def _slot(self, slot_id: int) -> dict[str, Any] | None:
        schedule = self.store.schedule() or {"slots": []}
        return next((s for s in schedule["slots"] if s["id"] == slot_id), None)

    def _next_item(
        self, slot: dict[str, Any], done: set[int]
    ) -> tuple[dict[str, Any], float] | None:
        """The next item to handle: emergencies first (at once), then in order at their times."""
        start = slot_start(slot)
        pending = [i for i in slot["items"] if i["id"] not in done]
        if not pending:
            return None
        urgent = [i for i in pending if i.get("priority") == "emergency"]
        if urgent:
            return urgent[0], self.clock.server()
        first = min(pending, key=lambda i: (i["position"], i["id"]))
        return first, start + first["offset_ms"] / 1000

    def emergency_pending(self, slot_id: int) -> bool:
        """True when the slot holds an emergency item not yet logged."""
        slot = self._slot(slot_id)
        if slot is None:
            return False
        done = self.store.logged_items()
        return any(i.get("priority") == "emergency" and i["id"] not in done for i in slot["items"])

    def preempt(self) -> None:
        """Fade out the normal item on air (an emergency item is waiting)."""
        playing = self.now_playing
        if playing is not None and playing.priority != "emergency":
            playing.stop.set()

    # --- playing
    def play_slot(self, slot_id: int) -> None:
        """Play a slot from where the clock is: past items logged, the rest played on time."""
        with self._slot_lock:
            while not self.shutdown.is_set():
                if self._urgent.is_set():
                    self.shutdown.wait(0.1)  # an emergency broadcast is on air
                    continue
                slot = self._slot(slot_id)
                if slot is None:
                    return
                step = self._next_item(slot, self.store.logged_items())
                if step is None:
                    return
                item, due = step
                normal = item.get("priority") != "emergency"
                if normal:
                    due += self._shift(slot)
                if normal and (self.clock.server() > slot_end(slot) or self._left(slot)):
                    self._log_missed(slot, item, self._reason(slot))
                    continue
                if not self._wait(due, slot_id):
                    continue  # an emergency arrived while waiting: take it first
                late = self.clock.server() - due
                if late > LATE_GRACE:
                    self._log_missed(slot, item, self._reason(slot))
                    continue
                self._play_item(slot, item)

    def _emergency_played(self, slot: dict[str, Any]) -> bool:
        done = self.store.logged_items()
        if any(i.get("priority") == "emergency" and i["id"] in done for i in slot["items"]):
            return True
        return bool(self._spans_in(slot))

    def _reason(self, slot: dict[str, Any]) -> str:
        return EMERGENCY if self._emergency_played(slot) else AGENT_DOWN

    def _spans_in(self, slot: dict[str, Any]) -> list[tuple[float, float]]:
        """Emergency broadcasts aired while the slot ran."""
        start, end = slot_start(slot), slot_end(slot)
        return [(a, b) for a, b in self._spans if b > start and a < end]

    def _shift(self, slot: dict[str, Any]) -> float:
        """How far the slot's remaining items move (resume: by the emergencies' length)."""
        if self.config.after_emergency != "resume":
            return 0.0
        return sum(b - a for a, b in self._spans_in(slot))

    def _left(self, slot: dict[str, Any]) -> bool:
        """True when the slot is abandoned after an emergency broadcast (after_emergency=leave)."""
        return self.config.after_emergency == "leave" and bool(self._spans_in(slot))

    def _wait(self, due: float, slot_id: int) -> bool:
        """Sleep until due; False if an emergency item arrived meanwhile."""
        while True:
            left = due - self.clock.server()
            if left <= 0:
                return True
            if self.shutdown.wait(min(left, 0.2)):
                return False
            if self._urgent.is_set() or self.emergency_pending(slot_id):
                return False

    def _log_missed(self, slot: dict[str, Any], item: dict[str, Any], reason: str) -> None:
        now = self.clock.server()
        self.store.start_item(
            item["id"], slot["id"], iso(now), iso(self.clock.device()), item.get("sha256"),
            self.clock.offset, status="not_aired", state="done", reason_code=reason,
        )  # fmt: skip
        log.info("item %s not aired (%s)", item["id"], reason)

    def _file_ok(self, item: dict[str, Any]) -> bool:
        sha = item.get("sha256")
        if not sha:
            return False
        path = self.config.audio_dir / f"{sha}.mp3"
        if not path.is_file() or file_sha256(path) != sha:
            self.store.forget_file(sha)
            return False
        return True

    def _play_item(self, slot: dict[str, Any], item: dict[str, Any]) -> None:
        if not self._file_ok(item):
            self._log_missed(slot, item, NO_CONTENT)
            return
        with self._air:
            if self._urgent.is_set():
                return  # an emergency broadcast takes the output first; the loop comes back
            self._play_on_air(slot, item)

    def _play_on_air(self, slot: dict[str, Any], item: dict[str, Any]) -> None:
        started = self.clock.server()
        event_id = self.store.start_item(
            item["id"], slot["id"], iso(started), iso(self.clock.device()), item["sha256"],
            self.clock.offset,
        )  # fmt: skip
        if event_id is None:
            return  # logged meanwhile (never twice)
        stop = threading.Event()
        self.now_playing = NowPlaying(item["id"], item.get("priority", "normal"), stop)
        mark = [time.monotonic()]

        def progress(seconds: float) -> None:
            if time.monotonic() - mark[0] >= PROGRESS_EVERY:
                mark[0] = time.monotonic()
                self.store.progress(event_id, seconds)

        seconds, finished = 0.0, False
        try:
            sink = self.output.open(item["id"])
            seconds, finished = play_file(
                self.config.audio_dir / f"{item['sha256']}.mp3", sink, stop, progress
            )
            self.output_ok = True
        except (OutputFailed, OSError) as exc:
            self.output_ok = False
            log.warning("output failed for item %s: %s", item["id"], exc)
            if seconds <= 0:
                self.store.finish(event_id, "not_aired", 0.0, DEVICE_FAILED)
                return
        finally:
            self.now_playing = None
        self.last_play_at = self.clock.server()
        full = item["duration_ms"] / 1000
        if finished and seconds >= full - 0.5:
            self.store.finish(event_id, "aired", seconds)
        elif seconds > 0:
            # Cut by the agent's own stop (shutdown) or by a warning (an emergency pre-empts).
            reason = AGENT_DOWN if self.shutdown.is_set() else EMERGENCY if stop.is_set() else None
            self.store.finish(event_id, "partial", seconds, reason)
        else:
            self.store.finish(event_id, "not_aired", 0.0, NO_CONTENT)
        log.info("item %s %s (%.2f s)", item["id"], "aired" if finished else "partial", seconds)

    # --- emergency broadcasts
    def play_emergency(self, name: str, path: Path) -> tuple[float, bool]:
        """Air an emergency broadcast now: the item on air fades out (logged partial) first.

        Returns (seconds played, finished); an output failure raises OutputFailed.
        """
        self._urgent.set()
        try:
            while not self._air.acquire(timeout=0.1):
                self.preempt()  # the item on air fades out within a second
            try:
                started = self.clock.server()
                self.now_playing = NowPlaying(0, "emergency", self.shutdown)
                try:
                    sink = self.output.open(name)
                    seconds, finished = play_file(path, sink, self.shutdown)
                    self.output_ok = True
                except OutputFailed:
                    self.output_ok = False
                    raise
                finally:
                    self.now_playing = None
                    self._spans = [*self._spans[-50:], (started, self.clock.server())]
                self.last_play_at = self.clock.server()
                return seconds, finished
            finally:
                self._air.release()
        finally:
            self._urgent.clear()
