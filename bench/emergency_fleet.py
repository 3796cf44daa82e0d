"""The simulated fleet of bench/emergency.py: light asyncio agents polling the emergency
endpoint on their own phase, what each learned and when, and the server's CPU from /proc."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

from scheduler.emergency.feed import EMPTY

TICK = os.sysconf("SC_CLK_TCK")


def pct(values: list[float], p: float) -> float | None:
    """The p-th percentile (nearest rank), rounded to 0.1."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the processes (from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


class Fleet:
    """Every simulated agent's state and what the fleet measured."""

    def __init__(self, port: int, tokens: list[tuple[int, str]], every: float, report: bool):
        self.port, self.tokens, self.every, self.report = port, tokens, every, report
        self.etags = {ch: f'"{EMPTY}"' for ch, _ in tokens}
        self.seen: dict[int, float] = {}  # channel -> monotonic time the broadcast arrived
        self.polls: list[tuple[float, int, float]] = []  # (at, status, ms)
        self.reports: list[int] = []
        self.broadcast: int | None = None
        self.stopping = False

    async def _exchange(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {
                k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)
            }
            length = int(headers.get("content-length", "0"))
            body = await reader.readexactly(length) if length else b""
            return int(lines[0][9:12]), headers, body
        finally:
            writer.close()

    async def _poll(self, channel: int, token: str) -> None:
        raw = (f"GET /api/v1/agent/emergency HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Authorization: Bearer {token}\r\nIf-None-Match: {self.etags[channel]}\r\n"
               f"Connection: close\r\n\r\n").encode()  # fmt: skip
        t0 = time.monotonic()
        try:
            status, headers, body = await self._exchange(raw)
        except (OSError, asyncio.IncompleteReadError):
            self.polls.append((t0, 0, (time.monotonic() - t0) * 1000))
            return
        self.polls.append((t0, status, (time.monotonic() - t0) * 1000))
        if status != 200:
            return
        self.etags[channel] = headers.get("etag", self.etags[channel])
        doc = json.loads(body)
        mine = [d for d in doc["deliveries"] if d["broadcast_id"] == self.broadcast]
        if mine and channel not in self.seen:
            self.seen[channel] = time.monotonic()
            if self.report:
                await self._delivered(token, mine[0]["id"], doc["server_time"])

    async def _delivered(self, token: str, delivery: int, at: str) -> None:
        body = json.dumps({"state": "delivered", "at": at}).encode()
        raw = (f"POST /api/v1/agent/emergency/{delivery} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
        raw += body
        try:
            status, _, _ = await self._exchange(raw)
        except (OSError, asyncio.IncompleteReadError):
            status = 0
        self.reports.append(status)

    async def _agent(self, n: int, channel: int, token: str) -> None:
        start = time.monotonic() + self.every * n / len(self.tokens)
        k = 0
        while not self.stopping:
            due = start + k * self.every
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            if self.stopping:
                return
            await self._poll(channel, token)
            k += 1

    def start(self) -> list[asyncio.Task[None]]:
        """One task per agent."""
        return [asyncio.create_task(self._agent(n, ch, tok))
                for n, (ch, tok) in enumerate(self.tokens)]  # fmt: skip

    def window(self, t0: float, t1: float) -> dict:
        """Polls sent between t0 and t1: rate, latency, statuses."""
        chosen = [p for p in self.polls if t0 <= p[0] < t1]
        ms = [p[2] for p in chosen]
        return {
            "polls_per_second": round(len(chosen) / (t1 - t0), 1),
            "poll_p50_ms": pct(ms, 50),
            "poll_p99_ms": pct(ms, 99),
            "poll_statuses": {str(s): sum(1 for p in chosen if p[1] == s)
                              for s in sorted({p[1] for p in chosen})},
        }  # fmt: skip
