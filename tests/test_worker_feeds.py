"""feeds_poll: due feeds are fetched outside the run's transaction and stored once per run."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from content.db import utcnow
from content.feeds.store import add_source
from content.media_models import FeedItem, FeedSource
from scheduler.worker.models import JobRun
from scheduler.worker.runner import execute, last_fire_time
from tests.worker_helpers import context, make_settings

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tin xã</title><link>http://example.vn/</link>
<description>Tin</description>
<item><title>Họp dân về nông thôn mới</title><link>http://example.vn/1</link>
<guid>tin-1</guid><pubDate>Mon, 23 Nov 2026 01:00:00 GMT</pubDate>
<description>Thôn Một họp bàn làm đường bê tông.</description></item>
<item><title>Lịch tiêm chủng tháng 12</title><link>http://example.vn/2</link>
<guid>tin-2</guid><pubDate>Mon, 23 Nov 2026 02:00:00 GMT</pubDate>
<description>Trạm y tế xã thông báo.</description></item>
</channel></rss>""".encode()


class _Feed(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802 - http.server's API
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(RSS)))
        self.end_headers()
        self.wfile.write(RSS)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    handler = type("Feed", (_Feed,), {"hits": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, handler
    server.shutdown()


def test_feeds_poll_once_per_run(session, engine, tmp_path, feed_server):
    server, handler = feed_server
    jobs = {"feeds_poll": {"cron": "*/5 * * * *", "misfire_grace_seconds": 240}}
    settings = make_settings(tmp_path, jobs=jobs)
    add_source(session, f"http://127.0.0.1:{server.server_port}/rss", "planner", poll_minutes=30)
    session.commit()
    ctx = context(settings, engine, utcnow())
    at = last_fire_time(ctx.trigger("feeds_poll"), ctx.clock.now())
    assert execute(ctx, "feeds_poll", at) == "1 feed(s) polled: ok 1"
    assert execute(ctx, "feeds_poll", at) is None  # the same run: skipped, not fetched again
    assert handler.hits == 1
    titles = set(session.scalars(select(FeedItem.title)))
    assert titles == {"Họp dân về nông thôn mới", "Lịch tiêm chủng tháng 12"}
    assert session.scalar(select(FeedSource.last_status)) == "ok"
    assert session.scalar(select(func.count(JobRun.id))) == 1
    session.commit()
