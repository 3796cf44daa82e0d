"""Emergency broadcasts at the station: poll, fetch the audio first, interrupt, air, report.

A poll of `GET /api/v1/agent/emergency` (every `emergency_poll_seconds`, its own job, ahead of
the schedule sync) brings the channel's deliveries; each new one's audio is fetched at once and
`delivered` reported. When a delivery is due, `playing` is reported (a 409 means it was
cancelled: it is dropped, never aired), the item on air fades out, the broadcast plays, and
`aired` with its real seconds is reported at once. Reports are queued in agent.db first and
retried until the server answers, so a link down loses none.
"""

from __future__ import annotations

import logging
import threading

from scheduler.agent.client import Client, Unreachable, file_sha256
from scheduler.agent.clock import Clock, iso
from scheduler.agent.config import AgentConfig, AgentError
from scheduler.agent.emergency_log import Delivery, EmergencyLog
from scheduler.agent.output import OutputFailed
from scheduler.agent.player import DEVICE_FAILED, NO_CONTENT, Player
from scheduler.agent.store import Store

log = logging.getLogger("loa.agent")
PLAYING_TIMEOUT = 3.0  # the `playing` report may not hold the broadcast back longer
CANCELLED = 409


class EmergencyDesk:
    """The agent's emergency side: a poll job and a thread that airs what is due."""

    def __init__(
        self,
        config: AgentConfig,
        store: Store,
        client: Client,
        clock: Clock,
        player: Player,
    ) -> None:
        self.config = config
        self.log = EmergencyLog(store)
        self.store = store
        self.client = client
        self.clock = clock
        self.player = player
        self._wake = threading.Event()
        self._idle = threading.Event()  # clear while emergency audio is being fetched
        self._idle.set()
        self._poll_lock = threading.Lock()
        self._report_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # --- poll and fetch
    def poll(self) -> int:
        """Ask for the channel's deliveries, fetch new audio, send owed reports; status code."""
        with self._poll_lock:
            try:
                fetched = self.client.emergencies(self.store.get("emergency_etag"))
            except AgentError as exc:
                log.warning("emergency poll: %s", exc)
                self.flush()
                return 0
            if fetched.status == 200 and fetched.body is not None:
                dropped = self.log.merge(list(fetched.body.get("deliveries", [])))
                for delivery_id in dropped:
                    log.info("emergency delivery %s dropped (cancelled or gone)", delivery_id)
                self.store.put(emergency_etag=fetched.etag or "")
            self.fetch()
            self.flush()
            self._wake.set()
            return fetched.status

    def fetch(self) -> None:
        """Download the audio of deliveries still to air (the soonest due first).

        Meanwhile the schedule sync holds its own downloads back (see `idle`).
        """
        folder = self.config.audio_dir
        folder.mkdir(parents=True, exist_ok=True)
        now = self.clock.server()
        pending = [d for d in self.log.to_air(now) if d.state == "pending"]
        if not pending:
            return
        self._idle.clear()
        try:
            for d in pending:
                self._fetch_one(d)
        finally:
            self._idle.set()

    def idle(self, timeout: float = 60.0) -> None:
        """Wait while emergency audio is being fetched (the sync calls it between files)."""
        self._idle.wait(timeout)

    def _fetch_one(self, d: Delivery) -> None:
        """Fetch one delivery's audio (checked against its hash), then report `delivered`."""
        folder = self.config.audio_dir
        if not d.sha256:
            self._failed_fetch(d, NO_CONTENT)
            return
        target = folder / f"{d.sha256}.mp3"
        try:
            if not (target.is_file() and file_sha256(target) == d.sha256):
                self.client.download(d.sha256, target)
        except AgentError as exc:
            self._failed_fetch(d, str(exc))
            return
        self.store.mark_verified(d.sha256, target.stat().st_size, self.clock.device())
        self.log.set_state(d.delivery_id, "ready")
        self.log.queue(d.delivery_id, "delivered", iso(self.clock.server()))
        log.info("emergency %s fetched: %s", d.delivery_id, d.title)

    def _failed_fetch(self, d: Delivery, reason: str) -> None:
        log.warning("emergency %s: audio not fetched (%s)", d.delivery_id, reason)
        self.log.queue(d.delivery_id, "failed", iso(self.clock.server()), reason=reason[:300])

    # --- reports
    def flush(self) -> int:
        """Send queued reports in order until one cannot be sent; how many were answered."""
        done = 0
        with self._report_lock:
            for report in self.log.unsent():
                try:
                    answer = self.client.report_step(report.delivery_id, report.body())
                except Unreachable as exc:
                    if exc.status in (0, 408, 429) or exc.status >= 500:
                        log.warning("emergency report kept for later: %s", exc)
                        return done
                    self._refused(report.delivery_id, exc.status)
                    self.log.answered(report.id, f"refused {exc.status}")
                else:
                    self.log.answered(report.id, str(answer.get("state")))
                done += 1
        return done

    def _refused(self, delivery_id: int, status: int) -> None:
        d = self.log.get(delivery_id)
        if status == CANCELLED and d is not None and d.state in ("pending", "ready", "failed"):
            self.log.set_state(delivery_id, "dropped", reason="cancelled")

    def _say_playing(self, d: Delivery) -> bool:
        """Report `playing` before airing; False when the server says it was cancelled.

        The answer is awaited PLAYING_TIMEOUT seconds at most (also behind a slow flush): a
        warning airs even when the link is down, and the queued report goes later.
        """
        self.log.queue(d.delivery_id, "playing", iso(self.clock.server()))
        if not self._report_lock.acquire(timeout=PLAYING_TIMEOUT):
            return True
        try:
            report = next((r for r in self.log.unsent() if r.delivery_id == d.delivery_id
                           and r.state == "playing"), None)  # fmt: skip
            if report is None:
                return True  # answered meanwhile by a flush
            try:
                answer = self.client.report_step(d.delivery_id, report.body(), PLAYING_TIMEOUT)
            except Unreachable as exc:
                if exc.status == CANCELLED:
                    self.log.answered(report.id, "refused 409")
                    return False
                log.warning("emergency %s airs without the server's word: %s", d.delivery_id, exc)
                return True
            self.log.answered(report.id, str(answer.get("state")))
            return True
        finally:
            self._report_lock.release()

    # --- airing
    def air(self, d: Delivery) -> None:
        """Interrupt what plays, air the broadcast, report it (or why it did not air)."""
        current = self.log.get(d.delivery_id)
        if current is None or current.state != "ready":
            return  # dropped or corrected by a poll meanwhile
        if not self._say_playing(d):
            self.log.set_state(d.delivery_id, "dropped", reason="cancelled")
            log.info("emergency %s cancelled before it started: not aired", d.delivery_id)
            return
        path = self.config.audio_dir / f"{d.sha256}.mp3"
        if not d.sha256 or not path.is_file() or file_sha256(path) != d.sha256:
            self.log.set_state(d.delivery_id, "pending")  # fetched again at the next poll
            if d.sha256:
                self.store.forget_file(d.sha256)
            self._failed_fetch(d, NO_CONTENT)
            return
        self.log.set_state(d.delivery_id, "playing")
        started = self.clock.server()
        try:
            seconds, finished = self.player.play_emergency(f"emergency-{d.delivery_id}", path)
        except (OutputFailed, OSError) as exc:
            log.warning("emergency %s: output failed (%s)", d.delivery_id, exc)
            self.log.set_state(d.delivery_id, "failed", reason=DEVICE_FAILED)
            self.log.queue(d.delivery_id, "failed", iso(self.clock.server()),
                           reason=f"{DEVICE_FAILED}: {exc}"[:300])  # fmt: skip
            self.flush()
            return
        if not finished and self.player.shutdown.is_set():
            return  # stopped mid-way: airs again at the next start (recover)
        self.log.set_state(d.delivery_id, "aired", seconds=seconds, aired_at=iso(started))
        self.log.queue(d.delivery_id, "aired", iso(started), seconds=seconds)
        log.info("emergency %s aired (%.2f s)", d.delivery_id, seconds)
        self.flush()

    def _due(self) -> tuple[Delivery | None, float]:
        """The next delivery ready and due, or how long to wait for one."""
        now = self.clock.server()
        wait = 1.0
        for d in self.log.to_air(now):
            if d.state != "ready":
                continue
            if d.due_at <= now:
                return d, 0.0
            wait = min(wait, d.due_at - now)
        return None, max(wait, 0.05)

    def _run(self) -> None:
        while not self.player.shutdown.is_set():
            d, wait = self._due()
            if d is None:
                self._wake.wait(wait)
                self._wake.clear()
                continue
            try:
                self.air(d)
            except Exception:  # the airing thread must outlive one bad delivery
                log.exception("emergency %s could not be aired", d.delivery_id)
                self.log.set_state(d.delivery_id, "failed", reason=DEVICE_FAILED)

    # --- life
    def start(self) -> None:
        """Recover after a crash and start the airing thread."""
        again = self.log.recover()
        if again:
            log.info("%s emergency broadcast(s) interrupted by a stop will air again", again)
        self._thread = threading.Thread(target=self._run, name="emergency", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the airing thread (the player's shutdown is already set)."""
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
