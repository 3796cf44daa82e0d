"""The Vietnamese words of the official report (DOCX per Nghị định 30/2020/NĐ-CP).

The DOCX is a Vietnamese administrative document filed with an office: its text is Vietnamese
whoever builds it (page, CLI or worker), so its words live here rather than in the UI
catalogue. CSV, XLSX and pages use the catalogue in the reader's language (labels.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from scheduler.periods import Period, PeriodError, Week

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
STATUS = {
    "target_met": "đạt mục tiêu",
    "minimum_met": "đạt tối thiểu",
    "below_minimum": "chưa đạt",
    "running": "đang diễn ra",
    "not_applicable": "không áp dụng",
}
COUNT = {"airings": "lượt phát", "distinct_programmes": "chương trình", "minutes": "phút"}
PERIOD_KIND = {"week": "tuần", "month": "tháng", "quarter": "quý", "half": "6 tháng", "year": "năm"}
# Commune-level unit types as the official lists write them, in the order a report names them.
COMMUNE_TYPES = ("xã", "phường", "đặc khu", "thị trấn")


def _dates(start: dt.date, end: dt.date) -> str:
    """'từ ngày 01/10 đến ngày 31/12/2026' (the year once when both days share it)."""
    first = f"{start:%d/%m}" if start.year == end.year else f"{start:%d/%m/%Y}"
    return f"từ ngày {first} đến ngày {end:%d/%m/%Y}"


def period_title(period: Period) -> str:
    """'quý IV năm 2026', 'tháng 11 năm 2026', '6 tháng đầu năm 2026', 'năm 2026'."""
    y = period.start.year
    if period.kind == "quarter":
        return f"quý {ROMAN[(period.start.month - 1) // 3 + 1]} năm {y}"
    if period.kind == "half":
        return f"6 tháng {'đầu' if period.start.month == 1 else 'cuối'} năm {y}"
    if period.kind == "year":
        return f"năm {y}"
    if period.kind == "month":
        return f"tháng {period.start.month} năm {y}"
    if period.kind == "week":
        week = Week.of(period.start)
        return f"tuần {week.week} năm {week.year}"
    return _dates(period.start, period.end)


def period_words(period: Period) -> str:
    """The period in calendar words: 'quý IV năm 2026 (từ ngày 01/10 đến ngày 31/12/2026)'."""
    if period.kind == "range":
        return _dates(period.start, period.end)
    return f"{period_title(period)} ({_dates(period.start, period.end)})"


def week_words(week: Week) -> str:
    """'tuần 41 (05/10–11/10)'."""
    return f"tuần {week.week} ({week.monday:%d/%m}–{week.sunday:%d/%m})"


def rule_period_words(label: str) -> str:
    """A rule period of a result in words: 'tuần 41 (05/10–11/10)', 'quý IV/2026'..."""
    try:
        period = Period.parse(label)
    except PeriodError:
        return label
    y = period.start.year
    if period.kind == "week":
        return week_words(Week.of(period.start))
    if period.kind == "month":
        return f"tháng {period.start.month:02d}/{y}"
    if period.kind == "quarter":
        return f"quý {ROMAN[(period.start.month - 1) // 3 + 1]}/{y}"
    return period_title(period)


def counted_weeks_note(period: Period) -> str:
    """The one note on how weekly figures are attributed to the period (the ISO-week rule)."""
    weeks = period.weeks()
    if period.kind == "week" or not weeks:
        return ""
    first, last = weeks[0], weeks[-1]
    return (
        "Số liệu theo tuần tính các tuần từ thứ Hai đến Chủ nhật có ngày thứ Năm thuộc kỳ báo "
        f"cáo: {len(weeks)} tuần, từ tuần {first.week} ({first.monday:%d/%m/%Y}) đến tuần "
        f"{last.week} ({last.sunday:%d/%m/%Y}); mỗi tuần chỉ thuộc một kỳ báo cáo."
    )


def unit_type_key(unit_type: str | None, name: str) -> str:
    """'xã', 'phường', 'đặc khu', 'thị trấn' from the unit's type or its full name; '' if none."""
    text = (unit_type or name or "").strip().lower()
    for known in COMMUNE_TYPES:
        if text == known or text.startswith(known + " "):
            return known
    return ""


def commune_phrase(by_type: Mapping[str, int]) -> str:
    """'82 xã', or '82 đơn vị hành chính cấp xã (60 xã, 20 phường, 2 đặc khu)'."""
    total = sum(by_type.values())
    named = [(t, by_type[t]) for t in COMMUNE_TYPES if by_type.get(t)]
    other = by_type.get("", 0)
    if len(named) == 1 and not other:
        return f"{num(total)} {named[0][0]}"
    parts = [f"{num(n)} {t}" for t, n in named]
    if other:
        parts.append(f"{num(other)} đơn vị khác")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"{num(total)} đơn vị hành chính cấp xã{detail}"


def num(value: float) -> str:
    """A whole number with Vietnamese thousands separators: 1.234."""
    return f"{value:,.0f}".replace(",", ".")


def pct(value: float | None) -> str:
    """A share as '82,5%' ('–' when there is none)."""
    return "–" if value is None else f"{100 * value:.1f}%".replace(".", ",")
