"""API: the caller, their role and scope."""

from __future__ import annotations

from typing import Annotated, Any

from flask import jsonify
from pydantic import AfterValidator

from web.access import READ, require
from web.api import api
from web.api.models import Out
from web.api.spec import route


class Me(Out):
    """The caller: who, which role, which scope."""

    username: str
    display_name: str
    role: str
    unit_id: int | None
    channel_ids: Annotated[list[int], AfterValidator(sorted)]


@route(api, "/me", "GET", summary="Who you are, your role and scope", tag="users",
       responses={200: Me})  # fmt: skip
def me() -> Any:
    """The caller."""
    principal = require(READ)
    return jsonify(Me.dump(principal))
