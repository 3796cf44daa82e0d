"""Station agent bench: a station's week synced cold and again unchanged, the fleet's no-change
poll against gunicorn, and the agent's resident memory while it plays.

Usage: python bench/agent.py [--stations 3321] [--seconds 15] [--gunicorn-workers 2]
       [--threads 4] [--client-processes 1] [--connections 64] [--programmes 20]
       [--database-url postgresql://...]

Builds a private PostgreSQL schema (SQLite with a sqlite:/// URL): one province with
--stations commune stations, each with an agent credential and this week and next published;
the first station gets a realistic week (two 30-minute slots a day, five programmes each, drawn
from --programmes programmes of 3 to 6 minutes whose renditions are MP3 at the [audio] profile).
Then, against `gunicorn web.wsgi:app`:
- cold sync of that station (scheduler.agent's own Syncer): audio bytes + metadata bytes;
- the same sync again with nothing changed (the 304): bytes on the wire, both directions;
- every agent of the fleet polling with its current ETag as fast as answered (bench/httpload:
  asyncio client, keep-alive): polls per second and the share of the machine that 3,321 agents
  polling every 60 s would take;
- `loa agent run --output null` playing a 20-second programme: its resident memory (VmRSS of
  the agent process; the ffmpeg decoder it starts is reported apart).
Targets (issue 13): metadata < 50 KB, no-change sync < 2 KB, >= 2,000 polls/s, RSS < 80 MB.
Prints the figures, then one JSON line last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import imageio_ffmpeg  # noqa: E402
import tomli_w  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

import migrations  # noqa: E402
from bench.httpload import closed_loop, request  # noqa: E402
from bench.load import free_port, scratch_schema, start_gunicorn  # noqa: E402
from content.db import make_engine, make_session_factory  # noqa: E402
from content.media_models import AudioAsset  # noqa: E402
from content.models import Programme  # noqa: E402
from scheduler.agent.config import AgentConfig  # noqa: E402
from scheduler.agent.runner import Agent  # noqa: E402
from scheduler.fleet.credentials import agent_config, token_digest  # noqa: E402
from scheduler.fleet.feed import schedule_version  # noqa: E402
from scheduler.models import (  # noqa: E402
    AdminUnit,
    Channel,
    ScheduledItem,
    Slot,
    StationAgent,
    WeekSchedule,
)
from scheduler.periods import Week, local_date_of, local_to_utc  # noqa: E402
from web.settings import parse_app_settings  # noqa: E402

SLOT_TIMES = (dt.time(6, 0), dt.time(17, 30))
ITEMS_PER_SLOT = 5
POLLS_PER_MINUTE_FLEET = 3321  # every commune station polling once a minute


def _tone(path: Path, seconds: int, hz: int, kbps: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={hz}:duration={seconds}",
            "-ac",
            "1",
            "-ar",
            "44100",
            "-b:a",
            f"{kbps}k",
            str(path),
        ],
        check=True,
    )


def seed(engine, settings, media: Path, stations: int, programmes: int) -> dict:  # noqa: ANN001
    """The fleet (bulk inserts) and the first station's realistic week with audio."""
    zone = settings.zone
    now = dt.datetime.now(dt.UTC)
    today = local_date_of(now, zone)
    weeks = [Week.of(today), Week.of(today).shift(1)]
    tokens: list[tuple[int, str]] = []
    with engine.begin() as conn:
        province = conn.execute(
            insert(AdminUnit).returning(AdminUnit.id),
            {
                "code": "91",
                "structure": "2025",
                "level": "province",
                "name": "Tỉnh Đo",
                "search_name": "tinh do",
                "valid_from": dt.date(2025, 7, 1),
            },
        ).scalar_one()
        units = (
            conn.execute(
                insert(AdminUnit).returning(AdminUnit.id),
                [
                    {
                        "code": f"9{c:05d}",
                        "structure": "2025",
                        "level": "commune",
                        "name": f"Xã {c}",
                        "search_name": f"xa {c}",
                        "parent_id": province,
                        "valid_from": dt.date(2025, 7, 1),
                    }
                    for c in range(stations)
                ],
            )
            .scalars()
            .all()
        )
        chans = (
            conn.execute(
                insert(Channel).returning(Channel.id),
                [
                    {
                        "name": f"Đài xã {c}",
                        "kind": "commune_radio",
                        "unit_id": u,
                        "active_from": dt.date(2025, 7, 1),
                    }
                    for c, u in enumerate(units)
                ],
            )
            .scalars()
            .all()
        )
        conn.execute(
            insert(WeekSchedule),
            [
                {
                    "channel_id": ch,
                    "week_key": w.key,
                    "week_start": w.monday,
                    "state": "published",
                    "version": 3,
                    "published_at": now,
                    "published_by": "bench",
                    "created_at": now,
                }
                for ch in chans
                for w in weeks
            ],
        )
        rows = []
        for ch in chans:
            token = "loa_agent_" + secrets.token_urlsafe(32)
            tokens.append((ch, token))
            rows.append(
                {
                    "channel_id": ch,
                    "name": "bench",
                    "digest": token_digest(token),
                    "created_by": "bench",
                    "created_at": now,
                }
            )
        conn.execute(insert(StationAgent), rows)
        # The first station's week: audio for each programme at the broadcast profile.
        kbps = settings.audio.bitrate_kbps
        progs = []
        for p in range(programmes):
            seconds = 180 + (p * 37) % 181
            pid = conn.execute(
                insert(Programme).returning(Programme.id),
                {
                    "title": f"Chương trình số {p} về nông thôn mới",
                    "programme_type": "tin",
                    "language": "vi",
                    "duration_seconds": seconds,
                    "priority": "normal",
                    "created_by": "bench",
                    "created_at": now,
                },
            ).scalar_one()
            rel = f"renditions/bench/{pid}.mp3"
            _tone(media / rel, seconds, 300 + 20 * p, kbps)
            data = (media / rel).read_bytes()
            conn.execute(
                insert(AudioAsset),
                {
                    "programme_id": pid,
                    "sha256": hashlib.sha256(rel.encode()).hexdigest(),
                    "original_name": "x.mp3",
                    "original_path": rel,
                    "original_bytes": len(data),
                    "container": "mp3",
                    "codec": "mp3",
                    "channels": 1,
                    "sample_rate": 44100,
                    "duration_ms": seconds * 1000,
                    "rendition_path": rel,
                    "rendition_sha256": hashlib.sha256(data).hexdigest(),
                    "rendition_profile": "b",
                    "rendition_duration_ms": seconds * 1000,
                    "created_by": "bench",
                    "created_at": now,
                },
            )
            progs.append(pid)
        first = chans[0]
        sched = {
            w.key: conn.execute(
                text("SELECT id FROM week_schedules WHERE channel_id = :c AND week_key = :k"),
                {"c": first, "k": w.key},
            ).scalar_one()
            for w in weeks
        }
        n = 0
        for d in range(8):
            day = today + dt.timedelta(days=d)
            for at in SLOT_TIMES:
                sid = conn.execute(
                    insert(Slot).returning(Slot.id),
                    {
                        "schedule_id": sched[Week.of(day).key],
                        "channel_id": first,
                        "local_date": day,
                        "starts_at": local_to_utc(day, at, zone),
                        "duration_minutes": 30,
                    },
                ).scalar_one()
                conn.execute(
                    insert(ScheduledItem),
                    [
                        {
                            "slot_id": sid,
                            "programme_id": progs[(n + i) % len(progs)],
                            "position": i,
                            "pinned": False,
                            "added_by": "bench",
                        }
                        for i in range(ITEMS_PER_SLOT)
                    ],
                )
                n += ITEMS_PER_SLOT
    return {
        "tokens": tokens,
        "first": first,
        "audio_bytes": sum(p.stat().st_size for p in (media / "renditions" / "bench").iterdir()),
    }


def rss_kb(pid: int) -> int:
    """VmRSS of a process in kB (0 when gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def children(pid: int) -> list[int]:
    """Direct children of a process (from /proc/*/stat)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def main() -> None:  # noqa: PLR0915
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=3321)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--gunicorn-workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--client-processes", type=int, default=1)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--programmes", type=int, default=20)
    ap.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOA_BENCH_DATABASE_URL",
            os.environ.get("LOA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        ),
    )
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="loa-agent-bench-"))
    media = work / "media"
    scratch = ExitStack()
    if args.database_url.startswith("sqlite"):
        url = f"sqlite:///{work / 'bench.db'}"
    else:
        url = scratch.enter_context(scratch_schema(args.database_url))
    engine = make_engine(url)
    with (ROOT / "config.toml").open("rb") as fh:
        import tomllib

        data = tomllib.load(fh)
    data["database"]["url"] = url
    data["media"]["folder"] = str(media)
    config_path = work / "config.toml"
    config_path.write_bytes(tomli_w.dumps(data).encode())
    settings = parse_app_settings(data, str(config_path), str(work))
    server = None
    figures: dict = {
        "bench": "agent",
        "stations": args.stations,
        "cpus": os.cpu_count(),
        "database": "sqlite" if url.startswith("sqlite") else "postgresql",
    }
    try:
        t0 = time.perf_counter()
        migrations.upgrade(engine)
        seeded = seed(engine, settings, media, args.stations, args.programmes)
        print(
            f"seeded {args.stations} stations with agents, {args.programmes} programmes "
            f"({seeded['audio_bytes'] / 1e6:.1f} MB of audio) in "
            f"{time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        port = free_port()
        env = {**os.environ, "LOA_CONFIG": str(config_path), "LOA_LOG_LEVEL": "WARNING"}
        server = start_gunicorn(port, args.gunicorn_workers, args.threads, env)
        base = f"http://127.0.0.1:{port}"
        first_token = seeded["tokens"][0][1]

        # 1. Cold sync of a station's week, then the same sync with nothing changed.
        cache = work / "agent"
        cfg = AgentConfig(base, first_token, seeded["first"], 1, cache, "null")
        agent = Agent(cfg)
        cold = agent.syncer.sync()
        schedule_bytes = len(json.dumps(agent.store.schedule(), ensure_ascii=False).encode())
        metadata = cold.bytes - sum(agent.store.verified().values())
        request_bytes = 260  # request line and headers the agent sends (Host, auth, ETag...)
        again = agent.syncer.sync()
        agent.store.close()
        figures.update(
            cold_sync_status=cold.status,
            cold_files=cold.downloaded,
            cold_sync_bytes=cold.bytes + request_bytes * (1 + cold.downloaded),
            cold_audio_bytes=seeded["audio_bytes"],
            cold_metadata_bytes=metadata,
            schedule_json_bytes=schedule_bytes,
            nochange_status=again.status,
            nochange_sync_bytes=again.bytes + request_bytes,
        )
        print(
            f"cold sync: {cold.downloaded} files, {figures['cold_sync_bytes']} bytes "
            f"(audio {seeded['audio_bytes']}, metadata {metadata}); no change: "
            f"HTTP {again.status}, {figures['nochange_sync_bytes']} bytes",
            flush=True,
        )

        # 2. The fleet's no-change poll: every agent with its current ETag.
        with make_session_factory(engine)() as s:
            now = dt.datetime.now(dt.UTC)
            reqs = [
                request(
                    "GET",
                    "/api/v1/agent/schedule",
                    {
                        "Authorization": f"Bearer {tok}",
                        "If-None-Match": f'"{schedule_version(s, settings, ch, now)}"',
                    },
                )
                for ch, tok in seeded["tokens"]
            ]
        closed_loop(port, reqs[:200], 2, args.client_processes, 16, cycle=True)  # warm-up
        polls = closed_loop(
            port, reqs, args.seconds, args.client_processes, args.connections, cycle=True
        )
        share = POLLS_PER_MINUTE_FLEET / 60 / polls["rps"] * 100 if polls["rps"] else None
        figures.update(
            polls_per_second=polls["rps"],
            poll_p50_ms=polls["p50_ms"],
            poll_p99_ms=polls["p99_ms"],
            poll_errors=polls["errors"],
            fleet_share_percent=round(share, 2) if share else None,
        )
        print(
            f"no-change poll: {polls['rps']} polls/s (p50 {polls['p50_ms']} ms, p99 "
            f"{polls['p99_ms']} ms, {polls['errors']} errors); 3,321 agents every 60 s = "
            f"{figures['fleet_share_percent']}% of it",
            flush=True,
        )

        # 3. The agent's memory while it plays a 20-second programme to the null output.
        rss = play_rss(engine, settings, media, seeded, base, work)
        figures.update(rss)
        print(
            f"agent RSS while playing: max {rss['agent_rss_mb']} MB (ffmpeg decoder apart: "
            f"{rss['decoder_rss_mb']} MB)",
            flush=True,
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        engine.dispose()
        scratch.close()
    figures["targets_met"] = bool(
        figures.get("cold_metadata_bytes", 1e9) < 50_000
        and figures.get("nochange_sync_bytes", 1e9) < 2_000
        and figures.get("polls_per_second", 0) >= 2_000
        and figures.get("agent_rss_mb", 1e9) < 80
    )
    print(json.dumps(figures))


def play_rss(engine, settings, media: Path, seeded: dict, base: str, work: Path) -> dict:  # noqa: ANN001
    """Run `loa agent run --output null` on a station whose slot starts in 8 s; sample memory."""
    ch, token = seeded["tokens"][1]
    now = dt.datetime.now(dt.UTC)
    start = (now + dt.timedelta(seconds=8)).replace(microsecond=0)
    day = local_date_of(start, settings.zone)
    with engine.begin() as conn:
        pid = conn.execute(
            text(
                "SELECT programme_id FROM audio_assets WHERE programme_id IS NOT "
                "NULL ORDER BY id LIMIT 1"
            )
        ).scalar_one()
        sched = conn.execute(
            text("SELECT id FROM week_schedules WHERE channel_id = :c AND week_key = :k"),
            {"c": ch, "k": Week.of(day).key},
        ).scalar_one()
        conn.execute(
            text("UPDATE week_schedules SET version = version + 1 WHERE id = :s"), {"s": sched}
        )
        sid = conn.execute(
            insert(Slot).returning(Slot.id),
            {
                "schedule_id": sched,
                "channel_id": ch,
                "local_date": day,
                "starts_at": start,
                "duration_minutes": 30,
            },
        ).scalar_one()
        conn.execute(
            insert(ScheduledItem),
            {
                "slot_id": sid,
                "programme_id": pid,
                "position": 0,
                "pinned": False,
                "added_by": "bench",
            },
        )
    agent_toml = work / "play" / "agent.toml"
    agent_toml.parent.mkdir(parents=True)
    agent_toml.write_text(agent_config(base, token, ch, 2))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from web.cli import main; main()",
            "agent",
            "run",
            "--config",
            str(agent_toml),
            "--output",
            "null",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    agent_max = decoder_max = 0
    idle = 0
    try:
        end = time.monotonic() + 8 + 25
        while time.monotonic() < end:
            agent_rss = rss_kb(proc.pid)
            kids = children(proc.pid)
            decoder = sum(rss_kb(k) for k in kids)
            if time.time() < start.timestamp():
                idle = max(idle, agent_rss)
            elif kids:
                agent_max = max(agent_max, agent_rss)
                decoder_max = max(decoder_max, decoder)
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(20)
    return {
        "agent_rss_mb": round(agent_max / 1024, 1),
        "agent_idle_rss_mb": round(idle / 1024, 1),
        "decoder_rss_mb": round(decoder_max / 1024, 1),
    }


if __name__ == "__main__":
    main()
