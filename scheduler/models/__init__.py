"""Scheduler tables: units, channels, slot patterns, weekly schedules and the airing log."""

from scheduler.models.airings import AIRING_SOURCES, AIRING_STATUSES, Airing
from scheduler.models.channels import Channel, ChannelLanguage, LoudspeakerCluster, SlotPattern
from scheduler.models.schedules import SCHEDULE_STATES, ScheduledItem, Slot, WeekSchedule
from scheduler.models.units import LEVELS, STRUCTURES, AdminUnit

__all__ = [
    "AIRING_SOURCES",
    "AIRING_STATUSES",
    "LEVELS",
    "SCHEDULE_STATES",
    "STRUCTURES",
    "AdminUnit",
    "Airing",
    "Channel",
    "ChannelLanguage",
    "LoudspeakerCluster",
    "ScheduledItem",
    "Slot",
    "SlotPattern",
    "WeekSchedule",
]
