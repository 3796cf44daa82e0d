"""Benchmark: on SQLite, do confirmations wait while a national compliance evaluation runs?

Generates the national-scale data of bench/compliance.py (3,321 commune channels, a year of
schedules and airings) in a SQLite file, then runs a year's evaluate() in one thread while the
main thread confirms broadcasts (one short writing transaction each, every 20 ms). Twice: the
evaluation in a writing session (BEGIN IMMEDIATE, what every session did before) and in a
read-only session (deferred BEGIN). Prints the confirmation latencies during each evaluation,
and evaluate() alone in each kind of session (best of three), a JSON line last.

    python bench/readlock.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

import migrations  # noqa: E402
from content.db import make_engine, make_session_factory, read_only_session_factory  # noqa: E402
from scheduler import airings  # noqa: E402
from scheduler.models import Airing  # noqa: E402
from web.settings import load_app_settings  # noqa: E402


def _compliance_bench():  # noqa: ANN202
    """bench/compliance.py as a module (its data generator and constants)."""
    spec = importlib.util.spec_from_file_location("bench_compliance", ROOT / "bench/compliance.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(engine, reading: bool, settings, item_ids: list[int], year: int, now) -> dict:  # noqa: ANN001
    """Evaluate in a thread while confirming in this one; latencies in milliseconds."""
    from scheduler.compliance import evaluate

    factory = read_only_session_factory(engine) if reading else make_session_factory(engine)
    writes = make_session_factory(engine)
    started, done = threading.Event(), threading.Event()
    took: list[float] = []

    def evaluation() -> None:
        with factory() as s:
            t0 = time.perf_counter()
            started.set()
            evaluate(s, settings, str(year), now=now)
            took.append(time.perf_counter() - t0)
            s.rollback()
        done.set()

    t = threading.Thread(target=evaluation)
    t.start()
    started.wait()
    latencies = []
    i = 0
    while not done.is_set():
        t0 = time.perf_counter()
        with writes() as s:  # a repeated confirmation: a real writing transaction, no new row
            airings.confirm_item(s, settings, item_ids[i % len(item_ids)], "aired", "bench",
                                 now=now)  # fmt: skip
            s.commit()
        latencies.append((time.perf_counter() - t0) * 1000)
        i += 1
        time.sleep(0.02)
    t.join()
    return {
        "evaluation": "read-only" if reading else "writing",
        "evaluate_s": round(took[0], 2),
        "confirmations": len(latencies),
        "confirm_median_ms": round(statistics.median(latencies), 1),
        "confirm_max_ms": round(max(latencies), 1),
    }


def alone(engine, settings, year: int, now) -> dict[str, float]:  # noqa: ANN001
    """Best of three evaluate() seconds per session kind with no writer running."""
    from scheduler.compliance import evaluate

    out = {}
    for name, factory in (
        ("writing", make_session_factory(engine)),
        ("read-only", read_only_session_factory(engine)),
    ):
        times = []
        for _ in range(3):
            with factory() as s:
                t0 = time.perf_counter()
                evaluate(s, settings, str(year), now=now)
                times.append(time.perf_counter() - t0)
                s.rollback()
        out[f"evaluate_{name}_s"] = round(min(times), 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="folder for the SQLite file (reused if present)")
    args = parser.parse_args()
    cb = _compliance_bench()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="loa-readlock-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.db"
    fresh = not path.exists()
    engine = make_engine(f"sqlite:///{path}")
    if fresh:
        migrations.upgrade(engine)
        t0 = time.perf_counter()
        counts = cb.generate(engine, True, False)
        print(f"generated {counts} in {time.perf_counter() - t0:.1f} s", flush=True)
        engine.dispose()
        engine = make_engine(f"sqlite:///{path}")
    settings = load_app_settings(ROOT / "config.toml")
    with make_session_factory(engine)() as s:
        item_ids = list(
            s.scalars(
                select(Airing.scheduled_item_id)
                .where(Airing.scheduled_item_id.is_not(None), Airing.status == "aired")
                .limit(200)
            )
        )
    figures = [run(engine, r, settings, item_ids, cb.YEAR, cb.NOW) for r in (False, True)]
    figures.append({"alone": alone(engine, settings, cb.YEAR, cb.NOW)})
    for f in figures:
        print(f, flush=True)
    engine.dispose()
    if not args.keep:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    print(json.dumps({"bench": "readlock", "results": figures}))


if __name__ == "__main__":
    main()
