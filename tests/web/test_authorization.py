# ruff: noqa: E501
"""Authorization matrix: every endpoint x every role x in scope / out of scope.

The policy, written out here independently of web/access.py:
- anonymous: pages redirect to sign-in (302), the API answers 401;
- a role without the permission gets 403: plan = admin, planner; confirm = admin, broadcaster;
  supervise = admin, planner, supervisor; admin pages = admin; read = every role;
- with the permission but outside the user's area (planner/supervisor: unit subtree,
  broadcaster: channels) the answer is 404, as if the thing did not exist; admins have no bounds.
A test also checks that no endpoint of the app is missing from the matrix.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from content.db import make_session_factory
from scheduler import schedules
from scheduler.config import Settings
from scheduler.models import SlotPattern
from tests.conftest import _SqliteTemplate
from tests.web.conftest import PASSWORD, Browser, World, build_world
from web import accounts
from web.app import create_app

ROLES = ("anonymous", "admin", "planner", "supervisor", "broadcaster")
ALLOWED = {
    "read": {"admin", "planner", "supervisor", "broadcaster"},
    "plan": {"admin", "planner"},
    "confirm": {"admin", "broadcaster"},
    "supervise": {"admin", "planner", "supervisor"},
    "admin": {"admin"},
    "signed_in": {"admin", "planner", "supervisor", "broadcaster"},
    "public": set(ROLES),
    "agent": set(),  # station agents only (their credential is tested in test_agent_scope)
}
_seq = itertools.count(1)

Maker = Callable[[World, Session, bool], Any]


@dataclass
class Case:
    """One endpoint: how to call it inside and outside the scope, and what success looks like."""

    endpoint: str
    method: str
    path: Maker  # (world, session, in_scope) -> path
    action: str
    ok: int | tuple[int, ...]
    api: bool = True
    scoped: bool = True  # False: the endpoint has no out-of-scope variant
    body: Maker | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"


def ch(w: World, inside: bool) -> int:
    return w.channel_a if inside else w.channel_b


def fresh_item(w: World, s: Session, inside: bool) -> int:
    """A new item in last week's first slot of channel A or B."""
    sched = schedules.get_week(s, ch(w, inside), w.week)
    assert sched is not None
    slot = next(sl for sl in sched.slots if schedules.slot_used_seconds(sl) + 600 <= 1800)
    item = schedules.add_item(s, slot.id, w.programme, "t")
    s.commit()
    return item.id


def published_item(w: World, s: Session, inside: bool) -> int:
    """The world's past item of channel A or B, its week published (broadcasters confirm those)."""
    sched = schedules.get_week(s, ch(w, inside), w.week)
    assert sched is not None
    if sched.state != "published":
        schedules.publish_week(s, sched.id, "t")
        s.commit()
    return w.item_a if inside else w.item_b


def slot_of(w: World, s: Session, inside: bool) -> int:
    sched = schedules.get_week(s, ch(w, inside), w.week)
    assert sched is not None
    return sched.slots[1].id


def victim(s: Session) -> int:
    user = accounts.create_user(
        s, f"victim{next(_seq)}", PASSWORD, "broadcaster", "t", channel_ids=[1]
    )
    s.commit()
    return user.id


def victim_token(s: Session) -> str:
    """A path revoking a fresh token of a fresh user."""
    from web.models import ApiToken, User

    uid = victim(s)
    user = s.get(User, uid)
    assert user is not None
    accounts.issue_token(s, user, "agent", "t")
    s.commit()
    tid = s.scalar(select(ApiToken.id).where(ApiToken.user_id == uid))
    return f"/admin/users/{uid}/tokens/{tid}/revoke"


def pattern_of(w: World, s: Session) -> int:
    return s.scalar(select(SlotPattern.id).where(SlotPattern.channel_id == w.channel_a))  # type: ignore[return-value]


def dead_message(s: Session) -> int:
    """A fresh dead webhook message to retry."""
    from scheduler.notify.models import OutboxMessage

    msg = OutboxMessage(
        dedupe_key=f"dead-{next(_seq)}",
        kind="webhook",
        target="http://h/x",
        event="e",
        payload={},
        state="dead",
        attempts=6,
    )
    s.add(msg)
    s.commit()
    return msg.id


def agent_of(w: World, s: Session) -> int:
    """A fresh agent credential of channel A (to revoke)."""
    from scheduler.fleet import credentials

    agent, _ = credentials.pair(s, w.channel_a, f"agent {next(_seq)}", "t")
    s.commit()
    return agent.id


def filed_of(w: World, s: Session, inside: bool) -> int:
    """A filed report of the area in scope (province A) or out of it (province B)."""
    from scheduler.models import FiledReport, FiledReportFile

    unit = w.province_a if inside else w.province_b
    filed = FiledReport(period=str(w.week), period_kind="week", period_start=w.week.monday,
                        period_end=w.week.sunday, unit_id=unit, unit_code="91", unit_name="Tỉnh",
                        language="vi", created_by="t",
                        files=[FiledReportFile(format="docx", filename="r.docx", size=2,
                                               sha256="0" * 64, content=b"PK")])  # fmt: skip
    s.add(filed)
    s.commit()
    return filed.id


def emergency_of(w: World, s: Session, inside: bool) -> int:
    """A broadcast to province A (in scope) or B (outside), issued by an admin."""
    from content.db import utcnow
    from scheduler.emergency import issue as ops
    from tests import factories as f
    from tests.emergency_helpers import with_audio

    programme = f.programme(s, title=f"Tin khẩn {next(_seq)}", priority="emergency")
    with_audio(s, programme)
    from web.settings import load_app_settings

    req = ops.Request(programme.id, w.province_a if inside else w.province_b, 15)
    b = ops.issue(s, load_app_settings(), req, ops.Issuer("root", "admin"), utcnow())
    s.commit()
    return b.id


def emergency_delivery(w: World, s: Session, inside: bool) -> int:
    """The delivery to channel A or B of a fresh broadcast."""
    from scheduler.emergency.models import EmergencyDelivery

    bid = emergency_of(w, s, inside)
    found = s.scalar(select(EmergencyDelivery.id).where(EmergencyDelivery.broadcast_id == bid))
    assert found is not None
    return found


def audio_programme(w: World, s: Session, inside: bool) -> int:
    """A programme with audio, to correct a broadcast with."""
    from tests import factories as f
    from tests.emergency_helpers import with_audio

    programme = f.programme(s, title=f"Đính chính {next(_seq)}", priority="emergency")
    with_audio(s, programme)
    s.commit()
    return programme.id


CASES = [
    # --- API, channel-scoped
    Case("api.get_channel", "GET", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}", "read", 200),
    Case("api.get_week", "GET", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/schedule?week={w.week}", "read", 200),
    Case("api.list_airings", "GET", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/airings?week={w.week}", "read", 200),
    Case("api.calendar", "GET", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/calendar.ics", "read", 200),
    Case("api.confirm_item", "POST", lambda w, s, i: f"/api/v1/items/{published_item(w, s, i)}/confirmation",
         "confirm", (200, 201), body=lambda w, s, i: {"status": "aired"}),
    Case("api.log_unplanned", "POST", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/airings", "confirm", (200, 201),
         body=lambda w, s, i: {"programme_id": w.programme, "started_at": f"{w.week.monday}T07:00:00+07:00",
                               "client_ref": f"ref-{next(_seq)}"}),
    Case("api.materialise", "POST", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/schedule?week={w.week.shift(1)}", "plan", 200),
    Case("api.add_item", "POST", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/schedule/items", "plan", 201,
         body=lambda w, s, i: {"slot_id": slot_of(w, s, i), "programme_id": w.programme}, headers={"If-Match": "*"}),
    Case("api.move_item", "PATCH", lambda w, s, i: f"/api/v1/items/{fresh_item(w, s, i)}", "plan", 200,
         body=lambda w, s, i: {"position": 0}, headers={"If-Match": "*"}),
    Case("api.remove_item", "DELETE", lambda w, s, i: f"/api/v1/items/{fresh_item(w, s, i)}", "plan", 200,
         headers={"If-Match": "*"}),
    Case("api.publish", "POST", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/schedule/publish?week={w.week}", "plan", 200,
         headers={"If-Match": "*"}),
    Case("api.copy", "POST", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/schedule/copy?week={w.week.shift(3)}", "plan", 200,
         body=lambda w, s, i: {"from_week": str(w.week)}),
    Case("api.weekly_compliance", "GET",
         lambda w, s, i: f"/api/v1/compliance/weekly?period={w.week}&unit={w.province_a if i else w.province_b}",
         "supervise", 200),
    # --- API, not scoped (lists are filtered to the scope: tested in test_scope_filters)
    Case("api.list_patterns", "GET", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/patterns", "read", 200),
    Case("api.list_clusters", "GET", lambda w, s, i: f"/api/v1/channels/{ch(w, i)}/clusters", "read", 200),
    Case("api.list_users", "GET", lambda w, s, i: "/api/v1/users", "admin", 200, scoped=False),
    Case("api.list_feed_items", "GET", lambda w, s, i: "/api/v1/feed-items", "plan", 200, scoped=False),
    Case("api.list_channels", "GET", lambda w, s, i: "/api/v1/channels", "read", 200, scoped=False),
    Case("api.list_units", "GET", lambda w, s, i: "/api/v1/units", "read", 200, scoped=False),
    Case("api.list_programmes", "GET", lambda w, s, i: "/api/v1/programmes", "read", 200, scoped=False),
    Case("api.list_rules", "GET", lambda w, s, i: "/api/v1/rules", "read", 200, scoped=False),
    Case("api.me", "GET", lambda w, s, i: "/api/v1/me", "read", 200, scoped=False),
    Case("health.healthz", "GET", lambda w, s, i: "/healthz", "public", 200, api=False, scoped=False),
    Case("api.ping", "GET", lambda w, s, i: "/api/v1/ping", "public", 200, scoped=False),
    Case("api.openapi", "GET", lambda w, s, i: "/api/v1/openapi.json", "public", 200, scoped=False),
    # --- API of station agents: people's tokens are refused (403)
    Case("api.agent_schedule", "GET", lambda w, s, i: "/api/v1/agent/schedule", "agent", 200, scoped=False),
    Case("api.agent_rendition", "GET", lambda w, s, i: "/api/v1/agent/renditions/" + "0" * 64, "agent", 404,
         scoped=False),
    Case("api.agent_asrun", "POST", lambda w, s, i: "/api/v1/agent/asrun", "agent", 200, scoped=False,
         body=lambda w, s, i: {"events": []}),
    Case("api.agent_heartbeat", "POST", lambda w, s, i: "/api/v1/agent/heartbeat", "agent", 200, scoped=False,
         body=lambda w, s, i: {}),
    Case("api.agent_emergency", "GET", lambda w, s, i: "/api/v1/agent/emergency", "agent", 200, scoped=False),
    Case("api.agent_emergency_step", "POST", lambda w, s, i: "/api/v1/agent/emergency/1", "agent", 404, scoped=False,
         body=lambda w, s, i: {"state": "delivered", "at": "2026-01-01T10:00:00+07:00"}),
    # --- pages
    Case("home.index", "GET", lambda w, s, i: "/", "signed_in", 302, api=False, scoped=False),
    Case("home.channels", "GET", lambda w, s, i: "/channels", "read", 200, api=False, scoped=False),
    Case("auth.login", "GET", lambda w, s, i: "/login", "public", 200, api=False, scoped=False),
    Case("auth.password", "GET", lambda w, s, i: "/password", "signed_in", 200, api=False, scoped=False),
    Case("auth.set_language", "POST", lambda w, s, i: "/lang/en", "public", 302, api=False, scoped=False),
    Case("auth.logout", "POST", lambda w, s, i: "/logout", "public", 302, api=False, scoped=False),
    Case("media.programme_audio", "GET", lambda w, s, i: f"/media/programmes/{w.programme}.mp3", "read", 404,
         api=False, scoped=False),  # no audio in the world: 404 for those allowed to read
    Case("planner.agents", "GET", lambda w, s, i: "/plan/agents", "plan", 200, api=False, scoped=False),
    Case("planner.overview", "GET", lambda w, s, i: f"/plan?week={w.week}", "plan", 200, api=False, scoped=False),
    Case("planner.grid", "GET", lambda w, s, i: f"/plan/{ch(w, i)}?week={w.week}", "plan", 200, api=False),
    Case("planner.create", "POST", lambda w, s, i: f"/plan/{ch(w, i)}/create", "plan", 303, api=False,
         body=lambda w, s, i: {"week": str(w.week.shift(2))}),
    Case("planner.add", "POST", lambda w, s, i: f"/plan/{ch(w, i)}/add", "plan", 303, api=False,
         body=lambda w, s, i: {"week": str(w.week), "slot_id": slot_of(w, s, i), "programme_id": w.programme}),
    Case("planner.remove", "POST", lambda w, s, i: f"/plan/{ch(w, i)}/remove", "plan", 303, api=False,
         body=lambda w, s, i: {"item_id": fresh_item(w, s, i)}),
    Case("planner.move", "POST", lambda w, s, i: f"/plan/{ch(w, i)}/move", "plan", 303, api=False,
         body=lambda w, s, i: {"item_id": fresh_item(w, s, i), "direction": "up"}),
    Case("planner.publish", "POST", lambda w, s, i: f"/plan/{ch(w, i)}/publish", "plan", 303, api=False,
         body=lambda w, s, i: {"week": str(w.week)}),
    Case("planner.copy", "POST", lambda w, s, i: f"/plan/{ch(w, i)}/copy", "plan", 303, api=False,
         body=lambda w, s, i: {"week": str(w.week.shift(4)), "from_week": str(w.week)}),
    Case("planner.autoplan", "POST", lambda w, s, i: f"/plan/{ch(w, i)}/autoplan", "plan", 303, api=False,
         body=lambda w, s, i: {"week": str(w.week.shift(5))}),
    Case("planner.autoplan_area", "POST", lambda w, s, i: "/plan/autoplan", "plan", 303, api=False, scoped=False,
         body=lambda w, s, i: {"week": str(w.week.shift(6))}),
    Case("grid.week_fragment", "GET", lambda w, s, i: f"/plan/{ch(w, i)}/week?week={w.week}", "plan", 200, api=False),
    Case("grid.library", "GET", lambda w, s, i: f"/plan/{ch(w, i)}/library?week={w.week}&q=ban%20tin&fits=1&fresh=4",
         "plan", 200, api=False),
    Case("grid.edit", "POST", lambda w, s, i: f"/plan/{ch(w, i)}/edit", "plan", 200, api=False,
         body=lambda w, s, i: {"op": "remove", "item_id": fresh_item(w, s, i)}, headers={"If-Match": "*"}),
    Case("area.create", "POST", lambda w, s, i: "/plan/area/create", "plan", 303, api=False, scoped=False,
         body=lambda w, s, i: {"week": str(w.week.shift(7))}),
    Case("area.copy", "POST", lambda w, s, i: "/plan/area/copy", "plan", 303, api=False, scoped=False,
         body=lambda w, s, i: {"week": str(w.week.shift(8))}),
    Case("area.publish", "POST", lambda w, s, i: "/plan/area/publish", "plan", 303, api=False, scoped=False,
         body=lambda w, s, i: {"week": str(w.week.shift(9)), "scope": "all"}),
    Case("library.programmes", "GET", lambda w, s, i: "/library", "plan", 200, api=False, scoped=False),
    Case("library.create", "POST", lambda w, s, i: "/library", "plan", 303, api=False, scoped=False,
         body=lambda w, s, i: {"title": "Tin mới", "programme_type": "tin", "topics": "ntm", "minutes": "3"}),
    Case("library.approve", "POST", lambda w, s, i: f"/library/{w.programme}/approve", "plan", 303, api=False, scoped=False),
    Case("library.upload_audio", "POST", lambda w, s, i: f"/library/{w.programme}/audio", "plan", 303, api=False,
         scoped=False),  # no file: refused with a message (303) for those allowed
    Case("library.feed_inbox", "GET", lambda w, s, i: "/library/inbox", "plan", 200, api=False, scoped=False),
    Case("library.draft", "POST", lambda w, s, i: "/library/inbox/999/draft", "plan", 303, api=False, scoped=False),
    Case("library.dismiss", "POST", lambda w, s, i: "/library/inbox/999/dismiss", "plan", 303, api=False, scoped=False),
    Case("speech.compose", "GET", lambda w, s, i: "/library/speech", "plan", 200, api=False, scoped=False),
    Case("speech.check", "POST", lambda w, s, i: "/library/speech/preview", "plan", 422, api=False, scoped=False,
         body=lambda w, s, i: {"text": " "}),  # nothing to read: a message on the page
    Case("speech.preview_audio", "GET", lambda w, s, i: "/library/speech/preview/" + "0" * 32 + ".mp3", "plan", 404,
         api=False, scoped=False),  # no such preview: 404 for those allowed
    Case("speech.create", "POST", lambda w, s, i: "/library/speech", "plan", 422, api=False, scoped=False,
         body=lambda w, s, i: {"title": "Tin", "programme_type": "tin", "topics": "ntm", "text": ""}),
    Case("speech.edit", "GET", lambda w, s, i: f"/library/{w.programme}/text", "plan", 200, api=False, scoped=False),
    Case("speech.check_edit", "POST", lambda w, s, i: f"/library/{w.programme}/text/preview", "plan", 422,
         api=False, scoped=False, body=lambda w, s, i: {"text": ""}),
    Case("speech.update", "POST", lambda w, s, i: f"/library/{w.programme}/text", "plan", 422, api=False,
         scoped=False, body=lambda w, s, i: {"text": ""}),
    Case("speech.draft_audio", "POST", lambda w, s, i: "/library/inbox/999/draft-audio", "plan", 303, api=False,
         scoped=False),
    Case("station.my_station", "GET", lambda w, s, i: f"/station/?channel={ch(w, i)}", "confirm", 200, api=False),
    Case("station.service_worker", "GET", lambda w, s, i: "/station/sw.js", "public", 200, api=False, scoped=False),
    Case("favicon", "GET", lambda w, s, i: "/favicon.ico", "public", 200, api=False, scoped=False),
    Case("supervisor.overview", "GET",
         lambda w, s, i: f"/supervise?period={w.week}&unit={w.province_a if i else w.province_b}", "supervise", 200, api=False),
    Case("supervisor.export_csv", "GET",
         lambda w, s, i: f"/supervise/export.csv?period={w.week}&unit={w.province_a if i else w.province_b}",
         "supervise", 200, api=False),
    Case("reports.archive", "GET", lambda w, s, i: "/supervise/reports", "supervise", 200, api=False, scoped=False),
    Case("reports.file", "POST", lambda w, s, i: "/supervise/reports", "supervise", 303, api=False,
         body=lambda w, s, i: {"period": str(w.week), "unit": str(w.province_a if i else w.province_b)}),
    Case("reports.download", "GET", lambda w, s, i: f"/supervise/reports/{filed_of(w, s, i)}/docx", "supervise", 200,
         api=False),
    Case("supervisor.channel", "GET", lambda w, s, i: f"/supervise/channel/{ch(w, i)}?period={w.week}", "supervise", 200, api=False),
    Case("supervisor.channel_week", "GET", lambda w, s, i: f"/supervise/channel/{ch(w, i)}/week/{w.week}", "supervise", 200,
         api=False),
    Case("admin.users", "GET", lambda w, s, i: "/admin/users", "admin", 200, api=False, scoped=False),
    Case("admin.create_user", "POST", lambda w, s, i: "/admin/users", "admin", 303, api=False, scoped=False,
         body=lambda w, s, i: {"username": f"new{next(_seq)}", "role": "admin", "password": PASSWORD}),
    Case("admin.edit_user", "GET", lambda w, s, i: f"/admin/users/{victim(s)}?sq=xa&uq=tinh", "admin", 200, api=False,
         scoped=False),
    Case("admin.update_user", "POST", lambda w, s, i: f"/admin/users/{victim(s)}", "admin", 303, api=False, scoped=False,
         body=lambda w, s, i: {"role": "supervisor", "unit": str(w.province_a)}),
    Case("admin.toggle_user", "POST", lambda w, s, i: f"/admin/users/{victim(s)}/active", "admin", 303, api=False, scoped=False),
    Case("admin.reset_password", "POST", lambda w, s, i: f"/admin/users/{victim(s)}/password", "admin", 303, api=False,
         scoped=False, body=lambda w, s, i: {"password": PASSWORD + "!"}),
    Case("admin.issue_token", "POST", lambda w, s, i: f"/admin/users/{victim(s)}/token", "admin", 303, api=False, scoped=False),
    Case("admin.revoke_token", "POST", lambda w, s, i: victim_token(s), "admin", 303, api=False, scoped=False),
    Case("admin.units", "GET", lambda w, s, i: "/admin/units", "admin", 200, api=False, scoped=False),
    Case("admin.import_units", "POST", lambda w, s, i: "/admin/units/import", "admin", 303, api=False, scoped=False,
         body=lambda w, s, i: {"province": ""}),
    Case("admin.channels", "GET", lambda w, s, i: "/admin/channels", "admin", 200, api=False, scoped=False),
    Case("admin.create_channel", "POST", lambda w, s, i: "/admin/channels", "admin", 303, api=False, scoped=False,
         body=lambda w, s, i: {"name": "Đài mới", "kind": "commune_radio", "unit": "91001"}),
    Case("admin.channel", "GET", lambda w, s, i: f"/admin/channels/{w.channel_a}", "admin", 200, api=False, scoped=False),
    Case("admin.add_pattern", "POST", lambda w, s, i: f"/admin/channels/{w.channel_a}/patterns", "admin", 303, api=False,
         scoped=False, body=lambda w, s, i: {"weekdays": "67", "start": "19:00", "minutes": "15"}),
    Case("admin.end_pattern", "POST", lambda w, s, i: f"/admin/channels/{w.channel_a}/patterns/{pattern_of(w, s)}/end",
         "admin", 303, api=False, scoped=False),
    Case("admin.add_cluster", "POST", lambda w, s, i: f"/admin/channels/{w.channel_a}/clusters", "admin", 303, api=False,
         scoped=False, body=lambda w, s, i: {"name": "Cụm loa thôn 1", "speakers": "4"}),
    Case("admin.pair_agent", "POST", lambda w, s, i: f"/admin/channels/{w.channel_a}/agents", "admin", 200,
         api=False, scoped=False, body=lambda w, s, i: {"name": "Máy xã A"}),
    Case("admin.revoke_agent", "POST", lambda w, s, i: f"/admin/agents/{agent_of(w, s)}/revoke", "admin", 303,
         api=False, scoped=False),
    Case("admin.rules", "GET", lambda w, s, i: "/admin/rules", "admin", 200, api=False, scoped=False),
    # --- worker notices, dead letters and health (issue 7)
    Case("notices.inbox_page", "GET", lambda w, s, i: "/inbox", "signed_in", 200, api=False, scoped=False),
    Case("notices.read", "POST", lambda w, s, i: "/inbox/999999/read", "signed_in", 404, api=False, scoped=False),
    Case("notices.dead_page", "GET", lambda w, s, i: "/admin/dead-letters", "admin", 200, api=False, scoped=False),
    # --- emergency broadcasts (issue 14): issuing needs [emergency].issuer_roles (planner,
    # supervisor by default; admins always), reading the proof of air supervise, the station's
    # one-tap confirmation confirm
    Case("api.create_emergency", "POST", lambda w, s, i: "/api/v1/emergency", "supervise", 201,
         body=lambda w, s, i: {"unit": "91" if i else "92", "programme_id": audio_programme(w, s, i),
                               "within_minutes": 15}),
    Case("api.emergency_status", "GET", lambda w, s, i: f"/api/v1/emergency/{emergency_of(w, s, i)}", "supervise", 200),
    Case("api.cancel_emergency", "POST", lambda w, s, i: f"/api/v1/emergency/{emergency_of(w, s, i)}/cancel",
         "supervise", 200, body=lambda w, s, i: {}),
    Case("api.correct_emergency", "POST", lambda w, s, i: f"/api/v1/emergency/{emergency_of(w, s, i)}/correction",
         "supervise", 200, body=lambda w, s, i: {"programme_id": audio_programme(w, s, i)}),
    Case("api.approve_emergency", "POST", lambda w, s, i: f"/api/v1/emergency/{emergency_of(w, s, i)}/approval",
         "supervise", 422),  # approval is off in config.toml: refused as a state, for those allowed
    Case("emergency.broadcasts", "GET", lambda w, s, i: "/emergency/", "supervise", 200, api=False, scoped=False),
    Case("emergency.proof_page", "GET", lambda w, s, i: f"/emergency/{emergency_of(w, s, i)}", "supervise", 200,
         api=False),
    Case("emergency.proof_xlsx", "GET", lambda w, s, i: f"/emergency/{emergency_of(w, s, i)}/proof.xlsx",
         "supervise", 200, api=False),
    Case("emergency.proof_docx", "GET", lambda w, s, i: f"/emergency/{emergency_of(w, s, i)}/report.docx",
         "supervise", 200, api=False),
    Case("emergency.confirm_aired", "POST",
         lambda w, s, i: f"/emergency/deliveries/{emergency_delivery(w, s, i)}/aired", "confirm", 302, api=False),
    # the issuing form (a confirmed count of 1: each province has one station) and the page
    # that cancels, approves or corrects
    Case("emergency.new_broadcast", "GET", lambda w, s, i: "/emergency/new", "supervise", 200, api=False,
         scoped=False),
    Case("emergency.issue_from_form", "POST", lambda w, s, i: "/emergency/new", "supervise", 303, api=False,
         body=lambda w, s, i: {"unit": w.province_a if i else w.province_b, "source": "library",
                               "programme": audio_programme(w, s, i), "within": 15, "step": "issue",
                               "confirmed": 1}),
    Case("emergency.manage", "GET", lambda w, s, i: f"/emergency/{emergency_of(w, s, i)}/manage", "supervise",
         200, api=False),
    Case("emergency.manage_action", "POST", lambda w, s, i: f"/emergency/{emergency_of(w, s, i)}/manage",
         "supervise", 303, api=False, body=lambda w, s, i: {"action": "cancel", "confirm": "yes"}),
    Case("notices.retry", "POST", lambda w, s, i: f"/admin/dead-letters/{dead_message(s)}/retry", "admin", 302,
         api=False, scoped=False),
]  # fmt: skip
NOT_IN_MATRIX = {"static"}


def expected(case: Case, role: str, inside: bool) -> int | tuple[int, ...]:
    """The status the policy above gives."""
    if case.action == "public":
        return case.ok
    if role == "anonymous":
        if case.endpoint == "media.programme_audio":
            return 401
        return 401 if case.api else 302
    if role not in ALLOWED[case.action]:
        return 403
    if not inside and role != "admin":
        return 404
    return case.ok


@dataclass
class Env:
    app: Flask
    world: World
    factory: sessionmaker[Session]
    clients: dict[str, Browser]


@pytest.fixture
def env(tmp_path: Path, _sqlite_template: _SqliteTemplate, settings: Settings) -> Iterator[Env]:
    engine = _sqlite_template.fresh(tmp_path)
    factory = make_session_factory(engine)
    with factory() as s:
        world = build_world(s, settings)
    app = create_app(settings, engine, {"TESTING": True, "SECRET_KEY": "matrix"})
    clients: dict[str, Browser] = {}
    for role in ROLES:
        b = Browser(app.test_client())
        if role == "anonymous":
            b.get("/login")
        else:
            assert b.login(role) == 302
        clients[role] = b
    yield Env(app, world, factory, clients)
    engine.dispose()


def _call(env: Env, case: Case, role: str, inside: bool) -> int:
    with env.factory() as s:
        path = case.path(env.world, s, inside)
        body = case.body(env.world, s, inside) if case.body else None
    if case.api:
        client: FlaskClient = env.app.test_client()
        headers = dict(case.headers)
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {env.world.tokens[role]}"
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs["json"] = body
        with client.open(path, method=case.method, **kwargs) as resp:  # streamed files closed
            return resp.status_code
    browser = env.clients[role]
    if case.method == "GET":
        with browser.client.get(path) as resp:
            return resp.status_code
    with browser.client.open(
        path,
        method=case.method,
        data={**(body or {}), "csrf_token": browser.csrf},
        headers=case.headers,
    ) as resp:
        return resp.status_code


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matrix(env: Env, case: Case) -> None:
    results = []
    for role in ROLES:
        for inside in (True, False) if case.scoped else (True,):
            got = _call(env, case, role, inside)
            want = expected(case, role, inside)
            ok = got in want if isinstance(want, tuple) else got == want
            results.append((role, "in" if inside else "out", got, want, ok))
    wrong = [r for r in results if not r[4]]
    assert not wrong, f"{case.id}: (role, scope, got, expected) {wrong}"


def test_every_endpoint_is_in_the_matrix(env: Env) -> None:
    endpoints = {r.endpoint for r in env.app.url_map.iter_rules()} - NOT_IN_MATRIX
    covered = {c.endpoint for c in CASES}
    assert endpoints - covered == set(), "add these endpoints to the authorization matrix"


def test_scope_filters_lists(env: Env) -> None:
    client = env.app.test_client()
    w = env.world
    for role, channels in (
        ("admin", {w.channel_a, w.channel_b}),
        ("planner", {w.channel_a}),
        ("supervisor", {w.channel_a}),
        ("broadcaster", {w.channel_a}),
    ):
        got = client.get("/api/v1/channels", headers={"Authorization": f"Bearer {w.tokens[role]}"})
        assert {c["id"] for c in got.json["items"]} == channels, role
    units = client.get("/api/v1/units", headers={"Authorization": f"Bearer {w.tokens['planner']}"})
    assert {u["id"] for u in units.json["items"]} == {w.province_a, w.commune_a}


# --- issue 18, item 1: writes whose object lies outside the scope the path or role suggests.
# These tests run on every backend (the `browser`/`world` fixtures), unlike the matrix above.


def _notice(s: Session, role: str, *, unit: int | None = None, channel: int | None = None) -> int:
    from scheduler.notify.models import Notification

    note = Notification(dedupe_key=f"n-{next(_seq)}", event="e", role=role, unit_id=unit,
                        channel_id=channel, subject_vi="Thông báo", subject_en="Notice",
                        body_vi="-", body_en="-")  # fmt: skip
    s.add(note)
    s.commit()
    return note.id


def _read_at(s: Session, note_id: int) -> object:
    from scheduler.notify.models import Notification

    s.expire_all()
    note = s.get(Notification, note_id)
    assert note is not None
    read_at = note.read_at
    s.rollback()  # no read transaction left open (SQLite would lock the app out)
    return read_at


@pytest.mark.parametrize(
    "role, inside, outside",
    [
        ("planner", {"unit": "province_a"}, {"unit": "province_b"}),
        ("supervisor", {"unit": "commune_a"}, {"unit": "commune_b"}),
        ("broadcaster", {"channel": "channel_a"}, {"channel": "channel_b"}),
    ],
)
def test_inbox_read_checks_the_notices_scope(app, world, session, role, inside, outside):
    """Marking a notice read needs the notice in one's inbox: other areas and roles get 404."""
    browser = Browser(app.test_client())  # no kept request context: each request ends
    where = {k: getattr(world, v) for k, v in inside.items()}
    elsewhere = {k: getattr(world, v) for k, v in outside.items()}
    mine = _notice(session, role, **where)
    theirs = _notice(session, role, **elsewhere)
    other_role = _notice(session, "admin" if role != "admin" else "planner", **where)
    assert browser.login(role) == 302
    assert browser.post(f"/inbox/{theirs}/read").status_code == 404
    assert browser.post(f"/inbox/{other_role}/read").status_code == 404
    assert _read_at(session, theirs) is None and _read_at(session, other_role) is None
    assert browser.post(f"/inbox/{mine}/read").status_code == 302
    assert _read_at(session, mine) is not None


def _status(resp: Any) -> int:
    """The status of a response, closed at once (its request's transaction ends)."""
    with resp:
        return resp.status_code


def test_writes_with_an_object_of_another_channel_change_nothing(app, world, session):
    """A path in scope naming an item or slot of a channel out of scope: refused, nothing written."""
    browser = Browser(app.test_client())
    from scheduler.models import ScheduledItem

    sched_b = schedules.get_week(session, world.channel_b, world.week)
    assert sched_b is not None
    slot_b = sched_b.slots[1].id
    before = session.scalar(select(ScheduledItem.position).where(ScheduledItem.id == world.item_b))
    session.commit()
    assert browser.login("planner") == 302
    a = world.channel_a
    week = str(world.week)
    refused = [
        _status(browser.post(f"/plan/{a}/add", {"week": week, "slot_id": slot_b,
                                                 "programme_id": world.programme})),
        _status(browser.post(f"/plan/{a}/remove", {"item_id": world.item_b})),
        _status(browser.post(f"/plan/{a}/move", {"item_id": world.item_b, "direction": "up"})),
        _status(browser.client.post(f"/plan/{a}/edit", json={"op": "remove", "item_id": world.item_b},
                                    headers={"X-CSRF-Token": browser.csrf, "If-Match": "*"})),
    ]  # fmt: skip
    assert refused[1:3] == [404, 404] and refused[3] == 422 and refused[0] == 303
    api = app.test_client()
    token = {"Authorization": f"Bearer {world.tokens['planner']}", "If-Match": "*"}
    assert _status(api.patch(f"/api/v1/items/{world.item_b}", json={"position": 0},
                             headers=token)) == 404  # fmt: skip
    assert _status(api.post(f"/api/v1/channels/{a}/schedule/items", headers=token,
                            json={"slot_id": slot_b, "programme_id": world.programme})) in (404, 422)  # fmt: skip
    brd = {"Authorization": f"Bearer {world.tokens['broadcaster']}"}
    assert _status(api.post(f"/api/v1/items/{world.item_b}/confirmation", json={"status": "aired"},
                            headers=brd)) == 404  # fmt: skip
    session.expire_all()
    items_b = session.scalars(
        select(ScheduledItem).where(ScheduledItem.slot_id.in_([sl.id for sl in sched_b.slots]))
    ).all()
    assert [i.id for i in items_b] == [world.item_b]
    assert session.get(ScheduledItem, world.item_b).position == before  # type: ignore[union-attr]


def test_agent_scope(env: Env, tmp_path: Path) -> None:
    """An agent's credential reaches its own channel's agent API and nothing else."""
    from content.media_models import AudioAsset
    from scheduler.fleet import credentials
    from tests.agent_helpers import slot_at, soon
    from tests.factories import programme

    w = env.world
    settings = env.app.config["LOA_SETTINGS"]
    with env.factory() as s:
        _, token = credentials.pair(s, w.channel_a, "Máy xã A", "t")
        other = programme(s, title="Chỉ đài B", seconds=60)
        s.add(AudioAsset(programme_id=other.id, sha256="1" * 64, original_name="x", original_path="x",
                         original_bytes=1, container="mp3", codec="mp3", channels=1, sample_rate=44100,
                         duration_ms=1000, rendition_path="x.mp3", rendition_sha256="2" * 64,
                         rendition_profile="p", rendition_duration_ms=1000, created_by="t"))  # fmt: skip
        slot_at(s, settings, w.channel_b, soon(3600), [other.id])
        s.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client = env.app.test_client()
    for case in CASES:
        if not case.api or case.action in ("public", "agent"):
            continue
        with env.factory() as s:
            path = case.path(w, s, True)
            body = case.body(w, s, True) if case.body else None
        kwargs: dict[str, Any] = {"headers": {**headers, **case.headers}}
        if body is not None:
            kwargs["json"] = body
        with client.open(path, method=case.method, **kwargs) as resp:
            assert resp.status_code == 403, f"{case.id}: an agent got {resp.status_code}"
    assert client.get("/api/v1/agent/schedule", headers=headers).status_code == 200
    assert client.get("/api/v1/agent/emergency", headers=headers).status_code == 200
    # Another channel's audio: unknown to this agent.
    assert client.get("/api/v1/agent/renditions/" + "2" * 64, headers=headers).status_code == 404
    # Another channel's airings: rejected, nothing written.
    event = {"event_id": "e" * 16, "item_id": w.item_b, "status": "aired",
             "started_at": f"{w.week.monday}T06:00:00+07:00",
             "device_started_at": f"{w.week.monday}T06:00:00+07:00"}  # fmt: skip
    r = client.post("/api/v1/agent/asrun", json={"events": [event]}, headers=headers)
    assert r.status_code == 200 and r.json["results"][0]["result"] == "rejected"
    with env.factory() as s:
        from scheduler.models import Airing

        assert s.scalar(select(Airing).where(Airing.scheduled_item_id == w.item_b)) is None
