"""The JSON API under /api/v1: one module per resource; the OpenAPI document is built from them."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field
from sqlalchemy import text

api = Blueprint("api", __name__, url_prefix="/api/v1")

from web.api import (  # noqa: E402,F401
    admin,
    agent,
    agent_emergency,
    airings,
    calendar,
    channels,
    compliance,
    emergency,
    me,
    programmes,
    rules,
    schedules,
    spec,
    units,
)
from web.api.bodies import query_args  # noqa: E402
from web.api.models import Query  # noqa: E402
from web.db import db  # noqa: E402


@cache
def _document() -> dict[str, Any]:
    return spec.document("/api/v1", "Loa API", "1.0")


@api.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 document of this API, generated from the registered routes."""
    return jsonify(_document())


class PingQuery(Query):
    """Whether to touch the database too."""

    db: str | None = Field(None, pattern="^[01]$", description="1: also run SELECT 1")


class Pong(BaseModel):
    """The web process answers."""

    ok: bool


@spec.route(
    api,
    "/ping",
    "GET",
    summary="Liveness of the web process; with db=1 also one round trip to the database",
    tag="meta",
    public=True,
    query=PingQuery,
    responses={200: Pong},
)
def ping() -> Any:
    """A trivial answer: the benchmark's baselines and a load balancer's probe."""
    if query_args(PingQuery).db == "1":
        db().execute(text("SELECT 1"))
    return jsonify({"ok": True})
