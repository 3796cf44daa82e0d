"""Benchmark: how fast the database's disk makes small writes durable, with no Loa at all.

Usage: python bench/disk.py [--dir /var/lib/postgresql] [--rate 300] [--seconds 30]
Every confirmation waits for its WAL flush (one fdatasync), so this is the floor under the
confirmation latency of bench/web.py: a disk whose syncs stall for 300 ms stalls every
confirmation in flight for 300 ms, whatever the server does. Writes 8 KB and fdatasyncs at a
fixed rate from three threads (as concurrent commits would), on files in --dir (by default the
parent of PostgreSQL's data directory when it is on this machine, else the system temp folder).
Prints p50/p99/max and the syncs over 50 and 100 ms, a JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

THREADS = 3


def default_dir() -> Path:
    """The parent of PostgreSQL's data directory when it is here, else the temp folder."""
    for candidate in (Path("/var/lib/postgresql"), Path(tempfile.gettempdir())):
        if candidate.is_dir() and os.access(candidate, os.W_OK):
            return candidate
    return Path(tempfile.gettempdir())


def run(folder: Path, rate: float, seconds: float) -> list[float]:
    """Sync latencies (ms) of 8 KB overwrites at `rate` per second in all, for `seconds`."""
    lat: list[float] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    end = start + seconds

    def worker(k: int) -> None:
        path = folder / f"loa-disk-bench-{os.getpid()}-{k}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.pwrite(fd, b"\0" * (1 << 20), 0)  # allocated first, as a recycled WAL segment is
            os.fsync(fd)
            mine: list[float] = []
            due = start + k / rate
            i = 0
            while due < end:
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                os.pwrite(fd, b"x" * 8192, (i % 128) * 8192)
                t0 = time.perf_counter()
                os.fdatasync(fd)
                mine.append((time.perf_counter() - t0) * 1000)
                i += 1
                due += THREADS / rate
            with lock:
                lat.extend(mine)
        finally:
            os.close(fd)
            path.unlink()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(lat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--rate", type=float, default=300.0, help="syncs per second in all")
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    folder = args.dir or default_dir()
    lat = run(folder, args.rate, args.seconds)
    figures = {
        "bench": "disk",
        "dir": str(folder),
        "rate": args.rate,
        "syncs": len(lat),
        "p50_ms": round(lat[len(lat) // 2], 2),
        "p99_ms": round(lat[max(int(len(lat) * 0.99) - 1, 0)], 2),
        "max_ms": round(lat[-1], 1),
        "over_50ms": sum(x > 50 for x in lat),
        "over_100ms": sum(x > 100 for x in lat),
    }
    print(
        f"{folder}: {len(lat)} syncs of 8 KB at {args.rate:.0f}/s: p50 {figures['p50_ms']} ms, "
        f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms, "
        f"{figures['over_50ms']} over 50 ms, {figures['over_100ms']} over 100 ms"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
