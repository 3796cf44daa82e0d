"""What every worker job shares: the actor it records, its signature, its date format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from scheduler.worker.runner import WorkerContext

ACTOR = "worker"
JobFn = Callable[[Session, "WorkerContext", dt.datetime], str]


def fmt_date(day: dt.date) -> str:
    """A date as notices write it (dd/mm/yyyy)."""
    return f"{day:%d/%m/%Y}"
