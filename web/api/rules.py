"""API: the coverage rules in force."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from web.access import READ, require
from web.api import api
from web.api.models import Out
from web.api.spec import route


class Rule(Out):
    """A coverage rule in force (config.toml)."""

    id: str
    name_vi: str
    name_en: str
    source: str
    channel_kinds: list[str]
    period: str
    minimum: int
    target: int | None
    count: str
    basis: str
    counts_emergency: bool


@route(api, "/rules", "GET", summary="Coverage rules in force", tag="rules",
       responses={200: list[Rule]})  # fmt: skip
def list_rules() -> Any:
    """The rules of config.toml."""
    require(READ)
    return jsonify(Rule.dump_all(current_app.config["LOA_SETTINGS"].rules))
