"""Emergency bench: a province-wide broadcast reaching 3,321 polling station agents.

Usage: python bench/emergency.py [--stations 3321] [--poll-seconds 10] [--quiet-seconds 20]
       [--gunicorn-workers 2] [--threads 4] [--no-report] [--database-url postgresql://...]

Builds a private PostgreSQL schema: one province with --stations commune stations, each with an
agent credential (bench/agent.py's seed), an approved emergency programme with audio, and a
planner of the province with an API token. Against `gunicorn web.wsgi:app`, one asyncio process
simulates the fleet: every agent polls GET /api/v1/agent/emergency every --poll-seconds (its
own phase, spread evenly) with If-None-Match, on a new connection each time (gunicorn's
keep-alive is shorter than the poll interval, so a real agent reconnects too). Then:
- the fleet only polls for --quiet-seconds: the server's CPU (gunicorn master and workers,
  from /proc) as a share of the machine and of one core, polls/s, poll latency;
- the planner issues a broadcast to the whole province (POST /api/v1/emergency): issuing time;
- from that request to each agent's first answer that carries the broadcast: p50/p99/max
  (target p99 < poll interval + 2 s); each agent then reports "delivered" (unless --no-report),
  as the station agent does, which the fleet keeps polling through;
- once the rush is over (every poll a 304 again), the proof-of-air page (HTML, signed in)
  and the JSON status for all stations: p50/p99 (target < 500 ms), while the fleet polls;
- the fleet stopped, full answers (a stale ETag, every poll a 200) as fast as answered: the
  rate the rush after an issue needs is stations / poll interval.
The audio download that follows (a rendition per station) is not part of this bench.
Prints the figures, then one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import http.client
import json
import os
import re
import sys
import tempfile
import time
import tomllib
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tomli_w  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

import migrations  # noqa: E402
from bench.agent import _tone, children, seed  # noqa: E402
from bench.emergency_fleet import Fleet, cpu_seconds, pct  # noqa: E402
from bench.httpload import closed_loop, request  # noqa: E402
from bench.load import free_port, scratch_schema, start_gunicorn  # noqa: E402
from content.db import make_engine, make_session_factory  # noqa: E402
from content.media_models import AudioAsset  # noqa: E402
from content.models import Programme, ProgrammeTopic  # noqa: E402
from scheduler.models import AdminUnit  # noqa: E402
from web import accounts  # noqa: E402
from web.settings import parse_app_settings  # noqa: E402

PASSWORD = "bench-emergency-2026"


def seed_issuer(engine, settings, media: Path) -> tuple[int, str]:  # noqa: ANN001
    """An approved emergency programme with a 30 s rendition; a planner of the province."""
    rel = "renditions/bench/emergency.mp3"
    _tone(media / rel, 30, 880, settings.audio.bitrate_kbps)
    data = (media / rel).read_bytes()
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        pid = conn.execute(
            insert(Programme).returning(Programme.id),
            {"title": "Cảnh báo bão khẩn cấp", "programme_type": "thong_bao", "language": "vi",
             "duration_seconds": 30, "priority": "emergency", "created_by": "bench",
             "created_at": now, "approved_by": "bench", "approved_at": now},
        ).scalar_one()  # fmt: skip
        conn.execute(
            insert(ProgrammeTopic), {"programme_id": pid, "topic": "phong_chong_thien_tai"}
        )
        conn.execute(
            insert(AudioAsset),
            {"programme_id": pid, "sha256": hashlib.sha256(rel.encode()).hexdigest(),
             "original_name": "canh-bao.mp3", "original_path": rel, "original_bytes": len(data),
             "container": "mp3", "codec": "mp3", "channels": 1, "sample_rate": 44100,
             "duration_ms": 30000, "rendition_path": rel,
             "rendition_sha256": hashlib.sha256(data).hexdigest(), "rendition_profile": "b",
             "rendition_duration_ms": 30000, "created_by": "bench", "created_at": now},
        )  # fmt: skip
    with make_session_factory(engine)() as s:
        province = s.scalar(select(AdminUnit.id).where(AdminUnit.code == "91"))
        user = accounts.create_user(s, "bench-planner", PASSWORD, "planner", "bench",
                                    unit_id=province)  # fmt: skip
        token = accounts.issue_token(s, user, "bench", "bench")
        s.commit()
    return pid, token


def http_call(
    port: int, method: str, path: str, headers: dict[str, str], body: str = ""
) -> tuple[int, bytes, float]:
    """One request on a fresh connection: status, body and milliseconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter()
    conn.request(method, path, body or None, headers)
    resp = conn.getresponse()
    data = resp.read()
    ms = (time.perf_counter() - t0) * 1000
    conn.close()
    return resp.status, data, ms


def login(port: int) -> str:
    """Sign in as the planner through the form; the Cookie header of the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login")
    first = conn.getresponse()
    page = first.read()
    cookie = "; ".join(c.split(";")[0] for c in first.msg.get_all("Set-Cookie") or [])
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    form = urlencode({"username": "bench-planner", "password": PASSWORD,
                      "csrf_token": csrf.group(1).decode()})  # fmt: skip
    conn.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded",
                                          "Cookie": cookie})  # fmt: skip
    resp = conn.getresponse()
    resp.read()
    conn.close()
    if resp.status != 302:
        raise SystemExit(f"login failed: HTTP {resp.status}")
    return "; ".join(c.split(";")[0] for c in resp.msg.get_all("Set-Cookie") or [])


def timed_pages(port: int, path: str, headers: dict[str, str], n: int) -> list[float]:
    """n GETs of a page on one keep-alive connection (each must answer 200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        out.append((time.perf_counter() - t0) * 1000)
        if resp.status != 200:
            raise SystemExit(f"{path}: HTTP {resp.status} {data[:300]!r}")
    conn.close()
    return out


async def run(args: argparse.Namespace, port: int, server_pid: int, seeded: dict, issuer: str,
              programme: int) -> dict:  # fmt: skip
    """The fleet polls; the CPU while it only polls; the issue; arrival; proof-of-air pages."""
    loop = asyncio.get_running_loop()
    fleet = Fleet(port, seeded["tokens"], args.poll_seconds, not args.no_report)
    tasks = fleet.start()
    figures: dict = {}
    await asyncio.sleep(args.poll_seconds + 2)  # every agent has polled once
    pids = [server_pid, *children(server_pid)]
    c0, t0, own0 = cpu_seconds(pids), time.monotonic(), cpu_seconds([os.getpid()])
    await asyncio.sleep(args.quiet_seconds)
    c1, t1, own1 = cpu_seconds(pids), time.monotonic(), cpu_seconds([os.getpid()])
    figures["fleet_client_cpu_share_of_one_core_percent"] = round(
        (own1 - own0) / (t1 - t0) * 100, 1
    )
    cores = os.cpu_count() or 1
    figures["quiet"] = fleet.window(t0, t1)
    figures["server_cpu_share_of_machine_percent"] = round((c1 - c0) / (t1 - t0) / cores * 100, 2)
    figures["server_cpu_share_of_one_core_percent"] = round((c1 - c0) / (t1 - t0) * 100, 2)
    print(f"fleet only polling ({len(seeded['tokens'])} agents every {args.poll_seconds} s): "
          f"{figures['quiet']['polls_per_second']} polls/s, p50 {figures['quiet']['poll_p50_ms']}"
          f" ms, p99 {figures['quiet']['poll_p99_ms']} ms, {figures['quiet']['poll_statuses']};"
          f" server CPU {figures['server_cpu_share_of_machine_percent']}% of the machine "
          f"({cores} cores; {figures['server_cpu_share_of_one_core_percent']}% of one core; the "
          f"simulated fleet itself {figures['fleet_client_cpu_share_of_one_core_percent']}%)",
          flush=True)  # fmt: skip

    body = json.dumps({"unit": "91", "programme_id": programme, "within_minutes": 15,
                       "title": "Cảnh báo bão số 9 – toàn tỉnh", "reason": "Bench"})  # fmt: skip
    headers = {"Authorization": f"Bearer {issuer}", "Content-Type": "application/json"}
    sent = time.monotonic()
    status, data, issue_ms = await loop.run_in_executor(
        None, http_call, port, "POST", "/api/v1/emergency", headers, body
    )
    answered = time.monotonic()
    if status != 201:
        raise SystemExit(f"issue: HTTP {status} {data[:300]!r}")
    fleet.broadcast = json.loads(data)["id"]
    figures["issue_ms"] = round(issue_ms, 1)
    print(f"issued broadcast {fleet.broadcast} to the province in {issue_ms:.0f} ms", flush=True)
    deadline = answered + args.poll_seconds * 6
    while len(fleet.seen) < len(seeded["tokens"]) and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
    # Agents that polled between the request and its commit learned nothing yet: count from
    # the request (conservative) and from the answer (the broadcast committed).
    from_sent = [(t - sent) for t in fleet.seen.values()]
    from_answer = [max(0.0, t - answered) for t in fleet.seen.values()]
    figures.update(
        agents_with_broadcast=len(fleet.seen),
        arrival_p50_s=pct(from_sent, 50), arrival_p99_s=pct(from_sent, 99),
        arrival_max_s=round(max(from_sent), 2) if from_sent else None,
        arrival_after_commit_p50_s=pct(from_answer, 50),
        arrival_after_commit_p99_s=pct(from_answer, 99),
        arrival_after_commit_max_s=round(max(from_answer), 2) if from_answer else None,
        arrival_target_s=args.poll_seconds + 2,
        during_arrival=fleet.window(sent, time.monotonic()),
    )  # fmt: skip
    print(f"broadcast reached {len(fleet.seen)}/{len(seeded['tokens'])} agents: from the issue "
          f"request p50 {figures['arrival_p50_s']} s, p99 {figures['arrival_p99_s']} s, max "
          f"{figures['arrival_max_s']} s (after the commit: p99 "
          f"{figures['arrival_after_commit_p99_s']} s, max {figures['arrival_after_commit_max_s']}"
          f" s); target p99 < {args.poll_seconds + 2} s", flush=True)  # fmt: skip
    settle = time.monotonic() + args.poll_seconds * 6  # the rush ends: polls are 304 again
    while time.monotonic() < settle:
        await asyncio.sleep(1)
        recent = [p[1] for p in fleet.polls if p[0] >= time.monotonic() - 3]
        if recent and all(st == 304 for st in recent):
            break
    figures["rush_seconds"] = round(time.monotonic() - sent, 1)
    figures["delivered_reports"] = {
        str(s): fleet.reports.count(s) for s in sorted(set(fleet.reports))
    }

    # As a browser asks: compressed (the page of a whole province is ~700 KB of HTML).
    cookie = {"Cookie": await loop.run_in_executor(None, login, port),
              "Accept-Encoding": "gzip, deflate, br, zstd"}  # fmt: skip
    page = f"/emergency/{fleet.broadcast}"
    await loop.run_in_executor(None, timed_pages, port, page, cookie, 2)  # warm-up
    html_ms = await loop.run_in_executor(None, timed_pages, port, page, cookie, 20)
    api = {"Authorization": f"Bearer {issuer}", "Accept-Encoding": "gzip"}
    json_ms = await loop.run_in_executor(None, timed_pages, port, f"/api/v1{page}", api, 10)
    _, wire, _ = await loop.run_in_executor(None, http_call, port, "GET", page, cookie)
    plain = {"Cookie": cookie["Cookie"]}
    _, data, _ = await loop.run_in_executor(None, http_call, port, "GET", page, plain)
    figures.update(
        proof_page_p50_ms=pct(html_ms, 50), proof_page_p99_ms=pct(html_ms, 99),
        proof_page_bytes=len(data), proof_page_bytes_on_the_wire=len(wire),
        proof_page_rows=data.count(b"<tr data-state="),
        proof_json_p50_ms=pct(json_ms, 50), proof_json_p99_ms=pct(json_ms, 99),
    )  # fmt: skip
    print(f"proof of air for {figures['proof_page_rows']} stations: page p50 "
          f"{figures['proof_page_p50_ms']} ms, p99 {figures['proof_page_p99_ms']} ms "
          f"({len(data) / 1024:.0f} KB, {len(wire) / 1024:.0f} KB compressed); JSON status p50 "
          f"{figures['proof_json_p50_ms']} ms, p99 {figures['proof_json_p99_ms']} ms "
          f"(target < 500 ms)", flush=True)  # fmt: skip
    fleet.stopping = True
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return figures


def capacity(port: int, tokens: list[tuple[int, str]], every: float) -> dict:
    """Full answers (a stale ETag: each poll a 200 through Flask) as fast as answered; the
    rush after an issue needs stations / poll interval of them per second."""
    auth = [{"Authorization": f"Bearer {tok}", "If-None-Match": '"stale"'} for _, tok in tokens]
    full = closed_loop(port, [request("GET", "/api/v1/agent/emergency", h) for h in auth], 10,
                       1, 16, cycle=True)  # fmt: skip
    needed = round(len(tokens) / every)
    print(f"full answers (200) as fast as answered: {full['rps']}/s (p50 {full['p50_ms']} ms);"
          f" the rush needs {needed}/s", flush=True)  # fmt: skip
    return {"full_answers_per_second": full["rps"], "full_answer_p50_ms": full["p50_ms"],
            "full_answers_needed_per_second": needed}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=3321)
    ap.add_argument("--poll-seconds", type=float, default=10)
    ap.add_argument("--quiet-seconds", type=float, default=20)
    ap.add_argument("--gunicorn-workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--no-report", action="store_true", help="agents do not report 'delivered'")
    fallback = os.environ.get("LOA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--database-url", default=os.environ.get("LOA_BENCH_DATABASE_URL", fallback))
    args = ap.parse_args()
    load_before = round(os.getloadavg()[0], 2)  # the machine is shared: say how busy it was
    work = Path(tempfile.mkdtemp(prefix="loa-emergency-bench-"))
    media = work / "media"
    scratch = ExitStack()
    url = scratch.enter_context(scratch_schema(args.database_url))
    engine = make_engine(url)
    data = tomllib.loads((ROOT / "config.toml").read_text())
    data["database"]["url"] = url
    data["media"]["folder"] = str(media)
    data["agent"]["emergency_poll_seconds"] = int(args.poll_seconds)
    config_path = work / "config.toml"
    config_path.write_bytes(tomli_w.dumps(data).encode())
    settings = parse_app_settings(data, str(config_path), str(work))
    server = None
    figures: dict = {"bench": "emergency", "stations": args.stations, "cpus": os.cpu_count(),
                     "poll_seconds": args.poll_seconds,
                     "poll_cache_seconds": settings.agent.poll_cache_seconds,
                     "gunicorn": f"{args.gunicorn_workers}x{args.threads} gthread"}  # fmt: skip
    try:
        t0 = time.perf_counter()
        migrations.upgrade(engine)
        seeded = seed(engine, settings, media, args.stations, 1)
        programme, issuer = seed_issuer(engine, settings, media)
        print(f"seeded {args.stations} stations with agents in {time.perf_counter() - t0:.1f} s",
              flush=True)  # fmt: skip
        port = free_port()
        env = {
            **os.environ,
            "LOA_CONFIG": str(config_path),
            "LOA_LOG_LEVEL": "WARNING",
            "LOA_SECRET_KEY": "bench-secret",
        }  # one session key for every worker
        server = start_gunicorn(port, args.gunicorn_workers, args.threads, env)
        figures.update(asyncio.run(run(args, port, server.pid, seeded, issuer, programme)))
        figures.update(capacity(port, seeded["tokens"], args.poll_seconds))
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        engine.dispose()
        scratch.close()
    figures["load_average_1min_before_after"] = [load_before, round(os.getloadavg()[0], 2)]
    figures["targets_met"] = bool(
        figures.get("agents_with_broadcast") == args.stations
        and (figures.get("arrival_p99_s") or 1e9) < args.poll_seconds + 2
        and (figures.get("proof_page_p99_ms") or 1e9) < 500
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
