"""Emergency broadcasts: issuing to an area, who may, approval, cancel and correction."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import AuditEntry
from scheduler.config import Settings
from scheduler.emergency import airing
from scheduler.emergency import issue as ops
from scheduler.emergency.models import EmergencyBroadcast, EmergencyDelivery
from scheduler.emergency.targets import Repeats
from scheduler.errors import Invalid, InvalidState, LoaError, NotFound
from tests import factories as f
from tests.emergency_helpers import build_area, with_audio

NOW = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội


def _who(role: str, units: list[int] | None, name: str = "kehoach") -> ops.Issuer:
    return ops.Issuer(name, role, frozenset(units) if units is not None else None)


def _scope_a(session: Session, area) -> list[int]:  # noqa: ANN001
    from scheduler.areas import subtree_ids

    return subtree_ids(session, area.province_a)


def _deliveries(session: Session, b: EmergencyBroadcast) -> list[EmergencyDelivery]:
    query = select(EmergencyDelivery).where(EmergencyDelivery.broadcast_id == b.id)
    return list(session.scalars(query.order_by(EmergencyDelivery.occurrence, "channel_id")))


def test_issue_reaches_every_station_of_the_area(session: Session, settings: Settings) -> None:
    area = build_area(session)
    req = ops.Request(area.programme, area.province_a, 15, reason="Bão số 3 đổ bộ")
    b = ops.issue(session, settings, req, _who("planner", _scope_a(session, area)), NOW)
    session.commit()
    rows = _deliveries(session, b)
    assert sorted(d.channel_id for d in rows) == sorted(area.stations_a)
    assert {d.state for d in rows} == {"waiting"}
    assert all(d.due_at == NOW for d in rows)
    assert b.state == "active" and b.effective_at == NOW and b.title == "Cảnh báo bão số 3"
    assert b.expires_at == NOW + dt.timedelta(hours=settings.emergency.expiry_hours)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "emergency"))
    assert list(actions) == ["emergency.issue"]


def test_narrowed_to_kinds_and_to_a_list(session: Session, settings: Settings) -> None:
    area = build_area(session)
    who = _who("supervisor", _scope_a(session, area))
    kinds = ops.Request(area.programme, area.province_a, 15, channel_kinds=("district_radio",))
    b = ops.issue(session, settings, kinds, who, NOW)
    assert [d.channel_id for d in _deliveries(session, b)] == [area.stations_a[2]]
    listed = ops.Request(area.programme, area.province_a, 15, channel_ids=(area.stations_a[1],))
    b2 = ops.issue(session, settings, listed, who, NOW)
    assert [d.channel_id for d in _deliveries(session, b2)] == [area.stations_a[1]]
    outside = ops.Request(area.programme, area.province_a, 15, channel_ids=(area.station_b,))
    with pytest.raises(Invalid) as err:
        ops.issue(session, settings, outside, who, NOW)
    assert err.value.code == "emergency.channels.outside"


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    [
        ("admin", "all", True),
        ("planner", "a", True),
        ("supervisor", "a", True),
        ("planner", "b", False),  # a planner of another area
        ("supervisor", "b", False),
        ("broadcaster", "none", False),
    ],
)
def test_authorization_matrix(
    session: Session, settings: Settings, role: str, scope: str, allowed: bool
) -> None:
    from scheduler.areas import subtree_ids

    area = build_area(session)
    units = {
        "all": None,
        "a": subtree_ids(session, area.province_a),
        "b": subtree_ids(session, area.province_b),
        "none": [],
    }[scope]
    req = ops.Request(area.programme, area.communes[0], 10)
    if allowed:
        b = ops.issue(session, settings, req, _who(role, units), NOW)
        assert len(_deliveries(session, b)) == 2  # the commune's own and the district radio
        return
    with pytest.raises(ops.Forbidden) as err:
        ops.issue(session, settings, req, _who(role, units), NOW)
    assert err.value.http_status == 403
    assert session.scalar(select(func.count()).select_from(EmergencyBroadcast)) == 0


def test_issuer_roles_come_from_config(session: Session, settings: Settings) -> None:
    area = build_area(session)
    only_sup = dataclasses.replace(
        settings, emergency=dataclasses.replace(settings.emergency, issuer_roles=("supervisor",))
    )
    req = ops.Request(area.programme, area.province_a, 10)
    with pytest.raises(ops.Forbidden):
        ops.issue(session, only_sup, req, _who("planner", _scope_a(session, area)), NOW)
    ops.issue(session, only_sup, req, _who("supervisor", _scope_a(session, area)), NOW)


def test_refusals_write_nothing(session: Session, settings: Settings) -> None:
    area = build_area(session)
    who = _who("admin", None)
    silent = f.programme(session, title="Không có âm thanh")
    unapproved = f.programme(session, title="Chưa duyệt", approved=False)
    with_audio(session, unapproved)
    session.commit()
    cases = [
        (ops.Request(silent.id, area.province_a, 10), "emergency.programme.audio"),
        (ops.Request(unapproved.id, area.province_a, 10), "emergency.programme.approval"),
        (ops.Request(area.programme, area.province_a, 0), "emergency.deadline"),
        (ops.Request(area.programme, area.province_a, 10, channel_kinds=("tv",)), "emergency.kind"),
        (ops.Request(999999, area.province_a, 10), "emergency.programme"),
        (
            ops.Request(
                area.programme, area.province_a, 10,
                repeats=Repeats(times=(dt.time(17),), every_minutes=30),
            ),
            "emergency.repeats",
        ),
        (
            ops.Request(area.programme, area.province_a, 10, repeats=Repeats(every_minutes=1)),
            "emergency.repeats.many",
        ),
    ]  # fmt: skip
    for req, code in cases:
        with pytest.raises(LoaError) as err:
            ops.issue(session, settings, req, who, NOW)
        assert err.value.code == code
        session.rollback()
    assert session.scalar(select(func.count()).select_from(EmergencyBroadcast)) == 0


def test_repeats_at_times_and_every_n_minutes(session: Session, settings: Settings) -> None:
    area = build_area(session)
    who = _who("admin", None)
    expires = NOW + dt.timedelta(hours=12)  # 21:00 local
    times = Repeats(times=(dt.time(6), dt.time(11), dt.time(17)))
    req = ops.Request(area.programme, area.province_a, 10, repeats=times, expires_at=expires)
    b = ops.issue(session, settings, req, who, NOW)
    due = sorted({d.due_at for d in _deliveries(session, b)})
    local = [f"{d.astimezone(settings.zone):%H:%M}" for d in due]
    assert local == ["09:00", "11:00", "17:00"]
    until = NOW + dt.timedelta(hours=1)
    every = Repeats(every_minutes=20, until=until)
    b2 = ops.issue(session, settings, ops.Request(area.programme, area.province_a, 10,
                                                  repeats=every), who, NOW)  # fmt: skip
    assert sorted({d.occurrence for d in _deliveries(session, b2)}) == [0, 1, 2, 3]


def test_second_person_approval(session: Session, settings: Settings) -> None:
    area = build_area(session)
    strict = dataclasses.replace(
        settings, emergency=dataclasses.replace(settings.emergency, approval=True)
    )
    scope = _scope_a(session, area)
    b = ops.issue(session, strict, ops.Request(area.programme, area.province_a, 10),
                  _who("planner", scope, "kehoach"), NOW)  # fmt: skip
    assert b.state == "awaiting_approval" and _deliveries(session, b) == []
    with pytest.raises(ops.Forbidden):
        ops.approve(session, strict, b.id, _who("planner", scope, "kehoach"), NOW)
    with pytest.raises(ops.Forbidden):
        ops.approve(session, strict, b.id, _who("broadcaster", [], "phatthanh"), NOW)
    later = NOW + dt.timedelta(minutes=3)
    ops.approve(session, strict, b.id, _who("supervisor", scope, "giamsat"), later)
    assert b.state == "active" and b.effective_at == later and b.approved_by == "giamsat"
    assert {d.due_at for d in _deliveries(session, b)} == {later}
    with pytest.raises(InvalidState):
        ops.approve(session, strict, b.id, _who("supervisor", scope, "other"), later)


def test_cancel_stops_what_has_not_started(session: Session, settings: Settings) -> None:
    area = build_area(session)
    who = _who("admin", None)
    b = ops.issue(session, settings, ops.Request(area.programme, area.province_a, 10), who, NOW)
    d1, d2, d3 = _deliveries(session, b)
    airing.report_by_agent(session, d1.id, "aired", "agent:1", NOW, seconds=30)
    airing.report_by_agent(session, d2.id, "playing", "agent:2", NOW)
    stopped = ops.cancel(session, settings, b.id, who, NOW, reason="Bão tan")
    assert stopped == 1
    session.refresh(d3)
    assert (d1.state, d2.state, d3.state) == ("aired", "playing", "cancelled")
    assert airing.open_for_channel(session, d3.channel_id, NOW) == []
    with pytest.raises(InvalidState):
        airing.confirm_by_person(session, d3.id, "phatthanh", NOW)
    # the agent that had started finishes and reports it
    airing.report_by_agent(session, d2.id, "aired", "agent:2", NOW, seconds=30)
    assert d2.state == "aired"
    with pytest.raises(InvalidState):
        ops.cancel(session, settings, b.id, who, NOW)
    other = _who("planner", list(ops_scope_b(session, area)))
    with pytest.raises(ops.Forbidden):
        ops.cancel(session, settings, b.id, other, NOW)


def ops_scope_b(session: Session, area) -> list[int]:  # noqa: ANN001
    from scheduler.areas import subtree_ids

    return subtree_ids(session, area.province_b)


def test_correction_replaces_audio_where_not_aired(session: Session, settings: Settings) -> None:
    area = build_area(session)
    who = _who("admin", None)
    b = ops.issue(session, settings, ops.Request(area.programme, area.province_a, 10), who, NOW)
    d1, d2, d3 = _deliveries(session, b)
    airing.report_by_agent(session, d1.id, "aired", "agent:1", NOW, seconds=30)
    airing.report_by_agent(session, d2.id, "delivered", "agent:2", NOW)
    fixed = f.programme(session, title="Cảnh báo bão số 3 (đính chính)", priority="emergency")
    with_audio(session, fixed)
    version = b.version
    assert ops.correct(session, settings, b.id, fixed.id, who, NOW) == 2
    for d in (d1, d2, d3):
        session.refresh(d)
    assert d1.programme_id == area.programme and d1.state == "aired"
    assert d2.programme_id == fixed.id and d2.state == "waiting"  # fetched again
    assert d3.programme_id == fixed.id
    assert b.version == version + 1 and b.programme_id == fixed.id
    with pytest.raises(NotFound):
        ops.correct(session, settings, 424242, fixed.id, who, NOW)


def test_person_confirmation_is_idempotent(session: Session, settings: Settings) -> None:
    area = build_area(session)
    b = ops.issue(session, settings, ops.Request(area.programme, area.province_a, 10),
                  _who("admin", None), NOW)  # fmt: skip
    d = _deliveries(session, b)[0]
    later = NOW + dt.timedelta(minutes=4)
    airing.confirm_by_person(session, d.id, "phatthanh", later)
    airing.confirm_by_person(session, d.id, "someone", later + dt.timedelta(minutes=1))
    assert (d.state, d.aired_by, d.aired_via, d.aired_at) == ("aired", "phatthanh", "person", later)
    assert airing.open_for_channel(session, d.channel_id, utcnow()) == []
