"""The issuing form: search, confirmation of the stations reached, issue; scope; bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.media_models import AudioAsset
from content.models import AuditEntry, Programme
from scheduler.config import MediaSettings, Settings
from scheduler.emergency.models import EmergencyBroadcast, EmergencyDelivery
from scheduler.models import AdminUnit
from tests import factories as f
from tests.emergency_helpers import tone_wav, with_audio
from tests.speech_helpers import espeak  # noqa: F401 - fixture
from tests.web.conftest import Browser, World
from web.app import create_app

FORM = {"title": "Cảnh báo lũ quét", "reason": "Mưa lớn kéo dài", "within": "10",
        "source": "library", "repeat": "none"}  # fmt: skip


@pytest.fixture
def local_app(engine: Engine, settings: Settings, tmp_path: Path) -> Flask:
    """The app with its own media folder (uploads and speech write there)."""
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(tmp_path / "media")))
    return create_app(local, engine, {"TESTING": True, "SECRET_KEY": "em-form"})


def _signed_in(app: Flask, username: str) -> Browser:
    b = Browser(app.test_client())
    assert b.login(username) == 302
    return b


def _area(session_factory: sessionmaker[Session], world: World) -> int:
    """Province A gets a second commune with a station and a district radio: 3 stations, 2
    communes; the world's programme gets its audio. Returns the programme id."""
    with session_factory() as s:
        province = s.get(AdminUnit, world.province_a)
        commune = f.unit(s, "Xã Hai", parent=province, code="91002")
        f.channel(s, commune, active_from=dt.date(2025, 1, 1))
        district = f.unit(s, "Huyện Một", parent=province, level="district", code="910")
        f.channel(s, district, kind="district_radio", active_from=dt.date(2025, 1, 1),
                  name="Đài huyện Một")  # fmt: skip
        programme = s.get(Programme, world.programme)
        assert programme is not None
        programme.title = "Cảnh báo bão số 3"
        with_audio(s, programme)
        s.commit()
        return programme.id


def _count(session_factory: sessionmaker[Session], model: type) -> int:
    with session_factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _carried(page: str) -> dict[str, list[str]]:
    """The hidden fields of the confirmation step, as the browser would post them again."""
    form = page.split('id="confirm-form"')[1].split("</form>")[0]
    out: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        if name != "csrf_token":
            out.setdefault(name, []).append(html.unescape(value))
    return out


def test_issue_from_the_form(
    local_app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    pid = _area(session_factory, world)
    planner = _signed_in(local_app, "planner")
    listing = planner.get("/emergency/").text
    assert 'href="/emergency/new"' in listing and "Phát tin khẩn" in listing
    page = planner.get("/emergency/new")
    assert page.status_code == 200 and f'name="unit" value="{world.province_a}"' in page.text
    assert f'value="{world.province_b}"' not in page.text
    found = planner.post("/emergency/new", {**FORM, "step": "find_programme", "pq": "canh bao"})
    assert found.status_code == 200 and f'name="programme" value="{pid}"' in found.text
    assert 'value="Cảnh báo lũ quét"' in found.text  # what was typed stays
    data = {**FORM, "unit": world.province_a, "programme": pid, "step": "check"}
    check = planner.post("/emergency/new", data)
    assert check.status_code == 200, check.text
    text = html.unescape(check.text)
    assert "Tin khẩn này sẽ được gửi tới 3 đài tại 2 xã/phường thuộc Tỉnh A." in text
    assert "Phát tin khẩn tới 3 đài" in text
    assert _count(session_factory, EmergencyBroadcast) == 0  # the check writes nothing
    carried = _carried(check.text)
    assert carried["confirmed"] == ["3"] and carried["title"] == ["Cảnh báo lũ quét"]
    done = planner.post("/emergency/new", {**carried, "step": "issue"})
    assert done.status_code == 303
    with session_factory() as s:
        b = s.scalars(select(EmergencyBroadcast)).one()
        assert (b.title, b.reason, b.programme_id, b.unit_id, b.deadline_minutes, b.issued_by) == (
            "Cảnh báo lũ quét",
            "Mưa lớn kéo dài",
            pid,
            world.province_a,
            10,
            "planner",
        )
        deliveries = s.scalars(select(EmergencyDelivery).where(
            EmergencyDelivery.broadcast_id == b.id)).all()  # fmt: skip
        assert len(deliveries) == 3 and {d.state for d in deliveries} == {"waiting"}
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.action == "emergency.issue"))
    assert done.headers["Location"].endswith(f"/emergency/{b.id}")
    proof = planner.get(f"/emergency/{b.id}").text
    assert "Đã phát tin khẩn tới 3 đài." in proof and f"/emergency/{b.id}/manage" in proof


def test_count_preview_narrowed_and_repeats(
    local_app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    pid = _area(session_factory, world)
    planner = _signed_in(local_app, "planner")
    data = {**FORM, "unit": world.province_a, "programme": pid, "kind": "district_radio",
            "repeat": "times", "times": "06:00, 11:00 ,17:00", "step": "check"}  # fmt: skip
    text = html.unescape(planner.post("/emergency/new", data).text)
    assert "tới 1 đài tại 0 xã/phường thuộc Tỉnh A" in text
    assert "Các lượt phát:" in text
    one = {**FORM, "unit": world.province_a, "programme": pid, "stations": str(world.channel_a),
           "step": "check"}  # fmt: skip
    assert "tới 1 đài tại 1 xã/phường" in html.unescape(planner.post("/emergency/new", one).text)
    # Issuing without the confirmed count shows the confirmation again; nothing is written.
    again = planner.post("/emergency/new", {**one, "step": "issue"})
    assert again.status_code == 200 and 'id="confirm-form"' in again.text
    assert _count(session_factory, EmergencyBroadcast) == 0


def test_scope_refused(
    local_app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    pid = _area(session_factory, world)
    planner = _signed_in(local_app, "planner")
    data = {**FORM, "unit": world.province_b, "programme": pid, "step": "check"}
    refused = planner.post("/emergency/new", data)
    assert refused.status_code == 404  # as if it did not exist, as the API and other pages
    assert "Không tìm thấy đơn vị" in html.unescape(refused.text)
    assert 'value="Cảnh báo lũ quét"' in refused.text
    sneaked = planner.post("/emergency/new", {**data, "step": "issue", "confirmed": "1"})
    assert sneaked.status_code == 404
    broadcaster = _signed_in(local_app, "broadcaster")
    assert 'href="/emergency/new"' not in broadcaster.get("/").text
    assert broadcaster.get("/emergency/new").status_code == 403
    assert broadcaster.post("/emergency/new", {**data, "unit": world.province_a}).status_code == 403
    assert _count(session_factory, EmergencyBroadcast) == 0


def test_supervisor_not_in_issuer_roles(
    engine: Engine, settings: Settings, world: World, session_factory: sessionmaker[Session]
) -> None:
    only_planners = dataclasses.replace(
        settings, emergency=dataclasses.replace(settings.emergency, issuer_roles=("planner",))
    )
    app = create_app(only_planners, engine, {"TESTING": True, "SECRET_KEY": "roles"})
    supervisor = _signed_in(app, "supervisor")
    assert 'href="/emergency/new"' not in supervisor.get("/emergency/").text
    assert supervisor.get("/emergency/new").status_code == 403


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"within": "mười"}, "Phải phát trong bao nhiêu phút?"),
        ({"within": "0"}, "Phải phát trong bao nhiêu phút?"),
        ({"unit": ""}, "Hãy chọn địa bàn nhận tin khẩn."),
        ({"programme": ""}, "Hãy chọn một chương trình trong thư viện"),
        ({"repeat": "times", "times": "25:00"}, "“25:00” không phải"),
        ({"repeat": "every", "every": "30", "until": ""}, "Phát lại sau mỗi bao nhiêu phút"),
        ({"source": "upload"}, "Hãy chọn tệp âm thanh."),
        ({"source": "text", "text": "   "}, "không có nội dung để đọc"),
        ({"expires": "2020-01-01T08:00"}, "Thời hạn hiệu lực phải ở tương lai."),
        ({"expires": "08:00 01/01/2020"}, "Thời hạn hiệu lực phải ở tương lai."),
        ({"expires": "10:00 31/02/2099"}, "“10:00 31/02/2099” không phải"),
        ({"expires": "12/31/2099 10:00"}, "“12/31/2099 10:00” không phải"),
        ({"stations": "999999"}, "999999"),
        ({"kind": "tau_ngam"}, "tau_ngam"),
        ({"reason": "Mưa\x07 lớn"}, "lý do"),
        ({"until": "20:00", "repeat": "every", "every": "99999999999999999999"}, "Phát lại sau"),
    ],
)
def test_bad_input_kept_with_a_message(
    local_app: Flask, world: World, session_factory: sessionmaker[Session],
    change: dict[str, str], expected: str,
) -> None:  # fmt: skip
    pid = _area(session_factory, world)
    planner = _signed_in(local_app, "planner")
    data = {**FORM, "unit": str(world.province_a), "programme": str(pid), "step": "check",
            **change}  # fmt: skip
    r = planner.post("/emergency/new", data)
    assert r.status_code in (404, 422), r.text
    text = html.unescape(r.text)
    error = text.split('id="form-error">')[1].split("</p>")[0]
    assert expected in error and error.strip()
    assert 'value="Cảnh báo lũ quét"' in r.text
    assert "Mưa lớn kéo dài" in text or "reason" in change
    assert _count(session_factory, EmergencyBroadcast) == 0


def test_form_in_english(local_app: Flask, world: World) -> None:
    planner = _signed_in(local_app, "planner")
    planner.post("/lang/en", {"next": "/emergency/new"})
    page = planner.get("/emergency/new").text
    assert "Issue an emergency broadcast" in page and "Phát tin khẩn" not in page
    r = planner.post("/emergency/new", {**FORM, "within": "x", "step": "check"})
    assert "Choose the area that must hear the broadcast." in html.unescape(r.text)


def test_upload_kept_between_steps(
    local_app: Flask, world: World, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    planner = _signed_in(local_app, "planner")
    wav = tone_wav(tmp_path / "tin.wav").read_bytes()
    data = {**FORM, "unit": str(world.province_a), "source": "upload", "step": "check",
            "csrf_token": planner.csrf, "file": (io.BytesIO(wav), "canh-bao.wav")}  # fmt: skip
    check = planner.client.post("/emergency/new", data=data, content_type="multipart/form-data")
    assert check.status_code == 200, check.text
    carried = _carried(check.text)
    assert carried["asset"] and carried["source"] == ["upload"]
    done = planner.post("/emergency/new", {**carried, "step": "issue"})
    assert done.status_code == 303
    with session_factory() as s:
        b = s.scalars(select(EmergencyBroadcast)).one()
        p = s.get(Programme, b.programme_id)
        assert p is not None and p.title == "Cảnh báo lũ quét" and p.priority == "emergency"
        asset = s.get(AudioAsset, int(carried["asset"][0]))
        assert asset is not None and asset.programme_id == p.id
    # Someone else's stored upload cannot be borrowed.
    other = _signed_in(local_app, "admin")
    stolen = {**carried, "asset": carried["asset"], "step": "check"}
    with session_factory() as s:
        loose = AudioAsset(**{c: getattr(asset, c) for c in (
            "original_name", "original_path", "original_bytes", "container", "codec",
            "channels", "sample_rate", "duration_ms", "rendition_path", "rendition_profile",
            "rendition_duration_ms")}, sha256="f" * 64, created_by="planner")  # fmt: skip
        s.add(loose)
        s.commit()
        stolen["asset"] = [str(loose.id)]
    r = other.post("/emergency/new", {**stolen, "step": "issue", "confirmed": "1"})
    assert r.status_code == 422 and "Hãy tải lên lại tệp âm thanh." in html.unescape(r.text)


@pytest.mark.usefixtures("espeak")
def test_text_read_aloud(
    local_app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    planner = _signed_in(local_app, "planner")
    data = {**FORM, "unit": str(world.province_a), "source": "text", "step": "check",
            "text": "Bão số 3 đổ bộ lúc 17 giờ. Bà con không ra khơi."}  # fmt: skip
    check = planner.post("/emergency/new", data)
    assert check.status_code == 200
    assert (
        planner.post("/emergency/new", {**_carried(check.text), "step": "issue"}).status_code == 303
    )
    with session_factory() as s:
        b = s.scalars(select(EmergencyBroadcast)).one()
        asset = s.scalar(select(AudioAsset).where(AudioAsset.programme_id == b.programme_id))
        assert asset is not None and asset.duration_ms > 1000


def test_expiry_typed_day_first_whatever_the_browser(
    local_app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    pid = _area(session_factory, world)
    planner = _signed_in(local_app, "planner")
    page = planner.get("/emergency/new").text
    assert 'name="expires" inputmode="numeric" placeholder="HH:MM dd/mm/yyyy"' in page
    data = {**FORM, "unit": world.province_a, "programme": pid, "step": "check",
            "expires": "18:30 04/12/2099"}  # fmt: skip
    check = planner.post("/emergency/new", data)
    assert check.status_code == 200, check.text
    done = planner.post("/emergency/new", {**_carried(check.text), "step": "issue"})
    assert done.status_code == 303
    with session_factory() as s:
        b = s.scalars(select(EmergencyBroadcast)).one()
        local = b.expires_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
        assert (local.date(), local.hour, local.minute) == (dt.date(2099, 12, 4), 18, 30)
