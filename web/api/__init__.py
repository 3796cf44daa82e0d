"""The JSON API under /api/v1: one module per resource; the OpenAPI document is built from them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

api = Blueprint("api", __name__, url_prefix="/api/v1")

from web.api import airings, channels, resources, schedules, spec  # noqa: E402,F401


@api.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3 document of this API, generated from the registered routes."""
    return jsonify(spec.document("/api/v1", "Loa API", "1.0"))
