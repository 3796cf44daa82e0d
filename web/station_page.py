"""What the broadcaster's page shows: the week day by day, with what is left to confirm.

A read model for web/views/station.py: every day of the week in order, each with its slots,
the items that can be confirmed now (their slot has started, or starts within the grace), and
how many of those have no airing yet. Days with something left open by themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler.airings import EARLY_GRACE
from web.weeks import SlotView, WeekView

# Days offered for an unplanned airing: today and the six before it.
UNPLANNED_DAYS = 7


@dataclass(frozen=True)
class DayView:
    """One day of the station's week."""

    day: dt.date
    slots: list[SlotView]
    left: int  # items that can be confirmed and have no airing yet
    due: int  # items that can be confirmed (their slot has started)
    is_today: bool

    @property
    def open(self) -> bool:
        """Shown unfolded: today, and any day with something left to confirm."""
        return self.is_today or self.left > 0


def confirmable(slot: SlotView, now: dt.datetime) -> bool:
    """True when the slot's items can be confirmed (as scheduler.airings allows it)."""
    return slot.starts_at <= now + EARLY_GRACE


def opens_at_ms(slot: SlotView) -> int:
    """When the slot's items can be confirmed, in milliseconds since the epoch (for the page)."""
    return int((slot.starts_at - EARLY_GRACE).timestamp() * 1000)


def station_days(view: WeekView, today: dt.date, now: dt.datetime) -> list[DayView]:
    """Every day of the week with its slots and counts, Monday first."""
    days = []
    for day in view.week.days():
        slots = view.slots_on(day)
        due = [i for s in slots if confirmable(s, now) for i in s.items]
        left = sum(1 for i in due if i.airing_status is None)
        days.append(DayView(day, slots, left, len(due), day == today))
    return days


def unplanned_days(today: dt.date) -> list[dt.date]:
    """The days an unplanned airing may be logged for from the page, today first."""
    return [today - dt.timedelta(days=k) for k in range(UNPLANNED_DAYS)]


def week_left(days: list[DayView]) -> int:
    """Items of the week left to confirm."""
    return sum(d.left for d in days)
