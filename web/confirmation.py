"""The confirmation endpoint's unit of work: the request owns the transaction, as views do.

The operation scheduler.airings.confirm_item runs in the session's transaction and is committed
here; nothing else (the plain path meets the confirmation target, bench/web.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from scheduler.airing_store import ItemFacts
from scheduler.airings import confirm_item
from scheduler.config import Settings
from scheduler.models import Airing

__all__ = ["confirm_and_commit"]


def confirm_and_commit(  # noqa: PLR0913 - confirm_item's keyword-only options, passed through
    session: Session,
    settings: Settings,
    item_id: int,
    status: str,
    actor: str,
    *,
    started_at: dt.datetime | None = None,
    duration_seconds: int | None = None,
    reason_code: str | None = None,
    reason_text: str | None = None,
    source: str = "web",
    channel_id: int | None = None,
    allowed: Callable[[ItemFacts], bool] | None = None,
    now: dt.datetime | None = None,
) -> tuple[Airing, bool]:
    """confirm_item in the session's transaction, committed."""
    airing, created = confirm_item(
        session, settings, item_id, status, actor, now=now, started_at=started_at,
        duration_seconds=duration_seconds, reason_code=reason_code, reason_text=reason_text,
        source=source, channel_id=channel_id, allowed=allowed,
    )  # fmt: skip
    session.commit()
    return airing, created
