"""Vietnamese (first) and English words of the compliance exports."""

from __future__ import annotations

from scheduler.config import Label, Settings

STATUS = {
    "target_met": Label("Đạt mục tiêu", "Target met"),
    "minimum_met": Label("Đạt tối thiểu", "Minimum met"),
    "below_minimum": Label("Chưa đạt", "Below minimum"),
    "not_applicable": Label("Không áp dụng", "Not applicable"),
}
COUNT = {
    "airings": Label("lượt phát", "airings"),
    "distinct_programmes": Label("chương trình khác nhau", "distinct programmes"),
    "minutes": Label("phút", "minutes"),
}
PERIOD = {
    "week": Label("tuần", "week"),
    "month": Label("tháng", "month"),
    "quarter": Label("quý", "quarter"),
    "half": Label("6 tháng", "half-year"),
    "year": Label("năm", "year"),
}


def vocab(settings: Settings, kind: str, code: str) -> str:
    """Vietnamese name of a topic, programme type, language, reason or channel kind code."""
    table = {
        "topic": settings.topics,
        "type": settings.programme_types,
        "language": settings.languages,
        "reason": settings.not_aired_reasons,
        "kind": settings.channel_kinds,
    }[kind]
    label = table.get(code)
    return label.vi if label else code


def rule_name(settings: Settings, rule_id: str) -> str:
    """The Vietnamese name of a rule."""
    try:
        return settings.rule(rule_id).name_vi
    except KeyError:
        return rule_id
