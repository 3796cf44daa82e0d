"""Load test: 200 broadcasters confirming airings for 60 s against gunicorn and PostgreSQL.

Usage: python bench/load.py [--clients 200] [--seconds 60] [--gunicorn-workers 4]
       [--threads 16] [--retry-rate 0.25] [--database-url postgresql://...]

Builds a private PostgreSQL schema (one province, one commune station per broadcaster, four
past weeks of slots with two programmes each, an API token per broadcaster), starts gunicorn on
`web.wsgi:app`, and lets every broadcaster POST /api/v1/items/<id>/confirmation over a
keep-alive connection as fast as the server answers; with probability --retry-rate a client
sends the same confirmation again (a phone retrying after a lost answer). Afterwards the
database is checked against what the server acknowledged: zero lost (every 200/201 has its
airing) and zero duplicated (one airing per item, one 201 per item). Prints the figures, then
one JSON line last: p50/p99 latency, throughput, lost, duplicated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

import migrations  # noqa: E402
from content.db import make_engine  # noqa: E402
from content.models import Programme  # noqa: E402
from scheduler.models import AdminUnit, Channel, ScheduledItem, Slot, WeekSchedule  # noqa: E402
from scheduler.periods import Week, local_date_of, local_to_utc  # noqa: E402
from web.accounts import token_digest  # noqa: E402
from web.models import ApiToken, User, UserChannel  # noqa: E402
from web.settings import load_app_settings  # noqa: E402

SLOT_HOURS = (5, 11, 17)
ITEMS_PER_SLOT = 2
WEEKS = 4


def seed(engine, clients: int) -> list[tuple[str, list[int]]]:
    """One station, token and item list per broadcaster; bulk inserts (seconds, not minutes)."""
    settings = load_app_settings()
    zone = settings.zone
    now = dt.datetime.now(dt.UTC)
    this_week = Week.of(local_date_of(now, zone))
    weeks = [this_week.shift(-i) for i in range(WEEKS, 0, -1)]
    out: list[tuple[str, list[int]]] = []
    with engine.begin() as conn:
        province = conn.execute(
            insert(AdminUnit).returning(AdminUnit.id),
            {
                "code": "91",
                "structure": "2025",
                "level": "province",
                "name": "Tỉnh Tải",
                "search_name": "tinh tai",
                "valid_from": dt.date(2025, 7, 1),
            },
        ).scalar_one()
        progs = [
            conn.execute(
                insert(Programme).returning(Programme.id),
                {
                    "title": f"Bản tin {i}",
                    "programme_type": "tin",
                    "language": "vi",
                    "duration_seconds": 300,
                    "priority": "normal",
                    "created_by": "bench",
                    "created_at": now,
                },
            ).scalar_one()
            for i in range(ITEMS_PER_SLOT)
        ]
        for c in range(clients):
            unit = conn.execute(
                insert(AdminUnit).returning(AdminUnit.id),
                {
                    "code": f"9{c:05d}",
                    "structure": "2025",
                    "level": "commune",
                    "name": f"Xã {c}",
                    "search_name": f"xa {c}",
                    "parent_id": province,
                    "valid_from": dt.date(2025, 7, 1),
                },
            ).scalar_one()
            chan = conn.execute(
                insert(Channel).returning(Channel.id),
                {
                    "name": f"Đài xã {c}",
                    "kind": "commune_radio",
                    "unit_id": unit,
                    "active_from": dt.date(2025, 7, 1),
                },
            ).scalar_one()
            items: list[int] = []
            for week in weeks:
                sched = conn.execute(
                    insert(WeekSchedule).returning(WeekSchedule.id),
                    {
                        "channel_id": chan,
                        "week_key": week.key,
                        "week_start": week.monday,
                        "state": "published",
                        "version": 2,
                        "published_at": now,
                        "published_by": "bench",
                        "created_at": now,
                    },
                ).scalar_one()
                slot_rows = [
                    {
                        "schedule_id": sched,
                        "channel_id": chan,
                        "local_date": day,
                        "starts_at": local_to_utc(day, dt.time(h, 0), zone),
                        "duration_minutes": 30,
                    }
                    for day in week.days()
                    for h in SLOT_HOURS
                ]
                slot_ids = conn.execute(insert(Slot).returning(Slot.id), slot_rows).scalars().all()
                item_rows = [
                    {
                        "slot_id": s,
                        "programme_id": p,
                        "position": i,
                        "pinned": False,
                        "added_by": "bench",
                    }
                    for s in slot_ids
                    for i, p in enumerate(progs)
                ]
                items += (
                    conn.execute(insert(ScheduledItem).returning(ScheduledItem.id), item_rows)
                    .scalars()
                    .all()
                )
            user = conn.execute(
                insert(User).returning(User.id),
                {
                    "username": f"bc{c}",
                    "display_name": f"Phát thanh viên {c}",
                    "password_hash": "!",
                    "role": "broadcaster",
                    "active": True,
                    "session_stamp": 1,
                    "created_at": now,
                },
            ).scalar_one()
            conn.execute(insert(UserChannel), {"user_id": user, "channel_id": chan})
            token = f"loa_bench_{uuid.uuid4().hex}"
            conn.execute(
                insert(ApiToken),
                {
                    "user_id": user,
                    "digest": token_digest(token),
                    "name": "bench",
                    "created_at": now,
                },
            )
            out.append((token, items))
    return out


def client_process(
    port: int,
    jobs: list[tuple[str, list[int]]],
    deadline: float,
    retry_rate: float,
    seed_value: int,
    queue: mp.Queue,
) -> None:
    """Run one thread per broadcaster; report latencies and acknowledgements."""
    results: list[dict] = []
    lock = threading.Lock()

    def run(token: str, items: list[int], rng: random.Random) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        lat: list[float] = []
        created: dict[int, int] = {}
        acked: set[int] = set()
        errors: dict[str, int] = {}
        sent: list[tuple[int, bytes]] = []
        nxt = 0
        while time.monotonic() < deadline:
            if sent and (rng.random() < retry_rate or nxt >= len(items)):
                item_id, body = rng.choice(sent)  # the same confirmation again
            else:
                item_id = items[nxt]
                nxt += 1
                status = rng.choice(["aired"] * 8 + ["not_aired", "partial"])
                doc: dict = {"status": status}
                if status == "not_aired":
                    doc["reason_code"] = "mat_dien"
                elif status == "partial":
                    doc["actual_duration_seconds"] = 120
                body = json.dumps(doc).encode()
                sent.append((item_id, body))
            t0 = time.perf_counter()
            try:
                conn.request("POST", f"/api/v1/items/{item_id}/confirmation", body, headers)
                resp = conn.getresponse()
                resp.read()
                code = resp.status
            except (OSError, http.client.HTTPException) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            lat.append(time.perf_counter() - t0)
            if code in (200, 201):
                acked.add(item_id)
                if code == 201:
                    created[item_id] = created.get(item_id, 0) + 1
            else:
                errors[str(code)] = errors.get(str(code), 0) + 1
        conn.close()
        with lock:
            results.append(
                {"lat": lat, "acked": sorted(acked), "created": created, "errors": errors}
            )

    threads = [
        threading.Thread(target=run, args=(tok, items, random.Random(seed_value + i)))
        for i, (tok, items) in enumerate(jobs)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(results)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def start_gunicorn(
    port: int, workers: int, threads: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """Loa under gunicorn (gthread workers, keep-alive) on 127.0.0.1:port, once it answers."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    argv = [gunicorn, "-w", str(workers), "-k", "gthread", "--threads", str(threads),
            "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--keep-alive", "30",
            "web.wsgi:app"]  # fmt: skip
    server = subprocess.Popen(argv, cwd=ROOT, env=env)
    wait_http(port)
    return server


@contextmanager
def scratch_schema(database_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema for one run, dropped afterwards: the URL that works in it."""
    schema = f"loa_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{database_url}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--gunicorn-workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=12)
    ap.add_argument("--client-processes", type=int, default=4)
    ap.add_argument("--retry-rate", type=float, default=0.25)
    ap.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOA_BENCH_DATABASE_URL",
            os.environ.get("LOA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        ),
    )
    args = ap.parse_args()

    scratch = ExitStack()
    url = scratch.enter_context(scratch_schema(args.database_url))
    engine = make_engine(url)
    server = None
    try:
        t0 = time.perf_counter()
        migrations.upgrade(engine)
        jobs = seed(engine, args.clients)
        n_items = sum(len(items) for _, items in jobs)
        print(
            f"seeded {args.clients} stations, {n_items} scheduled items "
            f"in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        port = free_port()
        env = {
            **os.environ,
            "LOA_DATABASE_URL": url,
            "LOA_SECRET_KEY": "bench",
            "LOA_LOG_LEVEL": "WARNING",
        }
        server = start_gunicorn(port, args.gunicorn_workers, args.threads, env)
        print(
            f"gunicorn: {args.gunicorn_workers} workers x {args.threads} threads "
            f"on :{port}; {args.clients} clients for {args.seconds:.0f} s",
            flush=True,
        )
        queue: mp.Queue = mp.Queue()
        procs = []
        per = [jobs[i :: args.client_processes] for i in range(args.client_processes)]
        start = time.perf_counter()
        deadline = time.monotonic() + args.seconds
        for i, part in enumerate(per):
            p = mp.Process(
                target=client_process, args=(port, part, deadline, args.retry_rate, 1000 * i, queue)
            )
            p.start()
            procs.append(p)
        results = [r for _ in procs for r in queue.get()]
        for p in procs:
            p.join()
        elapsed = time.perf_counter() - start
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)

    lat = sorted(x for r in results for x in r["lat"])
    acked = {i for r in results for i in r["acked"]}
    created: dict[int, int] = {}
    for r in results:
        for k, v in r["created"].items():
            created[k] = created.get(k, 0) + v
    errors: dict[str, int] = {}
    for r in results:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    with engine.connect() as conn:
        stored = {
            row[0]: row[1]
            for row in conn.execute(
                text("SELECT scheduled_item_id, count(*) FROM airings GROUP BY scheduled_item_id")
            )
        }
    lost = len([i for i in acked if i not in stored])
    duplicated = sum(n - 1 for n in stored.values() if n > 1) + sum(
        n - 1 for n in created.values() if n > 1
    )
    engine.dispose()
    scratch.close()

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else 0.0

    figures = {
        "bench": "load",
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": len(lat),
        "throughput_rps": round(len(lat) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else 0.0,
        "confirmed_items": len(acked),
        "airings_stored": len(stored),
        "lost": lost,
        "duplicated": duplicated,
        "errors": errors,
        "gunicorn_workers": args.gunicorn_workers,
        "threads": args.threads,
        "retry_rate": args.retry_rate,
        "cpus": os.cpu_count(),
    }
    print(
        f"{figures['requests']} requests in {figures['seconds']} s = "
        f"{figures['throughput_rps']} req/s; p50 {figures['p50_ms']} ms, "
        f"p99 {figures['p99_ms']} ms; {len(acked)} items confirmed, "
        f"{lost} lost, {duplicated} duplicated; errors {errors}"
    )
    print(json.dumps(figures))
    if lost or duplicated:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
