"""Benchmark: the web app under gunicorn (2 workers) on PostgreSQL.

Usage: python bench/web.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
       [--seconds 8] [--clients 2] [--connections 12] [--rate 300] [--paced-seconds 20]
Targets (issue 6): the planner's week grid of 200 channels rendered under 300 ms; the
confirmation endpoint sustains 300 requests/s with p99 under 100 ms, and its throughput is at
least half that of a trivial endpoint on the same server in the same run.
How: "sustains 300 req/s with p99 < 100 ms" is measured open loop: confirmations are offered at
a fixed 300 req/s on a timetable (latency from when each was due, so queueing is not hidden).
Throughput is measured closed loop (processes x connections, keep-alive, as fast as answered) for
the confirmation and for two trivial endpoints: /api/v1/ping (no database) and
/api/v1/ping?db=1 (one SELECT 1, the health-check kind); the ratio target uses the latter.
Every confirmation waits for its WAL flush: beside the open-loop phase a probe times fdatasync
on the database's disk, so a tail caused by the disk stalling is told from one the server caused.
The clients (bench/httpload.py, asyncio) share the machine's cores with the server.
Data: one province, 200 commune stations, 11 slots a week, 3 programmes a slot, three weeks.
Runs in a private PostgreSQL schema, dropped at the end. Prints figures, a JSON line last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpload  # noqa: E402  (bench/, beside this script)
from sqlalchemy import Engine, insert, select, text  # noqa: E402

import migrations  # noqa: E402
from content.db import make_engine, make_session_factory, utcnow  # noqa: E402
from content.models import Programme, ProgrammeTopic  # noqa: E402
from scheduler import schedules  # noqa: E402
from scheduler.models import (  # noqa: E402
    AdminUnit,
    Channel,
    ChannelLanguage,
    ScheduledItem,
    Slot,
    SlotPattern,
    WeekSchedule,
)
from scheduler.periods import Week, local_date_of  # noqa: E402
from web import accounts  # noqa: E402
from web.settings import load_app_settings  # noqa: E402

CHANNELS = 200
PASSWORD = "bench-password-1"


def build(url: str) -> dict[str, object]:
    """Create the data; return ids and tokens the measurements need."""
    settings = load_app_settings()
    engine = make_engine(url)
    migrations.upgrade(engine)
    factory = make_session_factory(engine)
    start = dt.date(2025, 7, 1)
    with factory() as s:
        prov = AdminUnit(
            code="B9",
            structure="2025",
            level="province",
            name="Tỉnh Bench",
            search_name="tinh bench",
            valid_from=start,
        )
        s.add(prov)
        s.flush()
        channels = []
        for n in range(CHANNELS):
            unit = AdminUnit(
                code=f"B9{n:04d}",
                structure="2025",
                level="commune",
                name=f"Xã {n}",
                search_name=f"xa {n}",
                parent_id=prov.id,
                valid_from=start,
            )
            s.add(unit)
            s.flush()
            channels.append(
                Channel(
                    code=f"BENCH-{n}",
                    name=f"Đài truyền thanh xã {n}",
                    kind="commune_radio",
                    unit_id=unit.id,
                    active_from=start,
                    language_links=[ChannelLanguage(language="vi")],
                    patterns=[
                        SlotPattern(
                            weekdays="123456",
                            start_time=dt.time(6, 0),
                            duration_minutes=30,
                            valid_from=start,
                        ),
                        SlotPattern(
                            weekdays="12345",
                            start_time=dt.time(17, 30),
                            duration_minutes=30,
                            valid_from=start,
                        ),
                    ],
                )
            )
        s.add_all(channels)
        now = utcnow()
        programmes = [
            Programme(
                title=f"Chương trình {i}",
                programme_type="tin",
                language="vi",
                duration_seconds=420,
                approved_by="bench",
                approved_at=now,
                topic_links=[ProgrammeTopic(topic="ntm" if i % 3 == 0 else "thoi_su")],
            )
            for i in range(60)
        ]
        s.add_all(programmes)
        s.flush()
        this_week = Week.of(local_date_of(now, settings.zone))
        weeks = [this_week.shift(-2), this_week.shift(-1), this_week]
        for ch in channels:
            for w in weeks:
                schedules.materialise_week(s, settings, ch.id, w, "bench")
        s.flush()
        slots = s.execute(select(Slot.id)).scalars().all()
        rows = [
            {
                "slot_id": sid,
                "programme_id": programmes[(sid * 3 + k) % 60].id,
                "position": k,
                "pinned": False,
                "added_by": "bench",
            }
            for sid in slots
            for k in range(3)
        ]
        s.execute(insert(ScheduledItem), rows)
        # Stations confirm what was published (a draft's items are unknown to broadcasters).
        for schedule_id in s.execute(select(WeekSchedule.id)).scalars().all():
            schedules.publish_week(s, schedule_id, "bench")
        planner = accounts.create_user(
            s, "bench-planner", PASSWORD, "planner", "bench", unit_id=prov.id
        )
        broadcaster = accounts.create_user(
            s,
            "bench-station",
            PASSWORD,
            "broadcaster",
            "bench",
            channel_ids=[c.id for c in channels],
        )
        token = accounts.issue_token(s, broadcaster, "bench", "bench")
        del planner
        past = (
            s.execute(
                select(ScheduledItem.id)
                .join(Slot, Slot.id == ScheduledItem.slot_id)
                .where(Slot.starts_at < now)
                .order_by(ScheduledItem.id)
            )
            .scalars()
            .all()
        )
        s.commit()
        first = channels[0].id
    engine.dispose()
    return {
        "token": token,
        "items": list(past),
        "week": str(this_week),
        "channel": first,
        "slots": len(slots),
        "item_count": len(rows),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/ping")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def login(port: int) -> str:
    """Sign in as the planner through the form; return the Cookie header."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    resp = conn.getresponse()
    page = resp.read().decode()
    cookie = resp.getheader("Set-Cookie", "").split(";")[0]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode(
        {"username": "bench-planner", "password": PASSWORD, "csrf_token": csrf}
    )
    conn.request(
        "POST",
        "/login",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    resp = conn.getresponse()
    resp.read()
    if resp.status != 302:
        raise SystemExit(f"login failed: {resp.status}")
    # Every cookie set (the known-device cookie of web/throttle.py comes before the session's).
    return "; ".join(c.split(";")[0] for c in resp.msg.get_all("Set-Cookie") or [])


def time_page(port: int, path: str, cookie: str, n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        resp = conn.getresponse()
        data = resp.read()
        out.append((time.perf_counter() - t0) * 1000)
        if resp.status != 200 or len(data) < 1000:
            raise SystemExit(f"{path}: {resp.status}")
    return out


def paced(
    port: int, token: str, items: list[int], rate: float, seconds: float, clients: int,
    connections: int,
) -> dict[str, float]:  # fmt: skip
    """Offer confirmations at a fixed rate (open loop); return achieved rate and latencies."""
    total = int(rate * seconds)
    if total > len(items):
        raise SystemExit(f"only {len(items)} unconfirmed items for {total} requests")
    return httpload.open_loop(port, _confirmations(token, items[:total]), rate, clients,
                              connections)  # fmt: skip


def _confirmations(token: str, items: list[int]) -> list[bytes]:
    """One prepared "aired" confirmation per item."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"status": "aired"})
    return [
        httpload.request("POST", f"/api/v1/items/{i}/confirmation", headers, body) for i in items
    ]


def load(
    port: int, kind: str, token: str, items: list[int], seconds: float, clients: int,
    connections: int,
) -> dict[str, float]:  # fmt: skip
    """Run clients x connections against an endpoint as fast as answered; rate and latencies."""
    if kind == "confirm":
        return httpload.closed_loop(port, _confirmations(token, items), seconds, clients,
                                    connections)  # fmt: skip
    path = "/api/v1/ping?db=1" if kind == "ping_db" else "/api/v1/ping"
    return httpload.closed_loop(port, [httpload.request("GET", path)], seconds, clients,
                                connections, cycle=True)  # fmt: skip


class DiskProbe:
    """Time a small write + fdatasync every 20 ms beside a phase, on the database's disk.

    Every confirmation waits for its WAL flush, so a stall of the disk is a stall of every
    confirmation in flight: the probe tells a slow disk from a slow server. It runs only where
    the database's data directory is on this machine (its parent directory holds the file).
    """

    def __init__(self, engine: Engine) -> None:
        self.lat: list[float] = []
        self.where: Path | None = None
        try:
            with engine.connect() as conn:
                data_dir = Path(str(conn.execute(text("SHOW data_directory")).scalar_one()))
            if data_dir.is_dir() and os.access(data_dir.parent, os.W_OK):
                self.where = data_dir.parent
        except Exception:  # not a superuser, or a server elsewhere: no probe
            self.where = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        assert self.where is not None
        path = self.where / f"loa-bench-probe-{os.getpid()}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while not self._stop.wait(0.02):
                os.pwrite(fd, b"x" * 8192, 0)
                t0 = time.perf_counter()
                os.fdatasync(fd)
                self.lat.append((time.perf_counter() - t0) * 1000)
        finally:
            os.close(fd)
            path.unlink()

    def __enter__(self) -> DiskProbe:
        if self.where is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.where is not None:
            self._thread.join()

    def figures(self) -> dict[str, float | int | None]:
        """p99 and max of the probe's fdatasync, and how many took over 50 ms."""
        lat = sorted(self.lat)
        if not lat:
            return {"disk_sync_p99_ms": None, "disk_sync_max_ms": None, "disk_stalls_50ms": None}
        return {
            "disk_sync_p99_ms": round(lat[max(int(len(lat) * 0.99) - 1, 0)], 2),
            "disk_sync_max_ms": round(lat[-1], 1),
            "disk_stalls_50ms": sum(x > 50 for x in lat),
        }


def wal_syncs(engine: Engine) -> int | None:
    """The server's WAL flush count so far (pg_stat_wal), to count durable commits."""
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT wal_sync FROM pg_stat_wal")).scalar_one())
    except Exception:  # PostgreSQL before 14
        return None


def show(name: str, r: dict[str, float]) -> None:
    """One line of load figures."""
    print(
        f"{name}: {r['rps']:.0f} req/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
        f"{r['requests']} requests, {r['errors']} errors"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--connections", type=int, default=12, help="per client process")
    parser.add_argument("--gunicorn-threads", type=int, default=8)
    parser.add_argument("--rate", type=float, default=300.0, help="open-loop offered req/s")
    parser.add_argument("--paced-seconds", type=float, default=20.0)
    args = parser.parse_args()

    schema = f"loa_bench_web_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in args.database_url else "?"
    url = f"{args.database_url}{sep}options=-csearch_path%3D{schema}"
    server = None
    try:
        t0 = time.perf_counter()
        data = build(url)
        print(
            f"data: {CHANNELS} channels, {data['slots']} slots, {data['item_count']} items "
            f"({len(data['items'])} past) in {time.perf_counter() - t0:.1f} s"
        )
        port = free_port()
        env = {**os.environ, "LOA_DATABASE_URL": url, "LOA_SECRET_KEY": "bench-secret"}
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            str(args.gunicorn_threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "web.wsgi:app",
        ]
        server = subprocess.Popen(cmd, cwd=ROOT, env=env)
        wait_ready(port)
        cookie = login(port)
        week = data["week"]
        time_page(port, f"/plan?week={week}", cookie, 3)  # warm up both workers
        grid = time_page(port, f"/plan?week={week}", cookie, 20)
        one = time_page(port, f"/plan/{data['channel']}?week={week}", cookie, 10)
        grid_p50 = statistics.median(grid)
        grid_max = max(grid)
        print(
            f"week grid, {CHANNELS} channels with rule status: median {grid_p50:.0f} ms, "
            f"max {grid_max:.0f} ms (target < 300 ms); "
            f"one channel's grid: {statistics.median(one):.0f} ms"
        )
        items: list[int] = data["items"]  # type: ignore[assignment]
        token = str(data["token"])
        # Two seconds at the same rate first: every server thread opens its pooled connection and
        # keep-alive connections are made (steady state is what "sustains" is about).
        n_warm = int(args.rate * 2)
        paced(port, token, items[:n_warm], args.rate, 2, args.clients, args.connections)
        n_paced = n_warm + int(args.rate * args.paced_seconds)
        syncs0 = wal_syncs(admin)
        with DiskProbe(admin) as probe:
            steady = paced(port, token, items[n_warm:n_paced], args.rate, args.paced_seconds,
                           args.clients, args.connections)  # fmt: skip
        syncs1 = wal_syncs(admin)
        disk = probe.figures()
        print(
            f"confirmation offered at {args.rate:.0f} req/s for {args.paced_seconds:.0f} s "
            f"(open loop): {steady['rps']:.0f} req/s done, p50 {steady['p50_ms']} ms, "
            f"p99 {steady['p99_ms']} ms, max {steady['max_ms']} ms, {steady['errors']} errors "
            "(target: sustains 300 req/s with p99 < 100 ms)"
        )
        per_request = (
            (syncs1 - syncs0) / steady["requests"]
            if syncs0 is not None and syncs1 is not None and steady["requests"]
            else None
        )
        if disk["disk_sync_max_ms"] is not None:
            print(
                f"  the database's disk meanwhile (8 KB write + fdatasync every 20 ms): "
                f"p99 {disk['disk_sync_p99_ms']} ms, max {disk['disk_sync_max_ms']} ms, "
                f"{disk['disk_stalls_50ms']} over 50 ms; WAL flushes per confirmation: "
                f"{per_request if per_request is None else round(per_request, 2)}"
            )
        load(port, "ping", "", [], 1.0, args.clients, args.connections)  # warm-up
        ping = load(port, "ping", "", [], args.seconds, args.clients, args.connections)
        show("ping (no database), saturated", ping)
        ping_db = load(port, "ping_db", "", [], args.seconds, args.clients, args.connections)
        show("ping + SELECT 1, saturated", ping_db)
        confirm = load(port, "confirm", token, items[n_paced:], args.seconds, args.clients,
                       args.connections)  # fmt: skip
        show("confirmation (new airings), saturated", confirm)
        # The trivial endpoint of the target is the health-check kind: one database round trip.
        ratio = confirm["rps"] / ping_db["rps"] if ping_db["rps"] else 0.0
        ratio_nodb = confirm["rps"] / ping["rps"] if ping["rps"] else 0.0
        ok = (
            grid_p50 < 300
            and steady["rps"] >= args.rate * 0.98
            and steady["p99_ms"] < 100
            and confirm["rps"] >= 300
            and ratio >= 0.5
            and confirm["errors"] == 0
            and steady["errors"] == 0
        )
        print(
            f"saturated confirmation / (ping + SELECT 1): {ratio:.2f} (target >= 0.5); "
            f"confirmation / ping without database: {ratio_nodb:.2f}; "
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        print(
            json.dumps(
                {
                    "bench": "web",
                    "server": "gunicorn -w 2 -k gthread",
                    "database": "postgresql",
                    "channels": CHANNELS,
                    "grid_ms_median": round(grid_p50, 1),
                    "grid_ms_max": round(grid_max, 1),
                    "paced_offered_rps": args.rate,
                    "paced_rps": steady["rps"],
                    "paced_p50_ms": steady["p50_ms"],
                    "paced_p99_ms": steady["p99_ms"],
                    "paced_max_ms": steady["max_ms"],
                    "paced_errors": steady["errors"],
                    **disk,
                    "wal_flushes_per_confirmation": (
                        None if per_request is None else round(per_request, 2)
                    ),
                    "confirm_rps": confirm["rps"],
                    "confirm_p50_ms": confirm["p50_ms"],
                    "confirm_p99_ms": confirm["p99_ms"],
                    "confirm_errors": confirm["errors"],
                    "ping_rps": ping["rps"],
                    "ping_p99_ms": ping["p99_ms"],
                    "ping_db_rps": ping_db["rps"],
                    "ratio_nodb": round(ratio_nodb, 2),
                    "ratio": round(ratio, 2),
                    "targets_met": ok,
                }
            )
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
