"""Notification texts: catalogue messages (English ids), rendered in Vietnamese and English.

A notice is stored in both languages (each reader's page shows theirs); an email is sent in the
configured language ([locale].language). The catalogues are those the entry point installed
(audio.messages.install_catalogues: the CLI, the web app and the worker all load web's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from audio.messages import N_, message, render_in

# key: (subject, body); values are named parameters, e.g. %(channel)s.
TEXTS: dict[str, tuple[str, str]] = {
    "remind_today": (
        N_("Today's broadcasts %(date)s – %(channel)s"),
        N_(
            "Today, %(date)s, %(channel)s has %(count)s slot(s):\n%(lines)s\n"
            "After airing, please confirm each programme in Loa."
        ),
    ),
    "unconfirmed": (
        N_("Broadcast not confirmed: %(channel)s, %(when)s"),
        N_(
            "The %(when)s slot of %(channel)s still has %(count)s unconfirmed programme(s)"
            " after %(hours)s hours:\n%(lines)s\nPlease confirm: aired, partly aired or not"
            " aired (with a reason)."
        ),
    ),
    "week_drafted": (
        N_("Schedules drafted for week %(week)s – %(area)s"),
        N_(
            "The week %(week)s (%(start)s–%(end)s) schedules of %(area)s were drafted for"
            " %(channels)s channel(s) (%(slots)s slots). %(shortfall)s"
        ),
    ),
    "report_deadline": (
        N_("%(report)s %(period)s due in %(days)s day(s) (%(deadline)s)"),
        N_(
            "The %(report)s for %(period)s is due on %(deadline)s (%(days)s day(s) left)."
            " Figures were pre-built: %(summary)s"
        ),
    ),
    "weekly_digest": (
        N_("Weekly broadcast digest %(week)s – %(area)s"),
        N_(
            "Week %(week)s in %(area)s: %(planned)s scheduled programme(s), %(aired)s aired,"
            " %(partial)s partly aired, %(not_aired)s not aired, %(unconfirmed)s unconfirmed;"
            " %(unplanned)s unplanned airing(s)."
        ),
    ),
    "agent_not_ready": (
        N_("Station agent not ready for tomorrow: %(channel)s"),
        N_(
            "The station agent of %(channel)s does not hold everything it must play in the"
            " next 24 hours (%(count)s programme(s) missing or not yet checked):\n%(lines)s\n"
            "Check the station's computer and its link, or the programmes' audio."
        ),
    ),
    "agent_silent": (
        N_("Station agent silent: %(channel)s"),
        N_(
            "The station agent of %(channel)s has not reported since %(seen)s (more than"
            " %(hours)s hours). The station may not be playing; check its computer and link."
        ),
    ),
}


@dataclass(frozen=True)
class Message:
    """A rendered notice in both languages."""

    subject_vi: str
    body_vi: str
    subject_en: str
    body_en: str

    def subject(self, language: str) -> str:
        """The subject in one language ("en", else Vietnamese)."""
        return self.subject_en if language == "en" else self.subject_vi

    def email_text(self, language: str) -> str:
        """The email body in one language: the configured one ([locale].language)."""
        return (self.body_en if language == "en" else self.body_vi) + "\n"


def render(key: str, **values: Any) -> Message:
    """The texts of key in both languages; a missing value is a programming error (KeyError).

    Values may be configured labels or messages (they render in each language).
    """
    subject, body = TEXTS[key]
    for msgid in (subject, body):
        for name in _names(msgid):
            values[name]  # noqa: B018 - fail loudly on a missing value
    return Message(
        subject_vi=render_in(message(subject, **values), "vi"),
        body_vi=render_in(message(body, **values), "vi"),
        subject_en=render_in(message(subject, **values), "en"),
        body_en=render_in(message(body, **values), "en"),
    )


def _names(msgid: str) -> list[str]:
    return re.findall(r"%\((\w+)\)s", msgid)
