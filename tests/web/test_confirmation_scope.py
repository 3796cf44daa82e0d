"""Confirmations outside the caller's stations change nothing and answer 404, whatever the body."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from content.models import AuditEntry
from scheduler.models import Airing
from tests.web.conftest import World, bearer


def test_out_of_scope_confirmations_leave_no_trace(
    app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    client = app.test_client()
    h = bearer(world, "broadcaster")
    url = f"/api/v1/items/{world.item_b}/confirmation"
    for body in (
        {"status": "aired"},
        {"status": "not_aired"},  # invalid (no reason) and out of scope: still 404
        {"status": "partial", "actual_duration_seconds": 5000},
    ):
        r = client.post(url, json=body, headers=h)
        assert r.status_code == 404, (body, r.json)
    # an admin confirms item B, then the broadcaster tries to overwrite it
    assert (
        client.post(url, json={"status": "aired"}, headers=bearer(world, "admin")).status_code
        == 201
    )
    r = client.post(url, json={"status": "not_aired", "reason_code": "mat_dien"}, headers=h)
    assert r.status_code == 404
    with session_factory() as s:
        airing = s.scalar(select(Airing).where(Airing.scheduled_item_id == world.item_b))
        assert airing is not None and airing.status == "aired" and airing.confirmed_by == "admin"
        n = s.scalar(select(func.count()).where(AuditEntry.actor == "broadcaster"))
    assert n == 0
    assert (
        client.post(
            "/api/v1/items/999999/confirmation", json={"status": "aired"}, headers=h
        ).status_code
        == 404
    )
