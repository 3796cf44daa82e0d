"""Benchmark: the broadcaster's page on a weak 3G link, at the demo's size.

Usage: python bench/station.py [--communes 20] [--rounds 3]
Targets (issue 19): first load under 30 KB transferred, a repeat load under 10 KB, usable in
under 2 s on a 400 ms / 400 kbit/s link.
How: the demo province (small: N communes, eight past weeks, this week's audio clips) on a
SQLite file, served in-process; headless Chromium (/usr/bin/chromium) as a 360 px phone, the
page and its service worker throttled through the DevTools protocol. Bytes are what left the
server (status line, headers and body as sent, compressed); "usable" is from the navigation to
the page script's data-ready mark. Each round is a new phone: sign in elsewhere, then the
station page (first load), then the station page again (repeat load, through the worker).
The machine is shared: figures vary from run to run. Prints figures, a JSON line last.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import migrations  # noqa: E402
from content.db import make_engine, make_session_factory, utcnow  # noqa: E402
from scheduler.config import MediaSettings  # noqa: E402
from scheduler.demo import build_demo  # noqa: E402
from scheduler.demo_audio import add_demo_audio, programmes_of_the_week  # noqa: E402
from scheduler.models import AdminUnit  # noqa: E402
from scheduler.periods import Week, local_date_of  # noqa: E402
from scheduler.units.text import fold  # noqa: E402
from tests.web.live_helpers import SLOW_3G, serve, throttle, throttle_workers  # noqa: E402
from web import accounts  # noqa: E402
from web.app import create_app  # noqa: E402
from web.settings import load_app_settings  # noqa: E402

PASSWORD = "bench-station-2026"
TARGETS = {"first_bytes": 30 * 1024, "repeat_bytes": 10 * 1024, "usable_s": 2.0}


def build(tmp: Path, communes: int) -> tuple[object, object, int]:
    """The demo province in a SQLite file; returns (settings, engine, items on the page)."""
    settings = load_app_settings(ROOT / "config.toml")
    settings = dataclasses.replace(settings, media=MediaSettings(folder=str(tmp / "media")))
    engine = make_engine(f"sqlite:///{tmp / 'loa.db'}")
    migrations.upgrade(engine)
    with make_session_factory(engine)() as s:
        since = dt.date(2025, 7, 1)
        province = AdminUnit(
            code="19", structure="2025", level="province", name="Tỉnh Thái Nguyên",
            search_name=fold("Tỉnh Thái Nguyên"), valid_from=since,
        )  # fmt: skip
        s.add(province)
        for i in range(communes):
            name = f"Xã Số {i}"
            s.add(AdminUnit(
                code=f"0{5800 + i}", structure="2025", level="commune", name=name,
                unit_type="Xã", search_name=fold(name), parent=province, valid_from=since,
            ))  # fmt: skip
        s.commit()
        summary = build_demo(s, settings, "19")
        today = local_date_of(utcnow(), settings.zone)
        programmes = programmes_of_the_week(s, summary.showcase_channel, Week.of(today), today)
        add_demo_audio(s, settings, programmes)
        accounts.create_user(s, "phatthanh", PASSWORD, "broadcaster", "bench",
                             channel_ids=[summary.showcase_channel])  # fmt: skip
        s.commit()
        items = summary.items
    return settings, engine, items


def round_trip(browser: object, url: str, wire: object) -> dict[str, float]:
    """One new phone: first load and repeat load of the station page."""
    phone = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
    ctx = browser.new_context(**phone)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(f"{url}/login?next=/channels")
    page.fill('input[name="username"]', "phatthanh")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url("**/channels")
    throttle(ctx, page)
    out: dict[str, float] = {}
    for name in ("first", "repeat"):
        if name == "repeat":
            throttle_workers(browser)
        mark = wire.mark()  # type: ignore[attr-defined]
        start = time.monotonic()
        page.goto(f"{url}/station/")
        page.wait_for_selector("body[data-ready]", state="attached", timeout=30000)
        out[f"{name}_s"] = time.monotonic() - start
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_load_state("networkidle")
        time.sleep(0.5)
        out[f"{name}_bytes"] = sum(r.bytes for r in wire.since(mark))  # type: ignore[attr-defined]
    ctx.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="loa-bench-station-") as tmp:
        t0 = time.monotonic()
        settings, engine, items = build(Path(tmp), args.communes)
        print(f"demo built in {time.monotonic() - t0:.1f} s ({items} scheduled items)")
        app = create_app(settings, engine, {"SECRET_KEY": "bench-station"})  # type: ignore[arg-type]
        server, wire, url = serve(app)
        rounds = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
                for k in range(args.rounds):
                    rounds.append(round_trip(browser, url, wire))
                    print(
                        f"round {k + 1}: "
                        + ", ".join(f"{key} {v:.2f}" for key, v in rounds[-1].items())
                    )
                browser.close()
        finally:
            server.shutdown()
            engine.dispose()  # type: ignore[attr-defined]
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    met = (median["first_bytes"] < TARGETS["first_bytes"]
           and median["repeat_bytes"] < TARGETS["repeat_bytes"]
           and max(median["first_s"], median["repeat_s"]) < TARGETS["usable_s"])  # fmt: skip
    print(f"link {SLOW_3G['latency']} ms, {SLOW_3G['downloadThroughput'] * 8 / 1000:.0f} kbit/s")
    first, repeat = median["first_bytes"] / 1024, median["repeat_bytes"] / 1024
    print(f"median first load {first:.1f} KB in {median['first_s']:.2f} s, "
          f"repeat {repeat:.1f} KB in {median['repeat_s']:.2f} s")  # fmt: skip
    figures = {k: round(v, 3) for k, v in median.items()}
    print(json.dumps({"bench": "station", "communes": args.communes, "rounds": len(rounds),
                      **figures, "targets_met": met}))  # fmt: skip


if __name__ == "__main__":
    main()
