"""Reading one row of the bulk format: typed values, known codes, the rows it refers to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_, Message, TranslatableError, message
from content.models import Programme
from scheduler import schedules
from scheduler.bulk import parse
from scheduler.bulk.outcome import ImportSummary, RowError
from scheduler.config import Settings
from scheduler.models import Channel, Slot
from scheduler.periods import Week, local_to_utc


class RowFailed(Exception):
    """Internal: the current row has errors already recorded."""


class RowReader:
    """Reads the current row's values and looks codes up; each problem becomes a RowError."""

    def __init__(self, session: Session, settings: Settings, actor: str) -> None:
        self.session = session
        self.settings = settings
        self.actor = actor
        self.errors: list[RowError] = []
        self.summary = ImportSummary()
        self.section = ""
        self.row = 0
        self.failed_codes: dict[str, set[str]] = {"channels": set(), "programmes": set()}

    def fail(self, column: str, reason: Message | TranslatableError) -> RowFailed:
        self.errors.append(RowError(self.section, self.row, column, reason))
        return RowFailed()

    def get(
        self, row: dict[str, Any], column: str, parser: Callable[[Any], Any], required: bool
    ) -> Any:
        try:
            value = parser(row.get(column))
        except TranslatableError as exc:
            raise self.fail(column, exc) from None
        if required and value in (None, []):
            raise self.fail(column, message(N_("a value is required")))
        return value

    def known(self, column: str, value: str | None, vocabulary: dict[str, Any], what: str) -> None:
        if value is not None and value not in vocabulary:
            raise self.fail(
                column,
                message(
                    N_("unknown %(what)s '%(value)s' (known: %(known)s)"),
                    what=Message(what),
                    value=value,
                    known=", ".join(vocabulary),
                ),
            )

    def channel_by_code(self, row: dict[str, Any], column: str = "channel_code") -> Channel:
        code = self.get(row, column, parse.text, True)
        channel = self.session.scalar(select(Channel).where(Channel.code == code))
        if channel is None:
            if code in self.failed_codes["channels"]:
                raise self.fail(
                    column, message(N_("channel '%(code)s' has errors in its own row"), code=code)
                )
            raise self.fail(column, message(N_("no channel has the code '%(code)s'"), code=code))
        return channel

    def programme_by_code(self, row: dict[str, Any]) -> Programme:
        code = self.get(row, "programme_code", parse.text, True)
        programme = self.session.scalar(select(Programme).where(Programme.code == code))
        if programme is None:
            if code in self.failed_codes["programmes"]:
                raise self.fail(
                    "programme_code",
                    message(N_("programme '%(code)s' has errors in its own row"), code=code),
                )
            raise self.fail(
                "programme_code", message(N_("no programme has the code '%(code)s'"), code=code)
            )
        return programme

    def find_slot(self, channel: Channel, day: dt.date, start: dt.time) -> Slot:
        week = Week.of(day)
        schedule = schedules.materialise_week(
            self.session, self.settings, channel.id, week, self.actor
        )
        at = local_to_utc(day, start, self.settings.zone)
        for slot in schedule.slots:
            if slot.starts_at == at:
                return slot
        raise self.fail(
            "start",
            message(
                N_("channel %(channel)s has no slot at %(start)s on %(day)s"),
                channel=channel.code,
                start=f"{start:%H:%M}",
                day=f"{day:%d/%m/%Y}",
            ),
        )
