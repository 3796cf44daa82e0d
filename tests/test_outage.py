"""The database unreachable for 30 s (PostgreSQL behind a TCP proxy that is stopped): the worker
retries and recovers, the web answers 503 clearly, no confirmation accepted before is lost."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from content.db import make_engine, make_session_factory
from scheduler.config import DatabaseSettings
from scheduler.models import ScheduledItem, Slot
from scheduler.periods import Week, local_date_of
from scheduler.schedules import add_item, materialise_week, publish_week
from tests import factories as f
from tests.conftest import PG_URL
from tests.process_helpers import PrivateDatabase, config_for, scalar, wait_for, workers
from tests.tcp_proxy import TcpProxy
from tests.worker_helpers import make_settings

OUTAGE = float(os.environ.get("LOA_OUTAGE_SECONDS", "30"))


def _seed(db: PrivateDatabase, settings) -> tuple[str, list[int]]:
    """A station with past slots (last week and today) and a broadcaster's API token."""
    from web.accounts import create_user, issue_token

    now = dt.datetime.now(dt.UTC)
    today = local_date_of(now, settings.zone)
    with make_session_factory(db.engine)() as s:
        province = f.unit(s, "Tỉnh Thử", level="province", code="91")
        chan = f.channel(s, f.unit(s, "Xã Một", parent=province))
        for hour in (5, 11, 17):
            f.pattern(s, chan, weekdays="1234567", start=dt.time(hour, 0), minutes=30)
        progs = [f.programme(s, title=f"Bản tin {i}", seconds=300) for i in range(2)]
        for week in (Week.of(today).shift(-1), Week.of(today)):
            schedule = materialise_week(s, settings, chan.id, week, "p")
            for slot in schedule.slots:
                for prog in progs:
                    add_item(s, slot.id, prog.id, "p")
            publish_week(s, schedule.id, "p")
        user = create_user(
            s, "bc1", "mat-khau-dai-123", "broadcaster", "admin", channel_ids=[chan.id]
        )
        token = issue_token(s, user, "test", "admin")
        items = list(
            s.scalars(
                select(ScheduledItem.id)
                .join(Slot)
                .where(Slot.starts_at < now)
                .order_by(ScheduledItem.id)
            )
        )
        s.commit()
    return token, items


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (LOA_TEST_DATABASE_URL)")
def test_database_outage(tmp_path, monkeypatch):
    monkeypatch.setenv("LOA_SECRET_KEY", "test-secret")
    db = PrivateDatabase("postgresql", tmp_path)
    pg = make_url(PG_URL)
    proxy = TcpProxy((pg.host or "127.0.0.1", pg.port or 5432))
    proxy.start()
    try:
        via = db.url_via(pg.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
        settings = make_settings(tmp_path)
        settings = dataclasses.replace(settings, database=DatabaseSettings(url=via))
        token, items = _seed(db, settings)
        assert len(items) >= 40
        jobs = {"feeds_poll": {"cron": "*/2 * * * * *", "misfire_grace_seconds": 120}}
        cfg = config_for(tmp_path, db, jobs, url=via)

        from web.app import create_app

        web_engine = make_engine(via, connect_args={"connect_timeout": 3})
        client = create_app(settings, web_engine).test_client()
        auth = {"Authorization": f"Bearer {token}"}

        def confirm(item_id: int):
            return client.post(
                f"/api/v1/items/{item_id}/confirmation", headers=auth, json={"status": "aired"}
            )

        with workers(tmp_path) as start:
            w = start(cfg, "w-outage")
            wait_for(
                lambda: scalar(db.engine, "SELECT count(*) FROM worker_job_runs") >= 2,
                30,
                "the worker running jobs",
            )
            before_outage = items[:-1]
            for item_id in before_outage:
                assert confirm(item_id).status_code == 201
            assert client.get("/healthz").status_code == 200

            proxy.stop()
            down_at = time.monotonic()
            resp = confirm(items[-1])
            assert resp.status_code == 503
            assert resp.content_type == "application/problem+json"
            assert resp.json["code"] == "database_unavailable"
            assert "không kết nối được tới cơ sở dữ liệu" in resp.json["detail"]
            page = client.get("/channels", headers={**auth, "Accept": "text/html"})
            assert page.status_code == 503 and page.mimetype == "text/html"
            assert "Hệ thống tạm thời không truy cập được cơ sở dữ liệu" in page.text
            assert "Traceback" not in page.text
            health = client.get("/healthz")
            assert health.status_code == 503 and health.json["status"] == "fail"
            wait_for(
                lambda: w.saw("worker.db_unreachable") or w.saw("job.db_retry"),
                15,
                "the worker to notice the outage",
            )
            time.sleep(max(0.0, OUTAGE - (time.monotonic() - down_at)))
            assert w.proc.poll() is None, "the worker must survive the outage"

            proxy.start()
            back = dt.datetime.now(dt.UTC)
            wait_for(
                lambda: (
                    scalar(
                        db.engine,
                        "SELECT count(*) FROM worker_job_runs WHERE finished_at > :t",
                        t=back,
                    )
                    >= 1
                ),
                30,
                "jobs running again after the outage",
            )
            # The heartbeat has its own period: wait for its first beat after the outage.
            wait_for(
                lambda: scalar(db.engine, "SELECT max(beat_at) FROM worker_heartbeats") > back,
                30,
                "the worker's heartbeat after the outage",
            )
            # The confirmation refused during the outage is sent again and accepted, once.
            assert confirm(items[-1]).status_code == 201
            assert confirm(items[-1]).status_code == 200
            assert confirm(before_outage[0]).status_code == 200
            assert w.terminate() == 0

        # Nothing accepted before the outage was lost, nothing doubled.
        assert scalar(db.engine, "SELECT count(*) FROM airings") == len(items)
        assert scalar(db.engine, "SELECT count(DISTINCT scheduled_item_id) FROM airings") == len(
            items
        )
        runs = scalar(db.engine, "SELECT count(*) FROM worker_job_runs")
        keys = scalar(
            db.engine,
            "SELECT count(*) FROM (SELECT DISTINCT job_id, scheduled_for FROM worker_job_runs) k",
        )
        assert runs == keys
        web_engine.dispose()
    finally:
        proxy.stop()
        db.drop()
