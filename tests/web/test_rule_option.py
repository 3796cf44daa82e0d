"""A rule's counts_emergency option: in the rules API and on the rules page, in each language."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Engine

from scheduler.config import Settings
from tests.web.conftest import Browser, World, bearer
from web.app import create_app


def test_counts_emergency_is_shown_in_api_and_page(
    engine: Engine, settings: Settings, world: World
) -> None:
    asking = dataclasses.replace(settings.rules[0], counts_emergency=True)
    ours = dataclasses.replace(settings, rules=(asking, *settings.rules[1:]))
    app = create_app(ours, engine, {"TESTING": True, "SECRET_KEY": "test-secret"})
    rules = app.test_client().get("/api/v1/rules", headers=bearer(world, "admin")).json
    assert [r["counts_emergency"] for r in rules] == [True] + [False] * (len(rules) - 1)
    browser = Browser(app.test_client())
    browser.login("admin")
    page = browser.get("/admin/rules").text
    assert page.count("tính cả các lần phát tin khẩn") == 1
    browser.post("/lang/en", {"next": "/"})
    page = browser.get("/admin/rules").text
    assert page.count("emergency broadcasts count too") == 1
    assert "tính cả" not in page
