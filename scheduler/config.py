"""Load and validate config.toml once, at a process entry point, into plain settings objects."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from audio.messages import N_, Message
from content.text import InvalidText, clean_text
from scheduler.config_checks import (
    CHANNEL_LANGUAGE,
    ROLES,
    WORKER_JOBS,
    ConfigError,
    check_agent,
    check_audio_feeds,
    check_emergency,
    check_report_layout,
    check_reports,
    check_rules,
    check_web,
    check_worker,
    out_of_range,
)
from scheduler.speech_config import SpeechProblem, SpeechSettings, checked_speech

__all__ = ["CHANNEL_LANGUAGE", "ROLES", "WORKER_JOBS", "ConfigError", "Settings", "load_settings"]

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
class DatabaseSettings:
    """Where the data lives."""

    url: str = "sqlite:///instance/loa.db"
    pool_size: int = 16


@dataclass(frozen=True)
class LocaleSettings:
    """Planning zone and default UI language."""

    timezone: str = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = "vi"


@dataclass(frozen=True)
class MediaSettings:
    """Where programme audio is stored."""

    folder: str = "instance/media"


@dataclass(frozen=True)
class AudioSettings:
    """Loudness target and broadcast rendition format (issue 5); see [audio] in config.toml."""

    target_lufs: float = -16.0
    max_true_peak_dbtp: float = -1.0
    bitrate_kbps: int = 128
    sample_rate: int = 44100
    channels: int = 1
    trim_silence: bool = True
    silence_threshold_db: float = -50.0
    gap_seconds: float = 1.0
    intro_jingle: str = ""
    outro_jingle: str = ""


@dataclass(frozen=True)
class FeedSettings:
    """Feed polling limits (issue 5); see [feeds] in config.toml."""

    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    default_poll_minutes: int = 60
    user_agent: str = "Loa feed reader (+https://example.invalid/loa)"


@dataclass(frozen=True)
class PlanningSettings:
    """Planner constraints."""

    no_repeat_weeks: int = 4
    target_margin_percent: int = 50


@dataclass(frozen=True)
class WebSettings:
    """The web application: session secret, cookies, sign-in limits, upload size."""

    secret_key_file: str = "instance/secret_key"
    secure_cookies: bool = True
    session_hours: int = 12
    login_max_failures: int = 5
    login_window_minutes: int = 15
    max_upload_mb: int = 200
    page_size: int = 50
    trusted_proxies: int = 0


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
class JobSchedule:
    """When a worker job fires (crontab in the planning zone) and how late it may still run."""

    cron: str
    misfire_grace_seconds: int = 3600
    enabled: bool = True


@dataclass(frozen=True)
class WorkerSettings:
    """The background worker: lease, heartbeat, retries, reminder thresholds and job times."""

    lease_seconds: int = 60
    heartbeat_seconds: int = 15
    heartbeat_max_age_seconds: int = 120
    db_retry_max_seconds: int = 30
    unconfirmed_after_hours: int = 6
    report_remind_days: tuple[int, ...] = (7, 1)
    reports_folder: str = "instance/reports"
    jobs: dict[str, JobSchedule] = field(default_factory=dict)


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


@dataclass(frozen=True)
class Settings:
    """Everything config.toml says, validated."""

    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    locale: LocaleSettings = field(default_factory=LocaleSettings)
    media: MediaSettings = field(default_factory=MediaSettings)
    planning: PlanningSettings = field(default_factory=PlanningSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    web: WebSettings = field(default_factory=WebSettings)
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
    source: str = "<defaults>"
    base_dir: str = "."

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


_INTERNAL = {"source", "base_dir"}


def _convert(value: Any, hint: Any, key: str, where: str) -> Any:
    """Check value against a type hint and convert lists/tables; raise ConfigError naming key."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        return _convert(value, non_none[0], key, where)
    if origin is Literal:
        if value not in args:
            allowed = ", ".join(repr(a) for a in args)
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must be one of %(allowed)s, not %(value)s"),
                code="config.choice",
                file=where,
                key=key,
                allowed=allowed,
                value=repr(value),
            )
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must be a list, not %(value)s"),
                code="config.type",
                file=where,
                key=key,
                value=repr(value),
            )
        return tuple(_convert(v, args[0], f"{key}[{i}]", where) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must be a table"),
                code="config.type",
                file=where,
                key=key,
            )
        return {k: _convert(v, args[1], f"{key}.{k}", where) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key, where)
    wanted = _SCALARS.get(hint)
    if wanted is not None:
        kinds, what = wanted
        if isinstance(value, bool) is not (hint is bool) or not isinstance(value, kinds):
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must be %(what)s, not %(value)s"),
                code="config.type",
                file=where,
                key=key,
                what=Message(what),
                value=repr(value),
            )
        if hint is float:
            return float(value)
        if hint is str:
            return _clean(value, key, where)
    return value


_SCALARS: dict[Any, tuple[Any, str]] = {
    float: ((int, float), N_("a number")),
    int: (int, N_("an integer")),
    str: (str, N_("a string")),
    bool: (bool, N_("true or false")),
}


def _not_table(where: str, key: str) -> ConfigError:
    return ConfigError(
        N_("%(file)s: key '%(key)s' must be a table"), code="config.type", file=where, key=key
    )


def _clean(value: str, key: str, where: str) -> str:
    """Config text at the door: NFC, no control characters (labels and rule names are shown)."""
    try:
        return clean_text(value, field=key)
    except InvalidText as exc:
        raise ConfigError(
            N_("%(file)s: key '%(key)s': %(problem)s"),
            code="config.text",
            file=where,
            key=key,
            problem=exc,
        ) from exc


def _build(cls: Any, data: Any, prefix: str, where: str) -> Any:
    """Build dataclass cls from a TOML table, rejecting unknown and missing keys."""
    if not isinstance(data, dict):
        raise ConfigError(
            N_("%(file)s: key '%(key)s' must be a table"),
            code="config.type",
            file=where,
            key=prefix,
        )
    hints = typing.get_type_hints(cls)
    internal = _INTERNAL if cls is Settings else set()
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in internal}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        full = f"{prefix}.{key}" if prefix else key
        if key not in fields:
            raise ConfigError(
                N_("%(file)s: unknown key '%(key)s'"), code="config.unknown", file=where, key=full
            )
        kwargs[key] = _convert(value, hints[key], full, where)
    for name, f in fields.items():
        no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in kwargs and no_default:
            full = f"{prefix}.{name}" if prefix else name
            raise ConfigError(
                N_("%(file)s: the key '%(key)s' is missing"),
                code="config.missing",
                file=where,
                key=full,
            )
    return cls(**kwargs)


def parse_settings(data: dict[str, Any], where: str, base_dir: str = ".") -> Settings:
    """Validate a parsed TOML document and return Settings."""
    settings = _build(Settings, data, "", where)
    settings = dataclasses.replace(settings, source=where, base_dir=base_dir)
    try:
        ZoneInfo(settings.locale.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            N_("%(file)s: key '%(key)s': unknown time zone %(value)s"),
            code="config.timezone",
            file=where,
            key="locale.timezone",
            value=repr(settings.locale.timezone),
        ) from exc
    if settings.planning.no_repeat_weeks < 0:
        raise out_of_range(where, "planning.no_repeat_weeks", ">= 0")
    if not 0 <= settings.planning.target_margin_percent <= 1000:
        raise out_of_range(where, "planning.target_margin_percent", "0..1000")
    check_rules(settings, where)
    check_reports(settings, where)
    check_report_layout(settings, where)
    check_worker(settings, where)
    check_agent(settings, where)
    check_audio_feeds(settings, where)
    check_web(settings, where)
    check_emergency(settings, where)
    try:
        speech = checked_speech(settings.speech, base_dir)
    except SpeechProblem as exc:
        raise ConfigError(
            N_("%(file)s: key '%(key)s': %(problem)s"),
            code="config.speech",
            file=where,
            key=exc.key,
            problem=exc.message,
        ) from exc
    return dataclasses.replace(settings, speech=speech)


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read the config file (LOA_CONFIG or the default), validate it, apply LOA_DATABASE_URL."""
    chosen = Path(path or os.environ.get("LOA_CONFIG") or DEFAULT_CONFIG)
    where = str(chosen)
    try:
        with chosen.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            N_("%(file)s: the configuration file was not found"), code="config.file", file=where
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            N_("%(file)s: the configuration file is not valid TOML (%(reason)s)"),
            code="config.toml",
            file=where,
            reason=str(exc),
        ) from exc
    settings = parse_settings(data, where, base_dir=str(chosen.resolve().parent))
    url = os.environ.get("LOA_DATABASE_URL")
    if url:
        settings = dataclasses.replace(settings, database=DatabaseSettings(url=url))
    return settings
