"""All-or-nothing import of the bulk format; every bad row is reported with column and reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_, Message, message
from content.db import utcnow
from content.models import PRIORITIES, Programme, ProgrammeTopic
from scheduler import airings as airing_ops
from scheduler import schedules
from scheduler.areas import find_unit
from scheduler.bulk import parse
from scheduler.bulk.outcome import BulkImportError, ImportSummary, RowError
from scheduler.bulk.rows import RowFailed, RowReader
from scheduler.bulk.tables import Rows
from scheduler.config import Settings
from scheduler.errors import LoaError
from scheduler.models import Channel, ChannelLanguage, ScheduledItem, Slot, SlotPattern
from scheduler.periods import PeriodError, Week, local_to_utc


class _Importer(RowReader):
    """Applies rows section by section inside the caller's transaction."""

    def run(self, rows: Rows) -> ImportSummary:
        handlers = {
            "channels": self.channel,
            "slot_patterns": self.pattern,
            "programmes": self.programme,
            "schedule_items": self.schedule_item,
            "airings": self.airing,
        }
        for section, handler in handlers.items():
            self.section = section
            publish: set[int] = set()
            for self.row, row in rows.get(section, []):
                try:
                    with self.session.begin_nested():
                        outcome = handler(row)
                        if isinstance(outcome, tuple):
                            outcome, schedule_id = outcome
                            publish.add(schedule_id)
                        self.summary.add(section, outcome)
                except RowFailed:
                    if section in self.failed_codes and row.get("code") is not None:
                        self.failed_codes[section].add(str(row["code"]))
                    continue
                except LoaError as exc:
                    self.errors.append(RowError(section, self.row, "", exc))
            for schedule_id in sorted(publish):
                schedules.publish_week(self.session, schedule_id, self.actor)
        if self.errors:
            raise BulkImportError(self.errors)
        return self.summary

    def channel(self, row: dict[str, Any]) -> str:
        s = self.settings
        code = self.get(row, "code", parse.text, True)
        name = self.get(row, "name", parse.text, True)
        kind = self.get(row, "kind", parse.text, True)
        self.known("kind", kind, s.channel_kinds, N_("channel kind"))
        languages = self.get(row, "languages", parse.codes, True)
        for lang in languages:
            self.known("languages", lang, s.languages, N_("language"))
        active_from = self.get(row, "active_from", parse.date, True)
        active_to = self.get(row, "active_to", parse.date, False)
        if active_to is not None and active_to < active_from:
            raise self.fail("active_to", _ends_before("active_from"))
        unit_code = self.get(row, "unit_code", parse.text, True)
        try:
            unit = find_unit(self.session, unit_code, on=active_from)
        except LoaError as exc:
            raise self.fail("unit_code", exc) from None
        structure = self.get(row, "unit_structure", parse.text, False)
        if structure is not None and unit.structure != structure:
            raise self.fail(
                "unit_structure",
                message(
                    N_("unit %(unit)s valid then belongs to the list '%(structure)s'"),
                    unit=unit_code,
                    structure=unit.structure,
                ),
            )
        values = {
            "name": name,
            "kind": kind,
            "unit_id": unit.id,
            "active_from": active_from,
            "active_to": active_to,
        }
        channel = self.session.scalar(select(Channel).where(Channel.code == code))
        if channel is None:
            channel = Channel(code=code, **values)
            channel.language_links = [ChannelLanguage(language=lang) for lang in languages]
            self.session.add(channel)
            self.session.flush()
            return "new"
        changed = any(getattr(channel, k) != v for k, v in values.items())
        changed |= sorted(set(languages)) != channel.languages
        for k, v in values.items():
            setattr(channel, k, v)
        if sorted(set(languages)) != channel.languages:
            channel.language_links = [ChannelLanguage(language=lang) for lang in set(languages)]
        self.session.flush()
        return "changed" if changed else "unchanged"

    def pattern(self, row: dict[str, Any]) -> str:
        weekdays = "".join(sorted(set(self.get(row, "weekdays", parse.text, True))))
        if not weekdays or any(d not in "1234567" for d in weekdays):
            raise self.fail(
                "weekdays",
                message(N_("use the weekday digits 1 (Monday) to 7 (Sunday), e.g. 123456")),
            )
        start = self.get(row, "start", parse.time, True)
        minutes = self.get(row, "minutes", parse.integer, True)
        if minutes <= 0 or minutes > 24 * 60:
            raise self.fail("minutes", message(N_("must be between 1 and 1440")))
        valid_from = self.get(row, "valid_from", parse.date, False)
        valid_to = self.get(row, "valid_to", parse.date, False)
        name = self.get(row, "name", parse.text, False)
        channel = self.channel_by_code(row)
        valid_from = valid_from or channel.active_from
        if valid_to is not None and valid_to < valid_from:
            raise self.fail("valid_to", _ends_before("valid_from"))
        existing = self.session.scalar(
            select(SlotPattern).where(
                SlotPattern.channel_id == channel.id,
                SlotPattern.weekdays == weekdays,
                SlotPattern.start_time == start,
                SlotPattern.valid_from == valid_from,
            )
        )
        if existing is None:
            self.session.add(
                SlotPattern(
                    channel_id=channel.id,
                    weekdays=weekdays,
                    start_time=start,
                    duration_minutes=minutes,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    name=name,
                )
            )
            self.session.flush()
            return "new"
        values = {"duration_minutes": minutes, "valid_to": valid_to, "name": name}
        changed = any(getattr(existing, k) != v for k, v in values.items())
        for k, v in values.items():
            setattr(existing, k, v)
        return "changed" if changed else "unchanged"

    def programme(self, row: dict[str, Any]) -> str:
        s = self.settings
        code = self.get(row, "code", parse.text, True)
        ptype = self.get(row, "type", parse.text, True)
        self.known("type", ptype, s.programme_types, N_("programme type"))
        topics = self.get(row, "topics", parse.codes, True)
        for topic in topics:
            self.known("topics", topic, s.topics, N_("topic"))
        language = self.get(row, "language", parse.text, True)
        self.known("language", language, s.languages, N_("language"))
        seconds = self.get(row, "duration_seconds", parse.integer, True)
        if seconds <= 0:
            raise self.fail("duration_seconds", message(N_("must be more than 0")))
        priority = self.get(row, "priority", parse.text, False) or "normal"
        if priority not in PRIORITIES:
            raise self.fail(
                "priority", message(N_("use one of %(allowed)s"), allowed=", ".join(PRIORITIES))
            )
        approved_by = self.get(row, "approved_by", parse.text, False)
        approved_at = self.get(row, "approved_at", parse.datetime, False)
        if approved_by and approved_at is None:
            approved_at = utcnow()
        valid_from = self.get(row, "valid_from", parse.date, False)
        valid_to = self.get(row, "valid_to", parse.date, False)
        if valid_from and valid_to and valid_to < valid_from:
            raise self.fail("valid_to", _ends_before("valid_from"))
        values = {
            "title": self.get(row, "title", parse.text, True),
            "programme_type": ptype,
            "language": language,
            "duration_seconds": seconds,
            "producer": self.get(row, "producer", parse.text, False),
            "priority": priority,
            "approved_by": approved_by,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "description": self.get(row, "description", parse.multiline, False),
        }
        programme = self.session.scalar(select(Programme).where(Programme.code == code))
        if programme is None:
            programme = Programme(code=code, approved_at=approved_at, created_by=self.actor)
            programme.topic_links = [ProgrammeTopic(topic=t) for t in sorted(set(topics))]
            for k, v in values.items():
                setattr(programme, k, v)
            self.session.add(programme)
            self.session.flush()
            return "new"
        changed = any(getattr(programme, k) != v for k, v in values.items())
        changed |= sorted(set(topics)) != programme.topics
        for k, v in values.items():
            setattr(programme, k, v)
        if approved_by is None:
            programme.approved_at = None
        elif programme.approved_at is None:
            programme.approved_at = approved_at
        if sorted(set(topics)) != programme.topics:
            programme.topic_links = [ProgrammeTopic(topic=t) for t in sorted(set(topics))]
        self.session.flush()
        return "changed" if changed else "unchanged"

    def schedule_item(self, row: dict[str, Any]) -> str | tuple[str, int]:
        day = self.get(row, "date", parse.date, True)
        week_text = self.get(row, "week", parse.text, False)
        if week_text is not None:
            try:
                if Week.parse(week_text) != Week.of(day):
                    raise self.fail(
                        "week",
                        message(
                            N_("%(day)s is not in the week %(week)s"),
                            day=f"{day:%d/%m/%Y}",
                            week=week_text,
                        ),
                    )
            except PeriodError as exc:
                raise self.fail("week", exc) from None
        state = self.get(row, "state", parse.text, False) or "draft"
        if state not in ("draft", "published"):
            raise self.fail("state", message(N_("use draft or published")))
        start = self.get(row, "start", parse.time, True)
        position = self.get(row, "position", parse.integer, False)
        pinned = self.get(row, "pinned", parse.boolean, False)
        channel = self.channel_by_code(row)
        programme = self.programme_by_code(row)
        slot = self.find_slot(channel, day, start)
        if any(item.programme_id == programme.id for item in slot.items):
            outcome = "unchanged"
        else:
            schedules.add_item(
                self.session,
                slot.id,
                programme.id,
                self.actor,
                position=position,
                pinned=True if pinned is None else pinned,
            )
            outcome = "new"
        return (outcome, slot.schedule_id) if state == "published" else outcome

    def airing(self, row: dict[str, Any]) -> str:
        day = self.get(row, "date", parse.date, True)
        start = self.get(row, "start", parse.time, True)
        status = self.get(row, "status", parse.text, True)
        seconds = self.get(row, "duration_seconds", parse.integer, False)
        reason_code = self.get(row, "reason_code", parse.text, False)
        reason_text = self.get(row, "reason_text", parse.text, False)
        planned = self.get(row, "planned", parse.boolean, False)
        actor = self.get(row, "confirmed_by", parse.text, False) or self.actor
        channel = self.channel_by_code(row)
        programme = self.programme_by_code(row)
        started_at = local_to_utc(day, start, self.settings.zone)
        item = self._matching_item(channel, programme, day, start) if planned is not False else None
        if planned and item is None:
            raise self.fail(
                "planned",
                message(
                    N_("no scheduled item of %(programme)s on %(day)s at %(start)s"),
                    programme=programme.code,
                    day=f"{day:%d/%m/%Y}",
                    start=f"{start:%H:%M}",
                ),
            )
        if item is not None:
            _, created = airing_ops.confirm_item(
                self.session,
                self.settings,
                item.id,
                status,
                actor,
                started_at=started_at,
                duration_seconds=seconds,
                reason_code=reason_code,
                reason_text=reason_text,
                source="import",
            )
        else:
            _, created = airing_ops.log_unplanned(
                self.session,
                self.settings,
                channel.id,
                programme.id,
                actor,
                started_at=started_at,
                duration_seconds=seconds,
                status=status,
                client_ref=f"import:{day.isoformat()}T{start:%H:%M}:{programme.code}",
                source="import",
            )
        return "new" if created else "existing"

    def _matching_item(
        self, channel: Channel, programme: Programme, day: dt.date, start: dt.time
    ) -> ScheduledItem | None:
        """The scheduled item of this programme in the slot running at that local time."""
        at = local_to_utc(day, start, self.settings.zone)
        candidates = self.session.scalars(
            select(ScheduledItem)
            .join(Slot, ScheduledItem.slot_id == Slot.id)
            .where(
                Slot.channel_id == channel.id,
                Slot.local_date == day,
                ScheduledItem.programme_id == programme.id,
            )
            .order_by(Slot.starts_at)
        )
        for item in candidates:
            if item.slot.starts_at <= at < item.slot.ends_at:
                return item
        return None


def _ends_before(column: str) -> Message:
    return message(N_("ends before %(column)s"), column=column)


def import_rows(session: Session, settings: Settings, rows: Rows, actor: str) -> ImportSummary:
    """Import every section; raise BulkImportError listing all bad rows (caller rolls back)."""
    return _Importer(session, settings, actor).run(rows)
