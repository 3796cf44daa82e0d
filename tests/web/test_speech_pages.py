"""Library "Tạo từ văn bản": the reading shown for checking, the length, a preview player,
saving as a programme, editing its text, and the feed inbox's "draft with audio"."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.media_models import AudioAsset, FeedItem, FeedSource
from content.models import Programme
from content.script_models import ProgrammeScript
from scheduler.config import MediaSettings, Settings
from tests.speech_helpers import espeak  # noqa: F401 - fixture
from tests.web.conftest import Browser, World
from web.app import create_app

NOTICE = "UBND xã thông báo: 7h30 ngày 05/12/2026 họp tại Nhà văn hóa thôn. Gọi 0912 345 678."
FORM = {"title": "Thông báo họp thôn", "programme_type": "thong_bao", "topics": "thoi_su",
        "language": "vi", "priority": "normal", "voice": "vi"}  # fmt: skip


@pytest.fixture
def planner(engine: Engine, settings: Settings, tmp_path: Path, world: World) -> Browser:
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(tmp_path / "media")))
    app: Flask = create_app(local, engine, {"TESTING": True, "SECRET_KEY": "speech"})
    b = Browser(app.test_client())
    b.login("planner")
    return b


@pytest.mark.usefixtures("espeak")
def test_check_the_reading_then_save(
    planner: Browser, session_factory: sessionmaker[Session]
) -> None:
    page = planner.get("/library/speech")
    assert page.status_code == 200 and "Tạo từ văn bản" in page.text
    shown = planner.post("/library/speech/preview", {**FORM, "text": NOTICE})
    assert shown.status_code == 200
    text = html.unescape(shown.text)
    assert "Ủy ban nhân dân xã thông báo: bảy giờ ba mươi phút ngày năm tháng mười hai" in text
    assert "không chín một hai, ba bốn năm, sáu bảy tám" in text
    assert "Thời lượng ước tính" in text and "âm tiết" in text
    assert NOTICE in text  # the text box keeps what was typed
    src = text.split('<audio controls preload="auto" src="')[1].split('"')[0]
    audio = planner.client.get(src)
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg" and len(audio.data) > 5000
    saved = planner.post("/library/speech", {**FORM, "text": NOTICE})
    assert saved.status_code == 303
    library = planner.get("/library").text
    assert "Giọng đọc máy" in library and "chờ duyệt" in library
    with session_factory() as s:
        p = s.scalar(select(Programme).where(Programme.title == FORM["title"]))
        assert p is not None and p.approved_at is None and p.duration_seconds > 5
        assert s.get(ProgrammeScript, p.id).text == NOTICE
        assert s.scalar(select(AudioAsset).where(AudioAsset.programme_id == p.id)) is not None
        pid = p.id
    edit = planner.get(f"/library/{pid}/text")
    assert edit.status_code == 200 and html.escape(NOTICE, quote=False) in edit.text
    again = planner.post(f"/library/{pid}/text", {"text": NOTICE + " Đề nghị đi đúng giờ.",
                                                   "voice": "vi-vn-x-south"})  # fmt: skip
    assert again.status_code == 303
    with session_factory() as s:
        script = s.get(ProgrammeScript, pid)
        assert script.voice == "vi-vn-x-south" and script.text.endswith("đúng giờ.")
        assert s.scalar(select(func.count()).select_from(AudioAsset)) == 2  # old one kept


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "không có nội dung để đọc"),
        ({"text": "a\x07b"}, "ký tự điều khiển"),
        ({"text": "Xin chào", "voice": "en"}, "giọng espeak-ng en không hợp lệ"),
        ({"text": "x" * 20_001}, "văn bản quá dài"),
    ],
)
def test_bad_text_is_a_message_not_an_error(planner: Browser, data, message) -> None:
    for url in ("/library/speech/preview", "/library/speech"):
        r = planner.post(url, {**FORM, **data})
        assert r.status_code == 422 and message in html.unescape(r.text), r.text[-2000:]


def test_unknown_vocabulary_and_missing_title(planner: Browser, session_factory) -> None:
    r = planner.post("/library/speech", {**FORM, "topics": "nope", "text": "Xin chào"})
    assert r.status_code == 422 and "chủ đề nope không hợp lệ" in html.unescape(r.text)
    r = planner.post("/library/speech", {**FORM, "title": " ", "text": "Xin chào"})
    assert r.status_code == 422 and "cần có tiêu đề" in html.unescape(r.text)
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ProgrammeScript)) == 0


def test_preview_files_are_only_the_ones_given_out(planner: Browser) -> None:
    assert planner.client.get("/library/speech/preview/" + "a" * 32 + ".mp3").status_code == 404
    assert planner.client.get("/library/speech/preview/..%2f..%2fx.mp3").status_code == 404
    assert planner.get("/library/4242/text").status_code == 404


def test_pages_in_english(planner: Browser) -> None:
    planner.post("/lang/en", {"next": "/library/speech"})
    page = planner.get("/library/speech").text
    assert "Make from text" in page and "Check the reading and listen" in page
    assert "Tạo từ văn bản" not in page


@pytest.mark.usefixtures("espeak")
def test_feed_item_drafted_with_audio(
    planner: Browser, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        src = FeedSource(url="https://example.org/rss", name="Báo Mẫu", default_topic="ntm",
                         poll_minutes=60)  # fmt: skip
        s.add(src)
        s.flush()
        item = FeedItem(
            source_id=src.id,
            dedup_key="k1",
            title="Xã đạt chuẩn NTM nâng cao",
            text="Năm 2026, xã có 21 thôn đạt chuẩn, thu nhập 58,5 triệu đồng/người.",
        )
        s.add(item)
        s.commit()
        item_id = item.id
    assert "Soạn kèm âm thanh" in planner.get("/library/inbox").text
    r = planner.post(f"/library/inbox/{item_id}/draft-audio", {"topic": ""})
    assert r.status_code == 303
    with session_factory() as s:
        item = s.get(FeedItem, item_id)
        assert item.status == "drafted"
        script = s.get(ProgrammeScript, item.programme_id)
        assert "nông thôn mới nâng cao" in script.reading
        assert "năm mươi tám phẩy năm triệu đồng một người" in script.reading
    again = planner.post(f"/library/inbox/{item_id}/draft-audio", {"topic": ""})
    assert again.status_code == 303  # already drafted: a message, nothing new
