"""The worker's settings ([worker] in config.toml): lease, heartbeat, retries and job times."""

from __future__ import annotations

from dataclasses import dataclass, field

from audio.messages import N_
from content.config_loader import ConfigError, out_of_range

WORKER_JOBS = (
    "feeds_poll",
    "remind_today",
    "remind_unconfirmed",
    "draft_next_week",
    "report_deadlines",
    "backup_nightly",
    "weekly_digest",
    "emergency_watch",
    "deliver_notifications",
)


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

    def check(self, where: str) -> None:
        """Timings positive and consistent; every job known, with a usable crontab."""
        for name in ("lease_seconds", "heartbeat_seconds", "heartbeat_max_age_seconds"):
            if getattr(self, name) <= 0:
                raise out_of_range(where, f"worker.{name}", "> 0")
        if self.heartbeat_seconds * 2 > self.lease_seconds:
            raise ConfigError(
                N_("%(file)s: key '%(key)s' must be at most half of lease_seconds"),
                code="config.worker.heartbeat",
                file=where,
                key="worker.heartbeat_seconds",
            )
        for job_id, job in self.jobs.items():
            if job_id not in WORKER_JOBS:
                raise ConfigError(
                    N_("%(file)s: unknown key '%(key)s'"),
                    code="config.unknown",
                    file=where,
                    key=f"worker.jobs.{job_id}",
                )
            if len(job.cron.split()) not in (5, 6):
                raise ConfigError(
                    N_(
                        "%(file)s: key '%(key)s' must have 5 fields"
                        " (minute hour day month day_of_week) or 6 (second first)"
                    ),
                    code="config.worker.cron",
                    file=where,
                    key=f"worker.jobs.{job_id}.cron",
                )
            if job.misfire_grace_seconds < 1:
                raise out_of_range(where, f"worker.jobs.{job_id}.misfire_grace_seconds", ">= 1")
