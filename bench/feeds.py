"""Benchmark: ingest 1,000 feed entries (parse, plain text, dedup, store) vs feedparser alone.

Usage: python bench/feeds.py [--feeds 10] [--entries 100]
Targets (issue 5): 1,000 entries ingested in under 2 s, at most 1.5x the time feedparser.parse
alone takes on the same files. Prints one line per step and a JSON line last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import feedparser  # noqa: E402

import migrations  # noqa: E402
from content.db import make_engine, make_session_factory, transaction  # noqa: E402
from content.feeds.store import add_source, ingest_document  # noqa: E402

PARAGRAPH = (
    "<p>Sáng nay, <b>UBND xã</b> tổ chức hội nghị triển khai kế hoạch xây dựng "
    "<a href='https://example.vn/ntm'>nông thôn mới</a> năm 2026 &amp; chương trình OCOP.</p>"
    "<p>Các thôn, bản báo cáo kết quả thực hiện tiêu chí về giao thông, thủy lợi, điện, "
    "trường học và cơ sở vật chất văn hóa.</p><script>track()</script>"
)


def make_feed(n: int, entries: int) -> bytes:
    """An RSS 2.0 feed like a provincial portal's: guid, link, pubDate, HTML description."""
    start = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)
    items = []
    for i in range(entries):
        when = (start + dt.timedelta(hours=i)).strftime("%a, %d %b %Y %H:%M:%S +0700")
        items.append(
            f"<item><title>Tin số {n}-{i}: Hội nghị xây dựng nông thôn mới &amp; OCOP</title>"
            f"<link>https://portal.example.vn/tin/{n}/{i}.html</link>"
            f"<guid isPermaLink='false'>portal-{n}-{i}</guid><pubDate>{when}</pubDate>"
            f"<description><![CDATA[{PARAGRAPH * 3}]]></description></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Cổng thông tin {n}</title><link>https://portal.example.vn/</link>"
        f"<description>Tin tức</description>{''.join(items)}</channel></rss>"
    ).encode()


def main() -> None:
    """Time feedparser.parse alone, then the full ingest, on the same documents."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--entries", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    docs = [make_feed(n, args.entries) for n in range(args.feeds)]
    total = args.feeds * args.entries
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    parse_times, ingest_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            t0 = time.perf_counter()
            for doc in docs:
                feedparser.parse(doc)
            parse_times.append(time.perf_counter() - t0)
            engine = make_engine(f"sqlite:///{tmp}/feeds{r}.db")
            migrations.upgrade(engine)
            factory = make_session_factory(engine)
            t0 = time.perf_counter()
            new = 0
            with transaction(factory) as session:
                for n, doc in enumerate(docs):
                    source = add_source(session, f"https://portal.example.vn/{n}.rss", "bench")
                    new += ingest_document(session, source, doc, zone).new_items
            ingest_times.append(time.perf_counter() - t0)
            engine.dispose()
            assert new == total, (new, total)
            print(f"round {r + 1}: feedparser.parse {parse_times[-1]:.2f} s, ingest "
                  f"{ingest_times[-1]:.2f} s for {total} entries", flush=True)  # fmt: skip
    best_parse, best_ingest = min(parse_times), min(ingest_times)
    figures = {
        "bench": "feeds",
        "entries": total,
        "ingest_seconds": round(best_ingest, 3),
        "feedparser_parse_seconds": round(best_parse, 3),
        "ratio_to_feedparser": round(best_ingest / best_parse, 2),
    }
    figures["ok"] = bool(best_ingest < 2.0 and best_ingest / best_parse <= 1.5)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
