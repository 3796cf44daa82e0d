"""Cancel, approve and correct an emergency broadcast from its page (confirmation, scope)."""

from __future__ import annotations

import dataclasses
import html
import io
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from content.models import AuditEntry, Programme
from scheduler.config import MediaSettings, Settings
from scheduler.emergency import issue as ops
from scheduler.emergency.models import EmergencyBroadcast, EmergencyDelivery
from tests import factories as f
from tests.emergency_helpers import tone_wav, with_audio
from tests.web.conftest import Browser, World
from web.app import create_app


def _app(engine: Engine, settings: Settings, tmp_path: Path, approval: bool = False) -> Flask:
    local = dataclasses.replace(
        settings,
        media=MediaSettings(folder=str(tmp_path / "media")),
        emergency=dataclasses.replace(settings.emergency, approval=approval),
    )
    return create_app(local, engine, {"TESTING": True, "SECRET_KEY": "em-manage"})


def _signed_in(app: Flask, username: str) -> Browser:
    b = Browser(app.test_client())
    assert b.login(username) == 302
    return b


def _issued(factory: sessionmaker[Session], settings: Settings, world: World,
            approval: bool = False) -> int:  # fmt: skip
    """A broadcast to province A issued by the planner; the programme has audio."""
    local = dataclasses.replace(
        settings, emergency=dataclasses.replace(settings.emergency, approval=approval)
    )
    with factory() as s:
        programme = s.get(Programme, world.programme)
        assert programme is not None
        with_audio(s, programme)
        req = ops.Request(world.programme, world.province_a, 10, title="Cảnh báo lũ")
        who = ops.Issuer("planner", "planner", frozenset({world.province_a, world.commune_a}))
        b = ops.issue(s, local, req, who, utcnow())
        s.commit()
        return b.id


def _deliveries(factory: sessionmaker[Session], bid: int) -> list[EmergencyDelivery]:
    with factory() as s:
        return list(
            s.scalars(select(EmergencyDelivery).where(EmergencyDelivery.broadcast_id == bid))
        )


def test_cancel_needs_the_box_then_stops_every_station(
    engine: Engine, settings: Settings, tmp_path: Path, world: World,
    session_factory: sessionmaker[Session],
) -> None:  # fmt: skip
    bid = _issued(session_factory, settings, world)
    app = _app(engine, settings, tmp_path)
    supervisor = _signed_in(app, "supervisor")
    page = supervisor.get(f"/emergency/{bid}/manage")
    assert page.status_code == 200 and 'id="cancel-form"' in page.text
    assert 'id="approve-form"' not in page.text  # nothing awaits approval
    r = supervisor.post(f"/emergency/{bid}/manage", {"action": "cancel", "reason": "Hết mưa"})
    assert r.status_code == 422 and "Hãy đánh dấu ô xác nhận." in html.unescape(r.text)
    assert "Hết mưa" in r.text  # the reason typed stays
    assert {d.state for d in _deliveries(session_factory, bid)} == {"waiting"}
    r = supervisor.post(f"/emergency/{bid}/manage",
                        {"action": "cancel", "reason": "Hết mưa", "confirm": "yes"})  # fmt: skip
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/emergency/{bid}")
    proof = html.unescape(supervisor.get(f"/emergency/{bid}").text)
    assert "Đã hủy tin khẩn; 1 đài sẽ không phát." in proof
    assert f"/emergency/{bid}/manage" not in proof  # nothing left to do
    with session_factory() as s:
        b = s.get(EmergencyBroadcast, bid)
        assert b is not None and (b.state, b.cancelled_by, b.cancel_reason) == (
            "cancelled",
            "supervisor",
            "Hết mưa",
        )
        assert (
            s.scalar(select(AuditEntry.actor).where(AuditEntry.action == "emergency.cancel"))
            == "supervisor"
        )
    assert {d.state for d in _deliveries(session_factory, bid)} == {"cancelled"}
    again = supervisor.post(f"/emergency/{bid}/manage", {"action": "cancel", "confirm": "yes"})
    assert again.status_code in (409, 422) and "đã bị hủy" in html.unescape(again.text)


def test_approval_by_a_second_person(
    engine: Engine, settings: Settings, tmp_path: Path, world: World,
    session_factory: sessionmaker[Session],
) -> None:  # fmt: skip
    bid = _issued(session_factory, settings, world, approval=True)
    assert _deliveries(session_factory, bid) == []
    app = _app(engine, settings, tmp_path, approval=True)
    planner = _signed_in(app, "planner")
    assert "Duyệt, hủy hoặc đính chính" in planner.get(f"/emergency/{bid}").text
    own = planner.get(f"/emergency/{bid}/manage").text
    assert 'id="approve-form"' not in own  # not the person who issued it
    self_approve = planner.post(f"/emergency/{bid}/manage", {"action": "approve"})
    assert self_approve.status_code == 403
    assert "phải do một người khác duyệt" in html.unescape(self_approve.text)
    supervisor = _signed_in(app, "supervisor")
    assert 'id="approve-form"' in supervisor.get(f"/emergency/{bid}/manage").text
    r = supervisor.post(f"/emergency/{bid}/manage", {"action": "approve"})
    assert r.status_code == 303
    assert [d.state for d in _deliveries(session_factory, bid)] == ["waiting"]
    with session_factory() as s:
        b = s.get(EmergencyBroadcast, bid)
        assert b is not None and (b.state, b.approved_by) == ("active", "supervisor")


def test_correction_by_programme_and_by_upload(
    engine: Engine, settings: Settings, tmp_path: Path, world: World,
    session_factory: sessionmaker[Session],
) -> None:  # fmt: skip
    bid = _issued(session_factory, settings, world)
    with session_factory() as s:
        fixed = f.programme(s, title="Cảnh báo lũ (đính chính)", priority="emergency")
        with_audio(s, fixed)
        s.commit()
        fixed_id = fixed.id
    app = _app(engine, settings, tmp_path)
    planner = _signed_in(app, "planner")
    found = planner.post(
        f"/emergency/{bid}/manage", {"action": "find_programme", "pq": "dinh chinh"}
    )
    assert f'name="programme" value="{fixed_id}"' in found.text
    unticked = planner.post(
        f"/emergency/{bid}/manage", {"action": "correct", "programme": fixed_id}
    )
    assert unticked.status_code == 422
    assert [d.programme_id for d in _deliveries(session_factory, bid)] == [world.programme]
    r = planner.post(f"/emergency/{bid}/manage",
                     {"action": "correct", "programme": fixed_id, "confirm": "yes"})  # fmt: skip
    assert r.status_code == 303
    assert "Đã gửi đính chính tới 1 đài chưa phát." in html.unescape(
        planner.get(f"/emergency/{bid}").text
    )
    assert [d.programme_id for d in _deliveries(session_factory, bid)] == [fixed_id]
    wav = tone_wav(tmp_path / "sua.wav").read_bytes()
    r = planner.client.post(
        f"/emergency/{bid}/manage",
        data={"csrf_token": planner.csrf, "action": "correct", "confirm": "yes",
              "file": (io.BytesIO(wav), "sua.wav")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert r.status_code == 303
    (d,) = _deliveries(session_factory, bid)
    assert d.programme_id not in (world.programme, fixed_id)
    with session_factory() as s:
        p = s.get(Programme, d.programme_id)
        assert p is not None and p.is_approved and p.priority == "emergency"


def test_out_of_scope_and_broadcaster(
    engine: Engine, settings: Settings, tmp_path: Path, world: World,
    session_factory: sessionmaker[Session],
) -> None:  # fmt: skip
    bid = _issued(session_factory, settings, world)
    app = _app(engine, settings, tmp_path)
    with session_factory() as s:
        from tests.web.conftest import PASSWORD
        from web import accounts

        accounts.create_user(s, "planner_b", PASSWORD, "planner", "t", unit_id=world.province_b)
        s.commit()
    other = _signed_in(app, "planner_b")
    assert other.get(f"/emergency/{bid}/manage").status_code == 404
    assert (
        other.post(f"/emergency/{bid}/manage", {"action": "cancel", "confirm": "yes"}).status_code
        == 404
    )
    broadcaster = _signed_in(app, "broadcaster")
    assert (
        broadcaster.post(
            f"/emergency/{bid}/manage", {"action": "cancel", "confirm": "yes"}
        ).status_code
        == 403
    )
    assert {d.state for d in _deliveries(session_factory, bid)} == {"waiting"}
