"""GET and HEAD requests read in read-only sessions; other methods get a writing session."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from content.db import READ_ONLY
from tests.web.conftest import bearer
from web.db import db


@pytest.mark.parametrize(("method", "read_only"), [("GET", True), ("HEAD", True), ("POST", False)])
def test_session_kind_follows_the_method(app, method, read_only) -> None:
    with app.test_request_context("/", method=method):
        options = db().get_bind().get_execution_options()
        assert bool(options.get(READ_ONLY)) is read_only


def test_get_answers_while_a_writer_holds_the_lock(app, engine, world) -> None:
    """On SQLite a page read no longer waits for the single write lock (it used to wait 10 s)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the single write lock is SQLite's")
    client = app.test_client()
    url = f"/api/v1/channels/{world.channel_a}/schedule?week={world.week}"
    with engine.connect() as holder:
        holder.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is held
        t0 = time.perf_counter()
        r = client.get(url, headers=bearer(world, "planner"))
        took = time.perf_counter() - t0
    assert r.status_code == 200, r.text
    assert took < 2
