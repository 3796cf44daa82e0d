"""Text at the door through the web forms: decomposed Vietnamese is stored in NFC."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.models import Programme
from scheduler.models import Channel, LoudspeakerCluster
from tests.test_nfc_doors import NFD, TITLE, nfd
from web.models import User


def test_web_forms_store_nfc(app, world, browser, session: Session) -> None:
    browser.login("planner")
    browser.get("/library")
    form = {"title": NFD, "programme_type": "tin", "language": "vi", "topics": "ntm",
            "priority": "normal", "minutes": "5"}  # fmt: skip
    r = browser.post("/library", form)
    assert r.status_code == 303
    browser.login("admin")
    browser.get("/admin/channels")
    r = browser.post("/admin/channels", {"name": nfd("Đài xã Hồ Thầu"), "kind": "commune_radio",
                                         "unit": "91001", "languages": "vi"})  # fmt: skip
    assert r.status_code == 303
    channel = session.scalar(select(Channel).where(Channel.name.like("%Thầu")))
    assert channel is not None and channel.name == "Đài xã Hồ Thầu"
    channel_id = channel.id
    session.rollback()  # SQLite: a reading session holds the write lock
    browser.get(f"/admin/channels/{channel_id}")
    r = browser.post(f"/admin/channels/{channel_id}/clusters",
                     {"name": nfd("Cụm loa thôn Nậm Đăm"), "speakers": "4"})  # fmt: skip
    assert r.status_code == 303
    browser.get("/admin/users")
    form = {"username": "bientap", "password": "mật khẩu đủ dài", "role": "admin",
            "display_name": nfd("Biên tập viên")}  # fmt: skip
    r = browser.post("/admin/users", form)
    assert r.status_code == 303
    assert session.scalar(select(Programme.title).where(Programme.title == TITLE)) == TITLE
    assert session.scalars(select(LoudspeakerCluster.name)).all() == ["Cụm loa thôn Nậm Đăm"]
    assert session.scalar(select(User.display_name).where(User.username == "bientap")) == (
        "Biên tập viên"
    )
    session.rollback()
    browser.login("planner")
    found = browser.get("/library", query_string={"q": nfd("nông thôn")})
    assert TITLE in found.text  # the search box is cleaned too: the NFD query finds the title
