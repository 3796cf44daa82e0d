"""Scheduler tables: units, channels, slot patterns, weekly schedules, the airing log and the
report archive."""

from scheduler.models.agents import PLAYOUT_STATUSES, PlayoutRecord, StationAgent
from scheduler.models.airings import AIRING_SOURCES, AIRING_STATUSES, Airing
from scheduler.models.channels import Channel, ChannelLanguage, LoudspeakerCluster, SlotPattern
from scheduler.models.reports import REPORT_FORMATS, FiledReport, FiledReportFile
from scheduler.models.schedules import SCHEDULE_STATES, ScheduledItem, Slot, WeekSchedule
from scheduler.models.units import LEVELS, STRUCTURES, AdminUnit

__all__ = [
    "AIRING_SOURCES",
    "AIRING_STATUSES",
    "LEVELS",
    "PLAYOUT_STATUSES",
    "REPORT_FORMATS",
    "SCHEDULE_STATES",
    "STRUCTURES",
    "AdminUnit",
    "Airing",
    "Channel",
    "ChannelLanguage",
    "FiledReport",
    "FiledReportFile",
    "LoudspeakerCluster",
    "PlayoutRecord",
    "ScheduledItem",
    "Slot",
    "SlotPattern",
    "StationAgent",
    "WeekSchedule",
]
