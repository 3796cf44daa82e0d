"""Shared API pieces: JSON shapes of rows, the week parameter, paging, the local 'now'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.airing_store import AiringRecord
from scheduler.models import Airing
from scheduler.periods import PeriodError, Week
from web.api.spec import query
from web.api.validate import query_int
from web.problems import ApiProblem


def today() -> dt.date:
    """Today's date in the planning zone."""
    return utcnow().astimezone(current_app.config["LOA_SETTINGS"].zone).date()


def week_param() -> dict[str, Any]:
    """The documented `week` query parameter."""
    return query(
        "week",
        {"type": "string", "pattern": r"^\d{4}-W\d{1,2}$", "example": "2026-W48"},
        "ISO week like 2026-W48 (default: this week)",
    )


def week_arg(name: str = "week") -> Week:
    """The week named in the query (this week when absent); 422 when it is not a week."""
    raw = request.args.get(name)
    if not raw:
        return Week.of(today())
    return parse_week(raw)


def parse_week(raw: str) -> Week:
    """A week string or 422."""
    try:
        return Week.parse(raw)
    except PeriodError as exc:
        raise ApiProblem(422, str(exc), "week") from exc


def page_params() -> list[dict[str, Any]]:
    """The documented paging parameters."""
    return [
        query("page", {"type": "integer", "minimum": 1, "maximum": 100000}, "page number (1..)"),
        query("per_page", {"type": "integer", "minimum": 1, "maximum": 1000}, "items per page"),
    ]


def paging() -> tuple[int, int]:
    """(page, per_page) from the query."""
    default = current_app.config["LOA_SETTINGS"].web.page_size
    return query_int("page", 1, 1, 100000), query_int("per_page", default, 1, 1000)


def paged_json(
    session: Session, query_: Select[Any], to_json: Callable[[Any], Any], *order_by: Any
) -> Response:
    """One page of a query's rows as {items, page, per_page, total} (see page_schema)."""
    page, per_page = paging()
    total = session.scalar(select(func.count()).select_from(query_.subquery())) or 0
    rows = session.scalars(query_.order_by(*order_by).limit(per_page).offset((page - 1) * per_page))
    items = [to_json(row) for row in rows]
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})


def page_schema(item: dict[str, Any]) -> dict[str, Any]:
    """A page of items with its paging facts."""
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": item},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """ISO text of a date or datetime."""
    return value.isoformat() if value is not None else None


def airing_json(a: Airing | AiringRecord) -> dict[str, Any]:
    """An airing as the API shows it."""
    return {
        "id": a.id,
        "channel_id": a.channel_id,
        "scheduled_item_id": a.scheduled_item_id,
        "programme_id": a.programme_id,
        "status": a.status,
        "started_at": iso(a.started_at),
        "local_date": iso(a.local_date),
        "duration_seconds": a.duration_seconds,
        "reason_code": a.reason_code,
        "reason_text": a.reason_text,
        "source": a.source,
        "client_ref": a.client_ref,
        "confirmed_by": a.confirmed_by,
        "confirmed_at": iso(a.confirmed_at),
        "unplanned": a.scheduled_item_id is None,
    }
