"""The scheduler's settings and the one loader: config.toml, read once at a process entry point.

Each layer owns its sections (audio.settings, content.settings, scheduler.worker.settings,
web.settings); `Settings` gathers the scheduler's and the lower layers'. An entry point passes
the aggregate it needs (the web app and CLI: web.settings.AppSettings) to `load_settings`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Self, TypeVar, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from audio.messages import N_
from audio.settings import AudioSettings
from content.config_loader import NOT_IN_FILE, ConfigError, build, out_of_range, read_toml
from content.settings import DatabaseSettings, FeedSettings, MediaSettings
from scheduler.config_checks import (
    CHANNEL_LANGUAGE,
    check_audio,
    check_notifications,
    check_report_layout,
    check_reports,
    check_rules,
)
from scheduler.roles import ROLES
from scheduler.speech_config import SpeechProblem, SpeechSettings, checked_speech
from scheduler.worker.settings import WORKER_JOBS, JobSchedule, WorkerSettings

__all__ = [
    "CHANNEL_LANGUAGE",
    "ROLES",
    "WORKER_JOBS",
    "AudioSettings",
    "ConfigError",
    "DatabaseSettings",
    "FeedSettings",
    "JobSchedule",
    "MediaSettings",
    "Settings",
    "WorkerSettings",
    "load_settings",
    "parse_settings",
]

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"
PERIOD_KINDS = ("week", "month", "quarter", "half", "year")


@dataclass(frozen=True)
class Label:
    """A code's display names in Vietnamese and English."""

    vi: str
    en: str

    def in_language(self, language: str) -> str:
        """The name in `language` ("en", else Vietnamese): a message parameter renders so."""
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class LocaleSettings:
    """Planning zone and default UI language."""

    timezone: str = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = "vi"


@dataclass(frozen=True)
class PlanningSettings:
    """Planner constraints."""

    no_repeat_weeks: int = 4
    target_margin_percent: int = 50
    # A confirmation's actual start lies within this many hours of its slot's start.
    actual_start_window_hours: int = 12


@dataclass(frozen=True)
class Rule:
    """A coverage rule: which channels, which airings count, per which period, how many."""

    id: str
    name_vi: str
    name_en: str
    source: str
    channel_kinds: tuple[str, ...]
    period: Literal["week", "month", "quarter", "half", "year"]
    minimum: int
    unit: str | None = None
    topics: tuple[str, ...] = ()
    programme_types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_duration_minutes: float | None = None
    max_duration_minutes: float | None = None
    target: int | None = None
    count: Literal["airings", "distinct_programmes", "minutes"] = "airings"
    basis: Literal["aired", "planned"] = "aired"
    # Emergency broadcasts aired on the channel count too (issue 14: "unless a rule asks").
    counts_emergency: bool = False

    @property
    def uses_channel_language(self) -> bool:
        """True when the rule asks for the channel's own minority language."""
        return CHANNEL_LANGUAGE in self.languages


@dataclass(frozen=True)
class ReportPeriod:
    """A periodic report kind and its deadline within the period."""

    period: Literal["quarter", "half", "year"]
    deadline_month: int
    deadline_day: int
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class Recipient:
    """An email address that receives the notifications of a role (optionally for one area)."""

    role: str
    email: str
    unit: str | None = None


@dataclass(frozen=True)
class Webhook:
    """A URL that receives events as signed JSON POSTs; the HMAC secret is read from env."""

    url: str
    secret_env: str = "LOA_WEBHOOK_SECRET"
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotificationSettings:
    """Outgoing notifications: SMTP server, email recipients, webhooks and their retries."""

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password_env: str = "LOA_SMTP_PASSWORD"
    sender: str = "loa@localhost"
    max_attempts: int = 6
    backoff_seconds: int = 30
    timeout_seconds: int = 10
    recipients: tuple[Recipient, ...] = ()
    webhooks: tuple[Webhook, ...] = ()


@dataclass(frozen=True)
class EmergencySettings:
    """Emergency broadcasts: who may issue, second-person approval, reminders, limits."""

    issuer_roles: tuple[str, ...] = ("planner", "supervisor")
    approval: bool = False
    remind_after_minutes: int = 10
    expiry_hours: int = 24
    max_occurrences: int = 48

    def check(self, where: str) -> None:
        """Issuer roles must be known roles; times and limits positive."""
        for i, role in enumerate(self.issuer_roles):
            if role not in ROLES:
                raise ConfigError(
                    N_("%(file)s: key '%(key)s' must be one of %(allowed)s, not %(value)s"),
                    code="config.choice",
                    file=where,
                    key=f"emergency.issuer_roles[{i}]",
                    allowed=", ".join(ROLES),
                    value=repr(role),
                )
        for key in ("remind_after_minutes", "expiry_hours", "max_occurrences"):
            if getattr(self, key) < 1:
                raise out_of_range(where, f"emergency.{key}", ">= 1")


@dataclass(frozen=True)
class BackupSettings:
    """Where nightly SQLite backups go and how many are kept."""

    folder: str = "instance/backups"
    keep: int = 14


@dataclass(frozen=True)
class ReportLayout:
    """How the DOCX periodic report presents its issuer, addressees and signer (ND 30/2020)."""

    authority: str = ""  # line above the issuing body; "" = "UBND " + the unit's name
    issuing_body: str = "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI"
    symbol: str = "BC-VPĐP"
    place: str = ""  # "" = the unit's name
    addressees: tuple[str, ...] = ()  # "Kính gửi:"; "Như trên" in recipients refers to them
    # Who signs: "" (the head signs), "KT." (a deputy signs for the head), "TL." / "TUQ."
    # (signed by order / by authorisation), "TM." (for a collective body), "Q." (acting).
    sign_as: Literal["", "KT.", "TL.", "TUQ.", "TM.", "Q."] = ""
    on_behalf_of: str = ""  # the head's title after KT./TL./TUQ./TM. ("CHÁNH VĂN PHÒNG")
    signer_title: str = "CHÁNH VĂN PHÒNG"  # the signer's own title
    signer_name: str = ""  # full name under the signature and seal
    recipients: tuple[str, ...] = ("Lưu: VT",)


@dataclass(frozen=True)
class AgentSettings:
    """Station agents (issue 13): how far ahead they cache, how often they poll, health limits."""

    horizon_days: int = 7
    poll_seconds: int = 60
    emergency_poll_seconds: int = 10
    max_clock_skew_seconds: int = 120
    ready_check_time: str = "18:00"
    silent_hours: int = 6
    # The server answers the no-change poll from versions it rebuilds at most this often
    # (seconds; 0: a database query per poll): a change reaches agents this much later.
    poll_cache_seconds: float = 2.0
    # Serve renditions through nginx: a location prefix mapped (internal) to the media folder.
    accel_redirect_prefix: str = ""

    def check(self, where: str) -> None:
        """Agent timings in range; the daily readiness check is a clock time HH:MM."""
        if not 1 <= self.horizon_days <= 31:
            raise out_of_range(where, "agent.horizon_days", "1..31")
        if not 5 <= self.poll_seconds <= 3600:
            raise out_of_range(where, "agent.poll_seconds", "5..3600")
        if not 1 <= self.emergency_poll_seconds <= self.poll_seconds:
            raise out_of_range(where, "agent.emergency_poll_seconds", "1..poll_seconds")
        if not 1 <= self.max_clock_skew_seconds <= 86400:
            raise out_of_range(where, "agent.max_clock_skew_seconds", "1..86400")
        if not 0 <= self.poll_cache_seconds <= 60:
            raise out_of_range(where, "agent.poll_cache_seconds", "0..60")
        if not 1 <= self.silent_hours <= 720:
            raise out_of_range(where, "agent.silent_hours", "1..720")
        hour, sep, minute = self.ready_check_time.partition(":")
        valid = sep and hour.isdigit() and minute.isdigit() and len(minute) == 2
        if not valid or not (0 <= int(hour) <= 23 and 0 <= int(minute) <= 59):
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must be a time of day like 18:00, not %(value)s"),
                code="config.agent.time",
                file=where,
                key="agent.ready_check_time",
                value=repr(self.ready_check_time),
            )
        prefix = self.accel_redirect_prefix
        if prefix and not (prefix.startswith("/") and prefix.endswith("/")):
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must start and end with '/', like /protected-media/"),
                code="config.agent.accel",
                file=where,
                key="agent.accel_redirect_prefix",
            )


@dataclass(frozen=True)
class Settings:
    """What config.toml says to the scheduler and the layers below it, validated."""

    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    locale: LocaleSettings = field(default_factory=LocaleSettings)
    media: MediaSettings = field(default_factory=MediaSettings)
    planning: PlanningSettings = field(default_factory=PlanningSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    topics: dict[str, Label] = field(default_factory=dict)
    programme_types: dict[str, Label] = field(default_factory=dict)
    languages: dict[str, Label] = field(default_factory=dict)
    channel_kinds: dict[str, Label] = field(default_factory=dict)
    not_aired_reasons: dict[str, Label] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    reports: tuple[ReportPeriod, ...] = ()
    report_layout: ReportLayout = field(default_factory=ReportLayout)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    agent: AgentSettings = field(default_factory=AgentSettings)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    emergency: EmergencySettings = field(default_factory=EmergencySettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    source: str = field(default="<defaults>", metadata=NOT_IN_FILE)
    base_dir: str = field(default=".", metadata=NOT_IN_FILE)

    @property
    def zone(self) -> ZoneInfo:
        """The planning time zone."""
        return ZoneInfo(self.locale.timezone)

    def rule(self, rule_id: str) -> Rule:
        """Return the rule with this id or raise KeyError."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def resolve_path(self, path: str) -> Path:
        """Resolve a path from the config relative to the config file's folder."""
        p = Path(path)
        return p if p.is_absolute() else Path(self.base_dir) / p

    def check(self, where: str, base_dir: str) -> Self:
        """Cross-check the sections; return the settings with the speech voice resolved."""
        try:
            ZoneInfo(self.locale.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                N_("%(file)s: key '%(key)s': unknown time zone %(value)s"),
                code="config.timezone",
                file=where,
                key="locale.timezone",
                value=repr(self.locale.timezone),
            ) from exc
        if self.planning.no_repeat_weeks < 0:
            raise out_of_range(where, "planning.no_repeat_weeks", ">= 0")
        if not 0 <= self.planning.target_margin_percent <= 1000:
            raise out_of_range(where, "planning.target_margin_percent", "0..1000")
        if not 1 <= self.planning.actual_start_window_hours <= 168:
            raise out_of_range(where, "planning.actual_start_window_hours", "1..168")
        check_rules(self, where)
        check_reports(self, where)
        check_report_layout(self, where)
        self.worker.check(where)
        check_notifications(self, where)
        check_audio(self, where)
        self.emergency.check(where)
        self.agent.check(where)
        self.feeds.check(where)
        self.database.check(where)
        try:
            speech = checked_speech(self.speech, base_dir)
        except SpeechProblem as exc:
            raise ConfigError(
                N_("%(file)s: key '%(key)s': %(problem)s"),
                code="config.speech",
                file=where,
                key=exc.key,
                problem=exc.message,
            ) from exc
        return dataclasses.replace(self, speech=speech)


S = TypeVar("S", bound=Settings)


@overload
def parse_settings(data: dict[str, object], where: str, base_dir: str = ".") -> Settings: ...
@overload
def parse_settings(data: dict[str, object], where: str, base_dir: str, schema: type[S]) -> S: ...
def parse_settings(
    data: dict[str, object], where: str, base_dir: str = ".", schema: type[S] | None = None
) -> S | Settings:
    """Validate a parsed TOML document into `schema` (the entry point's aggregate)."""
    settings: Settings = build(schema or Settings, data, "", where)
    settings = dataclasses.replace(settings, source=where, base_dir=base_dir)
    return settings.check(where, base_dir)


@overload
def load_settings(path: str | os.PathLike[str] | None = None) -> Settings: ...
@overload
def load_settings(path: str | os.PathLike[str] | None, schema: type[S]) -> S: ...
def load_settings(
    path: str | os.PathLike[str] | None = None, schema: type[S] | None = None
) -> S | Settings:
    """Read the config file (LOA_CONFIG or the default), validate it, apply LOA_DATABASE_URL."""
    chosen = Path(path or os.environ.get("LOA_CONFIG") or DEFAULT_CONFIG)
    data = read_toml(chosen)
    settings = parse_settings(data, str(chosen), str(chosen.resolve().parent), schema or Settings)
    url = os.environ.get("LOA_DATABASE_URL")
    if url:
        # Only the URL: [database].pool_size and the rest of the section still apply.
        settings = dataclasses.replace(
            settings, database=dataclasses.replace(settings.database, url=url)
        )
    return settings
