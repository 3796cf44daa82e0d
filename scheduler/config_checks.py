"""Cross-checks of the scheduler's sections of config.toml (rules, reports, notifications, audio).

Split from scheduler.config, which builds the settings and calls these once they are typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from audio.messages import N_, Message
from content.config_loader import ConfigError, out_of_range
from scheduler.roles import ROLES

if TYPE_CHECKING:
    from scheduler.config import Settings

CHANNEL_LANGUAGE = "channel"


def check_rules(settings: Settings, where: str) -> None:
    """Cross-check rules against the configured vocabularies."""
    seen: set[str] = set()
    vocab: dict[str, tuple[Mapping[str, object], str]] = {
        "channel_kinds": (settings.channel_kinds, N_("channel kind")),
        "topics": (settings.topics, N_("topic")),
        "programme_types": (settings.programme_types, N_("programme type")),
        "languages": ({**settings.languages, CHANNEL_LANGUAGE: None}, N_("language")),
    }
    for i, rule in enumerate(settings.rules):
        key = f"rules[{i}]"
        if rule.id in seen:
            raise ConfigError(
                N_("%(file)s: key '%(key)s.id': the rule id '%(rule)s' is used twice"),
                code="config.rule.duplicate",
                file=where,
                key=key,
                rule=rule.id,
            )
        seen.add(rule.id)
        for attr, (known, what) in vocab.items():
            for code in getattr(rule, attr):
                if code not in known:
                    raise ConfigError(
                        N_(
                            "%(file)s: key '%(key)s' (rule '%(rule)s')"
                            " names an unknown %(what)s '%(value)s'"
                        ),
                        code="config.rule.unknown_code",
                        what=Message(what),
                        file=where,
                        key=f"{key}.{attr}",
                        rule=rule.id,
                        value=code,
                    )
        if not rule.channel_kinds:
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must not be empty"),
                code="config.empty",
                file=where,
                key=f"{key}.channel_kinds",
            )
        if rule.minimum < 0 or (rule.target is not None and rule.target < rule.minimum):
            raise ConfigError(
                N_(
                    "%(file)s: key '%(key)s' must be at least the minimum,"
                    " and the minimum at least 0"
                ),
                code="config.rule.target",
                file=where,
                key=f"{key}.target",
            )
        lo, hi = rule.min_duration_minutes, rule.max_duration_minutes
        if lo is not None and hi is not None and lo > hi:
            raise ConfigError(
                N_("%(file)s: key '%(key)s' exceeds the maximum duration"),
                code="config.rule.duration",
                file=where,
                key=f"{key}.min_duration_minutes",
            )


def check_reports(settings: Settings, where: str) -> None:
    """Deadlines must fall inside their period."""
    months = {"quarter": 3, "half": 6, "year": 12}
    for i, rp in enumerate(settings.reports):
        if not 1 <= rp.deadline_month <= months[rp.period]:
            raise ConfigError(
                N_("%(file)s: key '%(key)s' falls outside the report's period"),
                code="config.report.deadline",
                file=where,
                key=f"reports[{i}].deadline_month",
            )
        if not 1 <= rp.deadline_day <= 28:
            raise out_of_range(where, f"reports[{i}].deadline_day", "1..28")


AS_ABOVE = "như trên"


def check_report_layout(settings: Settings, where: str) -> None:
    """The report's signature and addressees are consistent (texts were cleaned when read)."""
    layout = settings.report_layout
    if layout.sign_as and layout.sign_as != "Q." and not layout.on_behalf_of:
        raise ConfigError(
            N_(
                "%(file)s: key '%(key)s' is required with sign_as = %(value)s"
                " (the head's title, e.g. 'CHÁNH VĂN PHÒNG')"
            ),
            code="config.report_layout.on_behalf_of",
            file=where,
            key="report_layout.on_behalf_of",
            value=repr(layout.sign_as),
        )
    if any(r.lower().startswith(AS_ABOVE) for r in layout.recipients) and not layout.addressees:
        raise ConfigError(
            N_(
                "%(file)s: key '%(key)s' lists 'Như trên', which refers to 'Kính gửi':"
                " set 'report_layout.addressees'"
            ),
            code="config.report_layout.recipients",
            file=where,
            key="report_layout.recipients",
        )
    for name in ("issuing_body", "signer_title"):
        if not getattr(layout, name):
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must not be empty"),
                code="config.empty",
                file=where,
                key=f"report_layout.{name}",
            )


def check_notifications(settings: Settings, where: str) -> None:
    """Recipients name known roles; retries and backups are bounded."""
    n = settings.notifications
    for i, r in enumerate(n.recipients):
        if r.role not in ROLES:
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must be one of %(allowed)s, not %(value)s"),
                code="config.choice",
                file=where,
                key=f"notifications.recipients[{i}].role",
                allowed=", ".join(ROLES),
                value=repr(r.role),
            )
    if n.max_attempts < 1:
        raise out_of_range(where, "notifications.max_attempts", ">= 1")
    if n.backoff_seconds < 0:
        raise out_of_range(where, "notifications.backoff_seconds", ">= 0")
    if settings.backup.keep < 1:
        raise out_of_range(where, "backup.keep", ">= 1")


MP3_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MP3_SAMPLE_RATES = (16000, 22050, 24000, 32000, 44100, 48000)


def check_audio(settings: Settings, where: str) -> None:
    """Audio values must be usable (ranges an MP3 encoder accepts)."""
    a = settings.audio
    checks = [
        ("audio.target_lufs", -40.0 <= a.target_lufs <= -5.0, "-40..-5"),
        ("audio.max_true_peak_dbtp", -10.0 <= a.max_true_peak_dbtp <= 0.0, "-10..0"),
        ("audio.bitrate_kbps", a.bitrate_kbps in MP3_BITRATES, f"{MP3_BITRATES}"),
        ("audio.sample_rate", a.sample_rate in MP3_SAMPLE_RATES, f"{MP3_SAMPLE_RATES}"),
        ("audio.channels", a.channels in (1, 2), "1, 2"),
        ("audio.silence_threshold_db", -90.0 <= a.silence_threshold_db <= -20.0, "-90..-20"),
        ("audio.gap_seconds", 0.0 <= a.gap_seconds <= 30.0, "0..30"),
    ]
    for key, ok, what in checks:
        if not ok:
            raise out_of_range(where, key, what)
