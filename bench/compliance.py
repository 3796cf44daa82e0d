"""Benchmark: a year's compliance for all rules over the whole country, SQLite and PostgreSQL.

Generates national-scale data (3,321 commune channels + ~100 higher channels, 52 weeks, 2 to 14
airings per channel-week, each fulfilling a scheduled item, a few unplanned) and, with
--legacy, the pre-2025 scale (10,035 communes, ~7 million airings); airings are written after
their items, so the triggers of migration 0007 mark the items they confirm, and PostgreSQL is
vacuumed and analysed afterwards (as autovacuum would). Times evaluate() against the
bare SQL aggregate (matching airings counted per channel and week) in the same run: in full
(counts, statuses, not-aired and unconfirmed counts) and with unconfirmed=False (counts and
statuses only, no scheduled-item scan). Measures the peak memory of the evaluating process and
times a province's quarterly DOCX and XLSX report. Prints its figures, a JSON line last.

    python bench/compliance.py [--pg URL] [--legacy] [--skip-sqlite] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

import migrations  # noqa: E402
from content.db import make_engine, make_session_factory  # noqa: E402
from scheduler.periods import Week  # noqa: E402
from web.settings import load_app_settings  # noqa: E402

YEAR = 2025
NOW = dt.datetime(YEAR + 1, 1, 20, tzinfo=dt.UTC)
ZONE_OFFSET = dt.timedelta(hours=7)
TOPICS = ["ntm", "ocop", "giam_ngheo_thong_tin", "du_lich", "chuyen_doi_so", "y_te", "phap_luat",
          "nong_nghiep", "thoi_su", "an_ninh_trat_tu"]  # fmt: skip
TYPES = ["tin", "bai", "phong_su", "toa_dam", "chuyen_muc", "thong_bao", "pho_bien_kien_thuc"]
MINORITY = ["hmn", "tay", "nung", "dao", "thai", "km", "ede"]
STATUSES = ["aired"] * 88 + ["partial"] * 5 + ["not_aired"] * 5 + ["cancelled"] * 2
HOURS = [5, 6, 7, 11, 12, 17, 18, 23]  # local; 23:30 falls on the previous day in UTC
SLOT_TIMES = list(range(7 * len(HOURS)))
REASONS = ["mat_dien", "hong_thiet_bi", "phat_tin_khan", "thien_tai"]


def ts(value: dt.datetime, sqlite: bool) -> object:
    """A UTC instant as each backend stores it."""
    return value.strftime("%Y-%m-%d %H:%M:%S.000000") if sqlite else value


class Writer:
    """Bulk rows into a table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, engine, sqlite: bool) -> None:
        self.sqlite = sqlite
        self.raw = engine.raw_connection()

    def put(self, table: str, cols: list[str], rows: Iterator[tuple] | list[tuple]) -> int:
        n = 0
        cur = self.raw.cursor()
        if self.sqlite:
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            batch: list[tuple] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 50_000:
                    cur.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            cur.executemany(sql, batch)
            n += len(batch)
        else:
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        cur.close()
        return n

    def commit(self) -> None:
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()


def generate(engine, sqlite: bool, legacy: bool, seed: int = 7) -> dict[str, int]:
    """Fill a migrated, empty database with national-scale data; returns row counts."""
    rng = random.Random(seed)
    w = Writer(engine, sqlite)
    if sqlite:
        w.raw.execute("PRAGMA synchronous=OFF")
        w.raw.execute("BEGIN")
    n_prov, n_comm, n_dist = (63, 10_035, 700) if legacy else (34, 3_321, 0)
    structure = "legacy" if legacy else "2025"
    valid_from = dt.date(2020, 1, 1)
    units: list[tuple] = []
    uid = 0
    provinces, districts, communes = [], [], []
    for p in range(n_prov):
        uid += 1
        provinces.append(uid)
        units.append((uid, f"{p + 1:02d}", structure, "province", f"Tỉnh {p + 1}", f"tinh {p + 1}",
                      None, valid_from))  # fmt: skip
    for d in range(n_dist):
        uid += 1
        districts.append(uid)
        units.append((uid, f"{d + 1:03d}", structure, "district", f"Huyện {d + 1}",
                      f"huyen {d + 1}", provinces[d % n_prov], valid_from))  # fmt: skip
    parents = districts or provinces
    for c in range(n_comm):
        uid += 1
        communes.append(uid)
        units.append((uid, f"{c + 1:05d}", structure, "commune", f"Xã {c + 1}", f"xa {c + 1}",
                      parents[c % len(parents)], valid_from))  # fmt: skip
    cols = ["id", "code", "structure", "level", "name", "search_name", "parent_id", "valid_from"]
    w.put("admin_units", cols, units)
    # Channels: one per commune, plus provincial radio + TV, plus district/higher ones.
    channels: list[tuple] = []
    langs: list[tuple] = []
    cid = 0
    for u in communes:
        cid += 1
        opened = valid_from if rng.random() > 0.02 else dt.date(YEAR, rng.randint(2, 11), 1)
        channels.append((cid, f"C{cid}", f"Đài truyền thanh xã {cid}", "commune_radio", u, opened))
        langs.append((cid, "vi"))
        if rng.random() < 0.2:
            langs.append((cid, rng.choice(MINORITY)))
    for p in provinces:
        for kind in ("provincial_radio", "provincial_tv"):
            cid += 1
            channels.append((cid, f"C{cid}", f"Đài {kind} {p}", kind, p, valid_from))
            langs.append((cid, "vi"))
    higher = districts or provinces
    for i in range(700 if legacy else 32):
        cid += 1
        channels.append((cid, f"C{cid}", f"Đài huyện {i}", "district_radio",
                         higher[i % len(higher)], valid_from))  # fmt: skip
        langs.append((cid, "vi"))
    w.put("channels", ["id", "code", "name", "kind", "unit_id", "active_from"], channels)
    w.put("channel_languages", ["channel_id", "language"], langs)
    # Programme library.
    progs, ptopics = [], []
    created = ts(dt.datetime(YEAR - 1, 12, 1, tzinfo=dt.UTC), sqlite)
    for pid in range(1, 2001):
        lang = "vi" if rng.random() < 0.8 else rng.choice(MINORITY)
        secs = rng.choice([180, 300, 420, 600, 720, 900, 1200])
        progs.append((pid, f"Chương trình {pid}", rng.choice(TYPES), lang, secs, "normal",
                      "bench", created))  # fmt: skip
        for t in rng.sample(TOPICS, rng.choice([1, 1, 2])):
            ptopics.append((pid, t))
    w.put("programmes", ["id", "title", "programme_type", "language", "duration_seconds",
                         "priority", "created_by", "created_at"], progs)  # fmt: skip
    w.put("programme_topics", ["programme_id", "topic"], ptopics)
    by_lang: dict[str, list[tuple]] = {}
    for p in progs:
        by_lang.setdefault(p[3], []).append(p)
    chan_langs: dict[int, list[str]] = {}
    for c, lang in langs:
        chan_langs.setdefault(c, []).append(lang)
    weeks = [Week(YEAR, k) for k in range(1, 53)]
    lo_n, hi_n = (10, 17) if legacy else (2, 14)
    counts = {"schedules": 0, "slots": 0, "items": 0, "airings": 0}
    ids = {"sched": 0, "slot": 0, "item": 0, "airing": 0}
    sched_rows, slot_rows, item_rows, airing_rows = [], [], [], []

    def flush() -> None:
        counts["schedules"] += w.put(
            "week_schedules",
            ["id", "channel_id", "week_key", "week_start", "state", "version", "created_at"],
            sched_rows,
        )
        counts["slots"] += w.put("slots", ["id", "schedule_id", "channel_id", "starts_at",
                                 "local_date", "duration_minutes"], slot_rows)  # fmt: skip
        counts["items"] += w.put("scheduled_items", ["id", "slot_id", "programme_id", "position",
                                 "pinned", "added_by"], item_rows)  # fmt: skip
        counts["airings"] += w.put("airings", ["id", "channel_id", "scheduled_item_id",
                                   "programme_id", "status", "started_at", "local_date",
                                   "week_key", "duration_seconds", "reason_code", "source",
                                   "confirmed_by", "confirmed_at"], airing_rows)  # fmt: skip
        for rows in (sched_rows, slot_rows, item_rows, airing_rows):
            rows.clear()

    for c_id, _code, _name, _kind, _unit, opened in channels:
        pool = [p for lang in chan_langs[c_id] for p in by_lang.get(lang, ())]
        for wk in weeks:
            if wk.sunday < opened:
                continue
            ids["sched"] += 1
            sched_rows.append((ids["sched"], c_id, wk.key, wk.monday, "published", 1, created))
            for when in rng.sample(SLOT_TIMES, rng.randint(lo_n, hi_n)):
                day = wk.monday + dt.timedelta(days=when // 8)
                if day < opened:
                    continue
                hour = HOURS[when % 8]
                local = dt.datetime.combine(day, dt.time(hour, 30))
                start = (local - ZONE_OFFSET).replace(tzinfo=dt.UTC)
                prog = rng.choice(pool)
                ids["slot"] += 1
                ids["item"] += 1
                slot_rows.append((ids["slot"], ids["sched"], c_id, ts(start, sqlite), day, 30))
                item_rows.append((ids["item"], ids["slot"], prog[0], 0, False, "bench"))
                r = rng.random()
                if r < 0.05:
                    continue  # unconfirmed
                status = rng.choice(STATUSES)
                secs = {"aired": prog[4], "partial": int(prog[4] * rng.uniform(0.2, 0.95))}.get(
                    status, 0
                )
                reason = rng.choice(REASONS) if status in ("not_aired", "cancelled") else None
                ids["airing"] += 1
                item_ref = ids["item"] if r > 0.08 else None  # ~3% unplanned
                airing_rows.append((ids["airing"], c_id, item_ref, prog[0], status,
                                    ts(start, sqlite), day, wk.key, secs, reason, "import",
                                    "bench", ts(start, sqlite)))  # fmt: skip
        if len(airing_rows) > 200_000:
            flush()
    flush()
    w.commit()
    w.close()
    if not sqlite:  # as autovacuum leaves a database holding a year of confirmations
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
            for table in list(tables):
                conn.execute(text(f'VACUUM ANALYZE "{table}"'))
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    return counts


BASELINE = """
SELECT a.channel_id, a.week_key, count(*)
FROM airings a JOIN programme_topics pt ON pt.programme_id = a.programme_id AND pt.topic = 'ntm'
WHERE a.status IN ('aired', 'partial') AND a.week_key BETWEEN :lo AND :hi
GROUP BY a.channel_id, a.week_key
"""


def measure(
    url: str, schema: str | None, repeat: int, province: str, report: bool
) -> dict[str, object]:
    """Run in a fresh process: time evaluate() and the bare aggregate; report peak memory."""
    from scheduler.compliance import evaluate

    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = make_engine(url, **kwargs)
    settings = load_app_settings(ROOT / "config.toml")
    factory = make_session_factory(engine)
    base_times, eval_times, status_times = [], [], []
    rows = 0
    for _ in range(repeat):
        with engine.connect() as conn:
            t0 = time.perf_counter()
            n = len(conn.execute(text(BASELINE), {"lo": YEAR * 100 + 1, "hi": YEAR * 100 + 52})
                    .all())  # fmt: skip
            base_times.append(time.perf_counter() - t0)
        with factory() as session:
            t0 = time.perf_counter()
            result = evaluate(session, settings, str(YEAR), now=NOW)
            eval_times.append(time.perf_counter() - t0)
            rows = sum(len(r.channels) for r in result.rules)
            session.rollback()
        with factory() as session:
            t0 = time.perf_counter()
            evaluate(session, settings, str(YEAR), now=NOW, unconfirmed=False)
            status_times.append(time.perf_counter() - t0)
            session.rollback()
    report_s = None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if report:
        report_s = _time_report(factory, settings, province)
    return {
        "baseline_s": round(min(base_times), 3),
        "evaluate_s": round(min(eval_times), 3),
        "ratio": round(min(eval_times) / min(base_times), 2),
        "evaluate_statuses_only_s": round(min(status_times), 3),
        "ratio_statuses_only": round(min(status_times) / min(base_times), 2),
        "baseline_groups": n,
        "channel_rule_results": rows,
        "peak_rss_mb": round(peak_mb, 1),
        "province_quarter_report_s": report_s,
    }


def _time_report(factory, settings, province: str) -> float:
    """Seconds to build a province's quarterly report and write it as DOCX and XLSX."""
    from scheduler.compliance.export_docx import write_docx
    from scheduler.compliance.export_xlsx import write_xlsx
    from scheduler.compliance.reports import build_report

    with factory() as session:
        t0 = time.perf_counter()
        report = build_report(session, settings, f"{YEAR}-Q3", province, now=NOW)
        out = Path(tempfile.mkdtemp())
        write_docx(report, settings, out / "r.docx")
        write_xlsx(report, settings, out / "r.xlsx")
        seconds = time.perf_counter() - t0
        session.rollback()
    return round(seconds, 2)


def run_backend(
    kind: str, pg_url: str | None, legacy: bool, repeat: int, report: bool
) -> dict[str, object]:
    """Create, fill and measure one database; returns its figures."""
    schema = None
    tmp = None
    if kind == "sqlite":
        keep = os.environ.get("LOA_BENCH_KEEP")  # a folder: keep the SQLite file for profiling
        tmp = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="loa-bench-"))
        tmp.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{tmp / 'bench.db'}"
        engine = make_engine(url)
    else:
        assert pg_url
        keep = os.environ.get("LOA_BENCH_KEEP")
        schema = "loa_bench_kept" if keep else f"loa_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = pg_url
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        migrations.upgrade(engine)
        t0 = time.perf_counter()
        counts = generate(engine, kind == "sqlite", legacy)
        gen_s = time.perf_counter() - t0
        engine.dispose()
        print(f"[{kind}{' legacy' if legacy else ''}] generated {counts} in {gen_s:.1f} s",
              flush=True)  # fmt: skip
        cmd = [sys.executable, __file__, "--measure", url, "--repeat", str(repeat)]
        if schema:
            cmd += ["--schema", schema]
        if not report:
            cmd.append("--no-report")
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        figures.update(counts, generate_s=round(gen_s, 1))
        print(f"[{kind}{' legacy' if legacy else ''}] {figures}", flush=True)
        return figures
    finally:
        if schema and not os.environ.get("LOA_BENCH_KEEP"):
            admin = make_engine(pg_url)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        if tmp and not os.environ.get("LOA_BENCH_KEEP"):
            for f in tmp.iterdir():
                f.unlink()
            tmp.rmdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("LOA_TEST_DATABASE_URL"))
    parser.add_argument("--legacy", action="store_true", help="also the pre-2025 scale")
    parser.add_argument("--legacy-only", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    parser.add_argument("--province", default="01", help=argparse.SUPPRESS)
    parser.add_argument("--no-report", action="store_true", help="skip the report timing")
    args = parser.parse_args()
    if args.measure:
        figures = measure(args.measure, args.schema, args.repeat, args.province, not args.no_report)
        print(json.dumps(figures))
        return
    results: dict[str, object] = {}
    scales = ([] if args.legacy_only else [False]) + ([True] if args.legacy or args.legacy_only
                                                      else [])  # fmt: skip
    for legacy in scales:
        for kind in ("sqlite", "postgresql"):
            if kind == "sqlite" and args.skip_sqlite:
                continue
            if kind == "postgresql" and (args.skip_pg or not args.pg):
                continue
            name = f"{kind}{'_legacy' if legacy else ''}"
            results[name] = run_backend(kind, args.pg, legacy, args.repeat, not args.no_report)
    targets = {}
    for name, fig in results.items():
        limit = 6.0 if name.endswith("legacy") else 2.0
        targets[name] = {
            "evaluate_under_limit": fig["evaluate_s"] < limit,  # type: ignore[operator]
            "ratio_at_most_2": fig["ratio"] <= 2.0,  # type: ignore[operator]
            "ratio_statuses_only_at_most_2": fig["ratio_statuses_only"] <= 2.0,  # type: ignore[operator]
            "memory_under_500mb": fig["peak_rss_mb"] < 500,  # type: ignore[operator]
            "report_under_5s": fig["province_quarter_report_s"] is not None
            and fig["province_quarter_report_s"] < 5.0,  # type: ignore[operator]
        }
    print(json.dumps({"benchmark": "compliance", "results": results, "targets": targets}))


if __name__ == "__main__":
    main()
