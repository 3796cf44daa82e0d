"""The demo province: realistic stations, library and weeks with misses and unconfirmed slots."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from scheduler.demo import build_demo
from scheduler.errors import InvalidState
from scheduler.models import Airing, Channel, WeekSchedule
from tests import factories as f


def test_demo_builds_a_province(session, settings):
    province = f.unit(session, "Tỉnh Thái Nguyên", level="province", code="19")
    for i in range(8):
        f.unit(session, f"Xã Số {i}", parent=province, code=f"0{5800 + i}")
    session.commit()
    now = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC)
    summary = build_demo(session, settings, "19", past_weeks=2, now=now)
    session.commit()
    kinds = dict(session.execute(select(Channel.kind, func.count()).group_by(Channel.kind)).all())
    assert kinds["provincial_radio"] == 1 and kinds["provincial_tv"] == 1
    assert kinds["district_radio"] == 3
    assert 5 <= kinds["commune_radio"] <= 8
    statuses = dict(
        session.execute(select(Airing.status, func.count()).group_by(Airing.status)).all()
    )
    assert statuses["aired"] > statuses.get("partial", 0) > 0
    assert statuses.get("not_aired", 0) > 0
    assert summary.unconfirmed > 0
    assert session.scalar(select(func.count()).where(Airing.scheduled_item_id.is_(None))) > 0
    assert all(a.started_at < now for a in session.scalars(select(Airing)))
    states = set(session.scalars(select(WeekSchedule.state)))
    assert states == {"draft", "published"}
    with pytest.raises(InvalidState):
        build_demo(session, settings, "19", now=now)


def test_loa_demo_command_twice(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from web.cli import main

    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--weeks", "1"])
    assert first.exit_code == 0, first.output
    assert "units: 93 new" in first.output and "demo ready" in first.output
    second = runner.invoke(main, ["demo"])
    assert second.exit_code == 0 and "already present" in second.output
    bad = CliRunner().invoke(main, ["demo", "--province", "Atlantis"])
    assert bad.exit_code == 0  # the demo is there already; nothing to do
    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    bad = CliRunner().invoke(main, ["demo", "--province", "Atlantis"])
    assert bad.exit_code == 1 and "Atlantis" in bad.output
