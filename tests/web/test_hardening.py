"""Issue 18: the hardening findings, each with a test on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from content.media_models import AudioAsset
from scheduler.config import MediaSettings, Settings
from tests.web.conftest import Browser, World
from web.app import create_app
from web.security import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example/x",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/ok\r\nLocation: //evil",
        "/x\x00",
        "",
        None,
        "evil.example/x",
        "/" + "a" * 3000,
    ],
)
def test_safe_next_refuses_what_a_browser_would_send_elsewhere(target):
    assert safe_next(target) is None


def test_safe_next_keeps_local_paths():
    assert safe_next("/plan?week=2026-W05") == "/plan?week=2026-W05"
    assert safe_next("/station/") == "/station/"
    assert safe_next("/%0d%0aX") == "/%0d%0aX"  # encoded: a harmless local path


@pytest.mark.parametrize("target", ["/\t/evil.example/x", "/\r\n/evil.example/x", "//evil.example"])
def test_sign_in_and_language_never_redirect_off_site(app: Flask, world: World, target):
    b = Browser(app.test_client())
    b.get("/login")
    r = b.client.post(
        "/login",
        data={"username": "planner", "password": "correct horse battery", "next": target,
              "csrf_token": b.csrf},
    )  # fmt: skip
    assert r.status_code == 302 and r.headers["Location"] == "/"
    b.get("/password")
    r = b.client.post("/lang/en", data={"next": target, "csrf_token": b.csrf})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_media_downloads_are_private(
    engine: Engine, settings: Settings, world: World, tmp_path: Path, session_factory
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.mp3").write_bytes(b"ID3" + b"\0" * 2000)
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(root)))
    app = create_app(local, engine, {"TESTING": True, "SECRET_KEY": "m"})
    with session_factory() as s:
        s.add(
            AudioAsset(
                programme_id=world.programme, sha256="1" * 64, original_name="a.mp3",
                original_path="a.mp3", original_bytes=2003, container="mp3", codec="mp3",
                channels=1, sample_rate=44100, duration_ms=1000, rendition_path="a.mp3",
                rendition_profile="p", rendition_duration_ms=1000, created_by="t",
            )
        )  # fmt: skip
        s.commit()
    b = Browser(app.test_client())
    b.login("broadcaster")
    with b.client.get(f"/media/programmes/{world.programme}.mp3") as r:
        assert r.status_code == 200
        cache = r.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache
    token = {"Authorization": f"Bearer {world.tokens['broadcaster']}"}
    with app.test_client().get(f"/media/programmes/{world.programme}.mp3", headers=token) as r:
        assert r.status_code == 200 and "public" not in r.headers["Cache-Control"]
    with app.test_client().get("/favicon.ico") as r:  # public assets stay cacheable
        assert "public" in r.headers["Cache-Control"]


def test_user_names_are_nfkc_and_of_one_alphabet(app: Flask, world: World, session_factory):
    from scheduler.errors import Conflict, Invalid
    from web import accounts

    with session_factory() as s:
        wide = accounts.create_user(s, "ｋｅｈｏａｃｈ２", "correct horse battery", "admin", "t")
        assert wide.username == "kehoach2"
        viet = accounts.create_user(s, "nguyễn.văn.đức", "correct horse battery", "admin", "t")
        assert viet.username == "nguyễn.văn.đức"
        # Cyrillic а, Greek μ among Latin; whole-Cyrillic "асе" (looks like "ace"); IPA alpha
        for lookalike in ("аdmin", "pаypal", "ad\u03bcin", "асе", "\u0251dmin"):
            with pytest.raises(Invalid) as refused:
                accounts.create_user(s, lookalike, "correct horse battery", "admin", "t")
            assert refused.value.code == "user.name.scripts"
        with pytest.raises(Conflict):  # full-width "admin" is admin, who exists already
            accounts.create_user(s, "ａｄｍｉｎ", "correct horse battery", "admin", "t")
        s.commit()
    b = Browser(app.test_client())
    assert b.login("ＫＥＨＯＡＣＨ２") == 302  # signs in as kehoach2
    admin = Browser(app.test_client())
    admin.login("admin")
    r = admin.post("/admin/users", {"username": "аdmin2", "role": "admin",
                                    "password": "correct horse battery"})  # fmt: skip
    assert r.status_code == 303
    assert "bảng chữ cái" in admin.get("/admin/users").text


@pytest.mark.parametrize("bad", ["Tin\x00 mới", "Tin\r mới", "Tin\x1b mới"])
def test_form_titles_refuse_control_characters(app: Flask, world: World, session_factory, bad):
    from sqlalchemy import func, select

    from content.models import Programme

    with session_factory() as s:
        before = s.scalar(select(func.count()).select_from(Programme))
    b = Browser(app.test_client())
    b.login("planner")
    b.get("/library")
    form = {"title": bad, "programme_type": "tin", "topics": "ntm", "minutes": "3"}
    assert b.post("/library", form).status_code == 303
    assert b.post("/library", form, content_type="multipart/form-data").status_code == 303
    assert "U+00" in b.get("/library").text  # the page says which character was refused
    speech = {"title": bad, "programme_type": "tin", "topics": "ntm", "text": "Xin chào bà con."}
    assert b.post("/library/speech", speech).status_code in (303, 422)
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Programme)) == before
        titles = s.scalars(select(Programme.title)).all()
    assert not any("\x00" in t or "\r" in t for t in titles)


# --- item 7: exports


def test_spreadsheet_cells_never_start_a_formula():
    from content.export_safe import spreadsheet_text

    for bad in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert spreadsheet_text(bad) == "'" + bad
    assert spreadsheet_text("Bản tin") == "Bản tin" and spreadsheet_text(-3) == -3


def test_icalendar_text_is_escaped_and_folded():
    from content.export_safe import ical_fold, ical_text

    assert ical_text("a\rb\r\nc\nd\x00e;f,g\\h") == "a\\nb\\nc\\nde\\;f\\,g\\\\h"
    line = "DESCRIPTION:" + "Bản tin nông thôn mới " * 10
    folded = ical_fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def _rename(session_factory, channel_id: int, name: str, title: str | None = None) -> None:
    from content.models import Programme
    from scheduler.models import Channel

    with session_factory() as s:
        channel = s.get(Channel, channel_id)
        assert channel is not None
        channel.name = name
        if title is not None:  # as a row written before titles were cleaned at the door
            for p in s.query(Programme):
                p.title = title
        s.commit()


def test_exports_escape_formulas_and_the_calendar_is_clean(
    app: Flask, world: World, session_factory
):
    import io

    from openpyxl import load_workbook

    from scheduler.compliance.export_xlsx import report_xlsx_bytes
    from scheduler.compliance.reports import build_report

    nul = "" if app.extensions["loa_engine"].dialect.name == "postgresql" else "\x00"  # PG: never
    evil = '=HYPERLINK("http://evil.example","x")'
    _rename(session_factory, world.channel_a, evil, f"Tin\r{nul}\x0b=1+1")
    b = Browser(app.test_client())
    b.login("supervisor")
    with b.client.get(f"/supervise/export.csv?period={world.week}&unit={world.province_a}") as r:
        text = r.data.decode("utf-8-sig")
    assert ",'=HYPERLINK(" in text.replace('"', "") and ",=HYPERLINK" not in text.replace('"', "")
    token = {"Authorization": f"Bearer {world.tokens['broadcaster']}"}
    with app.test_client().get(
        f"/api/v1/channels/{world.channel_a}/calendar.ics", headers=token
    ) as r:
        body = r.data
    assert b"\x00" not in body and b"\x0b" not in body and b"\r" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    with session_factory() as s:
        settings = app.config["LOA_SETTINGS"]
        report = build_report(s, settings, str(world.week.monday.year), "91")
        data = report_xlsx_bytes(report, settings)
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == '=HYPERLINK("http://evil.example","x")' for c in cells)


def test_bulk_xlsx_keeps_formula_like_text_as_text(tmp_path):
    from openpyxl import load_workbook

    from scheduler.bulk.tables import SECTIONS, read_file, write_xlsx

    section, columns = next(iter(SECTIONS.items()))
    row = {c: "=1+1" for c in columns}
    path = tmp_path / "b.xlsx"
    write_xlsx(path, {section: [row]})
    wb = load_workbook(path)
    assert all(c.data_type != "f" for r in wb.worksheets[0].iter_rows() for c in r)
    assert read_file(path)[section][0][1][columns[0]] == "=1+1"  # round-trips unchanged


# --- item 11: broadcasters see published weeks only


def test_broadcasters_see_published_weeks_only(app: Flask, world: World, session_factory):
    from scheduler import schedules
    from scheduler.models import WeekSchedule

    api = app.test_client()

    def week(role: str) -> dict:
        token = {"Authorization": f"Bearer {world.tokens[role]}"}
        url = f"/api/v1/channels/{world.channel_a}/schedule?week={world.week}"
        with api.get(url, headers=token) as r:
            assert r.status_code == 200
            return r.json

    def calendar() -> bytes:
        token = {"Authorization": f"Bearer {world.tokens['broadcaster']}"}
        with api.get(f"/api/v1/channels/{world.channel_a}/calendar.ics", headers=token) as r:
            return r.data

    assert week("planner")["state"] == "draft" and week("planner")["slots"]
    assert week("broadcaster")["state"] == "none" and week("broadcaster")["slots"] == []
    draft_calendar = calendar()
    assert b"BEGIN:VEVENT" not in draft_calendar  # the world's only week is a draft
    with session_factory() as s:
        sched = s.query(WeekSchedule).filter_by(channel_id=world.channel_a).one()
        schedules.publish_week(s, sched.id, "t")
        s.commit()
    assert week("broadcaster")["state"] == "published" and week("broadcaster")["slots"]
    assert b"BEGIN:VEVENT" in calendar()


def test_broadcasters_confirm_published_weeks_only(app: Flask, world: World, session_factory):
    from sqlalchemy import func, select

    from scheduler import schedules
    from scheduler.models import Airing, WeekSchedule

    def confirm(role: str) -> int:
        token = {"Authorization": f"Bearer {world.tokens[role]}"}
        url = f"/api/v1/items/{world.item_a}/confirmation"
        with app.test_client().post(url, headers=token, json={"status": "aired"}) as r:
            return r.status_code

    assert confirm("broadcaster") == 404  # a draft's item is unknown to its broadcaster
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Airing)) == 0
        sched = s.query(WeekSchedule).filter_by(channel_id=world.channel_a).one()
        schedules.publish_week(s, sched.id, "t")
        s.commit()
    assert confirm("broadcaster") == 201
    assert confirm("admin") == 200  # the same airing again: admins see every week


# --- item 6: the actual start of a confirmation lies near its slot


@pytest.mark.parametrize("when", ["1970-01-01T06:00:00+07:00", "2200-01-01T06:00:00+07:00"])
def test_actual_start_far_from_the_slot_is_refused(
    app: Flask, published: World, session_factory, when
):
    world = published
    from sqlalchemy import func, select

    from scheduler.models import Airing

    token = {"Authorization": f"Bearer {world.tokens['broadcaster']}"}
    url = f"/api/v1/items/{world.item_a}/confirmation"
    with app.test_client().post(
        url, headers=token, json={"status": "aired", "actual_start": when}
    ) as r:
        assert r.status_code == 422 and r.json["code"] == "airing.start_window", r.json
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Airing)) == 0


def test_actual_start_within_the_window_is_kept(app: Flask, published: World, session_factory):
    world = published
    import datetime as dt

    from scheduler.models import ScheduledItem

    with session_factory() as s:
        item = s.get(ScheduledItem, world.item_a)
        assert item is not None
        late = item.slot.starts_at + dt.timedelta(hours=11)
    token = {"Authorization": f"Bearer {world.tokens['broadcaster']}"}
    url = f"/api/v1/items/{world.item_a}/confirmation"
    body = {"status": "aired", "actual_start": late.isoformat()}
    with app.test_client().post(url, headers=token, json=body) as r:
        assert r.status_code in (200, 201), r.json


# --- item 5: request size


def test_only_uploads_may_be_large(app: Flask, world: World):
    import io

    big = "x" * (20 * 1024 * 1024)
    anon = app.test_client()
    r = anon.post("/login", data={"username": "admin", "password": big, "csrf_token": "x"})
    assert r.status_code == 413  # refused on its Content-Length, before the body is read
    b = Browser(app.test_client())
    b.login("planner")
    b.get("/library")
    with b.client.post("/library", data={"title": big, "csrf_token": b.csrf}) as r:
        assert r.status_code == 413
    token = {"Authorization": f"Bearer {world.tokens['planner']}"}
    with app.test_client().post(
        f"/api/v1/channels/{world.channel_a}/schedule/items", headers=token,
        data=b'{"slot_id": 1, "programme_id": 1, "x": "' + b"y" * (3 * 1024 * 1024) + b'"}',
        content_type="application/json",
    ) as r:  # fmt: skip
        assert r.status_code == 413
    upload = {"csrf_token": b.csrf, "file": (io.BytesIO(b"0" * (3 * 1024 * 1024)), "big.exe")}
    with b.client.post(
        f"/library/{world.programme}/audio", data=upload, content_type="multipart/form-data"
    ) as r:
        assert r.status_code == 303  # the upload route reads 3 MB (then refuses the type)
