"""The JSON API under /api/v1: one module per resource; the OpenAPI document is built from them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from sqlalchemy import text

api = Blueprint("api", __name__, url_prefix="/api/v1")

from web.api import (  # noqa: E402,F401
    admin,
    agent,
    airings,
    channels,
    emergency,
    resources,
    schedules,
    spec,
)
from web.db import db  # noqa: E402


@api.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3 document of this API, generated from the registered routes."""
    return jsonify(spec.document("/api/v1", "Loa API", "1.0"))


@spec.route(
    api,
    "/ping",
    "GET",
    summary="Liveness of the web process; with db=1 also one round trip to the database",
    tag="meta",
    public=True,
    params=[spec.query("db", {"type": "string", "enum": ["0", "1"]}, "also run SELECT 1")],
    responses={200: {"type": "object", "properties": {"ok": {"type": "boolean"}}}},
)
def ping() -> Any:
    """A trivial answer: the benchmark's baselines and a load balancer's probe."""
    if request.args.get("db") == "1":
        db().execute(text("SELECT 1"))
    return jsonify({"ok": True})
