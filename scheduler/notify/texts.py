"""Notification texts in Vietnamese and English, filled with str.format.

A notice is stored in both languages (each reader's page shows theirs); an email is sent in the
configured language ([locale].language).
"""

from __future__ import annotations

from dataclasses import dataclass

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    # key: {lang: (subject, body)}
    "remind_today": {
        "vi": (
            "Lịch phát sóng hôm nay {date} – {channel}",
            "Hôm nay {date}, đài {channel} có {count} khung giờ phát sóng:\n{lines}\n"
            "Sau khi phát, vui lòng xác nhận từng chương trình trên Loa.",
        ),
        "en": (
            "Today's broadcasts {date} – {channel}",
            "Today, {date}, {channel} has {count} slot(s):\n{lines}\n"
            "After airing, please confirm each programme in Loa.",
        ),
    },
    "unconfirmed": {
        "vi": (
            "Chưa xác nhận phát sóng: {channel}, {when}",
            "Khung giờ {when} của đài {channel} còn {count} chương trình chưa xác nhận "
            "sau {hours} giờ:\n{lines}\nVui lòng xác nhận: đã phát, phát một phần hoặc không "
            "phát (kèm lý do).",
        ),
        "en": (
            "Broadcast not confirmed: {channel}, {when}",
            "The {when} slot of {channel} still has {count} unconfirmed programme(s) after "
            "{hours} hours:\n{lines}\nPlease confirm: aired, partly aired or not aired "
            "(with a reason).",
        ),
    },
    "week_drafted": {
        "vi": (
            "Đã soạn lịch phát sóng tuần {week} – {area}",
            "Lịch phát sóng tuần {week} ({start}–{end}) của {area} đã được soạn cho {channels} "
            "đài ({slots} khung giờ). {shortfall_vi}",
        ),
        "en": (
            "Schedules drafted for week {week} – {area}",
            "The week {week} ({start}–{end}) schedules of {area} were drafted for {channels} "
            "channel(s) ({slots} slots). {shortfall_en}",
        ),
    },
    "report_deadline": {
        "vi": (
            "Hạn nộp {report} {period}: còn {days} ngày ({deadline})",
            "{report} kỳ {period} phải nộp trước ngày {deadline} (còn {days} ngày). "
            "Số liệu đã được tổng hợp sẵn: {summary_vi}",
        ),
        "en": (
            "{report_en} {period} due in {days} day(s) ({deadline})",
            "The {report_en} for {period} is due on {deadline} ({days} day(s) left). "
            "Figures were pre-built: {summary_en}",
        ),
    },
    "weekly_digest": {
        "vi": (
            "Tổng hợp phát sóng tuần {week} – {area}",
            "Tuần {week} tại {area}: {planned} chương trình theo lịch, {aired} đã phát, "
            "{partial} phát một phần, {not_aired} không phát, {unconfirmed} chưa xác nhận; "
            "{unplanned} lần phát ngoài lịch.",
        ),
        "en": (
            "Weekly broadcast digest {week} – {area}",
            "Week {week} in {area}: {planned} scheduled programme(s), {aired} aired, "
            "{partial} partly aired, {not_aired} not aired, {unconfirmed} unconfirmed; "
            "{unplanned} unplanned airing(s).",
        ),
    },
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


def render(key: str, **values: object) -> Message:
    """Fill the texts of key with values; a missing value is a programming error (KeyError)."""
    vi_subject, vi_body = TEXTS[key]["vi"]
    en_subject, en_body = TEXTS[key]["en"]
    return Message(
        subject_vi=vi_subject.format(**values),
        body_vi=vi_body.format(**values),
        subject_en=en_subject.format(**values),
        body_en=en_body.format(**values),
    )
