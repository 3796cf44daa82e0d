"""A light HTTP/1.1 load generator on asyncio streams, so the bench's clients take little CPU.

The server and its load generator share the machine's cores; http.client in threads spends
several times the CPU per request of a prepared request written to a socket, and that CPU is
taken from the server under test. Requests are prepared as bytes once; an answer is read by its
Content-Length. Connections are kept alive; a connection the server closed is reopened and the
request sent again (every request the benches send is idempotent).

Two modes, each run in its own processes (fork) so the caller's interpreter stays out of it:
- closed loop: each connection sends its next request as soon as the answer came, until the
  time is up or its requests run out (throughput);
- open loop: requests are due on a fixed timetable at a given rate and latency counts from the
  moment each was due, so a slow server cannot hide its queueing (no coordinated omission).
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import statistics
import time
from collections.abc import Sequence


def request(method: str, path: str, headers: dict[str, str] | None = None, body: str = "") -> bytes:
    """One HTTP/1.1 request as bytes, ready to write."""
    data = body.encode()
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if data or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


class _Conn:
    """One keep-alive connection; send() returns the answer's status (0: no answer)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def _once(self, raw: bytes) -> int:
        if self.writer is None:
            await self._open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        low = head.lower()
        at = low.find(b"content-length:")
        length = int(low[at + 15 : low.index(b"\r\n", at)]) if at >= 0 else 0
        if length:
            await self.reader.readexactly(length)
        if b"connection: close" in low:
            self.close()
        return status

    async def send(self, raw: bytes) -> int:
        """Send one request; a connection found closed is reopened once."""
        for attempt in (1, 2):
            try:
                return await asyncio.wait_for(self._once(raw), 10)
            except (
                OSError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
                TimeoutError,
                ValueError,
            ):
                self.close()
                if attempt == 2:
                    return 0
        return 0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _closed(
    port: int, requests: Sequence[bytes], cycle: bool, seconds: float, connections: int
) -> tuple[list[float], int]:
    """Closed loop: every connection sends the next request as soon as it has an answer."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    lat: list[float] = []
    bad = 0
    nxt = 0

    async def worker() -> None:
        nonlocal bad, nxt
        conn = _Conn(port)
        while loop.time() < deadline:
            if nxt >= len(requests):
                if not cycle:
                    break
                nxt = 0
            raw = requests[nxt]
            nxt += 1
            t0 = loop.time()
            status = await conn.send(raw)
            lat.append((loop.time() - t0) * 1000)
            bad += not 200 <= status < 400
        conn.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return lat, bad


async def _open_loop(
    port: int, requests: Sequence[bytes], rate: float, start_at: float, connections: int
) -> tuple[list[float], int]:
    """Open loop: request i is due at start_at + i / rate (perf_counter clock)."""
    lat: list[float] = []
    bad = 0
    queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

    async def worker() -> None:
        nonlocal bad
        conn = _Conn(port)
        while (job := await queue.get()) is not None:
            due, raw = job
            status = await conn.send(raw)
            lat.append((time.perf_counter() - due) * 1000)
            bad += not 200 <= status < 400
        conn.close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    for i, raw in enumerate(requests):
        due = start_at + i / rate
        pause = due - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        queue.put_nowait((due, raw))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return lat, bad


def _child(args: tuple) -> None:
    """One client process: run its share and put (latencies, errors) on the queue."""
    mode, port, requests, a, b, connections, queue = args
    out: tuple[list[float], int] = ([], len(requests))
    try:
        if mode == "closed":
            out = asyncio.run(_closed(port, requests, a, b, connections))
        else:
            out = asyncio.run(_open_loop(port, requests, a, b, connections))
    finally:
        queue.put(out)  # the parent waits for every child, even one that failed


def _run(argsets: list[tuple], t0: float) -> dict[str, float]:
    """Run one process per argument tuple; figures over all of them (rate counted from t0)."""
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=_child, args=((*a, queue),)) for a in argsets]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - t0
    lat = sorted(x for r in results for x in r[0])
    return {
        "requests": len(lat),
        "errors": sum(r[1] for r in results),
        "rps": round(len(lat) / elapsed, 1),
        "p50_ms": round(statistics.median(lat), 2) if lat else 0.0,
        "p99_ms": round(lat[max(int(len(lat) * 0.99) - 1, 0)], 2) if lat else 0.0,
        "max_ms": round(lat[-1], 2) if lat else 0.0,
    }


def closed_loop(
    port: int,
    requests: Sequence[bytes],
    seconds: float,
    processes: int,
    connections: int,
    cycle: bool = False,
) -> dict[str, float]:
    """As fast as answered: processes x connections; with cycle the requests repeat."""
    shares = [list(requests if cycle else requests[i::processes]) for i in range(processes)]
    argsets = [("closed", port, s, cycle, seconds, connections) for s in shares]
    return _run(argsets, time.perf_counter())


def open_loop(
    port: int, requests: Sequence[bytes], rate: float, processes: int, connections: int
) -> dict[str, float]:
    """Offer the requests at a fixed total rate, each process its interleaved share."""
    start_at = time.perf_counter() + 0.5
    argsets = [
        (
            "open",
            port,
            list(requests[i::processes]),
            rate / processes,
            start_at + i / rate,
            connections,
        )
        for i in range(processes)
    ]
    return _run(argsets, start_at)
