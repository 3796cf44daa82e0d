"""The API's door: bodies and queries refused with field errors in the reader's language.

Each refusal is problem+json with a stable code and its parameters; every field error is listed;
texts enter NFC; hostile JSON (too deep, lone surrogates) and absurd headers are 4xx, never 5xx.
"""

from __future__ import annotations

import unicodedata

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from scheduler.models import Airing
from tests.test_messages import assert_english, assert_vietnamese
from tests.web.conftest import World, bearer

VI = {"Accept-Language": "vi"}
EN = {"Accept-Language": "en"}


def _confirm(app: Flask, world: World, body: object, lang: dict[str, str], **kw: object):  # noqa: ANN202
    url = f"/api/v1/items/{world.item_a}/confirmation"
    headers = {**bearer(world, "broadcaster"), **lang}
    return app.test_client().post(url, json=body, headers=headers, **kw)


@pytest.mark.parametrize(
    ("body", "code", "params"),
    [
        ({}, "field.required", {"field": "status"}),
        ({"status": "aired", "colour": 1}, "field.unknown", {"field": "colour"}),
        ({"status": 3}, "field.type", {"field": "status", "kind": "text"}),
        ({"status": "maybe"}, "field.choice", None),
        (
            {"status": "partial", "actual_duration_seconds": 10**30},
            "field.range",
            {"field": "actual_duration_seconds", "limit": 86400},
        ),
        ({"status": "aired", "actual_duration_seconds": True}, "field.type", None),
        ({"status": "aired", "actual_start": "2026-11-23T06:00:00"}, "datetime.timezone", None),
        ({"status": "aired", "actual_start": "1900-01-01T06:00:00Z"}, "datetime.year", None),
        ({"status": "aired", "actual_start": "hôm qua"}, "datetime.format", None),
        ({"status": "aired", "reason_text": "a\x00b"}, "text.control", None),
        ({"status": "aired", "reason_text": "\ud800"}, "text.surrogate", None),
        ([], "field.type", {"field": "body", "kind": "a JSON object"}),
    ],
)
def test_bad_bodies_are_422_in_one_language(
    app: Flask, world: World, body: object, code: str, params: dict[str, object] | None
) -> None:
    r_vi = _confirm(app, world, body, VI)
    r_en = _confirm(app, world, body, EN)
    for r in (r_vi, r_en):
        assert r.status_code == 422 and r.mimetype == "application/problem+json", r.json
        assert r.json["code"] == code, r.json
        assert r.json["errors"][0]["code"] == code
        if params is not None:
            assert r.json["params"] == params
    assert r_vi.json["params"] == r_en.json["params"]
    assert_vietnamese(r_vi.json["detail"])
    assert_english(r_en.json["detail"])
    assert " / " not in r_vi.json["detail"] + r_en.json["detail"]


def test_every_field_error_is_listed(app: Flask, world: World) -> None:
    r = _confirm(app, world, {"status": "maybe", "reason_code": 5, "x": 1}, EN)
    assert r.status_code == 422
    assert [e["code"] for e in r.json["errors"]] == ["field.choice", "field.type", "field.unknown"]
    assert [e["params"]["field"] for e in r.json["errors"]] == ["status", "reason_code", "x"]
    assert all(e["detail"] for e in r.json["errors"])


def test_body_not_json(app: Flask, world: World, published: World) -> None:
    url = f"/api/v1/items/{world.item_a}/confirmation"
    client = app.test_client()
    h = {**bearer(world, "broadcaster"), **EN}
    r = client.post(url, data="status=aired", headers=h)
    assert r.status_code == 415 and r.json["code"] == "unsupported_media_type"
    r = client.post(url, data="{nope", headers=h, content_type="application/json")
    assert r.status_code == 400 and r.json["code"] == "bad_json"
    assert_english(r.json["detail"])
    deep = "[" * 100_000 + "]" * 100_000
    r = client.post(url, data=deep, headers={**h, **VI}, content_type="application/json")
    assert r.status_code == 400 and r.json["code"] == "body.depth"
    assert_vietnamese(r.json["detail"])
    fine = '{"status": "aired", "reason_text": "' + "[" * 500 + '"}'  # brackets inside a string
    r = client.post(url, data=fine, headers=h, content_type="application/json")
    assert r.status_code == 201, r.json


def test_texts_enter_nfc(
    app: Flask, world: World, published: World, session_factory: sessionmaker[Session]
) -> None:
    decomposed = unicodedata.normalize("NFD", "Mất điện cả thôn")
    body = {"status": "not_aired", "reason_code": "mat_dien", "reason_text": decomposed}
    r = _confirm(app, world, body, EN)
    assert r.status_code == 201, r.json
    assert r.json["reason_text"] == "Mất điện cả thôn"
    with session_factory() as s:
        stored = s.scalar(select(Airing.reason_text).where(Airing.id == r.json["id"]))
    assert stored is not None and unicodedata.is_normalized("NFC", stored)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("page=0", "field.range"),
        ("page=abc", "field.type"),
        ("per_page=" + "9" * 5000, "field.type"),
        ("parent=" + str(2**63), "param.id"),
        ("parent=-1", "param.id"),
        ("level=planet", "field.choice"),
    ],
)
def test_bad_queries_are_422(app: Flask, world: World, query: str, code: str) -> None:
    r = app.test_client().get(f"/api/v1/units?{query}", headers={**bearer(world, "admin"), **VI})
    assert r.status_code == 422 and r.json["code"] == code, r.json
    assert_vietnamese(r.json["detail"])


@pytest.mark.parametrize("week", ["0000-W01", "9999-W52", "2026-W60", "2026-48", "2026-W01x"])
def test_weeks_outside_the_window_are_422(app: Flask, world: World, week: str) -> None:
    url = f"/api/v1/channels/{world.channel_a}/schedule"
    r = app.test_client().get(
        url, query_string={"week": week}, headers={**bearer(world, "admin"), **EN}
    )
    assert r.status_code == 422 and r.json["code"].startswith("period."), r.json
    assert_english(r.json["detail"])


@pytest.mark.parametrize("path", ["/api/v1/channels/{}", "/api/v1/channels/{}/airings"])
@pytest.mark.parametrize("bad", [str(2**63), str(2**31), "0", "-1", "1" + "0" * 30])
def test_ids_outside_the_range_are_404(app: Flask, world: World, path: str, bad: str) -> None:
    r = app.test_client().get(path.format(bad), headers=bearer(world, "admin"))
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_absurd_if_match_is_412(app: Flask, world: World) -> None:
    url = f"/api/v1/items/{world.item_a}"
    headers = {**bearer(world, "admin"), "If-Match": '"s1-v' + "9" * 5000 + '"', **EN}
    r = app.test_client().patch(url, json={"position": 0}, headers=headers)
    assert r.status_code == 412 and r.json["code"] == "version_conflict"
    assert_english(r.json["detail"])
