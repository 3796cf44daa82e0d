"""The words of the compliance exports and pages: catalogue entries in the reader's language.

Exports are written for one reader (CSV and XLSX in the user's language), so every writer takes
a `Reader`: the language and that language's catalogue (English message ids marked with N_).
The entry point that knows the reader (page, CLI, worker) builds it; this layer never loads a
catalogue itself. Configured names (rules, topics, reasons) carry both languages already.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from audio.messages import N_, Gettext, render
from scheduler.config import Label, Rule, Settings
from scheduler.periods import Period, PeriodError, Week


def _identity(msgid: str) -> str:
    return msgid


@dataclass(frozen=True)
class Reader:
    """Who an export is written for: a language and its catalogue's gettext."""

    language: str = "en"
    gettext: Gettext = _identity

    def __call__(self, msgid: str, **params: Any) -> str:
        """A catalogue message in the reader's language, its parameters filled in."""
        return render(msgid, params, self.gettext, self.language)

    def name(self, label: Label | None, code: str = "") -> str:
        """A configured name in the reader's language (the code when it is not configured)."""
        return label.in_language(self.language) if label is not None else code


STATUS = {
    "target_met": N_("Target met"),
    "minimum_met": N_("Minimum met"),
    "below_minimum": N_("Below minimum"),
    "running": N_("In progress"),
    "not_applicable": N_("Not applicable"),
}
COUNT = {
    "airings": N_("airings"),
    "distinct_programmes": N_("distinct programmes"),
    "minutes": N_("minutes"),
}
PERIOD_KIND = {
    "week": N_("week"),
    "month": N_("month"),
    "quarter": N_("quarter"),
    "half": N_("half-year"),
    "year": N_("year"),
}
BASIS = {"aired": N_("aired"), "planned": N_("planned")}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def capital(text: str) -> str:
    """The text with its first letter in capitals ('quý IV/2026' -> 'Quý IV/2026')."""
    return text[:1].upper() + text[1:]


def status_name(status: str, reader: Reader) -> str:
    """'Đạt mục tiêu' / 'Target met' for a status code."""
    return reader(STATUS[status]) if status in STATUS else status


def week_name(week: Week, reader: Reader, year: bool = False) -> str:
    """'tuần 41 (05/10–11/10)', or with the year on its Sunday: 'tuần 41 (05/10–11/10/2026)'."""
    end = f"{week.sunday:%d/%m/%Y}" if year else f"{week.sunday:%d/%m}"
    return reader(
        N_("week %(number)s (%(start)s–%(end)s)"),
        number=week.week,
        start=f"{week.monday:%d/%m}",
        end=end,
    )


def period_name(period: Period, reader: Reader) -> str:
    """A period in words: 'quý IV/2026', 'tháng 11/2026', '6 tháng đầu năm 2026', 'năm 2026'."""
    y = period.start.year
    if period.kind == "week":
        return week_name(Week.of(period.start), reader, year=True)
    if period.kind == "month":
        return reader(N_("month %(month)s/%(year)s"), month=f"{period.start.month:02d}", year=y)
    if period.kind == "quarter":
        q = (period.start.month - 1) // 3 + 1
        return reader(N_("quarter %(roman)s/%(year)s"), roman=ROMAN[q], number=q, year=y)
    if period.kind == "half":
        if period.start.month == 1:
            return reader(N_("first half of %(year)s"), year=y)
        return reader(N_("second half of %(year)s"), year=y)
    if period.kind == "year":
        return reader(N_("year %(year)s"), year=y)
    return reader(
        N_("%(start)s to %(end)s"), start=f"{period.start:%d/%m/%Y}", end=f"{period.end:%d/%m/%Y}"
    )


def rule_period_name(label: str, reader: Reader) -> str:
    """A rule period of a result ('2026-W41', '2026-10', '2026-Q4') in words; weeks short."""
    try:
        period = Period.parse(label)
    except PeriodError:
        return label
    if period.kind == "week":
        return week_name(Week.of(period.start), reader)
    return period_name(period, reader)


def rule_name(settings: Settings, rule_id: str, reader: Reader | None = None) -> str:
    """A rule's name in the reader's language (Vietnamese without a reader)."""
    try:
        rule = settings.rule(rule_id)
    except KeyError:
        return rule_id
    return rule_title(rule, reader)


def rule_title(rule: Rule, reader: Reader | None = None) -> str:
    """The rule's configured name in the reader's language."""
    return rule.name_en if reader is not None and reader.language == "en" else rule.name_vi


def rule_measure(rule: Rule, reader: Reader) -> str:
    """'tối thiểu 1, mục tiêu 2 lượt phát/tuần' / 'minimum 1, target 2 airings/week'."""
    target = rule.target if rule.target is not None else rule.minimum
    return reader(
        N_("minimum %(minimum)s, target %(target)s %(count)s/%(period)s"),
        minimum=rule.minimum,
        target=target,
        count=reader(COUNT[rule.count]),
        period=reader(PERIOD_KIND[rule.period]),
    )


def vocab(settings: Settings, kind: str, code: str, reader: Reader | None = None) -> str:
    """A topic, programme type, language, reason or channel kind code by name (vi by default)."""
    table = {
        "topic": settings.topics,
        "type": settings.programme_types,
        "language": settings.languages,
        "reason": settings.not_aired_reasons,
        "kind": settings.channel_kinds,
    }[kind]
    return (reader or Reader("vi")).name(table.get(code), code)


def day(value: dt.date | None) -> str:
    """dd/mm/yyyy in every language ('' for none)."""
    return "" if value is None else f"{value:%d/%m/%Y}"
