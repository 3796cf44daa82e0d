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

from scheduler.speech_config import SpeechProblem, SpeechSettings, checked_speech

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.toml"
PERIOD_KINDS = ("week", "month", "quarter", "half", "year")
CHANNEL_LANGUAGE = "channel"


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


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


WORKER_JOBS = (
    "feeds_poll",
    "remind_today",
    "remind_unconfirmed",
    "draft_next_week",
    "report_deadlines",
    "backup_nightly",
    "weekly_digest",
    "deliver_notifications",
)
ROLES = ("planner", "broadcaster", "supervisor", "admin")


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
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
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
                f"{where}: khóa '{key}' phải là một trong {allowed}, nhận {value!r} / "
                f"key '{key}' must be one of {allowed}, got {value!r}"
            )
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(
                f"{where}: khóa '{key}' phải là danh sách / "
                f"key '{key}' must be a list, got {type(value).__name__}"
            )
        return tuple(_convert(v, args[0], f"{key}[{i}]", where) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(
                f"{where}: khóa '{key}' phải là một bảng / key '{key}' must be a table"
            )
        return {k: _convert(v, args[1], f"{key}.{k}", where) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key, where)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(
                f"{where}: khóa '{key}' phải là số, nhận {value!r} / "
                f"key '{key}' must be a number, got {value!r}"
            )
        return float(value)
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(
            f"{where}: khóa '{key}' phải là số nguyên, nhận {value!r} / "
            f"key '{key}' must be an integer, got {value!r}"
        )
    if hint is str and not isinstance(value, str):
        raise ConfigError(
            f"{where}: khóa '{key}' phải là chuỗi, nhận {value!r} / "
            f"key '{key}' must be a string, got {value!r}"
        )
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(
            f"{where}: khóa '{key}' phải là true hoặc false, nhận {value!r} / "
            f"key '{key}' must be true or false, got {value!r}"
        )
    return value


def _build(cls: Any, data: Any, prefix: str, where: str) -> Any:
    """Build dataclass cls from a TOML table, rejecting unknown and missing keys."""
    if not isinstance(data, dict):
        raise ConfigError(
            f"{where}: khóa '{prefix}' phải là một bảng / key '{prefix}' must be a table"
        )
    hints = typing.get_type_hints(cls)
    internal = _INTERNAL if cls is Settings else set()
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in internal}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        full = f"{prefix}.{key}" if prefix else key
        if key not in fields:
            raise ConfigError(f"{where}: khóa '{full}' không hợp lệ / unknown key '{full}'")
        kwargs[key] = _convert(value, hints[key], full, where)
    for name, f in fields.items():
        no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in kwargs and no_default:
            full = f"{prefix}.{name}" if prefix else name
            raise ConfigError(f"{where}: thiếu khóa '{full}' / missing key '{full}'")
    return cls(**kwargs)


def _check_rules(settings: Settings, where: str) -> None:
    """Cross-check rules against the configured vocabularies."""
    seen: set[str] = set()
    vocab = {
        "channel_kinds": settings.channel_kinds,
        "topics": settings.topics,
        "programme_types": settings.programme_types,
        "languages": {**settings.languages, CHANNEL_LANGUAGE: None},
    }
    for i, rule in enumerate(settings.rules):
        key = f"rules[{i}]"
        if rule.id in seen:
            raise ConfigError(
                f"{where}: khóa '{key}.id': mã quy định '{rule.id}' bị trùng / "
                f"key '{key}.id': duplicate rule id '{rule.id}'"
            )
        seen.add(rule.id)
        for attr, known in vocab.items():
            for code in getattr(rule, attr):
                if code not in known:
                    raise ConfigError(
                        f"{where}: khóa '{key}.{attr}' (quy định '{rule.id}') "
                        f"có mã không hợp lệ '{code}' / "
                        f"key '{key}.{attr}' (rule '{rule.id}') names unknown "
                        f"{attr.rstrip('s').replace('_', ' ')} '{code}'"
                    )
        if not rule.channel_kinds:
            raise ConfigError(
                f"{where}: khóa '{key}.channel_kinds' không được để trống / "
                f"key '{key}.channel_kinds' must not be empty"
            )
        if rule.minimum < 0 or (rule.target is not None and rule.target < rule.minimum):
            raise ConfigError(
                f"{where}: khóa '{key}.target' phải >= minimum >= 0 / "
                f"key '{key}.target' must be >= minimum >= 0"
            )
        lo, hi = rule.min_duration_minutes, rule.max_duration_minutes
        if lo is not None and hi is not None and lo > hi:
            raise ConfigError(
                f"{where}: khóa '{key}.min_duration_minutes' vượt quá giá trị tối đa / "
                f"key '{key}.min_duration_minutes' exceeds the maximum"
            )


def _check_reports(settings: Settings, where: str) -> None:
    """Deadlines must fall inside their period."""
    months = {"quarter": 3, "half": 6, "year": 12}
    for i, rp in enumerate(settings.reports):
        if not 1 <= rp.deadline_month <= months[rp.period]:
            raise ConfigError(
                f"{where}: khóa 'reports[{i}].deadline_month' nằm ngoài kỳ báo cáo / "
                f"key 'reports[{i}].deadline_month' outside the period"
            )
        if not 1 <= rp.deadline_day <= 28:
            raise ConfigError(
                f"{where}: khóa 'reports[{i}].deadline_day' phải từ 1 đến 28 / "
                f"key 'reports[{i}].deadline_day' must be 1..28"
            )


AS_ABOVE = "như trên"


def _check_report_layout(settings: Settings, where: str) -> Settings:
    """Texts of the report's layout cleaned at the door; signature and addressees consistent."""
    from content.errors import InvalidContent
    from content.text import clean_text

    layout = settings.report_layout
    cleaned: dict[str, Any] = {}
    for f in dataclasses.fields(ReportLayout):
        value = getattr(layout, f.name)
        key = f"report_layout.{f.name}"
        try:
            if isinstance(value, tuple):
                cleaned[f.name] = tuple(clean_text(v, field=key) for v in value)
            else:
                cleaned[f.name] = clean_text(value, field=key)
        except InvalidContent as exc:
            raise ConfigError(f"{where}: key '{key}': {exc}") from exc
    layout = ReportLayout(**cleaned)
    if layout.sign_as and layout.sign_as != "Q." and not layout.on_behalf_of:
        raise ConfigError(
            f"{where}: key 'report_layout.on_behalf_of' is required with sign_as = "
            f"{layout.sign_as!r} (the head's title, e.g. 'CHÁNH VĂN PHÒNG')"
        )
    if any(r.lower().startswith(AS_ABOVE) for r in layout.recipients) and not layout.addressees:
        raise ConfigError(
            f"{where}: key 'report_layout.recipients' lists 'Như trên', which refers to "
            "'Kính gửi': set 'report_layout.addressees'"
        )
    if not layout.issuing_body or not layout.signer_title:
        raise ConfigError(
            f"{where}: keys 'report_layout.issuing_body' and 'report_layout.signer_title' "
            "must not be empty"
        )
    return dataclasses.replace(settings, report_layout=layout)


def _check_worker(settings: Settings, where: str) -> None:
    """Worker timings must be positive and consistent; jobs and roles must be known."""
    w = settings.worker
    for name in ("lease_seconds", "heartbeat_seconds", "heartbeat_max_age_seconds"):
        if getattr(w, name) <= 0:
            raise ConfigError(
                f"{where}: khóa 'worker.{name}' phải > 0 / key 'worker.{name}' must be > 0"
            )
    if w.heartbeat_seconds * 2 > w.lease_seconds:
        raise ConfigError(
            f"{where}: khóa 'worker.heartbeat_seconds' tối đa bằng một nửa lease_seconds / "
            "key 'worker.heartbeat_seconds' must be at most half of lease_seconds"
        )
    for job_id, job in w.jobs.items():
        if job_id not in WORKER_JOBS:
            raise ConfigError(
                f"{where}: khóa 'worker.jobs.{job_id}' không hợp lệ / "
                f"unknown key 'worker.jobs.{job_id}'"
            )
        if len(job.cron.split()) not in (5, 6):
            raise ConfigError(
                f"{where}: khóa 'worker.jobs.{job_id}.cron' phải có 5 trường "
                "(phút giờ ngày tháng thứ) hoặc 6 (giây đứng đầu) / "
                f"key 'worker.jobs.{job_id}.cron' must have 5 fields "
                "(minute hour day month day_of_week) or 6 (second first)"
            )
        if job.misfire_grace_seconds < 1:
            raise ConfigError(
                f"{where}: khóa 'worker.jobs.{job_id}.misfire_grace_seconds' phải >= 1 / "
                f"key 'worker.jobs.{job_id}.misfire_grace_seconds' < 1"
            )
    n = settings.notifications
    for i, r in enumerate(n.recipients):
        if r.role not in ROLES:
            raise ConfigError(
                f"{where}: khóa 'notifications.recipients[{i}].role' không hợp lệ / "
                f"key 'notifications.recipients[{i}].role' unknown"
            )
    if n.max_attempts < 1 or n.backoff_seconds < 0:
        raise ConfigError(
            f"{where}: khóa 'notifications.max_attempts' phải >= 1 / "
            "key 'notifications.max_attempts' must be >= 1"
        )
    if settings.backup.keep < 1:
        raise ConfigError(f"{where}: khóa 'backup.keep' phải >= 1 / key 'backup.keep' must be >= 1")


MP3_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MP3_SAMPLE_RATES = (16000, 22050, 24000, 32000, 44100, 48000)


def _check_audio_feeds(settings: Settings, where: str) -> None:
    """Audio and feed values must be usable (ranges an MP3 encoder and a poller accept)."""
    a, f = settings.audio, settings.feeds
    checks = [
        ("audio.target_lufs", -40.0 <= a.target_lufs <= -5.0, "between -40 and -5"),
        ("audio.max_true_peak_dbtp", -10.0 <= a.max_true_peak_dbtp <= 0.0, "between -10 and 0"),
        ("audio.bitrate_kbps", a.bitrate_kbps in MP3_BITRATES, f"one of {MP3_BITRATES}"),
        ("audio.sample_rate", a.sample_rate in MP3_SAMPLE_RATES, f"one of {MP3_SAMPLE_RATES}"),
        ("audio.channels", a.channels in (1, 2), "1 or 2"),
        ("audio.silence_threshold_db", -90.0 <= a.silence_threshold_db <= -20.0, "-90..-20"),
        ("audio.gap_seconds", 0.0 <= a.gap_seconds <= 30.0, "between 0 and 30"),
        ("feeds.timeout_seconds", 0 < f.timeout_seconds <= 300, "between 0 and 300"),
        ("feeds.max_bytes", 1024 <= f.max_bytes <= 100_000_000, "between 1 KB and 100 MB"),
        ("feeds.default_poll_minutes", 1 <= f.default_poll_minutes <= 10080, "1..10080"),
    ]
    for key, ok, what in checks:
        if not ok:
            raise ConfigError(
                f"{where}: khóa '{key}' có giá trị không hợp lệ / key '{key}' must be {what}"
            )


def _check_web(settings: Settings, where: str) -> None:
    """Web limits must be positive."""
    if not 1 <= settings.database.pool_size <= 200:
        raise ConfigError(
            f"{where}: khóa 'database.pool_size' phải từ 1 đến 200 / "
            "key 'database.pool_size' must be 1..200"
        )
    for name in ("session_hours", "login_max_failures", "login_window_minutes", "max_upload_mb"):
        if getattr(settings.web, name) < 1:
            raise ConfigError(
                f"{where}: khóa 'web.{name}' phải >= 1 / key 'web.{name}' must be >= 1"
            )
    if not 0 <= settings.web.trusted_proxies <= 5:
        raise ConfigError(
            f"{where}: khóa 'web.trusted_proxies' phải từ 0 đến 5 / "
            "key 'web.trusted_proxies' must be 0..5"
        )
    if not 1 <= settings.web.page_size <= 1000:
        raise ConfigError(
            f"{where}: khóa 'web.page_size' phải từ 1 đến 1000 / "
            "key 'web.page_size' must be 1..1000"
        )


def parse_settings(data: dict[str, Any], where: str, base_dir: str = ".") -> Settings:
    """Validate a parsed TOML document and return Settings."""
    settings = _build(Settings, data, "", where)
    settings = dataclasses.replace(settings, source=where, base_dir=base_dir)
    try:
        ZoneInfo(settings.locale.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{where}: khóa 'locale.timezone': múi giờ {settings.locale.timezone!r} không hợp lệ / "
            f"key 'locale.timezone': unknown time zone {settings.locale.timezone!r}"
        ) from exc
    if settings.planning.no_repeat_weeks < 0:
        raise ConfigError(
            f"{where}: khóa 'planning.no_repeat_weeks' phải >= 0 / "
            "key 'planning.no_repeat_weeks' must be >= 0"
        )
    _check_rules(settings, where)
    _check_reports(settings, where)
    settings = _check_report_layout(settings, where)
    _check_worker(settings, where)
    _check_audio_feeds(settings, where)
    _check_web(settings, where)
    try:
        speech = checked_speech(settings.speech, base_dir)
    except SpeechProblem as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return dataclasses.replace(settings, speech=speech)


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read the config file (LOA_CONFIG or the default), validate it, apply LOA_DATABASE_URL."""
    chosen = Path(path or os.environ.get("LOA_CONFIG") or DEFAULT_CONFIG)
    where = str(chosen)
    try:
        with chosen.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{where}: không tìm thấy tệp cấu hình / file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{where}: tệp cấu hình không đúng cú pháp TOML / not valid TOML: {exc}"
        ) from exc
    settings = parse_settings(data, where, base_dir=str(chosen.resolve().parent))
    url = os.environ.get("LOA_DATABASE_URL")
    if url:
        settings = dataclasses.replace(settings, database=DatabaseSettings(url=url))
    return settings
