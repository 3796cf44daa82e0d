"""Benchmark: plan a week for one province (300 channels) and for the whole country (3,400).

Usage: python bench/planner.py [--database-url URL] [--scale province|country|both]
Targets (issue 4): one province (300 channels, 14 slots each, 500 programmes) in under 1 s; the
whole country (3,400 channels) in under 10 s. Each run plans a week after two planned weeks of
history (so the no-repeat window has something to read), timed from the call to the commit.
Prints one line per step and a JSON line last, with the share of channel-rules met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import migrations  # noqa: E402
from content.db import make_engine, utcnow  # noqa: E402
from content.models import Programme, ProgrammeTopic  # noqa: E402
from scheduler.models import AdminUnit, Channel, ChannelLanguage, SlotPattern  # noqa: E402
from scheduler.periods import Week  # noqa: E402
from scheduler.planner import plan_week  # noqa: E402
from web.settings import load_app_settings  # noqa: E402

WEEK = Week(2026, 50)
TOPICS = (
    "ntm",
    "ocop",
    "giam_ngheo_thong_tin",
    "du_lich",
    "chuyen_doi_so",
    "moi_truong",
    "an_ninh_trat_tu",
    "y_te",
    "phap_luat",
    "nong_nghiep",
    "phong_chong_thien_tai",
)
TYPES = ("tin", "bai", "phong_su", "chuyen_muc", "pho_bien_kien_thuc", "thong_bao")
MINORITY = ("hmn", "tay", "dao", "thai", "nung")  # fmt: skip


def library(session: Session, rng: random.Random, size: int) -> None:
    """A realistic library: mostly Vietnamese, some minority languages, a few not yet approved."""
    approved = utcnow() - dt.timedelta(days=30)
    rows, topics = [], []
    for i in range(1, size + 1):
        lang = "vi" if rng.random() < 0.8 else rng.choice(MINORITY)
        minutes = rng.choice((2, 3, 5, 5, 7, 10, 10, 12, 15, 20))
        late = rng.random() < 0.05
        valid_to = WEEK.monday + dt.timedelta(days=rng.randint(0, 6)) if late else None
        rows.append({
            "id": i, "code": f"B{i:05d}", "title": f"Chương trình {i}",
            "programme_type": rng.choice(TYPES), "language": lang,
            "duration_seconds": minutes * 60 - rng.choice((0, 15, 30)),
            "priority": rng.choices(("normal", "priority", "emergency"), (95, 4, 1))[0]
            if i > 2 else "normal",
            "approved_by": "bench" if rng.random() < 0.92 else None,
            "approved_at": approved if rng.random() < 0.92 else None,
            "valid_to": valid_to, "created_by": "bench",
        })  # fmt: skip
        for t in rng.sample(TOPICS, rng.choice((1, 1, 2))):
            topics.append({"programme_id": i, "topic": t})
    rows[0]["priority"] = "emergency"  # a storm warning, valid from Wednesday
    rows[0]["valid_from"] = WEEK.monday + dt.timedelta(days=2)
    session.execute(insert(Programme), [{"valid_from": None, **r} for r in rows])
    session.execute(insert(ProgrammeTopic), topics)


def stations(session: Session, rng: random.Random, provinces: int, per_province: int) -> int:
    """Provinces with their communes and stations; 14 slots a week per station."""
    units, channels, langs, patterns = [], [], [], []
    uid = cid = 0
    start = dt.date(2025, 7, 1)
    for p in range(provinces):
        uid += 1
        province = uid
        units.append({"id": province, "code": f"{p + 1:02d}", "structure": "2025",
                      "level": "province", "name": f"Tỉnh {p + 1}", "search_name": f"tinh {p + 1}",
                      "parent_id": None, "valid_from": start})  # fmt: skip
        for c in range(per_province):
            cid += 1
            kind, unit = "commune_radio", province
            if c < 2:
                kind = ("provincial_radio", "provincial_tv")[c]
            elif c < 12:
                kind = "district_radio"
            else:
                uid += 1
                unit = uid
                units.append({"id": uid, "code": f"{p + 1:02d}{c:03d}", "structure": "2025",
                              "level": "commune", "name": f"Xã {c}", "search_name": f"xa {c}",
                              "parent_id": province, "valid_from": start})  # fmt: skip
            channels.append({"id": cid, "code": f"B{cid}", "name": f"Đài {cid}", "kind": kind,
                             "unit_id": unit, "active_from": start, "active_to": None})  # fmt: skip
            langs.append({"channel_id": cid, "language": "vi"})
            if kind == "commune_radio" and rng.random() < 0.3:
                langs.append({"channel_id": cid, "language": rng.choice(MINORITY)})
            length = 30 if kind == "commune_radio" else 60
            for at in (dt.time(6, 0), dt.time(17, 30)):
                patterns.append({"channel_id": cid, "weekdays": "1234567", "start_time": at,
                                 "duration_minutes": length, "valid_from": start})  # fmt: skip
    session.execute(insert(AdminUnit), units)
    session.execute(insert(Channel), channels)
    session.execute(insert(ChannelLanguage), langs)
    session.execute(insert(SlotPattern), patterns)
    return cid


def run(url: str, scale: str, provinces: int, per_province: int, programmes: int) -> dict:
    """Build the data, plan two weeks of history untimed, then time the planned week."""
    engine = make_engine(url)
    migrations.upgrade(engine)
    settings = load_app_settings()
    rng = random.Random(49)
    with Session(engine) as session, session.begin():
        library(session, rng, programmes)
        n = stations(session, rng, provinces, per_province)
        if engine.dialect.name == "postgresql":
            for table in ("programmes", "admin_units", "channels"):
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))  # fmt: skip
    unit = None if provinces > 1 else "01"
    for back in (2, 1):
        t0 = time.perf_counter()
        with Session(engine) as session, session.begin():
            hist = plan_week(session, settings, WEEK.shift(-back), unit, user="bench",
                             publish=True)  # fmt: skip
        print(f"{scale}: history {WEEK.shift(-back)}: {hist.items_added} items "
              f"in {time.perf_counter() - t0:.2f} s (untimed)")  # fmt: skip
    t0 = time.perf_counter()
    with Session(engine) as session, session.begin():
        result = plan_week(session, settings, WEEK, unit, user="bench")
    took = time.perf_counter() - t0
    steps = ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items())
    print(
        f"{scale}: planned {WEEK} for {n} channels: {result.items_added} items, "
        f"{len(result.shortfalls)} shortfalls in {took:.2f} s ({steps}, commit incl.)"
    )
    print(f"{scale}: share of channel-rules met this week: {result.share_met(False):.1%} -> "
          f"{result.share_met():.1%}")  # fmt: skip
    causes: dict[str, int] = {}
    for s in result.shortfalls:
        causes[f"{s.level}:{s.cause}"] = causes.get(f"{s.level}:{s.cause}", 0) + 1
    print(f"{scale}: shortfall causes: {causes}")
    for s in result.shortfalls[:3]:
        print(f"{scale}:   e.g. {result.channel_names[s.channel_id]} · {s.rule_id}: {s.text_vi}")
    engine.dispose()
    return {
        f"{scale}_channels": n,
        f"{scale}_items": result.items_added,
        f"{scale}_seconds": round(took, 3),
        f"{scale}_share_channel_rules_met": round(result.share_met(), 4),
        f"{scale}_share_channel_rules_met_before": round(result.share_met(False), 4),
        f"{scale}_steps": {k: round(v, 3) for k, v in result.timings.items()},
    }


def main() -> None:
    """Run the chosen scales on fresh databases and print the JSON line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file per scale")
    parser.add_argument("--scale", choices=("province", "country", "both"), default="both")
    args = parser.parse_args()
    figures: dict = {"week": str(WEEK), "programmes": 500}
    targets = {"province": 1.0, "country": 10.0}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in ("province", "country"):
            if args.scale not in (scale, "both"):
                continue
            url = args.database_url or f"sqlite:///{tmp}/{scale}.db"
            if args.database_url and engine_has_tables(url):
                raise SystemExit(f"{url} is not empty: give a fresh database")
            provinces, per = (1, 300) if scale == "province" else (34, 100)
            figures.update(run(url, scale, provinces, per, 500))
            figures[f"{scale}_target_seconds"] = targets[scale]
            figures[f"{scale}_met"] = figures[f"{scale}_seconds"] < targets[scale]
            figures["database"] = url.split(":", 1)[0]
            if args.database_url and args.scale == "both" and scale == "province":
                break  # one fresh database serves one scale
    print(json.dumps(figures, ensure_ascii=False))


def engine_has_tables(url: str) -> bool:
    """True when the database already holds Loa's tables."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return engine.dialect.has_table(conn, "channels")
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
