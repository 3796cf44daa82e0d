"""Shared API pieces: the local 'now', the week parameter, paged lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, current_app, jsonify
from pydantic import Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.airing_store import AiringRecord
from scheduler.models import Airing as AiringRow
from scheduler.periods import Week
from web.api.models import Airing, Out, Paging, Query, WeekName


def today() -> dt.date:
    """Today's date in the planning zone."""
    return utcnow().astimezone(current_app.config["LOA_SETTINGS"].zone).date()


class WeekQuery(Query):
    """The `week` query parameter of a channel's week."""

    week: WeekName | None = Field(None, description="ISO week like 2026-W48 (default: this week)")

    def chosen(self) -> Week:
        """The week asked for, this week when none was."""
        return self.week or Week.of(today())


def paged(
    session: Session, query_: Select[Any], model: type[Out], paging: Paging, *order_by: Any
) -> Response:
    """One page of a query's rows as {items, page, per_page, total} (models.Page)."""
    page, per_page = paging.limits(current_app.config["LOA_SETTINGS"].web.page_size)
    total = session.scalar(select(func.count()).select_from(query_.subquery())) or 0
    rows = session.scalars(query_.order_by(*order_by).limit(per_page).offset((page - 1) * per_page))
    return jsonify(
        {"items": model.dump_all(rows), "page": page, "per_page": per_page, "total": total}
    )


def airing_json(a: AiringRow | AiringRecord) -> dict[str, Any]:
    """An airing as the API shows it (models.Airing)."""
    return Airing.dump(a)
